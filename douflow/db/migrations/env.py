"""Alembic environment: migrations run with a synchronous engine built from the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

import douflow.db.calendar_tables
import douflow.db.comment_tables
import douflow.db.conversation_tables
import douflow.db.funnel_tables
import douflow.db.journey_tables
import douflow.db.live_tables
import douflow.db.material_tables
import douflow.db.metrics_tables
import douflow.db.notification_tables
import douflow.db.suggestion_tables
import douflow.db.tables
import douflow.db.task_tables  # noqa: F401  (registers every table on the metadata)
from douflow.db.base import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(str(config.get_main_option("sqlalchemy.url")), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
