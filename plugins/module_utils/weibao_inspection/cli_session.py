# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SSH sessions to a device's command line (disk arrays; switches next), on the controller.

Devices that run no Python (array CLIs, switches) are read by a controller-side collector
(an action plugin) that logs in over SSH with netmiko, in process: the password goes to
paramiko only, never on a command line. Everything that differs between device families is
one row of :data:`PROFILES`:

``device_type``
    netmiko's own driver where one fits the device (``cisco_ios``, ``huawei``,
    ``hp_comware``: they find the prompt and turn paging off themselves); empty for a CLI that
    netmiko has no driver for, which is then driven by :class:`_PromptCli` with ``prompt``.
``prompt``
    a regular expression for the whole prompt line. netmiko's ``generic`` (its terminal-server
    driver) prepares nothing and knows no prompt, and ``linux`` wants a prompt ending in ``$``
    or ``#``; the array CLIs end theirs in ``>`` (``IBM_FlashSystem:cluster1:superuser>``,
    ``admin:/>``), so the prompt is the profile's own.
``setup``
    commands sent once after login (paging off: OceanStor ``change cli more_enabled=no``;
    the Storwize restricted shell never pages).
``errors`` / ``denied``
    regular expressions for a line by which the device says a command failed
    (``CMMVC5707E ...``, ``Error: ...``, ``Unknown command``), and those of them that mean the
    user may not run it (cause ``no_permission``); such an answer is never parsed as output.

Python 3.8-compatible like the rest of module_utils; netmiko is imported only when a session
opens (it is a controller dependency; managed hosts never import this file).
"""

from __future__ import annotations

import contextlib
import re


class Unreachable(Exception):
    """No SSH session: nothing listens, the device is silent, or it never showed a prompt."""


class LoginRefused(Exception):
    """The device answered and refused the login (or its host key is unknown or changed)."""


class Hung(Exception):
    """A command's answer did not end with the prompt within the timeout."""


class Profile:
    __slots__ = ("device_type", "prompt", "setup", "errors", "denied", "exit")

    def __init__(self, device_type="", prompt="", setup=(), errors=(), denied=(), exit=""):
        self.device_type = device_type
        self.prompt = prompt
        self.setup = tuple(setup)
        self.errors = tuple(re.compile(p) for p in errors)
        self.denied = tuple(re.compile(p) for p in denied)
        self.exit = exit


# One row per platform (the inventory's weibao_platform).
PROFILES = {
    # IBM Storwize / FlashSystem / SVC: the restricted shell (rbash) of the cluster CLI.
    # Prompt "<cluster>:<user>>" after a product name: IBM_FlashSystem:cluster1:superuser>,
    # IBM_2145:svc1:admin>. Errors are "CMMVCnnnnE <text>" (CMMVC6253E: the user's role may
    # not run the command); rbash answers an unknown command with "command not found".
    "ibm_storwize": Profile(
        prompt=r"[\w.\-]+(?::[\w.\-]+)+>",
        errors=(r"^CMMVC\d{4}E\b", r"command not found", r"^Unknown command"),
        denied=(r"^CMMVC6253E\b", r"not authori[sz]ed"),
        exit="exit"),
    # Huawei OceanStor V3/V5 and Dorado V6 ISM CLI: prompt "admin:/>", output paged unless
    # "change cli more_enabled=no" (answered "Command executed successfully."). Errors are
    # lines "Error: <text>" (under a "^" marker for a wrong word) or "Unknown command".
    "huawei_oceanstor": Profile(
        prompt=r"[\w.\-]+:/>",
        setup=("change cli more_enabled=no",),
        errors=(r"^Error:", r"^Unknown command", r"^Command failed"),
        denied=(r"(?i)permission", r"(?i)not authori[sz]ed"),
        exit="exit"),
}


def profile(platform):
    try:
        return PROFILES[platform]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise LoginRefused(f"no SSH profile for platform {platform!r} (known: {known})") \
            from None


def device_error(prof, text):
    """(cause, line) when the answer says the command failed, else None. A refusal is the
    whole (short) answer, so only its first lines are looked at: a word in a long output's
    table (an alert's description) is not one."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines[:3]:
        if any(p.search(line) for p in prof.denied) and any(p.search(line) for p in prof.errors):
            return "no_permission", line
        if any(p.search(line) for p in prof.errors):
            return "source_unreadable", line
    return None


class _HostKeyUnknown(Exception):
    pass


def _connection_class(prof, check_host_key, known_hosts):
    """A netmiko connection class for the profile, with weibao's host key policy."""
    import paramiko
    from netmiko.base_connection import BaseConnection
    from netmiko.no_config import NoConfig
    from netmiko.no_enable import NoEnable

    if prof.device_type:
        from netmiko.ssh_dispatcher import CLASS_MAPPER

        base = CLASS_MAPPER[prof.device_type]
    else:
        prompt_re = re.compile(r"(?m)^[ \t]*(" + prof.prompt + r")[ \t]*$")

        class _PromptCli(NoEnable, NoConfig, BaseConnection):
            """A CLI with its own prompt pattern and nothing else of a router's."""

            def session_preparation(self):
                self.ansi_escape_codes = True
                seen = self.read_until_pattern(pattern=prompt_re.pattern,
                                               read_timeout=self.timeout)
                prompts = prompt_re.findall(self.strip_ansi_escape_codes(seen))
                prompt = prompts[-1].strip() if prompts else ""
                if not prompt:  # pragma: no cover - read_until_pattern found it
                    raise ValueError("no prompt")
                self.weibao_prompt = prompt
                self.base_prompt = prompt[:-1]
                # the prompt again for the RETURN netmiko sent: not part of any answer
                self.clear_buffer(backoff=True)
                for command in prof.setup:
                    self.send_command(command, expect_string=re.escape(prompt) + r"[ \t]*$",
                                      read_timeout=self.timeout)

            def cleanup(self, command=""):
                if prof.exit and self.remote_conn is not None:
                    self.write_channel(prof.exit + self.RETURN)

        base = _PromptCli

    class _Reject(paramiko.MissingHostKeyPolicy):
        def missing_host_key(self, client, hostname, key):
            import base64
            import hashlib

            client.close()
            digest = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode()
            raise _HostKeyUnknown(f"the SSH host key of {hostname} ({key.get_name()} "
                                  f"SHA256:{digest.rstrip('=')}) is not in "
                                  f"{known_hosts or '~/.ssh/known_hosts'}")

    class _Checked(base):
        def _build_ssh_client(self):
            client = paramiko.SSHClient()
            if check_host_key:
                client.load_system_host_keys(known_hosts or None)
                client.set_missing_host_key_policy(_Reject())
            else:
                # the inventory turned checking off for this device
                client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # noqa: S507
            return client

    return _Checked


class Session:
    """One SSH session: ``with Session(...) as s: s.run(command)``.

    ``timeout`` bounds each step: the TCP connection, the SSH banner, the login, the first
    prompt and each command's answer. A command that outlives it raises :class:`Hung`."""

    def __init__(self, platform, address, port, user, password, timeout,
                 check_host_key=True, known_hosts=""):
        self.profile = profile(platform)
        self.address, self.port = address, int(port or 22)
        self.user, self.password = user, password
        self.timeout = timeout
        self.check_host_key, self.known_hosts = check_host_key, known_hosts
        self.conn = None
        self.prompt = ""

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc):
        self.close()

    def open(self):
        import os

        from netmiko.exceptions import (
            NetmikoAuthenticationException,
            NetmikoTimeoutException,
            ReadTimeout,
        )

        where = f"{self.address}:{self.port}"
        # paramiko's transport thread logs a failed session with its traceback; without a
        # handler of the caller's, Python would print that on stderr (the task's output)
        import logging

        quiet = logging.getLogger("paramiko")
        if not quiet.handlers:
            quiet.addHandler(logging.NullHandler())
        if self.check_host_key and self.known_hosts and not os.path.isfile(self.known_hosts):
            raise LoginRefused(f"known hosts file {self.known_hosts} does not exist")
        cls = _connection_class(self.profile, self.check_host_key, self.known_hosts)
        kwargs = dict(host=self.address, port=self.port, username=self.user,
                      password=self.password, device_type=self.profile.device_type or "generic",
                      conn_timeout=self.timeout, banner_timeout=self.timeout,
                      auth_timeout=self.timeout, blocking_timeout=self.timeout,
                      timeout=self.timeout, read_timeout_override=None, fast_cli=True,
                      use_keys=False, allow_agent=False)
        try:
            self.conn = cls(**kwargs)
        except _HostKeyUnknown as exc:
            raise LoginRefused(f"{exc}: add the device's key (ssh-keyscan -p {self.port} "
                               f"{self.address}) after checking its fingerprint with the "
                               "client, or set weibao_array_host_key_checking: false") from None
        except NetmikoAuthenticationException:
            raise LoginRefused(f"SSH login to {where} refused for user {self.user!r} (wrong "
                               "user or password?)") from None
        except NetmikoTimeoutException as exc:
            import paramiko

            cause = exc.__context__
            if isinstance(cause, paramiko.BadHostKeyException):
                raise LoginRefused(f"the SSH host key of {where} changed ({cause}): check "
                                   "the device before trusting its new key") from None
            raise Unreachable(f"no SSH session with {where} within {self.timeout} s: "
                              f"{_why(exc)}") from None
        except (ReadTimeout, ValueError):
            raise Unreachable(f"{where} accepted SSH but showed no "
                              f"{_platform_name(self.profile)} prompt within {self.timeout} s") \
                from None
        except (OSError, EOFError) as exc:
            raise Unreachable(f"SSH session with {where} lost: {exc}") from None
        self.prompt = getattr(self.conn, "weibao_prompt", "")
        if not self.prompt:
            # netmiko's own driver: what its session preparation left unread (the paging
            # command's answer) goes first, then the prompt as it is now
            self.conn.clear_buffer(backoff=True)
            self.prompt = self.conn.find_prompt()

    def run(self, command):
        """The command's output (its echo and the prompt removed, a final newline added)."""
        from netmiko.exceptions import ReadTimeout

        try:
            # the prompt at the end of what was read: a prompt's text inside an output
            # (an event's description) does not end the command
            text = self.conn.send_command(command,
                                          expect_string=re.escape(self.prompt) + r"[ \t]*$",
                                          read_timeout=self.timeout, strip_prompt=True,
                                          strip_command=True)
        except ReadTimeout:
            raise Hung(command) from None
        except (OSError, EOFError) as exc:
            raise Hung(f"{command} ({exc})") from None
        text = text.replace("\r\n", "\n")
        return text + "\n" if text and not text.endswith("\n") else text

    def close(self):
        if self.conn is not None:
            conn, self.conn = self.conn, None
            with contextlib.suppress(Exception):  # the session is gone either way
                conn.disconnect()


def _platform_name(prof):
    for name, item in PROFILES.items():
        if item is prof:
            return name
    return ""


def _why(exc):
    """Why netmiko got no session, in words of the network rather than of its hints."""
    from paramiko.ssh_exception import NoValidConnectionsError

    cause = exc.__context__
    text = str(cause or exc)
    if isinstance(cause, (ConnectionRefusedError, NoValidConnectionsError)):
        return "connection refused (nothing listens on that port)"
    if isinstance(cause, OSError) and not str(cause).startswith(("Error reading", "No existing")):
        return f"TCP connection failed ({_first_line(text) or type(cause).__name__})"
    if "banner" in text.lower() or "No existing session" in text:
        return "the port accepted the connection but no SSH server answered"
    return _first_line(str(exc))


def _first_line(text, limit=300):
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return (lines[0] if lines else "")[:limit]
