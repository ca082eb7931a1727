# The menu. Plain `make` lists the targets; the logic lives in scripts/. CI runs `make test`.
.DEFAULT_GOAL := help
SHELL := bash
VENV := .venv/bin

.PHONY: help install demo sandbox bench generate unasync check-generated lint-spec spec-diff upstream-diff contract e2e reliability docs lint typecheck unit test clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: ## create .venv and node_modules with the pinned tools (done by every target that needs it)
	@scripts/bootstrap.sh

demo: ## the main job: every operation against the embedded sandbox (installs the runtime only)
	@scripts/bootstrap.sh runtime
	@$(VENV)/python scripts/demo.py

sandbox: install ## serve the sandbox on 127.0.0.1:8089 (ARGS="--db sandbox.sqlite3" to persist)
	@$(VENV)/klarna-om-sandbox $(ARGS)

bench: install ## measure: strict-parsing CPU cost, sandbox refunds per second, generation time
	@scripts/bench.sh

generate: install ## regenerate generated/klarna_om_generated from spec/ (delete, generate, stamp)
	@scripts/generate.sh

unasync: install ## write the sync client and transport from their async source
	@$(VENV)/python scripts/unasync.py

check-generated: install ## fail if generated/ differs from what spec/ generates
	@scripts/check-generated.sh

lint-spec: install ## validate spec/ (openapi-spec-validator, Spectral, Redocly); fails on any warning
	@scripts/lint-spec.sh

spec-diff: install ## breaking-change gate: working-tree spec vs BASE (default: last v* tag, else merge-base with main)
	@$(VENV)/python scripts/spec_gate.py $(BASE)

upstream-diff: install ## spec/ vs Klarna's definitions (UPSTREAM=path; default: spec/upstream/), minus spec/deviations.yaml
	@$(VENV)/python scripts/upstream_diff.py $(UPSTREAM)

contract: install ## the contract layers alone: lint-spec, spec-diff, openapi-core, schemathesis, Prism
	@scripts/contract.sh

e2e: install ## the end-to-end tier: the client against the sandbox
	@$(VENV)/python -m pytest tests/e2e

reliability: install ## the reliability tier: the client through a fault-injecting proxy
	@$(VENV)/python -m pytest tests/reliability

docs: install ## build the docs site (mkdocs-material, --strict) with the Python and HTTP references into docs/build/
	@scripts/docs.sh

lint: install ## ruff check and format check of the handwritten code
	@$(VENV)/ruff check . && $(VENV)/ruff format --check .

typecheck: install ## mypy --strict on the handwritten code and on generated/
	@scripts/typecheck.sh

unit: install ## the unit tier only (MockTransport, no servers)
	@$(VENV)/python -m pytest tests/unit

test: install ## everything CI runs: lint, types, twins, generated, spec gates, pytest, docs, bench smoke, nox
	@scripts/test.sh

clean: ## remove the venv, node_modules and caches
	rm -rf .venv node_modules .mypy_cache .ruff_cache .pytest_cache build dist htmlcov .coverage
