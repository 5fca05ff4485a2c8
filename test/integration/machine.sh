#!/bin/bash
# RegisterMachine=, MachineName= and the template systemd-container@.service: a container booted by the
# service manager is a machine of systemd-machined, and machinectl, systemctl -M and journalctl -M reach
# it, with no systemd-nspawn anywhere. Checked from the host and, through those tools, from inside.
. "$(dirname "$0")/lib.sh"

container_tree
u=systemd-container@debian.service; cleanup_units+=("$u")
machines() { machinectl list --no-legend --no-pager 2>/dev/null | awk '{print $1, $2}'; }
listed() { grep -qx "$1 container" <<<"$(machines)"; }
unlisted() { ! grep -q "^$1 " <<<"$(machines)"; }
booted() { test -s $CTR_ROOT/var/lib/ctr-check/report; }
inner_running() { [ "$(systemctl -M debian is-system-running 2>/dev/null)" = running ]; }

eq "the template's settings: RegisterMachine" "$(prop $u RegisterMachine)" yes
eq "the template's settings: MachineName" "$(prop $u MachineName)" debian

eq "the template is Type=notify" "$(prop $u Type)" notify
# machinectl --runner=container: enable links the template into machines.target, start starts it.
machinectl --runner=container enable debian
check "machinectl --runner=container enable: wanted by machines.target" test -L /etc/systemd/system/machines.target.wants/$u
machinectl --runner=container disable debian
check "machinectl --runner=container disable: no longer" test ! -e /etc/systemd/system/machines.target.wants/$u
out=$(machinectl --runner=bogus start debian 2>&1) && fail "machinectl accepted --runner=bogus"
check "machinectl --runner=bogus is refused, naming the option" grep -q -- "--runner=" <<<"$out"
machinectl --runner=container start debian
# Type=notify: the start returns once the inner systemd reported that it finished starting up.
eq "when machinectl start returns, multi-user.target is active inside" "$(systemctl -M debian is-active multi-user.target 2>&1)" active
st=$(systemctl status --no-pager --lines=0 $u); echo "$st"
check "systemctl status shows the status text the inner systemd sent" grep -q 'Status: "' <<<"$st"
check "the container finished booting (inner report written)" wait_for 240 booted
eq "inside: system state" "$(report_value state)" running
check "no systemd-nspawn process anywhere" test -z "$(pgrep -x systemd-nspawn)"
check "machinectl list shows it as a container" wait_for 30 listed debian
check "the template's veth: ve-debian on the host" ip link show ve-debian
leader=$(machinectl show debian -p Leader --value)
eq "its leader is the unit's main process (PID 1 of the container)" "$leader" "$(prop $u MainPID)"
eq "its unit is the service" "$(machinectl show debian -p Unit --value)" "$u"
eq "its root directory" "$(machinectl show debian -p RootDirectory --value)" "$CTR_ROOT"
eq "its class" "$(machinectl show debian -p Class --value)" container
check "systemctl -M debian is-system-running: running" wait_for 60 inner_running
out=$(machinectl -q shell debian /usr/bin/id -u 2>&1 | tr -d "\r"); echo "$out"
eq "machinectl shell debian /usr/bin/id -u" "$(tail -n1 <<<"$out")" 0
out=$(systemd-run -M debian --wait --pipe --quiet /bin/cat /proc/sys/kernel/hostname 2>&1); echo "$out"
eq "systemd-run -M debian runs in it" "$out" debian
j=$(journalctl -M debian -b --no-pager -o cat 2>&1 | tail -n 400)
check "journalctl -M debian shows its boot (multi-user.target)" grep -q 'Reached target.*Multi-User' <<<"$j"
echo ctr-copied >/tmp/ctr-copy-src
check "machinectl copy-to" machinectl copy-to debian /tmp/ctr-copy-src /root/ctr-copied
eq "machinectl copy-to: the file inside" "$(systemd-run -M debian --wait --pipe --quiet /bin/cat /root/ctr-copied 2>&1)" ctr-copied
eq "machinectl copy-to: owned by 0 on disk (root inside)" "$(stat -c %u:%g $CTR_ROOT/root/ctr-copied)" 0:0
rm -f /tmp/ctr-copy-dst $CTR_ROOT/root/ctr-copied
check "machinectl copy-from" machinectl copy-from debian /etc/debian_version /tmp/ctr-copy-dst
eq "machinectl copy-from: the file on the host" "$(cat /tmp/ctr-copy-dst)" "$(cat $CTR_ROOT/etc/debian_version)"
# The container interface, supplied by the service manager (checked from the host and from inside).
env1=$(tr '\0' '\n' </proc/$leader/environ)
check "\$container names the container manager" grep -qx container=systemd <<<"$env1"
uuid=$(sed -n 's/^container_uuid=//p' <<<"$env1")
check "\$container_uuid is set, in the UUID format" grep -qE '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' <<<"$uuid"
id=$(machinectl show debian -p Id --value)
eq "\$container_uuid is the ID registered with machined" "${uuid//-/}" "$id"
eq "inside: \$container_uuid as PID 1 sees it" "$(report_value container_uuid)" "$uuid"
eq "inside: systemd-detect-virt --container" "$(report_value container)" container-other
eq "inside: /run/host/container-manager" "$(report_value manager)" systemd
eq "inside: a tree with a machine ID keeps its own" "$(report_value machine_id)" "$(cat $CTR_ROOT/etc/machine-id)"
inside() { systemd-run -M debian --wait --pipe --quiet -p CollectMode=inactive-or-failed "$@" 2>&1; }
eq "inside: /run/host/os-release is the host's" "$(inside /bin/cat /run/host/os-release)" "$(cat /etc/os-release)"
out=$(inside /bin/sh -c 'echo x >>/run/host/os-release && echo written' || true); echo "$out"
check "inside: /run/host/os-release is read-only" test "$out" != written
check "the tree has no /run/host (it is on the container's own /run)" test ! -e $CTR_ROOT/run/host

# machinectl bind: into a mount namespace that the container's user namespace owns; not ID-mapped.
src=/var/lib/machines/ctr-bind-src; rm -rf $src; mkdir -p $src; echo from-host >$src/f; chmod 0644 $src/f
chmod 0777 $src
check "machinectl bind --mkdir" machinectl bind --mkdir debian $src /mnt/ctr-bind
eq "machinectl bind: the file inside" "$(inside /bin/cat /mnt/ctr-bind/f)" from-host
eq "machinectl bind: the host's root file shows as nobody inside (not ID-mapped)" "$(inside /usr/bin/stat -c %u /mnt/ctr-bind/f)" 65534
out=$(inside /bin/sh -c 'echo changed >/mnt/ctr-bind/f && echo written' || true); echo "$out"
check "machinectl bind: root inside cannot write the host's root file" test "$out" != written
eq "machinectl bind: the host's file is unchanged" "$(cat $src/f)" from-host
inside /bin/sh -c 'echo from-inside >/mnt/ctr-bind/g'
eq "machinectl bind: what root inside creates is its range's on the host" "$(stat -c %u $src/g 2>&1)" "$(prop $u UIDShift)"
check "machinectl bind --read-only --mkdir" machinectl bind --read-only --mkdir debian $src /mnt/ctr-bind-ro
out=$(inside /bin/sh -c 'echo x >/mnt/ctr-bind-ro/h && echo written' || true); echo "$out"
check "machinectl bind --read-only: not writable inside" test "$out" != written
out=$(inside /bin/sh -c 'mount -o remount,bind,rw /mnt/ctr-bind-ro && echo remounted' || true); echo "$out"
check "machinectl bind --read-only: root inside cannot remount it writable (locked)" test "$out" != remounted
out=$(inside /bin/sh -c 'mkdir -p /mnt/ctr-own && mount -t tmpfs none /mnt/ctr-own && mount -o remount,bind,ro /mnt/ctr-own && mount -o remount,bind,rw /mnt/ctr-own && echo remounted; umount /mnt/ctr-own' 2>&1 || true); echo "$out"
eq "(while root inside may remount a read-only mount of its own)" "$out" remounted
check "machinectl bind: nothing left on the host's side" test -z "$(findmnt -rn -o TARGET | grep ctr-bind)"
out=$(machinectl bind debian /nonexistent /mnt/x 2>&1) && fail "machinectl bind of a missing source succeeded"
echo "$out"

# machinectl login: a getty inside, on a pseudo-terminal of the host.
out=$(timeout 120 python3 - <<'PY' 2>&1
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("machinectl", ["machinectl", "login", "debian"])
buf, end = b"", time.time() + 90
while time.time() < end and b"login:" not in buf:
    if select.select([fd], [], [], 1)[0]:
        try:
            buf += os.read(fd, 4096)
        except OSError:
            break
os.kill(pid, 9)
sys.stdout.write(buf.decode(errors="replace"))
PY
); echo "$out"
check "machinectl login: connected, and the container's getty asks for a login" grep -q "debian login:" <<<"$out"

st=$(machinectl status debian --no-pager 2>&1); echo "$st"
check "machinectl status shows its process tree (init.scope, journald)" grep -q 'systemd-journald' <<<"$st"

# The registration outlives the manager's re-execution and machined's restart.
systemctl daemon-reexec
check "after daemon-reexec: still listed" listed debian
eq "after daemon-reexec: the same leader" "$(machinectl show debian -p Leader --value)" "$leader"
systemctl restart systemd-machined
check "after restarting systemd-machined: still listed" wait_for 10 listed debian
check "after restarting systemd-machined: reachable (systemctl -M)" wait_for 30 inner_running

# machinectl reboot: the unit starts it again, with a new leader, registered again.
rm -f $CTR_ROOT/var/lib/ctr-check/report
machinectl reboot debian
check "machinectl reboot: it boots again" wait_for 240 booted
newleader() { l=$(machinectl show debian -p Leader --value 2>/dev/null) && [ -n "$l" ] && [ "$l" != "$leader" ] && [ "$l" = "$(prop $u MainPID)" ]; }
check "machinectl reboot: registered again, with the new leader" wait_for 30 newleader
check "machinectl reboot: the unit is active" systemctl is-active -q $u

# machinectl poweroff: the unit ends cleanly and the machine is gone.
machinectl poweroff debian
check "machinectl poweroff: the unit ends" wait_for 120 unit_dead $u
eq "machinectl poweroff: Result" "$(prop $u Result)" success
check "machinectl poweroff: gone from machinectl list" wait_for 10 unlisted debian
check "machinectl poweroff: its cgroup is gone" test ! -e "/sys/fs/cgroup/machine.slice/$u"
check "machinectl poweroff: ve-debian is gone" wait_for 10 eval '! ip link show ve-debian >/dev/null 2>&1'

# The same for a transient container, and a name of its own.
container_recipe tr1
t=ctr-machine-tr.service; cleanup_units+=("$t")
rm -f $CTR_ROOT/var/lib/ctr-check/report
systemd-run --unit=$t "${recipe[@]}" -p RegisterMachine=yes -p MachineName=tr1 /usr/lib/systemd/systemd
check "transient: it boots" wait_for 240 booted
check "transient: listed as tr1" wait_for 30 listed tr1
eq "transient: its unit" "$(machinectl show tr1 -p Unit --value)" "$t"
eq "transient: systemctl show MachineName" "$(prop $t MachineName)" tr1
check "transient: the dump shows it" eval "systemd-analyze dump | grep -qF 'MachineName: tr1'"
machinectl terminate tr1
check "machinectl terminate: the unit ends" wait_for 120 unit_dead $t
eq "machinectl terminate: Result (a clean shutdown inside)" "$(prop $t Result)" success
check "transient: gone from the list after it stops" wait_for 10 unlisted tr1

# A tree without a machine ID: the inner systemd takes $container_uuid, the same ID at each start.
# (systemd.firstboot=no: first-boot prompts on the console are the tree's business, not this test's.)
# (It would otherwise take the one D-Bus keeps in /var/lib/dbus/machine-id.)
ids=($CTR_ROOT/etc/machine-id $CTR_ROOT/var/lib/dbus/machine-id)
for f in "${ids[@]}"; do [ ! -e $f ] || mv $f $f.ctr-saved; done
restore_machine_id() { for f in "${ids[@]}"; do [ ! -e $f.ctr-saved ] || mv -f $f.ctr-saved $f; done; }
trap 'restore_machine_id; cleanup' EXIT
rm -f $CTR_ROOT/var/lib/ctr-check/report
systemd-run --unit=$t "${recipe[@]}" -p RegisterMachine=yes -p MachineName=tr1 /usr/lib/systemd/systemd systemd.firstboot=no
check "without a machine ID: it boots" wait_for 240 booted
check "without a machine ID: listed" wait_for 30 listed tr1
id=$(machinectl show tr1 -p Id --value)
eq "without a machine ID: inside, the machine ID is the registered one" "$(report_value machine_id)" "$id"
# machinectl kill: SIGRTMIN+4 to the leader asks the inner systemd to power off.
machinectl kill --kill-whom=leader --signal=SIGRTMIN+4 tr1
check "machinectl kill -s SIGRTMIN+4: the unit ends" wait_for 120 unit_dead $t
eq "machinectl kill -s SIGRTMIN+4: Result" "$(prop $t Result)" success
restore_machine_id
rm -f $CTR_ROOT/var/lib/ctr-check/report
systemd-run --unit=$t "${recipe[@]}" -p RegisterMachine=yes -p MachineName=tr1 /usr/lib/systemd/systemd
check "started again: listed" wait_for 30 listed tr1
eq "started again: the same machine ID (derived, not random)" "$(machinectl show tr1 -p Id --value)" "$id"
systemctl stop $t
check "transient: gone after stop" wait_for 10 unlisted tr1

# Without machined the unit runs the same; PID 1 does not wait for it.
systemctl mask --runtime systemd-machined.service
systemctl stop systemd-machined.service
rm -f $CTR_ROOT/var/lib/ctr-check/report
systemd-run --unit=$t "${recipe[@]}" -p RegisterMachine=yes -p MachineName=tr1 /usr/lib/systemd/systemd
check "without machined: it boots all the same" wait_for 240 booted
check "without machined: the unit is active" systemctl is-active -q $t
systemctl stop $t
systemctl unmask --runtime systemd-machined.service

# Bad values are refused, naming the setting.
refused MachineName=-bad "MachineName"
refused MachineName=a/b "MachineName"
verify_reports mn.service "MachineName=/bad" "Invalid machine name"
# Entering a machine without a root directory of its own would mean entering the host.
verify_reports rm.service "RegisterMachine=yes" "RegisterMachine=yes needs RootDirectory= or RootImage="
out=$(systemd-run --wait -p RegisterMachine=yes true 2>&1) && fail "systemd-run started RegisterMachine=yes without a root directory"
echo "$out"
echo "machine: all checks passed"
