"""The one rule of whether an account can publish, for /publish, the calendar and replication alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from douflow.content.accounts import PUBLISH_SCOPE, account_health, publish_problem
from douflow.db.tables import DouyinAccount

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _account(**fields: object) -> DouyinAccount:
    values: dict[str, object] = {
        "id": "a1",
        "tenant_id": "t1",
        "open_id": "o1",
        "nickname": "小鹿咖啡馆",
        "status": "ok",
        "scopes": ["user_info", PUBLISH_SCOPE],
        "access_expires_at": NOW + timedelta(days=10),
        "refresh_expires_at": NOW + timedelta(days=30),
        "renewals_left": 5,
        "bound_by": "u1",
    }
    values.update(fields)
    return DouyinAccount(**values)


def test_a_healthy_account_with_the_publishing_scope_can_publish() -> None:
    assert publish_problem(_account(), "a1", NOW) is None
    expiring = _account(renewals_left=0, refresh_expires_at=NOW + timedelta(days=2))
    assert account_health(expiring, NOW) == "expiring" and publish_problem(expiring, "a1", NOW) is None


def test_each_reason_an_account_cannot_publish_says_what_to_do() -> None:
    assert "bind it again" in (publish_problem(None, "a9", NOW) or "")
    broken = publish_problem(_account(status="needs_reconnect", status_reason="token_invalid"), "a1", NOW)
    assert broken == "douyin account 小鹿咖啡馆 is needs_reconnect (token_invalid): reconnect it to publish"
    assert "revoked" in (publish_problem(_account(status="revoked"), "a1", NOW) or "")
    no_scope = publish_problem(_account(scopes=["user_info"]), "a1", NOW)
    assert no_scope is not None and PUBLISH_SCOPE in no_scope and "reconnect" in no_scope
