# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers for the Linux patch-level inspection (``weibao_inspect_patch``).

Pure functions, text (or file metadata) in, data out. Every parser raises ``ParseError`` on
input it does not understand; it never guesses. Runs on target hosts (Python 3.8+, stdlib
only) and on the controller (tests, runner).

Sources and the formats they are written against:

- ``/etc/os-release`` (os-release(5)).
- apt: ``apt-get -s dist-upgrade`` simulation lines ``Inst pkg [old] (new Label:Ver/Suite [arch])``
  (apt-pkg ``pkgSimulate::Describe`` and ``VerIterator::RelStr``) and its summary line;
  ``/var/log/apt/history.log`` stanzas.
- dnf 4 / dnf 5 / yum 3: ``check-update`` (``check-upgrade``) tables, ``updateinfo list``
  (dnf 5: ``advisory list``) lines, ``history list`` tables; ``rpm -qa --last``.
- kernels: ``dpkg-query -W -f '${Package} ${Version} ${Status}\\n' 'linux-image-*'`` and
  ``rpm -q --qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\\n' kernel kernel-core ...``.

Version ordering is implemented here in pure Python (no apt_pkg or rpm bindings): Debian
policy 5.6.12 / dpkg ``verrevcmp`` and rpm ``rpmvercmp`` (including ``~`` and ``^``).
"""

from __future__ import annotations

import re
import time

from ansible.module_utils.weibao_inspection.messages import msg, render


class ParseError(ValueError):
    """The input is not in a format this parser understands (or is truncated).

    ``message`` is a message (``msg(key, ...)``, text in the catalogue): the reason travels
    into the rule's finding in both languages; ``str(exc)`` is its English text.
    """

    def __init__(self, message, evidence=None):
        super().__init__(render(message, "en"))
        self.message = message
        self.evidence = list(evidence or [])


_DIGITS = "0123456789"
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM = _DIGITS + _LETTERS


def _sign(value):
    return (value > 0) - (value < 0)


# --------------------------------------------------------------------------------------------
# Debian version ordering
# --------------------------------------------------------------------------------------------

def _dpkg_order(char):
    if char in _DIGITS:
        return 0
    if char in _LETTERS:
        return ord(char)
    if char == "~":
        return -1
    return ord(char) + 256


def _verrevcmp(a, b):
    """dpkg's verrevcmp(): compare one upstream-version or revision part."""
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and a[i] not in _DIGITS) or (j < len(b) and b[j] not in _DIGITS):
            ac = _dpkg_order(a[i]) if i < len(a) else 0
            bc = _dpkg_order(b[j]) if j < len(b) else 0
            if ac != bc:
                return _sign(ac - bc)
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and a[i] in _DIGITS and j < len(b) and b[j] in _DIGITS:
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and a[i] in _DIGITS:
            return 1
        if j < len(b) and b[j] in _DIGITS:
            return -1
        if first_diff:
            return _sign(first_diff)
    return 0


# dpkg accepts (with a warning) upstream versions that do not start with a digit.
_DPKG_VERSION_RE = re.compile(
    r"^(?:(\d+):)?([A-Za-z0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$"
)


def parse_dpkg_version(version):
    """Split a Debian version into (epoch, upstream, revision); ParseError when invalid."""
    text = str(version).strip()
    match = _DPKG_VERSION_RE.match(text)
    if not match:
        raise ParseError(msg("patch.reason.not_deb_version", value=text))
    epoch, upstream, revision = match.groups()
    if (":" in upstream and epoch is None) or (revision is None and "-" in upstream):
        raise ParseError(msg("patch.reason.not_deb_version", value=text))
    return int(epoch or 0), upstream, revision or ""


def dpkg_version_compare(a, b):
    """Order two Debian versions like ``dpkg --compare-versions``: -1, 0 or 1."""
    ea, ua, ra = parse_dpkg_version(a)
    eb, ub, rb = parse_dpkg_version(b)
    if ea != eb:
        return _sign(ea - eb)
    result = _verrevcmp(ua, ub)
    if result:
        return result
    return _verrevcmp(ra, rb)


# --------------------------------------------------------------------------------------------
# rpm version ordering
# --------------------------------------------------------------------------------------------

def rpm_vercmp(a, b):
    """rpm's rpmvercmp() on one version or release string: -1, 0 or 1."""
    a = str(a)
    b = str(b)
    if a == b:
        return 0
    i = j = 0
    la, lb = len(a), len(b)
    while i < la or j < lb:
        while i < la and a[i] not in _ALNUM and a[i] not in "~^":
            i += 1
        while j < lb and b[j] not in _ALNUM and b[j] not in "~^":
            j += 1
        ca = a[i] if i < la else ""
        cb = b[j] if j < lb else ""
        if ca == "~" or cb == "~":
            if ca != "~":
                return 1
            if cb != "~":
                return -1
            i += 1
            j += 1
            continue
        if ca == "^" or cb == "^":
            if not ca:
                return -1
            if not cb:
                return 1
            if ca != "^":
                return 1
            if cb != "^":
                return -1
            i += 1
            j += 1
            continue
        if not (ca and cb):
            break
        si, sj = i, j
        if ca in _DIGITS:
            while i < la and a[i] in _DIGITS:
                i += 1
            while j < lb and b[j] in _DIGITS:
                j += 1
            isnum = True
        else:
            while i < la and a[i] in _LETTERS:
                i += 1
            while j < lb and b[j] in _LETTERS:
                j += 1
            isnum = False
        seg_a, seg_b = a[si:i], b[sj:j]
        if not seg_a:
            return -1
        if not seg_b:
            return 1 if isnum else -1
        if isnum:
            na, nb = int(seg_a), int(seg_b)
            if na != nb:
                return 1 if na > nb else -1
        elif seg_a != seg_b:
            return 1 if seg_a > seg_b else -1
    if i >= la and j >= lb:
        return 0
    return -1 if i >= la else 1


def split_evr(evr):
    """Split ``[epoch:]version[-release]`` into (epoch, version, release)."""
    text = str(evr).strip()
    if not text or any(c.isspace() for c in text):
        raise ParseError(msg("patch.reason.not_rpm_evr", value=text))
    epoch = 0
    if ":" in text:
        head, text = text.split(":", 1)
        if not head.isdigit():
            raise ParseError(msg("patch.reason.not_rpm_evr", value=str(evr)))
        epoch = int(head)
    version, _, release = text.rpartition("-")
    if not version:
        version, release = release, ""
    return epoch, version, release


def rpm_label_compare(a, b):
    """Compare two (epoch, version, release) tuples or EVR strings like rpm.labelCompare."""
    if isinstance(a, str):
        a = split_evr(a)
    if isinstance(b, str):
        b = split_evr(b)
    ea = int(a[0] or 0)
    eb = int(b[0] or 0)
    if ea != eb:
        return 1 if ea > eb else -1
    result = rpm_vercmp(a[1], b[1])
    if result:
        return result
    # Like rpm 4.18's rpmverCmp: a missing release (None) is not compared; an empty one
    # (an EVR string without "-release") sorts before any release.
    if a[2] is None or b[2] is None:
        return 0
    return rpm_vercmp(a[2], b[2])


def version_compare(family, a, b):
    """Dispatch on the package family: ``deb`` or ``rpm``."""
    if family == "deb":
        return dpkg_version_compare(a, b)
    return rpm_label_compare(a, b)


# --------------------------------------------------------------------------------------------
# /etc/os-release
# --------------------------------------------------------------------------------------------

_OS_RELEASE_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
        value = re.sub(r"\\([\\\"'$`])", r"\1", value)
    return value


def parse_os_release(text):
    """Parse os-release(5): return name, version_id, pretty_name, id, id_like, version.

    Raises ParseError when the text has no NAME/ID/PRETTY_NAME assignment or has lines that
    are neither assignments, comments nor blank.
    """
    fields = {}
    bad = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _OS_RELEASE_LINE.match(line)
        if not match:
            bad.append(line)
            continue
        fields[match.group(1)] = _unquote(match.group(2))
    if bad:
        raise ParseError(msg("patch.reason.os_release_bad_lines"), bad[:5])
    if not (fields.get("NAME") or fields.get("ID") or fields.get("PRETTY_NAME")):
        raise ParseError(msg("patch.reason.os_release_no_name"))
    return {
        "name": fields.get("NAME", ""),
        "version": fields.get("VERSION", ""),
        "version_id": fields.get("VERSION_ID", ""),
        "pretty_name": fields.get("PRETTY_NAME", ""),
        "id": fields.get("ID", ""),
        "id_like": fields.get("ID_LIKE", ""),
    }


# --------------------------------------------------------------------------------------------
# apt
# --------------------------------------------------------------------------------------------

_APT_INST = re.compile(
    r"^Inst (?P<name>\S+)(?: \[(?P<current>[^\]]*)\])? \((?P<candidate>\S+)(?: (?P<rel>[^()]*))?\)"
    r"(?: \[.*\])*\s*$"
)
_APT_REMV = re.compile(r"^(?:Remv|Purg) (\S+)")
_APT_SUMMARY = re.compile(
    r"^(?P<upgraded>\d+) upgraded, (?P<installed>\d+) newly installed, "
    r"(?:(?P<reinstalled>\d+) reinstalled, )?(?:(?P<downgraded>\d+) downgraded, )?"
    r"(?P<remove>\d+) to remove and (?P<kept>\d+) not upgraded\.\s*$"
)
_APT_ARCH_SUFFIX = re.compile(r"\s*\[[^\]]*\]\s*$")


def apt_origin_is_security(origin):
    """True when an apt RelStr origin (``Label:Version/Suite``) is a security archive.

    Debian: ``Debian-Security:12/bookworm-security``; Ubuntu: ``Ubuntu:22.04/jammy-security``;
    Ubuntu Pro: ``UbuntuESM:22.04/jammy-infra-security``.
    """
    origin = origin.strip()
    label, _, rest = origin.rpartition(":") if ":" in origin else ("", "", origin)
    suite = rest.rsplit("/", 1)[-1]
    return suite.endswith("-security") or label in ("Debian-Security",)


def parse_apt_simulation(text):
    """Parse ``apt-get -s dist-upgrade`` (C locale).

    Returns ``packages`` (name, current, candidate, origins, action, security), the summary
    counts and ``security_count``. Raises ParseError when the summary line is missing (a
    truncated or localised output) or when the Inst/Remv lines disagree with it.
    """
    packages = []
    removals = []
    summary = None
    for raw in (text or "").splitlines():
        line = raw.rstrip()
        if line.startswith("Inst "):
            match = _APT_INST.match(line)
            if not match:
                raise ParseError(msg("patch.reason.apt_line"), [line])
            rel = match.group("rel") or ""
            rel = _APT_ARCH_SUFFIX.sub("", rel)
            origins = [o.strip() for o in rel.split(",") if o.strip()]
            current = match.group("current")
            candidate = match.group("candidate")
            if current is None:
                action = "install"
            else:
                try:
                    order = dpkg_version_compare(candidate, current)
                except ParseError as exc:
                    raise ParseError(msg("patch.reason.apt_version"), [line]) from exc
                action = {1: "upgrade", 0: "reinstall", -1: "downgrade"}[order]
            packages.append({
                "name": match.group("name"),
                "current": current,
                "candidate": candidate,
                "origins": origins,
                "action": action,
                "security": any(apt_origin_is_security(o) for o in origins),
            })
        elif line.startswith(("Remv ", "Purg ")):
            removals.append(_APT_REMV.match(line).group(1))
        else:
            match = _APT_SUMMARY.match(line)
            if match:
                summary = {k: int(v or 0) for k, v in match.groupdict().items()}
    if summary is None:
        raise ParseError(msg("patch.reason.apt_no_summary"), (text or "").splitlines()[-5:])
    counts = {a: sum(1 for p in packages if p["action"] == a)
              for a in ("upgrade", "install", "reinstall", "downgrade")}
    expected = {
        "upgrade": summary["upgraded"],
        "install": summary["installed"],
        "reinstall": summary["reinstalled"],
        "downgrade": summary["downgraded"],
    }
    if counts != expected or len(removals) != summary["remove"]:
        raise ParseError(msg(
            "patch.reason.apt_disagree",
            found=msg("patch.reason.apt_counts", remove=len(removals), **counts),
            said=msg("patch.reason.apt_counts", remove=summary["remove"], **expected)))
    return {
        "packages": packages,
        "upgraded": summary["upgraded"],
        "newly_installed": summary["installed"],
        "reinstalled": summary["reinstalled"],
        "downgraded": summary["downgraded"],
        "removed": summary["remove"],
        "held_back": summary["kept"],
        "pending_count": summary["upgraded"] + summary["installed"],
        "security_count": sum(1 for p in packages if p["security"]
                              and p["action"] in ("upgrade", "install")),
    }


_APT_INDEX_RE = re.compile(r"_(?:In)?Release$|_Packages(?:\.(?:gz|xz|lz4|zst|bz2))?$")


def index_freshness(entries, kind="apt"):
    """Judge nothing, summarise package-index metadata from (path, mtime) pairs.

    apt: files in /var/lib/apt/lists plus the update stamps (``*-stamp``); dnf/yum: the
    repodata files of the metadata cache (``repomd.xml``, ``cachecookie``, ...). Returns
    ``fetched`` (any index file present), ``index_files`` and ``newest_mtime`` (None when
    none). Stamps count for freshness but not as index files.
    """
    index_files = 0
    newest = None
    for path, mtime in entries:
        name = str(path).rsplit("/", 1)[-1]
        is_stamp = name.endswith("-stamp")
        if kind == "apt" and not is_stamp and not _APT_INDEX_RE.search(name):
            continue
        if kind != "apt" and name.endswith((".solv", ".solvx", ".lock")):
            continue
        if not is_stamp:
            index_files += 1
        if mtime is not None and (newest is None or mtime > newest):
            newest = float(mtime)
    return {"fetched": index_files > 0, "index_files": index_files,
            "newest_mtime": newest if index_files else None}


_HISTORY_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2}:\d{2})$")
_HISTORY_PKG = re.compile(r"[^\s,()]+ \([^)]*\)")


# Commands that upgrade the system as a whole (as opposed to "apt-get install foo", which may
# upgrade a few dependencies on the way): apt/apt-get/aptitude, unattended-upgrades, PackageKit.
_APT_UPGRADE_COMMAND = re.compile(
    r"(?:^|[\s/'\"=])(?:upgrade|dist-upgrade|full-upgrade|safe-upgrade|unattended-upgrade|"
    r"update-packages)\b"
)


def parse_apt_history(text):
    """Parse /var/log/apt/history.log (one file; newest stanza last).

    Returns ``entries`` (number of stanzas) and, each the newest matching stanza or None:
    ``last_upgrade`` (an ``Upgrade:`` line from a system upgrade command: ``apt-get upgrade``,
    ``dist-upgrade``, ``full-upgrade``, unattended-upgrade, PackageKit ``update-packages``, or
    no ``Commandline:`` at all), ``last_package_upgrade`` (any ``Upgrade:`` line, including
    dependencies upgraded by ``apt-get install``) and ``last_install``. Each holds ``start``
    and ``end`` ('YYYY-MM-DD HH:MM:SS' local time), ``packages`` (count) and ``commandline``.
    An empty text gives zero entries; text with no ``Start-Date:`` stanza raises ParseError.
    """
    entries = []
    current = None
    other = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition(": ")
        if not sep and line.endswith(":"):
            key, value, sep = line[:-1], "", ":"
        if key == "Start-Date":
            match = _HISTORY_DATE.match(value.strip())
            if not match:
                raise ParseError(msg("patch.reason.apt_history_date"), [line])
            current = {"start": "{} {}".format(*match.groups()), "end": None, "fields": {}}
            entries.append(current)
        elif key == "End-Date" and current is not None:
            match = _HISTORY_DATE.match(value.strip())
            if match:
                current["end"] = "{} {}".format(*match.groups())
        elif sep and current is not None and re.match(r"^[A-Z][A-Za-z-]*$", key):
            current["fields"][key] = value
        else:
            other.append(line)
    if not entries:
        if other:
            raise ParseError(msg("patch.reason.apt_history_no_stanza"), other[:5])
        return {"entries": 0, "last_upgrade": None, "last_package_upgrade": None,
                "last_install": None}

    def last_with(field, system_only=False):
        for entry in reversed(entries):
            if field not in entry["fields"]:
                continue
            command = entry["fields"].get("Commandline")
            if system_only and command is not None and not _APT_UPGRADE_COMMAND.search(command):
                continue
            return {
                "start": entry["start"],
                "end": entry["end"],
                "packages": len(_HISTORY_PKG.findall(entry["fields"][field])),
                "commandline": command or "",
            }
        return None

    return {"entries": len(entries), "last_upgrade": last_with("Upgrade", True),
            "last_package_upgrade": last_with("Upgrade"), "last_install": last_with("Install")}


# --------------------------------------------------------------------------------------------
# dnf / yum
# --------------------------------------------------------------------------------------------

# Lines dnf/yum/subscription-manager print around the data, in the C locale.
_RPM_TOOL_NOISE = re.compile(
    r"^(?:Loaded plugins:|Loading mirror speeds|\s*\* \S+: |Last metadata expiration check:|"
    r"Updating Subscription Management repositories|Unable to read consumer identity|"
    r"This system is not registered|This system is receiving updates from|"
    r"Updating and loading repositories:|Repositories loaded\.|updateinfo list done|"
    r"Repodata is over \d+ weeks? old|"
    # yum-plugin-security (yum-utils plugins/security/security.py _check_running_kernel) and
    # dnf after it: the installed and the running kernel, not an update
    r"Security: \S+ is (?:an installed security update|the currently running version)|"
    r"\d+ package\(s\) needed (?:\(\+\d+ related\) )?for security|"
    r"No packages needed for security|"
    r"Repository \S+ is listed more than once|Determining fastest mirrors|"
    r"No security updates needed, but|Waiting for process with pid|"
    r"\s*[Nn]o packages? marked for update)"
)
_NA_RE = re.compile(r"^(?P<name>\S+)\.(?P<arch>[A-Za-z0-9_]+)$")
_EVR_RE = re.compile(r"^(?:\d+:)?[^\s:-][^\s-]*-[^\s-]+$")


def parse_check_update(text, rc):
    """Parse ``dnf|yum -q -C check-update`` (dnf 5: ``check-upgrade``) with its exit status.

    Exit 100 means updates are listed, 0 none; anything else is an error (raises). yum 3
    wraps long names onto a continuation line; dnf lists obsoleting packages under an
    "Obsoleting Packages" heading followed by the indented obsoleted package.
    Returns ``packages`` (name, arch, evr, repo, obsoleting) and ``pending_count``.
    """
    if rc is not None and rc not in (0, 100):
        raise ParseError(msg("patch.reason.check_update_status", rc=rc),
                         (text or "").splitlines()[-10:])
    records = []
    current = None
    section = "updates"
    unrecognised = []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        stripped = raw.strip()
        if _RPM_TOOL_NOISE.match(raw):
            continue
        if stripped in ("Obsoleting Packages", "Obsoleting packages"):
            section = "obsoleting"
            current = None
            continue
        if stripped in ("Upgrades", "Available Upgrades", "Updated Packages"):
            section = "updates"
            current = None
            continue
        tokens = stripped.split()
        indented = raw[0].isspace()
        if indented and current is not None and len(current["tokens"]) < 3:
            current["tokens"].extend(tokens)
            continue
        if indented and section == "obsoleting":
            # the installed package being obsoleted: not an update of its own
            current = {"tokens": tokens, "skip": True, "section": section, "line": raw}
            records.append(current)
            continue
        if indented:
            unrecognised.append(raw)
            continue
        current = {"tokens": tokens, "skip": False, "section": section, "line": raw}
        records.append(current)
    packages = []
    seen = set()
    for rec in records:
        tokens = rec["tokens"]
        na = _NA_RE.match(tokens[0]) if tokens else None
        if len(tokens) != 3 or not na or not _EVR_RE.match(tokens[1]):
            unrecognised.append(rec["line"])
            continue
        if rec["skip"]:
            continue
        key = tokens[0]
        if key in seen:
            continue
        seen.add(key)
        packages.append({"name": na.group("name"), "arch": na.group("arch"), "evr": tokens[1],
                         "repo": tokens[2], "obsoleting": rec["section"] == "obsoleting"})
    if unrecognised:
        raise ParseError(msg("patch.reason.check_update_lines"), unrecognised[:5])
    if rc == 100 and not packages:
        raise ParseError(msg("patch.reason.check_update_listed_none"),
                         (text or "").splitlines()[-5:])
    if rc == 0 and packages:
        raise ParseError(msg("patch.reason.check_update_listed_some"),
                         [p["name"] for p in packages[:5]])
    return {"packages": packages, "pending_count": len(packages)}


_ADV_TYPES = ("bugfix", "enhancement", "security", "newpackage", "unknown")
_SEVERITIES = ("Critical", "Important", "Moderate", "Low", "None", "Unknown")
_DNF5_HEADER = re.compile(r"^Name\s+Type\s+Severity\s+Package\s+Issued\s*$")
_ADVISORY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
_NEVRA_RE = re.compile(r"^(?P<name>.+)-(?:\d+:)?[^-]+-[^-]+\.(?P<arch>[A-Za-z0-9_]+)$")


def _advisory_type(label):
    """dnf4/yum label -> (type, severity) or None; e.g. 'Important/Sec.' -> security."""
    if label.endswith("/Sec."):
        severity = label[: -len("/Sec.")]
        return "security", severity or "Unknown"
    if label in _ADV_TYPES:
        return label, ""
    return None


def parse_updateinfo_list(text):
    """Parse ``dnf|yum -q -C updateinfo list`` (any type) or dnf 5 ``advisory list``.

    dnf 4 / yum 3.4: ``RHSA-2024:1234 Important/Sec. kernel-5.14.0-...x86_64``; old yum
    security plugin: ``RHSA-2013:1234 security kernel-...``; dnf 5: a table with the header
    ``Name Type Severity Package Issued``. Returns ``advisories`` (id, type, severity,
    package, name, arch). Raises ParseError on lines it cannot read.
    """
    advisories = []
    unrecognised = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or _RPM_TOOL_NOISE.match(raw) or _DNF5_HEADER.match(line):
            continue
        tokens = line.split()
        if tokens[0] == "i" and len(tokens) > 3:
            tokens = tokens[1:]  # --all availability marker
        entry = None
        if len(tokens) == 3 and _ADVISORY_ID.match(tokens[0]):
            kind = _advisory_type(tokens[1])
            if kind:
                entry = (tokens[0], kind[0], kind[1], tokens[2])
        elif len(tokens) in (5, 6) and _ADVISORY_ID.match(tokens[0]) and tokens[1] in _ADV_TYPES \
                and re.match(r"^\d{4}-\d{2}-\d{2}$", tokens[-2]):
            severity = tokens[2] if len(tokens) == 6 else ""
            entry = (tokens[0], tokens[1], severity, tokens[-3])
        nevra = _NEVRA_RE.match(entry[3]) if entry else None
        if not nevra:
            unrecognised.append(raw)
            continue
        advisories.append({
            "id": entry[0],
            "type": entry[1],
            "severity": entry[2] if entry[2] not in ("", "None") else ("Unknown" if
                                                                       entry[1] == "security"
                                                                       else ""),
            "package": entry[3],
            "name": nevra.group("name"),
            "arch": nevra.group("arch"),
        })
    if unrecognised:
        raise ParseError(msg("patch.reason.updateinfo_lines"), unrecognised[:5])
    return {"advisories": advisories}


_HISTORY_ROW = re.compile(
    r"^\s*(?P<id>\d+)\s+\|\s(?P<cmd>.*?)\s*\|\s(?P<date>\d{4}-\d{2}-\d{2} \d{2}:\d{2})\s+\|"
    r"\s(?P<actions>.*?)\s*\|\s*(?P<altered>\d+)\s*(?P<marks>.*)$"
)
_DNF5_HISTORY_HEADER = re.compile(r"^\s*ID\s+Command line\s+Date and time\s+Action\(s\)\s+Altered")
_DNF5_HISTORY_ROW = re.compile(
    r"^\s*(?P<id>\d+)\s+(?P<cmd>.*?)\s*(?P<date>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\s+"
    r"(?P<actions>.*?)\s*(?P<altered>\d+)\s*$"
)
_UPGRADE_ACTIONS = ("Upgrade", "Update", "U", "Upgraded", "Updated")
_UPGRADE_COMMAND = re.compile(r"(?:^|\s)(?:upgrade|update|up|distro-sync|dsync|upgrade-minimal"
                              r"|update-minimal|dup)(?:\s|$)")


def parse_history_list(text):
    """Parse ``dnf history list`` (dnf 4), ``yum history list`` or dnf 5 ``history list``.

    dnf 4 / yum: ``ID | Command line (or Login user) | Date and time | Action(s) | Altered``
    with actions such as ``Upgrade``, ``Update`` or ``I, U``; transactions marked ``#``
    (failed) or ``*`` (aborted) are left out. With a command-line column a transaction counts
    as an update only when it upgraded packages *and* its command is an upgrade/update/
    distro-sync (``dnf install foo`` upgrading a dependency does not count); with a login-user
    column (yum) the actions alone decide. dnf 5 prints no actions: the command decides.
    Returns ``transactions`` and ``last_upgrade`` ({id, date 'YYYY-MM-DD HH:MM[:SS]',
    actions, command}) or None. Raises ParseError on a table it cannot read.
    """
    rows = []
    unrecognised = []
    header = None
    for raw in (text or "").splitlines():
        if not raw.strip() or _RPM_TOOL_NOISE.match(raw):
            continue
        stripped = raw.strip()
        if re.match(r"^-{10,}$", stripped):
            continue
        if re.match(r"^ID\s+\|", stripped):
            # dnf 4 shows the command line by default; yum (and dnf with
            # history_list_view=users) the login user, which says nothing about the command
            header = "commands" if re.match(r"^ID\s+\|\s*Command line", stripped) else "users"
            continue
        if _DNF5_HISTORY_HEADER.match(stripped):
            header = "dnf5"
            continue
        if stripped.startswith("history list") or stripped == "No transactions":
            continue
        match = _HISTORY_ROW.match(raw) if header != "dnf5" else _DNF5_HISTORY_ROW.match(raw)
        if not match:
            unrecognised.append(raw)
            continue
        row = match.groupdict()
        row["marks"] = row.get("marks") or ""
        rows.append(row)
    if unrecognised:
        raise ParseError(msg("patch.reason.history_lines"), unrecognised[:5])
    if rows and header is None:
        raise ParseError(msg("patch.reason.history_no_header"), [rows[0]["id"]])
    last = None
    for row in rows:
        if "#" in row["marks"] or "*" in row["marks"]:
            continue
        # no command line: dnf-automatic, PackageKit and other API users
        by_command = not row["cmd"].strip() or bool(
            _UPGRADE_COMMAND.search(" " + row["cmd"].strip() + " "))
        if header == "dnf5":
            is_upgrade = by_command
        else:
            actions = [a.strip() for a in row["actions"].split(",")]
            is_upgrade = any(a in _UPGRADE_ACTIONS for a in actions)
            if header == "commands":
                # "dnf install foo" that upgrades a dependency shows "I, U" too
                is_upgrade = is_upgrade and by_command
        if not is_upgrade:
            continue
        if last is None or row["date"] > last["date"] or (
                row["date"] == last["date"] and int(row["id"]) > int(last["id"])):
            last = {"id": int(row["id"]), "date": row["date"], "actions": row["actions"].strip(),
                    "command": row["cmd"].strip()}
    return {"transactions": len(rows), "last_upgrade": last}


_MONTHS = {m: i + 1 for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"))}
_WDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MON = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_RPM_DATE_FORMATS = (
    # C / POSIX locale, strftime %c: "Tue Nov 14 10:12:33 2023"
    (re.compile(r"^" + _WDAY + r"\s+" + _MON
                + r"\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})$"),
     ("mon", "day", "H", "M", "S", "year")),
    # en_US / en_GB %c: "Tue 14 Nov 2023 10:12:33 AM CST", "Tue 14 Nov 2023 10:12:33 GMT"
    (re.compile(r"^" + _WDAY + r"\s+(\d{1,2})\s+" + _MON + r"\s+(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})"
                r"(?:\s+(AM|PM))?(?:\s+[A-Za-z][A-Za-z0-9+-]*)?$"),
     ("day", "mon", "year", "H", "M", "S", "ampm")),
    # ISO-like: "2023-11-14 10:12:33"
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$"),
     ("year", "monnum", "day", "H", "M", "S")),
)


def parse_rpm_date(text):
    """A date as printed by rpm's ``:date`` format -> 'YYYY-MM-DD HH:MM:SS' (local time).

    Only the C/POSIX, English and ISO forms are read; anything else (e.g. a zh_CN date when
    LC_ALL was not honoured) raises ParseError.
    """
    value = " ".join(str(text).split())
    for regex, names in _RPM_DATE_FORMATS:
        match = regex.match(value)
        if not match:
            continue
        parts = dict(zip(names, match.groups()))  # noqa: B905 (Python 3.8 targets)
        month = _MONTHS[parts["mon"]] if "mon" in parts else int(parts["monnum"])
        hour = int(parts["H"])
        ampm = parts.get("ampm")
        if ampm:
            if not 1 <= hour <= 12:
                break
            hour = hour % 12 + (12 if ampm == "PM" else 0)
        day, minute, second = int(parts["day"]), int(parts["M"]), int(parts["S"])
        if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60
                and second < 61):
            break
        year = int(parts["year"])
        return f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"
    raise ParseError(msg("patch.reason.rpm_date", value=value))


def parse_rpm_qa_last(text):
    """Parse the first line of ``rpm -qa --last``: the most recently installed package.

    Returns {package, installed ('YYYY-MM-DD HH:MM:SS' local time)}; ParseError on empty
    or unreadable input.
    """
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            raise ParseError(msg("patch.reason.rpm_last_no_date"), [line])
        return {"package": parts[0], "installed": parse_rpm_date(parts[1])}
    raise ParseError(msg("patch.reason.rpm_last_empty"))


# --------------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------------

_DPKG_KERNEL = re.compile(r"^(?P<package>\S+) (?P<version>\S*) (?P<status>\S+ \S+ \S+)$")
# dpkg-query -W without -f: "${binary:Package}\t${Version}" (no status; see parse_dpkg_kernels)
_DPKG_KERNEL_PLAIN = re.compile(r"^(?P<package>\S+)\t(?P<version>\S*)$")
_DEB_META_OR_DEBUG = re.compile(r"-(?:dbg|dbgsym)$")
_KERNEL_FLAVOUR = re.compile(r"^\d+\.\d+(?:\.\d+)*-\d+(?:\.\d+)*-(?P<flavour>[a-z][\w.+-]*)$")


def _deb_kernel_release(package):
    """linux-image[-unsigned]-<release>[-unsigned] -> <release>, None for meta packages."""
    rest = package[len("linux-image-"):]
    if rest.startswith("unsigned-"):
        rest = rest[len("unsigned-"):]
    if rest.endswith("-unsigned"):
        rest = rest[: -len("-unsigned")]
    if not rest or not rest[0].isdigit() or _DEB_META_OR_DEBUG.search(rest):
        return None
    return rest


def kernel_flavour(release):
    """'6.1.0-25-cloud-amd64' -> 'cloud-amd64'; '5.15.0-91-generic' -> 'generic'; else ''."""
    match = _KERNEL_FLAVOUR.match(release or "")
    return match.group("flavour") if match else ""


def parse_dpkg_kernels(text):
    """Parse ``dpkg-query -W -f '${Package} ${Version} ${Status}\\n' 'linux-image-*'``.

    Returns installed kernel images [{package, version, release, flavour}]; meta packages
    (linux-image-amd64), debug symbols and packages not fully installed are left out.
    Empty text (dpkg-query: no packages found) gives []. Raises ParseError on other lines.

    Also reads plain ``dpkg-query -W 'linux-image-*'`` (``package<TAB>version``, the default
    show format): it has no status, so a removed kernel whose configuration files remain
    (state ``config-files``, version still shown) counts as installed there. That can only
    make a reboot look pending, never hide one; the collector uses the format with status.
    """
    kernels = []
    bad = []
    for raw in (text or "").splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        match = _DPKG_KERNEL.match(line) or _DPKG_KERNEL_PLAIN.match(raw.rstrip("\r\n"))
        if not match or not match.group("package").startswith("linux-image-"):
            bad.append(line)
            continue
        status = (match.groupdict().get("status") or "install ok installed").split()
        if status[2] != "installed" or not match.group("version"):
            continue
        release = _deb_kernel_release(match.group("package"))
        if release is None:
            continue
        try:
            parse_dpkg_version(match.group("version"))
        except ParseError:
            bad.append(line)
            continue
        kernels.append({"package": match.group("package"), "version": match.group("version"),
                        "release": release, "flavour": kernel_flavour(release)})
    if bad:
        raise ParseError(msg("patch.reason.dpkg_lines"), bad[:5])
    return kernels


_RPM_KERNEL = re.compile(
    r"^(?P<name>kernel[\w-]*) (?P<epoch>\d+|\(none\)) (?P<version>\S+) (?P<release>\S+) "
    r"(?P<arch>\S+)$"
)
_RPM_NOT_INSTALLED = re.compile(r"^package \S+ is not installed$")
# plain "rpm -q kernel" prints NAME-VERSION-RELEASE.ARCH (no epoch: kernels have none)
_RPM_KERNEL_NVRA = re.compile(
    r"^(?P<name>kernel(?:-[a-z][a-z0-9]*)*)-(?P<version>[^-\s]+)-(?P<release>[^-\s]+)"
    r"\.(?P<arch>[A-Za-z0-9_]+)$")


def parse_rpm_kernels(text):
    """Parse ``rpm -q --qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\\n' kernel ...``
    or plain ``rpm -q kernel`` (``kernel-5.14.0-362.8.1.el9_3.x86_64``, no epoch).

    Returns [{package, version (EVR), release (uname -r form V-R.A), flavour}], one entry per
    release (``kernel`` and ``kernel-core`` share one). "package X is not installed" lines
    are skipped. Raises ParseError on other lines.
    """
    kernels = {}
    bad = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or _RPM_NOT_INSTALLED.match(line):
            continue
        match = _RPM_KERNEL.match(line) or _RPM_KERNEL_NVRA.match(line)
        if not match:
            bad.append(line)
            continue
        name = match.group("name")
        flavour = re.sub(r"-core$", "", name)
        epoch = match.groupdict().get("epoch") or "(none)"
        evr = "{}{}-{}".format("" if epoch == "(none)" else epoch + ":", match.group("version"),
                           match.group("release"))
        release = "{}-{}.{}".format(match.group("version"), match.group("release"),
                                match.group("arch"))
        kernels.setdefault(release, {"package": name, "version": evr, "release": release,
                                     "flavour": flavour})
    if bad:
        raise ParseError(msg("patch.reason.rpm_kernel_lines"), bad[:5])
    return list(kernels.values())


def parse_running_build(uname_version):
    """The package version a Debian/Ubuntu kernel was built from, out of ``uname -v``.

    Debian: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.106-3 (2024-08-26)' -> ('deb', '6.1.106-3');
    Ubuntu: '#101-Ubuntu SMP ...' -> ('ubuntu', '101'); others -> (None, None).
    """
    text = uname_version or ""
    match = re.search(r"\bDebian (\S+) \(\d{4}-\d{2}-\d{2}\)", text)
    if match:
        return "deb", match.group(1)
    match = re.match(r"^#(\S+?)-Ubuntu\b", text)
    if match:
        return "ubuntu", match.group(1)
    return None, None


# --------------------------------------------------------------------------------------------
# parse_sources: the area's raw outputs -> data (registry.py: the keys of the patch sources)
# --------------------------------------------------------------------------------------------

_APT_HISTORY = "/var/log/apt/history.log"


def _failed(value, cause="source_unreadable"):
    """A collector's error for a source, as the section the rules read."""
    return {"error": value["error"], "evidence": [str(x) for x in value.get("evidence") or []][:20],
            "cause": value.get("cause") or cause}


def _is_error(value):
    return isinstance(value, dict) and value.get("error") is not None


def _read(value, parse, source):
    """Parse one raw output; a collector's error or text not understood becomes a section
    ``{"error": reason message, "evidence": [...], "cause": ...}``."""
    if _is_error(value):
        return _failed(value)
    if not isinstance(value, str):
        return {"error": msg("reason.unexpected_value", what=source, value=repr(value)[:80]),
                "evidence": [], "cause": "not_understood"}
    try:
        return parse(value)
    except ParseError as exc:
        return {"error": msg("patch.reason.in_source", source=source, reason=exc.message),
                "evidence": exc.evidence[:20], "cause": "not_understood"}


def guess_tool(raw):
    """The package manager the raw outputs come from: the collector says (``tool``); saved
    outputs tell the family only (``apt`` or ``rpm``: dnf or yum)."""
    if raw.get("tool"):
        return raw["tool"]
    if any(k in raw for k in ("apt_simulate", "dpkg_kernels", "apt_history")):
        return "apt"
    if any(k in raw for k in ("rpm_updates", "rpm_advisories", "rpm_history", "rpm_last",
                              "rpm_kernels")):
        return "rpm"
    return None


def _command(tool, dnf4, dnf5):
    binary = {"dnf5": "dnf5", "yum": "yum"}.get(tool, "dnf")
    return "{} {}".format(binary, dnf5 if tool == "dnf5" else dnf4)


def _local_epoch(text):
    """'YYYY-MM-DD HH:MM[:SS]' in the local time of where this runs (the host, in the
    collector) -> epoch seconds."""
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return time.mktime(time.strptime(text, fmt))


def _when(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _lists(value):
    if _is_error(value):
        return _failed(value)
    if not isinstance(value, dict) or not isinstance(value.get("entries"), list):
        return {"error": msg("reason.unexpected_value", what="package_lists",
                             value=repr(value)[:80]), "evidence": [], "cause": "not_understood"}
    result = index_freshness([tuple(e) for e in value["entries"]], kind=value.get("kind", "apt"))
    result["location"] = value.get("location", "")
    return result


def _kernels(raw):
    if "dpkg_kernels" in raw:
        family, installed = "deb", _read(raw["dpkg_kernels"], parse_dpkg_kernels, "dpkg-query")
    else:
        family, installed = "rpm", _read(raw["rpm_kernels"], parse_rpm_kernels, "rpm -q kernel")
    if _is_error(installed):
        return installed
    uname = raw.get("uname") or {}
    kind, build = parse_running_build(uname.get("version"))
    return {"family": family, "installed": installed,
            "running_release": uname.get("release"), "running_version": uname.get("version", ""),
            "running_build_kind": kind, "running_build": build}


def _apt_last_update(raw):
    value = raw["apt_history"]
    paths = list(raw.get("apt_history_files") or [_APT_HISTORY])
    parsed = _read(value, parse_apt_history, _APT_HISTORY)
    if _is_error(parsed):
        return parsed
    last = parsed["last_upgrade"]
    if not last:
        return {"time": None, "source": msg("patch.source.no_upgrade_in", paths=paths)}
    partial = parsed["last_package_upgrade"]
    local = last["end"] or last["start"]
    detail = "{} packages upgraded by: {}".format(
        last["packages"], last["commandline"] or "(no command line recorded)")
    if partial and partial["start"] > last["start"]:
        detail += "; later, {} packages upgraded as dependencies on {} by: {}".format(
            partial["packages"], partial["start"], partial["commandline"])
    epoch = _local_epoch(local)
    return {"time": epoch, "when": _when(epoch), "local": local,
            "source": msg("patch.source.file", path=paths[0]), "kind": "upgrade",
            "detail": detail}


def _rpm_last_update(raw, tool):
    binary = {"dnf5": "dnf5", "yum": "yum"}.get(tool, "dnf")
    history = f"{binary} history list"
    evidence = []
    cause = "incomplete"
    if "rpm_history" in raw:
        parsed = _read(raw["rpm_history"], parse_history_list, history)
        if _is_error(parsed):
            reason, evidence, cause = parsed["error"], parsed["evidence"], parsed["cause"]
        elif parsed["last_upgrade"]:
            last = parsed["last_upgrade"]
            local = last["date"] if last["date"].count(":") == 2 else last["date"] + ":00"
            epoch = _local_epoch(local)
            return {"time": epoch, "when": _when(epoch), "local": local,
                    "source": msg("patch.source.history", command=binary, id=last["id"]),
                    "kind": "upgrade", "detail": last["command"]}
        else:
            reason = msg("patch.source.no_history_upgrade", command=binary)
            cause = None
    else:
        reason = msg("patch.reason.in_source", source=history, reason=msg("reason.not_collected"))
    if "rpm_last" not in raw:
        if cause is None:
            return {"time": None, "source": reason}
        return {"error": reason, "evidence": evidence, "cause": cause}
    # Fallback: the newest rpm install time (any installation, not only updates).
    first = _read(raw["rpm_last"], parse_rpm_qa_last, "rpm -qa --last")
    if _is_error(first):
        return {"error": msg("reason.both", first=reason, second=first["error"]),
                "evidence": evidence + first["evidence"], "cause": first["cause"]}
    epoch = _local_epoch(first["installed"])
    return {"time": epoch, "when": _when(epoch), "local": first["installed"],
            "source": msg("patch.source.rpm_last", reason=reason), "kind": "package change",
            "detail": "newest package: {}".format(first["package"])}


def parse_sources(raw, context=None):
    """The patch area's raw outputs -> the data its rules judge (pure; never judges).

    ``raw`` maps a source key (registry.py) to its text, or to ``{"error": message,
    "evidence": [...], "cause": ...}`` when the collector could not get it. Text keys:
    ``os_release``, ``apt_simulate``, ``dpkg_kernels``, ``apt_history``, ``rpm_updates``,
    ``rpm_advisories``, ``rpm_history``, ``rpm_last``, ``rpm_kernels``. Structured keys the
    collector adds: ``tool`` (apt, dnf, dnf5, yum), ``rpm_updates_rc`` (check-update's exit
    status: 100 updates listed, 0 none), ``package_lists`` ({kind: apt|rpm, location,
    entries: [[path, mtime], ...]}), ``uname`` ({release, version}), ``reboot_required``
    ({exists, path, packages}), ``apt_history_files`` (the history files read, newest first;
    ``apt_history`` is their text, oldest first). A key that is absent was not collected:
    its section is absent too, and the rules say so.

    Each section is the parser's result or ``{"error", "evidence", "cause"}`` (cause
    ``not_understood`` for text the parser does not understand).
    """
    raw = raw or {}
    tool = guess_tool(raw)
    data = {"tool": tool, "family": {"apt": "deb", None: None}.get(tool, "rpm")}
    if "os_release" in raw:
        data["os_release"] = _read(raw["os_release"], parse_os_release, "/etc/os-release")
    if "apt_simulate" in raw:
        data["updates"] = _read(raw["apt_simulate"], parse_apt_simulation,
                                "apt-get -s dist-upgrade")
    elif "rpm_updates" in raw:
        rc = raw.get("rpm_updates_rc")
        data["updates"] = _read(raw["rpm_updates"], lambda text: parse_check_update(text, rc),
                                _command(tool, "check-update", "check-upgrade"))
    if "rpm_advisories" in raw:
        data["advisories"] = _read(raw["rpm_advisories"], parse_updateinfo_list,
                                   _command(tool, "updateinfo list", "advisory list"))
    if "package_lists" in raw:
        data["lists"] = _lists(raw["package_lists"])
    if "dpkg_kernels" in raw or "rpm_kernels" in raw:
        data["kernels"] = _kernels(raw)
    if "reboot_required" in raw:
        data["reboot_required"] = raw["reboot_required"]
    if "apt_history" in raw:
        data["last_update"] = _apt_last_update(raw)
    elif "rpm_history" in raw or "rpm_last" in raw:
        data["last_update"] = _rpm_last_update(raw, tool)
    return data
