# The menu. Plain `make` lists the targets; the logic lives in scripts/. CI runs `make test`.
.DEFAULT_GOAL := help
SHELL := bash
VENV := .venv/bin

.PHONY: help install demo sandbox bench generate check-generated lint-spec spec-diff contract docs lint typecheck unit test clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: ## create .venv and node_modules with the pinned tools (done by every target that needs it)
	@scripts/bootstrap.sh

demo: install ## the main job: every operation against the embedded sandbox, as a report
	@$(VENV)/python scripts/demo.py

sandbox: install ## serve the sandbox on 127.0.0.1:8089 (ARGS="--db sandbox.sqlite3" to persist)
	@$(VENV)/klarna-om-sandbox $(ARGS)

bench: install ## measure: sandbox refunds per second over loopback, generation time
	@$(VENV)/python bench/sandbox_throughput.py --seconds 5
	@$(VENV)/python bench/sandbox_throughput.py --seconds 5 --threads 4
	@bash -c 'time scripts/generate.sh' 2>&1 | grep real

generate: install ## regenerate generated/klarna_om_generated from spec/ (delete, generate, stamp)
	@scripts/generate.sh

check-generated: install ## fail if generated/ differs from what spec/ generates
	@scripts/check-generated.sh

lint-spec: install ## validate spec/ (openapi-spec-validator, Spectral, Redocly); fails on any warning
	@scripts/lint-spec.sh

spec-diff: install ## classify spec changes since BASE (default: before the last spec change)
	@$(VENV)/python scripts/spec_gate.py $(BASE)

contract: install ## the contract layers alone: lint-spec, spec-diff, openapi-core, schemathesis, Prism
	@scripts/lint-spec.sh
	@$(VENV)/python scripts/spec_gate.py
	@$(VENV)/python -m pytest tests/contract tests/e2e

docs: install ## build the self-contained HTML API reference into docs/build/
	@scripts/docs.sh

lint: install ## ruff check and format check of the handwritten code
	@$(VENV)/ruff check . && $(VENV)/ruff format --check .

typecheck: install ## mypy --strict on the handwritten code and on generated/
	@scripts/typecheck.sh

unit: install ## pytest only (all tiers), with the coverage report of overrides/
	@scripts/pytest.sh

test: install ## everything CI runs: lint, typecheck, check-generated, lint-spec, spec-diff, pytest
	@scripts/test.sh

clean: ## remove the venv, node_modules and caches
	rm -rf .venv node_modules .mypy_cache .ruff_cache .pytest_cache build dist htmlcov .coverage
