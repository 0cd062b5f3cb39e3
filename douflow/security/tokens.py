"""Access tokens (JWT, HS256) issued by the BFF at login and checked on every request.

A token names its login session (`sid`): the signature proves who the bearer was, the session row says
whether that still holds (logged out, password changed, user disabled or removed).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from joserfc.jwt import JWTClaimsRegistry

from douflow.security.ttl_cache import TtlCache

# Tickets remembered as used: more than a BFF hands out within one ticket's life.
SPENT_TICKETS = 200_000
CLOCK_SLACK_SECONDS = 5

Role = Literal["admin", "operator", "reviewer", "agent", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "operator", "reviewer", "agent", "viewer")


class InvalidToken(Exception):
    """The token is malformed, forged, expired or issued by someone else."""


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    tenant_id: str
    username: str
    role: Role
    session_id: str


class SignedPrincipals:
    """JWTs (HS256) naming a principal and its login session, for one audience."""

    def __init__(self, secret: str, issuer: str, audience: str, ttl_seconds: int) -> None:
        self._key = OctKey.import_key(secret)
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl_seconds
        self._claims = JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            sub={"essential": True},
            sid={"essential": True},
            tid={"essential": True},
            role={"essential": True},
            exp={"essential": True},
        )

    @property
    def ttl_seconds(self) -> int:
        return self._ttl

    def issue(self, principal: Principal, expires_at: float | None = None) -> str:
        """A token for the principal's session, expiring after the TTL or at `expires_at` if that is sooner
        (a refreshed session's token never outlives the session's absolute limit)."""
        now = int(time.time())
        expiry = now + self._ttl if expires_at is None else min(now + self._ttl, int(expires_at))
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": principal.user_id,
            "sid": principal.session_id,
            "tid": principal.tenant_id,
            "usr": principal.username,
            "role": principal.role,
            "iat": now,
            "exp": expiry,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode({"alg": "HS256"}, claims, self._key)

    def verify(self, token: str) -> Principal:
        return self._principal(self._validated(token))

    def _validated(self, token: str) -> dict[str, Any]:
        try:
            decoded = jwt.decode(token, self._key, algorithms=["HS256"])
            self._claims.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise InvalidToken(str(exc)) from exc
        return decoded.claims

    @staticmethod
    def _principal(claims: dict[str, Any]) -> Principal:
        if claims["role"] not in ROLES:
            raise InvalidToken("unknown role")
        return Principal(
            user_id=str(claims["sub"]),
            tenant_id=str(claims["tid"]),
            username=str(claims.get("usr", "")),
            role=claims["role"],
            session_id=str(claims["sid"]),
        )


class TokenService(SignedPrincipals):
    """Access tokens, sent as `Authorization: Bearer` on every request."""


class StreamTickets(SignedPrincipals):
    """Short-lived tickets that open the live event stream, for clients that cannot send a header
    (`EventSource`). A ticket names the same login session as the token that asked for it, under an audience
    of its own, so a ticket is never an access token and an access token never a ticket.

    A ticket travels in a URL, which proxies and access logs may keep, so it opens one stream only: its id
    is remembered until it expires (per BFF process; behind several, one ticket opens at most one stream
    on each within its short life)."""

    def __init__(self, secret: str, issuer: str, audience: str, ttl_seconds: int) -> None:
        super().__init__(secret, issuer, f"{audience}#events", ttl_seconds)
        self._spent: TtlCache[str, bool] = TtlCache(max(ttl_seconds, 0) + CLOCK_SLACK_SECONDS, SPENT_TICKETS)

    def redeem(self, ticket: str) -> Principal:
        """The ticket's principal, the first time it is shown; InvalidToken after."""
        claims = self._validated(ticket)
        ticket_id = claims.get("jti")
        if not isinstance(ticket_id, str) or not ticket_id:
            raise InvalidToken("ticket without an id")
        if self._spent.get(ticket_id):
            raise InvalidToken("ticket already used")
        self._spent.put(ticket_id, True)
        return self._principal(claims)
