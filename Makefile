# xinye — two commands: `make demo` and `make test`. Needs only Python 3.11 and make.
SHELL := /bin/bash
# The project environment's interpreter: the distribution's Python 3.11 where there is one — Debian and its
# derivatives build it with profile-guided optimisation and link it statically, and it takes 10-20 % less CPU
# per request here than a plain source build such as pyenv's (README, Production) — else python3.11 from PATH.
# `make env PYTHON=…` chooses another. uv itself is bootstrapped with BOOTSTRAP_PYTHON (needs the venv module).
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3.11)
BOOTSTRAP_PYTHON ?= python3.11
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen
PYTEST_WORKERS ?= 2
# Python keeps its compiled modules in __pycache__/ (ignored by git): where the machine sets
# PYTHONDONTWRITEBYTECODE, every test worker, CLI call and subprocess compiled every module again (~2 s each).
unexport PYTHONDONTWRITEBYTECODE
# Where `make demo` serves: `make demo ADDR=127.0.0.1:8101` when port 8000 is taken.
ADDR ?= 127.0.0.1:8000

.PHONY: demo test test-pg test-browser lint format bench check env clean messages audit

$(UV):
	@echo "uv not found: installing it into .tools/ (no global install)"
	$(BOOTSTRAP_PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock Makefile | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

env: .venv/.synced

demo: env
	$(RUN) xinye demo --addr $(ADDR)

test: env
	$(RUN) pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not browser"
	$(RUN) pytest -m browser; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ] || exit $$status

test-pg: env
	XINYE_DATABASE_URL=$${XINYE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/xinye_ci} \
		$(RUN) pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not browser"

test-browser: env
	$(RUN) pytest -m browser

messages: env
	cd src/xinye && $(abspath $(UV)) run --frozen django-admin makemessages -l en --no-obsolete
	$(RUN) python scripts/en_glossary.py
	cd src/xinye && $(abspath $(UV)) run --frozen django-admin compilemessages -l en -l zh_Hans

lint: env
	$(RUN) ruff check src tests bench
	$(RUN) ruff format --check src tests bench
	$(RUN) pytest -q tests/test_architecture.py  # the floors and the write door (docs/architecture.md)

format: env
	$(RUN) ruff check --fix src tests bench
	$(RUN) ruff format src tests bench

audit: env  # pip-audit over the locked dependencies; fails on a finding (scripts/audit.py)
	UV=$(abspath $(UV)) $(RUN) python scripts/audit.py

check: env
	$(RUN) xinye makemigrations --check --dry-run
	$(RUN) xinye check

bench: env
	@for b in bench/*_bench.py; do echo "== $$b"; $(RUN) python $$b || exit 1; done

clean:
	rm -rf var/ .pytest_cache
