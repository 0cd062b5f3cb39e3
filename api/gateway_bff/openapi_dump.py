"""Writes the BFF's OpenAPI document to a file, from the app itself: no server, database or Temporal.

`python -m api.gateway_bff.openapi_dump FILE`; `make web-client` generates the console's typed client (web/src/client/) from it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from api.gateway_bff.app import create_app
from douflow.settings import Settings


def openapi_document() -> dict[str, object]:
    # Defaults only: a developer's .env must not change the committed client.
    spec: dict[str, object] = create_app(Settings(_env_file=None)).openapi()
    return spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="where to write the JSON document")
    out = parser.parse_args().out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(openapi_document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
