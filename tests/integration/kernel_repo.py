"""A kernel-update test host: a podman container that apt can really install a "kernel" on
and that really reboots, for tests/integration/test_os_kernel.py.

What is real and what stands in (a container boots no kernel of its own):

* the packages: ``linux-image-<release>`` built here with dpkg-deb, installing
  /boot/vmlinuz-<release> (a few bytes of text, not a kernel), config, System.map and
  /lib/modules/<release>/, served from a flat apt repository on file:/srv/weibao-kernel-repo,
  the container's only apt source: apt-get update and apt-get install run for real;
* the reboot: systemd is PID 1 and the container runs with ``--restart=always``, so
  ansible.builtin.reboot's ``shutdown -r`` stops systemd and podman starts the container
  again; the test's boot_time_command reads PID 1's start time (field 22 of /proc/1/stat,
  clock ticks since the container host booted), which changes at each container start
  (the module's default, /proc/sys/kernel/random/boot_id, is the container host's and
  never changes);
* the running kernel: ``uname -r`` in a container prints the container host's kernel, before
  and after. A boot-time unit (weibao-test-boot.service) plays the bootloader with
  GRUB_DEFAULT=0: at each container start it writes the newest /boot/vmlinuz-* release (by
  version order; ``uname -r`` when there is none) to /run/weibao-test/booted-kernel (/run is
  a tmpfs, empty at each start), and /usr/local/sbin/weibao-running-kernel prints it. Tests
  that use it set change_os_kernel_running_command to that stand-in; a test with the default
  ``uname -r`` sees what a container really does: the kernel never changes.
"""

from __future__ import annotations

import hashlib
import shlex

from hosts import IMAGE, PodmanError, podman, remove_host, wait_booted

REPO = "/srv/weibao-kernel-repo"
RUNNING_KERNEL = "/usr/local/sbin/weibao-running-kernel"
BOOT_TIME_COMMAND = "cut -d' ' -f22 /proc/1/stat"
BACKUP_PATH = "/var/backups/weibao-kernel-test.tar"
BACKUP_CONTENT = b"weibao kernel test backup\n"
DEMO_SERVICE = "weibao-kernel-demo.service"

SETUP = r"""
set -eu
export LC_ALL=C LANG=C DEBIAN_FRONTEND=noninteractive
REPO=__REPO__

# Ansible's apt module needs python3-apt (a standard Debian server has it, the minbase image
# does not): from the image's Debian mirror, before the sources are replaced.
if ! python3 -c 'import apt' 2>/dev/null; then
    apt-get -q update >/dev/null
    apt-get -q install -y --no-install-recommends python3-apt >/dev/null
fi

build_kernel() {  # release version
    root=$(mktemp -d)
    mkdir -p "$root/DEBIAN" "$root/boot" "$root/lib/modules/$1"
    cat > "$root/DEBIAN/control" <<EOF
Package: linux-image-$1
Version: $2
Architecture: all
Maintainer: weibao tests <weibao-tests@example.invalid>
Section: kernel
Priority: optional
Provides: linux-image
Description: weibao test stand-in for a Linux kernel image $1 (not a kernel)
 Installs /boot/vmlinuz-$1 and friends so that a kernel update change can be tested in a
 container, which boots no kernel of its own.
EOF
    printf 'weibao test: not a kernel (%s)\n' "$1" > "$root/boot/vmlinuz-$1"
    printf 'CONFIG_LOCALVERSION="weibao-test"\n' > "$root/boot/config-$1"
    printf '0000000000000000 T _text\n' > "$root/boot/System.map-$1"
    : > "$root/lib/modules/$1/modules.order"
    dpkg-deb --root-owner-group --build "$root" "$REPO/linux-image-$1_$2_all.deb" >/dev/null
    rm -rf "$root"
}

mkdir -p "$REPO"
__BUILDS__
(
    cd "$REPO"
    for deb in *.deb; do
        dpkg-deb -f "$deb"
        printf 'Filename: ./%s\nSize: %s\nSHA256: %s\n\n' "$deb" "$(wc -c < "$deb" | tr -d ' ')" \
            "$(sha256sum "$deb" | cut -d' ' -f1)"
    done
) > "$REPO/Packages"
cat > "$REPO/Release" <<EOF
Origin: weibao-tests
Label: weibao-kernel-test
Suite: weibao-kernel-test
Architectures: all amd64 arm64
Date: $(date -u '+%a, %d %b %Y %H:%M:%S UTC')
SHA256:
 $(sha256sum "$REPO/Packages" | cut -d' ' -f1) $(wc -c < "$REPO/Packages" | tr -d ' ') Packages
EOF
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    case "$f" in */weibao-kernel.sources) continue ;; esac
    mv "$f" "$f.weibao-disabled"
done
cat > /etc/apt/sources.list.d/weibao-kernel.sources <<EOF
Types: deb
URIs: file:$REPO
Suites: ./
Trusted: yes
EOF
apt-get -q update >/dev/null

# The bootloader stand-in (GRUB_DEFAULT=0 boots the newest kernel) and the running-kernel
# command that answers what a booted kernel would.
cat > /usr/local/sbin/weibao-test-boot <<'EOF'
#!/bin/sh
mkdir -p /run/weibao-test
newest=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
printf '%s\n' "${newest:-$(uname -r)}" > /run/weibao-test/booted-kernel
EOF
cat > __RUNNING__ <<'EOF'
#!/bin/sh
# weibao test stand-in for `uname -r` in a container (see tests/integration/kernel_repo.py)
cat /run/weibao-test/booted-kernel 2>/dev/null || uname -r
EOF
chmod 755 /usr/local/sbin/weibao-test-boot __RUNNING__
cat > /etc/systemd/system/weibao-test-boot.service <<'EOF'
[Unit]
Description=weibao test: the kernel this container "booted"
DefaultDependencies=no
After=local-fs.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/weibao-test-boot
[Install]
WantedBy=sysinit.target
EOF
# A service of the site, enabled: it must run again after the reboot.
cat > /etc/systemd/system/__DEMO__ <<'EOF'
[Unit]
Description=weibao test: a site service that must run again after a reboot
[Service]
ExecStart=/bin/sleep infinity
[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable --now weibao-test-boot.service __DEMO__ >/dev/null 2>&1
printf 'weibao kernel test backup\n' > __BACKUP__
echo "kernel test host ready: running $(__RUNNING__)"
"""


def setup_script(kernels: list[tuple[str, str]]) -> str:
    builds = "\n".join(f"build_kernel {shlex.quote(release)} {shlex.quote(version)}"
                       for release, version in kernels)
    return (SETUP.replace("__REPO__", REPO).replace("__BUILDS__", builds)
            .replace("__RUNNING__", RUNNING_KERNEL).replace("__DEMO__", DEMO_SERVICE)
            .replace("__BACKUP__", BACKUP_PATH))


def start_kernel_host(name: str, kernels: list[tuple[str, str]], image: str = IMAGE) -> str:
    """Start ``name`` (systemd, --restart=always), build the kernels' packages and the
    repository inside, return the set-up script's output."""
    podman("run", "-d", "--name", name, "--hostname", name, "--label", "weibao-it=1",
           "--restart=always", image, "/sbin/init")
    wait_booted(name)
    proc = podman("exec", "-i", name, "sh", "-s", stdin=setup_script(kernels).encode(),
                  timeout=300, check=False)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        raise PodmanError(f"kernel test set-up in {name} exited {proc.returncode}:\n{out}")
    return out


def backup_record(finished_at: str) -> dict:
    """The record `weibao change run` passes in weibao_change_backups for this host."""
    return {"id": 1, "tool": "tar", "path": BACKUP_PATH, "size_bytes": len(BACKUP_CONTENT),
            "sha256": hashlib.sha256(BACKUP_CONTENT).hexdigest(), "finished_at": finished_at}


__all__ = ["BOOT_TIME_COMMAND", "DEMO_SERVICE", "REPO", "RUNNING_KERNEL", "backup_record",
           "remove_host", "setup_script", "start_kernel_host"]
