# Two entry points: `make demo` and `make test`. Both create .venv and install
# what they need, so they work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
OUT ?= out

.PHONY: demo test install install-test bench clean browser web-assets scorecard

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip setuptools wheel

# mediapipe 0.10.14 (Apache-2.0) is the last release that ships its models; its declared
# dependencies (jax, jaxlib, opencv-contrib-python, sounddevice) are not used by the legacy
# solutions candid calls, and opencv-contrib would clash with opencv-python-headless, so it is
# installed without them (what it does import is in pyproject's dependencies).
MEDIAPIPE := mediapipe==0.10.14

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(PIP) install --quiet -e .
	$(PIP) install --quiet --no-deps $(MEDIAPIPE)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -e '.[test,diffusion,ray]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/candid demo --out $(OUT)

# Debian's Chromium for the browser tests (tests/e2e), installed only when missing
# (needs root and apt; otherwise those tests skip, or fail under CANDID_REQUIRE_BROWSER=1).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium (apt-get) for the browser tests"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get -qq update && \
	     DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
	    || echo "warning: could not install chromium; browser tests will skip"; \
	  else echo "note: no /usr/bin/chromium and not root: browser tests will skip"; fi; fi

# Refresh the vendored OpenSeadragon from npm (version pinned in src/candid/web/package-lock.json).
web-assets:
	cd src/candid/web && npm ci --silent --no-audit --no-fund && \
	  cp node_modules/openseadragon/build/openseadragon/openseadragon.min.js node_modules/openseadragon/LICENSE.txt \
	     static/vendor/openseadragon/

test: install-test browser
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

bench: install-test
	$(BIN)/python bench/run_all.py

# Every capability on real photos (docs/SCORECARD.md): DATA=DIR, OUT=DIR (default scorecard here, not
# demo's out), LIMIT=N to subsample, ONLY="studio honest" to re-run sections (merged into an existing OUT),
# JOBS=N sections in parallel processes.
DATA ?= ../shared/data
SCORE_OUT ?= scorecard
JOBS ?= 2
scorecard: OUT = $(SCORE_OUT)
scorecard: install-test
	$(BIN)/python -m candid.scorecard --data $(DATA) --out $(OUT) --jobs $(JOBS) $(if $(LIMIT),--limit $(LIMIT)) $(if $(ONLY),--only $(ONLY))

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
