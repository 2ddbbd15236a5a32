# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.installed

export UV_PROJECT_ENVIRONMENT := $(VENV)
# `make test` runs test modules on this many pytest-xdist workers, a module per worker at a time
# (module fixtures build warehouses once); each worker has its own Airflow home (tests/conftest.py)
TEST_WORKERS ?= 2

.PHONY: install demo test test-fast bench lint docs screenshots clean help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --compile-bytecode: every DAG run starts Python processes (Airflow, dbt) that import thousands of
# modules; without .pyc files on disk (PYTHONDONTWRITEBYTECODE=1 is common in CI images) each
# process compiles them again, seconds per process
$(STAMP): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --all-extras --compile-bytecode --python $(PYTHON)
	@touch $@

install: $(STAMP) ## install the pinned stack into .venv (uv, from uv.lock)

demo: install ## generate 13 months of sample exports, load them through Airflow, print KPIs
	$(VENV)/bin/pilotage demo

test: install ## run the whole test suite (unit + integration with Airflow, GX, dbt)
	bash scripts/ensure_chromium.sh
	bash scripts/ensure_docker_compose.sh
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile

test-fast: install ## unit tests only
	$(VENV)/bin/pytest -m "not integration"

bench: install ## the scale goals through real Airflow runs -> docs/benchmarks.md (~20 min; BENCH_ARGS=--quick: ~5 min)
	$(VENV)/bin/python -m pilotage.bench $(BENCH_ARGS)

docs: install ## build the dbt docs and the validation Data Docs side by side into data/docs (demo warehouse)
	$(VENV)/bin/python -m pilotage.docs_site
	@echo "Open data/docs/index.html (dbt docs: data/dbt/target/static_index.html; validation results: data/docs/validation/index.html)"

screenshots: install ## README screenshots of the executive page (FR, EN) from the demo warehouse -> docs/img/
	bash scripts/ensure_chromium.sh
	$(VENV)/bin/python -m pilotage.packs.screenshots --out docs/img

lint: install ## ruff (Python) and sqlfluff (the dbt project's SQL, dbt_project/.sqlfluff)
	$(VENV)/bin/ruff check include dags tests scripts
	cd dbt_project && ../$(VENV)/bin/sqlfluff lint --processes 0 models tests

clean: ## remove generated data, the warehouse and the local Airflow home
	rm -rf data .airflow
