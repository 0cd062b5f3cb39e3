"""A Douyin webhook event, acknowledged by the BFF and handled here once per tenant holding its account:
`unauthorize` revokes that tenant's accounts of the user.

`new_video_digg` / `new_follow_action` become the fan's behaviour events for intent scoring (seed 12): this run
is already one per (tenant, event), so a redelivery is a no-op and nothing opens a conversation for a fan who
never wrote. Other events are kept in the webhook inbox for the features that will read them (comments).
"""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.orchestration.contract import Orchestration
    from douflow.temporal import policies
    from models.customers import FanAction
    from models.douyin_accounts import Deactivation, DouyinEventInput, DouyinEventResult
    from workflows import calls
    from workflows import douyin_account_steps as steps

from workflows.account_token_workflow import stop_token_workflow

WEBHOOK_ACTOR = "douyin-webhook"
FAN_EVENTS = ("new_video_digg", "new_follow_action")
RECORDS_FAN_ACTIONS = "douyin-event-records-fan-actions"


@workflow.defn
class DouyinEventWorkflow:
    @workflow.run
    async def run(self, input: DouyinEventInput) -> DouyinEventResult:
        if input.event == "unauthorize" and input.from_user_id:
            # Events handed over before they were routed per tenant carry none: they act on every tenant.
            revoked = await self._revoke(input.tenant_id, input.from_user_id)
            return DouyinEventResult(
                msg_id=input.msg_id, event=input.event, handled=True, account_ids=revoked
            )
        if input.event in FAN_EVENTS and input.tenant_id and workflow.patched(RECORDS_FAN_ACTIONS):
            return await self._fan_action(input, input.tenant_id)
        return DouyinEventResult(msg_id=input.msg_id, event=input.event, handled=False)

    async def _fan_action(self, input: DouyinEventInput, tenant_id: str) -> DouyinEventResult:
        """A like or a follow: the fan's behaviour event (`content` {action_type, action_time s, item_id})."""
        content = input.content if isinstance(input.content, dict) else {}
        at = workflow.now()
        action_time = content.get("action_time")
        if isinstance(action_time, int | float) and action_time > 0:
            at = datetime.fromtimestamp(action_time / 1000 if action_time > 10**11 else action_time, UTC)
        item = content.get("item_id")
        recorded = await calls.orchestration(
            Orchestration.record_fan_action,
            FanAction(
                tenant_id=tenant_id,
                event="new_follow_action" if input.event == "new_follow_action" else "new_video_digg",
                msg_id=input.msg_id,
                user_ids=[input.from_user_id, input.to_user_id],
                item_id=str(item) if item else None,
                at=at,
            ),
            policies.CONVERSATION_STORE,
        )
        return DouyinEventResult(msg_id=input.msg_id, event=input.event, handled=recorded.recorded)

    async def _revoke(self, tenant_id: str | None, open_id: str) -> list[str]:
        """The user withdrew the app in Douyin: the tenant's accounts bound to that open_id are revoked."""
        revoked = await steps.deactivate(
            Deactivation(
                status="revoked",
                reason="authorisation withdrawn in Douyin",
                actor_id=WEBHOOK_ACTOR,
                tenant_id=tenant_id,
                open_id=open_id,
            )
        )
        for account_id in revoked:
            await stop_token_workflow(account_id, "revoked")
        return revoked
