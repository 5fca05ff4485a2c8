#!/bin/bash
# Packaging test, first boot (stock Debian 12 VM, Debian's systemd as PID 1): install our .debs
# as an administrator would, with 'apt install ./….deb', for every package of ours that is
# installed here (the VM has no network: all of it is an upgrade). Then write the whole root file system as a cpio
# archive to the share, which scripts/check-debs.sh boots as the second VM.
set -eu -o pipefail
want=$1
cd "${CTR_SHARE:-/ctr}/work/debs"
echo "PID 1 before: $(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Version)"
debs=()
for f in *.deb; do
        p=${f%%_*}
        if dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed'; then
                debs+=("./$f")
        fi
done
echo "+ apt install ${debs[*]}"
DEBIAN_FRONTEND=noninteractive apt install -y "${debs[@]}" 2>&1 | grep -v '^WARNING: apt does not have a stable CLI'
echo "Installed:"
dpkg-query -W -f='  ${Package} ${Version}\n' $(printf '%s\n' "${debs[@]}" | sed 's|^\./||; s|_.*||')
for f in "${debs[@]}"; do
        p=${f#./}; p=${p%%_*}
        v=$(dpkg-query -W -f='${Version}' "$p")
        [ "$v" = "$want" ] || { echo "FAIL: $p is at $v after apt install, want $want"; exit 1; }
done
echo "PID 1 after (the postinst re-executed it): $(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Version)"
dpkg --audit
# The second boot's initrd: this root file system as it is now (not /proc, /sys, /run, ... or the share).
cd /
find . -xdev -print0 | cpio --null -o -H newc --quiet >"${CTR_SHARE:-/ctr}/work/root.cpio"
sync
echo "root file system archived: $(du -m "${CTR_SHARE:-/ctr}/work/root.cpio" | cut -f1) MB"
