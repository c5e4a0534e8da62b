"""The three pages against checked-in golden files: the open-data report (index.html), its complaints
page (pengaduan.html) and the validation report, each rendered from fixed inputs and compared byte
for byte with tests/unit/golden/. A change of what a page writes is then a visible, deliberate diff.

The inputs reach every branch of the pages: a quarter's last month and another month, the PP 30/2019
basis, withheld cells of every kind, many units and few, a trend with gaps over a year's end, long
names, more instansi than line colours, empty tables, and text an agency may send (<script>, quotes,
apostrophes, ampersands, formulas); for the validation report loaded, refused and unvalidated
deliveries, failing rules, quarantined rows with long, empty and hostile values, earlier deliveries,
and the agencies file unreadable.

To accept a deliberate change: KINERJA_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_pages_golden.py
rewrites the files; review them with `git diff tests/unit/golden/` before committing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest

from etl.publish.html import render_pengaduan, render_report
from etl.validate import report

GOLDEN = Path(__file__).parent / "golden"
HOSTILE = "<script>alert('x')</script> & \"kutip\""
FORMULA = '=HYPERLINK("x")'
PERMEN = ("SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG")
PP30 = ("SANGAT_BAIK", "BAIK", "CUKUP", "KURANG", "SANGAT_KURANG")


def check(name: str, page: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KINERJA_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page.encode("utf-8"))
    assert path.exists(), f"no golden file {name}: run with KINERJA_UPDATE_GOLDEN=1 and review the diff"
    expected = path.read_bytes().decode("utf-8")
    if page != expected:
        at = next((i for i, (a, b) in enumerate(zip(page, expected)) if a != b), min(len(page), len(expected)))
        pytest.fail(f"{name} differs from its golden file at character {at}:\n"
                    f"  golden:   {expected[max(0, at - 80):at + 80]!r}\n  rendered: {page[max(0, at - 80):at + 80]!r}")


# --------------------------------------------------------------------------- the open-data report

def distribusi(rows):
    """rows: (instansi, periode, regime, counts per predikat of its basis, employees rated)."""
    out = []
    for kode, periode, regime, counts, total in rows:
        for urutan, (predikat, n) in enumerate(zip(PP30 if regime == "PP30_2019" else PERMEN, counts), start=1):
            out.append({"instansi_kode": kode, "instansi_nama": kode, "periode": periode, "regime": regime,
                        "predikat": predikat, "urutan": urutan, "jumlah_pegawai": n, "jumlah_dinilai": total,
                        "persen_pegawai": None if n is None else round(100 * n / total, 1),
                        "is_disembunyikan": n is None})
    return pd.DataFrame(out).astype({"jumlah_pegawai": "Int64"})


def distribusi_unit(rows):
    """rows: (instansi, unit, name, periode, counts)."""
    return pd.DataFrame([
        {"instansi_kode": kode, "unit_kode": unit, "unit_nama": nama, "periode": periode, "regime": "PERMEN6_2022",
         "predikat": predikat, "jumlah_pegawai": n, "persen_pegawai": None if n is None else round(100 * n / 40, 1),
         "is_disembunyikan": n is None}
        for kode, unit, nama, periode, counts in rows for predikat, n in zip(PERMEN, counts)])


def ikm(rows):
    """rows: (instansi, unit, name, jenis_periode, periode, responden, ikm, mutu, kinerja, sampel memadai)."""
    return pd.DataFrame([
        {"instansi_kode": k, "unit_layanan_kode": u, "unit_layanan_nama": n, "jenis_periode": j, "periode": p,
         "jumlah_responden": r, "ikm": v, "mutu": m, "kinerja": kin, "is_sampel_memadai": s,
         "is_disembunyikan": v is None}
        for k, u, n, j, p, r, v, m, kin, s in rows]).astype({"jumlah_responden": "Int64"})


def kepatuhan(rows, units=True):
    """rows: (instansi, unit or None, name, periode, employees, three shares)."""
    return pd.DataFrame([
        {"instansi_kode": k, "periode": p, "jumlah_pegawai": n, "persen_punya_skp": a, "persen_dievaluasi": b,
         "persen_tepat_waktu": c, "is_disembunyikan": n is None,
         **({"unit_kode": u, "unit_nama": nama} if units else {})}
        for k, u, nama, p, n, (a, b, c) in rows])


def tren(values):
    """values: {instansi: {bulan: share or None}}."""
    return pd.DataFrame([{"instansi_kode": k, "bulan": b, "jumlah_dinilai": None if v is None else 50,
                          "persen_baik_ke_atas": v, "persen_dievaluasi": v, "is_disembunyikan": v is None}
                         for k, months in values.items() for b, v in months.items()])


def pengaduan(periode, rows):
    """rows: (instansi, unit, name, complaints, by channel, respons %, selesai %, median hours, median days)."""
    return pd.DataFrame([
        {"instansi_kode": k, "instansi_nama": k, "unit_layanan_kode": u, "unit_layanan_nama": nama, "periode": periode,
         "jumlah_pengaduan": n, "jumlah_online": ch[0], "jumlah_forum": ch[1], "jumlah_tatap_muka": ch[2],
         "persen_respon_tepat_waktu": r, "persen_selesai_tepat_waktu": s, "median_jam_respon": mj,
         "median_hari_selesai": mh, "standar_jam_respon": 24, "standar_hari_selesai": 14,
         "is_disembunyikan": n is None or None in ch}
        for k, u, nama, n, ch, r, s, mj, mh in rows])


def waktu_layanan(bulan, rows):
    """rows: (instansi, unit, unit name, service, service name, requests, median, p90, standard, within %, ikm, mutu)."""
    return pd.DataFrame([
        {"instansi_kode": k, "unit_layanan_kode": u, "unit_layanan_nama": un, "jenis_layanan": j,
         "jenis_layanan_nama": jn, "bulan": bulan, "jumlah_transaksi": n, "median_jam": m, "p90_jam": p90,
         "standar_jam": st, "persen_dalam_standar": w, "periode_ikm": "2026-Q3", "ikm": v, "mutu_ikm": mu,
         "is_disembunyikan": n is None}
        for k, u, un, j, jn, n, m, p90, st, w, v, mu in rows])


def capaian_iku(rows):
    """rows: (instansi, unit, unit name, periode, bulan_laporan, iku, indicator, unit of measure, target,
    realisation, achievement %, status)."""
    return pd.DataFrame([
        {"instansi_kode": k, "instansi_nama": k, "unit_kode": u, "unit_nama": un, "periode": p, "bulan_laporan": b,
         "tahun": int(b[:4]), "iku_kode": i, "indikator": ind, "satuan": sat, "arah": "NAIK", "target": t,
         "realisasi": r, "capaian_persen": c, "status_capaian": st}
        for k, u, un, p, b, i, ind, sat, t, r, c, st in rows])


def pelatihan(rows):
    """rows: (instansi, bulan_laporan, employees, trained, trained %, meeting the standard, its %)."""
    return pd.DataFrame([
        {"instansi_kode": k, "instansi_nama": k, "tahun": int(b[:4]), "bulan_laporan": b, "standar_minimum": 20.0,
         "standar_satuan": "JP", "jumlah_pegawai": n, "jumlah_terlatih": t, "persen_terlatih": tp,
         "jumlah_memenuhi_standar": m, "persen_memenuhi_standar": mp, "is_disembunyikan": None in (n, t, m)}
        for k, b, n, t, tp, m, mp in rows]).astype({"jumlah_pegawai": "Int64", "jumlah_terlatih": "Int64",
                                                    "jumlah_memenuhi_standar": "Int64"})


def files(names):
    return [{"name": n, "rows": r, "sha256": f"{i:x}" * 64, "description": d}
            for i, (n, r, d) in enumerate(names, start=1)]


NAMES = {"PAUH": "Kecamatan Pauh", "LAMPUNG": "Pemerintah Provinsi Lampung",
         "KEPAHIANG": "Pemerintah Kabupaten Kepahiang"}
META = {"title": "Laporan Data Terbuka Kinerja ASN dan Indeks Kepuasan Masyarakat",
        "organisation": "Konsorsium Data Kinerja ASN", "license": "CC-BY-4.0", "min_cell_size": 5,
        "instansi_nama": NAMES}


def quarter_month():
    """September 2026: the month and LAMPUNG's quarter, the PP 30/2019 basis, IKM of two kinds of period."""
    tables = {
        "distribusi_predikat": distribusi([
            ("JAMBI", "2026-09", "PERMEN6_2022", (31, 120, 22, None, None), 179),
            ("KEPAHIANG", "2026-09", "PERMEN6_2022", (18, 64, 11, 6, None), 102),
            ("LAMPUNG", "2026-Q3", "PERMEN6_2022", (55, 210, 40, 12, 5), 322),
            ("PAUH", "2026-09", "PERMEN6_2022", (None, 38, 9, None, None), 140),
            ("WANGGAR", "2026-09", "PP30_2019", (9, 41, 30, 12, None), 98),
            ("WANGGAR", "2026-08", "PP30_2019", (9, 41, 30, 12, None), 98),  # another month: not shown
        ]),
        "distribusi_predikat_unit": distribusi_unit([
            ("PAUH", "PAUH.01", "Sekretariat Kecamatan", "2026-09", (None, 21, 6, None, None)),
            ("PAUH", "PAUH.02", "Seksi Pelayanan", "2026-09", (None, 24, 11, 0, 0)),
            ("LAMPUNG", "LAMPUNG.BPKAD", "BPKAD", "2026-Q3", (8, 20, 9, None, None)),
        ]),
        "ikm_unit_layanan": ikm([
            (k, u, n, j, p, r, v, m, kin, s)
            for k, u, n, r, v, m, kin in [
                ("JAMBI", "JAMBI.DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", 412, 91.27, "A", "Sangat Baik"),
                ("JAMBI", "JAMBI.RSUD", "RSUD Raden Mattaher", 506, 78.45, "B", "Baik"),
                ("KEPAHIANG", "KEPAHIANG.PUSKESMAS", "Puskesmas Kepahiang", None, None, None, None),
                ("LAMPUNG", "LAMPUNG.BAPENDA", "Badan Pendapatan Daerah", 150, 72.88, "C", "Kurang Baik"),
                ("PAUH", "PAUH.PELAYANAN", "Seksi Pelayanan Kecamatan Pauh", 96, 62.50, "D", None),
            ]
            for j, p, s in (("TRIWULANAN", "2026-Q3", None if r is None else r >= 150),
                            ("SEMESTERAN", "2026-S2", None if r is None else True))]
            + [("JAMBI", "JAMBI.DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "TRIWULANAN", "2026-Q2", 380,
                89.10, "A", "Sangat Baik", True),
               ("PAUH", "PAUH.PELAYANAN", "Seksi Pelayanan Kecamatan Pauh", "TRIWULANAN", "2026-Q2", None, None, None,
                None, None),
               ("LAMPUNG", "LAMPUNG.BAPENDA", "Badan Pendapatan Daerah", "TRIWULANAN", "2025-Q4", 120, 70.0, "C",
                "Kurang Baik", False)]),  # last year: not in this year's columns
        "capaian_iku": capaian_iku([
            ("LAMPUNG", "LAMPUNG.BPKAD", "BPKAD", "2026-Q3", "2026-09", "IKU-01", "Persentase realisasi anggaran",
             "%", 95.0, 97.5, 102.63, "TERCAPAI"),
            ("LAMPUNG", "LAMPUNG.BPKAD", "BPKAD", "2026-Q3", "2026-09", "IKU-02", "Opini BPK", "predikat", 1.0, 0.0,
             0.0, "TIDAK_TERCAPAI"),
            ("LAMPUNG", "LAMPUNG.DINKES", "Dinas Kesehatan", "2026-Q3", "2026-09", "IKU-01", "Prevalensi stunting",
             "%", 14.0, 15.5, 89.29, "TIDAK_TERCAPAI"),
            ("LAMPUNG", "LAMPUNG.DINKES", "Dinas Kesehatan", "2026-Q3", "2026-09", "IKU-02", "Tanpa status", "%",
             None, None, None, None),
            ("LAMPUNG", "LAMPUNG.BPKAD", "BPKAD", "2026-Q2", "2026-06", "IKU-01", "Persentase realisasi anggaran",
             "%", 95.0, 90.0, 94.74, "TIDAK_TERCAPAI"),  # an earlier quarter: in the file, not charted
        ]),
        "pelatihan": pelatihan([
            ("JAMBI", "2026-09", 209, 160, 76.6, 88, 42.1),
            ("PAUH", "2026-09", 61, None, None, None, None),
            ("JAMBI", "2026-08", 209, 150, 71.8, 80, 38.3),  # another month: not shown
        ]),
        "kepatuhan": kepatuhan([
            ("JAMBI", None, None, "2026-09", 1_240, (93.1, 90.2, 74.8)),
            ("LAMPUNG", None, None, "2026-Q3", 2_915, (89.0, 85.1, 63.0)),
            ("PAUH", None, None, "2026-09", 22, (95.5, 90.9, 86.4)),
        ], units=False),
        "kepatuhan_unit": kepatuhan([
            ("JAMBI", "JAMBI.BKD", "Badan Kepegawaian Daerah", "2026-09", 48, (97.9, 95.8, 87.5)),
            ("KEPAHIANG", "KEPAHIANG.INSPEKTORAT", "Inspektorat", "2026-09", None, (None, None, None)),
            ("LAMPUNG", "LAMPUNG.BPKAD", "BPKAD", "2026-Q3", 210, (88.6, None, 61.4)),
            ("PAUH", "PAUH.01", "Sekretariat Kecamatan", "2026-09", 22, (95.5, 90.9, 86.4)),
        ]),
        "tren_bulanan": tren({"JAMBI": {"2026-07": 71.2, "2026-08": 74.0, "2026-09": 76.5},
                              "KEPAHIANG": {"2026-07": 80.1, "2026-08": None, "2026-09": 83.3},
                              "LAMPUNG": {"2026-09": 79.0}, "PAUH": {"2026-07": 65.0, "2026-08": 68.4,
                                                                    "2026-09": 70.2, "2026-10": 71.0}}),
        "pengaduan_unit": pd.concat([
            pengaduan("2026-09", [
                ("JAMBI", "*", "Seluruh unit layanan", 40, (30, 6, 4), 87.5, 62.5, 6.5, 4.0),
                ("JAMBI", "JAMBI.DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", 36, (28, 5, 3), 88.9, 66.7,
                 6.0, 3.5),
                ("JAMBI", "JAMBI.RSUD", "RSUD Raden Mattaher", None, (None, None, None), None, None, None, None),
                ("WANGGAR", "*", "Seluruh unit layanan", 12, (None, 8, None), None, None, 30.0, None),
            ]),
            pengaduan("2026-08", [("JAMBI", "*", "Seluruh unit layanan", 9, (9, 0, 0), 100.0, 100.0, 2.0, 1.0)]),
        ]),
        "waktu_layanan": pd.concat([
            waktu_layanan("2026-09", [
                ("PAUH", "PAUH.PELAYANAN", "Seksi Pelayanan Kecamatan Pauh", "KTP", "Perekaman KTP-el", 120, 9.4, 18.8,
                 12, 81.5, 62.5, "D"),
                ("PAUH", "PAUH.PELAYANAN", "Seksi Pelayanan Kecamatan Pauh", "SURAT", None, None, None, None, 24, None,
                 62.5, "D"),
                ("JAMBI", "JAMBI.DUKCAPIL", None, "KK", "Kartu Keluarga", 61, 30.25, 70.0, 48, 95.1, None, None),
            ]),
            waktu_layanan("2026-08", [("PAUH", "PAUH.PELAYANAN", "x", "KTP", "y", 5, 1.0, 2.0, 12, 100.0, None, None)]),
        ]),
    }
    meta = {**META, "files": files([
        ("distribusi_predikat.csv", 30, "Jumlah pegawai per predikat kinerja, per instansi"),
        ("ikm_unit_layanan.csv", 10, "IKM per unit layanan dan periode survei"),
        ("pengaduan.html", None, "Halaman pengaduan dan waktu layanan"),
        ("datapackage.json", None, None),
    ])}
    return tables, meta


def other_month():
    """August 2026: many units (charted per instansi), a trend over a year's end with more instansi than
    line colours, long names, IKM of a year and of a kind not known, bars too thin for their label."""
    many = [f"I{i:02d}" for i in range(12)]
    long_name = "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana"
    months = ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07",
              "2026-08"]
    tables = {
        "distribusi_predikat": distribusi([
            ("I00", "2026-08", "PERMEN6_2022", (2, 90, 6, 1, 1), 100),  # slivers: no label on the bar
            ("I01", "2026-08", "PERMEN6_2022", (None, None, None, None, None), 100),
            ("I02", "2026-08", "PERMEN6_2022", (60, 45, 0, 0, 0), 100),  # over 100 %: cut at the bar's end
            ("LAMPUNG", "2026-Q3", "PERMEN6_2022", (5, 5, 5, 5, 5), 25),  # not this month's quarter
        ]),
        "ikm_unit_layanan": ikm([
            ("I00", "I00.A", long_name, "TAHUNAN", "2025", 300, 81.0, None, None, True),
            ("I00", "I00.B", "Loket", "TAHUNAN", "2025", 90, 101.5, "A", None, False),
            ("I01", "I01.A", "Loket", "LAINNYA", "2025-X", 90, 70.0, "C", "Kurang Baik", True),
            ("I01", "I01.A", "Loket", "TAHUNAN", "2024", 90, 70.0, "C", "Kurang Baik", True),
        ]),
        "kepatuhan": kepatuhan([(k, None, None, "2026-08", None if k == "I03" else 100, (None,) * 3 if k == "I03"
                                 else (90.0, 80.5, 70.25)) for k in many[:4]]
                               + [("I04", None, None, "2026-08", 10, (None, None, None))], units=False),
        "kepatuhan_unit": kepatuhan([("I00", f"I00.{j:02d}", f"Unit {j}" if j else long_name, "2026-08", 10,
                                      (100.0, 100.0, 95.0)) for j in range(13)]),
        "tren_bulanan": tren({k: {m: (None if (i + j) % 4 == 0 else 50.0 + i + j) for j, m in enumerate(months)}
                              for i, k in enumerate(many)}),
        "pengaduan_unit": pengaduan("2026-08", [
            ("I00", "*", "Seluruh unit layanan", None, (None, None, None), None, None, None, None),
            ("I01", "*", "Seluruh unit layanan", 7, (7, 0, 0), 100.0, 120.0, 1.0, 0.5),
        ]),
        "waktu_layanan": waktu_layanan("2026-08", []),
    }
    meta = {"organisation": "Konsorsium", "license": "CC0-1.0", "instansi_nama": {"I00": long_name},
            "files": files([("b.csv", 0, ""), ("a.csv", 3, "A")])}
    return tables, meta


def hostile():
    """Text an agency or a publisher's configuration may hold, in every place the pages show text."""
    tables, meta = quarter_month()
    for name in ("distribusi_predikat_unit", "kepatuhan_unit"):
        tables[name] = tables[name].assign(unit_nama=HOSTILE)
    tables["ikm_unit_layanan"] = tables["ikm_unit_layanan"].assign(unit_layanan_nama=FORMULA, mutu="B & C",
                                                                   kinerja=HOSTILE)
    tables["pengaduan_unit"] = tables["pengaduan_unit"].assign(unit_layanan_nama=HOSTILE)
    tables["waktu_layanan"] = tables["waktu_layanan"].assign(jenis_layanan_nama=HOSTILE, unit_layanan_nama=FORMULA)
    meta = {**meta, "title": HOSTILE, "organisation": HOSTILE, "license": FORMULA,
            "instansi_nama": {k: f"{v} {HOSTILE}" for k, v in {**NAMES, "JAMBI": "Kota Jambi's"}.items()},
            "files": [{"name": "javascript:alert('1') \"x\".csv", "rows": 1, "sha256": HOSTILE,
                       "description": FORMULA}]}
    return tables, meta


def empty():
    nothing = distribusi([("PAUH", "2026-06", "PERMEN6_2022", (1, 2, 3, 4, 5), 15)]).iloc[0:0]
    return ({"distribusi_predikat": nothing, "ikm_unit_layanan": pd.DataFrame(),
             "kepatuhan_unit": kepatuhan([])}, {"organisation": "K", "license": "L", "files": []})


OPEN_DATA = {"2026-09": ("2026-09", quarter_month), "2026-08": ("2026-08", other_month),
             "hostile": ("2026-09", hostile), "empty": ("2026-06", empty)}


@pytest.mark.parametrize("case", OPEN_DATA)
def test_the_open_data_report_is_its_golden_file(case):
    period, build = OPEN_DATA[case]
    tables, meta = build()
    check(f"index-{case}.html", render_report(period, tables, meta))


@pytest.mark.parametrize("case", OPEN_DATA)
def test_the_complaints_page_is_its_golden_file(case):
    period, build = OPEN_DATA[case]
    tables, meta = build()
    check(f"pengaduan-{case}.html", render_pengaduan(period, tables, meta))


# --------------------------------------------------------------------------- the validation report

T0 = dt.datetime(2026, 10, 2, 1, 0, tzinfo=dt.timezone.utc)


def batch(batch_id, instansi, entity, periode, status, **fields) -> report.Batch:
    values = dict(batch_id=batch_id, instansi_kode=instansi, entity=entity, periode=periode, source_kind="file",
                  source_file=f"{instansi}/{periode}/{entity}.csv", checksum_sha256=(batch_id * 64)[:64],
                  size_bytes=12_345, status=status, gate=None, message=None, rows_received=100, rows_loaded=98,
                  rows_quarantined=2, is_current=status == "loaded", attempts=1, first_received_at=T0,
                  extracted_at=T0 + dt.timedelta(minutes=1), validated_at=T0 + dt.timedelta(minutes=2),
                  loaded_at=T0 + dt.timedelta(minutes=3) if status == "loaded" else None)
    values.update(fields)
    return report.Batch(**values)


def batches() -> list[report.Batch]:
    loaded = batch("a1", "LAMPUNG", "rhk", "2026-Q3", "loaded", rows_received=1_234_567, rows_loaded=1_234_000,
                   rows_quarantined=567, quarantine_total=567, attempts=2)
    loaded.rules = [("jenis_rhk must be UTAMA or TAMBAHAN", "expect_column_values_to_be_in_set", "jenis_rhk",
                     1_234_567, 500),
                    ("nip, skp_id and rhk_kode are unique", "expect_compound_columns_to_be_unique",
                     "nip,skp_id, rhk_kode", 1_234_567, 67),
                    ("target is a number", "expect_column_values_to_match_regex", "target", 1_234_567, 1),
                    ("realisasi is not negative", "expect_column_values_to_be_between", None, 1_234_567, 0),
                    ("periode is the delivery's", "expect_column_values_to_be_in_set", "periode", 0, 0)]
    loaded.quarantine = [
        (2, {"nip": "198001012005011001", "jenis_rhk": "LAIN", "rhk_uraian": "rahasia"},
         ["jenis_rhk must be UTAMA or TAMBAHAN"]),
        (3, {"nip": "198001012005011002", "skp_id": "S-1", "rhk_kode": "R'1", "jenis_rhk": ""},
         ["nip, skp_id and rhk_kode are unique", "jenis_rhk must be UTAMA or TAMBAHAN"]),
        (7, {"target": "x" * 300, "satuan": None}, ["target is a number"]),
        (9, {"jenis_rhk": HOSTILE}, ["jenis_rhk must be UTAMA or TAMBAHAN", f"{HOSTILE} is not a rule",
                                     "satuan and realisasi must agree"]),
        (11, ["not", "a", "dict"], None),
    ]
    loaded.history = [batch("a0", "LAMPUNG", "rhk", "2026-Q3", "loaded", is_current=False,
                            first_received_at=T0 - dt.timedelta(days=3), checksum_sha256="f" * 64)]
    refused = batch("b2", "PAUH", "predikat_organisasi", "2026-09", "rejected", gate="empty", is_current=True,
                    message=f"predikat_organisasi.csv holds no rows {HOSTILE}", rows_received=0, rows_loaded=None,
                    rows_quarantined=None, size_bytes=None, loaded_at=None)
    refused.history = [batch("b1", "PAUH", "predikat_organisasi", "2026-09", "loaded",
                             first_received_at=T0 - dt.timedelta(days=1)),
                       batch("b0", "PAUH", "predikat_organisasi", "2026-09", "rejected", gate="columns",
                             is_current=False, first_received_at=T0 - dt.timedelta(days=2),
                             extracted_at=T0 + dt.timedelta(hours=5))]
    refused_new = batch("c1", "PAUH", "pegawai", "2026-09", "rejected", gate="unreadable", is_current=False,
                        message="the file is not UTF-8", rows_received=None, rows_loaded=None, rows_quarantined=None)
    waiting = batch("d1", "WANGGAR", "pegawai", "2026-09", "received", rows_received=None, rows_loaded=None,
                    rows_quarantined=None, validated_at=None, extracted_at=None,
                    first_received_at=T0 + dt.timedelta(hours=7))
    unbalanced = batch("e1", "WANGGAR", "unit_kerja", "2026-09", "loaded", rows_received=10, rows_loaded=7,
                       rows_quarantined=2, quarantine_total=0)
    plain = batch("f1", "XYZ", "not_an_entity", "2026-09", "loaded", quarantine_total=1)
    plain.quarantine = [(5, {"kolom": "nilai"}, ["kolom must be filled"])]
    return [loaded, refused, refused_new, waiting, unbalanced, plain]


VALIDATION = {
    "2026-09": ("2026-09", batches, lambda: [("JAMBI", "evaluasi_periodik", "2026-09"),
                                             ("LAMPUNG", "skm_populasi", "2026-Q3")]),
    "kosong": ("2026-08", list, lambda: "cannot read config/agencies.yml: 'sources' is missing <here>"),
    "tanpa-kekurangan": ("2026-08", lambda: batches()[4:], list),
}


@pytest.mark.parametrize("case", VALIDATION)
def test_the_validation_report_is_its_golden_file(case):
    period, build, missing = VALIDATION[case]
    check(f"validasi-{case}.html", report.render_page(period, build(), missing()))
