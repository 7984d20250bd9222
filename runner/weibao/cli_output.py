"""What the inspection commands print: progress while hosts finish, the summary at the end,
status words in the user's language. Shared by ``weibao inspect`` (cli.py) and ``weibao
import`` (cli_remote.py), which import it; it imports neither."""

from __future__ import annotations

import sys
from typing import Any

import click

from weibao.errors import N_


def progress_printer(app: Any):
    tty = sys.stderr.isatty()

    def show(progress, host):
        if tty:
            text = app._("hosts %(done)d/%(total)d done, %(failures)d failed or unreachable") % {
                "done": progress.done, "total": progress.total, "failures": progress.failures}
            click.echo("\r" + text + " " * 8, err=True, nl=False)
        if host is not None:
            state = progress.hosts[host]
            line = app._("host %(host)s: %(status)s %(message)s") % {
                "host": host, "status": status_label(app, state.status),
                "message": state.message.splitlines()[0][:200] if state.message else ""}
            click.echo(("\r" if tty else "") + line.rstrip() + (" " * 20 if tty else ""),
                       err=True)

    return show


def status_label(app: Any, status: str) -> str:
    from weibao.statuses import WORDS

    return app._(WORDS[status]) if status in WORDS else status


def print_outcome(app: Any, outcome) -> None:
    """The summary of a finished inspection run and its exit status."""
    counts = outcome.counts
    app.say(N_("run %(id)d: %(status)s; hosts inspected %(ok)d, unreachable %(unr)d, failed "
               "%(fail)d; findings: %(crit)d critical, %(warn)d warning, %(unk)d unknown, "
               "%(okc)d ok"),
            id=outcome.run_id, status=status_label(app, outcome.status),
            ok=sum(1 for h in outcome.hosts.values() if h.status == "inspected"),
            unr=sum(1 for h in outcome.hosts.values() if h.status == "unreachable"),
            fail=sum(1 for h in outcome.hosts.values()
                     if h.status not in ("inspected", "unreachable")),
            crit=counts["critical"], warn=counts["warning"], unk=counts["unknown"],
            okc=counts["ok"])
    app.say(N_("archive: %(path)s"), path=outcome.artifact_dir)
    sys.exit(outcome.exit_code)
