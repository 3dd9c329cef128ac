# The two commands of the README: `make run` and `make test`. Each sets up everything first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FORMS_INSTANCE ?= $(CURDIR)/instance
run: export FORMS_COOKIE_SECURE ?= 0

.PHONY: run test setup system-deps lint format clean translations

run: setup
	$(BIN)/forms-service init
	$(BIN)/forms-service demo
	@echo "forms-service is serving on http://$(HOST):$(PORT) (Ctrl-C stops it)"
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c python:forms_service.gunicorn_conf \
		"forms_service:create_app()"

# The suite runs in one process per core (pytest-xdist), a test file per process at a time, so
# a file's converters and browser start once; each process has its own PostgreSQL schema.
TEST_WORKERS ?= auto

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

CATALOGS := $(patsubst %.po,%.mo,$(wildcard forms_service/translations/*/LC_MESSAGES/messages.po))

setup: system-deps $(VENV)/.installed $(CATALOGS)

system-deps:
	@bash scripts/install-system-deps.sh --browser

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# The compiled catalogs the app loads are built here from the .po files git keeps.
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

# After changing a page's words: refresh the template and the catalogs, translate what
# `tests/test_translations.py` lists as missing, then `make setup` compiles them.
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -k lazy_gettext --no-location --sort-output \
		--add-comments=TRANSLATORS: -o forms_service/translations/messages.pot .
	$(BIN)/pybabel update -i forms_service/translations/messages.pot \
		-d forms_service/translations --ignore-obsolete --width 100

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
