# backprop-lab: `make report` and `make test` work on a fresh machine; setup runs once.
PYTHON ?= python3
# The tested torch. Extra pip arguments may follow, e.g.
#   make TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
TORCH ?= torch==2.13.0
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done
TORCH_SPEC := $(VENV)/.torch-spec

.PHONY: setup report test lint bench clean distclean FORCE

setup: $(STAMP)

# Setup runs again when pyproject.toml, this Makefile or the TORCH asked for changes.
$(STAMP): pyproject.toml Makefile scripts/system-deps.sh $(TORCH_SPEC)
	./scripts/system-deps.sh
	test -x $(BIN)/pip || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); } || { rm -rf $(VENV); \
	  echo "make: '$(PYTHON) -m venv' failed; on Debian install python3-venv, or pass PYTHON=..." >&2; \
	  exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	echo '$(TORCH)' > $(TORCH_SPEC)
	touch $@

# A TORCH unlike the installed one rewrites the spec, so it is newer than the stamp and
# setup runs in this very call (removing the stamp here would be seen one call late).
$(TORCH_SPEC): FORCE
	@test "$$(cat $@ 2>/dev/null)" = '$(TORCH)' || { mkdir -p $(@D) && echo '$(TORCH)' > $@; }

report: $(STAMP)
	$(BIN)/gradreport build --pdf --out build

test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2   # both cores: the suite is mostly torch and layout, CPU-bound

lint: $(STAMP)
	$(BIN)/ruff check backprop cli report tui tests benchmarks
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf build .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) *.egg-info
