"""Local media store: generated images live on disk and only their keys travel through workflows."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

_TENANT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}/\d{4}/[0-9a-f]{32}\.[a-z0-9]{1,8}$")


class InvalidMediaKey(ValueError):
    """A key or its parts do not have the store's shape (e.g. a path traversal attempt)."""


class StoredMedia(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    mime_type: str
    size_bytes: int
    sha256: str


class LocalMediaStore:
    """Files under `root` at `{tenant_id}/{yyyy}/{uuid}{suffix}`; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    @property
    def root(self) -> Path:
        return self._root

    async def put(self, data: bytes, *, tenant_id: str, suffix: str, mime_type: str) -> StoredMedia:
        """Store bytes under a fresh key; the file appears complete or not at all."""
        if not _TENANT.fullmatch(tenant_id):
            raise InvalidMediaKey(f"invalid tenant id {tenant_id!r}")
        if not _SUFFIX.fullmatch(suffix):
            raise InvalidMediaKey(f"invalid suffix {suffix!r}")
        key = f"{tenant_id}/{datetime.now(UTC):%Y}/{uuid.uuid4().hex}{suffix}"
        await asyncio.to_thread(self._write, self.path(key), data)
        return StoredMedia(
            key=key, mime_type=mime_type, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest()
        )

    def path(self, key: str) -> Path:
        """The file of a key; refuses anything that is not a key this store could have made."""
        if not _KEY.fullmatch(key):
            raise InvalidMediaKey(f"invalid media key {key!r}")
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root):
            raise InvalidMediaKey(f"media key escapes the store: {key!r}")
        return path

    async def copy(self, key: str, *, tenant_id: str, mime_type: str) -> StoredMedia:
        """A copy of a stored file under a fresh key of the tenant (its own lifetime from then on)."""
        source = self.path(key)
        stored_key = f"{tenant_id}/{datetime.now(UTC):%Y}/{uuid.uuid4().hex}{source.suffix}"
        if not _TENANT.fullmatch(tenant_id):
            raise InvalidMediaKey(f"invalid tenant id {tenant_id!r}")
        size, digest = await asyncio.to_thread(self._copy, source, self.path(stored_key))
        return StoredMedia(key=stored_key, mime_type=mime_type, size_bytes=size, sha256=digest)

    @staticmethod
    def _copy(source: Path, target: Path) -> tuple[int, str]:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        digest = hashlib.sha256()
        try:
            with source.open("rb") as reading, os.fdopen(fd, "wb") as writing:
                while chunk := reading.read(1024 * 1024):
                    digest.update(chunk)
                    writing.write(chunk)
                writing.flush()
                os.fsync(writing.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target.stat().st_size, digest.hexdigest()

    def exists(self, key: str) -> bool:
        try:
            return self.path(key).is_file()
        except InvalidMediaKey:
            return False

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
