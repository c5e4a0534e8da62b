"""The delivery calendar (issue 23 item 3) and a run with nothing to do (issue 25 part 3), against a
real PostgreSQL and dbt: what each government owes is recorded before the run maps over them; a
month nobody delivered ends in one line per government and a non-zero exit; the mart and
`kinerja status` show what came on time, what was refused and by which gate, what a re-delivery
replaced, and what is missing; the public table counts them per government."""

from __future__ import annotations

import datetime as dt
import re

import psycopg
import pytest
from typer.testing import CliRunner

from etl import pipeline

PAST = "2025-01"  # its deadlines (the 15th and the 10th of 2025-02) are long past
NOW = f"{dt.date.today():%Y-%m}"  # this month: its deadlines are ahead, so what comes now is on time
UNITS = ("instansi_kode,unit_kode,unit_nama,induk_unit_kode,is_unit_layanan\n"
         "{kode},{kode},Pemerintah Uji,,false\n{kode},{kode}.BKPSDM,Badan Kepegawaian,{kode},false\n")
AGENCIES = """
agencies:
  - kode: UJIA
    nama: Pemerintah Kabupaten Uji A
    deadline_day: 15
    sources:
      - kind: canonical_csv
        entities: [unit_kerja]
        options: {path: "{sources_dir}/{agency}/{period}"}
  - kode: UJIB
    nama: Pemerintah Kabupaten Uji B
    sources:
      - kind: canonical_csv
        entities: [unit_kerja]
        options: {path: "{sources_dir}/{agency}/{period}"}
"""


@pytest.fixture
def governments(warehouse_url, tmp_path, monkeypatch):
    """Two governments of one entity each, delivering into an empty sources folder of this test."""
    (tmp_path / "agencies.yml").write_text(AGENCIES, encoding="utf-8")
    sources = tmp_path / "sources"
    sources.mkdir()
    for name, folder in {"KINERJA_AGENCIES": tmp_path / "agencies.yml", "KINERJA_SOURCES_DIR": sources,
                         "KINERJA_LANDING_DIR": tmp_path / "landing"}.items():
        monkeypatch.setenv(name, str(folder))
    monkeypatch.delenv("KINERJA_SIASN_ORIGIN", raising=False)
    return sources


def _deliver(sources, kode: str, period: str, text: str) -> None:
    folder = sources / kode / period
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "unit_kerja.csv").write_text(text, encoding="utf-8")


def _run_stages(kode: str, period: str) -> None:
    """One government's extract -> validate -> load, as the DAG's mapped tasks call them."""
    try:
        pipeline.load(pipeline.validate(pipeline.extract(kode, period)))
    except pipeline.AgencyBatchFailed:
        pass  # a refused delivery: recorded in the ledger with its gate


def test_the_deadline_follows_the_period_and_the_governments_day():
    from etl.config import find_agency, load_agencies
    from etl.delivery_calendar import deadline, owed, probe

    kepahiang, lampung = find_agency("KEPAHIANG"), find_agency("LAMPUNG")
    assert kepahiang.deadline_day == 10  # not set in the file: the 10th
    assert deadline(kepahiang, "2026-09") == dt.date(2026, 10, 10)
    assert deadline(kepahiang, "2026-12") == dt.date(2027, 1, 10)
    assert deadline(lampung, "2026-Q3") == dt.date(2026, 10, 10)  # a quarter's: the month after it
    # what a quarterly government owes follows its cadence: evaluations only in a quarter's last month
    assert "evaluasi_periodik" not in {d.entity for d in owed(lampung, "2026-08")}
    assert ("evaluasi_periodik", "2026-Q3") in {(d.entity, d.periode) for d in owed(lampung, "2026-09")}
    # an API has no cheap look: assumed delivered (None), its fetch says otherwise
    assert probe(lampung, "pegawai", "2026-09") is None
    assert all(agency.deadline_day == 10 for agency in load_agencies())


def test_a_deadline_day_outside_1_to_28_is_refused(tmp_path):
    from etl.config import ConfigError, load_agencies

    path = tmp_path / "agencies.yml"
    path.write_text(AGENCIES.replace("deadline_day: 15", "deadline_day: 31"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"government UJIA, deadline_day: .*28"):
        load_agencies(path)


def test_a_month_nobody_delivered_says_so_per_government_and_fails(governments, db):
    from etl.cli import app

    result = CliRunner().invoke(app, ["run", "--period", PAST])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [f"UJIA: nothing delivered for {PAST}", f"UJIB: nothing delivered for {PAST}"]
    assert result.stderr.strip() == f"error: no government has delivered anything for {PAST}"
    # recorded, so that the calendar shows them missing; nothing was extracted
    assert db.execute("select instansi_kode, entity, periode, batas_waktu, ada_kiriman from audit.delivery_expected "
                      "where bulan = %s order by 1", (PAST,)).fetchall() == [
        ("UJIA", "unit_kerja", PAST, dt.date(2025, 2, 15), False),
        ("UJIB", "unit_kerja", PAST, dt.date(2025, 2, 10), False)]
    assert db.execute("select count(*) from audit.batch_delivery where periode = %s", (PAST,)).fetchone()[0] == 0


def test_the_calendar_shows_on_time_refused_replaced_and_missing(governments, db):
    from etl import delivery_calendar, transform, warehouse
    from etl.cli import app

    check = delivery_calendar.check_month(PAST)
    assert (check.delivering, check.nothing) == ([], ["UJIA", "UJIB"])
    _deliver(governments, "UJIA", NOW, UNITS.format(kode="UJIA"))
    _deliver(governments, "UJIB", NOW, "")  # an empty file: refused by the gate `empty`
    check = delivery_calendar.check_month(NOW)
    assert (check.delivering, check.nothing) == (["UJIA", "UJIB"], [])
    for kode in check.delivering:
        _run_stages(kode, NOW)
    # UJIA re-delivers the month, corrected: the new delivery replaces the first
    _deliver(governments, "UJIA", NOW, UNITS.format(kode="UJIA").replace("Badan Kepegawaian", "BKPSDM"))
    _run_stages("UJIA", NOW)

    # the runtime role only appends to the calendar's record
    with warehouse.loader_connect(autocommit=True) as loader:
        for statement in ("update audit.delivery_expected set ada_kiriman = true",
                          "delete from audit.delivery_expected", "truncate audit.delivery_expected"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                loader.execute(statement)

    transform.dbt("build", "--select", "+mart_kalender_kiriman", "+pub_ketepatan_kiriman",
                  "--exclude-resource-type", "unit_test", "--indirect-selection", "cautious")
    calendar = {(k, p): (s, g, n) for k, p, s, g, n in db.execute(
        """select instansi_kode, periode, status, gate, jumlah_kiriman from marts.mart_kalender_kiriman
           where instansi_kode in ('UJIA', 'UJIB')""")}
    assert calendar == {
        ("UJIA", PAST): ("hilang", None, 0),
        ("UJIB", PAST): ("hilang", None, 0),
        ("UJIA", NOW): ("diganti", None, 2),
        ("UJIB", NOW): ("ditolak", "empty", 1),
    }
    public = {(k, b): rest for k, b, *rest in db.execute(
        """select instansi_kode, bulan, kiriman_diharapkan, kiriman_tepat_waktu, kiriman_ditolak, kiriman_hilang,
                  persen_kiriman_tepat_waktu from publik.pub_ketepatan_kiriman
           where instansi_kode in ('UJIA', 'UJIB')""")}
    assert public == {("UJIA", PAST): [1, 0, 0, 1, 0], ("UJIB", PAST): [1, 0, 0, 1, 0],
                      ("UJIA", NOW): [1, 1, 0, 0, 100], ("UJIB", NOW): [1, 0, 1, 0, 0]}
    from etl.publish import privacy

    assert [f for f in privacy.scan_schema("publik") if "pub_ketepatan_kiriman" in f.where] == []

    result = CliRunner().invoke(app, ["status", "--period", NOW])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2, lines  # one line per government and entity
    assert re.search(r"UJIA\s+unit_kerja\s+\S+\s+diganti .* 2 delivery", lines[0]), lines
    assert re.search(r"UJIB\s+unit_kerja\s+\S+\s+ditolak .* — empty: ", lines[1]), lines
    history = [line for line in CliRunner().invoke(app, ["status"]).stdout.splitlines() if " UJI" in line]
    assert [line.split()[0] for line in history] == [NOW, NOW, PAST, PAST]
    assert all("hilang" in line for line in history[2:])


def test_the_dag_maps_over_the_governments_that_delivered_and_names_the_others_once(governments, db):
    """kinerja_bulanan itself: the government with nothing delivered gets no extract, validate or
    load task (so none fails), one failed task names it, and the other is loaded."""
    from etl import orchestration

    month = "2026-02"  # after the DAG's start date; its deadline (2026-03-10) has passed
    _deliver(governments, "UJIA", month, UNITS.format(kode="UJIA"))
    dag_run = orchestration.run_period(month, publish=False)
    failed = orchestration.failed_tasks(dag_run)
    assert [name for name, _ in failed] == ["every_agency_delivered"], failed
    assert db.execute("select instansi_kode, status from audit.batch where periode = %s", (month,)).fetchall() == [
        ("UJIA", "loaded")]
    assert db.execute("select instansi_kode, ada_kiriman from audit.delivery_expected where bulan = %s order by 1",
                      (month,)).fetchall() == [("UJIA", True), ("UJIB", False)]
    assert db.execute("select instansi_kode, status from marts.mart_kalender_kiriman where bulan = %s order by 1",
                      (month,)).fetchall() == [("UJIA", "terlambat"), ("UJIB", "hilang")]
