"""docker-compose.yml, .env.example and the Dockerfile as data, for the tests beside this file.

No Docker engine runs here: the deployment is tested by reading these files (test_compose.py)
and by running the commands their services run, with their settings, on loopback
(test_celery_executor.py). Interpolation follows Compose's rules for what these files use:
`${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`, `$$`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"

# the Airflow settings every component of one deployment must share (../shared/pitfalls.md: the
# Execution API's URL and one JWT secret for all): docker-compose.yml's x-airflow-common sets each,
# and the Celery test gives each to every process it starts
CLUSTER_SETTINGS = (
    "AIRFLOW__CORE__EXECUTOR",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__API_AUTH__JWT_ISSUER",
    "AIRFLOW__API__SECRET_KEY",
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__CORE__DAGS_FOLDER",
)

_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


class MissingSetting(KeyError):
    """A `${NAME:?message}` whose variable is unset or empty: Compose refuses to start."""


def load() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def services() -> dict:
    return load()["services"]


def variables(text: str | None = None) -> dict[str, tuple[str | None, str | None]]:
    """Every variable the text (default: docker-compose.yml) interpolates: name -> (operator, argument)."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for match in _VARIABLE.finditer(COMPOSE.read_text(encoding="utf-8") if text is None else text):
        name = match["name"] or match["bare"]
        if name and (name not in found or match["op"]):
            found[name] = (match["op"], match["arg"])
    return found


def interpolate(value, env: Mapping[str, str]):
    """A value of the parsed file with its variables filled in from `env`, as Compose does."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def fill(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match["name"] or match["bare"], match["op"], match["arg"] or ""
        current = env.get(name)
        missing = current is None or (current == "" and op is not None and op.startswith(":"))
        if op in (":?", "?") and missing:
            raise MissingSetting(f"{name}: {arg}")
        if op in (":-", "-") and missing:
            return arg
        return current or ""

    return _VARIABLE.sub(fill, value)


def common_environment(env: Mapping[str, str]) -> dict[str, str]:
    """x-airflow-common's environment, interpolated: what every Airflow container gets."""
    return {k: str(v) for k, v in interpolate(load()["x-airflow-common"]["environment"], env).items()}


def service_environments(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Every service's environment, interpolated (x-airflow-common's merged in where it is used)."""
    found = {}
    for name, service in services().items():
        found[name] = {k: str(v) for k, v in interpolate(service.get("environment") or {}, env).items()}
    return found


def command(service: str) -> list[str]:
    """A service's command as an argument list (the image's entrypoint runs `airflow` with it)."""
    value = services()[service]["command"]
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def env_example() -> dict[str, str]:
    """The settings .env.example lists (commented-out alternatives are not settings)."""
    settings = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip()
    return settings


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        instruction, _, arguments = current.partition(" ")
        lines.append((instruction.upper(), arguments.strip()))
        current = ""
    return lines
