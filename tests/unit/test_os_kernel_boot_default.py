"""roles/change_os_kernel/files/boot_default.sh: will the next boot start the new kernel?

The script reads files under WEIBAO_BOOT_ROOT (a temporary folder standing for /), so the
GRUB and grubby branches, which the container integration test cannot reach (a container has
no bootloader), are exercised here: a grub.cfg in the layout Debian 12's grub-mkconfig
writes (first a top-level menuentry, then the "Advanced options" submenu), GRUB_DEFAULT from
/etc/default/grub and grub.d, and a grubby stand-in printing what `grubby --default-kernel`
prints. Every verdict other than ok and container stops the change before the reboot.
"""

# ruff: noqa: E501 - the grub.cfg lines below are as long as grub-mkconfig writes them

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT / "roles" / "change_os_kernel" / "files" / "boot_default.sh"
NEW = "6.1.0-31-amd64"
OLD = "6.1.0-28-amd64"

# Debian 12 /boot/grub/grub.cfg (grub-mkconfig 2.06), cut to the entries' structure.
GRUB_CFG = """\
### BEGIN /etc/grub.d/10_linux ###
function gfxmode {{
\tset gfxpayload="${{1}}"
}}
set linux_gfx_mode=
export linux_gfx_mode
menuentry 'Debian GNU/Linux' --class debian --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-0b4c' {{
\tload_video
\tinsmod gzio
\tsearch --no-floppy --fs-uuid --set=root 0b4c
\techo\t'Loading Linux {first} ...'
\tlinux\t/boot/vmlinuz-{first} root=UUID=0b4c ro  quiet
\techo\t'Loading initial ramdisk ...'
\tinitrd\t/boot/initrd.img-{first}
}}
submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-0b4c' {{
\tmenuentry 'Debian GNU/Linux, with Linux {first}' --class debian $menuentry_id_option 'gnulinux-{first}-advanced-0b4c' {{
\t\tlinux\t/boot/vmlinuz-{first} root=UUID=0b4c ro  quiet
\t}}
\tmenuentry 'Debian GNU/Linux, with Linux {second}' --class debian $menuentry_id_option 'gnulinux-{second}-advanced-0b4c' {{
\t\tlinux\t/boot/vmlinuz-{second} root=UUID=0b4c ro  quiet
\t}}
}}
### END /etc/grub.d/10_linux ###
"""


def run(root: Path, release: str = NEW, path: str = "/usr/bin:/bin") -> str:
    env = {"PATH": path, "WEIBAO_BOOT_ROOT": str(root), "LC_ALL": "C"}
    proc = subprocess.run(["sh", str(SCRIPT), release], capture_output=True, text=True,
                          env=env, timeout=30, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout
    return lines[0]


@pytest.fixture(autouse=True)
def no_real_grubby() -> None:
    if shutil.which("grubby", path="/usr/bin:/bin"):
        pytest.fail("this machine has grubby in /usr/bin: the GRUB cases need a PATH without it")


def host(tmp_path: Path, *kernels: str, first: str | None = None, default: str | None = None,
         grub_d: str | None = None) -> Path:
    (tmp_path / "boot").mkdir()
    for release in kernels:
        (tmp_path / "boot" / f"vmlinuz-{release}").write_text("kernel\n")
    if first is not None:
        (tmp_path / "boot" / "grub").mkdir()
        second = OLD if first != OLD else NEW
        (tmp_path / "boot" / "grub" / "grub.cfg").write_text(
            GRUB_CFG.format(first=first, second=second))
    if default is not None:
        (tmp_path / "etc" / "default" / "grub.d").mkdir(parents=True)
        (tmp_path / "etc" / "default" / "grub").write_text(
            f'GRUB_DEFAULT={default}\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')
        if grub_d is not None:
            (tmp_path / "etc" / "default" / "grub.d" / "local.cfg").write_text(
                f"GRUB_DEFAULT={grub_d}\n")
    return tmp_path


def test_grub_first_entry_boots_the_new_kernel(tmp_path: Path) -> None:
    line = run(host(tmp_path, OLD, NEW, first=NEW, default="0"))
    assert line.startswith("ok GRUB's first entry") and f"/boot/vmlinuz-{NEW}" in line


def test_grub_without_grub_default_means_entry_zero(tmp_path: Path) -> None:
    assert run(host(tmp_path, OLD, NEW, first=NEW)).startswith("ok ")


def test_grub_first_entry_boots_another_kernel(tmp_path: Path) -> None:
    line = run(host(tmp_path, OLD, NEW, first=OLD, default='"0"'))
    assert line == (f"wrong GRUB's first entry (/boot/grub/grub.cfg, GRUB_DEFAULT=0) boots "
                    f"/boot/vmlinuz-{OLD}, not vmlinuz-{NEW}")


def test_grub_default_saved_is_not_judged(tmp_path: Path) -> None:
    line = run(host(tmp_path, OLD, NEW, first=NEW, default="0", grub_d="saved"))
    assert line.startswith("unknown GRUB_DEFAULT=saved"), "grub.d overrides /etc/default/grub"


def test_kernel_file_missing(tmp_path: Path) -> None:
    line = run(host(tmp_path, OLD, first=OLD, default="0"))
    assert line == f"missing /boot/vmlinuz-{NEW} is not on the host"


def test_grubby_default_right_and_wrong(tmp_path: Path) -> None:
    root = host(tmp_path, OLD, NEW)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    grubby = bin_dir / "grubby"
    path = f"{bin_dir}:/usr/bin:/bin"
    grubby.write_text(f"#!/bin/sh\necho /boot/vmlinuz-{NEW}\n")
    grubby.chmod(0o755)
    assert run(root, path=path) == f"ok grubby --default-kernel is /boot/vmlinuz-{NEW}"
    grubby.write_text(f"#!/bin/sh\necho /boot/vmlinuz-{OLD}\n")
    assert run(root, path=path) == (f"wrong grubby --default-kernel is /boot/vmlinuz-{OLD}, "
                                    f"not /boot/vmlinuz-{NEW}")


def test_no_bootloader_in_a_container_and_elsewhere(tmp_path: Path) -> None:
    root = host(tmp_path, NEW)
    line = run(root)
    assert line.startswith("none no bootloader configuration found"), \
        "a host that is not a container without a bootloader stops the change"
    (root / "run").mkdir()
    (root / "run" / ".containerenv").write_text("")
    assert run(root).startswith("container no bootloader")
    assert os.access(SCRIPT, os.X_OK)
