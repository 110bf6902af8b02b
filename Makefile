# segwidgets: the two commands a fresh machine needs.
#
#   make app    install (once) and serve the explorer on the demo data at
#               http://127.0.0.1:8866  (make app DATA=my.csv PORT=8870)
#   make test   install (once, with Debian's chromium and poppler-utils) and run every test:
#               pytest, the browser tests and the notebooks under nbval
#
# Everything goes into a virtual environment at .venv; a stamp file makes the
# install step a no-op until pyproject.toml changes.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.segwidgets-installed
# The package's prebuilt labextensions (docs/frontends.md): the d3 guard and the keys.
LABEXTENSIONS := segwidgets-d3-guard segwidgets-keys
LABEXT_DIR := $(VENV)/share/jupyter/labextensions
CHROMIUM := /usr/bin/chromium
PORT ?= 8866
DATA ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# notebooks/ may be empty (git does not keep an empty folder).
NOTEBOOKS := $(wildcard notebooks)

.PHONY: app test install chromium clean

app: $(STAMP)
	$(VENV)/bin/segwidgets app --port $(PORT) $(DATA)

test: $(STAMP) chromium
	$(VPY) -m pytest tests $(NOTEBOOKS) --nbval-lax

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing segwidgets and its test tools into $(VENV) ..."
	$(VPY) -m pip install --quiet --quiet --editable '.[test]'
	@# An editable install gets no wheel data files: link the labextensions where
	@# JupyterLab and Notebook 7 look (docs/frontends.md), as `jupyter labextension develop` would.
	@mkdir -p $(LABEXT_DIR)
	@for ext in $(LABEXTENSIONS); do \
	  rm -rf $(LABEXT_DIR)/$$ext; \
	  ln -s "$(CURDIR)/segwidgets/voila_config/labextensions/$$ext" $(LABEXT_DIR)/$$ext; \
	done
	@touch $@

chromium:
	@{ test -x $(CHROMIUM) && command -v pdftotext >/dev/null; } || { \
	  echo "Installing Debian's chromium (and pdftotext, to read a printed report) for the browser tests ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    chromium fonts-dejavu-core fonts-liberation poppler-utils; }
	@test -x $(CHROMIUM)
	@command -v pdftotext >/dev/null

clean:
	rm -rf $(VENV) tests/artifacts .pytest_cache
