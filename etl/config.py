"""Which governments deliver what (config/agencies.yml), as a typed model checked before anything runs.

Adding a government of a supported kind is a change to the agencies file only. Another file
can be named by the environment variable KINERJA_AGENCIES (the environment's settings:
etl/settings.py).

The file's shape is a pydantic model (`AgenciesFile`: governments, their sources, gates); each
connector declares its own options as a subclass of `Options` in its module (etl/sources/<kind>.py,
found through the registry etl.sources.CONNECTORS). An unknown or misspelt setting or option, a
wrong type or a missing required one is a ConfigError of one sentence naming the file, the
government and the key. `agencies_schema()` is the JSON Schema of the file (docs/agencies.schema.json,
`kinerja config schema`).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

# libyaml's parser where PyYAML was built with it (ten times faster), else PyYAML's own
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from etl.canonical import ENTITIES, entity as canonical_entity
from etl.settings import (  # noqa: F401 (where things live: etl.settings, read through here as before)
    PERIOD_RE, PROJECT_DIR, ConfigError, agencies_file, check_period, dbt_project_dir, dbt_target_dir, describe_error,
    home, landing_dir, open_data_dir, sources_dir,
)


def expectations_dir() -> Path:
    return PROJECT_DIR / "expectations"


@dataclass(frozen=True)
class Source:
    """One source system of a government: its kind, the entities it delivers, its settings."""

    kind: str
    entities: tuple[str, ...]
    options: dict = field(default_factory=dict, hash=False, compare=False)


# batch gate: a delivery with fewer rows than this share of the same entity's previous period is
# refused whole (a roster cut in half is a broken export, not half the staff leaving)
DEFAULT_MIN_SHARE_OF_PREVIOUS = {"unit_kerja": 0.5, "pegawai": 0.5, "evaluasi_periodik": 0.5, "rhk": 0.5}


# the delivery calendar: a period's deliveries are due by this day of the next month (issue 23)
DEFAULT_DEADLINE_DAY = 10


@dataclass(frozen=True)
class Agency:
    kode: str
    nama: str
    periodicity: str  # monthly | quarterly: how often it evaluates (evaluasi_periodik, predikat_organisasi)
    sources: tuple[Source, ...]
    # entity -> least share of the previous period's rows a delivery must have (gates.min_share_of_previous)
    min_share_of_previous: dict = field(default_factory=lambda: dict(DEFAULT_MIN_SHARE_OF_PREVIOUS),
                                        hash=False, compare=False)
    # for open-data portals (ckan.json): the Kemendagri region code and level, the data producer and
    # the person (or office) responsible; None where the agencies file does not say
    kode_wilayah: str | None = None
    tingkat_wilayah: str | None = None
    produsen_data: str | None = None
    penanggung_jawab: str | None = None
    # the day of the month after a period by which its deliveries are due (deadline_day)
    deadline_day: int = DEFAULT_DEADLINE_DAY
    # PP 30/2019 weighting from a month on: ((YYYY-MM, BIASA | 360_DERAJAT), ...) in month order
    pp30_bobot: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(e for s in self.sources for e in s.entities)

    def source_for(self, entity: str) -> Source:
        for source in self.sources:
            if entity in source.entities:
                return source
        raise ConfigError(f"agency {self.kode} has no source for {entity}")


# ------------------------------------------------------------------------- the file's typed model

def _as_text(value):
    """YAML reads `file: 2026` or `timezone: 7` as numbers; such a setting is text."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


Text = Annotated[str, BeforeValidator(_as_text)]
# a mapping whose keys may be numbers in YAML (rating codes, value maps)
Mapping = dict[Any, Any]
PATH_TEMPLATE = "{sources_dir}/{agency}/{period}"


class Options(BaseModel):
    """A connector's options: each connector declares its own subclass (`Options` in its module).
    Unknown options are refused (a misspelt one would otherwise be silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class FolderOptions(Options):
    """Options of a connector that reads files from a folder."""

    path: Text = Field(PATH_TEMPLATE, description=(
        "the folder of the delivery; {sources_dir}, {agency} and {period} are filled in"))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Gates(_Strict):
    """Batch gates (their defaults: DEFAULT_MIN_SHARE_OF_PREVIOUS)."""

    min_share_of_previous: dict[str, float | None] | None = Field(None, description=(
        "entity -> the least share (0 to 1) of the same entity's previous period a delivery must have "
        "(fewer rows: refused whole); null switches the gate off for the entity"))


class SourceEntry(_Strict):
    """One source system of a government."""

    kind: Text = Field(description="the connector: one of etl.sources.CONNECTORS")
    entities: list[Text] = Field(min_length=1, description="the canonical entities this source delivers")
    options: dict[str, Any] | None = Field(None, description="the connector's options (its Options model)")


WILAYAH_LEVELS = ("provinsi", "kabupaten", "kota", "kecamatan", "distrik", "kelurahan", "desa", "kampung")


class Wilayah(_Strict):
    """The government's region in the Kemendagri code list (Kepmendagri on kode dan data wilayah
    administrasi pemerintahan): 2 digits for a province, then .2 for a regency or city, .2 for a
    district (kecamatan, distrik), .4 for a village."""

    kode: Text = Field(pattern=r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$", description=(
        "the Kemendagri region code, e.g. 18 (a province), 17.08 (a regency), 13.71.09 (a district)"))
    tingkat: Literal[WILAYAH_LEVELS] = Field(description="the level of government: " + ", ".join(WILAYAH_LEVELS))


PP30_CARA_PENILAIAN = ("BIASA", "360_DERAJAT")


class BobotPP30(_Strict):
    """PP 30/2019 Ps. 41's weighting of a government's legacy scores from a month on (domain.md §1.9):
    the weights themselves are the regulation's (seed bobot_pp30_2019)."""

    mulai: Text = Field(pattern=PERIOD_RE.pattern, description=(
        "the first month (YYYY-MM) it applies to; a period is weighted as in its last month"))
    cara_penilaian: Literal[PP30_CARA_PENILAIAN] = Field(description=(
        "BIASA: SKP 70 % + perilaku kerja 30 %; 360_DERAJAT: 60/40, when perilaku is rated with input from "
        "peers and subordinates"))


class AgencyEntry(_Strict):
    """One government."""

    kode: Text = Field(description="instansi code used throughout the warehouse (upper-cased)")
    nama: Text | None = Field(None, description="its name; default: the kode")
    periodicity: Literal["monthly", "quarterly"] = Field("monthly", description=(
        "the cycle of its periodic evaluations"))
    sources: list[SourceEntry] = Field(min_length=1, description="its source systems")
    gates: Gates | None = Field(None, description="its own batch gates over the file's")
    wilayah: Wilayah | None = Field(None, description="its region for open-data portals (ckan.json)")
    produsen_data: Text | None = Field(None, description=(
        "its data producer (produsen data, Perpres 39/2019), e.g. its BKPSDM; in ckan.json"))
    penanggung_jawab: Text | None = Field(None, description=(
        "the office (a post's title, never a person's name: it is published) responsible for its data; in ckan.json"))
    deadline_day: int = Field(DEFAULT_DEADLINE_DAY, ge=1, le=28, description=(
        "the day of the month after a period by which its deliveries are due (a quarter's: the month "
        "after the quarter); the delivery calendar (etl/delivery_calendar.py) counts a later one as late"))
    pp30_2019_bobot: list[BobotPP30] | None = Field(None, description=(
        "PP 30/2019 weighting of its legacy scores, each from a month on (a year may change it); before the first "
        "and without any, dbt var pp30_cara_penilaian (BIASA, 70/30, the regulation's rule)"))


class AgenciesFile(_Strict):
    """config/agencies.yml: the governments whose deliveries are consolidated."""

    gates: Gates | None = Field(None, description="batch gates of every government")
    agencies: list[AgencyEntry] | None = Field(None, description="the governments")


def connectors() -> dict:
    """kind -> connector module (etl.sources.CONNECTORS), each with its `Options` model. Looked up by
    name at run time, as a plugin registry: etl.sources imports this module, so this module cannot
    import it at its top."""
    return importlib.import_module("etl.sources").CONNECTORS


def options_model(kind: str) -> type[Options]:
    return getattr(connectors()[kind], "Options")


def _shown(path: Path) -> str:
    """The file as a person names it: relative to the project where it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_DIR))
    except ValueError:
        return str(path)


def _where(loc) -> str:
    text = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker of a mapping's key: the key is the location before it
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _known(model: type[BaseModel], loc: tuple) -> list[str]:
    """The settings a model accepts at a location (its nested models followed by name)."""
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        nested = [a for a in _flatten(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not nested:
            return []
        model = nested[0]
    return list(model.model_fields)


def _flatten(annotation) -> list:
    args = getattr(annotation, "__args__", None)
    if not args:
        return [annotation]
    return [a for arg in args for a in _flatten(arg)]


def _problem(error: dict, model: type[BaseModel], prefix: str, noun: str) -> str:
    """`<key>: <what is wrong>` for one pydantic error of `model`."""
    loc = tuple(error["loc"])
    where = _where(loc)
    where = f"{prefix}.{where}" if prefix and where else (prefix or where)
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown {noun} (known: {', '.join(_known(model, loc[:-1]))})"
    if error["type"] == "missing":
        return f"{where}: missing required {noun}"
    return f"{where}: {describe_error(error)}"


def _checked(model: type[BaseModel], value, path: Path, who: str, prefix: str = "", noun: str = "setting"):
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise ConfigError(f"{_shown(path)}: {who}{_problem(exc.errors()[0], model, prefix, noun)}") from None


def check_document(path: Path, document) -> None:
    """The agencies file against its model and each source's options against its connector's, before
    anything runs: ConfigError naming the file, the government and the key."""
    if not isinstance(document, dict):
        raise ConfigError(f"{_shown(path)}: the agencies file must be a mapping with `agencies:`, not "
                          f"{type(document).__name__}")
    _checked(AgenciesFile, {k: v for k, v in document.items() if k != "agencies"}, path, "")
    items = document.get("agencies") or []
    if not isinstance(items, list):
        raise ConfigError(f"{_shown(path)}: agencies must be a list of governments")
    kinds = connectors()
    for i, item in enumerate(items):
        kode = str(item.get("kode")).upper() if isinstance(item, dict) and item.get("kode") is not None else None
        who = f"government {kode}, " if kode else f"agencies[{i}], "
        agency = _checked(AgencyEntry, item, path, who)
        for j, source in enumerate(agency.sources):
            if source.kind not in kinds:
                raise ConfigError(f"{_shown(path)}: {who}sources[{j}].kind: unknown kind '{source.kind}' "
                                  f"(supported: {', '.join(sorted(kinds))})")
            model = options_model(source.kind)
            try:
                model.model_validate(source.options or {})
            except ValidationError as exc:
                error = exc.errors()[0]
                problem = _problem(error, model, "options", "option")
                if error["type"] == "extra_forbidden":
                    problem = problem.replace("unknown option (", f"unknown option of {source.kind} (", 1)
                raise ConfigError(f"{_shown(path)}: {who}{problem}") from None


def agencies_schema() -> dict:
    """The JSON Schema of the agencies file, each source's options by its kind (docs/agencies.schema.json)."""
    per_kind = []
    for kind, module in sorted(connectors().items()):
        per_kind.append(create_model(
            f"{kind}_source", __base__=SourceEntry, __doc__=f"A source of kind {kind} ({module.__name__}).",
            kind=(Literal[kind], Field(description="the connector")),
            options=(create_model(f"{kind}_options", __base__=getattr(module, "Options"),
                                  __doc__=getattr(module, "Options").__doc__) | None,
                     Field(None, description=f"{kind}'s options")),
        ))
    agency = create_model("AgencyEntry", __base__=AgencyEntry, __doc__=AgencyEntry.__doc__,
                          sources=(list[Annotated[_union(per_kind), Field(discriminator="kind")]],
                                   Field(min_length=1, description="its source systems")))
    whole = create_model("AgenciesFile", __base__=AgenciesFile, __doc__=AgenciesFile.__doc__,
                         agencies=(list[agency] | None, Field(None, description="the governments")))
    schema = whole.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "config/agencies.yml"
    return schema


def schema_text() -> str:
    """agencies_schema() as committed in docs/agencies.schema.json."""
    return json.dumps(agencies_schema(), indent=2, ensure_ascii=False) + "\n"


SCHEMA_FILE = PROJECT_DIR / "docs" / "agencies.schema.json"
OPTIONS_DOC = PROJECT_DIR / "docs" / "configuration.md"
OPTIONS_BEGIN, OPTIONS_END = "<!-- options: generated by `kinerja config schema --write` -->", "<!-- /options -->"


def options_reference() -> str:
    """Every connector's options as Markdown tables (docs/configuration.md, between its markers)."""
    lines = []
    for kind, module in sorted(connectors().items()):
        lines += [f"### `{kind}`", "", " ".join((getattr(module, "Options").__doc__ or "").split()), "",
                  "| option | default | what |", "|---|---|---|"]
        for name, spec in getattr(module, "Options").model_fields.items():
            default = "**required**" if spec.is_required() else ("—" if spec.default is None else f"`{spec.default}`")
            lines.append(f"| `{name}` | {default} | {(spec.description or '').replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


def with_options_reference(text: str) -> str:
    """A copy of docs/configuration.md with its generated section replaced by options_reference()."""
    head, _, rest = text.partition(OPTIONS_BEGIN)
    _, _, tail = rest.partition(OPTIONS_END)
    return f"{head}{OPTIONS_BEGIN}\n\n{options_reference()}\n{OPTIONS_END}{tail}"


def _union(models: list):
    union = models[0]
    for model in models[1:]:
        union = union | model
    return union


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
    """The period before a month (YYYY-MM), a quarter (YYYY-Qn) or a year (YYYY)."""
    year = int(period[:4])
    if len(period) == 4:
        return str(year - 1)
    if "Q" in period:
        quarter = int(period[-1])
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    month = int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def month_of(period: str) -> str:
    """The month a period's delivery is due in: the month itself, a quarter's last month, or (a year,
    delivered to the yearly run in January after it) the year's last month."""
    if len(period) == 4:
        return f"{period}-12"
    return f"{period[:4]}-{int(period[-1]) * 3:02d}" if "Q" in period else period[:7]


def load_agencies(path: str | Path | None = None) -> list[Agency]:
    """The agencies file, parsed once per content: every task of every agency reads it, and a
    national file is long."""
    path = Path(path or agencies_file())
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
    check_document(path, document)
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
            kode_wilayah=str((item.get("wilayah") or {}).get("kode")) if item.get("wilayah") else None,
            tingkat_wilayah=str((item.get("wilayah") or {}).get("tingkat")) if item.get("wilayah") else None,
            produsen_data=item.get("produsen_data"),
            penanggung_jawab=item.get("penanggung_jawab"),
            deadline_day=int(item.get("deadline_day", DEFAULT_DEADLINE_DAY)),
            pp30_bobot=tuple(sorted((str(b["mulai"]), str(b["cara_penilaian"]))
                                    for b in item.get("pp30_2019_bobot") or [])),
        )
        if len({m for m, _ in agency.pp30_bobot}) != len(agency.pp30_bobot):
            raise ConfigError(f"agency {kode} in {path}: pp30_2019_bobot names the same month twice")
        if agency.periodicity not in ("monthly", "quarterly"):
            raise ConfigError(f"agency {kode} in {path}: periodicity must be monthly or quarterly")
        if len(set(agency.entities)) != len(agency.entities):
            raise ConfigError(f"agency {kode} in {path} names an entity under two sources")
        agencies.append(agency)
    if len({a.kode for a in agencies}) != len(agencies):
        raise ConfigError(f"agencies file {path} lists the same kode twice")
    return tuple(agencies)


def quarter_of(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def due_period(agency: Agency, entity_name: str, month: str) -> str | None:
    """The period of `entity_name` the agency delivers in `month`, or None if none is due.

    Monthly entities: the month. Evaluations and unit predikat follow the agency's cycle: the month,
    or 'YYYY-Qn' in the month that ends a quarter. Survey populations: 'YYYY-Qn' at quarter end.
    The annual evaluation (cadence annual) is due to the yearly run only: `month` is then a year
    (YYYY), for which no other entity is due.
    """
    cadence = canonical_entity(entity_name).cadence
    if (cadence == "annual") != (len(month) == 4):
        return None
    if cadence == "annual":
        return month
    quarterly = cadence == "quarterly" or (cadence == "evaluation" and agency.periodicity == "quarterly")
    if not quarterly:
        return month
    return quarter_of(month) if int(month[5:7]) % 3 == 0 else None
