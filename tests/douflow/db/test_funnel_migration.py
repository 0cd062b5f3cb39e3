"""Migration 0053 gives each existing conversation one opening, read from its transcript: the first response
(a blocked send is no reply), whether a person answered, when it closed; its leads are credited to it."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from douflow.db.migrate import sync_url, upgrade

# SQLite leaves foreign keys unchecked here, so the account and the tenant need no rows.
ROWS = [
    "INSERT INTO customers (id, tenant_id, open_id, last_seen_at, tags, level, created_at, updated_at)"
    " VALUES ('c', 't', 'fan', :at, '[]', 'cold', :at, :at)",
    "INSERT INTO conversations (id, tenant_id, account_id, customer_id, workflow_id, state, opened_at,"
    " last_message_at, created_at, updated_at) VALUES ('v', 't', 'a', 'c', 'w', 'closed', :at, :at, :at, :closed)",
    "INSERT INTO leads (id, tenant_id, customer_id, conversation_id, phone, source, source_key, consent, created_at)"
    " VALUES ('l', 't', 'c', 'v', '13812341234', 'message', 'k', 1, :at)",
]
MESSAGES = [  # author, status, user, second
    ("customer", "received", None, 0),
    ("bot", "blocked", None, 2),
    ("agent", "sent", "u1", 45),
    ("customer", "received", None, 50),
    ("bot", "sent", None, 52),
]


def test_each_conversation_gets_one_opening_from_its_transcript(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'funnel.db'}"
    upgrade(url, "0046")
    engine = sa.create_engine(sync_url(url))
    with engine.begin() as connection:
        for statement in ROWS:
            connection.execute(
                sa.text(statement), {"at": "2026-11-01 10:00:00", "closed": "2026-11-02 10:00:00"}
            )
        for n, (author, status, user, second) in enumerate(MESSAGES):
            connection.execute(
                sa.text(
                    "INSERT INTO conversation_messages (id, tenant_id, conversation_id, author, author_user_id,"
                    " status, msg_type, text, findings, created_at)"
                    " VALUES (:id, 't', 'v', :author, :user, :status, 'text', '', '[]', :at)"
                ),
                {"id": f"m{n}", "author": author, "user": user, "status": status,
                 "at": f"2026-11-01 10:00:{second:02d}"},
            )  # fmt: skip

    upgrade(url, "0053")

    with engine.connect() as connection:
        opening = connection.execute(sa.text("SELECT * FROM conversation_sessions")).mappings().one()
        lead_opening = connection.execute(sa.text("SELECT session_id FROM leads")).scalar_one()
        months = connection.execute(
            sa.text("SELECT day, facet, SUM(n) FROM funnel_days WHERE span = 'month' GROUP BY day, facet")
        ).all()
        rollup = {
            (row.day, row.facet, row.account_id, row.key): (row.private_messages, row.leads, row.n)
            for row in connection.execute(sa.text("SELECT * FROM funnel_days WHERE span = 'day'"))
        }
    engine.dispose()
    assert (opening["id"], opening["conversation_id"], opening["account_id"]) == ("v", "v", "a")
    assert (opening["first_reply_by"], opening["first_response_seconds"]) == ("agent", 45)
    assert (opening["human_replied"], opening["agent_user_id"]) == (1, "u1")
    assert opening["closed_at"] is not None and opening["attributed_item_id"] is None
    assert lead_opening == "v"
    assert sorted(months) == [
        ("2026-11-01", "agent", 0), ("2026-11-01", "closed", 1), ("2026-11-01", "item", 0),
        ("2026-11-01", "response", 1), ("2026-11-01", "source", 0),
    ]  # fmt: skip
    # Asia/Shanghai days (the tenant row is absent: the default zone); 10:00 UTC is 18:00 there.
    assert rollup == {
        ("2026-11-01", "item", "a", ""): (1, 1, 0),
        ("2026-11-01", "agent", "a", "u1"): (1, 1, 0),
        ("2026-11-01", "source", "a", "message"): (0, 1, 0),
        ("2026-11-01", "response", "a", "45"): (0, 0, 1),
        ("2026-11-02", "closed", "a", "human"): (0, 0, 1),
    }
