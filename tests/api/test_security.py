"""Authentication on every route and isolation between tenants."""

from __future__ import annotations

import importlib
import pkgutil
import re
import time

import httpx
import pytest
from fastapi.routing import APIRoute

from api.gateway_bff import media_links, routers
from api.gateway_bff.guarded_route import GuardedRoute
from douflow.security.tokens import Principal, TokenService
from douflow.settings import Settings
from tests.support.auth import TestUser, login


@pytest.fixture(scope="module")
async def acme_image_post(http: httpx.AsyncClient, operator: TestUser) -> dict:
    response = await http.post(
        "/api/v1/image-posts", json={"topic": "秋冬围巾穿搭", "image_count": 1}, headers=operator.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_other_tenant_cannot_read_or_change(
    http: httpx.AsyncClient, operator: TestUser, other_tenant_operator: TestUser, acme_image_post: dict
) -> None:
    content_id = acme_image_post["content_id"]
    intruder = other_tenant_operator.headers
    assert (await http.get(f"/api/v1/contents/{content_id}", headers=intruder)).status_code == 404
    assert (await http.get(f"/api/v1/contents/{content_id}/versions", headers=intruder)).status_code == 404
    patch = await http.patch(f"/api/v1/contents/{content_id}", json={"title": "hacked"}, headers=intruder)
    assert patch.status_code == 404
    listing = (await http.get("/api/v1/contents?limit=200", headers=intruder)).json()
    assert content_id not in {item["id"] for item in listing["items"]}
    workflow = await http.get(f"/api/v1/workflows/{acme_image_post['workflow_id']}", headers=intruder)
    assert workflow.status_code == 404
    media = await http.get(f"/api/v1/media/{acme_image_post['images'][0]['asset_id']}", headers=intruder)
    assert media.status_code == 404, "another tenant's bearer finds no such media"

    owner_view = (await http.get(f"/api/v1/contents/{content_id}", headers=operator.headers)).json()
    assert owner_view["title"] != "hacked"
    assert owner_view["version"] == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/contents"),
        ("GET", "/api/v1/contents/any-id"),
        ("PATCH", "/api/v1/contents/any-id"),
        ("POST", "/api/v1/titles"),
        ("POST", "/api/v1/copywriting"),
        ("POST", "/api/v1/image-posts"),
        ("POST", "/api/v1/video-scripts"),
        ("GET", "/api/v1/workflows/any-id"),
        ("GET", "/api/v1/media/any-id"),
        ("GET", "/api/v1/users"),
        ("GET", "/api/v1/auth/me"),
    ],
)
async def test_every_route_requires_a_token(http: httpx.AsyncClient, method: str, path: str) -> None:
    response = await http.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


# Reached without a token: logging in, the bind link a browser opens and Douyin's redirect back (the OAuth
# state is their credential), its webhook (the signature is), the health check and the material pages a
# customer opens from a shared link (the link's token is), and stored media by the signed link the API answered
# (its signature is).
PUBLIC = {
    ("GET", "/api/v1/media/{asset_id}/file"),
    ("GET", "/m/{token}"),
    ("POST", "/m/{token}"),
    ("GET", "/m/{token}/file"),
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/douyin/oauth/start"),
    ("GET", "/api/v1/douyin/oauth/callback"),
    ("POST", "/api/v1/douyin/webhook"),
    ("GET", "/healthz"),
}


def _routes() -> list[APIRoute]:
    """Every route of every router module, as the routers declare them."""
    modules = [
        importlib.import_module(f"{routers.__name__}.{m.name}")
        for m in pkgutil.iter_modules(routers.__path__)
    ]
    return [route for module in modules for route in module.router.routes if isinstance(route, APIRoute)]


def _requests() -> list[tuple[str, str]]:
    """(method, path) of every route but the public ones, path parameters filled in."""
    return sorted(
        (method, re.sub(r"\{[^}]+\}", "x", route.path))
        for route in _routes()
        for method in route.methods
        if (method, route.path) not in PUBLIC
    )


def test_every_route_is_guarded() -> None:
    """Authentication and the body limit happen before FastAPI reads a body only on `GuardedRoute`s."""
    assert [route.path for route in _routes() if not isinstance(route, GuardedRoute)] == []


@pytest.mark.parametrize(("method", "path"), _requests())
async def test_a_stranger_hears_401_before_anything_about_the_body(
    http: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await http.request(
        method, path, content=b'{"broken": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


async def test_forged_and_expired_tokens_are_rejected(
    http: httpx.AsyncClient, settings: Settings, operator: TestUser
) -> None:
    principal = Principal(operator.user_id, operator.tenant_id, operator.username, "admin", "any-session")
    forged = TokenService("x" * 48, settings.jwt_issuer, settings.jwt_audience, 600).issue(principal)
    secret = settings.jwt_secret.get_secret_value()
    expired = TokenService(secret, settings.jwt_issuer, settings.jwt_audience, -10).issue(principal)
    for token in (forged, expired, "not-a-jwt"):
        response = await http.get("/api/v1/contents", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        detail = response.json()["detail"]
        assert detail == "access token rejected (invalid, expired or not issued here); log in again"


async def test_login_failures_do_not_say_which_part_was_wrong(
    http: httpx.AsyncClient, operator: TestUser
) -> None:
    wrong_password = await login(http, operator.tenant_slug, operator.username, "wrong-password")
    wrong_user = await login(http, operator.tenant_slug, "nobody")
    wrong_tenant = await login(http, "no-such-tenant", operator.username)
    for response in (wrong_password, wrong_user, wrong_tenant):
        assert response.status_code == 401
        assert response.json()["detail"] == "wrong tenant, username or password"


async def test_user_at_tenant_login_and_me(http: httpx.AsyncClient, operator: TestUser) -> None:
    from tests.support.auth import PASSWORD

    response = await http.post(
        "/api/v1/auth/token",
        data={"username": f"{operator.username}@{operator.tenant_slug}", "password": PASSWORD},
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    me = (await http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})).json()
    assert me == {
        "user_id": operator.user_id,
        "tenant_id": operator.tenant_id,
        "username": operator.username,
        "role": "operator",
    }


async def test_admin_manages_users_of_own_tenant_only(
    http: httpx.AsyncClient, admin: TestUser, operator: TestUser, other_tenant_operator: TestUser
) -> None:
    created = await http.post(
        "/api/v1/users",
        json={"username": "newbie", "password": "long-enough-pw", "role": "agent"},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    again = await http.post(
        "/api/v1/users",
        json={"username": "newbie", "password": "long-enough-pw", "role": "agent"},
        headers=admin.headers,
    )
    assert again.status_code == 409
    names = {u["username"] for u in (await http.get("/api/v1/users", headers=admin.headers)).json()}
    assert {"newbie", operator.username} <= names
    assert other_tenant_operator.username not in names
    assert (await http.get("/api/v1/users", headers=operator.headers)).status_code == 403


async def test_a_signed_media_link_opens_its_file_without_a_header_and_nothing_else_does(
    http: httpx.AsyncClient, operator: TestUser, other_tenant_operator: TestUser, acme_image_post: dict,
    settings: Settings,
) -> None:  # fmt: skip
    """What an <img> opens: the link the content answered, until it expires, for that asset only."""
    content = await http.get(f"/api/v1/contents/{acme_image_post['content_id']}", headers=operator.headers)
    asset = content.json()["assets"][0]
    by_bearer = await http.get(f"/api/v1/media/{asset['id']}", headers=operator.headers)

    by_link = await http.get(asset["url"])

    assert by_link.status_code == 200, by_link.text
    assert by_link.content == by_bearer.content and by_link.headers["content-type"] == asset["mime_type"]
    secret = settings.jwt_secret.get_secret_value()
    expires = int(time.time()) + 3600
    theirs = media_links.signature(secret, other_tenant_operator.tenant_id, asset["id"], expires)
    past = media_links.media_link(secret, operator.tenant_id, asset["id"], time.time() - 3 * 3600)
    good = asset["url"].split("signature=")[1]
    for refused in (
        f"/api/v1/media/{asset['id']}/file?expires={expires}&signature={theirs}",  # signed for another tenant
        past,  # expired
        asset["url"].replace(good, good[::-1]),  # tampered
        asset["url"].replace(asset["id"], acme_image_post["images"][-1]["asset_id"])
        if len(acme_image_post["images"]) > 1
        else f"/api/v1/media/no-such-asset/file?expires={expires}&signature={good}",  # another asset
    ):
        answer = await http.get(refused)
        assert answer.status_code == 403, (refused, answer.text)
