"""Admin and inspection API under `/sandbox/admin/` (no auth: the sandbox only listens locally),
plus the platform's own sandbox trigger `POST /sandbox/webhook/event/send/`.

Time and growth, for tests that must not depend on how long they take (see clock.py and items.py):

- `GET clock`, `POST clock/freeze {"at": unix seconds | null}`, `POST clock/advance {"seconds": n}`,
  `POST clock/real`: read, stop, move ahead, and return the sandbox clock to real time;
- private messages: see im_admin.py (`im/receive`, `im/enter`, `im/app_reply`, `im/authorize`,
  `im/messages`);
- `POST item/profile {"item_id", "reach", "takes_off", "boost", "tau"}`: pin how an item grows (fields
  left out follow the item's seed); `GET item` and `GET items` show each item's resulting `growth`.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import anyio
from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, ValidationError

from douyin_sandbox import envelopes, ids, im
from douyin_sandbox.auth import presented_token
from douyin_sandbox.clock import ClockState
from douyin_sandbox.config import IMMUTABLE_FIELDS, SandboxConfig
from douyin_sandbox.data_routes import settled
from douyin_sandbox.envelopes import SandboxApiError
from douyin_sandbox.faults import FaultSettings, FaultUpdate
from douyin_sandbox.items import growth_of, render, seed_for
from douyin_sandbox.oauth_routes import check_client_token, grant_and_issue_code, issue_user_tokens
from douyin_sandbox.runtime import RuntimeDep, SandboxRuntime
from douyin_sandbox.store import ImConversation, Item, ItemProfile
from douyin_sandbox.users import DEFAULT_CUSTOMER, SANDBOX_USERS, USERS_BY_OPEN_ID

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/sandbox/admin", tags=["sandbox-admin"])
platform_router = APIRouter()


class OpenIdBody(BaseModel):
    open_id: str


class ExpireTokenBody(OpenIdBody):
    refresh: bool = False


class RemoveScopeBody(OpenIdBody):
    scope: str


class IssueTokensBody(OpenIdBody):
    scopes: list[str] | None = None


class VerifyBody(BaseModel):
    target: str | None = None


class ResetBody(BaseModel):
    keep_config: bool = False


class EventSendBody(BaseModel):
    event_type: str = Field(min_length=1)


class FreezeBody(BaseModel):
    at: float | None = None  # unix seconds; unset: where the clock reads now


class AdvanceBody(BaseModel):
    seconds: float = Field(ge=0)


class ProfileBody(ItemProfile):
    item_id: str


class HandPostBody(OpenIdBody):
    """A post its owner made in the Douyin app (not through the API), e.g. with a text we also publish."""

    text: str = Field(min_length=1)
    media_type: int = Field(default=2, description="4 video, 2 image set")
    created_at: float | None = Field(default=None, description="unix seconds; unset: the sandbox's now")


def _user(open_id: str) -> None:
    if open_id not in USERS_BY_OPEN_ID:
        raise HTTPException(404, f"unknown open_id {open_id}")


def _item_view(item: Item, runtime: SandboxRuntime) -> dict[str, Any]:
    extra = {
        "open_id": item.open_id,
        "reject_reason": item.reject_reason,
        "media_ids": item.media_ids,
        "growth": growth_of(item).as_dict(),
    }
    return render(item, runtime.now(), runtime.config) | extra


@router.get("/users")
async def list_users(runtime: RuntimeDep) -> list[dict[str, Any]]:
    grants = runtime.store.state.grants
    views = []
    for user in SANDBOX_USERS:
        grant = grants.get(user.open_id)
        scopes = grant.scopes if grant else []
        views.append(user.model_dump() | {"authorized": grant is not None, "scopes": scopes})
    return views


@router.get("/items")
async def list_items(runtime: RuntimeDep, open_id: str | None = None) -> list[dict[str, Any]]:
    """Everything published (optionally for one open_id), oldest first; shows rejection reasons."""
    items = sorted(runtime.store.state.items.values(), key=lambda item: item.seq)
    mine = await settled(runtime, [item for item in items if open_id in (None, item.open_id)])
    return [_item_view(item, runtime) for item in mine]


def _known_item(runtime: SandboxRuntime, item_id: str) -> Item:
    item = runtime.store.state.items.get(item_id)
    if item is None:
        raise HTTPException(404, "unknown item_id")
    return item


@router.post("/items")
async def post_by_hand(body: HandPostBody, runtime: RuntimeDep) -> dict[str, Any]:
    """An item made in the app: listed like any other, owned by no API call."""
    _user(body.open_id)
    created = runtime.now() if body.created_at is None else body.created_at
    item_id = ids.opaque_at_id()
    item = Item(
        item_id=item_id,
        video_id=ids.numeric_id(),
        open_id=body.open_id,
        media_type=body.media_type,
        text=body.text,
        media_ids=[],
        created_at=created,
        review_at=created + runtime.config.review_delay,
        seq=runtime.store.next_seq(),
        seed=seed_for(item_id),
    )
    runtime.store.state.items[item_id] = item
    await runtime.store.save()
    return _item_view(item, runtime)


@router.get("/item")
async def get_item(runtime: RuntimeDep, item_id: str) -> dict[str, Any]:
    item = _known_item(runtime, item_id)
    await settled(runtime, [item])
    return _item_view(item, runtime)


@router.post("/item/profile")
async def pin_profile(body: ProfileBody, runtime: RuntimeDep) -> dict[str, Any]:
    """Pin how the item grows, e.g. `{"item_id": …, "reach": 1000, "takes_off": true, "boost": 6}`.

    The given fields replace any earlier pin; fields left out follow the item's seed. Statistics are
    computed on every read, so the new profile shows at once, for every age before and after.
    """
    item = _known_item(runtime, body.item_id)
    item.profile = ItemProfile.model_validate(body.model_dump(exclude={"item_id"}))
    await settled(runtime, [item])
    await runtime.store.save()
    return _item_view(item, runtime)


@router.get("/clock")
async def get_clock(runtime: RuntimeDep) -> ClockState:
    return runtime.clock.state()


@router.post("/clock/freeze")
async def freeze_clock(body: FreezeBody, runtime: RuntimeDep) -> ClockState:
    """Stop the sandbox clock at `at` (unix seconds), or where it reads now when `at` is left out."""
    logger.info("sandbox clock frozen at %s", body.at if body.at is not None else "its current reading")
    return runtime.clock.freeze(body.at)


@router.post("/clock/advance")
async def advance_clock(body: AdvanceBody, runtime: RuntimeDep) -> ClockState:
    """Move the sandbox clock `seconds` ahead; frozen, it stays frozen at the later instant."""
    return runtime.clock.advance(body.seconds)


@router.post("/clock/real")
async def real_clock(runtime: RuntimeDep) -> ClockState:
    """Back to real time: not frozen, no offset."""
    return runtime.clock.use_real_time()


def _sha256(path: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


@router.get("/media")
async def list_media(runtime: RuntimeDep, open_id: str | None = None, digest: bool = False) -> dict[str, Any]:
    """Uploaded videos and images by id; `digest=true` adds each stored file's sha256."""
    views: dict[str, Any] = {}
    for media_id, media in runtime.store.state.media.items():
        if open_id not in (None, media.open_id):
            continue
        views[media_id] = media.model_dump(exclude={"path"})
        if digest:
            views[media_id]["sha256"] = await anyio.to_thread.run_sync(_sha256, media.path)
    return views


@router.get("/config")
async def get_config(runtime: RuntimeDep) -> dict[str, Any]:
    return runtime.config.model_dump(mode="json", exclude={"client_secret"})


@router.post("/config")
async def update_config(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """Partial update, e.g. `{"review_delay": 1, "time_scale": 600, "webhook_targets": [...]}`."""
    changes = await request.json()
    if not isinstance(changes, dict):
        raise HTTPException(400, "expected a JSON object")
    if blocked := sorted(IMMUTABLE_FIELDS & changes.keys()):
        raise HTTPException(400, f"cannot change while running: {blocked}")
    if unknown := sorted(changes.keys() - SandboxConfig.model_fields.keys()):
        raise HTTPException(400, f"unknown config fields: {unknown}")
    try:
        runtime.config = SandboxConfig.model_validate(runtime.config.model_dump() | changes)
    except ValidationError as exc:
        raise HTTPException(400, exc.errors(include_url=False, include_context=False)) from exc
    logger.info("sandbox config changed: %s", sorted(changes))
    return await get_config(runtime)


@router.get("/faults")
async def get_faults(runtime: RuntimeDep) -> FaultSettings:
    return runtime.faults.settings


@router.post("/faults")
async def update_faults(body: FaultUpdate, runtime: RuntimeDep) -> FaultSettings:
    """Partial update of the switches, plus one-shot token expiry / scope removal."""
    for open_id in body.expire_tokens:
        _expire_tokens(runtime, open_id, body.expire_refresh_tokens)
    for open_id, scopes in body.remove_scopes.items():
        for scope in scopes:
            _remove_scope(runtime, open_id, scope)
    await runtime.store.save()
    return runtime.faults.update(body.settings_changes())


@router.post("/faults/reset")
async def reset_faults(runtime: RuntimeDep) -> FaultSettings:
    runtime.faults.reset()
    return runtime.faults.settings


def _expire_tokens(runtime: SandboxRuntime, open_id: str, refresh: bool) -> int:
    expired_at = runtime.now() - 1
    state = runtime.store.state
    records = list(state.access_tokens.values()) + (list(state.refresh_tokens.values()) if refresh else [])
    hits = [record for record in records if record.open_id == open_id]
    for record in hits:
        record.expires_at = min(record.expires_at, expired_at)
    return len(hits)


def _remove_scope(runtime: SandboxRuntime, open_id: str, scope: str) -> None:
    grant = runtime.store.state.grants.get(open_id)
    if grant is not None and scope in grant.scopes:
        grant.scopes.remove(scope)


@router.post("/faults/expire_token")
async def expire_token(body: ExpireTokenBody, runtime: RuntimeDep) -> dict[str, int]:
    """Force the user's access tokens (and with `refresh`, refresh tokens) to be expired now."""
    expired = _expire_tokens(runtime, body.open_id, body.refresh)
    await runtime.store.save()
    return {"expired": expired}


@router.post("/faults/remove_scope")
async def remove_scope(body: RemoveScopeBody, runtime: RuntimeDep) -> dict[str, list[str]]:
    _remove_scope(runtime, body.open_id, body.scope)
    await runtime.store.save()
    grant = runtime.store.state.grants.get(body.open_id)
    return {"scopes": grant.scopes if grant else []}


@router.post("/tokens")
async def issue_tokens(body: IssueTokensBody, runtime: RuntimeDep) -> dict[str, Any]:
    """Grant and mint tokens without the browser page; for other test suites and demos."""
    _user(body.open_id)
    scopes = body.scopes if body.scopes is not None else list(runtime.config.app_scopes)
    grant_and_issue_code(runtime, body.open_id, scopes, "admin://tokens")
    runtime.store.state.codes.clear()
    payload = issue_user_tokens(runtime, body.open_id)
    await runtime.store.save()
    runtime.webhooks.emit("authorize", {"scopes": scopes}, from_user_id=body.open_id)
    return payload


@router.post("/unauthorize")
async def unauthorize(body: OpenIdBody, runtime: RuntimeDep) -> dict[str, Any]:
    """The user revokes the app in the Douyin app: grant and every token die, a webhook goes out."""
    state = runtime.store.state
    grant = state.grants.pop(body.open_id, None)
    if grant is None:
        raise HTTPException(404, "open_id has not authorised the app")
    for tokens in (state.access_tokens, state.refresh_tokens):
        for key in [key for key, record in tokens.items() if record.open_id == body.open_id]:
            del tokens[key]
    await runtime.store.save()
    msg_id = runtime.webhooks.emit("unauthorize", {"scopes": grant.scopes}, from_user_id=body.open_id)
    return {"msg_id": msg_id, "scopes": grant.scopes}


@router.post("/webhooks/verify")
async def verify_webhooks(body: VerifyBody, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """The console's "save" button: a verify_webhook challenge per target, reporting the echo."""
    targets = [body.target] if body.target else runtime.config.webhook_targets
    return [await runtime.webhooks.verify(target) for target in targets]


@router.get("/webhooks/deliveries")
async def deliveries(runtime: RuntimeDep, wait: bool = False) -> list[dict[str, Any]]:
    """Delivery log, newest last; `wait=true` first lets in-flight deliveries finish."""
    if wait:
        await runtime.webhooks.drain()
    return [delivery.model_dump() for delivery in runtime.webhooks.deliveries]


@router.post("/reset")
async def reset(body: ResetBody, runtime: RuntimeDep) -> dict[str, str]:
    """Forget grants, tokens, uploads and items; restore startup config, clear faults, real time again."""
    await runtime.store.reset()
    runtime.faults.reset()
    runtime.clock.use_real_time()
    runtime.webhooks.deliveries.clear()
    if not body.keep_config:
        runtime.config = runtime.initial_config.model_copy(deep=True)
    return {"status": "reset"}


def _sample_message(runtime: SandboxRuntime, account: str, customer: str) -> dict[str, Any]:
    """A customer message for the mock trigger: shaped like the real ones, stored nowhere."""
    conversation = ImConversation(
        conversation_id=ids.opaque_at_id(32), account_open_id=account, customer_open_id=customer
    )
    message = im.new_message(
        runtime, conversation, sent=False, message_type="text", text="你好，请问今天营业吗？"
    )
    return im.webhook_content(message)


def _sample_content(event: str, runtime: SandboxRuntime) -> tuple[Any, str, str]:
    user, customer = SANDBOX_USERS[0].open_id, DEFAULT_CUSTOMER.open_id
    if event == "im_receive_msg":
        return _sample_message(runtime, user, customer), customer, user
    if event in ("authorize", "unauthorize"):
        return {"scopes": ["user_info"]}, user, ""
    if event == "create_video":
        return {"item_id": ids.opaque_at_id(), "share_id": ids.numeric_id()}, user, ""
    if event in ("new_video_digg", "new_follow_action"):
        action = {"action_type": 1, "action_time": int(runtime.now()), "item_id": ids.opaque_at_id()}
        return action, user, ""
    raise SandboxApiError(28001007, f"不支持的事件类型 {event}")


@platform_router.post("/sandbox/webhook/event/send/")
async def send_mock_event(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """The platform's own mock trigger (client token, `{event_type}`)."""
    check_client_token(runtime, presented_token(request))
    try:
        body = EventSendBody.model_validate_json(await request.body() or b"{}")
    except ValidationError as exc:
        raise SandboxApiError(28001007, "event_type不能为空") from exc
    content, sender, receiver = _sample_content(body.event_type, runtime)
    runtime.webhooks.emit(body.event_type, content, from_user_id=sender, to_user_id=receiver)
    return envelopes.classic_ok({}, now=runtime.now())
