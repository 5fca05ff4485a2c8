#!/bin/bash
# An unmodified Debian 12 tree boots as a transient unit with the recipe of
# docs/system-containers.md: systemd-run is the container runtime. Checked from inside (the
# tree's one addition, container/ctr-check.service, reports what it sees) and from the host.
. "$(dirname "$0")/lib.sh"

container_tree
container_recipe ctr-boot
u=ctr-boot.service; cleanup_units+=("$u")
host_name=$(hostname)
host_links=$(ip -o link | awk -F': ' '{print $2}' | sort | tr '\n' ' ')
host_ns=$(for n in pid cgroup user uts ipc net mnt; do readlink /proc/1/ns/$n; done)

# The owners of the whole tree on disk: the recipe's ID-mapped root must leave them as they are.
owners() { find $CTR_ROOT -xdev -printf '%p\t%U:%G\n' | LC_ALL=C sort -t $'\t' -k1,1; }
owners >/tmp/ctr-boot.owners-before

systemd-run --wait --unit=$u "${recipe[@]}" /usr/lib/systemd/systemd >/tmp/ctr-boot.out 2>&1 &
run_pid=$!
booted() { test -s $CTR_ROOT/var/lib/ctr-check/report || ! kill -0 $run_pid; } # or systemd-run gave up
wait_for 240 booted || true
cat /tmp/ctr-boot.out
check "the container finished booting (inner report written)" test -s $CTR_ROOT/var/lib/ctr-check/report
cat $CTR_ROOT/var/lib/ctr-check/report

# From inside.
eq "inside: system state" "$(report_value state)" running
eq "inside: no failed units" "$(report_value failed)" 0
eq "inside: multi-user.target reached" "$(report_value multi_user)" active
eq "inside: PID 1 is systemd" "$(report_value pid1)" systemd
eq "inside: PID 1's cgroup" "$(report_value pid1_cgroup)" 0::/init.scope
eq "inside: initial hostname" "$(report_value hostname)" ctr-boot
eq "inside: it knows it is a container" "$(report_value container)" container-other
eq "inside: network links (the recipe's veth)" "$(report_value links)" "host0 lo "

# From the host.
base=$(prop $u UIDShift)
eq "host: the container runs in a UID range of its own (PrivateUsers=managed)" "$(awk '{print $1, $3}' /proc/$(prop $u MainPID)/uid_map)" "0 65536"
check "host: that range ($base) is not the host's root" test "$base" -ge $((0x00080000))
eq "host: the inner systemd runs as the range's root" "$(stat -c %u /proc/$(prop $u MainPID))" "$base"
eq "host: the report root inside wrote is owned by 0 on disk" "$(stat -c %u:%g $CTR_ROOT/var/lib/ctr-check/report)" 0:0
pid=$(prop $u MainPID)
check "host: the unit has a main PID" test "$pid" -gt 1
eq "host: the main process is PID 1 of its own PID namespace" "$(awk '/^NSpid:/ {print $NF}' /proc/$pid/status)" 1
eq "host: and it is systemd" "$(cat /proc/$pid/comm)" systemd
for n in pid cgroup user uts ipc net mnt; do
        check "host: its $n namespace is not the host's" test "$(readlink /proc/$pid/ns/$n)" != "$(readlink /proc/1/ns/$n)"
done
check "host: the recipe's veth: ve-ctr-boot" ip link show ve-ctr-boot
check "host: it runs in the unit's init.scope" grep -qx "0::/system.slice/$u/init.scope" /proc/$pid/cgroup
status=$(systemctl status --no-pager --lines=0 $u)
echo "$status"
check "host: systemctl status shows the inner process tree (init.scope)" grep -q 'init.scope' <<<"$status"
check "host: systemctl status shows the inner services" grep -q 'systemd-journald' <<<"$status"
check "host: systemctl status shows inner D-Bus" grep -q 'dbus-daemon' <<<"$status"
journal=$(journalctl -u $u --no-pager -o cat)
check "host: journalctl -u shows the console: the welcome line" grep -q 'Console: Welcome to Debian GNU/Linux 12' <<<"$journal"
check "host: journalctl -u shows the console: multi-user.target" grep -q 'Console: .*Reached target multi-user.target' <<<"$journal"
check "host: console lines carry no escape sequences" lacks $'\e' "$journal"

# systemctl exit 42 inside ends the unit, and systemd-run --wait returns 42.
echo 42 >$CTR_ROOT/var/lib/ctr-check/exit
rc=0; wait $run_pid || rc=$?
cat /tmp/ctr-boot.out
eq "systemd-run --wait returns the container's exit status" "$rc" 42
check "the inner system exited as a container does" grep -q 'Console: Exiting container' <<<"$(journalctl -u $u --no-pager -o cat)"

# Owners on disk: every path that was there before and still is has the same owner (a listing compared).
owners >/tmp/ctr-boot.owners-after
changed=$(LC_ALL=C join -t $'\t' /tmp/ctr-boot.owners-before /tmp/ctr-boot.owners-after | awk -F '\t' '$2 != $3')
echo "$changed" | head -n 20
eq "host: no owner in the tree changed on disk ($(wc -l </tmp/ctr-boot.owners-before) paths before)" "$(grep -c . <<<"$changed" || true)" 0
eq "host: nothing in the tree is owned by the container's host range" "$(find $CTR_ROOT -xdev \( -uid +65535 -o -gid +65535 \) | wc -l)" 0

# The host is untouched.
eq "host: hostname unchanged" "$(hostname)" "$host_name"
host_links_now() { ip -o link | awk -F': ' '{print $2}' | sort | tr '\n' ' '; }
wait_for 10 eval '[ "$(host_links_now)" = "$host_links" ]' || true # the kernel removes the veth asynchronously
eq "host: links unchanged" "$(host_links_now)" "$host_links"
eq "host: PID 1's namespaces unchanged" "$(for n in pid cgroup user uts ipc net mnt; do readlink /proc/1/ns/$n; done)" "$host_ns"
check "host: the unit's cgroup is gone" test ! -e /sys/fs/cgroup/system.slice/$u
eq "host: no process left from the container" "$(grep -l "/system.slice/$u" /proc/[0-9]*/cgroup 2>/dev/null | wc -l)" 0
echo "container-boot: all checks passed"
