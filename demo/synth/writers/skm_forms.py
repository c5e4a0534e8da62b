"""SKM responses as a Google-Forms CSV export (contracts.md §1, domain.md §2.2-2.3).

`write(out, agency_kode, "skm_responden", period, chunks)` writes
out/<agency_kode>/<period>/skm_formulir_jawaban.csv: a "Timestamp" column
("2026/10/03 9:14:22 AM GMT+7"), then one column per question of the form, headed by the full
question text, in the form's own order (not the canonical one: here Sarana comes before
Pengaduan), answers as the words the respondent ticked ("Sangat sesuai", "Kurang mudah", …).

The form has no respondent id and no instansi column: the connector makes both. The time of day
is derived from the row (its responden_id and tanggal), so a row delivered twice is the same
response submitted twice. A value that is not a score 1-4 (a planted defect, an empty answer) is
written as it is; a tanggal that is not a date is written in place of the timestamp.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import zlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from etl.canonical import SKM_ANSWER_WORDS, entity as entity_def

FILE = "skm_formulir_jawaban.csv"

# the form's questions in the form's order: (canonical column, question text)
FORM: list[tuple[str, str]] = [
    ("unit_layanan_kode", "Unit layanan yang Saudara kunjungi"),
    ("jenis_layanan", "Jenis layanan yang Saudara terima"),
    ("usia", "Usia (tahun)"),
    ("jenis_kelamin", "Jenis kelamin"),
    ("pendidikan", "Pendidikan terakhir"),
    ("pekerjaan", "Pekerjaan utama"),
    ("persyaratan", "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"),
    ("prosedur", "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?"),
    ("waktu", "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?"),
    ("biaya", "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?"),
    ("produk", "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam "
               "standar pelayanan dengan hasil yang diberikan?"),
    ("kompetensi", "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?"),
    ("perilaku", "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan "
                 "dan keramahan?"),
    ("sarana", "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?"),
    ("pengaduan", "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?"),
    ("saran", "Kritik dan saran untuk perbaikan pelayanan"),
]

# the words of each unsur for scores 1..4 (domain.md §2.3): the connector's own, from etl.canonical
WORDS = SKM_ANSWER_WORDS
GENDER = {"L": "Laki-laki", "P": "Perempuan"}
ZONE = "GMT+7"
OPENING, CLOSING = 7 * 3600 + 30 * 60, 15 * 3600 + 30 * 60  # service hours 07:30-15:30


def timestamp(tanggal: str, seed: str) -> str:
    """'2026-10-03' -> '2026/10/03 9:14:22 AM GMT+7', the time of day derived from `seed`;
    a tanggal that is not a date is returned as it is (the defect stays visible)."""
    try:
        day = dt.date.fromisoformat(tanggal.strip())
    except ValueError:
        return tanggal
    seconds = OPENING + zlib.crc32(f"{seed}|{tanggal}".encode()) % (CLOSING - OPENING)
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    hour = moment.hour % 12 or 12
    return f"{moment:%Y/%m/%d} {hour}:{moment:%M:%S} {'AM' if moment.hour < 12 else 'PM'} {ZONE}"


def _answer(column: str, value: str) -> str:
    if column in WORDS and value.strip() in ("1", "2", "3", "4"):
        return WORDS[column][int(value.strip()) - 1]
    if column == "jenis_kelamin":
        return GENDER.get(value.strip(), value)
    return value


def path_for(out: Path, agency_kode: str, period: str) -> Path:
    return Path(out) / agency_kode / period / FILE


def write(out: Path, agency_kode: str, entity: str, period: str, chunks: Iterable[pd.DataFrame]) -> None:
    """Write the period's responses of `agency_kode` as a Google-Forms CSV export."""
    if entity != "skm_responden":
        raise ValueError(f"a Google-Forms export holds skm_responden only, not {entity}")
    columns = list(entity_def(entity).columns)
    path = path_for(out, agency_kode, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["Timestamp", *(question for _, question in FORM)])
        for chunk in chunks:
            missing = [c for c in columns if c not in chunk.columns]
            if missing:
                raise ValueError(f"{entity} chunk lacks the canonical columns {', '.join(missing)}")
            frame = chunk[columns].fillna("").astype(str)
            for record in frame.itertuples(index=False, name=None):
                row = dict(zip(columns, record))
                writer.writerow([timestamp(row["tanggal"], row["responden_id"]),
                                 *(_answer(column, row[column]) for column, _ in FORM)])
    os.replace(tmp, path)
