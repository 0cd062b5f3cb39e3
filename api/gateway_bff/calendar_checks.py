"""Up-front checks of a calendar entry, so a plan that cannot publish is refused with what to fix.

The time is in the future, the content passes Douyin's rules (the publish workflow's own check), the
account belongs to the tenant, is healthy and may publish, and no two planned publishes of one account
come closer than CALENDAR_MIN_SPACING_MINUTES (one-off times and the next occurrences of recurrences).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.gateway_bff.errors import Conflict, DomainError
from douflow.content.calendar import closest_clash
from douflow.db.calendar_tables import CalendarEntry
from douflow.settings import Settings
from douflow.temporal.schedules import calendar as schedules

# A one-off must leave the schedule time to exist before it is due; "run now" is for sooner.
MIN_LEAD = timedelta(seconds=2)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainError(f"unknown time zone {name!r}: use an IANA name such as Asia/Shanghai") from exc


def localize(value: datetime, tz: ZoneInfo) -> datetime:
    """An aware time as given; a naive one is wall-clock time in the entry's zone (never the server's)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def local_text(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime(f"%Y-%m-%d %H:%M:%S {tz}")


def check_future(run_at: datetime, now: datetime, tz: str) -> None:
    if run_at < now + MIN_LEAD:
        raise DomainError(
            f"run_at {local_text(run_at, tz)} is not in the future (now {local_text(now, tz)}): "
            "pick a later time, or use run now"
        )


async def check_spacing(
    client: Client,
    session: AsyncSession,
    settings: Settings,
    entry: CalendarEntry,
    times: Sequence[datetime],
    now: datetime,
) -> None:
    spacing = timedelta(minutes=settings.calendar_min_spacing_minutes)
    if not spacing or not times:
        return
    for earlier, later in itertools.pairwise(times):
        if later - earlier < spacing:
            raise DomainError(
                f"the recurrence publishes at {local_text(earlier, entry.timezone)} and again at "
                f"{local_text(later, entry.timezone)}; one account needs at least {_minutes(spacing)} between publishes"
            )
    planned = await schedules.account_plan(
        client, session, settings, entry.tenant_id, entry.account_id, now - spacing, exclude=entry.id
    )
    for other, theirs in planned:
        clash = closest_clash(times, theirs, spacing)
        if clash is not None:
            mine, their = clash
            raise Conflict(
                f"this account already publishes at {local_text(their, entry.timezone)} (calendar entry {other.id}); "
                f"{local_text(mine, entry.timezone)} is closer than the minimum spacing of {_minutes(spacing)}: "
                "pick another time or account"
            )


def _minutes(spacing: timedelta) -> str:
    minutes = spacing.total_seconds() / 60
    return f"{minutes:g} minutes"
