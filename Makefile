# The two commands: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
# torch is pinned: an unpinned torch pulls a multi-GB CUDA build.
TORCH  := torch==2.13.0

.PHONY: demo test test-all lint typecheck bench browser data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e ".[cli,report]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q "$(TORCH)"
	$(PIP) install -q -e ".[cli,report,images,progress,parquet,dask,ann,fast,vision,text,rdata,test,parity]" "$(TORCH)" ruff mypy
	touch $@

# Headless Chromium for the report's browser test (Debian packages); the test skips without it.
browser:
	sh scripts/install-browser.sh || echo "browser: could not install Chromium; the browser test will skip"

# Fashion-MNIST (Debian package dataset-fashion-mnist) and the yeast multi-label set (the
# data folder of Debian's r-cran-mlr) for their tests; they skip without them.
data:
	sh scripts/install-fashion-mnist.sh || echo "data: could not install Fashion-MNIST; its tests will skip"
	sh scripts/install-yeast.sh || echo "data: could not install the yeast data; its tests will skip"

demo: $(VENV)/.demo-installed
	$(BIN)/python -m labelnoise

test: $(VENV)/.test-installed browser data
	$(BIN)/python -m pytest -q

test-all: $(VENV)/.test-installed browser data
	$(BIN)/python -m pytest -q -m "slow or not slow"

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
