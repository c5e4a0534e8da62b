"""History: consolidating months in calendar order, the snapshots keep each employee's versions
(mutasi to another unit under another supervisor), and dim_pegawai says who was where in any month."""

import os

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

MONTHS = ("2026-08", "2026-09", "2026-10")


@pytest.fixture(scope="module")
def history(demo_world, warehouse_url):
    """PAUH's three months in a database of their own, each month loaded and built in turn."""
    from etl import pipeline

    name = f"{psycopg.conninfo.conninfo_to_dict(warehouse_url)['dbname']}_riwayat"
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    url = make_conninfo(warehouse_url, dbname=name)
    saved = os.environ["KINERJA_WAREHOUSE_URL"]
    os.environ["KINERJA_WAREHOUSE_URL"] = url
    try:
        for month in MONTHS:
            pipeline.load(pipeline.validate(pipeline.extract("PAUH", month)))
            pipeline.build(month)
        with psycopg.connect(url, autocommit=True) as conn:
            yield conn
    finally:
        os.environ["KINERJA_WAREHOUSE_URL"] = saved
        with psycopg.connect(warehouse_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


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
