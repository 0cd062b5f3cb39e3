"""The payload codec: encrypted at rest under a named key, several keys readable, foreign payloads untouched."""

from __future__ import annotations

import os

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError

from douflow.security.keyring import encode_key, parse_keyring
from douflow.temporal.client import data_converter
from douflow.temporal.codec import ENCODING, KEY_ID, EncryptionCodec, PayloadDecryptionError
from models.content import Actor

OLD = encode_key(os.urandom(32))
NEW = encode_key(os.urandom(32))
MESSAGE = "客户留言：请回电 13800000000"


def codec(keys: str, current: str) -> EncryptionCodec:
    return EncryptionCodec(parse_keyring(keys, current, "PAYLOAD_KEY"))


def clear(text: str = MESSAGE) -> Payload:
    return pydantic_data_converter.payload_converter.to_payload(text)


async def test_payloads_are_sealed_under_the_current_key_and_open_again() -> None:
    box = codec(f"old:{OLD},new:{NEW}", "new")
    [sealed] = await box.encode([clear()])
    assert sealed.metadata["encoding"] == ENCODING and sealed.metadata[KEY_ID] == b"new"
    assert MESSAGE.encode() not in sealed.data
    assert await box.decode([sealed]) == [clear()]


async def test_a_payload_written_with_the_old_key_decodes_after_the_writer_key_changes() -> None:
    [sealed] = await codec(f"old:{OLD}", "old").encode([clear()])
    rotated = codec(f"old:{OLD},new:{NEW}", "new")
    assert await rotated.decode([sealed]) == [clear()]
    assert rotated.needs_rewrap(sealed)
    rewrapped = rotated.rewrap(sealed)
    assert rewrapped.metadata[KEY_ID] == b"new" and not rotated.needs_rewrap(rewrapped)
    assert await codec(f"new:{NEW}", "new").decode([rewrapped]) == [clear()]


async def test_payloads_that_are_not_ours_pass_through() -> None:
    foreign = [clear(), Payload(metadata={"encoding": b"binary/null"}), Payload(metadata={"encoding": b"x"})]
    assert await codec(NEW, "k1").decode(foreign) == foreign


async def test_an_unknown_key_or_altered_data_is_refused() -> None:
    [sealed] = await codec(f"old:{OLD}", "old").encode([clear()])
    with pytest.raises(PayloadDecryptionError, match="key id 'old'"):
        await codec(f"new:{NEW}", "new").decode([sealed])
    altered = Payload()
    altered.CopyFrom(sealed)
    altered.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    with pytest.raises(PayloadDecryptionError, match="altered"):
        await codec(f"old:{OLD}", "old").decode([altered])


async def test_the_data_converter_round_trips_models_and_hides_failure_messages() -> None:
    converter = data_converter(parse_keyring(NEW, "k1", "PAYLOAD_KEY"))
    actor = Actor(tenant_id="t1", user_id="u1")
    [payload] = await converter.encode([actor])
    assert b"t1" not in payload.data
    assert await converter.decode([payload], [Actor]) == [actor]
    failure = Failure()
    await converter.encode_failure(ApplicationError(MESSAGE, type="Refused"), failure)
    assert MESSAGE not in failure.message and not failure.stack_trace
    assert MESSAGE.encode() not in failure.encoded_attributes.data
    decoded = await converter.decode_failure(failure)
    assert isinstance(decoded, ApplicationError) and decoded.message == MESSAGE and decoded.type == "Refused"
