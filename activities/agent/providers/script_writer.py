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


def body_points(script_type: ScriptType, duration: int, available: int) -> int:
    """How many body shots a script has: what the duration asks for, never more than distinct points."""
    spec = load("scripts")[script_type]
    plan = _plan(spec, duration - hook_seconds(duration), duration, available)
    return sum(1 for segment, _ in plan if segment is spec["body"])


def write_script(writer: Writer, title: str, script_type: ScriptType, duration: int) -> VideoScript:
    """A shot list whose durations add up to exactly `duration`; the hook is shot 1."""
    spec = load("scripts")[script_type]
    items = _items(writer, script_type)
    plan = _plan(spec, duration - hook_seconds(duration), duration, len(items))
    body_count = sum(1 for segment, _ in plan if segment is spec["body"])
    hook = Hook(
        text=writer.fill(writer.pick(spec["hook_text"]), n=str(body_count)),
        visual=writer.fill(writer.pick(spec["hook_visual"]), n=str(body_count)),
        duration_seconds=hook_seconds(duration),
    )
    spoken = writer.fill(writer.pick(spec["hook_line"]), n=str(body_count))
    seconds = _split_seconds(duration - hook.duration_seconds, [segment["weight"] for segment, _ in plan])
    shots = [_hook_shot(hook, spoken)]
    for (segment, repeat), length in zip(plan, seconds, strict=True):
        point = items[(repeat or body_count + 1) - 1]
        shots.append(_shot(writer, segment, repeat, len(shots) + 1, length, point))
    return VideoScript(
        title=title,
        script_type=script_type,
        hook=hook,
        shots=shots,
        call_to_action=writer.fill(writer.pick(spec["cta"])),
        total_duration_seconds=sum(shot.duration_seconds for shot in shots),
    )


def _items(writer: Writer, script_type: ScriptType) -> list[tuple[str, str, str, str]]:
    """(label, point, mistake, tip) of each body shot in turn; the one after the last body shot frames it."""
    mistakes, tips = writer.mistakes, writer.tips
    if script_type == "product_seeding":
        pairs = writer.product_points()
    elif script_type == "tutorial":
        pairs = [("", step) for step in writer.steps]
    elif script_type == "story":
        pairs = [("", tip) for tip in tips[: len(mistakes)]]
    else:
        pairs = [("", tip) for tip in tips]
    return [
        (label, line, mistakes[i % len(mistakes)], tips[i % len(tips)])
        for i, (label, line) in enumerate(pairs)
    ]


def _plan(
    spec: dict[str, Any], remaining: float, duration: int, available: int
) -> list[tuple[dict[str, Any], int]]:
    """Segments in order with their repeat number; optional ones only when there is time for them.

    One item is kept back for the framing shots, so body shots never repeat a point.
    """
    per_shot = min(15.0, max(5.0, duration / 8))
    budget = max(2, round(remaining / per_shot))
    framing = [*spec["intro"], *spec["outro"]]
    keep_optional = budget >= len(framing) + 2
    intro = [s for s in spec["intro"] if keep_optional or not s.get("optional")]
    outro = [s for s in spec["outro"] if keep_optional or not s.get("optional")]
    repeats = min(MAX_BODY_SHOTS, available - 1, max(1, budget - len(intro) - len(outro)))
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


def _hook_shot(hook: Hook, spoken: str) -> Shot:
    """The hook on screen; the spoken line carries it on instead of reading it out again."""
    return Shot(
        index=1,
        duration_seconds=hook.duration_seconds,
        shot_size=HOOK_SHOT_SIZE,
        camera_movement=HOOK_CAMERA,
        visual=hook.visual,
        on_screen_text=hook.text,
        line=spoken,
    )


def _shot(
    writer: Writer,
    segment: dict[str, Any],
    repeat: int,
    index: int,
    seconds: float,
    item: tuple[str, str, str, str],
) -> Shot:
    """One shot; repeats of the body segment walk through the points in turn."""
    n = max(repeat - 1, 0)
    label, point, mistake, tip = item
    ordinals = load("scripts")["ordinals"]
    extra = {
        "i": str(repeat),
        "ordinal": ordinals[min(n, len(ordinals) - 1)],
        "tip": tip if segment["name"] == "point" and label else point,
        "mistake": mistake,
        "point": point,
        "point_label": label,
    }
    return Shot(
        index=index,
        duration_seconds=seconds,
        shot_size=_cycle(segment["shot_size"], n),
        camera_movement=_cycle(segment["camera"], n),
        visual=writer.fill(_cycle(segment["visual"], n), **extra),
        on_screen_text=writer.fill(_cycle(segment["text"], n), **extra),
        line=writer.fill(_cycle(_line_of(writer, segment), n), **extra),
    )


def _line_of(writer: Writer, segment: dict[str, Any]) -> str | list[str]:
    """A product point's spoken line; with no product named the point is the topic's own tip, said once."""
    key = "line_unnamed" if writer.product_name is None and "line_unnamed" in segment else "line"
    lines: str | list[str] = segment[key]
    return lines


def _cycle(value: str | list[str], n: int) -> str:
    return value if isinstance(value, str) else value[n % len(value)]
