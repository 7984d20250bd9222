"""Languages and message catalogs (English and Simplified Chinese).

weibao keeps only the human-edited ``.po`` catalogs in the repository. They are compiled in
memory on first use (``babel.messages.pofile.read_po`` + ``mofile.write_mo``), so there is no
``.mo`` file to forget to rebuild. Two domains exist:

``messages``  the report templates, ``report_templates/locale/<locale>/LC_MESSAGES/messages.po``
``weibao``    the command-line messages, ``runner/weibao/locale/<locale>/LC_MESSAGES/weibao.po``

English is the source language: it needs no catalog. For any other supported language a missing
catalog is an error, never a silent fall-back to English.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

SUPPORTED = ("en", "zh-CN")
DEFAULT_LANG = "en"

# weibao language tag -> catalog folder name (gettext/Babel locale identifier)
CATALOG_LOCALE = {"zh-CN": "zh_CN"}

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
CLI_DOMAIN = "weibao"
REPORT_DOMAIN = "messages"

# Normalised spellings (lower case, '-' as separator, no encoding or modifier) per language.
_ALIASES = {
    "en": "en",
    "zh": "zh-CN",
    "zh-cn": "zh-CN",
    "zh-hans": "zh-CN",
    "zh-hans-cn": "zh-CN",
}


def normalize_lang(value: str) -> str:
    """Map a language tag or POSIX locale to one of :data:`SUPPORTED`.

    ``en``, ``en_US``, ``en_GB.UTF-8`` -> ``"en"``; ``zh``, ``zh_CN``, ``zh-CN``,
    ``zh_CN.UTF-8``, ``zh-Hans`` -> ``"zh-CN"``. Anything else (including Traditional Chinese,
    ``zh_TW``) raises ``ValueError``.
    """
    if not isinstance(value, str):
        raise ValueError(f"unsupported language {value!r}: expected one of {', '.join(SUPPORTED)}")
    key = value.strip().split(".", 1)[0].split("@", 1)[0].replace("_", "-").lower()
    lang = _ALIASES.get(key)
    if lang is None and key.startswith("en-") and len(key) > 3:
        lang = "en"  # any English region: the report text is the same
    if lang is None:
        raise ValueError(f"unsupported language {value!r}: expected one of {', '.join(SUPPORTED)}")
    return lang


def catalog_path(domain_dir: Path, lang: str, domain: str = REPORT_DOMAIN) -> Path:
    """Where the ``.po`` catalog of ``domain`` for ``lang`` lives (for non-English languages)."""
    lang = normalize_lang(lang)
    if lang not in CATALOG_LOCALE:
        raise ValueError(f"{lang} is the source language; it has no catalog")
    return Path(domain_dir) / CATALOG_LOCALE[lang] / "LC_MESSAGES" / f"{domain}.po"


def translations(domain_dir: Path, lang: str, domain: str = REPORT_DOMAIN) -> NullTranslations:
    """Translations for ``lang`` from ``<domain_dir>/<locale>/LC_MESSAGES/<domain>.po``.

    English returns :class:`babel.support.NullTranslations` (the source strings). Other
    languages compile the ``.po`` in memory; fuzzy entries are left out, as ``pybabel compile``
    does. A missing catalog raises ``FileNotFoundError``. Results are cached per
    (folder, language, domain); :func:`clear_cache` forgets them.
    """
    lang = normalize_lang(lang)
    return _translations(str(Path(domain_dir).resolve()), lang, domain)


@functools.lru_cache(maxsize=32)
def _translations(domain_dir: str, lang: str, domain: str) -> NullTranslations:
    if lang == DEFAULT_LANG:
        return NullTranslations()
    path = catalog_path(Path(domain_dir), lang, domain)
    try:
        with path.open("rb") as fileobj:
            catalog = read_po(fileobj, locale=CATALOG_LOCALE[lang], domain=domain)
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no {lang} catalog for message domain {domain!r}: {path} does not exist"
        ) from None
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


def clear_cache() -> None:
    """Forget compiled catalogs (after editing a ``.po`` file in a running process)."""
    _translations.cache_clear()


def cli_gettext(lang: str) -> Callable[[str], str]:
    """The ``gettext`` function for command-line messages (domain ``weibao``) in ``lang``."""
    return translations(LOCALE_DIR, lang, CLI_DOMAIN).gettext


def current_lang(environ: dict[str, str] | None = None) -> str:
    """The user's language: ``WEIBAO_LANG``, else LC_ALL / LC_MESSAGES / LANG.

    ``WEIBAO_LANG`` is an explicit choice, so an unsupported value raises ``ValueError``. The
    POSIX variables are consulted in gettext's order (the first one set wins); a ``zh*`` locale
    gives ``"zh-CN"``, anything else (``C``, ``POSIX``, ``de_DE.UTF-8`` ...) gives ``"en"``.
    """
    env = os.environ if environ is None else environ
    explicit = env.get("WEIBAO_LANG", "").strip()
    if explicit:
        return normalize_lang(explicit)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if value:
            return "zh-CN" if value.lower().startswith("zh") else DEFAULT_LANG
    return DEFAULT_LANG


__all__ = [
    "CATALOG_LOCALE",
    "CLI_DOMAIN",
    "DEFAULT_LANG",
    "LOCALE_DIR",
    "REPORT_DOMAIN",
    "SUPPORTED",
    "catalog_path",
    "clear_cache",
    "cli_gettext",
    "current_lang",
    "normalize_lang",
    "translations",
]
