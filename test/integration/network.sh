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

# Port= clients: port_client tcp|udp HOST PORT prints what the server answered, or fails.
cat >/tmp/ctr-port-client.py <<'PY'
import socket, sys
proto, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
if proto == "tcp":
    s = socket.create_connection((host, port), timeout=5)
    data = b""
    while True:
        d = s.recv(512)
        if not d:
            break
        data += d
else:
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(b"ping", (host, port))
    data = s.recv(512)
print(data.decode().strip())
PY
port_client() { python3 /tmp/ctr-port-client.py "$@"; }
listening() { [ -n "$(ss -Hln "sport = :$1")" ]; }
# Firewall rules that name a published port (nspawn's --port would add "tcp . 8080 : ..." to the map of
# its io.systemd.nat table; the host's networkd adds that table for masquerading).
port_rules() { nft list ruleset | grep -wE '8080|8081|5353|8090' || true; }
check "nft can list the host's ruleset" eval "nft list ruleset >/dev/null"

echo "== VirtualEthernet=yes: the recipe plus a veth, DHCP from the host's networkd, published ports"
u=ctr-net1.service
boot $u net1 -p VirtualEthernet=yes -p Port=tcp:8080:80 -p Port=8081:81 -p Port=udp:5353:53
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
check "inside: reaches the host's address" wait_for 30 nsenter -t $pid -n ping -c1 -W2 "$ha"
check "host: reaches the container's address" wait_for 30 ping -c1 -W2 "$ca"

echo "== Port=: published ports, from the host, from another network namespace, and from inside"
eq "systemctl show Port (as configured, the protocol defaults to tcp)" "$(prop $u Port)" "tcp:8080:80 tcp:8081:81 udp:5353:53"
check "the dump shows the ports" eval "systemd-analyze dump | grep -qF 'Port: udp:5353:53'"
# Servers inside: port 80 on every address, port 81 on 127.0.0.1 only, UDP 53 echoing. Each tells who
# it served, so that the host sees what the payload saw.
perl_tcp='use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => "ADDR", LocalPort => PORT, Listen => 16, ReuseAddr => 1) or die $!; while (my $c = $s->accept) { print $c "served " . $c->sockhost . " from " . $c->peerhost . "\n"; close $c }'
run_inside() { systemd-run -M net1 --quiet -p CollectMode=inactive-or-failed --unit="$1" /usr/bin/perl -e "$2"; }
run_inside srv80.service "$(sed 's/ADDR/0.0.0.0/; s/PORT/80/' <<<"$perl_tcp")"
run_inside srv81.service "$(sed 's/ADDR/127.0.0.1/; s/PORT/81/' <<<"$perl_tcp")"
run_inside srv53.service 'use IO::Socket::INET; my $u = IO::Socket::INET->new(LocalPort => 53, Proto => "udp") or die $!; while (1) { $u->recv(my $m, 512); $u->send("echo $m") }'
check "inside: the servers listen" wait_for 30 eval 'nsenter -t $pid -n ss -Hln "sport = :80" | grep -q . && nsenter -t $pid -n ss -Hlun "sport = :53" | grep -q .'
check "host: 8080 listens on every address (IPv4 and IPv6)" eval 'ss -Hltn "sport = :8080" | grep -q "\*:8080\|\[::\]:8080"'
out=$(port_client tcp 127.0.0.1 8080 || true); echo "127.0.0.1:8080 -> $out"
check "host: 127.0.0.1:8080 reaches port 80 inside" grep -q "^served $ca " <<<"$out"
check "inside: the client is the container's own address, not loopback" grep -q "from $ca\$" <<<"$out"
out=$(port_client tcp ::1 8080 || true); echo "[::1]:8080 -> $out"
check "host: [::1]:8080 reaches port 80 inside" grep -q "^served $ca " <<<"$out"
# Another host: a network namespace behind a veth of its own, with addresses nothing else uses.
ip netns add ctr-remote
ip link add ctrrem0 type veth peer name ctrrem1 netns ctr-remote
ip addr add 192.168.250.1/24 dev ctrrem0; ip link set ctrrem0 up
ip netns exec ctr-remote ip addr add 192.168.250.2/24 dev ctrrem1
ip netns exec ctr-remote ip link set ctrrem1 up; ip netns exec ctr-remote ip link set lo up
out=$(port_client tcp 192.168.250.1 8080 || true); echo "host 192.168.250.1:8080 -> $out"
check "host: its own non-loopback address 192.168.250.1:8080 answers" grep -q "^served $ca " <<<"$out"
out=$(wait_for 10 ip netns exec ctr-remote python3 /tmp/ctr-port-client.py tcp 192.168.250.1 8080 || true); echo "remote -> $out"
check "another host: 192.168.250.1:8080 reaches port 80 inside" grep -q "^served $ca " <<<"$out"
out=$(ip netns exec ctr-remote python3 /tmp/ctr-port-client.py udp 192.168.250.1 5353 || true); echo "remote udp -> $out"
eq "another host: udp 5353 reaches the echo on 53 inside" "$out" "echo ping"
out=$(port_client udp 127.0.0.1 5353 || true)
eq "host: udp 127.0.0.1:5353" "$out" "echo ping"
out=$(port_client udp ::1 5353 || true)
eq "host: udp [::1]:5353" "$out" "echo ping"
check "inside: port 81 answers on 127.0.0.1 there" eval "nsenter -t $pid -n python3 /tmp/ctr-port-client.py tcp 127.0.0.1 81 | grep -q served"
check "host: 8081 is published" listening 8081
check "host: 8081 does not reach a server that listens on the container's 127.0.0.1 only" eval "! port_client tcp 127.0.0.1 8081 2>/dev/null | grep -q served"
# The proxy: a process of the unit, as nobody, in the unit's control group, not in the container's PID
# namespace; no firewall rule anywhere.
pp=$(pgrep -x '\(sd-ports\)' | head -n1)
check "the proxy runs" test -n "$pp"
eq "the proxy runs as nobody" "$(ps -o user= -p "$pp" | tr -d ' ')" nobody
check "the proxy is in the unit's control group" grep -q "/$u" /proc/$pp/cgroup
eq "the proxy has no capabilities" "$(awk '/^CapEff/ {print $2}' /proc/$pp/status)" 0000000000000000
eq "the proxy is in the host's PID namespace, not the container's" "$(readlink /proc/$pp/ns/pid)" "$(readlink /proc/1/ns/pid)"
eq "the proxy is in the unit's network namespace" "$(readlink /proc/$pp/ns/net)" "$(readlink /proc/$pid/ns/net)"
eq "no firewall rule names a published port" "$(port_rules)" ""
# A port another unit holds fails a unit, saying which, before its payload runs, leaving nothing.
x=ctr-net-taken.service; cleanup_units+=("$x")
systemd-run --quiet --unit=$x -p VirtualEthernet=yes -p Port=tcp:8080:80 sleep infinity || true
check "a port that is taken: the unit fails" wait_for 10 unit_dead $x
eq "a port that is taken: 225/NETWORK" "$(prop $x ExecMainStatus)" 225
check "a port that is taken: the log names the port" eval "journalctl -b -u $x --no-pager | grep -q 'Failed to publish port tcp:8080:80 on the host: Address already in use'"
check "a port that is taken: no link left" wait_for 10 link_gone ve-ctr-net-taken
systemctl reset-failed $x 2>/dev/null || true
# The links go with the namespace, the ports with the unit: a clean stop, SIGKILL, and a stop after the
# manager re-executed.
systemctl stop $u
check "after stop: no ve-net1" wait_for 10 link_gone ve-net1
check "after stop: 8080 does not answer" eval "! port_client tcp 127.0.0.1 8080 >/dev/null 2>&1"
check "after stop: nothing listens on 8080, 8081, 5353" eval "! listening 8080 && ! listening 8081 && ! listening 5353"
check "after stop: no proxy left" eval "! pgrep -x '\(sd-ports\)'"
ip netns del ctr-remote

echo "== SIGKILL and daemon-reexec"
v=ctr-net-kill.service; cleanup_units+=("$v")
systemd-run --quiet --unit=$v -p VirtualEthernet=yes -p PrivatePIDs=yes -p Port=tcp:8090:80 sleep infinity
check "a payload that is not a container: ve-ctr-net-kill" wait_for 10 ip link show ve-ctr-net-kill
check "its port 8090 is published" wait_for 10 listening 8090
systemctl kill -s KILL $v
check "after SIGKILL: the unit ends" wait_for 10 unit_dead $v
check "after SIGKILL: no ve-ctr-net-kill" wait_for 10 link_gone ve-ctr-net-kill
check "after SIGKILL: nothing listens on 8090, no proxy" wait_for 10 eval "! listening 8090 && ! pgrep -x '\(sd-ports\)'"
systemctl reset-failed $v 2>/dev/null || true
systemd-run --quiet --unit=$v -p VirtualEthernet=yes -p Port=udp:8090:80 sleep infinity
wait_for 10 ip link show ve-ctr-net-kill || fail "no ve-ctr-net-kill"
systemctl daemon-reexec
check "after daemon-reexec: still there" ip link show ve-ctr-net-kill
check "after daemon-reexec: udp 8090 still published" listening 8090
systemctl stop $v
check "stopped after daemon-reexec: no ve-ctr-net-kill" wait_for 10 link_gone ve-ctr-net-kill
check "stopped after daemon-reexec: nothing listens on 8090, no proxy" wait_for 10 eval "! listening 8090 && ! pgrep -x '\(sd-ports\)'"
eq "after all of it: no firewall rule names a published port" "$(port_rules)" ""
# The zone bridge the same way: removed after SIGKILL, and after a stop following daemon-reexec (the
# runtime carries the zone across it).
systemctl reset-failed $v 2>/dev/null || true
systemd-run --quiet --unit=$v -p Zone=ctrk sleep infinity
check "Zone=: vz-ctrk is made" wait_for 10 ip link show vz-ctrk
systemctl kill -s KILL $v
check "Zone= after SIGKILL: the unit ends" wait_for 10 unit_dead $v
check "Zone= after SIGKILL: no vz-ctrk, no vb-ctr-net-kill" wait_for 15 eval "link_gone vz-ctrk && link_gone vb-ctr-net-kill"
systemctl reset-failed $v 2>/dev/null || true
systemd-run --quiet --unit=$v -p Zone=ctrk sleep infinity
wait_for 10 ip link show vz-ctrk || fail "no vz-ctrk"
systemctl daemon-reexec
check "Zone= after daemon-reexec: vz-ctrk still there" ip link show vz-ctrk
systemctl stop $v
check "Zone= stopped after daemon-reexec: no vz-ctrk, no vb-ctr-net-kill" wait_for 15 eval "link_gone vz-ctrk && link_gone vb-ctr-net-kill"
# A restart: the new namespace's links while the old ones may still be on their way out, and the port
# bound again.
systemd-run --quiet --unit=$v -p VirtualEthernet=yes -p Port=8090:80 sleep infinity
wait_for 10 ip link show ve-ctr-net-kill || fail "no ve-ctr-net-kill"
for i in 1 2 3; do systemctl restart $v; done
check "after three quick restarts: active" systemctl is-active -q $v
eq "after three quick restarts: one proxy" "$(pgrep -cx '\(sd-ports\)')" 1
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
check "net2 reaches net3 ($a3)" wait_for 30 nsenter -t $p2 -n ping -c1 -W2 "$a3"
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
refused Port=tcp:0:80 "Port"
refused Port=sctp:80 "Port"
verify_reports pn.service "Port=8080:80" "Port= needs VirtualEthernet="
verify_reports pk.service "$(printf 'VirtualEthernet=yes\nPort=8080\nKillMode=process')" "Port= with KillMode=process"
verify_reports pe.service "$(printf 'VirtualEthernet=yes\nPort=8080\nExitType=cgroup')" "Port= with ExitType=cgroup"
verify_reports pf.service "$(printf 'VirtualEthernet=yes\nPort=8080\nType=forking')" "Port= with Type=forking needs PIDFile="
verify_reports pj.service "$(printf 'VirtualEthernet=yes\nPort=8080\n[Unit]\nJoinsNamespaceOf=ctr-other.service\n[Service]')" "Port= with JoinsNamespaceOf="
out=$(systemd-run --wait -p VirtualEthernet=yes -p Port=8097 -p Port=tcp:8097:98 true 2>&1) && fail "systemd-run accepted one host port twice"
echo "$out"
check "systemd-run: one host port twice is refused" grep -q "the host's port is published already" <<<"$out"
verify_reports pd.service "$(printf 'VirtualEthernet=yes\nPort=8080\nPort=tcp:8080:81')" "Duplicate Port= entry"
verify_reports pb.service "$(printf 'VirtualEthernet=yes\nPort=80:99999')" "Invalid Port= value"
# A drop-in's empty Port= resets the list, as for other list settings.
mkdir -p /run/systemd/system/ctr-net-drop.service.d
printf '[Service]\nVirtualEthernet=yes\nPort=8095\nExecStart=/bin/sleep infinity\n' >/run/systemd/system/ctr-net-drop.service
printf '[Service]\nPort=\nPort=udp:8096:96\n' >/run/systemd/system/ctr-net-drop.service.d/50-ports.conf
systemctl daemon-reload
eq "a drop-in resets Port= and sets its own" "$(prop ctr-net-drop.service Port)" "udp:8096:96"
rm -rf /run/systemd/system/ctr-net-drop.service /run/systemd/system/ctr-net-drop.service.d
systemctl daemon-reload
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
