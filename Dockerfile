# The kinerja-asn image: Airflow 3's official image with this package, its DAGs, its dbt project,
# its expectation suites and its configuration. docker-compose.yml builds it (`docker compose build`);
# every Airflow component and every Celery worker runs it, so workers need nothing but the image
# and what docs/scaling.md says they share (the warehouse, the landing store).
FROM apache/airflow:3.3.2-python3.11

# Where the repository lives in the image. etl.config.PROJECT_DIR is the folder above the etl
# package, so the package is installed in place (editable): dags/, dbt_project/, expectations/ and
# config/ are found beside it, and AIRFLOW__CORE__DAGS_FOLDER is /opt/kinerja/app/dags.
ARG KINERJA_APP=/opt/kinerja/app

USER root
# the mount points of the shared volumes, owned by the Airflow user (group 0, as the image expects),
# so a fresh named volume starts with the right owner
RUN mkdir -p "${KINERJA_APP}" /opt/kinerja/sources /opt/kinerja/landing /opt/kinerja/open-data \
        /opt/kinerja/home /opt/kinerja/config \
    && chown -R airflow:0 /opt/kinerja \
    && chmod -R g+rwX /opt/kinerja
USER airflow

COPY --chown=airflow:0 . ${KINERJA_APP}
WORKDIR ${KINERJA_APP}
# the package with its exact pins and its deploy extra (PostgreSQL as Airflow's metadata, Celery);
# naming apache-airflow at the image's own version keeps pip from changing the Airflow the image
# was built with (Airflow's docker-stack docs)
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -e "${KINERJA_APP}[deploy]"
# the dbt project parses with the installed dbt (no connection needed): a broken project fails the build
RUN KINERJA_DBT_HOST=build KINERJA_DBT_USER=build KINERJA_DBT_DBNAME=build DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    dbt parse --project-dir dbt_project --profiles-dir dbt_project --target-path /tmp/dbt-parse --log-path /tmp/dbt-parse \
    && rm -rf /tmp/dbt-parse
