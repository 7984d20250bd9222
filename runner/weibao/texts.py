"""A finding's words in a language and time zone, and a check's name: for the reports, for
``weibao findings`` and for ``weibao judge``.

A finding made by the catalogue's messages (``message``) is rendered again here, in the
language asked for and with times in the site's zone. An older finding (no ``message``)
shows the text its module wrote in that language (``translations``), else its English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import MessageError, render  # noqa: E402


def finding_text(finding: Mapping[str, Any], field: str, lang: str = "en",
                 tz: str | None = None) -> str:
    """``summary`` or ``recommendation`` of ``finding`` in ``lang`` (``en``, ``zh-CN``)."""
    message = (finding.get("message") or {}).get(field)
    if message:
        try:
            return render(message, lang, tz)
        except MessageError:
            pass  # a key a newer or older catalogue lacks: the stored words below
    if lang != "en":
        texts = (finding.get("translations") or {}).get(lang) or {}
        if texts.get(field):
            return texts[field]
    return finding.get(field) or ""


def check_name(check_id: str, lang: str = "en") -> str:
    return catalogue.check_name(check_id, lang)


def area_title(area: str, lang: str = "en") -> str:
    entry = catalogue.AREAS.get(area)
    if entry is None:
        return area
    return entry.title_zh if lang == "zh-CN" else entry.title
