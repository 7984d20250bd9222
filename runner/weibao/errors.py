"""One exception tree for weibao; the CLI maps each to a one-line message and an exit status.

Messages are English msgids marked with ``N_`` so pybabel extracts them; the CLI translates
them at display time (runner/weibao/locale).
"""

from __future__ import annotations

# Exit statuses (README "Exit status"): one place, used by every command.
EXIT_OK = 0
EXIT_CRITICAL = 1
EXIT_INCOMPLETE = 2
EXIT_USAGE = 3


def N_(message: str) -> str:  # noqa: N802 - gettext convention: mark for extraction only
    return message


class WeibaoError(Exception):
    """Base class: a problem the user can act on. ``message`` is an untranslated msgid."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(self.render())

    def render(self, gettext=None) -> str:
        text = gettext(self.message) if gettext else self.message
        return text % self.params if self.params else text


class ConfigError(WeibaoError):
    """Bad invocation or configuration: malformed inventory, unknown site, bad period..."""


class StoreError(WeibaoError):
    """The data directory or database cannot be used."""


class NotFound(WeibaoError):
    """A run, site or period asked for is not in the store."""


class RunnerError(WeibaoError):
    """ansible-runner could not start or ended abnormally; carries stderr when there is one."""

    exit_code = EXIT_INCOMPLETE
