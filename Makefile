# thidua — the two commands: `make run` and `make test`. Everything else is a helper of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

help:
	@echo "make run    install, migrate, seed the Vĩnh Thông plan and demo users, serve on http://$(HOST):$(PORT)"
	@echo "make test   install, then ruff, mypy, makemigrations --check and the whole pytest suite"
	@echo "make bench  run the benchmarks in tests/bench/ (prints ratios)"

# Creates .venv with a Python >= 3.12 and installs the pinned requirements. Idempotent: does nothing
# when requirements.lock has not changed since the last install.
install: $(VENV)/.installed
	@$(PY) scripts/build_fastverify.py

$(VENV)/.installed: requirements.lock requirements.in scripts/find-python.sh
	@set -e; \
	if [ ! -x "$(PY)" ] || ! "$(PY)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  rm -rf "$(VENV)"; \
	  PYBIN=$$(bash scripts/find-python.sh); \
	  echo "Using $$PYBIN ($$($$PYBIN --version))"; \
	  "$$PYBIN" -m venv "$(VENV)"; \
	fi; \
	"$(PY)" -m pip install --quiet --disable-pip-version-check --upgrade pip; \
	"$(PY)" -m pip install --quiet --disable-pip-version-check -r requirements.in -c requirements.lock; \
	"$(PY)" scripts/check_system.py; \
	touch "$@"

# Re-resolve the direct requirements and write the exact versions to requirements.lock.
lock:
	"$(PY)" -m pip install --quiet -r requirements.in
	"$(PY)" -m pip freeze --exclude-editable > requirements.lock

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_plan
	$(PY) manage.py seed_demo

run: seed
	@$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: install
	$(VENV)/bin/mypy .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

test: install lint types migrations-check
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install
	$(VENV)/bin/pytest tests/bench -p no:cacheprovider -s -q -o addopts="" $(BENCH_ARGS)

# Extract English msgids, fill Vietnamese from locale/vi/LC_MESSAGES/parts/*.po, compile. The compiled
# django.mo is committed so a fresh machine needs no gettext tools.
messages: install
	$(PY) manage.py makemessages -l vi --ignore=.venv --ignore=tests --no-obsolete --no-location
	$(PY) scripts/merge_po.py
	msgfmt --check-format -o locale/vi/LC_MESSAGES/django.mo locale/vi/LC_MESSAGES/django.po

.PHONY: help install lock migrate seed run lint types migrations-check test bench messages
