# Guardflow. `make run` and `make test` work on a fresh clone: they install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT ?= 8000
INTEGRATION_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
INTEGRATION_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run migrate bootstrap test test-integration lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

bootstrap: migrate
	$(BIN)/python manage.py bootstrap

run: bootstrap
	PORT=$(PORT) scripts/serve

test: install
	$(BIN)/pytest -m "not integration" -p xdist -n 2 -q

test-integration: install
	DATABASE_URL=$${DATABASE_URL:-$(INTEGRATION_DATABASE_URL)} \
	REDIS_URL=$${REDIS_URL:-$(INTEGRATION_REDIS_URL)} \
	$(BIN)/pytest -m integration -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/gateway_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
