"""An agency's own application databases (JAMBI: e-kinerja and SKM), on a real PostgreSQL and a
real MariaDB: canonical frames -> writer -> the application's tables -> fetch -> read gives back
exactly to_canonical of the frames, planted defects included."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from sqlalchemy import text, update

from etl.canonical import ENTITIES, to_canonical
from etl.config import Agency, Source
from etl.sources import SourceError, app_db as connector
from demo.synth.writers import app_db as writer

PERIOD, OTHER = "2026-09", "2026-10"
URL_ENV = "KINERJA_TEST_JAMBI_APP_URL"
EKINERJA = ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk", "predikat_organisasi", "umpan_balik", "perilaku_kerja")
TEST_DB = f"kinerja_appdb_test_{os.getpid()}"


# ----------------------------------------------------------------------------- databases

@pytest.fixture(scope="module")
def postgres_url(warehouse_url):
    """A throwaway database on the warehouse's server (dropped afterwards)."""
    url = connector.server_url(TEST_DB).render_as_string(hide_password=False)
    yield url
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{TEST_DB}" with (force)')
        conn.execute(f'drop database if exists "{TEST_DB}_kosong" with (force)')


@pytest.fixture(scope="module")
def mariadb_url():
    import pymysql

    try:
        pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", connect_timeout=3).close()
    except pymysql.err.MySQLError as exc:
        pytest.skip(f"MariaDB not reachable at 127.0.0.1:3306: {exc}")
    yield f"mysql+pymysql://root@127.0.0.1:3306/{TEST_DB}"
    conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="")
    with conn.cursor() as cursor:
        cursor.execute(f"drop database if exists `{TEST_DB}`")
        cursor.execute(f"drop database if exists `{TEST_DB}_kosong`")
    conn.close()


@pytest.fixture(params=["postgres", "mariadb"])
def app_url(request, monkeypatch):
    url = request.getfixturevalue(f"{request.param}_url")
    monkeypatch.setenv(URL_ENV, url)
    return url


def _agency(**options) -> Agency:
    settings = {"url_env": URL_ENV} | options
    return Agency("JAMBI", "Kota Jambi", "monthly", (
        Source("app_db", EKINERJA, settings),
        Source("app_db", ("skm_responden",), settings),
    ))


def _frame(entity: str, rows: list[tuple]) -> pd.DataFrame:
    columns = list(ENTITIES[entity].columns)
    # rows written before an optional column was added at the end (rhk's target_teks) leave it empty
    return pd.DataFrame([tuple(row) + ("",) * (len(columns) - len(row)) for row in rows], columns=columns, dtype=str)


def _roundtrip(url, entity, period, frame, tmp_path, agency=None, chunk_rows=4):
    half = len(frame) // 2
    writer.write(tmp_path, "JAMBI", entity, period, [frame.iloc[:half], frame.iloc[half:]], url=url)
    return _fetch_read(entity, period, tmp_path, agency, chunk_rows)


def _fetch_read(entity, period, tmp_path, agency=None, chunk_rows=4):
    agency = agency or _agency()
    source = agency.source_for(entity)
    path = connector.fetch(agency, source, entity, period, tmp_path)
    assert path is not None, f"no {entity} fetched for {period}"
    chunks = list(connector.read(agency, source, entity, path, chunk_rows))
    assert all(len(c) <= chunk_rows for c in chunks)
    return path, pd.concat(chunks, ignore_index=True)


def _expected(entity, frame):
    return to_canonical(frame.reset_index(drop=True), entity, 2)


# ----------------------------------------------------------------------------- canonical frames with defects

NIP_KADIS, NIP_ANALIS, NIP_PPPK, NIP_STAF = "197411021998031003", "198301122008012004", "199203152022212001", "198805052010011002"
SCIENTIFIC = "1.97411E+17"  # a NIP that went through Excel

UNIT_KERJA = _frame("unit_kerja", [
    ("JAMBI", "JAMBI", "Pemerintah Kota Jambi", "", "false"),
    ("JAMBI", "JAMBI.DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "JAMBI", "true"),
    ("JAMBI", "JAMBI.DISDUKCAPIL.PDP", "Bidang Pelayanan Pendaftaran Penduduk", "JAMBI.DISDUKCAPIL", "true"),
    ("JAMBI", "JAMBI.BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "JAMBI", "ya"),
    ("JAMBI", "JAMBI BAPPEDA", "Bappeda", "JAMBI", "false"),
    ("JAMBI", "JAMBI.DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "JAMBI", "true"),
    ("JAMBI", "JAMBI.KEC.TELANAIPURA", " Kecamatan Telanaipura ", "JAMBI.KEC", "-"),
])

PEGAWAI = _frame("pegawai", [
    (NIP_KADIS, "Syarif Hidayat", "PNS", "L", "IV/b", "Kepala Dinas", "JPT_PRATAMA", "JAMBI.DISDUKCAPIL", "", "true"),
    (SCIENTIFIC, "Dewi Sartika", "PNS", "P", "III/c", "Analis Kebijakan", "FUNGSIONAL", "JAMBI.DISDUKCAPIL", NIP_KADIS, "true"),
    (NIP_PPPK, "Rina Marlina", "PPPK_PARUH_WAKTU", "P", "V", "Pengadministrasi", "PELAKSANA", "JAMBI.DISDUKCAPIL.PDP", NIP_KADIS, "true"),
    (NIP_STAF, "Andi Saputra", "Luar Biasa", "L", "", "Pengadministrasi", "Pelaksana", "JAMBI.BKPSDM", NIP_KADIS, "false"),
    (NIP_ANALIS, "Budi Santoso", "CPNS", "X", "II/a", "Pranata Komputer", "ADMINISTRATOR", "JAMBI.BKPSDM", "-", "ya"),
    (NIP_KADIS, "Syarif Hidayat", "PNS", "L", "IV/b", "Kepala Dinas", "JPT_PRATAMA", "JAMBI.DISDUKCAPIL", "", "true"),
    (NIP_PPPK, "Rina Marlina", "PPPK", "P", "V", "Pengadministrasi", "JPT_MADYA", "JAMBI.DISDUKCAPIL.PDP", NIP_KADIS, "false"),
])

EVALUASI = _frame("evaluasi_periodik", [
    (NIP_KADIS, PERIOD, "SKP-1", "PERMEN6_2022", "DI ATAS EKSPEKTASI", "Sesuai Ekspektasi", "", "", "Baik",
     "196805121994031002", "2026-10-03T09:00:00+07:00", "false"),
    (SCIENTIFIC, PERIOD, "SKP-2", "PERMEN6_2022", "Luar Biasa", "SESUAI", "", "", "Cukup", NIP_KADIS,
     "2026-10-03T10:15:00+07:00", "true"),
    (NIP_PPPK, PERIOD, "SKP-3", "PERMEN6_2022", "dibawah", "", "", "", "Kurang (Misconduct)", NIP_KADIS,
     "2026-10-04T08:00:00+07:00", "ya"),
    (NIP_STAF, PERIOD, "SKP-4", "PP30_2019", "", "", "95.5", "80", "Sangat Baik", "", "2026-10-05", "false"),
    (NIP_KADIS, PERIOD, "SKP-1", "PERMEN6_2022", "DI ATAS EKSPEKTASI", "Sesuai Ekspektasi", "", "", "Baik",
     "196805121994031002", "2026-10-03T09:00:00+07:00", "false"),
    (NIP_ANALIS, PERIOD, "", "PERMEN6_2022", "SESUAI", "DIATAS", "", "", "BAIK", NIP_KADIS, "kemarin", "false"),
])

RHK = _frame("rhk", [
    (NIP_KADIS, "SKP-1", "2026", PERIOD, "RHK-1", "Meningkatnya cakupan kepemilikan KTP-el", "UTAMA",
     "Persentase penduduk wajib KTP yang memiliki KTP-el", "98", "persen", "97.5"),
    (NIP_KADIS, "SKP-1", "2026", PERIOD, "RHK-2", "Tersusunnya laporan kinerja", "TAMBAHAN", "Jumlah laporan",
     "12", "dokumen", ""),
    (SCIENTIFIC, "SKP-2", "2026", PERIOD, "RHK-1", "Terlaksananya analisis kebijakan", "UTAMA",
     "Jumlah rekomendasi kebijakan", "4", "rekomendasi", "1"),
    (SCIENTIFIC, "SKP-2", "2026", PERIOD, "RHK-1", "Terlaksananya analisis kebijakan, revisi", "UTAMA",
     "Jumlah rekomendasi kebijakan", "4", "rekomendasi", "2"),
    (NIP_PPPK, "", "2026", PERIOD, "RHK-1", "Terlayaninya pendaftaran penduduk", "Luar Biasa", "Jumlah berkas",
     "100", "berkas", "abc"),
    (NIP_KADIS, "SKP-1", "2026", PERIOD, "RHK-1", "Meningkatnya cakupan kepemilikan KTP-el", "UTAMA",
     "Persentase penduduk wajib KTP yang memiliki KTP-el", "98", "persen", "97.5"),
])

PREDIKAT = _frame("predikat_organisasi", [
    ("JAMBI", "JAMBI.DISDUKCAPIL", PERIOD, "BAIK"),
    ("JAMBI", "JAMBI.BKPSDM", PERIOD, "ISTIMEWA"),
    ("JAMBI", "JAMBI.KEC", PERIOD, "Luar Biasa"),
    ("JAMBI", "JAMBI.BAPPEDA", PERIOD, ""),
    ("JAMBI", "JAMBI.DISDUKCAPIL", PERIOD, "BAIK"),
    ("JAMBI", "JAMBI.INSPEKTORAT", PERIOD, "SANGAT_KURANG"),
])

# persyaratan, prosedur, waktu, biaya, produk, kompetensi, perilaku, pengaduan, sarana: pengaduan and
# sarana always differ, so a swap of U8/U9 (the application numbers them the other way round) shows
SKM = _frame("skm_responden", [
    ("R-001", "JAMBI", "JAMBI.DISDUKCAPIL.PDP", "Pembuatan KTP-el", "2026-09-02", "34", "L", "SMA", "Wiraswasta",
     "4", "3", "3", "4", "3", "4", "4", "2", "1", "Antrian terlalu panjang, mohon tambah loket"),
    ("R-002", "JAMBI", "JAMBI.DISDUKCAPIL.PDP", "Pembuatan KTP-el", "2026-09-03", "27", "P", "S1", "Pegawai Swasta",
     "3", "3", "3", "3", "3", "3", "3", "", "4", "Petugas sigap 👍, café-nya enak"),
    ("R-003", "JAMBI", "JAMBI.DISDUKCAPIL.PDP", "Kartu Keluarga", "2026-09-03", "", "X", "SMP", "Petani",
     "2", "5", "1", "4", "2", "3", "3", "1", "2", "Petugas ramah\nterima kasih"),
    ("R-004", "JAMBI", "JAMBI.BKPSDM", "Layanan Kenaikan Pangkat", "2026-09-04", "45", "L", "S2", "PNS",
     "", "", "", "", "", "", "", "", "", "-"),
    ("R-001", "JAMBI", "JAMBI.DISDUKCAPIL.PDP", "Pembuatan KTP-el", "2026-09-02", "34", "L", "SMA", "Wiraswasta",
     "4", "3", "3", "4", "3", "4", "4", "2", "1", "Antrian terlalu panjang, mohon tambah loket"),
    ("R-005", "", "", "", "31/09/2026", "19", "perempuan", "SMA", "Pelajar",
     "1", "2", "3", "4", "1", "2", "3", "4", "3", ""),
])

UMPAN_BALIK = _frame("umpan_balik", [
    ("UB-1", NIP_ANALIS, "SKP-2", PERIOD, "RHK", "RHK-1", "", NIP_KADIS, "2026-09-12T10:00:00+07:00",
     "Realisasi sudah baik, \"pertahankan\""),
    ("UB-2", NIP_ANALIS, "SKP-2", PERIOD, "Perilaku Kerja", "", "Berorientasi Pelayanan", NIP_KADIS,
     "2026-10-02T08:00:00+07:00", "Lebih ramah kepada pemohon"),
    ("UB-3", SCIENTIFIC, "SKP-3", PERIOD, "PERILAKU", "", "Integritas", NIP_KADIS, "2026-09-20T08:00:00+07:00", ""),
    ("UB-1", NIP_ANALIS, "SKP-2", PERIOD, "RHK", "RHK-1", "", NIP_KADIS, "2026-09-12T10:00:00+07:00", "dua kali"),
])
PERILAKU = _frame("perilaku_kerja", [
    (NIP_ANALIS, "SKP-2", PERIOD, "BERORIENTASI_PELAYANAN", "Melayani dengan ramah", "DIATAS"),
    (NIP_ANALIS, "SKP-2", PERIOD, "Akuntabel", "", "Sesuai Ekspektasi"),
    (NIP_ANALIS, "SKP-2", PERIOD, "KOLABORATIF", "Aktif dalam tim", ""),
    (NIP_ANALIS, "SKP-2", PERIOD, "Loyalitas", "-", "Luar Biasa"),
])

FRAMES = {"unit_kerja": UNIT_KERJA, "pegawai": PEGAWAI, "evaluasi_periodik": EVALUASI, "rhk": RHK,
          "predikat_organisasi": PREDIKAT, "umpan_balik": UMPAN_BALIK, "perilaku_kerja": PERILAKU}


def _answers(frame: pd.DataFrame) -> list[int]:
    unsur = ["persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku", "pengaduan", "sarana"]
    return [int((frame.loc[i, unsur].str.strip() != "").sum()) for i in frame.index]


# ----------------------------------------------------------------------------- round trips

@pytest.mark.parametrize("entity", EKINERJA)
def test_ekinerja_round_trip_keeps_rows_order_and_defects(app_url, tmp_path, entity):
    frame = FRAMES[entity]
    path, got = _roundtrip(app_url, entity, PERIOD, frame, tmp_path)
    pd.testing.assert_frame_equal(got, _expected(entity, frame))
    # landed as received: the application's own column names, one line per row
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == list(connector.DEFAULT_COLUMNS[entity])
    assert len(path.read_text(encoding="utf-8").splitlines()) == len(frame) + 1


def test_ekinerja_values_are_the_applications_own(app_url, tmp_path):
    path, got = _roundtrip(app_url, "evaluasi_periodik", PERIOD, EVALUASI, tmp_path)
    landed = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(landed["nilai_hasil_kerja"][:3]) == ["1", "Luar Biasa", "3"]  # 1 = Di Atas in this application
    assert list(landed["predikat"][:2]) == ["baik", "cukup"]
    assert landed.loc[1, "nip"] == SCIENTIFIC
    assert list(got["rating_hasil_kerja"][:3]) == ["DIATAS", "Luar Biasa", "DIBAWAH"]
    assert list(got["predikat"][:3]) == ["BAIK", "BUTUH_PERBAIKAN", "KURANG"]


@pytest.mark.parametrize("entity", ["umpan_balik", "perilaku_kerja"])
def test_feedback_and_behaviour_plan_are_the_applications_codes(app_url, tmp_path, entity):
    """The application keeps feedback as 'hasil_kerja' / 'perilaku', the values numbered 1-7 and the ratings as
    1-3; what it cannot code (Integritas, Loyalitas, Luar Biasa) survives as written, for quarantine."""
    path, _ = _roundtrip(app_url, entity, PERIOD, FRAMES[entity], tmp_path)
    landed = pd.read_csv(path, dtype=str, keep_default_na=False)
    if entity == "umpan_balik":
        assert list(landed["jenis"][:3]) == ["hasil_kerja", "perilaku", "perilaku"]
        assert list(landed["kode_perilaku"][1:3]) == ["1", "Integritas"]
    else:
        assert list(landed["kode_perilaku"]) == ["1", "2", "7", "Loyalitas"]
        assert list(landed["nilai"]) == ["1", "2", "", "Luar Biasa"]


def test_skm_answers_are_pivoted_by_unsur_code(app_url, tmp_path):
    path, got = _roundtrip(app_url, "skm_responden", PERIOD, SKM, tmp_path, chunk_rows=4)
    expected = _expected("skm_responden", SKM)
    pd.testing.assert_frame_equal(got.drop(columns="_row"), expected.drop(columns="_row"))
    # _row: the line of the respondent's first answer in the landed long file (header = 1)
    lines = [max(1, n) for n in _answers(SKM)]
    assert list(got["_row"]) == [2 + sum(lines[:i]) for i in range(len(lines))]
    landed = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(landed) == sum(lines)
    first = landed[landed["no_urut"] == "1"]
    # the application asks sarana (its U8) before pengaduan (its U9): not the canonical order
    assert list(first["kode_unsur"]) == [f"U{i}" for i in range(1, 10)]
    assert list(first["nama_unsur"][-2:]) == ["Sarana dan Prasarana", "Penanganan Pengaduan, Saran dan Masukan"]
    assert list(first["nilai"][-2:]) == ["1", "2"]
    assert (got.loc[0, "pengaduan"], got.loc[0, "sarana"]) == ("2", "1")


def test_skm_pivot_does_not_depend_on_the_question_order(app_url, tmp_path):
    from sqlalchemy import case

    _, before = _roundtrip(app_url, "skm_responden", PERIOD, SKM, tmp_path, chunk_rows=5)
    engine = connector.engine_for(app_url)
    try:
        with engine.begin() as conn:  # the application reorders its questionnaire
            conn.execute(update(writer.pertanyaan).values(urutan=10 - writer.pertanyaan.c.urutan))
        path, after = _fetch_read("skm_responden", PERIOD, tmp_path, chunk_rows=3)
        landed = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert landed["kode_unsur"].iloc[0] == "U9"
        pd.testing.assert_frame_equal(after, before)
    finally:
        with engine.begin() as conn:
            conn.execute(update(writer.pertanyaan).values(
                urutan=case((writer.pertanyaan.c.urutan > 0, 10 - writer.pertanyaan.c.urutan))))
        engine.dispose()


# ----------------------------------------------------------------------------- periods

def test_rewriting_a_period_replaces_it_and_leaves_the_others(app_url, tmp_path):
    october = EVALUASI.iloc[:3].assign(periode=OTHER)
    writer.write(tmp_path, "JAMBI", "evaluasi_periodik", OTHER, [october], url=app_url)
    writer.write(tmp_path, "JAMBI", "evaluasi_periodik", PERIOD, [EVALUASI], url=app_url)
    corrected = EVALUASI.iloc[[0, 3]].assign(rating_perilaku_kerja="Di Bawah Ekspektasi")
    writer.write(tmp_path, "JAMBI", "evaluasi_periodik", PERIOD, [corrected], url=app_url)
    _, got = _fetch_read("evaluasi_periodik", PERIOD, tmp_path)
    pd.testing.assert_frame_equal(got, _expected("evaluasi_periodik", corrected))
    _, other = _fetch_read("evaluasi_periodik", OTHER, tmp_path)
    pd.testing.assert_frame_equal(other, _expected("evaluasi_periodik", october))

    writer.write(tmp_path, "JAMBI", "rhk", PERIOD, [RHK], url=app_url)
    writer.write(tmp_path, "JAMBI", "rhk", PERIOD, [RHK.iloc[:2]], url=app_url)
    _, got = _fetch_read("rhk", PERIOD, tmp_path)
    pd.testing.assert_frame_equal(got, _expected("rhk", RHK.iloc[:2]))


def test_rewriting_a_survey_period_leaves_no_answers_behind(app_url, tmp_path):
    writer.write(tmp_path, "JAMBI", "skm_responden", OTHER, [SKM.iloc[:2]], url=app_url)
    writer.write(tmp_path, "JAMBI", "skm_responden", PERIOD, [SKM], url=app_url)
    writer.write(tmp_path, "JAMBI", "skm_responden", PERIOD, [SKM.iloc[[1]]], url=app_url)
    _, got = _fetch_read("skm_responden", PERIOD, tmp_path)
    pd.testing.assert_frame_equal(got.drop(columns="_row"), _expected("skm_responden", SKM.iloc[[1]]).drop(columns="_row"))
    engine = connector.engine_for(app_url)
    try:
        with engine.connect() as conn:
            answers = dict(conn.execute(text(
                "select r.periode_survei, count(*) from jawaban j join responden r on r.id = j.responden_id "
                "group by r.periode_survei")).all())
    finally:
        engine.dispose()
    assert answers == {PERIOD: _answers(SKM.iloc[[1]])[0], OTHER: sum(_answers(SKM.iloc[:2]))}


def test_a_period_without_rows_is_not_delivered(app_url, tmp_path):
    writer.write(tmp_path, "JAMBI", "pegawai", PERIOD, [PEGAWAI], url=app_url)
    agency = _agency()
    assert connector.fetch(agency, agency.source_for("pegawai"), "pegawai", "2031-01", tmp_path) is None
    writer.write(tmp_path, "JAMBI", "pegawai", PERIOD, [PEGAWAI.iloc[:0]], url=app_url)
    assert connector.fetch(agency, agency.source_for("pegawai"), "pegawai", PERIOD, tmp_path) is None


def test_what_the_application_cannot_hold_is_refused_and_changes_nothing(postgres_url, monkeypatch, tmp_path):
    monkeypatch.setenv(URL_ENV, postgres_url)
    writer.write(tmp_path, "JAMBI", "pegawai", PERIOD, [PEGAWAI], url=postgres_url)
    spelled = PEGAWAI.assign(aktif=["true", "aktif", "true", "true", "true", "true", "true"])
    with pytest.raises(ValueError, match="aktif 'aktif' .*spells one of the application's codes"):
        writer.write(tmp_path, "JAMBI", "pegawai", PERIOD, [spelled], url=postgres_url)
    _, got = _fetch_read("pegawai", PERIOD, tmp_path)
    pd.testing.assert_frame_equal(got, _expected("pegawai", PEGAWAI))
    with pytest.raises(ValueError, match="periode '2026-9'"):
        writer.write(tmp_path, "JAMBI", "predikat_organisasi", PERIOD, [PREDIKAT.assign(periode="2026-9")],
                     url=postgres_url)
    with pytest.raises(ValueError, match="biaya '4.0' .*not a whole number"):
        writer.write(tmp_path, "JAMBI", "skm_responden", PERIOD, [SKM.assign(biaya="4.0")], url=postgres_url)


# ----------------------------------------------------------------------------- failures

@pytest.mark.parametrize("url", [
    "postgresql://postgres@127.0.0.1:1/jambi_ekinerja",
    "mysql+pymysql://root@127.0.0.1:1/jambi_ekinerja",
])
def test_an_unreachable_database_is_a_source_error(url, monkeypatch, tmp_path):
    monkeypatch.setenv(URL_ENV, url)
    agency = _agency()
    with pytest.raises(SourceError, match=r"JAMBI evaluasi_periodik: cannot reach the application database .*127\.0\.0\.1:1"):
        connector.fetch(agency, agency.source_for("evaluasi_periodik"), "evaluasi_periodik", PERIOD, tmp_path)


def test_a_missing_database_is_a_source_error(warehouse_url, monkeypatch, tmp_path):
    monkeypatch.delenv(URL_ENV, raising=False)
    agency = _agency(database="jambi_tidak_ada")  # on the warehouse's server, which has no such database
    with pytest.raises(SourceError, match="cannot reach the application database .*jambi_tidak_ada"):
        connector.fetch(agency, agency.source_for("pegawai"), "pegawai", PERIOD, tmp_path)


def test_missing_tables_and_columns_are_source_errors(app_url, monkeypatch, tmp_path):
    empty = connector.sqlalchemy_url(app_url).set(database=f"{TEST_DB}_kosong")
    writer.ensure_database(empty)  # a database without the application's tables
    monkeypatch.setenv(URL_ENV, empty.render_as_string(hide_password=False))
    agency = _agency()
    with pytest.raises(SourceError, match="JAMBI evaluasi_periodik 2026-09: the query on .* failed: .*penilaian"):
        connector.fetch(agency, agency.source_for("evaluasi_periodik"), "evaluasi_periodik", PERIOD, tmp_path)

    monkeypatch.setenv(URL_ENV, app_url)
    writer.write(tmp_path, "JAMBI", "predikat_organisasi", PERIOD, [PREDIKAT], url=app_url)
    query = connector.DEFAULT_QUERIES["predikat_organisasi"].replace("u.predikat", "u.predikat_kinerja_unit")
    agency = _agency(queries={"predikat_organisasi": query})
    with pytest.raises(SourceError, match="failed: .*predikat_kinerja_unit"):
        connector.fetch(agency, agency.source_for("predikat_organisasi"), "predikat_organisasi", PERIOD, tmp_path)


def test_a_landed_file_without_the_mapped_columns_cannot_be_read(app_url, tmp_path):
    writer.write(tmp_path, "JAMBI", "predikat_organisasi", PERIOD, [PREDIKAT], url=app_url)
    columns = connector.DEFAULT_COLUMNS["predikat_organisasi"] | {}
    columns["predikat_unit_kerja"] = columns.pop("predikat")
    agency = _agency(columns={"predikat_organisasi": columns})
    source = agency.source_for("predikat_organisasi")
    path = connector.fetch(agency, source, "predikat_organisasi", PERIOD, tmp_path)
    with pytest.raises(SourceError, match="lacks the columns predikat_unit_kerja"):
        list(connector.read(agency, source, "predikat_organisasi", path, 100))


# ----------------------------------------------------------------------------- reading long answers

HEADER = "no_urut,kode_responden,kode_pemda,kode_unit_layanan,nama_layanan,tanggal_survei,umur,jenis_kelamin," \
         "pendidikan,pekerjaan,saran,urutan,kode_unsur,nama_unsur,nilai\n"


def _long(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "skm_long.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _answer(no: int, code: str, value: str) -> str:
    return f"{no},R-{no},JAMBI,U.1,KTP,2026-09-01,30,1,SMA,Petani,,1,{code},x,{value}"


def test_an_unsur_the_configuration_does_not_know_is_a_source_error(tmp_path):
    agency = _agency()
    path = _long(tmp_path, [_answer(1, "U1", "4"), _answer(1, "U10", "3")])
    with pytest.raises(SourceError, match="line 3: unsur U10 is not mapped"):
        list(connector.read(agency, agency.source_for("skm_responden"), "skm_responden", path, 100))


def test_answers_must_arrive_grouped_by_respondent(tmp_path):
    agency = _agency()
    path = _long(tmp_path, [_answer(1, "U1", "4"), _answer(2, "U1", "3"), _answer(1, "U2", "3")])
    with pytest.raises(SourceError, match="not on consecutive lines"):
        list(connector.read(agency, agency.source_for("skm_responden"), "skm_responden", path, 100))


def test_two_different_answers_to_one_unsur_are_kept_visibly(tmp_path):
    agency = _agency()
    path = _long(tmp_path, [_answer(1, "U8", "4"), _answer(1, "U8", "4"), _answer(2, "U8", "4"), _answer(2, "U8", "2")])
    got = pd.concat(connector.read(agency, agency.source_for("skm_responden"), "skm_responden", path, 3))
    assert list(got["sarana"]) == ["4", "4|2"]
    assert list(got["jenis_kelamin"]) == ["L", "L"]
    assert list(got["_row"]) == [2, 4]


def test_an_application_database_on_the_warehouses_server_is_read_by_the_governments_own_login(postgres_url):
    """Issue 17: without a URL of its own, JAMBI's application database on the warehouse's server is
    read as JAMBI's own login (aplikasi_jambi), which may read that database and nothing else; the
    warehouse's logins may not even connect to it."""
    from etl import warehouse
    from etl.config import find_agency

    writer.prepare(postgres_url, ("ekinerja",))
    writer.grant_reader(connector.sqlalchemy_url(postgres_url), "JAMBI")
    agency = find_agency("JAMBI")
    source = Source("app_db", ("pegawai",), {"database": TEST_DB})
    url = connector.url_for(agency, source, "pegawai")
    assert url.username == connector.reader_login("JAMBI") == "aplikasi_jambi"
    assert connector.url_for(agency, source, "pegawai", admin=True).username != url.username
    engine = connector.engine_for(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select current_user")).scalar() == "aplikasi_jambi"
            assert conn.execute(text("select count(*) from pegawai")).scalar() >= 0
    finally:
        engine.dispose()
    for conninfo in (warehouse.url(), warehouse.loader_url()):
        with pytest.raises(psycopg.OperationalError, match="CONNECT privilege"):
            psycopg.connect(warehouse.with_database(conninfo, TEST_DB)).close()
    with pytest.raises(psycopg.OperationalError, match="CONNECT privilege"):
        psycopg.connect(warehouse.with_database(warehouse.as_login(warehouse.admin_url(), "aplikasi_jambi"),
                                                "postgres")).close()
