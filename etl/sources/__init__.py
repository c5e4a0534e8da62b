"""Connectors: one module per kind of source.

Each kind provides two functions:

- `fetch(agency, entity, period, scratch) -> Path | None`: get the delivery exactly as the agency
  sends it (a file in a drop folder, pages from an API, rows from its database), so it can be
  landed unchanged. None means the agency delivered nothing for that entity and period.
- `read(agency, entity, path, chunk_rows) -> Iterator[DataFrame]`: map a landed delivery into
  canonical rows (contracts.md §2), in chunks, every value as text, with the column `_row`
  holding the row's number in the delivery as a person would count it (header = row 1).

The registry maps `kind` in config/agencies.yml to its module.
"""

from __future__ import annotations

from types import ModuleType

from etl.config import Agency, ConfigError
from etl.sources import canonical_csv


class SourceError(RuntimeError):
    """A delivery could not be fetched, or cannot be read at all."""


CONNECTORS: dict[str, ModuleType] = {
    "canonical_csv": canonical_csv,
}


def connector_for(agency: Agency) -> ModuleType:
    try:
        return CONNECTORS[agency.kind]
    except KeyError:
        kinds = ", ".join(sorted(CONNECTORS))
        raise ConfigError(f"agency {agency.kode}: unknown kind '{agency.kind}' (supported: {kinds})") from None
