# UnionHome — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run serve test test-fast bench lint chromium clean lock

# Every dependency at the version CI tested, with its hashes (requirements.lock); then the
# project itself, which adds nothing the lock does not hold.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/unionhome compiletranslations

## make run: install, migrate, load the demo union once, serve on 127.0.0.1:8000 with the task consumer.
run: install
	$(BIN)/unionhome migrate --noinput
	$(BIN)/unionhome demo
	HTTPS=$${HTTPS:-0} SMS_DEV_ECHO=$${SMS_DEV_ECHO:-1} $(BIN)/unionhome serve

## make test: install, then every test (unit, API, pages, browser).
test: install chromium
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest --ignore=tests/e2e

## Debian's Chromium for the browser tests (installed when missing and we are root).
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null); \
	  else echo "Chromium is needed for the browser tests: sudo apt-get install chromium"; exit 1; fi; }

bench: install
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check unionhome tests bench
	$(BIN)/ruff format --check unionhome tests bench
	$(BIN)/lint-imports

## make lock: after changing the dependencies in pyproject.toml, pin them again (then `make install`).
lock: $(STAMP)
	$(BIN)/pip install --quiet uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes --quiet -o requirements.lock

clean:
	rm -rf $(VENV) var test-artifacts
