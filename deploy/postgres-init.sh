#!/usr/bin/env bash
# Run once by the postgres image when its data volume is created (docker-entrypoint-initdb.d):
# Airflow's metadata gets a database and a login of its own beside the warehouse; that login owns
# nothing of the warehouse (the tasks reach it with KINERJA_WAREHOUSE_URL). The password comes from the environment
# (AIRFLOW_DB_PASSWORD, from .env) and reaches the server as a psql variable, quoted by psql.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v airflow_password="$AIRFLOW_DB_PASSWORD" <<'SQL'
create role airflow login password :'airflow_password';
create database airflow owner airflow;
SQL
