"""Approval before publish and the AI declaration through the BFF over HTTP, in tenants of their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from douflow.content.drafts import AI_DECLARATION
from douflow.media import LocalMediaStore
from douflow.platforms import rules_for
from douflow.settings import Settings
from douyin_sandbox.testing import RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from tests.support.auth import TestUser, user_with_token
from tests.support.polling import eventually
from tests.support.publishing import bind_account, image_post

pytestmark = pytest.mark.timeout(90)
OPEN_ID = SANDBOX_USERS[2].open_id
TENANT = "approvals"


@pytest.fixture(scope="module")
async def people(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> dict[str, TestUser]:
    """An admin, an operator and a reviewer of a tenant that requires approval, and another tenant's people."""
    made = {
        "admin": await user_with_token(http, sessionmaker, TENANT, "abe", "admin"),
        "operator": await user_with_token(http, sessionmaker, TENANT, "opal", "operator"),
        "reviewer": await user_with_token(http, sessionmaker, TENANT, "rita", "reviewer"),
        "stranger": await user_with_token(http, sessionmaker, "approvals-other", "sam", "admin"),
    }
    policy = await http.patch(
        "/api/v1/tenant", json={"approval_required": True}, headers=made["admin"].headers
    )
    assert policy.status_code == 200, policy.text
    return made


@pytest.fixture(scope="module")
async def account(
    bff_url: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, sandbox: RunningSandbox,
    people: dict[str, TestUser],
) -> str:  # fmt: skip
    return await bind_account(sessionmaker, settings, sandbox, people["operator"].tenant_id, OPEN_ID)


@pytest.fixture
def new_post(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> Any:
    async def make(
        user: TestUser, title: str, images: int = 1, body: str = "照着这几条来，会省心很多。"
    ) -> str:
        media = LocalMediaStore(settings.media_dir)
        return await image_post(
            sessionmaker, media, user.tenant_id, user.user_id, title=title, images=images, body=body
        )

    return make


def unique(prefix: str) -> str:
    return f"{prefix}{datetime.now(UTC).strftime('%H%M%S%f')[:9]}"


async def approval(http: httpx.AsyncClient, user: TestUser, content_id: str) -> dict[str, Any]:
    response = await http.get(f"/api/v1/contents/{content_id}/approval", headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def publish(http: httpx.AsyncClient, user: TestUser, content_id: str, account: str) -> httpx.Response:
    body = {"content_id": content_id, "account_ids": [account]}
    return await http.post("/api/v1/publish", json=body, headers=user.headers)


async def review(http: httpx.AsyncClient, user: TestUser, content_id: str, **body: Any) -> httpx.Response:
    return await http.post(f"/api/v1/contents/{content_id}/review", json=body, headers=user.headers)


async def actions(http: httpx.AsyncClient, user: TestUser, content_id: str) -> list[tuple[str, str]]:
    trail = (await http.get(f"/api/v1/contents/{content_id}/audit", headers=user.headers)).json()
    return [(e["action"], e["actor_id"]) for e in trail]


async def test_the_policy_is_off_by_default_and_only_admins_change_it(
    http: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = await user_with_token(http, sessionmaker, "policy-default", "pat", "admin")
    operator = await user_with_token(http, sessionmaker, "policy-default", "olly", "operator")

    before = (await http.get("/api/v1/tenant", headers=operator.headers)).json()
    refused = await http.patch("/api/v1/tenant", json={"ai_declaration": False}, headers=operator.headers)
    empty = await http.patch("/api/v1/tenant", json={}, headers=admin.headers)
    changed = await http.patch("/api/v1/tenant", json={"ai_declaration": False}, headers=admin.headers)

    assert (before["approval_required"], before["ai_declaration"]) == (False, True)
    assert refused.status_code == 403 and empty.status_code == 422
    assert changed.status_code == 200 and changed.json()["ai_declaration"] is False
    assert changed.json()["approval_required"] is False


async def test_approval_is_bound_to_the_version_reviewers_decide_and_the_trail_says_who(
    http: httpx.AsyncClient, people: dict[str, TestUser], account: str, new_post: Any
) -> None:
    operator, reviewer, admin = people["operator"], people["reviewer"], people["admin"]
    content_id = await new_post(operator, unique("审核"))

    unapproved = await publish(http, operator, content_id, account)
    submitted = await http.post(f"/api/v1/contents/{content_id}/submit", headers=operator.headers)
    by_operator = await review(http, operator, content_id, verdict="approve")
    no_comment = await review(http, reviewer, content_id, verdict="request_changes")
    sent_back = await review(http, reviewer, content_id, verdict="request_changes", comment="标题太长")
    again = await http.post(f"/api/v1/contents/{content_id}/submit", headers=operator.headers)

    assert unapproved.status_code == 409 and unapproved.json()["code"] == "approval_required", unapproved.text
    assert "not approved" in unapproved.json()["detail"]
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "in_review" and submitted.json()["version"] == 1
    assert submitted.json()["workflow_id"] == f"content-approval-{content_id}-v1"
    assert by_operator.status_code == 403 and no_comment.status_code == 422
    assert sent_back.status_code == 200, sent_back.text
    assert sent_back.json()["state"] == "changes_requested" and sent_back.json()["comment"] == "标题太长"
    assert again.status_code == 409 and "edit the content" in again.json()["detail"]

    edited = await http.patch(
        f"/api/v1/contents/{content_id}", json={"title": "改短的标题"}, headers=operator.headers
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2, edited.text
    await http.post(f"/api/v1/contents/{content_id}/submit", headers=operator.headers)
    stale = await review(http, reviewer, content_id, verdict="approve", version=1)
    approved = await review(http, admin, content_id, verdict="approve", version=2)

    assert stale.status_code == 409 and "version 2" in stale.json()["detail"]
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved" and approved.json()["approved"] is True
    assert approved.json()["decided_by"] == admin.user_id and approved.json()["version"] == 2

    edited = await http.patch(
        f"/api/v1/contents/{content_id}", json={"title": "批准后又改"}, headers=operator.headers
    )
    after_edit = await approval(http, operator, content_id)
    held = await publish(http, operator, content_id, account)

    assert edited.json()["approval_state"] == "draft"
    assert (
        after_edit["approved"] is False and after_edit["version"] == 2 and after_edit["current_version"] == 3
    )
    assert held.status_code == 409 and held.json()["code"] == "approval_required"
    trail = await actions(http, operator, content_id)
    assert sorted(trail) == sorted(
        [
            ("approval.submitted", operator.user_id),
            ("approval.changes_requested", reviewer.user_id),
            ("content.edited", operator.user_id),
            ("approval.submitted", operator.user_id),
            ("approval.approved", admin.user_id),
            ("content.edited", operator.user_id),
            ("approval.reset", operator.user_id),
        ]
    )
    decisions = ("approval.submitted", "approval.changes_requested", "approval.approved")
    assert [a for a, _ in trail if a in decisions] == [
        "approval.submitted",
        "approval.changes_requested",
        "approval.submitted",
        "approval.approved",
    ]


async def test_a_content_douyin_would_refuse_is_a_400_before_the_approval_409(
    http: httpx.AsyncClient, people: dict[str, TestUser], account: str, new_post: Any
) -> None:
    content_id = await new_post(people["operator"], unique("无图"), images=0)

    response = await publish(http, people["operator"], content_id, account)

    assert response.status_code == 400 and response.json()["code"] == "bad_request", response.text
    assert "no media" in response.json()["detail"]


async def test_reviewers_are_notified_on_submit_and_operators_do_not_see_it(
    http: httpx.AsyncClient, people: dict[str, TestUser], new_post: Any
) -> None:
    operator, reviewer, admin = people["operator"], people["reviewer"], people["admin"]
    content_id = await new_post(operator, unique("通知"))

    await http.post(f"/api/v1/contents/{content_id}/submit", headers=operator.headers)

    async def notices(user: TestUser) -> list[dict[str, Any]]:
        page = (await http.get("/api/v1/notifications", headers=user.headers)).json()
        return [n for n in page["items"] if n["object_id"] == content_id]

    for approver in (reviewer, admin):
        seen = await eventually(lambda a=approver: notices(a))  # type: ignore[misc]
        assert [n["kind"] for n in seen] == ["approval_requested"]
        assert seen[0]["link"] == f"/api/v1/contents/{content_id}/approval"
    assert await notices(operator) == []
    hidden = await http.post(f"/api/v1/notifications/{seen[0]['id']}/read", headers=operator.headers)
    assert hidden.status_code == 404


async def test_approvals_stay_in_their_tenant(
    http: httpx.AsyncClient, people: dict[str, TestUser], new_post: Any
) -> None:
    operator, stranger = people["operator"], people["stranger"]
    content_id = await new_post(operator, unique("隔离"))
    await http.post(f"/api/v1/contents/{content_id}/submit", headers=operator.headers)

    read = await http.get(f"/api/v1/contents/{content_id}/approval", headers=stranger.headers)
    submitted = await http.post(f"/api/v1/contents/{content_id}/submit", headers=stranger.headers)
    decided = await review(http, stranger, content_id, verdict="approve")
    notices = (await http.get("/api/v1/notifications", headers=stranger.headers)).json()["items"]

    assert (read.status_code, submitted.status_code, decided.status_code) == (404, 404, 404)
    assert not [n for n in notices if n["object_id"] == content_id]
    assert (await approval(http, operator, content_id))["state"] == "in_review"


async def test_a_calendar_entry_before_approval_warns_and_its_run_is_skipped_with_the_reason(
    http: httpx.AsyncClient, people: dict[str, TestUser], account: str, new_post: Any
) -> None:
    operator = people["operator"]
    content_id = await new_post(operator, unique("日历"))
    run_at = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)

    created = await http.post(
        "/api/v1/calendar/entries",
        json={"content_id": content_id, "account_id": account, "run_at": run_at.isoformat()},
        headers=operator.headers,
    )
    assert created.status_code == 201, created.text
    assert len(created.json()["warnings"]) == 1 and "not approved" in created.json()["warnings"][0]
    entry_id = created.json()["id"]
    triggered = await http.post(f"/api/v1/calendar/entries/{entry_id}/trigger", headers=operator.headers)
    assert triggered.status_code == 202, triggered.text

    async def detail() -> dict[str, Any]:
        body: dict[str, Any] = (
            await http.get(f"/api/v1/calendar/entries/{entry_id}", headers=operator.headers)
        ).json()
        return body

    final = await eventually(detail, lambda d: d["runs"] and d["runs"][0]["status"] != "running", within=30)
    run = final["runs"][0]
    assert run["status"] == "skipped" and "not approved" in run["reason"], run
    assert final["last_error"] and "not approved" in final["last_error"]


async def test_the_declaration_ends_the_published_text_unless_turned_off_for_the_content(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    sandbox: RunningSandbox,
    new_post: Any,
) -> None:
    operator = await user_with_token(http, sessionmaker, "declaring", "dora", "operator")
    account = await bind_account(sessionmaker, settings, sandbox, operator.tenant_id, OPEN_ID)
    declared_id = await new_post(operator, unique("声明"))
    rewritten_id = await new_post(operator, unique("改写"))

    switched = await http.patch(
        f"/api/v1/contents/{rewritten_id}", json={"ai_declaration": False}, headers=operator.headers
    )
    assert switched.status_code == 200 and switched.json()["ai_declaration"] is False, switched.text
    for content_id in (declared_id, rewritten_id):
        assert (await publish(http, operator, content_id, account)).status_code == 202

    async def texts() -> dict[str, str]:
        rows = (await http.get("/api/v1/publish", headers=operator.headers)).json()
        done = {r["content_id"]: r["item_id"] for r in rows if r["status"] == "published"}
        items = {i["item_id"]: i for i in await sandbox.items(OPEN_ID)}
        return {c: items[i]["title"] for c, i in done.items() if i in items}

    sent = await eventually(texts, lambda t: len(t) == 2, within=60)
    assert sent[declared_id].endswith("\n" + AI_DECLARATION), sent[declared_id]
    assert AI_DECLARATION not in sent[rewritten_id]
    trail = (await http.get(f"/api/v1/contents/{rewritten_id}/audit", headers=operator.headers)).json()
    assert [(e["action"], e["detail"]) for e in trail] == [("content.ai_declaration", {"enabled": False})]


async def test_the_declaration_line_counts_toward_the_length_limit(
    http: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    sandbox: RunningSandbox,
    new_post: Any,
) -> None:
    operator = await user_with_token(http, sessionmaker, "declaring", "dora", "operator")
    account = await bind_account(sessionmaker, settings, sandbox, operator.tenant_id, OPEN_ID)
    title = unique("长文")
    # Exactly Douyin's limit without the line (title, body and the hashtag on three lines).
    limit = rules_for("douyin").body_max
    body = "字" * (limit - len(title) - len("\n\n#测试"))
    content_id = await new_post(operator, title, body=body)

    refused = await publish(http, operator, content_id, account)

    assert refused.status_code == 400, refused.text
    assert (
        "AI declaration line" in refused.json()["detail"]
        and f"Douyin allows {limit}" in refused.json()["detail"]
    )
    await http.patch(
        f"/api/v1/contents/{content_id}", json={"ai_declaration": False}, headers=operator.headers
    )
    assert (await publish(http, operator, content_id, account)).status_code == 202


async def test_turning_the_declaration_off_after_approval_sends_the_content_back_to_review(
    http: httpx.AsyncClient, people: dict[str, TestUser], account: str, new_post: Any
) -> None:
    """The reviewer approved the text with the declaration line; without it, another text would go out."""
    operator, reviewer = people["operator"], people["reviewer"]
    content_id = await new_post(operator, unique("批准后关声明"))
    await http.post(f"/api/v1/contents/{content_id}/submit", headers=operator.headers)
    assert (await review(http, reviewer, content_id, verdict="approve")).status_code == 200

    switched = await http.patch(
        f"/api/v1/contents/{content_id}", json={"ai_declaration": False}, headers=operator.headers
    )
    held = await publish(http, operator, content_id, account)

    assert switched.status_code == 200 and switched.json()["approval_state"] == "draft", switched.text
    assert held.status_code == 409 and held.json()["code"] == "approval_required", held.text
    assert ("approval.reset", operator.user_id) in await actions(http, operator, content_id)


async def test_the_bots_pause_after_a_human_reply_is_a_tenant_setting(
    http: httpx.AsyncClient, people: dict[str, TestUser]
) -> None:
    admin, operator = people["admin"], people["operator"]
    changed = await http.patch("/api/v1/tenant", json={"human_pause_minutes": 45.0}, headers=admin.headers)
    refused = await http.patch("/api/v1/tenant", json={"human_pause_minutes": 0}, headers=admin.headers)
    not_admin = await http.patch("/api/v1/tenant", json={"human_pause_minutes": 10}, headers=operator.headers)

    assert changed.status_code == 200 and changed.json()["human_pause_minutes"] == 45, changed.text
    assert refused.status_code == 422 and not_admin.status_code == 403
