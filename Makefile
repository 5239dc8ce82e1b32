# `make demo` and `make test` set up everything on a fresh machine with Python 3.11, pip
# and Debian's package manager (also where pip refuses to install into the system's Python,
# PEP 668's "externally-managed-environment", as on Debian 12).
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
NASHR := $(VENV)/bin/nashr
# uv: $(PYTHON)'s own if it has one, else one installed into a venv of its own in $(UV_HOME)/
# (a venv is never externally managed; the system's Python stays as it was).
UV_HOME := .uv

.PHONY: demo test check lint typecheck python-deps node-deps system-deps demo-data serve messages

python-deps: $(VENV)/.synced
$(VENV)/.synced: pyproject.toml uv.lock
	@uv="$(PYTHON) -m uv"; $$uv --version >/dev/null 2>&1 || { uv=$(UV_HOME)/bin/uv; \
	  [ -x $$uv ] || { echo "Installing uv into $(UV_HOME)/ (a venv of its own)"; rm -rf $(UV_HOME) \
	    && $(PYTHON) -m venv $(UV_HOME) && $(UV_HOME)/bin/pip install --quiet uv; }; }; \
	  echo "UV_PYTHON=$(PYTHON) $$uv sync --frozen --quiet --compile-bytecode"; \
	  UV_PYTHON=$(PYTHON) $$uv sync --frozen --quiet --compile-bytecode
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
	[ ! -d locale ] || $(NASHR) compilemessages --ignore=.venv --ignore=.uv --ignore=node_modules -v 0
	$(NASHR) migrate --noinput -v 0
	$(NASHR) demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Persian: /fa/, English: /en/), with the task worker. Ctrl-C stops both."
	@scripts/demo-serve.sh $(NASHR) $(PORT)

test: system-deps python-deps node-deps
	[ ! -d locale ] || $(NASHR) compilemessages --ignore=.venv --ignore=.uv --ignore=node_modules -v 0
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
