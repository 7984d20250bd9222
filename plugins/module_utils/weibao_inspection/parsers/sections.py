# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every area's ``parse_sources`` shares: a raw source becomes a data section, or a
failure section ``{"error": message, "cause": cause}`` saying why it holds no data.

A collector hands over each source as its text, or as ``{"error": message, "cause": ...}``
when it could not gather it; a parser raises :class:`ParseError` (with a catalogue message)
on text it does not understand. :func:`parse_source` turns either into a section the rules
read with ``rules.common.section_failure``.
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection.messages import msg, render


class ParseError(ValueError):
    """The text is empty, truncated or in a format this parser does not know.

    ``message`` says why, as a message (key + parameters, both languages in the catalogue);
    ``str(exc)`` is its English text.
    """

    def __init__(self, key, **params):
        self.message = msg(key, **params)
        super().__init__(render(self.message, "en"))


def failure(value, cause="source_unreadable"):
    """A raw source that could not be gathered (its own fields kept), or a ParseError, as a
    failure section; ``cause`` when the source names none (findings.CAUSES)."""
    if isinstance(value, ParseError):
        return {"error": value.message, "cause": "not_understood"}
    section = dict(value)
    section["cause"] = value.get("cause") or cause
    return section


def is_failure(value):
    return isinstance(value, dict) and "error" in value


def parse_source(raw, key, parser):
    """The parsed source ``key`` of ``raw``, a failure section, or None when absent."""
    value = raw.get(key)
    if value is None:
        return None
    if is_failure(value):
        return failure(value)
    try:
        return parser(value)
    except ParseError as exc:
        return failure(exc)
