"""Application databases: the demo world as an agency's own e-kinerja and SKM applications hold it
(contracts.md §1, JAMBI; domain.md §4.4 for the shape of such Laravel-style schemas).

The e-kinerja application keeps reference periods (`periode`), monthly snapshots of its units
(`opd`, a tree by `kode_opd_induk`) and employees (`pegawai`), SKP headers (`skp`), their lines
(`rencana_hasil_kerja`) and monthly realisation (`realisasi`), periodic evaluations (`penilaian`),
annual evaluations (`penilaian_tahunan`, by year), the units' own predikat (`predikat_unit`), its raters'
continuous feedback (`umpan_balik`) and the behaviour plan of each SKP (`rencana_perilaku`: per
BerAKHLAK value, numbered 1-7, the leader's expectation and its rating). The SKM application keeps services (`layanan`),
its questionnaire (`pertanyaan`, unsur U1..U9 numbered its own way: U8 = Sarana, U9 = Pengaduan),
respondents (`responden`) and one row per answer (`jawaban`, nilai 1-4). Both use their own
names and codes (etl.sources.app_db.DEFAULT_CODES: ratings as 1 = Di Atas, 2 = Sesuai,
3 = Di Bawah; booleans as 'Y'/'T' or '1'/'0' ...), and store text as text (NIPs as varchar), so
planted defects (a NIP as "1.97411E+17", unknown labels, empties, duplicated rows) survive:
etl.sources.app_db reads back exactly `to_canonical` of what was written.

Call `write(out, agency_kode, entity, period, chunks, url)` once per entity and period; writing a
period again replaces it. Without `url`, the database is `<agency>_ekinerja` (`<agency>_skm` for
skm_responden) on the warehouse's PostgreSQL server, created if missing; a mysql+pymysql:// or
mariadb:// URL writes to MariaDB/MySQL instead. PostgreSQL is loaded with COPY, MariaDB with
multi-row INSERTs, one chunk at a time (memory is bounded by the chunk size).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    BigInteger, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, SmallInteger, String, Table, Text,
    and_, delete, exists, func, insert, literal, select, text,
)
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import SQLAlchemyError

from etl.canonical import ENTITIES, LABEL_COLUMNS, normalise_label
from etl.sources.app_db import (
    DEFAULT_CODES, DEFAULT_PIVOTS, SKM_ENTITIES, default_database, engine_for, reader_login, server_url, is_mysql, period_bounds, safe,
    sqlalchemy_url,
)

EKINERJA_ENTITIES = ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk", "predikat_organisasi", "evaluasi_tahunan",
                     "umpan_balik", "perilaku_kerja")
MYSQL_BATCH_ROWS = 1_000

_MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}


def _timestamps() -> list[Column]:
    return [Column("created_at", DateTime, server_default=func.current_timestamp(), nullable=True),
            Column("updated_at", DateTime, server_default=func.current_timestamp(), nullable=True)]


def _id() -> Column:
    return Column("id", BigInteger, primary_key=True, autoincrement=True)


def _key(name: str, length: int) -> Column:
    """A column that identifies shared rows: '' rather than NULL, so joins on it are plain equalities."""
    return Column(name, String(length), nullable=False, server_default="")


EKINERJA = MetaData()
periode = Table(
    "periode", EKINERJA, _id(),
    Column("kode_periode", String(16), nullable=False, unique=True),
    Column("jenis_periode", String(16)), Column("tahun", Integer),
    Column("tanggal_awal", Date), Column("tanggal_akhir", Date), *_timestamps(), **_MYSQL,
)
opd = Table(
    "opd", EKINERJA, _id(),
    Column("periode_id", BigInteger, ForeignKey("periode.id"), nullable=False),
    Column("kode_pemda", String(64)), Column("kode_opd", String(128)), Column("nama_opd", String(255)),
    Column("kode_opd_induk", String(128)), Column("unit_pelayanan", String(64)), *_timestamps(),
    Index("opd_periode_id_index", "periode_id"), **_MYSQL,
)
pegawai = Table(
    "pegawai", EKINERJA, _id(),
    Column("periode_id", BigInteger, ForeignKey("periode.id"), nullable=False),
    Column("nip", String(64)), Column("nama_lengkap", String(255)), Column("jenis_asn", String(64)),
    Column("jenis_kelamin", String(64)), Column("golongan_ruang", String(64)), Column("nama_jabatan", String(255)),
    Column("jenis_jabatan", String(64)), Column("kode_opd", String(128)), Column("nip_atasan", String(64)),
    Column("status_aktif", String(64)), *_timestamps(),
    Index("pegawai_periode_id_index", "periode_id"), **_MYSQL,
)
skp = Table(
    "skp", EKINERJA, _id(),
    _key("nomor_skp", 128), _key("nip", 64), _key("tahun", 32), *_timestamps(),
    Index("skp_nomor_skp_nip_index", "nomor_skp", "nip"), **_MYSQL,
)
rencana_hasil_kerja = Table(
    "rencana_hasil_kerja", EKINERJA, _id(),
    Column("skp_id", BigInteger, ForeignKey("skp.id"), nullable=False),
    _key("kode_rhk", 128), Column("uraian", Text), Column("jenis_rhk", String(64)), Column("indikator", Text),
    Column("target", String(64)), Column("satuan", String(128)), *_timestamps(),
    Index("rencana_hasil_kerja_skp_id_kode_rhk_index", "skp_id", "kode_rhk"), **_MYSQL,
)
realisasi = Table(
    "realisasi", EKINERJA, _id(),
    Column("rencana_hasil_kerja_id", BigInteger, ForeignKey("rencana_hasil_kerja.id"), nullable=False),
    Column("periode_id", BigInteger, ForeignKey("periode.id"), nullable=False),
    Column("nilai_realisasi", String(64)), *_timestamps(),
    Index("realisasi_periode_id_index", "periode_id"),
    Index("realisasi_rencana_hasil_kerja_id_index", "rencana_hasil_kerja_id"), **_MYSQL,
)
penilaian = Table(
    "penilaian", EKINERJA, _id(),
    Column("skp_id", BigInteger, ForeignKey("skp.id"), nullable=False),
    Column("periode_id", BigInteger, ForeignKey("periode.id"), nullable=False),
    Column("dasar_hukum", String(64)), Column("nilai_hasil_kerja", String(64)),
    Column("nilai_perilaku_kerja", String(64)), Column("nilai_skp", String(64)), Column("nilai_perilaku", String(64)),
    Column("predikat", String(64)), Column("nip_penilai", String(64)), Column("waktu_penilaian", String(64)),
    Column("plt_plh", String(64)), *_timestamps(),
    Index("penilaian_periode_id_index", "periode_id"), Index("penilaian_skp_id_index", "skp_id"), **_MYSQL,
)
# the annual evaluations (evaluasi kinerja tahunan): one row per SKP of the year, with its span and post
penilaian_tahunan = Table(
    "penilaian_tahunan", EKINERJA, _id(),
    Column("skp_id", BigInteger, ForeignKey("skp.id"), nullable=False),
    Column("tahun", String(16), nullable=False), Column("kode_opd", String(128)), Column("nama_jabatan", String(255)),
    Column("jenis_jabatan", String(64)), Column("tanggal_mulai", String(64)), Column("tanggal_selesai", String(64)),
    Column("dasar_hukum", String(64)), Column("nilai_hasil_kerja", String(64)),
    Column("nilai_perilaku_kerja", String(64)), Column("nilai_skp", String(64)), Column("nilai_perilaku", String(64)),
    Column("predikat", String(64)), Column("predikat_unit", String(64)), Column("nip_penilai", String(64)),
    Column("waktu_penilaian", String(64)), Column("plt_plh", String(64)), *_timestamps(),
    Index("penilaian_tahunan_tahun_index", "tahun"), **_MYSQL,
)
predikat_unit = Table(
    "predikat_unit", EKINERJA, _id(),
    Column("periode_id", BigInteger, ForeignKey("periode.id"), nullable=False),
    Column("kode_pemda", String(64)), Column("kode_opd", String(128)), Column("predikat", String(64)),
    *_timestamps(), Index("predikat_unit_periode_id_index", "periode_id"), **_MYSQL,
)
# continuous feedback (umpan balik) on an RHK line (jenis 'hasil_kerja') or a BerAKHLAK value ('perilaku'),
# and the behaviour plan: per value the leader's expectation and, once rated, its rating (domain.md §4.4 (b))
umpan_balik = Table(
    "umpan_balik", EKINERJA, _id(),
    Column("periode_id", BigInteger, ForeignKey("periode.id"), nullable=False),
    Column("kode_umpan_balik", String(128)), Column("nip", String(64)), Column("nomor_skp", String(128)),
    Column("jenis", String(64)), Column("kode_rhk", String(128)), Column("kode_perilaku", String(64)),
    Column("nip_pemberi", String(64)), Column("waktu_umpan_balik", String(64)), Column("deskripsi", Text),
    *_timestamps(), Index("umpan_balik_periode_id_index", "periode_id"), **_MYSQL,
)
rencana_perilaku = Table(
    "rencana_perilaku", EKINERJA, _id(),
    Column("periode_id", BigInteger, ForeignKey("periode.id"), nullable=False),
    Column("nip", String(64)), Column("nomor_skp", String(128)), Column("kode_perilaku", String(64)),
    Column("ekspektasi", Text), Column("nilai", String(64)),
    *_timestamps(), Index("rencana_perilaku_periode_id_index", "periode_id"), **_MYSQL,
)

SKM = MetaData()
layanan = Table(
    "layanan", SKM, _id(),
    _key("kode_pemda", 64), _key("kode_unit_layanan", 128), _key("nama_layanan", 255), *_timestamps(),
    Index("layanan_kode_index", "kode_pemda", "kode_unit_layanan", "nama_layanan"), **_MYSQL,
)
pertanyaan = Table(
    "pertanyaan", SKM, _id(),
    Column("urutan", Integer, nullable=False), Column("kode_unsur", String(8), nullable=False),
    Column("nama_unsur", String(128)), Column("pertanyaan", Text), *_timestamps(), **_MYSQL,
)
responden = Table(
    "responden", SKM, _id(),
    Column("periode_survei", String(16), nullable=False), Column("no_urut", Integer, nullable=False),
    Column("kode_responden", String(128)), Column("layanan_id", BigInteger, ForeignKey("layanan.id")),
    Column("tanggal_survei", String(64)), Column("umur", String(64)), Column("jenis_kelamin", String(64)),
    Column("pendidikan", String(128)), Column("pekerjaan", String(128)), Column("saran", Text), *_timestamps(),
    Index("responden_periode_survei_no_urut_index", "periode_survei", "no_urut"), **_MYSQL,
)
jawaban = Table(
    "jawaban", SKM, _id(),
    Column("responden_id", BigInteger, ForeignKey("responden.id"), nullable=False),
    Column("pertanyaan_id", BigInteger, ForeignKey("pertanyaan.id"), nullable=False),
    Column("nilai", SmallInteger), *_timestamps(),
    Index("jawaban_responden_id_index", "responden_id"), **_MYSQL,
)

# The application's questionnaire, in its own order and with its own unsur numbering.
QUESTIONNAIRE = [
    (1, "U1", "Persyaratan", "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"),
    (2, "U2", "Sistem, Mekanisme, dan Prosedur", "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?"),
    (3, "U3", "Waktu Penyelesaian", "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?"),
    (4, "U4", "Biaya/Tarif", "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?"),
    (5, "U5", "Produk Spesifikasi Jenis Pelayanan", "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?"),
    (6, "U6", "Kompetensi Pelaksana", "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?"),
    (7, "U7", "Perilaku Pelaksana", "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?"),
    (8, "U8", "Sarana dan Prasarana", "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?"),
    (9, "U9", "Penanganan Pengaduan, Saran dan Masukan", "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?"),
]
UNSUR_COLUMNS: dict[str, str] = DEFAULT_PIVOTS["skm_responden"]["unsur_columns"]  # code -> canonical column


def _metadata(entity: str) -> MetaData:
    if entity in SKM_ENTITIES:
        return SKM
    if entity in EKINERJA_ENTITIES:
        return EKINERJA
    raise ValueError(f"the application databases hold no {entity} (they hold {', '.join(EKINERJA_ENTITIES + SKM_ENTITIES)})")


# ----------------------------------------------------------------------------- database and schema

def ensure_database(url: str | URL) -> URL:
    """Create the URL's database on its server if it does not exist. Returns the URL."""
    url = sqlalchemy_url(url)
    name = url.database
    if not name:
        raise ValueError(f"{safe(url)} names no database")
    mysql = is_mysql(url)
    server = engine_for(url._replace(database=None) if mysql else url.set(database="postgres"))  # URL.set skips None
    try:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            quoted = server.dialect.identifier_preparer.quote(name)
            if mysql:
                conn.execute(text(f"CREATE DATABASE IF NOT EXISTS {quoted} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"))
            elif not conn.execute(text("select 1 from pg_database where datname = :n"), {"n": name}).first():
                conn.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        server.dispose()
    return url


def prepare(url: str | URL, apps: Iterable[str] = ("ekinerja", "skm")) -> URL:
    """Create the database if missing and the applications' tables if missing (idempotent);
    the SKM application's questionnaire is seeded when it has none."""
    url = ensure_database(url)
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            for app in apps:
                metadata = {"ekinerja": EKINERJA, "skm": SKM}[app]
                metadata.create_all(conn, checkfirst=True)
                if app == "skm" and not conn.execute(select(func.count()).select_from(pertanyaan)).scalar():
                    conn.execute(insert(pertanyaan), [
                        {"urutan": u, "kode_unsur": k, "nama_unsur": n, "pertanyaan": q} for u, k, n, q in QUESTIONNAIRE
                    ])
    finally:
        engine.dispose()
    return url


def grant_reader(url: URL, agency_kode: str) -> None:
    """A PostgreSQL application database made by the server's superuser or the warehouse's owner (the
    demo on the warehouse's server): the government's own login (reader_login, its generated password in the warehouse's
    password file) may connect to it and read its tables; PUBLIC may not connect."""
    if is_mysql(url):
        return
    from etl import warehouse

    engine = engine_for(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.execute(text("select rolsuper or rolcreaterole from pg_roles where rolname = current_user")
                                ).scalar():
                return
            login = reader_login(agency_kode)
            if not conn.execute(text("select 1 from pg_roles where rolname = :n"), {"n": login}).first():
                conn.execute(text(f'create role "{login}" login'))
            quoted = engine.dialect.identifier_preparer.quote(url.database)
            for statement in (f"revoke connect on database {quoted} from public",
                              f'grant connect on database {quoted} to "{login}"',
                              f'grant usage on schema public to "{login}"',
                              f'grant select on all tables in schema public to "{login}"'):
                conn.execute(text(statement))
    finally:
        engine.dispose()
    warehouse.login_password(warehouse.admin_url() or warehouse.url(), login)


# ----------------------------------------------------------------------------- encoding

_ENCODE: dict[str, dict[str, dict[str, str]]] = {
    entity: {column: {canonical: app for app, canonical in mapping.items()} for column, mapping in columns.items()}
    for entity, columns in DEFAULT_CODES.items()
}
_KEYS = {  # columns stored as '' rather than NULL (see _key)
    "evaluasi_periodik": ("skp_id", "nip"),
    "evaluasi_tahunan": ("skp_id", "nip"),
    "rhk": ("skp_id", "nip", "tahun", "rhk_kode"),
    "skm_responden": ("instansi_kode", "unit_layanan_kode", "jenis_layanan"),
}
_INTEGER = re.compile(r"^-?(?:0|[1-9][0-9]{0,3})$")


def _encode(agency_kode: str, entity: str, period: str, chunk: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Canonical text -> the application's values. Raises ValueError for what the application cannot hold."""
    spec = ENTITIES[entity]
    missing = [c for c in spec.columns if c not in chunk.columns]
    if missing:
        raise ValueError(f"{agency_kode} {entity} {period}: the chunk lacks the columns {', '.join(missing)}")
    where = f"{agency_kode} {entity} {period}"
    out = pd.DataFrame(index=range(len(chunk)))
    for column in spec.columns:
        values = chunk[column].astype("string").str.strip().reset_index(drop=True)
        values = values.mask(values == "")
        vocabulary = LABEL_COLUMNS.get(entity, {}).get(column)
        if vocabulary:
            values = values.map(lambda v, voc=vocabulary: normalise_label(voc, v) if isinstance(v, str) else None)
            values = values.astype("string")
        mapping = _ENCODE.get(entity, {}).get(column)
        if mapping:
            known = values.isin(list(mapping))
            clash = values[~known & values.isin(list(mapping.values()))]
            if len(clash):
                raise ValueError(
                    f"{where}: {column} '{clash.iloc[0]}' (row {first_row + int(clash.index[0])}) is not a canonical "
                    f"value but spells one of the application's codes, so it would not survive the round trip"
                )
            values = values.where(~known, values.map(mapping))
        out[column] = values
    if spec.period_column:
        wrong = out[spec.period_column].fillna("") != period
        if wrong.any():
            i = int(wrong.idxmax())
            raise ValueError(
                f"{where}: row {first_row + i} has {spec.period_column} '{out.at[i, spec.period_column]}', but the "
                f"application assigns every row the period it is entered in ({period})"
            )
    if entity in SKM_ENTITIES:
        for column in UNSUR_COLUMNS.values():
            filled = out[column].dropna()
            bad = filled[~filled.str.match(_INTEGER)]
            if len(bad):
                raise ValueError(
                    f"{where}: {column} '{bad.iloc[0]}' (row {first_row + int(bad.index[0])}) is not a whole number; "
                    "the application stores each answer as an integer"
                )
            out[column] = pd.to_numeric(out[column]).astype("Int16")
    for column in _KEYS.get(entity, ()):
        out[column] = out[column].fillna("")
    out.insert(0, "seq", range(first_row, first_row + len(out)))
    return out


def _stage_table(entity: str) -> Table:
    columns = [Column("seq", BigInteger, nullable=False)]
    for name in ENTITIES[entity].columns:
        integer = entity in SKM_ENTITIES and name in UNSUR_COLUMNS.values()
        columns.append(Column(name, SmallInteger if integer else Text))
    return Table(f"stage_{entity}", MetaData(), *columns, prefixes=["TEMPORARY"], **_MYSQL)


def _load_stage(conn: Connection, stage: Table, frame: pd.DataFrame, entity: str) -> None:
    if frame.empty:
        return
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        names = ", ".join(f'"{c.name}"' for c in stage.columns)
        # an empty field is NULL, except in the key columns, which hold '' (never NULL)
        keys = ", ".join(f'"{c}"' for c in _KEYS.get(entity, ()))
        options = f"FORMAT csv, FORCE_NOT_NULL ({keys})" if keys else "FORMAT csv"
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False, lineterminator="\n")
        with driver.cursor() as cursor, cursor.copy(f'COPY "{stage.name}" ({names}) FROM STDIN ({options})') as copy:
            copy.write(buffer.getvalue())
        return
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for start in range(0, len(records), MYSQL_BATCH_ROWS):
        conn.execute(insert(stage), records[start:start + MYSQL_BATCH_ROWS])  # PyMySQL sends multi-row INSERTs


# ----------------------------------------------------------------------------- moving staged rows into the application

def _periode_id(conn: Connection, period: str) -> int:
    found = conn.execute(select(periode.c.id).where(periode.c.kode_periode == period)).scalar()
    if found is not None:
        return found
    first, last = period_bounds(period)
    conn.execute(insert(periode).values(
        kode_periode=period, jenis_periode="TRIWULANAN" if "Q" in period else "BULANAN", tahun=first.year,
        tanggal_awal=first, tanggal_akhir=last,
    ))
    return conn.execute(select(periode.c.id).where(periode.c.kode_periode == period)).scalar_one()


def _same(a, b):
    return a.is_not_distinct_from(b)


def _skp_join(stage: Table, tahun):
    return and_(skp.c.nomor_skp == stage.c.skp_id, skp.c.nip == stage.c.nip, skp.c.tahun == tahun)


def _add_skp(conn: Connection, stage: Table, tahun) -> None:
    rows = select(stage.c.skp_id, stage.c.nip, tahun).distinct().where(~exists().where(_skp_join(stage, tahun)))
    conn.execute(insert(skp).from_select(["nomor_skp", "nip", "tahun"], rows))


def _rhk_join(stage: Table):
    return and_(
        rencana_hasil_kerja.c.skp_id == skp.c.id, rencana_hasil_kerja.c.kode_rhk == stage.c.rhk_kode,
        _same(rencana_hasil_kerja.c.uraian, stage.c.rhk_uraian), _same(rencana_hasil_kerja.c.jenis_rhk, stage.c.jenis_rhk),
        _same(rencana_hasil_kerja.c.indikator, stage.c.indikator), _same(rencana_hasil_kerja.c.target, stage.c.target),
        _same(rencana_hasil_kerja.c.satuan, stage.c.satuan),
    )


def _layanan_join(stage: Table):
    return and_(layanan.c.kode_pemda == stage.c.instansi_kode, layanan.c.kode_unit_layanan == stage.c.unit_layanan_kode,
                layanan.c.nama_layanan == stage.c.jenis_layanan)


def _copy_rows(conn: Connection, table: Table, stage: Table, columns: dict, joined=None) -> None:
    """INSERT INTO table (...) SELECT ... FROM stage [JOIN ...] ORDER BY seq: ids follow the delivery's order."""
    rows = select(*columns.values())
    if joined is not None:
        rows = rows.select_from(joined)
    conn.execute(insert(table).from_select(list(columns), rows.order_by(stage.c.seq)))


def _move(conn: Connection, entity: str, stage: Table, period: str, context: dict) -> None:
    s = stage.c
    if entity == "unit_kerja":
        _copy_rows(conn, opd, stage, {
            "periode_id": literal(context["periode_id"], BigInteger), "kode_pemda": s.instansi_kode,
            "kode_opd": s.unit_kode, "nama_opd": s.unit_nama, "kode_opd_induk": s.induk_unit_kode,
            "unit_pelayanan": s.is_unit_layanan,
        })
    elif entity == "pegawai":
        _copy_rows(conn, pegawai, stage, {
            "periode_id": literal(context["periode_id"], BigInteger), "nip": s.nip, "nama_lengkap": s.nama,
            "jenis_asn": s.status_kepegawaian, "jenis_kelamin": s.jenis_kelamin, "golongan_ruang": s.golongan,
            "nama_jabatan": s.jabatan_nama, "jenis_jabatan": s.jabatan_kategori, "kode_opd": s.unit_kode,
            "nip_atasan": s.atasan_nip, "status_aktif": s.aktif,
        })
    elif entity == "predikat_organisasi":
        _copy_rows(conn, predikat_unit, stage, {
            "periode_id": literal(context["periode_id"], BigInteger), "kode_pemda": s.instansi_kode,
            "kode_opd": s.unit_kode, "predikat": s.predikat_organisasi,
        })
    elif entity == "evaluasi_periodik":
        tahun = literal(period[:4], String)  # the SKP of the evaluated period's year
        _add_skp(conn, stage, tahun)
        _copy_rows(conn, penilaian, stage, {
            "skp_id": skp.c.id, "periode_id": literal(context["periode_id"], BigInteger), "dasar_hukum": s.regime,
            "nilai_hasil_kerja": s.rating_hasil_kerja, "nilai_perilaku_kerja": s.rating_perilaku_kerja,
            "nilai_skp": s.nilai_skp, "nilai_perilaku": s.nilai_perilaku, "predikat": s.predikat,
            "nip_penilai": s.penilai_nip, "waktu_penilaian": s.waktu_dinilai, "plt_plh": s.is_plt_plh,
        }, stage.join(skp, _skp_join(stage, tahun)))
    elif entity == "evaluasi_tahunan":
        tahun = literal(period, String)
        _add_skp(conn, stage, tahun)
        _copy_rows(conn, penilaian_tahunan, stage, {
            "skp_id": skp.c.id, "tahun": tahun, "kode_opd": s.unit_kode, "nama_jabatan": s.jabatan_nama,
            "jenis_jabatan": s.jabatan_kategori, "tanggal_mulai": s.periode_awal, "tanggal_selesai": s.periode_akhir,
            "dasar_hukum": s.regime, "nilai_hasil_kerja": s.rating_hasil_kerja,
            "nilai_perilaku_kerja": s.rating_perilaku_kerja, "nilai_skp": s.nilai_skp,
            "nilai_perilaku": s.nilai_perilaku, "predikat": s.predikat, "predikat_unit": s.predikat_organisasi,
            "nip_penilai": s.penilai_nip, "waktu_penilaian": s.waktu_dinilai, "plt_plh": s.is_plt_plh,
        }, stage.join(skp, _skp_join(stage, tahun)))
    elif entity == "rhk":
        _add_skp(conn, stage, s.tahun)
        # an SKP line is shared by the months that realise it; a line that differs in anything is another line
        lines = (select(skp.c.id, s.rhk_kode, s.rhk_uraian, s.jenis_rhk, s.indikator, s.target, s.satuan).distinct()
                 .select_from(stage.join(skp, _skp_join(stage, s.tahun))).where(~exists().where(_rhk_join(stage))))
        conn.execute(insert(rencana_hasil_kerja).from_select(
            ["skp_id", "kode_rhk", "uraian", "jenis_rhk", "indikator", "target", "satuan"], lines))
        _copy_rows(conn, realisasi, stage, {
            "rencana_hasil_kerja_id": rencana_hasil_kerja.c.id, "periode_id": literal(context["periode_id"], BigInteger),
            "nilai_realisasi": s.realisasi,
        }, stage.join(skp, _skp_join(stage, s.tahun)).join(rencana_hasil_kerja, _rhk_join(stage)))
    elif entity == "umpan_balik":
        _copy_rows(conn, umpan_balik, stage, {
            "periode_id": literal(context["periode_id"], BigInteger), "kode_umpan_balik": s.umpan_balik_id,
            "nip": s.nip, "nomor_skp": s.skp_id, "jenis": s.aspek, "kode_rhk": s.rhk_kode,
            "kode_perilaku": s.perilaku_kode, "nip_pemberi": s.pemberi_nip, "waktu_umpan_balik": s.waktu_diberikan,
            "deskripsi": s.umpan_balik,
        })
    elif entity == "perilaku_kerja":
        _copy_rows(conn, rencana_perilaku, stage, {
            "periode_id": literal(context["periode_id"], BigInteger), "nip": s.nip, "nomor_skp": s.skp_id,
            "kode_perilaku": s.perilaku_kode, "ekspektasi": s.ekspektasi, "nilai": s.rating,
        })
    elif entity == "skm_responden":
        services = select(s.instansi_kode, s.unit_layanan_kode, s.jenis_layanan).distinct().where(
            ~exists().where(_layanan_join(stage)))
        conn.execute(insert(layanan).from_select(["kode_pemda", "kode_unit_layanan", "nama_layanan"], services))
        _copy_rows(conn, responden, stage, {
            "periode_survei": literal(period, String), "no_urut": s.seq, "kode_responden": s.responden_id,
            "layanan_id": layanan.c.id, "tanggal_survei": s.tanggal, "umur": s.usia, "jenis_kelamin": s.jenis_kelamin,
            "pendidikan": s.pendidikan, "pekerjaan": s.pekerjaan, "saran": s.saran,
        }, stage.join(layanan, _layanan_join(stage)))
        person = and_(responden.c.periode_survei == period, responden.c.no_urut == s.seq)
        for code, column in UNSUR_COLUMNS.items():
            answers = (select(responden.c.id, literal(context["pertanyaan"][code], BigInteger), s[column])
                       .select_from(stage.join(responden, person)).where(s[column].is_not(None)).order_by(s.seq))
            conn.execute(insert(jawaban).from_select(["responden_id", "pertanyaan_id", "nilai"], answers))


def _clear(conn: Connection, entity: str, period: str, context: dict) -> None:
    """Remove what an earlier write put in the period (rows shared with other periods stay)."""
    pid = context.get("periode_id")
    table = {"unit_kerja": opd, "pegawai": pegawai, "predikat_organisasi": predikat_unit,
             "evaluasi_periodik": penilaian, "rhk": realisasi, "umpan_balik": umpan_balik,
             "perilaku_kerja": rencana_perilaku}.get(entity)
    if table is not None:
        conn.execute(delete(table).where(table.c.periode_id == pid))
    if entity == "evaluasi_tahunan":
        conn.execute(delete(penilaian_tahunan).where(penilaian_tahunan.c.tahun == period))
    if entity == "skm_responden":
        ids = select(responden.c.id).where(responden.c.periode_survei == period)
        conn.execute(delete(jawaban).where(jawaban.c.responden_id.in_(ids)))
        conn.execute(delete(responden).where(responden.c.periode_survei == period))


def _tidy(conn: Connection, entity: str) -> None:
    """Drop SKP lines, SKP headers and services no row refers to any more."""
    if entity in ("rhk", "evaluasi_periodik", "evaluasi_tahunan"):
        conn.execute(delete(rencana_hasil_kerja).where(
            ~exists().where(realisasi.c.rencana_hasil_kerja_id == rencana_hasil_kerja.c.id)))
        conn.execute(delete(skp).where(~exists().where(penilaian.c.skp_id == skp.c.id),
                                       ~exists().where(penilaian_tahunan.c.skp_id == skp.c.id),
                                       ~exists().where(rencana_hasil_kerja.c.skp_id == skp.c.id)))
    if entity == "skm_responden":
        conn.execute(delete(layanan).where(~exists().where(responden.c.layanan_id == layanan.c.id)))


# ----------------------------------------------------------------------------- the writer

def write(out: Path, agency_kode: str, entity: str, period: str, chunks: Iterable[pd.DataFrame],
          url: str | URL | None = None) -> None:
    """Put one period of an entity into the agency's application database, replacing that period.

    `chunks` hold exactly the canonical columns of the entity, as text ('' = empty). `out` (the
    sources folder) is not used: the data lives in the database. Raises ValueError for a value
    the application cannot hold (a row of another period, a survey answer that is not a whole
    number, a raw label that spells one of the application's codes)."""
    metadata = _metadata(entity)
    target = prepare(url if url is not None else server_url(default_database(agency_kode, entity)),
                     ("skm",) if metadata is SKM else ("ekinerja",))
    grant_reader(target, agency_kode)
    engine = engine_for(target)
    stage = _stage_table(entity)
    try:
        with engine.begin() as conn:
            context: dict = {}
            if metadata is EKINERJA:
                if entity != "evaluasi_tahunan":  # the annual rows name their year
                    context["periode_id"] = _periode_id(conn, period)
            else:
                found = dict(conn.execute(select(pertanyaan.c.kode_unsur, pertanyaan.c.id)).all())
                lacking = [code for code in UNSUR_COLUMNS if code not in found]
                if lacking:
                    raise ValueError(f"{safe(target)}: the questionnaire has no question for {', '.join(lacking)}")
                context["pertanyaan"] = found
            _clear(conn, entity, period, context)
            stage.create(conn)
            next_row = 1
            for chunk in chunks:
                frame = _encode(agency_kode, entity, period, chunk, next_row)
                next_row += len(frame)
                _load_stage(conn, stage, frame, entity)
                _move(conn, entity, stage, period, context)
                conn.execute(delete(stage))
            stage.drop(conn)
            _tidy(conn, entity)
    except SQLAlchemyError as exc:
        raise RuntimeError(f"{agency_kode} {entity} {period}: writing to {safe(target)} failed: {exc}") from exc
    finally:
        engine.dispose()
