#!/bin/bash
# A PrivatePIDs= payload that is not an init: what a stop costs without ProcessTwo=, and the minimal
# init that ProcessTwo=yes puts in front of it (signals passed on, orphans reaped, exit status kept).
. "$(dirname "$0")/lib.sh"

run() { systemd-run --wait --pipe --quiet "$@"; }
zombies() { # zombies UNIT: zombie children of the unit's main process, seen from the host (zombies are
        # no longer listed in cgroup.procs, so look for them by parent)
        local mp p n=0
        mp=$(systemctl show -P MainPID "$1")
        for p in /proc/[0-9]*; do
                awk -v mp="$mp" '$4 == mp && $3 == "Z" {found = 1} END {exit !found}' $p/stat 2>/dev/null && n=$((n + 1))
        done
        echo $n
}
stop_time() { # stop_time UNIT: seconds that 'systemctl stop' took
        local s=$(date +%s%N)
        systemctl stop "$1"
        echo $(( ($(date +%s%N) - s) / 1000000000 ))
}

echo "== without ProcessTwo= (measured, as the man page says)"
u=ctr-p2-none.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p Type=exec -p PrivatePIDs=yes -p TimeoutStopSec=5 sh -c '(sleep 0.2 &); exec sleep 1000'
sleep 2
eq "host: the orphan of a payload that does not reap stays a zombie" "$(zombies $u)" 1
t=$(stop_time $u)
echo "stop took ${t}s"
check "systemctl stop waits the full TimeoutStopSec= (5 s): the payload never sees SIGTERM (${t}s)" test "$t" -ge 5
eq "... and the unit ends with Result=timeout" "$(prop $u Result)" timeout
systemctl reset-failed $u 2>/dev/null || true

echo "== with ProcessTwo=yes"
eq "inside: the payload is PID 2" "$(run -p PrivatePIDs=yes -p ProcessTwo=yes sh -c 'echo $$$$')" 2
eq "inside: PID 1 is the stub init" "$(run -p PrivatePIDs=yes -p ProcessTwo=yes cat /proc/1/comm)" "(sd-stubinit)"
u=ctr-p2-sleep.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p Type=exec -p PrivatePIDs=yes -p ProcessTwo=yes -p TimeoutStopSec=20 sh -c '(sleep 0.2 &); exec sleep 1000'
sleep 2
eq "host: the orphan is reaped" "$(zombies $u)" 0
mp=$(prop $u MainPID)
eq "host: the main process is the stub init" "$(cat /proc/$mp/comm)" "(sd-stubinit)"
check "host: the stub keeps no fd open" test "$(ls /proc/$mp/fd | wc -l)" -eq 0
t=$(stop_time $u)
echo "stop took ${t}s"
check "systemctl stop reaches a payload without handlers at once (${t}s)" test "$t" -lt 3
eq "... and the unit ends with Result=success" "$(prop $u Result)" success
eq "inside: SYSTEMD_EXEC_PID and WATCHDOG_PID name the payload (PID 2), not the stub" \
        "$(run -p PrivatePIDs=yes -p ProcessTwo=yes -p WatchdogSec=30 sh -c 'echo $$SYSTEMD_EXEC_PID $$WATCHDOG_PID $$$$')" "2 2 2"
for i in 1 2 3; do
        u=ctr-p2-early$i.service; cleanup_units+=("$u")
        s=$(date +%s%N)
        systemd-run --quiet --no-block --unit=$u -p PrivatePIDs=yes -p ProcessTwo=yes -p TimeoutStopSec=20 sleep 1000
        systemctl stop $u
        t=$(( ($(date +%s%N) - s) / 1000000000 ))
        check "round $i: a stop right after the start reaches a payload without handlers (${t}s, no timeout)" test "$t" -lt 10
        check "round $i: ... and it did not time out" test "$(prop $u Result)" != timeout
        systemctl reset-failed $u 2>/dev/null || true
done
u=ctr-p2-exit.service; cleanup_units+=("$u")
systemd-run --quiet --wait --unit=$u -p PrivatePIDs=yes -p ProcessTwo=yes sh -c 'exit 42' || true
eq "the payload's exit status is the unit's" "$(prop $u ExecMainStatus)" 42
systemctl reset-failed $u 2>/dev/null || true
u=ctr-p2-segv.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p PrivatePIDs=yes -p ProcessTwo=yes sleep 1000
sleep 1
systemctl kill -s SIGSEGV $u
wait_for 10 unit_dead $u || fail "timed out (10s): unit_dead u"
eq "systemctl kill -s SIGSEGV reaches the payload: 128 + 11" "$(prop $u ExecMainStatus)" 139
systemctl reset-failed $u 2>/dev/null || true
u=ctr-p2-kill.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p PrivatePIDs=yes -p ProcessTwo=yes sleep 1000
sleep 1
systemctl kill -s SIGKILL $u
wait_for 10 unit_dead $u || fail "timed out (10s): unit_dead u"
eq "SIGKILL ends it: Result=signal" "$(prop $u Result)" signal
systemctl reset-failed $u 2>/dev/null || true

eq "D-Bus ProcessTwo" "$(systemd-run --quiet --unit=ctr-p2-prop.service -p PrivatePIDs=yes -p ProcessTwo=yes -p RemainAfterExit=yes true; prop ctr-p2-prop.service ProcessTwo)" yes
systemctl stop ctr-p2-prop.service
verify_reports ctr-p2-nopids.service 'ProcessTwo=yes' "ProcessTwo=yes has no effect without PrivatePIDs=yes"
refused ProcessTwo=maybe "ProcessTwo.*maybe"
echo "processtwo: all checks passed"
