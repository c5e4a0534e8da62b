#!/usr/bin/env bash
# Run once by the postgres image when its data volume is created (docker-entrypoint-initdb.d), as
# the server's superuser over its local socket: the only place the superuser is used (no component
# of the deployment is given its URL). It makes
#   - Airflow's metadata: a database and a login of their own, owning nothing of the warehouse;
#   - the workbench's (Superset's) metadata likewise: database and login superset;
#   - the warehouse's database, owned by kinerja_owner (the owner of the schemas and tables: migrations
#     and dbt), which may make the project's group roles (CREATEROLE, limited since PostgreSQL 16 to
#     roles it made), turn on the statement log of the readers' logins (SET on log_statement) and
#     create the demo's application databases (CREATEDB);
#   - kinerja_loader, the pipeline's runtime login (kinerja warehouse bootstrap makes it a member of
#     kinerja_etl: COPY into raw partitions, append to the ledger);
#   - CONNECT on every database revoked from PUBLIC, and the statistics views and functions and the
#     row estimates of pg_class revoked from PUBLIC in the warehouse (docs/access.md, "Side channels").
# The passwords come from the environment (.env) and reach the server as psql variables, quoted by psql.
set -euo pipefail
database="${KINERJA_DB_NAME:-kinerja}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v airflow_password="$AIRFLOW_DB_PASSWORD" -v superset_password="$SUPERSET_DB_PASSWORD" -v owner_password="$KINERJA_OWNER_PASSWORD" \
     -v loader_password="$KINERJA_LOADER_PASSWORD" -v warehouse="$database" <<'SQL'
create role airflow login password :'airflow_password';
create database airflow owner airflow;
create role superset login password :'superset_password';
create database superset owner superset;
-- createdb: the demo profile's application databases (JAMBI's, demo/synth/writers/app_db.py)
create role kinerja_owner login createrole createdb password :'owner_password';
comment on role kinerja_owner is 'kinerja: owns the schemas and tables; migrations and dbt only';
create role kinerja_loader login password :'loader_password';
comment on role kinerja_loader is 'kinerja: the pipeline''s runtime login (member of kinerja_etl)';
create database :"warehouse" owner kinerja_owner;
grant set on parameter log_statement to kinerja_owner;
select format('revoke connect on database %I from public', datname) from pg_database where datallowconn
\gexec
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$database" <<'SQL'
revoke create on schema public from public;
select format('revoke select on pg_catalog.%I from public', viewname) from pg_views
 where schemaname = 'pg_catalog' and (viewname like 'pg\_stat\_%\_tables' or viewname like 'pg\_stat\_%\_indexes'
   or viewname like 'pg\_statio\_%' or viewname like 'pg\_stat\_%\_functions' or viewname like 'pg\_stats\_ext%')
\gexec
select format('revoke execute on function %s from public', p.oid::regprocedure) from pg_proc p
 where p.pronamespace = 'pg_catalog'::regnamespace
   and (p.proname in ('pg_relation_size', 'pg_table_size', 'pg_total_relation_size', 'pg_indexes_size')
        or (p.proname like 'pg\_stat\_get\_%' and p.pronargs = 1 and p.proargtypes[0] = 'oid'::regtype))
\gexec
revoke select on pg_catalog.pg_class from public;
select format('grant select (%s) on pg_catalog.pg_class to public', string_agg(quote_ident(attname), ', '))
  from pg_attribute where attrelid = 'pg_catalog.pg_class'::regclass and attnum > 0 and not attisdropped
   and attname not in ('reltuples', 'relpages', 'relallvisible', 'relallfrozen')
\gexec
grant select on pg_catalog.pg_class to kinerja_owner, kinerja_loader;
SQL
