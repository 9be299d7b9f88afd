# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
DEMO_RECORDING ?= recordings/demo_session_sensor_logger_android.zip

.PHONY: demo test lint typecheck bench recordings clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[plot]"
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,plot]"
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/boneimu info $(DEMO_RECORDING)
	$(BIN)/boneimu analyze $(DEMO_RECORDING) --body-mass-kg 68 --height-m 1.65

test: $(STAMP_TEST)
	$(BIN)/python -m pytest -q

lint: $(STAMP_TEST)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(STAMP_TEST)
	$(BIN)/mypy

bench: $(STAMP_TEST)
	$(BIN)/python -m pip install -q -e ".[peer]"
	$(BIN)/python benchmarks/bench_readers.py

recordings: $(STAMP_RUN)
	$(BIN)/python -m firmware_sims.regenerate

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
