"""The report engine: any report kind rendered to HTML, Markdown, JSON, PDF and Word.

It knows no kind by name. A kind (:class:`weibao.report.kind.ReportKind`, one package in
:mod:`weibao.report.kinds`) gives its context (the data), its view (ordered lists for the
templates) and its file stem; the engine renders ``report_templates/<kind>/report.<fmt>.j2``
for ``html`` and ``md`` (they extend ``report_templates/shared/base.html.j2`` and use
``report_templates/shared/partials/``), dumps the context for ``json``, and turns the HTML into
``pdf`` and ``docx`` through :func:`weibao.report.formats.render_formats`. Files are named
``<file_stem>.<lang>.<ext>`` (``monthly-example-2026-11.zh-CN.html``,
``change-CR-2026-0001.en.pdf``).

Nothing is half-written: every output is rendered in memory and staged in a hidden folder
beside the outputs; only when all succeeded are they renamed into place (:func:`render_report`).
A template error, a bad context value or a PDF failure leaves no output file behind.

The output is deterministic: the same context gives the same bytes. The templates never ask for
the current time; the kinds order every list; mappings are iterated sorted; PDF and Word carry
the report's own date (:func:`report_date`), never the time of rendering.

Template variables: every key of ``context`` as given, plus ``lang`` (``en`` or ``zh-CN``),
``view`` (the kind's ``build_view(context)``).
"""

from __future__ import annotations

import contextlib
import functools
import html as htmllib
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from weibao.content import content_root
from weibao.errors import N_
from weibao.i18n import CATALOG_LOCALE, REPORT_DOMAIN, SUPPORTED, normalize_lang, translations
from weibao.report.base import ReportError, file_name_part, parse_time
from weibao.report.kind import ReportKind
from weibao.report.kinds import get_kind
from weibao.texts import area_title, check_name, finding_text

TEXT_FORMATS = ("html", "md", "json")
BINARY_FORMATS = ("pdf", "docx")  # weibao.report.formats.FORMATS: made from the HTML
FORMATS = TEXT_FORMATS + BINARY_FORMATS
EXTENSIONS = {fmt: fmt for fmt in FORMATS}

_KIND_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# The report's own date when its context records no time at all (zip's earliest date).
_NO_DATE = datetime(1980, 1, 1, tzinfo=UTC)


def templates_dir() -> Path:
    return content_root() / "report_templates"


# ----------------------------------------------------------------------------- filters


@pass_context
def format_time(ctx: jinja2.runtime.Context, value: Any, zone_name: str | None = None) -> str:
    """ISO-8601 UTC time -> ``YYYY-MM-DD HH:MM ZONE`` in the site's time zone.

    The zone is ``zone_name`` when given (a change window's own zone), else ``site.timezone``
    of the report context (IANA name, default ``UTC``); the abbreviation is the zone's own
    (``CST`` for Asia/Shanghai, ``UTC``). Empty -> ``—``.
    """
    if value is None or value == "":
        return "—"
    site = ctx.get("site") or {}
    zone = ZoneInfo(zone_name or site.get("timezone") or "UTC")
    local = parse_time(value).astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def _number_filter(babel_locale: str):
    def number(value: Any, grouping: bool = False) -> str:
        """A measured value for display: numbers localised (no grouping unless asked, at most
        three decimals), booleans ``true``/``false``, None ``—``, strings unchanged."""
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return format_decimal(value, format="#,##0" if grouping else "0", locale=babel_locale)
        if isinstance(value, float):
            if not math.isfinite(value):
                return str(value)
            pattern = "#,##0.###" if grouping else "0.###"
            return format_decimal(value, format=pattern, locale=babel_locale)
        return str(value)

    return number


def threshold_items(thresholds: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Threshold pairs in reading order: warning-like names, critical-like names, the rest;
    alphabetical within each group."""

    def rank(key: str) -> tuple[int, str]:
        low = key.lower()
        if "warn" in low:
            return (0, key)
        if "crit" in low:
            return (1, key)
        return (2, key)

    return sorted(thresholds.items(), key=lambda kv: rank(kv[0]))


_MD_ALWAYS = re.compile(r"([\\`*\[\]<>|~])")
_MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# Line starts that CommonMark would read as a heading, list item, setext underline or quote.
_MD_LEADING = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[+*-](?=\s|$)|\d{1,9}[.)](?=\s|$)|[=-]+\s*$)")


def _escape_leading(match: re.Match) -> str:
    indent, mark = match.group(1), match.group(2)
    if mark[0].isdigit():  # "1." -> "1\." (a backslash before a digit would be printed)
        return indent + mark[:-1] + "\\" + mark[-1]
    return indent + "\\" + mark


def md_escape(value: Any) -> str:
    """Plain text for an inline Markdown position (paragraph, list item, heading, table cell).

    Newlines become spaces; characters that would start markup, raw HTML, links, code or a
    table cell boundary are backslash-escaped (CommonMark), so ``<script>`` stays text.
    """
    if value is None:
        return "—"
    text = " ".join(str(value).split())
    text = _MD_ALWAYS.sub(r"\\\1", text)
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    return _MD_LEADING.sub(_escape_leading, text, count=1)


def md_code(lines: Any) -> str:
    """A fenced Markdown code block holding ``lines`` verbatim (the fence outgrows any run of
    backticks inside)."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    lines = [str(line) for line in lines]
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return "\n".join([fence + "text", *lines, fence])


def css_string(value: Any) -> Markup:
    """A quoted CSS string for ``content:`` in a <style> element (HTML autoescape would print
    entities there). Letters, digits, space, harmless ASCII punctuation and printable
    non-ASCII text (Chinese) stay as they are; everything else (quotes, backslash, ``<``,
    ``>``, ``&``, control characters) becomes a CSS hex escape."""
    out = []
    for char in str(value):
        if char.isascii():
            safe = char.isalnum() or char in " .,:;/()-_+=!?#%*'"
        else:
            safe = char.isprintable()
        if safe:
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return Markup('"' + "".join(out) + '"')  # noqa: S704 - every unsafe char is escaped above


def css_page_content(text: Any) -> Markup:
    """A translated page label with ``{page}`` / ``{pages}`` markers -> a CSS ``content`` value
    (strings plus ``counter(page)`` / ``counter(pages)``)."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", str(text)):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(str(css_string(piece)))
    return Markup(" ".join(parts) or '""')  # noqa: S704 - built from css_string pieces


def _localized_text(lang: str, field: str):
    """Filter: a finding's ``summary`` or ``recommendation`` in the report's language, times
    in the site's zone (weibao.texts.finding_text)."""
    @pass_context
    def text(ctx: jinja2.runtime.Context, finding: Mapping[str, Any]) -> str:
        site = ctx.get("site") or {}
        return finding_text(finding, field, lang, site.get("timezone") or "UTC")
    return text


def _none_as_dash(value: Any) -> Any:
    return "—" if value is None else value


# ----------------------------------------------------------------------------- environment


@functools.lru_cache(maxsize=16)
def _environment(template_dir: str, lang: str, fmt: str) -> Environment:
    """One Environment per (template folder, language, format); HTML autoescapes, Markdown
    does not (its templates escape data with the ``md`` filter)."""
    env = Environment(
        loader=FileSystemLoader(template_dir),
        undefined=StrictUndefined,
        autoescape=(fmt == "html"),  # noqa: S701 - Markdown escapes data with the md filter
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_none_as_dash,
        auto_reload=False,
    )
    env.policies["ext.i18n.trimmed"] = True  # must match babel.cfg
    env.install_gettext_translations(
        translations(Path(template_dir) / "locale", lang, REPORT_DOMAIN), newstyle=True
    )
    babel_locale = CATALOG_LOCALE.get(lang, "en")
    env.filters.update(
        format_time=format_time,
        number=_number_filter(babel_locale),
        threshold_items=threshold_items,
        md=md_escape,
        md_code=md_code,
        css_string=css_string,
        css_page_content=css_page_content,
        summary_text=_localized_text(lang, "summary"),
        recommendation_text=_localized_text(lang, "recommendation"),
        check_name=lambda check_id: check_name(check_id, lang),
        area_title=lambda area: area_title(area, lang),
    )
    return env


def clear_cache() -> None:
    """Forget cached Environments (templates are not reloaded from disk otherwise)."""
    _environment.cache_clear()


# ----------------------------------------------------------------------------- rendering


def _check_formats(formats: Iterable[str]) -> list[str]:
    if isinstance(formats, str):
        formats = [formats]
    wanted = list(dict.fromkeys(formats))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise ReportError(
            N_("report formats %(formats)s: expected one or more of %(expected)s"),
            formats=", ".join(map(repr, wanted)) or "''",
            expected=", ".join(FORMATS),
        )
    return wanted


def _kind(kind: str | ReportKind) -> ReportKind:
    """The kind itself, or the registry's kind of that name."""
    if isinstance(kind, ReportKind):
        return kind
    if not isinstance(kind, str) or not _KIND_RE.match(kind):
        raise ReportError(
            N_("report kind %(kind)r: expected a lower-case name such as 'monthly'"), kind=kind
        )
    return get_kind(kind)


def _lang(lang: str) -> str:
    try:
        return normalize_lang(lang)
    except ValueError as exc:
        raise ReportError(
            N_("report language %(lang)r: expected one of %(expected)s"),
            lang=lang,
            expected=", ".join(SUPPORTED),
        ) from exc


def render_to_strings(
    kind: str | ReportKind, context: Mapping[str, Any], lang: str, formats: Iterable[str]
) -> dict[str, str]:
    """Render the text formats (``html``, ``md``, ``json``) of a ``kind`` report in memory:
    {format: text}. ``pdf`` / ``docx`` are made from the HTML by :func:`render_report`."""
    report_kind = _kind(kind)
    lang = _lang(lang)
    wanted = _check_formats(formats)
    binary = [f for f in wanted if f in BINARY_FORMATS]
    if binary:
        raise ReportError(
            N_("report formats %(formats)s: expected one or more of %(expected)s"),
            formats=", ".join(map(repr, binary)),
            expected=", ".join(TEXT_FORMATS),
        )
    name = report_kind.name
    out: dict[str, str] = {}
    template_dir = str(templates_dir())
    view = None
    for fmt in wanted:
        try:
            if fmt == "json":
                document = {**context, "lang": lang}
                out[fmt] = json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
                continue
            if view is None:
                view = report_kind.build_view(context)
            env = _environment(template_dir, lang, fmt)
            template = env.get_template(f"{name}/report.{fmt}.j2")
            out[fmt] = template.render({**context, "lang": lang, "view": view})
        except ReportError:
            raise
        except jinja2.TemplateNotFound as exc:
            raise ReportError(
                N_("no %(fmt)s template for report kind %(kind)r (%(name)s in %(folder)s)"),
                fmt=fmt,
                kind=name,
                name=exc.name,
                folder=template_dir,
            ) from exc
        except (jinja2.TemplateError, LookupError, TypeError, ValueError, OSError) as exc:
            # LookupError: a missing key (KeyError), an unknown time zone, a missing catalog
            # is FileNotFoundError (OSError)
            raise ReportError(
                N_("cannot render the %(kind)s report as %(fmt)s (%(lang)s): %(reason)s"),
                kind=name,
                fmt=fmt,
                lang=lang,
                reason=f"{type(exc).__name__}: {exc}",
            ) from exc
    return out


def file_stem(kind: str | ReportKind, context: Mapping[str, Any]) -> str:
    """The kind's file stem of ``context``, checked to be a safe file name."""
    report_kind = _kind(kind)
    try:
        stem = report_kind.file_stem(context)
    except (KeyError, TypeError) as exc:
        raise ReportError(
            N_("the report context lacks what its file name is made of (%(reason)s)"),
            reason=f"{type(exc).__name__}: {exc}",
        ) from exc
    return file_name_part("file name", stem)


def output_name(kind: str | ReportKind, context: Mapping[str, Any], lang: str, fmt: str) -> str:
    """``<file_stem>.<lang>.<ext>``, e.g. ``monthly-example-2026-11.zh-CN.html`` or
    ``change-CR-2026-0001.zh-CN.pdf``."""
    return f"{file_stem(kind, context)}.{_lang(lang)}.{EXTENSIONS[fmt]}"


def _times(value: Any, depth: int = 0) -> Iterable[datetime]:
    """Every ISO time under the keys ``generated_at``, ``ended_at``, ``started_at``, ``time``
    of ``value`` (lists and mappings, three levels deep)."""
    if depth > 3:
        return
    if isinstance(value, Mapping):
        for key in ("generated_at", "ended_at", "started_at", "time"):
            text = value.get(key)
            if isinstance(text, str) and text:
                with contextlib.suppress(ValueError):
                    yield parse_time(text)
        for key in sorted(value, key=str):
            if isinstance(value[key], (Mapping, list)):
                yield from _times(value[key], depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _times(item, depth + 1)


def report_date(context: Mapping[str, Any]) -> datetime:
    """The report's own date, the only time in its PDF and Word files: the context's
    ``generated_at`` when it gives one, else the latest time it records (its runs' starts and
    ends, audit entries), else its ``period_end`` (end of that day, UTC), else 1980-01-01.
    Never the time of rendering: the same context gives the same bytes."""
    given = context.get("generated_at")
    if isinstance(given, str) and given:
        try:
            return parse_time(given)
        except ValueError:
            pass
    found = list(_times(context))
    if found:
        return max(found)
    end = context.get("period_end")
    if isinstance(end, str) and end:
        try:
            return datetime.fromisoformat(end).replace(hour=23, minute=59, second=59, tzinfo=UTC)
        except ValueError:
            pass
    return _NO_DATE


_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def document_title(html: str, kind: ReportKind, lang: str) -> str:
    """The title of the PDF and Word files (their running header and metadata): the HTML's
    own ``<title>`` (the template's ``title`` block: the report, the client, the period or
    the id), else the kind's title in ``lang``."""
    match = _TITLE_RE.search(html)
    title = " ".join(htmllib.unescape(match.group(1)).split()) if match else ""
    return title or kind.title_in(lang)


def render_report(
    kind: str | ReportKind,
    context: Mapping[str, Any],
    lang: str,
    formats: Iterable[str],
    out_dir: Path,
    *,
    template: Path | None = None,
) -> list[Path]:
    """Render a ``kind`` report of ``context`` in ``lang`` into ``out_dir``.

    ``kind``: a :class:`ReportKind` or a kind's name. ``formats``: any of ``html``, ``md``,
    ``json``, ``pdf``, ``docx`` (duplicates ignored; PDF and Word are made from the HTML).
    ``template``: the Word template (the site's letterhead .docx; weibao's plain default when
    None). Returns the written paths in the order of ``formats``.

    The text formats are rendered in memory first (a bad argument or context touches no
    disk); then every file is written into a hidden folder in ``out_dir`` (PDF and Word by
    :func:`weibao.report.formats.render_formats`), and only when all are there are they
    renamed into place (same file system: each rename is atomic) and the folder removed.
    Raises :class:`ReportError` when an argument is wrong, the context lacks a key a
    template needs, a template or a format engine fails; then nothing is written (an older
    report of the same name stays as it was).
    """
    report_kind = _kind(kind)
    lang = _lang(lang)
    wanted = _check_formats(formats)
    binary = [f for f in wanted if f in BINARY_FORMATS]
    text_wanted = [f for f in wanted if f in TEXT_FORMATS]
    if binary and "html" not in text_wanted:
        text_wanted.append("html")  # the PDF and Word files are made from it
    texts = render_to_strings(report_kind, context, lang, text_wanted)
    names = {fmt: output_name(report_kind, context, lang, fmt) for fmt in wanted}
    out_dir = Path(out_dir)
    made_dir = not out_dir.exists()
    stage: Path | None = None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".weibao-report-", dir=out_dir))
        for fmt in wanted:
            if fmt in TEXT_FORMATS:
                (stage / names[fmt]).write_bytes(texts[fmt].encode("utf-8"))
        if binary:
            from weibao.report.formats import render_formats

            render_formats(texts["html"], stage / f"{file_stem(report_kind, context)}.{lang}",
                           binary, lang, document_title(texts["html"], report_kind, lang),
                           report_date(context), template=template)
        for fmt in wanted:
            os.replace(stage / names[fmt], out_dir / names[fmt])
        done = True
    except OSError as exc:
        done = False
        raise ReportError(
            N_("cannot write the report into %(folder)s: %(reason)s"),
            folder=str(out_dir),
            reason=exc.strerror or str(exc),
        ) from exc
    except BaseException:
        done = False
        raise
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        if made_dir and not done:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only when empty: the folder this call made
    return [out_dir / names[fmt] for fmt in wanted]
