# Tianluo: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORK ?= work
DEMO_PERSONS ?= 20000
DEMO_SEED ?= 7

.PHONY: install vendor test lint typecheck pytest demo bench clean

# The workbench's front-end libraries come from the npm registry (package.json, pinned by
# package-lock.json) and are copied into the package's static folder, which git ignores.
VENDOR := src/tianluo/web/static/vendor
VENDOR_FILES := node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js \
	node_modules/cytoscape/dist/cytoscape.min.js

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

$(VENDOR)/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is required to install the workbench's libraries"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp $(VENDOR_FILES) $(VENDOR)/
	for p in htmx.org echarts cytoscape; do cp node_modules/$$p/LICENSE $(VENDOR)/LICENSE.$$p; done
	@touch $@

vendor: $(VENDOR)/.installed

install: $(STAMP) vendor

lint: install
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

demo: install
	$(BIN)/python scripts/demo.py --work $(WORK) --persons $(DEMO_PERSONS) --seed $(DEMO_SEED)

bench: install
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(WORK) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
