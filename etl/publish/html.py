"""The open-data package's report: `index.html`, one static page in Indonesian beside the files, and
its page for complaints and service times, `pengaduan.html`.

`render_report(period, tables, meta)` turns the public tables of a month into a page a citizen can
read on a phone:

  distribusi   per instansi, the shares of the predikat kinerja (PermenPANRB 6/2022, or the PP 30/2019
               bands where an instansi still rates by them: never mixed in one bar)
  ikm          the Indeks Kepuasan Masyarakat of each service unit in the latest quarter ended by the
               month, coloured by its mutu (PermenPANRB 14/2017), and the year to date: every quarter's
               IKM of the year so far, per unit
  kepatuhan    per unit kerja, or per instansi when the units are many: with an SKP, evaluated, on time
  tren         month by month, the share of employees rated Baik or better, one line per instansi
  iku          the organisation's key indicators (IKU) of the latest quarter ended by the month: per unit
               kerja the share of its indicators achieved (chart), and each indicator's achievement
  pelatihan    per instansi, the share of employees trained this year and the share that met the
               year's minimum of training hours (jam pelajaran)
  pengaduan    per instansi, the share of complaints resolved within the units' standard (chart), and
               the link to the page of its own (render_pengaduan, `pengaduan.html`): complaints per
               service unit by channel with response and resolution times, and per service and unit
               the completion times against the service standard beside the unit's IKM
  mutu, suara  SKP quality per instansi and citizens' voice beside the units' own ratings (issue 20;
               etl/publish/html_suara.py, templates/suara.html.j2), only where the package holds them
  berkas       the files of the package, with their rows and SHA-256

This module chooses and orders the rows of each section and names them; the pages are drawn by the
templates of etl/pages (templates/index.html.j2 and pengaduan.html.j2, on the layout and stylesheet
all pages share), and every word of them, Indonesian, is written there. Each chart is inline SVG
(its geometry from etl/pages/charts.py), with a plain table of the same numbers under it. The page
loads nothing (no script, font or style sheet; its Content-Security-Policy forbids them), so it
works opened from disk, offline. It shows aggregates only: cells that small-cell suppression
withheld stay withheld ("—"), and no chart shows more than the published numbers imply. Every text
value is escaped by the templates, so an agency's `<script>` stays text.

The page is a pure function of its arguments: no clock, no random ids, rows in a fixed order and
numbers in a fixed format (Indonesian: 82,53 and 45,1 %), so the same tables render the same bytes.
The month's tables are read for the month and, in a quarter's last month, for its quarter (the
evaluations of instansi that evaluate quarterly); the trend runs over the months up to the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import pandas as pd

from etl import pages
from etl.config import check_period, quarter_of
from etl.pages import angka, charts, jumlah, persen  # noqa: F401  (the report's number formats)
from etl.publish import html_suara

PENGADUAN_PAGE = "pengaduan.html"
DEFAULT_MIN_CELL_SIZE = 5
KEPATUHAN_UNITS_CHARTED = 12  # up to this many units the chart shows each unit, beyond it each instansi

# the words and colours of the codes, as templates/labels.j2 gives them (the pages' own source)
_labels = pages.labels()
DEFAULT_TITLE = _labels.judul_laporan
NO_DATA = _labels.tidak_ada_data
WITHHELD = _labels.disembunyikan
PREDIKAT = {code: (p["label"], p["warna"], p["tinta"]) for code, p in _labels.predikat.items()}  # best first
REGIME = dict(_labels.regime)  # a predikat basis other than PermenPANRB 6/2022, named beside the instansi
MUTU = {code: (m["warna"], m["kinerja"]) for code, m in _labels.mutu.items()}
KEPATUHAN = {measure: (k["label"], k["warna"]) for measure, k in _labels.kepatuhan.items()}
PELATIHAN = {measure: (k["label"], k["warna"]) for measure, k in _labels.pelatihan.items()}
LINE_COLOURS = tuple(_labels.warna_garis)
JENIS_PERIODE = tuple(_labels.jenis_periode)  # most detailed first


def _present(value):
    """The value, or None for every way a frame says 'missing' (None, NaN, pd.NA, NaT)."""
    return None if value is None or pd.isna(value) else value


def _records(tables: dict[str, pd.DataFrame], name: str) -> list[dict]:
    frame = tables.get(name)
    if frame is None or frame.empty:
        return []
    return [{column: _present(value) for column, value in row.items()} for row in frame.to_dict("records")]


def _periods(period: str) -> tuple[str, ...]:
    """The periods a month's report shows: the month, and its quarter in the quarter's last month."""
    return (period, quarter_of(period)) if int(period[5:7]) % 3 == 0 else (period,)


def _months(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both YYYY-MM."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year}-{month:02d}" <= last:
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass(frozen=True)
class Context:
    period: str
    periods: tuple[str, ...]
    names: dict
    min_cell_size: int

    def instansi(self, kode) -> str:
        return str(self.names.get(kode) or kode)

    def label(self, kode, periode=None, regime=None) -> str:
        """The instansi's name, with the period when it is not the report's month (a quarter) and
        the predikat basis when it is not PermenPANRB 6/2022."""
        return (self.instansi(kode) + ("" if periode in (None, self.period) else f" · {periode}")
                + (f" · {REGIME[regime]}" if regime in REGIME else ""))


def _context(period: str, meta: dict) -> Context:
    return Context(period, _periods(period), dict(meta.get("instansi_nama") or {}),
                   int(meta.get("min_cell_size") or DEFAULT_MIN_CELL_SIZE))


def _page_values(ctx: Context, meta: dict) -> dict:
    """What the published pages' layout shows: the period, and the license and source."""
    return {"period": ctx.period, "periods": ctx.periods, "year": ctx.period[:4], "month": int(ctx.period[5:7]),
            "min_cell_size": ctx.min_cell_size, "license": meta["license"], "organisation": meta["organisation"],
            "title": meta.get("title") or DEFAULT_TITLE}


# --------------------------------------------------------------------------- distribusi predikat

def _bar_key(r: dict) -> tuple:
    """What one bar (one table row) of the distribution stands for: instansi, period, predikat basis."""
    return r["instansi_kode"], r["periode"], r.get("regime")


def _present_predikat(rows: list[dict]) -> list[str]:
    return [code for code in PREDIKAT if any(r["predikat"] == code for r in rows)]


def _distribusi(ctx: Context, rows: list[dict], unit_rows: list[dict]) -> dict:
    rank = list(PREDIKAT).index
    rows = sorted((r for r in rows if r["periode"] in ctx.periods),
                  key=lambda r: (r["instansi_kode"], r["periode"], r.get("regime") or "", rank(r["predikat"])))
    unit_rows = sorted((r for r in unit_rows if r["periode"] in ctx.periods),
                       key=lambda r: (r["instansi_kode"], r["periode"], r.get("regime") or "", r["unit_kode"],
                                      rank(r["predikat"])))
    bars = [(key, list(cells)) for key, cells in groupby(rows, key=_bar_key)]
    unit_groups = [(ctx.label(*key), [{"nama": first["unit_nama"] or first["unit_kode"],
                                       "cells": {c["predikat"]: c for c in [first, *rest]}}
                                      for _, (first, *rest) in groupby(units, key=lambda r: r["unit_kode"])])
                   for key, units in groupby(unit_rows, key=_bar_key)]
    return {
        "chart": charts.stacked_bars([(ctx.label(*key), cells) for key, cells in bars], "persen_pegawai")
        if rows else None,
        "codes": _present_predikat(rows),
        "pp30": any(r.get("regime") in REGIME for r in rows),
        "rows": [{"nama": ctx.label(kode, regime=regime), "periode": periode,
                  "cells": {c["predikat"]: c for c in cells}} for (kode, periode, regime), cells in bars],
        "unit_codes": _present_predikat(unit_rows),
        "unit_groups": unit_groups,
        "units": len({(r["instansi_kode"], r["unit_kode"]) for r in unit_rows}),
    }


# --------------------------------------------------------------------------- ikm

def _jenis_rank(jenis) -> int:
    return JENIS_PERIODE.index(jenis) if jenis in JENIS_PERIODE else len(JENIS_PERIODE)


def _ikm_period(rows: list[dict]) -> tuple[str, str] | None:
    """(jenis_periode, periode) to chart: the most detailed kind present, its latest period."""
    for jenis in JENIS_PERIODE:
        periodes = sorted({r["periode"] for r in rows if r["jenis_periode"] == jenis})
        if periodes:
            return jenis, periodes[-1]
    return None


def _ikm(ctx: Context, rows: list[dict]) -> dict | None:
    chosen = _ikm_period(rows)
    if chosen is None:
        return None
    shown = sorted((r for r in rows if (r["jenis_periode"], r["periode"]) == chosen),
                   key=lambda r: (r["instansi_kode"], r["unit_layanan_kode"]))
    groups = [(ctx.instansi(kode), list(units)) for kode, units in groupby(shown, key=lambda r: r["instansi_kode"])]
    others = sorted({(r["jenis_periode"], r["periode"]) for r in rows} - {chosen},
                    key=lambda p: (_jenis_rank(p[0]), p[1]))
    return {"chart": charts.bar_rows(groups, "ikm", headings=True), "jenis": chosen[0], "periode": chosen[1],
            "others": others, "tahun": _ikm_tahun(ctx, rows, chosen[0])}


def _ikm_tahun(ctx: Context, rows: list[dict], jenis: str) -> dict | None:
    """The year to date: per service unit (under its instansi) its IKM in each period of the charted
    kind in the report's year; None when the year has only the one period charted."""
    year = [r for r in rows if r["jenis_periode"] == jenis and str(r["periode"]).startswith(ctx.period[:4])]
    periodes = sorted({r["periode"] for r in year})
    if len(periodes) < 2:
        return None
    cells: dict = {}
    for r in year:
        cells.setdefault((r["instansi_kode"], r["unit_layanan_kode"]), {"nama": r["unit_layanan_nama"] or
                                                                          r["unit_layanan_kode"], "cells": {}})
        cells[(r["instansi_kode"], r["unit_layanan_kode"])]["cells"][r["periode"]] = r
    groups = [(ctx.instansi(kode), [unit for _, unit in units])
              for kode, units in groupby(sorted(cells.items(), key=lambda item: item[0]), key=lambda item: item[0][0])]
    return {"jenis": jenis, "periodes": periodes, "groups": groups}


# --------------------------------------------------------------------------- kepatuhan

def _kepatuhan(ctx: Context, instansi_rows: list[dict], unit_rows: list[dict]) -> dict | None:
    """Charted per unit when the units are few (or no instansi table is given), else per instansi;
    the table of what is not charted follows, folded."""
    instansi_rows = [dict(r, nama=ctx.label(r["instansi_kode"], r["periode"]), instansi=ctx.instansi(r["instansi_kode"]))
                     for r in sorted((r for r in instansi_rows if r["periode"] in ctx.periods),
                                     key=lambda r: (r["instansi_kode"], r["periode"]))]
    unit_rows = sorted((r for r in unit_rows if r["periode"] in ctx.periods),
                       key=lambda r: (r["instansi_kode"], r["periode"], r["unit_kode"]))
    if not instansi_rows and not unit_rows:
        return None
    unit_groups = [(ctx.label(kode, periode), [dict(r, nama=r["unit_nama"] or r["unit_kode"]) for r in units])
                   for (kode, periode), units in groupby(unit_rows, key=lambda r: (r["instansi_kode"], r["periode"]))]
    per_unit = bool(unit_rows) and (len(unit_rows) <= KEPATUHAN_UNITS_CHARTED or not instansi_rows)
    charted = unit_groups if per_unit else [(r["nama"], [r]) for r in instansi_rows]
    return {"per_unit": per_unit, "chart": charts.measured_bars(charted, list(KEPATUHAN), headings=per_unit),
            "instansi": instansi_rows, "unit_groups": unit_groups, "units": len(unit_rows)}


# --------------------------------------------------------------------------- tren bulanan

def _tren(ctx: Context, rows: list[dict]) -> dict | None:
    rows = sorted((r for r in rows if r["bulan"] <= ctx.period), key=lambda r: (r["instansi_kode"], r["bulan"]))
    if not rows:
        return None
    months = _months(min(r["bulan"] for r in rows), ctx.period)
    by_instansi = [(ctx.instansi(kode), {r["bulan"]: r for r in series})
                   for kode, series in groupby(rows, key=lambda r: r["instansi_kode"])]
    missing = {"persen_baik_ke_atas": None, "is_disembunyikan": False}
    table = [{"nama": name, "cells": [(r["persen_baik_ke_atas"], bool(r["is_disembunyikan"]) and r["persen_baik_ke_atas"] is None)
                                      for r in (by_month.get(m, missing) for m in months)]}
             for name, by_month in by_instansi]
    chart = charts.lines(months, [(name, {m: r["persen_baik_ke_atas"] for m, r in by_month.items()})
                                  for name, by_month in by_instansi])
    return {"chart": chart, "months": months, "rows": table}


# --------------------------------------------------------------------------- iku

def _iku(ctx: Context, rows: list[dict]) -> dict | None:
    """The latest quarter (or other period) of the year that the package holds: per unit kerja (under
    its instansi) the share of its indicators whose status is achieved, and the indicators."""
    if not rows:
        return None
    latest = max(r["bulan_laporan"] for r in rows)
    shown = sorted((r for r in rows if r["bulan_laporan"] == latest),
                   key=lambda r: (r["instansi_kode"], r["unit_kode"], r["iku_kode"]))
    periode = shown[0]["periode"]
    groups, tables = [], []
    for kode, in_instansi in groupby(shown, key=lambda r: r["instansi_kode"]):
        units = []
        for _, items in groupby(in_instansi, key=lambda r: r["unit_kode"]):
            items = list(items)
            judged = [r for r in items if r["status_capaian"] is not None]
            achieved = sum(r["status_capaian"] == "TERCAPAI" for r in judged)
            units.append({"nama": items[0]["unit_nama"] or items[0]["unit_kode"], "indikator": items,
                          "jumlah_iku": len(judged), "jumlah_tercapai": achieved,
                          "persen_tercapai": round(100 * achieved / len(judged), 1) if judged else None})
        groups.append((ctx.instansi(kode), units))
        tables.append((ctx.instansi(kode), units))
    return {"chart": charts.bar_rows(groups, "persen_tercapai", headings=True), "periode": periode,
            "bulan_laporan": latest, "groups": tables}


# --------------------------------------------------------------------------- pelatihan

def _pelatihan(ctx: Context, rows: list[dict]) -> dict | None:
    """Per instansi, the year to date as of the month: trained, and meeting the hours' minimum."""
    rows = [dict(r, nama=ctx.instansi(r["instansi_kode"]))
            for r in sorted((r for r in rows if r["bulan_laporan"] == ctx.period), key=lambda r: r["instansi_kode"])]
    if not rows:
        return None
    return {"chart": charts.measured_bars([(None, rows)], list(PELATIHAN), headings=False), "rows": rows}


# --------------------------------------------------------------------------- umpan balik, BerAKHLAK, laporan kinerja

def _pembinaan(ctx: Context, feedback: list[dict], reports: list[dict], values: list[dict]) -> dict | None:
    """Issue 20: per instansi, the month's feedback coverage and performance reports filed on time, and the
    BerAKHLAK values of the evaluation periods ending in the month; None when the month has none of them."""
    def named(rows, key):
        return [dict(r, nama=ctx.instansi(r["instansi_kode"])) for r in sorted(rows, key=key)]

    feedback = named((r for r in feedback if r["bulan_laporan"] == ctx.period), lambda r: r["instansi_kode"])
    reports = named((r for r in reports if r["bulan_laporan"] == ctx.period), lambda r: r["instansi_kode"])
    values = named((r for r in values if r["bulan_laporan"] == ctx.period),
                   lambda r: (r["instansi_kode"], r["periode"], r["urutan"]))
    if not (feedback or reports or values):
        return None
    return {"umpan_balik": feedback, "laporan": reports, "berakhlak": values}


# --------------------------------------------------------------------------- pengaduan, waktu layanan

def _pengaduan_chart(ctx: Context, totals: list[dict]) -> charts.BarRows:
    """Per instansi (its row for all service units), the share of complaints resolved within the standard."""
    return charts.bar_rows([(None, [dict(r, nama=ctx.instansi(r["instansi_kode"])) for r in totals])],
                           "persen_selesai_tepat_waktu", headings=False)


def _by_instansi(ctx: Context, rows: list[dict]) -> list[tuple[str, list[dict]]]:
    return [(ctx.instansi(kode), list(items)) for kode, items in groupby(rows, key=lambda r: r["instansi_kode"])]


# --------------------------------------------------------------------------- the pages

def render_pengaduan(period: str, tables: dict[str, pd.DataFrame], meta: dict) -> str:
    """The package's page for complaints and service times, `pengaduan.html`, from the public tables
    pengaduan_unit and waktu_layanan (either may be missing or empty), with the same `meta` as the
    report; linked from the report and back."""
    ctx = _context(check_period(period), meta)
    complaints = sorted((r for r in _records(tables, "pengaduan_unit") if r["periode"] == ctx.period),
                        key=lambda r: (r["instansi_kode"], r["unit_layanan_kode"] != "*", r["unit_layanan_kode"]))
    services = sorted((r for r in _records(tables, "waktu_layanan") if r["bulan"] == ctx.period),
                      key=lambda r: (r["instansi_kode"], r["unit_layanan_kode"], r["jenis_layanan"]))
    return pages.render("pengaduan.html.j2", **_page_values(ctx, meta),
                        chart=_pengaduan_chart(ctx, [r for r in complaints if r["unit_layanan_kode"] == "*"]),
                        complaints=_by_instansi(ctx, complaints), services=_by_instansi(ctx, services))


def render_report(period: str, tables: dict[str, pd.DataFrame], meta: dict) -> str:
    """The package's index.html for `period` (YYYY-MM) from its public tables (distribusi_predikat,
    distribusi_predikat_unit, kepatuhan, kepatuhan_unit, ikm_unit_layanan, tren_bulanan, capaian_iku,
    pelatihan, umpan_balik, laporan_kinerja, berakhlak, pengaduan_unit, mutu_skp, suara_warga; any may be
    missing or empty; other columns are ignored) and `meta` (title, organisation, license,
    min_cell_size, files, instansi_nama, revisi: the package's revision notes, a line each)."""
    ctx = _context(check_period(period), meta)
    totals = sorted((r for r in _records(tables, "pengaduan_unit")
                     if r["periode"] == ctx.period and r["unit_layanan_kode"] == "*"), key=lambda r: r["instansi_kode"])
    return pages.render(
        "index.html.j2", **_page_values(ctx, meta),
        distribusi=_distribusi(ctx, _records(tables, "distribusi_predikat"), _records(tables, "distribusi_predikat_unit")),
        ikm=_ikm(ctx, _records(tables, "ikm_unit_layanan")),
        kepatuhan=_kepatuhan(ctx, _records(tables, "kepatuhan"), _records(tables, "kepatuhan_unit")),
        tren=_tren(ctx, _records(tables, "tren_bulanan")),
        iku=_iku(ctx, _records(tables, "capaian_iku")),
        pelatihan=_pelatihan(ctx, _records(tables, "pelatihan")),
        pembinaan=_pembinaan(ctx, _records(tables, "umpan_balik"), _records(tables, "laporan_kinerja"),
                             _records(tables, "berakhlak")),
        pengaduan=_pengaduan_chart(ctx, totals) if totals else None,
        mutu_skp=html_suara.mutu_skp(ctx, _records(tables, "mutu_skp")),
        suara=html_suara.suara_warga(ctx, _records(tables, "suara_warga")),
        files=sorted(meta.get("files") or [], key=lambda f: str(f["name"])),
        revisi=list(meta.get("revisi") or []))
