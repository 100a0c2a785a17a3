# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
# Installs use the exact versions tested (constraints.txt); `make constraints` refreshes them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
BUNDLE := dist/rr-tui-offline-$(VERSION).tar.gz

.PHONY: demo test lint bench clean constraints bundle bundle-check screenshots

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rr-tui demo

lint: $(STAMP)
	$(BIN)/ruff check rr_tui tests benchmarks scripts
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# The exact versions of everything installed, after a deliberate upgrade and a green `make test`.
constraints: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable --exclude rr-tui | LC_ALL=C sort -f > constraints.txt

# An offline installer: wheels for rr-tui and every dependency (for this Python), and install.sh.
bundle: $(BUNDLE)

$(BUNDLE): $(STAMP) $(shell git ls-files rr_tui) pyproject.toml constraints.txt scripts/install.sh
	rm -rf build/bundle
	mkdir -p build/bundle/rr-tui-offline-$(VERSION)/wheels dist
	$(BIN)/python -m pip wheel --quiet -c constraints.txt \
		-w build/bundle/rr-tui-offline-$(VERSION)/wheels '.[postgres]'
	cp scripts/install.sh README.md build/bundle/rr-tui-offline-$(VERSION)/
	echo $(VERSION) > build/bundle/rr-tui-offline-$(VERSION)/VERSION
	$(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' \
		> build/bundle/rr-tui-offline-$(VERSION)/PYTHON_VERSION
	tar -C build/bundle -czf $@ rr-tui-offline-$(VERSION)
	@echo "wrote $@"

# Install the bundle into a fresh folder with every package index disabled, then run it.
bundle-check: $(BUNDLE)
	scripts/check_bundle.sh $(BUNDLE)

# The README's pictures (docs/images): the app itself at 80x24 on the demo cases.
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
