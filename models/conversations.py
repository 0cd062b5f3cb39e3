"""Customer conversations on Douyin private messages (seed 10, 14): what the conversation workflow, the BFF and
the services exchange.

One conversation per (bound account, customer). Who may answer lives in the workflow: the bot while it owns
the conversation and no human reply paused it, otherwise people.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from models.brands import BrandContext
from models.customers import CardField
from models.knowledge import KnowledgeHits

# bot: the bot answers; waiting_human: the bot handed off and a person should answer; human: an agent took
# it over; closed: idle for the configured time (the next message reopens it with the bot).
ConversationState = Literal["bot", "waiting_human", "human", "closed"]
ReplyAction = Literal["answer", "ask_lead", "handoff", "none"]
MessageAuthor = Literal["customer", "bot", "agent", "douyin_app", "journey"]
# received: a customer's message; sent: Douyin took it; blocked: compliance stopped it; discarded: the bot's
# answer was dropped because a person took over meanwhile; unconfirmed: the send's outcome is unknown and no
# echo confirmed it (an agent checks the app; it is never sent again); failed: Douyin refused it.
MessageStatus = Literal["received", "sent", "blocked", "discarded", "unconfirmed", "failed"]


class ConversationKey(BaseModel):
    """What the webhook knows of a conversation: the workflow id is made of the account and the customer."""

    tenant_id: str
    account_id: str
    customer_open_id: str


class ConversationTiming(BaseModel):
    """The deployment's timing, given by whoever starts the run (workflow code reads no settings)."""

    debounce_seconds: float = Field(default=2.0, ge=0, description="a burst of messages gets one answer")
    idle_close_seconds: float = Field(
        default=86400, gt=0, description="quiet this long: the conversation closes"
    )
    echo_wait_seconds: float = Field(
        default=60, gt=0, description="how long a send of unknown outcome waits for its im_send_msg echo"
    )
    queue_timeout_seconds: float = Field(
        default=300, gt=0, description="handed off and nobody took it over this long: the customer is told"
    )
    queue_message: str = "当前咨询的客户较多，客服看到后会尽快回复您，请稍候～"
    continue_after_messages: int = Field(
        default=500, ge=1, description="customer messages answered before the run continues as new"
    )
    lead_max_asks: int = Field(default=2, ge=0, description="contact asks per conversation at most")
    lead_cooldown_seconds: float = Field(
        default=86400, ge=0, description="no contact ask this soon after the last ask or a refusal"
    )


class ConversationInput(ConversationKey):
    """A run's input; a run that continues as new carries its state over."""

    timing: ConversationTiming = Field(default_factory=ConversationTiming)
    carried: CarriedState | None = None


class CarriedState(BaseModel):
    """What a run hands to the next when it continues as new."""

    state: ConversationState = "bot"
    owner_id: str | None = None
    paused_until: datetime | None = None
    handoff_reason: str | None = None
    greeted: bool = False
    last_customer: InboundMessage | None = None
    douyin_conversation_id: str | None = None
    pending: list[InboundMessage] = Field(default_factory=list, description="recorded, not yet answered")
    arrivals: list[InboundMessage] = Field(default_factory=list, description="not yet recorded")
    seen: list[str] = Field(default_factory=list, description="recent Douyin message ids, against redelivery")
    queue_deadline: datetime | None = Field(default=None, description="when a waiting customer is told")


class InboundMessage(BaseModel):
    """A customer's message as its `im_receive_msg` webhook delivered it."""

    msg_id: str = Field(description="Douyin's server_message_id: a reply names it, valid 24 h")
    conversation_id: str = Field(description="Douyin's conversation_short_id")
    msg_type: str = "text"
    text: str = ""
    sent_at: datetime
    nickname: str | None = None
    card_id: str | None = None
    card_data: list[CardField] = Field(
        default_factory=list, description="a submitted retain-consult card's fields (message_type other)"
    )


class EnteredChat(BaseModel):
    """`im_enter_direct_msg`: the customer opened the chat; its msg id allows one greeting."""

    msg_id: str
    conversation_id: str
    at: datetime


class SentEcho(BaseModel):
    """`im_send_msg`: the account sent a message, through this app (`source` is our client key) or in the app."""

    msg_id: str
    conversation_id: str
    text: str = ""
    ours: bool
    at: datetime


class Takeover(BaseModel):
    user_id: str


class Release(BaseModel):
    user_id: str


class AgentReply(BaseModel):
    user_id: str
    text: str
    suggestion_id: str | None = None


class AgentReplyResult(BaseModel):
    message_id: str
    status: MessageStatus
    reason: str | None = None


class ConversationStatus(BaseModel):
    """What the workflow says of itself (its query, and the answer of takeover and release)."""

    state: ConversationState
    owner_id: str | None = None
    paused_until: datetime | None = None
    handoff_reason: str | None = None
    conversation_id: str | None = Field(default=None, description="the conversation's row id")
    unanswered: int = Field(
        default=0, description="customer messages not yet taken up (recorded and decided)"
    )


# -- the store (orchestration's own activities) --------------------------------------------------------


class OpenConversation(ConversationKey):
    douyin_conversation_id: str | None = None
    nickname: str | None = None


class OpenedConversation(BaseModel):
    """The conversation's row, and what the bot should know of an earlier, closed stretch of it."""

    conversation_id: str
    customer_id: str
    reopened: bool = False
    summary: str = Field(default="", description="a short summary of the earlier transcript; never replayed")
    pause_minutes: int = Field(default=30, description="the tenant's bot pause after a human reply")
    brand: BrandContext | None = None


class MessageRecord(BaseModel):
    """One message of a transcript; its id is derived by the workflow, so a retried write finds it."""

    tenant_id: str
    conversation_id: str
    message_id: str
    author: MessageAuthor
    status: MessageStatus
    text: str = ""
    msg_type: str = "text"
    douyin_msg_id: str | None = None
    reply_to_msg_id: str | None = None
    author_user_id: str | None = None
    suggestion_id: str | None = None
    media_key: str | None = Field(default=None, description="an image the customer sent, in the media store")
    decision: ReplyDecision | None = None
    findings: list[str] = Field(default_factory=list)
    reason: str | None = None
    at: datetime


class StateChange(BaseModel):
    tenant_id: str
    conversation_id: str
    state: ConversationState
    owner_id: str | None = None
    paused_until: datetime | None = None
    handoff_reason: str | None = None
    actor_id: str
    at: datetime


class HandoffNotice(BaseModel):
    """The tenant's agents are told a conversation waits for a person, why, and whom it was given to."""

    tenant_id: str
    conversation_id: str
    reason: str
    at: datetime
    assigned_to: str | None = None


class AssignRequest(BaseModel):
    tenant_id: str
    conversation_id: str
    reason: str
    at: datetime


class Assignment(BaseModel):
    """The agent a handed-off conversation was given to (None: nobody available under the cap)."""

    user_id: str | None = None


# -- agent-center ----------------------------------------------------------------------------------------


class Turn(BaseModel):
    author: MessageAuthor
    text: str


class ReplyJob(BaseModel):
    """What the bot decides from: the customer's new messages, the recent transcript, the knowledge hits for
    them and the brand the account speaks for."""

    tenant_id: str
    messages: list[str]
    history: list[Turn] = Field(default_factory=list)
    summary: str = ""
    knowledge: KnowledgeHits = Field(default_factory=KnowledgeHits)
    brand: BrandContext | None = None
    greeting: bool = Field(default=False, description="the customer just opened the chat: greet once")
    images: int = Field(default=0, description="images among the new messages (the bot cannot read them)")


class ReplyDecision(BaseModel):
    """The bot's structured decision: handing off is an action, never a sentence that merely says so."""

    reply: str = Field(default="", max_length=500)
    action: ReplyAction
    reason: str = Field(max_length=300)
    confidence: float = Field(ge=0, le=1)
    cited: list[str] = Field(default_factory=list, description="knowledge entry ids the reply rests on")


class OutgoingCheck(BaseModel):
    """A message about to be sent to a customer, checked for advertising-law words and off-platform
    diversion (a public comment reply is held to the stricter rule)."""

    text: str
    public: bool = False


class CheckedMessage(BaseModel):
    """`text` is what may be sent (rewritten where a finding allowed it); `blocked` when nothing may be."""

    text: str
    blocked: bool = False
    findings: list[str] = Field(default_factory=list)


ConversationInput.model_rebuild()
CarriedState.model_rebuild()
MessageRecord.model_rebuild()
