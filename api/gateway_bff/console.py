"""The operator console (web/) served by the BFF at `/`, same origin as the API, so no CORS.

Vite names every built asset by its content hash, so `/assets/*` is cached for a year; `index.html` names
the current ones and is revalidated on every load. Any other GET that no API route took is a client route
of the console and answers index.html, except under the server's own prefixes (the API, the docs, the
material pages), which keep their JSON 404.
"""

from __future__ import annotations

import mimetypes
import re
from html import escape
from pathlib import Path
from stat import S_ISREG

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.convertors import Convertor, register_url_convertor
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ASSET_CACHE = "public, max-age=31536000, immutable"
# antd's CSS-in-JS injects <style> tags at run time: styles need 'unsafe-inline'; scripts never do.
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
CONSOLE_HEADERS = {
    "Content-Security-Policy": CONSOLE_CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# Paths the server answers itself: the fallback never matches them, so an unknown one there keeps the
# server's own answer (404, or 405 for a method a route does not take), never the console's page.
SERVER_PREFIXES = ("api", "m", "docs", "redoc", "openapi.json", "healthz", "assets")


class ConsolePath(Convertor[str]):
    """Any path but the server's own: `path` with the prefixes above (as whole segments) left out."""

    regex = "(?!(?:" + "|".join(re.escape(p) for p in SERVER_PREFIXES) + ")(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("console_path", ConsolePath())


# What the build writes beside each text asset (web/precompress.ts), best first.
PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))


def accepted_encodings(scope: Scope) -> set[str]:
    """The codings a request's Accept-Encoding allows (a `q=0` refuses one)."""
    accepted: set[str] = set()
    for name, value in scope.get("headers", []):
        if name != b"accept-encoding":
            continue
        for part in value.decode("latin-1").split(","):
            coding, _, params = part.strip().partition(";")
            if params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
                accepted.add(coding.strip().lower())
    return accepted


def content_type(path: str) -> str:
    """The media type of the uncompressed file, which a compressed copy keeps."""
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return (
        f"{guessed}; charset=utf-8"
        if guessed.startswith("text/") or guessed.endswith("javascript")
        else guessed
    )


class HashedAssets(StaticFiles):
    """Vite's content-hashed files, cached for a year by browsers and proxies, and sent as the build's
    brotli or gzip copy when the browser takes one (the console's JavaScript is about a third as large)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if "\x00" in path:  # the file system refuses it: no asset is named so
            return Response("Not Found", status_code=404, headers=CONSOLE_HEADERS)
        response = await self._compressed(path, scope) or await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = ASSET_CACHE
            response.headers["Vary"] = "Accept-Encoding"
        response.headers.update(CONSOLE_HEADERS)
        return response

    async def _compressed(self, path: str, scope: Scope) -> Response | None:
        accepted = accepted_encodings(scope)
        for coding, suffix in PRECOMPRESSED:
            if coding not in accepted:
                continue
            full_path, stat = await anyio.to_thread.run_sync(self.lookup_path, path + suffix)
            if stat is None or not S_ISREG(stat.st_mode):
                continue
            response = self.file_response(full_path, stat, scope)  # answers 304 to a matching ETag
            response.headers["Content-Type"] = content_type(path)
            response.headers["Content-Encoding"] = coding
            return response
        return None


def not_built_page(dist: Path) -> HTMLResponse:
    """What `/` answers when the console was not built: how to build it."""
    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>DouFlow console not built</title>'
        "</head><body><h1>控制台尚未构建 / The console is not built</h1>"
        f"<p>No <code>index.html</code> in <code>{escape(str(dist))}</code> (the WEB_DIST_DIR setting).</p>"
        "<p>Build it with <code>make web</code> (Node.js 20 and npm), or start everything with "
        "<code>make run</code>, which builds it when its sources changed. The API is at "
        '<a href="/docs">/docs</a>.</p></body></html>'
    )
    return HTMLResponse(html, status_code=404, headers={"Cache-Control": "no-store", **CONSOLE_HEADERS})


def install_console(app: FastAPI, dist: Path) -> None:
    """Mounts the built console (checked per request, so a build while the BFF runs is picked up); call last, so every API route is matched before the fallback."""
    app.mount("/assets", HashedAssets(directory=dist / "assets", check_dir=False), name="console-assets")
    router = APIRouter(include_in_schema=False)

    @router.get("/{path:console_path}")
    def console(path: str) -> Response:  # sync: FastAPI runs it on a thread, off the event loop
        index = dist / "index.html"
        if not index.is_file():
            return not_built_page(dist)
        top_level = (dist / path).resolve()
        # Files Vite copies from public/ (favicon, robots.txt) sit beside index.html, unhashed.
        if path and "/" not in path and top_level.parent == dist.resolve() and top_level.is_file():
            return FileResponse(top_level, headers={"Cache-Control": "no-cache", **CONSOLE_HEADERS})
        return FileResponse(index, headers={"Cache-Control": "no-cache", **CONSOLE_HEADERS})

    app.include_router(router)
