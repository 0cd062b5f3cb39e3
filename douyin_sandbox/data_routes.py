"""Data: the user's own video list (cursor paging) and per-item statistics."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from douyin_sandbox import envelopes
from douyin_sandbox.auth import PARAM_INVALID, Caller, user_with_scope
from douyin_sandbox.envelopes import SandboxApiError
from douyin_sandbox.items import render, settle
from douyin_sandbox.runtime import RuntimeDep, SandboxRuntime
from douyin_sandbox.store import Item
from douyin_sandbox.video_routes import json_body

router = APIRouter(prefix="/api/douyin/v1/video")

Lister = Annotated[Caller, Depends(user_with_scope("video.list.bind"))]
DataReader = Annotated[Caller, Depends(user_with_scope("video.data.bind"))]
MAX_ITEM_IDS = 100


class VideoDataBody(BaseModel):
    item_ids: list[str] = Field(default_factory=list)
    video_ids: list[str] = Field(default_factory=list)


async def settled(runtime: SandboxRuntime, items: list[Item]) -> list[Item]:
    """Apply any review that has come due before the items are shown."""
    now = runtime.now()
    if any([settle(item, now, runtime.config) for item in items]):
        await runtime.store.save()
    return items


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    try:
        return default if raw in (None, "") else int(raw)
    except ValueError as exc:
        raise SandboxApiError(PARAM_INVALID, f"{name}必须为整数") from exc


@router.get("/video_list/")
async def video_list(request: Request, caller: Lister, runtime: RuntimeDep) -> dict[str, Any]:
    """Newest first; `cursor` is opaque to callers (here: the last item's sequence number)."""
    cursor = _int_param(request, "cursor", 0)
    count = _int_param(request, "count", 10)
    if not 1 <= count <= runtime.config.video_list_max_count:
        raise SandboxApiError(PARAM_INVALID, f"count取值范围1-{runtime.config.video_list_max_count}")
    lag = runtime.faults.settings.list_lag_seconds
    listed_before = runtime.now() - lag
    mine = sorted(
        (
            item
            for item in runtime.store.state.items.values()
            if item.open_id == caller.open_id and (not lag or item.created_at <= listed_before)
        ),
        key=lambda item: item.seq,
        reverse=True,
    )
    remaining = [item for item in mine if cursor == 0 or item.seq < cursor]
    page = await settled(runtime, remaining[:count])
    now = runtime.now()
    return envelopes.classic_ok(
        {
            "cursor": page[-1].seq if page else cursor,
            "has_more": len(remaining) > count,
            "list": [render(item, now, runtime.config) for item in page],
        },
        now=now,
        numbers_as_strings=runtime.config.numbers_as_strings,
    )


@router.post("/video_data/")
async def video_data(request: Request, caller: DataReader, runtime: RuntimeDep) -> dict[str, Any]:
    """Items by id; ids that are unknown or belong to someone else are left out."""
    body = await json_body(request, VideoDataBody)
    wanted = body.item_ids
    if not wanted and body.video_ids:
        by_video = {item.video_id: item.item_id for item in runtime.store.state.items.values()}
        wanted = [by_video[v] for v in body.video_ids if v in by_video]
    if (not body.item_ids and not body.video_ids) or len(wanted) > MAX_ITEM_IDS:
        raise SandboxApiError(PARAM_INVALID, f"item_ids需为1-{MAX_ITEM_IDS}个")
    items = runtime.store.state.items
    found = [items[i] for i in wanted if i in items and items[i].open_id == caller.open_id]
    found = await settled(runtime, found)
    now = runtime.now()
    return envelopes.classic_ok(
        {"list": [render(item, now, runtime.config) for item in found]},
        now=now,
        numbers_as_strings=runtime.config.numbers_as_strings,
    )
