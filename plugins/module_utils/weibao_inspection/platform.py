# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A Linux host's platform from /etc/os-release, as Ansible's fact gathering names it, and
the per-OS vars files a role loads for it (the roles' tasks/set_vars.yml order).

Shared by the weibao_inspect action (controller) and weibao_inspect_linux (on the host,
which reads /etc/os-release itself: no separate exec for it). The distribution-to-family
table is Ansible's own (ansible.module_utils.facts...Distribution.OS_FAMILY), passed in by
the action so that the host needs no copy of it.
"""

from __future__ import annotations

import shlex

# /etc/os-release IDs whose Ansible distribution name is not the ID capitalised
DISTRIBUTIONS = {
    "rhel": "RedHat", "centos": "CentOS", "fedora": "Fedora", "rocky": "Rocky",
    "almalinux": "AlmaLinux", "ol": "OracleLinux", "amzn": "Amazon", "debian": "Debian",
    "ubuntu": "Ubuntu", "kylin": "Kylin Linux Advanced Server", "openeuler": "openEuler",
    "uos": "Uos", "sles": "SLES", "opensuse-leap": "openSUSE Leap", "raspbian": "Raspbian",
    "linuxmint": "Linux Mint", "devuan": "Devuan", "kali": "Kali", "euleros": "EulerOS",
    "anolis": "Anolis", "tencentos": "TencentOS", "alinux": "Alibaba",
}
# ID_LIKE words that name a family when the ID itself is unknown to Ansible's table
LIKE_FAMILY = {"rhel": "RedHat", "fedora": "RedHat", "centos": "RedHat", "debian": "Debian",
               "ubuntu": "Debian", "suse": "Suse"}
# the per-OS vars files each role loads, in order (roles/<role>/tasks/set_vars.yml)
VARS_FILES = ("{family}", "{dist}", "{dist}_{major}")
VARS_FILES_WITH_FAMILY_MAJOR = ("{family}", "{family}_{major}", "{dist}", "{dist}_{major}")


def parse_os_release(text, families):
    """``{distribution, os_family, major}`` from /etc/os-release (empty values when absent);
    ``families``: Ansible's distribution name -> OS family table."""
    fields = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            try:
                value = " ".join(shlex.split(value))
            except ValueError:
                value = value.strip().strip("\"'")
            fields[key.strip()] = value
    ident = fields.get("ID", "").lower()
    if not ident:
        return {"distribution": "", "os_family": "", "major": ""}
    name = DISTRIBUTIONS.get(ident, ident.capitalize())
    family = families.get(name, "")
    if not family:
        for like in fields.get("ID_LIKE", "").lower().split():
            if like in LIKE_FAMILY:
                family = LIKE_FAMILY[like]
                break
    family = family or name
    major = fields.get("VERSION_ID", "").split(".")[0]
    return {"distribution": name, "os_family": family, "major": major}


def vars_file_names(patterns, platform):
    """The names (without .yml) of the per-OS vars files for ``platform``, in order."""
    if not platform.get("os_family"):
        return []
    return [p.format(family=platform["os_family"], dist=platform["distribution"],
                     major=platform["major"]) for p in patterns]
