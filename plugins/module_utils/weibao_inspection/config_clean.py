# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A network device's running configuration made fit for the configuration archive.

:func:`clean` removes what changes without anyone changing the configuration (volatile
lines: the clock, "Last configuration change" stamps, the configuration's size,
``ntp clock-period``, a prompt, paging remnants, carriage returns) and masks every secret
(enable secrets, passwords, SNMP communities, TACACS+/RADIUS keys, pre-shared keys, routing
protocol authentication keys, Huawei/H3C ciphertexts) so that no secret reaches the archive,
the run's events or a report.

A secret is replaced by ``<secret sha256:XXXXXXXXXXXX>``: the first 12 hex digits of
sha256(salt + the secret as the device printed it). The same secret always gives the same
mask on a site (the salt is the site's, ``<data-dir>/config-archive/.salt``), so an
unchanged configuration stays unchanged in the archive and a changed secret shows as a
changed line, without its value. A type 5/8/9 hash carries its own random salt: setting the
same password again shows as a change, which it is. The type digit (``secret 9``,
``key 7``) stays: it says how the device stores the secret.

What is volatile and what is secret per platform was learned from Oxidized's model files
(ytti/oxidized ``lib/oxidized/model/ios.rb``, ``nxos.rb``, ``vrp.rb``, ``comware.rb``) and
the vendors' configuration guides; the code is ours. Decisions:

- the software version lines (VRP ``!Software Version V200R019C10``, Comware
  `` version 7.1.070, Release 6342``, IOS/NX-OS ``version 15.2``) are kept: they change with
  an upgrade only, which belongs in the configuration's history;
- NX-OS ``!Command: show running-config`` is kept (it never changes), ``!Time:`` and
  ``!Running configuration last done at:`` go;
- a banner's text and a ``description``/``remark`` line are never masked (free text: a
  banner saying "password" is not a password);
- trailing whitespace is removed from every line (pagers pad lines with spaces), blank lines
  at the start and the end are removed, the text ends with one newline.

Pure and Python 3.8-compatible: the action ``weibao_inspect_network`` cleans the text on the
controller before it returns it, and the tests call it directly.
"""

from __future__ import annotations

import hashlib
import re

PLATFORMS = ("cisco_ios", "cisco_nxos", "huawei_vrp", "hp_comware")
MASK_RE = re.compile(r"<secret sha256:[0-9a-f]{12}>")

# a masked secret while the rules run: never matched as a value again
_HOLD = "\x00"
_HOLD_RE = re.compile("\x00(\\d+)\x00")
# a value: a quoted string (NX-OS) or a word, never a secret already masked nor the type
# digit before one ("key 7 <masked>" must not mask the 7)
V = r'(?:"[^"\x00\n]*"|[^\s\x00]+)(?=\s|$)(?![^\S\n]*\x00)'
T = r"(?:[0-9]{1,2} )?"  # an optional type digit (0, 5, 6, 7, 8, 9; NX-OS 3)

# --- terminal noise, every platform
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_PAGER = re.compile(r"\s*(?:-+ ?More ?-+|--More--|<--- More --->)\s*", re.IGNORECASE)
_CURSOR_BACK = re.compile(r"^.*\x1b\[[0-9]+D")

# --- volatile lines, per platform
_CISCO_VOLATILE = [
    r"Building configuration\.\.\.",
    r"Current configuration\s*:\s*\d+ bytes",
    r"! Last configuration change at .*",
    r"! NVRAM config last updated at .*",
    r"! No configuration change since last restart.*",
    r"ntp clock-period \d+",
]
VOLATILE = {
    "cisco_ios": _CISCO_VOLATILE,
    "cisco_nxos": _CISCO_VOLATILE + [
        r"!Time: .*",
        r"!Running configuration last done at: .*",
    ],
    "huawei_vrp": [
        r"!Last configuration was (?:updated|saved) at .*",
        r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? ?(?:[+-]\d{2}:\d{2}(?::\d{2})?)?(?: DST)?",
    ],
    "hp_comware": [
        r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? ?(?:[+-]\d{2}:\d{2}(?::\d{2})?)?",
    ],
}
# the command echoed before the output and the prompt after it
_ECHO = {
    "cisco_ios": r"(?:[\w.@()/:-]+[#>] ?)?(?:sh(?:ow?)? run\S*|show running-config)(?: .*)?",
    "cisco_nxos": r"(?:[\w.@()/:-]+# ?)?(?:sh(?:ow?)? run\S*|show running-config)(?: .*)?",
    "huawei_vrp": r"(?:<[^<>\s]+> ?)?dis(?:p(?:lay?)?)? cu\S*(?: .*)?",
    "hp_comware": r"(?:<[^<>\s]+> ?)?dis(?:p(?:lay?)?)? cu\S*(?: .*)?",
}
_PROMPT = {
    "cisco_ios": r"[\w.@()/:-]+[#>]",
    "cisco_nxos": r"[\w.@()/:-]+#",
    "huawei_vrp": r"(?:<[^<>\s]+>|\[~?\*?[^\[\]\s]+\])",
    "hp_comware": r"(?:<[^<>\s]+>|\[[^\[\]\s]+\])",
}

# --- secrets: (pattern, groups holding a secret); applied in order to one line
_CISCO_SECRETS = [
    # enable password/secret [level N] [type] X; username X ... password/secret [type] X;
    # line vty " password 7 X"; BGP " neighbor X password 7 X"; ppp, dot1x, ip ftp password
    (r"\b(?:password|secret)(?: level [0-9]+)? " + T
     + r"(?!encryption\b|strength-check\b|level\b)(" + V + ")", (1,)),
    (r"^snmp-server community (" + V + ")", (1,)),
    (r"^snmp-server host \S+(?: vrf \S+)?(?: informs| traps)?(?: version (?:1|2c))? "
     r"(?!version\b|informs\b|traps\b|use-vrf\b|filter-vrf\b|source-interface\b)("
     + V + ")", (1,)),
    (r"^snmp-server mib community-map (" + V + ")", (1,)),
    (r"^snmp-server user \S+ .*?\bauth (?:md5|sha\S*) (" + V + ")", (1,)),
    (r"^snmp-server user \S+ .*?\bpriv (?:(?:aes(?:-| )?[0-9]+|aes|3des|des) )?"
     r"(?!localizedV?2?key\b)(" + V + ")", (1,)),
    (r"^(?:tacacs|radius)-server\b.*?\bkey " + T + "(" + V + ")", (1,)),
    (r"\bserver-private\b.*?\bkey " + T + "(" + V + ")", (1,)),
    (r"^ntp authentication-key [0-9]+ \S+ (" + V + ")", (1,)),
    # key 7 X (reversible), key 0/6 X anywhere; not "authentication-key 1 md5 X"
    (r"\bkey [0-9] (?!md5\b|sha\S*\b)(" + V + ")", (1,)),
    (r"\bserver-key " + T + "(" + V + ")", (1,)),
    (r"^crypto isakmp key " + T + "(" + V + ")", (1,)),
    (r"^\s+pre-shared-key\b.*?\bkey " + T + "(" + V + ")", (1,)),
    (r"^\s+pre-shared-key(?: local| remote)?(?: [0-9])? (?!address\b|hostname\b|key\b)("
     + V + r")\s*$", (1,)),
    (r"^\s+ip ospf authentication-key " + T + "(" + V + ")", (1,)),
    (r"\bmessage-digest-key [0-9]+ md5 " + T + "(" + V + ")", (1,)),
    (r"\bkey-string " + T + "(" + V + ")", (1,)),
    (r"\bauthentication text (" + V + ")", (1,)),
    (r"^\s+standby (?:[0-9]+ )?authentication (?!md5\b|text\b)(" + V + r")\s*$", (1,)),
    (r"\bwpa-psk (?:ascii|hex) " + T + "(" + V + ")", (1,)),
    (r"\bset-key (?:ascii|hex) " + T + "(" + V + ")", (1,)),
    (r"\bip nhrp authentication (" + V + ")", (1,)),
    (r"\b(?:domain|area)-password (" + V + ")", (1,)),
]
# a plain " key X" line inside these blocks is a shared secret
_CISCO_KEY_BLOCKS = r"^(?:tacacs server|radius server|aaa server|aaa group server|crypto " \
                    r"isakmp client configuration group|tacacs-server host|radius-server host)\b"
_CISCO_BLOCK_SECRETS = [(r"^\s+key " + T + "(" + V + ")", (1,))]

# Huawei VRP and H3C Comware: ciphertexts delimit themselves; a keyword announces the rest
_CIPHERTEXTS = [
    r"%\^%#.*?%\^%#", r"%#%#.*?%#%#", r"%@%@.*?%@%@", r"@%@%.*?@%@%", r"%\$%\$.*?%\$%\$",
    r"\$c\$[0-9]\$[^\s\x00]+", r"\$h\$[0-9]\$[^\s\x00]+", r"\$1[a-z]\$[^\s\x00]+",
]
_VRP_SECRETS = [
    (r"^\s*snmp-agent community (?:read|write) (?!simple\b|cipher\b)(" + V + ")", (1,)),
    (r"^\s*snmp-agent usm-user .*?\bauthentication-mode (?:md5|sha\S*) "
     r"(?!cipher\b|simple\b|plain\b)(" + V + ")", (1,)),
    (r"^\s*snmp-agent usm-user .*?\bprivacy-mode (?:des56|3des|aes[0-9]*) "
     r"(?!cipher\b|simple\b|plain\b)(" + V + ")", (1,)),
    (r"^\s*pin verify(?: auto)? (" + V + ")", (1,)),
    # older releases print some secrets bare, without cipher/simple/hash before them
    (r"^\s*local-user \S+ password (?!cipher\b|simple\b|irreversible-cipher\b|hash\b|"
     r"plain\b)(" + V + ")", (1,)),
    (r"^\s*(?:hw)?(?:tacacs|radius)-server shared-key (?!cipher\b|simple\b)(" + V + ")", (1,)),
    (r"\bkey authentication (?!cipher\b|simple\b)(" + V + ")", (1,)),
    (r"^\s*ntp-service authentication-keyid \d+ authentication-mode \S+ "
     r"(?!cipher\b|simple\b)(" + V + ")", (1,)),
    (r"\bvrrp vrid \d+ authentication-mode (?:md5|simple) (?!cipher\b|plain\b)(" + V + ")",
     (1,)),
]
# the word after which the secret follows
_ALWAYS = ("cipher", "irreversible-cipher")
_WHEN_SECRET = ("simple", "plain")
_KEYWORDS = _ALWAYS + _WHEN_SECRET + ("hash",)
_NOT_AFTER = ("authentication-mode", "privacy-mode", "password")
_SECRET_LINE = re.compile(r"password|passwd|key|communit|secret|authentication|usm-user|"
                          r"pass-phrase|psk|securityname", re.IGNORECASE)
_NOT_SECRET_LINE = re.compile(r"^\s*(?:undo )?(?:ssh|ssh2|ssl|stelnet|sftp|scp)\b")
_FREE_TEXT = re.compile(r"^\s*(?:description|remark|alias|banner-text)\b", re.IGNORECASE)
_BANNER = re.compile(r"^banner (?:\S+ )?(\^C|\S)")
# a diff line's marker: indentation, then "+", "-" or "!" and at most one space before text
_DIFF_MARK = re.compile(r"^(\s*)([+\-!] ?)(?=\S|\s+\S)")


def mask(value, salt):
    """The mask of a secret: ``<secret sha256:`` + 12 hex digits of sha256(salt + value)."""
    digest = hashlib.sha256((salt + value).encode("utf-8", "surrogateescape")).hexdigest()
    return f"<secret sha256:{digest[:12]}>"


class _Masker:
    """Holds the masked secrets of one text while the rules run (so no rule reads a mask)."""

    def __init__(self, salt):
        self.salt = salt
        self.held = []

    def hold(self, text):
        self.held.append(text)
        return f"{_HOLD}{len(self.held) - 1}{_HOLD}"

    def secret(self, value):
        return self.hold(mask(value, self.salt))

    def apply(self, line, pattern, groups):
        def replace(match):
            out, pos = [], match.start()
            for group in groups:
                start, end = match.span(group)
                if start < 0:
                    continue
                out.append(match.string[pos:start])
                out.append(self.secret(match.group(group)))
                pos = end
            out.append(match.string[pos:match.end()])
            return "".join(out)

        return re.sub(pattern, replace, line)

    def release(self, line):
        return _HOLD_RE.sub(lambda m: self.held[int(m.group(1))], line)


def _backspaced(line):
    """A line as the terminal shows it: a backspace erases the character before it."""
    out = []
    for char in line:
        if char == "\x08":
            if out:
                out.pop()
        else:
            out.append(char)
    return "".join(out)


def _terminal(text):
    """Carriage returns, ANSI escapes, backspaces and pager prompts removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        # VRP/Comware pager: "  ---- More ----\x1b[42D<spaces>\x1b[42D" then the next line
        line = _CURSOR_BACK.sub("", line)
        line = _backspaced(_ANSI.sub("", line))
        if _PAGER.search(line):
            line = _PAGER.sub("", line)
            if not line.strip():
                continue
        lines.append(line.rstrip())
    return lines


def _trim(platform, lines):
    """The echoed command before the configuration and the prompt after it removed."""
    echo = re.compile(r"^\s*" + _ECHO[platform] + r"\s*$")
    prompt = re.compile(r"^\s*" + _PROMPT[platform] + r"\s*$")
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and echo.match(lines[0]):
        lines.pop(0)
    while lines and (not lines[-1].strip() or prompt.match(lines[-1])):
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


def _cisco(lines, masker):
    secrets = [(re.compile(p), g) for p, g in _CISCO_SECRETS]
    block_secrets = [(re.compile(p), g) for p, g in _CISCO_BLOCK_SECRETS]
    blocks = re.compile(_CISCO_KEY_BLOCKS)
    # a diff's marker (IOS "show archive config differences": "+line", " +key 7 X"; NX-OS
    # "show running-config diff": "+ line", "- line", "! line") set aside while the rules
    # read the configuration line under it, put back after
    marks = []
    for i, line in enumerate(lines):
        diff = _DIFF_MARK.match(line)
        marks.append((len(diff.group(1)), diff.group(2)) if diff else None)
        if diff:
            lines[i] = diff.group(1) + line[diff.end():]
    out, banner_end, in_key_block = [], None, False
    for line in lines:
        if banner_end is not None:
            out.append(line)
            if banner_end in line:
                banner_end = None
            continue
        found = _BANNER.match(line)
        if found:
            end = found.group(1)
            if end not in line[found.end():]:
                banner_end = end
            out.append(line)
            continue
        if line and not line[0].isspace():
            in_key_block = bool(blocks.match(line))
        if _FREE_TEXT.match(line):
            out.append(line)
            continue
        for pattern, groups in secrets:
            line = masker.apply(line, pattern, groups)
        if in_key_block:
            for pattern, groups in block_secrets:
                line = masker.apply(line, pattern, groups)
        out.append(line)
    return [line if mark is None else line[:mark[0]] + mark[1] + line[mark[0]:]
            for line, mark in zip(out, marks)]


def _huawei_h3c(lines, masker):
    ciphertexts = re.compile("|".join(_CIPHERTEXTS))
    secrets = [(re.compile(p), g) for p, g in _VRP_SECRETS]
    out = []
    for line in lines:
        if _FREE_TEXT.match(line):
            out.append(line)
            continue
        line = ciphertexts.sub(lambda m: masker.secret(m.group(0)), line)
        for pattern, groups in secrets:
            line = masker.apply(line, pattern, groups)
        out.append(_after_keywords(line, masker))
    return out


def _after_keywords(line, masker):
    """The word after ``cipher``/``irreversible-cipher`` (``password hash``; ``simple`` and
    ``plain`` on a line about a password, key or community) is a secret."""
    if _NOT_SECRET_LINE.match(line):
        return line
    parts = re.split(r"(\s+)", line)
    words = [i for i, p in enumerate(parts) if p and not p.isspace()]
    secret_line = bool(_SECRET_LINE.search(line))
    for n, i in enumerate(words[:-1]):
        word, nxt = parts[i].lower(), parts[words[n + 1]]
        prev = parts[words[n - 1]].lower() if n else ""
        if _HOLD in nxt or nxt.lower() in _KEYWORDS or nxt.lower() in _NOT_AFTER \
                or prev in ("local-user", "user"):
            continue
        if word in _ALWAYS or (word == "hash" and prev == "password") \
                or (word in _WHEN_SECRET and secret_line):
            parts[words[n + 1]] = masker.secret(nxt)
    return "".join(parts)


def clean(platform, text, salt):
    """The configuration ``text`` of a ``platform`` device, volatile lines removed and
    secrets masked with the site's ``salt``; ends with one newline ("" when nothing is left).

    Raises ValueError for a platform it does not know or an empty salt (an unsalted mask of
    a short secret is guessable)."""
    if platform not in PLATFORMS:
        raise ValueError(f"config_clean: unknown platform {platform!r} (expected one of "
                         f"{', '.join(PLATFORMS)})")
    if not salt:
        raise ValueError("config_clean: a salt is required (the site's config-archive salt)")
    masker = _Masker(salt)
    # masks already in the text (cleaned twice) stay as they are
    text = MASK_RE.sub(lambda m: masker.hold(m.group(0)), text.replace(_HOLD, ""))
    lines = _trim(platform, _terminal(text))
    volatile = re.compile(r"^\s*(?:" + "|".join(VOLATILE[platform]) + r")\s*$")
    lines = [line for line in lines if not volatile.match(line)]
    if platform in ("cisco_ios", "cisco_nxos"):
        lines = _cisco(lines, masker)
    else:
        lines = _huawei_h3c(lines, masker)
    lines = _trim(platform, [masker.release(line) for line in lines])
    return "\n".join(lines) + "\n" if lines else ""
