# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_USERS ?= 20000

.PHONY: demo test test-slow bench lint clean venv dev

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip==25.3

# The stamps record that an install matched the current pyproject.toml.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed
dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(BIN)/zhongcao demo --users $(DEMO_USERS) --out demo

test: $(VENV)/.installed-dev
	@# Browser tests drive the system Chromium (Debian package); installed once, quietly, if missing.
	@[ -x /usr/bin/chromium ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } || echo "chromium not installed: browser tests will be skipped"
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -q -m "not sweep"

# Tests marked `sweep` (seed sweeps, 100k-200k-user worlds, the workspace stress test): CI runs them after `make test`.
test-slow: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -m sweep

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) demo build *.egg-info src/*.egg-info
