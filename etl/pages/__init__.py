"""One way to draw a page: the Jinja2 templates of the open-data report (`index.html`), its complaints
page (`pengaduan.html`) and the validation report, and what they share.

  templates/base.html.j2        the one base layout: doctype, head (viewport, Content-Security-Policy,
                                title, the stylesheet inline), body
  templates/style.css.j2        the one stylesheet
  templates/labels.j2           the words and colours of the codes the pages show (predikat, mutu,
                                kepatuhan measures, months, kinds of period) and the pages' recurring
                                phrases; Python reads them from here too (`labels()`)
  templates/parts.html.j2       a published page's section and its "no data" note; tables (the
                                scrolling wrapper, header rows, number cells)
  templates/charts.html.j2      the charts' marks (inline SVG) and their words, drawn from the
                                geometry of charts.py
  templates/publik.html.j2      the published pages' header and footer (extends base)
  templates/index.html.j2, pengaduan.html.j2, validation.html.j2   the three pages

Python prepares numbers and rows (etl/publish/html.py, etl/validate/report.py) and the charts'
coordinates (charts.py); every word a reader sees is in a template. Autoescaping is on for every
template: a value an agency sent is always text. A value that is missing (None) is written "—";
numbers go through the filters below (angka, jumlah, persen for the published pages; num, utc,
share for the validation report; n for a chart's coordinates, fit for its labels).

Byte for byte what the hand-built pages wrote before: Jinja's escape writes ' and " as &#39; and
&#34;, and the pages have always written them &#x27; and &quot; (Python's html.escape), so `render`
spells those two the old way. Nothing else can produce either spelling: an escaped value's & is
&amp;, and no template holds them (tests/unit/test_pages.py checks both).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import jinja2

from etl.pages import charts

DASH = "—"
LABEL_CHARS = 58  # a chart's label longer than this is cut (the mark's tooltip and the table have it whole)


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


def coordinate(x: float) -> str:
    """A coordinate of a chart's SVG: one decimal."""
    return f"{x:.1f}"


def fit(text, limit: int = LABEL_CHARS) -> str:
    """A chart's label, cut to `limit` characters with '…'."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def num(value) -> str:
    """A count written the English way, 1,234 ('—' for none): the validation report's."""
    return DASH if value is None else f"{value:,}"


def utc(value: dt.datetime | None) -> str:
    """A time in UTC, 2026-10-02 01:00:00 UTC ('—' for none); a time without a zone is taken as it is."""
    if value is None:
        return DASH
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return f"{value:%Y-%m-%d %H:%M:%S} UTC"


def share(failed: int, evaluated: int) -> str:
    """The share of `evaluated` rows that `failed`, 12.5% ('<0.1%' for a few, '—' for none evaluated)."""
    if not evaluated:
        return DASH
    fraction = failed / evaluated
    if failed and fraction < 0.0005:
        return "<0.1%"
    return f"{fraction:.1%}"


def _missing_as_dash(value):
    """Every {{ value }} passes here before it is escaped: None is written '—'."""
    return DASH if value is None else value


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("etl.pages", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the render instead of vanishing
        finalize=_missing_as_dash,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(angka=angka, jumlah=jumlah, persen=persen, n=coordinate, fit=fit, num=num, utc=utc,
                       share=share)
    env.globals["chart_width"] = charts.WIDTH
    return env


def render(template: str, **context) -> str:
    """The page `template` renders with `context`."""
    page = environment().get_template(template).render(**context)
    return page.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")


def labels():
    """The names templates/labels.j2 sets, as attributes (labels().predikat["BAIK"]["label"])."""
    return environment().get_template("labels.j2").module
