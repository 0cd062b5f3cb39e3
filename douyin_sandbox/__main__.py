"""`python -m douyin_sandbox --port 8090 [--state-file .data/douyin-sandbox.json]`."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

import uvicorn

from douyin_sandbox.app import create_app
from douyin_sandbox.config import SandboxConfig

DEFAULT_WEBHOOK_URL = "http://127.0.0.1:8000/api/v1/douyin/webhook"


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="douyin_sandbox", description="Local Douyin Open Platform sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--state-file", type=Path, default=None, help="persist grants and items here")
    parser.add_argument("--data-dir", type=Path, default=None, help="where uploaded files are kept")
    parser.add_argument("--review-delay", type=float, default=None, help="seconds until review finishes")
    parser.add_argument("--time-scale", type=float, default=None, help="statistics clock speed-up")
    parser.add_argument("--log-level", default="info")
    return parser.parse_args()


def config_from_env(args: argparse.Namespace) -> SandboxConfig:
    """Environment is read here, at start-up, never at import time."""
    webhook = os.environ.get("DOUYIN_SANDBOX_WEBHOOK_URL", DEFAULT_WEBHOOK_URL)
    hosts = os.environ.get("DOUYIN_SANDBOX_REDIRECT_HOSTS", "127.0.0.1,localhost")
    overrides = {
        "review_delay": args.review_delay,
        "time_scale": args.time_scale,
        "client_key": os.environ.get("DOUYIN_CLIENT_KEY"),
        "client_secret": os.environ.get("DOUYIN_CLIENT_SECRET"),
    }
    return SandboxConfig(
        webhook_targets=[url.strip() for url in webhook.split(",") if url.strip()],
        redirect_hosts=[host.strip() for host in hosts.split(",") if host.strip()],
        state_file=args.state_file,
        data_dir=args.data_dir,
        **{key: value for key, value in overrides.items() if value is not None},
    )


def main() -> None:
    args = _parse_args()
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(config_from_env(args))
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
