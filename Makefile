# The two commands of the README: `make run` starts everything, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# The operator console (web/): its packages, installed by `npm ci` whenever package-lock.json changes.
WEB_STAMP := web/node_modules/.lock-digest
CHROMIUM := /usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: install web-deps web web-client web-client-check web-lint web-test screenshots chromium fonts run worker bff sandbox test test-postgres histories lint format bench bench-console rotate-keys clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) fonts web-deps

$(WEB_STAMP): web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@sha256sum web/package-lock.json | cut -d' ' -f1 > $(WEB_STAMP)

# Without npm the rest still installs and `make run` serves the API alone (its banner says how to add the console).
web-deps:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) -s --no-print-directory $(WEB_STAMP); \
	else echo "warning: npm not found; the operator console needs Node.js >= 20.19 and npm (README)"; fi

# The built console (web/dist), which the BFF serves at /; `make run` rebuilds it when its sources change.
web: $(WEB_STAMP)
	cd web && npm run build

# Regenerates the console's typed client (web/src/client/) from the BFF's OpenAPI document.
web-client: $(STAMP) $(WEB_STAMP)
	$(PY) -m api.gateway_bff.openapi_dump web/.openapi/openapi.json
	cd web && npx openapi-ts
	@rm -rf web/.openapi/client

# Fails when the committed client is not what the BFF's document generates today.
web-client-check: $(STAMP) $(WEB_STAMP)
	$(PY) -m api.gateway_bff.openapi_dump web/.openapi/openapi.json
	@rm -rf web/.openapi/client
	cd web && OPENAPI_OUTPUT=.openapi/client npx openapi-ts >/dev/null
	@diff -r web/src/client web/.openapi/client >/dev/null \
		|| (diff -r web/src/client web/.openapi/client | head -40; \
			echo "web/src/client is out of date with the BFF's OpenAPI document: run make web-client"; exit 1)

web-lint: $(WEB_STAMP) web-client-check
	@! grep -n '"resolved"' web/package-lock.json \
		|| (echo "web/package-lock.json records download addresses: keep web/.npmrc and run npm install again"; exit 1)
	cd web && npx tsc --noEmit
	cd web && npx biome check .

# Vitest (logic, components), then Playwright against the whole system it starts (web/e2e/).
web-test: $(WEB_STAMP) chromium
	cd web && npx vitest run
	cd web && npx playwright test

# PNGs of the console's main pages into docs/screenshots/ (the README's pictures): the whole e2e run, whose
# last project photographs the pages with what the other specs made.
screenshots: $(WEB_STAMP) chromium
	cd web && DOUFLOW_SCREENSHOTS=docs/screenshots npx playwright test

# The e2e tests drive Debian's Chromium; Playwright's own browser downloads are not used.
chromium:
	@if [ ! -x $(CHROMIUM) ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "warning: could not install chromium; the console's e2e tests need it"; \
	fi

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
	$(MAKE) web-lint

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: install
	$(PY) -m ruff check .
	$(PY) -m pytest
	$(MAKE) web-test

test-postgres: install
	TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest

# Records today's workflow histories (tests/histories/) from a full suite run; CI replays them.
histories: install
	DOUFLOW_RECORD_HISTORIES=tests/histories $(PY) -m pytest -q

bench: install
	$(PY) bench/generation.py

# The console's initial JavaScript per page and its time to a usable create page, in headless Chromium.
bench-console: install chromium
	$(PY) bench/console.py

# After switching ENCRYPTION_KEY_ID / PAYLOAD_KEY_ID: stored tokens and schedules move to the current key.
rotate-keys: install
	$(PY) -m douflow.key_rotation

clean:
	rm -rf .data .pytest_cache .ruff_cache web/dist web/.openapi web/test-results
