#!/bin/bash
# Packaging test, second boot: the stock Debian 12 system with our packages installed by apt,
# booted with them. Prints PASS/FAIL lines. Ends by going back to Debian's packages of the same
# version (shared in ./debian-debs), as README.md tells administrators to.
#   check-guest.sh OUR_VERSION DEBIAN_VERSION
set -u
want=$1
debver=$2
failed=0
t() { # t NAME GOT WANT
        if [ "$2" = "$3" ]; then echo "PASS: debs/$1 ($2)"; else echo "FAIL: debs/$1 (got '$2', want '$3')"; failed=1; fi
}
for _ in $(seq 300); do [ -z "$(systemctl list-jobs --no-legend)" ] && break; sleep 0.5; done
t package-version "$(dpkg-query -W -f='${Version}' systemd)" "$want"
t pid1-version "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Version)" "s \"$want\""
t systemctl-version "$(systemctl --version | head -n1)" "systemd 252 ($want)"
t boot-state "$(systemctl is-system-running)" running
systemctl --failed --no-legend
t privatepids "$(systemd-run --wait --pipe --quiet -p PrivatePIDs=yes readlink /proc/self)" 1
t privatepids-journal "$(u=ctr-debs-pidns; systemd-run --quiet --unit=$u -p PrivatePIDs=yes readlink /proc/self; sleep 2; journalctl -u $u -o cat | grep -x 1)" 1
t dpkg-audit "$(dpkg --audit)" ""

# Back to Debian's packages: a downgrade to the same packages at Debian's version.
cd "${CTR_SHARE:-/ctr}/work/debian-debs"
debs=()
for p in $(dpkg-query -W -f='${Package} ${Version}\n' | awk '$2 ~ /\+ctr1$/ {print $1}'); do
        debs+=(./"${p}"_*.deb)
done
echo "+ apt install --allow-downgrades ${debs[*]}"
DEBIAN_FRONTEND=noninteractive apt install -y --allow-downgrades "${debs[@]}" 2>&1 | grep -v '^WARNING: apt does not have a stable CLI' | tail -n 5
t rollback-packages "$(dpkg-query -W -f='${Version}\n' | grep -c '+ctr1$')" 0
t rollback-version "$(dpkg-query -W -f='${Version}' systemd)" "$debver"
t rollback-pid1 "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Version)" "s \"$debver\""
t rollback-state "$(systemctl is-system-running)" running
exit $failed
