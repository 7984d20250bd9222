"""A refusal: a change-control rule that does not hold, said in one line (exit status 3).

``rule`` names the rule (``signatures``, ``notice``, ``window``...) for the audit log and for
``weibao change status``. A parameter that is itself a :class:`~weibao.errors.WeibaoError`
(e.g. the :class:`~weibao.signing.SignatureError` saying why a signature fails) is
rendered in the same language as the refusal.
"""

from __future__ import annotations

from collections.abc import Callable

from weibao.errors import EXIT_USAGE, N_, WeibaoError

REFUSED = N_("refused: %(reason)s")

GetText = Callable[[str], str]


class Refusal(WeibaoError):
    """A rule of change control does not hold; nothing was done."""

    exit_code = EXIT_USAGE

    def __init__(self, rule: str, message: str, **params: object) -> None:
        self.rule = rule
        super().__init__(message, **params)

    def reason(self, gettext: GetText | None = None) -> str:
        """The reason alone, without "refused: "."""
        text = gettext(self.message) if gettext else self.message
        params = {key: value.render(gettext) if isinstance(value, WeibaoError) else value
                  for key, value in self.params.items()}
        return text % params if params else text

    def render(self, gettext: GetText | None = None) -> str:
        prefix = gettext(REFUSED) if gettext else REFUSED
        return prefix % {"reason": self.reason(gettext)}

    @classmethod
    def wrap(cls, rule: str, error: WeibaoError) -> Refusal:
        """A configuration error met while checking the rules, as a refusal of ``rule``."""
        if isinstance(error, Refusal):
            return error
        return cls(rule, N_("%(error)s"), error=error)
