#!/bin/bash
# PrivatePIDs=: checked from inside the unit (what the payload sees) and from the host (what the
# manager tracks). See SPEC.md, "PrivatePIDs=".
. "$(dirname "$0")/lib.sh"

run() { systemd-run --wait --pipe --quiet -p PrivatePIDs=yes "$@"; }
host_pidns=$(readlink /proc/self/ns/pid)

echo "== inside the unit"
eq "readlink /proc/self as the payload" "$(run readlink /proc/self)" 1
out=$(run sh -c 'sleep 60 & ps -e -o pid=,comm=; kill $!')
echo "$out"
eq "ps lists only the unit's processes" "$(echo "$out" | awk '{print $1}' | tr '\n' ' ')" "1 2 3 "
eq "PID 1 inside is the payload" "$(echo "$out" | awk '$1 == 1 {print $2}')" sh
check "/proc is a new instance, rw,nosuid,nodev,noexec" \
        run sh -c 'grep -E "^proc /proc proc rw,nosuid,nodev,noexec" /proc/self/mounts'
check "the unit's PID namespace differs from the host's" \
        run sh -c "test \"\$(readlink /proc/self/ns/pid)\" != '$host_pidns'"
check "ProtectProc= applies to the new /proc" \
        run -p ProtectProc=invisible sh -c 'grep -E "^proc /proc proc .*hidepid=(invisible|2)" /proc/self/mounts'
check "ProcSubset= applies to the new /proc" \
        run -p ProcSubset=pid sh -c 'test ! -e /proc/sys && test -e /proc/1/status'
eq "together with PrivateUsers=yes (system manager)" \
        "$(run -p PrivateUsers=yes sh -c 'echo $$$$ $(cat /proc/self/uid_map)' | tr -s ' ')" "1 0 0 1"
root=$(mktemp -d /var/tmp/ctr-root.XXXXXX)
mkdir -p "$root"/{usr,etc,proc,dev,sys,tmp,run}
for l in bin sbin lib lib64; do ln -s "usr/$l" "$root/$l"; done
eq "RootDirectory=: /proc inside the root is the new instance" \
        "$(run -p RootDirectory="$root" -p BindReadOnlyPaths=/usr -p BindReadOnlyPaths=/etc \
                sh -c 'readlink /proc/self; ls -1 /proc | grep -c "^[0-9][0-9]*$"' | tr '\n' ' ')" "2 3 "
# When the new procfs cannot be mounted (here /proc in the root is a file), the unit fails with
# 226/NAMESPACE and says why; it never runs with another /proc.
rm -rf "$root/proc"; touch "$root/proc"
u=ctr-pp-noproc.service; cleanup_units+=("$u")
systemd-run --quiet --wait --unit=$u -p RootDirectory="$root" -p BindReadOnlyPaths=/usr -p PrivatePIDs=yes \
        /bin/true && fail "a unit whose /proc cannot be mounted ran"
eq "procfs mount failure: ExecMainStatus is 226/NAMESPACE" "$(prop $u ExecMainStatus)" 226
check "the log says why" wait_for 10 sh -c "journalctl -o cat --no-pager _SYSTEMD_UNIT=$u UNIT=$u | grep -q 'Failed to set up mount namespacing: .*/proc: Not a directory'"
systemctl reset-failed $u
rm -rf "$root"

echo "== control processes stay outside"
mkdir -p /run/systemd/system
cat >/run/systemd/system/ctr-pp-control.service <<'U'
[Service]
Type=oneshot
PrivatePIDs=yes
ExecStartPre=/bin/sh -c 'echo $$$$ >/run/ctr-pp-pre'
ExecStart=/bin/sh -c 'echo $$$$ >/run/ctr-pp-main'
ExecStartPost=/bin/sh -c 'echo $$$$ >/run/ctr-pp-post'
U
systemctl daemon-reload
systemctl start ctr-pp-control.service
eq "ExecStart= is PID 1" "$(cat /run/ctr-pp-main)" 1
check "ExecStartPre= is not PID 1 ($(cat /run/ctr-pp-pre))" test "$(cat /run/ctr-pp-pre)" -gt 1
check "ExecStartPost= is not PID 1 ($(cat /run/ctr-pp-post))" test "$(cat /run/ctr-pp-post)" -gt 1

echo "== the host tracks the payload"
u=ctr-pp-main.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p PrivatePIDs=yes sleep infinity
wait_for 10 eval '[ "$(prop $u MainPID)" -gt 0 ]' || fail "no MainPID"
pid=$(prop $u MainPID)
eq "MainPID is the payload (comm)" "$(cat /proc/$pid/comm)" sleep
eq "ExecMainPID equals MainPID" "$(prop $u ExecMainPID)" "$pid"
eq "the payload is PID 1 of its namespace (NSpid)" "$(awk '/^NSpid:/ {print $2, $3}' /proc/$pid/status)" "$pid 1"
eq "the payload is the manager's own child" "$(awk '/^PPid:/ {print $2}' /proc/$pid/status)" 1
check "the payload sits in the unit's cgroup" grep -q "/system.slice/$u\$" /proc/$pid/cgroup
check "its PID namespace is not the host's" test "$(readlink /proc/$pid/ns/pid)" != "$host_pidns"
eq "systemctl show PrivatePIDs" "$(prop $u PrivatePIDs)" yes
eq "D-Bus property type and value" "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/ctr_2dpp_2dmain_2eservice org.freedesktop.systemd1.Service PrivatePIDs)" 's "yes"'
check "the unit dump says PrivatePIDs: yes" sh -c "systemd-analyze dump $u | grep -q 'PrivatePIDs: yes'"
check "the transient unit file records it" grep -qx 'PrivatePIDs=yes' /run/systemd/transient/$u
systemctl daemon-reload
eq "the setting survives daemon-reload" "$(prop $u PrivatePIDs)" yes
eq "MainPID survives daemon-reload" "$(prop $u MainPID)" "$pid"
systemctl daemon-reexec
eq "MainPID survives daemon-reexec" "$(prop $u MainPID)" "$pid"
systemctl kill -s KILL $u
wait_for 10 unit_dead $u || fail "timed out (10s): unit_dead u"
eq "SIGKILL: Result" "$(prop $u Result)" signal
eq "SIGKILL: ExecMainStatus" "$(prop $u ExecMainStatus)" 9
check "no process left" test ! -e /proc/$pid
systemctl reset-failed $u

echo "== exit status, crash, missing binary"
u=ctr-pp-exit.service; cleanup_units+=("$u")
systemd-run --quiet --wait --unit=$u -p PrivatePIDs=yes sh -c 'exit 5' || true
eq "exit 5: Result" "$(prop $u Result)" exit-code
eq "exit 5: ExecMainStatus" "$(prop $u ExecMainStatus)" 5
systemctl reset-failed $u
u=ctr-pp-crash.service; cleanup_units+=("$u")
systemd-run --quiet --wait --unit=$u -p PrivatePIDs=yes python3 -c 'import ctypes; ctypes.string_at(0)' || true
check "crash: Result is core-dump or signal ($(prop $u Result))" sh -c "prop() { systemctl show -P \$2 \$1; }; case \$(prop $u Result) in core-dump|signal) true;; *) false;; esac"
eq "crash: ExecMainStatus is SIGSEGV" "$(prop $u ExecMainStatus)" 11
systemctl reset-failed $u
u=ctr-pp-nobin.service; cleanup_units+=("$u")
printf '[Service]\nType=oneshot\nPrivatePIDs=yes\nExecStart=/nonexistent/binary\n' >/run/systemd/system/$u
systemctl daemon-reload
systemctl start $u && fail "a missing binary started"
eq "missing binary: ExecMainStatus is 203/EXEC" "$(prop $u ExecMainStatus)" 203
eq "missing binary: Result" "$(prop $u Result)" exit-code
systemctl reset-failed $u

echo "== sd_notify, watchdog, clean stop"
u=ctr-pp-notify.service; cleanup_units+=("$u")
timeout 60 systemd-run --quiet --unit=$u -p PrivatePIDs=yes -p Type=notify -p NotifyAccess=main python3 -c '
import os, socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(os.environ["NOTIFY_SOCKET"])
s.send(b"READY=1\nSTATUS=pid %d inside" % os.getpid())
time.sleep(600)'
eq "Type=notify with NotifyAccess=main reaches active" "$(systemctl is-active $u)" active
eq "STATUS= from PID 1 inside was accepted" "$(prop $u StatusText)" "pid 1 inside"
systemctl kill -s KILL $u; wait_for 10 unit_dead $u; systemctl reset-failed $u
u=ctr-pp-wd.service; cleanup_units+=("$u")
timeout 60 systemd-run --quiet --unit=$u -p PrivatePIDs=yes -p Type=notify -p WatchdogSec=2 -p TimeoutStopSec=2 python3 -c '
import os, socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(os.environ["NOTIFY_SOCKET"])
s.send(b"READY=1")
time.sleep(600)'
wait_for 30 unit_dead $u || fail "watchdog did not fire"
eq "watchdog: Result" "$(prop $u Result)" watchdog
systemctl reset-failed $u
u=ctr-pp-stop.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p PrivatePIDs=yes -p TimeoutStopSec=30 bash -c 'trap "exit 0" TERM; sleep infinity & wait'
wait_for 10 eval '[ "$(prop $u MainPID)" -gt 0 ]' || fail "no MainPID"
cg=/sys/fs/cgroup/system.slice/$u
wait_for 10 eval '[ "$(wc -l <$cg/cgroup.procs)" -eq 2 ]' || fail "the payload did not fork"
start=$(date +%s)
systemctl stop $u
eq "systemctl stop with a TERM handler: Result" "$(prop $u Result)" success
check "stop did not wait for the timeout" test $(( $(date +%s) - start )) -lt 20
check "nothing of the unit is left" test ! -e "$cg"

u=ctr-pp-exec.service; cleanup_units+=("$u")
check "Type=exec: the start job completes once the payload exec()ed" \
        timeout 60 systemd-run --quiet --unit=$u -p Type=exec -p PrivatePIDs=yes sleep infinity
eq "Type=exec: active" "$(systemctl is-active $u)" active
eq "Type=exec: MainPID is the payload" "$(cat /proc/$(prop $u MainPID)/comm)" sleep
systemctl kill -s KILL $u; wait_for 10 unit_dead $u; systemctl reset-failed $u 2>/dev/null || true

echo "== refused configurations"
cat >/run/systemd/system/ctr-pp-forking.service <<'U'
[Service]
Type=forking
PrivatePIDs=yes
ExecStart=/bin/true
U
systemctl daemon-reload
out=$(systemd-analyze verify /run/systemd/system/ctr-pp-forking.service 2>&1) && fail "verify accepted Type=forking + PrivatePIDs=yes"
echo "$out"
check "verify names the reason" grep -q "PrivatePIDs=yes, which isn't allowed for Type=forking" <<<"$out"
eq "the unit is not loaded" "$(prop ctr-pp-forking.service LoadState)" bad-setting
cat >/run/systemd/system/ctr-pp-bad.service <<'U'
[Service]
PrivatePIDs=maybe
ExecStart=/bin/true
U
out=$(systemd-analyze verify /run/systemd/system/ctr-pp-bad.service 2>&1 || true)
echo "$out"
check "a bad value in a unit file is reported with the setting and value" grep -q "Failed to parse PrivatePIDs= value, ignoring: maybe" <<<"$out"
out=$(systemd-run --wait -p PrivatePIDs=maybe true 2>&1) && fail "systemd-run accepted PrivatePIDs=maybe"
echo "$out"
check "systemd-run names the setting and the value" grep -q "PrivatePIDs.*maybe" <<<"$out"
out=$(busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager \
        StartTransientUnit 'ssa(sv)a(sa(sv))' ctr-pp-dbus.service fail 2 PrivatePIDs s maybe ExecStart 'a(sasb)' 1 /bin/true 1 /bin/true false 0 2>&1) &&
        fail "D-Bus accepted PrivatePIDs=maybe"
echo "$out"
check "D-Bus names the setting and the value" grep -q "PrivatePIDs.*maybe" <<<"$out"
rm -f /run/systemd/system/ctr-pp-*.service /run/ctr-pp-*
systemctl daemon-reload
check "PID 1 never called a payload 'not our child'" sh -c "! journalctl -b -o cat --no-pager | grep 'which is not our child'"
echo "privatepids: all checks passed"
