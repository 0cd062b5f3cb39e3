"""The deal material library (seed 17) as other parts see it: kinds, permissions, and a material sent in a
conversation (`ConversationWorkflow.send_material`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from models.douyin_accounts import AccountRef

MaterialKind = Literal["image", "video", "document", "price_sheet", "case_study", "faq"]
MATERIAL_KINDS: tuple[MaterialKind, ...] = ("image", "video", "document", "price_sheet", "case_study", "faq")
# Kinds whose content is a text written in the library rather than a file.
TEXT_KINDS: frozenset[str] = frozenset({"faq", "case_study"})
Permission = Literal["viewer", "contributor", "manager"]
PERMISSIONS: tuple[Permission, ...] = ("viewer", "contributor", "manager")
MaterialSender = Literal["agent", "journey", "bot"]


class MaterialSend(BaseModel):
    """A material to send in a conversation: the update `send_material` of ConversationWorkflow."""

    material_id: str
    sender: MaterialSender
    user_id: str | None = Field(default=None, description="the agent who sends it (sender 'agent')")
    step_key: str = Field(description="unique per send: a journey step, or the agent request's id")


class MaterialSendOutcome(BaseModel):
    status: Literal["sent", "refused"]
    reason: str | None = None
    share_link_id: str | None = None


class MaterialDeliveryRequest(BaseModel):
    """What the workflow asks content-center for before sending a material to a customer."""

    tenant_id: str
    material_id: str
    sender: MaterialSender
    user_id: str | None = None
    customer_id: str
    conversation_id: str | None = None
    step_key: str
    at: datetime


class MaterialDelivery(BaseModel):
    """How to send it: refused (with why), an image file to upload, a published item, or a text with our
    tracked link."""

    refused: str | None = None
    how: Literal["image", "item", "link"] | None = None
    title: str = ""
    storage_key: str | None = None
    item_id: str | None = None
    text: str | None = None
    share_link_id: str | None = None


class ImImageUpload(BaseModel):
    """An image from the media store, uploaded for a private message (§6.2); answers its media_id."""

    account: AccountRef
    storage_key: str


class BotMaterialQuery(BaseModel):
    """A customer's question the knowledge base could not answer: is there a FAQ answer or case study the bot
    may offer instead?"""

    tenant_id: str
    text: str


class BotMaterialHit(BaseModel):
    material_id: str | None = None
    title: str = ""
    score: float = 0.0


class MaterialCitation(BaseModel):
    """A material offered for the customer's words, and why: the words of theirs it holds and how much of
    what they wrote it covers."""

    material_id: str
    title: str
    kind: MaterialKind
    library_id: str
    coverage: float = Field(ge=0, le=1, description="the weighted share of the customer's words it holds")
    matched: list[str] = Field(default_factory=list, description="the customer's words (normalised) it holds")
    why: str = Field(description="why it matched, in a line an agent reads")


class AgentMaterialQuery(BaseModel):
    """The customer's words an agent asked suggestions for: which materials may that agent offer?"""

    tenant_id: str
    user_id: str
    text: str


class MaterialOffers(BaseModel):
    """The materials that answer the words and may be sent by whoever asked, best first."""

    materials: list[MaterialCitation] = Field(default_factory=list)
