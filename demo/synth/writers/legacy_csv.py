"""A legacy SIMPEG export still on PP 30/2019 (WANGGAR): semicolon-separated, Windows-1252, decimal
commas, dates as DD/MM/YYYY, upper-case column names in the style of SIASN's legacy rw-skp record
(domain.md §4.1). The connector reads it through the column mapping in config/agencies.yml."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

# canonical column -> the legacy system's column, per entity
COLUMNS = {
    "unit_kerja": {"instansi_kode": "KODE_INSTANSI", "unit_kode": "KODE_UNOR", "unit_nama": "NAMA_UNOR",
                   "induk_unit_kode": "KODE_UNOR_ATASAN", "is_unit_layanan": "UNIT_PELAYANAN"},
    "pegawai": {"nip": "NIP_BARU", "nama": "NAMA", "status_kepegawaian": "STATUS_PEGAWAI",
                "jenis_kelamin": "JENIS_KELAMIN", "golongan": "GOL_RUANG", "jabatan_nama": "NAMA_JABATAN",
                "jabatan_kategori": "JENIS_JABATAN", "unit_kode": "KODE_UNOR", "atasan_nip": "NIP_ATASAN",
                "aktif": "AKTIF"},
    "evaluasi_periodik": {"nip": "NIP_BARU", "periode": "PERIODE", "skp_id": "ID_SKP", "regime": "PERATURAN",
                          "nilai_skp": "NILAI_SKP", "nilai_perilaku": "NILAI_PERILAKU_KERJA", "predikat": "SEBUTAN",
                          "penilai_nip": "NIP_PENILAI", "waktu_dinilai": "TGL_PENILAIAN",
                          "is_plt_plh": "PLT_PLH", "rating_hasil_kerja": "RATING_HASIL",
                          "rating_perilaku_kerja": "RATING_PERILAKU"},
    # the year's PP 30/2019 score of each SKP (the legacy system's annual export)
    "evaluasi_tahunan": {"nip": "NIP_BARU", "tahun": "TAHUN", "skp_id": "ID_SKP", "unit_kode": "KODE_UNOR",
                         "jabatan_nama": "NAMA_JABATAN", "jabatan_kategori": "JENIS_JABATAN",
                         "periode_awal": "TMT_AWAL_SKP", "periode_akhir": "TMT_AKHIR_SKP", "regime": "PERATURAN",
                         "nilai_skp": "NILAI_SKP", "nilai_perilaku": "NILAI_PERILAKU_KERJA", "predikat": "SEBUTAN",
                         "penilai_nip": "NIP_PENILAI", "waktu_dinilai": "TGL_PENILAIAN", "is_plt_plh": "PLT_PLH"},
}
BOOLEAN = {"true": "Y", "false": "T"}
REGIME = {"PP30_2019": "PP 30/2019", "PERMEN6_2022": "PERMENPANRB 6/2022"}


def _legacy(frame: pd.DataFrame, entity: str) -> pd.DataFrame:
    out = frame.copy()
    for column in ("is_unit_layanan", "aktif", "is_plt_plh"):
        if column in out:
            out[column] = out[column].map(lambda v: BOOLEAN.get(v, v))
    if "regime" in out:
        out["regime"] = out["regime"].map(lambda v: REGIME.get(v, v))
    for column in ("nilai_skp", "nilai_perilaku"):
        if column in out:
            out[column] = out[column].str.replace(".", ",", regex=False)
    if "waktu_dinilai" in out:
        stamp = pd.to_datetime(out["waktu_dinilai"].str.slice(0, 19), errors="coerce")
        out["waktu_dinilai"] = stamp.dt.strftime("%d/%m/%Y %H:%M").where(stamp.notna(), out["waktu_dinilai"])
    for column in ("periode_awal", "periode_akhir"):
        if column in out:
            day = pd.to_datetime(out[column], format="%Y-%m-%d", errors="coerce")
            out[column] = day.dt.strftime("%d/%m/%Y").where(day.notna(), out[column])
    if "predikat" in out:
        out["predikat"] = out["predikat"].str.replace("_", " ").str.title()
    mapping = COLUMNS[entity]
    return out[list(mapping)].rename(columns=mapping)


def write(out: Path, agency_kode: str, entity: str, period: str, chunks: Iterable[pd.DataFrame]) -> Path:
    path = Path(out) / agency_kode / period / f"EKSPOR_{entity.upper()}_{period.replace('-', '')}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="cp1252", newline="", errors="replace") as fh:
        header = True
        for chunk in chunks:
            _legacy(chunk, entity).to_csv(fh, sep=";", index=False, header=header, lineterminator="\r\n")
            header = False
    os.replace(tmp, path)
    return path
