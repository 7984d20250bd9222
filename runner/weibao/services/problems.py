"""One line for a bad field of a file: the file, the field's path and what is wrong, each
part translated (the "what" is a msgid of its own, with its own placeholders)."""

from __future__ import annotations

from typing import Any

from weibao.errors import N_, ConfigError


class FieldError(ConfigError):
    """``<file>: <field>: <problem>``; ``problem`` is a msgid formatted with ``params``."""

    template = N_("%(file)s: %(field)s: %(problem)s")

    def __init__(self, file: str, field: str, problem: str, /, **params: Any) -> None:
        self.problem = problem
        self.problem_params = params
        super().__init__(self.template, file=str(file), field=field, problem=problem)

    def render(self, gettext=None) -> str:
        problem = gettext(self.problem) if gettext else self.problem
        if self.problem_params:
            problem = problem % self.problem_params
        text = gettext(self.message) if gettext else self.message
        return text % {**self.params, "problem": problem}


class SiteFieldError(FieldError):
    """A bad ``weibao_site`` field of an inventory."""

    template = N_("inventory %(file)s: weibao_site.%(field)s: %(problem)s")
