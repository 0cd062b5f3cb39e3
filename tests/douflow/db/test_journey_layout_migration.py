"""Migration 0055 gives journeys a layout column: drafts saved before it keep their graph and have no layout,
and the step back drops the column alone. Runs on SQLite, and on PostgreSQL in a database of its own when
TEST_DATABASE_URL names a server (the session's database is not migrated down under the other tests)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from douflow.db.migrate import downgrade, sync_url, upgrade

DRAFT = {"nodes": [{"id": "s", "kind": "trigger", "on": "manual", "next": "e"}, {"id": "e", "kind": "exit"}]}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the dialect."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'layout.db'}"
        return
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        pytest.skip("TEST_DATABASE_URL names no PostgreSQL server")
    name = f"layout_migration_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(sync_url(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _columns(engine: sa.Engine) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns("journeys")}


def test_a_draft_from_before_has_no_layout_and_the_step_back_drops_the_column(fresh_url: str) -> None:
    upgrade(fresh_url, "0054")
    engine = sa.create_engine(sync_url(fresh_url))
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO journeys (id, tenant_id, name, draft, trigger, created_by, created_at, updated_at)"
                    " VALUES ('j', 't', 'n', :draft, 'manual', 'u', :at, :at)"
                ),
                {"draft": json.dumps(DRAFT), "at": "2026-12-01 10:00:00+00:00"},
            )

        upgrade(fresh_url, "0055")

        with engine.begin() as connection:
            before = connection.execute(sa.text("SELECT draft, layout FROM journeys")).one()
            connection.execute(
                sa.text("UPDATE journeys SET layout = :layout"),
                {"layout": json.dumps({"s": {"x": 1, "y": 2}})},
            )
            stored = connection.execute(sa.text("SELECT layout FROM journeys")).scalar_one()
        draft = before.draft if isinstance(before.draft, dict) else json.loads(before.draft)
        assert (draft, before.layout) == (DRAFT, None)
        assert (stored if isinstance(stored, dict) else json.loads(stored)) == {"s": {"x": 1, "y": 2}}

        engine.dispose()
        downgrade(fresh_url, "0054")
        assert "layout" not in _columns(engine) and "draft" in _columns(engine)
        upgrade(fresh_url)
        assert "layout" in _columns(engine)
    finally:
        engine.dispose()
