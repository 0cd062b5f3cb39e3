"""Seed feature 8 (and the trigger of 9): one sync of a bound account's items, then the viral rule.

Pages are fetched through the connector and stored by content-center one at a time, so no payload grows
with the account. Hits start one ReplicationWorkflow each, whose id is the dedup key: a hit seen again on
the next sync starts nothing.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ActivityError, ApplicationError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from douflow.temporal import DOUYIN_ACCOUNT_ID, FEATURE, TENANT_ID
    from models.metrics import (
        ACCOUNT_UNAVAILABLE,
        CandidateQuery,
        FetchPage,
        Hit,
        MetricsPage,
        MetricsSyncInput,
        MetricsSyncResult,
        StoredSnapshots,
        StoreSnapshots,
        ViralCandidates,
        ViralRuleSpec,
    )
    from models.replication import ReplicationInput
    from workflows import metrics_policies as policies
    from workflows.queues import content_queue, douyin_queue
    from workflows.viral_rule import decide

from workflows.replication_workflow import ReplicationWorkflow

REPLICATION_FEATURE = "viral_replication"


def replication_workflow_id(tenant_id: str, item_id: str) -> str:
    """The dedup key of a hit: one replication per item, ever."""
    return f"replicate-{tenant_id}-{item_id}"


@workflow.defn
class MetricsSyncWorkflow:
    def __init__(self) -> None:
        self._stage = "starting"

    @workflow.run
    async def run(self, input: MetricsSyncInput) -> MetricsSyncResult:
        result = MetricsSyncResult(status="synced")
        try:
            fetched_at = await self._sync_pages(input, result)
        except ActivityError as exc:
            if not _is_account_unavailable(exc):
                raise
            workflow.logger.warning(
                "metrics sync of account %s skipped: account unavailable", input.account_id
            )
            return MetricsSyncResult(status="account_unavailable", reason=str(exc.cause or exc))
        if input.detect_hits and fetched_at is not None:
            self._stage = "judging"
            candidates = await self._candidates(input, fetched_at)
            for hit, replicated in decide(candidates.candidates, candidates.rule):
                result.hits.append(hit)
                if replicated or not await self._replicate(input, hit, candidates.rule):
                    result.already_replicated.append(hit.item_id)
                else:
                    result.replications_started.append(replication_workflow_id(input.tenant_id, hit.item_id))
        self._stage = "done"
        return result

    @workflow.query
    def stage(self) -> str:
        return self._stage

    async def _sync_pages(self, input: MetricsSyncInput, result: MetricsSyncResult) -> datetime | None:
        """Every page newest first; the time of the last fetch is the 'now' of the rule."""
        cursor, fetched_at = 0, None
        for _ in range(input.max_pages):
            self._stage = f"page {result.pages + 1}"
            page: MetricsPage = await workflow.execute_activity(
                "fetch_metrics_page",
                FetchPage(
                    tenant_id=input.tenant_id,
                    account_id=input.account_id,
                    cursor=cursor,
                    count=input.page_size,
                ),
                result_type=MetricsPage,
                task_queue=douyin_queue(),
                start_to_close_timeout=policies.FETCH_PAGE_TIMEOUT,
                retry_policy=policies.FETCH_RETRY,
            )
            stored = await self._store(input, page)
            result.pages += 1
            result.items += stored.items
            result.snapshots += stored.snapshots
            fetched_at = page.fetched_at
            if not page.has_more or not page.items:
                break
            cursor = page.cursor
        return fetched_at

    async def _store(self, input: MetricsSyncInput, page: MetricsPage) -> StoredSnapshots:
        stored: StoredSnapshots = await workflow.execute_activity(
            "store_metric_snapshots",
            StoreSnapshots(
                tenant_id=input.tenant_id,
                account_id=input.account_id,
                fetched_at=page.fetched_at,
                items=page.items,
                dense_hours=input.dense_hours,
                sparse_hours=input.sparse_hours,
            ),
            result_type=StoredSnapshots,
            task_queue=content_queue(),
            start_to_close_timeout=policies.STORE_PAGE_TIMEOUT,
            retry_policy=policies.STORE_RETRY,
        )
        return stored

    async def _candidates(self, input: MetricsSyncInput, as_of: datetime) -> ViralCandidates:
        candidates: ViralCandidates = await workflow.execute_activity(
            "viral_candidates",
            CandidateQuery(tenant_id=input.tenant_id, account_id=input.account_id, as_of=as_of),
            result_type=ViralCandidates,
            task_queue=content_queue(),
            start_to_close_timeout=policies.CANDIDATES_TIMEOUT,
            retry_policy=policies.STORE_RETRY,
        )
        return candidates

    async def _replicate(self, input: MetricsSyncInput, hit: Hit, rule: ViralRuleSpec) -> bool:
        """Starts the hit's replication; false when its id was used before (the hit was replicated)."""
        try:
            await workflow.start_child_workflow(
                ReplicationWorkflow.run,
                ReplicationInput(
                    tenant_id=input.tenant_id,
                    account_id=input.account_id,
                    hit=hit,
                    variant_count=rule.variant_count,
                    similarity_threshold=rule.similarity_threshold,
                    auto_schedule=rule.auto_schedule,
                ),
                id=replication_workflow_id(input.tenant_id, hit.item_id),
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                execution_timeout=policies.REPLICATION_WORKFLOW_TIMEOUT,
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(TENANT_ID, input.tenant_id),
                        SearchAttributePair(DOUYIN_ACCOUNT_ID, input.account_id),
                        SearchAttributePair(FEATURE, REPLICATION_FEATURE),
                    ]
                ),
            )
        except WorkflowAlreadyStartedError:
            return False
        return True


def _is_account_unavailable(exc: ActivityError) -> bool:
    cause = exc.cause
    return isinstance(cause, ApplicationError) and cause.type == ACCOUNT_UNAVAILABLE
