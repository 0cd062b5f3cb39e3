"""Seed feature 7: a Douyin account was authorised; exchange the code, store the account, keep it fresh."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.douyin_accounts import (
        AccountRef,
        AccountToSave,
        BindingInput,
        BindingResult,
        ExchangedTokens,
        SavedAccount,
    )
    from workflows import douyin_account_policies as policies
    from workflows import douyin_account_steps as steps
    from workflows.queues import content_queue, douyin_queue


@workflow.defn
class AccountBindingWorkflow:
    def __init__(self) -> None:
        self._stage = "starting"

    @workflow.run
    async def run(self, input: BindingInput) -> BindingResult:
        self._stage = "exchanging"
        tokens = await self._exchange(input)
        self._stage = "saving"
        saved = await self._save(input, tokens)
        ref = AccountRef(tenant_id=input.tenant_id, account_id=saved.account_id)
        steps.mark_account(input.tenant_id, saved.account_id)
        self._stage = "profile"
        profile = await steps.sync_profile(ref)
        self._stage = "scheduling"
        await steps.start_token_workflow(ref)
        self._stage = "done"
        return BindingResult(
            account_id=saved.account_id,
            open_id=saved.open_id,
            nickname=profile.nickname if profile else "",
            scopes=tokens.scopes,
            created=saved.created,
        )

    async def _exchange(self, input: BindingInput) -> ExchangedTokens:
        return await workflow.execute_activity(
            "exchange_douyin_code",
            input,
            result_type=ExchangedTokens,
            task_queue=douyin_queue(),
            start_to_close_timeout=policies.DOUYIN_CALL_TIMEOUT,
            schedule_to_close_timeout=policies.EXCHANGE_SCHEDULE_TIMEOUT,
            retry_policy=policies.EXCHANGE_RETRY,
        )

    async def _save(self, input: BindingInput, tokens: ExchangedTokens) -> SavedAccount:
        return await workflow.execute_activity(
            "save_douyin_account",
            AccountToSave(
                tenant_id=input.tenant_id,
                user_id=input.user_id,
                tokens=tokens,
                workflow_id=workflow.info().workflow_id,
            ),
            result_type=SavedAccount,
            task_queue=content_queue(),
            start_to_close_timeout=policies.STORE_CALL_TIMEOUT,
            retry_policy=policies.STORE_RETRY,
        )

    @workflow.query
    def stage(self) -> str:
        return self._stage
