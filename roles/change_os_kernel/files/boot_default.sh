#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Will the next boot start kernel RELEASE? Read-only; prints ONE line, first word the verdict:
#   ok        the bootloader's default entry boots /boot/vmlinuz-RELEASE (grubby, or GRUB with
#             GRUB_DEFAULT=0 whose first menu entry boots it)
#   wrong     it boots another kernel (named)
#   unknown   GRUB_DEFAULT is not 0 (saved, a title, a submenu path): not judged here
#   missing   /boot/vmlinuz-RELEASE is not on the host
#   container no bootloader configuration and the host is a container: it boots no kernel of
#             its own, a "reboot" restarts the container on the container host's kernel
#   none      no bootloader configuration found on a host that is not a container
# Usage: boot_default.sh RELEASE        (POSIX sh; run by the change_os_kernel role)
# WEIBAO_BOOT_ROOT (tests only): a folder standing for / when reading files; with it set, the
# container test is only the marker files under it (no systemd-detect-virt).
set -u
export LC_ALL=C
release=${1:?usage: boot_default.sh RELEASE}
R=${WEIBAO_BOOT_ROOT:-}
kernel=/boot/vmlinuz-$release

if [ ! -e "$R$kernel" ]; then
    echo "missing $kernel is not on the host"
    exit 0
fi

if command -v grubby >/dev/null 2>&1; then
    default=$(grubby --default-kernel 2>/dev/null)
    if [ "$default" = "$kernel" ]; then
        echo "ok grubby --default-kernel is $default"
    else
        echo "wrong grubby --default-kernel is ${default:-(none)}, not $kernel"
    fi
    exit 0
fi

for cfg in /boot/grub/grub.cfg /boot/grub2/grub.cfg; do
    [ -r "$R$cfg" ] || continue
    # the last GRUB_DEFAULT set wins, as in grub-mkconfig
    gd=$(cat "$R/etc/default/grub" "$R"/etc/default/grub.d/*.cfg 2>/dev/null \
        | sed -n 's/^[[:space:]]*GRUB_DEFAULT=//p' | tail -n 1 | tr -d "\"'")
    case "${gd:-0}" in
        0)
            # entry 0 is the first top-level menuentry; its linux line names the kernel
            first=$(awk '/^[[:space:]]*menuentry /{ m = 1 }
                         m && /^[[:space:]]*linux(efi)?[[:space:]]/{ print $2; exit }' "$R$cfg")
            case "$first" in
                */vmlinuz-"$release")
                    echo "ok GRUB's first entry ($cfg, GRUB_DEFAULT=0) boots $first" ;;
                *)
                    echo "wrong GRUB's first entry ($cfg, GRUB_DEFAULT=0) boots ${first:-(no linux line found)}, not vmlinuz-$release" ;;
            esac ;;
        *)
            echo "unknown GRUB_DEFAULT=$gd ($cfg): only GRUB_DEFAULT=0 is judged here; check the default entry by hand" ;;
    esac
    exit 0
done

if [ -e "$R/run/.containerenv" ] || [ -e "$R/.dockerenv" ] \
    || { [ -z "$R" ] && command -v systemd-detect-virt >/dev/null 2>&1 \
         && systemd-detect-virt -q --container; }; then
    echo "container no bootloader: this host is a container and runs its container host's kernel"
    exit 0
fi
echo "none no bootloader configuration found (no grubby, no /boot/grub/grub.cfg, no /boot/grub2/grub.cfg)"
