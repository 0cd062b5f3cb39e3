"""Seed feature 7: a Douyin account was authorised; exchange the code, store the account, keep it fresh."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.content.contract import ContentCenter
    from activities.douyin.contract import DouyinConnector
    from douflow.temporal import policies
    from models.douyin_accounts import (
        AccountRef,
        AccountToSave,
        BindingInput,
        BindingResult,
        ExchangedTokens,
        SavedAccount,
    )
    from workflows import calls
    from workflows import douyin_account_steps as steps

from workflows.account_token_workflow import start_token_workflow


@workflow.defn
class AccountBindingWorkflow:
    def __init__(self) -> None:
        self._stage = "starting"

    @workflow.run
    async def run(self, input: BindingInput) -> BindingResult:
        self._stage = "exchanging"
        tokens = await calls.douyin(DouyinConnector.exchange_douyin_code, input, policies.CODE_EXCHANGE)
        self._stage = "saving"
        saved = await self._save(input, tokens)
        ref = AccountRef(tenant_id=input.tenant_id, account_id=saved.account_id)
        steps.mark_account(input.tenant_id, saved.account_id)
        self._stage = "profile"
        profile = await steps.sync_profile(ref)
        self._stage = "scheduling"
        await start_token_workflow(ref)
        self._stage = "done"
        return BindingResult(
            account_id=saved.account_id,
            open_id=saved.open_id,
            nickname=profile.nickname if profile else "",
            scopes=tokens.scopes,
            created=saved.created,
        )

    async def _save(self, input: BindingInput, tokens: ExchangedTokens) -> SavedAccount:
        account = AccountToSave(
            tenant_id=input.tenant_id,
            user_id=input.user_id,
            tokens=tokens,
            workflow_id=workflow.info().workflow_id,
        )
        return await calls.content(ContentCenter.save_douyin_account, account, policies.ACCOUNT_STORE)

    @workflow.query
    def stage(self) -> str:
        return self._stage
