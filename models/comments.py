"""Comments on a bound account's items (seed 10) as the triage workflow, agent-center, the connector, the store
and the BFF exchange them.

Douyin announces a new comment by webhook (`item_comment_reply`); the account answers in public through
`POST /item/comment/reply/` (scope `item.comment`), where everyone reads it, so nothing may divert off the
platform: a question the public should not see answered (price, contact, an order, a complaint) is invited
into private messages instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from models.brands import BrandContext
from models.douyin_accounts import AccountRef
from models.knowledge import KnowledgeHits

# public_reply: answer under the comment; invite_private: a public line inviting the author to private
# messages; ignore: nothing to say (praise may be ignored); handoff: a person of the tenant should look.
CommentAction = Literal["public_reply", "invite_private", "ignore", "handoff"]
# received: stored, triage under way; replied: our reply is under the comment; ignored; waiting_human: for a
# person (handed off, or automatic replies are off); blocked: compliance stopped the reply; failed: Douyin
# refused it; unconfirmed: the reply's outcome is unknown and the comment's replies do not show it.
CommentStatus = Literal["received", "replied", "ignored", "waiting_human", "blocked", "failed", "unconfirmed"]

COMMENT_TEXT_MAX = 2000
COMMENT_REPLY_MAX = 200


# -- workflow input and the store ---------------------------------------------------------------------------


class CommentTriageInput(BaseModel):
    """One customer comment on an account's item, as the webhook carried it."""

    tenant_id: str
    account_id: str
    item_id: str
    comment_id: str
    author_open_id: str = Field(description="the commenting customer's open_id")
    text: str = Field(max_length=COMMENT_TEXT_MAX)
    created_at: datetime
    reply_to_comment_id: str | None = Field(default=None, description="the comment it answers, if any")
    auto_reply: bool = Field(default=True, description="COMMENT_AUTO_REPLY when the webhook arrived")


class CommentStored(BaseModel):
    """The comment's row (found again on a retried write) and the brand its account speaks for."""

    row_id: str
    brand: BrandContext | None = None


class CommentOutcome(BaseModel):
    """What triage did with a comment; written once the reply went out, or why not."""

    tenant_id: str
    row_id: str
    status: CommentStatus
    action: CommentAction | None = None
    reply_text: str | None = None
    reply_comment_id: str | None = None
    findings: list[str] = Field(default_factory=list)
    reason: str | None = None
    cited: list[str] = Field(default_factory=list)
    notify: bool = Field(default=False, description="tell the tenant's agents (a person should look)")


# -- agent-center ---------------------------------------------------------------------------------------------


class CommentJob(BaseModel):
    """What the triage decides from: the comment, the knowledge hits for it and the brand of the account."""

    tenant_id: str
    text: str
    knowledge: KnowledgeHits = Field(default_factory=KnowledgeHits)
    brand: BrandContext | None = None


class CommentDecision(BaseModel):
    """The triage's structured decision; a public reply is short and never names a way off the platform."""

    action: CommentAction
    reply: str = Field(default="", max_length=COMMENT_REPLY_MAX)
    reason: str = Field(max_length=300)
    cited: list[str] = Field(default_factory=list, description="knowledge entry ids the reply rests on")


# -- delivery-connector-douyin ----------------------------------------------------------------------------------


class CommentReply(BaseModel):
    """A public reply of the bound account under a comment on its own item."""

    account: AccountRef
    item_id: str
    comment_id: str
    text: str = Field(min_length=1, description="checked by the public compliance rule")


class CommentReplied(BaseModel):
    """Douyin's id of our reply; `reconciled` when the reply was lost and found in the comment's replies."""

    comment_id: str
    reconciled: bool = False
