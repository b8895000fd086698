# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test translations translations-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The English catalogue is compiled by the build, never committed as .mo.
translations: $(VENV)/.requirements
	$(BIN)/pybabel compile --use-fuzzy -d app/translations

# After changing texts: extract them and merge into the catalogue, then translate the new entries.
translations-update: $(VENV)/.requirements
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations

run: $(VENV)/.requirements translations
	APUSIDA_ENV=development $(BIN)/flask --app wsgi db upgrade
	APUSIDA_ENV=development $(BIN)/flask --app wsgi demo-data --if-empty
	@echo "Apusida: http://$(HOST):$(PORT)/"
	APUSIDA_ENV=development $(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

test: $(VENV)/.requirements-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
