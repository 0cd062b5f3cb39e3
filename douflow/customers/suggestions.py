"""Reply suggestions, tenant-scoped (seed 11): sets made for agents, whether each answers the customer's latest
message still, and how many were sent as they were or edited. Repositories flush; the caller commits.

A set's materials ride in each row's `citations` list beside the knowledge entry ids, tagged: `offers:<id>` for
a material the draft offers, `material:<citation JSON>` for each material the set cites (the same on every
row). Read back, they are re-checked for the reader (`for_reader`): a material that expired since, or of a
library the reader may not send from, is dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content import material_offers
from douflow.content.materials import MaterialRepository
from douflow.db.conversation_tables import ConversationMessage
from douflow.db.suggestion_tables import Suggestion
from models.conversations import Turn
from models.materials import MaterialCitation
from models.suggestions import (
    STYLE_LABELS,
    STYLES,
    StoredSuggestion,
    StyleStats,
    SuggestionBatch,
    SuggestionResult,
    SuggestionStats,
    SuggestionStyle,
)

# Statuses of an agent's message that count as sending the suggestion it was made from.
SENT_STATUSES = frozenset({"sent", "unconfirmed"})
_SUGGESTION_NAMESPACE = uuid.UUID("4b7f2c1e-8d3a-4e59-b6a0-91c5e2d7f384")
OFFERS = "offers:"
MATERIAL = "material:"


def suggestion_id(set_id: str, style: str) -> str:
    """A draft's id, derived from its set and style, so a retried write finds the row it made."""
    return str(uuid.uuid5(_SUGGESTION_NAMESPACE, f"{set_id}:{style}"))


def same_text(sent: str, suggested: str) -> bool:
    """Whether an agent sent the draft as it was (whitespace aside)."""
    return sent.split() == suggested.split()


class SuggestionRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def latest_customer_message(self, conversation_id: str) -> str | None:
        """The id of the customer's latest message: what a set made now answers."""
        found: str | None = await self._session.scalar(
            select(ConversationMessage.id)
            .where(
                ConversationMessage.tenant_id == self._tenant_id,
                ConversationMessage.conversation_id == conversation_id,
                ConversationMessage.author == "customer",
            )
            .order_by(ConversationMessage.created_at.desc(), ConversationMessage.id.desc())
            .limit(1)
        )
        return found

    async def add(self, batch: SuggestionBatch) -> Sequence[Suggestion]:
        """Writes the set once; a retry finds the rows it made."""
        rows: list[Suggestion] = []
        for position, draft in enumerate(batch.suggestions):
            row_id = suggestion_id(batch.set_id, draft.style)
            row = await self._session.get(Suggestion, row_id)
            if row is None:
                row = Suggestion(
                    id=row_id,
                    tenant_id=self._tenant_id,
                    set_id=batch.set_id,
                    conversation_id=batch.conversation_id,
                    based_on=batch.based_on,
                    style=draft.style,
                    position=position,
                    text=draft.text,
                    citations=_citations(draft.cited, draft.materials, batch.materials),
                    holding=draft.holding,
                    findings=list(draft.findings),
                    requested_by=batch.requested_by,
                    created_at=batch.at,
                    edited=False,
                )
                self._session.add(row)
            rows.append(row)
        return rows

    async def get(self, suggestion_id: str) -> Suggestion | None:
        row = await self._session.get(Suggestion, suggestion_id)
        return row if row is not None and row.tenant_id == self._tenant_id else None

    async def latest_set(self, conversation_id: str) -> Sequence[Suggestion]:
        """The conversation's most recent set, in its styles' order; empty when none was made."""
        latest = await self._session.scalar(
            select(Suggestion.set_id)
            .where(Suggestion.tenant_id == self._tenant_id, Suggestion.conversation_id == conversation_id)
            .order_by(Suggestion.created_at.desc(), Suggestion.set_id.desc())
            .limit(1)
        )
        if latest is None:
            return []
        rows = await self._session.scalars(
            select(Suggestion)
            .where(Suggestion.tenant_id == self._tenant_id, Suggestion.set_id == latest)
            .order_by(Suggestion.position)
        )
        return rows.all()

    async def result(self, rows: Sequence[Suggestion]) -> SuggestionResult:
        """The set as an agent sees it, stale when the customer wrote after the message it answers."""
        first = rows[0]
        latest = await self.latest_customer_message(first.conversation_id)
        return SuggestionResult(
            set_id=first.set_id,
            conversation_id=first.conversation_id,
            based_on=first.based_on,
            latest_customer_message=latest,
            stale=latest != first.based_on,
            suggestions=[_stored(row) for row in rows],
            created_at=first.created_at,
            materials=_materials(first),
        )

    async def mark_used(
        self, suggestion_id: str, conversation_id: str, user_id: str | None, sent: str, at: datetime
    ) -> None:
        """An agent sent a reply made from the suggestion: the first such reply counts."""
        row = await self.get(suggestion_id)
        if row is None or row.conversation_id != conversation_id or row.used_at is not None:
            return
        row.used_at, row.used_by, row.edited = at, user_id, not same_text(sent, row.text)

    async def stats(self, since: datetime | None, until: datetime | None) -> SuggestionStats:
        """Sets made in the period, and how many of their suggestions were sent as they were or edited."""
        period = self._period(since, until)
        per_style = select(
            Suggestion.style,
            func.count(Suggestion.id),
            func.count(Suggestion.used_at),
            func.count(Suggestion.used_at).filter(Suggestion.edited.is_(True)),
        ).where(*period)
        counted: dict[SuggestionStyle, tuple[int, int, int]] = {
            style: (made, used, edited)
            for style, made, used, edited in (
                await self._session.execute(per_style.group_by(Suggestion.style))
            )
        }
        sets = select(func.count(func.distinct(Suggestion.set_id))).where(*period)
        made = await self._session.scalar(sets) or 0
        used = await self._session.scalar(sets.where(Suggestion.used_at.is_not(None))) or 0
        return _stats(since, until, counted, made, used)

    def _period(self, since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
        period = [Suggestion.tenant_id == self._tenant_id]
        if since is not None:
            period.append(Suggestion.created_at >= since)
        if until is not None:
            period.append(Suggestion.created_at < until)
        return period


def history_of(messages: Sequence[ConversationMessage]) -> tuple[list[str], list[Turn]]:
    """What to answer: the customer's messages since the account last said something (else the customer's
    last message), and the transcript before them."""
    said = [m for m in messages if m.status in ("received", "sent") and m.text]
    if said and said[-1].author != "customer":
        asked = [i for i, m in enumerate(said) if m.author == "customer"]
        said = said[: asked[-1] + 1] if asked else []
    unanswered = 0
    while unanswered < len(said) and said[-1 - unanswered].author == "customer":
        unanswered += 1
    earlier, answered = said[: len(said) - unanswered], said[len(said) - unanswered :]
    return [m.text for m in answered], [Turn(author=m.author, text=m.text) for m in earlier]


async def for_reader(
    session: AsyncSession,
    result: SuggestionResult,
    tenant_id: str,
    user_id: str,
    tenant_role: str,
    now: datetime,
) -> SuggestionResult:
    """The set as this reader may use it: only the materials they may send now, cited and offered. A draft
    that offers one they may not send is left out whole, since its text names the material (《title》) and
    promises it: the reader asks for a set of their own."""
    if not result.materials:
        return result
    offerer = await material_offers.agent(MaterialRepository(session, tenant_id), user_id, tenant_role)
    kept = await material_offers.still_offered(session, tenant_id, result.materials, offerer, now)
    ids = {m.material_id for m in kept}
    drafts = [s for s in result.suggestions if all(m in ids for m in s.materials)]
    return result.model_copy(update={"materials": kept, "suggestions": drafts})


def _citations(
    cited: Sequence[str], offers: Sequence[str], materials: Sequence[MaterialCitation]
) -> list[str]:
    return [*cited, *(OFFERS + m for m in offers), *(MATERIAL + m.model_dump_json() for m in materials)]


def _materials(row: Suggestion) -> list[MaterialCitation]:
    found = (c for c in row.citations or [] if c.startswith(MATERIAL))
    return [MaterialCitation.model_validate_json(c.removeprefix(MATERIAL)) for c in found]


def _stored(row: Suggestion) -> StoredSuggestion:
    tagged = row.citations or []
    return StoredSuggestion(
        id=row.id,
        style=row.style,
        label=STYLE_LABELS[row.style],
        text=row.text,
        cited=[c for c in tagged if not c.startswith((OFFERS, MATERIAL))],
        materials=[c.removeprefix(OFFERS) for c in tagged if c.startswith(OFFERS)],
        holding=row.holding,
        findings=list(row.findings or []),
        used_at=row.used_at,
        used_by=row.used_by,
        edited=row.edited,
    )


def _stats(
    since: datetime | None,
    until: datetime | None,
    counted: dict[SuggestionStyle, tuple[int, int, int]],
    made: int,
    used_sets: int,
) -> SuggestionStats:
    styles = []
    for style in STYLES:
        count, used, edited = counted.get(style, (0, 0, 0))
        styles.append(
            StyleStats(
                style=style,
                label=STYLE_LABELS[style],
                made=count,
                used_as_is=used - edited,
                used_edited=edited,
                acceptance_rate=round(used / count, 4) if count else 0.0,
            )
        )
    return SuggestionStats(
        since=since,
        until=until,
        sets=made,
        sets_used=used_sets,
        suggestions=sum(s.made for s in styles),
        used_as_is=sum(s.used_as_is for s in styles),
        used_edited=sum(s.used_edited for s in styles),
        acceptance_rate=round(used_sets / made, 4) if made else 0.0,
        styles=styles,
    )
