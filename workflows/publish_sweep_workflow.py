"""Settles publishes their run left open: `under_review` past its polling, and `unconfirmed`.

A Temporal Schedule runs it over every tenant's stale publishes; an operator who names the item of an
unconfirmed publish runs it at once for that publish. Douyin decides: the item's review state for a known
item, and for an unconfirmed publish without one, the account's item list, where only an item made inside
one of the publish's unknown attempts counts. Whatever cannot be decided is left for the next sweep or
for an operator, never guessed.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.content.contract import ContentCenter
    from activities.douyin.contract import DouyinConnector
    from douflow.temporal import policies
    from douflow.temporal.search import Feature, tag_updates
    from models.douyin_accounts import AccountRef
    from models.publish import (
        FindItem,
        PublishStatus,
        ReviewQuery,
        Settlement,
        StalePublish,
        SweepInput,
        SweepResult,
    )
    from workflows import calls
    from workflows.publish_brackets import SKEW_SECONDS, made_during


@workflow.defn
class PublishSweepWorkflow:
    @workflow.run
    async def run(self, input: SweepInput) -> SweepResult:
        if input.tenant_id is not None:
            # Started for one tenant's publishes: findable by that tenant, however it was started.
            workflow.upsert_search_attributes(tag_updates(input.tenant_id, Feature.PUBLISH_SWEEP))
        stale = await calls.content(ContentCenter.stale_publishes, input, policies.PUBLISH_STORE)
        result = SweepResult(checked=len(stale.publishes))
        for publish in stale.publishes:
            status = await self._settle(publish, input)
            if status is None:
                result.left.append(publish.publish_id)
            else:
                result.settled[status] = result.settled.get(status, 0) + 1
        return result

    async def _settle(self, publish: StalePublish, input: SweepInput) -> PublishStatus | None:
        """The status Douyin gives the publish now, written back; None when it stays as it is."""
        account = AccountRef(tenant_id=publish.tenant_id, account_id=publish.account_id)
        named = input.named_items.get(publish.publish_id)
        item_id = named or publish.item_id or await self._find(account, publish)
        settlement = Settlement(
            tenant_id=publish.tenant_id, publish_id=publish.publish_id, at=workflow.now(), by=input.by
        )
        if item_id is not None:
            settlement = await self._review(account, item_id, settlement, publish.status)
        changed = await calls.content(ContentCenter.settle_publish, settlement, policies.PUBLISH_STORE)
        return settlement.status if changed else None

    async def _find(self, account: AccountRef, publish: StalePublish) -> str | None:
        """The one item made during an unknown attempt of this publish, if the list shows exactly one."""
        if not publish.attempts or not publish.text:
            return None
        try:
            claimed = await calls.content(
                ContentCenter.claimed_publish_items, account, policies.PUBLISH_STORE
            )
            query = FindItem(
                account=account,
                media_type=publish.media_type,
                text=publish.text,
                created_after=int(min(publish.attempts).timestamp()) - SKEW_SECONDS,
                exclude_item_ids=claimed.item_ids,
            )
            found = await calls.douyin(DouyinConnector.find_douyin_item, query, policies.DOUYIN_READ)
        except ActivityError:
            return None
        ours = [m for m in found.matches if made_during(m.create_time, publish.attempts)]
        return ours[0].item_id if len(ours) == 1 else None

    async def _review(
        self, account: AccountRef, item_id: str, settlement: Settlement, status: PublishStatus
    ) -> Settlement:
        query = ReviewQuery(account=account, item_id=item_id)
        try:
            state = await calls.douyin(DouyinConnector.douyin_review_state, query, policies.DOUYIN_READ)
        except ActivityError:
            return settlement
        if state.published:
            return settlement.model_copy(
                update={"status": "published", "item_id": item_id, "share_url": state.share_url}
            )
        if state.rejected:
            reason = (
                f"Douyin review did not pass (video_status {state.video_status}: not suitable for public)"
            )
            return settlement.model_copy(update={"status": "rejected", "item_id": item_id, "reason": reason})
        if state.found and status == "unconfirmed":
            reason = "found on Douyin after its run; still under review"
            return settlement.model_copy(
                update={"status": "under_review", "item_id": item_id, "reason": reason}
            )
        return settlement
