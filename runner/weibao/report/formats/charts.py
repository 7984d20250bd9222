"""Charts with Chinese labels for the reports: SVG for HTML and PDF, PNG for Word.

matplotlib (Agg, no display) draws with Noto Sans CJK SC, found through matplotlib's font
manager; a missing font is an error (:class:`~weibao.report.base.ReportError`), never a chart
of empty boxes: matplotlib's "Glyph ... missing from font(s)" warning is turned into one too.

SVG text is drawn as paths (``svg.fonttype: path``), decided on these measurements
(../shared/notes/reports.md and this module's test): the SVG needs no font wherever it is
shown (a browser opening the self-contained HTML on a client's Windows PC, WeasyPrint: the
HTML report must need no installed font), at the cost of size and of selectable chart text in
the PDF; the numbers a chart shows are in a table next to it anyway. Measured (6.4x3.2 in,
Chinese labels): a 4-bar chart 34 KB as paths against 10 KB with ``<text>`` elements, a
3-month line chart 24 KB, a 60-month 6-series line chart 104 KB; the PNG (150 dpi) 24 KB.

Output is deterministic: fixed ``svg.hashsalt`` (the ids of clip paths and glyphs), no date
in the SVG's metadata, no software or time stamp in the PNG.

Each function returns a :class:`Chart` (``svg`` text, ``png`` bytes); :meth:`Chart.figure`
gives the HTML ``<figure>`` with the inline SVG carrying its PNG in ``data-png``, which is how
:func:`weibao.report.formats.docx.html_to_docx` puts the chart into Word.
"""

from __future__ import annotations

import base64
import functools
import io
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from weibao.errors import N_
from weibao.report.base import ReportError

FONT_FAMILY = "Noto Sans CJK SC"
# where Debian's fonts-noto-cjk puts it: added explicitly because matplotlib's font cache is
# never rescanned (a font installed after the cache was built is otherwise "not found")
FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
)
SIZE = (6.4, 3.2)  # inches: the text width of an A4 page at a readable scale
PNG_DPI = 150
# the report's status colours (report_templates/base.html.j2)
STATUS_COLORS = {
    "critical": "#c62828",
    "warning": "#d89a00",
    "unknown": "#7b5cb8",
    "ok": "#2e7d32",
}
PALETTE = ("#2b4c7e", "#d89a00", "#2e7d32", "#c62828", "#7b5cb8", "#5b7cab", "#8d6e63")

_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY, "DejaVu Sans"],
    "font.size": 9,
    "axes.unicode_minus": False,
    "svg.fonttype": "path",
    "svg.hashsalt": "weibao",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
}


@dataclass(frozen=True)
class Chart:
    svg: str
    png: bytes

    def png_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def figure(self, caption: str = "", *, with_png: bool = True) -> Markup:
        """``<figure>`` with the inline SVG (and its PNG in ``data-png`` for Word) and an
        optional caption (escaped)."""
        svg = self.svg
        if with_png:
            svg = svg.replace("<svg ", f'<svg data-png="{self.png_data_uri()}" ', 1)
        caption_html = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
        return Markup(f'<figure class="chart">{svg}{caption_html}</figure>')  # noqa: S704


@functools.cache
def _font_ready() -> None:
    from matplotlib import font_manager

    for path in FONT_FILES:
        if path.is_file():
            try:
                font_manager.fontManager.addfont(str(path))
            except (OSError, RuntimeError, ValueError):
                continue
    try:
        font_manager.findfont(
            font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False
        )
    except ValueError:
        raise ReportError(
            N_("charts: font %(font)s not found; install it (Debian: fonts-noto-cjk)"),
            font=FONT_FAMILY,
        ) from None


def _matplotlib():
    import matplotlib

    matplotlib.use("Agg", force=False)
    _font_ready()
    from matplotlib.figure import Figure

    return matplotlib, Figure


_XML_DECL = re.compile(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)


def _render(draw) -> Chart:
    matplotlib, Figure = _matplotlib()
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=SIZE, layout="constrained")
        draw(fig)
        svg_buf, png_buf = io.StringIO(), io.BytesIO()
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=r"Glyph \d+ .* missing from font")
            try:
                fig.savefig(svg_buf, format="svg", metadata={"Date": None})
                fig.savefig(png_buf, format="png", dpi=PNG_DPI, metadata={"Software": None})
            except UserWarning as exc:
                raise ReportError(
                    N_("charts: a label cannot be drawn (%(detail)s); install %(font)s"),
                    detail=str(exc),
                    font=FONT_FAMILY,
                ) from None
    # inline in HTML: no XML declaration or DOCTYPE
    svg = _unique_ids(_XML_DECL.sub("", svg_buf.getvalue()).strip())
    return Chart(svg=svg, png=png_buf.getvalue())


_ID = re.compile(r'\bid="([^"]+)"')


def _unique_ids(svg: str) -> str:
    """Every id of one chart (and what refers to it) prefixed with a digest of the chart: two
    charts in one page share no id (matplotlib names a glyph or a clip path by its content,
    so two charts define the same ids, and WeasyPrint warns "Anchor defined twice"); the
    same chart keeps the same ids (deterministic output)."""
    import hashlib

    prefix = "c" + hashlib.sha256(svg.encode()).hexdigest()[:8] + "-"
    ids = set(_ID.findall(svg))
    if not ids:
        return svg

    def ref(match: re.Match) -> str:
        name = match.group(2)
        return match.group(1) + (prefix + name if name in ids else name)

    svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    return re.sub(r'(url\(#|href="#)([^")]+)', ref, svg)


def _check(labels: Sequence[str], values: Sequence[float], what: str) -> None:
    if len(labels) != len(values):
        raise ReportError(
            N_("charts: %(what)s has %(values)d values for %(labels)d labels"),
            what=what,
            values=len(values),
            labels=len(labels),
        )


def _axes(fig, title: str, ylabel: str):
    ax = fig.add_subplot()
    if title:
        ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#dde3ea", linewidth=0.6)
    ax.set_axisbelow(True)
    return ax


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    ylabel: str = "",
    colors: Sequence[str] | None = None,
) -> Chart:
    """One bar per label (e.g. findings per status), the value written above each bar."""
    _check(labels, values, title or "bar chart")

    def draw(fig):
        ax = _axes(fig, title, ylabel)
        bars = ax.bar(
            range(len(labels)),
            values,
            color=list(colors) if colors else PALETTE[0],
            width=0.6,
        )
        ax.set_xticks(range(len(labels)), [str(x) for x in labels])
        ax.bar_label(bars, fmt="%g", padding=2, fontsize=8)
        ax.margins(y=0.15)

    return _render(draw)


def stacked_bar(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    ylabel: str = "",
    colors: Mapping[str, str] | None = None,
) -> Chart:
    """One bar per category (e.g. area), stacked by series (e.g. status), in the mapping's
    order, with a legend."""
    for name, values in series.items():
        _check(categories, values, f"{title or 'stacked bar'}: {name}")

    def draw(fig):
        draw_stacked(fig, categories, series, title=title, ylabel=ylabel, colors=colors)

    return _render(draw)


def draw_stacked(fig, categories: Sequence[str], series: Mapping[str, Sequence[float]], *,
                 title: str = "", ylabel: str = "",
                 colors: Mapping[str, str] | None = None) -> None:
    """The stacked bars on ``fig``; the legend beside the plot, never over the bars (inside
    the axes, "upper right" covered the tallest bar)."""
    ax = _axes(fig, title, ylabel)
    bottom = [0.0] * len(categories)
    for i, (name, values) in enumerate(series.items()):
        color = (colors or {}).get(name) or PALETTE[i % len(PALETTE)]
        ax.bar(range(len(categories)), values, bottom=bottom, color=color, width=0.6,
               label=str(name))
        bottom = [b + float(v) for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(range(len(categories)), [str(c) for c in categories])
    if all(float(v).is_integer() for values in series.values() for v in values):
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no "17.5 findings"
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize=8,
              frameon=False)
    ax.margins(y=0.1)


def line_chart(
    months: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str = "",
    ylabel: str = "",
    colors: Mapping[str, str] | None = None,
) -> Chart:
    """One line per series over ``months`` (labels such as "2026-09"); ``None`` is a gap."""
    for name, values in series.items():
        _check(months, values, f"{title or 'line chart'}: {name}")

    def draw(fig):
        ax = _axes(fig, title, ylabel)
        xs = range(len(months))
        for i, (name, values) in enumerate(series.items()):
            color = (colors or {}).get(name) or PALETTE[i % len(PALETTE)]
            ys = [float("nan") if v is None else float(v) for v in values]
            ax.plot(xs, ys, marker="o", markersize=3.5, linewidth=1.6, color=color,
                    label=str(name))
        ax.set_xticks(list(xs), [str(m) for m in months])
        if len(series) > 1:
            ax.legend(loc="best", fontsize=8, frameon=False)

    return _render(draw)
