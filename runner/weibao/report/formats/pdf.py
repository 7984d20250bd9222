"""Report HTML -> PDF with WeasyPrint (A4, CJK font embedded, page numbers, repeating headers).

:func:`html_to_pdf` takes the self-contained HTML of any report. The page rules come from
``report_templates/print.css`` (A4, tables that fit the page, header rows that repeat, rows
not split) and :func:`page_css` (the running header with the report title, the footer
"第 N 页，共 M 页" / "Page N of M"); both are inserted as the last ``<style>`` of the document's
head, so they win over the report's own screen rules.

What the measurements in ``../shared/notes/reports.md`` decided:

- the CJK family (Noto Sans CJK SC) is named first, and ``lang`` is set on the document too;
- a missing CJK font does not stop WeasyPrint: it draws ``.notdef`` boxes and logs a warning.
  Here that warning is an error: :class:`~weibao.report.base.ReportError`, nothing written;
- the same HTML, title and ``created`` give the same bytes: the PDF carries no time but
  ``created`` (the report's own date, never "now"); fonts and WeasyPrint are pinned;
- only ``file:`` and ``data:`` URLs are fetched (a report never reaches the network).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from weibao.content import content_root
from weibao.errors import N_
from weibao.report.base import ReportError
from weibao.report.formats.common import atomic_output, check_lang, translate

_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_BODY_TAG = re.compile(r"<body\b", re.IGNORECASE)
_HAS_LANG = re.compile(r"\blang\s*=", re.IGNORECASE)
_NOTDEF = ".notdef glyph"


def print_css_path() -> Path:
    return content_root() / "report_templates" / "print.css"


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: quotes, backslashes, newlines and ``<`` escaped (the
    value ends up inside a ``<style>`` element, where ``</style>`` would end it)."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def page_css(*, lang: str, title: str) -> str:
    """The ``@page`` margin boxes: the title at the top (not on the first page, the cover),
    "Page N of M" in the report's language at the bottom."""
    label = translate(lang, N_("Page {page} of {pages}"))
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", label):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    footer = " ".join(parts)
    return (
        "@page {\n"
        f"  @top-left {{ content: {css_string(title)}; font-size: 7.5pt; color: #555; }}\n"
        f"  @bottom-center {{ content: {footer}; font-size: 7.5pt; color: #555; }}\n"
        "}\n"
        "@page :first { @top-left { content: none; } }\n"
    )


def prepare_html(html: str, *, lang: str, title: str) -> str:
    """The report HTML with the print rules as the head's last ``<style>`` and ``lang`` on
    ``<html>`` when the document sets none (a ``<meta charset>`` is added when missing: without
    it WeasyPrint reads the bytes as cp1252)."""
    css = print_css_path().read_text(encoding="utf-8") + "\n" + page_css(lang=lang, title=title)
    head_extra = f"<style>\n{css}</style>\n"
    if not re.search(r"<meta\s+charset", html, re.IGNORECASE):
        head_extra = '<meta charset="utf-8">\n' + head_extra
    match = _HEAD_END.search(html)
    if match:
        html = html[: match.start()] + head_extra + html[match.start():]
    else:
        body = _BODY_TAG.search(html)
        at = body.start() if body else 0
        html = html[:at] + f"<head>{head_extra}</head>\n" + html[at:]
    tag = _HTML_TAG.search(html)
    if tag and not _HAS_LANG.search(tag.group(0)):
        html = html[: tag.end() - 1] + f' lang="{lang}"' + html[tag.end() - 1:]
    return html


def iso_created(created: datetime) -> str:
    """``created`` as the PDF's creation time (UTC, whole seconds); a naive time is UTC."""
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if _NOTDEF in message:
            self.missing.append(message)


def pdf_bytes(
    html: str, *, lang: str, title: str, created: datetime, base_url: str | None = None
) -> bytes:
    """The PDF of ``html`` as bytes (see :func:`html_to_pdf`)."""
    import weasyprint  # slow import (~1 s): only when a PDF is asked for

    lang = check_lang(lang)
    fetcher = weasyprint.URLFetcher(allowed_protocols={"file", "data"})
    document = weasyprint.HTML(
        string=prepare_html(html, lang=lang, title=title),
        base_url=base_url,
        url_fetcher=fetcher,
    )
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        rendered = document.render()
        rendered.metadata.title = title
        rendered.metadata.lang = lang
        rendered.metadata.created = iso_created(created)
        rendered.metadata.modified = None
        rendered.metadata.generator = "weibao"
        data = rendered.write_pdf()
    finally:
        logger.removeHandler(collect)
    if collect.missing:
        raise ReportError(
            N_(
                "PDF: no font has the glyphs of this text (%(detail)s); install a CJK font "
                "(Debian: fonts-noto-cjk)"
            ),
            detail=collect.missing[0],
        )
    return data


def html_to_pdf(
    html: str,
    out: Path,
    *,
    lang: str,
    title: str,
    created: datetime,
    base_url: str | None = None,
) -> Path:
    """Write the PDF of the report ``html`` to ``out`` (temp file + rename: nothing is left
    half-written when rendering fails).

    ``lang`` (``en`` / ``zh-CN``) picks the footer's language and is the PDF's /Lang;
    ``title`` is the running header and the PDF's title; ``created`` (the report's own date)
    is the PDF's only time stamp. ``base_url`` resolves relative ``file:`` references (reports
    are self-contained: None).
    """
    data = pdf_bytes(html, lang=lang, title=title, created=created, base_url=base_url)
    with atomic_output(Path(out)) as tmp:
        tmp.write_bytes(data)
    return Path(out)
