"""The report's section on SKP quality and citizens' voice (issue 20; etl/publish/html_suara.py,
templates/suara.html.j2) from small hand-made tables: absent without its tables (earlier packages
render as before), the month's SKP quality per instansi, the latest quarter ended by the month with
the disagreeing unit marked, withheld values as dashes, hostile text as text."""

import re

import pandas as pd

from etl.publish.html import render_report

PERIOD = "2026-09"
META = {"title": "Laporan uji", "organisation": "Konsorsium Uji", "license": "CC-BY-4.0", "min_cell_size": 5,
        "files": [], "instansi_nama": {"PAUH": "Kecamatan Pauh", "KEPAHIANG": "Kabupaten Kepahiang"}}


def mutu_skp():
    return pd.DataFrame([
        {"instansi_kode": "PAUH", "periode": "2026-09", "bulan_laporan": "2026-09", "jumlah_pegawai": 8,
         "jumlah_rhk": 30, "jumlah_rhk_terukur": None, "persen_rhk_terukur": None, "jumlah_unit": 2,
         "jumlah_unit_indikator_disalin": 0, "jumlah_unit_target_sama_realisasi": 0, "is_disembunyikan": True},
        {"instansi_kode": "KEPAHIANG", "periode": "2026-09", "bulan_laporan": "2026-09", "jumlah_pegawai": 1234,
         "jumlah_rhk": 4321, "jumlah_rhk_terukur": 4000, "persen_rhk_terukur": 92.6, "jumlah_unit": 40,
         "jumlah_unit_indikator_disalin": 3, "jumlah_unit_target_sama_realisasi": 1, "is_disembunyikan": False},
        {"instansi_kode": "KEPAHIANG", "periode": "2026-08", "bulan_laporan": "2026-08", "jumlah_pegawai": 1,
         "jumlah_rhk": 77777, "jumlah_rhk_terukur": 1, "persen_rhk_terukur": 1.0, "jumlah_unit": 1,
         "jumlah_unit_indikator_disalin": 0, "jumlah_unit_target_sama_realisasi": 0, "is_disembunyikan": False},
    ])


def suara(name="Puskesmas Satu"):
    row = {"instansi_kode": "KEPAHIANG", "instansi_nama": "Kabupaten Kepahiang", "triwulan": "2026-Q3",
           "bulan_laporan": "2026-09", "ikm": None, "mutu": None, "pengaduan_per_1000": None,
           "persen_dalam_standar": None, "predikat_organisasi": None, "unit_dinilai_kode": None,
           "jumlah_unit_layanan": None, "jumlah_unit_tidak_selaras": None, "is_mutu_tidak_selaras": None,
           "is_pengaduan_tidak_selaras": None, "is_tidak_selaras": None, "is_disembunyikan": False}
    return pd.DataFrame([
        {**row, "unit_layanan_kode": "*", "unit_layanan_nama": "Seluruh unit layanan", "jumlah_unit_layanan": 2,
         "jumlah_unit_tidak_selaras": 1},
        {**row, "unit_layanan_kode": "K.L1", "unit_layanan_nama": name, "ikm": 39.87, "mutu": "D",
         "pengaduan_per_1000": 48.95, "persen_dalam_standar": 59.2, "predikat_organisasi": "ISTIMEWA",
         "is_mutu_tidak_selaras": True, "is_tidak_selaras": True},
        {**row, "unit_layanan_kode": "K.L2", "unit_layanan_nama": "Kelurahan Dua", "ikm": 91.63, "mutu": "A",
         "predikat_organisasi": "BAIK", "is_mutu_tidak_selaras": False, "is_tidak_selaras": False,
         "is_disembunyikan": True},
        {**row, "unit_layanan_kode": "K.L1", "unit_layanan_nama": name, "triwulan": "2026-Q4",
         "bulan_laporan": "2026-12", "ikm": 11.11, "mutu": "D"},
    ])


def section(page: str) -> str:
    match = re.search(r'<section id="mutu-suara">.*?</section>', page, re.S)
    assert match, "no section"
    return match.group(0)


def test_without_its_tables_the_report_has_no_such_section():
    page = render_report(PERIOD, {}, META)
    assert 'id="mutu-suara"' not in page and "#mutu-suara" not in page


def test_the_months_skp_quality_and_the_quarters_disagreeing_unit():
    page = render_report(PERIOD, {"mutu_skp": mutu_skp(), "suara_warga": suara()}, META)
    assert '<a href="#mutu-suara">' in page
    text = section(page)
    assert "4.321" in text and "92,6 %" in text and "77.777" not in text  # the month's rows only, written the Indonesian way
    pauh = re.search(r"Kecamatan Pauh</td>(.*?)</tr>", text, re.S).group(1)
    assert pauh.count('class="n disembunyikan"') == 2  # its share withheld: a small group
    assert "2026-Q3" in text and "11,11" not in text  # the quarter ended by the month, not a later one
    assert "2 unit layanan, 1 tidak selaras" in text
    flagged = re.search(r"Puskesmas Satu</td>(.*?)</tr>", text, re.S).group(1)
    assert "39,87" in flagged and ">D<" in flagged and "Istimewa" in flagged and flagged.endswith("<td>Ya</td>")
    other = re.search(r"Kelurahan Dua</td>(.*?)</tr>", text, re.S).group(1)
    assert other.count('class="n disembunyikan"') == 2 and other.endswith("<td>Tidak</td>")


def test_hostile_text_stays_text():
    page = render_report(PERIOD, {"suara_warga": suara("<script>alert(1)</script>")}, META)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in section(page)
