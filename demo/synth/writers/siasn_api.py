"""The data files a SIASN-style REST API serves (the simulator in demo.simulator).

One JSON-lines file per API resource and period, camelCase fields and integer rating codes, in
the shape of etl.sources.siasn_contract:

    <out>/<AGENCY>/api/siasn/kinerja-periodik/2026-Q3.jsonl
    <out>/<AGENCY>/api/skm/responden/2026-09.jsonl   ...

Planted defects survive the trip: NIPs are text ("1.97411E+17" stays so), a value that is not
exactly a number or a boolean stays the string it was, an empty value is null, duplicated rows
are written twice, and a rating label that has no code is written as code 9
(contract.UNKNOWN_RATING_CODE), which the connector passes on as the text "9".

The demo client credentials are not written here: `write` produces the same bytes for the same
frames (the demo world is reproducible), while a secret must be random. The simulator creates
`<out>/<AGENCY>/api/credentials.json` on start (files.ensure_credentials); call
`write_credentials` to create them earlier.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from etl.canonical import entity as entity_def
from demo.simulator import files
from etl.sources import siasn_contract as contract


def path_for(out: Path, agency_kode: str, entity: str, period: str) -> Path:
    resource = contract.RESOURCES[entity]
    return files.data_file(out, agency_kode, resource.api, resource.name, period)


def write(out: Path, agency_kode: str, entity: str, period: str, chunks: Iterable[pd.DataFrame]) -> None:
    """Stream canonical frames (all values text, "" empty) into the API's data file for the period.

    Each chunk is written as it arrives, so memory does not grow with the number of rows. The
    file appears complete or not at all (written under a temporary name, then renamed)."""
    spec = entity_def(entity)
    resource = contract.RESOURCES.get(entity)
    if resource is None:
        raise ValueError(f"the SIASN-style API serves no {entity}")
    if not contract.PERIOD_RE.match(period):
        raise ValueError(f"period '{period}' is not YYYY-MM, YYYY-Qn, YYYY-Sn or YYYY")
    codes = {label: int(code) for code, label in contract.DEFAULT_RATING_CODES.items()}
    unsur = {column: code for code, column in contract.DEFAULT_UNSUR_CODES.items()}
    plain = [(column, field, kind) for column, (field, kind) in resource.fields.items()]
    target = path_for(out, agency_kode, entity, period)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            for chunk in chunks:
                missing = [c for c in spec.columns if c not in chunk.columns]
                if missing:
                    raise ValueError(f"{entity} chunk lacks the canonical columns {', '.join(missing)}")
                frame = chunk[list(spec.columns)]
                for row in frame.itertuples(index=False, name=None):
                    values = dict(zip(spec.columns, row))
                    record = {field: contract.encode(_text(values[column]), kind, codes)
                              for column, field, kind in plain}
                    if resource.answers:
                        record[contract.ANSWERS_FIELD] = [
                            {"unsur": code, "nilai": contract.encode_number(_text(values[column]).strip())}
                            for column, code in unsur.items() if _text(values[column]).strip() != ""
                        ]
                    fh.write(contract.dumps(record))
                    fh.write("\n")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_credentials(out: Path, agency_kode: str) -> dict[str, str]:
    """Create the agency's random demo credentials if absent; returns them (id and secret)."""
    return files.ensure_credentials(out, agency_kode)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    return str(value)
