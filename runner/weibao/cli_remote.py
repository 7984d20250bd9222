"""Inspections run elsewhere (weibao.services.remote): ``inspect --via HOST`` (a site
controller over ssh), ``inspect --offline-bundle FILE`` / ``worker BUNDLE`` / ``import
RESULT`` (offline sites), ``import --awx-job-events FILE`` (an AWX job)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from weibao.errors import N_, ConfigError


def remote_options(func):
    """The options ``weibao inspect`` takes for running elsewhere."""
    options = [
        click.option("--via", "via", default=None, metavar="HOST",
                     help="Run on this site controller (an ssh destination, e.g. "
                          "ops@ctl or ssh://ops@10.0.0.5:2222) through ansible-runner's "
                          "streaming protocol."),
        click.option("--via-worker-command", "via_worker_command",
                     default="ansible-runner worker", show_default=True,
                     help="The command run on the site controller (a shell command line)."),
        click.option("--via-ssh-option", "via_ssh_options", multiple=True, metavar="NAME=VALUE",
                     help="An ssh -o option for the site controller (repeatable)."),
        click.option("--offline-bundle", "offline_bundle", default=None, metavar="FILE",
                     type=click.Path(dir_okay=False),
                     help="Write a signed bundle for an offline site instead of running."),
        click.option("--sign-key", "sign_key", default=None, type=click.Path(dir_okay=False),
                     help="The provider's ssh key that signs the bundle (private key, or "
                          "public key held by ssh-agent)."),
        click.option("--signer", "signer", default="provider", show_default=True,
                     help="The bundle signer's id in the site's allowed-signers file."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def inspect_elsewhere(app, settings, store, inv, period: str, limit: str | None, *,
                      via: str | None, via_worker_command: str, via_ssh_options: tuple,
                      offline_bundle: str | None, sign_key: str | None, signer: str):
    """None for a local run; a runner for ``--via``; for ``--offline-bundle`` the bundle is
    written and the command ends here."""
    from weibao.services import remote

    if via and offline_bundle:
        raise ConfigError(N_("--via and --offline-bundle: choose one"))
    if offline_bundle:
        if not sign_key:
            raise ConfigError(N_("--offline-bundle %(file)s: needs --sign-key (the provider's "
                                 "key the site checks the bundle with)"), file=offline_bundle)
        manifest = remote.make_bundle(settings, store, inv, period, limit, Path(offline_bundle),
                                      sign_key, signer)
        app.say(N_("bundle %(id)s: %(n)d host(s) of site %(site)s for %(period)s, signed by "
                   "%(signer)s: %(file)s"), id=manifest["bundle_id"], n=len(inv.hosts),
                site=inv.site.name, period=period, signer=signer, file=offline_bundle)
        sys.exit(0)
    if via:
        remote.ssh_command(via, via_worker_command, tuple(via_ssh_options))  # checked now
        app.warn(N_("running on site controller %(host)s"), host=via)
        return remote.via_runner(via, via_worker_command, tuple(via_ssh_options), inv)
    return None


@click.command()
@click.argument("bundle", type=click.Path(dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The result file to carry back to the office.")
@click.option("--allowed-signers", "allowed", required=True, type=click.Path(dir_okay=False),
              help="The provider's key(s) in ssh-keygen's allowed-signers format.")
@click.option("--sign-key", "sign_key", default=None, type=click.Path(dir_okay=False),
              help="The site's ssh key that signs the result (optional).")
@click.option("--signer", "signer", default="site", show_default=True,
              help="The result signer's id in the office's allowed-signers file.")
@click.option("--worker-command", "worker_command", default=None,
              help="The ansible-runner worker command (default: the one beside weibao).")
@click.pass_obj
def worker(app, bundle: str, out: str, allowed: str, sign_key: str | None, signer: str,
           worker_command: str | None) -> None:
    """Run an offline bundle on site: its signature is checked before anything runs."""
    from weibao.services import remote

    if not Path(bundle).is_file():
        raise ConfigError(N_("bundle %(file)s: does not exist"), file=bundle)
    result = remote.run_bundle(Path(bundle), Path(out), Path(allowed), worker_command,
                               sign_key, signer)
    app.say(N_("result of bundle %(id)s (site %(site)s, %(period)s): %(file)s, sha256 of the "
               "stream %(sha)s"), id=result["bundle_id"], site=result["site"],
            period=result["period"], file=out, sha=result["stream_sha256"])


@click.command("import")
@click.argument("result", required=False, type=click.Path(dir_okay=False))
@click.option("--allowed-signers", "allowed", default=None, type=click.Path(dir_okay=False),
              help="The site's key(s): the result must be signed by one of them.")
@click.option("--awx-job-events", "awx", default=None, type=click.Path(dir_okay=False),
              help="An AWX job's events: the pages of /api/v2/jobs/N/job_events/ saved as "
                   "one JSON list (docs/remote-and-offline.md).")
@click.option("--inventory", "-i", "inventory", default="inventories/local", show_default=True,
              help="With --awx-job-events: the site's inventory.")
@click.option("--site", default=None, help="With --awx-job-events: the site name.")
@click.option("--period", default=None, help="With --awx-job-events: the period YYYY-MM.")
@click.pass_obj
def import_(app, result: str | None, allowed: str | None, awx: str | None, inventory: str,
            site: str | None, period: str | None) -> None:
    """Import an offline site's result, or an AWX job's events, into the store."""
    from weibao.cli_output import print_outcome, progress_printer
    from weibao.services import inspection, remote

    if bool(result) == bool(awx):
        raise ConfigError(N_("import: give a RESULT file or --awx-job-events FILE"))
    if awx:
        if not Path(awx).is_file():
            raise ConfigError(N_("--awx-job-events %(file)s: does not exist"), file=awx)
        inv, period = inspection.prepare(inventory, None, site, period)
        imported = remote.import_awx(app.settings, app.store, Path(awx), inv, period,
                                     on_progress=progress_printer(app))
    else:
        if not Path(result).is_file():
            raise ConfigError(N_("result %(file)s: does not exist"), file=result)
        imported = remote.import_result(app.settings, app.store, Path(result),
                                        Path(allowed) if allowed else None,
                                        on_progress=progress_printer(app))
    print_outcome(app, imported.outcome)
