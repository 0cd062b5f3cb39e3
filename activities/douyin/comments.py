"""The connector's comment activity (seed 10): a public reply of the account under a customer's comment.

A reply is irreversible like a private message, so it is made with one attempt. Unlike private messages the
comment's replies can be read back: a reply whose answer was lost is looked for there (the account's reply
with exactly our text) before the outcome is given up as unknown. Comment text never reaches the logs.
"""

from __future__ import annotations

import logging

from temporalio import activity

from activities.douyin.calls import ConnectorCalls
from activities.douyin.errors import DouyinError, DouyinUnknownOutcome
from activities.douyin.token_store import Credentials
from models.comments import CommentReplied, CommentReply

log = logging.getLogger(__name__)

# A comment with more replies than this is not searched further for a lost reply of ours.
RECONCILE_PAGES = 10
PAGE_SIZE = 20


class CommentCalls(ConnectorCalls):
    """Replies of a bound account under the comments on its items."""

    @activity.defn
    async def reply_douyin_comment(self, reply: CommentReply) -> CommentReplied:
        """One attempt (policies.DOUYIN_REPLY_COMMENT); a lost answer is reconciled from the comment's replies."""

        async def send(c: Credentials) -> CommentReplied:
            try:
                made = await self._client.reply_comment(
                    c.access_token,
                    c.open_id,
                    item_id=reply.item_id,
                    comment_id=reply.comment_id,
                    content=reply.text,
                )
            except DouyinUnknownOutcome:
                found = await self._find_reply(c, reply)
                if found is None:
                    raise
                log.info("lost comment reply found under comment %s", reply.comment_id)
                return CommentReplied(comment_id=found, reconciled=True)
            return CommentReplied(comment_id=made)

        return await self._call(reply.account, send, bounded=False)

    async def _find_reply(self, c: Credentials, reply: CommentReply) -> str | None:
        """The account's reply with exactly this text under the comment; None if none (or unreadable)."""
        cursor = 0
        try:
            for _ in range(RECONCILE_PAGES):
                page = await self._client.comment_replies(
                    c.access_token, c.open_id, item_id=reply.item_id, comment_id=reply.comment_id,
                    cursor=cursor, count=PAGE_SIZE,
                )  # fmt: skip
                for row in page.items:
                    if row.comment_user_id == c.open_id and row.content == reply.text:
                        return row.comment_id
                if not page.has_more:
                    return None
                cursor = page.cursor
        except DouyinError as exc:
            log.info("comment replies unreadable while reconciling a lost reply: %s", type(exc).__name__)
        return None
