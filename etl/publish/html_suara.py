"""The report's section on SKP quality and citizens' voice beside the ratings (issue 20, items 3-4).

Chooses and orders the rows of the public tables mutu_skp and suara_warga for the report
(etl/publish/html.py); the words are in the template etl/pages/templates/suara.html.j2. The section
shows only where the package holds either table, so a package without them renders as before.

  mutu_skp     per instansi, the month's RHK lines and the share that can be measured, and its
               units that copy one indicator to most staff or report realisation equal to target
  suara_warga  the latest quarter the package holds: per instansi its row (service units, those whose
               own rating and citizens' view disagree) and per service unit its IKM and mutu,
               complaints per 1,000 requests, completion within standard, predikat organisasi, and
               whether it disagrees
"""

from __future__ import annotations

from itertools import groupby


def mutu_skp(ctx, rows: list[dict]) -> list[dict] | None:
    """The month's row of each instansi, by instansi code; None when there is none."""
    rows = [dict(r, nama=ctx.instansi(r["instansi_kode"]))
            for r in sorted((r for r in rows if r["periode"] == ctx.period), key=lambda r: r["instansi_kode"])]
    return rows or None


def suara_warga(ctx, rows: list[dict]) -> dict | None:
    """The latest quarter ended by the month: (instansi name, its total row, its units) per instansi."""
    rows = [r for r in rows if r["bulan_laporan"] <= ctx.period]
    if not rows:
        return None
    latest = max(r["bulan_laporan"] for r in rows)
    shown = sorted((r for r in rows if r["bulan_laporan"] == latest),
                   key=lambda r: (r["instansi_kode"], r["unit_layanan_kode"] != "*", r["unit_layanan_kode"]))
    groups = []
    for kode, items in groupby(shown, key=lambda r: r["instansi_kode"]):
        items = list(items)
        total = next((r for r in items if r["unit_layanan_kode"] == "*"), None)
        units = [dict(r, nama=r["unit_layanan_nama"] or r["unit_layanan_kode"]) for r in items
                 if r["unit_layanan_kode"] != "*"]
        groups.append({"nama": ctx.instansi(kode), "total": total, "units": units})
    return {"triwulan": shown[0]["triwulan"], "groups": groups,
            "tidak_selaras": sum(bool(r.get("is_tidak_selaras")) for r in shown if r["unit_layanan_kode"] != "*")}
