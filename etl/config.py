"""Settings: where the project lives, and which governments deliver what (config/agencies.yml).

Adding a government of a supported kind is a change to the agencies file only. Another file
can be named by the environment variable KINERJA_AGENCIES.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

# libyaml's parser where PyYAML was built with it (ten times faster), else PyYAML's own
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from etl.canonical import ENTITIES, entity as canonical_entity

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


def dbt_target_dir() -> Path:
    """Where dbt writes its manifest, compiled SQL and logs: dbt_project/target unless
    KINERJA_DBT_TARGET_DIR names another (two runs at once must not share one)."""
    return Path(os.environ.get("KINERJA_DBT_TARGET_DIR", dbt_project_dir() / "target")).resolve()


def expectations_dir() -> Path:
    return PROJECT_DIR / "expectations"


class ConfigError(ValueError):
    """The agencies file says something the product cannot act on."""


@dataclass(frozen=True)
class Source:
    """One source system of a government: its kind, the entities it delivers, its settings."""

    kind: str
    entities: tuple[str, ...]
    options: dict = field(default_factory=dict, hash=False, compare=False)


# batch gate: a delivery with fewer rows than this share of the same entity's previous period is
# refused whole (a roster cut in half is a broken export, not half the staff leaving)
DEFAULT_MIN_SHARE_OF_PREVIOUS = {"unit_kerja": 0.5, "pegawai": 0.5, "evaluasi_periodik": 0.5, "rhk": 0.5}


@dataclass(frozen=True)
class Agency:
    kode: str
    nama: str
    periodicity: str  # monthly | quarterly: how often it evaluates (evaluasi_periodik, predikat_organisasi)
    sources: tuple[Source, ...]
    # entity -> least share of the previous period's rows a delivery must have (gates.min_share_of_previous)
    min_share_of_previous: dict = field(default_factory=lambda: dict(DEFAULT_MIN_SHARE_OF_PREVIOUS),
                                        hash=False, compare=False)

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(e for s in self.sources for e in s.entities)

    def source_for(self, entity: str) -> Source:
        for source in self.sources:
            if entity in source.entities:
                return source
        raise ConfigError(f"agency {self.kode} has no source for {entity}")


PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _source(kode: str, path: Path, item: dict) -> Source:
    try:
        source = Source(kind=str(item["kind"]), entities=tuple(item["entities"]), options=dict(item.get("options") or {}))
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"a source of agency {kode} in {path} lacks the setting {exc}") from None
    unknown = [e for e in source.entities if e not in ENTITIES]
    if unknown:
        raise ConfigError(f"agency {kode} in {path} names unknown entities: {', '.join(unknown)}")
    return source


def _shares(gates, base: dict, path: Path, where: str) -> dict:
    """`gates.min_share_of_previous` ({entity: share from 0 to 1, or null to switch the gate off})
    over `base`."""
    shares = (gates or {}).get("min_share_of_previous") or {}
    if not isinstance(shares, dict):
        raise ConfigError(f"{where} in {path}: min_share_of_previous must map entities to shares")
    for entity_name, share in shares.items():
        if entity_name not in ENTITIES:
            raise ConfigError(f"{where} in {path} names an unknown entity: {entity_name}")
        if share is None:
            base.pop(entity_name, None)
        elif not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise ConfigError(f"{where} in {path}: the share for {entity_name} must be from 0 to 1")
        else:
            base[entity_name] = float(share)
    return base


def find_agency(kode: str) -> Agency:
    for item in load_agencies():
        if item.kode == kode:
            return item
    raise ConfigError(f"agency {kode} is not in the agencies file")


def previous_period(period: str) -> str:
    """The period before a month (YYYY-MM) or a quarter (YYYY-Qn)."""
    year = int(period[:4])
    if "Q" in period:
        quarter = int(period[-1])
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    month = int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def month_of(period: str) -> str:
    """The month a period's delivery is due in: the month itself, or a quarter's last month."""
    return f"{period[:4]}-{int(period[-1]) * 3:02d}" if "Q" in period else period[:7]


def load_agencies(path: str | Path | None = None) -> list[Agency]:
    """The agencies file, parsed once per content: every task of every agency reads it, and a
    national file is long."""
    path = Path(path or os.environ.get("KINERJA_AGENCIES") or PROJECT_DIR / "config" / "agencies.yml")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"agencies file {path} does not exist") from None
    return list(_agencies(path, text))


@lru_cache(maxsize=8)
def _agencies(path: Path, text: str) -> tuple[Agency, ...]:
    try:
        document = yaml.load(text, Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"agencies file {path} is not valid YAML: {exc}") from None
    defaults = _shares(document.get("gates"), dict(DEFAULT_MIN_SHARE_OF_PREVIOUS), path, "gates")
    agencies = []
    for i, item in enumerate(document.get("agencies") or [], start=1):
        if not isinstance(item, dict) or "kode" not in item:
            raise ConfigError(f"agency #{i} in {path} lacks the setting 'kode'")
        kode = str(item["kode"]).upper()
        if not item.get("sources"):
            raise ConfigError(f"agency {kode} in {path} lacks the setting 'sources'")
        agency = Agency(
            kode=kode,
            nama=str(item.get("nama", kode)),
            periodicity=str(item.get("periodicity", "monthly")),
            sources=tuple(_source(kode, path, s) for s in item["sources"]),
            min_share_of_previous=_shares(item.get("gates"), dict(defaults), path, f"gates of agency {kode}"),
        )
        if agency.periodicity not in ("monthly", "quarterly"):
            raise ConfigError(f"agency {kode} in {path}: periodicity must be monthly or quarterly")
        if len(set(agency.entities)) != len(agency.entities):
            raise ConfigError(f"agency {kode} in {path} names an entity under two sources")
        agencies.append(agency)
    if len({a.kode for a in agencies}) != len(agencies):
        raise ConfigError(f"agencies file {path} lists the same kode twice")
    return tuple(agencies)


def check_period(period: str) -> str:
    if not PERIOD_RE.match(period or ""):
        raise ConfigError(f"period '{period}' is not of the form YYYY-MM")
    return period


def quarter_of(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def due_period(agency: Agency, entity_name: str, month: str) -> str | None:
    """The period of `entity_name` the agency delivers in `month`, or None if none is due.

    Monthly entities: the month. Evaluations and unit predikat follow the agency's cycle: the month,
    or 'YYYY-Qn' in the month that ends a quarter. Survey populations: 'YYYY-Qn' at quarter end.
    """
    cadence = canonical_entity(entity_name).cadence
    quarterly = cadence == "quarterly" or (cadence == "evaluation" and agency.periodicity == "quarterly")
    if not quarterly:
        return month
    return quarter_of(month) if int(month[5:7]) % 3 == 0 else None
