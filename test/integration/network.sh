#!/bin/bash
# VirtualEthernet=, Zone=, Bridge= (issue 14): a unit's network namespace connected to the host by a veth
# pair, configured by the host's systemd-networkd and the container's, with nothing but the .network files
# Debian ships. Checked from the host (links, addresses, bridges, what is left after a stop) and from
# inside (host0, its address, who it reaches).
. "$(dirname "$0")/lib.sh"

container_tree
# The host's networkd as Debian ships it: the unit and /usr/lib/systemd/network, nothing of ours.
check "the host ships 80-container-ve.network" test -e /usr/lib/systemd/network/80-container-ve.network
check "no .network file of ours on the host" test -z "$(find /etc/systemd/network /run/systemd/network -name "*.network" 2>/dev/null)"
systemctl start systemd-networkd
link_gone() { ! ip link show "$1" >/dev/null 2>&1; }
inet4() { ip -4 -o addr show dev "$1" 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n1; }
inet4_in() { nsenter -t "$1" -n ip -4 -o addr show dev "$2" 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n1; }
running_inside() { [ "$(systemctl -M "$1" is-system-running 2>/dev/null)" = running ]; }
boot() { # boot UNIT NAME PROPERTIES...: the recipe plus PROPERTIES, the container's networkd started
        local u=$1 n=$2; shift 2
        container_recipe "$n"
        cleanup_units+=("$u")
        systemd-run --quiet --unit="$u" "${recipe[@]}" "$@" /usr/lib/systemd/systemd
        wait_for 240 running_inside "$n" || fail "$n did not finish booting"
        # Debian does not enable networkd; starting it is all the container gets.
        systemctl -M "$n" start systemd-networkd
}

echo "== VirtualEthernet=yes: the recipe plus a veth, DHCP from the host's networkd"
u=ctr-net1.service
boot $u net1 -p VirtualEthernet=yes
eq "systemctl show VirtualEthernet" "$(prop $u VirtualEthernet)" yes
eq "VirtualEthernet= implies PrivateNetwork=" "$(prop $u PrivateNetwork)" yes
check "the dump shows it" eval "systemd-analyze dump | grep -qF 'VirtualEthernet: yes'"
check "host: the link ve-net1 exists" ip link show ve-net1
pid=$(prop $u MainPID)
check "inside: the link host0 exists" nsenter -t $pid -n ip link show host0
check "inside: no ve-net1" eval "! nsenter -t $pid -n ip link show ve-net1 >/dev/null 2>&1"
check "host: networkd gives ve-net1 an address" wait_for 60 eval '[ -n "$(inet4 ve-net1)" ]'
check "inside: host0 gets an address by DHCP" wait_for 90 eval '[ -n "$(inet4_in $pid host0)" ]'
ha=$(inet4 ve-net1); ca=$(inet4_in $pid host0)
echo "host side $ha, container side $ca"
out=$(systemd-run -M net1 --wait --pipe --quiet -p CollectMode=inactive-or-failed /usr/bin/networkctl status host0 --no-pager 2>&1 || true); echo "$out"
check "inside: the container's networkd configured host0 from 80-container-host0.network" grep -q '80-container-host0.network' <<<"$out"
check "inside: reaches the host's address" nsenter -t $pid -n ping -c1 -W5 "$ha"
check "host: reaches the container's address" ping -c1 -W5 "$ca"
# The links go with the namespace: a clean stop, SIGKILL, and a stop after the manager re-executed.
systemctl stop $u
check "after stop: no ve-net1" wait_for 10 link_gone ve-net1

echo "== SIGKILL and daemon-reexec"
v=ctr-net-kill.service; cleanup_units+=("$v")
systemd-run --quiet --unit=$v -p VirtualEthernet=yes -p PrivatePIDs=yes sleep infinity
check "a payload that is not a container: ve-ctr-net-kill" wait_for 10 ip link show ve-ctr-net-kill
systemctl kill -s KILL $v
check "after SIGKILL: the unit ends" wait_for 10 unit_dead $v
check "after SIGKILL: no ve-ctr-net-kill" wait_for 10 link_gone ve-ctr-net-kill
systemctl reset-failed $v 2>/dev/null || true
systemd-run --quiet --unit=$v -p VirtualEthernet=yes sleep infinity
wait_for 10 ip link show ve-ctr-net-kill || fail "no ve-ctr-net-kill"
systemctl daemon-reexec
check "after daemon-reexec: still there" ip link show ve-ctr-net-kill
systemctl stop $v
check "stopped after daemon-reexec: no ve-ctr-net-kill" wait_for 10 link_gone ve-ctr-net-kill
# A restart: the new namespace's links while the old ones may still be on their way out.
systemd-run --quiet --unit=$v -p VirtualEthernet=yes sleep infinity
wait_for 10 ip link show ve-ctr-net-kill || fail "no ve-ctr-net-kill"
for i in 1 2 3; do systemctl restart $v; done
check "after three quick restarts: active" systemctl is-active -q $v
pid=$(prop $v MainPID)
check "after three quick restarts: the main process has host0" nsenter -t $pid -n ip link show host0
systemctl stop $v
check "after the restarts and a stop: no ve-ctr-net-kill" wait_for 10 link_gone ve-ctr-net-kill
# ExecStartPre= creates the namespace, the main process joins it: one pair, made once.
systemd-run --quiet --unit=$v -p VirtualEthernet=yes -p ExecStartPre=/bin/true sleep infinity
check "with ExecStartPre=: the link exists once the main process runs" wait_for 10 ip link show ve-ctr-net-kill
pid=$(prop $v MainPID)
check "with ExecStartPre=: the main process has host0" nsenter -t $pid -n ip link show host0
systemctl stop $v

echo "== Zone=: two containers on one bridge"
boot ctr-net2.service net2 -p Zone=ctrz
boot ctr-net3.service net3 -p Zone=ctrz
eq "systemctl show Zone" "$(prop ctr-net2.service Zone)" ctrz
check "host: the zone bridge vz-ctrz exists" ip link show vz-ctrz
check "host: vb-net2 is a port of vz-ctrz" test -e /sys/class/net/vz-ctrz/brif/vb-net2
check "host: vb-net3 is a port of vz-ctrz" test -e /sys/class/net/vz-ctrz/brif/vb-net3
p2=$(prop ctr-net2.service MainPID); p3=$(prop ctr-net3.service MainPID)
check "net2: host0 gets an address from the zone's DHCP server" wait_for 90 eval '[ -n "$(inet4_in $p2 host0)" ]'
check "net3: host0 gets an address from the zone's DHCP server" wait_for 90 eval '[ -n "$(inet4_in $p3 host0)" ]'
a3=$(inet4_in $p3 host0)
check "net2 reaches net3 ($a3)" nsenter -t $p2 -n ping -c1 -W5 "$a3"
systemctl stop ctr-net2.service
check "one member left: the bridge stays" ip link show vz-ctrz
systemctl stop ctr-net3.service
check "after both stop: no vz-ctrz" wait_for 15 link_gone vz-ctrz
check "after both stop: no vb-net2, vb-net3" eval "link_gone vb-net2 && link_gone vb-net3"

echo "== Bridge=: a port of an existing bridge"
ip link add ctrbr0 type bridge
w=ctr-net-br.service; cleanup_units+=("$w")
systemd-run --quiet --unit=$w -p Bridge=ctrbr0 sleep infinity
check "vb-ctr-net-br is a port of ctrbr0" wait_for 10 test -e /sys/class/net/ctrbr0/brif/vb-ctr-net-br
systemctl stop $w
check "after stop: no vb-ctr-net-br" wait_for 10 link_gone vb-ctr-net-br
check "after stop: the existing bridge stays" ip link show ctrbr0
ip link del ctrbr0

echo "== failures and bad values"
systemd-run --quiet --unit=$w -p Bridge=ctrnobr0 sleep infinity || true
check "Bridge= of a missing bridge: the unit fails" wait_for 10 unit_dead $w
eq "Bridge= of a missing bridge: 225/NETWORK" "$(prop $w ExecMainStatus)" 225
check "Bridge= of a missing bridge: the log says why" eval "journalctl -b -u $w --no-pager | grep -q 'Failed to set up the virtual Ethernet link'"
check "Bridge= of a missing bridge: no link left" wait_for 10 link_gone vb-ctr-net-br
systemctl reset-failed $w 2>/dev/null || true
refused Zone=averyveryverylongzone "Zone"
refused Bridge=bad/name "Bridge"
verify_reports zb.service "$(printf 'Zone=a\nBridge=b')" "Zone= and Bridge= both set"
verify_reports zl.service "Zone=averyveryverylongzone" "Invalid Zone= value"
verify_reports zn.service "$(printf 'VirtualEthernet=yes\nNetworkNamespacePath=/run/netns/x')" "with NetworkNamespacePath="
# The helper waits for the namespace of the process that forked it; a PID namespace made first would move
# that process, so this combination is refused, saying why.
out=$(systemd-run --wait -p VirtualEthernet=yes -p PrivatePIDs=yes -p PrivateUsers=identity -p DelegateNamespaces=net true 2>&1) &&
        fail "VirtualEthernet= with PrivatePIDs= and net but not pid delegated started"
echo "$out"
check "net delegated but not pid: the log says why" eval "journalctl -b --no-pager -o cat | grep -q 'delegates net but not pid is not supported'"
mkdir -p /run/systemd/system
printf '[Socket]\nListenStream=/run/ctr-vs.sock\nVirtualEthernet=yes\n' >/run/systemd/system/ctr-vs.socket
out=$(systemd-analyze verify /run/systemd/system/ctr-vs.socket 2>&1 || true); echo "$out"
rm -f /run/systemd/system/ctr-vs.socket
check "a socket unit with VirtualEthernet= is refused" grep -q "supported for service units only" <<<"$out"
echo "network: all checks passed"
