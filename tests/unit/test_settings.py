"""The environment's settings: one typed model (etl/settings.py), read by every module through it."""

import re
from pathlib import Path

import pytest

from etl.settings import ConfigError, Environment, environment, variables

ROOT = Path(__file__).resolve().parents[2]


def test_unset_variables_take_their_documented_defaults():
    env = environment({})
    assert (env.task_retries, env.retry_delay_seconds, env.chunk_rows, env.judge_always_rows) == (2, 60, 200_000, 200_000)
    assert (env.validate_engine, env.dbt_work_mem, env.personal_retention_days, env.airflow_port) == \
        ("fast", "64MB", 90, 8080)
    assert env.warehouse_url is None and env.debug is False
    # an empty variable counts as unset
    assert environment({"KINERJA_TASK_RETRIES": " ", "KINERJA_HOME": ""}).task_retries == 2


def test_set_variables_are_typed():
    env = environment({"KINERJA_TASK_RETRIES": "0", "KINERJA_HOME": "/srv/kinerja", "KINERJA_DEBUG": "1",
                       "KINERJA_VALIDATE_ENGINE": "gx", "KINERJA_VALIDATE_WORKERS": "3"})
    assert env.task_retries == 0 and env.home == Path("/srv/kinerja") and env.debug is True
    assert env.validate_engine == "gx" and env.validate_workers == 3


@pytest.mark.parametrize("name, value, expected", [
    ("KINERJA_TASK_RETRIES", "dua", "must be a whole number, not 'dua'"),
    ("KINERJA_RETRY_DELAY_SECONDS", "-5", "must be at least 0, not '-5'"),
    ("KINERJA_CHUNK_ROWS", "0", "must be at least 1, not '0'"),
    ("KINERJA_VALIDATE_ENGINE", "slow", "must be fast or gx, not 'slow'"),
    ("KINERJA_PERSONAL_RETENTION_DAYS", "90d", "must be a whole number, not '90d'"),
    ("KINERJA_DBT_WORK_MEM", "banyak", "must be an amount of memory such as 64MB, not 'banyak'"),
    ("KINERJA_AIRFLOW_PORT", "70000", "must be at most 65535, not '70000'"),
])
def test_a_malformed_variable_is_one_sentence_naming_it(name, value, expected):
    with pytest.raises(ConfigError) as caught:
        environment({name: value})
    assert str(caught.value) == f"environment variable {name}: {expected}"


def test_readers_see_a_malformed_variable_as_that_sentence(monkeypatch):
    from etl import retention
    from etl.validate import judge_always_rows

    monkeypatch.setenv("KINERJA_PERSONAL_RETENTION_DAYS", "-1")
    with pytest.raises(ConfigError, match="KINERJA_PERSONAL_RETENTION_DAYS: must be at least 0"):
        retention.retention_days()
    monkeypatch.setenv("KINERJA_PERSONAL_RETENTION_DAYS", "30")
    monkeypatch.setenv("KINERJA_JUDGE_ALWAYS_ROWS", "5")
    assert retention.retention_days() == 30 and judge_always_rows() == 5


def test_every_variable_is_described_in_the_model_and_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, description in variables():
        assert description, name
        assert f"`{name}`" in readme, f"README's table of variables lacks {name}"
    assert len(variables()) == len(Environment.model_fields)


def test_no_module_reads_a_product_variable_but_the_settings():
    # a read (os.environ.get, os.getenv, os.environ[...] not assigned to) of a KINERJA_ variable
    reading = re.compile(r"""os\.(?:environ\.get|getenv)\(\s*(?:["']KINERJA_|ENV_)"""
                         r"""|os\.environ\[\s*(?:["']KINERJA_|ENV_)[^\]]*\](?!\s*=[^=])""")
    readers = [str(path.relative_to(ROOT)) for folder in ("etl", "dags") for path in (ROOT / folder).rglob("*.py")
               if reading.search(path.read_text(encoding="utf-8")) and path.name != "settings.py"]
    assert readers == []
