"""Publishing: the public tables of a period as open-data files.

Only the `publik` schema is read. Files are written beside their final name and renamed into
place, so a reader never sees half a file. Text cells that a spreadsheet would run as a
formula (leading = + - @) are escaped with a leading apostrophe.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from etl import warehouse
from etl.config import open_data_dir

# public table -> file name (without extension)
TABLES = {
    "pub_distribusi_predikat": "distribusi_predikat",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def publish(period: str) -> list[dict]:
    """Write open-data/<period>/ from the publik schema. Returns the files written."""
    folder = open_data_dir() / period
    folder.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(warehouse.sqlalchemy_url())
    written = []
    try:
        with engine.connect() as conn:
            for table, name in TABLES.items():
                frame = pd.read_sql_query(
                    sa.text(f'select * from publik."{table}" where periode = :period order by 1, 2, 3'),
                    conn,
                    params={"period": period},
                )
                for column in frame.columns:
                    if frame[column].dtype == object or str(frame[column].dtype).startswith("str"):
                        frame[column] = frame[column].map(escape_formula)
                data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
                path = folder / f"{name}.csv"
                _write_atomic(path, data)
                written.append({"table": table, "path": str(path), "rows": len(frame),
                                "sha256": hashlib.sha256(data).hexdigest()})
    finally:
        engine.dispose()
    checksums = "".join(f"{w['sha256']}  {Path(w['path']).name}\n" for w in written)
    _write_atomic(folder / "SHA256SUMS", checksums.encode("utf-8"))
    return written
