"""The product's settings from the environment: every variable it reads, typed, with its default.

One typed model (`Environment`, pydantic) declares each variable once: its name, its type, its
default and what it is for (README "Configuring" shows the same table). Every module reads the
environment through `environment()`, never `os.environ` itself, so a malformed value is one
sentence naming the variable (a ConfigError) wherever it is read. Variables whose *name* the
agencies file chooses (a source's `*_env` options: credentials, a moved API origin, an
application database's URL) are read through `named()`.

The agencies file (config/agencies.yml) has its own typed model in etl/config.py, with each
connector's options declared by the connector (its `Options` model).

What the product *writes* into the environment for others (Airflow's own variables in
etl/orchestration.py, PGOPTIONS and dbt's profile variables in etl/transform.py) is not a setting
and stays where it is written.

This module imports nothing of the product and nothing heavy: the DAG files and
etl/orchestration.py read it before Airflow is configured.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PROJECT_DIR = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """The settings (the environment or the agencies file) say something the product cannot act on."""


# a month, the period of a run (the DAGs' `period` param, `--period` of the command)
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$", re.ASCII)  # ASCII digits only: not ２０２６


def check_period(period: str) -> str:
    if not PERIOD_RE.match(period or ""):
        raise ConfigError(f"period '{period}' is not of the form YYYY-MM")
    return period


class Environment(BaseModel):
    """The environment variables the product reads (unset: the default)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=False)

    # ------------------------------------------------------------------ where things live
    home: Path | None = Field(None, alias="KINERJA_HOME", description=(
        "local state: embedded warehouse, Airflow metadata (SQLite), simulator, logs; default `.kinerja/`"))
    agencies: Path | None = Field(None, alias="KINERJA_AGENCIES", description=(
        "which governments deliver what, from which kind of source; default `config/agencies.yml`"))
    sources_dir: Path | None = Field(None, alias="KINERJA_SOURCES_DIR", description=(
        "where `kinerja synth` writes, and the file drops are read from; default `data/sources/`"))
    landing_dir: Path | None = Field(None, alias="KINERJA_LANDING_DIR", description=(
        "the immutable landing store; default `<KINERJA_HOME>/landing/`"))
    open_data_dir: Path | None = Field(None, alias="KINERJA_OPEN_DATA_DIR", description=(
        "published files; default `open-data/`"))
    open_data_config: Path | None = Field(None, alias="KINERJA_OPEN_DATA_CONFIG", description=(
        "the package's publisher, license and Satu Data Indonesia metadata; default `config/open_data.yml`"))
    dbt_target_dir: Path | None = Field(None, alias="KINERJA_DBT_TARGET_DIR", description=(
        "where dbt writes its manifest, compiled SQL and logs (two runs at once must not share one); "
        "default `dbt_project/target/`"))
    pg_log_dir: Path | None = Field(None, alias="KINERJA_PG_LOG_DIR", description=(
        "the folder of the warehouse server's CSV log, for `kinerja warehouse access-log`; default: the "
        "server's own log folder, found through the admin's connection"))

    # ------------------------------------------------------------------ the warehouse
    warehouse_url: str | None = Field(None, alias="KINERJA_WAREHOUSE_URL", description=(
        "the warehouse (any PostgreSQL >= 13): the owner's URL, or a superuser's; default: the embedded "
        "PostgreSQL under `.kinerja/pgdata`"))
    loader_url: str | None = Field(None, alias="KINERJA_LOADER_URL", description=(
        "the pipeline's runtime login (a member of kinerja_etl); default: derived from the admin's URL"))
    admin_url: str | None = Field(None, alias="KINERJA_ADMIN_URL", description=(
        "the bootstrap's and `grant-login`'s connection only; default: a superuser's KINERJA_WAREHOUSE_URL, "
        "or the embedded server's superuser"))
    owner_password: str | None = Field(None, alias="KINERJA_OWNER_PASSWORD", description=(
        "the owner login's password where the deployment chooses it; default: generated into the password file"))
    loader_password: str | None = Field(None, alias="KINERJA_LOADER_PASSWORD", description=(
        "the loader login's password where the deployment chooses it; default: generated into the password file"))
    login_password: str | None = Field(None, alias="KINERJA_LOGIN_PASSWORD", description=(
        "one login's password, given to `kinerja warehouse grant-login` once, never kept; default: asked for"))
    dbt_work_mem: str = Field("64MB", alias="KINERJA_DBT_WORK_MEM", pattern=r"^\d+\s*(kB|MB|GB|TB)?$", description=(
        "`work_mem` of dbt's database sessions (with `jit=off`), set through PGOPTIONS"))
    personal_retention_days: int = Field(90, alias="KINERJA_PERSONAL_RETENTION_DAYS", ge=0, description=(
        "days a landed delivery keeps the personal fields the mapping never reads before its redacted "
        "copy replaces it"))

    # ------------------------------------------------------------------ validation
    chunk_rows: int = Field(200_000, alias="KINERJA_CHUNK_ROWS", ge=1, description=(
        "rows per validation chunk (memory stays flat with file size)"))
    validate_workers: int | None = Field(None, alias="KINERJA_VALIDATE_WORKERS", ge=1, description=(
        "processes that check the chunks of one large delivery; default 2 (at most the CPUs)"))
    validate_engine: str = Field("fast", alias="KINERJA_VALIDATE_ENGINE", pattern=r"^(fast|gx)$", description=(
        "`fast`: the suites compiled into vectorised checks, judged by GX; `gx`: GX checks every row"))
    judge_always_rows: int = Field(200_000, alias="KINERJA_JUDGE_ALWAYS_ROWS", ge=0, description=(
        "deliveries of this many rows or more are always judged by GX, smaller ones in proportion to "
        "their size; 0: every delivery"))
    rejudge_batches: int = Field(3, alias="KINERJA_REJUDGE_BATCHES", ge=0, description=(
        "small deliveries GX did not judge that the monthly re-judge validates again with GX on every row "
        "(etl/rejudge.py); 0: none"))

    # ------------------------------------------------------------------ notifications
    notify_webhook_url: str | None = Field(None, alias="KINERJA_NOTIFY_WEBHOOK_URL", description=(
        "a chat tool's incoming-webhook URL the notifications are posted to (an Airflow connection "
        "`kinerja_webhook` wins); default: none"))
    report_base_url: str | None = Field(None, alias="KINERJA_REPORT_BASE_URL", description=(
        "where the validation reports are served (`<url>/<period>/index.html`), for the links in "
        "notifications; default: the report's file under KINERJA_HOME"))

    # ------------------------------------------------------------------ Airflow and the command
    task_retries: int = Field(2, alias="KINERJA_TASK_RETRIES", ge=0, description=(
        "Airflow retries of every task that touches an agency, the warehouse or the open-data folder"))
    retry_delay_seconds: int = Field(60, alias="KINERJA_RETRY_DELAY_SECONDS", ge=0, description=(
        "seconds between those retries"))
    airflow_home: Path | None = Field(None, alias="AIRFLOW_HOME", description=(
        "Airflow's own home (its setting wins when set); default `<KINERJA_HOME>/airflow/`"))
    airflow_port: int = Field(8080, alias="KINERJA_AIRFLOW_PORT", ge=1, le=65535, description=(
        "the port of `kinerja airflow`, the local standalone UI"))
    siasn_origin: str | None = Field(None, alias="KINERJA_SIASN_ORIGIN", description=(
        "moves the SIASN API of the agencies file to another `scheme://host:port` (tests, a staging API); "
        "default: the agencies file's URLs"))
    debug: bool = Field(False, alias="KINERJA_DEBUG", description=(
        "the kinerja command shows the traceback instead of one sentence"))


def _present(value: str | None) -> bool:
    return value is not None and value.strip() != ""


def environment(env: dict[str, str] | None = None) -> Environment:
    """The settings as the environment (or `env`) gives them now; an empty variable counts as unset.

    Read on every call (cheap): tests and `kinerja bench` change the environment within a process."""
    env = os.environ if env is None else env
    given = {}
    for field in Environment.model_fields.values():
        value = env.get(field.alias)
        if _present(value):
            given[field.alias] = value  # as set: a password may begin or end with a space
    try:
        return Environment.model_validate(given)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = error["loc"][0] if error["loc"] else "?"
        raise ConfigError(f"environment variable {name}: {describe_error(error)}") from None


def describe_error(error: dict) -> str:
    """What is wrong with a value, in words, from one pydantic error (ends a sentence naming where)."""
    ctx, kind, given = error.get("ctx") or {}, error["type"], error.get("input")
    shown = repr(given) if len(repr(given)) <= 60 else repr(given)[:57] + "..."
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": "at least", "greater_than": "more than",
                 "less_than_equal": "at most", "less_than": "less than"}[kind]
        bound = next(iter(ctx.values()), "?")
        return f"must be {words} {bound}, not {shown}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number, not {shown}"
    if kind in ("float_parsing", "float_type"):
        return f"must be a number, not {shown}"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false, not {shown}"
    if kind == "string_type":
        return f"must be text, not {shown}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping (key: value), not {shown}"
    if kind == "list_type":
        return f"must be a list, not {shown}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected')}, not {shown}"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_too_long" and ctx.get("max_length") == 1:
        return f"must be one character, not {shown}"
    if kind == "string_too_short":
        return f"must not be empty, not {shown}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == r"^(fast|gx)$":
        return f"must be fast or gx, not {shown}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == PERIOD_RE.pattern:
        return f"must be a month, YYYY-MM, not {shown}"
    if kind == "string_pattern_mismatch":
        return f"must be an amount of memory such as 64MB, not {shown}"
    if kind == "missing":
        return "missing"
    message = str(error.get("msg") or kind)
    return f"{message[:1].lower()}{message[1:]}, not {shown}"


def named(name: str | None) -> str | None:
    """The value of a variable the agencies file names (a source's `*_env` option), None when unset
    or empty."""
    value = os.environ.get(str(name)) if name else None
    return value if _present(value) else None


# ---------------------------------------------------------------------- where things live

def home() -> Path:
    """Local state of this checkout: embedded warehouse, Airflow metadata, landing store."""
    return (environment().home or PROJECT_DIR / ".kinerja").resolve()


def agencies_file() -> Path:
    return environment().agencies or PROJECT_DIR / "config" / "agencies.yml"


def sources_dir() -> Path:
    """Where the demo world's agency deliveries are written by `kinerja synth`."""
    return (environment().sources_dir or PROJECT_DIR / "data" / "sources").resolve()


def landing_dir() -> Path:
    return (environment().landing_dir or home() / "landing").resolve()


def open_data_dir() -> Path:
    return (environment().open_data_dir or PROJECT_DIR / "open-data").resolve()


def open_data_config() -> Path:
    return environment().open_data_config or PROJECT_DIR / "config" / "open_data.yml"


def dbt_project_dir() -> Path:
    return PROJECT_DIR / "dbt_project"


def dbt_target_dir() -> Path:
    """Where dbt writes its manifest, compiled SQL and logs: dbt_project/target unless
    KINERJA_DBT_TARGET_DIR names another (two runs at once must not share one)."""
    return (environment().dbt_target_dir or dbt_project_dir() / "target").resolve()


def airflow_home() -> Path:
    return (environment().airflow_home or home() / "airflow").resolve()


def variables() -> list[tuple[str, str]]:
    """(variable, what it is for, with its default) for every variable of the model, in order."""
    return [(field.alias, field.description or "") for field in Environment.model_fields.values()]
