# Two commands on a fresh machine: `make run` (the bot; the terminal on SQLite when no tokens are
# set) and `make test`. Both build .venv from uv.lock (hashes checked) with the machine's Python.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .uv/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: setup run test test-fast lint bench

setup: .venv/.synced

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

run: setup
	.venv/bin/studybot run

test: setup
	.venv/bin/pytest

test-fast: setup
	.venv/bin/pytest -q tests/unit

lint: setup
	.venv/bin/ruff check .
	.venv/bin/mypy
	.venv/bin/lint-imports
	.venv/bin/hadolint Dockerfile

bench: setup
	for b in bench/bench_*.py; do .venv/bin/python $$b || exit 1; done
