"""Issue 20 items 1, 2, 5 end to end on the consolidated demo world: supervisors' feedback, the
BerAKHLAK values and the performance reports, against the hand counts of the demo world's manifest
(demo/synth/feedback.py plants them), and kept out of publik and the open-data packages.

- every government that delivers feedback has exactly the one planted rater who rates and never gives
  feedback, whatever the sources (e-Kinerja export, canonical CSV, SIASN API, application database);
- the reports filed on time and late per month are the manifest's;
- the feedback, the values and the reports arrive whole (received = loaded + quarantined);
- no free text of theirs reaches publik or a package, and the privacy scan finds it when it is planted;
- the reports' text is read by auditors only: in raw, never in a mart, publik or an instansi's view."""

import csv
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.e2e

FEEDBACK_GOVERNMENTS = ("KEPAHIANG", "PAUH", "LAMPUNG", "JAMBI")
FREE_TEXT = {"umpan_balik": "umpan_balik", "perilaku_kerja": "ekspektasi", "laporan_kinerja": "capaian"}


@pytest.fixture(scope="module")
def manifest(first_run, demo_world):
    return json.loads((Path(demo_world[0]) / "manifest.json").read_text(encoding="utf-8"))


def _findings(manifest, entity, name):
    """(agency, period) -> count of a planted finding, over the months the session ran."""
    out = Counter()
    for agency, periods in manifest["agencies"].items():
        for period, entities in periods.items():
            count = entities.get(entity, {}).get("findings", {}).get(name, 0)
            if count:
                out[(agency, period)] += count
    return out


def test_the_planted_silent_rater_is_the_one_rater_without_feedback(manifest, db):
    planted = _findings(manifest, "umpan_balik", "penilai_tanpa_umpan_balik")
    assert {agency for agency, _ in planted} == set(FEEDBACK_GOVERNMENTS)
    rows = db.execute("select instansi_kode, count(*), min(jumlah_pegawai_dinilai) "
                      "from marts.mart_penilai_tanpa_umpan_balik group by 1").fetchall()
    # one planted rater per government (the manifest counts him once a month); he rated someone
    assert {kode: n for kode, n, _ in rows} == {kode: 1 for kode in FEEDBACK_GOVERNMENTS}
    assert all(rated >= 1 for _, _, rated in rows)
    # WANGGAR's sources hold no feedback: its raters are not judged
    assert not db.execute("select 1 from marts.mart_penilai_tanpa_umpan_balik where instansi_kode = 'WANGGAR'").fetchall()


def test_feedback_coverage_is_about_one_feedback_per_rhk_line(first_run, db):
    rows = db.execute("""select instansi_kode, bulan, sum(jumlah_rhk), sum(jumlah_rhk_umpan_balik),
                                sum(jumlah_rhk_umpan_balik_tepat)
                         from marts.mart_umpan_balik_penilai group by 1, 2""").fetchall()
    assert {kode for kode, *_ in rows} == set(FEEDBACK_GOVERNMENTS)
    for kode, bulan, lines, with_feedback, before_end in rows:
        assert 0.6 <= with_feedback / lines <= 1.0, (kode, bulan)  # about 9 lines in 10, the silent rater's none
        assert 0.4 <= before_end / lines < with_feedback / lines, (kode, bulan)  # some after the month's end
    # the public coverage counts people, and never more than have RHK lines
    published = db.execute("select instansi_kode, bulan_laporan, jumlah_pegawai, jumlah_umpan_balik_tepat "
                           "from publik.pub_umpan_balik").fetchall()
    assert {kode for kode, *_ in published} == set(FEEDBACK_GOVERNMENTS)
    assert all(shown is None or 0 < shown <= total for _, _, total, shown in published)


def test_reports_filed_on_time_and_late_are_the_manifests(manifest, db):
    on_time = _findings(manifest, "laporan_kinerja", "laporan_tepat_waktu")
    late = _findings(manifest, "laporan_kinerja", "laporan_terlambat")
    assert on_time and {agency for agency, _ in on_time} == {"WANGGAR"}
    got = {(kode, bulan): (tepat, terlambat) for kode, bulan, tepat, terlambat in db.execute(
        """select instansi_kode, bulan, count(*) filter (where is_tepat_waktu),
                  count(*) filter (where is_melapor and not is_tepat_waktu)
           from marts.mart_laporan_kinerja_pegawai group by 1, 2""").fetchall()}
    assert got == {key: (on_time[key], late[key]) for key in on_time}
    # the unit mart and the public share say the same
    for (kode, bulan), (tepat, _) in got.items():
        assert db.execute("select sum(jumlah_tepat_waktu) from marts.mart_laporan_kinerja_unit "
                          "where instansi_kode = %s and bulan = %s", (kode, bulan)).fetchone()[0] == tepat
        shown = db.execute("select jumlah_tepat_waktu from publik.pub_laporan_kinerja "
                           "where instansi_kode = %s and bulan_laporan = %s", (kode, bulan)).fetchone()[0]
        assert shown in (tepat, None)


def test_the_new_entities_arrive_whole(manifest, db):
    for entity in ("umpan_balik", "perilaku_kerja", "laporan_kinerja"):
        expected = Counter()
        for agency, periods in manifest["agencies"].items():
            for period, entities in periods.items():
                cell = entities.get(entity)
                if cell:
                    expected[(agency, period)] += cell["rows"] - cell["rows_quarantined"]
        loaded = Counter({(kode, periode): n for kode, periode, n in db.execute(
            f"select _instansi_kode, _periode, count(*) from raw.{entity} group by 1, 2").fetchall()})
        assert loaded == expected, entity


def test_the_berakhlak_values_are_counted_per_unit_beside_the_overall_rating(first_run, db):
    governments = {r[0] for r in db.execute("select distinct instansi_kode from marts.mart_berakhlak_unit")}
    assert governments == {"KEPAHIANG", "PAUH", "JAMBI"}  # where a source carries the values
    values = {r[0] for r in db.execute("select distinct perilaku_kode from marts.mart_berakhlak_unit")}
    assert values == {r[0] for r in db.execute("select perilaku_kode from aturan.berakhlak")}
    same, total = db.execute("select count(*) filter (where is_sama_dengan_terbanyak), count(*) "
                             "from marts.mart_berakhlak_pegawai where rating_perilaku_kerja is not null").fetchone()
    assert 0 < same < total  # side by side: mostly the same, not always


def _free_texts(db) -> list[str]:
    texts = []
    for table, column in FREE_TEXT.items():
        texts += [r[0] for r in db.execute(
            f"select {column} from raw.{table} where length({column}) > 20 order by 1 limit 3").fetchall()]
    return texts


def test_no_free_text_reaches_publik_or_the_packages(first_run, db, tmp_path):
    from etl.publish import privacy

    texts = _free_texts(db)
    assert len(texts) == 9
    columns = {r[0] for r in db.execute("select column_name from information_schema.columns "
                                        "where table_schema = 'publik'")}
    assert not columns & {"umpan_balik", "ekspektasi", "capaian", "kendala", "pemberi_nip", "penilai_nip"}
    for name in ("pub_umpan_balik", "pub_umpan_balik_unit", "pub_laporan_kinerja"):
        body = " ".join(str(v) for row in db.execute(f"select * from publik.{name}").fetchall() for v in row)
        assert not any(text in body for text in texts), name
    assert privacy.scan_schema("publik") == []
    package = Path(os.environ["KINERJA_OPEN_DATA_DIR"]) / max(first_run)
    if not package.is_dir():  # an earlier test of the session took the month's package away: publish it again
        from etl import publish

        publish.publish(max(first_run))
    assert {"umpan_balik.csv", "umpan_balik_unit.csv", "laporan_kinerja.csv"} <= {p.name for p in package.iterdir()}
    assert privacy.scan_folder(package) == []
    # the scan does find them when they leak into the new tables' files
    planted = tmp_path / "package"
    shutil.copytree(package, planted)
    for name, text in (("umpan_balik", texts[0]), ("laporan_kinerja", texts[6])):
        path = planted / f"{name}.csv"
        rows = list(csv.reader(path.open(encoding="utf-8")))
        rows[1][1] = text  # instansi_nama
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    found = {(f.where.split(" ")[0].rstrip(","), f.rule) for f in privacy.scan_folder(planted)}
    assert {("umpan_balik.csv", "teks-bebas"), ("laporan_kinerja.csv", "teks-bebas")} <= found


def test_the_reports_text_is_read_by_auditors_only(first_run, db, warehouse_url):
    from etl import access
    from psycopg.conninfo import make_conninfo

    # the text is nowhere but raw: no mart or public column holds it
    where = db.execute("""select table_schema || '.' || table_name || '.' || column_name
                          from information_schema.columns
                          where column_name in ('capaian', 'kendala') and table_schema <> 'raw'""").fetchall()
    assert where == []
    password = "uji-" + os.urandom(6).hex()
    logins = {}
    try:
        for role in ("auditor", "instansi_wanggar", "publik"):
            login = f"uji_laporan_{role}_{os.getpid()}"
            access.grant_login(role, login, password=password, conninfo=warehouse_url)
            logins[role] = make_conninfo(warehouse_url, user=login, password=password)
        with psycopg.connect(logins["auditor"]) as conn:
            assert conn.execute("select count(*) from raw.laporan_kinerja where capaian is not null").fetchone()[0] > 0
        for role in ("instansi_wanggar", "publik"):
            with psycopg.connect(logins[role]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("select capaian from raw.laporan_kinerja limit 1")
        # WANGGAR's own reader sees its filing counts (the mart, through its view), not the text
        with psycopg.connect(logins["instansi_wanggar"]) as conn:
            assert conn.execute("select count(*) from instansi_wanggar.mart_laporan_kinerja_unit").fetchone()[0] > 0
    finally:
        with psycopg.connect(warehouse_url, autocommit=True) as conn:
            for role in logins:
                conn.execute(f'drop role if exists "uji_laporan_{role}_{os.getpid()}"')
