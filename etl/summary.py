"""The run's summary: what the warehouse holds for a period (read from audit, marts, publik).

`kinerja run` and `kinerja summary` print it (etl.cli.show_summary); the validation report, a page
of its own, is etl.validate.report."""

from __future__ import annotations

from etl import warehouse
from etl.config import open_data_dir


def _exists(conn, relation: str) -> bool:
    return conn.execute("select to_regclass(%s) is not null", (relation,)).fetchone()[0]


def period_summary(period: str) -> dict:
    facts: dict = {"batches": [], "quarantine": [], "marts": [], "published": []}
    with warehouse.connect() as conn:
        if not _exists(conn, "audit.batch"):
            return facts
        rows = conn.execute(
            """
            select instansi_kode, entity, status, rows_received, rows_loaded, rows_quarantined, message,
                   status = 'loaded' and rows_received = rows_loaded + rows_quarantined
            from audit.batch
            where periode = %s and (is_current or status <> 'loaded')
              and (status <> 'rejected' or not exists (
                   select 1 from audit.batch later where later.instansi_kode = batch.instansi_kode
                   and later.entity = batch.entity and later.periode = batch.periode and later.is_current
                   and later.loaded_at > coalesce(batch.validated_at, batch.extracted_at)))
            order by 1, 2
            """,
            (period,),
        ).fetchall()
        facts["batches"] = [
            dict(zip(("agency", "entity", "status", "received", "loaded", "quarantined", "message", "balanced"), r))
            for r in rows
        ]
        facts["quarantine"] = [
            dict(zip(("agency", "entity", "rule", "rows"), r))
            for r in conn.execute(
                """
                select b.instansi_kode, b.entity, reason, count(*)
                from audit.quarantine q
                join audit.batch b using (batch_id)
                cross join lateral jsonb_array_elements_text(q.reasons) as reason
                where b.periode = %s and b.is_current
                group by 1, 2, 3 order by 1, 2, 4 desc, 3
                """,
                (period,),
            ).fetchall()
        ]
        if _exists(conn, "marts.fct_evaluasi_kinerja"):
            n, mismatched = conn.execute(
                """select count(*), count(*) filter (where is_predikat_tidak_sesuai)
                   from marts.fct_evaluasi_kinerja where periode = %s""",
                (period,),
            ).fetchone()
            facts["marts"].append(
                f"marts.fct_evaluasi_kinerja: {n} evaluations for {period}, "
                f"{mismatched} with a reported predikat that disagrees with the PermenPANRB 6/2022 matrix"
            )
    folder = open_data_dir() / period
    if folder.exists():
        facts["published"] = [str(p) for p in sorted(folder.iterdir()) if not p.name.startswith(".")]
    return facts


def year_summary(year: str) -> list[str]:
    """What the annual marts hold for a year (kinerja run --year): evaluations, the curve, findings, angka kredit."""
    lines: list[str] = []
    with warehouse.connect() as conn:
        if not _exists(conn, "marts.fct_evaluasi_tahunan"):
            return lines
        n, people, mismatched = conn.execute(
            """select count(*), count(*) filter (where is_penentu), count(*) filter (where not is_predikat_sesuai)
               from marts.fct_evaluasi_tahunan where tahun = %s""", (year,)).fetchone()
        lines.append(f"marts.fct_evaluasi_tahunan: {n} annual evaluations of {people} employees for {year}, "
                     f"{mismatched} with a reported predikat other than the regulation's")
        if _exists(conn, "marts.mart_kurva_distribusi_tahunan"):
            units, broken = conn.execute(
                """select count(*), count(*) filter (where is_melanggar_kurva)
                   from marts.mart_kurva_distribusi_tahunan where periode = %s""", (year,)).fetchone()
            lines.append(f"marts.mart_kurva_distribusi_tahunan: {units} units judged, {broken} outside the curve")
        if _exists(conn, "marts.mart_tahunan_periodik"):
            (findings,) = conn.execute("select count(*) filter (where is_temuan) from marts.mart_tahunan_periodik "
                                       "where tahun = %s", (year,)).fetchone()
            lines.append(f"marts.mart_tahunan_periodik: {findings} annual predikat far above the year's periodic ones")
        if _exists(conn, "marts.mart_angka_kredit"):
            employees, total = conn.execute("select count(distinct nip), coalesce(sum(angka_kredit), 0) "
                                            "from marts.mart_angka_kredit where tahun = %s", (year,)).fetchone()
            lines.append(f"marts.mart_angka_kredit: {employees} functional employees, {total} angka kredit in all")
    return lines
