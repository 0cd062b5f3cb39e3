"""The one Temporal client factory every process uses, its data converter, and the search attributes a
server must know."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import PydanticPayloadConverter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes

from douflow.security.keyring import KeyRing
from douflow.settings import Settings
from douflow.temporal.codec import EncryptionCodec
from douflow.temporal.queues import prefixed
from douflow.temporal.search import SEARCH_ATTRIBUTES


def queue(settings: Settings, service: str) -> str:
    """The task queue name of a service, with the deployment's prefix."""
    return prefixed(settings.task_queue_prefix, service)


def dev_server_search_attribute_args() -> list[str]:
    """`temporal server start-dev` arguments registering every custom search attribute."""
    args: list[str] = []
    for key in SEARCH_ATTRIBUTES:
        args += ["--search-attribute", f"{key.name}=Keyword"]
    return args


def data_converter(keys: KeyRing) -> DataConverter:
    """Pydantic models as JSON, encrypted by the payload codec; failure messages and stack traces too."""
    return DataConverter(
        payload_converter_class=PydanticPayloadConverter,
        payload_codec=EncryptionCodec(keys),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


async def connect_temporal(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings.payload_keyring),
    )


async def ensure_search_attributes(client: Client, namespace: str) -> None:
    """Registers missing custom search attributes (a dev server reusing its file skips its flags)."""
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {
        key.name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
        for key in SEARCH_ATTRIBUTES
        if key.name not in listed.custom_attributes
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
