# Two commands from nothing but Python 3.11 and make:
#   make run    set up, synthesise the demo world, consolidate its year (a backfill) and publish every month
#   make test   set up and run the whole suite (dbt tests included) against a real PostgreSQL
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install run test bench airflow workbench workbench-install docs summary clean

help:
	@echo "make run      consolidate the demo world's year (January to the latest complete month) and publish each month"
	@echo "make test     run the test suite (unit, integration, DAG end to end, dbt tests)"
	@echo "make bench    the pipeline on a national-shaped month against COPY and the plain way (EMPLOYEES=200000)"
	@echo "make airflow  Airflow's web UI on http://localhost:8080 over the same DAGs and metadata"
	@echo "make workbench  the auditors' workbench (Apache Superset) on http://localhost:8088 over the warehouse"
	@echo "make docs     the catalog (dbt docs: models, columns, lineage, exposures) on http://localhost:8081"
	@echo "make clean    stop the embedded warehouse and remove local state (.kinerja, data, open-data)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,deploy]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kinerja synth
	$(BIN)/kinerja backfill

test: $(STAMP) workbench-install
	$(BIN)/pytest

EMPLOYEES ?= 200000
bench: $(STAMP)
	$(BIN)/kinerja bench --employees $(EMPLOYEES)

airflow: $(STAMP)
	$(BIN)/kinerja airflow

workbench: $(STAMP)
	$(BIN)/kinerja workbench

# Superset in its own environment (.kinerja/workbench/venv), for the workbench's tests
workbench-install: $(STAMP)
	$(BIN)/python -c "from etl import workbench; print(f'Superset installed ({workbench.install():.0f} s)')"

docs: $(STAMP)
	$(BIN)/kinerja docs

summary: $(STAMP)
	$(BIN)/kinerja summary

clean:
	-[ -x $(BIN)/kinerja ] && $(BIN)/kinerja simulator stop
	-[ -x $(BIN)/kinerja ] && $(BIN)/kinerja warehouse stop
	rm -rf .kinerja data open-data dbt_project/target dbt_project/logs
