"""A Douyin webhook event, acknowledged by the BFF and handled here once per tenant holding its account:
`unauthorize` revokes that tenant's accounts of the user.

Other events are kept in the webhook inbox for the features that will read them (IM, comments).
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.douyin_accounts import Deactivation, DouyinEventInput, DouyinEventResult
    from workflows import douyin_account_steps as steps

from workflows.account_token_workflow import stop_token_workflow

WEBHOOK_ACTOR = "douyin-webhook"


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
        return DouyinEventResult(msg_id=input.msg_id, event=input.event, handled=False)

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
