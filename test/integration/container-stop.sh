#!/bin/bash
# A long-running container stops cleanly on 'systemctl stop': SIGRTMIN+3 (KillSignal=) to the
# inner systemd only (KillMode=mixed), which shuts its system down in order and exits; the unit
# ends with Result=success and nothing is left behind.
. "$(dirname "$0")/lib.sh"

container_tree
container_recipe ctr-stop
u=ctr-stop.service; cleanup_units+=("$u")

systemd-run --wait --unit=$u "${recipe[@]}" /usr/lib/systemd/systemd >/tmp/ctr-stop.out 2>&1 &
run_pid=$!
check "the container finished booting" wait_for 240 test -s $CTR_ROOT/var/lib/ctr-check/report
eq "inside: system state" "$(report_value state)" running
pid=$(prop $u MainPID)

s=$(date +%s%N)
systemctl stop $u
echo "systemctl stop took $(( ($(date +%s%N) - s) / 1000000 )) ms"
rc=0; wait $run_pid || rc=$?
cat /tmp/ctr-stop.out
eq "systemd-run --wait: exit status" "$rc" 0
check "systemd-run --wait: Result=success" grep -q 'Finished with result: success' /tmp/ctr-stop.out
journal=$(journalctl -u $u --no-pager -o cat)
check "the inner system shut down in order" grep -q 'Console: .*Reached target.*shutdown.target' <<<"$journal"
check "the inner system halted itself" grep -q 'Console: Halting system' <<<"$journal"
eq "the inner journald ran once (the stop signal went to PID 1 only)" "$(grep -c 'Console: .*Started systemd-journald.service' <<<"$journal")" 1
check "nothing was SIGKILLed by the host" lacks 'SIGKILL|timed out' "$(grep -v 'Console:' <<<"$journal")"
check "the unit deactivated successfully" grep -q 'Deactivated successfully' <<<"$journal"
check "the main process is gone" test ! -e /proc/$pid
check "the unit's cgroup is gone" test ! -e /sys/fs/cgroup/system.slice/$u
eq "no process left from the container" "$(grep -l "/system.slice/$u" /proc/[0-9]*/cgroup 2>/dev/null | wc -l)" 0
echo "container-stop: all checks passed"
