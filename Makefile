# Stockroom. The two set-up commands are `make run` and `make test`; everything else is for developers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Two stamps: what running needs (the package alone) and what testing/linting adds (pytest, mypy, ruff, PyInstaller).
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
# Qt's offscreen/xcb runtime, the Secret Service keyring for tests, a virtual X server for real drags.
RUN_DEBS := python3-venv libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3 \
	libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
TEST_DEBS := $(RUN_DEBS) dbus dbus-x11 gnome-keyring libsecret-tools xvfb xauth binutils desktop-file-utils
PACKAGE_DEBS := binutils desktop-file-utils dpkg

.PHONY: run test lint bench package package-test system-deps-run system-deps-test clean

$(RUN_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

system-deps-run:
	@bash .ci/system-deps.sh $(RUN_DEBS)

system-deps-test:
	@bash .ci/system-deps.sh $(TEST_DEBS)

run: system-deps-run $(RUN_STAMP)
	$(PY) -m desktop_app --demo

lint: $(STAMP)
	$(VENV)/bin/ruff check desktop_app tests packaging
	$(VENV)/bin/ruff format --check desktop_app tests packaging
	$(VENV)/bin/mypy

test: system-deps-test $(STAMP) lint
	QT_QPA_PLATFORM=offscreen bash .ci/with-keyring.sh $(PY) -m pytest $(PYTEST_ARGS)

bench: system-deps-test $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tests/bench/run.py $(BENCH_ARGS)

package: $(RUN_STAMP)
	@bash .ci/system-deps.sh $(PACKAGE_DEBS)
	$(PY) -m pip install --quiet -e '.[package]'
	bash packaging/build.sh

package-test: package
	bash packaging/package-test.sh

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
