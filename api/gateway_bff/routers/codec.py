"""The codec server of the Temporal UI and CLI: payloads in clear for the platform's own staff only.

Temporal keeps every payload encrypted (douflow/temporal/codec.py). The UI and `temporal --codec-endpoint`
post them here (POST {endpoint}/decode and /encode, protobuf JSON, header X-Namespace) and show what comes
back. One namespace holds every tenant's runs and a payload does not say whose it is, so only admins and
operators of the platform tenant (PLATFORM_TENANT) may use it; a payload of another namespace is refused.

Credentials: the CLI sends `--codec-auth "Bearer <token>"`. The UI cannot send a DouFlow token (it passes
only its own login's), so `POST /session` puts the caller's token in an HttpOnly cookie limited to this
path, which the UI sends with "Include cross-origin credentials" (CORS: CODEC_CORS_ORIGINS).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Depends, FastAPI, Header, Request, Response, status
from sqlalchemy import select
from temporalio.api.common.v1 import Payload

from api.gateway_bff.deps import SessionDep, SettingsDep, StateDep, authenticate, oauth2_scheme
from api.gateway_bff.errors import DomainError, Forbidden
from api.gateway_bff.guarded_route import GuardedRoute, authenticated_by, body_limit
from api.gateway_bff.openapi_errors import may_answer
from api.gateway_bff.schemas.codec import CodecPayload, CodecPayloads, NotBase64
from api.gateway_bff.state import BffState
from douflow.db.tables import Tenant
from douflow.security.tokens import Principal, Role
from douflow.temporal.codec import SERVER_PATH, PayloadDecryptionError

log = logging.getLogger("douflow.bff.codec")
PREFIX = SERVER_PATH
COOKIE = "douflow_codec"
# Who may read what workflows carry (content, messages): the people who run the platform, not viewers.
READER_ROLES: tuple[Role, ...] = ("admin", "operator")

router = APIRouter(prefix=PREFIX, tags=["codec"], route_class=GuardedRoute)
# A decode request carries a whole event's payloads (Temporal allows 2 MB each), base64-encoded.
CODEC_BODY_LIMIT = 8 * 1024**2


async def codec_caller(request: Request, state: BffState) -> Principal:
    """The bearer, or the Temporal UI's session cookie (see `/session`), checked before the body is read."""
    token = await oauth2_scheme(request) or request.cookies.get(COOKIE) or ""
    return await authenticate(state, token)


@dataclass(frozen=True)
class Reader:
    user: Principal
    token: str


@may_answer(403)
async def codec_reader(
    request: Request,
    state: StateDep,
    session: SessionDep,
    bearer: Annotated[str | None, Depends(oauth2_scheme)],
    douflow_codec: Annotated[str | None, Cookie(include_in_schema=False)] = None,
    x_namespace: Annotated[str | None, Header()] = None,
) -> Reader:
    """The caller, if the platform tenant's admin or operator asking about this deployment's namespace."""
    token = bearer or douflow_codec or ""
    checked: Principal | None = getattr(request.state, "principal", None)
    user = checked if checked is not None else await authenticate(state, token)
    if user.role not in READER_ROLES:
        raise Forbidden(f"role '{user.role}' may not read workflow payloads; needs one of: admin, operator")
    slug = await session.scalar(select(Tenant.slug).where(Tenant.id == user.tenant_id))
    if slug is None or slug != state.settings.codec_tenant:
        raise Forbidden(
            "only the platform tenant's admins and operators may read workflow payloads "
            "(one Temporal namespace holds every tenant's runs)"
        )
    namespace = state.settings.temporal_namespace
    if x_namespace is not None and x_namespace != namespace:
        raise Forbidden(f"this codec serves namespace '{namespace}' only, not '{x_namespace}'")
    return Reader(user, token)


CodecReader = Annotated[Reader, Depends(codec_reader)]


@router.post("/decode")
@authenticated_by(codec_caller)
@body_limit(lambda _: CODEC_BODY_LIMIT)
async def decode(body: CodecPayloads, reader: CodecReader, state: StateDep) -> CodecPayloads:
    """Codec server protocol: payloads in clear (ours decrypted, any other passed through)."""
    try:
        decoded = await state.codec.decode(_protos(body))
    except PayloadDecryptionError as exc:
        raise DomainError(str(exc)) from exc
    log.info("user %s decoded %d payloads", reader.user.user_id, len(decoded))
    return CodecPayloads(payloads=[CodecPayload.of(p) for p in decoded])


@router.post("/encode")
@authenticated_by(codec_caller)
@body_limit(lambda _: CODEC_BODY_LIMIT)
async def encode(body: CodecPayloads, reader: CodecReader, state: StateDep) -> CodecPayloads:
    """Codec server protocol: payloads encrypted with the current key (input typed in the UI or CLI)."""
    encoded = await state.codec.encode(_protos(body))
    return CodecPayloads(payloads=[CodecPayload.of(p) for p in encoded])


@router.post("/session", status_code=status.HTTP_204_NO_CONTENT)
@authenticated_by(codec_caller)
@body_limit(lambda _: CODEC_BODY_LIMIT)
async def open_session(reader: CodecReader, settings: SettingsDep, response: Response) -> None:
    """Puts the caller's access token in a cookie for this path only, so the Temporal UI can decode.

    Call it once from a browser (the BFF's /docs, logged in), then tick "Include cross-origin
    credentials" in the UI's codec settings. The cookie lives as long as an access token.
    """
    response.set_cookie(
        COOKIE,
        reader.token,
        max_age=settings.access_token_minutes * 60,
        path=PREFIX,
        secure=settings.public_base_url.startswith("https://"),
        httponly=True,
        samesite="strict",
    )


def document_namespace(app: FastAPI, namespace: str) -> None:
    """X-Namespace takes one value, this deployment's namespace: its OpenAPI document names it."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        spec = generate()
        for path, operations in spec["paths"].items():
            if not path.startswith(PREFIX):
                continue
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "header" and parameter["name"].lower() == "x-namespace":
                        parameter["schema"] = {"type": "string", "enum": [namespace]}
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def _protos(body: CodecPayloads) -> list[Payload]:
    try:
        return [p.to_proto() for p in body.payloads]
    except NotBase64 as exc:
        raise DomainError(str(exc)) from exc
