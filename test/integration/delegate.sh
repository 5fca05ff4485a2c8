#!/bin/bash
# PrivateUsers=identity|full and DelegateNamespaces=: checked from inside the unit (maps, what root
# in the unit's user namespace may do) and from the host (nothing changed here). See SPEC.md.
. "$(dirname "$0")/lib.sh"

run() { systemd-run --wait --pipe --quiet "$@"; }
maps() { run "$@" sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups' | tr -s ' ' | sed 's/^ //' | tr '\n' '|'; }

echo "== PrivateUsers= modes"
eq "self" "$(maps -p PrivateUsers=self)" "0 0 1|0 0 1|deny|"
eq "yes is self" "$(maps -p PrivateUsers=yes)" "0 0 1|0 0 1|deny|"
eq "identity" "$(maps -p PrivateUsers=identity)" "0 0 65536|0 0 65536|deny|"
eq "full" "$(maps -p PrivateUsers=full)" "0 0 1|1 1 4294967294|0 0 1|1 1 4294967294|allow|"
eq "no user namespace" "$(maps -p PrivateUsers=no)" "0 0 4294967295|0 0 4294967295|allow|"
check "full: the namespace is not the host's" \
        test "$(run -p PrivateUsers=full readlink /proc/self/ns/user)" != "$(readlink /proc/self/ns/user)"
for spec in self:self:yes identity:identity:yes full:full:yes no:no:no; do
        IFS=: read -r v ex b <<<"$spec"
        u=ctr-du-props.service; cleanup_units+=("$u")
        systemd-run --quiet --unit=$u -p PrivateUsers=$v -p RemainAfterExit=yes true
        eq "PrivateUsers=$v: PrivateUsersEx" "$(prop $u PrivateUsersEx)" "$ex"
        eq "PrivateUsers=$v: PrivateUsers" "$(prop $u PrivateUsers)" "$b"
        systemctl stop $u
done

echo "== PrivateUsers=full gives no capability on the host"
# kernel.kptr_restrict needs CAP_SYS_ADMIN on the host (and not just file permissions, which a root
# mapped to the host's root passes), so it shows whether the payload has capabilities on the host.
before=$(cat /proc/sys/kernel/kptr_restrict)
new=$(( before == 2 ? 1 : 2 ))
out=$(run -p PrivateUsers=full sh -c "id -u; echo $new >/proc/sys/kernel/kptr_restrict && echo wrote" 2>&1 || true)
echo "$out"
check "root inside (uid 0)" grep -qx 0 <<<"$out"
check "writing a host sysctl that needs CAP_SYS_ADMIN failed" lacks '^wrote$' "$out"
eq "the host sysctl is unchanged" "$(cat /proc/sys/kernel/kptr_restrict)" "$before"
check "the same write works as root on the host (so the test can fail)" sh -c "echo $new >/proc/sys/kernel/kptr_restrict && echo $before >/proc/sys/kernel/kptr_restrict"
check "CapabilityBoundingSet= applies inside" sh -c \
        "systemd-run --wait --pipe --quiet -p PrivateUsers=full -p CapabilityBoundingSet=CAP_CHOWN sh -c 'grep CapBnd /proc/self/status' | grep -q 0000000000000001"

echo "== each delegated namespace: fails without, works with"
host_mounts=$(findmnt -rn -o TARGET | sort | md5sum)
host_links=$(ip -o link | awk -F': ' '{print $2}' | sort | tr '\n' ' ')
host_name=$(hostname)
# The host's networkd turns forwarding on once it configures a container's veth (IPMasquerade= of
# 80-container-ve.network), as earlier tests' containers have: start from 0, so that the attempt inside,
# which writes 1, shows if it reached the host.
host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
echo 0 >/proc/sys/net/ipv4/ip_forward
pair() { # pair NAME DELEGATE CMD -p...: CMD fails without DelegateNamespaces=DELEGATE and works with it
        local name=$1 d=$2 cmd=$3; shift 3
        if run "$@" sh -c "$cmd" >/dev/null 2>&1; then fail "$name: works without delegation"; fi
        echo "ok: $name: fails without delegation"
        check "$name: works with DelegateNamespaces=$d" run -p DelegateNamespaces="$d" "$@" sh -c "$cmd"
}
pair "mnt: mount -t tmpfs" mnt 'mount -t tmpfs ctr-tmpfs /mnt && findmnt /mnt' -p PrivateUsers=self -p PrivateMounts=yes
pair "net: create a veth" net 'ip link add ctr-veth0 type veth peer name ctr-veth1 && ip link show ctr-veth0' \
        -p PrivateUsers=self -p PrivateNetwork=yes
pair "net: set a net sysctl" net 'echo 1 >/proc/sys/net/ipv4/ip_forward' \
        -p PrivateUsers=self -p PrivateNetwork=yes
pair "pid: write ns_last_pid" pid 'echo 200 >/proc/sys/kernel/ns_last_pid && test "$(readlink /proc/self)" = 201' \
        -p PrivateUsers=self -p PrivatePIDs=yes
pair "uts: set the hostname" uts 'hostname ctr-inner && test "$(hostname)" = ctr-inner' \
        -p PrivateUsers=self -p ProtectHostname=private
eq "host: mounts unchanged" "$(findmnt -rn -o TARGET | sort | md5sum)" "$host_mounts"
eq "host: links unchanged" "$(ip -o link | awk -F': ' '{print $2}' | sort | tr '\n' ' ')" "$host_links"
eq "host: hostname unchanged" "$(hostname)" "$host_name"
eq "host: ip_forward unchanged" "$(cat /proc/sys/net/ipv4/ip_forward)" 0
echo "$host_fwd" >/proc/sys/net/ipv4/ip_forward

echo "== implied settings"
eq "DelegateNamespaces= implies PrivateUsers=self" "$(maps -p DelegateNamespaces=mnt -p PrivateMounts=yes)" "0 0 1|0 0 1|deny|"
u=ctr-du-implied.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p DelegateNamespaces=yes -p RemainAfterExit=yes true
eq "... while D-Bus shows the configured value, as upstream" "$(prop $u PrivateUsersEx)" no
systemctl stop $u
eq "an explicit PrivateUsers= is kept" "$(maps -p DelegateNamespaces=yes -p PrivateUsers=identity)" "0 0 65536|0 0 65536|deny|"
eq "even over an explicit no, as upstream" "$(maps -p DelegateNamespaces=yes -p PrivateUsers=no)" "0 0 1|0 0 1|deny|"
check "delegating pid implies mnt (tmpfs mount works)" \
        run -p DelegateNamespaces=pid -p PrivatePIDs=yes sh -c 'mount -t tmpfs ctr-tmpfs /mnt'
check "delegating net implies mnt (tmpfs mount works)" \
        run -p DelegateNamespaces=net -p PrivateNetwork=yes -p PrivateMounts=yes sh -c 'mount -t tmpfs ctr-tmpfs /mnt'
check "namespaces not listed stay the host's (net not delegated: veth fails)" \
        sh -c "! systemd-run --wait --pipe --quiet -p DelegateNamespaces=mnt -p PrivateNetwork=yes ip link add ctr-v0 type veth peer name ctr-v1 2>/dev/null"
u=ctr-du-mask.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u -p "DelegateNamespaces=net pid" -p RemainAfterExit=yes true
eq "D-Bus DelegateNamespaces (t) for net pid" "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/ctr_2ddu_2dmask_2eservice org.freedesktop.systemd1.Service DelegateNamespaces)" "t $(( 0x40000000 | 0x20000000 ))"
eq "systemctl show" "$(prop $u DelegateNamespaces)" "$(( 0x40000000 | 0x20000000 ))"
check "the transient unit file records it" grep -qx 'DelegateNamespaces=net pid' /run/systemd/transient/$u
systemctl stop $u
systemd-run --quiet --unit=$u -p "DelegateNamespaces=~net" -p RemainAfterExit=yes true
check "~net delegates the rest" test "$(prop $u DelegateNamespaces)" = "$(( 0x02000000 | 0x08000000 | 0x00020000 | 0x20000000 | 0x04000000 ))"
systemctl stop $u

echo "== all together on one unit"
out=$(run -p PrivatePIDs=yes -p PrivateCgroupNamespace=yes -p PrivateUsers=full -p DelegateNamespaces=yes \
        -p PrivateNetwork=yes -p PrivateIPC=yes -p Delegate=yes sh -c '
        echo pid=$$$$ cgroup=$(cat /proc/self/cgroup) map=$(head -n1 /proc/self/uid_map | tr -s " " | sed "s/^ //")
        mount -t tmpfs x /mnt && echo mount-ok
        ip link add v0 type veth peer name v1 && echo veth-ok
        echo 300 >/proc/sys/kernel/ns_last_pid && echo nslastpid-ok
        mkdir /sys/fs/cgroup/inner && echo cgroup-ok
        test "$(readlink /proc/self/ns/ipc)" != "'"$(readlink /proc/self/ns/ipc)"'" && echo ipc-ok')
echo "$out"
for w in "pid=1 cgroup=0::/ map=0 0 1" mount-ok veth-ok nslastpid-ok cgroup-ok ipc-ok; do
        check "combined: $w" grep -qF "$w" <<<"$out"
done

echo "== bad values"
refused DelegateNamespaces=user "DelegateNamespaces.*user"
refused DelegateNamespaces=bogus "DelegateNamespaces.*bogus"
refused PrivateUsers=maybe "PrivateUsers.*maybe"
verify_reports ctr-du-bad.service $'PrivateUsers=most\nDelegateNamespaces=user' \
        "Failed to parse PrivateUsers= value, ignoring: most" \
        "DelegateNamespaces= only takes .*ignoring: user"
mkdir -p /run/systemd/system

echo "== systemd-analyze security: delegation does not score worse"
printf '[Service]\nExecStart=/bin/true\nPrivateUsers=self\nPrivateNetwork=yes\nPrivateMounts=yes\n' >/run/systemd/system/ctr-du-sec-plain.service
printf '[Service]\nExecStart=/bin/true\nPrivateUsers=self\nPrivateNetwork=yes\nPrivateMounts=yes\nDelegateNamespaces=yes\n' >/run/systemd/system/ctr-du-sec-deleg.service
a=$(exposure_score ctr-du-sec-plain.service); b=$(exposure_score ctr-du-sec-deleg.service)
echo "exposure: without delegation $a, with $b"
check "with delegation <= without" awk "BEGIN { exit !($b <= $a) }"
rm -f /run/systemd/system/ctr-du-*.service
systemctl daemon-reload
echo "delegate: all checks passed"
