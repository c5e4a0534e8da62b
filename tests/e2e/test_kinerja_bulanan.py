"""kinerja_bulanan end to end: the real DAG, in-process, against a real PostgreSQL.

Consolidates three months of the demo world one after the other, as the monthly schedule would,
and checks the counts in raw, audit, marts and publik and the open-data files of every month
against the generator's manifest; then runs a month again and checks that every table is identical."""


import pytest

pytestmark = pytest.mark.e2e

MONTHS = ("2026-08", "2026-09", "2026-10")
PERIOD = "2026-09"  # a quarter's last month: LAMPUNG's quarterly evaluations and survey populations are due
# every table's rows; for the reconciliation mart its balance, not the run's own bookkeeping
# (attempts, timings), which a rerun rightly updates
TABLES = {
    "raw.unit_kerja": "t", "raw.pegawai": "t", "raw.evaluasi_periodik": "t", "raw.rhk": "t",
    "raw.predikat_organisasi": "t", "raw.skm_responden": "t", "raw.skm_populasi": "t", "audit.quarantine": "t",
    "audit.validation_result": "t", "marts.fct_evaluasi_kinerja": "t",
    "marts.mart_rekonsiliasi": "(t.batch_id, t.status, t.is_current, t.rows_received, t.rows_loaded, "
                               "t.rows_quarantined, t.checksum_sha256)",
    "publik.pub_distribusi_predikat": "t", "publik.pub_distribusi_predikat_unit": "t", "publik.pub_kepatuhan_unit": "t",
    "publik.pub_ikm_unit_layanan": "t", "publik.pub_tren_bulanan": "t",
    "raw.pengaduan": "t", "raw.transaksi_layanan": "t", "marts.fct_pengaduan": "t", "marts.mart_pengaduan_unit": "t",
    "marts.mart_waktu_layanan": "t", "publik.pub_pengaduan_unit": "t", "publik.pub_waktu_layanan": "t",
    "raw.iku": "t", "raw.pelatihan": "t", "marts.fct_capaian_iku": "t", "marts.mart_konsistensi_iku": "t",
    "marts.mart_pelatihan_pegawai": "t", "marts.mart_pelatihan_dampak": "t", "publik.pub_capaian_iku": "t",
    "publik.pub_pelatihan": "t", "publik.pub_pelatihan_unit": "t",
    "raw.umpan_balik": "t", "raw.perilaku_kerja": "t", "raw.laporan_kinerja": "t", "marts.fct_umpan_balik": "t",
    "marts.mart_umpan_balik_rhk": "t", "marts.mart_berakhlak_pegawai": "t", "marts.mart_laporan_kinerja_pegawai": "t",
    "publik.pub_umpan_balik": "t", "publik.pub_umpan_balik_unit": "t", "publik.pub_laporan_kinerja": "t",
}


def _digests(db):
    return {table: db.execute(f"select count(*), md5(coalesce(string_agg({row}::text, '|' order by {row}::text), "
                              f"'')) from {table} t").fetchone() for table, row in TABLES.items()}


def _due(manifest, month=None):
    """(agency, period label, entity) -> manifest cell, for everything due in the month (all MONTHS
    by default). A quarter's deliveries are due in its last month; the manifest labels them YYYY-Qn."""
    labels = set()
    for m in [month] if month else MONTHS:
        labels.add(m)
        if int(m[5:]) % 3 == 0:
            labels.add(f"{m[:4]}-Q{int(m[5:]) // 3}")
    return {(agency, label, entity): cell
            for agency, periods in manifest["agencies"].items()
            for label, entities in periods.items() if label in labels
            for entity, cell in entities.items()}


def test_every_month_runs_successfully(first_run):
    from etl.config import home

    for month, (dag_run, failed) in first_run.items():
        assert str(dag_run.state) == "success", month
        assert failed == [], month
        report = home() / "reports" / "validation" / month / "index.html"
        assert report.exists() and "PAUH" in report.read_text(encoding="utf-8"), month  # the run's validation report


def test_every_batch_lands_balances_and_agrees_with_the_manifest(first_run, db, demo_world):
    _, manifest = demo_world
    due = _due(manifest)
    assert {(a, e) for a, _, e in due} >= {(a, e) for a in ("KEPAHIANG", "PAUH", "LAMPUNG", "JAMBI", "WANGGAR")
                                           for e in ("unit_kerja", "pegawai", "evaluasi_periodik")}
    assert {label for _, label, _ in due} >= set(MONTHS) | {"2026-Q3"}
    assert ("LAMPUNG", "2026-Q3", "iku") in due  # organisation indicators, quarterly
    assert {(a, p) for a, p, e in due if e == "pelatihan"} == {
        (a, m) for a in ("KEPAHIANG", "PAUH", "LAMPUNG", "JAMBI", "WANGGAR") for m in MONTHS}
    assert sum(cell["rows_quarantined"] for (_, _, e), cell in due.items() if e in ("iku", "pelatihan")) > 0
    batches = db.execute(
        """select instansi_kode, periode, entity, rows_received, rows_loaded, rows_quarantined from audit.batch
           where is_current and status = 'loaded'""").fetchall()
    found = {(a, p, e): (r, l, q) for a, p, e, r, l, q in batches if (a, p, e) in due}
    assert set(found) == set(due), set(due) ^ set(found)
    for key, (received, loaded, quarantined) in found.items():
        assert received == loaded + quarantined
        assert (received, quarantined) == (due[key]["rows"], due[key]["rows_quarantined"]), key
    for (agency, label, entity), cell in due.items():
        raw = db.execute(f"select count(*) from raw.{entity} where _instansi_kode = %s and _periode = %s",
                         (agency, label)).fetchone()[0]
        assert raw == cell["rows"] - cell["rows_quarantined"], (agency, label, entity)
        by_rule = dict(db.execute(
            """select reason, count(*) from audit.quarantine q join audit.batch b using (batch_id),
               jsonb_array_elements_text(q.reasons) reason
               where b.instansi_kode = %s and b.periode = %s and b.entity = %s and b.is_current group by 1""",
            (agency, label, entity)).fetchall())
        assert by_rule == cell["defects"], (agency, label, entity)


# each finding the generator plants, and the mart query that must show exactly as many
FINDINGS = {
    "predikat_tidak_sesuai_matriks": "select count(*) from marts.fct_evaluasi_kinerja "
                                     "where instansi_kode = %s and periode = %s and is_predikat_tidak_sesuai",
    "unit_melanggar_kurva": "select count(*) from marts.mart_kurva_distribusi "
                            "where instansi_kode = %s and periode = %s and is_melanggar_kurva",
    "penilai_lunak": "select count(*) from marts.mart_anomali_penilai "
                     "where instansi_kode = %s and periode = %s and jenis_anomali = 'PENILAI_LUNAK'",
    "menilai_diri_sendiri": "select count(*) from marts.mart_anomali_penilai "
                            "where instansi_kode = %s and periode = %s and jenis_anomali = 'MENILAI_DIRI_SENDIRI'",
    "dinilai_terlambat": "select count(*) from marts.mart_anomali_penilai "
                         "where instansi_kode = %s and periode = %s and jenis_anomali = 'DINILAI_TERLAMBAT'",
    "dinilai_sebelum_periode_berakhir": "select count(*) from marts.mart_anomali_penilai where instansi_kode = %s "
                                        "and periode = %s and jenis_anomali = 'DINILAI_SEBELUM_PERIODE_BERAKHIR'",
}


def test_marts_show_every_planted_finding_and_nothing_else(first_run, db, demo_world):
    """Every finding the generator planted is in the marts, as often as planted; where it planted
    none (clean data), the marts show none."""
    _, manifest = demo_world
    planted_any = dict.fromkeys(FINDINGS, 0)
    for (agency, label, entity), cell in _due(manifest).items():
        if entity != "evaluasi_periodik":
            continue
        fct = db.execute("select count(*) from marts.fct_evaluasi_kinerja where instansi_kode = %s and periode = %s",
                         (agency, label)).fetchone()[0]
        assert fct == cell["rows"] - cell["rows_quarantined"]
        for finding, query in FINDINGS.items():
            planted = cell["findings"].get(finding, 0)
            planted_any[finding] += planted
            assert db.execute(query, (agency, label)).fetchone()[0] == planted, (agency, label, finding)
    assert all(planted_any.values()), planted_any  # the test world has each kind somewhere
    unbalanced = db.execute("select count(*) from marts.mart_rekonsiliasi where status = 'loaded' "
                            "and not is_seimbang").fetchone()[0]
    assert unbalanced == 0


def _ikm_by_hand(answers):
    """IKM konversi of PermenPANRB 14/2017 with fractions: the mean of the unsur NRR, x 25, rounded
    to 2 decimals half up; and its mutu."""
    import math
    from decimal import Decimal
    from fractions import Fraction

    nrr = [Fraction(sum(v), len(v)) for v in answers.values() if v]
    konversi = Fraction(25) * sum(nrr) / len(nrr)
    rounded = Decimal(math.floor(konversi * 100 + Fraction(1, 2))) / 100
    mutu = "D" if rounded < Decimal("65.00") else "C" if rounded <= Decimal("76.60") else \
        "B" if rounded <= Decimal("88.30") else "A"
    return rounded, mutu


def test_ikm_agrees_with_a_hand_calculation(first_run, db):
    from collections import defaultdict
    from decimal import Decimal

    unsur = ["persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku", "pengaduan", "sarana"]
    rows = db.execute(f"""select _instansi_kode, unit_layanan_kode, tanggal, {', '.join(unsur)}
                          from raw.skm_responden where _instansi_kode <> 'KOTABARU'""").fetchall()
    groups: dict = defaultdict(lambda: {u: [] for u in unsur})
    for agency, unit, tanggal, *values in rows:
        month = int(tanggal[5:7])
        for label in (f"{tanggal[:4]}-Q{(month + 2) // 3}", f"{tanggal[:4]}-S{1 if month <= 6 else 2}", tanggal[:4]):
            for u, v in zip(unsur, values):
                if v is not None:
                    groups[(agency, unit, label)][u].append(int(v))
    mart = {(a, u, p): (Decimal(k), m) for a, u, p, k, m in db.execute(
        "select instansi_kode, unit_layanan_kode, periode, ikm_konversi, mutu from marts.fct_ikm_unit_layanan "
        "where instansi_kode <> 'KOTABARU'").fetchall()}
    assert set(mart) == set(groups)
    for key, answers in groups.items():
        assert mart[key] == _ikm_by_hand(answers), key
    # LAMPUNG's application reports its own IKM (weighing by the printed 0,11): kept, with the difference
    reported = db.execute(
        """select f.ikm_dilaporkan, p.ikm_dilaporkan::numeric, f.selisih_ikm, f.ikm_konversi - f.ikm_dilaporkan
           from marts.fct_ikm_unit_layanan f join raw.skm_populasi p
             on p._instansi_kode = f.instansi_kode and p.unit_layanan_kode = f.unit_layanan_kode
            and p.periode = f.periode
           where p.ikm_dilaporkan is not null""").fetchall()
    assert reported and all(a == b and c == d for a, b, c, d in reported)


def test_complaints_land_balance_and_show_in_their_marts(first_run, db, demo_world):
    """Every government's complaints of every month are in fct_pengaduan and mart_pengaduan_unit as
    loaded (received - quarantined, from the manifest), WANGGAR's from its JSON export the most; the
    share resolved within standard and the median agree with a hand calculation from raw; the text
    goes no further than raw."""
    import statistics
    from datetime import datetime

    _, manifest = demo_world
    due = {(a, p): c for (a, p, e), c in _due(manifest).items() if e == "pengaduan"}
    assert {a for a, _ in due} == {"KEPAHIANG", "PAUH", "LAMPUNG", "JAMBI", "WANGGAR"}
    assert sum(c["rows_quarantined"] for c in due.values()) > 0  # planted defects were quarantined
    for (agency, month), cell in due.items():
        loaded = cell["rows"] - cell["rows_quarantined"]
        fct = db.execute("select count(*) from marts.fct_pengaduan where instansi_kode = %s and periode = %s",
                         (agency, month)).fetchone()[0]
        mart = db.execute("""select sum(jumlah_pengaduan), sum(jumlah_online + jumlah_forum + jumlah_tatap_muka),
                                    sum(jumlah_selesai + jumlah_ditolak + jumlah_terbuka)
                             from marts.mart_pengaduan_unit where instansi_kode = %s and periode = %s""",
                          (agency, month)).fetchone()
        assert fct == loaded and mart == (loaded, loaded, loaded), (agency, month)
    per_agency = dict(db.execute("select instansi_kode, count(*) from marts.fct_pengaduan group by 1").fetchall())
    assert per_agency["WANGGAR"] == max(per_agency.values())  # the online system, the others more thinly
    # a unit without complaints has its zero row
    assert db.execute("select count(*) from marts.mart_pengaduan_unit where jumlah_pengaduan = 0").fetchone()[0] > 0
    # WANGGAR's standard (seed standar_pengaduan: 10 days, its own row over the default 14) by hand
    rows = db.execute("""select unit_layanan_kode, status, waktu_diterima, waktu_selesai from raw.pengaduan
                         where _instansi_kode = 'WANGGAR' and _periode = '2026-09'""").fetchall()
    by_unit: dict = {}
    for unit, status, received, resolved in rows:
        by_unit.setdefault(unit, []).append((status, received, resolved))
    checked = 0
    for unit, items in by_unit.items():
        days = [(datetime.fromisoformat(r) - datetime.fromisoformat(d)).total_seconds() / 86400
                for status, d, r in items if status == "SELESAI"]
        on_time = sum(1 for x in days if x <= 10)
        base = sum(1 for status, _, _ in items if status != "DITOLAK")
        share, median = db.execute("""select persen_selesai_tepat_waktu, median_hari_selesai
                                      from marts.mart_pengaduan_unit where instansi_kode = 'WANGGAR'
                                      and periode = '2026-09' and unit_layanan_kode = %s""", (unit,)).fetchone()
        if base:
            assert float(share) == round(100 * on_time / base, 1), unit
        if days:
            assert abs(float(median) - statistics.median(days)) < 0.006, unit
            checked += 1
    assert checked > 0
    # the complaint's text stays in raw: no column of any other schema holds it
    leaked = db.execute("""select table_schema || '.' || table_name from information_schema.columns
                           where column_name = 'uraian' and table_schema <> 'raw'""").fetchall()
    assert leaked == []


def test_service_times_show_percentiles_against_the_standard_beside_the_ikm(first_run, db, demo_world):
    """Every government's service requests are in mart_waktu_layanan as loaded; the percentiles are
    those of the completion hours in raw; PAUH's own KTP-el standard (12 h) overrides the default;
    the IKM beside a month is its unit's quarter in fct_ikm_unit_layanan."""
    import numpy as np
    from datetime import datetime

    _, manifest = demo_world
    due = {(a, p): c for (a, p, e), c in _due(manifest).items() if e == "transaksi_layanan"}
    assert {a for a, _ in due} == {"KEPAHIANG", "PAUH", "LAMPUNG", "JAMBI", "WANGGAR"}
    assert sum(c["rows_quarantined"] for c in due.values()) > 0
    for (agency, month), cell in due.items():
        total = db.execute("select sum(jumlah_transaksi) from marts.mart_waktu_layanan where instansi_kode = %s "
                           "and bulan = %s", (agency, month)).fetchone()[0]
        assert total == cell["rows"] - cell["rows_quarantined"], (agency, month)
    unit, kind, p50, p90, p95, standar, within = db.execute(
        """select unit_layanan_kode, jenis_layanan, p50_jam, p90_jam, p95_jam, standar_jam, jumlah_dalam_standar
           from marts.mart_waktu_layanan where instansi_kode = 'PAUH' and bulan = '2026-09'
           order by jumlah_selesai desc limit 1""").fetchone()
    hours = [(datetime.fromisoformat(done) - datetime.fromisoformat(start)).total_seconds() / 3600
             for start, done in db.execute(
                 """select waktu_diajukan, waktu_selesai from raw.transaksi_layanan where _instansi_kode = 'PAUH'
                    and _periode = '2026-09' and unit_layanan_kode = %s and jenis_layanan = %s
                    and waktu_selesai is not null""", (unit, kind)).fetchall()]
    for mart, q in ((p50, 50), (p90, 90), (p95, 95)):
        assert abs(float(mart) - float(np.percentile(hours, q))) < 0.006, q
    assert within == sum(1 for h in hours if h <= float(standar))
    standards = dict(db.execute("select instansi_kode, standar_jam from marts.mart_waktu_layanan "
                                "where jenis_layanan = 'KTP' group by 1, 2").fetchall())
    assert float(standards.get("PAUH", 12)) == 12 and all(float(v) == 24 for k, v in standards.items() if k != "PAUH")
    mismatched = db.execute(
        """select count(*) from marts.mart_waktu_layanan w
           join marts.fct_ikm_unit_layanan i on i.instansi_kode = w.instansi_kode
            and i.unit_layanan_kode = w.unit_layanan_kode and i.jenis_periode = 'TRIWULANAN' and i.periode = w.periode_ikm
           where w.ikm is distinct from i.ikm_konversi""").fetchone()[0]
    beside = db.execute("select count(*) from marts.mart_waktu_layanan where ikm is not null").fetchone()[0]
    assert mismatched == 0 and beside > 0


def test_a_second_run_leaves_identical_tables(first_run, db):
    from etl import orchestration

    before = _digests(db)
    dag_run = orchestration.run_period(PERIOD)
    assert str(dag_run.state) == "success"
    assert _digests(db) == before


def test_a_months_run_rebuilds_only_its_periods(first_run, db):
    """The marts are incremental by period: a run for October leaves August as it was, even when
    August's raw rows changed; August's own run brings them in."""
    from etl import pipeline

    target = db.execute("""select _batch_id, _row from raw.evaluasi_periodik where _periode = '2026-08'
                           and _instansi_kode = 'PAUH' and predikat = 'BAIK' order by _row limit 1""").fetchone()
    where = "_batch_id = %s and _row = %s"
    count = ("select count(*) filter (where is_predikat_tidak_sesuai) from marts.fct_evaluasi_kinerja "
             "where instansi_kode = 'PAUH' and periode = '2026-08'")
    before = db.execute(count).fetchone()[0]
    db.execute(f"update raw.evaluasi_periodik set predikat = 'SANGAT_KURANG' where {where}", target)
    try:
        pipeline.build("2026-10")
        assert db.execute(count).fetchone()[0] == before
        pipeline.build("2026-08")
        assert db.execute(count).fetchone()[0] == before + 1
    finally:
        db.execute(f"update raw.evaluasi_periodik set predikat = 'BAIK' where {where}", target)
        pipeline.build("2026-08")
    assert db.execute(count).fetchone()[0] == before


def test_dbt_docs_describe_every_model_and_column(first_run):
    """`dbt docs generate` works, and every model and every column the warehouse has for it is described."""
    import json

    from etl import transform
    from etl.config import dbt_target_dir

    transform.dbt("docs", "generate")
    target = dbt_target_dir()
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    undocumented = []
    for unique_id, node in catalog["nodes"].items():
        if not unique_id.startswith(("model.", "snapshot.", "seed.")):
            continue
        documented = manifest["nodes"][unique_id]
        if not documented.get("description"):
            undocumented.append(unique_id)
        if unique_id.startswith("snapshot."):
            continue  # dbt's own dbt_* columns
        described = {c.lower() for c, spec in documented["columns"].items() if spec.get("description")}
        undocumented += [f"{unique_id}.{c}" for c in node["columns"] if c.lower() not in described]
    assert undocumented == []


def test_dbt_unit_tests_pass(first_run):
    """The rules' unit tests (matrix cells, PP 30/2019 band edges, IKM rounding, the curve, the
    evaluated unit, suppression): the monthly build leaves them out (etl.transform.build), so the
    suite runs every one of them here."""
    import json

    from etl import transform
    from etl.config import dbt_target_dir

    outcome = transform.dbt("test", "--select", "test_type:unit")
    manifest = json.loads((dbt_target_dir() / "manifest.json").read_text())
    results = json.loads((dbt_target_dir() / "run_results.json").read_text())["results"]
    passed = {r["unique_id"] for r in results if r["unique_id"].startswith("unit_test.") and r["status"] == "pass"}
    assert outcome.failed == 0
    assert passed == set(manifest["unit_tests"]) and len(passed) >= 9


def test_iku_achievement_and_the_istimewa_units_that_missed_their_indicators(first_run, db, demo_world):
    """Every loaded indicator is in fct_capaian_iku with its achievement as computed by hand, beside
    its unit's predikat of the quarter; mart_konsistensi_iku flags exactly the Istimewa units the
    generator made miss their indicators, and no other."""
    from decimal import ROUND_HALF_UP, Decimal

    _, manifest = demo_world
    cell = manifest["agencies"]["LAMPUNG"]["2026-Q3"]["iku"]
    rows = db.execute("""select f.unit_kode, f.iku_kode, f.arah, f.target, f.realisasi, f.capaian_persen,
                                f.status_capaian, f.predikat_organisasi, p.predikat_organisasi
                         from marts.fct_capaian_iku f
                         left join raw.predikat_organisasi p
                           on p._instansi_kode = f.instansi_kode and p.unit_kode = f.unit_kode and p.periode = f.periode
                         where f.instansi_kode = 'LAMPUNG' and f.periode = '2026-Q3'""").fetchall()
    assert len(rows) == cell["rows"] - cell["rows_quarantined"] > 0
    for unit, kode, arah, target, realisasi, capaian, status, predikat, delivered in rows:
        assert predikat == delivered and predikat is not None, (unit, kode)
        if realisasi is None:
            assert capaian is None and status == "BELUM_DIUKUR"
            continue
        expected = 100 * realisasi / target if arah == "NAIK" else 100 * (2 * target - realisasi) / target
        assert capaian == expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), (unit, kode)
        assert status == ("TERCAPAI" if expected >= 100 else "TIDAK_TERCAPAI"), (unit, kode)
    assert {r[2] for r in rows} == {"NAIK", "TURUN"}
    planted = cell["findings"].get("unit_istimewa_iku_tidak_tercapai", 0)
    flagged = db.execute("""select unit_kode, predikat_organisasi, jumlah_diukur, jumlah_tercapai,
                                   jumlah_pegawai_dinilai, persen_pegawai_sangat_baik
                            from marts.mart_konsistensi_iku
                            where instansi_kode = 'LAMPUNG' and periode = '2026-Q3' and is_perlu_ditinjau""").fetchall()
    assert planted == 1 and len(flagged) == planted
    unit, predikat, diukur, tercapai, dinilai, sangat_baik = flagged[0]
    assert predikat == "ISTIMEWA" and diukur > 0 and tercapai == 0
    assert dinilai > 0 and sangat_baik is not None  # the staff's distribution beside it
    units = db.execute("""select count(*), count(distinct unit_kode) from marts.mart_konsistensi_iku
                          where instansi_kode = 'LAMPUNG' and periode = '2026-Q3'""").fetchone()
    assert units[0] == units[1] == len({r[0] for r in rows})


def test_training_hours_per_employee_and_unit_agree_with_the_raw_register(first_run, db):
    """Year to date per employee, by hand from raw: JP summed over the loaded months up to the month,
    the 20-JP expectation of the seed, and per unit the same people counted."""
    from collections import defaultdict
    from decimal import Decimal

    minimum, satuan, menit = db.execute(
        "select jumlah_minimum, satuan, menit_per_jp from aturan.standar_pengembangan_kompetensi").fetchone()
    assert (minimum, satuan, menit) == (20, "JP", 45)
    for agency in ("PAUH", "LAMPUNG"):
        jp = defaultdict(Decimal)
        for nip, periode, value in db.execute(
                "select nip, _periode, jumlah_jp::numeric from raw.pelatihan where _instansi_kode = %s", (agency,)):
            for month in MONTHS:
                if periode <= month:
                    jp[(nip, month)] += value
        mart = db.execute("""select nip, bulan, jumlah_jp, jumlah_jam, is_terlatih, is_memenuhi_standar
                             from marts.mart_pelatihan_pegawai where instansi_kode = %s""", (agency,)).fetchall()
        roster = db.execute("""select count(*) from raw.pegawai where _instansi_kode = %s
                               and coalesce(aktif, 'true') = 'true'""", (agency,)).fetchone()[0]
        assert len(mart) == roster > 0
        for nip, bulan, total, jam, terlatih, memenuhi in mart:
            assert total == jp.get((nip, bulan), 0), (agency, nip, bulan)
            assert jam == (total * 45 / 60).quantize(Decimal("0.01"))
            assert terlatih == ((nip, bulan) in jp) and memenuhi == (total >= 20)
        assert any(m[5] for m in mart) and not all(m[5] for m in mart)  # some reach 20 JP, some do not
        per_unit = db.execute("""select bulan, sum(jumlah_pegawai), sum(jumlah_terlatih), sum(jumlah_memenuhi_standar)
                                 from marts.mart_pelatihan_unit where instansi_kode = %s group by 1""",
                              (agency,)).fetchall()
        for bulan, pegawai, terlatih, memenuhi in per_unit:
            own = [m for m in mart if m[1] == bulan]
            assert (pegawai, terlatih, memenuhi) == (len(own), sum(m[4] for m in own), sum(m[5] for m in own))


def test_ratings_after_training_are_compared_with_the_rest(first_run, db):
    """mart_pelatihan_dampak splits a period's evaluations into those of staff trained in the months
    before it and the others: together they are every evaluation of the period; a period with no
    training register the month before (LAMPUNG's 2026-Q3, starting July) is not compared."""
    for agency, periode in (("PAUH", "2026-09"), ("JAMBI", "2026-10"), ("WANGGAR", "2026-10")):
        groups = dict(db.execute("""select kelompok, sum(jumlah_dinilai) from marts.mart_pelatihan_dampak
                                    where instansi_kode = %s and periode = %s group by 1""",
                                 (agency, periode)).fetchall())
        # people, each by the evaluation that speaks for him (an acting post or a second SKP adds nobody)
        evaluated = db.execute("""select count(*) from marts.fct_evaluasi_kinerja where instansi_kode = %s
                                  and periode = %s and predikat_final is not null and is_penentu""",
                               (agency, periode)).fetchone()[0]
        assert set(groups) == {"SETELAH_PELATIHAN", "TANPA_PELATIHAN"} and sum(groups.values()) == evaluated
        trained = db.execute("""select count(*) from marts.fct_evaluasi_kinerja e
                                where e.instansi_kode = %s and e.periode = %s and e.predikat_final is not null
                                  and e.is_penentu and exists (select from raw.pelatihan p where p._instansi_kode = e.instansi_kode
                                              and p.nip = e.nip and p._periode < e.periode)""",
                             (agency, periode)).fetchone()[0]
        assert groups["SETELAH_PELATIHAN"] == trained
    assert db.execute("select count(*) from marts.mart_pelatihan_dampak where instansi_kode = 'LAMPUNG' "
                      "and periode = '2026-Q3'").fetchone()[0] == 0
