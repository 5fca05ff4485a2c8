#!/bin/bash
# PrivateCgroupNamespace= without the unified hierarchy: the VM boots with the legacy (hybrid)
# layout, and the unit runs without a cgroup namespace and logs why, instead of failing.
. "$(dirname "$0")/lib.sh"
guest <<'G'
set -u
stat -f -c %T /sys/fs/cgroup
out=$(systemd-run --wait --pipe --unit=ctr-cg-legacy -p PrivateCgroupNamespace=yes cat /proc/self/cgroup)
rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "unit failed"; exit 1; }
grep -q 'ctr-cg-legacy.service' <<<"$out" || { echo "expected the host's cgroup paths"; exit 1; }
sleep 1
journalctl -b -o cat --no-pager _SYSTEMD_UNIT=ctr-cg-legacy.service UNIT=ctr-cg-legacy.service | grep 'PrivateCgroupNamespace' || { echo "no log line"; exit 1; }
journalctl -b -o cat --no-pager | grep -q 'the unified cgroup hierarchy is not in use' || { echo "log line does not say why"; exit 1; }
exit 0
G
vmrun VM_CMDLINE="systemd.unified_cgroup_hierarchy=0" TIMEOUT=300
[ $rc -eq 0 ] || fail "legacy-hierarchy guest check failed (exit $rc)"
grep -qx tmpfs <<<"$out" || fail "the VM did not boot with the legacy hierarchy"
echo "ok: fallback without the unified hierarchy"
