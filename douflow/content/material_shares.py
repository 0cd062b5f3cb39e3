"""Tracked share links of materials (seed 17): a link per customer and material, opened on our public host.

The token is the link's only credential (192 random bits). An optional access code is kept as a hash bound to
the token; wrong guesses are recorded and throttled per link and per IP address over a window, in the
database, so every BFF process counts the same. Each open and download is an event of the link and a
behaviour event of the customer (`material_opened`, `material_downloaded`) that scoring counts: the customer
is scored again and threshold actions fire, as for any other behaviour.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from douflow.customers import thresholds
from douflow.customers.behaviour import BehaviourRepository, ScoringRuleRepository
from douflow.customers.scoring import score
from douflow.db.conversation_tables import Customer
from douflow.db.material_tables import Material, MaterialShareEvent, MaterialShareLink
from models.customers import BehaviourEvent, EventType

LINK_PATH = "/m/"
GUESS_WINDOW = timedelta(minutes=15)
GUESSES_PER_LINK = 5
GUESSES_PER_IP = 20
EVENT_TYPES: dict[str, EventType] = {"open": "material_opened", "download": "material_downloaded"}


def link_url(public_base_url: str, token: str) -> str:
    return public_base_url.rstrip("/") + LINK_PATH + token


def _code_hash(token: str, code: str) -> str:
    return hashlib.sha256(f"{token}:{code}".encode()).hexdigest()


def code_matches(link: MaterialShareLink, code: str) -> bool:
    return link.code_hash is None or hmac.compare_digest(link.code_hash, _code_hash(link.token, code.strip()))


def access_key(link: MaterialShareLink, secret: str) -> str:
    """What the browser keeps (a cookie for the link's path) once it gave the right code."""
    return hmac.new(secret.encode(), f"material-link:{link.token}".encode(), hashlib.sha256).hexdigest()


async def find_link(session: AsyncSession, token: str) -> MaterialShareLink | None:
    """The link of a token, whatever its tenant: the public page knows nothing else."""
    if not 16 <= len(token) <= 64:
        return None
    return await session.scalar(select(MaterialShareLink).where(MaterialShareLink.token == token))


@dataclass(frozen=True)
class NewShare:
    material: Material
    customer_id: str
    conversation_id: str | None
    expires_at: datetime
    access_code: str | None
    shared_by: str
    user_id: str | None
    source_key: str | None = None


class ShareRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._session = session
        self._tenant_id = tenant_id

    async def customer(self, customer_id: str) -> Customer | None:
        return await self._session.scalar(
            select(Customer).where(Customer.id == customer_id, Customer.tenant_id == self._tenant_id)
        )

    async def create(self, share: NewShare) -> MaterialShareLink:
        """A new link; with a source key, the link made for that key before, if any (a retried send)."""
        if share.source_key is not None:
            made = await self._session.scalar(
                select(MaterialShareLink).where(
                    MaterialShareLink.tenant_id == self._tenant_id,
                    MaterialShareLink.source_key == share.source_key,
                )
            )
            if made is not None:
                return made
        token = secrets.token_urlsafe(24)
        link = MaterialShareLink(
            tenant_id=self._tenant_id,
            token=token,
            material_id=share.material.id,
            version=share.material.current_version,
            customer_id=share.customer_id,
            conversation_id=share.conversation_id,
            expires_at=share.expires_at,
            code_hash=_code_hash(token, share.access_code) if share.access_code else None,
            shared_by=share.shared_by,
            user_id=share.user_id,
            source_key=share.source_key,
        )
        self._session.add(link)
        await self._session.flush()
        return link

    async def get(self, link_id: str) -> MaterialShareLink | None:
        return await self._session.scalar(
            select(MaterialShareLink).where(
                MaterialShareLink.id == link_id, MaterialShareLink.tenant_id == self._tenant_id
            )
        )

    async def links(self, material_id: str) -> list[MaterialShareLink]:
        rows = await self._session.scalars(
            select(MaterialShareLink)
            .where(
                MaterialShareLink.tenant_id == self._tenant_id, MaterialShareLink.material_id == material_id
            )
            .order_by(MaterialShareLink.created_at.desc(), MaterialShareLink.id)
        )
        return list(rows.all())

    async def events(
        self, link_id: str, kinds: tuple[str, ...] = ("open", "download")
    ) -> list[MaterialShareEvent]:
        rows = await self._session.scalars(
            select(MaterialShareEvent)
            .where(
                MaterialShareEvent.tenant_id == self._tenant_id,
                MaterialShareEvent.link_id == link_id,
                MaterialShareEvent.kind.in_(kinds),
            )
            .order_by(MaterialShareEvent.at, MaterialShareEvent.id)
        )
        return list(rows.all())

    async def guesses_left(self, link: MaterialShareLink, ip: str, now: datetime) -> bool:
        """Whether another access-code guess may be judged now, for this link and this address."""
        since = now - GUESS_WINDOW
        failed = MaterialShareEvent.kind == "code_failed"
        per_link = await self._session.scalar(
            select(func.count()).where(
                failed, MaterialShareEvent.link_id == link.id, MaterialShareEvent.at > since
            )
        )
        per_ip = await self._session.scalar(
            select(func.count()).where(failed, MaterialShareEvent.ip == ip, MaterialShareEvent.at > since)
        )
        return int(per_link or 0) < GUESSES_PER_LINK and int(per_ip or 0) < GUESSES_PER_IP

    async def record(
        self, link: MaterialShareLink, kind: str, ip: str, user_agent: str, now: datetime
    ) -> MaterialShareEvent:
        """The link's event; an open or a download is also the customer's behaviour, scored at once."""
        event = MaterialShareEvent(
            tenant_id=self._tenant_id,
            link_id=link.id,
            kind=kind,
            ip=ip[:64],
            user_agent=user_agent[:300],
            at=now,
        )
        self._session.add(event)
        await self._session.flush()
        behaviour = EVENT_TYPES.get(kind)
        if behaviour is not None:
            await self._behaviour(link, behaviour, event, now)
        return event

    async def _behaviour(
        self, link: MaterialShareLink, kind: EventType, event: MaterialShareEvent, now: datetime
    ) -> None:
        customer = await self.customer(link.customer_id)
        if customer is None:
            return
        detail = {
            "material_id": link.material_id,
            "share_link_id": link.id,
            "conversation_id": link.conversation_id,
        }
        repo = BehaviourRepository(self._session, self._tenant_id)
        happened = BehaviourEvent(type=kind, source_key=f"{kind}:{event.id}", detail=detail, occurred_at=now)
        await repo.record(customer.id, [happened])
        await self._session.flush()
        rules = await ScoringRuleRepository(self._session, self._tenant_id).rules()
        card = score((await repo.happened([customer.id]))[customer.id], rules, now)
        await thresholds.fire(self._session, customer, card, rules, now)
