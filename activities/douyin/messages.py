"""The connector's private-message activity (seed 10-14): one message to a customer, sent once.

Sending is irreversible and Douyin has no way to look a sent message up, so a failure after the request
left is a DouyinUnknownOutcome (its echo, `im_send_msg`, tells the workflow whether it went out). Message
text never reaches the logs.
"""

from __future__ import annotations

from typing import Any

from temporalio import activity

from activities.douyin.calls import ConnectorCalls
from activities.douyin.client import SentMessage
from activities.douyin.errors import DouyinRejected
from activities.douyin.failures import douyin_failure
from activities.douyin.token_store import Credentials
from models.im import ImResource, ImSend, ImSent, StoredImResource
from models.materials import ImImageUpload
from models.publish import UploadedMedia

TEXT, IMAGE, VIDEO, RETAIN_CONSULT_CARD = 1, 2, 3, 8
IMAGE_SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/bmp": ".bmp"}
# Scenes that answer a customer message or enter event named by `msg_id`.
ANCHORED_SCENES = frozenset({"im_replay_msg", "im_enter_direct_msg"})


def message_content(message: ImSend) -> dict[str, Any]:
    """The `content` of `/im/send/msg/`: exactly one of a text (msg_type 1), an image (2), an item (3) or a
    card (8)."""
    given = [v for v in (message.text, message.media_id, message.item_id, message.card_id) if v is not None]
    if len(given) != 1:
        raise DouyinRejected("a private message is exactly one of a text, an image, an item or a card")
    if message.text is not None:
        if not message.text.strip():
            raise DouyinRejected("a private message's text is empty")
        return {"msg_type": TEXT, "text": {"text": message.text}}
    if message.media_id is not None:
        return {"msg_type": IMAGE, "image": {"media_id": message.media_id}}
    if message.item_id is not None:
        return {"msg_type": VIDEO, "video": {"item_id": message.item_id}}
    return {"msg_type": RETAIN_CONSULT_CARD, "card": {"card_id": message.card_id}}


class MessageCalls(ConnectorCalls):
    """Private messages from a bound enterprise account to its customers."""

    @activity.defn
    async def send_douyin_message(self, message: ImSend) -> ImSent:
        """One attempt (policies.DOUYIN_SEND_MESSAGE); the workflow decides what follows a failure."""

        try:
            content = message_content(message)
            if message.scene in ANCHORED_SCENES and not message.reply_to_msg_id:
                raise DouyinRejected(f"scene {message.scene} needs the customer message it answers")
        except DouyinRejected as exc:
            raise douyin_failure(exc) from exc

        async def send(c: Credentials) -> SentMessage:
            return await self._client.send_im_message(
                c.access_token,
                c.open_id,
                to_user_id=message.to_open_id,
                conversation_id=message.conversation_id,
                scene=message.scene,
                content=content,
                msg_id=message.reply_to_msg_id,
            )

        # Not bounded: a message must not queue behind the account's video uploads.
        sent = await self._call(message.account, send, bounded=False)
        return ImSent(msg_id=sent.msg_id)

    @activity.defn
    async def upload_im_image(self, request: ImImageUpload) -> UploadedMedia:
        """An image of the media store uploaded for a private message; a fresh media_id on every attempt."""
        path = self._media.path(request.storage_key)

        async def upload(c: Credentials) -> str:
            return await self._client.upload_im_image(c.access_token, c.open_id, path)

        return UploadedMedia(media_id=await self._call(request.account, upload, bounded=False))

    @activity.defn
    async def fetch_douyin_message_image(self, resource: ImResource) -> StoredImResource:
        """Downloads an image a customer sent into the tenant's media store; a read, so retried freely."""

        async def fetch(c: Credentials) -> tuple[bytes, str]:
            return await self._client.message_resource(
                c.access_token,
                c.open_id,
                conversation_id=resource.conversation_id,
                message_id=resource.message_id,
            )

        data, mime_type = await self._call(resource.account, fetch, bounded=False)
        suffix = IMAGE_SUFFIXES.get(mime_type, ".img")
        stored = await self._media.put(
            data, tenant_id=resource.account.tenant_id, suffix=suffix, mime_type=mime_type
        )
        return StoredImResource(
            storage_key=stored.key, mime_type=stored.mime_type, size_bytes=stored.size_bytes
        )
