"""The operator console served by the BFF: SPA fallback, long-cached hashed assets, its CSP, its absence."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.gateway_bff.app import create_app
from api.gateway_bff.console import ASSET_CACHE
from tests.conftest import make_settings

INDEX = (
    '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head></html>'
)


def console_app(tmp_path: Path, dist: Path) -> httpx.AsyncClient:
    settings = make_settings(tmp_path, "sqlite+aiosqlite:///:memory:", "127.0.0.1:1", web_dist_dir=dist)
    # No lifespan: the console's routes touch neither the database nor Temporal.
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url="http://console.test")


@pytest.fixture
async def built(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-abc123.js").write_text("console.log('console')")
    (dist / "favicon.svg").write_text("<svg/>")
    async with console_app(tmp_path, dist) as client:
        yield client


async def test_a_browser_that_takes_brotli_or_gzip_gets_the_builds_compressed_copy(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    script = b"console.log('console');" * 200
    (dist / "assets" / "index-abc123.js").write_bytes(script)
    (dist / "assets" / "index-abc123.js.gz").write_bytes(gzip.compress(script))
    (dist / "assets" / "index-abc123.js.br").write_bytes(b"brotli bytes")
    (dist / "assets" / "small-def456.css").write_text("a{}")
    async with console_app(tmp_path, dist) as client:
        headers = {"Accept-Encoding": "gzip, br"}
        async with client.stream("GET", "/assets/index-abc123.js", headers=headers) as brotli:
            assert brotli.headers["content-encoding"] == "br"
            assert b"".join([chunk async for chunk in brotli.aiter_raw()]) == b"brotli bytes"
            assert "javascript" in brotli.headers["content-type"]
            assert brotli.headers["vary"] == "Accept-Encoding"
            assert brotli.headers["cache-control"] == ASSET_CACHE

        gzipped = await client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip, br;q=0"})
        assert gzipped.headers["content-encoding"] == "gzip"
        assert gzipped.content == script  # httpx decodes it: the copy is the file

        again = await client.get(
            "/assets/index-abc123.js",
            headers={"Accept-Encoding": "gzip", "If-None-Match": gzipped.headers["etag"]},
        )
        assert again.status_code == 304

        plain = await client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.content == script
        # A file the build left uncompressed (too small to gain) is sent as it is to anyone.
        small = await client.get("/assets/small-def456.css", headers={"Accept-Encoding": "gzip, br"})
        assert "content-encoding" not in small.headers
        assert small.text == "a{}"


@pytest.mark.parametrize("path", ["/", "/login", "/contents", "/contents/c-1", "/create/titles?x=1"])
async def test_client_routes_answer_the_index_uncached(built: httpx.AsyncClient, path: str) -> None:
    response = await built.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_cached_for_a_year(built: httpx.AsyncClient) -> None:
    response = await built.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == ASSET_CACHE == "public, max-age=31536000, immutable"
    assert "javascript" in response.headers["content-type"]
    for nul in ("/assets/%00", "/assets/index-abc123.js%00"):
        refused = await built.get(nul, headers={"Accept-Encoding": "gzip, br"})
        assert refused.status_code == 404, "a NUL byte names no file; the file system must not be asked"
    missing = await built.get("/assets/index-gone.js")
    assert missing.status_code == 404
    assert "immutable" not in missing.headers.get("cache-control", "")


async def test_top_level_public_files_are_served_and_nothing_outside_dist(
    built: httpx.AsyncClient, tmp_path: Path
) -> None:
    assert (await built.get("/favicon.svg")).text == "<svg/>"
    (tmp_path / "secret.txt").write_text("outside")
    outside = await built.get("/..%2Fsecret.txt")
    assert "outside" not in outside.text


async def test_console_csp_lets_antd_inject_styles_but_no_inline_script(built: httpx.AsyncClient) -> None:
    csp = (await built.get("/contents")).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    asset = await built.get("/assets/index-abc123.js")
    assert asset.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api", "/api/", "/m/", "/docs/extra", "/openapi.json/x", "/healthz/x"]
)
async def test_the_fallback_never_shadows_the_servers_own_paths(built: httpx.AsyncClient, path: str) -> None:
    response = await built.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert INDEX not in response.text


async def test_docs_and_spec_are_still_the_apis(built: httpx.AsyncClient) -> None:
    spec = await built.get("/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/titles" in spec.json()["paths"]
    assert not any(p in spec.json()["paths"] for p in ("/", "/{path}"))
    docs = await built.get("/docs")
    assert "swagger" in docs.text.lower()


@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/titles"])
async def test_an_undeclared_get_on_an_api_path_is_still_405(built: httpx.AsyncClient, path: str) -> None:
    assert (await built.get(path)).status_code == 405


async def test_api_answers_keep_the_strict_policy(built: httpx.AsyncClient) -> None:
    response = await built.get("/api/v1/nothing-here")
    assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


async def test_without_a_build_the_root_says_how_to_build(tmp_path: Path) -> None:
    async with console_app(tmp_path, tmp_path / "not-built") as client:
        response = await client.get("/")
        assert response.status_code == 404
        assert "make web" in response.text
        assert (await client.get("/contents")).status_code == 404
        assert (await client.get("/api/v1/nothing")).headers["content-type"] == "application/json"


async def test_operation_ids_name_tag_and_function(built: httpx.AsyncClient) -> None:
    spec = (await built.get("/openapi.json")).json()
    assert spec["paths"]["/api/v1/titles"]["post"]["operationId"] == "generation_generate_titles"
    assert spec["paths"]["/api/v1/douyin/accounts"]["get"]["operationId"] == "douyin_accounts_list_accounts"
    ids = [
        op["operationId"] for item in spec["paths"].values() for op in item.values() if "operationId" in op
    ]
    assert len(ids) == len(set(ids))
