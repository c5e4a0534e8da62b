"""The open-data package's report: `index.html`, one static page in Indonesian beside the files.

`render_report(period, tables, meta)` turns the public tables of a month into a page a citizen can
read on a phone:

  distribusi   per instansi, the shares of the predikat kinerja (PermenPANRB 6/2022, or the PP 30/2019
               bands where an instansi still rates by them: never mixed in one bar)
  ikm          the Indeks Kepuasan Masyarakat of each service unit, coloured by its mutu (PermenPANRB 14/2017)
  kepatuhan    per unit kerja, or per instansi when the units are many: with an SKP, evaluated, on time
  tren         month by month, the share of employees rated Baik or better, one line per instansi
  pengaduan    per instansi, the share of complaints resolved within the units' standard (chart), and
               the link to the page of its own (render_pengaduan, `pengaduan.html`): complaints per
               service unit by channel with response and resolution times, and per service and unit
               the completion times against the service standard beside the unit's IKM
  berkas       the files of the package, with their rows and SHA-256

Each chart is inline SVG drawn here, with a plain table of the same numbers under it. The page loads
nothing (no script, font or style sheet; its Content-Security-Policy forbids them), so it works
opened from disk, offline. It shows aggregates only: cells that small-cell suppression withheld stay
withheld ("—"), and no chart shows more than the published numbers imply. Every text value is
HTML-escaped, so an agency's `<script>` stays text.

The page is a pure function of its arguments: no clock, no random ids, rows in a fixed order and
numbers in a fixed format (Indonesian: 82,53 and 45,1 %), so the same tables render the same bytes.
The month's tables are read for the month and, in a quarter's last month, for its quarter (the
evaluations of instansi that evaluate quarterly); the trend runs over the months up to the period.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import quote

import pandas as pd

from etl.config import check_period, quarter_of

DEFAULT_TITLE = "Laporan Data Terbuka Kinerja ASN dan Indeks Kepuasan Masyarakat"
DEFAULT_MIN_CELL_SIZE = 5
NO_DATA = "Tidak ada data untuk periode ini."
DASH = "—"
WITHHELD = "Data disembunyikan (sel kecil)"

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")

# predikat kinerja, best first: code -> (label, bar colour, colour of a label written on the bar). The
# published tables hold these codes only (a dbt test accepts no others); CUKUP is a PP 30/2019 band.
PREDIKAT = {
    "SANGAT_BAIK": ("Sangat Baik", "#1b7837", "#ffffff"),
    "BAIK": ("Baik", "#7fbf7b", "#1d232a"),
    "CUKUP": ("Cukup", "#d9e68a", "#1d232a"),
    "BUTUH_PERBAIKAN": ("Butuh Perbaikan", "#f4c542", "#1d232a"),
    "KURANG": ("Kurang", "#ef8a62", "#1d232a"),
    "SANGAT_KURANG": ("Sangat Kurang", "#b2182b", "#ffffff"),
}
REGIME = {"PP30_2019": "PP 30/2019"}  # a predikat basis other than PermenPANRB 6/2022 is named beside the instansi
NO_MUTU_COLOUR = "#8c96a0"  # an IKM without a mutu band
# mutu pelayanan (PermenPANRB 14/2017) -> (bar colour, kinerja unit pelayanan)
MUTU = {
    "A": ("#1e8e3e", "Sangat Baik"),
    "B": ("#1a66c2", "Baik"),
    "C": ("#e8a202", "Kurang Baik"),
    "D": ("#c62828", "Tidak Baik"),
}
# kepatuhan measure -> (label, bar colour)
KEPATUHAN = {
    "persen_punya_skp": ("Punya SKP", "#264653"),
    "persen_dievaluasi": ("Dievaluasi", "#2a9d8f"),
    "persen_tepat_waktu": ("Dievaluasi tepat waktu", "#e76f51"),
}
KEPATUHAN_UNITS_CHARTED = 12  # up to this many units the chart shows each unit, beyond it each instansi
LINE_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#9c755f", "#edc948",
                "#ff9da7", "#bab0ac")
JENIS_PERIODE = {"TRIWULANAN": "triwulan", "SEMESTERAN": "semester", "TAHUNAN": "tahun"}  # most detailed first

WIDTH = 400  # of every chart's viewBox: on a phone one unit is about one CSS pixel
LABEL_CHARS = 58  # a label longer than this is cut (the mark's tooltip and the table have it whole)

CSS = """
:root{--fg:#1d232a;--muted:#5b6570;--line:#d8dde3;--head:#f3f5f7;--accent:#1a66c2}
*{box-sizing:border-box}
body{margin:0 auto;max-width:60rem;padding:1rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--fg);background:#fff}
h1{font-size:1.45rem;line-height:1.25;margin:.2rem 0 .5rem}
h2{font-size:1.2rem;line-height:1.3;margin:2rem 0 .5rem;padding-top:.7rem;border-top:2px solid var(--line)}
h3{font-size:1rem;margin:1rem 0 .3rem}
p{margin:.4rem 0}.muted{color:var(--muted)}a{color:var(--accent)}
.periode-laporan{font-size:1.05rem}
.legenda-dash{background:var(--head);border-left:4px solid var(--muted);padding:.4rem .7rem}
nav ul{display:flex;flex-wrap:wrap;gap:.3rem .9rem;list-style:none;padding:0;margin:.6rem 0}
figure{margin:.6rem 0}
svg.chart{display:block;width:100%;height:auto;max-width:36rem}
svg.chart text{font-family:inherit;fill:var(--fg)}
svg.chart .lbl{font-size:13px}svg.chart .kelompok{font-size:14px;font-weight:700}
svg.chart .nilai{font-size:12px;font-variant-numeric:tabular-nums}
svg.chart .sumbu{font-size:12px;fill:var(--muted)}svg.chart .grid{stroke:var(--line);stroke-width:1}
svg.chart .line{fill:none;stroke-width:2.5;stroke-linejoin:round;stroke-linecap:round}
figcaption{font-size:.88rem;color:var(--muted);margin-top:.4rem}
ul.legenda{display:flex;flex-wrap:wrap;gap:.2rem .9rem;list-style:none;padding:0;margin:.4rem 0;font-size:.88rem}
.swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;margin-right:.35em;vertical-align:-.1em}
.swatch.garis{height:.25em;width:1.4em;vertical-align:.2em}
.arsir{background:repeating-linear-gradient(45deg,#8c96a0 0 2px,#dde1e5 2px 5px)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.4rem 0 .8rem}
table{border-collapse:collapse;font-size:.85rem;min-width:100%}
th,td{border-bottom:1px solid var(--line);padding:.28rem .45rem;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th.c{text-align:center}
td.nama::before{content:"";display:block;width:9.5rem}td.periode,th{white-space:nowrap}
tr.kelompok th{background:#fff;padding-top:.6rem;font-size:.95rem;text-align:left;white-space:normal}
details{margin:.6rem 0}summary{cursor:pointer;color:var(--accent)}
ul.berkas{list-style:none;padding:0;margin:.4rem 0}
ul.berkas li{border-bottom:1px solid var(--line);padding:.45rem 0}
code{font:.8em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
footer{margin-top:2rem;padding-top:.7rem;border-top:2px solid var(--line);font-size:.9rem}
@media (max-width:40rem){body{padding:.75rem}h1{font-size:1.3rem}}
""".strip()


# --------------------------------------------------------------------------- values

def e(value) -> str:
    """Any value as escaped HTML text ('—' for none)."""
    return DASH if value is None else html.escape(str(value), quote=True)


def angka(value, decimals: int) -> str:
    """A number written the Indonesian way, 1.234,56 ('—' for none)."""
    if value is None:
        return DASH
    return f"{float(value):,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def jumlah(value) -> str:
    """A count, 1.234 ('—' for none)."""
    return DASH if value is None else f"{int(value):,}".replace(",", ".")


def persen(value) -> str:
    """A share in percent, 45,1 % ('—' for none)."""
    return DASH if value is None else f"{angka(value, 1)} %"


def ya_tidak(value) -> str:
    return DASH if value is None else ("Ya" if value else "Tidak")


def _present(value):
    """The value, or None for every way a frame says 'missing' (None, NaN, pd.NA, NaT)."""
    return None if value is None or pd.isna(value) else value


def _records(tables: dict[str, pd.DataFrame], name: str) -> list[dict]:
    frame = tables.get(name)
    if frame is None or frame.empty:
        return []
    return [{column: _present(value) for column, value in row.items()} for row in frame.to_dict("records")]


def _fit(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


# --------------------------------------------------------------------------- html pieces

def _td(text: str, css_class: str = "") -> str:
    """A cell of escaped text; css_class 'nama' for names, 'periode' for periods."""
    return f'<td class="{css_class}">{text}</td>' if css_class else f"<td>{text}</td>"


def _td_n(text: str, withheld: bool = False) -> str:
    """A number cell; a withheld one says so in its tooltip."""
    return f'<td class="n disembunyikan" title="{WITHHELD}">{text}</td>' if withheld else f'<td class="n">{text}</td>'


def _head(headers: list[tuple[str, bool]]) -> str:
    """One header row of (text, numeric)."""
    return "<tr>" + "".join(f'<th class="n">{e(h)}</th>' if numeric else f"<th>{e(h)}</th>"
                            for h, numeric in headers) + "</tr>"


def _tbody(rows: list[list[str]], heading: str | None = None, columns: int = 0) -> str:
    """Rows of <td>s; with a heading (escaped), a group of rows under a header row of `columns` cells."""
    top = f'<tr class="kelompok"><th colspan="{columns}" scope="rowgroup">{heading}</th></tr>' if heading else ""
    return "<tbody>" + top + "".join(f"<tr>{''.join(cells)}</tr>" for cells in rows) + "</tbody>"


def _table(head: str, bodies: list[str], css_class: str) -> str:
    """A table in a horizontally scrolling wrapper: `head` holds its header rows, `bodies` its <tbody>s."""
    return (f'<div class="scroll"><table class="{css_class}"><thead>{head}</thead>{"".join(bodies)}'
            "</table></div>")


def _legend(items: list[tuple[str, str]], line: bool = False) -> str:
    """A legend of (label, colour); the colour 'arsir' is the hatching of withheld data."""
    kind = "swatch garis" if line else "swatch"
    spans = ['<span class="swatch arsir"></span>' if colour == "arsir"
             else f'<span class="{kind}" style="background:{colour}"></span>' for _, colour in items]
    return ('<ul class="legenda">'
            + "".join(f"<li>{span}{e(label)}</li>" for span, (label, _) in zip(spans, items)) + "</ul>")


def _figure(name: str, label: str, height: float, marks: list[str], caption: str, legend: str = "") -> str:
    svg = (f'<svg class="chart" data-chart="{name}" role="img" aria-label="{e(label)}" '
           f'viewBox="0 0 {WIDTH} {_n(height)}" xmlns="http://www.w3.org/2000/svg">{"".join(marks)}</svg>')
    return f"<figure>{legend}{svg}<figcaption>{caption}</figcaption></figure>"


def _section(anchor: str, title: str, body: list[str]) -> str:
    return f'<section id="{anchor}"><h2>{e(title)}</h2>' + "\n".join(p for p in body if p) + "</section>"


def _no_data() -> str:
    return f'<p class="kosong">{NO_DATA}</p>'


# --------------------------------------------------------------------------- svg pieces

def _n(x: float) -> str:
    return f"{x:.1f}"


def _rect(x: float, y: float, width: float, height: float, fill: str, tooltip: str, css_class: str = "bar") -> str:
    return (f'<rect class="{css_class}" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
            f'fill="{fill}"><title>{e(tooltip)}</title></rect>')


def _text(x: float, y: float, text: str, css_class: str, anchor: str = "start", fill: str | None = None) -> str:
    colour = f' style="fill:{fill}"' if fill else ""
    return (f'<text class="{css_class}" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{colour}>'
            f"{e(text)}</text>")


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line class="grid" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"/>'


def _scale_grid(left: float, width: float, top: float, bottom: float) -> list[str]:
    """Vertical lines at 0, 25, 50, 75 and 100 of a horizontal 0-100 scale, labelled above."""
    marks = []
    for tick in (0, 25, 50, 75, 100):
        x = left + width * tick / 100
        anchor = "start" if tick == 0 else "end" if tick == 100 else "middle"
        marks += [_line(x, top, x, bottom), _text(x, top - 4, str(tick), "sumbu", anchor)]
    return marks


# --------------------------------------------------------------------------- distribusi predikat

HATCH = ('<defs><pattern id="arsir" width="6" height="6" patternUnits="userSpaceOnUse" '
         'patternTransform="rotate(45)"><rect width="6" height="6" fill="#dde1e5"/>'
         '<rect width="2" height="6" fill="#8c96a0"/></pattern></defs>')


def _stacked_bar(name: str, cells: list[dict], y: float, height: float) -> list[str]:
    """One instansi's 100 % bar: a segment per predikat shown, then one hatched segment for the
    withheld predikat, as wide as what the shown shares leave of 100 %."""
    marks, x = [], 0.0
    for cell in cells:
        share = cell["persen_pegawai"]
        if share is None:
            continue
        width = min(float(share) / 100 * WIDTH, WIDTH - x)
        if width <= 0:
            continue
        label, colour, ink = PREDIKAT[cell["predikat"]]
        marks.append(_rect(x, y, width, height, colour,
                           f"{name} · {label}: {persen(share)} ({jumlah(cell['jumlah_pegawai'])} pegawai)"))
        if width >= 42:
            marks.append(_text(x + width / 2, y + height / 2 + 4, persen(share), "nilai", "middle", ink))
        x += width
    withheld = [PREDIKAT[c["predikat"]][0] for c in cells if c["persen_pegawai"] is None]
    if withheld and x < WIDTH:
        rest = 100 * (WIDTH - x) / WIDTH
        marks.append(_rect(x, y, WIDTH - x, height, "url(#arsir)",
                           f"{name} · {WITHHELD}: {', '.join(withheld)}; bersama sekitar {persen(rest)}",
                           "disembunyikan"))
    return marks


def _bar_key(r: dict) -> tuple:
    """What one bar (one table row) of the distribution stands for: instansi, period, predikat basis."""
    return r["instansi_kode"], r["periode"], r.get("regime")


def _present_predikat(rows: list[dict]) -> list[str]:
    return [code for code in PREDIKAT if any(r["predikat"] == code for r in rows)]


def _distribusi_chart(ctx: Context, rows: list[dict]) -> str:
    marks, y = [HATCH], 0.0
    for key, cells in groupby(rows, key=_bar_key):
        name = ctx.label(*key)
        marks.append(_text(0, y + 14, _fit(name), "lbl"))
        marks += _stacked_bar(name, list(cells), y + 20, 24)
        y += 56
    legend = _legend([PREDIKAT[code][:2] for code in _present_predikat(rows)] + [(WITHHELD, "arsir")])
    caption = (f"Distribusi predikat kinerja pegawai per instansi, periode {e(ctx.period)}. Setiap batang adalah "
               "100 % pegawai yang dinilai di instansi itu. Bagian berarsir: predikat yang disembunyikan karena "
               "sel kecil, selebar sisa dari 100 % setelah bagian yang ditampilkan.")
    if any(r.get("regime") in REGIME for r in rows):
        caption += " Tanda PP 30/2019: predikat menurut nilai PP 30/2019, tidak dicampur dengan PermenPANRB 6/2022."
    return _figure("distribusi", f"Distribusi predikat kinerja pegawai per instansi, periode {ctx.period}",
                   y - 8, marks, caption, legend)


def _predikat_cells(codes: list[str], cells: dict) -> list[str]:
    """A count and a share per predikat of `codes`, from the rows of one instansi or unit keyed by predikat."""
    tds = []
    for code in codes:
        cell = cells.get(code, {"jumlah_pegawai": None, "persen_pegawai": None, "is_disembunyikan": False})
        withheld = bool(cell["is_disembunyikan"])
        tds += [_td_n(jumlah(cell["jumlah_pegawai"]), withheld and cell["jumlah_pegawai"] is None),
                _td_n(persen(cell["persen_pegawai"]), withheld and cell["persen_pegawai"] is None)]
    return tds


def _predikat_head(first: list[str], codes: list[str]) -> str:
    """Two header rows: the `first` columns, then per predikat of `codes` its count and share."""
    return ("<tr>" + "".join(f'<th rowspan="2">{e(h)}</th>' for h in first)
            + "".join(f'<th colspan="2" class="c">{e(PREDIKAT[code][0])}</th>' for code in codes)
            + "</tr><tr>" + '<th class="n">Jumlah</th><th class="n">%</th>' * len(codes) + "</tr>")


def _distribusi_table(ctx: Context, rows: list[dict]) -> str:
    """A row per instansi, period and predikat basis."""
    codes, body = _present_predikat(rows), []
    for (kode, periode, regime), group in groupby(rows, key=_bar_key):
        body.append([_td(e(ctx.label(kode, regime=regime)), "nama"),
                     _td(e(periode), "periode")] + _predikat_cells(codes, {c["predikat"]: c for c in group}))
    return _table(_predikat_head(["Instansi", "Periode"], codes), [_tbody(body)], "distribusi")


def _distribusi_unit_table(ctx: Context, rows: list[dict]) -> str:
    """A row per unit, under its instansi, period and predikat basis."""
    codes, bodies = _present_predikat(rows), []
    for key, units in groupby(rows, key=_bar_key):
        body = [[_td(e(first["unit_nama"] or first["unit_kode"]), "nama")]
                + _predikat_cells(codes, {c["predikat"]: c for c in [first, *rest]})
                for _, (first, *rest) in groupby(units, key=lambda r: r["unit_kode"])]
        bodies.append(_tbody(body, e(ctx.label(*key)), 1 + 2 * len(codes)))
    return _table(_predikat_head(["Unit kerja"], codes), bodies, "distribusi-unit")


def _distribusi_section(ctx: Context, rows: list[dict], unit_rows: list[dict]) -> str:
    rank = list(PREDIKAT).index
    rows = sorted((r for r in rows if r["periode"] in ctx.periods),
                  key=lambda r: (r["instansi_kode"], r["periode"], r.get("regime") or "", rank(r["predikat"])))
    unit_rows = sorted((r for r in unit_rows if r["periode"] in ctx.periods),
                       key=lambda r: (r["instansi_kode"], r["periode"], r.get("regime") or "", r["unit_kode"],
                                      rank(r["predikat"])))
    body = [_distribusi_chart(ctx, rows), _distribusi_table(ctx, rows)] if rows else [_no_data()]
    if unit_rows:
        units = len({(r["instansi_kode"], r["unit_kode"]) for r in unit_rows})
        body.append(f"<details><summary>Distribusi predikat per unit kerja ({jumlah(units)} unit)</summary>"
                    + _distribusi_unit_table(ctx, unit_rows) + "</details>")
    return _section("distribusi", "Distribusi predikat kinerja pegawai per instansi", body)


# --------------------------------------------------------------------------- ikm

def _jenis_rank(jenis) -> int:
    return list(JENIS_PERIODE).index(jenis) if jenis in JENIS_PERIODE else len(JENIS_PERIODE)


def _ikm_period(rows: list[dict]) -> tuple[str, str] | None:
    """(jenis_periode, periode) to chart: the most detailed kind present, its latest period."""
    for jenis in JENIS_PERIODE:
        periodes = sorted({r["periode"] for r in rows if r["jenis_periode"] == jenis})
        if periodes:
            return jenis, periodes[-1]
    return None


def _ikm_value(r: dict) -> str:
    """'82,53 · A', with '*' when the sample is smaller than the minimum."""
    text = angka(r["ikm"], 2) + (f" · {r['mutu']}" if r["mutu"] else "")
    return text + ("*" if r["is_sampel_memadai"] is not None and not r["is_sampel_memadai"] else "")


def _ikm_chart(ctx: Context, rows: list[dict], title: str) -> str:
    left, bar_w, top = 0.0, WIDTH - 84.0, 16.0
    marks, y = [], top
    for kode, units in groupby(rows, key=lambda r: r["instansi_kode"]):
        marks.append(_text(0, y + 15, _fit(ctx.instansi(kode)), "kelompok"))
        y += 22
        for r in units:
            unit = str(r["unit_layanan_nama"] or r["unit_layanan_kode"])
            marks.append(_text(0, y + 13, _fit(unit), "lbl"))
            if r["ikm"] is None:
                marks.append(_text(0, y + 31, f"{DASH} disembunyikan (sel kecil)", "nilai", fill="#5b6570"))
            else:
                colour, kinerja = MUTU.get(r["mutu"], (NO_MUTU_COLOUR, None))
                width = bar_w * min(float(r["ikm"]), 100.0) / 100
                tooltip = (f"{unit} ({ctx.instansi(kode)}): IKM {angka(r['ikm'], 2)}, mutu {r['mutu'] or DASH}"
                           f" ({r['kinerja'] or kinerja or DASH}), {jumlah(r['jumlah_responden'])} responden")
                marks += [_rect(left, y + 18, width, 17, colour, tooltip),
                          _text(left + width + 5, y + 31, _ikm_value(r), "nilai")]
            y += 42
    grid = _scale_grid(left, bar_w, top, y)
    legend = _legend([(f"{mutu} ({kinerja})", colour) for mutu, (colour, kinerja) in MUTU.items()])
    caption = (f"Indeks Kepuasan Masyarakat (IKM) per unit layanan, {e(title)}, skala 0–100 (PermenPANRB 14/2017); "
               "warna menurut mutu pelayanan. * jumlah responden belum memenuhi sampel minimum.")
    return _figure("ikm", f"Indeks Kepuasan Masyarakat per unit layanan, {title}", y, grid + marks, caption, legend)


def _ikm_table(ctx: Context, rows: list[dict]) -> str:
    """A row per service unit, under its instansi."""
    headers = [("Unit layanan", False), ("Responden", True), ("IKM", True), ("Mutu", False), ("Kinerja", False),
               ("Sampel memadai", False)]
    bodies = []
    for kode, units in groupby(rows, key=lambda r: r["instansi_kode"]):
        body = []
        for r in units:
            withheld = bool(r["is_disembunyikan"])
            body.append([_td(e(r["unit_layanan_nama"] or r["unit_layanan_kode"]), "nama"),
                         _td_n(jumlah(r["jumlah_responden"]), withheld and r["jumlah_responden"] is None),
                         _td_n(angka(r["ikm"], 2), withheld and r["ikm"] is None),
                         _td(e(r["mutu"])), _td(e(r["kinerja"])), _td(ya_tidak(r["is_sampel_memadai"]))])
        bodies.append(_tbody(body, e(ctx.instansi(kode)), len(headers)))
    return _table(_head(headers), bodies, "ikm")


def _ikm_section(ctx: Context, rows: list[dict]) -> str:
    chosen = _ikm_period(rows)
    if chosen is None:
        return _section("ikm", "Indeks Kepuasan Masyarakat (IKM) per unit layanan", [_no_data()])
    jenis, periode = chosen
    shown = sorted((r for r in rows if (r["jenis_periode"], r["periode"]) == chosen),
                   key=lambda r: (r["instansi_kode"], r["unit_layanan_kode"]))
    title = f"{JENIS_PERIODE[jenis]} {periode}"
    others = sorted({(r["jenis_periode"], r["periode"]) for r in rows} - {chosen},
                    key=lambda p: (_jenis_rank(p[0]), p[1]))
    note = ("<p class=\"muted\">Periode lain dalam paket (lihat berkasnya): "
            + ", ".join(f"{e(JENIS_PERIODE.get(j, j))} {e(p)}" for j, p in others) + ".</p>") if others else ""
    return _section("ikm", "Indeks Kepuasan Masyarakat (IKM) per unit layanan",
                    [_ikm_chart(ctx, shown, title), _ikm_table(ctx, shown), note])


# --------------------------------------------------------------------------- kepatuhan

def _kepatuhan_bars(name: str, item: dict, y: float, withheld: bool) -> tuple[list[str], float]:
    """Three bars, one per measure, from `y`; and the y below them."""
    bar_w = WIDTH - 58.0
    if all(item[m] is None for m in KEPATUHAN):
        why = "disembunyikan (sel kecil)" if withheld else "tidak ada data"
        return [_text(0, y + 11, f"{DASH} {why}", "nilai", fill="#5b6570")], y + 16
    marks = []
    for measure, (label, colour) in KEPATUHAN.items():
        value = item[measure]
        if value is None:
            marks.append(_text(0, y + 10, f"{DASH} {label}", "sumbu"))
        else:
            width = bar_w * min(float(value), 100.0) / 100
            marks += [_rect(0, y, width, 11, colour, f"{name} · {label}: {persen(value)}"),
                      _text(width + 4, y + 10, persen(value), "nilai")]
        y += 14
    return marks, y


def _kepatuhan_chart(ctx: Context, items: list[dict], per_unit: bool) -> str:
    """Per unit under its instansi's name, or per instansi: three bars each."""
    marks, y = [], 16.0
    for (kode, periode), group in groupby(items, key=lambda r: (r["instansi_kode"], r["periode"])):
        if per_unit:
            marks.append(_text(0, y + 15, _fit(ctx.label(kode, periode)), "kelompok"))
            y += 22
        for item in group:
            name = str(item["unit_nama"] or item["unit_kode"]) if per_unit else ctx.label(kode, periode)
            marks.append(_text(0, y + 13, _fit(name), "lbl"))
            bars, y = _kepatuhan_bars(name, item, y + 18, bool(item["is_disembunyikan"]))
            marks += bars
            y += 10
    grid = _scale_grid(0, WIDTH - 58.0, 16.0, y - 6)
    legend = _legend([(label, colour) for label, colour in KEPATUHAN.values()])
    scope = "per unit kerja" if per_unit else "per instansi"
    caption = (f"Persentase pegawai yang punya SKP, yang dievaluasi, dan yang dievaluasi tepat waktu, {scope}, "
               f"periode {e(ctx.period)}.")
    return _figure("kepatuhan", f"Kepatuhan SKP dan evaluasi kinerja {scope}, periode {ctx.period}",
                   y - 6, grid + marks, caption, legend)


def _kepatuhan_cells(r: dict) -> list[str]:
    withheld = bool(r["is_disembunyikan"])
    return ([_td_n(jumlah(r["jumlah_pegawai"]), withheld and r["jumlah_pegawai"] is None)]
            + [_td_n(persen(r[m]), withheld and r[m] is None) for m in KEPATUHAN])


def _kepatuhan_table(ctx: Context, items: list[dict]) -> str:
    """A row per instansi and period."""
    head = _head([("Instansi", False), ("Periode", False), ("Pegawai", True)]
                 + [(label, True) for label, _ in KEPATUHAN.values()])
    body = [[_td(e(ctx.instansi(r["instansi_kode"])), "nama"), _td(e(r["periode"]), "periode")] + _kepatuhan_cells(r)
            for r in items]
    return _table(head, [_tbody(body)], "kepatuhan")


def _kepatuhan_unit_table(ctx: Context, rows: list[dict]) -> str:
    """A row per unit, under its instansi and period."""
    headers = [("Unit kerja", False), ("Pegawai", True)] + [(label, True) for label, _ in KEPATUHAN.values()]
    bodies = [_tbody([[_td(e(r["unit_nama"] or r["unit_kode"]), "nama")] + _kepatuhan_cells(r) for r in units],
                     e(ctx.label(kode, periode)), len(headers))
              for (kode, periode), units in groupby(rows, key=lambda r: (r["instansi_kode"], r["periode"]))]
    return _table(_head(headers), bodies, "kepatuhan-unit")


def _kepatuhan_section(ctx: Context, instansi_rows: list[dict], unit_rows: list[dict]) -> str:
    """Charted per unit when the units are few (or no instansi table is given), else per instansi;
    the table of what is not charted follows, folded."""
    title = "Kepatuhan SKP dan evaluasi kinerja"
    instansi_rows = sorted((r for r in instansi_rows if r["periode"] in ctx.periods),
                           key=lambda r: (r["instansi_kode"], r["periode"]))
    unit_rows = sorted((r for r in unit_rows if r["periode"] in ctx.periods),
                       key=lambda r: (r["instansi_kode"], r["periode"], r["unit_kode"]))
    if not instansi_rows and not unit_rows:
        return _section("kepatuhan", title, [_no_data()])
    if unit_rows and (len(unit_rows) <= KEPATUHAN_UNITS_CHARTED or not instansi_rows):
        body = [_kepatuhan_chart(ctx, unit_rows, True), _kepatuhan_unit_table(ctx, unit_rows)]
        if instansi_rows:
            body.append("<details><summary>Kepatuhan per instansi</summary>"
                        + _kepatuhan_table(ctx, instansi_rows) + "</details>")
        return _section("kepatuhan", title, body)
    body = [_kepatuhan_chart(ctx, instansi_rows, False), _kepatuhan_table(ctx, instansi_rows)]
    if unit_rows:
        body.append(f"<details><summary>Kepatuhan per unit kerja ({jumlah(len(unit_rows))} unit)</summary>"
                    + _kepatuhan_unit_table(ctx, unit_rows) + "</details>")
    return _section("kepatuhan", title, body)


# --------------------------------------------------------------------------- tren bulanan

def _tren_chart(ctx: Context, rows: list[dict], months: list[str]) -> str:
    left, right, top, bottom = 44.0, WIDTH - 28.0, 10.0, 200.0  # room for a centred month label at each end
    step = (right - left) / (len(months) - 1) if len(months) > 1 else 0.0

    def x_of(month: str) -> float:
        return left + step * months.index(month) if len(months) > 1 else (left + right) / 2

    def y_of(value) -> float:
        return bottom - (bottom - top) * min(max(float(value), 0.0), 100.0) / 100

    marks = []
    for tick in (0, 25, 50, 75, 100):
        marks += [_line(left, y_of(tick), right, y_of(tick)),
                  _text(left - 5, y_of(tick) + 4, f"{tick} %", "sumbu", "end")]
    every = math.ceil(len(months) / 5)  # at most five month labels, the last (the period's) always among them
    for i, month in enumerate(months):
        if (len(months) - 1 - i) % every == 0:
            marks.append(_text(x_of(month), bottom + 18, month, "sumbu", "middle"))
    legend = []
    for index, (kode, series) in enumerate(groupby(rows, key=lambda r: r["instansi_kode"])):
        colour, name = LINE_COLOURS[index % len(LINE_COLOURS)], ctx.instansi(kode)
        values = {r["bulan"]: r["persen_baik_ke_atas"] for r in series}
        points = [(m, values.get(m)) for m in months]
        marks += _line_segments(points, x_of, y_of, colour, name)
        marks += [f'<circle class="point" cx="{_n(x_of(m))}" cy="{_n(y_of(v))}" r="3.5" fill="{colour}">'
                  f"<title>{e(f'{name} · {m}: {persen(v)} baik ke atas')}</title></circle>"
                  for m, v in points if v is not None]
        legend.append((name, colour))
    caption = (f"Persentase pegawai dengan predikat Baik atau Sangat Baik per bulan, {e(months[0])} s.d. "
               f"{e(months[-1])}. Titik yang tidak ada: data bulan itu tidak ada atau disembunyikan.")
    return _figure("tren", f"Tren bulanan persentase pegawai berpredikat baik ke atas per instansi, "
                   f"{months[0]} s.d. {months[-1]}", bottom + 26, marks, caption, _legend(legend, line=True))


def _line_segments(points, x_of, y_of, colour: str, name: str) -> list[str]:
    """One path per run of consecutive months with a value; a lone value is a point only."""
    runs, run = [], []
    for month, value in points + [(None, None)]:
        if value is None:
            if len(run) > 1:
                runs.append(run)
            run = []
        else:
            run.append((x_of(month), y_of(value)))
    return [f'<path class="line" d="M{" L".join(f"{_n(x)} {_n(y)}" for x, y in r)}" stroke="{colour}">'
            f"<title>{e(name)}</title></path>" for r in runs]


def _tren_table(ctx: Context, rows: list[dict], months: list[str]) -> str:
    """The chart's numbers: a row per instansi, the share rated Baik or better per month."""
    head = _head([("Instansi", False)] + [(m, True) for m in months])
    body = []
    for kode, series in groupby(rows, key=lambda r: r["instansi_kode"]):
        by_month = {r["bulan"]: r for r in series}
        row = [_td(e(ctx.instansi(kode)), "nama")]
        for month in months:
            r = by_month.get(month, {"persen_baik_ke_atas": None, "is_disembunyikan": False})
            value = r["persen_baik_ke_atas"]
            row.append(_td_n(persen(value), bool(r["is_disembunyikan"]) and value is None))
        body.append(row)
    return _table(head, [_tbody(body)], "tren")


def _tren_section(ctx: Context, rows: list[dict]) -> str:
    rows = sorted((r for r in rows if r["bulan"] <= ctx.period), key=lambda r: (r["instansi_kode"], r["bulan"]))
    if not rows:
        return _section("tren", "Tren bulanan", [_no_data()])
    months = _months(min(r["bulan"] for r in rows), ctx.period)
    return _section("tren", "Tren bulanan", [_tren_chart(ctx, rows, months), _tren_table(ctx, rows, months)])


# --------------------------------------------------------------------------- pengaduan, waktu layanan

def _pengaduan_chart(ctx: Context, totals: list[dict]) -> str:
    """Per instansi, the share of complaints resolved within the standard (0-100)."""
    left, bar_w, top = 0.0, WIDTH - 84.0, 16.0
    marks, y = [], top
    for r in totals:
        name = ctx.instansi(r["instansi_kode"])
        marks.append(_text(0, y + 13, _fit(name), "lbl"))
        value = r["persen_selesai_tepat_waktu"]
        if value is None:
            marks.append(_text(0, y + 31, f"{DASH} disembunyikan atau tidak tersedia", "nilai", fill="#5b6570"))
        else:
            width = bar_w * min(float(value), 100.0) / 100
            tooltip = (f"{name}: {persen(value)} pengaduan selesai dalam standar, "
                       f"{jumlah(r['jumlah_pengaduan'])} pengaduan")
            marks += [_rect(left, y + 18, width, 17, "#2a9d8f", tooltip),
                      _text(left + width + 5, y + 31, persen(value), "nilai")]
        y += 42
    grid = _scale_grid(left, bar_w, top, y)
    caption = ("Persentase pengaduan (di luar yang ditolak) yang selesai dalam standar penanganan unit, per instansi, "
               f"{e(ctx.period)}. Standar dalam dunia demo adalah nilai contoh yang dapat diatur.")
    return _figure("pengaduan", f"Pengaduan selesai dalam standar, {ctx.period}", y, grid + marks, caption)


def _pengaduan_table(ctx: Context, rows: list[dict]) -> str:
    headers = [("Unit layanan", False), ("Pengaduan", True), ("Daring", True), ("Forum warga", True),
               ("Tatap muka", True), ("Respons dalam standar", True), ("Selesai dalam standar", True),
               ("Median jam respons", True), ("Median hari selesai", True)]
    bodies = []
    for kode, units in groupby(rows, key=lambda r: r["instansi_kode"]):
        body = []
        for r in units:
            withheld = bool(r["is_disembunyikan"])
            body.append([_td(e(r["unit_layanan_nama"] or r["unit_layanan_kode"]), "nama"),
                         *(_td_n(jumlah(r[c]), withheld and r[c] is None)
                           for c in ("jumlah_pengaduan", "jumlah_online", "jumlah_forum", "jumlah_tatap_muka")),
                         _td_n(persen(r["persen_respon_tepat_waktu"])), _td_n(persen(r["persen_selesai_tepat_waktu"])),
                         _td_n(angka(r["median_jam_respon"], 1)), _td_n(angka(r["median_hari_selesai"], 1))])
        bodies.append(_tbody(body, e(ctx.instansi(kode)), len(headers)))
    return _table(_head(headers), bodies, "pengaduan")


def _waktu_layanan_table(ctx: Context, rows: list[dict]) -> str:
    headers = [("Unit layanan", False), ("Layanan", False), ("Permohonan", True), ("Median jam", True),
               ("Persentil 90 jam", True), ("Standar jam", True), ("Dalam standar", True), ("IKM", True)]
    bodies = []
    for kode, items in groupby(rows, key=lambda r: r["instansi_kode"]):
        body = []
        for r in items:
            withheld = bool(r["is_disembunyikan"])
            ikm = angka(r["ikm"], 2) + (f" · {r['mutu_ikm']}" if r["ikm"] is not None and r["mutu_ikm"] else "")
            body.append([_td(e(r["unit_layanan_nama"] or r["unit_layanan_kode"]), "nama"),
                         _td(e(r["jenis_layanan_nama"] or r["jenis_layanan"])),
                         _td_n(jumlah(r["jumlah_transaksi"]), withheld and r["jumlah_transaksi"] is None),
                         _td_n(angka(r["median_jam"], 1)), _td_n(angka(r["p90_jam"], 1)),
                         _td_n(angka(r["standar_jam"], 0)), _td_n(persen(r["persen_dalam_standar"])), _td_n(ikm)])
        bodies.append(_tbody(body, e(ctx.instansi(kode)), len(headers)))
    return _table(_head(headers), bodies, "waktu-layanan")


PENGADUAN_PAGE = "pengaduan.html"
PENGADUAN_TITLE = "Pengaduan masyarakat dan waktu penyelesaian layanan"


def _pengaduan_summary(ctx: Context, complaints: list[dict]) -> str:
    """The report's own section: per instansi the share resolved within standard, and the way to
    the page with the detail."""
    totals = sorted((r for r in complaints if r["periode"] == ctx.period and r["unit_layanan_kode"] == "*"),
                    key=lambda r: r["instansi_kode"])
    link = (f'<p><a href="{PENGADUAN_PAGE}">Halaman pengaduan dan waktu layanan</a>: pengaduan per unit layanan '
            "menurut kanal, waktu respons dan penyelesaian, dan waktu penyelesaian layanan terhadap standar "
            "di samping IKM unit.</p>")
    return _section("pengaduan", PENGADUAN_TITLE, ([_pengaduan_chart(ctx, totals)] if totals else [_no_data()]) + [link])


def _pengaduan_section(ctx: Context, complaints: list[dict], services: list[dict]) -> str:
    title = PENGADUAN_TITLE
    complaints = sorted((r for r in complaints if r["periode"] == ctx.period),
                        key=lambda r: (r["instansi_kode"], r["unit_layanan_kode"] != "*", r["unit_layanan_kode"]))
    services = sorted((r for r in services if r["bulan"] == ctx.period),
                      key=lambda r: (r["instansi_kode"], r["unit_layanan_kode"], r["jenis_layanan"]))
    body = []
    if complaints:
        totals = [r for r in complaints if r["unit_layanan_kode"] == "*"]
        body += [_pengaduan_chart(ctx, totals), "<h3>Pengaduan per unit layanan</h3>", _pengaduan_table(ctx, complaints),
                 '<p class="muted">Baris pertama tiap instansi adalah seluruh unit layanannya. Isi pengaduan dan '
                 "identitas pelapor tidak pernah dipublikasikan.</p>"]
    if services:
        body += ["<h3>Waktu penyelesaian layanan</h3>", _waktu_layanan_table(ctx, services),
                 '<p class="muted">Jam dari permohonan diajukan sampai selesai, atas permohonan yang selesai; IKM unit '
                 "pada triwulan bulan ini (sampai bulan ini), seperti pada tabel IKM.</p>"]
    return _section("pengaduan", title, body or [_no_data()])


# --------------------------------------------------------------------------- page

def _file_item(f: dict) -> str:
    """A file of the package: a relative link (its name percent-encoded, so it cannot leave the
    folder or be a javascript: link), its rows, description and SHA-256."""
    rows = f" · {jumlah(f['rows'])} baris" if f.get("rows") is not None else ""
    return (f'<li><a href="{e(quote(str(f["name"])))}">{e(f["name"])}</a>{rows}'
            f'<br>{e(f.get("description") or "")}<br><code class="sha256">SHA-256 {e(f.get("sha256"))}</code></li>')


def _files_section(files: list[dict]) -> str:
    title = "Berkas dalam paket ini"
    if not files:
        return _section("berkas", title, ['<p class="kosong">Paket ini tidak memuat berkas.</p>'])
    items = "".join(_file_item(f) for f in sorted(files, key=lambda f: str(f["name"])))
    return _section("berkas", title, [
        "<p>Semua angka laporan ini, dan rinciannya, ada dalam berkas berikut di folder yang sama. "
        "Sidik SHA-256 memungkinkan pemeriksaan keutuhan berkas.</p>",
        f'<ul class="berkas">{items}</ul>'])


def _header(ctx: Context, title: str) -> str:
    year, month = ctx.period[:4], int(ctx.period[5:7])
    quarter = (f" Instansi yang menilai per triwulan tampil dengan periode {e(ctx.periods[1])}."
               if len(ctx.periods) > 1 else "")
    links = [("distribusi", "Distribusi predikat"), ("ikm", "IKM"), ("kepatuhan", "Kepatuhan"),
             ("tren", "Tren bulanan"), ("pengaduan", "Pengaduan dan waktu layanan"), ("berkas", "Berkas")]
    return (f"<header><h1>{e(title)}</h1>"
            f'<p class="periode-laporan">Periode <strong>{BULAN[month - 1]} {year}</strong> ({e(ctx.period)}).'
            f"{quarter}</p>"
            "<p>Laporan ini hanya memuat data agregat per instansi, unit kerja dan unit layanan: jumlah dan "
            "persentase, tanpa data pribadi (tanpa NIP, nama, atau jawaban perorangan). Jumlah pegawai atau "
            f"responden di bawah {ctx.min_cell_size}, dan sel pelengkap yang dapat dipakai untuk menghitungnya "
            "kembali, tidak ditampilkan.</p>"
            f'<p class="legenda-dash"><strong>{DASH}</strong> {WITHHELD}, atau tidak tersedia.</p>'
            "<nav><ul>" + "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in links) + "</ul></nav></header>")


def _page(ctx: Context, title: str, header: str, body: list[str], meta: dict) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="id"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{e(title)} · {e(ctx.period)}</title>",
        f"<style>{CSS}</style></head><body>",
        header,
        "<main>",
        *body,
        "</main>",
        f'<footer><p>Lisensi: <strong class="lisensi">{e(meta["license"])}</strong>. '
        f'Sumber: <span class="sumber">{e(meta["organisation"])}</span>.</p>'
        '<p class="muted">Halaman ini tidak memuat apa pun dari internet dan dapat dibuka langsung dari disk.</p>'
        "</footer>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def render_pengaduan(period: str, tables: dict[str, pd.DataFrame], meta: dict) -> str:
    """The package's page for complaints and service times, `pengaduan.html`, from the public tables
    pengaduan_unit and waktu_layanan (either may be missing or empty), with the same `meta` as the
    report; linked from the report and back."""
    period = check_period(period)
    ctx = Context(period, _periods(period), dict(meta.get("instansi_nama") or {}),
                  int(meta.get("min_cell_size") or DEFAULT_MIN_CELL_SIZE))
    year, month = period[:4], int(period[5:7])
    header = (f"<header><h1>{e(PENGADUAN_TITLE)}</h1>"
              f'<p class="periode-laporan">Periode <strong>{BULAN[month - 1]} {year}</strong> ({e(period)}).</p>'
              "<p>Jumlah pengaduan per unit layanan menurut kanal, waktu sampai respons pertama dan sampai selesai "
              "dibandingkan dengan standar unit, serta waktu penyelesaian permohonan layanan per jenis layanan. "
              f"Jumlah di bawah {ctx.min_cell_size}, dan angka yang dapat dipakai untuk menghitungnya kembali, "
              "tidak ditampilkan; isi pengaduan dan identitas pelapor atau pemohon tidak pernah dipublikasikan.</p>"
              f'<p class="legenda-dash"><strong>{DASH}</strong> {WITHHELD}, atau tidak tersedia.</p>'
              f'<nav><ul><li><a href="index.html">Kembali ke laporan utama</a></li></ul></nav></header>')
    body = [_pengaduan_section(ctx, _records(tables, "pengaduan_unit"), _records(tables, "waktu_layanan"))]
    return _page(ctx, f"{meta.get('title') or DEFAULT_TITLE}: pengaduan dan waktu layanan", header, body, meta)


def render_report(period: str, tables: dict[str, pd.DataFrame], meta: dict) -> str:
    """The package's index.html for `period` (YYYY-MM) from its public tables (distribusi_predikat,
    distribusi_predikat_unit, kepatuhan, kepatuhan_unit, ikm_unit_layanan, tren_bulanan, pengaduan_unit;
    any may be missing or empty; other columns are ignored) and `meta` (title, organisation, license,
    min_cell_size, files, instansi_nama)."""
    period = check_period(period)
    ctx = Context(period, _periods(period), dict(meta.get("instansi_nama") or {}),
                  int(meta.get("min_cell_size") or DEFAULT_MIN_CELL_SIZE))
    title = meta.get("title") or DEFAULT_TITLE
    return _page(ctx, title, _header(ctx, title), [
        _distribusi_section(ctx, _records(tables, "distribusi_predikat"), _records(tables, "distribusi_predikat_unit")),
        _ikm_section(ctx, _records(tables, "ikm_unit_layanan")),
        _kepatuhan_section(ctx, _records(tables, "kepatuhan"), _records(tables, "kepatuhan_unit")),
        _tren_section(ctx, _records(tables, "tren_bulanan")),
        _pengaduan_summary(ctx, _records(tables, "pengaduan_unit")),
        _files_section(list(meta.get("files") or [])),
    ], meta)
