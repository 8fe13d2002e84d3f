# clustergraph: every target installs what it needs, so `make test` or `make serve` alone works on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SOURCES := $(wildcard ontology/*.ttl shapes/*.ttl queries/*.rq queries/checks/*.rq) $(shell find data -name '*.ttl' 2>/dev/null)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install build test serve fmt lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

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
	$(BIN)/clustergraph fmt ontology shapes data

bench: $(STAMP) release/report.json
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf release build var
