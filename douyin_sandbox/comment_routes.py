"""Comments on the authorised account's items, platform side (douyin-openapi.md 6.1, scope `item.comment`).

- `GET /item/comment/list/?open_id&item_id&cursor&count&sort_type`: top-level comments of one of the
  account's items; `count` 1-20; `sort_type` `time` (newest first), `time_asc`, or the default order
  (the sandbox's "recommended" order: pinned first, then most liked, then newest) [inf];
- `GET /item/comment/reply/list/` with `comment_id` as well: the replies under that comment, same shape;
- `POST /item/comment/reply/?open_id=` JSON `{item_id, comment_id?, content}`: the account replies under a
  comment (or comments on its item at the top level when `comment_id` is left out [inf]) → `data.comment_id`.

Checks in order: faults (latency, busy, rate limit), token, open_id and scope (28001012) as elsewhere; the item
is one of the account's (28001007 [inf]); the comment exists (2111003) and is one of this item's (2111004); the
content is 1-`comment_max_chars` characters (28001007) without a sensitive word (2111001, which includes the
ways off the platform a public reply must not name). A reply can be cut off before any work
(`drop_before_work` under "comment_reply") or lost after it was stored (`fail_after_commit_*`), as publishing.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from douyin_sandbox import comments, envelopes
from douyin_sandbox.auth import PARAM_INVALID, Caller, user_with_scope
from douyin_sandbox.envelopes import SandboxApiError
from douyin_sandbox.faults import DroppedResponse
from douyin_sandbox.runtime import RuntimeDep, SandboxRuntime
from douyin_sandbox.store import Item, ItemComment
from douyin_sandbox.video_routes import json_body

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/item/comment")

SENSITIVE_WORDS = 2111001
INVALID_COMMENT = 2111003
NOT_THIS_ITEMS_COMMENT = 2111004
MAX_COUNT = 20

Commenter = Annotated[Caller, Depends(user_with_scope("item.comment"))]


class ReplyBody(BaseModel):
    item_id: str = Field(min_length=1)
    comment_id: str | None = None
    content: str = ""


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    try:
        return default if raw in (None, "") else int(raw)
    except ValueError as exc:
        raise SandboxApiError(PARAM_INVALID, f"{name}必须为整数") from exc


def _own_item(runtime: SandboxRuntime, caller: Caller, item_id: str | None) -> Item:
    item = runtime.store.state.items.get(item_id or "")
    if item is None or item.open_id != caller.open_id:
        raise SandboxApiError(PARAM_INVALID, "item_id无效或不属于该用户")
    return item


def _comment_of(runtime: SandboxRuntime, item: Item, comment_id: str | None) -> ItemComment:
    comment = runtime.store.state.comments.get(comment_id or "")
    if comment is None:
        raise SandboxApiError(INVALID_COMMENT, "评论无效")
    if comment.item_id != item.item_id:
        raise SandboxApiError(NOT_THIS_ITEMS_COMMENT, "该评论不属于此视频")
    return comment


def _ordered(found: list[ItemComment], sort_type: str) -> list[ItemComment]:
    if sort_type == "time":
        return sorted(found, key=lambda c: c.seq, reverse=True)
    if sort_type == "time_asc":
        return sorted(found, key=lambda c: c.seq)
    return sorted(found, key=lambda c: (not c.top, -c.digg_count, -c.seq))


def _page(request: Request, runtime: SandboxRuntime, found: list[ItemComment]) -> dict[str, Any]:
    """`cursor` is the offset of the page (opaque to callers); `has_more` when more follow."""
    cursor = _int_param(request, "cursor", 0)
    count = _int_param(request, "count", 10)
    if not 1 <= count <= MAX_COUNT or cursor < 0:
        raise SandboxApiError(PARAM_INVALID, f"count取值范围1-{MAX_COUNT}")
    ordered = _ordered(found, request.query_params.get("sort_type") or "")
    page = ordered[cursor : cursor + count]
    return envelopes.classic_ok(
        {
            "cursor": cursor + len(page),
            "has_more": cursor + len(page) < len(ordered),
            "list": [comments.render(runtime, c) for c in page],
        },
        now=runtime.now(),
    )


@router.get("/list/")
async def comment_list(request: Request, caller: Commenter, runtime: RuntimeDep) -> dict[str, Any]:
    """Top-level comments of one of the account's items."""
    item = _own_item(runtime, caller, request.query_params.get("item_id"))
    found = [
        c
        for c in runtime.store.state.comments.values()
        if c.item_id == item.item_id and c.reply_to_comment_id is None
    ]
    return _page(request, runtime, found)


@router.get("/reply/list/")
async def reply_list(request: Request, caller: Commenter, runtime: RuntimeDep) -> dict[str, Any]:
    """The replies under one comment of one of the account's items."""
    item = _own_item(runtime, caller, request.query_params.get("item_id"))
    comment = _comment_of(runtime, item, request.query_params.get("comment_id"))
    return _page(request, runtime, comments.replies_of(runtime, comment.comment_id))


@router.post("/reply/")
async def reply(request: Request, caller: Commenter, runtime: RuntimeDep) -> Response:
    """The account replies under a comment on its item (a top-level comment without `comment_id`)."""
    if runtime.faults.dropped_before_work("comment_reply"):
        return DroppedResponse()
    body = await json_body(request, ReplyBody)
    item = _own_item(runtime, caller, body.item_id)
    parent = _comment_of(runtime, item, body.comment_id) if body.comment_id else None
    text = body.content.strip()
    if not text or len(text) > runtime.config.comment_max_chars:
        raise SandboxApiError(PARAM_INVALID, f"content需为1-{runtime.config.comment_max_chars}个字符")
    folded = text.lower()
    if any(word and word.lower() in folded for word in runtime.config.comment_sensitive_words):
        raise SandboxApiError(SENSITIVE_WORDS, "评论内容包含敏感词")
    made = comments.new_comment(
        runtime,
        item,
        caller.open_id,
        body.content,
        reply_to=parent.comment_id if parent else None,
        source=runtime.config.client_key,
    )
    await runtime.store.save()
    logger.info("comment reply %s on item %s by open_id %s", made.comment_id, item.item_id, caller.open_id)
    ok = envelopes.classic_ok({"comment_id": made.comment_id}, now=runtime.now())
    return await runtime.faults.after_commit(JSONResponse(ok))
