"""WANGGAR's online complaint system (the article's "sistem pengaduan online"): a JSON export of the
month's complaints, one array of records in the application's own shape — Indonesian field names,
nested unit and times, local Eastern Indonesian times without an offset, numeric status codes, and
the complainant's name and telephone, which the connector's mapping (config/agencies.yml) never
reads. <out>/<agency>/<period>/pengaduan_<period_compact>.json, UTF-8.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from demo.synth.world import FAMILY, GIVEN, rng_for

SALURAN = {"ONLINE": "web", "FORUM": "forum musyawarah", "TATAP_MUKA": "datang langsung", "SMS": "sms"}
STATUS = {"DITERIMA": 1, "DIPROSES": 2, "SELESAI": 3, "DITOLAK": 4}


def _local(stamp: str) -> str | None:
    """'2026-03-04T10:22:00+09:00' -> '2026-03-04 10:22:00' (the system keeps local time)."""
    return stamp[:19].replace("T", " ") if stamp else None


def _record(row: dict, rng: np.random.Generator) -> dict:
    return {
        "id": row["pengaduan_id"],
        "instansi": row["instansi_kode"],
        "saluran": SALURAN.get(row["kanal"], row["kanal"]),
        "unit": {"kode": row["unit_layanan_kode"]},
        "kategori": row["kategori"],
        "waktu": {"masuk": _local(row["waktu_diterima"]), "tanggapan_pertama": _local(row["waktu_respon_pertama"]),
                  "selesai": _local(row["waktu_selesai"])},
        "status": STATUS.get(row["status"], row["status"]),
        "isi": row["uraian"],
        "pelapor": {"nama": f"{GIVEN[int(rng.integers(0, len(GIVEN)))]} {FAMILY[int(rng.integers(0, len(FAMILY)))]}",
                    "telepon": f"0812{int(rng.integers(10_000_000, 99_999_999))}"},
    }


def write(out: Path, agency_kode: str, entity: str, period: str, chunks: Iterable[pd.DataFrame]) -> Path:
    if entity != "pengaduan":
        raise ValueError(f"the complaint system exports no {entity}")
    path = Path(out) / agency_kode / period / f"pengaduan_{period.replace('-', '')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    rng = rng_for(0, agency_kode, "pelapor", period)
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("[")
        first = True
        for chunk in chunks:
            for row in chunk.to_dict("records"):
                fh.write(("\n" if first else ",\n") + json.dumps(_record(row, rng), ensure_ascii=False))
                first = False
        fh.write("\n]\n")
    os.replace(tmp, path)
    return path
