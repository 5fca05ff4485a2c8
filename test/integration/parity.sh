#!/bin/bash
# Where our settings must behave exactly as upstream's (issue 11): each check here failed on the
# series before the fixes, and looks from inside the unit and from the host.
. "$(dirname "$0")/lib.sh"

run() { systemd-run --wait --pipe --quiet "$@"; }
mkdir -p /run/systemd/system

echo "== PrivatePIDs=: the environment names the payload as it sees itself (1)"
eq "SYSTEMD_EXEC_PID is the payload's own PID" "$(run -p PrivatePIDs=yes sh -c 'echo $$SYSTEMD_EXEC_PID $$$$')" "1 1"

cat >/run/systemd/system/ctr-par-sock.socket <<'EOU'
[Socket]
ListenStream=127.0.0.1:7781
EOU
cat >/run/systemd/system/ctr-par-sock.service <<'EOU'
[Service]
PrivatePIDs=yes
ExecStart=/bin/sh -c 'echo "$$LISTEN_PID $$$$ $$LISTEN_FDS $$(test -S /proc/self/fd/3 && echo socket)" >/run/ctr-par-sock.out; exec sleep infinity'
EOU
cleanup_units+=(ctr-par-sock.socket ctr-par-sock.service)
systemctl daemon-reload
systemctl start ctr-par-sock.socket
rm -f /run/ctr-par-sock.out
(exec 3<>/dev/tcp/127.0.0.1/7781) || true
check "socket activation started the service" wait_for 20 test -s /run/ctr-par-sock.out
eq "inside: LISTEN_PID is the payload's PID, LISTEN_FDS=1, fd 3 is the socket" "$(cat /run/ctr-par-sock.out)" "1 1 1 socket"
check "host: the main PID is a host PID, not 1" test "$(prop ctr-par-sock.service MainPID)" -gt 1
systemctl stop ctr-par-sock.service ctr-par-sock.socket

eq "WATCHDOG_PID is the payload's PID" "$(run -p PrivatePIDs=yes -p WatchdogSec=30 sh -c 'echo $$WATCHDOG_PID $$$$')" "1 1"
u=ctr-par-wd-ping.service; cleanup_units+=("$u")
# A daemon pings only if sd_watchdog_enabled() says so, which needs WATCHDOG_PID to be its own PID.
systemd-run --quiet --unit=$u -p PrivatePIDs=yes -p WatchdogSec=2 -p NotifyAccess=all \
        sh -c 'if [ "$$WATCHDOG_PID" = "$$$$" ]; then while :; do systemd-notify WATCHDOG=1; sleep 0.5; done; fi; exec sleep infinity'
sleep 7
eq "a payload that pings the watchdog when sd_watchdog_enabled() would say so stays up past the timeout" "$(systemctl is-active $u)" active
systemctl stop $u
u=ctr-par-wd-silent.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p PrivatePIDs=yes -p WatchdogSec=2 -p Restart=no sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done'
check "one that does not ping is stopped by the watchdog" wait_for 30 unit_dead $u
eq "... with Result=watchdog" "$(prop $u Result)" watchdog

echo "== PrivatePIDs= on unit types whose processes are all control processes"
cat >/run/systemd/system/ctr-par-pp.socket <<'EOU'
[Socket]
ListenStream=/run/ctr-par-pp.sock
PrivatePIDs=yes
ExecStartPre=/bin/sh -c 'readlink /proc/self >/run/ctr-par-pp.out'
EOU
cat >/run/systemd/system/ctr-par-pp.service <<'EOU'
[Service]
ExecStart=/bin/true
EOU
cleanup_units+=(ctr-par-pp.socket)
systemctl daemon-reload
check "a .socket with PrivatePIDs=yes and ExecStartPre= starts" systemctl start ctr-par-pp.socket
check "its ExecStartPre= ran in the host's PID namespace" test "$(cat /run/ctr-par-pp.out)" != 1
eq "PrivatePIDs reads no on it" "$(prop ctr-par-pp.socket PrivatePIDs)" no
out=$(systemd-analyze verify /run/systemd/system/ctr-par-pp.socket 2>&1 || true)
echo "$out"
check "verify says PrivatePIDs= has no effect there" grep -q "PrivatePIDs= has no effect on socket units" <<<"$out"
systemctl stop ctr-par-pp.socket

echo "== a stop right after the start reaches the payload"
for i in 1 2 3 4 5; do
        u=ctr-par-early$i.service; cleanup_units+=("$u")
        systemd-run --quiet --no-block --unit=$u -p PrivatePIDs=yes -p KillMode=process -p TimeoutStopSec=5 \
                sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
        systemctl stop $u
        cg=/sys/fs/cgroup/system.slice/$u
        check "round $i: nothing of the unit is left after the stop" sh -c "! test -e $cg || ! test -s $cg/cgroup.procs"
        check "round $i: no process was left behind" sh -c "! journalctl -b -o cat -u $u | grep -q 'remains running after unit stopped'"
done

echo "== ProtectControlGroups= holds one value: the last assignment wins"
cat >/run/systemd/system/ctr-par-pcg.service <<'EOU'
[Service]
ProtectControlGroups=strict
Delegate=yes
ExecStart=/bin/sh -c 'cat /proc/self/cgroup; findmnt -n -o OPTIONS /sys/fs/cgroup'
EOU
mkdir -p /run/systemd/system/ctr-par-pcg.service.d
printf '[Service]\nProtectControlGroups=no\n' >/run/systemd/system/ctr-par-pcg.service.d/50-no.conf
systemctl daemon-reload
eq "strict, then a drop-in =no: no" "$(prop ctr-par-pcg.service ProtectControlGroupsEx)" no
eq "... and D-Bus PrivateCgroupNamespace is false" "$(prop ctr-par-pcg.service PrivateCgroupNamespace)" no
printf '[Service]\nProtectControlGroups=private\n' >/run/systemd/system/ctr-par-pcg.service.d/50-no.conf
printf '[Service]\nProtectControlGroups=yes\n' >/run/systemd/system/ctr-par-pcg.service.d/60-yes.conf
systemctl daemon-reload
eq "private, then a drop-in =yes: yes (no namespace)" "$(prop ctr-par-pcg.service ProtectControlGroupsEx)" yes
systemctl start ctr-par-pcg.service
journalctl --sync
check "inside: no cgroup namespace (the host's path)" sh -c "journalctl -o cat -u ctr-par-pcg.service | grep -q '^0::/system.slice/ctr-par-pcg.service'"
rm -rf /run/systemd/system/ctr-par-pcg.service.d
printf '[Service]\nProtectControlGroups=yes\nPrivateCgroupNamespace=yes\nExecStart=/bin/true\n' >/run/systemd/system/ctr-par-pcg2.service
printf '[Service]\nPrivateCgroupNamespace=yes\nProtectControlGroups=no\nExecStart=/bin/true\n' >/run/systemd/system/ctr-par-pcg3.service
systemctl daemon-reload
eq "ProtectControlGroups=yes + PrivateCgroupNamespace=yes: strict" "$(prop ctr-par-pcg2.service ProtectControlGroupsEx)" strict
eq "PrivateCgroupNamespace=yes + ProtectControlGroups=no: no" "$(prop ctr-par-pcg3.service ProtectControlGroupsEx)" no
eq "over D-Bus: ProtectControlGroupsEx=strict then =no is no" \
        "$(run -p ProtectControlGroupsEx=strict -p ProtectControlGroupsEx=no cat /proc/self/cgroup | grep -c '^0::/$' || true)" 0
eq "private implies MountAPIVFS: a fresh /sys (sysfs mounted in the unit)" \
        "$(run -p ProtectControlGroups=private -p Delegate=yes sh -c 'findmnt -n -o SOURCE,FSTYPE /sys/fs/cgroup')" "cgroup2 cgroup2"

echo "== DelegateNamespaces= unset and set, as upstream"
u=ctr-par-dn.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p RemainAfterExit=yes true
eq "unset: D-Bus DelegateNamespaces is all bits" "$(prop $u DelegateNamespaces)" 18446744073709551615
systemctl stop $u
eq "DelegateNamespaces=no still implies PrivateUsers=self" "$(run -p DelegateNamespaces=no cat /proc/self/uid_map | awk '{print $1, $3}')" "0 1"
eq "even over an explicit PrivateUsers=no" "$(run -p DelegateNamespaces=no -p PrivateUsers=no cat /proc/self/uid_map | awk '{print $1, $3}')" "0 1"
u=ctr-par-dn2.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p DelegateNamespaces=yes -p RemainAfterExit=yes true
eq "D-Bus PrivateUsersEx stays as configured (upstream: the implication is applied when it runs)" "$(prop $u PrivateUsersEx)" no
systemctl stop $u
# As upstream, a delegated mnt does not take pid along; then the /proc of the PID namespace cannot be
# mounted from the delegated mount namespace, and the unit fails, saying why.
u=ctr-par-dn-mnt.service; cleanup_units+=("$u")
systemd-run --wait --quiet --unit=$u -p DelegateNamespaces=mnt -p PrivatePIDs=yes true 2>/dev/null && fail "DelegateNamespaces=mnt with PrivatePIDs=yes started"
eq "DelegateNamespaces=mnt with PrivatePIDs=yes (pid not delegated): 226/NAMESPACE" "$(prop $u ExecMainStatus)" 226
check "... and the log says why" sh -c "journalctl -b -o cat -u $u | grep -q 'delegates mnt but not pid'"
systemctl reset-failed $u 2>/dev/null || true

echo "== ProtectHostname=: every upstream spelling, empty names refused, specifiers expanded"
eq "systemd-run -p ProtectHostnameEx=private:foo" "$(run -p ProtectHostnameEx=private:foo hostname)" foo
eq "systemd-run -p ProtectHostnameEx=yes" "$(run -p ProtectHostnameEx=yes hostname)" "$(hostname)"
eq "systemd-run -p PrivateUsersEx=identity" "$(run -p PrivateUsersEx=identity cat /proc/self/uid_map | awk '{print $1, $2, $3}')" "0 0 65536"
eq "systemd-run -p ProtectControlGroupsEx=private" "$(run -p ProtectControlGroupsEx=private -p Delegate=yes cat /proc/self/cgroup)" "0::/"
refused ProtectHostname=yes: "empty"
refused ProtectHostname=private: "empty"
refused ProtectHostnameEx=private: "empty"
cat >/run/systemd/system/ctr-par-hn@.service <<'EOU'
[Service]
Type=oneshot
ProtectHostname=private:%i
ExecStart=/bin/sh -c 'hostname >/run/ctr-par-hn.out'
EOU
systemctl daemon-reload
systemctl start ctr-par-hn@box7.service
eq "ProtectHostname=private:%i in a template" "$(cat /run/ctr-par-hn.out)" box7
verify_reports ctr-par-hn-empty.service 'ProtectHostname=yes:' "Invalid hostname in ProtectHostname="

echo "== DelegateSubgroup=: names checked as upstream, control processes in .control, unit types"
refused DelegateSubgroup=_foo "DelegateSubgroup"
refused DelegateSubgroup=memory.foo "DelegateSubgroup"
u=ctr-par-ds.service; cleanup_units+=("$u")
systemd-run --quiet --wait --unit=$u -p Delegate=yes -p DelegateSubgroup=sub \
        -p "ExecStartPre=/bin/sh -c 'cat /proc/self/cgroup >/run/ctr-par-ds.pre'" sh -c 'cat /proc/self/cgroup >/run/ctr-par-ds.main'
eq "ExecStartPre= runs in .control" "$(cat /run/ctr-par-ds.pre)" "0::/system.slice/$u/.control"
eq "the main process in the subgroup" "$(cat /run/ctr-par-ds.main)" "0::/system.slice/$u/sub"
printf '[Socket]\nListenStream=/run/ctr-par-ds.sock\nDelegateSubgroup=sub\n' >/run/systemd/system/ctr-par-ds.socket
out=$(systemd-analyze verify /run/systemd/system/ctr-par-ds.socket 2>&1 || true)
rm -f /run/systemd/system/ctr-par-ds.socket
echo "$out"
check "a .socket says DelegateSubgroup= is not supported there" grep -q "DelegateSubgroup= setting not supported for this unit type" <<<"$out"
bad=0
for i in $(seq 1 15); do
        got=$(run -p Delegate=yes -p DelegateSubgroup=init.scope -p PrivateCgroupNamespace=yes cat /proc/self/cgroup)
        [ "$got" = "0::/init.scope" ] || { echo "round $i: $got"; bad=$((bad + 1)); }
done
eq "15 starts: the namespace root is always the unit's cgroup, the payload in init.scope" "$bad" 0

echo "== the console is opt-in (PrivateConsole=)"
check "PrivatePIDs=yes + PrivateDevices=yes alone: no /dev/console, as upstream" run -p PrivatePIDs=yes -p PrivateDevices=yes sh -c '! test -e /dev/console'
eq "PrivateConsole=yes: a pty as /dev/console" "$(run -p PrivatePIDs=yes -p PrivateDevices=yes -p PrivateConsole=yes stat -c %t /dev/console)" 88
eq "PrivateConsole reads yes on D-Bus" "$(systemd-run --quiet --unit=ctr-par-con.service -p PrivateDevices=yes -p PrivateConsole=yes -p RemainAfterExit=yes true; prop ctr-par-con.service PrivateConsole)" yes
systemctl stop ctr-par-con.service

rm -f /run/systemd/system/ctr-par-* /run/ctr-par*
systemctl daemon-reload
echo "parity: all checks passed"
