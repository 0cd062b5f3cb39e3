"""Local stand-in for the Douyin Open Platform: real paths, envelopes, id shapes and lifetimes."""

from douyin_sandbox.app import create_app
from douyin_sandbox.config import SandboxConfig

__all__ = ["SandboxConfig", "create_app"]
