# dataprotection.evs: the two commands of the README are `make demo` and `make test`.
# Everything below installs what it needs into .venv first (`make venv`).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
ROOT := $(abspath .)
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
BUILD := $(ROOT)/build
# Scratch space of this make invocation (its process id), so that two make runs at once (a
# developer's and a helper's, or two terminals) never delete each other's copies or emulators.
RUN_DIR := $(BUILD)/runs/$(shell echo $$PPID)
# ansible-test refuses a symlinked collection, so it runs from this copy.
COLLECTIONS_ROOT := $(RUN_DIR)/collections
COLLECTION_COPY := $(COLLECTIONS_ROOT)/ansible_collections/dataprotection/evs
# Unit tests and the demo import the collection through this symlink tree.
SOURCE_TREE := $(BUILD)/src
MODULES = $(sort $(basename $(notdir $(wildcard plugins/modules/*.py))))
ANSIBLE_TEST_PYTHON := 3.11

export LC_ALL := C.UTF-8
export PATH := $(BIN):$(PATH)
export ANSIBLE_NOCOLOR := 1
export ANSIBLE_FORCE_COLOR := 0
export PY_COLORS := 0

.PHONY: help venv demo test unit emulator-test sanity lint integration build-check collection-copy source-tree clean reliability awx-test bench bench-venv molecule report chromium

help:
	@echo "make demo   - set up, start the emulator, protect disks with snapshots twice (2nd run changed=0)"
	@echo "make test   - set up and run every suite: unit, emulator, sanity, lint, integration, build"
	@echo "make venv   - only create/update .venv (no-op when up to date)"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt emulator/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -U pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt -e ./emulator
	@touch $@

source-tree:
	@mkdir -p $(SOURCE_TREE)/ansible_collections/dataprotection
	@ln -sfn ../../../.. $(SOURCE_TREE)/ansible_collections/dataprotection/evs

collection-copy:
	@# runs whose make process is gone leave their scratch space behind: remove it
	@for run in $(BUILD)/runs/*; do [ -d "$$run" ] && ! kill -0 "$${run##*/}" 2>/dev/null && rm -rf "$$run"; done; true
	@rm -rf $(COLLECTIONS_ROOT) && mkdir -p $(COLLECTION_COPY)
	@tar -cf - --exclude=./.venv --exclude=./build --exclude=./.git --exclude=./emulator \
	  --exclude=./bench --exclude=./tools --exclude=./tests/output --exclude=./tests/reliability --exclude=./demo-state --exclude=./.pytest_cache \
	  --exclude=__pycache__ --exclude=./.hypothesis . | tar -xf - -C $(COLLECTION_COPY)
	@# ansible-test lists files with git from the nearest repository; without its own, the copy
	@# would be seen through this repo, where build/ is ignored, and hold no files at all.
	@git -C $(COLLECTION_COPY) init -q

# ansible-test's shellcheck test is skipped (with only a warning) where shellcheck is missing.
$(BIN)/shellcheck: | venv
	tools/install-shellcheck $(BIN)

demo: venv source-tree
	ANSIBLE_COLLECTIONS_PATH=$(SOURCE_TREE) tools/with-emulator demo-state tools/demo

# Every suite runs even when an earlier one fails, so one CI log shows all failures.
TEST_SUITES := unit report emulator-test sanity lint build-check changelog-lint docs integration reliability molecule awx-test matrix

test: venv
	@passed=0; failed=""; times=""; \
	for suite in $(TEST_SUITES); do \
	  echo "==== make $$suite"; started=$$SECONDS; \
	  if $(MAKE) --no-print-directory $$suite; then passed=$$((passed + 1)); else failed="$$failed $$suite"; fi; \
	  times="$$times $$suite=$$((SECONDS - started))s"; \
	done; \
	echo "==== make test: seconds per suite:$$times (total $${SECONDS}s)"; \
	echo "==== make test: suites that failed:$${failed:- none}"; \
	echo "suites: $$passed passed, $$(wc -w <<<"$$failed") failed"; \
	[ -z "$$failed" ]

# Every role's molecule scenario, each against a fresh emulator (ROLES=protect for one), with
# molecule's state under the run dir so that concurrent runs do not share it; MOLECULE_JOBS at a
# time (2: the scenarios wait on Ansible's forks and the emulator as much as on a core). Each
# tenant has a project in the other region too (the restore and drill scenarios' region paths).
ROLES ?= $(sort $(patsubst roles/%/molecule/default/molecule.yml,%,$(wildcard roles/*/molecule/default/molecule.yml)))
MOLECULE_JOBS ?= 2
molecule: venv source-tree
	ANSIBLE_COLLECTIONS_PATH=$(SOURCE_TREE) EVS_EMULATOR_REGION_PROJECTS=1 tools/run-molecule $(RUN_DIR) $(MOLECULE_JOBS) $(ROLES)

unit: venv source-tree
	PYTHONPATH=$(SOURCE_TREE) $(BIN)/python -m pytest tests/unit -q -p no:cacheprovider

# The audit's HTML report in a real browser at a phone's and a desktop's width (tests/report):
# playwright (in .venv) drives Debian's chromium, which tools/install-chromium installs when it
# is missing (as root). Where it cannot: on CI (CI set) the suite fails; elsewhere it is skipped
# with a message saying how to install it. Screenshots are kept in build/report for people.
CHROMIUM ?= /usr/bin/chromium
chromium:
	@tools/install-chromium $(CHROMIUM)

report: venv source-tree
	@tools/install-chromium $(CHROMIUM); rc=$$?; [ $$rc = 2 ] && exit 0; [ $$rc = 0 ] || exit 1; \
	mkdir -p $(BUILD)/report && \
	CHROMIUM=$(CHROMIUM) REPORT_SCREENSHOTS=$(BUILD)/report PYTHONPATH=$(SOURCE_TREE) \
	  $(BIN)/python -m pytest tests/report -q -p no:cacheprovider

# Faults, restarts, timeouts, bad input: suites that start their own emulators and run the
# modules through ansible/ansible-playbook; the figures they record are summed at the end.
reliability: venv source-tree
	@mkdir -p $(RUN_DIR) && rm -f $(RUN_DIR)/reliability-figures.jsonl
	RELIABILITY_FIGURES=$(RUN_DIR)/reliability-figures.jsonl \
	  $(BIN)/python -m pytest tests/reliability -q -n 2 -p no:cacheprovider -rx
	@$(BIN)/python tests/reliability/figures.py $(RUN_DIR)/reliability-figures.jsonl

emulator-test: venv
	$(BIN)/python -m pytest emulator/tests -q -n 2 -p no:cacheprovider

sanity: venv collection-copy $(BIN)/shellcheck
	@tools/install-get-pip-shim $(VENV)
	cd $(COLLECTION_COPY) && $(BIN)/ansible-test sanity --venv --python $(ANSIBLE_TEST_PYTHON) --color no

lint: venv collection-copy
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS_ROOT) $(BIN)/ansible-lint --offline -q

# INTEGRATION_JOBS shards of the targets at once (TARGETS=snapshot for one), each with its own
# emulator and collection copy, split by the targets' recorded seconds (tests/tools/target_times.json;
# tests/tools/run-integration-shards.sh). Each shard at -vvvv, its whole output kept in
# $(RUN_DIR)/integration/<shard>/run, then scanned for the run's secrets (run-integration.sh).
INTEGRATION_JOBS ?= 2
integration: venv collection-copy
	tests/tools/run-integration-shards.sh $(COLLECTION_COPY) $(RUN_DIR)/integration $(INTEGRATION_JOBS) $(TARGETS)

build-check: venv
	rm -rf $(RUN_DIR)/dist
	$(BIN)/ansible-galaxy collection build --force --output-path $(RUN_DIR)/dist
	tools/check-build $(RUN_DIR)/dist/dataprotection-evs-*.tar.gz $(RUN_DIR)/build-check $(MODULES)

# AWX/Tower: the execution environment builds a context (ansible-builder create, no container
# engine needed) and the credential type's injectors authenticate the collection to the emulator.
awx-test: venv
	$(BIN)/python -m pytest tests/awx -q -p no:cacheprovider

# Benchmarks (bench/): never part of `make test`. `make bench` runs all and writes bench/RESULTS.md;
# `make bench BENCH=economy` (or emulator, fanout, noop) runs one. openstack.cloud for the request
# economy comparison and ansible-runner for the slicing bench live in their own venv, never in
# .venv. openstacksdk 4.5: with 4.22 every openstack.cloud 2.5.0 module fails (`openstack.version`
# is no longer imported).
BENCH ?= all
BENCH_VENV := $(BUILD)/bench-venv

bench-venv: $(BENCH_VENV)/.installed

$(BENCH_VENV)/.installed:
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --disable-pip-version-check ansible==12.3.0 openstacksdk==4.5.0 \
	  ansible-runner==2.4.3
	@touch $@

bench: venv source-tree bench-venv
	@command -v wrk >/dev/null || echo "bench: wrk not found (apt-get install -y wrk); using a Python load client"
	cd bench && $(BIN)/python run.py $(BENCH)

# The docs site (plugin docs + docs/docsite guides) with antsibull-docs and Sphinx, offline,
# after antsibull-docs' own lint of the plugin and extra docs. Output: the path it prints.
DOCS := $(RUN_DIR)/docs
docs: venv source-tree
	cd $(SOURCE_TREE)/ansible_collections/dataprotection/evs && $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .
	rm -rf $(DOCS) && mkdir -p $(DOCS)
	ANSIBLE_COLLECTIONS_PATH=$(SOURCE_TREE) $(BIN)/antsibull-docs sphinx-init --use-current --squash-hierarchy \
	  --fail-on-error --project dataprotection.evs --copyright 'dataprotection.evs contributors' \
	  --title dataprotection.evs --dest-dir $(DOCS) dataprotection.evs >/dev/null
	cat docs/sphinx/conf-offline.py.in >> $(DOCS)/conf.py
	mkdir -p $(DOCS)/rst && chmod og-w $(DOCS)/rst
	cd $(DOCS) && ANSIBLE_COLLECTIONS_PATH=$(SOURCE_TREE) $(BIN)/antsibull-docs --config-file antsibull-docs.cfg \
	  collection --cleanup everything --use-current --squash-hierarchy --fail-on-error --dest-dir rst dataprotection.evs
	$(BIN)/python docs/sphinx/offline_inventory.py $(DOCS)/rst $(DOCS)/ansible_devel.inv
	$(BIN)/sphinx-build -M html $(DOCS)/rst $(DOCS)/build -c $(DOCS) -W --keep-going -q
	@echo "docs: $(DOCS)/build/html/index.html"

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

# The ansible-core matrix (docs/docsite/rst/guide_matrix.rst): the oldest core the collection
# declares (meta/runtime.yml requires_ansible) on the default Python, and the newest on a
# Python >= 3.12 (which 2.20 and newer need; tools/python-for-core finds or builds one), each
# in its own venv: ansible-doc of every plugin, sanity, and the integration targets
# MATRIX_TARGETS against a fresh emulator. The newest pre-release, when pip offers one newer than
# the newest release, runs the same way but never fails the suite. The full suites run on .venv.
CORE_OLDEST := 2.17
CORE_NEWEST := 2.21
CORE_VENV = $(BUILD)/venv-core$(1)
MATRIX_TARGETS ?= connection inventory_disks
# ansible-core before 2.19 templates a plain string from a variable again on every lookup: the
# collection's unsafe marking of cloud strings is exercised only there.
MATRIX_TARGETS_OLDEST ?= $(MATRIX_TARGETS) untrusted_cloud_strings
# pylint is most of sanity's time (minutes per core on 2 CPUs): it runs on the newest release,
# whose checks are the strictest, and on .venv's core in `make sanity`, not on the others.
MATRIX_SANITY_NEWEST ?=
MATRIX_SANITY_OTHERS ?= --skip-test pylint
# Outside the checkout: a fresh clone (CI's) on the same machine reuses the build.
NEW_PYTHON_DIR ?= $(HOME)/.cache/dataprotection-evs/python3.13

$(call CORE_VENV,$(CORE_OLDEST))/.installed: requirements.txt tools/core-venv
	tools/core-venv $(dir $@) $(PYTHON) 'ansible-core>=$(CORE_OLDEST),<$(CORE_OLDEST).999'

$(call CORE_VENV,$(CORE_NEWEST))/.installed: requirements.txt tools/core-venv tools/python-for-core
	tools/core-venv $(dir $@) "$$(tools/python-for-core $(NEW_PYTHON_DIR))" 'ansible-core>=$(CORE_NEWEST),<$(CORE_NEWEST).999'

matrix: venv collection-copy $(BIN)/shellcheck $(call CORE_VENV,$(CORE_OLDEST))/.installed $(call CORE_VENV,$(CORE_NEWEST))/.installed
	@failed=""; \
	tools/matrix-core $(call CORE_VENV,$(CORE_OLDEST)) $(COLLECTIONS_ROOT) $(RUN_DIR)/emulator-matrix \
	  '$(MATRIX_SANITY_OTHERS)' $(MATRIX_TARGETS_OLDEST) || failed="$$failed $(CORE_OLDEST)"; \
	tools/matrix-core $(call CORE_VENV,$(CORE_NEWEST)) $(COLLECTIONS_ROOT) $(RUN_DIR)/emulator-matrix \
	  '$(MATRIX_SANITY_NEWEST)' $(MATRIX_TARGETS) || failed="$$failed $(CORE_NEWEST)"; \
	rc=$$($(call CORE_VENV,$(CORE_NEWEST))/bin/python tools/newest-core-rc) || rc=""; \
	if [ -n "$$rc" ]; then \
	  venv=$(call CORE_VENV,-prerelease); \
	  if [ "$$(cat $$venv/.installed 2>/dev/null)" != "$$rc" ]; then \
	    tools/core-venv $$venv $(call CORE_VENV,$(CORE_NEWEST))/bin/python "ansible-core==$$rc" || true; \
	  fi; \
	  tools/matrix-core $$venv $(COLLECTIONS_ROOT) $(RUN_DIR)/emulator-matrix '$(MATRIX_SANITY_OTHERS)' $(MATRIX_TARGETS) \
	    || echo "matrix: ansible-core $$rc FAILED (a pre-release: reported, not failing the suite)"; \
	fi; \
	echo "matrix: ansible-core releases that failed:$${failed:- none}"; \
	[ -z "$$failed" ]

clean:
	rm -rf $(BUILD) demo-state
