"""Video scripts of the template provider: a ≤ 3 s hook shot, then segments that fill the target duration."""

from __future__ import annotations

from typing import Any

from activities.agent.datafiles import load
from activities.agent.providers.writer import Writer
from models.generation import Hook, ScriptType, Shot, VideoScript

MAX_BODY_SHOTS = 36
HOOK_SHOT_SIZE = "近景"
HOOK_CAMERA = "推"


def hook_seconds(duration: int) -> float:
    """Three seconds is the attention window; very short videos get two."""
    return 3.0 if duration >= 15 else 2.0


def write_script(writer: Writer, title: str, script_type: ScriptType, duration: int) -> VideoScript:
    """A shot list whose durations add up to exactly `duration`; the hook is shot 1."""
    spec = load("scripts")[script_type]
    plan = _plan(spec, duration - hook_seconds(duration), duration)
    body_count = sum(1 for segment, _ in plan if segment is spec["body"])
    hook = Hook(
        text=writer.fill(writer.pick(spec["hook_text"]), n=str(body_count)),
        visual=writer.fill(writer.pick(spec["hook_visual"]), n=str(body_count)),
        duration_seconds=hook_seconds(duration),
    )
    seconds = _split_seconds(duration - hook.duration_seconds, [segment["weight"] for segment, _ in plan])
    shots = [_hook_shot(hook)]
    for (segment, repeat), length in zip(plan, seconds, strict=True):
        shots.append(_shot(writer, segment, repeat, len(shots) + 1, length))
    return VideoScript(
        title=title,
        script_type=script_type,
        hook=hook,
        shots=shots,
        call_to_action=writer.fill(writer.pick(spec["cta"])),
        total_duration_seconds=sum(shot.duration_seconds for shot in shots),
    )


def _plan(spec: dict[str, Any], remaining: float, duration: int) -> list[tuple[dict[str, Any], int]]:
    """Segments in order with their repeat number; optional ones only when there is time for them."""
    per_shot = min(15.0, max(5.0, duration / 8))
    budget = max(2, round(remaining / per_shot))
    framing = [*spec["intro"], *spec["outro"]]
    keep_optional = budget >= len(framing) + 2
    intro = [s for s in spec["intro"] if keep_optional or not s.get("optional")]
    outro = [s for s in spec["outro"] if keep_optional or not s.get("optional")]
    repeats = min(MAX_BODY_SHOTS, max(1, budget - len(intro) - len(outro)))
    body = [(spec["body"], i) for i in range(1, repeats + 1)]
    return [(s, 0) for s in intro] + body + [(s, 0) for s in outro]


def _split_seconds(total: float, weights: list[float]) -> list[float]:
    """Share `total` in half seconds by weight (largest remainder), so the sum is exact."""
    units = round(total * 2)
    raw = [units * w / sum(weights) for w in weights]
    parts = [max(1, int(r)) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    step = 0
    while sum(parts) != units:
        i = by_remainder[step % len(parts)]
        if sum(parts) < units:
            parts[i] += 1
        elif parts[i] > 1:
            parts[i] -= 1
        step += 1
    return [p / 2 for p in parts]


def _hook_shot(hook: Hook) -> Shot:
    return Shot(
        index=1,
        duration_seconds=hook.duration_seconds,
        shot_size=HOOK_SHOT_SIZE,
        camera_movement=HOOK_CAMERA,
        visual=hook.visual,
        on_screen_text=hook.text,
        line=hook.text,
    )


def _shot(writer: Writer, segment: dict[str, Any], repeat: int, index: int, seconds: float) -> Shot:
    """One shot; repeats of the body segment walk through tips, aspects and framing in turn."""
    scripts = load("scripts")
    # Framing segments (repeat 0) take the last tip and mistake, so they never echo a body shot.
    n = repeat - 1 if repeat else -1
    point = scripts["product_points"][n % len(scripts["product_points"])]
    extra = {
        "i": str(repeat),
        "ordinal": scripts["ordinals"][min(max(n, 0), len(scripts["ordinals"]) - 1)],
        "tip": writer.tips[n % len(writer.tips)],
        "mistake": writer.mistakes[n % len(writer.mistakes)],
        "aspect": writer.aspects[max(n, 0) % len(writer.aspects)],
        "point": point["line"],
        "point_label": point["label"],
    }
    return Shot(
        index=index,
        duration_seconds=seconds,
        shot_size=_cycle(segment["shot_size"], max(n, 0)),
        camera_movement=_cycle(segment["camera"], max(n, 0)),
        visual=writer.fill(_cycle(segment["visual"], max(n, 0)), **extra),
        on_screen_text=writer.fill(_cycle(segment["text"], max(n, 0)), **extra),
        line=writer.fill(_cycle(segment["line"], max(n, 0)), **extra),
    )


def _cycle(value: str | list[str], n: int) -> str:
    return value if isinstance(value, str) else value[n % len(value)]
