"""etl.celery_config: a task process forked from a Celery pool worker may fork processes of its own.

A forked child plays the pool worker (daemonic in multiprocessing's bookkeeping, as billiard marks
it), receives Celery's worker_process_init or not, and forks the task process as Airflow's
supervisor does; the task process then starts a pool of forked processes as etl.validate.delivery
does for a large delivery. Exit codes carry the outcome out of the forked processes."""

import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

REFUSED = 3  # "daemonic processes are not allowed to have children"
HUNG = 9


def _exit_code(pid: int, seconds: float = 60) -> int:
    """The forked process's exit code; killed and HUNG if it has not ended in time (a fork of a
    process with threads could deadlock: the test must fail then, not hang)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return HUNG


def _task_process() -> int:
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            return 0 if pool.submit(int, "7").result() == 7 else 4
    except AssertionError:
        return REFUSED


def _pool_worker(signalled: bool) -> int:
    from celery.signals import worker_process_init

    import etl.celery_config  # noqa: F401  (connects its receiver, as the worker's import of the settings does)

    multiprocessing.current_process()._config["daemon"] = True
    if signalled:
        worker_process_init.send(sender=None)
    task = os.fork()
    if task == 0:
        os._exit(_task_process())
    code = _exit_code(task)
    # the pool worker itself stays daemonic: Celery's handling of its pool is unchanged
    return code if code or multiprocessing.current_process().daemon else 5


@pytest.mark.parametrize("signalled, expected", [(True, 0), (False, REFUSED)])
def test_a_task_forked_from_a_pool_worker_may_fork(signalled, expected):
    worker = os.fork()
    if worker == 0:
        try:
            code = _pool_worker(signalled)
        except BaseException:
            code = 6
        os._exit(code)
    assert _exit_code(worker, 90) == expected
