# Every target bootstraps what it needs: a fresh clone runs `make test` or
# `make compliance-report` with nothing installed by hand.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHECKOV_VENV := .venv-checkov
PAYPAL_VENV := .venv-paypal
STACK ?= dev
BUNDLE := build/lambda.zip
LAMBDA_SOURCES := $(shell find lambda -name '*.py' -not -path '*/__pycache__/*') lambda/requirements.txt

.PHONY: help venv test lint format package preview compliance-report verify-evidence bench lock clean taggable-types

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

# The virtualenv is rebuilt from scratch whenever the pinned requirements change.
$(VENV)/.installed: requirements-dev.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-input -r requirements-dev.txt
	touch $@

# checkov pins packaging and boto3 versions that conflict with pulumi: it lives apart.
$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	rm -rf $(CHECKOV_VENV)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --no-input -r requirements-checkov.txt
	touch $@

# Test oracle: paypalrestsdk verifies only with pyOpenSSL 24.2.1, which needs cryptography < 44.
$(PAYPAL_VENV)/.installed: requirements-paypal-oracle.txt
	rm -rf $(PAYPAL_VENV)
	$(PYTHON) -m venv $(PAYPAL_VENV)
	$(PAYPAL_VENV)/bin/python -m pip install --quiet --no-input -r requirements-paypal-oracle.txt
	touch $@

venv: $(VENV)/.installed ## Create or refresh the project virtualenv

$(BUNDLE): $(VENV)/.installed $(LAMBDA_SOURCES) stack/bundle.py
	$(PY) -m stack.bundle --output $@

package: $(BUNDLE) ## Build the reproducible arm64 Lambda bundle (build/lambda.zip)

test: $(VENV)/.installed $(PAYPAL_VENV)/.installed $(CHECKOV_VENV)/.installed $(BUNDLE) ## Run the whole test suite (installs what it needs)
	$(PY) -m pytest -n 2 -p no:cacheprovider

lint: $(VENV)/.installed ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

preview: $(VENV)/.installed $(BUNDLE) ## Offline preview of the stack (dev config) -> build/preview.json
	$(PY) -m compliance preview --stack $(STACK) --json build/preview.json

# The report runs `pytest -m evidence --junitxml=build/compliance/tests/junit.xml` itself; the
# PayPal oracle's virtualenv is needed, or the 6.2.4 oracle tests skip and 6.2.4 is a gap.
compliance-report: $(VENV)/.installed $(PAYPAL_VENV)/.installed $(CHECKOV_VENV)/.installed $(BUNDLE) ## The PCI DSS compliance report and evidence (offline)
	$(PY) -m compliance report --stack $(STACK)

verify-evidence: $(VENV)/.installed ## Re-check build/compliance/ against its manifest.json
	$(PY) -m compliance verify-evidence --dir build/compliance

bench: $(VENV)/.installed $(PAYPAL_VENV)/.installed $(BUNDLE) ## Benchmarks -> build/bench.json
	$(PY) -m bench

taggable-types: $(VENV)/.installed ## Regenerate the pack's list of taggable types from pulumi_aws
	$(PY) policies/taggable_types.py

lock: ## Re-pin requirements-dev.txt from requirements-dev.in
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet -r requirements-dev.in
	{ echo "# Pinned closure of requirements-dev.in (pip freeze in a fresh venv). Regenerate with: make lock"; \
	  build/lock-venv/bin/pip freeze --exclude-editable; } > requirements-dev.txt
	rm -rf build/lock-venv

clean: ## Remove build outputs and virtualenvs
	rm -rf build $(VENV) $(CHECKOV_VENV) $(PAYPAL_VENV)
