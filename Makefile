# Two commands: `make demo` and `make test`. Both set up everything first.
VENV ?= .venv
STAMP := $(VENV)/.liangfang-installed

.PHONY: setup demo test lint clean

$(STAMP): pyproject.toml scripts/setup.sh scripts/debian-packages.txt
	bash scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/liangfang demo

test: setup
	bash scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy liangfang tests benchmarks

clean:
	rm -rf $(VENV) var build *.egg-info .pytest_cache .mypy_cache .ruff_cache
