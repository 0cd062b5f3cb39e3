"""Every payload inside a Temporal message (a history event, a schedule), with where it sits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec


def payloads_in(message: Message, path: str = "") -> Iterator[tuple[str, Payload]]:
    """(dotted path, payload) pairs; search attributes are payloads too, under `...search_attributes...`."""
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        name = f"{path}.{field.name}" if path else field.name
        for where, item in _items(name, value):
            if isinstance(item, Payload):
                yield where, item
            elif isinstance(item, Message):
                yield from payloads_in(item, where)


def _items(name: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Message):
        yield name, value
    elif hasattr(value, "items"):
        yield from ((f"{name}[{key}]", item) for key, item in value.items())
    else:
        yield from ((f"{name}[{i}]", item) for i, item in enumerate(value))


async def decode_in_place(message: Message, codec: PayloadCodec) -> None:
    """Replaces each payload (search attributes aside, which no codec touches) by its decoded form."""
    for where, payload in list(payloads_in(message)):
        if "search_attributes" not in where:
            payload.CopyFrom((await codec.decode([payload]))[0])
