"""Render a report (monthly inspection, later quarterly, change ...) to HTML, Markdown and JSON.

``render_report(kind, context, lang, formats, out_dir)`` renders the template
``report_templates/<kind>.<fmt>.j2`` for each requested format (JSON is the context itself) and
writes ``<kind>-<site>-<period>.<lang>.<ext>`` into ``out_dir`` (or ``<file_stem>.<lang>.<ext>``
when the context gives ``file_stem``, as the change record does: ``change-CR-2026-0001``).
Everything is rendered to strings first; only then are the files written (temp file +
``os.replace``), so a template error leaves no output file behind.

The output is deterministic: the same context gives the same bytes. The templates never ask for
the current time; lists are put in a fixed order here (hosts by name, findings worst first in
:data:`STATUS_ORDER`); mappings are iterated sorted.

Template variables: every key of ``context`` as given, plus ``lang`` (``en`` or ``zh-CN``) and
``view`` (the ordered lists described in :func:`build_view`; for the change record
:func:`weibao.report.change.build_change_view`).
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
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
from weibao.report.aix import aix_view
from weibao.report.aix import asset_entry as aix_asset_entry
from weibao.report.base import ReportError, parse_time
from weibao.report.change import build_change_view
from weibao.report.environment import environment_view
from weibao.report.hardware import hardware_view
from weibao.report.network import asset_entry, network_view
from weibao.statuses import FINDING_STATUSES, HOST_STATES, ORDER
from weibao.texts import area_title, check_name, finding_text

FORMATS = ("html", "md", "json")
EXTENSIONS = {"html": "html", "md": "md", "json": "json"}

# Finding statuses worst first and host states: weibao.statuses, the one place they live.
# Everything but "inspected" is shown as not (fully) inspected.
STATUS_ORDER = FINDING_STATUSES
_RANK = ORDER

# What may appear in an output file name (the site name and period come from the inventory).
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_KIND_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def templates_dir() -> Path:
    return content_root() / "report_templates"


# ----------------------------------------------------------------------------- ordering


def _finding_key(finding: Mapping[str, Any]):
    status = finding["status"]
    if status not in _RANK:
        raise ReportError(
            N_("finding %(check)s on %(host)s: status %(status)r is not one of %(expected)s"),
            check=finding.get("check_id"),
            host=finding.get("host"),
            status=status,
            expected=", ".join(STATUS_ORDER),
        )
    return (
        _RANK[status],
        str(finding.get("host", "")),
        str(finding["check_id"]),
        str(finding.get("component", "")),
    )


def build_view(context: Mapping[str, Any]) -> dict[str, Any]:
    """Ordered lists for the templates, computed once and independent of input order.

    ``hosts``            hosts by name, each with its ``findings`` worst first (and
                         ``worst_status`` / ``counts`` computed from them when not given)
    ``findings``         all findings worst first, then host, check id, component (appendix)
    ``recommendations``  the same order
    ``not_inspected``    hosts whose status is not ``inspected`` (unreachable, failed), by name
    ``statuses``         status names worst first (:data:`STATUS_ORDER`)
    ``first_started`` / ``last_ended``  earliest start and latest end over ``runs`` (or None)
    ``environment``      per BMC: sensor summary, new hardware events, absent sensors, what
                         is not OK (:func:`weibao.report.environment.environment_view`)
    ``hardware``         per host: disks, RAID, volumes, tape, links, arrays by area and
                         component, with what changed since the previous inspection
                         (:func:`weibao.report.hardware.hardware_view`)
    ``network``          per network device: model, serial, software, its findings by part,
                         what changed since the previous inspection and its configuration
                         archive record (:func:`weibao.report.network.network_view`)
    ``aix``              {hosts: per AIX host its error log, patch level, volume groups,
                         devices, mksysb and performance; hmcs: per HMC its managed systems
                         and open serviceable events} (:func:`weibao.report.aix.aix_view`)

    Each host's ``asset`` is its asset register row: a network device's model, serial and
    software filled from what it reported where the inventory gives none, mismatches flagged
    (:func:`weibao.report.network.asset_entry`); an AIX host's model, serial, firmware and
    AIX level likewise (:func:`weibao.report.aix.asset_entry`).
    """

    def ordered(findings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        return sorted(findings, key=_finding_key)

    hosts = []
    for host in sorted(context["hosts"], key=lambda h: str(h["name"])):
        if host["status"] not in HOST_STATES:
            raise ReportError(
                N_("host %(host)s: status %(status)r is not one of %(expected)s"),
                host=host["name"],
                status=host["status"],
                expected=", ".join(HOST_STATES),
            )
        findings = ordered(host.get("findings") or [])
        computed_counts = dict.fromkeys(STATUS_ORDER, 0)
        for finding in findings:
            computed_counts[finding["status"]] += 1
        computed_worst = findings[0]["status"] if findings else None
        hosts.append(
            {
                **host,
                "asset": aix_asset_entry(host, asset_entry(host)),
                "findings": findings,
                "worst_status": host.get("worst_status") or computed_worst,
                "counts": host.get("counts") or computed_counts,
            }
        )

    runs = context["runs"]
    starts = [r["started_at"] for r in runs if r.get("started_at")]
    ends = [r["ended_at"] for r in runs if r.get("ended_at")]
    return {
        "hosts": hosts,
        "findings": ordered(context["findings"]),
        "recommendations": ordered(context["recommendations"]),
        "not_inspected": [h for h in hosts if h["status"] != "inspected"],
        "statuses": list(STATUS_ORDER),
        "first_started": min(starts, key=parse_time) if starts else None,
        "last_ended": max(ends, key=parse_time) if ends else None,
        "environment": environment_view(hosts),
        "hardware": hardware_view(hosts),
        "network": network_view(hosts),
        "aix": aix_view(hosts),
    }


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


def _check_name(what: str, value: Any) -> str:
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise ReportError(
            N_(
                "%(what)s %(value)r cannot be used in a file name (letters, digits, '.', '_' "
                "and '-', not starting with a dot)"
            ),
            what=what,
            value=value,
        )
    return value


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


def _view_builder(kind: str):
    """The function that orders and checks a ``kind`` report's data (:func:`build_view` for
    the inspection reports)."""
    if kind == "change":
        return build_change_view
    return build_view


def render_to_strings(
    kind: str, context: Mapping[str, Any], lang: str, formats: Iterable[str]
) -> dict[str, str]:
    """Render ``formats`` of a ``kind`` report in memory: {format: text}."""
    if not isinstance(kind, str) or not _KIND_RE.match(kind):
        raise ReportError(
            N_("report kind %(kind)r: expected a lower-case name such as 'monthly'"), kind=kind
        )
    try:
        lang = normalize_lang(lang)
    except ValueError as exc:
        raise ReportError(
            N_("report language %(lang)r: expected one of %(expected)s"),
            lang=lang,
            expected=", ".join(SUPPORTED),
        ) from exc
    wanted = _check_formats(formats)

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
                view = _view_builder(kind)(context)
            env = _environment(template_dir, lang, fmt)
            template = env.get_template(f"{kind}.{fmt}.j2")
            out[fmt] = template.render({**context, "lang": lang, "view": view})
        except ReportError:
            raise
        except jinja2.TemplateNotFound as exc:
            raise ReportError(
                N_("no %(fmt)s template for report kind %(kind)r (%(name)s in %(folder)s)"),
                fmt=fmt,
                kind=kind,
                name=exc.name,
                folder=template_dir,
            ) from exc
        except (jinja2.TemplateError, LookupError, TypeError, ValueError, OSError) as exc:
            # LookupError: a missing key (KeyError), an unknown time zone, a missing catalog
            # is FileNotFoundError (OSError)
            raise ReportError(
                N_("cannot render the %(kind)s report as %(fmt)s (%(lang)s): %(reason)s"),
                kind=kind,
                fmt=fmt,
                lang=lang,
                reason=f"{type(exc).__name__}: {exc}",
            ) from exc
    return out


def output_name(kind: str, context: Mapping[str, Any], lang: str, fmt: str) -> str:
    """``<kind>-<site>-<period>.<lang>.<ext>``, e.g. ``monthly-example-2026-11.zh-CN.html``;
    ``<file_stem>.<lang>.<ext>`` when the context gives ``file_stem`` (a report about one
    thing rather than a site and period: ``change-CR-2026-0001.zh-CN.html``)."""
    if "file_stem" in context:
        stem = _check_name("file stem", context["file_stem"])
        return f"{stem}.{normalize_lang(lang)}.{EXTENSIONS[fmt]}"
    try:
        site = context["site"]["name"]
        period = context["period"]
    except (KeyError, TypeError) as exc:
        raise ReportError(
            N_("the report context lacks site.name or period (%(reason)s)"),
            reason=f"{type(exc).__name__}: {exc}",
        ) from exc
    return (
        f"{_check_name('report kind', kind)}-{_check_name('site name', site)}-"
        f"{_check_name('period', period)}.{normalize_lang(lang)}.{EXTENSIONS[fmt]}"
    )


def _stage(out_dir: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a new hidden temp file in ``out_dir`` (mode 0o666 & ~umask)."""
    for attempt in range(100):
        tmp = out_dir / f".{name}.{os.getpid()}-{attempt}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as fileobj:
                fileobj.write(data)
                fileobj.flush()
                os.fsync(fileobj.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp
    raise FileExistsError(f"no free temporary file name for {out_dir / name}")


def _write_all(out_dir: Path, files: dict[str, str]) -> list[Path]:
    """Write {file name: text} into out_dir: all temp files first, then os.replace each."""
    staged: list[tuple[Path, Path]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            staged.append((_stage(out_dir, name, text.encode("utf-8")), out_dir / name))
        for tmp, final in staged:
            os.replace(tmp, final)
    except OSError as exc:
        for tmp, _final in staged:
            tmp.unlink(missing_ok=True)
        raise ReportError(
            N_("cannot write the report into %(folder)s: %(reason)s"),
            folder=str(out_dir),
            reason=exc.strerror or str(exc),
        ) from exc
    except BaseException:
        for tmp, _final in staged:
            tmp.unlink(missing_ok=True)
        raise
    return [final for _tmp, final in staged]


def render_report(
    kind: str, context: dict, lang: str, formats: list[str], out_dir: Path
) -> list[Path]:
    """Render a ``kind`` report of ``context`` in ``lang`` into ``out_dir``.

    ``formats``: any of ``html``, ``md``, ``json`` (duplicates ignored). Returns the written
    paths in the order of ``formats``. Raises :class:`ReportError` when an argument is wrong,
    the context lacks a key a template needs, or a template fails; then nothing is written.
    """
    texts = render_to_strings(kind, context, lang, formats)
    names = {output_name(kind, context, lang, fmt): text for fmt, text in texts.items()}
    return _write_all(Path(out_dir), names)
