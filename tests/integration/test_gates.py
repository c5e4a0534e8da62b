"""Batch gates and reference rules against a real PostgreSQL, on copies of PAUH's demo delivery."""

import csv
import io
import json
import shutil

import pytest

from etl import pipeline
from etl.pipeline import validate as validate_batches  # the source stage reads, validation checks


@pytest.fixture
def delivery(demo_world, tmp_path, monkeypatch):
    """A private copy of PAUH's deliveries that a test may break."""
    sources, _ = demo_world
    copy = tmp_path / "sources"
    shutil.copytree(sources / "PAUH", copy / "PAUH")
    monkeypatch.setenv("KINERJA_SOURCES_DIR", str(copy))
    return copy / "PAUH"


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(path, rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _batches(db, period):
    """entity -> (status, gate, received, loaded, quarantined) of the latest attempt of the period
    (a delivery loaded before and refused now stays loaded in audit.batch; its attempt says why)."""
    return {e: (s, g, r, l, q) for e, s, g, r, l, q in db.execute(
        """select b.entity, a.status, a.gate, a.rows_received, a.rows_loaded, a.rows_quarantined
           from audit.batch b join audit.batch_attempt a on a.batch_id = b.batch_id and a.attempt = b.attempts
           where b.instansi_kode = 'PAUH' and b.periode = %s and b.extracted_at = (
               select max(extracted_at) from audit.batch b2 where b2.instansi_kode = 'PAUH'
               and b2.periode = %s and b2.entity = b.entity)""", (period, period)).fetchall()}


def test_a_roster_cut_in_half_is_refused_with_what_points_at_it(db, delivery):
    pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-09")))
    before = db.execute("select count(*) from raw.pegawai where _instansi_kode = 'PAUH' and _periode = '2026-10'"
                        ).fetchone()[0]
    roster = delivery / "2026-10" / "pegawai.csv"
    rows = _rows(roster)
    _write(roster, rows[: len(rows) * 2 // 5])
    with pytest.raises(pipeline.AgencyBatchFailed, match="fewer than 50%"):
        pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
    batches = _batches(db, "2026-10")
    assert batches["pegawai"][:2] == ("rejected", "volume")
    assert batches["evaluasi_periodik"][:2] == ("rejected", "reference")
    assert batches["rhk"][:2] == ("rejected", "reference")
    assert batches["unit_kerja"][:2] == ("loaded", None)
    message = db.execute("select message from audit.batch_attempt where gate = 'volume'").fetchone()[0]
    assert f"has {len(rows) * 2 // 5} rows" in message and "gates.min_share_of_previous.pegawai" in message
    after = db.execute("select count(*) from raw.pegawai where _instansi_kode = 'PAUH' and _periode = '2026-10'"
                       ).fetchone()[0]
    assert after == before  # nothing of the refused roster was loaded


def test_a_header_without_rows_is_refused_as_empty(db, delivery):
    target = delivery / "2026-10" / "predikat_organisasi.csv"
    target.write_text(target.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(pipeline.AgencyBatchFailed, match="predikat_organisasi: .*holds no rows"):
        pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
    assert _batches(db, "2026-10")["predikat_organisasi"][:2] == ("rejected", "empty")


def test_a_quiet_month_of_complaints_and_trainings_loads_as_zero_rows(db, delivery):
    """A register of events (Entity.may_be_empty) delivered as its header alone is a month with none:
    loaded, 0 received = 0 loaded + 0 quarantined; a later delivery of the month replaces it."""
    for entity in ("pengaduan", "pelatihan"):
        target = delivery / "2026-10" / f"{entity}.csv"
        target.write_text(target.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
    batches = _batches(db, "2026-10")
    assert batches["pengaduan"] == ("loaded", None, 0, 0, 0)
    assert batches["pelatihan"] == ("loaded", None, 0, 0, 0)
    assert db.execute("select count(*) from raw.pengaduan where _instansi_kode = 'PAUH' and _periode = '2026-10'"
                      ).fetchone()[0] == 0
    assert batches["unit_kerja"][0] == "loaded"  # and a roster without rows is still refused (test above)


def test_a_header_that_does_not_match_is_refused(db, delivery):
    target = delivery / "2026-10" / "unit_kerja.csv"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("unit_nama", "nama_unit", 1), encoding="utf-8")
    with pytest.raises(pipeline.AgencyBatchFailed, match="unit_kerja: .*header lacks the columns unit_nama"):
        pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
    batches = _batches(db, "2026-10")
    assert batches["unit_kerja"][:2] == ("rejected", "header")
    # everything that points at the units waits for them (the training register through the roster)
    assert {e for e, b in batches.items() if b[1] == "reference"} == {
        "pegawai", "predikat_organisasi", "skm_responden", "evaluasi_periodik", "rhk", "pengaduan", "transaksi_layanan",
        "pelatihan", "umpan_balik", "perilaku_kerja"}


def test_references_quarantine_rows_that_point_nowhere(db, delivery):
    month = delivery / "2026-10"
    pegawai = _rows(month / "pegawai.csv")
    staff = [i for i, r in enumerate(pegawai) if r["atasan_nip"]]
    pegawai[staff[0]]["unit_kode"] = "PAUH.TIDAK.ADA"
    pegawai[staff[1]]["atasan_nip"] = "198001012005011001"  # well formed, on nobody's roster
    pegawai[staff[2]]["atasan_nip"] = "1.98001E+17"  # malformed: its own rule, not the reference
    _write(month / "pegawai.csv", pegawai)
    evaluasi = _rows(month / "evaluasi_periodik.csv")
    clean = [i for i, r in enumerate(evaluasi) if r["nip"].isdigit() and len(r["nip"]) == 18]
    evaluasi[clean[0]]["nip"] = "197001012000011001"
    evaluasi[clean[1]]["periode"] = "2026-09"
    _write(month / "evaluasi_periodik.csv", evaluasi)
    skm = _rows(month / "skm_responden.csv")
    skm[0]["instansi_kode"] = "KEPAHIANG"
    _write(month / "skm_responden.csv", skm)
    pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))

    def reasons(entity, row):
        found = db.execute(
            """select q.reasons from audit.quarantine q join audit.batch b using (batch_id)
               where b.instansi_kode = 'PAUH' and b.periode = '2026-10' and b.entity = %s and b.is_current
               and q.row_number = %s""", (entity, row + 2)).fetchone()
        return found[0] if found else None

    assert reasons("pegawai", staff[0]) == ["unit_kode must be a unit of the delivered unit_kerja"]
    assert reasons("pegawai", staff[1]) == ["atasan_nip must be an employee of the same delivery"]
    assert reasons("pegawai", staff[2]) == ["atasan_nip, when given, must be exactly 18 digits"]
    assert reasons("evaluasi_periodik", clean[0]) == ["nip must be an employee of the delivered pegawai"]
    assert reasons("evaluasi_periodik", clean[1]) == ["periode must be the period delivered"]
    assert reasons("skm_responden", 0) == ["instansi_kode must be the government that delivered the file"]
    results = dict(db.execute(
        """select v.rule, v.rows_failed from audit.validation_result v join audit.batch b using (batch_id)
           where b.instansi_kode = 'PAUH' and b.periode = '2026-10' and b.entity = 'pegawai' and b.is_current"""
    ).fetchall())
    assert results["unit_kode must be a unit of the delivered unit_kerja"] >= 1
    assert results["atasan_nip must be an employee of the same delivery"] >= 1


def test_workers_chunk_size_and_engine_do_not_change_the_outcome(delivery, warehouse_url):
    """GX on every row, the vectorised checks judged by GX, in one process or two, in one chunk or
    many: the same good rows, the same quarantine, the same counts per rule."""
    landed = pipeline.extract("PAUH", "2026-10")
    outcomes = {}
    for workers, chunk_rows, engine in ((1, 100_000, "gx"), (1, 100_000, "fast"), (1, 37, "fast"),
                                        (2, 37, "fast"), (2, 37, "gx")):
        result = validate_batches(landed, workers=workers, chunk_rows=chunk_rows, engine=engine)
        files = {o["batch"]["entity"]: (open(o["good_file"]).read(), open(o["quarantine_file"]).read())
                 for o in result}
        summary = {o["batch"]["entity"]: (o["status"], o["rows_received"], o["rows_quarantined"],
                                          json.dumps(sorted(o["results"], key=lambda r: r["rule"])))
                   for o in result}
        outcomes[(workers, chunk_rows, engine)] = summary, _without_headers(files)
    first = outcomes[(1, 100_000, "gx")]
    assert all(o == first for o in outcomes.values())
    assert any(q for _, q in first[1].values())  # the delivery does have quarantined rows


def _without_headers(files):
    """Good rows are written with one header; compare the rows, whatever the chunking."""
    return {e: ("".join(sorted(good.splitlines(keepends=True)[1:])), bad) for e, (good, bad) in files.items()}


def test_a_key_repeated_across_chunks_is_quarantined_as_in_one_chunk(db, delivery):
    """Uniqueness holds for the whole delivery whatever its chunking: both copies of a repeated key
    go to quarantine, also when one copy was quarantined for another rule in another chunk."""
    path = delivery / "2026-10" / "evaluasi_periodik.csv"
    rows = _rows(path)
    clean = [i for i, r in enumerate(rows) if r["nip"].isdigit() and len(r["nip"]) == 18]
    first, second = rows[clean[0]], rows[clean[1]]
    rows.append(dict(first))  # the same row again, far from the first
    rows.append(second | {"rating_hasil_kerja": "Luar Biasa"})  # same key, and a value of its own that is wrong
    _write(path, rows)
    landed = pipeline.extract("PAUH", "2026-10")

    def outcome(chunk_rows):
        pipeline.load(validate_batches(landed, chunk_rows=chunk_rows))
        quarantine = db.execute(
            """select q.row_number, q.reasons from audit.quarantine q join audit.batch b using (batch_id)
               where b.instansi_kode = 'PAUH' and b.periode = '2026-10' and b.entity = 'evaluasi_periodik'
                 and b.is_current order by 1""").fetchall()
        counts = db.execute(
            """select rows_received, rows_loaded, rows_quarantined from audit.batch where instansi_kode = 'PAUH'
               and periode = '2026-10' and entity = 'evaluasi_periodik' and is_current""").fetchone()
        rule = db.execute(
            """select v.rows_failed from audit.validation_result v join audit.batch b using (batch_id)
               where b.instansi_kode = 'PAUH' and b.periode = '2026-10' and b.entity = 'evaluasi_periodik'
                 and b.is_current and v.rule = 'nip + periode + skp_id must be unique within a delivery'""").fetchone()
        return {r: sorted(reasons) for r, reasons in quarantine}, counts, rule

    whole, chunked = outcome(100_000), outcome(9)
    assert whole == chunked
    reasons = whole[0]
    unique = "nip + periode + skp_id must be unique within a delivery"
    for row in (clean[0] + 2, len(rows) - 1 + 2 - 1, clean[1] + 2, len(rows) + 1):
        assert unique in reasons[row], row
    assert "rating_hasil_kerja must be Di Atas, Sesuai or Di Bawah Ekspektasi" in reasons[len(rows) + 1]
    received, loaded, quarantined = whole[1]
    assert received == loaded + quarantined == len(rows)
    assert whole[2][0] == sum(unique in r for r in reasons.values())


def test_a_loaded_delivery_refused_later_stays_loaded_and_the_attempt_is_logged(db, delivery):
    pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
    roster = delivery / "2026-10" / "unit_kerja.csv"
    roster.write_text(roster.read_text(encoding="utf-8").replace("unit_nama", "nama_unit", 1), encoding="utf-8")
    with pytest.raises(pipeline.AgencyBatchFailed):
        pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
    status, current, loaded, attempts = db.execute(
        """select status, is_current, rows_loaded, attempts from audit.batch where instansi_kode = 'PAUH'
           and periode = '2026-10' and entity = 'pegawai' and is_current""").fetchone()
    assert (status, current) == ("loaded", True) and loaded > 0  # the same roster, refused now for its units
    log = db.execute(
        """select a.attempt, a.status, a.gate from audit.batch_attempt a join audit.batch b using (batch_id)
           where b.instansi_kode = 'PAUH' and b.periode = '2026-10' and b.entity = 'pegawai' and b.is_current
           order by 1""").fetchall()
    assert log[-1] == (attempts, "rejected", "reference")
    assert any(status == "loaded" for _, status, _ in log)
