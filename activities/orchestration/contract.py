"""orchestration-service's own activities as its workflows call them (through `workflows.calls.orchestration`).

They run on the `orchestration` queue beside the workflows because they need the Temporal client itself
(creating schedules), which workflow code cannot hold. `OrchestrationActivities` implements them.
"""

from __future__ import annotations

from temporalio import activity

from models.replication import ScheduleVariants, VariantSchedule


class Orchestration:
    """orchestration-service's activities on the `orchestration` task queue."""

    @activity.defn
    async def schedule_replication_variants(self, req: ScheduleVariants) -> VariantSchedule:
        """Each publishable variant once as a one-off calendar entry at the account's next free slots."""
        raise NotImplementedError
