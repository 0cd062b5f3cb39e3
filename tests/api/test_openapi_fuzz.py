"""The OpenAPI document is a contract a generated client can trust: schemathesis holds the BFF to it.

Every operation is called with generated requests, valid and invalid, as an admin of a tenant of its own
(what the run deletes or unbinds harms no other test), which is the platform tenant of this BFF so the
codec answers it too. Real ids of that tenant (schemathesis.toml, `[parameters]`) let requests reach more
than 404s. Every answer must be one the document declares, with the body and type it declares; valid
requests must not be refused as invalid, invalid ones must be; and at least a third of the answers must be
successes, so a run that only collects refusals cannot pass.
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.gateway_bff.app import create_app
from douflow.db.base import utcnow
from douflow.db.conversation_tables import Customer, Lead
from douflow.db.metrics_tables import Notification
from douflow.db.notification_tables import NotificationWebhook
from douflow.db.tables import DouyinAccount
from douflow.notify import recipients
from douflow.settings import Settings
from douflow.testing.servers import running_uvicorn
from douyin_sandbox.testing import RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from tests.support.auth import TestUser, create_user, user_with_token
from tests.support.journeys import tag_journey
from tests.support.polling import eventually
from tests.support.publishing import bind_account

CONFIG = Path(__file__).with_name("schemathesis.toml")
TENANT = "contract"
SEED = 20_260_101
# Per operation and phase: with every phase, about three minutes on two busy CPUs.
MAX_EXAMPLES = 60
OPEN_ID = SANDBOX_USERS[5].open_id


@pytest.fixture(scope="module")
async def contract_bff(bff_url: str, settings: Settings) -> AsyncIterator[str]:
    """The BFF as the session runs it (its workers serve both), with this tenant as the platform's.

    Every generated login fails, all from one address: with the usual limits the run would spend most of
    /auth/token's examples on 429s. The run's admin logs in once, before them, so no limit can shut it out.
    """
    generous_logins = {"login_attempts_per_account": 1000, "login_attempts_per_address": 100_000}
    app = create_app(settings.model_copy(update={"platform_tenant": TENANT, **generous_logins}))
    async with running_uvicorn(app) as base_url:
        yield base_url


async def _ok(response: Any) -> Any:
    answer: httpx.Response = await response
    assert answer.status_code < 300, answer.text
    return answer.json()


async def _world(
    http: httpx.AsyncClient,
    admin: TestUser,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    sandbox: RunningSandbox,
) -> dict[str, str]:
    """Real ids for the path and query parameters, as environment variables the config reads."""
    h = admin.headers
    post = await _ok(http.post("/api/v1/image-posts", json={"topic": "周末露营装备清单"}, headers=h))
    content_id = post["content_id"]
    account_id = await bind_account(sessionmaker, settings, sandbox, admin.tenant_id, OPEN_ID)
    entries = [
        await _ok(
            http.post(
                "/api/v1/calendar/entries",
                json={"content_id": content_id, "account_id": account_id, "run_at": run_at},
                headers=h,
            )
        )
        for run_at in ("2099-01-01T09:00:00+08:00", "2099-06-01T09:00:00+08:00")
    ]
    started = await _ok(
        http.post("/api/v1/publish", json={"content_id": content_id, "account_ids": [account_id]}, headers=h)
    )
    publish_id = started["publishes"][0]["id"]

    async def publish() -> dict[str, Any]:
        return await _ok(http.get(f"/api/v1/publish/{publish_id}", headers=h))  # type: ignore[no-any-return]

    published = await eventually(publish, lambda p: p["item_id"], within=45)
    await _ok(http.post(f"/api/v1/metrics/accounts/{account_id}/sync?wait=true", headers=h))
    _, other_user_id = await create_user(sessionmaker, TENANT, "contract-other", "operator")
    customer_id, lead_id = await _customer(sessionmaker, admin.tenant_id)
    journey_id, enrolment_id = await _journey(http, admin, customer_id)
    return {
        "CONTRACT_CONTENT_ID": content_id,
        "CONTRACT_ASSET_ID": post["images"][0]["asset_id"],
        "CONTRACT_WORKFLOW_ID": post["workflow_id"],
        "CONTRACT_ACCOUNT_ID": account_id,
        "CONTRACT_SPARE_ACCOUNT_ID": await _spare_account(sessionmaker, admin),
        "CONTRACT_ENTRY_ID": entries[0]["id"],
        "CONTRACT_SPARE_ENTRY_ID": entries[1]["id"],
        "CONTRACT_PUBLISH_ID": publish_id,
        "CONTRACT_ITEM_ID": published["item_id"],
        "CONTRACT_NOTIFICATION_ID": await _notification(sessionmaker, admin.tenant_id),
        "CONTRACT_OTHER_USER_ID": other_user_id,
        "CONTRACT_JOURNEY_ID": journey_id,
        "CONTRACT_ENROLMENT_ID": enrolment_id,
        "CONTRACT_CUSTOMER_ID": customer_id,
        "CONTRACT_LEAD_ID": lead_id,
        **await _tasks(http, admin, customer_id),
        **await _materials(http, admin, customer_id),
        **await _webhooks(sessionmaker, admin),
        **await _knowledge(http, admin),
    }


async def _customer(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str) -> tuple[str, str]:
    """A customer of the tenant who left a lead (deals are recorded on leads)."""
    async with sessionmaker() as session:
        customer = Customer(tenant_id=tenant_id, open_id="contract-fan", nickname="合约")
        session.add(customer)
        await session.flush()
        lead = Lead(
            tenant_id=tenant_id,
            customer_id=customer.id,
            phone="13800138000",
            source="conversation",
            source_key="contract-lead",
        )
        session.add(lead)
        await session.commit()
        return customer.id, lead.id


async def _tasks(http: httpx.AsyncClient, admin: TestUser, customer_id: str) -> dict[str, str]:
    """Two open tasks of the customer: one the run completes, one it snoozes and reassigns."""
    due = (utcnow() + timedelta(days=30)).isoformat()
    made = [
        await _ok(
            http.post(
                "/api/v1/tasks",
                json={"customer_id": customer_id, "reason": reason, "due_at": due},
                headers=admin.headers,
            )
        )
        for reason in ("回访：合约客户", "成交回访：合约客户")
    ]
    return {"CONTRACT_TASK_ID": made[0]["id"], "CONTRACT_DONE_TASK_ID": made[1]["id"]}


async def _materials(http: httpx.AsyncClient, admin: TestUser, customer_id: str) -> dict[str, str]:
    """A library with a FAQ material shared with the customer, and spares for the deletes."""
    h = admin.headers
    library, spare_library = [
        await _ok(http.post("/api/v1/material-libraries", json={"name": name}, headers=h))
        for name in ("合约资料库", "合约备用资料库")
    ]
    faq = {"library_id": library["id"], "kind": "faq", "text": "整机保修一年，核心部件保修三年。"}
    material, spare_material = [
        await _ok(http.post("/api/v1/materials", json={**faq, "title": title}, headers=h))
        for title in ("保修多久", "保修范围")
    ]
    link = await _ok(
        http.post(f"/api/v1/materials/{material['id']}/share", json={"customer_id": customer_id}, headers=h)
    )
    return {
        "CONTRACT_LIBRARY_ID": library["id"],
        "CONTRACT_SPARE_LIBRARY_ID": spare_library["id"],
        "CONTRACT_MATERIAL_ID": material["id"],
        "CONTRACT_SPARE_MATERIAL_ID": spare_material["id"],
        "CONTRACT_LINK_ID": link["id"],
    }


async def _webhooks(sessionmaker: async_sessionmaker[AsyncSession], admin: TestUser) -> dict[str, str]:
    """Two disabled group-robot webhooks (one for the delete), written directly: creating one through the
    API checks that its host resolves to a public address, which a test machine cannot promise. The host
    never resolves (`.invalid`), so one the run enables posts nowhere: its digest is refused at the target."""
    async with sessionmaker() as session:
        hooks = [
            NotificationWebhook(
                tenant_id=admin.tenant_id,
                kind="wecom",
                url=f"https://robot.contract.invalid/send?key=contract-{n}",
                enabled=False,
                created_by=admin.user_id,
            )
            for n in range(2)
        ]
        session.add_all(hooks)
        await session.commit()
        return {"CONTRACT_WEBHOOK_ID": hooks[0].id, "CONTRACT_SPARE_WEBHOOK_ID": hooks[1].id}


async def _knowledge(http: httpx.AsyncClient, admin: TestUser) -> dict[str, str]:
    """A knowledge entry and a brand, each with a spare for the delete."""
    h = admin.headers
    entries = [
        await _ok(http.post("/api/v1/knowledge", json={"question": q, "answer": a}, headers=h))
        for q, a in (("几点营业", "每天10:00-22:00营业。"), ("能开发票吗", "可以开具电子发票。"))
    ]
    brands = [
        await _ok(http.post("/api/v1/brands", json={"name": name, "industry": "咖啡"}, headers=h))
        for name in ("合约咖啡", "合约备用咖啡")
    ]
    return {
        "CONTRACT_KNOWLEDGE_ID": entries[0]["id"],
        "CONTRACT_SPARE_KNOWLEDGE_ID": entries[1]["id"],
        "CONTRACT_BRAND_ID": brands[0]["id"],
        "CONTRACT_SPARE_BRAND_ID": brands[1]["id"],
    }


async def _journey(http: httpx.AsyncClient, admin: TestUser, customer_id: str) -> tuple[str, str]:
    """A published journey (version 1) with the customer enrolled."""
    h = admin.headers
    journey = await _ok(
        http.post("/api/v1/journeys", json={"name": "contract", "graph": tag_journey()}, headers=h)
    )
    await _ok(http.post(f"/api/v1/journeys/{journey['id']}/versions", headers=h))
    body = {"customer_ids": [customer_id]}
    enrolled = await _ok(http.post(f"/api/v1/journeys/{journey['id']}/enrolments", json=body, headers=h))
    return journey["id"], enrolled["items"][0]["enrolment_id"]


async def _spare_account(sessionmaker: async_sessionmaker[AsyncSession], admin: TestUser) -> str:
    """An account for the run to unbind, so the one it publishes with stays bound."""
    async with sessionmaker() as session:
        account = DouyinAccount(tenant_id=admin.tenant_id, open_id="contract-spare", bound_by=admin.user_id)
        session.add(account)
        await session.commit()
        return account.id


async def _notification(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str) -> str:
    async with sessionmaker() as session:
        row = Notification(tenant_id=tenant_id, kind="viral_replication", title="一条笔记火了")
        await recipients.address(session, row)
        await session.commit()
        return row.id


async def _run_schemathesis(base_url: str, token: str, har: Path, world: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{base_url}/openapi.json",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "1",
        "--header",
        f"Authorization: Bearer {token}",
        "--report",
        "har",
        "--report-har-path",
        str(har),
        env={**os.environ, **world},
        cwd=har.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode(errors="replace")


def _status_classes(har: Path) -> collections.Counter[str]:
    entries = json.loads(har.read_text())["log"]["entries"]
    return collections.Counter(f"{entry['response']['status'] // 100}xx" for entry in entries)


# About 12 000 requests: 6 min on a loaded 2-CPU machine with SQLite, more with PostgreSQL.
@pytest.mark.timeout(1800)
async def test_every_answer_keeps_the_openapi_contract(
    contract_bff: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    sandbox: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with httpx.AsyncClient(base_url=contract_bff, timeout=90) as http:
        admin = await user_with_token(http, sessionmaker, TENANT, "contract-admin", "admin")
        world = await _world(http, admin, sessionmaker, settings, sandbox)
    token = admin.headers["Authorization"].removeprefix("Bearer ")
    har = tmp_path / "schemathesis.har"
    code, output = await _run_schemathesis(contract_bff, token, har, world)
    counts = _status_classes(har)
    total = sum(counts.values())
    summary = output[output.rfind("SUMMARY") :]
    with capsys.disabled():
        sys.stdout.write(f"\n{summary}\nanswers by class: {dict(sorted(counts.items()))}, {total} in all\n")
    assert code == 0, output
    assert counts["5xx"] == 0, output
    # At least a third successes: the run reaches the handlers' logic, not only validation and 404s (with
    # this seed and world, about 35 %).
    assert counts["2xx"] * 3 >= total, f"only {counts['2xx']} of {total} answers were successes"
