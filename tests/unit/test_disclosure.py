"""The disclosure audit on hand-made packages: what it must find (a pinned count, a row given away
by its zeros, a count recovered from another table or an earlier package, a small group's partial
count) and what it must let through (a well protected table, a large group's count of exceptions,
what the instansi's own figure already says). Each package is written as the public reads it:
the CSV files, with only the columns the audit reads."""

import csv
from pathlib import Path

import pytest

from etl.publish import disclosure, privacy, utility

PROTECTION = disclosure.Protection(lebar_minimum=1, min_kelompok=10, min_cell_size=5)
PREDIKAT = ("SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG")


def _write(folder: Path, name: str, rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)


def _predikat(folder: Path, units: dict[str, tuple], instansi: tuple, period: str = "2026-09",
              kode: str = "X") -> None:
    """units: unit -> (counts per predikat, total); instansi: (counts, total). None = withheld."""
    common = {"instansi_kode": kode, "periode": period, "bulan_laporan": period, "regime": "PERMEN6_2022"}
    _write(folder, "distribusi_predikat", [
        {**common, "predikat": p, "jumlah_pegawai": n, "jumlah_dinilai": instansi[1]}
        for p, n in zip(PREDIKAT, instansi[0])])
    _write(folder, "distribusi_predikat_unit", [
        {**common, "unit_kode": unit, "predikat": p, "jumlah_pegawai": n, "jumlah_dinilai_unit": total}
        for unit, (counts, total) in units.items() for p, n in zip(PREDIKAT, counts)])


def _kepatuhan(folder: Path, units: dict[str, tuple], instansi: tuple, period: str = "2026-09",
               kode: str = "X") -> None:
    """units: unit -> (headcount, has an SKP, evaluated, on time); None = withheld."""
    common = {"instansi_kode": kode, "periode": period, "bulan_laporan": period}

    def row(values):
        return dict(zip(("jumlah_pegawai", "jumlah_punya_skp", "jumlah_dievaluasi", "jumlah_tepat_waktu"), values))
    _write(folder, "kepatuhan", [{**common, **row(instansi)}])
    _write(folder, "kepatuhan_unit", [{**common, "unit_kode": unit, **row(v)} for unit, v in units.items()])


def _audit(folder: Path, earlier: dict | None = None, protection=PROTECTION):
    return disclosure.audit_folders(folder.name, folder, earlier or {}, protection)


def _where(result) -> set[tuple[str, str]]:
    return {(f.where, f.rule) for f in result.findings}




def test_a_protected_table_passes_and_every_withheld_number_gets_an_interval(tmp_path):
    package = tmp_path / "2026-09"
    _predikat(package, {"A": ((6, 7, 2, 0, 0), 15), "B": ((5, 8, 6, 0, 0), 19)}, ((11, 15, 8, 0, 0), 34))
    published = _audit(package)
    assert published.findings == [] and published.withheld == 0

    _predikat(package, {"A": ((6, None, None, 0, 0), 15), "B": ((None, 8, None, 0, 0), 19),
                        "C": ((None, None, 7, 0, 0), 20)}, ((16, 24, 14, 0, 0), 54))
    result = _audit(package)
    assert result.findings == []
    assert result.withheld == 6 and result.solved > 0
    assert all(lo < hi for lo, hi in result.intervals.values())


def test_a_count_pinned_by_its_row_and_column_is_named_with_its_file_line_and_column(tmp_path):
    """One more number shown than protection allows: the withheld Butuh Perbaikan of A follows from its row."""
    package = tmp_path / "2026-09"
    _predikat(package, {"A": ((6, 7, None, 0, 0), 15), "B": ((5, 8, 6, 0, 0), 19)}, ((11, 15, 8, 0, 0), 34))
    found = _audit(package).findings
    assert [(f.where, f.rule) for f in found] == [
        ("2026-09/distribusi_predikat_unit.csv line 4, jumlah_pegawai (BUTUH_PERBAIKAN)", "interval-sempit")]
    assert "pin it to 2" in found[0].detail


def test_zeros_beside_withheld_cells_give_a_unit_away(tmp_path):
    """The issue's WANGGAR.OPD003: Baik withheld and every other predikat 0 — the whole unit is Baik."""
    package = tmp_path / "2026-11"
    _predikat(package, {"OPD003": ((0, None, 0, 0, 0), None), "OPD004": ((0, None, 9, 2, 0), None)},
              ((0, 20, 9, 2, 0), 31), period="2026-11")
    rules = _where(_audit(package))
    assert ("2026-11/distribusi_predikat_unit.csv line 2, jumlah_dinilai_unit", "kelompok-predikat") in rules
    assert {f.rule for f in privacy.across_tables(package)} == {"kelompok-predikat"}


def test_a_row_withheld_whole_is_protected_only_with_a_partner_that_can_trade_its_people(tmp_path):
    """The head alone in the root unit: his row withheld whole, its complements scattered over rows whose
    totals are shown add up to pin him to Baik; with a partner row withheld whole he could be in two."""
    package = tmp_path / "2026-09"
    # true rows: ROOT (0, 1, 0, 0, 0), A (4, 17, 5, 2, 0), B (5, 23, 6, 2, 0), C (16, 9, 0, 0, 0), D (29, 13, 0, 0, 0)
    instansi = ((54, 63, 11, 4, 0), 132)
    scattered = {"ROOT": ((None,) * 5, None),
                 "A": ((None, 17, None, None, 0), 28), "B": ((None, 23, 6, None, 0), 36),
                 "C": ((16, None, 0, 0, 0), None), "D": ((29, 13, 0, 0, 0), 42)}
    _predikat(package, scattered, instansi)
    assert ("2026-09/distribusi_predikat_unit.csv line 2, jumlah_dinilai_unit", "kelompok-predikat") in _where(_audit(package))

    partnered = {"ROOT": ((None,) * 5, None), "C": ((None, None, None, None, 0), None),
                 "A": ((4, 17, 5, 2, 0), 28), "B": ((5, 23, 6, 2, 0), 36), "D": ((29, 13, 0, 0, 0), 42)}
    _predikat(package, partnered, instansi)
    assert _audit(package).findings == []


def test_a_count_withheld_in_one_table_and_shown_in_another_is_recovered(tmp_path):
    """A unit's total in the predikat table is its evaluated staff in the compliance table."""
    package = tmp_path / "2026-09"
    _predikat(package, {"A": ((6, 7, 2, 0, 0), 15), "B": ((5, 8, 6, 0, 0), 19)}, ((11, 15, 8, 0, 0), 34))
    _kepatuhan(package, {"A": (16, 16, None, 15), "B": (20, 20, None, 19)}, (36, 36, 34, 34))
    assert _audit(package).findings == []  # A and B hold 16 and 20 people: their counts may be published

    # true rows: A (2, 3, 1, 0, 0) of 6 people, B (4, 3, 0, 0, 0) of 8, C (5, 8, 7, 0, 0) of 22
    _kepatuhan(package, {"A": (6, 6, None, None), "B": (8, 8, None, None), "C": (22, 22, 20, 20)}, (36, 36, 33, 33))
    _predikat(package, {"A": ((None, None, None, 0, 0), None), "B": ((None, None, None, 0, 0), 7),
                        "C": ((5, 8, 7, 0, 0), 20)}, ((11, 14, 8, 0, 0), 33))
    found = _where(_audit(package))
    # B's evaluated count (a group of 8) is shown in the predikat table: 7 of 8; A's follows: 33 - 20 - 7
    assert ("2026-09/kepatuhan_unit.csv line 3, jumlah_dievaluasi", "interval-sempit") in found
    assert ("2026-09/kepatuhan_unit.csv line 2, jumlah_dievaluasi", "interval-sempit") in found
    assert {f.rule for f in privacy.across_tables(package)} == {"selisih-antar-tabel"}


def test_process_facts_of_large_groups_and_what_the_instansi_says_itself_pass(tmp_path):
    package = tmp_path / "2026-09"
    _predikat(package, {"A": ((6, 7, 2, 0, 0), 15), "B": ((5, 8, 6, 0, 0), 19), "ROOT": ((None,) * 5, 1)},
              ((11, 16, 8, 0, 0), 35))
    # everybody of the instansi has an SKP: the root's one person too, whatever is withheld
    _kepatuhan(package, {"A": (15, 15, 15, 14), "B": (19, 19, 19, 18), "ROOT": (1, None, 1, None)}, (35, 35, 35, 33))
    found = _where(_audit(package))
    assert not any("jumlah_punya_skp" in where for where, _ in found), found
    # one on-time count withheld for the root alone: 33 - 14 - 18 = 1 of 1 — everybody, but the
    # instansi is not all on time: a small group's fact given away
    assert ("2026-09/kepatuhan_unit.csv line 4, jumlah_tepat_waktu", "interval-sempit") in found


def test_an_earlier_package_still_published_takes_part(tmp_path):
    """A semester's respondents are its quarters': March's withheld quarter follows from June's
    semester and second quarter."""
    march, june = tmp_path / "2026-03", tmp_path / "2026-06"

    def ikm(folder, rows):
        _write(folder, "ikm_unit_layanan", [{"instansi_kode": "X", "unit_layanan_kode": "L1", "jenis_periode": j,
                                             "periode": p, "jumlah_responden": n} for j, p, n in rows])
    ikm(march, [("TRIWULANAN", "2026-Q1", None)])
    ikm(june, [("TRIWULANAN", "2026-Q2", 40), ("SEMESTERAN", "2026-S1", 43)])
    found = disclosure.audit_folders("2026-06", june, {"2026-03": march}, PROTECTION).findings
    assert [(f.where, f.rule) for f in found] == [
        ("2026-03/ikm_unit_layanan.csv line 2, jumlah_responden", "interval-sempit")]
    ikm(june, [("TRIWULANAN", "2026-Q2", 40), ("SEMESTERAN", "2026-S1", None)])
    assert disclosure.audit_folders("2026-06", june, {"2026-03": march}, PROTECTION).findings == []


def test_a_stricter_protection_setting_asks_for_wider_intervals(tmp_path):
    """True rows A (6, 7, 1, 1, 0), B (5, 8, 4, 2, 0): B's Butuh Perbaikan is 3 to 5 for a reader and its
    Kurang 1 to 3 — not pinned (the default), but narrower than a setting of 4."""
    package = tmp_path / "2026-09"
    _predikat(package, {"A": ((6, 7, None, None, 0), 15), "B": ((5, 8, None, None, 0), 19)}, ((11, 15, 5, 3, 0), 34))
    assert _audit(package).findings == []
    stricter = disclosure.Protection(lebar_minimum=4, min_kelompok=10, min_cell_size=5)
    assert {f.where for f in _audit(package, protection=stricter).findings} == {
        "2026-09/distribusi_predikat_unit.csv line 9, jumlah_pegawai (BUTUH_PERBAIKAN)",
        "2026-09/distribusi_predikat_unit.csv line 10, jumlah_pegawai (KURANG)"}


def test_published_numbers_that_contradict_each_other_are_a_finding(tmp_path):
    package = tmp_path / "2026-09"
    _predikat(package, {"A": ((6, None, 2, 0, 0), 15), "B": ((5, None, 6, 0, 0), 19)}, ((11, 40, 8, 0, 0), 34))
    assert {f.rule for f in _audit(package).findings} == {"tidak-konsisten"}


@pytest.mark.parametrize("name", ["kepatuhan", "pelatihan"])
def test_the_utility_figure_counts_headline_numbers_per_level(tmp_path, name):
    package = tmp_path / "2026-09"
    measures = ("jumlah_punya_skp", "jumlah_dievaluasi", "jumlah_tepat_waktu") if name == "kepatuhan" else (
        "jumlah_terlatih", "jumlah_memenuhi_standar")
    _write(package, name, [{"instansi_kode": "X", "jumlah_pegawai": 30, **{m: 20 for m in measures}}])
    _write(package, f"{name}_unit", [{"instansi_kode": "X", "unit_kode": u, "jumlah_pegawai": 15,
                                      **{m: (None if u == "A" else 10) for m in measures}} for u in ("A", "B")])
    told = utility.utility(package)
    per_row = 1 + len(measures)
    assert told["instansi"] == {"published": per_row, "total": per_row, "share": 1.0}
    assert told["unit"] == {"published": per_row + 1, "total": 2 * per_row, "share": round((per_row + 1) / (2 * per_row), 4)}
    assert "instansi" in utility.describe(told) and "unit" in utility.describe(told)


def test_feedback_coverage_tables_are_audited_as_one_two_way_table(tmp_path):
    """pub_umpan_balik and pub_umpan_balik_unit: a unit's withheld count follows from the instansi's and the
    other units' (36 - 14 - 10 = 2 of a group of 6): a finding; withheld in two units, it is protected."""
    package = tmp_path / "2026-09"
    common = {"instansi_kode": "X", "bulan_laporan": "2026-09"}
    _write(package, "umpan_balik", [{**common, "jumlah_pegawai": 40, "jumlah_umpan_balik_tepat": 26,
                                     "persen_umpan_balik_tepat": 65.0}])
    rows = [("A", 6, None), ("B", 20, 14), ("C", 14, 10)]
    _write(package, "umpan_balik_unit", [{**common, "unit_kode": u, "jumlah_pegawai": n, "jumlah_umpan_balik_tepat": k,
                                          "persen_umpan_balik_tepat": None} for u, n, k in rows])
    assert ("2026-09/umpan_balik_unit.csv line 2, jumlah_umpan_balik_tepat", "interval-sempit") in _where(_audit(package))

    rows = [("A", 6, None), ("B", 20, 14), ("C", 14, None)]
    _write(package, "umpan_balik_unit", [{**common, "unit_kode": u, "jumlah_pegawai": n, "jumlah_umpan_balik_tepat": k,
                                          "persen_umpan_balik_tepat": None} for u, n, k in rows])
    assert _audit(package).findings == []
