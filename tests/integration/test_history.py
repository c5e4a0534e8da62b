"""History: consolidating months in calendar order, the snapshots keep each employee's versions
(mutasi to another unit under another supervisor), and dim_pegawai says who was where in any month."""

import psycopg
import pytest

MONTHS = ("2026-08", "2026-09", "2026-10")


@pytest.fixture(scope="module")
def history(demo_world, own_warehouse):
    """PAUH's three months in a database of their own, each month loaded and built in turn."""
    from etl import pipeline

    with own_warehouse("riwayat") as url:
        for month in MONTHS:
            pipeline.load(pipeline.validate(pipeline.extract("PAUH", month)))
            pipeline.build(month)
        with psycopg.connect(url, autocommit=True) as conn:
            yield conn


def test_a_mutasi_is_a_new_version_from_its_month(history):
    rosters = history.execute(
        """select nip, _periode, unit_kode, nullif(atasan_nip, '') from raw.pegawai where _instansi_kode = 'PAUH'
           order by nip, _periode""").fetchall()
    by_nip: dict = {}
    for nip, month, unit, atasan in rosters:
        by_nip.setdefault(nip, []).append((month, unit, atasan))
    moved = {nip: states for nip, states in by_nip.items()
             if len(states) == len(MONTHS) and len({s[1] for s in states}) > 1}
    assert moved, "the demo world moves some staff between months"
    for nip, states in moved.items():
        versions = history.execute(
            """select berlaku_dari_bulan, berlaku_hingga_sebelum_bulan, unit_kode, atasan_nip, is_terkini
               from marts.dim_pegawai where instansi_kode = 'PAUH' and nip = %s order by berlaku_dari_bulan""",
            (nip,)).fetchall()
        expected, previous = [], None
        for month, unit, atasan in states:
            if (unit, atasan) != previous:
                expected.append((month, unit, atasan))
                previous = (unit, atasan)
        assert [(v[0], v[2], v[3]) for v in versions] == expected, nip
        assert [v[1] for v in versions] == [e[0] for e in expected[1:]] + [None]
        assert [v[4] for v in versions] == [False] * (len(expected) - 1) + [True]


def test_who_was_where_in_any_month(history):
    """For every month and employee on its roster, dim_pegawai's version valid in that month holds
    the unit and supervisor of that month's roster."""
    mismatched = history.execute(
        """select count(*) from raw.pegawai r
           left join marts.dim_pegawai d
             on d.instansi_kode = r._instansi_kode and d.nip = r.nip
            and r._periode >= d.berlaku_dari_bulan
            and (d.berlaku_hingga_sebelum_bulan is null or r._periode < d.berlaku_hingga_sebelum_bulan)
           where r._instansi_kode = 'PAUH'
             and (d.nip is null or d.unit_kode is distinct from r.unit_kode
                  or d.atasan_nip is distinct from nullif(r.atasan_nip, ''))""").fetchone()[0]
    assert mismatched == 0


def _partitions(conn, table="marts.fct_rhk_capaian") -> dict[str, tuple[int, int]]:
    """A partitioned table's partitions: their bound's period -> (oid, rows)."""
    found = {}
    for oid, name, bound in conn.execute(
            """select c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_expr(c.relpartbound, c.oid)
               from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_namespace n on n.oid = c.relnamespace
               where i.inhparent = %s::regclass""", (table,)).fetchall():
        found[bound.split("'")[1]] = (oid, conn.execute(f"select count(*) from {name}").fetchone()[0])
    return found


def test_the_rhk_fact_is_a_partition_per_month_and_a_rebuild_swaps_only_its_month(history):
    """fct_rhk_capaian (materialization partisi_periode, macros/partisi_periode.sql): partitioned by month,
    a month's partition holds exactly that month's RHK lines; building a month again makes its partition
    anew and swaps it in, and leaves every other month's partition as it was."""
    from etl import pipeline

    for table in ("marts.fct_rhk_capaian", "marts.fct_evaluasi_kinerja"):
        kind = history.execute("select relkind::text from pg_class where oid = %s::regclass", (table,)).fetchone()[0]
        assert kind == "p", table
    evaluated = {row[0]: row[1] for row in history.execute(
        "select periode, count(*) from marts.fct_evaluasi_kinerja group by 1").fetchall()}
    assert {p: rows for p, (_, rows) in _partitions(history, "marts.fct_evaluasi_kinerja").items()} == evaluated
    before = _partitions(history)
    assert set(before) == set(MONTHS)
    for month, (_, rows) in before.items():
        raw = history.execute("select count(*) from raw.rhk where _instansi_kode = 'PAUH' and _periode = %s",
                              (month,)).fetchone()[0]
        assert rows == raw > 0, month
    unique = history.execute(
        """select pg_get_indexdef(x.indexrelid) from pg_index x
           where x.indrelid = 'marts.fct_rhk_capaian__2026_09'::regclass and x.indisunique""").fetchall()
    assert [row[0].split(" USING btree ")[1] for row in unique] == ["(instansi_kode, nip, skp_id, periode, rhk_kode)"]

    pipeline.build("2026-09")
    after = _partitions(history)
    assert after["2026-09"][0] != before["2026-09"][0], "September's partition was built anew"
    assert after["2026-09"][1] == before["2026-09"][1]
    assert {m: after[m] for m in ("2026-08", "2026-10")} == {m: before[m] for m in ("2026-08", "2026-10")}
    assert history.execute("select count(*) from pg_class where relname like 'fct\\_rhk\\_capaian\\_\\_%%baru%%'"
                           ).fetchone()[0] == 0, "no work table left behind"


def test_a_duplicate_rhk_line_stops_the_months_build_and_the_old_partition_stays(history):
    """The grain is each partition's UNIQUE constraint: a month whose rows repeat a key does not build,
    the error names the key, and the month's partition in force is untouched (one transaction)."""
    from etl import transform

    before = _partitions(history)
    line = history.execute("select ctid from raw.rhk where _instansi_kode = 'PAUH' and _periode = '2026-10' limit 1"
                           ).fetchone()[0]
    history.execute("insert into raw.rhk select * from raw.rhk where ctid = %s and _periode = '2026-10'", (line,))
    try:
        with pytest.raises(transform.TransformError, match=r"fct_rhk_capaian: .*(duplicate key|could not create unique)"):
            transform.dbt("run", "--select", "fct_rhk_capaian", period="2026-10")
        assert _partitions(history) == before
    finally:
        history.execute("""delete from raw.rhk r where _instansi_kode = 'PAUH' and _periode = '2026-10'
                           and ctid <> (select min(ctid) from raw.rhk s where s._instansi_kode = r._instansi_kode
                                        and s._periode = r._periode and s.nip = r.nip and s.skp_id = r.skp_id
                                        and s.periode = r.periode and s.rhk_kode = r.rhk_kode)""")
