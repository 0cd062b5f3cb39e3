# The two commands of the README: `make run` starts everything, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install fonts run worker bff sandbox test test-postgres histories lint format bench rotate-keys clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) fonts

# Cover images are rendered with a CJK font; Debian's WenQuanYi Micro Hei is small and free.
fonts:
	@if [ ! -f $(CJK_FONT) ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null) \
		|| echo "warning: could not install fonts-wqy-microhei; covers fall back to a Latin font"; \
	fi

run: install
	$(PY) -m douflow.devrun

worker: install
	$(PY) worker.py

bff: install
	$(PY) -m uvicorn api.gateway_bff.app:create_app --factory --port 8000

sandbox: install
	$(PY) -m douyin_sandbox --port 8090

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: install
	$(PY) -m ruff check .
	$(PY) -m pytest

test-postgres: install
	TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest

# Records today's workflow histories (tests/histories/) from a full suite run; CI replays them.
histories: install
	DOUFLOW_RECORD_HISTORIES=tests/histories $(PY) -m pytest -q

bench: install
	$(PY) bench/generation.py

# After switching ENCRYPTION_KEY_ID / PAYLOAD_KEY_ID: stored tokens and schedules move to the current key.
rotate-keys: install
	$(PY) -m douflow.key_rotation

clean:
	rm -rf .data .pytest_cache .ruff_cache
