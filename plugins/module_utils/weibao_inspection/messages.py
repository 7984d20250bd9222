# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Messages: rules say *what* (a key and its parameters), the catalogue says it in words.

A rule never writes prose. It returns ``msg("system.memory.used", used=96.2, ...)``; the
English and Simplified Chinese text of every key live side by side in the catalogue
(``catalogue/<area>.py``, ``MESSAGES``) and :func:`render` turns a message into either
language, with times in the site's time zone. A finding keeps its message (key and
parameters) so that a report renders it again in its own language and zone.

Templates are :meth:`str.format` strings. Besides the usual format specs, a field may say:

``{x:q}``           a tool's or the host's own text, verbatim: "x" in English, “x” in Chinese
``{x:time}``        an ISO-8601 time (UTC when naive) shown in the zone:
                    ``YYYY-MM-DD HH:MM:SS TZ``
``{x:date}``        the same, the date only
``{x:dur}``         seconds as a duration: ``3 d 4 h`` / ``3 天 4 小时``
``{x:bytes}``       a size in bytes: ``1.5 GiB``
``{x:pct}``         a percentage: ``85.0 %`` / ``85.0%``
``{x:list}``        a list joined: ``a, b`` / ``a、b`` (each item rendered, messages too)
``{x:check}``       a check id, shown as the check's name in the catalogue (``NVMe health``,
                    ``NVMe 健康状态``)
``{x:pl:one:many}`` a count and an English noun in its number (``1 update``, ``2 updates``);
                    Chinese templates write the count and the measure word themselves

A parameter may itself be a message (a dict with ``key`` and ``params``): it is rendered in
the same language. That is how a reason (why a source could not be read) travels from a
collector or a parser into a rule's finding without ever being English-only.

Python 3.8-compatible: this module ships to managed hosts with the modules.
"""

from __future__ import annotations

import datetime
import string

LANGS = ("en", "zh-CN")


class MessageError(ValueError):
    """A message names a key the catalogue does not have, or lacks a parameter."""


def msg(key, **params):
    """A message: the key of its text in the catalogue and the values it shows."""
    return {"key": key, "params": params}


def is_message(value):
    return isinstance(value, dict) and isinstance(value.get("key"), str) \
        and isinstance(value.get("params", {}), dict)


def _catalogue():
    from ansible.module_utils.weibao_inspection.catalogue import MESSAGES
    return MESSAGES


def _parse_time(value):
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    when = datetime.datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when


def _zone(tz):
    if tz is None or tz in ("", "UTC", "Etc/UTC"):
        return datetime.timezone.utc
    if isinstance(tz, datetime.tzinfo):
        return tz
    try:
        from zoneinfo import ZoneInfo  # Python 3.9+; the controller always has it
    except ImportError:  # pragma: no cover - Python 3.8 hosts render in UTC
        return datetime.timezone.utc
    return ZoneInfo(str(tz))


def _duration(seconds, lang):
    day, hour, minute, second = ("天", "小时", "分钟", "秒") if lang == "zh-CN" \
        else ("d", "h", "min", "s")
    seconds = int(seconds)
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} {day} {hours} {hour}"
    if hours:
        return f"{hours} {hour} {minutes} {minute}"
    if minutes:
        return f"{minutes} {minute}"
    return f"{secs} {second}"


def _size(num_bytes):
    value = float(num_bytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} PiB"  # pragma: no cover


class _Formatter(string.Formatter):
    def __init__(self, lang, tz):
        super().__init__()
        self.lang = lang
        self.tz = tz

    def item(self, value):
        if is_message(value):
            return render(value, self.lang, self.tz)
        return str(value)

    def format_field(self, value, format_spec):
        spec, _, rest = format_spec.partition(":")
        if is_message(value):
            return render(value, self.lang, self.tz)
        if spec == "q":
            text = " ".join(str(value).split())
            return f"“{text}”" if self.lang == "zh-CN" else f'"{text}"'
        if spec in ("time", "date"):
            try:
                when = _parse_time(value).astimezone(_zone(self.tz))
            except (TypeError, ValueError):
                return str(value)  # not a time: shown as it is, never dropped
            if spec == "date":
                return when.strftime("%Y-%m-%d")
            return when.strftime("%Y-%m-%d %H:%M:%S ") + (when.tzname() or "UTC")
        if spec == "dur":
            return _duration(value, self.lang)
        if spec == "bytes":
            return _size(value)
        if spec == "pct":
            return f"{float(value):.1f}%" if self.lang == "zh-CN" else f"{float(value):.1f} %"
        if spec == "list":
            sep = "、" if self.lang == "zh-CN" else ", "
            return sep.join(self.item(v) for v in (value or []))
        if spec == "check":  # a check id, shown as the catalogue's name of the check
            from ansible.module_utils.weibao_inspection import catalogue
            return catalogue.check_name(str(value), self.lang)
        if spec == "pl":
            one, _, many = rest.partition(":")
            return f"{value} {one if value == 1 else (many or one + 's')}"
        if is_message(value):
            return render(value, self.lang, self.tz)
        return super().format_field(value, format_spec)


def template(key, lang="en"):
    """The raw template of ``key`` in ``lang``; MessageError when the catalogue lacks it."""
    texts = _catalogue().get(key)
    if texts is None:
        raise MessageError(f"message {key!r} is not in the catalogue")
    if lang not in LANGS:
        raise MessageError(f"language {lang!r} is not one of {', '.join(LANGS)}")
    return texts[LANGS.index(lang)]


def render(message, lang="en", tz=None):
    """The text of ``message`` in ``lang`` (``en`` or ``zh-CN``), times in zone ``tz``."""
    if message is None:
        return ""
    if isinstance(message, str):  # text that is already words (an older finding)
        return message
    if not is_message(message):
        raise MessageError(f"not a message: {message!r}")
    text = template(message["key"], lang)
    try:
        return _Formatter(lang, tz).format(text, **message.get("params", {}))
    except (KeyError, IndexError) as exc:
        raise MessageError(f"message {message['key']!r}: parameter {exc} missing") from None
    except (TypeError, ValueError) as exc:
        raise MessageError(f"message {message['key']!r}: {exc}") from None


def fields(text):
    """The parameter names a template uses."""
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(text) if name}


def collect_keys(message):
    """Every key a message uses, nested ones included (for tests and checks)."""
    keys = []
    if is_message(message):
        keys.append(message["key"])
        for value in message.get("params", {}).values():
            keys.extend(collect_keys(value))
    elif isinstance(message, (list, tuple)):
        for value in message:
            keys.extend(collect_keys(value))
    return keys
