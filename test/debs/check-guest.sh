#!/bin/bash
# Packaging test, second boot: the stock Debian 12 system with our packages installed by apt,
# booted with them. Prints PASS/FAIL lines.
set -u
want=$1
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
exit $failed
