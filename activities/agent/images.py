"""Images for image posts: an OpenAI-compatible image client, and a local Pillow cover renderer."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import openai
from openai import AsyncOpenAI
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from activities.agent.providers.base import (
    ImageOutputInvalid,
    ImageRequestRejected,
    ImageUnavailable,
    ModelRateLimited,
    ModelRequestRejected,
    ProviderError,
)
from activities.agent.providers.openai_compat import classify_openai_error
from douflow.platforms import rules_for
from models.generation import Platform

logger = logging.getLogger(__name__)

COVER_SIZE = (1080, 1440)  # 3:4, the portrait ratio Douyin and Xiaohongshu image posts use
FONT_ENV = "DOUFLOW_CJK_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
_MIME_BY_FORMAT = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "WEBP": ("image/webp", ".webp"),
}
_NO_LINE_START = set("，。！？、；：）》」』”’,.!?;:)…")
_TOKEN = re.compile(r"[A-Za-z0-9#@%.+\-]+|\s+|.", re.S)

RGB = tuple[int, int, int]
# (top, bottom, accent) gradients; one is chosen from the topic's hash.
PALETTES: tuple[tuple[RGB, RGB, RGB], ...] = (
    ((255, 94, 98), (255, 195, 113), (255, 255, 255)),
    ((67, 97, 238), (114, 9, 183), (255, 214, 10)),
    ((17, 153, 142), (56, 239, 125), (255, 255, 255)),
    ((255, 126, 95), (254, 180, 123), (45, 52, 54)),
    ((35, 37, 38), (65, 67, 69), (255, 196, 0)),
    ((142, 45, 226), (74, 0, 224), (0, 245, 212)),
    ((252, 92, 125), (106, 130, 251), (255, 255, 255)),
    ((0, 176, 155), (150, 201, 61), (255, 255, 255)),
)


# A style's colour words and the palette that draws them; the earliest word in a description wins.
STYLE_PALETTES: dict[str, tuple[RGB, RGB, RGB]] = {
    "暖橙": ((255, 126, 95), (254, 180, 123), (45, 52, 54)),
    "橙": ((255, 126, 95), (254, 180, 123), (45, 52, 54)),
    "奶油": ((214, 176, 132), (245, 225, 196), (255, 255, 255)),
    "绿": ((17, 153, 142), (56, 239, 125), (255, 255, 255)),
    "莫兰迪": ((150, 132, 128), (196, 183, 170), (255, 255, 255)),
    "蓝白": ((58, 123, 213), (168, 208, 245), (255, 255, 255)),
    "蓝": ((67, 97, 238), (114, 160, 250), (255, 214, 10)),
    "粉": ((252, 92, 125), (255, 175, 189), (255, 255, 255)),
    "紫": ((142, 45, 226), (74, 0, 224), (0, 245, 212)),
    "黑": ((35, 37, 38), (65, 67, 69), (255, 196, 0)),
}


@dataclass(frozen=True)
class ImageData:
    """Decoded facts about an image's bytes."""

    data: bytes
    mime_type: str
    suffix: str
    width: int
    height: int


def inspect_image(data: bytes) -> ImageData:
    """Check that bytes are a real PNG/JPEG/WebP and read its size; anything else is invalid output."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            width, height, fmt = image.width, image.height, image.format or ""
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ImageOutputInvalid(f"image bytes are not a readable image: {type(exc).__name__}") from exc
    if fmt not in _MIME_BY_FORMAT:
        raise ImageOutputInvalid(f"unsupported image format {fmt!r}")
    mime_type, suffix = _MIME_BY_FORMAT[fmt]
    return ImageData(data=data, mime_type=mime_type, suffix=suffix, width=width, height=height)


class OpenAIImageGenerator:
    """Image generation through an OpenAI-compatible `images.generate` endpoint (b64_json answers)."""

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str,
        model: str,
        timeout_seconds: float,
        size: str = "1024x1536",
        client: AsyncOpenAI | None = None,
    ) -> None:
        self._client = client or AsyncOpenAI(
            base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout_seconds
        )
        self._model = model
        self._size = size

    async def generate(self, prompt: str) -> bytes:
        """The image's bytes; errors are typed for the activity layer."""
        try:
            response = await self._client.images.generate(
                model=self._model,
                prompt=prompt,
                n=1,
                size=self._size,
                response_format="b64_json",
            )
        except openai.OpenAIError as exc:
            raise _image_error(classify_openai_error(exc)) from exc
        encoded = response.data[0].b64_json if response.data else None
        if not encoded:
            raise ImageOutputInvalid("the image endpoint returned no b64_json image")
        try:
            return base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImageOutputInvalid("the image endpoint returned invalid base64") from exc

    async def aclose(self) -> None:
        await self._client.close()


def _image_error(error: ProviderError) -> ProviderError:
    """The same classification as text models, under image type names."""
    if isinstance(error, ModelRequestRejected):
        return ImageRequestRejected(str(error))
    if isinstance(error, ModelRateLimited):
        return ImageUnavailable(str(error), retry_after_seconds=error.retry_after_seconds)
    return ImageUnavailable(str(error))


def find_cjk_font() -> Path | None:
    """The first CJK font found: $DOUFLOW_CJK_FONT, then common Linux, macOS and Windows paths."""
    configured = os.environ.get(FONT_ENV)
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if Path(candidate).is_file():
            return Path(candidate)
    return None


class CoverRenderer:
    """Designed 1080×1440 cards drawn locally: a cover for index 0, caption cards for inner pages."""

    def __init__(self, font_path: Path | None = None, brand: str = "DouFlow") -> None:
        self._font_path = font_path or find_cjk_font()
        self._brand = brand
        if self._font_path is None:
            logger.warning("no CJK font found (set %s); covers fall back to Pillow's default font", FONT_ENV)

    @property
    def font_path(self) -> Path | None:
        return self._font_path

    def render_cover(
        self, *, title: str, caption: str, seed: str, platform: Platform, style: str = ""
    ) -> bytes:
        """Gradient, decorative shapes, the title wrapped and centred on a card, caption pill, brand line.

        The palette is the one `style` (the spec's description) names, else one chosen by the seed.
        """
        top, bottom, accent = palette_for(style, seed)
        image = _gradient(top, bottom)
        draw = ImageDraw.Draw(image, "RGBA")
        _decorate(draw, seed, accent)
        self._pill(
            draw,
            f"{rules_for(platform).display_name} · 图文",
            (90, 110),
            38,
            fill=(255, 255, 255, 235),
            ink=top,
        )
        draw.rounded_rectangle((70, 300, 1010, 935), radius=48, fill=(0, 0, 0, 40))
        draw.rounded_rectangle((60, 285, 1000, 920), radius=48, fill=(255, 255, 255, 246))
        size = 104 if len(title) <= 12 else 88 if len(title) <= 20 else 72
        bottom_y = self._centred_block(
            draw, title, size, (60, 1000), (320, 840), ink=(33, 33, 33), max_lines=5
        )
        draw.rounded_rectangle((460, bottom_y + 36, 620, bottom_y + 50), radius=7, fill=top)
        if caption:
            self._pill(draw, caption, None, 48, fill=(*bottom, 255), ink=(255, 255, 255), centre_y=1050)
        self._brand_line(draw, (255, 255, 255, 220))
        return _png(image)

    def render_card(
        self, *, title: str, caption: str, text: str, index: int, seed: str, style: str = ""
    ) -> bytes:
        """An inner page: coloured header with page number and post title, caption heading, the slide's text.

        Only the slide's own text is printed; an image prompt never reaches a card.
        """
        top, bottom, _ = palette_for(style, seed)
        image = Image.new("RGB", COVER_SIZE, _tint(top, 0.92))
        draw = ImageDraw.Draw(image, "RGBA")
        draw.rectangle((0, 0, COVER_SIZE[0], 260), fill=top)
        draw.ellipse((820, -140, 1220, 260), fill=(*bottom, 140))
        draw.text((80, 130), f"{index + 1:02d}", font=self._font(120), fill=(255, 255, 255), anchor="lm")
        draw.text((280, 130), _fit(title, 26), font=self._font(40), fill=(255, 255, 255, 235), anchor="lm")
        draw.rounded_rectangle((60, 330, 1020, 1250), radius=40, fill=(255, 255, 255, 255))
        end = self._centred_block(draw, caption, 84, (60, 1020), (380, 700), ink=(33, 33, 33), max_lines=3)
        draw.rounded_rectangle((460, end + 30, 620, end + 42), radius=6, fill=top)
        self._left_block(draw, text, 40, (130, 950), end + 100, max_lines=8)
        self._brand_line(draw, (*_tint(top, -0.3), 255))
        return _png(image)

    def _font(self, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        return _load_font(str(self._font_path) if self._font_path else "", size)

    def _centred_block(
        self,
        draw: ImageDraw.ImageDraw,
        text: str,
        size: int,
        x_range: tuple[int, int],
        y_range: tuple[int, int],
        ink: RGB,
        max_lines: int,
    ) -> int:
        """Wrap and centre text in a box; shrinks the font until it fits. Returns the block's bottom y."""
        font = self._font(size)
        lines = wrap_text(text, font, x_range[1] - x_range[0] - 120)
        while (len(lines) > max_lines or len(lines) * size * 1.3 > y_range[1] - y_range[0]) and size > 36:
            size -= 8
            font = self._font(size)
            lines = wrap_text(text, font, x_range[1] - x_range[0] - 120)
        lines = lines[:max_lines]
        line_height = int(size * 1.3)
        y = (y_range[0] + y_range[1] - line_height * len(lines)) // 2
        centre_x = (x_range[0] + x_range[1]) // 2
        for line in lines:
            draw.text(
                (centre_x, y + line_height // 2),
                line,
                font=font,
                fill=ink,
                anchor="mm",
                stroke_width=1,
                stroke_fill=ink,
            )
            y += line_height
        return y

    def _left_block(
        self,
        draw: ImageDraw.ImageDraw,
        text: str,
        size: int,
        x_range: tuple[int, int],
        y: int,
        max_lines: int,
    ) -> None:
        font = self._font(size)
        lines = wrap_text(text, font, x_range[1] - x_range[0])
        if len(lines) > max_lines:
            lines = [*lines[: max_lines - 1], _fit(lines[max_lines - 1], len(lines[max_lines - 1]) - 1)]
        for line in lines:
            draw.text((x_range[0], y), line, font=font, fill=(90, 90, 90))
            y += int(size * 1.55)

    def _pill(
        self,
        draw: ImageDraw.ImageDraw,
        text: str,
        origin: tuple[int, int] | None,
        size: int,
        fill: tuple[int, int, int, int],
        ink: RGB,
        centre_y: int = 0,
    ) -> None:
        font = self._font(size)
        text = _fit(text, 18)
        width = int(draw.textlength(text, font=font)) + size * 2
        height = int(size * 1.9)
        x, y = origin or ((COVER_SIZE[0] - width) // 2, centre_y - height // 2)
        draw.rounded_rectangle((x, y, x + width, y + height), radius=height // 2, fill=fill)
        draw.text((x + width // 2, y + height // 2), text, font=font, fill=ink, anchor="mm")

    def _brand_line(self, draw: ImageDraw.ImageDraw, ink: tuple[int, int, int, int]) -> None:
        # Douyin asks AI-made posts to say so; the card carries it in small print.
        line = f"{self._brand} · 内容由AI辅助生成"
        draw.text((COVER_SIZE[0] // 2, 1370), line, font=self._font(30), fill=ink, anchor="mm")


def wrap_text(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    """Greedy wrap by measured width; Latin words stay whole and closing punctuation never starts a line."""
    lines: list[str] = []
    current = ""
    for token in _TOKEN.findall(one_paragraph(text)):
        candidate = current + token
        if (
            current
            and font.getlength(candidate) > width
            and token not in _NO_LINE_START
            and not token.isspace()
        ):
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.strip())
    return lines


@cache
def _load_font(path: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def palette_for(style: str, seed: str) -> tuple[RGB, RGB, RGB]:
    """The palette of the colour the style names first; a style naming none gets one from the seed."""
    found = [(style.find(word), -len(word), word) for word in STYLE_PALETTES if word in style]
    if found:
        return STYLE_PALETTES[min(found)[2]]
    return PALETTES[hashlib.sha256(seed.encode()).digest()[0] % len(PALETTES)]


def _gradient(top: RGB, bottom: RGB) -> Image.Image:
    mask = Image.linear_gradient("L").resize(COVER_SIZE)
    return Image.composite(Image.new("RGB", COVER_SIZE, bottom), Image.new("RGB", COVER_SIZE, top), mask)


def _decorate(draw: ImageDraw.ImageDraw, seed: str, accent: RGB) -> None:
    """Soft circles and dots placed from the seed, so each topic gets its own but stable layout."""
    digest = hashlib.sha256(f"decor:{seed}".encode()).digest()
    draw.ellipse((700 + digest[1] % 120, -180, 1300, 380 + digest[2] % 80), fill=(*accent, 55))
    draw.ellipse((-220, 1000 + digest[3] % 100, 300 + digest[4] % 100, 1560), fill=(*accent, 45))
    for i in range(6):
        x, y = 100 + digest[5 + i] * 3.5, 1120 + digest[11 + i] % 180
        r = 6 + digest[17 + i] % 10
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 120))


def _tint(colour: RGB, amount: float) -> RGB:
    """Mix with white (amount > 0) or black (amount < 0)."""
    target = 255 if amount > 0 else 0
    red, green, blue = (int(c + (target - c) * abs(amount)) for c in colour)
    return red, green, blue


def _fit(text: str, limit: int) -> str:
    """One line of at most `limit` characters: a topic or caption may carry line breaks, which a
    single-line label (a pill, a header) cannot draw."""
    text = " ".join(one_paragraph(text).split())
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"


def one_paragraph(text: str) -> str:
    """Paragraph separators (\n, \r, U+0085, U+2029, ...) as spaces: text shaping fails on them
    inside a line, and the renderer does its own line breaking."""
    return "".join(" " if unicodedata.bidirectional(char) == "B" else char for char in text)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
