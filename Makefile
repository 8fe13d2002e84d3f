# clustergraph: every target installs what it needs, so `make test` or `make serve` alone works on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SOURCES := $(wildcard ontology/*.ttl shapes/*.ttl queries/*.rq queries/checks/*.rq) $(shell find data -name '*.ttl' 2>/dev/null)
HOST ?= 127.0.0.1
PORT ?= 8000
# The query page's editor and result viewer, vendored so that `make serve` needs neither npm nor a network.
YASGUI_VERSION := 4.6.2
VENDOR := src/clustergraph/static/vendor/yasgui

.PHONY: install lock build test serve fmt lint bench clean vendor

install: $(STAMP)

# constraints.txt pins every installed package to the versions the tests last passed with.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# After changing dependencies: install without the pins, run the tests, then `make lock`.
lock: $(STAMP)
	$(BIN)/pip freeze --exclude-editable | grep -v '^#' > constraints.txt

release/report.json: $(STAMP) $(SOURCES)
	$(BIN)/clustergraph build

build: $(STAMP)
	$(BIN)/clustergraph build

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

serve: release/report.json
	$(BIN)/clustergraph serve --host $(HOST) --port $(PORT)

fmt: $(STAMP)
	$(BIN)/clustergraph modules
	$(BIN)/clustergraph fmt ontology shapes data

bench: $(STAMP) release/report.json
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,bench]'
	$(BIN)/python -m benchmarks

vendor:
	rm -rf build/npm && mkdir -p build/npm $(VENDOR)
	cd build/npm && npm pack --silent @zazuko/yasgui@$(YASGUI_VERSION) && tar xzf zazuko-yasgui-$(YASGUI_VERSION).tgz
	cp build/npm/package/build/yasgui.min.js build/npm/package/build/yasgui.min.css $(VENDOR)/
	sed -i '/^\/\/# sourceMappingURL=/d' $(VENDOR)/yasgui.min.js
	cp build/npm/package/package.json $(VENDOR)/package.json

clean:
	rm -rf release build var
