"""The Celery settings of kinerja's workers: Airflow's own, and tasks that may fork processes.

docker-compose.yml names CELERY_CONFIG in `AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS`; a worker on
another machine needs the same setting (docs/scaling.md).

Why it exists: a Celery worker runs each Airflow task from a process of its prefork pool, which
billiard marks daemonic in multiprocessing's bookkeeping, and Airflow's supervisor forks the task's
own process from it. The task process inherits the mark although it is nobody's daemon, and
multiprocessing then refuses it children: validating a delivery large enough for several chunks
(etl.validate.delivery checks them in a pool of forked processes) failed with "daemonic processes
are not allowed to have children" on Celery, and only there: LocalExecutor's workers and a
KubernetesExecutor pod's task are not daemonic. Here every process forked from a pool process
starts with the mark cleared; the pool process itself keeps it, so Celery's own shutdown of its
pool is unchanged. tests/deploy/test_celery_executor.py validates deliveries in several chunks on
two Celery workers.
"""

from __future__ import annotations

import multiprocessing
import os

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG
from celery.signals import worker_process_init

CELERY_CONFIG = dict(DEFAULT_CELERY_CONFIG)


def _not_a_daemon() -> None:
    multiprocessing.current_process()._config.pop("daemon", None)


@worker_process_init.connect
def _forked_tasks_are_not_daemons(**_) -> None:
    os.register_at_fork(after_in_child=_not_a_daemon)
