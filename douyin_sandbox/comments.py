"""Comment state shared by the platform routes (comment_routes.py) and the admin trigger (comment_admin.py).

A comment belongs to an item; a reply is a comment whose `reply_to_comment_id` names the one it answers. A
customer's new comment is pushed as `item_comment_reply` (douyin-openapi.md 6.1, 7) with `from_user_id` the
commenter and `to_user_id` the item's owner [inf: the documented sample names both open_ids, not which is
which]; the account's own replies through the API are not pushed [inf].
"""

from __future__ import annotations

from typing import Any

from douyin_sandbox import ids
from douyin_sandbox.runtime import SandboxRuntime
from douyin_sandbox.store import Item, ItemComment
from douyin_sandbox.users import USERS_BY_OPEN_ID

EVENT = "item_comment_reply"


def new_comment(
    runtime: SandboxRuntime,
    item: Item,
    user_open_id: str,
    content: str,
    *,
    reply_to: str | None = None,
    source: str = "",
) -> ItemComment:
    """A comment (or a reply under `reply_to`) on `item` at the sandbox's now, stored."""
    comment = ItemComment(
        comment_id=ids.numeric_id(),
        item_id=item.item_id,
        user_open_id=user_open_id,
        content=content,
        created_at=runtime.now(),
        seq=runtime.store.next_seq(),
        reply_to_comment_id=reply_to,
        source=source,
    )
    runtime.store.state.comments[comment.comment_id] = comment
    return comment


def replies_of(runtime: SandboxRuntime, comment_id: str) -> list[ItemComment]:
    return [c for c in runtime.store.state.comments.values() if c.reply_to_comment_id == comment_id]


def render(runtime: SandboxRuntime, comment: ItemComment) -> dict[str, Any]:
    """An element of `/item/comment/list/` and `/item/comment/reply/list/`."""
    user = USERS_BY_OPEN_ID.get(comment.user_open_id)
    nickname, avatar = (user.nickname, user.avatar) if user else ("抖音用户", "")
    return {
        "comment_id": comment.comment_id,
        "comment_user_id": comment.user_open_id,
        "nick_name": nickname,
        "avatar": avatar,
        "content": comment.content,
        "create_time": int(comment.created_at),
        "digg_count": comment.digg_count,
        "reply_comment_total": len(replies_of(runtime, comment.comment_id)),
        "top": comment.top,
    }


def webhook_content(runtime: SandboxRuntime, comment: ItemComment, item: Item) -> dict[str, Any]:
    """The documented content of `item_comment_reply` (an object, not a JSON string)."""
    return {
        "comment_id": comment.comment_id,
        "comment_user_id": comment.user_open_id,
        "content": comment.content,
        "create_time": int(comment.created_at),
        "digg_count": comment.digg_count,
        "reply_comment_total": len(replies_of(runtime, comment.comment_id)),
        "reply_to_comment_id": comment.reply_to_comment_id or "",
        "reply_to_item_id": item.item_id,
        "at_user_id": "",
    }


def emit(runtime: SandboxRuntime, comment: ItemComment, item: Item) -> str:
    """The push of a customer's new comment to the item's owner; returns its Msg-Id."""
    return runtime.webhooks.emit(
        EVENT,
        webhook_content(runtime, comment, item),
        from_user_id=comment.user_open_id,
        to_user_id=item.open_id,
    )


def view(comment: ItemComment, owner_open_id: str) -> dict[str, Any]:
    """What the admin listing shows: every field, and whether the item's owner wrote it."""
    return comment.model_dump() | {"by_owner": comment.user_open_id == owner_open_id}
