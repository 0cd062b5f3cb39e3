"""What an edited body must look like for each content kind (validated before any workflow starts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.generation import ImageSpec, Platform, PlatformCopy, Shot, TitleCandidate, VideoScript


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TitlesBody(_Body):
    candidates: list[TitleCandidate] = Field(min_length=1, max_length=50)


class CopywritingBody(_Body):
    copies: list[PlatformCopy] = Field(min_length=1, max_length=5)


class ImagePostBody(_Body):
    platform: Platform
    title: str = Field(min_length=1, max_length=100)
    body: str = Field(max_length=20000)
    hashtags: list[str] = Field(max_length=30)
    images: list[ImageSpec] = Field(max_length=30)


BODY_MODELS: dict[str, type[BaseModel]] = {
    "titles": TitlesBody,
    "copywriting": CopywritingBody,
    "image_post": ImagePostBody,
    "video_script": VideoScript,
}

__all__ = ["BODY_MODELS", "Shot", "validate_body"]


def validate_body(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The body in canonical form, or ValueError naming the fields to fix."""
    model = BODY_MODELS[kind]
    try:
        return model.model_validate(body).model_dump()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"body does not fit a {kind} content: {problems}") from exc
