"""Seed feature 7: an operator unbinds a Douyin account; tokens are wiped, its history stays."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.douyin_accounts import Deactivation, UnbindInput, UnbindResult
    from workflows import douyin_account_steps as steps

from workflows.account_token_workflow import stop_token_workflow


@workflow.defn
class AccountUnbindWorkflow:
    @workflow.run
    async def run(self, input: UnbindInput) -> UnbindResult:
        steps.mark_account(input.tenant_id, input.account_id)
        changed = await steps.deactivate(
            Deactivation(
                status="unbound",
                reason="unbound by an operator",
                actor_id=input.user_id,
                tenant_id=input.tenant_id,
                account_id=input.account_id,
            )
        )
        await stop_token_workflow(input.account_id, "unbound")
        return UnbindResult(account_id=input.account_id, changed=bool(changed))
