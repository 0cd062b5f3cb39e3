"""The BFF's unauthenticated surface: health and the API documentation."""

from __future__ import annotations

import httpx


async def test_healthz_reports_its_dependencies(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "temporal": "ok", "status": "ok"}


async def test_openapi_documents_the_contract(http: httpx.AsyncClient) -> None:
    assert (await http.get("/docs")).status_code == 200
    spec = (await http.get("/openapi.json")).json()
    for path in (
        "/api/v1/auth/token",
        "/api/v1/titles",
        "/api/v1/copywriting",
        "/api/v1/image-posts",
        "/api/v1/video-scripts",
        "/api/v1/contents",
        "/api/v1/contents/{content_id}",
        "/api/v1/workflows/{workflow_id}",
    ):
        assert path in spec["paths"], path
    assert "patch" in spec["paths"]["/api/v1/contents/{content_id}"]
