"""BKN e-Kinerja .xlsx exports: the synth writer and the connector (KEPAHIANG)."""

import datetime as dt
import hashlib
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from etl.canonical import ENTITIES, to_canonical
from etl.config import Agency, ConfigError, Source
from etl.sources import SourceError, ekinerja_xlsx as connector
from demo.synth.writers import ekinerja_xlsx as writer

ENTITY_NAMES = ["unit_kerja", "pegawai", "evaluasi_periodik", "rhk", "predikat_organisasi"]
NIP = ["197411012000031001", "198502142010012002", "199003032019031003", "198812122015022004"]
SEKDA = "196805121994031002"


def _agency(tmp_path, **options) -> Agency:
    options = {"path": f"{tmp_path}/{{agency}}/{{period}}", **options}
    return Agency("KEPAHIANG", "Kabupaten Kepahiang", "monthly",
                  (Source("ekinerja_xlsx", tuple(ENTITY_NAMES), options),))


def _frame(entity: str, rows: list[dict]) -> pd.DataFrame:
    columns = ENTITIES[entity].columns
    return pd.DataFrame([{c: row.get(c, "") for c in columns} for row in rows], columns=list(columns))


def _evaluations() -> pd.DataFrame:
    def row(nip, hasil, perilaku, predikat, **extra):
        return {"nip": nip, "periode": "2026-10", "skp_id": f"SKP-KPH-2026-{nip[-6:]}", "regime": "PERMEN6_2022",
                "rating_hasil_kerja": hasil, "rating_perilaku_kerja": perilaku, "predikat": predikat,
                "penilai_nip": SEKDA, "waktu_dinilai": "2026-11-03T09:14:22+07:00", "is_plt_plh": "false",
                **extra}

    return _frame("evaluasi_periodik", [
        row(NIP[0], "DIATAS", "DIATAS", "SANGAT_BAIK"),
        row(NIP[1], "DIBAWAH", "SESUAI", "BUTUH_PERBAIKAN", is_plt_plh="true"),
        row("1.97411E+17", "SESUAI", "DIBAWAH", "KURANG"),                      # NIP mangled by Excel
        row("1.90000E+17", "SESUAI", "SESUAI", "BAIK", skp_id="SKP-X"),        # ... with trailing zeros
        row(NIP[2], "Luar Biasa", "SESUAI", "BAIK"),                            # unknown label
        row(NIP[3], "SESUAI", "", "BAIK"),                                      # empty required value
        row(NIP[3], "Diatas Ekspektasi", "sesuai", "Cukup", skp_id="SKP-D"),    # label drift, normalises
        row(NIP[0], "DIBAWAH", "DIBAWAH", "SANGAT_KURANG", penilai_nip="", waktu_dinilai="kemarin",
            skp_id="SKP-Y"),
    ])


def frames() -> dict[str, pd.DataFrame]:
    units = _frame("unit_kerja", [
        {"instansi_kode": "KEPAHIANG", "unit_kode": "KPH", "unit_nama": "Pemerintah Kabupaten Kepahiang",
         "induk_unit_kode": "", "is_unit_layanan": "false"},
        {"instansi_kode": "KEPAHIANG", "unit_kode": "KPH.DUKCAPIL", "unit_nama": "Dinas Kependudukan dan Pencatatan Sipil",
         "induk_unit_kode": "KPH", "is_unit_layanan": "true"},
        {"instansi_kode": "KEPAHIANG", "unit_kode": "KPH.DPMPTSP", "unit_nama": "",
         "induk_unit_kode": "KPH", "is_unit_layanan": "ya kadang"},
    ])
    people = _frame("pegawai", [
        {"nip": NIP[0], "nama": "Rina Saputra", "status_kepegawaian": "PNS", "jenis_kelamin": "P", "golongan": "IV/b",
         "jabatan_nama": "Kepala Dinas", "jabatan_kategori": "JPT_PRATAMA", "unit_kode": "KPH.DUKCAPIL",
         "atasan_nip": SEKDA, "aktif": "true"},
        {"nip": NIP[1], "nama": "Budi Hidayat", "status_kepegawaian": "PPPK_PARUH_WAKTU", "jenis_kelamin": "L",
         "golongan": "V", "jabatan_nama": "Pengadministrasi Perkantoran", "jabatan_kategori": "PELAKSANA",
         "unit_kode": "KPH.DUKCAPIL", "atasan_nip": NIP[0], "aktif": "false"},
        {"nip": "1.98502E+17", "nama": "Sari Nasution", "status_kepegawaian": "Honorer", "jenis_kelamin": "X",
         "golongan": "III/a", "jabatan_nama": "=Pranata Komputer", "jabatan_kategori": "FUNGSIONAL",
         "unit_kode": "KPH.DUKCAPIL", "atasan_nip": "", "aktif": "true"},
    ])
    evaluations = _evaluations()
    rhk = _frame("rhk", [
        {"nip": NIP[0], "skp_id": "SKP-1", "tahun": "2026", "periode": "2026-10", "rhk_kode": "RHK-1",
         "rhk_uraian": "Terlaksananya pelayanan KTP-el", "jenis_rhk": "UTAMA", "indikator": "Jumlah KTP-el tercetak",
         "target": "1200", "satuan": "keping", "realisasi": "1187.5"},
        {"nip": NIP[0], "skp_id": "SKP-1", "tahun": "2026", "periode": "2026-10", "rhk_kode": "RHK-2",
         "rhk_uraian": "Tersusunnya laporan", "jenis_rhk": "TAMBAHAN", "indikator": "Laporan",
         "target": "1.50", "satuan": "dokumen", "realisasi": ""},
        {"nip": NIP[1], "skp_id": "SKP-2", "tahun": "2026", "periode": "Okt 2026", "rhk_kode": "RHK-1",
         "rhk_uraian": "Arsip tertata", "jenis_rhk": "Pokok", "indikator": "Persentase arsip", "target": "banyak",
         "satuan": "%", "realisasi": "0.25"},
    ])
    predikat = _frame("predikat_organisasi", [
        {"instansi_kode": "KEPAHIANG", "unit_kode": "KPH.DUKCAPIL", "periode": "2026-10", "predikat_organisasi": "ISTIMEWA"},
        {"instansi_kode": "KEPAHIANG", "unit_kode": "KPH.DPMPTSP", "periode": "2026-10",
         "predikat_organisasi": "BUTUH_PERBAIKAN"},
        {"instansi_kode": "KEPAHIANG", "unit_kode": "KPH.SETDA", "periode": "2026-10", "predikat_organisasi": "Luar Biasa"},
        {"instansi_kode": "KEPAHIANG", "unit_kode": "KPH.BKPSDM", "periode": "2026-10", "predikat_organisasi": ""},
    ])
    return {"unit_kerja": units, "pegawai": people, "evaluasi_periodik": evaluations, "rhk": rhk,
            "predikat_organisasi": predikat}


def _write(tmp_path, entity: str, frame: pd.DataFrame, period: str = "2026-10"):
    duplicated = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)  # the same row delivered twice
    writer.write(tmp_path, "KEPAHIANG", entity, period, [duplicated.iloc[:2], duplicated.iloc[2:]])
    return duplicated


def _read(agency, entity, path, chunk_rows=3) -> pd.DataFrame:
    return pd.concat(list(connector.read(agency, agency.sources[0], entity, path, chunk_rows)), ignore_index=True)


# --------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("entity", ENTITY_NAMES)
def test_round_trip_equals_the_canonical_frames(tmp_path, entity):
    agency = _agency(tmp_path)
    written = _write(tmp_path, entity, frames()[entity])
    path = connector.fetch(agency, agency.sources[0], entity, "2026-10", tmp_path)
    assert path == tmp_path / "KEPAHIANG" / "2026-10" / connector.FILES[entity]
    chunks = list(connector.read(agency, agency.sources[0], entity, path, 3))
    assert [len(c) for c in chunks] == [3] * (len(written) // 3) + ([len(written) % 3] if len(written) % 3 else [])
    got = pd.concat(chunks, ignore_index=True)
    expected = to_canonical(written, entity, 9)  # header at row 8: the first record is Excel row 9
    pd.testing.assert_frame_equal(got, expected)


def test_defects_survive_and_labels_come_back_as_codes(tmp_path):
    agency = _agency(tmp_path)
    _write(tmp_path, "evaluasi_periodik", _evaluations())
    got = _read(agency, "evaluasi_periodik", tmp_path / "KEPAHIANG" / "2026-10" / "laporan_penilaian_skp.xlsx")
    assert got["nip"].tolist()[2:4] == ["1.97411E+17", "1.90000E+17"]
    assert got.loc[4, "rating_hasil_kerja"] == "Luar Biasa"
    assert pd.isna(got.loc[5, "rating_perilaku_kerja"])
    assert got.loc[6, ["rating_hasil_kerja", "rating_perilaku_kerja", "predikat"]].tolist() == ["DIATAS", "SESUAI",
                                                                                              "BUTUH_PERBAIKAN"]
    assert got.loc[7, "waktu_dinilai"] == "kemarin" and pd.isna(got.loc[7, "penilai_nip"])
    assert got.loc[0].drop("_row").equals(got.loc[8].drop("_row"))  # the duplicate is still there
    assert got["_row"].tolist() == list(range(9, 18))
    assert set(got["regime"]) == {"PERMEN6_2022"} and got["nilai_skp"].isna().all()


def test_the_suite_quarantines_the_planted_defects(tmp_path):
    from etl.validate import Tally, validate_chunk

    agency = _agency(tmp_path)
    _write(tmp_path, "evaluasi_periodik", _evaluations())
    got = _read(agency, "evaluasi_periodik", tmp_path / "KEPAHIANG" / "2026-10" / "laporan_penilaian_skp.xlsx", 100)
    outcome = validate_chunk("evaluasi_periodik", got, Tally())
    reasons = dict(zip(outcome.quarantined["_row"], outcome.quarantined["_reasons"]))
    assert "nip must be exactly 18 digits (not a number in scientific notation)" in reasons[11]
    assert "nip must be exactly 18 digits (not a number in scientific notation)" in reasons[12]
    assert "rating_hasil_kerja must be Di Atas, Sesuai or Di Bawah Ekspektasi" in reasons[13]
    assert "rating_perilaku_kerja is required under PERMEN6_2022" in reasons[14]
    assert "nip + periode + skp_id must be unique within a delivery" in reasons[9]
    assert "nip + periode + skp_id must be unique within a delivery" in reasons[17]
    assert set(outcome.good["_row"]) == {10, 15}  # the valid row and the drifted spellings


# --------------------------------------------------------------------------- the file as printed
def test_layout_title_rows_header_at_row_8_printed_values(tmp_path):
    _write(tmp_path, "evaluasi_periodik", _evaluations())
    sheet = openpyxl.load_workbook(tmp_path / "KEPAHIANG" / "2026-10" / "laporan_penilaian_skp.xlsx").active
    assert sheet["A1"].value == "LAPORAN PENILAIAN SKP PERIODIK TAHUN 2026"
    assert sheet["A2"].value == "Instansi : Pemerintah Kabupaten Kepahiang"
    header = [c.value for c in sheet[8]]
    assert header[:3] == ["id", "nip", "skp_id"]
    assert {"periode_awal_skp", "periode_akhir_skp", "is_plt_plh_pjb", "hasil_kerja", "perilaku_kerja",
            "hasil_akhir", "waktu_dinilai", "pegawai_atasan_nip"} <= set(header)
    row = {label: sheet.cell(9, i + 1) for i, label in enumerate(header)}
    assert row["nip"].data_type == "s" and row["nip"].value == NIP[0]
    assert row["hasil_kerja"].value == "DI ATAS EKSPEKTASI" and row["hasil_akhir"].value == "Sangat Baik"
    assert row["periode_penilaian"].value == "Oktober 2026" and row["is_plt_plh_pjb"].value == "Tidak"
    assert row["waktu_dinilai"].value == dt.datetime(2026, 11, 3, 9, 14, 22)
    mangled = sheet.cell(11, header.index("nip") + 1)
    assert mangled.data_type == "n" and mangled.value == pytest.approx(1.97411e17)
    assert sheet.cell(12, header.index("nip") + 1).number_format == "0.00000E+00"
    assert sheet.cell(10, header.index("hasil_akhir") + 1).value == "Butuh Perbaikan"
    assert sheet.cell(14, header.index("perilaku_kerja") + 1).value == "-"
    _write(tmp_path, "pegawai", frames()["pegawai"])
    people = openpyxl.load_workbook(writer.path_for(tmp_path, "KEPAHIANG", "pegawai", "2026-10")).active
    assert people["A1"].value == "DAFTAR PEGAWAI TAHUN 2026"
    formula_like = [c for c in people[11] if c.value == "=Pranata Komputer"]
    assert formula_like and formula_like[0].data_type == "s"  # text, never a formula


def test_rhk_numbers_are_number_cells_that_read_back_as_written(tmp_path):
    _write(tmp_path, "rhk", frames()["rhk"])
    sheet = openpyxl.load_workbook(writer.path_for(tmp_path, "KEPAHIANG", "rhk", "2026-10")).active
    header = [c.value for c in sheet[8]]
    target, realisasi, tahun = (header.index(x) + 1 for x in ("target", "realisasi", "tahun_skp"))
    assert (sheet.cell(9, target).value, sheet.cell(9, realisasi).value, sheet.cell(9, tahun).value) == (1200, 1187.5, 2026)
    assert sheet.cell(10, target).value == 1.5 and sheet.cell(10, target).number_format == "0.00"  # shows 1.50
    assert sheet.cell(11, target).value == "banyak" and sheet.cell(11, realisasi).data_type == "n"
    assert sheet.cell(10, realisasi).value == "-"
    got = _read(_agency(tmp_path), "rhk", writer.path_for(tmp_path, "KEPAHIANG", "rhk", "2026-10"))
    # a target in words is no defect of the export: it moves to target_teks (the SKP quality marts judge it)
    assert got["target"].tolist()[:2] == ["1200", "1.50"] and got["target"].isna().tolist()[2]
    assert got["target_teks"].tolist()[2] == "banyak"
    assert got["jenis_rhk"].tolist()[:3] == ["UTAMA", "TAMBAHAN", "Pokok"]


def test_writer_is_deterministic_and_refuses_legacy_scores(tmp_path):
    frame = _evaluations()
    writer.write(tmp_path / "a", "KEPAHIANG", "evaluasi_periodik", "2026-10", [frame])
    writer.write(tmp_path / "b", "KEPAHIANG", "evaluasi_periodik", "2026-10", [frame])
    digest = [hashlib.sha256(writer.path_for(tmp_path / x, "KEPAHIANG", "evaluasi_periodik", "2026-10")
                             .read_bytes()).hexdigest() for x in "ab"]
    assert digest[0] == digest[1]
    legacy = frame.assign(regime="PP30_2019", nilai_skp="95")
    with pytest.raises(ValueError, match="PERMEN6_2022"):
        writer.write(tmp_path / "c", "KEPAHIANG", "evaluasi_periodik", "2026-10", [legacy])
    with pytest.raises(ValueError, match="skm_responden"):
        writer.write(tmp_path / "c", "KEPAHIANG", "skm_responden", "2026-10", [frame])


# --------------------------------------------------------------------------- other exports
def _handmade(path, header_row: int, header: list, rows: list[list], formats: dict | None = None):
    """A workbook as a person or another e-Kinerja version might save it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "LAPORAN PENILAIAN SKP TAHUN 2026"
    sheet["A2"] = "Instansi : Pemerintah Kabupaten Kepahiang"
    for col, label in enumerate(header, start=1):
        sheet.cell(header_row, col, label)
    for r, values in enumerate(rows, start=header_row + 1):
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(r, col, value)
    for coordinate, fmt in (formats or {}).items():
        sheet[coordinate].number_format = fmt
    book.save(path)
    return path


HANDMADE_HEADER = ["No", "NIP", "Nama", "Periode Penilaian", "SKP ID", "Is PLT PLH PJB", "Hasil Kerja",
                   "Perilaku Kerja", "Hasil Akhir", "Pegawai Atasan NIP", "Waktu Dinilai", "Keterangan"]


def test_header_found_at_row_3_labels_loose_excel_dates_and_numeric_nips(tmp_path):
    rows = [
        [1, NIP[0], "Rina", "Oktober 2026", "S1", "Tidak", "Di Atas Ekspektasi", "Sesuai Ekspektasi", "Baik", SEKDA,
         46298.5, None],                                                           # an Excel serial date-time
        [2, NIP[1], "Budi", "Triwulan IV 2026", "S2", "Ya", "SESUAI EKSPEKTASI", "SESUAI EKSPEKTASI", "Baik", SEKDA,
         dt.datetime(2026, 11, 3, 9, 14, 22), "-"],                               # a date-time cell
        None,                                                                       # a blank row
        [3, 197411012000031001, "Sari", "2026-10", "S3", "-", "-", "-", "-", 198502142010012002, 46298, None],
        [4, 197411012000031001, "Joko", "Okt 2026", "S4", "Tidak", "Sesuai", "Sesuai", "Baik", SEKDA,
         "2026-11-03 10:00", None],
    ]
    path = _handmade(tmp_path / "export.xlsx", 3, HANDMADE_HEADER, [r or [] for r in rows],
                     formats={"B8": "0"})
    agency = _agency(tmp_path)
    got = _read(agency, "evaluasi_periodik", path)
    assert got["_row"].tolist() == [4, 5, 7, 8]
    assert got["periode"].tolist() == ["2026-10", "2026-Q4", "2026-10", "Okt 2026"]
    assert got["waktu_dinilai"].tolist() == ["2026-10-03T12:00:00+07:00", "2026-11-03T09:14:22+07:00", "2026-10-03",
                                             "2026-11-03 10:00"]
    assert got["nip"].tolist() == [NIP[0], NIP[1], "1.97411E+17", "197411012000031000"]  # as Excel shows them
    assert got.loc[2, "penilai_nip"] == "1.98502E+17"
    assert got["is_plt_plh"].tolist()[:2] == ["false", "true"] and pd.isna(got.loc[2, "is_plt_plh"])
    assert got["rating_hasil_kerja"].tolist()[:2] == ["DIATAS", "SESUAI"] and pd.isna(got.loc[2, "predikat"])


def test_acting_post_flag_as_e_kinerja_stores_it_and_a_second_skp(tmp_path):
    """e-Kinerja keeps is_skp_plt_plh_pjb as an integer flag (1/0, domain.md §4.2); some exports print
    the kind of acting post instead. A second SKP of the period is another row with its own SKP id."""
    rows = [[i + 1, NIP[0], "Rina", "Oktober 2026", skp, flag, "Sesuai", "Sesuai", "Baik", SEKDA, "2026-11-03", None]
            for i, (skp, flag) in enumerate([("S1", 0), ("S1-M10", 1), ("S1-PLT", "PLT"), ("S2", "Plh"),
                                             ("S3", "PJ"), ("S4", "ya"), ("S5", "Bukan")])]
    got = _read(_agency(tmp_path), "evaluasi_periodik", _handmade(tmp_path / "plt.xlsx", 8, HANDMADE_HEADER, rows))
    assert got["skp_id"].tolist() == ["S1", "S1-M10", "S1-PLT", "S2", "S3", "S4", "S5"]
    assert got["is_plt_plh"].tolist() == ["false", "true", "true", "true", "true", "true", "Bukan"]  # the last quarantined


def test_header_found_at_row_12(tmp_path):
    rows = [[1, NIP[0], "Rina", "Oktober 2026", "S1", "Tidak", "Sesuai", "Sesuai", "Baik", SEKDA, "2026-11-03", None]]
    path = _handmade(tmp_path / "late.xlsx", 12, HANDMADE_HEADER, rows)
    got = _read(_agency(tmp_path), "evaluasi_periodik", path)
    assert got["_row"].tolist() == [13] and got.loc[0, "nip"] == NIP[0]


def test_another_governments_labels_are_a_config_change(tmp_path):
    header = ["nip_pegawai", "periode_penilaian", "skp_id", "is_plt_plh_pjb", "hasil_kerja", "perilaku_kerja",
              "predikat_kinerja", "pegawai_atasan_nip", "waktu_dinilai"]
    rows = [[NIP[0], "Oktober 2026", "S1", "Tidak", "Sesuai", "Sesuai", "Baik", SEKDA, "2026-11-03"]]
    path = _handmade(tmp_path / "other.xlsx", 8, header, rows)
    with pytest.raises(SourceError, match=r"other\.xlsx: header row 8 lacks the required columns .*hasil_akhir"):
        _read(_agency(tmp_path), "evaluasi_periodik", path)
    agency = _agency(tmp_path, columns={"evaluasi_periodik": {"NIP Pegawai": "nip", "predikat_kinerja": "predikat",
                                                              "hasil_akhir": None}})
    got = _read(agency, "evaluasi_periodik", path)
    assert got.loc[0, ["nip", "predikat", "rating_hasil_kerja"]].tolist() == [NIP[0], "BAIK", "SESUAI"]
    with pytest.raises(ConfigError, match="unknown columns"):
        _read(_agency(tmp_path, columns={"evaluasi_periodik": {"x": "gaji"}}), "evaluasi_periodik", path)


# --------------------------------------------------------------------------- broken deliveries
def test_html_page_saved_as_xlsx_is_refused_clearly(tmp_path):
    path = tmp_path / "laporan_penilaian_skp.xlsx"
    path.write_text("<!DOCTYPE html><html><head><title>Sesi berakhir</title></head><body>Login</body></html>")
    with pytest.raises(SourceError, match=r"laporan_penilaian_skp\.xlsx: not a valid \.xlsx workbook.*HTML"):
        _read(_agency(tmp_path), "evaluasi_periodik", path)


def test_truncated_and_damaged_workbooks_are_refused(tmp_path):
    _write(tmp_path, "evaluasi_periodik", _evaluations())
    whole = writer.path_for(tmp_path, "KEPAHIANG", "evaluasi_periodik", "2026-10").read_bytes()
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(SourceError, match=r"truncated\.xlsx: not a valid \.xlsx workbook"):
        _read(_agency(tmp_path), "evaluasi_periodik", truncated)
    # a whole zip whose sheet breaks off in the middle of its XML
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(io.BytesIO(whole)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) * 2 // 3] if item.filename == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(SourceError, match=r"damaged\.xlsx: the workbook is damaged after row"):
        _read(_agency(tmp_path), "evaluasi_periodik", damaged)
    # a zip that is no workbook at all
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as target:
        target.writestr("readme.txt", "hello")
    with pytest.raises(SourceError, match=r"other\.xlsx: not a valid \.xlsx workbook"):
        _read(_agency(tmp_path), "evaluasi_periodik", other)


def test_no_header_row_is_refused(tmp_path):
    path = _handmade(tmp_path / "noheader.xlsx", 25, HANDMADE_HEADER, [[1, NIP[0]]])
    with pytest.raises(SourceError, match=r"noheader\.xlsx: no header row found in the first 20 rows"):
        _read(_agency(tmp_path), "evaluasi_periodik", path)
    agency = _agency(tmp_path, header_search_rows=30, columns={"evaluasi_periodik": {"nilai_skp": "nilai_skp"}})
    with pytest.raises(SourceError, match="lacks the required columns"):  # found now, but incomplete
        _read(agency, "evaluasi_periodik", path)


def test_fetch_finds_the_report_or_nothing(tmp_path):
    agency = _agency(tmp_path)
    assert connector.fetch(agency, agency.sources[0], "rhk", "2026-10", tmp_path) is None
    _write(tmp_path, "rhk", frames()["rhk"])
    assert connector.fetch(agency, agency.sources[0], "rhk", "2026-10", tmp_path).name == "laporan_skp.xlsx"
    renamed = _agency(tmp_path, files={"rhk": "Laporan SKP Oktober.xlsx"})
    assert connector.fetch(renamed, renamed.sources[0], "rhk", "2026-10", tmp_path) is None


# --------------------------------------------------------------------------- memory
def test_reading_streams_in_read_only_mode_with_bounded_memory(tmp_path, monkeypatch):
    """The workbook is opened read-only (streamed row by row) and no chunk outlives its turn: the
    connector keeps nothing of earlier chunks, whatever the number of rows. (openpyxl's own XML
    parser keeps about 80 bytes per row it has passed; an .xlsx holds at most 1,048,576 rows.)"""
    import gc
    import weakref

    calls = []
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    base = _evaluations().iloc[[0]]
    agency = _agency(tmp_path)
    rows = 3000
    frame = pd.concat([base] * rows, ignore_index=True)
    frame["skp_id"] = [f"S{i}" for i in range(rows)]
    writer.write(tmp_path, "KEPAHIANG", "evaluasi_periodik", "2026-10", [frame])
    path = writer.path_for(tmp_path, "KEPAHIANG", "evaluasi_periodik", "2026-10")
    seen, count = [], 0
    for chunk in connector.read(agency, agency.sources[0], "evaluasi_periodik", path, 200):
        assert len(chunk) <= 200
        count += len(chunk)
        seen.append(weakref.ref(chunk))
        del chunk
        gc.collect()
        assert sum(ref() is not None for ref in seen) <= 1, "earlier chunks are still held"
    assert count == rows and len(seen) == rows // 200
    assert calls and all(c.get("read_only") is True for c in calls)
