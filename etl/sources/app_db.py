"""An agency's own application database, read over SQL (contracts.md §1: JAMBI's e-kinerja and
SKM applications; domain.md §4.4 for what such Laravel-style schemas look like).

fetch runs, for the period, the SQL query configured for the entity over the application's own
tables, with a streaming (server-side) cursor, and writes the result as received (the
application's column names and values) to a CSV in scratch: that file is what gets landed.
read maps the landed file to canonical rows: application columns are renamed to canonical ones,
application codes (rating integers, enum strings) are mapped to canonical labels, and
etl.canonical.to_canonical normalises the rest. Answers of a survey application in long format
(one row per answer) are pivoted to one canonical skm_responden row per respondent, by unsur
code, never by position. `_row` is the row's record number in the landed CSV (header = 1); for a
pivoted respondent, the record of its first answer.

Options of the source (config/agencies.yml); every per-entity option is keyed by entity name and
replaces the module's default for that entity (the defaults fit the demo applications that
demo/synth/writers/app_db.py writes):

  url_env    name of an environment variable holding the database URL (postgresql://...,
             mysql+pymysql://... or mariadb://...); used when it is set
  url        a URL in the file itself (no secrets in the agencies file: prefer url_env)
  database   otherwise: this database on the warehouse's PostgreSQL server ({agency} is replaced
             by the agency's kode in lower case; default: '{agency}_ekinerja', or '{agency}_skm'
             for skm_responden)
  queries    {entity: SQL}: one row per delivered record (for the pivot: one row per answer,
             ordered by respondent); bind parameters :periode ('YYYY-MM', 'YYYY-Qn', or 'YYYY' for
             evaluasi_tahunan),
             :tahun, :tanggal_awal and :tanggal_akhir (ISO dates, the period's first and last day)
  columns    {entity: {application column: canonical column}}
  codes      {entity: {canonical column: {application value: canonical value}}}; quote keys
             in YAML ('1': DIATAS, 'Y': 'true'), or YAML reads them as numbers and booleans
  pivot      {entity: {key: column identifying the respondent, unsur: column holding the unsur
             code, value: column holding the answer, unsur_columns: {code: canonical column}}}

Adding a government whose application has another schema is a change to these options only.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from pydantic import Field
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from etl import warehouse
from etl.canonical import entity as entity_def, to_canonical
from etl.config import Agency, Source
from etl.config import Mapping, Text
from etl.config import Options as ConnectorOptions
from etl.settings import named
from etl.sources.errors import EmptyDeliveryError, SourceError

SKM_ENTITIES = ("skm_responden",)
FETCH_BATCH_ROWS = 10_000
CONNECT_TIMEOUT_SECONDS = 10

# ----------------------------------------------------------------------------- demo defaults
# The demo applications (demo/synth/writers/app_db.py creates their schema).

DEFAULT_QUERIES: dict[str, str] = {
    "unit_kerja": """
        SELECT o.kode_pemda, o.kode_opd, o.nama_opd, o.kode_opd_induk, o.unit_pelayanan
        FROM opd o JOIN periode p ON p.id = o.periode_id
        WHERE p.kode_periode = :periode
        ORDER BY o.id""",
    "pegawai": """
        SELECT g.nip, g.nama_lengkap, g.jenis_asn, g.jenis_kelamin, g.golongan_ruang, g.nama_jabatan,
               g.jenis_jabatan, g.kode_opd, g.nip_atasan, g.status_aktif
        FROM pegawai g JOIN periode p ON p.id = g.periode_id
        WHERE p.kode_periode = :periode
        ORDER BY g.id""",
    "evaluasi_periodik": """
        SELECT s.nip, p.kode_periode, s.nomor_skp, n.dasar_hukum, n.nilai_hasil_kerja, n.nilai_perilaku_kerja,
               n.nilai_skp, n.nilai_perilaku, n.predikat, n.nip_penilai, n.waktu_penilaian, n.plt_plh
        FROM penilaian n
        JOIN skp s ON s.id = n.skp_id
        JOIN periode p ON p.id = n.periode_id
        WHERE p.kode_periode = :periode
        ORDER BY n.id""",
    "rhk": """
        SELECT s.nip, s.nomor_skp, s.tahun, p.kode_periode, r.kode_rhk, r.uraian, r.jenis_rhk, r.indikator,
               r.target, r.satuan, x.nilai_realisasi
        FROM realisasi x
        JOIN rencana_hasil_kerja r ON r.id = x.rencana_hasil_kerja_id
        JOIN skp s ON s.id = r.skp_id
        JOIN periode p ON p.id = x.periode_id
        WHERE p.kode_periode = :periode
        ORDER BY x.id""",
    "predikat_organisasi": """
        SELECT u.kode_pemda, u.kode_opd, p.kode_periode, u.predikat
        FROM predikat_unit u JOIN periode p ON p.id = u.periode_id
        WHERE p.kode_periode = :periode
        ORDER BY u.id""",
    # the application's continuous feedback on RHK realisation and behaviour, and its behaviour plan
    # (rencana_perilaku: per BerAKHLAK value the leader's expectation and the value's rating)
    "umpan_balik": """
        SELECT u.kode_umpan_balik, u.nip, u.nomor_skp, p.kode_periode, u.jenis, u.kode_rhk, u.kode_perilaku,
               u.nip_pemberi, u.waktu_umpan_balik, u.deskripsi
        FROM umpan_balik u JOIN periode p ON p.id = u.periode_id
        WHERE p.kode_periode = :periode
        ORDER BY u.id""",
    "perilaku_kerja": """
        SELECT r.nip, r.nomor_skp, p.kode_periode, r.kode_perilaku, r.ekspektasi, r.nilai
        FROM rencana_perilaku r JOIN periode p ON p.id = r.periode_id
        WHERE p.kode_periode = :periode
        ORDER BY r.id""",
    # the annual evaluations: one row per employee and SKP of the year (penilaian_tahunan)
    "evaluasi_tahunan": """
        SELECT s.nip, t.tahun, s.nomor_skp, t.kode_opd, t.nama_jabatan, t.jenis_jabatan, t.tanggal_mulai,
               t.tanggal_selesai, t.dasar_hukum, t.nilai_hasil_kerja, t.nilai_perilaku_kerja, t.nilai_skp,
               t.nilai_perilaku, t.predikat, t.predikat_unit, t.nip_penilai, t.waktu_penilaian, t.plt_plh
        FROM penilaian_tahunan t
        JOIN skp s ON s.id = t.skp_id
        WHERE t.tahun = :tahun
        ORDER BY t.id""",
    # long format: one row per answer (a respondent without answers gives one row without unsur)
    "skm_responden": """
        SELECT r.no_urut, r.kode_responden, l.kode_pemda, l.kode_unit_layanan, l.nama_layanan,
               r.tanggal_survei, r.umur, r.jenis_kelamin, r.pendidikan, r.pekerjaan, r.saran,
               q.urutan, q.kode_unsur, q.nama_unsur, j.nilai
        FROM responden r
        LEFT JOIN layanan l ON l.id = r.layanan_id
        LEFT JOIN jawaban j ON j.responden_id = r.id
        LEFT JOIN pertanyaan q ON q.id = j.pertanyaan_id
        WHERE r.periode_survei = :periode
        ORDER BY r.no_urut, q.urutan, j.id""",
}

DEFAULT_COLUMNS: dict[str, dict[str, str]] = {
    "unit_kerja": {
        "kode_pemda": "instansi_kode", "kode_opd": "unit_kode", "nama_opd": "unit_nama",
        "kode_opd_induk": "induk_unit_kode", "unit_pelayanan": "is_unit_layanan",
    },
    "pegawai": {
        "nip": "nip", "nama_lengkap": "nama", "jenis_asn": "status_kepegawaian", "jenis_kelamin": "jenis_kelamin",
        "golongan_ruang": "golongan", "nama_jabatan": "jabatan_nama", "jenis_jabatan": "jabatan_kategori",
        "kode_opd": "unit_kode", "nip_atasan": "atasan_nip", "status_aktif": "aktif",
    },
    "evaluasi_periodik": {
        "nip": "nip", "kode_periode": "periode", "nomor_skp": "skp_id", "dasar_hukum": "regime",
        "nilai_hasil_kerja": "rating_hasil_kerja", "nilai_perilaku_kerja": "rating_perilaku_kerja",
        "nilai_skp": "nilai_skp", "nilai_perilaku": "nilai_perilaku", "predikat": "predikat",
        "nip_penilai": "penilai_nip", "waktu_penilaian": "waktu_dinilai", "plt_plh": "is_plt_plh",
    },
    "rhk": {
        "nip": "nip", "nomor_skp": "skp_id", "tahun": "tahun", "kode_periode": "periode", "kode_rhk": "rhk_kode",
        "uraian": "rhk_uraian", "jenis_rhk": "jenis_rhk", "indikator": "indikator", "target": "target",
        "satuan": "satuan", "nilai_realisasi": "realisasi",
    },
    "predikat_organisasi": {
        "kode_pemda": "instansi_kode", "kode_opd": "unit_kode", "kode_periode": "periode",
        "predikat": "predikat_organisasi",
    },
    "umpan_balik": {
        "kode_umpan_balik": "umpan_balik_id", "nip": "nip", "nomor_skp": "skp_id", "kode_periode": "periode",
        "jenis": "aspek", "kode_rhk": "rhk_kode", "kode_perilaku": "perilaku_kode", "nip_pemberi": "pemberi_nip",
        "waktu_umpan_balik": "waktu_diberikan", "deskripsi": "umpan_balik",
    },
    "perilaku_kerja": {
        "nip": "nip", "nomor_skp": "skp_id", "kode_periode": "periode", "kode_perilaku": "perilaku_kode",
        "ekspektasi": "ekspektasi", "nilai": "rating",
    },
    "evaluasi_tahunan": {
        "nip": "nip", "tahun": "tahun", "nomor_skp": "skp_id", "kode_opd": "unit_kode", "nama_jabatan": "jabatan_nama",
        "jenis_jabatan": "jabatan_kategori", "tanggal_mulai": "periode_awal", "tanggal_selesai": "periode_akhir",
        "dasar_hukum": "regime", "nilai_hasil_kerja": "rating_hasil_kerja",
        "nilai_perilaku_kerja": "rating_perilaku_kerja", "nilai_skp": "nilai_skp", "nilai_perilaku": "nilai_perilaku",
        "predikat": "predikat", "predikat_unit": "predikat_organisasi", "nip_penilai": "penilai_nip",
        "waktu_penilaian": "waktu_dinilai", "plt_plh": "is_plt_plh",
    },
    "skm_responden": {
        "kode_responden": "responden_id", "kode_pemda": "instansi_kode", "kode_unit_layanan": "unit_layanan_kode",
        "nama_layanan": "jenis_layanan", "tanggal_survei": "tanggal", "umur": "usia",
        "jenis_kelamin": "jenis_kelamin", "pendidikan": "pendidikan", "pekerjaan": "pekerjaan", "saran": "saran",
    },
}

_RATING = {"1": "DIATAS", "2": "SESUAI", "3": "DIBAWAH"}  # this application: 1 = Di Atas (not the lowest)
# the BerAKHLAK values numbered in the acronym's order (SE MenPANRB 20/2021)
_BERAKHLAK = {"1": "BERORIENTASI_PELAYANAN", "2": "AKUNTABEL", "3": "KOMPETEN", "4": "HARMONIS", "5": "LOYAL",
              "6": "ADAPTIF", "7": "KOLABORATIF"}
_JABATAN = {"1": "JPT_UTAMA", "2": "JPT_MADYA", "3": "JPT_PRATAMA", "4": "ADMINISTRATOR", "5": "PENGAWAS",
            "6": "FUNGSIONAL", "7": "PELAKSANA"}
_REGIME = {"permenpanrb_6_2022": "PERMEN6_2022", "pp_30_2019": "PP30_2019"}
# the application still says "cukup" (PerBKN 3/2023) for Butuh Perbaikan
_PREDIKAT = {"sangat_baik": "SANGAT_BAIK", "baik": "BAIK", "cukup": "BUTUH_PERBAIKAN", "kurang": "KURANG",
             "sangat_kurang": "SANGAT_KURANG"}
_PREDIKAT_UNIT = {"A": "ISTIMEWA", "B": "BAIK", "C": "BUTUH_PERBAIKAN", "D": "KURANG", "E": "SANGAT_KURANG"}
_PLT_PLH = {"1": "true", "0": "false"}
DEFAULT_CODES: dict[str, dict[str, dict[str, str]]] = {
    "unit_kerja": {"is_unit_layanan": {"Y": "true", "T": "false"}},
    "pegawai": {
        "status_kepegawaian": {"PNS": "PNS", "CPNS": "CPNS", "PPPK": "PPPK", "PPPK-PW": "PPPK_PARUH_WAKTU"},
        "jenis_kelamin": {"1": "L", "2": "P"},  # as digit 15 of the NIP
        "jabatan_kategori": _JABATAN,
        "aktif": {"aktif": "true", "nonaktif": "false"},
    },
    "evaluasi_periodik": {
        "regime": _REGIME,
        "rating_hasil_kerja": _RATING,
        "rating_perilaku_kerja": _RATING,
        "predikat": _PREDIKAT,
        "is_plt_plh": _PLT_PLH,
    },
    "rhk": {"jenis_rhk": {"1": "UTAMA", "2": "TAMBAHAN"}},
    "evaluasi_tahunan": {
        "jabatan_kategori": _JABATAN,
        "regime": _REGIME,
        "rating_hasil_kerja": _RATING,
        "rating_perilaku_kerja": _RATING,
        "predikat": _PREDIKAT,
        "predikat_organisasi": _PREDIKAT_UNIT,
        "is_plt_plh": _PLT_PLH,
    },
    "predikat_organisasi": {
        "predikat_organisasi": _PREDIKAT_UNIT,
    },
    "skm_responden": {"jenis_kelamin": {"1": "L", "2": "P"}},
    "umpan_balik": {"aspek": {"hasil_kerja": "RHK", "perilaku": "PERILAKU"}, "perilaku_kode": _BERAKHLAK},
    "perilaku_kerja": {"perilaku_kode": _BERAKHLAK, "rating": _RATING},
}

# The SKM application numbers its unsur its own way: U8 = Sarana, U9 = Pengaduan (the regulation
# has them the other way round, domain.md §2.2), so unsur are mapped by code, never by position.
DEFAULT_PIVOTS: dict[str, dict] = {
    "skm_responden": {
        "key": "no_urut",
        "unsur": "kode_unsur",
        "value": "nilai",
        "unsur_columns": {
            "U1": "persyaratan", "U2": "prosedur", "U3": "waktu", "U4": "biaya", "U5": "produk",
            "U6": "kompetensi", "U7": "perilaku", "U8": "sarana", "U9": "pengaduan",
        },
    },
}


# ----------------------------------------------------------------------------- settings

class Options(ConnectorOptions):
    """app_db's options (the module's docstring says what each does); per-entity ones replace the
    module's default for that entity."""

    url_env: Text | None = Field(None, description="name of an environment variable holding the database URL")
    url: Text | None = Field(None, description="the database URL in the file itself (prefer url_env)")
    database: Text | None = Field(None, description=(
        "otherwise this database on the warehouse's server ({agency}: the kode in lower case)"))
    queries: dict[str, Text] | None = Field(None, description="entity -> SQL, over DEFAULT_QUERIES")
    columns: dict[str, Mapping] | None = Field(None, description="entity -> {application column: canonical column}")
    codes: dict[str, Mapping] | None = Field(None, description=(
        "entity -> {canonical column: {application value: canonical value}}"))
    pivot: dict[str, Mapping] | None = Field(None, description=(
        "entity -> {key, unsur, value, unsur_columns}: answers in long format, one row per answer"))


def _for_entity(source: Source, option: str, entity: str, defaults: dict):
    configured = source.options.get(option) or {}
    if not isinstance(configured, dict):
        raise SourceError(f"options.{option} must map entity names to settings")
    return configured[entity] if entity in configured else defaults.get(entity)


def query_for(source: Source, entity: str) -> str:
    query = _for_entity(source, "queries", entity, DEFAULT_QUERIES)
    if not query:
        raise SourceError(f"no query for {entity}: set options.queries.{entity} of the app_db source")
    return str(query)


def columns_for(source: Source, entity: str) -> dict[str, str]:
    columns = _for_entity(source, "columns", entity, DEFAULT_COLUMNS) or {}
    return {str(k): str(v) for k, v in columns.items()}


def codes_for(source: Source, entity: str) -> dict[str, dict[str, str]]:
    codes = _for_entity(source, "codes", entity, DEFAULT_CODES) or {}
    return {str(col): {str(k): str(v) for k, v in (mapping or {}).items()} for col, mapping in codes.items()}


def pivot_for(source: Source, entity: str) -> dict | None:
    pivot = _for_entity(source, "pivot", entity, DEFAULT_PIVOTS)
    if not pivot:
        return None
    try:
        return {
            "key": str(pivot["key"]), "unsur": str(pivot["unsur"]), "value": str(pivot["value"]),
            "unsur_columns": {str(k): str(v) for k, v in pivot["unsur_columns"].items()},
        }
    except (KeyError, TypeError, AttributeError) as exc:
        raise SourceError(f"options.pivot.{entity} needs key, unsur, value and unsur_columns ({exc})") from None


def default_database(agency_kode: str, entity: str) -> str:
    app = "skm" if entity in SKM_ENTITIES else "ekinerja"
    return f"{agency_kode.lower()}_{app}"


# ----------------------------------------------------------------------------- URLs and engines

def sqlalchemy_url(raw: str | URL) -> URL:
    """A SQLAlchemy URL on the drivers this project installs: psycopg 3 or PyMySQL."""
    url = raw if isinstance(raw, URL) else make_url(str(raw).strip())
    backend, _, driver = url.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    elif backend in ("mysql", "mariadb"):
        url = url.set(drivername=f"{backend}+{driver or 'pymysql'}")
        if "charset" not in url.query:
            url = url.update_query_dict({"charset": "utf8mb4"})
    return url


def server_url(database: str) -> URL:
    """That database on the warehouse's PostgreSQL server, as its admin (who makes the demo's
    application databases: demo/synth/writers/app_db.py), or as the owner where there is no admin."""
    # the admin's, or (docker-compose.yml's demo profile) the owner's, which may create databases and roles
    return warehouse.sqlalchemy_url(warehouse.admin_url() or warehouse.url()).set(database=database)


def reader_login(agency_kode: str) -> str:
    """The login that reads a government's application databases on the warehouse's server: one per
    government, allowed to connect to its own databases and read them, nothing else."""
    return f"aplikasi_{agency_kode.lower()}"


def reader_url(agency_kode: str, database: str) -> URL:
    """That database on the warehouse's server as the government's own reading login."""
    conninfo = warehouse.as_login(warehouse.admin_url() or warehouse.url(), reader_login(agency_kode))
    return warehouse.sqlalchemy_url(conninfo).set(database=database)


def default_url(agency_kode: str, entity: str) -> URL:
    return reader_url(agency_kode, default_database(agency_kode, entity))


def url_for(agency: Agency, source: Source, entity: str, admin: bool = False) -> URL:
    """Where the agency's application database for `entity` is, by the source's options. A database
    on the warehouse's server (no url_env, no url) is read as the government's own login
    (reader_login), and made and written by the admin (`admin=True`: the demo's writer)."""
    options = source.options
    env = options.get("url_env")
    if named(env):
        return sqlalchemy_url(named(env))
    if options.get("url"):
        return sqlalchemy_url(str(options["url"]))
    database = str(options.get("database") or default_database(agency.kode, entity)).format(agency=agency.kode.lower())
    return server_url(database) if admin else reader_url(agency.kode, database)


def safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def engine_for(url: str | URL) -> Engine:
    url = sqlalchemy_url(url)
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return create_engine(url, poolclass=NullPool, connect_args=connect_args)


def is_mysql(url: URL) -> bool:
    return url.get_backend_name() in ("mysql", "mariadb")


def first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    message = str(original).strip()
    return message.splitlines()[0] if message else type(original).__name__


# ----------------------------------------------------------------------------- periods

def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of 'YYYY-MM', 'YYYY-Qn' or (the annual evaluations) 'YYYY'."""
    if re.fullmatch(r"\d{4}", period):
        return dt.date(int(period), 1, 1), dt.date(int(period), 12, 31)
    match = re.fullmatch(r"(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))", period)
    if not match:
        raise ValueError(f"period '{period}' is not YYYY-MM or YYYY-Qn")
    year = int(match[1])
    first_month, last_month = (int(match[2]),) * 2 if match[2] else ((int(match[3]) - 1) * 3 + 1, int(match[3]) * 3)
    return dt.date(year, first_month, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def query_parameters(period: str) -> dict[str, str]:
    first, last = period_bounds(period)
    return {"periode": period, "tahun": period[:4], "tanggal_awal": first.isoformat(), "tanggal_akhir": last.isoformat()}


# ----------------------------------------------------------------------------- fetch

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def origin(agency: Agency, source: Source, entity: str, period: str) -> str:
    """Where the delivery comes from, for the audit record (the database, without its password)."""
    return f"{safe(url_for(agency, source, entity))} ({entity}, {period})"


def fetch(agency: Agency, source: Source, entity: str, period: str, scratch: Path) -> Path | None:
    query = query_for(source, entity)
    try:
        url = url_for(agency, source, entity)
    except ArgumentError as exc:
        raise SourceError(f"{agency.kode} {entity}: the application database URL is not valid: {exc}") from None
    except RuntimeError as exc:  # etl.warehouse.WarehouseError: no server to find the default database on
        raise SourceError(f"{agency.kode} {entity}: cannot locate the application database: {exc}") from None
    where = safe(url)
    try:
        engine = engine_for(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise SourceError(f"{agency.kode} {entity}: cannot use the application database {where}: {first_line(exc)}") from None
    path = Path(scratch) / f"{agency.kode}_{entity}_{period}.csv"
    rows = 0
    try:
        try:
            conn = engine.connect()
        except SQLAlchemyError as exc:
            raise SourceError(
                f"{agency.kode} {entity}: cannot reach the application database {where}: {first_line(exc)}"
            ) from None
        with conn:
            try:
                result = conn.execution_options(stream_results=True, yield_per=FETCH_BATCH_ROWS).execute(
                    text(query), query_parameters(period)
                )
                with open(path, "w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle, lineterminator="\n")
                    writer.writerow(list(result.keys()))
                    for batch in result.partitions():
                        writer.writerows([_text(v) for v in row] for row in batch)
                        rows += len(batch)
            except SQLAlchemyError as exc:
                raise SourceError(
                    f"{agency.kode} {entity} {period}: the query on {where} failed: {first_line(exc)} "
                    f"(does the application database have the tables and columns that options.queries.{entity} "
                    "names?)"
                ) from None
    finally:
        engine.dispose()
    if rows == 0:
        path.unlink(missing_ok=True)
        return None
    return path


# ----------------------------------------------------------------------------- read

def _to_canonical(frame: pd.DataFrame, entity: str, columns: dict[str, str], codes: dict[str, dict[str, str]],
                  first_row: int) -> pd.DataFrame:
    renamed = frame[list(columns)].rename(columns=columns)
    for column, mapping in codes.items():
        if column in renamed:
            values = renamed[column].astype("string").str.strip()
            renamed[column] = values.map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
    return to_canonical(renamed, entity, first_row)


def read(agency: Agency, source: Source, entity: str, path: Path, chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    columns = columns_for(source, entity)
    codes = codes_for(source, entity)
    pivot = pivot_for(source, entity)
    produced = set(columns.values()) | (set(pivot["unsur_columns"].values()) if pivot else set())
    lacking = [c for c in entity_def(entity).required if c not in produced]
    if lacking:
        raise SourceError(f"options.columns.{entity} of {agency.kode} maps no column to {', '.join(lacking)}")
    needed = list(columns) + ([pivot["key"], pivot["unsur"], pivot["value"]] if pivot else [])
    try:
        reader = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], chunksize=max(1, chunk_rows),
                             encoding="utf-8")
        chunks = _checked(reader, path, entity, needed)
        if pivot:
            yield from _pivoted(chunks, path, entity, columns, codes, pivot)
            return
        next_row = 2  # the header is row 1
        for chunk in chunks:
            yield _to_canonical(chunk, entity, columns, codes, next_row)
            next_row += len(chunk)
    except pd.errors.EmptyDataError:
        raise EmptyDeliveryError(f"{path}: the file is empty (no header row)") from None
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SourceError(f"{path}: cannot be read as UTF-8 CSV: {exc}") from None


def _checked(reader, path: Path, entity: str, needed: list[str]) -> Iterator[pd.DataFrame]:
    first = True
    for chunk in reader:
        if first:
            missing = [c for c in needed if c not in chunk.columns]
            if missing:
                raise SourceError(
                    f"{path}: the query result lacks the columns {', '.join(missing)} "
                    f"(the application's columns named in options.columns.{entity} / options.pivot.{entity})"
                )
            first = False
        yield chunk


def _pivoted(chunks: Iterator[pd.DataFrame], path: Path, entity: str, columns: dict[str, str],
             codes: dict[str, dict[str, str]], pivot: dict) -> Iterator[pd.DataFrame]:
    """Long answers (one line per answer, lines of a respondent together) -> one row per respondent.

    Streams: a respondent whose lines continue in the next chunk is carried over. `_row` is the
    line of the respondent's first answer in the delivery (header = 1)."""
    key = pivot["key"]
    carry = pd.DataFrame()
    next_line = 2
    last_finished: str | None = None
    for chunk in chunks:
        chunk = chunk.copy()
        chunk["_line"] = range(next_line, next_line + len(chunk))
        next_line += len(chunk)
        frame = pd.concat([carry, chunk], ignore_index=True) if len(carry) else chunk.reset_index(drop=True)
        keys = frame[key]
        starts = keys.ne(keys.shift())
        if starts.sum() != keys.nunique() or (last_finished is not None and keys.iloc[0] == last_finished):
            raise SourceError(
                f"{path}: the answers of a respondent ({key}) are not on consecutive lines; the query "
                f"(options.queries.{entity}) must order its rows by {key}"
            )
        tail = keys.iloc[-1]
        done = keys.ne(tail)
        carry = frame[~done]
        if done.any():
            finished = frame[done]
            last_finished = finished[key].iloc[-1]
            yield _pivot_rows(finished, path, entity, columns, codes, pivot)
    if len(carry):
        yield _pivot_rows(carry, path, entity, columns, codes, pivot)


def _pivot_rows(frame: pd.DataFrame, path: Path, entity: str, columns: dict[str, str],
                codes: dict[str, dict[str, str]], pivot: dict) -> pd.DataFrame:
    key, unsur, value, unsur_columns = pivot["key"], pivot["unsur"], pivot["value"], pivot["unsur_columns"]
    people = frame.drop_duplicates(key, keep="first").set_index(key)
    answers = frame[frame[unsur].str.strip() != ""][[key, unsur, value, "_line"]].copy()
    answers[unsur] = answers[unsur].str.strip()
    unknown = sorted(set(answers[unsur]) - set(unsur_columns))
    if unknown:
        first = answers[answers[unsur] == unknown[0]]["_line"].iloc[0]
        raise SourceError(
            f"{path}: line {first}: unsur {', '.join(unknown)} is not mapped to a canonical column "
            f"(options.pivot.{entity}.unsur_columns maps {', '.join(unsur_columns)})"
        )
    answers["_column"] = answers[unsur].map(unsur_columns)
    answers[value] = answers[value].str.strip()
    answers = answers.drop_duplicates([key, "_column", value])
    twice = answers.duplicated([key, "_column"], keep=False)
    if twice.any():
        # two different answers to one unsur: keep both, visibly, so the suite quarantines the row
        joined = answers[twice].groupby([key, "_column"], sort=False)[value].agg(
            lambda s: "|".join(v for v in s if v)
        ).reset_index()
        answers = pd.concat([answers[~twice][[key, "_column", value]], joined], ignore_index=True)
    wide = answers.pivot(index=key, columns="_column", values=value)
    out = people.drop(columns=[c for c in (unsur, value) if c in people]).join(wide, how="left")
    out = out.reset_index()
    for column in unsur_columns.values():
        if column not in out:
            out[column] = ""
    out = out.fillna("")
    lines = out["_line"].astype("int64").to_numpy()
    mapping = dict(columns) | {c: c for c in unsur_columns.values()}
    result = _to_canonical(out, entity, mapping, codes, 0)
    result["_row"] = lines
    return result
