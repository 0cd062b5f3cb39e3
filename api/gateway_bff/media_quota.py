"""A tenant's media storage quota: what its stored files take, and how much an upload may still add.

Checked before an upload is read, while it streams and once more before it is recorded; two uploads of
one tenant racing for the last bytes can both pass, so the quota may be exceeded by the files in flight.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.gateway_bff.errors import DomainError
from douflow.content.contents import ContentRepository
from douflow.settings import Settings

UNITS = (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024))


def human_size(size: int) -> str:
    for unit, scale in UNITS:
        if size >= scale:
            whole, rest = divmod(size, scale)
            return f"{whole} {unit}" if not rest else f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


@dataclass(frozen=True)
class Quota:
    used: int
    allowed: int

    @property
    def left(self) -> int:
        return max(self.allowed - self.used, 0)


class QuotaExceeded(DomainError):
    status_code = 413
    code = "quota_exceeded"

    def __init__(self, quota: Quota, grace_hours: float) -> None:
        super().__init__(
            f"media storage quota reached: {human_size(quota.used)} of {human_size(quota.allowed)} used, "
            f"{human_size(quota.left)} left; uploads not attached to a content are removed after "
            f"{grace_hours:g} hours"
        )
        self.quota = quota

    def body(self) -> dict[str, object]:
        return super().body() | {"used_bytes": self.quota.used, "quota_bytes": self.quota.allowed}


async def tenant_quota(repo: ContentRepository, settings: Settings) -> Quota:
    return Quota(used=await repo.media_bytes(), allowed=settings.media_quota_bytes)
