"""Who takes a handed-off conversation (seed 14): round-robin among the tenant's available agents, each holding
fewer open conversations than the cap. Flushes; the caller commits.

"Round-robin" is: the available agent who was given a conversation longest ago (never first), ties by id, so a
burst of handoffs spreads over everyone before anyone gets a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.customers.conversations import AGENT_ROLES
from douflow.db.conversation_tables import AgentPresence, Conversation
from douflow.db.tables import User

# A conversation counts against its agent while it waits for them or they hold it.
OPEN_STATES = ("waiting_human", "human")


class AgentDesk:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def set_available(self, user_id: str, available: bool) -> AgentPresence:
        row = await self._session.get(AgentPresence, user_id)
        if row is None:
            row = AgentPresence(tenant_id=self._tenant_id, user_id=user_id, available=available)
            self._session.add(row)
        row.available = available
        return row

    async def presence(self, user_id: str) -> AgentPresence | None:
        row = await self._session.get(AgentPresence, user_id)
        return row if row is not None and row.tenant_id == self._tenant_id else None

    async def open_count(self, user_id: str) -> int:
        return (await self._open_counts([user_id])).get(user_id, 0)

    async def assign(self, conversation: Conversation, cap: int, now: datetime) -> str | None:
        """Gives the waiting conversation to the next agent; a conversation already given keeps its agent."""
        if conversation.owner_id is not None:
            return conversation.owner_id
        available = await self._available()
        counts = await self._open_counts([p.user_id for p in available])
        for presence in available:
            if counts.get(presence.user_id, 0) < cap:
                presence.last_assigned_at = now
                conversation.owner_id = presence.user_id
                return presence.user_id
        return None

    async def next_agent(self, now: datetime) -> str | None:
        """The next available agent in the same round-robin, for work that is not a conversation (a follow-up
        task): stamped as given now, so the next one goes to someone else."""
        available = await self._available()
        if not available:
            return None
        available[0].last_assigned_at = now
        return available[0].user_id

    async def _open_counts(self, user_ids: list[str]) -> dict[str, int]:
        """Open conversations per agent, in one query."""
        if not user_ids:
            return {}
        rows = await self._session.execute(
            select(Conversation.owner_id, func.count())
            .where(
                Conversation.tenant_id == self._tenant_id,
                Conversation.owner_id.in_(user_ids),
                Conversation.state.in_(OPEN_STATES),
            )
            .group_by(Conversation.owner_id)
        )
        return {str(owner): int(count) for owner, count in rows.all()}

    async def _available(self) -> Sequence[AgentPresence]:
        rows = await self._session.scalars(
            select(AgentPresence)
            .join(User, User.id == AgentPresence.user_id)
            .where(
                AgentPresence.tenant_id == self._tenant_id,
                AgentPresence.available.is_(True),
                User.tenant_id == self._tenant_id,
                User.disabled.is_(False),
                User.role.in_(AGENT_ROLES),
            )
            .order_by(
                AgentPresence.last_assigned_at.is_not(None),
                AgentPresence.last_assigned_at,
                AgentPresence.user_id,
            )
            .with_for_update(of=AgentPresence)
        )
        return rows.all()
