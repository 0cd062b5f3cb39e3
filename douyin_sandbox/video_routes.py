"""Publishing: simple and chunked video upload, image upload, create_video and create_image_text."""

from __future__ import annotations

import hashlib
import logging
import shutil
import uuid
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from douyin_sandbox import envelopes, ids
from douyin_sandbox.auth import PARAM_INVALID, Caller, user_with_scope
from douyin_sandbox.envelopes import SandboxApiError
from douyin_sandbox.faults import DroppedResponse
from douyin_sandbox.items import banned_word_in, seed_for
from douyin_sandbox.multipart import ReceivedFile, receive_file
from douyin_sandbox.runtime import RuntimeDep, SandboxRuntime
from douyin_sandbox.store import Item, Media, Upload

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/douyin/v1/video")

FILE_TOO_BIG = 2190005
MEDIA_ID_INVALID = 2190007
SENSITIVE_WORDS = 2111001
VIDEO_SIZE = (1080, 1920)

Publisher = Annotated[Caller, Depends(user_with_scope("video.create.bind"))]
BodyT = TypeVar("BodyT", bound=BaseModel)


class CreateVideoBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    video_id: str
    text: str = ""
    at_users: list[str] = Field(default_factory=list)
    custom_cover_image_url: str | None = None  # despite the name, an image_id from upload_image
    poi_id: str | None = None
    micro_app_id: str | None = None


class CreateImageTextBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    image_list: list[str]
    text: str = ""
    at_users: list[str] = Field(default_factory=list)
    poi_id: str | None = None
    micro_app_id: str | None = None


async def json_body(request: Request, model: type[BodyT]) -> BodyT:
    try:
        return model.model_validate_json(await request.body() or b"{}")
    except ValidationError as exc:
        raise SandboxApiError(PARAM_INVALID, f"参数不合法: {exc.errors()[0]['loc']}") from exc


def _video_payload(video_id: str, media: Media) -> dict[str, Any]:
    return {"video": {"video_id": video_id, "width": media.width, "height": media.height}}


async def receive_upload(request: Request, field: str, dest: Path, limit: int) -> ReceivedFile:
    """One multipart file field into `dest`; over `limit` bytes is the platform's file-too-big error."""
    received = await receive_file(request, field, dest, limit)
    if received.too_large:
        raise SandboxApiError(FILE_TOO_BIG, f"文件超过{limit}字节上限")
    if not received.found or received.size == 0:
        await anyio.to_thread.run_sync(lambda: dest.unlink(missing_ok=True))
        raise SandboxApiError(PARAM_INVALID, f"缺少文件字段{field}")
    return received


def _add_video(runtime: SandboxRuntime, open_id: str, path: Path, size: int) -> tuple[str, Media]:
    video_id = ids.video_id()
    final = path.with_name(f"{video_id}.mp4")
    path.rename(final)
    media = Media(
        open_id=open_id,
        kind="video",
        path=str(final),
        size=size,
        width=VIDEO_SIZE[0],
        height=VIDEO_SIZE[1],
        created_at=runtime.now(),
    )
    runtime.store.state.media[video_id] = media
    return video_id, media


@router.post("/upload_video/")
async def upload_video(request: Request, caller: Publisher, runtime: RuntimeDep) -> dict[str, Any]:
    """Single-request upload; the platform refuses it above 128 MB (use the part upload instead)."""
    dest = runtime.store.upload_dir("videos") / f"{uuid.uuid4().hex}.incoming"
    received = await receive_upload(request, "video", dest, runtime.config.simple_upload_max_bytes)
    video_id, media = _add_video(runtime, caller.open_id, dest, received.size)
    await runtime.store.save()
    return envelopes.classic_ok(_video_payload(video_id, media), now=runtime.now())


def _upload_dir(runtime: SandboxRuntime, upload_id: str) -> Path:
    # upload_id contains '/' and '+'; never use it as a path component directly.
    return runtime.store.upload_dir("parts") / hashlib.sha256(upload_id.encode()).hexdigest()[:32]


def _live_upload(runtime: SandboxRuntime, caller: Caller, upload_id: str | None) -> Upload:
    upload = runtime.store.state.uploads.get(upload_id or "")
    if upload is None or upload.open_id != caller.open_id:
        raise SandboxApiError(PARAM_INVALID, "upload_id无效")
    if upload.created_at + runtime.config.upload_id_ttl <= runtime.now():
        raise SandboxApiError(PARAM_INVALID, "upload_id已过期")
    return upload


@router.post("/init_video_part_upload/")
async def init_video_part_upload(caller: Publisher, runtime: RuntimeDep) -> dict[str, Any]:
    """Open a part upload; the `@…` upload_id lives for two hours."""
    upload_id = ids.opaque_at_id(48)
    runtime.store.state.uploads[upload_id] = Upload(open_id=caller.open_id, created_at=runtime.now())
    await runtime.store.save()
    return envelopes.classic_ok({"upload_id": upload_id}, now=runtime.now())


@router.post("/upload_video_part/")
async def upload_video_part(request: Request, caller: Publisher, runtime: RuntimeDep) -> dict[str, Any]:
    """One part; numbering starts at 1 and re-sending a number replaces that part."""
    upload_id = request.query_params.get("upload_id")
    upload = _live_upload(runtime, caller, upload_id)
    try:
        part_number = int(request.query_params.get("part_number", ""))
    except ValueError:
        part_number = 0
    if not 1 <= part_number <= 10_000:
        raise SandboxApiError(PARAM_INVALID, "part_number从1开始")
    dest = _upload_dir(runtime, upload_id or "")
    dest.mkdir(parents=True, exist_ok=True)
    received = await receive_upload(
        request, "video", dest / f"{part_number:05d}", runtime.config.max_video_bytes
    )
    upload.parts[part_number] = received.size
    await runtime.store.save()
    return envelopes.classic_ok({}, now=runtime.now())


def _check_parts(runtime: SandboxRuntime, upload: Upload) -> int:
    numbers = sorted(upload.parts)
    if not numbers or numbers != list(range(1, len(numbers) + 1)):
        raise SandboxApiError(PARAM_INVALID, "分片不连续或缺失")
    minimum = runtime.config.min_part_bytes
    if any(upload.parts[n] < minimum for n in numbers[:-1]):
        raise SandboxApiError(PARAM_INVALID, f"除最后一片外每片不得小于{minimum}字节")
    total = sum(upload.parts.values())
    if total > runtime.config.max_video_bytes:
        raise SandboxApiError(FILE_TOO_BIG)
    return total


def _concatenate(parts_dir: Path, count: int, target: Path) -> None:
    with target.open("wb") as out:
        for number in range(1, count + 1):
            with (parts_dir / f"{number:05d}").open("rb") as part:
                shutil.copyfileobj(part, out, 1024 * 1024)
    shutil.rmtree(parts_dir, ignore_errors=True)


@router.post("/complete_video_part_upload/")
async def complete_video_part_upload(
    request: Request, caller: Publisher, runtime: RuntimeDep
) -> dict[str, Any]:
    """Stitch the parts into one video and hand out its video_id."""
    upload_id = request.query_params.get("upload_id") or ""
    upload = _live_upload(runtime, caller, upload_id)
    total = _check_parts(runtime, upload)
    target = runtime.store.upload_dir("videos") / f"{uuid.uuid4().hex}.incoming"
    await anyio.to_thread.run_sync(_concatenate, _upload_dir(runtime, upload_id), len(upload.parts), target)
    del runtime.store.state.uploads[upload_id]
    video_id, media = _add_video(runtime, caller.open_id, target, total)
    await runtime.store.save()
    return envelopes.classic_ok(_video_payload(video_id, media), now=runtime.now())


def image_size(path: Path) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        return None


@router.post("/upload_image/")
async def upload_image(request: Request, caller: Publisher, runtime: RuntimeDep) -> dict[str, Any]:
    """Image for an image-text post (or a custom cover); must be a real image."""
    dest = runtime.store.upload_dir("images") / uuid.uuid4().hex
    received = await receive_upload(request, "image", dest, runtime.config.max_image_bytes)
    size = await anyio.to_thread.run_sync(image_size, dest)
    if size is None:
        await anyio.to_thread.run_sync(lambda: dest.unlink(missing_ok=True))
        raise SandboxApiError(PARAM_INVALID, "图片格式不支持")
    image_id = ids.opaque_at_id(40)
    runtime.store.state.media[image_id] = Media(
        open_id=caller.open_id,
        kind="image",
        path=str(dest),
        size=received.size,
        width=size[0],
        height=size[1],
        created_at=runtime.now(),
    )
    await runtime.store.save()
    return envelopes.classic_ok(
        {"image": {"image_id": image_id, "width": size[0], "height": size[1]}}, now=runtime.now()
    )


def _claim(runtime: SandboxRuntime, caller: Caller, media_id: str, kind: str) -> Media:
    media = runtime.store.state.media.get(media_id)
    if media is None or media.kind != kind or media.open_id != caller.open_id or media.used_by:
        raise SandboxApiError(MEDIA_ID_INVALID, f"{kind}_id无效或已被使用")
    return media


def _publish(runtime: SandboxRuntime, caller: Caller, text: str, media_type: int, media: list[str]) -> Item:
    if word := banned_word_in(text, runtime.config.create_blocked_words):
        raise SandboxApiError(SENSITIVE_WORDS, f"内容包含敏感词「{word}」")
    now = runtime.now()
    item_id = ids.opaque_at_id()
    item = Item(
        item_id=item_id,
        video_id=ids.numeric_id(),
        open_id=caller.open_id,
        media_type=media_type,
        text=text,
        media_ids=media,
        created_at=now,
        review_at=now + runtime.config.review_delay,
        seq=runtime.store.next_seq(),
        seed=seed_for(item_id),
    )
    for media_id in media:
        runtime.store.state.media[media_id].used_by = item_id
    runtime.store.state.items[item_id] = item
    logger.info("published %s for open_id %s", "video" if media_type == 4 else "image-text", caller.open_id)
    return item


async def _committed(runtime: SandboxRuntime, item: Item) -> Response:
    await runtime.store.save()
    body = envelopes.classic_ok({"item_id": item.item_id, "video_id": item.video_id}, now=runtime.now())
    return await runtime.faults.after_commit(JSONResponse(body))


@router.post("/create_video/")
async def create_video(request: Request, caller: Publisher, runtime: RuntimeDep) -> Response:
    """Publish an uploaded video; it starts under review (video_status 4)."""
    if runtime.faults.dropped_before_work("create_video"):
        return DroppedResponse()
    body = await json_body(request, CreateVideoBody)
    _claim(runtime, caller, body.video_id, "video")
    if body.custom_cover_image_url:
        _claim(runtime, caller, body.custom_cover_image_url, "image")
    item = _publish(runtime, caller, body.text, 4, [body.video_id])
    return await _committed(runtime, item)


@router.post("/create_image_text/")
async def create_image_text(request: Request, caller: Publisher, runtime: RuntimeDep) -> Response:
    """Publish an image set (图文) from up to 30 uploaded image_ids."""
    if runtime.faults.dropped_before_work("create_image_text"):
        return DroppedResponse()
    body = await json_body(request, CreateImageTextBody)
    images, limit = body.image_list, runtime.config.max_images_per_post
    if not images or len(images) > limit or len(set(images)) != len(images):
        raise SandboxApiError(PARAM_INVALID, f"image_list需为1-{limit}个不重复的image_id")
    if body.poi_id and body.micro_app_id:
        raise SandboxApiError(PARAM_INVALID, "只能挂载一种锚点")
    for image_id in images:
        _claim(runtime, caller, image_id, "image")
    item = _publish(runtime, caller, body.text, 2, images)
    return await _committed(runtime, item)
