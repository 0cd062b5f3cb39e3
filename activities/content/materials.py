"""content-center's side of sending a material in a conversation (seed 17): what the bot or an agent's reply
suggestions may offer (one rule, `douflow/content/material_offers.py`), may a material go, and how.

The conversation workflow asks before it sends. An agent sends only materials of libraries they may view, the
bot only those of libraries open to it (`bot_may_use`); a journey's material was chosen by whoever designed
the journey, so only its state is checked here. An expired or archived material is never sent. An image goes
as an uploaded image, a video linked to a published item as that item, anything else as our tracked link in a
text (made once per send: a retried activity finds it by the send's key).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from temporalio import activity

from activities.content.store import ContentStore
from douflow.content import material_offers
from douflow.content.material_shares import NewShare, ShareRepository, link_url
from douflow.content.materials import MaterialRepository, allows, send_problem
from douflow.db.base import utcnow
from douflow.db.tables import User
from models.materials import (
    AgentMaterialQuery,
    BotMaterialHit,
    BotMaterialQuery,
    MaterialDelivery,
    MaterialDeliveryRequest,
    MaterialOffers,
)

LINK_LIFETIME = timedelta(days=7)


class MaterialActivities(ContentStore):
    @activity.defn
    async def find_bot_material(self, query: BotMaterialQuery) -> BotMaterialHit:
        """The FAQ answer or case study of a library open to the bot that best answers the question, if one
        matches closely enough and may be sent now."""
        async with self._sessionmaker() as session:
            offerer = await material_offers.bot(MaterialRepository(session, query.tenant_id))
            found = await material_offers.offers(session, query.tenant_id, query.text, offerer, utcnow())
        if not found:
            return BotMaterialHit()
        return BotMaterialHit(material_id=found[0].material_id, title=found[0].title, score=found[0].coverage)

    @activity.defn
    async def find_agent_materials(self, query: AgentMaterialQuery) -> MaterialOffers:
        """The materials of libraries the agent may send from that answer the customer's words and may be
        sent now; none for a user the tenant does not hold."""
        async with self._sessionmaker() as session:
            user = await session.scalar(
                select(User).where(User.id == query.user_id, User.tenant_id == query.tenant_id)
            )
            if user is None:
                return MaterialOffers()
            offerer = await material_offers.agent(
                MaterialRepository(session, query.tenant_id), user.id, user.role
            )
            found = await material_offers.offers(session, query.tenant_id, query.text, offerer, utcnow())
        return MaterialOffers(materials=found)

    @activity.defn
    async def prepare_material_delivery(self, request: MaterialDeliveryRequest) -> MaterialDelivery:
        async with self._sessionmaker() as session:
            repo = MaterialRepository(session, request.tenant_id)
            material = await repo.get(request.material_id)
            library = await repo.library(material.library_id) if material is not None else None
            if material is None or library is None:
                return MaterialDelivery(refused=f"material {request.material_id} not found")
            if request.sender == "bot" and not library.bot_may_use:
                return MaterialDelivery(refused=f"library {library.name} is not open to the bot")
            if request.sender == "agent":
                user = await session.scalar(
                    select(User).where(User.id == request.user_id, User.tenant_id == request.tenant_id)
                )
                permission = await repo.permission(library.id, user.id, user.role) if user else None
                if not allows(permission, "viewer"):
                    return MaterialDelivery(refused=f"you may not send materials of library {library.name}")
            problem = send_problem(material, request.at)
            if problem is not None:
                return MaterialDelivery(refused=problem)
            version = await repo.version(material.id, material.current_version)
            if material.kind == "image" and version is not None and version.media_key:
                return MaterialDelivery(how="image", title=material.title, storage_key=version.media_key)
            if material.kind == "video" and material.douyin_item_id:
                return MaterialDelivery(how="item", title=material.title, item_id=material.douyin_item_id)
            expires = request.at + LINK_LIFETIME
            if material.expires_at is not None:
                expires = min(expires, material.expires_at)
            link = await ShareRepository(session, request.tenant_id).create(
                NewShare(
                    material=material,
                    customer_id=request.customer_id,
                    conversation_id=request.conversation_id,
                    expires_at=expires,
                    access_code=None,
                    shared_by=request.sender,
                    user_id=request.user_id,
                    source_key=f"send:{request.step_key}",
                )
            )
            await session.commit()
            url = link_url(self._public_base_url, link.token)
            return MaterialDelivery(
                how="link", title=material.title, text=f"{material.title}：{url}", share_link_id=link.id
            )
