"""Migration 0032 gives inbox rows their body's identity, so bodies captured before it are recognised too."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from douflow.db.migrate import sync_url, upgrade
from douflow.douyin.events import identity

PAYLOAD = {"event": "unauthorize", "client_key": "k", "from_user_id": "u1", "log_id": "2026", "content": {}}


def _insert(engine: sa.Engine, msg_id: str, received_at: str, payload: dict[str, object]) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO webhook_events (msg_id, event, payload, received_at)"
                " VALUES (:msg_id, 'unauthorize', :payload, :received_at)"
            ),
            {"msg_id": msg_id, "payload": json.dumps(payload), "received_at": received_at},
        )


def test_existing_rows_get_their_identity_and_a_replayed_row_none(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'inbox.db'}"
    upgrade(url, "0020")
    engine = sa.create_engine(sync_url(url))
    _insert(engine, "original", "2026-01-01 00:00:00", PAYLOAD)
    _insert(engine, "replayed", "2026-01-02 00:00:00", PAYLOAD)
    _insert(engine, "other", "2026-01-03 00:00:00", PAYLOAD | {"log_id": "2027"})

    upgrade(url, "0032")

    with engine.connect() as connection:
        keys = dict(connection.execute(sa.text("SELECT msg_id, body_key FROM webhook_events")).all())
    engine.dispose()
    assert keys == {
        "original": identity(PAYLOAD),
        "replayed": None,
        "other": identity(PAYLOAD | {"log_id": "2027"}),
    }
