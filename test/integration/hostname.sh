#!/bin/bash
# ProtectHostname=private[:NAME] and yes[:NAME], from inside the unit and from the host.
. "$(dirname "$0")/lib.sh"

run() { systemd-run --wait --pipe --quiet "$@"; }
host_name=$(hostname)
host_uts=$(readlink /proc/self/ns/uts)

eq "private:NAME starts with that hostname" "$(run -p ProtectHostname=private:ctr-box hostname)" ctr-box
eq "private: the unit may change it" "$(run -p ProtectHostname=private sh -c 'hostname ctr-renamed && hostname')" ctr-renamed
check "private: a UTS namespace of its own" test "$(run -p ProtectHostname=private readlink /proc/self/ns/uts)" != "$host_uts"
eq "yes:NAME starts with that hostname" "$(run -p ProtectHostname=yes:ctr-fixed hostname)" ctr-fixed
check "yes:NAME: the unit may not change it" sh -c "! systemd-run --wait --pipe --quiet -p ProtectHostname=yes:ctr-fixed hostname ctr-renamed 2>/dev/null"
eq "yes without a name keeps the host's hostname" "$(run -p ProtectHostname=yes hostname)" "$host_name"
eq "host: hostname unchanged" "$(hostname)" "$host_name"

u=ctr-hn-props.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p ProtectHostname=private:ctr-box -p RemainAfterExit=yes true
eq "D-Bus ProtectHostnameEx (ss)" "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/ctr_2dhn_2dprops_2eservice org.freedesktop.systemd1.Service ProtectHostnameEx)" '(ss) "private" "ctr-box"'
eq "D-Bus ProtectHostname (b)" "$(prop $u ProtectHostname)" yes
check "the transient unit file records it" grep -qx 'ProtectHostname=private:ctr-box' /run/systemd/transient/$u
systemctl daemon-reload
eq "survives daemon-reload" "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/ctr_2dhn_2dprops_2eservice org.freedesktop.systemd1.Service ProtectHostnameEx)" '(ss) "private" "ctr-box"'
systemctl stop $u

refused ProtectHostname=private:-bad_name- "ProtectHostname.*-bad_name-"
refused ProtectHostname=sometimes "ProtectHostname.*sometimes"
verify_reports ctr-hn-bad.service 'ProtectHostname=no:foo' "ProtectHostname=no cannot set a hostname, ignoring: no:foo"
echo "hostname: all checks passed"
