#!/usr/bin/env bash
# Build (or reuse) a stock Debian 12 tree for the container tests and the demo, as an
# administrator would: debootstrap from Debian's mirror into a directory, nothing added.
# The tree is packed into an ext4 image ($CACHE/container/debian.ext4) that the test VM
# gets as a second disk (snapshot mode: the guest's writes never reach the image) and mounts
# at /var/lib/machines/debian.
. "$(dirname "$0")/lib.sh"

C=$CACHE/container
IMG=$C/debian.ext4
# Debian's packages only: the init system, D-Bus, and ps/ip for looking around inside.
PKGS=systemd,systemd-sysv,dbus,procps,iproute2
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

key=$( { echo "$PKGS $mirror"; sha256sum "$0"; } | sha256sum | cut -d' ' -f1)
if [ -f "$IMG" ] && [ "$(cat "$C/key" 2>/dev/null)" = "$key" ]; then
        exit 0
fi
command -v debootstrap >/dev/null || die "debootstrap is missing; run 'make setup'"

msg "Building the Debian 12 container tree (debootstrap, $mirror)"
start=$(date +%s)
rm -rf "$C/tree" "$C/key" "$IMG"
mkdir -p "$C/tree" "$C/debs"
debootstrap --variant=minbase --include="$PKGS" --cache-dir="$C/debs" \
        bookworm "$C/tree" "$mirror" >"$C/debootstrap.log" 2>&1 ||
        { tail -n 30 "$C/debootstrap.log" >&2; die "debootstrap failed (log: $C/debootstrap.log)"; }
# debootstrap copies the build host's /etc/hostname and /etc/resolv.conf into the tree; they
# describe this machine, not the container, so they go. Nothing else is touched.
rm -f "$C/tree/etc/hostname" "$C/tree/etc/resolv.conf"
size=$(du -sm "$C/tree" | cut -f1)
mkfs.ext4 -q -F -L ctr-debian -d "$C/tree" "$IMG" "$(( size * 3 / 2 + 256 ))M" ||
        die "mkfs.ext4 failed"
echo "$key" >"$C/key"
msg "Container tree built in $(( $(date +%s) - start ))s (${size} MB)"
