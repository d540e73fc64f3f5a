# presswatch: `make demo` and `make test` work on a fresh machine with Python 3.11 and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export GX_ANALYTICS_ENABLED ?= false
# setuptools' note on every editable install that is not a src layout (its import finder keeps
# only `presswatch` importable, so the note does not apply): noise in `make demo`.
SETUPTOOLS_QUIET := PYTHONWARNINGS="ignore:Editable installation"

.PHONY: install demo test eval pin bench lint format lock clean browser compat

install: $(VENV)/.installed

# Exact versions come from constraints.txt: a fresh install is the install that was tested.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(SETUPTOOLS_QUIET) $(BIN)/pip install --quiet --constraint constraints.txt --editable ".[dev]"
	touch $@

demo: install
	$(BIN)/presswatch ingest samples/drop --data $(DATA)
	$(BIN)/presswatch report --data $(DATA)
	$(BIN)/presswatch report --data $(DATA) --out $(DATA)/report.html

test: install lint browser compat
	$(BIN)/python -m pytest

# Other DuckDB readers, each in its own folder (tests/test_compat.py opens the views file with them).
compat: $(VENV)/compat/.installed

$(VENV)/compat/.installed: tests/duckdb-readers.txt $(VENV)/.installed
	rm -rf $(VENV)/compat
	grep -v '^#' tests/duckdb-readers.txt | while read -r req; do \
	  $(BIN)/pip install --quiet --no-deps --target "$(VENV)/compat/$$(echo $$req | sed 's/==/-/')" "$$req" || exit 1; \
	done
	touch $@

# Headless Chromium for the report's browser test (Debian's package; CI runs as root).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# Extraction quality on the bundled corpus (eval/corpus) and, when it is beside the repository,
# on ../shared/wcxb per half of the site split, through the real pipeline, with the anchors.
eval: install
	$(BIN)/python -m presswatch.evaluate eval/corpus --wcxb --anchors

# Speed and memory against the bare parts: prints one table, writes bench/results.md
# (9 to 16 minutes on 2 cores, by their speed: see README).
bench: install
	$(BIN)/python -m presswatch.bench

# Raise the quality floors of the gate (eval/baseline.json) to today's figures.
pin: install
	$(BIN)/python -m presswatch.evaluate eval/corpus --pin eval/baseline.json \
		--pin-wcxb eval/baseline_wcxb.json

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# After changing dependencies in pyproject.toml: rebuild the venv without constraints, then pin.
lock:
	rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet --editable ".[dev]"
	$(BIN)/pip freeze --exclude-editable --all | grep -v '^pip==' > constraints.txt  # setuptools too
	touch $(VENV)/.installed

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .ruff_cache
