"""Settings: where the project lives, and which governments deliver what (config/agencies.yml).

Adding a government of a supported kind is a change to the agencies file only. Another file
can be named by the environment variable KINERJA_AGENCIES.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from etl.canonical import ENTITIES

PROJECT_DIR = Path(__file__).resolve().parent.parent


def home() -> Path:
    """Local state of this checkout: embedded warehouse, Airflow metadata, landing store."""
    return Path(os.environ.get("KINERJA_HOME", PROJECT_DIR / ".kinerja")).resolve()


def sources_dir() -> Path:
    """Where the demo world's agency deliveries are written by `kinerja synth`."""
    return Path(os.environ.get("KINERJA_SOURCES_DIR", PROJECT_DIR / "data" / "sources")).resolve()


def landing_dir() -> Path:
    return Path(os.environ.get("KINERJA_LANDING_DIR", home() / "landing")).resolve()


def open_data_dir() -> Path:
    return Path(os.environ.get("KINERJA_OPEN_DATA_DIR", PROJECT_DIR / "open-data")).resolve()


def dbt_project_dir() -> Path:
    return PROJECT_DIR / "dbt_project"


def expectations_dir() -> Path:
    return PROJECT_DIR / "expectations"


class ConfigError(ValueError):
    """The agencies file says something the product cannot act on."""


@dataclass(frozen=True)
class Agency:
    kode: str
    nama: str
    kind: str
    periodicity: str  # monthly | quarterly
    entities: tuple[str, ...]
    options: dict = field(default_factory=dict, hash=False, compare=False)


PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def load_agencies(path: str | Path | None = None) -> list[Agency]:
    path = Path(path or os.environ.get("KINERJA_AGENCIES") or PROJECT_DIR / "config" / "agencies.yml")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"agencies file {path} does not exist") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"agencies file {path} is not valid YAML: {exc}") from None
    agencies = []
    for i, item in enumerate(document.get("agencies") or [], start=1):
        try:
            kode = str(item["kode"]).upper()
            agency = Agency(
                kode=kode,
                nama=str(item.get("nama", kode)),
                kind=str(item["kind"]),
                periodicity=str(item.get("periodicity", "monthly")),
                entities=tuple(item["entities"]),
                options=dict(item.get("options") or {}),
            )
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"agency #{i} in {path} lacks the setting {exc}") from None
        unknown = [e for e in agency.entities if e not in ENTITIES]
        if unknown:
            raise ConfigError(f"agency {kode} in {path} names unknown entities: {', '.join(unknown)}")
        if agency.periodicity not in ("monthly", "quarterly"):
            raise ConfigError(f"agency {kode} in {path}: periodicity must be monthly or quarterly")
        agencies.append(agency)
    if len({a.kode for a in agencies}) != len(agencies):
        raise ConfigError(f"agencies file {path} lists the same kode twice")
    return agencies


def check_period(period: str) -> str:
    if not PERIOD_RE.match(period or ""):
        raise ConfigError(f"period '{period}' is not of the form YYYY-MM")
    return period
