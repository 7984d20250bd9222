#!/usr/bin/env bash
# Build the Debian 12 test image used by the Molecule scenarios (roles/*/molecule/default)
# and the integration tests (tests/integration/):
#
#     tests/images/build.sh            # builds localhost/weibao-debian12:latest unless present
#     tests/images/build.sh --force    # rebuilds it
#
# No container registry is reachable from our build machines, so the image is bootstrapped
# from the Debian mirror this machine is already configured with (apt's sources), then
# imported into podman. Needs root, debootstrap and podman (apt-get install podman runc
# debootstrap). Takes about 1-2 minutes.
#
# Environment:
#   WEIBAO_IMAGE                 image name (default localhost/weibao-debian12:latest)
#   WEIBAO_DEBIAN_MIRROR         mirror URL (default: read from /etc/apt/sources.list.d/
#                                debian.sources, then /etc/apt/sources.list)
#   WEIBAO_IMAGE_EXTRA_PACKAGES  comma-separated packages added to the default list
#   CONTAINERS_CONF              default: tests/podman/containers.conf of this checkout
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PROJECT=$(cd "$HERE/../.." && pwd)
IMAGE=${WEIBAO_IMAGE:-localhost/weibao-debian12:latest}
SUITE=bookworm
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PROJECT/tests/podman/containers.conf}

# What a realistic, small Debian server needs for weibao's inspections:
#   python3                     Ansible modules run on it
#   procps                      ps, free, uptime, vmstat (system checks; zombie fault)
#   systemd systemd-sysv dbus   systemctl, journalctl, timedatectl; /sbin/init when the
#                               container runs systemd as PID 1 (failed-unit fault)
#   rsyslog                     classic /var/log/syslog and /var/log/kern.log (errlog checks)
#   iproute2                    ip link / ip addr (network checks)
#   kmod                        lsmod
# Already in minbase and used by the checks or the faults: coreutils (df, sha256sum),
# util-linux (lsblk, dmesg, mountpoint), apt, dpkg (dpkg-deb builds the fault's packages,
# so the heavy dpkg-dev is not needed), gzip, hostname.
PACKAGES=python3,procps,systemd,systemd-sysv,dbus,rsyslog,iproute2,kmod
if [ -n "${WEIBAO_IMAGE_EXTRA_PACKAGES:-}" ]; then
    PACKAGES="$PACKAGES,$WEIBAO_IMAGE_EXTRA_PACKAGES"
fi

FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown argument: $arg (use --force or --help)" >&2; exit 2 ;;
    esac
done

log() { printf '[build.sh %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# The first URI serving the plain suite (not -security/-updates) in deb822 or one-line form.
find_mirror() {
    local f=/etc/apt/sources.list.d/debian.sources
    if [ -r "$f" ]; then
        awk -v suite="$SUITE" '
            /^[[:space:]]*$/ { if (uri != "" && ok) { print uri; exit } uri = ""; ok = 0; next }
            /^URIs:/ { uri = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
            END { if (uri != "" && ok) print uri }
        ' "$f" | head -n 1
        return
    fi
    f=/etc/apt/sources.list
    if [ -r "$f" ]; then
        awk -v suite="$SUITE" '
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i + 1) == suite) { print $i; exit }
            }
        ' "$f"
    fi
}

command -v podman >/dev/null || die "podman is not installed (apt-get install podman runc)"
if [ "$FORCE" = 0 ] && podman image exists "$IMAGE"; then
    log "$IMAGE already exists; nothing to do (use --force to rebuild)"
    exit 0
fi
[ "$(id -u)" = 0 ] || die "run as root (debootstrap needs it)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"

MIRROR=${WEIBAO_DEBIAN_MIRROR:-$(find_mirror)}
[ -n "$MIRROR" ] || die "no Debian mirror for '$SUITE' found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list; set WEIBAO_DEBIAN_MIRROR"

ROOTFS=$(mktemp -d /var/tmp/weibao-rootfs.XXXXXX)
cleanup() { rm -rf --one-file-system "$ROOTFS"; }
trap cleanup EXIT

start=$(date +%s)
log "debootstrap $SUITE from $MIRROR into $ROOTFS"
log "packages: $PACKAGES"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR" \
    > "$ROOTFS.log" 2>&1 || { tail -n 30 "$ROOTFS.log" >&2; rm -f "$ROOTFS.log"; die "debootstrap failed"; }
rm -f "$ROOTFS.log"
t_boot=$(date +%s)
log "debootstrap took $((t_boot - start)) s"

# Trim what a container does not need; a container gets its hostname, hosts and
# resolv.conf from podman, and a fresh machine-id from systemd.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
       "$ROOTFS"/var/log/bootstrap.log
: > "$ROOTFS/etc/machine-id"

log "podman import -> $IMAGE"
podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
tar -C "$ROOTFS" --numeric-owner -c . | podman import \
    --change 'CMD ["/sbin/init"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV container=podman' \
    --change 'LABEL org.opencontainers.image.title=weibao-debian12' \
    --change "LABEL org.opencontainers.image.description=Debian $SUITE minbase test host for weibao" \
    - "$IMAGE" >/dev/null
t_import=$(date +%s)
log "podman import took $((t_import - t_boot)) s"
log "built $IMAGE in $((t_import - start)) s total ($(podman image inspect --format '{{.Size}}' "$IMAGE") bytes)"
