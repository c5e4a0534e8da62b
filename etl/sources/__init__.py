"""Connectors: one module per kind of source.

Each kind provides two functions:

- `fetch(agency, source, entity, period, scratch) -> Path | None`: get the delivery exactly as the
  agency sends it (a file in a drop folder, pages from an API, rows from its database), so it can
  be landed unchanged. `period` is 'YYYY-MM', or 'YYYY-Qn' for a quarterly entity
  (etl.config.due_period). A file written for the purpose goes into `scratch`. None means the
  agency delivered nothing for that entity and period. Raise SourceError when it cannot be fetched.
- `read(agency, source, entity, path, chunk_rows) -> Iterator[DataFrame]`: map a landed delivery
  into canonical rows (contracts.md §2) with etl.canonical.to_canonical, in chunks of at most
  `chunk_rows`, every value as text, with the column `_row` holding the row's number in the
  delivery (for a CSV as a person counts it: header = row 1). Raise SourceError when the
  delivery cannot be read at all (the batch is then rejected with that message).

A kind may also provide `probe(agency, source, entity, period) -> bool`: is anything delivered for
the period, where that is cheap to ask (a file on disk: the path exists). A run asks it before mapping
over the governments (etl/delivery_calendar.py); a kind without it (an API, an application's
database) is assumed to have delivered, and its fetch says otherwise.

`source` is the agency's etl.config.Source for that entity (kind, entities, options from
config/agencies.yml). The registry maps each `kind` to its module. The errors a connector raises
(SourceError, HeaderError, EmptyDeliveryError) live in etl.sources.errors, which every connector
imports at its top; they are named here too for the stages that catch them.
"""

from __future__ import annotations

from types import ModuleType

from etl.config import Agency, ConfigError, Source
from etl.sources.errors import EmptyDeliveryError, HeaderError, SourceError
from etl.sources import app_db, canonical_csv, ekinerja_xlsx, json_export, mapped_csv, siasn_api, skm_forms_csv

__all__ = ["CONNECTORS", "EmptyDeliveryError", "HeaderError", "SourceError", "connector_for"]

CONNECTORS: dict[str, ModuleType] = {
    "app_db": app_db,
    "canonical_csv": canonical_csv,
    "ekinerja_xlsx": ekinerja_xlsx,
    "json_export": json_export,
    "mapped_csv": mapped_csv,
    "siasn_api": siasn_api,
    "skm_forms_csv": skm_forms_csv,
}


def connector_for(agency: Agency, entity: str) -> tuple[Source, ModuleType]:
    source = agency.source_for(entity)
    try:
        return source, CONNECTORS[source.kind]
    except KeyError:
        kinds = ", ".join(sorted(CONNECTORS))
        raise ConfigError(f"agency {agency.kode}: unknown kind '{source.kind}' (supported: {kinds})") from None
