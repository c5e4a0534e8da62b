"""Issue 20, items 3-4, end to end on the consolidated demo world (tests/e2e/conftest.py): the marts
of SKP quality and of citizens' voice against hand counts from the manifest of planted cases
(demo/synth/mutu.py), and the privacy scan on their public tables.

    .venv/bin/pytest tests/e2e/test_mutu_suara.py -q
"""

from __future__ import annotations

from collections import defaultdict

MONTHS = ("2026-08", "2026-09", "2026-10")  # as tests/e2e/conftest.py consolidates them

# manifest finding -> the mart_mutu_skp sum that must equal it, per government and month
RHK_COUNTS = {
    "rhk_tanpa_target": "sum(jumlah_tanpa_target)",
    "rhk_tanpa_satuan": "sum(jumlah_tanpa_satuan)",
    "rhk_target_bukan_angka": "sum(jumlah_target_bukan_angka)",
    "rhk_realisasi_tanpa_target": "sum(jumlah_realisasi_tanpa_target)",
    "unit_indikator_disalin": "count(*) filter (where is_indikator_disalin)",
    "rhk_indikator_disalin": "sum(jumlah_indikator_disalin)",
}


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def test_skp_quality_counts_what_was_planted(first_run, db, demo_world):
    """Per government and month: the lines without target, without satuan, with a target in words, with
    a realisation and no target, and the unit copying one indicator to all its staff (and its lines),
    exactly as planted; no unit reports every realisation equal to its target (none was planted)."""
    _, manifest = demo_world
    planted_any = dict.fromkeys(RHK_COUNTS, 0)
    checked = 0
    for agency, periods in manifest["agencies"].items():
        for month in MONTHS:
            cell = periods.get(month, {}).get("rhk")
            if cell is None:
                continue
            row = db.execute(f"select {', '.join(f'coalesce({q}, 0)' for q in RHK_COUNTS.values())}, "
                             "count(*) filter (where is_target_sama_realisasi), coalesce(sum(jumlah_rhk), 0) "
                             "from marts.mart_mutu_skp where instansi_kode = %s and periode = %s",
                             (agency, month)).fetchone()
            assert row[-1] == cell["rows"] - cell["rows_quarantined"], (agency, month)  # every loaded line judged
            for (finding, _), got in zip(RHK_COUNTS.items(), row):
                expected = cell["findings"].get(finding, 0)
                assert got == expected, (agency, month, finding, got, expected)
                planted_any[finding] += expected
            assert row[-2] == 0, (agency, month)
            checked += 1
    assert checked and all(planted_any.values()), planted_any  # the test world has each kind somewhere
    # the line-level fact agrees with the unit mart, and a measurable line breaks no rule
    assert db.execute("select count(*) from marts.fct_rhk_mutu where is_terukur <> (aturan_dilanggar is null)"
                      ).fetchone()[0] == 0


def test_the_unit_rated_istimewa_whose_citizens_give_d_is_flagged(first_run, db, demo_world):
    """Per government and quarter, the service units flagged for a mutu rule (Istimewa or Baik with mutu
    D) are exactly the ones planted: no other unit of the world is D, and every planted one is rated
    Istimewa by its OPD and given D by its citizens."""
    _, manifest = demo_world
    planted: dict = defaultdict(int)
    for agency, periods in manifest["agencies"].items():
        for month, entities in periods.items():
            found = entities.get("skm_responden", {}).get("findings", {}).get("unit_istimewa_mutu_d", 0)
            if found:
                planted[(agency, _quarter(month))] += found
    assert planted, "the test world plants a unit rated Istimewa whose citizens give D"
    flagged = defaultdict(int)
    for agency, triwulan, predikat, mutu, aturan in db.execute(
            "select instansi_kode, triwulan, predikat_organisasi, mutu, aturan_tidak_selaras "
            "from marts.mart_suara_warga where is_mutu_tidak_selaras").fetchall():
        flagged[(agency, triwulan)] += 1
        assert mutu == "D" and predikat in ("ISTIMEWA", "BAIK") and "MUTU_D" in aturan
    assert dict(flagged) == dict(planted)
    assert db.execute("select count(*) from marts.mart_suara_warga where mutu = 'D' and predikat_organisasi = 'ISTIMEWA'"
                      ).fetchone()[0] == sum(planted.values())
    # published: by default (var publik_terbitkan_predikat_organisasi false: a unit's predikat is its
    # head's rating, domain.md §1.4) neither the predikat nor a disagreement resting on it is published
    assert db.execute("""select count(*) from publik.pub_suara_warga
                           where predikat_organisasi is not null or is_mutu_tidak_selaras is not null
                              or is_pengaduan_tidak_selaras is not null or is_tidak_selaras is not null
                              or jumlah_unit_tidak_selaras is not null"""
                      ).fetchone()[0] == 0


def test_no_free_text_reaches_the_new_public_tables(first_run, db, demo_world):
    """The privacy scan finds nothing in pub_mutu_skp and pub_suara_warga; no value of theirs is an RHK's
    text (uraian, indicator, target in words) or an indicator copied in a unit; and the scan does find
    such a text where one is published (the planted copied indicator, set in a public value)."""
    from demo.synth.mutu import SALIN_TEKS
    from etl.publish import privacy

    findings = [f for f in privacy.scan_schema() if "pub_mutu_skp" in f.where or "pub_suara_warga" in f.where]
    assert findings == []
    texts = set()
    for table in ("pub_mutu_skp", "pub_suara_warga"):
        columns = [c for c, t in db.execute(
            "select column_name, data_type from information_schema.columns where table_schema = 'publik' "
            "and table_name = %s", (table,)).fetchall() if t == "text"]
        assert columns, table
        for column in columns:
            texts |= {v for (v,) in db.execute(f'select distinct "{column}" from publik."{table}"') if v}
    rhk_texts = {v for (v,) in db.execute("select distinct v from raw.rhk, lateral (values (rhk_uraian), "
                                          "(indikator), (target_teks)) as t(v) where v is not null")}
    assert SALIN_TEKS in rhk_texts and texts and not texts & rhk_texts
    scan = privacy.Scan()
    scan.row("publik.pub_mutu_skp row 1", "mutu_skp", {"instansi_kode": "X", "keterangan": SALIN_TEKS})
    assert [f.rule for f in scan.finish()] == ["teks-bebas"]
