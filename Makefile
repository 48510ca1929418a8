# plangraph: `make serve` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BUILD  ?= build
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install browser java build serve test lint typecheck bench bench-serve bench-scale clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; browser tests will be skipped"; }

# Debian's JDK for the OWL tests: HermiT and the OWL API's profile checker run on it (the checker
# is a single-file Java source, so the compiler is needed too). Skipped, with a warning, offline.
java:
	@command -v javac >/dev/null 2>&1 || { \
	  echo "installing Debian's JDK for the OWL reasoner tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless >/dev/null) \
	  || echo "warning: could not install a JDK; the OWL reasoner tests will be skipped"; }

$(BUILD)/plangraph.trig: $(STAMP) $(wildcard data/corpus/*) $(wildcard src/plangraph/*.py src/plangraph/*/*.py) $(wildcard src/plangraph/ontology/*.ttl src/plangraph/reference/*)
	$(BIN)/plangraph build --out $(BUILD)

build: $(BUILD)/plangraph.trig

serve: build
	$(BIN)/plangraph serve --build $(BUILD) --host $(HOST) --port $(PORT)

# The type check runs first: a None dereference mypy can see is a bug before any test runs.
test: $(STAMP) browser java
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

# mypy over src/ with the configuration in pyproject.toml ([tool.mypy]).
typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/formats.py
	$(BIN)/python benchmarks/shapes_profile.py
	$(BIN)/python benchmarks/serve_compare.py

# Simple queries while two clients hammer heavy ones (issue 9: p95 <= 100 ms).
bench-serve: $(STAMP)
	$(BIN)/python benchmarks/serve_load.py

# Builds of 20, 80 and 320 synthetic documents: time and peak memory per document, one-document
# rebuild (issue 14). SIZES=1000 for the large run; BASELINE=path/to/other/src to measure it too.
SIZES ?= 20,80,320
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py --sizes $(SIZES) $(if $(BASELINE),--baseline-src $(BASELINE))

clean:
	rm -rf $(BUILD) .pytest_cache
