"""Seed feature 16: one group-robot webhook's digest. The first notification starts it (signal-with-start), those
arriving within the window join it, and they go out as one message, posted by an activity with retries; then
the run ends, and the next notification starts the next digest.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.orchestration.contract import Orchestration
    from douflow.temporal import policies
    from models.notifications import DigestInput, DigestPost, DigestPosted, NotificationItem
    from workflows import calls


@workflow.defn
class NotificationDigestWorkflow:
    def __init__(self) -> None:
        self._pending: list[NotificationItem] = []
        self._seen: set[str] = set()

    @workflow.run
    async def run(self, input: DigestInput) -> DigestPosted:
        posted = DigestPosted(posted=False, reason="nothing to post")
        while True:
            await workflow.wait_condition(lambda: bool(self._pending))
            await workflow.sleep(timedelta(seconds=input.window_seconds))
            batch, self._pending = self._pending, []
            posted = await self._post(input, batch)
            if not self._pending:
                break
        await workflow.wait_condition(workflow.all_handlers_finished)
        return posted

    @workflow.signal
    def add(self, item: NotificationItem) -> None:
        """A notification for this webhook; one already collected by this run is not repeated."""
        if item.id not in self._seen:
            self._seen.add(item.id)
            self._pending.append(item)

    async def _post(self, input: DigestInput, batch: list[NotificationItem]) -> DigestPosted:
        post = DigestPost(tenant_id=input.tenant_id, webhook_id=input.webhook_id, items=batch)
        try:
            return await calls.orchestration(
                Orchestration.post_notification_digest, post, policies.WEBHOOK_POST
            )
        except ActivityError as exc:  # the robot stays unreachable or refuses it: in-app notifications stand
            workflow.logger.warning("digest of %d not posted: %s", len(batch), exc.cause or exc)
            return DigestPosted(posted=False, reason=str(exc.cause or exc))
