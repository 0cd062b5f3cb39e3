"""Customer conversations (seed 10, 14): what the conversation routes take and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.gateway_bff.schemas.request_body import RequestBody
from models.conversations import ConversationState, MessageAuthor, MessageStatus, ReplyAction

AGENT_TEXT_MAX = 500


class CustomerRef(BaseModel):
    id: str
    open_id: str = Field(description="the customer's Douyin open_id for this app")
    nickname: str | None = None


class ConversationView(BaseModel):
    id: str
    account_id: str
    customer: CustomerRef
    state: ConversationState = Field(
        description="bot: the bot answers; waiting_human: handed off, waiting for a person; human: an agent "
        "took it over; closed: quiet for the idle time (the next message reopens it)"
    )
    owner_id: str | None = Field(description="the agent who took it over")
    paused_until: datetime | None = Field(description="the bot waits until then after a person's reply")
    handoff_reason: str | None = Field(description="why the bot handed off, for the agent")
    opened_at: datetime
    last_message_at: datetime


class ConversationPage(BaseModel):
    items: list[ConversationView]
    limit: int
    offset: int


class DecisionView(BaseModel):
    action: ReplyAction
    reason: str
    confidence: float
    cited: list[str] = Field(description="knowledge entry ids the bot's reply rests on")


class MessageView(BaseModel):
    id: str
    author: MessageAuthor
    author_user_id: str | None
    status: MessageStatus
    msg_type: str
    text: str
    reason: str | None = Field(description="why it was not sent, or what happened to it")
    findings: list[str] = Field(description="compliance findings (category:term) of an outgoing message")
    decision: DecisionView | None = Field(description="what the bot decided, for its messages")
    suggestion_id: str | None
    created_at: datetime


class ConversationDetail(ConversationView):
    messages: list[MessageView] = Field(description="the transcript, oldest first (the last 200 messages)")


class AgentMessage(RequestBody):
    text: str = Field(min_length=1, max_length=AGENT_TEXT_MAX)
    suggestion_id: str | None = Field(
        default=None, min_length=1, max_length=36, description="the suggestion this reply was made from"
    )


class SentMessageView(BaseModel):
    message_id: str
    status: MessageStatus
    reason: str | None


class AgentDeskView(BaseModel):
    available: bool = Field(description="handed-off conversations are assigned to this person (round-robin)")
    open_conversations: int = Field(description="conversations waiting for or held by this person")
    cap: int = Field(description="no more are assigned while this many are open")


class AgentDeskChange(RequestBody):
    available: bool
