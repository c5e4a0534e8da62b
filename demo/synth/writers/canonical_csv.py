"""Canonical CSV drops (contracts.md §2): <out>/<agency>/<period>/<entity>.csv, UTF-8, one header row."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from etl.canonical import entity as entity_def


def write(out: Path, agency_kode: str, entity: str, period: str, chunks: Iterable[pd.DataFrame]) -> Path:
    path = Path(out) / agency_kode / period / f"{entity}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    columns = list(entity_def(entity).columns)
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        header = True
        for chunk in chunks:
            chunk[columns].to_csv(fh, index=False, header=header, lineterminator="\n")
            header = False
        if header:
            fh.write(",".join(columns) + "\n")
    os.replace(tmp, path)
    return path
