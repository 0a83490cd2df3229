# Allied — the two commands a new user needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test install browsers lint bench clean

$(BIN)/allied: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/allied

install: $(BIN)/allied

## make demo: install into .venv, create the SQLite demo database, seed it, serve it on :8000
demo: install
	ALLIED_DATA_DIR=$(CURDIR)/var $(BIN)/allied demo

## Browser tests drive Debian's Chromium (never a downloaded browser).
browsers:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium package for the browser tests (sudo apt-get install chromium)"; fi; }

## make test: everything a user and CI run (DATABASE_URL picks SQLite or PostgreSQL)
test: install browsers
	$(BIN)/pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=allied.config.settings $(BIN)/allied makemigrations --check --dry-run
	ALLIED_SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(60))') ALLIED_ALLOWED_HOSTS=allied.example \
	  DJANGO_SETTINGS_MODULE=allied.config.settings_production $(BIN)/allied check --deploy --fail-level WARNING

## make bench: every benchmark, figures in bench/results/*.json
bench: install
	$(BIN)/allied bench console
	$(BIN)/allied bench conflicts
	$(BIN)/allied bench routing
	$(BIN)/allied bench accruals

clean:
	rm -rf $(VENV) var .pytest_cache
