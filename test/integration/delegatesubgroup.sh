#!/bin/bash
# DelegateSubgroup=: the main process of a delegated service starts in the named subgroup. Checked
# from inside (its cgroup, with and without a cgroup namespace) and from the host (cgroup.procs).
. "$(dirname "$0")/lib.sh"

run() { systemd-run --wait --pipe --quiet "$@"; }

eq "inside, with a cgroup namespace" \
        "$(run -p Delegate=yes -p DelegateSubgroup=init.scope -p PrivateCgroupNamespace=yes cat /proc/self/cgroup)" "0::/init.scope"
check "inside, without one: the subgroup of the unit's cgroup" \
        sh -c "systemd-run --wait --pipe --quiet -p Delegate=yes -p DelegateSubgroup=payload cat /proc/self/cgroup | grep -qE '^0::/system.slice/run-.*\.service/payload$'"
check "without Delegate=yes it has no effect" \
        sh -c "systemd-run --wait --pipe --quiet -p DelegateSubgroup=payload cat /proc/self/cgroup | grep -qE '\.service$'"

u=ctr-ds.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p Delegate=yes -p DelegateSubgroup=init.scope -p Type=exec sleep infinity
pid=$(prop $u MainPID)
cg=/sys/fs/cgroup/system.slice/$u
check "host: the main process is in the subgroup" grep -qx "$pid" $cg/init.scope/cgroup.procs
eq "host: the unit's own cgroup has no processes" "$(cat $cg/cgroup.procs)" ""
eq "systemctl show DelegateSubgroup" "$(prop $u DelegateSubgroup)" init.scope
eq "D-Bus type" "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/ctr_2dds_2eservice org.freedesktop.systemd1.Service DelegateSubgroup)" 's "init.scope"'
check "the dump shows it" sh -c "systemd-analyze dump $u | grep -q 'DelegateSubgroup: init.scope'"
systemctl stop $u
check "stopping removes the whole subtree" test ! -e $cg

for bad in ../up .control cgroup.procs a/b; do
        out=$(systemd-run --wait -p Delegate=yes -p DelegateSubgroup="$bad" true 2>&1) && fail "DelegateSubgroup=$bad accepted"
        check "DelegateSubgroup=$bad refused, naming setting and value" grep -qF "DelegateSubgroup setting: $bad" <<<"$out"
done
mkdir -p /run/systemd/system
printf '[Service]\nDelegate=yes\nDelegateSubgroup=.hidden\nExecStart=/bin/true\n' >/run/systemd/system/ctr-ds-bad.service
out=$(systemd-analyze verify /run/systemd/system/ctr-ds-bad.service 2>&1 || true)
echo "$out"
check "unit file: bad value reported" grep -q "Invalid DelegateSubgroup= value, ignoring: .hidden" <<<"$out"
rm -f /run/systemd/system/ctr-ds-bad.service
echo "delegatesubgroup: all checks passed"
