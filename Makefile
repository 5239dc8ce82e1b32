# `make demo` and `make test` set up everything on a fresh machine with Python 3.11, pip
# and Debian's package manager.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
NASHR := $(VENV)/bin/nashr
UV := $(PYTHON) -m uv

.PHONY: demo test check lint typecheck python-deps node-deps system-deps demo-data serve messages

python-deps: $(VENV)/.synced
$(VENV)/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

node-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

system-deps:
	@scripts/system-deps.sh

demo:
	@scripts/system-deps.sh --demo
	@$(MAKE) --no-print-directory python-deps node-deps
	[ ! -d locale ] || $(NASHR) compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(NASHR) migrate --noinput -v 0
	$(NASHR) demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Persian: /fa/, English: /en/). Ctrl-C stops."
	$(NASHR) runserver 127.0.0.1:$(PORT)

test: system-deps python-deps node-deps
	[ ! -d locale ] || $(NASHR) compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(VENV)/bin/pytest $(PYTEST_ARGS)

check: lint typecheck
	$(NASHR) makemigrations --check --dry-run

lint: python-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: python-deps
	$(VENV)/bin/mypy nashr config bench

messages: python-deps
	cd nashr && ../$(NASHR) makemessages -l fa --ignore=tests --no-obsolete
