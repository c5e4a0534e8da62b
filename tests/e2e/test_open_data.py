"""The public side of the demo world, end to end: the publik tables and each month's open-data
package as kinerja_publikasi wrote it on the marts Asset's event — what a citizen downloads.

Checks that no withheld number follows from what is published, that the privacy scan finds
nothing (and does find what it must, when it is there), that datapackage.json validates and the
CKAN metadata is complete, that a republication is byte-identical, and that the report's charts
are built by a real browser."""

import csv
import io
import json
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.e2e


def psycopg_connect():
    return psycopg.connect(os.environ["KINERJA_WAREHOUSE_URL"])

PERIOD = "2026-09"  # a quarter's last month: LAMPUNG's quarter and the surveys' quarter are in its package
TABLE_FILES = ("distribusi_predikat", "distribusi_predikat_unit", "kepatuhan", "kepatuhan_unit",
               "ikm_unit_layanan", "tren_bulanan", "pengaduan_unit", "waktu_layanan", "capaian_iku", "pelatihan",
               "pelatihan_unit", "mutu_skp", "suara_warga", "umpan_balik", "umpan_balik_unit", "laporan_kinerja",
               "berakhlak")


def _package(month: str) -> Path:
    return Path(os.environ["KINERJA_OPEN_DATA_DIR"]) / month


def _rows(month: str, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((_package(month) / f"{name}.csv").read_text(encoding="utf-8"))))


def _number(text: str):
    return None if text == "" else int(text)


def test_each_month_is_published_through_the_marts_asset(first_run):
    from etl import orchestration

    for month, (dag_run, _) in first_run.items():
        assert orchestration.marts_updated(dag_run) == [month]  # the Asset event names its month
        publication = dag_run.publication
        assert publication is not None and publication.dag_id == "kinerja_publikasi", month
        assert str(publication.state) == "success" and orchestration.failed_tasks(publication) == [], month
        folder = _package(month)
        assert folder.is_symlink() and folder.resolve().parent.name == ".versions", month  # swapped in whole
        names = {p.name for p in folder.iterdir()}
        assert names == {f"{t}.{ext}" for t in TABLE_FILES for ext in ("csv", "parquet")} | {
            "datapackage.json", "ckan.json", "index.html", "pengaduan.html", "SHA256SUMS"}, month
        done = subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=folder,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_a_package_holds_the_periods_that_end_in_its_month(first_run):
    distribusi = _rows(PERIOD, "distribusi_predikat")
    assert {(r["instansi_kode"], r["periode"]) for r in distribusi} == {
        ("KEPAHIANG", PERIOD), ("PAUH", PERIOD), ("JAMBI", PERIOD), ("WANGGAR", PERIOD), ("LAMPUNG", "2026-Q3")}
    assert {r["regime"] for r in distribusi if r["instansi_kode"] == "WANGGAR"} == {"PP30_2019"}
    ikm = _rows(PERIOD, "ikm_unit_layanan")
    assert ikm and {r["periode"] for r in ikm} == {"2026-Q3"}
    tren = _rows("2026-10", "tren_bulanan")
    assert {r["bulan"] for r in tren} == {"2026-08", "2026-09", "2026-10"}  # every month up to the package's


def _lines_with_one_withheld(cells: dict, truth: dict | None = None) -> list:
    """cells: (group, row, column) -> count or None; rows and columns include the totals '*'. A
    withheld cell whose row's or column's total (another cell) is published as 0 is known to be 0
    and protects nothing: it does not count."""
    lines = defaultdict(list)
    for (group, row, column), value in cells.items():
        known_zero = value is None and ((column != "*" and cells.get((group, row, "*")) == 0)
                                        or (row != "*" and cells.get((group, "*", column)) == 0))
        shown = "0" if known_zero else value
        lines[(group, "row", row)].append(shown)
        lines[(group, "column", column)].append(shown)
    return [line for line, values in lines.items() if len(values) > 1 and values.count(None) == 1]


def _small_groups_show_none_or_all(rows: list[dict], measures: tuple[str, ...]) -> list:
    """Process facts of a group under publik_min_kelompok (10): only none or all of it may be shown."""
    return [(r.get("unit_kode", "*"), m) for r in rows for m in measures
            if r[f"jumlah_{m}"] != "" and int(r["jumlah_pegawai"]) < 10
            and int(r[f"jumlah_{m}"]) not in (0, int(r["jumlah_pegawai"]))]


def test_no_withheld_count_follows_from_what_is_published(first_run):
    withheld = 0
    for month in first_run:
        cells = {}
        for r in _rows(month, "distribusi_predikat"):
            group = (r["instansi_kode"], r["periode"], r["regime"])
            cells[(group, "*", r["predikat"])] = _number(r["jumlah_pegawai"])
            cells[(group, "*", "*")] = _number(r["jumlah_dinilai"])
        for r in _rows(month, "distribusi_predikat_unit"):
            group = (r["instansi_kode"], r["periode"], r["regime"])
            cells[(group, r["unit_kode"], r["predikat"])] = _number(r["jumlah_pegawai"])
            cells[(group, r["unit_kode"], "*")] = _number(r["jumlah_dinilai_unit"])
        kepatuhan = {}
        for name, unit in (("kepatuhan", None), ("kepatuhan_unit", "unit_kode")):
            assert _small_groups_show_none_or_all(_rows(month, name), ("punya_skp", "dievaluasi", "tepat_waktu")) == []
            for r in _rows(month, name):
                row = r[unit] if unit else "*"
                for measure in ("punya_skp", "dievaluasi", "tepat_waktu"):
                    group = (r["instansi_kode"], r["periode"], measure)
                    total, yes = _number(r["jumlah_pegawai"]), _number(r[f"jumlah_{measure}"])
                    kepatuhan[(group, row, "*")] = total
                    kepatuhan[(group, row, "YA")] = yes
                    kepatuhan[(group, row, "TIDAK")] = None if None in (total, yes) else total - yes
        pengaduan = {}
        for r in _rows(month, "pengaduan_unit"):
            group = (r["instansi_kode"], r["periode"])
            for column, kanal in (("jumlah_pengaduan", "*"), ("jumlah_online", "ONLINE"), ("jumlah_forum", "FORUM"),
                                  ("jumlah_tatap_muka", "TATAP_MUKA")):
                pengaduan[(group, r["unit_layanan_kode"], kanal)] = _number(r[column])
        assert pengaduan, month
        layanan = [_number(r["jumlah_transaksi"]) for r in _rows(month, "waktu_layanan")]
        assert layanan and all(v is None or v >= 5 for v in layanan), month
        withheld += layanan.count(None)
        pelatihan = {}
        for name, unit in (("pelatihan", None), ("pelatihan_unit", "unit_kode")):
            assert _small_groups_show_none_or_all(_rows(month, name), ("terlatih", "memenuhi_standar")) == []
            for r in _rows(month, name):
                row = r[unit] if unit else "*"
                for measure in ("terlatih", "memenuhi_standar"):
                    group = (r["instansi_kode"], r["bulan_laporan"], measure)
                    total, yes = _number(r["jumlah_pegawai"]), _number(r[f"jumlah_{measure}"])
                    pelatihan[(group, row, "*")] = total
                    pelatihan[(group, row, "YA")] = yes
                    pelatihan[(group, row, "TIDAK")] = None if None in (total, yes) else total - yes
        assert pelatihan, month
        for table in (cells, pengaduan):
            values = [v for (_, _, column), v in table.items() if v is not None and column != "*"]
            assert all(v == 0 or v >= 5 for v in values), month  # no small count of people by predikat or complaints
        for table in (cells, kepatuhan, pengaduan, pelatihan):
            assert _lines_with_one_withheld(table) == [], month
            withheld += list(table.values()).count(None)
    assert withheld > 0  # the demo world has small cells: the check above is not vacuous


def test_shown_figures_equal_the_marts(first_run, db):
    published = {(r["instansi_kode"], r["unit_layanan_kode"], r["periode"]): r
                 for r in _rows(PERIOD, "ikm_unit_layanan")}
    marts = db.execute("select instansi_kode, unit_layanan_kode, periode, jumlah_responden, ikm_konversi::text, mutu "
                       "from marts.fct_ikm_unit_layanan where periode = '2026-Q3'").fetchall()
    assert {m[:3] for m in marts} == set(published)
    for a, u, p, n, ikm, mutu in marts:
        row = published[(a, u, p)]
        if n >= 5:
            assert (int(row["jumlah_responden"]), row["ikm"], row["mutu"]) == (n, ikm, mutu)
        else:
            assert row["ikm"] == row["jumlah_responden"] == "" and row["is_disembunyikan"] == "true"
    counted = dict(db.execute("select instansi_kode || '/' || periode, sum(jumlah_dievaluasi)::int "
                              "from marts.mart_kepatuhan group by 1").fetchall())
    for r in _rows(PERIOD, "kepatuhan"):
        if r["jumlah_dievaluasi"]:
            assert int(r["jumlah_dievaluasi"]) == counted[f"{r['instansi_kode']}/{r['periode']}"]


def test_complaints_and_service_times_are_published_as_the_marts_say(first_run, db):
    """The month's complaints per unit and in total, and its service times, as the marts hold them
    where shown; no complaint's text and no complainant anywhere in the package."""
    published = {(r["instansi_kode"], r["unit_layanan_kode"]): r for r in _rows(PERIOD, "pengaduan_unit")}
    marts = db.execute("select instansi_kode, unit_layanan_kode, jumlah_pengaduan, jumlah_online "
                       "from marts.mart_pengaduan_unit where periode = %s", (PERIOD,)).fetchall()
    assert {(a, u) for a, u, _, _ in marts} | {(a, "*") for a, _, _, _ in marts} == set(published)
    shown = 0
    for agency, unit, total, online in marts:
        row = published[(agency, unit)]
        if row["jumlah_pengaduan"] != "":
            assert int(row["jumlah_pengaduan"]) == total and (total == 0 or total >= 5)
            shown += 1
        else:
            assert 1 <= total <= 4 or row["is_disembunyikan"] == "true"
        if row["jumlah_online"] != "":
            assert int(row["jumlah_online"]) == online
    totals = dict(db.execute("select instansi_kode, sum(jumlah_pengaduan)::int from marts.mart_pengaduan_unit "
                             "where periode = %s group by 1", (PERIOD,)).fetchall())
    for agency, total in totals.items():
        row = published[(agency, "*")]
        assert row["jumlah_pengaduan"] == ("" if 1 <= total <= 4 else str(total)) or row["is_disembunyikan"] == "true"
    assert shown > 0 and any(published[(a, "*")]["persen_selesai_tepat_waktu"] for a in totals)
    services = {(r["instansi_kode"], r["unit_layanan_kode"], r["jenis_layanan"]): r for r in _rows(PERIOD, "waktu_layanan")}
    for a, u, j, n, p50 in db.execute("select instansi_kode, unit_layanan_kode, jenis_layanan, jumlah_transaksi, "
                                      "p50_jam::text from marts.mart_waktu_layanan where bulan = %s", (PERIOD,)):
        row = services[(a, u, j)]
        assert row["jumlah_transaksi"] == ("" if n < 5 else str(n))
        if row["median_jam"]:
            assert row["median_jam"] == p50
    texts = {t for (t,) in db.execute("select uraian from raw.pengaduan where uraian is not null")}
    package = "".join(p.read_text(encoding="utf-8") for p in _package(PERIOD).iterdir() if p.suffix in (".csv", ".html"))
    assert texts and not any(t in package for t in texts)
    export = Path(os.environ["KINERJA_SOURCES_DIR"]) / "WANGGAR" / PERIOD / f"pengaduan_{PERIOD.replace('-', '')}.json"
    complainants = [r["pelapor"] for r in json.loads(export.read_text(encoding="utf-8"))]
    assert complainants and not any(c["telepon"] in package or c["nama"] in package for c in complainants)


def test_iku_and_training_are_published_for_their_periods_without_people(first_run, db):
    """The quarter's indicators in its last month's package, as the marts hold them; training per
    instansi and OPD, year to date in every month's package, counts of people only (no NIP, no
    course names, no hours of anyone), equal to the marts where shown."""
    iku = _rows(PERIOD, "capaian_iku")
    marts = db.execute("""select instansi_kode, unit_kode, iku_kode, capaian_persen::text, status_capaian
                          from marts.fct_capaian_iku where periode = '2026-Q3'""").fetchall()
    assert iku and {(r["instansi_kode"], r["periode"]) for r in iku} == {("LAMPUNG", "2026-Q3")}
    assert sorted((r["instansi_kode"], r["unit_kode"], r["iku_kode"], r["capaian_persen"], r["status_capaian"])
                  for r in iku) == sorted((a, u, k, c or "", st) for a, u, k, c, st in marts)
    assert _rows("2026-08", "capaian_iku") == []  # no quarter ends in August
    for month in first_run:
        rows = _rows(month, "pelatihan")
        assert {r["instansi_kode"] for r in rows} == {"KEPAHIANG", "PAUH", "LAMPUNG", "JAMBI", "WANGGAR"}, month
        assert {r["bulan_laporan"] for r in rows} == {month} and {r["standar_satuan"] for r in rows} == {"JP"}
        for name in ("pelatihan", "pelatihan_unit"):
            header = set(_rows(month, name)[0])
            assert not header & {"nip", "nama", "nama_pelatihan", "jumlah_jp", "jumlah_jam"}, name
    shown = {(r["instansi_kode"], r["unit_kode"]): r for r in _rows(PERIOD, "pelatihan_unit")}
    # the marts' OPDs, small ones within the root as published (sel_opd_terbit)
    counted = db.execute("""select unit.instansi_kode, terbit.unit_terbit_kode, sum(unit.jumlah_pegawai)::int,
                                   sum(unit.jumlah_terlatih)::int, sum(unit.jumlah_memenuhi_standar)::int,
                                   count(*) filter (where terbit.unit_terbit_kode <> unit.unit_kode)::int
                            from marts.mart_pelatihan_unit as unit
                            join intermediate.sel_opd_terbit as terbit
                              on terbit.instansi_kode = unit.instansi_kode and terbit.bulan = unit.bulan
                             and terbit.unit_kode = unit.unit_kode
                            where unit.bulan = %s group by 1, 2""", (PERIOD,)).fetchall()
    assert {(a, u) for a, u, *_ in counted} == set(shown)
    for a, u, pegawai, terlatih, memenuhi, merged in counted:
        row = shown[(a, u)]
        assert row["jumlah_pegawai"] == str(pegawai)  # a headcount is always shown
        assert bool(row["unit_digabung"]) == (merged > 0), (a, u)
        for column, value in (("jumlah_terlatih", terlatih), ("jumlah_memenuhi_standar", memenuhi)):
            assert row[column] in ("", str(value)), (a, u, column)
            if pegawai < 10 and value not in (0, pegawai):  # a small group's process fact
                assert row[column] == "" and row["is_disembunyikan"] == "true", (a, u, column)


def test_the_privacy_scan_finds_nothing_in_publik_or_the_packages(first_run):
    from etl.publish import privacy

    assert privacy.scan_schema("publik") == []
    for month in first_run:
        assert privacy.scan_folder(_package(month)) == [], month


def test_the_privacy_scan_finds_personal_data_and_small_cells_where_they_are(first_run, db, tmp_path):
    from etl.publish import privacy

    nip, nama = db.execute("select nip, nama from raw.pegawai where nama like '% %' limit 1").fetchone()
    saran = db.execute("select saran from raw.skm_responden where length(saran) > 12 limit 1").fetchone()
    uraian = db.execute("select uraian from raw.pengaduan where length(uraian) > 12 limit 1").fetchone()[0]
    planted = tmp_path / "package"
    shutil.copytree(_package(PERIOD), planted)
    with open(planted / "bocor.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["unit_kode", "keterangan", "jumlah_pegawai", "nip"])
        writer.writerow(["X", f"dinilai oleh {nama.upper()}", "3", nip])
        if saran:
            writer.writerow(["X", saran[0], "7", ""])
        writer.writerow(["X", uraian, "8", ""])
    rules = {(f.where.split(" ")[0].rstrip(","), f.rule) for f in privacy.scan_folder(planted)}
    assert {("bocor.csv", "kolom-pribadi"), ("bocor.csv", "nama-pegawai"), ("bocor.csv", "sel-kecil"),
            ("bocor.csv", "nomor-identitas")} <= rules
    line = f"bocor.csv line {4 if saran else 3}"  # the complaint's text
    assert any(f.rule == "teks-bebas" and f.where.startswith(line) for f in privacy.scan_folder(planted))
    assert {where for where, _ in rules} == {"bocor.csv"}  # the published files themselves stay clean


def test_the_disclosure_audit_finds_nothing_in_any_month_with_the_months_before(first_run):
    """Every withheld number of every published month, solved against everything published beside
    it and in the earlier packages: none pinned, no group of people given away."""
    from etl.publish import disclosure, protection

    months = sorted(first_run)
    audited = 0
    for i, month in enumerate(months):
        result = disclosure.audit_folders(month, _package(month), {m: _package(m) for m in months[:i]}, protection())
        assert result.findings == [], [str(f) for f in result.findings]
        audited += result.withheld
    assert audited > 0


def test_a_planted_leak_is_refused_with_the_cell_named(first_run, tmp_path):
    """One more number shown than the suppression allows — in a unit row whose only withheld cells
    are a small count and its complement, the complement written back into the CSV — and the audit,
    as publishing runs it, refuses and names the small count it gives away."""
    from etl.publish import PublishError, audit_package

    def truth(db, r):
        return db.execute("""select jumlah from intermediate.sel_predikat where instansi_kode = %s
                             and periode = %s and regime = %s and baris = %s and kolom = %s""",
                          (r["instansi_kode"], r["periode"], r["regime"], r["unit_kode"], r["predikat"])).fetchone()[0]

    planted = None
    with psycopg_connect() as db:
        for month in sorted(first_run):
            rows = _rows(month, "distribusi_predikat_unit")
            by_unit = defaultdict(list)
            for number, r in enumerate(rows):
                by_unit[(r["instansi_kode"], r["unit_kode"], r["periode"], r["regime"])].append(number)
            for numbers in by_unit.values():
                withheld = [n for n in numbers if rows[n]["jumlah_pegawai"] == ""]
                if len(withheld) != 2 or rows[numbers[0]]["jumlah_dinilai_unit"] == "":
                    continue
                values = {n: truth(db, rows[n]) for n in withheld}
                small = [n for n in withheld if 1 <= values[n] <= 4]
                if len(small) == 1:
                    shown = next(n for n in withheld if n != small[0])
                    planted = month, rows, shown, values[shown], small[0]
                    break
            if planted:
                break
    assert planted, "no unit row with one small count and one complement withheld in the packages"
    month, rows, shown, value, small = planted
    rows[shown]["jumlah_pegawai"] = str(value)
    staged = tmp_path / month
    shutil.copytree(_package(month), staged)
    with open(staged / "distribusi_predikat_unit.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(PublishError) as refused:
        audit_package(month, staged)
    assert "disclosure audit refused" in str(refused.value)
    assert f"{month}/distribusi_predikat_unit.csv line {small + 2}, jumlah_pegawai" in str(refused.value)
    audit_package(month, _package(month))  # the package as published passes


def test_every_government_of_twenty_or_more_has_its_compliance_published(first_run):
    """The headline compliance figures are process facts: a few people without an evaluation in a
    government of hundreds identify nobody, so they are shown (they were dashes before)."""
    for month in first_run:
        for r in _rows(month, "kepatuhan"):
            if int(r["jumlah_pegawai"]) >= 20:
                assert all(r[f"jumlah_{m}"] != "" for m in ("punya_skp", "dievaluasi", "tepat_waktu")), (month, r)


def test_the_package_says_how_much_it_tells(first_run):
    from etl.publish import utility

    for month in first_run:
        told = utility.utility(_package(month))
        package = json.loads((_package(month) / "datapackage.json").read_text(encoding="utf-8"))
        assert package["utilitas"] == {level: told[level] for level in ("instansi", "unit")}
        assert 0 < told["instansi"]["share"] <= 1 and 0 < told["unit"]["share"] <= 1
        extras = {e["key"]: e["value"] for e in json.loads((_package(month) / "ckan.json").read_text())["extras"]}
        assert extras["utilitas_instansi"].startswith(f"{told['instansi']['published']} dari")


def test_datapackage_validates_and_the_ckan_metadata_is_complete(first_run, tmp_path):
    from frictionless import validate

    report = validate(str(_package(PERIOD) / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((_package(PERIOD) / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        assert fields and all(f["description"] for f in fields), resource["name"]
        assert resource["schema"]["missingValues"] == [""]
    # a changed byte is caught: the package carries every file's size and hash
    tampered = tmp_path / "tampered"
    shutil.copytree(_package(PERIOD), tampered)
    path = tampered / "kepatuhan.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(PERIOD, PERIOD[:3] + "5" + PERIOD[4:], 1), encoding="utf-8")
    assert not validate(str(tampered / "datapackage.json")).valid

    ckan = json.loads((_package(PERIOD) / "ckan.json").read_text(encoding="utf-8"))
    assert {"name", "title", "notes", "owner_org", "license_id", "tags", "version", "extras", "resources"} <= set(ckan)
    extras = {e["key"]: e["value"] for e in ckan["extras"]}
    assert {"produsen_data", "walidata", "metodologi", "periode_data", "tahun"} <= set(extras)
    assert extras["periode_data"] == PERIOD
    names = {r["name"] for r in ckan["resources"]}
    assert names == {p.name for p in _package(PERIOD).iterdir()} - {"ckan.json", "SHA256SUMS"}
    ikm = next(r for r in ckan["resources"] if r["name"] == "ikm_unit_layanan.csv")
    assert ikm["ms_ind_rumus"].startswith("IKM") and ikm["ms_ind_satuan"]  # MS-Ind metadata from dbt's meta
    # Peraturan BPS 5/2020: MS-Ind (with the level of estimation) and MS-Var on every table, MS-Keg on the package
    from etl.config import load_agencies

    for resource in ckan["resources"]:
        if resource["name"].endswith(".csv"):
            assert {"ms_ind_konsep", "ms_ind_definisi", "ms_ind_rumus", "ms_ind_satuan", "ms_ind_klasifikasi",
                    "ms_ind_level_estimasi"} <= set(resource), resource["name"]
            columns = json.loads(resource["ms_var"])
            assert columns and all({"nama", "definisi", "tipe_data", "referensi_waktu", "aturan_validasi"} <= set(c)
                                   for c in columns), resource["name"]
    assert {"ms_keg_judul_kegiatan", "ms_keg_jenis_kegiatan_statistik", "ms_keg_frekuensi_penyelenggaraan",
            "ms_keg_tahun"} <= set(extras)
    regions = {r["instansi_kode"]: r for r in json.loads(extras["wilayah"])}
    assert set(regions) == {a.kode for a in load_agencies()}
    assert all(r["kode_wilayah"] and r["tingkat_wilayah"] and r["produsen_data"] and r["penanggung_jawab"]
               for r in regions.values())
    assert package["sumber"] and all(s["batch_id"] for s in package["sumber"])  # the deliveries behind it


def test_a_republication_is_byte_identical(first_run):
    from etl.publish import publish

    before = (_package(PERIOD) / "SHA256SUMS").read_bytes(), _package(PERIOD).resolve()
    written = publish(PERIOD)
    assert ((_package(PERIOD) / "SHA256SUMS").read_bytes(), _package(PERIOD).resolve()) == before
    assert len(written) == len(TABLE_FILES) * 2 + 4  # datapackage.json, pengaduan.html, index.html, ckan.json


def test_the_published_report_is_built_by_a_browser(first_run, chromium, tmp_path):
    page = _package(PERIOD) / "index.html"
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           f"--user-data-dir={tmp_path / 'profile'}", "--window-size=390,2400", "--dump-dom",
                           page.as_uri()], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    for chart in ("distribusi", "ikm", "kepatuhan", "tren", "pengaduan"):
        assert f'data-chart="{chart}"' in dom, chart
    page = _package(PERIOD) / "pengaduan.html"  # the page for complaints and service times
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           f"--user-data-dir={tmp_path / 'profile2'}", "--window-size=390,2400", "--dump-dom",
                           page.as_uri()], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and 'data-chart="pengaduan"' in done.stdout and "Waktu penyelesaian layanan" in done.stdout
    assert dom.count('class="bar"') >= len(_rows(PERIOD, "ikm_unit_layanan")) // 2
    assert "Indeks Kepuasan Masyarakat" in dom
