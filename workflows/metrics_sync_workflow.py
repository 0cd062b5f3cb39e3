"""Seed feature 8 (and the trigger of 9): one sync of a bound account's items, then the viral rule.

Pages are fetched through the connector and stored by content-center one at a time, so no payload grows
with the account. Hits start one ReplicationWorkflow each, whose id is the dedup key: a hit seen again on
the next sync starts nothing.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ActivityError, ApplicationError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.content.contract import ContentCenter
    from activities.douyin.contract import DouyinConnector
    from douflow.temporal import policies
    from douflow.temporal.errors import ACCOUNT_UNAVAILABLE, DOUYIN_REAUTH
    from douflow.temporal.ids import replication_workflow_id
    from douflow.temporal.search import Feature, tags
    from douflow.temporal.summaries import replication_summary
    from models.metrics import (
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
    from workflows import calls
    from workflows.viral_rule import decide

from workflows.replication_workflow import ReplicationWorkflow

# Only a person can help an account that answers these (reconnect, rebind): the sync ends, the schedule goes on.
ACCOUNT_STOPPERS = frozenset({ACCOUNT_UNAVAILABLE, DOUYIN_REAUTH})


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
            request = FetchPage(
                tenant_id=input.tenant_id, account_id=input.account_id, cursor=cursor, count=input.page_size
            )
            page: MetricsPage = await calls.douyin(
                DouyinConnector.fetch_metrics_page, request, policies.METRICS_FETCH
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
        return await calls.content(
            ContentCenter.store_metric_snapshots,
            StoreSnapshots(
                tenant_id=input.tenant_id,
                account_id=input.account_id,
                fetched_at=page.fetched_at,
                items=page.items,
                dense_hours=input.dense_hours,
                sparse_hours=input.sparse_hours,
            ),
            policies.METRICS_STORE,
        )

    async def _candidates(self, input: MetricsSyncInput, as_of: datetime) -> ViralCandidates:
        query = CandidateQuery(tenant_id=input.tenant_id, account_id=input.account_id, as_of=as_of)
        return await calls.content(ContentCenter.viral_candidates, query, policies.METRICS_STORE)

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
                execution_timeout=policies.REPLICATION_RUN,
                search_attributes=tags(
                    input.tenant_id, Feature.VIRAL_REPLICATION, account_id=input.account_id
                ),
                static_summary=replication_summary(hit.item_id, hit.ratio, hit.metric, input.account_id),
            )
        except WorkflowAlreadyStartedError:
            return False
        return True


def _is_account_unavailable(exc: ActivityError) -> bool:
    cause = exc.cause
    return isinstance(cause, ApplicationError) and cause.type in ACCOUNT_STOPPERS
