# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SSH sessions to a device's command line (disk arrays, switches and routers), on the
controller.

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
``enable``
    IOS: a user who lands at ``NAME>`` is taken to ``NAME#`` with ``enable`` and the enable
    secret (a wrong or missing secret refuses the session).
``read_only``
    every command passes :func:`read_only_refusal` before it is sent (network devices: only
    ``show`` / ``display`` / ``dir``; configuration mode, write, copy, reload ... never).
``variables``
    the inventory variables' prefix the messages name (``weibao_network_enable_secret``).

A device may be reached through a jump host (:class:`Jump`): an SSH session to it and a
``direct-tcpip`` channel to the device, handed to netmiko as its socket.

Python 3.8-compatible like the rest of module_utils; netmiko is imported only when a session
opens (it is a controller dependency; managed hosts never import this file).
"""

from __future__ import annotations

import contextlib
import os
import re


class Unreachable(Exception):
    """No SSH session: nothing listens, the device is silent, or it never showed a prompt."""


class LoginRefused(Exception):
    """The device answered and refused the login (or its host key is unknown or changed)."""


class Hung(Exception):
    """A command's answer did not end with the prompt within the timeout."""


class Refused(ValueError):
    """A command the read-only guard does not let through (it could change the device)."""


class Profile:
    __slots__ = ("device_type", "prompt", "setup", "errors", "denied", "exit", "enable",
                 "read_only", "variables")

    def __init__(self, device_type="", prompt="", setup=(), errors=(), denied=(), exit="",
                 enable=False, read_only=False, variables="weibao_array"):
        self.device_type = device_type
        self.prompt = prompt
        self.setup = tuple(setup)
        self.errors = tuple(re.compile(p) for p in errors)
        self.denied = tuple(re.compile(p) for p in denied)
        self.exit = exit
        # enter privileged mode (netmiko enable(), with the enable secret) at a ">" prompt
        self.enable = enable
        # every command passes read_only_refusal() before it is sent
        self.read_only = read_only
        # the inventory variables' prefix, for the messages (weibao_array_host_key_checking)
        self.variables = variables


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
    # IBM Power HMC (area hmc): the HMC's restricted shell (rbash), prompt "<user>@<hmc>:~>"
    # (hscroot@hmc01:~>). A command's error is a line "HSCLnnnn <text>" (4 hex digits:
    # HSCL8012, HSCLA9A5); HSCL350B: the user's task role does not allow the command. rbash
    # answers a command outside the HMC's own with "command not found" or "restricted". Its
    # list commands never page.
    "ibm_hmc": Profile(
        prompt=r"[\w.\-]+@[\w.\-]+:[^\s>]*>",
        errors=(r"^HSCL[0-9A-F]{4}\b", r"command not found", r"^-?rbash: .*restricted"),
        denied=(r"^HSCL350B\b", r"(?i)not authori[sz]ed", r"(?i)does not have the "
                                                             r"appropriate authority"),
        exit="exit", variables="weibao_hmc"),
    # --- network devices (area network), netmiko's own drivers: they find the prompt and
    # turn paging off in their session preparation (IOS "terminal width 511" + "terminal
    # length 0", VRP "screen-length 0 temporary", Comware "screen-length disable", NX-OS
    # "terminal length 0"); every command passes the read-only guard.
    # Cisco IOS / IOS-XE: a user may land at "NAME>" (privilege 1): enable with the enable
    # secret. Errors: "% Invalid input detected at '^' marker.", "% Incomplete command.",
    # "% Ambiguous command: ...", "% Unknown command"; "% Authorization failed." / "Command
    # authorization failed." (TACACS+) and "% Permission denied" for a role that may not.
    "cisco_ios": Profile(
        device_type="cisco_ios", enable=True, read_only=True, variables="weibao_network",
        errors=(r"^% ?Invalid input detected", r"^% ?Incomplete command",
                r"^% ?Ambiguous command", r"^% ?Unknown command", r"^% ?Authorization failed",
                r"^Command authorization failed", r"^% ?Permission denied"),
        denied=(r"(?i)authorization failed", r"(?i)permission denied")),
    # Cisco NX-OS: users land at "NAME#" (the role decides what they may run). Errors:
    # "% Invalid command at '^' marker.", "% Incomplete command at '^' marker.",
    # "% Permission denied for the role".
    "cisco_nxos": Profile(
        device_type="cisco_nxos", read_only=True, variables="weibao_network",
        errors=(r"^% ?Invalid (?:command|input|parameter)", r"^% ?Incomplete command",
                r"^% ?Ambiguous command", r"^% ?Permission denied", r"^% ?Invalid number"),
        denied=(r"(?i)permission denied",)),
    # Huawei VRP (netmiko's "huawei"): prompt "<NAME>". Errors under a "^" marker:
    # "Error: Unrecognized command found at '^' position.", "Error: Wrong parameter ...",
    # "Error: Incomplete command ...", "Error: Too many parameters ..."; a user level too
    # low for the command: "Error: ... permission ..." / "Error: No permission ...".
    "huawei_vrp": Profile(
        device_type="huawei", read_only=True, variables="weibao_network",
        errors=(r"^Error:", r"^Unknown command"),
        denied=(r"(?i)permission", r"(?i)not authori[sz]ed")),
    # H3C Comware (netmiko's "hp_comware"): prompt "<NAME>". Errors: "% Unrecognized command
    # found at '^' position.", "% Incomplete command ...", "% Wrong parameter ...",
    # "% Too many parameters ..."; "Permission denied." for a role that may not.
    "hp_comware": Profile(
        device_type="hp_comware", read_only=True, variables="weibao_network",
        errors=(r"^% ?(?:Unrecognized|Incomplete|Wrong parameter|Too many|Ambiguous)",
                r"^Unknown command", r"^Permission denied", r"^% ?Permission denied"),
        denied=(r"(?i)permission denied",)),
}

# ansible_network_os values (the cisco.ios / cisco.nxos / community.network collections'
# and their short forms) -> weibao's platform, so an inventory written for network_cli works
NETWORK_OS = {
    "cisco_ios": "cisco_ios", "cisco.ios.ios": "cisco_ios", "ios": "cisco_ios",
    "cisco_nxos": "cisco_nxos", "cisco.nxos.nxos": "cisco_nxos", "nxos": "cisco_nxos",
    "huawei_vrp": "huawei_vrp", "huawei": "huawei_vrp", "community.network.ce": "huawei_vrp",
    "ce": "huawei_vrp",
    "hp_comware": "hp_comware", "comware": "hp_comware", "h3c": "hp_comware",
}

# Read-only guard. A command is sent only when its first word is a read verb (Cisco "show",
# Huawei / H3C "display", "dir"; VRP's "compare configuration", which compares the running
# with the saved configuration), it is one command (no ";", no line break), its output goes
# nowhere but back ("| include/exclude/begin/section/count/no-more/json" filters only: no
# "| redirect", "| tee", "| append", "> file") and no word in it writes, clears or resets
# (a "display diagnostic-information" writes a file). Configuration mode ("configure
# terminal", "conf t", "system-view"), "write", "copy", "save", "reload", "reboot",
# "delete", "format", "clear ..." are refused as first words already.
_READ_VERBS = re.compile(r"^(?:sh|sho|show|dis|disp|displ|displa|display|dir)$", re.I)
_COMPARE = re.compile(r"^comp(?:a(?:re?)?)?\s+conf\w*$", re.I)
_FILTERS = re.compile(r"^(?:i|in|inc|incl|include|e|ex|exc|excl|exclude|b|be|beg|begin|s|se|"
                      r"sec|section|c|co|cou|count|no-more|json|json-pretty|xml|last)$", re.I)
_WRITE_WORDS = re.compile(
    r"(?i)(?:^|\s)(?:write|copy|reload|reboot|save|delete|format|clear|reset|erase|undo|"
    r"tftp|ftp|scp|redirect|tee|append|rename|move|mkdir|rmdir|diagnostic-information)"
    r"(?=\s|$)")


def read_only_refusal(command):
    """None when ``command`` only reads; else why it is refused (then it is never sent)."""
    text = command if isinstance(command, str) else ""
    if not text.strip():
        return "empty command"
    if any(ch in text for ch in ";\n\r\x00"):
        return "more than one command"
    # the device's line editor acts on control characters: backspace/DEL erase what the
    # guard read, Ctrl-U/Ctrl-W erase the line/word ("show \b\b\b\b\breload" is "reload")
    if re.search(r"[^\t\x20-\x7e]", text):
        return "a control or non-ASCII character"
    if ">" in text:
        return "output redirected to a file"
    parts = text.split("|")
    words = parts[0].split()
    if not words:
        return "empty command"
    if not _READ_VERBS.match(words[0]) and not _COMPARE.match(" ".join(words)):
        return f"{words[0]!r} is not a read command (show, display, dir)"
    for part in parts[1:]:
        filters = part.split()
        if not filters or not _FILTERS.match(filters[0]):
            return f"'| {part.strip()}' is not an output filter"
    match = _WRITE_WORDS.search(" " + " ".join(words[1:]))
    if match:
        return f"{match.group(0).strip()!r} could change the device"
    return None


def parse_jump(spec):
    """``[user@]host[:port]`` -> (user or "", host, port); ValueError when it is not one.
    An IPv6 address is written in brackets: ``admin@[2001:db8::1]:2222``."""
    match = re.match(r"^(?:([^@\s:]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.\-]+)(?::(\d+))?$",
                     str(spec or "").strip())
    if not match:
        raise ValueError(f"{spec!r} is not user@host:port")
    port = int(match.group(3) or 22)
    if not 1 <= port <= 65535:
        raise ValueError(f"{spec!r}: port {port} is not from 1 to 65535")
    return match.group(1) or "", match.group(2).strip("[]"), port


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

    class _Checked(base):
        def _build_ssh_client(self):
            return _ssh_client(check_host_key, known_hosts)

    return _Checked


def _ssh_client(check_host_key, known_hosts):
    """A paramiko client with weibao's host key policy: the key must be in ``known_hosts``
    (``~/.ssh/known_hosts`` when empty) unless the inventory turned checking off."""
    import paramiko

    class _Reject(paramiko.MissingHostKeyPolicy):
        def missing_host_key(self, client, hostname, key):
            import base64
            import hashlib

            client.close()
            digest = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode()
            raise _HostKeyUnknown(f"the SSH host key of {hostname} ({key.get_name()} "
                                  f"SHA256:{digest.rstrip('=')}) is not in "
                                  f"{known_hosts or '~/.ssh/known_hosts'}")

    client = paramiko.SSHClient()
    if check_host_key:
        client.load_system_host_keys(known_hosts or None)
        client.set_missing_host_key_policy(_Reject())
    else:
        # the inventory turned checking off for this device
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # noqa: S507
    return client


class Jump:
    """A jump host (bastion) the device is reached through: an SSH session to it and a
    ``direct-tcpip`` channel from it to the device (what ``ssh -J`` / ProxyJump does),
    handed to netmiko as its socket. No process is started and no password is on any
    command line. Its host key is checked like the device's (same known hosts file); it
    logs in with ``key_file`` when given, else with the device's user and password."""

    def __init__(self, spec, key_file=""):
        self.user, self.host, self.port = parse_jump(spec)
        self.key_file = key_file or ""
        self.client = None

    def __str__(self):
        return f"{self.host}:{self.port}"

    def channel(self, address, port, user, password, timeout, check_host_key, known_hosts):
        import socket

        import paramiko

        if self.key_file and not os.path.isfile(self.key_file):
            raise LoginRefused(f"jump host {self}: key file {self.key_file} does not exist")
        if check_host_key and known_hosts and not os.path.isfile(known_hosts):
            raise LoginRefused(f"known hosts file {known_hosts} does not exist")
        client = _ssh_client(check_host_key, known_hosts)
        user = self.user or user
        try:
            client.connect(self.host, self.port, username=user,
                           password=None if self.key_file else password,
                           key_filename=self.key_file or None, timeout=timeout,
                           banner_timeout=timeout, auth_timeout=timeout, look_for_keys=False,
                           allow_agent=False)
        except _HostKeyUnknown as exc:
            raise LoginRefused(f"jump host: {exc}: add its key after checking its "
                               "fingerprint") from None
        except paramiko.BadHostKeyException as exc:
            raise LoginRefused(f"the SSH host key of jump host {self} changed ({exc}): check "
                               "it before trusting its new key") from None
        except paramiko.AuthenticationException:
            raise LoginRefused(f"SSH login to jump host {self} refused for user {user!r} "
                               f"({'key ' + self.key_file if self.key_file else 'password'})") \
                from None
        except (OSError, EOFError, paramiko.SSHException) as exc:
            client.close()
            why = "connection refused" if isinstance(exc, ConnectionRefusedError) \
                else "timed out" if isinstance(exc, socket.timeout) else _first_line(str(exc))
            raise Unreachable(f"no SSH session with jump host {self} within {timeout} s: "
                              f"{why}") from None
        self.client = client
        try:
            return client.get_transport().open_channel(
                "direct-tcpip", (address, int(port)), ("127.0.0.1", 0), timeout=timeout)
        except (OSError, EOFError, paramiko.SSHException) as exc:
            self.close()
            # ChannelException: the jump host's answer ("Connect failed")
            why = getattr(exc, "text", "") or _first_line(str(exc)) or type(exc).__name__
            raise Unreachable(f"jump host {self} could not reach {address}:{port} within "
                              f"{timeout} s: {why}") from None

    def close(self):
        if self.client is not None:
            client, self.client = self.client, None
            with contextlib.suppress(Exception):
                client.close()


class Session:
    """One SSH session: ``with Session(...) as s: s.run(command)``.

    ``timeout`` bounds each step: the TCP connection, the SSH banner, the login, the first
    prompt and each command's answer. A command that outlives it raises :class:`Hung`."""

    def __init__(self, platform, address, port, user, password, timeout,
                 check_host_key=True, known_hosts="", secret="", jump=None):
        self.profile = profile(platform)
        self.address, self.port = address, int(port or 22)
        self.user, self.password = user, password
        self.timeout = timeout
        self.check_host_key, self.known_hosts = check_host_key, known_hosts
        # the enable secret (profiles with ``enable``) and the jump host (a :class:`Jump`)
        self.secret, self.jump = secret or "", jump
        self.conn = None
        self.prompt = ""

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc):
        self.close()

    def open(self):
        try:
            self._open()
        except BaseException:
            if self.conn is None and self.jump is not None:
                self.jump.close()  # the jump host's session, whatever failed after it
            raise

    def _open(self):
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
        if self.secret:
            kwargs["secret"] = self.secret
        if self.jump is not None:
            kwargs["sock"] = self.jump.channel(self.address, self.port, self.user,
                                               self.password, self.timeout,
                                               self.check_host_key, self.known_hosts)
            where = f"{where} through jump host {self.jump}"
        try:
            self.conn = cls(**kwargs)
        except _HostKeyUnknown as exc:
            raise LoginRefused(f"{exc}: add the device's key (ssh-keyscan -p {self.port} "
                               f"{self.address}) after checking its fingerprint with the "
                               f"client, or set {self.profile.variables}_host_key_checking: "
                               "false") from None
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
        if self.profile.enable and self.prompt.endswith(">"):
            self._enable(where)

    def _enable(self, where):
        """Privileged mode (IOS "NAME>" -> "NAME#"): running-config and some show commands
        need it. "enable", then the secret when the device asks for one, each answer awaited
        at most ``timeout`` (netmiko's own enable() waits its fixed 10 s per step and more
        after a wrong secret)."""
        from netmiko.exceptions import ReadTimeout

        conn = self.conn
        asks = r"[Pp]ass(?:word|code):?\s*$"
        try:
            conn.write_channel("enable" + conn.RETURN)
            # the echo first: a prompt left in the buffer is not the answer
            seen = conn.read_until_pattern(pattern=r"enable", read_timeout=self.timeout)
            seen = conn.read_until_pattern(pattern=asks + r"|[>#]\s*$",
                                           read_timeout=self.timeout)
            if re.search(asks, seen) and self.secret:
                conn.write_channel(self.secret + conn.RETURN)
                seen = conn.read_until_pattern(pattern=asks + r"|[>#]\s*$",
                                               read_timeout=self.timeout)
            if re.search(asks, seen):
                self.prompt = ""  # no secret, or a wrong one: the device asks again
            else:
                conn.clear_buffer(backoff=True)
                self.prompt = conn.find_prompt()
        except (ValueError, ReadTimeout, OSError, EOFError):
            self.prompt = ""
        if not self.prompt.endswith("#"):
            self.close(graceful=False)
            raise LoginRefused(f"{where}: enable refused: the user lands at '>' and "
                               "privileged mode needs the right "
                               f"{self.profile.variables}_enable_secret") from None

    def run(self, command):
        """The command's output (its echo and the prompt removed, a final newline added)."""
        from netmiko.exceptions import ReadTimeout

        if self.profile.read_only:
            why = read_only_refusal(command)
            if why:
                raise Refused(f"{command!r} not sent: {why} (weibao only reads)")
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

    def close(self, graceful=True):
        """Log out (netmiko's cleanup: "exit" / "quit"); ``graceful=False`` drops the SSH
        session at once (a device stuck at a password prompt never answers a logout)."""
        if self.conn is not None:
            conn, self.conn = self.conn, None
            with contextlib.suppress(Exception):  # the session is gone either way
                if graceful:
                    conn.disconnect()
                else:
                    conn.paramiko_cleanup()
        if self.jump is not None:
            self.jump.close()


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
