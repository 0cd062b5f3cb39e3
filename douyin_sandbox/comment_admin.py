"""Admin triggers for comments under `/sandbox/admin/comments`: what customers do on an account's items.

- `POST {item_id, text, from_open_id?, reply_to_comment_id?}`: a customer comments on the item (or replies
  under one of its comments) → stored and pushed as `item_comment_reply` to the item's owner;
- `GET ?item_id=`: every comment and reply of the item, oldest first, each with `reply_to_comment_id`, its
  `source` (our client_key for replies made through the API) and whether the item's owner wrote it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from douyin_sandbox import comments
from douyin_sandbox.runtime import RuntimeDep, SandboxRuntime
from douyin_sandbox.store import Item
from douyin_sandbox.users import DEFAULT_CUSTOMER

router = APIRouter(prefix="/sandbox/admin/comments", tags=["sandbox-admin"])


class CommentBody(BaseModel):
    item_id: str
    text: str = Field(min_length=1, max_length=1000)
    from_open_id: str = DEFAULT_CUSTOMER.open_id
    reply_to_comment_id: str | None = None


def _item(runtime: SandboxRuntime, item_id: str) -> Item:
    item = runtime.store.state.items.get(item_id)
    if item is None:
        raise HTTPException(404, f"unknown item {item_id}")
    return item


@router.post("")
async def comment(body: CommentBody, runtime: RuntimeDep) -> dict[str, Any]:
    """A customer comments on an account's item (`item_comment_reply` webhook to the item's owner)."""
    item = _item(runtime, body.item_id)
    parent = body.reply_to_comment_id
    if parent is not None:
        found = runtime.store.state.comments.get(parent)
        if found is None or found.item_id != item.item_id:
            raise HTTPException(404, f"unknown comment {parent} on item {item.item_id}")
    made = comments.new_comment(runtime, item, body.from_open_id, body.text, reply_to=parent)
    await runtime.store.save()
    msg_id = comments.emit(runtime, made, item)
    return {
        "msg_id": msg_id,
        "comment_id": made.comment_id,
        "content": comments.webhook_content(runtime, made, item),
    }


@router.get("")
async def item_comments(runtime: RuntimeDep, item_id: str) -> list[dict[str, Any]]:
    """Every comment and reply of the item, oldest first."""
    item = _item(runtime, item_id)
    found = [c for c in runtime.store.state.comments.values() if c.item_id == item_id]
    return [comments.view(c, item.open_id) for c in sorted(found, key=lambda c: c.seq)]
