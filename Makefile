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

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (CI machines), every
# process the end-to-end tests start would otherwise compile its imports again (about 1.7 s each).
.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

run: setup
	.venv/bin/studybot run

test: setup
	.venv/bin/python -m compileall -q bot tests >/dev/null
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
