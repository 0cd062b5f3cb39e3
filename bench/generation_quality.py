"""Generation quality on fixed briefs: topic specificity, input sensitivity, consistency and compliance.

Offline and deterministic with the template provider; `--provider openai` runs the same briefs and checks
against the configured OpenAI-compatible endpoint (OPENAI_BASE_URL, OPENAI_MODEL, OPENAI_API_KEY) and adds
structured-output validity and latency per call. `--local-endpoint MODE` runs the openai provider against the
local OpenAI-compatible test server instead, answering like a vendor whose best structured-output mode is MODE
(`json_schema`; `json_object` when json_schema is refused with a 400; `prompt` when both are), so the
provider's fallback path is measured without a vendor.

    .venv/bin/python bench/generation_quality.py [--provider openai | --local-endpoint MODE] [--json]
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, bench/ heads sys.path, where bench/calendar.py would shadow the standard library's calendar.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import asyncio
import itertools
import json
import re
import time
import tomllib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from activities.agent.compliance import check_fields, flatten_text_fields
from activities.agent.datafiles import DATA_DIR
from activities.agent.factory import build_provider
from activities.agent.providers.base import GenerationProvider, ModelOutputInvalid
from activities.agent.providers.template import TemplateProvider
from activities.agent.rules import check_post, check_script
from douflow.settings import get_settings
from models.brands import BrandContext, BrandProfile, Product
from models.generation import (
    PLATFORMS,
    CopyJob,
    ImagePostDraft,
    ImagePostJob,
    Platform,
    PlatformCopy,
    VideoScript,
    VideoScriptJob,
)
from tests.support.openai_server import FormatType, running_openai_server

BRIEFS_FILE = Path(__file__).parent / "data" / "generation_briefs.toml"
KEY_TERMS_NEEDED = 2
SENSITIVITY_PLATFORMS: tuple[Platform, ...] = ("douyin", "xiaohongshu")
# A counted promise: "3个", "5招", "4步" ... but not "3个月", "30秒", "2分钟".
_TITLE_NUMBER = re.compile(r"(?<!第)(\d+)\s*(?:个(?![月星小])|招|步|条|点|件|种|款|大)")
_POINT_LINE = re.compile(r"^(?:\d+[.、]|\d️⃣|[①-⑨]|✅|[一二三四五六七八九]是)")
# Words only an image prompt uses. 色系 is not one: "鞋子选和下装同色系" is advice a slide may print.
_PROMPT_WORDS = ("构图", "留白", "俯拍", "实拍", "竖版", "画面", "3:4", "镜头", "配色")
M = TypeVar("M", bound=BaseModel)


@dataclass
class Output:
    brief: dict[str, Any]
    kind: str
    branded: bool
    value: BaseModel


@dataclass
class Calls:
    """Per-call latency and whether the endpoint answered valid structured output."""

    latencies: list[float] = field(default_factory=list)
    invalid: int = 0

    async def run(self, call: Awaitable[M]) -> M | None:
        started = time.perf_counter()
        try:
            return await call
        except ModelOutputInvalid:
            self.invalid += 1
            return None
        finally:
            self.latencies.append(time.perf_counter() - started)


def load_briefs() -> dict[str, Any]:
    with BRIEFS_FILE.open("rb") as handle:
        return tomllib.load(handle)


def brand_context(raw: dict[str, Any]) -> BrandContext:
    product = Product(name=raw["product"], selling_points=raw["selling_points"], proof=raw["proof"])
    profile = BrandProfile(name=raw["name"], industry=raw["industry"], products=[product])
    return BrandContext(brand_id="bench", version=1, profile=profile, product=product)


async def generate(provider: GenerationProvider, data: dict[str, Any], calls: Calls) -> list[Output]:
    outputs: list[Output] = []
    for brief, branded in itertools.product(data["brief"], (False, True)):
        brand = brand_context(data["brand"][brief["industry"]]) if branded else None
        base = {"topic": brief["topic"], "brand": brand}
        jobs: list[tuple[str, Awaitable[BaseModel | None]]] = [
            (f"copy:{p}", calls.run(provider.platform_copy(CopyJob(platform=p, **base)))) for p in PLATFORMS
        ]
        jobs.append(("image_post", calls.run(provider.image_post(ImagePostJob(image_count=4, **base)))))
        for script_type in ("tutorial", "talking_head", "product_seeding"):
            job = VideoScriptJob(script_type=script_type, **base)
            jobs.append((f"script:{script_type}", calls.run(provider.video_script(job))))
        for kind, job_call in jobs:
            value = await job_call
            if value is not None:
                outputs.append(Output(brief, kind, branded, value))
    return outputs


def text_of(value: BaseModel) -> str:
    """What a reader sees: every text field but image prompts."""
    fields = flatten_text_fields(value)
    return "\n".join(v for k, v in fields.items() if not k.endswith(".description"))


def body_of(value: BaseModel) -> str:
    if isinstance(value, PlatformCopy | ImagePostDraft):
        return value.body
    return text_of(value)


def shingles(text: str, topic: str) -> set[str]:
    for word in sorted(_topic_words(topic), key=len, reverse=True):
        text = text.replace(word, "")
    chars = "".join(ch for ch in text if ch.isalnum())
    return {chars[i : i + 4] for i in range(len(chars) - 3)}


def _topic_words(topic: str) -> list[str]:
    """The topic and its two-character runs, so a topic's own words do not make two texts alike."""
    return [topic, *(topic[i : i + 2] for i in range(len(topic) - 1))]


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def specificity(outputs: list[Output], branded: bool) -> dict[str, float]:
    pairs: list[float] = []
    copies = [o for o in outputs if o.kind.startswith("copy:") and o.branded == branded]
    for a, b in itertools.combinations(copies, 2):
        if a.kind == b.kind and a.brief["topic"] != b.brief["topic"]:
            left = shingles(body_of(a.value), a.brief["topic"])
            right = shingles(body_of(b.value), b.brief["topic"])
            pairs.append(jaccard(left, right))
    return {"mean": sum(pairs) / len(pairs), "max": max(pairs), "pairs": len(pairs)}


def uses_key_terms(output: Output) -> bool:
    text = text_of(output.value).replace(output.brief["topic"], "")
    return sum(term in text for term in output.brief["key_terms"]) >= KEY_TERMS_NEEDED


def number_problems(output: Output) -> list[str]:
    value = output.value
    if isinstance(value, PlatformCopy | ImagePostDraft):
        titles, points = [value.title], sum(bool(_POINT_LINE.match(line)) for line in value.body.splitlines())
    elif isinstance(value, VideoScript):
        titles = [value.title, value.hook.text]
        points = len(
            {s.on_screen_text for s in value.shots if re.search(r"第\d+步|要点\d+|亮点\d+", s.on_screen_text)}
        )
    else:
        return []
    promised = [int(n) for title in titles for n in _TITLE_NUMBER.findall(title)]
    return [f"promises {n}, body has {points}" for n in promised if n != points]


def limit_problems(output: Output) -> list[str]:
    value = output.value
    if isinstance(value, PlatformCopy | ImagePostDraft):
        return check_post(value)
    if isinstance(value, VideoScript):
        return check_script(value, 60)
    return []


def prompt_in_slides(output: Output) -> bool:
    if not isinstance(output.value, ImagePostDraft):
        return False
    for image in output.value.images:
        printed = image.caption + image.text
        for word in sorted(_topic_words(output.brief["topic"]), key=len, reverse=True):
            printed = printed.replace(word, "")
        if any(word in printed for word in _PROMPT_WORDS) or _shared_run(printed, image.description) >= 8:
            return True
    return False


def _shared_run(a: str, b: str) -> int:
    """The longest substring of `a` found in `b`."""
    best = 0
    for i in range(len(a)):
        while i + best < len(a) and a[i : i + best + 1] in b:
            best += 1
    return best


async def sensitivity(provider: GenerationProvider, data: dict[str, Any], calls: Calls) -> dict[str, Any]:
    """Each audience and tone change must show its marker; the same brief without it is the baseline."""
    shown, total, misses = 0, 0, []
    for brief, platform in itertools.product(data["brief"], SENSITIVITY_PLATFORMS):
        base = await calls.run(provider.platform_copy(CopyJob(topic=brief["topic"], platform=platform)))
        if base is None:
            continue
        # The topic may name an audience itself (大学生笔记本电脑选购): only words beyond the topic count.
        base_text = text_of(base).replace(brief["topic"], "")
        changes: list[tuple[str, CopyJob, Callable[[str], int]]] = []
        for audience in data["audience"]:
            forms = [audience["name"], *audience["address"]]
            job = CopyJob(topic=brief["topic"], platform=platform, audience=audience["name"])
            changes.append((audience["name"], job, _counter(forms)))
        for tone in data["tone"]:
            job = CopyJob(topic=brief["topic"], platform=platform, tone=tone["name"])
            changes.append((tone["name"], job, _counter(tone["markers"])))
        for name, job, count in changes:
            changed = await calls.run(provider.platform_copy(job))
            total += 1
            if changed is not None and count(text_of(changed).replace(brief["topic"], "")) > count(base_text):
                shown += 1
            else:
                misses.append(f"{brief['id']}/{platform}/{name}")
    return {"share": shown / total, "changes": total, "misses": misses[:10]}


def _counter(markers: list[str]) -> Callable[[str], int]:
    return lambda text: sum(text.count(marker) for marker in markers)


def novel_words_in_bank(data: dict[str, Any]) -> list[str]:
    """Distinctive words of the topics the bank must not name, found in a data file of the bank."""
    bank = "".join(path.read_text() for path in DATA_DIR.rglob("*.toml"))
    return [w for b in data["brief"] if b.get("novel") for w in b["novel_words"] if w in bank]


def share(outputs: list[Output], passed: Callable[[Output], bool]) -> float:
    return sum(passed(o) for o in outputs) / len(outputs)


async def measure(provider: GenerationProvider) -> dict[str, Any]:
    data = load_briefs()
    calls = Calls()
    outputs = await generate(provider, data, calls)
    novel = [o for o in outputs if o.brief.get("novel")]
    report: dict[str, Any] = {
        "briefs": len(data["brief"]),
        "industries": len({b["industry"] for b in data["brief"]}),
        "outputs": len(outputs),
        "novel_words_in_bank": novel_words_in_bank(data),
        "specificity_without_brand": specificity(outputs, branded=False),
        "specificity_with_brand": specificity(outputs, branded=True),
        "key_terms_share": share(outputs, uses_key_terms),
        "key_terms_share_novel_topics": share(novel, uses_key_terms),
        "key_terms_misses": sorted(
            {f"{o.brief['id']}{'+brand' if o.branded else ''}" for o in outputs if not uses_key_terms(o)}
        ),
        "title_numbers_match": share(outputs, lambda o: not number_problems(o)),
        "limits_respected": share(outputs, lambda o: not limit_problems(o)),
        "no_prompt_in_slides": share(
            [o for o in outputs if o.kind == "image_post"], lambda o: not prompt_in_slides(o)
        ),
        "compliance_findings_share": share(
            outputs, lambda o: not check_fields(flatten_text_fields(o.value)).passed
        ),
    }
    report["input_sensitivity"] = await sensitivity(provider, data, calls)
    report["calls"] = len(calls.latencies)
    report["structured_output_valid"] = 1 - calls.invalid / len(calls.latencies)
    ordered = sorted(calls.latencies)
    report["latency_ms_p50"] = ordered[len(ordered) // 2] * 1000
    report["latency_ms_p95"] = ordered[int(len(ordered) * 0.95)] * 1000
    return report


def print_table(report: dict[str, Any], provider: str) -> None:
    rows = [
        (
            "briefs / industries / outputs",
            f"{report['briefs']} / {report['industries']} / {report['outputs']}",
            "",
        ),
        ("novel topics' words in the bank", str(report["novel_words_in_bank"] or "none"), "none"),
    ]
    for label, key in (
        ("without brand", "specificity_without_brand"),
        ("with brand", "specificity_with_brand"),
    ):
        spec = report[key]
        rows.append(
            (
                f"4-gram Jaccard {label}: mean / max",
                f"{spec['mean']:.3f} / {spec['max']:.3f}",
                "<0.10 / <0.30",
            )
        )
    rows += [
        (
            "key terms used (all / novel topics)",
            f"{report['key_terms_share']:.1%} / {report['key_terms_share_novel_topics']:.1%}",
            ">=95%",
        ),
        (
            "audience and tone markers shown",
            f"{report['input_sensitivity']['share']:.1%} of {report['input_sensitivity']['changes']}",
            "100%",
        ),
        ("title numbers match the body", f"{report['title_numbers_match']:.1%}", "100%"),
        ("platform limits respected", f"{report['limits_respected']:.1%}", "100%"),
        ("no image-prompt text in slides", f"{report['no_prompt_in_slides']:.1%}", "100%"),
        ("outputs with compliance findings", f"{report['compliance_findings_share']:.1%}", "0%"),
    ]
    if provider.startswith("openai"):
        rows += [
            (
                "structured output valid",
                f"{report['structured_output_valid']:.1%} of {report['calls']} calls",
                "",
            ),
            (
                "latency per call p50 / p95",
                f"{report['latency_ms_p50']:.0f} / {report['latency_ms_p95']:.0f} ms",
                "",
            ),
        ]
    width = max(len(r[0]) for r in rows)
    sys.stdout.write(f"provider: {provider}\n")
    for label, value, target in rows:
        sys.stdout.write(f"{label:<{width}}  {value:<24} {target}\n")
    if report.get("formats_sent"):
        sys.stdout.write(f"response formats sent: {report['formats_sent']}\n")
    if report["key_terms_misses"]:
        sys.stdout.write(f"key-term misses: {', '.join(report['key_terms_misses'])}\n")
    if report["input_sensitivity"]["misses"]:
        sys.stdout.write(f"marker misses: {', '.join(report['input_sensitivity']['misses'])}\n")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--provider", choices=("template", "openai"), default="template")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--local-endpoint", choices=tuple(REFUSED_FORMATS), help="the local test server")
    args = parser.parse_args()
    if args.local_endpoint:
        refused = REFUSED_FORMATS[args.local_endpoint]
        async with running_openai_server(refuse_formats=refused) as server:
            report = await measure_openai({"openai_base_url": server.base_url})
            report["formats_sent"] = dict(Counter(server.formats_seen()))
        label = f"openai (local server, {args.local_endpoint})"
    elif args.provider == "openai":
        report, label = await measure_openai({}), "openai"
    else:
        report, label = await measure_provider(TemplateProvider()), "template"
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        print_table(report, label)


# What the local server refuses with a vendor's 400 so that the named mode is the best one left.
REFUSED_FORMATS: dict[str, tuple[FormatType, ...]] = {
    "json_schema": (),
    "json_object": ("json_schema",),
    "prompt": ("json_schema", "json_object"),
}


async def measure_openai(overrides: dict[str, Any]) -> dict[str, Any]:
    settings = get_settings().model_copy(update={"agent_provider": "openai", **overrides})
    return await measure_provider(build_provider(settings))


async def measure_provider(provider: GenerationProvider) -> dict[str, Any]:
    try:
        return await measure(provider)
    finally:
        await provider.aclose()


if __name__ == "__main__":
    asyncio.run(main())
