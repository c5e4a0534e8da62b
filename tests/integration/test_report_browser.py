"""The open-data report (etl.publish.html) in a real browser: headless Chromium at a phone's width
renders the page from disk, builds every chart with its marks, and paints the bars in their colours.

Chromium is Debian's package; the session installs it with apt-get when it is missing (as root, the
`chromium` fixture of tests/conftest.py), and the tests are skipped only when that is impossible. The screenshot is kept for a person to look at:
in $KINERJA_SCREENSHOT_DIR when set, else in the test's temporary folder; its path is printed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pagecheck
import pandas as pd
import pytest

from etl.publish.html import KEPATUHAN, LINE_COLOURS, MUTU, PREDIKAT, render_report

PERIOD = "2026-09"
PHONE = (390, 5600)  # a phone's width; tall enough for the whole page (about 5,200 px), down to the footer
PAINTED = 1000  # pixels of a colour that prove a chart's marks were painted: its legend swatch alone paints ~160
MARGIN = 11  # CSS pixels at each side of the page that only the body's padding occupies
NAMES = {"PAUH": "Kecamatan Pauh", "LAMPUNG": "Pemerintah Provinsi Lampung",
         "KEPAHIANG": "Pemerintah Kabupaten Kepahiang"}  # JAMBI is left out: its code stands for its name


# --------------------------------------------------------------------------- a realistic package

PERMEN = ("SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG")
PP30 = ("SANGAT_BAIK", "BAIK", "CUKUP", "KURANG", "SANGAT_KURANG")


def _distribusi() -> pd.DataFrame:
    counts = {  # None: withheld (below 5, or the complementary cell)
        ("JAMBI", "2026-09", "PERMEN6_2022"): (31, 120, 22, None, None),
        ("KEPAHIANG", "2026-09", "PERMEN6_2022"): (18, 64, 11, 6, None),
        ("LAMPUNG", "2026-Q3", "PERMEN6_2022"): (55, 210, 40, 12, 5),
        ("PAUH", "2026-09", "PERMEN6_2022"): (None, 38, 9, None, None),
        ("WANGGAR", "2026-09", "PP30_2019"): (9, 41, 30, 12, None),
    }
    rows = []
    for (kode, periode, regime), values in counts.items():
        total = 140 if kode == "PAUH" else sum(v or 0 for v in values) + 6 * (None in values)
        for urutan, (predikat, n) in enumerate(zip(PP30 if regime == "PP30_2019" else PERMEN, values), start=1):
            rows.append({"instansi_kode": kode, "instansi_nama": NAMES.get(kode, kode), "periode": periode,
                         "bulan_laporan": PERIOD, "regime": regime, "predikat": predikat, "urutan": urutan,
                         "jumlah_pegawai": n, "jumlah_dinilai": total,
                         "persen_pegawai": None if n is None else round(100 * n / total, 1),
                         "is_disembunyikan": n is None})
    frame = pd.DataFrame(rows)
    frame["jumlah_pegawai"] = frame["jumlah_pegawai"].astype("Int64")
    return frame


def _distribusi_unit() -> pd.DataFrame:
    rows = []
    for kode, unit, nama in [("PAUH", "PAUH.01", "Sekretariat Kecamatan"), ("PAUH", "PAUH.02", "Seksi Pelayanan")]:
        for predikat, n in zip(PERMEN, (None, 21, 6, None, None)):
            rows.append({"instansi_kode": kode, "unit_kode": unit, "unit_nama": nama, "periode": PERIOD,
                         "regime": "PERMEN6_2022", "predikat": predikat, "jumlah_pegawai": n,
                         "persen_pegawai": None if n is None else 60.0,
                         "is_disembunyikan": n is None})
    return pd.DataFrame(rows)


IKM = [  # instansi, unit, name, responden, ikm, mutu
    ("JAMBI", "JAMBI.DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", 412, 91.27, "A"),
    ("JAMBI", "JAMBI.DPMPTSP", "Dinas Penanaman Modal dan PTSP", 388, 89.04, "A"),
    ("JAMBI", "JAMBI.RSUD", "RSUD Raden Mattaher", 506, 78.45, "B"),
    ("KEPAHIANG", "KEPAHIANG.DUKCAPIL", "Disdukcapil Kepahiang", 230, 82.10, "B"),
    ("KEPAHIANG", "KEPAHIANG.PUSKESMAS", "Puskesmas Kepahiang", None, None, None),  # under 5 responden
    ("LAMPUNG", "LAMPUNG.SAMSAT", "UPTD Samsat Bandar Lampung", 640, 94.36, "A"),
    ("LAMPUNG", "LAMPUNG.BAPENDA", "Badan Pendapatan Daerah", 150, 72.88, "C"),
    ("PAUH", "PAUH.PELAYANAN", "Seksi Pelayanan Kecamatan Pauh", 96, 62.50, "D"),
]


def _ikm() -> pd.DataFrame:
    kinerja = {mutu: label for mutu, (_, label) in MUTU.items()}
    return pd.DataFrame([
        {"instansi_kode": kode, "unit_layanan_kode": unit, "unit_layanan_nama": nama, "jenis_periode": jenis,
         "periode": periode, "jumlah_responden": n, "ikm": ikm, "mutu": mutu, "kinerja": kinerja.get(mutu),
         "is_sampel_memadai": None if n is None else n >= 150, "is_disembunyikan": ikm is None}
        for kode, unit, nama, n, ikm, mutu in IKM
        for jenis, periode in (("TRIWULANAN", "2026-Q3"), ("SEMESTERAN", "2026-S2"))
    ]).astype({"jumlah_responden": "Int64"})


KEPATUHAN_UNITS = [  # instansi, unit, name, employees, shares (None: withheld)
    ("JAMBI", "JAMBI.BKD", "Badan Kepegawaian Daerah", 48, (97.9, 95.8, 87.5)),
    ("JAMBI", "JAMBI.DINKES", "Dinas Kesehatan", 120, (91.7, 88.3, 70.0)),
    ("KEPAHIANG", "KEPAHIANG.SETDA", "Sekretariat Daerah", 64, (100.0, 93.8, 81.3)),
    ("KEPAHIANG", "KEPAHIANG.INSPEKTORAT", "Inspektorat", None, (None, None, None)),
    ("LAMPUNG", "LAMPUNG.BPKAD", "BPKAD", 210, (88.6, 84.3, 61.4)),
    ("PAUH", "PAUH.01", "Sekretariat Kecamatan", 22, (95.5, 90.9, 86.4)),
]


KEPATUHAN_INSTANSI = [  # instansi, period, employees, shares: as pub_kepatuhan publishes them
    ("JAMBI", PERIOD, 1_240, (93.1, 90.2, 74.8)),
    ("KEPAHIANG", PERIOD, 388, (96.4, 92.0, 80.2)),
    ("LAMPUNG", "2026-Q3", 2_915, (89.0, 85.1, 63.0)),
    ("PAUH", PERIOD, 22, (95.5, 90.9, 86.4)),
]


def _kepatuhan_unit() -> pd.DataFrame:
    return pd.DataFrame([
        {"instansi_kode": kode, "unit_kode": unit, "unit_nama": nama,
         "periode": "2026-Q3" if kode == "LAMPUNG" else PERIOD, "jumlah_pegawai": n,
         **dict(zip(KEPATUHAN, shares)), "is_disembunyikan": n is None}
        for kode, unit, nama, n, shares in KEPATUHAN_UNITS
    ]).astype({"jumlah_pegawai": "Int64"})


def _kepatuhan() -> pd.DataFrame:
    return pd.DataFrame([
        {"instansi_kode": kode, "periode": periode, "jumlah_pegawai": n, **dict(zip(KEPATUHAN, shares)),
         "is_disembunyikan": False}
        for kode, periode, n, shares in KEPATUHAN_INSTANSI
    ])


TREN = {"JAMBI": (71.2, 74.0, 76.5), "KEPAHIANG": (80.1, None, 83.3), "LAMPUNG": (None, None, 79.0),
        "PAUH": (65.0, 68.4, 70.2)}
MONTHS = ("2026-07", "2026-08", "2026-09")


def _tren() -> pd.DataFrame:
    return pd.DataFrame([
        {"instansi_kode": kode, "bulan": month, "jumlah_dinilai": None if value is None else 100,
         "persen_baik_ke_atas": value, "persen_dievaluasi": None if value is None else 92.0,
         "is_disembunyikan": value is None}
        for kode, values in TREN.items() for month, value in zip(MONTHS, values)
    ]).astype({"jumlah_dinilai": "Int64"})


IKU = [  # unit, name, indicator, status
    ("LAMPUNG.BPKAD", "BPKAD", "IKU-01", "TERCAPAI"), ("LAMPUNG.BPKAD", "BPKAD", "IKU-02", "TIDAK_TERCAPAI"),
    ("LAMPUNG.DINKES", "Dinas Kesehatan", "IKU-01", "TERCAPAI"),
]


def _capaian_iku() -> pd.DataFrame:
    return pd.DataFrame([
        {"instansi_kode": "LAMPUNG", "unit_kode": unit, "unit_nama": nama, "periode": "2026-Q3",
         "bulan_laporan": PERIOD, "iku_kode": iku, "indikator": f"Indikator {iku}", "satuan": "%", "target": 90.0,
         "realisasi": 95.0 if status == "TERCAPAI" else 80.0, "capaian_persen": 105.56 if status == "TERCAPAI" else 88.89,
         "status_capaian": status}
        for unit, nama, iku, status in IKU])


PELATIHAN = {"JAMBI": (209, 160, 76.6, 88, 42.1), "PAUH": (61, None, None, None, None)}


def _pelatihan() -> pd.DataFrame:
    return pd.DataFrame([
        {"instansi_kode": kode, "bulan_laporan": PERIOD, "standar_minimum": 20.0, "standar_satuan": "JP",
         "jumlah_pegawai": n, "jumlah_terlatih": t, "persen_terlatih": tp, "jumlah_memenuhi_standar": m,
         "persen_memenuhi_standar": mp, "is_disembunyikan": t is None}
        for kode, (n, t, tp, m, mp) in PELATIHAN.items()]).astype({"jumlah_terlatih": "Int64",
                                                                   "jumlah_memenuhi_standar": "Int64"})


def _meta() -> dict:
    files = [{"name": f"{name}.csv", "rows": rows, "sha256": f"{i:x}" * 64, "description": text}
             for i, (name, rows, text) in enumerate([
                 ("distribusi_predikat", 20, "Jumlah pegawai per predikat kinerja, per instansi"),
                 ("ikm_unit_layanan", 16, "IKM per unit layanan dan periode survei"),
                 ("kepatuhan_unit", 6, "Kepatuhan SKP dan evaluasi per unit kerja"),
                 ("tren_bulanan", 12, "Tren bulanan per instansi"),
             ], start=1)]
    return {"title": "Laporan Data Terbuka Kinerja ASN dan Indeks Kepuasan Masyarakat",
            "organisation": "Konsorsium Data Kinerja ASN", "license": "CC-BY-4.0", "min_cell_size": 5,
            "files": files, "instansi_nama": NAMES}


def _tables() -> dict[str, pd.DataFrame]:
    return {"distribusi_predikat": _distribusi(), "distribusi_predikat_unit": _distribusi_unit(),
            "kepatuhan": _kepatuhan(), "kepatuhan_unit": _kepatuhan_unit(),
            "ikm_unit_layanan": _ikm(), "tren_bulanan": _tren(), "capaian_iku": _capaian_iku(),
            "pelatihan": _pelatihan()}


# --------------------------------------------------------------------------- the browser

def _chromium(binary: str, page: Path, *args: str) -> subprocess.CompletedProcess:
    return pagecheck.chromium(binary, page, PHONE, *args)


def _screenshot(binary: str, page: Path) -> Path:
    return pagecheck.screenshot(binary, page, PHONE, f"index-{PHONE[0]}.png")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    page = folder / "index.html"
    page.write_text(render_report(PERIOD, _tables(), _meta()), encoding="utf-8")
    return page


def test_the_browser_builds_every_chart_with_its_marks(chromium, report):
    done = _chromium(chromium, report, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    parser = pagecheck.Marks()
    parser.feed(done.stdout)
    charts = parser.charts
    assert set(charts) == {"distribusi", "ikm", "kepatuhan", "tren", "iku", "pelatihan"}
    shown_shares = int(_distribusi()["persen_pegawai"].notna().sum())
    assert charts["distribusi"]["rect.bar"] == shown_shares
    assert charts["distribusi"]["rect.disembunyikan"] == 4  # JAMBI, KEPAHIANG, PAUH and WANGGAR withheld cells
    assert charts["ikm"]["rect.bar"] == sum(1 for row in IKM if row[4] is not None)
    assert charts["kepatuhan"]["rect.bar"] == 3 * sum(1 for row in KEPATUHAN_UNITS if row[3] is not None)
    assert charts["tren"]["circle.point"] == sum(v is not None for values in TREN.values() for v in values)
    # a line through each run of two or more months: JAMBI and PAUH whole, KEPAHIANG's gap, LAMPUNG alone
    assert charts["tren"]["path.line"] == 2
    assert charts["iku"]["rect.bar"] == len({unit for unit, *_ in IKU})  # a bar per unit: its share achieved
    assert charts["pelatihan"]["rect.bar"] == 2  # JAMBI's two measures; PAUH withheld
    assert any("1 dari 2 IKU tercapai" in title for title in parser.titles["iku"])


def _pixels(image, colour: str) -> int:
    rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return sum(count for count, pixel in image.getcolors(maxcolors=1 << 20) if pixel == rgb)


def test_a_phone_sees_the_charts_painted_within_its_width(chromium, report):
    from PIL import Image

    shot = _screenshot(chromium, report)
    with Image.open(shot) as image:
        assert image.size == PHONE
        painted = image.convert("RGB")
    assert _pixels(painted, MUTU["A"][0]) > PAINTED  # the IKM bars of mutu A, four of them
    for mutu in ("B", "C", "D"):
        assert _pixels(painted, MUTU[mutu][0]) > PAINTED, mutu
    for code in ("SANGAT_BAIK", "BAIK", "CUKUP", "BUTUH_PERBAIKAN"):  # KURANG and SANGAT_KURANG are slivers
        assert _pixels(painted, PREDIKAT[code][1]) > PAINTED, code
    for label, colour in KEPATUHAN.values():
        assert _pixels(painted, colour) > PAINTED, label
    for index in (0, 3):  # JAMBI's and PAUH's lines (a legend's line swatch paints ~70)
        assert _pixels(painted, LINE_COLOURS[index]) > 300, LINE_COLOURS[index]
    # nothing is wider than the phone: tables scroll inside their wrapper, charts shrink to fit
    width, height = PHONE
    for side in ((0, 0, MARGIN, height), (width - MARGIN, 0, width, height)):
        assert painted.crop(side).getcolors() == [(MARGIN * height, (255, 255, 255))], side
