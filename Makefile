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
# The virtualenv PulumiPolicy.yaml names (runtime.options.virtualenv, relative to the pack).
POLICY_VENV := policies/venv
STACK ?= dev
BUNDLE := build/lambda.zip
POLICY_CONFIG := build/policy-config.$(STACK).json
LAMBDA_SOURCES := $(shell find lambda -name '*.py' -not -path '*/__pycache__/*') lambda/requirements.txt

.PHONY: help venv test test-fast fuzz lint format docs package policy-config preview compliance-report verify-evidence bench lock clean policy-venv preflight demo soak taggable-types

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

# `pulumi preview --policy-pack policies` runs the pack's Python in this virtualenv.
$(POLICY_VENV)/.installed: policies/requirements.txt
	rm -rf $(POLICY_VENV)
	$(PYTHON) -m venv $(POLICY_VENV)
	$(POLICY_VENV)/bin/python -m pip install --quiet --no-input -r policies/requirements.txt
	touch $@

policy-venv: $(POLICY_VENV)/.installed ## Prepare policies/venv for `pulumi preview --policy-pack policies`

preflight: $(VENV)/.installed ## Before `pulumi up`: do the stack's Lambda reservations fit the account? (AWS credentials)
	$(PY) -m compliance preflight --stack $(STACK)

$(BUNDLE): $(VENV)/.installed $(LAMBDA_SOURCES) stack/bundle.py
	$(PY) -m stack.bundle --output $@

package: $(BUNDLE) ## Build the reproducible arm64 Lambda bundle (build/lambda.zip)

# The fast lane: pure unit tests, no stack program run, moto, checkov, bundle or oracle venv.
FAST_TESTS := tests/test_repository.py tests/test_docs.py \
	tests/stack/test_config.py tests/stack/test_iam.py tests/stack/test_naming.py \
	tests/stack/test_resource_policies.py \
	tests/lambda/test_normalize.py tests/lambda/test_scrub.py tests/lambda/test_envelope_config.py \
	tests/lambda/signatures/test_signatures_config.py \
	tests/lambda/signatures/test_signatures_differences.py \
	tests/lambda/signatures/test_signatures_fetch.py \
	tests/lambda/signatures/test_signatures_paypal.py \
	tests/lambda/signatures/test_signatures_paypal_api.py \
	tests/lambda/signatures/test_signatures_properties.py \
	tests/policies/test_helpers.py tests/policies/test_registry.py \
	tests/policies/test_resource_policies.py tests/policies/test_stack_policies.py \
	tests/compliance/test_catalog.py tests/compliance/test_manifest.py \
	tests/compliance/test_policy_engine.py tests/compliance/checkov/test_plan.py \
	tests/compliance/report/test_inputs.py tests/compliance/report/test_render.py \
	tests/compliance/report/test_status.py

# pytest exits 5 when it collects no test, so an empty suite fails the target (and .ci/run).
test: $(VENV)/.installed $(PAYPAL_VENV)/.installed $(CHECKOV_VENV)/.installed $(BUNDLE) ## Run the whole test suite (installs what it needs)
	$(PY) -m pytest -n 2 --dist loadgroup -p no:cacheprovider

test-fast: $(VENV)/.installed ## Unit tests only (seconds)
	$(PY) -m pytest -n 0 -p no:cacheprovider -q $(FAST_TESTS)

# The suite's hypothesis draws are fixed (profile "ci"); this searches new ones each run, more of
# them, for the normalisers' totality.
fuzz: $(VENV)/.installed ## Long randomised property search over the normalisers (hypothesis "fuzz" profile)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -n 2 -p no:cacheprovider tests/lambda/test_normalize.py -k "corruption or removed or any_json"

lint: $(VENV)/.installed ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

docs: $(VENV)/.installed ## Regenerate the docs generated from the code (config and policy tables, diagram)
	$(PY) -m compliance docs

policy-config: $(VENV)/.installed ## The pack settings of stack $(STACK) -> build/policy-config.$(STACK).json
	$(PY) -m compliance policy-config --stack $(STACK) --output $(POLICY_CONFIG)

preview: policy-config $(BUNDLE) ## Offline preview of the stack (dev config) -> build/preview.json
	$(PY) -m compliance preview --stack $(STACK) --policy-pack-config $(POLICY_CONFIG) --json build/preview.json

# The report runs `pytest -m evidence --junitxml=build/compliance/tests/junit.xml` itself; the
# PayPal oracle's virtualenv is needed, or the 6.2.4 oracle tests skip and 6.2.4 is a gap.
compliance-report: policy-config $(PAYPAL_VENV)/.installed $(CHECKOV_VENV)/.installed $(BUNDLE) ## The PCI DSS compliance report and evidence (offline)
	$(PY) -m compliance report --stack $(STACK) --policy-pack-config $(POLICY_CONFIG)

verify-evidence: $(VENV)/.installed ## Re-check build/compliance/ against its manifest.json
	$(PY) -m compliance verify-evidence --dir build/compliance

bench: $(VENV)/.installed $(PAYPAL_VENV)/.installed $(BUNDLE) ## Benchmarks -> build/bench.json
	$(PY) -m bench

demo: $(VENV)/.installed $(BUNDLE) ## Sample deliveries through the whole platform on 127.0.0.1 (docs/local.md)
	$(PY) -m local --stack $(STACK) demo

SOAK_DELIVERIES ?= 10000
SOAK_CONCURRENCY ?= 8
soak: $(VENV)/.installed $(BUNDLE) ## Load and injected faults on the local platform -> build/soak.json
	$(PY) -m local --stack $(STACK) soak --deliveries $(SOAK_DELIVERIES) --concurrency $(SOAK_CONCURRENCY)

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
	rm -rf build $(VENV) $(CHECKOV_VENV) $(PAYPAL_VENV) $(POLICY_VENV)
