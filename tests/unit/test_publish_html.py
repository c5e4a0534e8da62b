"""The open-data report (etl.publish.html) from small hand-made tables: the same tables give the same
bytes, hostile text stays text, empty tables give a note instead of a chart, every shown value has its
mark, withheld values are '—', and numbers are written the Indonesian way."""

import re
from decimal import Decimal

import pandas as pd
import pytest

from etl.config import ConfigError
from etl.publish.html import NO_DATA, WITHHELD, angka, jumlah, persen, render_pengaduan, render_report

PERIOD = "2026-09"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("x")'
META = {"title": "Laporan uji", "organisation": "Konsorsium Uji", "license": "CC-BY-4.0", "min_cell_size": 5,
        "files": [{"name": "distribusi_predikat.csv", "rows": 10, "sha256": "ab" * 32,
                   "description": "Distribusi predikat"}],
        "instansi_nama": {"PAUH": "Kecamatan Pauh"}}
PREDIKAT = ["SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"]


def distribusi(kode="PAUH", periode=PERIOD, counts=(10, 60, 20, None, None), shares=(10.0, 60.0, 20.0, None, None)):
    return pd.DataFrame({"instansi_kode": kode, "periode": periode, "predikat": PREDIKAT,
                         "jumlah_pegawai": pd.array(counts, dtype="Int64"), "persen_pegawai": shares,
                         "is_disembunyikan": [c is None for c in counts]})


def ikm(rows):
    """rows: (instansi, unit, name, ikm, mutu)."""
    return pd.DataFrame([{"instansi_kode": k, "unit_layanan_kode": u, "unit_layanan_nama": n,
                          "jenis_periode": "TRIWULANAN", "periode": "2026-Q3",
                          "jumlah_responden": None if v is None else 120, "ikm": v, "mutu": m, "kinerja": None,
                          "is_sampel_memadai": None if v is None else True, "is_disembunyikan": v is None}
                         for k, u, n, v, m in rows])


def kepatuhan(units):
    """units: (instansi, unit, employees, share), the three shares the same; unit None: the instansi's row."""
    return pd.DataFrame([{"instansi_kode": k, "periode": PERIOD, "jumlah_pegawai": n, "persen_punya_skp": p,
                          "persen_dievaluasi": p, "persen_tepat_waktu": p, "is_disembunyikan": n is None,
                          **({"unit_kode": u, "unit_nama": f"Unit {u}"} if u else {})} for k, u, n, p in units])


def tren(values):
    """values: {instansi: {bulan: persen or None}}."""
    return pd.DataFrame([{"instansi_kode": k, "bulan": b, "jumlah_dinilai": None if v is None else 50,
                          "persen_baik_ke_atas": v, "persen_dievaluasi": v, "is_disembunyikan": v is None}
                         for k, months in values.items() for b, v in months.items()])


def tables():
    return {
        "distribusi_predikat": pd.concat([distribusi(), distribusi("JAMBI", counts=(30, 50, 20, 0, 0),
                                                                   shares=(30.0, 50.0, 20.0, 0.0, 0.0))]),
        "ikm_unit_layanan": ikm([("PAUH", "P1", "Kantor Camat", 82.53, "B"), ("PAUH", "P2", "Puskesmas", None, None),
                                 ("JAMBI", "J1", "Dukcapil", 91.2, "A")]),
        "kepatuhan_unit": kepatuhan([("PAUH", "U1", 20, 95.0), ("PAUH", "U2", None, None)]),
        "tren_bulanan": tren({"PAUH": {"2026-07": 70.0, "2026-08": 72.5, "2026-09": 75.0}}),
    }


def chart(page, name):
    found = re.findall(rf'<svg class="chart" data-chart="{name}".*?</svg>', page, re.S)
    assert len(found) == 1, name
    return found[0]


def test_the_same_tables_give_the_same_bytes_whatever_the_row_order():
    first = render_report(PERIOD, tables(), META)
    assert render_report(PERIOD, tables(), META) == first
    shuffled = {name: frame.sample(frac=1, random_state=3) for name, frame in tables().items()}
    assert render_report(PERIOD, shuffled, META) == first


def test_hostile_text_stays_text():
    hostile = tables()
    hostile["ikm_unit_layanan"] = ikm([("PAUH", "P1", SCRIPT, 80.0, "B"), ("PAUH", "P2", FORMULA, 70.0, "C")])
    hostile["kepatuhan_unit"]["unit_nama"] = FORMULA
    meta = {**META, "instansi_nama": {"PAUH": SCRIPT}, "organisation": SCRIPT, "license": FORMULA,
            "files": [{"name": "javascript:alert(1)", "rows": 1, "sha256": SCRIPT, "description": FORMULA}]}
    page = render_report(PERIOD, hostile, meta)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert FORMULA not in page and "=HYPERLINK(&quot;x&quot;)" in page
    assert 'href="javascript%3Aalert%281%29"' in page  # a relative link, never a script


def test_empty_or_missing_tables_say_so_instead_of_charting():
    empty = {"distribusi_predikat": distribusi().iloc[0:0], "ikm_unit_layanan": pd.DataFrame(),
             "kepatuhan_unit": kepatuhan([])}  # and tren_bulanan missing altogether
    page = render_report(PERIOD, empty, {**META, "files": []})
    assert page.count(NO_DATA) == 7  # the four sections, IKU, training, and complaints and service times
    assert 'class="chart"' not in page
    assert "Lisensi: <strong" in page and "Sumber: <span" in page


def test_one_bar_per_shown_ikm_and_a_dash_for_a_withheld_one():
    page = render_report(PERIOD, tables(), META)
    svg = chart(page, "ikm")
    assert svg.count('<rect class="bar"') == 2  # Kantor Camat and Dukcapil; Puskesmas is withheld
    assert "— disembunyikan (sel kecil)" in svg
    # ordered by instansi, then unit
    assert svg.index("Dukcapil") < svg.index("Kantor Camat") < svg.index("Puskesmas")
    assert re.search(r'<rect class="bar"[^>]*fill="#1e8e3e"><title>Dukcapil \(JAMBI\): IKM 91,20, mutu A', svg)


def test_withheld_values_are_dashes_with_the_legend():
    page = render_report(PERIOD, tables(), META)
    withheld = re.findall(rf'<td class="n disembunyikan" title="{re.escape(WITHHELD)}">(.*?)</td>', page)
    # PAUH's KURANG and SANGAT_KURANG (count and share), Puskesmas (responden, ikm), unit U2 (employees, 3 shares)
    assert withheld == ["—"] * (4 + 2 + 4)
    assert f"{WITHHELD}, atau tidak tersedia" in page
    # the hatched segment stands for what the shown shares leave: 10 % of PAUH's bar
    hatch = re.search(r'<rect class="disembunyikan" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"',
                      chart(page, "distribusi"))
    assert (float(hatch[1]), float(hatch[2])) == (360.0, 40.0)
    assert "Kurang, Sangat Kurang; bersama sekitar 10,0 %" in page


def test_numbers_are_written_the_indonesian_way():
    assert angka(82.53, 2) == "82,53"
    assert angka(Decimal("1234.5"), 2) == "1.234,50"
    assert persen(45.1) == "45,1 %"
    assert jumlah(1234567) == "1.234.567"
    assert (angka(None, 2), persen(None), jumlah(None)) == ("—", "—", "—")
    page = render_report(PERIOD, tables(), META)
    assert ">82,53 · B</text>" in page and "82.53" not in page
    assert '<td class="n">60,0 %</td>' in page


def test_a_trend_breaks_at_a_missing_month_and_a_lone_month_is_a_point():
    data = tables()
    data["tren_bulanan"] = tren({"JAMBI": {"2026-07": 70.0, "2026-08": None, "2026-09": 75.0},
                                 "PAUH": {"2026-06": 60.0, "2026-07": 61.0, "2026-08": 62.0},
                                 "LATER": {"2026-10": 90.0}})  # after the period: not shown
    svg = chart(render_report(PERIOD, data, META), "tren")
    assert svg.count('<circle class="point"') == 5
    assert svg.count('<path class="line"') == 1  # PAUH's three months; JAMBI's two are apart
    assert "2026-10" not in svg and ">2026-06<" in svg

    data["tren_bulanan"] = tren({"PAUH": {"2026-09": 75.0}})
    svg = chart(render_report(PERIOD, data, META), "tren")
    assert svg.count('<circle class="point"') == 1 and "<path" not in svg


def test_a_quarter_s_last_month_shows_its_quarter_and_no_other_period():
    data = tables()
    data["distribusi_predikat"] = pd.concat([distribusi(), distribusi("LAMPUNG", "2026-Q3"),
                                             distribusi("JAMBI", "2026-08")])
    svg = chart(render_report(PERIOD, data, {**META, "instansi_nama": {"LAMPUNG": "Provinsi Lampung"}}),
                "distribusi")
    assert ">Provinsi Lampung · 2026-Q3</text>" in svg and "JAMBI" not in svg
    assert svg.count('<rect class="bar"') == 6
    august = render_report("2026-08", data, META)
    assert "2026-Q3" not in chart(august, "distribusi") and "JAMBI" in chart(august, "distribusi")


def test_few_units_are_charted_each_and_many_by_their_instansi():
    data = tables()
    data["kepatuhan"] = kepatuhan([("PAUH", None, 200, 90.0), ("JAMBI", None, None, None)])
    page = render_report(PERIOD, data, META)
    assert chart(page, "kepatuhan").count('<rect class="bar"') == 3  # unit U1; U2 is withheld
    assert "<summary>Kepatuhan per instansi</summary>" in page

    data["kepatuhan_unit"] = kepatuhan([("PAUH", f"U{i:02d}", 10, 100.0) for i in range(13)])
    page = render_report(PERIOD, data, META)
    svg = chart(page, "kepatuhan")
    assert svg.count('<rect class="bar"') == 3  # PAUH's three measures; JAMBI's are withheld
    assert "Kecamatan Pauh · Punya SKP: 90,0 %" in svg and "— disembunyikan (sel kecil)" in svg
    assert "Kepatuhan per unit kerja (13 unit)" in page


def test_the_page_is_for_a_phone_and_loads_nothing():
    page = render_report(PERIOD, tables(), META)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "default-src 'none'" in page
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert all('viewBox="0 0 400 ' in svg for svg in re.findall(r"<svg [^>]*>", page))
    assert '<a href="distribusi_predikat.csv">distribusi_predikat.csv</a> · 10 baris' in page
    assert "Periode <strong>September 2026</strong>" in page and 'lang="id"' in page


def test_a_pp30_basis_is_named_and_its_bands_shown():
    """The publisher's frames: extra columns, the predikat basis, and PP 30/2019's CUKUP band."""
    legacy = distribusi("WANGGAR", counts=(8, 40, 30, 12, None), shares=(8.9, 44.4, 33.3, 13.3, None))
    legacy["predikat"] = ["SANGAT_BAIK", "BAIK", "CUKUP", "KURANG", "SANGAT_KURANG"]
    frame = pd.concat([distribusi().assign(regime="PERMEN6_2022"), legacy.assign(regime="PP30_2019")])
    frame = frame.assign(instansi_nama="ignored", bulan_laporan=PERIOD, urutan=1, jumlah_dinilai=90)
    page = render_report(PERIOD, {"distribusi_predikat": frame}, META)
    svg = chart(page, "distribusi")
    assert ">WANGGAR · PP 30/2019</text>" in svg and ">Kecamatan Pauh</text>" in svg
    assert "<title>WANGGAR · PP 30/2019 · Cukup: 33,3 % (30 pegawai)</title>" in svg
    assert '<th colspan="2" class="c">Cukup</th>' in page and "</span>Cukup</li>" in page  # table and legend
    assert svg.count('<rect class="bar"') == 3 + 4


def test_a_period_that_is_not_a_month_is_refused():
    with pytest.raises(ConfigError):
        render_report("2026-Q3", tables(), META)


def pengaduan(rows):
    """rows: (instansi, unit, complaints, resolved on time %, withheld)."""
    return pd.DataFrame([{"instansi_kode": k, "instansi_nama": k, "unit_layanan_kode": u,
                          "unit_layanan_nama": "Seluruh unit layanan" if u == "*" else f"Loket {u}", "periode": PERIOD,
                          "jumlah_pengaduan": n, "jumlah_online": None if n is None else n - 1,
                          "jumlah_forum": None if n is None else 1, "jumlah_tatap_muka": None if n is None else 0,
                          "persen_respon_tepat_waktu": p, "persen_selesai_tepat_waktu": p,
                          "median_jam_respon": None if p is None else 6.5, "median_hari_selesai": None,
                          "standar_jam_respon": 24, "standar_hari_selesai": 14, "is_disembunyikan": w}
                         for k, u, n, p, w in rows])


def waktu_layanan(rows):
    """rows: (instansi, unit, service, requests, median hours, ikm)."""
    return pd.DataFrame([{"instansi_kode": k, "unit_layanan_kode": u, "unit_layanan_nama": f"Loket {u}",
                          "jenis_layanan": j, "jenis_layanan_nama": "Perekaman KTP-el" if j == "KTP" else j, "bulan": PERIOD,
                          "jumlah_transaksi": n, "median_jam": m, "p90_jam": None if m is None else m * 2,
                          "standar_jam": 12, "persen_dalam_standar": None if m is None else 81.5,
                          "periode_ikm": "2026-Q3", "ikm": v, "mutu_ikm": "B" if v else None,
                          "is_disembunyikan": n is None} for k, u, j, n, m, v in rows])


def test_complaints_and_service_times_have_their_page_section():
    data = {**tables(),
            "pengaduan_unit": pengaduan([("PAUH", "*", 40, 62.5, True), ("PAUH", "P1", 36, 70.0, False),
                                         ("PAUH", "P2", None, None, True),
                                         ("PAUH", "P0", 12, 50.0, False)]).assign(periode=lambda f: f["periode"]),
            "waktu_layanan": waktu_layanan([("PAUH", "P1", "KTP", 120, 9.4, 82.53), ("PAUH", "P2", "SURAT", None,
                                                                                          None, None)])}
    data["pengaduan_unit"].loc[3, "periode"] = "2026-08"  # another month: not on this month's page
    report = render_report(PERIOD, data, META)
    bars = chart(report, "pengaduan")
    assert bars.count("<rect") == 1 and "62,5 %" in bars  # one bar: the instansi's total
    assert 'href="#pengaduan"' in report and 'href="pengaduan.html"' in report
    assert "Loket P1" not in report  # the detail is on the page of its own
    page = render_pengaduan(PERIOD, data, META)
    assert render_pengaduan(PERIOD, {k: f.sample(frac=1, random_state=1) for k, f in data.items()}, META) == page
    assert chart(page, "pengaduan").count("<rect") == 1 and 'href="index.html"' in page
    section = page[page.index('id="pengaduan"'):]
    assert "Loket P1" in section and "Loket P0" not in section
    assert "Perekaman KTP-el" in section and "9,4" in section and "18,8" in section and "82,53 · B" in section
    assert section.count("—") >= 4  # the withheld unit's counts and the withheld service's numbers
    assert "<script" not in page and NO_DATA in render_pengaduan(PERIOD, {}, META).split("<main>")[1]


def test_every_government_is_named_from_any_table_or_the_agencies_file():
    from etl.publish import instansi_names

    frames = {"pengaduan_unit": pd.DataFrame({"instansi_kode": ["LAMPUNG", "ZZZ"],
                                              "instansi_nama": ["Provinsi Lampung (tabel)", "ZZZ"]}),
              "kepatuhan": pd.DataFrame({"instansi_kode": ["PAUH"], "instansi_nama": [None]})}
    names = instansi_names(frames)
    assert names["LAMPUNG"] == "Provinsi Lampung (tabel)"  # a table's name wins
    assert names["PAUH"] == "Kecamatan Pauh"  # none in the tables: the agencies file's
    assert "ZZZ" not in names  # a bare code is not a name


def test_the_ikm_shows_the_last_ended_quarter_and_the_year_so_far():
    rows = pd.DataFrame([
        {"instansi_kode": "PAUH", "unit_layanan_kode": "PAUH.L", "unit_layanan_nama": "Loket", "jenis_periode": "TRIWULANAN",
         "periode": q, "jumlah_responden": 120, "ikm": v, "mutu": "B", "kinerja": "Baik", "is_sampel_memadai": True,
         "is_disembunyikan": False}
        for q, v in (("2026-Q1", 80.5), ("2026-Q2", 81.25), ("2026-Q3", 82.75), ("2025-Q4", 70.0))])
    page = render_report("2026-11", {"ikm_unit_layanan": rows}, META)
    assert "triwulan 2026-Q3" in page  # the chart: the latest quarter ended
    assert "IKM tahun berjalan" in page
    year = page[page.index('class="ikm-tahun"'):]
    year = year[:year.index("</table>")]
    assert [q for q in ("2026-Q1", "2026-Q2", "2026-Q3", "2025-Q4") if q in year] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert "80,50 · B" in year and "82,75 · B" in year


def test_feedback_reports_and_berakhlak_have_a_section_only_when_the_month_has_them():
    assert 'id="pembinaan"' not in render_report(PERIOD, tables(), META)
    data = {**tables(),
            "umpan_balik": pd.DataFrame([{"instansi_kode": "PAUH", "bulan_laporan": PERIOD, "jumlah_pegawai": 61,
                                          "jumlah_umpan_balik_tepat": 54, "persen_umpan_balik_tepat": 88.5,
                                          "is_disembunyikan": False}]),
            "laporan_kinerja": pd.DataFrame([{"instansi_kode": "WANGGAR", "bulan_laporan": PERIOD, "jumlah_pegawai": 140,
                                              "jumlah_melapor": None, "persen_melapor": None, "jumlah_tepat_waktu": 116,
                                              "persen_tepat_waktu": 82.9, "is_disembunyikan": True}]),
            "berakhlak": pd.DataFrame([{"instansi_kode": "PAUH", "periode": PERIOD, "bulan_laporan": PERIOD,
                                        "perilaku_kode": "AKUNTABEL", "nilai_berakhlak": "Akuntabel", "urutan": 2,
                                        "jumlah_pegawai": 61, "jumlah_diatas": 12, "persen_diatas": 19.7,
                                        "jumlah_dibawah": 3, "persen_dibawah": 4.9, "is_disembunyikan": False}])}
    page = render_report(PERIOD, data, META)
    section = page[page.index('id="pembinaan"'):page.index('id="pengaduan"')]
    assert "88,5" in section and "82,9" in section and "Akuntabel" in section and "19,7" in section
    assert WITHHELD in section  # the withheld count of reports filed
    assert '<a href="#pembinaan">' in page
