"""What the payload codec costs: bytes and CPU of encode + decode per payload, with and without it.

No server: the codec runs in the process that hands payloads to Temporal, so this is its whole cost.
Payloads are shaped like DouFlow's: a run's input of ids, a title result, five platforms' copy, and a
large one (a long script or a metrics page).

    .venv/bin/python bench/codec.py [--seconds 1.0]
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, bench/ heads sys.path, where bench/calendar.py would shadow the standard library's calendar.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter

from douflow.temporal.codec import EncryptionCodec
from douflow.testing.temporal_server import DEV_PAYLOAD_KEYS

LINE = "敏感肌换季护理，先修护屏障再谈功效，三步精简护肤更稳妥。"


def samples() -> dict[str, dict[str, Any]]:
    ids = {
        "tenant_id": "7f1c0e52-2b1f-4c1e-9a53-0c4b8f2d9e11",
        "content_id": "c" * 36,
        "account_id": "a" * 36,
    }
    titles = {
        "candidates": [{"text": LINE[:24], "formula": "contrast", "length": 24} for _ in range(6)],
        "compliance": {"passed": True, "findings": []},
    }
    copy = {
        "platforms": [
            {"platform": p, "title": LINE[:20], "body": LINE * 20, "hashtags": ["护肤", "敏感肌"] * 3}
            for p in ("douyin", "xiaohongshu", "wechat_mp", "weibo", "kuaishou")
        ]
    }
    large = {"shots": [{"index": i, "narration": LINE * 4, "visual": LINE * 2} for i in range(120)]}
    return {"ids (run input)": ids, "6 titles": titles, "5-platform copy": copy, "large (120 shots)": large}


async def timed(step: Callable[[], Awaitable[object]], seconds: float, repeats: int = 5) -> float:
    """Microseconds per call: the best of `repeats` time-boxed loops (the least disturbed by neighbours)."""
    best = float("inf")
    for _ in range(repeats):
        rounds, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds / repeats:
            await step()
            rounds += 1
        best = min(best, (time.perf_counter() - started) / rounds * 1e6)
    return best


async def bench(seconds: float) -> list[dict[str, Any]]:
    codec = EncryptionCodec(DEV_PAYLOAD_KEYS)
    converter = pydantic_data_converter
    rows = []
    for name, value in samples().items():
        [plain] = await converter.encode([value])
        [sealed] = await codec.encode([plain])

        async def convert(value: dict[str, Any] = value) -> None:
            [payload] = await converter.encode([value])
            await converter.decode([payload], [dict])

        async def seal(plain: Payload = plain) -> None:
            await codec.decode(await codec.encode([plain]))

        rows.append(
            {
                "payload": name,
                "plain_bytes": plain.ByteSize(),
                "encrypted_bytes": sealed.ByteSize(),
                "json_round_trip_us": round(await timed(convert, seconds), 1),
                "codec_round_trip_us": round(await timed(seal, seconds), 1),
            }
        )
    return rows


def report(rows: list[dict[str, Any]]) -> str:
    lines = ["payload codec: one payload's size, and encode + decode time of the JSON converter and of the codec",
             f"{'payload':<18} | {'JSON B':>7} {'sealed B':>8} | {'JSON µs':>8} {'codec µs':>8}"]  # fmt: skip
    for r in rows:
        lines.append(
            f"{r['payload']:<18} | {r['plain_bytes']:>7} {r['encrypted_bytes']:>8} | "
            f"{r['json_round_trip_us']:>8.1f} {r['codec_round_trip_us']:>8.1f}"
        )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0, help="time spent per payload and converter")
    rows = await bench(parser.parse_args().seconds)
    print(report(rows))
    save(rows)


def save(rows: list[dict[str, Any]]) -> None:
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "codec.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
