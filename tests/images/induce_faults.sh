#!/bin/sh
# Induce the faults weibao's inspections must find, INSIDE a test container built by
# tests/images/build.sh. Used by the Molecule scenarios (roles/*/molecule/default/prepare.yml,
# through ansible.builtin.script) and by the integration tests (tests/integration/), e.g.
#
#     podman run -d --init --name t \
#         --tmpfs /mnt/weibao-full:rw,size=1m \
#         --mount type=volume,destination=/mnt/weibao-inodes,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=nr_inodes=100 \
#         --tmpfs /mnt/weibao-ro:ro,size=1m \
#         localhost/weibao-debian12:latest sleep infinity
#     podman exec -i t sh -s < tests/images/induce_faults.sh
#
# (/sbin/init instead of `sleep infinity`, without --init, runs systemd as PID 1 and adds
# fault e.) The three mounts are required: the script refuses to run without them rather
# than fill / or write an fstab line for a mount that is not there. podman (4.3) rejects
# nr_inodes in --tmpfs and --mount type=tmpfs, so the inode-limited tmpfs is a volume of
# type tmpfs (podman mounts it with mount(8) when the container starts, and unmounts it when
# it stops; `podman rm --volumes` removes an anonymous one).
#
# Idempotent: each fault is created once; a second run changes nothing and prints
# "unchanged" for it (the last line says "changed=yes" or "changed=no" for Ansible).
# POSIX sh; needs only what the image has (coreutils, util-linux, dpkg, apt, procps).
# Never run it on a real machine: it fills a filesystem, writes fake kernel errors into the
# logs, installs a package and REPLACES the apt sources.
#
# Faults (and what each exercises):
#   a. /mnt/weibao-full (a 1 MiB tmpfs the container is started with) filled to ~97%:
#      system.filesystem_usage must be critical for that mount point.
#   b. kernel-style lines with the current time in /var/log/kern.log and /var/log/syslog
#      (classic syslog format "Nov 25 06:30:01 host kernel: [12345.678901] ..."):
#      a disk I/O error on sdb -> errlog.disk_io, NIC link down on eth1 -> errlog.nic_link,
#      a SATA link reset on ata3 -> errlog.storage_transport, an OOM kill of java ->
#      errlog.oom_kill.
#   c. package weibao-fault-demo 1.0 installed, 1.1 offered by a local flat apt repository
#      (file:/srv/weibao-repo) whose Release says Suite bookworm-security / Label
#      Debian-Security: patch.pending_updates and patch.security_updates must count it.
#   d. a zombie process (weibao-zombie, whose parent never reaps it): system checks on
#      processes (zombies).
#   e. only when systemd is PID 1: a failed unit weibao-fault-demo.service:
#      system.failed_units must warn about it.
#   f. /mnt/weibao-inodes (a tmpfs with nr_inodes=100 the container is started with) filled
#      with empty files to ~97% of its inodes: system.filesystem_inodes must be critical
#      for that mount point (warning 85 %, critical 95 % by default).
#   g. /mnt/weibao-ro (a tmpfs the container is started with read-only) gets an /etc/fstab
#      line mounting it rw: system.readonly_mounts must be critical for it (a read-only
#      mount whose fstab line does not say ro should be writable).
set -eu

export LC_ALL=C LANG=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

STATE=/var/lib/weibao-faults
FULL_MNT=/mnt/weibao-full
INODES_MNT=/mnt/weibao-inodes
RO_MNT=/mnt/weibao-ro
REPO=/srv/weibao-repo
PKG=weibao-fault-demo
CHANGED=no

mkdir -p "$STATE"

say() { printf 'induce_faults: %s\n' "$*"; }
die() { printf 'induce_faults: ERROR: %s\n' "$*" >&2; exit 1; }

# --- a. a small filesystem over threshold ------------------------------------------------
fault_full_filesystem() {
    # Refuse to fill anything but the dedicated tmpfs: without it this would fill /.
    if ! mountpoint -q "$FULL_MNT"; then
        die "$FULL_MNT is not a mount point; start the container with --tmpfs $FULL_MNT:size=1m"
    fi
    size_kb=$(df -Pk "$FULL_MNT" | awk 'NR == 2 { print $2 }')
    [ "$size_kb" -le 65536 ] || die "$FULL_MNT is ${size_kb} KiB; expected a small tmpfs (size=1m)"
    pct=$(df -Pk "$FULL_MNT" | awk 'NR == 2 { sub("%", "", $5); print $5 }')
    if [ "$pct" -ge 95 ]; then
        say "a. $FULL_MNT already ${pct}% used (unchanged)"
        return
    fi
    # 96% of the size in KiB, minus what is already used (tmpfs rounds up to whole
    # pages: df then shows 97%).
    used_kb=$(df -Pk "$FULL_MNT" | awk 'NR == 2 { print $3 }')
    fill_kb=$((size_kb * 96 / 100 - used_kb))
    dd if=/dev/zero of="$FULL_MNT/weibao-fill.bin" bs=1024 count="$fill_kb" 2>/dev/null
    sync
    pct=$(df -Pk "$FULL_MNT" | awk 'NR == 2 { print $5 }')
    say "a. filled $FULL_MNT to $pct"
    CHANGED=yes
}

# --- b. kernel errors in the classic syslog files ---------------------------------------
fault_kernel_logs() {
    if [ -e "$STATE/logs.done" ]; then
        say "b. kernel error lines already written at $(cat "$STATE/logs.done") (unchanged)"
        return
    fi
    host=$(hostname 2>/dev/null || cat /etc/hostname)
    host=${host%%.*}
    up=$(cut -d' ' -f1 /proc/uptime)
    up_s=${up%.*}
    # Classic RFC 3164 stamp as rsyslog's traditional format writes it: "Nov  5 06:30:01".
    stamp=$(date '+%b %e %H:%M:%S')
    lines=$(mktemp)
    n=0
    kline() {
        n=$((n + 1))
        printf '%s %s kernel: [%d.%06d] %s\n' "$stamp" "$host" "$((up_s + n))" "$((n * 1111))" "$1" \
            >> "$lines"
    }
    # errlog.disk_io: a block-layer read error on sdb, with the buffer-layer line that follows
    kline 'blk_update_request: I/O error, dev sdb, sector 123456 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0'
    kline 'Buffer I/O error on dev sdb1, logical block 15432, async page read'
    # errlog.nic_link: an Intel NIC losing its link
    kline 'e1000e 0000:00:19.0 eth1: NIC Link is Down'
    # errlog.storage_transport: libata resetting a SATA link
    kline 'ata3: hard resetting link'
    kline 'ata3: SATA link up 6.0 Gbps (SStatus 133 SControl 300)'
    # errlog.oom_kill: the OOM killer choosing a java process
    kline 'java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0'
    kline 'Out of memory: Killed process 4242 (java) total-vm:8123456kB, anon-rss:7654321kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:15360kB oom_score_adj:0'
    for f in /var/log/kern.log /var/log/syslog; do
        [ -e "$f" ] || { : > "$f"; chmod 0640 "$f"; chgrp adm "$f" 2>/dev/null || true; }
        cat "$lines" >> "$f"
    done
    rm -f "$lines"
    date -u '+%Y-%m-%dT%H:%M:%SZ' > "$STATE/logs.done"
    say "b. wrote $n kernel error lines stamped '$stamp' to /var/log/kern.log and /var/log/syslog"
    CHANGED=yes
}

# --- c. a pending security update ----------------------------------------------------------
# Build a tiny arch-independent package with dpkg-deb (no dpkg-dev needed).
build_deb() {
    version=$1
    out=$2
    root=$(mktemp -d)
    mkdir -p "$root/DEBIAN" "$root/usr/share/doc/$PKG"
    cat > "$root/DEBIAN/control" <<EOF
Package: $PKG
Version: $version
Architecture: all
Maintainer: weibao tests <weibao-tests@example.invalid>
Section: misc
Priority: optional
Description: weibao test package (fault: pending security update)
 Installed at 1.0 and offered at 1.1 by a local repository in weibao's test containers.
EOF
    printf 'weibao-fault-demo %s\n' "$version" > "$root/usr/share/doc/$PKG/VERSION"
    dpkg-deb --root-owner-group --build "$root" "$out" >/dev/null
    rm -rf "$root"
}

fault_pending_update() {
    installed=$(dpkg-query -W -f '${Version}' "$PKG" 2>/dev/null || true)
    if [ "$installed" = 1.0 ] && [ -s "$REPO/Release" ] \
        && [ -e /etc/apt/sources.list.d/weibao-fault.sources ] \
        && ls /var/lib/apt/lists/*weibao-repo*Packages >/dev/null 2>&1; then
        say "c. $PKG 1.0 installed, 1.1 pending from $REPO (unchanged)"
        return
    fi
    mkdir -p "$REPO"
    work=$(mktemp -d)
    build_deb 1.0 "$work/${PKG}_1.0_all.deb"
    dpkg -i "$work/${PKG}_1.0_all.deb" >/dev/null
    build_deb 1.1 "$REPO/${PKG}_1.1_all.deb"
    rm -rf "$work"

    # A flat repository ("deb file:/srv/weibao-repo ./"): Packages and Release by hand.
    deb="${PKG}_1.1_all.deb"
    (
        cd "$REPO"
        dpkg-deb -f "$deb"
        printf 'Filename: ./%s\n' "$deb"
        printf 'Size: %s\n' "$(wc -c < "$deb" | tr -d ' ')"
        printf 'MD5sum: %s\n' "$(md5sum "$deb" | cut -d' ' -f1)"
        printf 'SHA256: %s\n' "$(sha256sum "$deb" | cut -d' ' -f1)"
        printf '\n'
    ) > "$REPO/Packages"
    # Origin/Label/Suite as Debian's security archive publishes them, so that apt shows the
    # candidate as "Debian-Security:12/bookworm-security" and it counts as a security update.
    psize=$(wc -c < "$REPO/Packages" | tr -d ' ')
    cat > "$REPO/Release" <<EOF
Origin: Debian
Label: Debian-Security
Suite: bookworm-security
Codename: bookworm-security
Version: 12
Architectures: all amd64 arm64
Components: main
Description: weibao test repository (fault: pending security update)
Date: $(date -u '+%a, %d %b %Y %H:%M:%S UTC')
MD5Sum:
 $(md5sum "$REPO/Packages" | cut -d' ' -f1) $psize Packages
SHA256:
 $(sha256sum "$REPO/Packages" | cut -d' ' -f1) $psize Packages
EOF

    # Only the local repository: apt-get update must not need the network.
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -e "$f" ] || continue
        case "$f" in */weibao-fault.sources) continue ;; esac
        mv "$f" "$f.weibao-disabled"
    done
    cat > /etc/apt/sources.list.d/weibao-fault.sources <<EOF
Types: deb
URIs: file:$REPO
Suites: ./
Trusted: yes
EOF
    apt-get -q update >/dev/null 2>"$STATE/apt-update.err" \
        || { cat "$STATE/apt-update.err" >&2; die "apt-get update failed"; }
    say "c. $PKG 1.0 installed, 1.1 offered by $REPO (Debian-Security, bookworm-security)"
    CHANGED=yes
}

# --- d. a zombie process ---------------------------------------------------------------------
# A parent that never calls wait() (sleep) keeps its exited child as a zombie for as long as
# the parent lives. Named links give both processes recognisable names in ps.
fault_zombie() {
    if ps -eo stat=,comm= | awk '$1 ~ /^Z/ && $2 == "weibao-zombie" { found = 1 } END { exit !found }'; then
        say "d. zombie weibao-zombie already present (unchanged)"
        return
    fi
    mkdir -p "$STATE/bin"
    ln -sf /bin/true "$STATE/bin/weibao-zombie"
    ln -sf /bin/sleep "$STATE/bin/weibao-noreap"
    # setsid + closed descriptors: the caller (podman exec, Ansible) does not wait for it.
    setsid sh -c "\"$STATE/bin/weibao-zombie\" & exec \"$STATE/bin/weibao-noreap\" infinity" \
        </dev/null >/dev/null 2>&1 &
    i=0
    while [ $i -lt 20 ]; do
        if ps -eo stat=,comm= | awk '$1 ~ /^Z/ && $2 == "weibao-zombie" { f = 1 } END { exit !f }'; then
            say "d. created zombie weibao-zombie (parent weibao-noreap)"
            CHANGED=yes
            return
        fi
        sleep 0.1
        i=$((i + 1))
    done
    die "the zombie process did not appear"
}

# --- e. a failed systemd unit (only with systemd as PID 1) ---------------------------------
fault_failed_unit() {
    if [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ]; then
        say "e. PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown), not systemd: no failed unit (skipped)"
        return
    fi
    # Right after `podman run` systemd may still be booting: wait (at most 90 s) until it
    # has finished, so that daemon-reload and start below talk to a running manager.
    timeout 90 systemctl is-system-running --wait >/dev/null 2>&1 || true
    unit=weibao-fault-demo.service
    if systemctl is-failed --quiet "$unit"; then
        say "e. $unit already failed (unchanged)"
        return
    fi
    cat > "/etc/systemd/system/$unit" <<EOF
[Unit]
Description=weibao test unit that always fails (fault: failed unit)

[Service]
Type=oneshot
ExecStart=/bin/false
EOF
    systemctl daemon-reload
    systemctl start "$unit" >/dev/null 2>&1 || true
    systemctl is-failed --quiet "$unit" || die "$unit did not end up failed"
    say "e. $unit failed"
    CHANGED=yes
}

# --- f. a small filesystem out of inodes ----------------------------------------------------
fault_inode_exhaustion() {
    # Refuse anything but a dedicated tmpfs with few inodes: without it this would create
    # files on / (or millions of them on a default tmpfs).
    if ! mountpoint -q "$INODES_MNT"; then
        die "$INODES_MNT is not a mount point; start the container with --mount type=volume,destination=$INODES_MNT,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=nr_inodes=100"
    fi
    fstype=$(stat -f -c %T "$INODES_MNT")
    [ "$fstype" = tmpfs ] || die "$INODES_MNT is $fstype; expected a tmpfs with nr_inodes=100"
    total=$(df -Pi "$INODES_MNT" | awk 'NR == 2 { print $2 }')
    [ "$total" -le 4096 ] || die "$INODES_MNT has $total inodes; expected a small tmpfs (nr_inodes=100)"
    used=$(df -Pi "$INODES_MNT" | awk 'NR == 2 { print $3 }')
    if [ $((used * 100)) -ge $((total * 95)) ]; then
        say "f. $INODES_MNT already uses $used of $total inodes (unchanged)"
        return
    fi
    # 97% of the inodes in use: empty files take an inode each and no space.
    want=$((total * 97 / 100))
    i=0
    while [ "$used" -lt "$want" ]; do
        i=$((i + 1))
        f="$INODES_MNT/weibao-inode-$i"
        [ -e "$f" ] && continue
        : > "$f"
        used=$((used + 1))
    done
    used=$(df -Pi "$INODES_MNT" | awk 'NR == 2 { print $3 }')
    say "f. filled $INODES_MNT to $used of $total inodes"
    CHANGED=yes
}

# --- g. a read-only mount that fstab says is read-write -------------------------------------
fault_readonly_mount() {
    # The container is started with this tmpfs read-only (an unprivileged container cannot
    # remount anything itself); the fault is the fstab line that says it should be rw.
    line=$(awk -v m="$RO_MNT" '$2 == m { print; exit }' /proc/mounts)
    [ -n "$line" ] || die "$RO_MNT is not a mount point; start the container with --tmpfs $RO_MNT:ro,size=1m"
    set -- $line
    [ "$3" = tmpfs ] || die "$RO_MNT is $3; expected a tmpfs started read-only (--tmpfs $RO_MNT:ro,size=1m)"
    case ",$4," in
        *,ro,*) ;;
        *) die "$RO_MNT is mounted $4, not read-only; start the container with --tmpfs $RO_MNT:ro,size=1m" ;;
    esac
    if awk -v m="$RO_MNT" '$1 !~ /^#/ && $2 == m { found = 1 } END { exit !found }' /etc/fstab 2>/dev/null; then
        say "g. /etc/fstab already has a line for $RO_MNT (unchanged)"
        return
    fi
    printf 'tmpfs %s tmpfs rw,nosuid,nodev,size=1m 0 0\n' "$RO_MNT" >> /etc/fstab
    say "g. $RO_MNT is mounted read-only; added an /etc/fstab line mounting it rw"
    CHANGED=yes
}

fault_full_filesystem
fault_kernel_logs
fault_pending_update
fault_zombie
fault_failed_unit
fault_inode_exhaustion
fault_readonly_mount
echo "changed=$CHANGED"
