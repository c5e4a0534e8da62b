"""Careers end to end (issue 19): transfers, promotions, acting posts, retirements and new hires of the
demo world travel through every kind of source (e-Kinerja export, SIASN API, JAMBI's application
database, WANGGAR's legacy export, canonical CSV) into the warehouse, and the curve and the public
predikat tables count people, not evaluation rows — checked against hand counts from manifest.json.

Reads the session's consolidated demo world (tests/e2e/conftest.py: three months of kinerja_bulanan)."""

import pytest

from tests.e2e.conftest import MONTHS

pytestmark = pytest.mark.e2e


def _labels():
    labels = set(MONTHS)
    labels |= {f"{m[:4]}-Q{int(m[5:]) // 3}" for m in MONTHS if int(m[5:]) % 3 == 0}
    return labels


def _last_month(period):
    return f"{period[:4]}-{int(period[-1]) * 3:02d}" if "Q" in period else period


def _limit_units(manifest):
    return [(agency, period, name, unit)
            for agency, periods in manifest["kurva_batas"].items()
            for period, units in periods.items() if period in _labels()
            for name, unit in units.items()]


def test_the_manifest_plants_limit_units_and_careers_in_every_kind_of_source(demo_world):
    _, manifest = demo_world
    planted = _limit_units(manifest)
    # KEPAHIANG (e-Kinerja export), LAMPUNG (SIASN API) and JAMBI (application database) have 4 OPDs or more
    assert {a for a, *_ in planted} == {"KEPAHIANG", "LAMPUNG", "JAMBI"}
    assert {name for _, _, name, _ in planted} == {"unit_batas", "unit_lewat"}
    karier = manifest["karier"]
    assert set(karier) == {"KEPAHIANG", "PAUH", "LAMPUNG", "JAMBI", "WANGGAR"}
    kinds = {kind for periods in karier.values() for label, cell in periods.items() if label in _labels()
             for kind in cell}
    # retirements come with birthdays: none falls in these three months (tests/unit/test_synth_careers.py)
    assert {"mutasi", "promosi", "plt_plh", "rekrut", "dua_skp"} <= kinds
    # acting posts in every kind of source: the legacy export (WANGGAR) and the canonical drop (PAUH) too
    assert all(any("plt_plh" in cell for label, cell in karier[a].items() if label in _labels())
               for a in ("KEPAHIANG", "LAMPUNG", "JAMBI", "WANGGAR", "PAUH")), \
        {a: sorted(k for c in p.values() for k in c) for a, p in karier.items()}


def test_the_unit_at_the_limit_with_an_acting_post_keeps_its_curve_and_the_one_over_it_does_not(first_run, db,
                                                                                                 demo_world):
    _, manifest = demo_world
    for agency, period, name, planted in _limit_units(manifest):
        rows = db.execute("""select count(*), count(*) filter (where is_plt_plh) from marts.fct_evaluasi_kinerja
                             where instansi_kode = %s and periode = %s and unit_dinilai_kode = %s""",
                          (agency, period, planted["unit"])).fetchone()
        assert rows == (planted["baris_evaluasi"], len(planted["plt_plh"])), (agency, period, name)
        curve = db.execute(
            """select predikat_organisasi, jumlah_dinilai, jumlah_tanpa_evaluasi, jumlah_baik, jumlah_butuh_perbaikan,
                      jumlah_sangat_baik + jumlah_kurang + jumlah_sangat_kurang, persen_baik, status_kurva,
                      coalesce(aturan_dilanggar, '')
               from marts.mart_kurva_distribusi where instansi_kode = %s and periode = %s and unit_kode = %s""",
            (agency, period, planted["unit"])).fetchone()
        people = planted["pegawai"]
        share = round(100 * planted["baik"] / people, 1)
        assert (*curve[:6], float(curve[6])) == ("BAIK", people, 0, planted["baik"], planted["butuh_perbaikan"], 0,
                                                 share), \
            (agency, period, name, curve)
        if name == "unit_batas":  # 7 of 10 people: exactly 70 %, no violation (8 of 11 rows would be 72.7 %)
            assert (people, share) == (10, 70.0)
            assert curve[7:] == ("PATUH", ""), (agency, period, curve)
        else:  # 8 of 11 people: over 70 %, whatever the acting posts' rows (8 of 13 = 61.5 %)
            assert (people, share) == (11, 72.7)
            assert curve[7] == "MELANGGAR" and "B_MAKS_70" in curve[8], (agency, period, curve)


def test_the_public_distribution_counts_the_people_of_the_limit_unit(first_run, db, demo_world):
    """10 people, not 11 evaluation rows: the cells before suppression (intermediate.sel_predikat), and
    every number of the unit's public row that is published."""
    _, manifest = demo_world
    checked = 0
    for agency, period, name, planted in _limit_units(manifest):
        cells = dict(db.execute("""select kolom, jumlah from intermediate.sel_predikat
                                   where instansi_kode = %s and periode = %s and regime = 'PERMEN6_2022'
                                     and baris = %s""", (agency, period, planted["unit"])).fetchall())
        if not cells:  # a unit published within its parent (not here: 10 people make a row of their own)
            continue
        checked += 1
        assert cells["*"] == planted["pegawai"], (agency, period, name, cells)
        assert (cells["BAIK"], cells["BUTUH_PERBAIKAN"]) == (planted["baik"], planted["butuh_perbaikan"])
        assert cells["SANGAT_BAIK"] == cells["KURANG"] == cells["SANGAT_KURANG"] == 0
        public = db.execute("""select predikat, jumlah_pegawai, jumlah_dinilai_unit, is_disembunyikan
                               from publik.pub_distribusi_predikat_unit
                               where instansi_kode = %s and periode = %s and unit_kode = %s""",
                            (agency, period, planted["unit"])).fetchall()
        assert {p for p, *_ in public} == {"SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"}
        for predikat, count, total, hidden in public:
            assert total in (None, planted["pegawai"]), (agency, period, total)
            assert hidden or count == cells[predikat], (agency, period, predikat, count)
    assert checked >= 4, "the limit units should have public rows of their own"


def test_acting_posts_and_second_skps_arrive_through_every_connector(first_run, db, demo_world):
    _, manifest = demo_world
    for agency, periods in manifest["karier"].items():
        for label, cell in periods.items():
            if label not in _labels():
                continue
            if "plt_plh" in cell:
                acting = db.execute("""select nip, skp_id from marts.fct_evaluasi_kinerja
                                       where instansi_kode = %s and periode = %s and is_plt_plh""",
                                    (agency, label)).fetchall()
                assert sorted(acting) == sorted((p["nip"], p["skp_id"]) for p in cell["plt_plh"]["orang"]), \
                    (agency, label)
                audited = db.execute("""select count(*) from marts.mart_plt_plh where instansi_kode = %s
                                        and periode = %s and predikat_penentu is not null and not is_penentu""",
                                     (agency, label)).fetchone()[0]
                assert audited == cell["plt_plh"]["jumlah"], (agency, label)  # the definitive post speaks
            for person in cell.get("dua_skp", {}).get("orang", []):
                skps = dict(db.execute("""select skp_id, is_penentu from marts.fct_evaluasi_kinerja
                                          where instansi_kode = %s and periode = %s and nip = %s""",
                                       (agency, label, person["nip"])).fetchall())
                old, new = person["skp_id"]
                assert skps == {old: False, new: True}, (agency, label, person)  # the later SKP speaks
                counted = db.execute("""select jumlah_evaluasi, unit_pegawai_kode from intermediate.int_pegawai__periode
                                        where instansi_kode = %s and periode = %s and nip = %s""",
                                     (agency, label, person["nip"])).fetchall()
                assert counted == [(2, person["unit"])], (agency, label, person)  # one person, where it ended


def test_roster_events_arrive_as_the_manifest_says(first_run, db, demo_world):
    _, manifest = demo_world
    seen = set()
    for agency, periods in manifest["karier"].items():
        for month, cell in periods.items():
            if month not in MONTHS:
                continue

            def roster(nip, agency=agency, month=month):
                return db.execute("""select unit_kode, status_kepegawaian, aktif, golongan from raw.pegawai
                                     where _instansi_kode = %s and _periode = %s and nip = %s""",
                                  (agency, month, nip)).fetchall()

            for person in cell.get("mutasi", {}).get("orang", []):
                assert [r[0] for r in roster(person["nip"])] == [person["ke_unit"]], (agency, month, person)
                seen.add("mutasi")
            for person in cell.get("rekrut", {}).get("orang", []):
                assert [r[:3] for r in roster(person["nip"])] == [(person["unit"], person["status"], "true")]
                seen.add("rekrut")
            for person in cell.get("pensiun", {}).get("orang", []):
                assert [r[2] for r in roster(person["nip"])] == ["false"], (agency, month, person)
                rated = {p for (p,) in db.execute("""select distinct periode from marts.fct_evaluasi_kinerja
                                                     where instansi_kode = %s and nip = %s""",
                                                  (agency, person["nip"])).fetchall()}
                assert not {p for p in rated if _last_month(p) >= month}, (agency, month, person, rated)

                seen.add("pensiun")
            for person in cell.get("promosi", {}).get("orang", []):
                assert [r[3] for r in roster(person["nip"])] == [person["golongan_baru"]], (agency, month, person)
                seen.add("promosi")
    assert seen >= {"mutasi", "rekrut", "promosi"}, seen
