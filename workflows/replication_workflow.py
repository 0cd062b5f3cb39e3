"""Seed feature 9: a hit becomes N variant drafts that keep its hook, checked and linked to the source.

Started by MetricsSyncWorkflow with id `replicate-{tenant}-{item}` (reuse rejected), and content-center's
`replications` row is claimed first, so neither a second detection nor a retried run makes more drafts.
An image post's variants get their images drawn, so each is a publishable draft; when the tenant's rule
asks for it, the saved variants are planned on the source's account as one-off calendar entries.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from activities.content.contract import ContentCenter
    from activities.orchestration.contract import Orchestration
    from douflow.temporal import policies
    from models.content import Actor, NewContent
    from models.generation import ComplianceReport, ImageRequest, ImageSpec
    from models.replication import (
        BeginReplication,
        CheckedVariant,
        FinishReplication,
        RejectedVariant,
        ReplicationInput,
        ReplicationResult,
        ReplicationSource,
        ScheduleVariants,
        VariantRequest,
        VariantResult,
        VariantSchedule,
    )
    from workflows import calls
    from workflows.steps import check_compliance, draw_image, save_new_content

SYSTEM_USER = "system"


@workflow.defn
class ReplicationWorkflow:
    def __init__(self) -> None:
        self._stage = "starting"

    @workflow.run
    async def run(self, input: ReplicationInput) -> ReplicationResult:
        self._stage = "reading source"
        source = await self._begin(input)
        if source.already_done:
            return ReplicationResult(
                replication_id=source.replication_id,
                status="done",
                variant_content_ids=source.variant_content_ids,
                auto_schedule=source.auto_schedule,
                calendar_entry_ids=source.calendar_entry_ids,
                duplicate=True,
            )
        self._stage = "generating"
        try:
            generated = await calls.agent(
                AgentCenter.generate_variants, _request(input, source), policies.MODEL
            )
        except ActivityError as exc:
            # The model stayed unavailable through its retries: record it and tell the operators,
            # rather than leave the hit claimed by a failed run that nobody sees.
            reason = RejectedVariant(title=source.title, reason=f"generation failed: {exc.cause or exc}")
            return await self._finish(
                FinishReplication(
                    tenant_id=input.tenant_id,
                    replication_id=source.replication_id,
                    status="failed",
                    rejected=[reason],
                )
            )
        self._stage = "checking"
        checked, rejected = await self._checked(generated)
        self._stage = "drawing"
        checked, unillustrated = await self._illustrated(input, checked)
        self._stage = "saving"
        for variant in checked:
            await save_new_content(_new_content(input, source, variant))
        schedule: VariantSchedule | None = None
        if input.auto_schedule and checked:
            self._stage = "scheduling"
            schedule = await self._schedule(input, source, [v.content_id for v in checked])
        self._stage = "done"
        return await self._finish(
            FinishReplication(
                tenant_id=input.tenant_id,
                replication_id=source.replication_id,
                status="done" if checked else "failed",
                hook=generated.hook,
                variant_content_ids=[v.content_id for v in checked],
                rejected=generated.rejected + rejected + unillustrated,
                auto_schedule=input.auto_schedule,
                schedule=schedule,
            )
        )

    @workflow.query
    def stage(self) -> str:
        return self._stage

    async def _begin(self, input: ReplicationInput) -> ReplicationSource:
        begin = BeginReplication(
            tenant_id=input.tenant_id,
            account_id=input.account_id,
            workflow_id=workflow.info().workflow_id,
            hit=input.hit,
        )
        return await calls.content(ContentCenter.begin_replication, begin, policies.CONTENT_WRITE)

    async def _checked(self, generated: VariantResult) -> tuple[list[CheckedVariant], list[RejectedVariant]]:
        """Every variant through the compliance check at once; one with findings is not saved."""
        reports: list[ComplianceReport] = await asyncio.gather(
            *(check_compliance({"title": v.title, **v.body}) for v in generated.variants)
        )
        checked: list[CheckedVariant] = []
        rejected: list[RejectedVariant] = []
        for variant, report in zip(generated.variants, reports, strict=True):
            if report.passed:
                checked.append(
                    CheckedVariant(content_id=str(workflow.uuid4()), variant=variant, compliance=report)
                )
            else:
                terms = ", ".join(sorted({f.term for f in report.findings}))
                rejected.append(RejectedVariant(title=variant.title, reason=f"compliance: {terms}"))
        return checked, rejected

    async def _illustrated(
        self, input: ReplicationInput, checked: list[CheckedVariant]
    ) -> tuple[list[CheckedVariant], list[RejectedVariant]]:
        """Every image post's images drawn at once; a variant whose images failed is not saved."""
        drawn = await asyncio.gather(*(self._draw(input, v) for v in checked))
        done = [v for v in drawn if isinstance(v, CheckedVariant)]
        return done, [v for v in drawn if isinstance(v, RejectedVariant)]

    async def _draw(
        self, input: ReplicationInput, checked: CheckedVariant
    ) -> CheckedVariant | RejectedVariant:
        variant = checked.variant
        if variant.kind != "image_post":
            return checked
        specs = [ImageSpec.model_validate(spec) for spec in variant.body.get("images") or []]
        requests = [
            ImageRequest(
                tenant_id=input.tenant_id,
                title=variant.title,
                spec=spec,
                index=index,
                platform=variant.body.get("platform", "douyin"),
            )
            for index, spec in enumerate(specs)
        ]
        try:
            images = await asyncio.gather(*(draw_image(r) for r in requests))
        except ActivityError as exc:
            return RejectedVariant(title=variant.title, reason=f"images failed: {exc.cause or exc}")
        return checked.model_copy(update={"images": list(images)})

    async def _schedule(
        self, input: ReplicationInput, source: ReplicationSource, content_ids: list[str]
    ) -> VariantSchedule:
        """One calendar entry per saved variant; a planning that keeps failing is recorded, not fatal."""
        request = ScheduleVariants(
            tenant_id=input.tenant_id,
            replication_id=source.replication_id,
            account_id=input.account_id,
            content_ids=content_ids,
        )
        try:
            return await calls.orchestration(
                Orchestration.schedule_replication_variants, request, policies.SCHEDULE_VARIANTS
            )
        except ActivityError as exc:
            return VariantSchedule(status="failed", reason=f"scheduling failed: {exc.cause or exc}")

    async def _finish(self, finish: FinishReplication) -> ReplicationResult:
        return await calls.content(ContentCenter.finish_replication, finish, policies.CONTENT_WRITE)


def _request(input: ReplicationInput, source: ReplicationSource) -> VariantRequest:
    return VariantRequest(
        tenant_id=input.tenant_id,
        kind=source.kind,
        source_title=source.title,
        topic=source.topic,
        body=source.body,
        count=input.variant_count,
        avoid_texts=source.recent_texts,
        similarity_threshold=input.similarity_threshold,
    )


def _new_content(input: ReplicationInput, source: ReplicationSource, checked: CheckedVariant) -> NewContent:
    return NewContent(
        content_id=checked.content_id,
        actor=Actor(tenant_id=input.tenant_id, user_id=SYSTEM_USER),
        kind=checked.variant.kind,
        title=checked.variant.title,
        topic=source.topic,
        platform=source.platform,
        body=checked.variant.body,
        compliance=checked.compliance,
        workflow_id=workflow.info().workflow_id,
        source_content_id=source.source_content_id,
        images=checked.images,
    )
