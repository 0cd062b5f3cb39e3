"""Requests and answers of the content calendar API."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.gateway_bff.schemas.field_rules import all_of, at_least_one, exactly_one, not_both
from api.gateway_bff.schemas.request_body import RequestBody
from api.gateway_bff.time_bounds import BoundedDateTime
from models.request_types import JsonInteger

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CLOCK_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_CLOCK = re.compile(CLOCK_PATTERN)
_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
# Fields are separated by spaces or tabs; the shape the validator checks, for the OpenAPI document.
_CRON_SPACE = re.compile(r"[ \t]+")
_FIELD = r"[^ \t]+"
CRON_PATTERN = (
    rf"^[ \t]*(?:@(?:{'|'.join(m[1:] for m in _MACROS)})"
    rf"|[^ \t@][^ \t]*(?:[ \t]+{_FIELD}){{4}}"
    rf"|[^ \t@][^ \t]*(?:[ \t]+{_FIELD}){{6}})[ \t]*$"
)


class WeeklySlot(RequestBody):
    weekday: Weekday
    time: str = Field(
        description="local wall-clock time, HH:MM or HH:MM:SS", json_schema_extra={"pattern": CLOCK_PATTERN}
    )

    @field_validator("time")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.fullmatch(value):
            raise ValueError("time must be HH:MM or HH:MM:SS (24-hour)")
        return value


class Recurrence(RequestBody):
    """A cron expression or weekly slots, in the entry's time zone, ending by a date or a number of runs."""

    model_config = ConfigDict(
        json_schema_extra=all_of(exactly_one("cron", "weekly"), at_least_one("end_at", "max_runs")),
    )

    cron: str | None = Field(
        default=None,
        max_length=200,
        description="5 fields (minute hour day month weekday) or 7 (second minute hour day month weekday "
        "year), or a macro; no time zone inside (give `timezone`)",
        json_schema_extra={"pattern": CRON_PATTERN},
    )
    weekly: list[WeeklySlot] | None = Field(default=None, min_length=1, max_length=50)
    end_at: BoundedDateTime | None = Field(
        default=None, description="aware, or local time in the entry's zone"
    )
    max_runs: Annotated[int, Interval(ge=1, le=1000), JsonInteger] | None = Field(
        default=None, description="scheduled runs in all, also those before a reschedule"
    )

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = _CRON_SPACE.sub(" ", value.strip(" \t"))
        if value.startswith("@"):
            if value not in _MACROS:
                raise ValueError(f"cron macros: {', '.join(_MACROS)}")
            return value
        if "CRON_TZ" in value.upper() or "TZ=" in value.upper():
            raise ValueError("give the time zone in `timezone`, not inside the cron expression")
        if len(value.split(" ")) not in (5, 7):
            raise ValueError(
                "cron needs 5 fields (minute hour day month weekday) or 7 (second minute hour day month weekday year)"
            )
        return value

    @model_validator(mode="after")
    def _shape(self) -> Recurrence:
        if (self.cron is None) == (self.weekly is None):
            raise ValueError("give exactly one of `cron` or `weekly`")
        if self.end_at is None and self.max_runs is None:
            raise ValueError("a recurrence needs an end: `end_at` or `max_runs` (or both)")
        return self


class EntryCreate(RequestBody):
    model_config = ConfigDict(json_schema_extra=exactly_one("run_at", "recurrence"))

    content_id: str = Field(min_length=1, max_length=36)
    account_id: str = Field(min_length=1, max_length=36)
    run_at: BoundedDateTime | None = Field(
        default=None, description="one-off: aware, or local wall-clock time in `timezone`"
    )
    timezone: str | None = Field(
        default=None, max_length=64, description="IANA zone; the tenant's by default"
    )
    recurrence: Recurrence | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> EntryCreate:
        if (self.run_at is None) == (self.recurrence is None):
            raise ValueError("give exactly one of `run_at` (one-off) or `recurrence`")
        return self


class EntryPatch(RequestBody):
    """Reschedule: the fields given replace the entry's; its schedule is updated in place."""

    model_config = ConfigDict(json_schema_extra=not_both("run_at", "recurrence"))

    content_id: str | None = Field(default=None, min_length=1, max_length=36)
    account_id: str | None = Field(default=None, min_length=1, max_length=36)
    run_at: BoundedDateTime | None = None
    timezone: str | None = Field(default=None, max_length=64)
    recurrence: Recurrence | None = None

    @model_validator(mode="after")
    def _not_both(self) -> EntryPatch:
        if self.run_at is not None and self.recurrence is not None:
            raise ValueError("give `run_at` for a one-off or `recurrence` for a recurring entry, not both")
        return self


class RunView(BaseModel):
    id: str
    workflow_id: str
    trigger: str
    scheduled_for: datetime
    started_at: datetime
    finished_at: datetime | None
    lateness_ms: float
    status: str
    reason: str | None
    publish_id: str | None
    publish_workflow_id: str | None
    item_id: str | None
    share_url: str | None


class ScheduleView(BaseModel):
    """The entry's Temporal Schedule as the server sees it (it may have been paused in the Temporal UI)."""

    schedule_id: str
    exists: bool
    paused: bool = False
    note: str | None = None
    remaining_actions: int | None = None
    next_times: list[datetime] = Field(default_factory=list)
    actions_taken: int = 0
    missed_catchup_window: int = 0
    skipped_overlap: int = 0


class EntryView(BaseModel):
    id: str
    content_id: str
    account_id: str
    kind: str
    timezone: str
    run_at: datetime | None
    run_at_local: str | None
    cron: str | None
    weekly: list[WeeklySlot] | None
    end_at: datetime | None
    max_runs: int | None
    status: str
    last_error: str | None
    schedule_id: str
    created_by: str
    created_at: datetime
    updated_at: datetime


class EntryDetail(EntryView):
    schedule: ScheduleView
    runs: list[RunView]
    warnings: list[str] = Field(
        default_factory=list, description="what will hold its runs back, e.g. a content not yet approved"
    )


OccurrenceState = Literal[
    "planned",
    "paused",
    "due",
    "missed",
    "running",
    "published",
    "under_review",
    "rejected",
    "failed",
    "unconfirmed",
    "skipped",
]


class Occurrence(BaseModel):
    """One slot on the calendar: planned, due or missed from the schedule, or a run and its result."""

    entry_id: str
    content_id: str
    account_id: str
    kind: str
    scheduled_for: datetime
    local_time: str
    state: OccurrenceState
    reason: str | None = None
    trigger: str | None = None
    run: RunView | None = None


class CalendarView(BaseModel):
    start: datetime = Field(serialization_alias="from")
    end: datetime = Field(serialization_alias="to")
    occurrences: list[Occurrence]
    entries: list[EntryView]


class RunStarted(BaseModel):
    entry_id: str
    workflow_id: str
    run_id: str | None
