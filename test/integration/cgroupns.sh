#!/bin/bash
# PrivateCgroupNamespace= and ProtectControlGroups=private|strict, checked from inside the unit and
# from the host. See SPEC.md, "PrivateCgroupNamespace=".
. "$(dirname "$0")/lib.sh"

run() { systemd-run --wait --pipe --quiet "$@"; }
host_cgns=$(readlink /proc/self/ns/cgroup)

echo "== inside the unit"
eq "/proc/self/cgroup" "$(run -p PrivateCgroupNamespace=yes cat /proc/self/cgroup)" "0::/"
check "the cgroup namespace is not the host's" \
        test "$(run -p PrivateCgroupNamespace=yes readlink /proc/self/ns/cgroup)" != "$host_cgns"
eq "/sys/fs/cgroup is cgroup2" "$(run -p PrivateCgroupNamespace=yes stat -f -c %T /sys/fs/cgroup)" cgroup2fs
opts=$(run -p PrivateCgroupNamespace=yes findmnt -n -o OPTIONS /sys/fs/cgroup)
echo "mount options: $opts"
check "writable, nosuid, nodev, noexec" grep -qE '^rw,nosuid,nodev,noexec' <<<"$opts"
eq "its root is the unit's cgroup (fs root /)" "$(run -p PrivateCgroupNamespace=yes findmnt -n -o FSROOT /sys/fs/cgroup)" /
out=$(run -p PrivateCgroupNamespace=yes ls /sys/fs/cgroup)
check "host slices are invisible" lacks '^(system.slice|user.slice|init.scope)$' "$out"
eq "ProtectControlGroups=private means the same" "$(run -p ProtectControlGroups=private cat /proc/self/cgroup)" "0::/"
check "ProtectControlGroups=strict is read-only" \
        sh -c "systemd-run --wait --pipe --quiet -p ProtectControlGroups=strict findmnt -n -o OPTIONS /sys/fs/cgroup | grep -q '^ro,'"
check "PrivateCgroupNamespace=yes + ProtectControlGroups=yes is read-only" \
        sh -c "systemd-run --wait --pipe --quiet -p ProtectControlGroups=yes -p PrivateCgroupNamespace=yes findmnt -n -o OPTIONS /sys/fs/cgroup | grep -q '^ro,'"
check "without the namespace, ProtectControlGroups=yes still shows the host tree read-only" \
        sh -c "systemd-run --wait --pipe --quiet -p ProtectControlGroups=yes cat /proc/self/cgroup | grep -q '^0::/system.slice/'"

echo "== delegation inside, escapes refused, seen from the host"
u=ctr-cg-deleg.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p Delegate=yes -p PrivateCgroupNamespace=yes -p Type=exec \
        bash -c 'mkdir /sys/fs/cgroup/inner && echo $$$$ >/sys/fs/cgroup/inner/cgroup.procs && exec sleep infinity'
check "host: the subgroup the payload made exists" wait_for 10 grep -q . /sys/fs/cgroup/system.slice/$u/inner/cgroup.procs
pid=$(prop $u MainPID)
check "host: the payload moved itself into the subgroup it created" grep -qx "$pid" /sys/fs/cgroup/system.slice/$u/inner/cgroup.procs
eq "inside: it sees that subgroup from its root" "$(nsenter -t $pid -C cat /proc/$pid/cgroup)" "0::/inner"
out=$(run -p Delegate=yes -p PrivateCgroupNamespace=yes sh -c 'mkdir /sys/fs/cgroup/x; echo 1 >/sys/fs/cgroup/x/cgroup.procs 2>&1 && echo moved-host-pid1; cat /sys/fs/cgroup/x/cgroup.procs; echo done' || true)
echo "$out"
check "a process from outside cannot be moved in" lacks moved-host-pid1 "$out"
eq "host PID 1 stayed where it was" "$(cat /proc/1/cgroup)" "0::/init.scope"
systemctl kill -s KILL $u; wait_for 10 unit_dead $u; systemctl reset-failed $u 2>/dev/null || true

echo "== properties on every spelling"
for spec in "PrivateCgroupNamespace=yes:yes:private:yes" "ProtectControlGroups=private:yes:private:yes" \
            "ProtectControlGroups=strict:yes:strict:yes" "ProtectControlGroups=yes:no:yes:yes" \
            "ProtectControlGroups=no:no:no:no"; do
        IFS=: read -r setting pcn ex b <<<"$spec"
        u=ctr-cg-props.service; cleanup_units+=("$u")
        systemd-run --quiet --unit=$u -p "$setting" -p RemainAfterExit=yes true
        eq "$setting: PrivateCgroupNamespace" "$(prop $u PrivateCgroupNamespace)" "$pcn"
        eq "$setting: ProtectControlGroupsEx" "$(prop $u ProtectControlGroupsEx)" "$ex"
        eq "$setting: ProtectControlGroups" "$(prop $u ProtectControlGroups)" "$b"
        if [ "$setting" = ProtectControlGroups=strict ]; then
                systemctl daemon-reload
                eq "$setting: survives daemon-reload" "$(prop $u ProtectControlGroupsEx)" strict
                check "the dump says ProtectControlGroups: strict" sh -c "systemd-analyze dump $u | grep -q 'ProtectControlGroups: strict'"
        fi
        systemctl stop $u
done
eq "D-Bus type of ProtectControlGroupsEx" "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/dbus_2eservice org.freedesktop.systemd1.Service ProtectControlGroupsEx)" 's "no"'
eq "D-Bus type of PrivateCgroupNamespace" "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/dbus_2eservice org.freedesktop.systemd1.Service PrivateCgroupNamespace)" 'b false'

echo "== combinations"
root=$(mktemp -d /var/tmp/ctr-root.XXXXXX)
mkdir -p "$root"/{usr,etc,proc,dev,sys,tmp,run}
for l in bin sbin lib lib64; do ln -s "usr/$l" "$root/$l"; done
for combo in "-p RootDirectory=$root -p BindReadOnlyPaths=/usr -p BindReadOnlyPaths=/etc" "-p PrivatePIDs=yes" \
             "-p PrivateUsers=yes" "-p MountAPIVFS=yes" \
             "-p RootDirectory=$root -p BindReadOnlyPaths=/usr -p BindReadOnlyPaths=/etc -p PrivatePIDs=yes -p PrivateUsers=yes -p MountAPIVFS=yes"; do
        # shellcheck disable=SC2086
        out=$(run -p PrivateCgroupNamespace=yes $combo sh -c 'cat /proc/self/cgroup; stat -f -c %T /sys/fs/cgroup' | tr '\n' ' ')
        eq "with $combo" "$out" "0::/ cgroup2fs "
done
rm -rf "$root"

echo "== bad values"
refused ProtectControlGroups=maybe "ProtectControlGroups.*maybe"
refused PrivateCgroupNamespace=maybe "PrivateCgroupNamespace.*maybe"
verify_reports ctr-cg-bad.service $'ProtectControlGroups=maybe\nPrivateCgroupNamespace=perhaps' \
        "Failed to parse ProtectControlGroups= value, ignoring: maybe" \
        "Failed to parse boolean value for PrivateCgroupNamespace=, ignoring: perhaps"
mkdir -p /run/systemd/system

echo "== systemd-analyze security"
printf '[Service]\nExecStart=/bin/true\nProtectControlGroups=yes\n' >/run/systemd/system/ctr-cg-sec-yes.service
printf '[Service]\nExecStart=/bin/true\nPrivateCgroupNamespace=yes\n' >/run/systemd/system/ctr-cg-sec-private.service
printf '[Service]\nExecStart=/bin/true\nProtectControlGroups=strict\n' >/run/systemd/system/ctr-cg-sec-strict.service
s_yes=$(exposure_score ctr-cg-sec-yes.service); s_priv=$(exposure_score ctr-cg-sec-private.service); s_strict=$(exposure_score ctr-cg-sec-strict.service)
echo "exposure: ProtectControlGroups=yes $s_yes, PrivateCgroupNamespace=yes $s_priv, strict $s_strict"
printf '[Service]\nExecStart=/bin/true\n' >/run/systemd/system/ctr-cg-sec-none.service
s_none=$(exposure_score ctr-cg-sec-none.service)
echo "exposure without either: $s_none"
for f in ctr-cg-sec-private.service ctr-cg-sec-strict.service; do
        check "$f: the ProtectControlGroups= check passes" sh -c \
                "systemd-analyze security --offline=yes /run/systemd/system/$f 2>/dev/null | grep -q '✓ ProtectControlGroups='"
done
check "without it the check fails" sh -c \
        "systemd-analyze security --offline=yes /run/systemd/system/ctr-cg-sec-none.service 2>/dev/null | grep -q '✗ ProtectControlGroups='"
check "PrivateCgroupNamespace=yes scores no worse than ProtectControlGroups=yes" awk "BEGIN { exit !($s_priv <= $s_yes) }"
check "strict scores no worse than ProtectControlGroups=yes" awk "BEGIN { exit !($s_strict <= $s_yes) }"
rm -f /run/systemd/system/ctr-cg-*.service
systemctl daemon-reload
echo "cgroupns: all checks passed"
