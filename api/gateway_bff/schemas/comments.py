"""Comments on the accounts' items (seed 10): what the comment routes answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from models.comments import CommentAction, CommentStatus


class CommentView(BaseModel):
    id: str
    account_id: str
    item_id: str = Field(description="the Douyin item commented on")
    comment_id: str = Field(description="Douyin's id of the comment")
    reply_to_comment_id: str | None = Field(description="the comment it answers, for a reply in a thread")
    author_open_id: str = Field(description="the commenting customer's Douyin open_id for this app")
    text: str
    commented_at: datetime
    status: CommentStatus = Field(
        description="received: triage under way; replied: our reply is under the comment; ignored; "
        "waiting_human: for a person (handed off, or automatic replies are off); blocked: compliance stopped "
        "the reply; failed: Douyin refused it; unconfirmed: the reply's outcome is unknown"
    )
    action: CommentAction | None = Field(description="what triage decided")
    reply_text: str | None = Field(description="the public reply (sent, or stopped)")
    reply_comment_id: str | None = Field(description="Douyin's id of our reply")
    findings: list[str] = Field(description="compliance findings (category:term) of the reply")
    cited: list[str] = Field(description="knowledge entry ids the reply rests on")
    reason: str | None = Field(description="why triage decided so, or why the reply was not made")
    created_at: datetime
    updated_at: datetime


class CommentPage(BaseModel):
    items: list[CommentView]
    limit: int
    offset: int
