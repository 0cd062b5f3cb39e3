"""The per-app bundle of config, state, clock, faults and webhook sender, reached through a dependency."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from douyin_sandbox.clock import SandboxClock
from douyin_sandbox.config import SandboxConfig
from douyin_sandbox.faults import FaultInjector
from douyin_sandbox.store import SandboxStore
from douyin_sandbox.webhooks import WebhookSender


@dataclass
class SandboxRuntime:
    config: SandboxConfig
    initial_config: SandboxConfig
    store: SandboxStore
    faults: FaultInjector = field(default_factory=FaultInjector)
    clock: SandboxClock = field(default_factory=SandboxClock)
    webhooks: WebhookSender = field(init=False)

    def __post_init__(self) -> None:
        self.webhooks = WebhookSender(lambda: self.config, self.now)

    def now(self) -> float:
        """The sandbox's time (see clock.py): every time read in the sandbox goes through here."""
        return self.clock.now()


def get_runtime(request: Request) -> SandboxRuntime:
    runtime: SandboxRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[SandboxRuntime, Depends(get_runtime)]
