"""Report formats beyond HTML/Markdown/JSON: PDF (WeasyPrint), Word (python-docx), charts.

The engines take the finished, self-contained HTML of any report kind and know nothing about
the kind: :func:`weibao.report.formats.pdf.html_to_pdf`,
:func:`weibao.report.formats.docx.html_to_docx`; charts for the templates come from
:mod:`weibao.report.formats.charts`. :func:`render_formats` writes several at once, all or
nothing. Each engine imports its library only when used (WeasyPrint alone takes ~1 s).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from weibao.errors import N_
from weibao.report.base import ReportError
from weibao.report.formats.common import temp_beside

FORMATS = ("pdf", "docx")


def render_formats(
    html: str,
    out_base: Path,
    formats: Iterable[str],
    lang: str,
    title: str,
    created: datetime,
    *,
    template: Path | None = None,
) -> list[Path]:
    """Write ``<out_base>.pdf`` and/or ``<out_base>.docx`` from the report ``html``.

    ``out_base`` is the path without the extension (``reports/monthly-site-2026-11.zh-CN``:
    the extension is appended, never substituted). Every format is rendered first, into
    temporary files beside the outputs; only when all succeeded are they renamed into place,
    so a failure leaves no output file new or half-written. ``template``: the site's Word
    template (see :func:`weibao.report.formats.docx.html_to_docx`). Returns the paths written,
    in :data:`FORMATS` order.
    """
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ReportError(
            N_("unknown report format %(format)r: expected %(expected)s"),
            format=unknown[0],
            expected=", ".join(FORMATS),
        )
    out_base = Path(out_base)
    rendered: list[tuple[Path, bytes]] = []
    for fmt in FORMATS:
        if fmt not in wanted:
            continue
        if fmt == "pdf":
            from weibao.report.formats.pdf import pdf_bytes

            data = pdf_bytes(html, lang=lang, title=title, created=created)
        else:
            from weibao.report.formats.docx import docx_bytes

            data = docx_bytes(html, lang=lang, title=title, created=created, template=template)
        rendered.append((out_base.with_name(f"{out_base.name}.{fmt}"), data))
    # write every temp file, then rename them all: a failed write removes what it began
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in rendered:
            tmp = temp_beside(path)
            staged.append((tmp, path))
            tmp.write_bytes(data)
            os.chmod(tmp, 0o644)
    except BaseException:
        for tmp, _path in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
    return [path for _tmp, path in staged]
