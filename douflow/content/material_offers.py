"""Which library materials may be offered for a customer's words (seed 11, 17): one rule for the bot and for
agents' reply suggestions, differing only in who offers.

A material is offered when it covers at least MIN_COVERAGE of what the customer wrote (`coverage`), belongs to
a library its offerer may send from, is of a kind the offerer offers, and may be sent now (`send_problem`:
neither archived nor expired, so an expired price sheet is never offered). The bot may send from the libraries
open to it (`bot_may_use`) and offers only FAQ answers and case studies, since nobody reviews what it sends.
A reply suggestion is drafted by the model too, so it cites only libraries open to the bot, and of those only
the ones the asking agent may view (as `POST /conversations/{id}/materials` checks, since the agent sends it);
it may cite any kind, since the agent chooses what goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from douflow.content.material_search import Coverage, coverage, matched_words
from douflow.content.materials import MaterialRepository, allows, send_problem
from douflow.db.material_tables import Material
from models.materials import MaterialCitation

# How much of the question a material must cover (looked at on bench/data/material_search.toml's materials: a
# question a material answers covers 0.6-1, small talk and questions about something else under 0.3).
MIN_COVERAGE = 0.5
BOT_KINDS = frozenset({"faq", "case_study"})
# Enough for an agent to choose from without burying the drafts.
AGENT_OFFERS = 3


@dataclass(frozen=True)
class Offerer:
    """Who offers: the libraries they may send from, the kinds they offer (None: all) and how many."""

    libraries: frozenset[str]
    kinds: frozenset[str] | None
    limit: int

    def may_offer(self, material: Material, now: datetime) -> bool:
        return (
            material.library_id in self.libraries
            and (self.kinds is None or material.kind in self.kinds)
            and send_problem(material, now) is None
        )


async def bot(repo: MaterialRepository) -> Offerer:
    return Offerer(libraries=frozenset(await repo.bot_library_ids()), kinds=BOT_KINDS, limit=1)


async def agent(repo: MaterialRepository, user_id: str, tenant_role: str) -> Offerer:
    permissions = await repo.permissions(user_id, tenant_role)
    viewable = frozenset(lib for lib, permission in permissions.items() if allows(permission, "viewer"))
    open_to_bot = frozenset(await repo.bot_library_ids())
    return Offerer(libraries=viewable & open_to_bot, kinds=None, limit=AGENT_OFFERS)


async def offers(
    session: AsyncSession, tenant_id: str, text: str, offerer: Offerer, now: datetime
) -> list[MaterialCitation]:
    """The materials the offerer may offer for the customer's words, best first."""
    if not offerer.libraries or not text.strip():
        return []
    matches = [m for m in await coverage(session, tenant_id, text) if m.share >= MIN_COVERAGE]
    # One query for every candidate, not one per match.
    rows = await MaterialRepository(session, tenant_id).get_many([m.material_id for m in matches])
    by_id = {row.id: row for row in rows}
    found: list[MaterialCitation] = []
    for match in matches:
        material = by_id.get(match.material_id)
        if material is not None and offerer.may_offer(material, now):
            found.append(citation(material, match, text))
            if len(found) == offerer.limit:
                break
    return found


def citation(material: Material, match: Coverage, text: str) -> MaterialCitation:
    words = matched_words(text, match.held)
    said = "、".join(f"「{w}」" for w in words) if words else "的问题"
    return MaterialCitation(
        material_id=material.id,
        title=material.title,
        kind=material.kind,  # type: ignore[arg-type]
        library_id=material.library_id,
        coverage=round(match.share, 4),
        matched=words,
        why=f"客户说到{said}，本资料覆盖其问题的 {match.share:.0%}",
    )


async def still_offered(
    session: AsyncSession, tenant_id: str, cited: Sequence[MaterialCitation], offerer: Offerer, now: datetime
) -> list[MaterialCitation]:
    """Of materials cited earlier, those the offerer may still send now, with their current title."""
    current = {
        m.id: m for m in await MaterialRepository(session, tenant_id).get_many([c.material_id for c in cited])
    }
    kept = []
    for earlier in cited:
        material = current.get(earlier.material_id)
        if material is not None and offerer.may_offer(material, now):
            kept.append(
                earlier.model_copy(update={"title": material.title, "library_id": material.library_id})
            )
    return kept
