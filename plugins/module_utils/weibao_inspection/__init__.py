# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared inspection code: one copy for the modules (shipped by AnsiballZ) and the runner.

Layout: ``findings`` is the schema every check emits; ``parsers/`` turn command output or
files into data (pure functions, no judgement); ``rules/`` turn that data plus thresholds
into findings.
"""


def _compile_each_zipped_module_once():
    """On a host, AnsiballZ imports this package from a zip, and CPython's zipimporter
    compiles a module's source twice: once in ``get_filename`` (called while the import
    system builds the module's spec) and again in ``get_code``, to run it
    (python/cpython#141276, open for 3.13-3.15; the same code since zipimport became Python
    in 3.8). Ansible ships source, so every module after this one paid its compile twice:
    about 0.07 s of the host's CPU per inspection. Here the second request for a module's code
    gets what the first compiled. Only when this package itself came from a zip, only on a
    zipimport that has the function (3.8 and later; 3.6 and 3.7's is C), and only once."""
    try:
        import zipimport
    except ImportError:  # pragma: no cover - every CPython has it
        return
    get_code = getattr(zipimport, "_get_module_code", None)
    loader = getattr(globals().get("__spec__"), "loader", None)
    if get_code is None or getattr(get_code, "weibao_once", False) \
            or not isinstance(loader, zipimport.zipimporter):
        return
    first = {}

    def once(importer, fullname, *more, **named):
        if more or named:  # a zipimport whose function takes more than we know: as it is
            return get_code(importer, fullname, *more, **named)
        key = (getattr(importer, "archive", None), getattr(importer, "prefix", None), fullname)
        if key in first:
            return first.pop(key)  # the code object (immutable) the first request compiled
        found = get_code(importer, fullname)
        first[key] = found
        return found

    once.weibao_once = True
    zipimport._get_module_code = once


_compile_each_zipped_module_once()
