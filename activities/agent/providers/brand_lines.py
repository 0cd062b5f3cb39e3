"""What the template provider writes from a brand profile: a title led by the brand and the lines that
close a post with its product, selling points, proof, preferred words and call to action."""

from __future__ import annotations

from activities.agent.datafiles import load
from activities.agent.rules import trim_text
from models.brands import BrandContext

POINTS_SHOWN = 3
BRAND_FORMULA = "brand"


def brand_values(brand: BrandContext, product: str | None) -> dict[str, str]:
    """Placeholder values of data/brand.toml."""
    profile = brand.profile
    points = brand.product.selling_points if brand.product else []
    proofs = [*(brand.product.proof if brand.product else []), *profile.proof]
    return {
        "brand": profile.name,
        "product": product or "",
        "label": f"{profile.name}·{product}" if product else profile.name,
        "point": points[0] if points else "",
        "points": "、".join(points[:POINTS_SHOWN]),
        "proofs": "；".join(proofs[:POINTS_SHOWN]),
        "prefer": "、".join(profile.prefer_words),
        "price": profile.price_range,
        "cta": profile.call_to_action,
    }


def brand_title(values: dict[str, str], limit: int) -> str | None:
    """The first brand-led title that fits; one whose selling point is missing is skipped."""
    for pattern in load("brand")["titles"]:
        if "{point}" in pattern and not values["point"]:
            continue
        text = str(pattern).format_map(values)
        if len(text) <= limit:
            return text
    return None


def brand_block(values: dict[str, str]) -> str:
    """Closing lines of a post; each is left out when the profile lacks what it names."""
    needs = {"product": "brand", "proof": "proofs", "prefer": "prefer", "price": "price", "cta": "cta"}
    lines = [
        template.format_map(values)
        for name, template in load("brand")["block"].items()
        if values[needs[name]]
    ]
    return "\n".join(lines)


def with_block(body: str, block: str, body_max: int) -> str:
    """The body trimmed so the brand's lines always fit after it."""
    if not block:
        return body
    room = body_max - len(block) - 1
    return f"{trim_text(body, room)}\n{block}" if room > 0 else trim_text(block, body_max)
