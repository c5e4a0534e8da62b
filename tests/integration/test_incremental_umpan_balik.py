"""Issue 24: the marts and public cells of issue 20 (feedback, BerAKHLAK values, performance reports) are
built incrementally, a month's run rewriting only the periods it consolidates. Built month by month over
the demo world's three months (every government: LAMPUNG's quarterly evaluations arrive in September,
WANGGAR alone files reports), each of them holds exactly the rows a --full-refresh build over the same
warehouse makes: row counts and an md5 over the sorted rows, per table. So do the rosters and evaluations
they read and the acting posts' mart, which the project's delete+insert (macros/hapus_sisip.sql) replaces
by period as it does these, and the reward candidates' mart, whose month recomputes the runs of the
employees it can change."""

import psycopg
import pytest

MONTHS = ("2026-08", "2026-09", "2026-10")
AGENCIES = ("KEPAHIANG", "PAUH", "LAMPUNG", "JAMBI", "WANGGAR")
# model -> its schema; fct_umpan_balik partitioned by month (partisi_periode), the others delete+insert
MODELS = {
    "fct_umpan_balik": "marts",
    "mart_umpan_balik_rhk": "marts",
    "mart_umpan_balik_penilai": "marts",
    "mart_umpan_balik_unit": "marts",
    "mart_penilai_tanpa_umpan_balik": "marts",
    "mart_umpan_balik_rating": "marts",
    "mart_berakhlak_pegawai": "marts",
    "mart_berakhlak_unit": "marts",
    "mart_laporan_kinerja_pegawai": "marts",
    "mart_laporan_kinerja_unit": "marts",
    "sel_umpan_balik": "intermediate",
    "sel_laporan_kinerja": "intermediate",
    "sel_berakhlak": "intermediate",
    # what they read, delete+insert too (macros/hapus_sisip.sql: the batch's keys written into the delete)
    "int_pegawai__unit_dinilai": "intermediate",
    "int_evaluasi__dinilai_ulang": "intermediate",
    "int_pegawai__periode": "intermediate",
    "mart_plt_plh": "marts",
    "int_umpan_balik__pemberi": "intermediate",  # each month's feedback givers, which the raters' mart reads for the year
    # incremental on the employees whose runs the month can change (macro kandidat_disentuh): a retry of
    # October below recomputes those whose runs cover it
    "mart_kandidat_penghargaan": "marts",
    "mart_pelatihan_dampak": "marts",  # its window of trainings read by literal months (macro pada_bulan_sebelum_periode_dijalankan)
}


def _fingerprints(conn) -> dict[str, tuple[int, str]]:
    """Each model's table: (rows, md5 of its rows as text, sorted)."""
    return {model: conn.execute(
        f"select count(*), md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from {schema}.{model} t"
    ).fetchone() for model, schema in MODELS.items()}


@pytest.fixture(scope="module")
def monthly(demo_world, own_warehouse):
    """The demo world's governments in a database of their own, each month loaded and built in turn
    (the monthly run's build, incremental), then the fingerprints of the models, the months' row
    counts of the rater mart as September's build left them, and the connection."""
    from etl import pipeline, transform
    from etl.load import AgencyBatchFailed

    with own_warehouse("inkremental") as url, psycopg.connect(url, autocommit=True) as conn:
        for month in MONTHS:
            for agency in AGENCIES:
                try:
                    pipeline.load(pipeline.validate(pipeline.extract(agency, month)))
                except AgencyBatchFailed:
                    pass  # a rejected batch (a planted fault): the others are loaded, as in the monthly run
            # the month's incremental build of what these models read and of the models themselves
            # (the data tests and the public tables are other tests' business: this module compares rows)
            transform.dbt("build", "--select", *(f"+{model}" for model in MODELS),
                          "--exclude", "resource_type:test", period=month)
        yield conn


def test_the_models_are_built_by_period(monthly):
    """What the month's runs built: the feedback fact a partition per month, the others incremental
    tables over every month or period loaded (so the comparison below compares the whole history)."""
    partitions = {row[0] for row in monthly.execute(
        """select pg_get_expr(c.relpartbound, c.oid) from pg_inherits i join pg_class c on c.oid = i.inhrelid
           where i.inhparent = 'marts.fct_umpan_balik'::regclass""").fetchall()}
    assert {bound.split("'")[1] for bound in partitions} == set(MONTHS)
    for model, schema in MODELS.items():
        kind = monthly.execute("select relkind::text from pg_class where oid = %s::regclass",
                               (f"{schema}.{model}",)).fetchone()[0]
        assert kind == ("p" if model == "fct_umpan_balik" else "r"), model
    months = {row[0] for row in monthly.execute("select distinct bulan from marts.mart_umpan_balik_rhk").fetchall()}
    assert months == set(MONTHS)
    periods = {row[0] for row in monthly.execute("select distinct periode from marts.mart_umpan_balik_rating").fetchall()}
    assert "2026-Q3" in periods and set(MONTHS) <= periods, periods
    assert monthly.execute("select count(distinct bulan) from marts.mart_laporan_kinerja_pegawai").fetchone()[0] == 3
    assert monthly.execute("select count(distinct periode) from intermediate.sel_berakhlak").fetchone()[0] >= 3


def test_a_months_build_rewrites_only_its_periods(monthly):
    """Building October again rewrites October's rows (and 2026's raters) and leaves August's and
    September's as they were: same row versions (xmin), not rows deleted and inserted again."""
    from etl import transform

    def versions(model, schema, column):
        return dict(monthly.execute(
            f"select {column}, md5(string_agg(xmin::text, ',' order by xmin::text)) from {schema}.{model} group by 1"
        ).fetchall())

    keyed = {"mart_umpan_balik_rhk": ("marts", "bulan"), "mart_umpan_balik_rating": ("marts", "periode"),
             "mart_laporan_kinerja_pegawai": ("marts", "bulan"), "sel_umpan_balik": ("intermediate", "bulan"),
             "mart_berakhlak_unit": ("marts", "periode")}
    before = {model: versions(model, *where) for model, where in keyed.items()}
    transform.dbt("run", "--select", *MODELS, period="2026-10")
    for model, where in keyed.items():
        after = versions(model, *where)
        assert after.keys() == before[model].keys(), model
        for period, stamp in after.items():
            if period == "2026-10":
                assert stamp != before[model][period], (model, period)
            else:
                assert stamp == before[model][period], (model, period)


def _indexes(conn, schema: str, table: str) -> list[str]:
    """A table's index definitions without their names (dbt names an index with a hash of the time it was made)."""
    return sorted(row[0] for row in conn.execute(
        r"select regexp_replace(indexdef, '^CREATE INDEX \S+ ', '') from pg_indexes where schemaname = %s and tablename = %s",
        (schema, table)).fetchall())


def test_an_incremental_models_indexes_are_made_once_and_again_where_missing(monthly):
    """dbt makes an incremental model's indexes only with its table; the project's post-hook
    (macros/statistik.sql) makes those the table lacks at every run, found by their columns, so an index
    added to a model's config reaches a warehouse built before it, and three months' runs leave one of each."""
    from etl import transform

    expected = ["ON intermediate.int_pegawai__periode USING btree (periode)",
                "ON intermediate.int_pegawai__periode USING btree (periode_pengiriman)"]
    assert _indexes(monthly, "intermediate", "int_pegawai__periode") == expected
    for model, schema in MODELS.items():
        found = _indexes(monthly, schema, model)
        assert len(found) == len(set(found)), (model, found)
    name = monthly.execute("select indexname from pg_indexes where schemaname = 'intermediate' and "
                           "tablename = 'int_pegawai__periode' and indexdef like '%%(periode)'").fetchone()[0]
    monthly.execute(f'drop index intermediate."{name}"')  # a warehouse built before the index was configured
    transform.dbt("run", "--select", "int_pegawai__periode", period="2026-10")
    assert _indexes(monthly, "intermediate", "int_pegawai__periode") == expected


def test_the_incremental_tables_hold_what_a_full_rebuild_makes(monthly):
    """Every model, as the months' incremental builds left it, against the same model rebuilt whole
    (--full-refresh, every period) from the same warehouse: the same rows."""
    from etl import transform

    incremental = _fingerprints(monthly)
    assert all(rows > 0 for rows, _ in incremental.values()), incremental
    transform.dbt("run", "--full-refresh", "--select", *MODELS)
    rebuilt = _fingerprints(monthly)
    assert {m: f for m, f in incremental.items() if f != rebuilt[m]} == {}, rebuilt


def test_the_reward_candidates_month_recomputes_whom_it_can_change(monthly):
    """mart_kandidat_penghargaan's month (macro kandidat_disentuh) against the mart rebuilt whole, after
    October's Sangat Baik of someone whose run ends in October is delivered again as a Baik (his run,
    which no Sangat Baik of the month names any more, must shorten: found by the run covering October)
    and someone whose runs ended earlier has a new name in the latest roster (found by the name). Run
    last: it changes raw."""
    from etl import transform

    mart = "marts.mart_kandidat_penghargaan"
    kode, nip = monthly.execute(
        f"select instansi_kode, nip from {mart} where periode_akhir = '2026-10' and jenis_periode = 'BULANAN' "
        "and regime = 'PERMEN6_2022' order by 1, 2 limit 1").fetchone()
    baik = monthly.execute(
        "select rating_hasil_kerja, rating_perilaku_kerja from marts.fct_evaluasi_kinerja "
        "where regime = 'PERMEN6_2022' and predikat_final = 'BAIK' limit 1").fetchone()
    changed = monthly.execute(
        "update raw.evaluasi_periodik set rating_hasil_kerja = %s, rating_perilaku_kerja = %s, predikat = 'BAIK' "
        "where _instansi_kode = %s and nip = %s and _periode = '2026-10'", (*baik, kode, nip)).rowcount
    assert changed >= 1
    renamed = monthly.execute(
        f"select instansi_kode, nip from {mart} where periode_akhir < '2026-10' and jenis_periode = 'BULANAN' "
        f"and (instansi_kode, nip) not in (select instansi_kode, nip from {mart} where periode_akhir >= '2026-10') "
        "order by 1, 2 limit 1").fetchone()
    assert renamed, "the demo world has no run that ended before October"
    monthly.execute("update raw.pegawai set nama = 'Nama Baru Uji' where _instansi_kode = %s and nip = %s "
                    "and _periode = '2026-10'", renamed)
    transform.dbt("run", "--select", "+mart_kandidat_penghargaan", period="2026-10")

    def rows() -> list[tuple]:
        return monthly.execute(f"select * from {mart} order by instansi_kode, nip, jenis_periode, periode_awal").fetchall()

    incremental = rows()
    assert not any(r[0] == kode and r[1] == nip and r[8] == "2026-10" for r in incremental), "his run still ends in October"
    assert any(r[0] == renamed[0] and r[1] == renamed[1] and r[2] == "Nama Baru Uji" for r in incremental)
    transform.dbt("run", "--full-refresh", "--select", "mart_kandidat_penghargaan")
    assert rows() == incremental
