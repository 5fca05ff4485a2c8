#!/bin/bash
# make bench, inside the VM: six comparisons, each measured side by side in this one boot
# (runs alternate A, B, A, B, ...), printed as ratios. Times are wall-clock medians under qemu
# TCG, so only the ratios mean anything.
set -u
cd "${CTR_SHARE:-/ctr}/work/test"
. integration/lib.sh
trap - EXIT
N=${BENCH_N:-20}
BOOTS=${BENCH_BOOTS:-3}
STARTS=${BENCH_STARTS:-100}
container_tree
for _ in $(seq 300); do [ -z "$(systemctl list-jobs --no-legend)" ] && break; sleep 0.5; done

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
ms() { awk -v n="$1" 'BEGIN {printf "%.1f ms", n / 1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
timed() { local s; s=$(now); "$@" >/dev/null 2>&1 || echo "bench: command failed: $*" >&2; echo $(( $(now) - s )); }
report() { # report TITLE NAME_A FILE_A NAME_B FILE_B
        local a b
        a=$(median <"$3"); b=$(median <"$5")
        printf '%s\n    %-58s %s\n    %-58s %s\n    ratio (second / first): %s\n' "$1" "$2" "$(ms "$a")" "$4" "$(ms "$b")" "$(ratio "$b" "$a")"
        echo "RATIO $6 $(ratio "$b" "$a")"
}
sandbox=(-p PrivatePIDs=yes -p PrivateCgroupNamespace=yes -p PrivateUsers=identity -p DelegateNamespaces=yes)
t=$(mktemp -d)

echo "== 1. systemd-run --wait true, without and with the full sandbox ($N runs each)"
for _ in $(seq "$N"); do
        timed systemd-run --wait --quiet true >>"$t/plain"
        timed systemd-run --wait --quiet "${sandbox[@]}" true >>"$t/sandbox"
done
report "1. systemd-run --wait true" "plain" "$t/plain" \
        "PrivatePIDs+PrivateCgroupNamespace+PrivateUsers=identity+DelegateNamespaces" "$t/sandbox" sandbox/plain

echo "== 2. the full-sandbox unit against systemd-nspawn --pipe true on the same tree ($N runs each)"
for _ in $(seq "$N"); do
        timed systemd-run --wait --quiet -p RootDirectory=$CTR_ROOT "${sandbox[@]}" /bin/true >>"$t/unit"
        timed systemd-nspawn --quiet --pipe --register=no -D $CTR_ROOT /bin/true >>"$t/nspawn"
done
report "2. run /bin/true in the Debian tree" "systemd-run, full sandbox, RootDirectory=" "$t/unit" \
        "systemd-nspawn --pipe" "$t/nspawn" nspawn/unit

echo "== 3. boot to multi-user.target: as a unit against systemd-nspawn -U --boot, both ID-mapped ($BOOTS boots each)"
# Both boot the same tree, which has the check unit: it reports once multi-user.target is up
# and startup has finished, and ends the container when told to.
boot_time() { # boot_time unit|nspawn
        local s pid e
        rm -rf $CTR_ROOT/var/lib/ctr-check
        s=$(now)
        if [ "$1" = unit ]; then
                container_recipe bench
                systemd-run --wait --quiet --unit=ctr-bench "${recipe[@]}" /usr/lib/systemd/systemd >/dev/null 2>&1 &
        else
                # -U with an ID-mapped tree: what the recipe's PrivateUsers=managed does.
                systemd-nspawn --quiet --register=no --boot --console=passive --network-veth \
                        -U --private-users-ownership=map --hostname=bench -D $CTR_ROOT >/dev/null 2>&1 &
        fi
        pid=$!
        wait_for 300 test -s $CTR_ROOT/var/lib/ctr-check/report || echo "bench: $1 did not boot" >&2
        e=$(now)
        grep -q '^state=running' $CTR_ROOT/var/lib/ctr-check/report || echo "bench: $1 booted degraded: $(cat $CTR_ROOT/var/lib/ctr-check/report)" >&2
        echo 0 >$CTR_ROOT/var/lib/ctr-check/exit
        wait $pid
        echo $(( e - s ))
}
for _ in $(seq "$BOOTS"); do
        boot_time unit >>"$t/boot-unit"
        boot_time nspawn >>"$t/boot-nspawn"
done
report "3. boot to multi-user.target (startup finished)" "systemd-run, the container recipe" "$t/boot-unit" \
        "systemd-nspawn -U --boot (ID-mapped)" "$t/boot-nspawn" nspawn-boot/unit-boot

echo "== 4. PID 1's memory before and after $STARTS container starts"
rss() { awk '/^VmRSS:/ {print $2}' /proc/1/status; }
container_recipe bench
systemctl daemon-reload  # a settled manager to start from
before=$(rss)
for _ in $(seq "$STARTS"); do
        systemd-run --wait --quiet "${recipe[@]}" /bin/true >/dev/null 2>&1 || echo "bench: a container start failed" >&2
done
after=$(rss)
printf '4. PID 1 VmRSS before and after %s starts of the container recipe (payload /bin/true)\n    before %s kB, after %s kB\n    ratio (after / before): %s\n' \
        "$STARTS" "$before" "$after" "$(ratio "$after" "$before")"
echo "RATIO rss-after/before $(ratio "$after" "$before")"

echo "== 5. the start-up a veth adds: PrivateNetwork=yes against VirtualEthernet=yes, and nspawn --network-veth ($N runs each)"
for _ in $(seq "$N"); do
        timed systemd-run --wait --quiet -p PrivateNetwork=yes true >>"$t/netns"
        timed systemd-run --wait --quiet -p VirtualEthernet=yes true >>"$t/veth"
        timed systemd-nspawn --quiet --pipe --register=no --network-veth -D $CTR_ROOT /bin/true >>"$t/nspawn-veth"
done
report "5a. systemd-run --wait true" "PrivateNetwork=yes" "$t/netns" "VirtualEthernet=yes" "$t/veth" veth/netns
report "5b. /bin/true with a veth" "systemd-run -p VirtualEthernet=yes" "$t/veth" \
        "systemd-nspawn --pipe --network-veth (in the Debian tree)" "$t/nspawn-veth" nspawn-veth/unit-veth

CONNS=${BENCH_CONNS:-200}
echo "== 6. connections through a published port: Port= (proxy) against systemd-nspawn --port (DNAT) ($N batches of $CONNS each)"
# The same server (perl, in the Debian tree) behind each; not booted, so host0 gets a static address in
# the /28 the host's networkd gave the host's side. The client connects to a non-loopback address of the
# host, since nspawn's DNAT does not cover 127.0.0.1.
systemctl start systemd-networkd
ip link add ctrbench0 type dummy && ip addr add 192.168.251.1/24 dev ctrbench0 && ip link set ctrbench0 up
server='use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => "0.0.0.0", LocalPort => 80, Listen => 128, ReuseAddr => 1) or die $!; while (my $c = $s->accept) { print $c "x\n"; close $c }'
systemd-run --quiet --unit=ctr-bench-port -p RootDirectory=$CTR_ROOT -p VirtualEthernet=yes -p Port=tcp:8180:80 /usr/bin/perl -e "$server"
systemd-nspawn --quiet --register=no --network-veth --port=tcp:8181:80 --machine=benchn -D $CTR_ROOT /usr/bin/perl -e "$server" >/dev/null 2>&1 &
nspawn_pid=$!
address_container() { # address_container LINK PID: host0 gets the host's side's address + 1, a default route
        local link=$1 ha="" ca
        nsenter -t "$2" -n sh -c "ip link set lo up && ip link set host0 up" # the host's side needs a carrier
        wait_for 60 eval 'ha=$(ip -4 -o addr show dev "$link" | awk "{print \$4}" | head -n1); [ -n "$ha" ]' ||
                { echo "bench: no address on $link" >&2; return 1; }
        ca=$(python3 -c 'import ipaddress, sys; i = ipaddress.ip_interface(sys.argv[1]); print(f"{i.ip + 1}/{i.network.prefixlen}")' "$ha")
        nsenter -t "$2" -n sh -c "ip addr add $ca dev host0 && ip route add default via ${ha%/*}"
}
unit_pid=$(systemctl show -P MainPID ctr-bench-port.service)
wait_for 30 eval 'nspawn_perl=$(pgrep -x perl | grep -vx "$unit_pid" | head -n1); [ -n "$nspawn_perl" ]'
address_container ve-ctr-bench-port "$unit_pid"
address_container ve-benchn "$nspawn_perl"
cat >"$t/conns.py" <<'PY'
import socket, sys, time
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t = time.monotonic_ns()
for _ in range(n):
    s = socket.create_connection((host, port), timeout=5)
    while s.recv(64):
        pass
    s.close()
print(time.monotonic_ns() - t)
PY
conns() { python3 "$t/conns.py" 192.168.251.1 "$1" "$CONNS" || echo "bench: connections to port $1 failed" >&2; }
wait_for 30 eval 'python3 "$t/conns.py" 192.168.251.1 8180 1 && python3 "$t/conns.py" 192.168.251.1 8181 1' >/dev/null ||
        echo "bench: a published port does not answer" >&2
for _ in $(seq "$N"); do
        conns 8180 >>"$t/port-unit"
        conns 8181 >>"$t/port-nspawn"
done
report "6. $CONNS connections (connect, read, close) through a published port" "systemd-run -p Port= (proxy)" "$t/port-unit" \
        "systemd-nspawn --port (firewall DNAT)" "$t/port-nspawn" nspawn-port/unit-port
for f in unit nspawn; do
        printf '    %s: %s connections/s\n' "$f" "$(awk -v n="$CONNS" -v t="$(median <"$t/port-$f")" 'BEGIN {printf "%.0f", n / (t / 1e9)}')"
done
systemctl stop ctr-bench-port.service
kill -KILL "$nspawn_perl" 2>/dev/null || true # PID 1 of its namespace: SIGTERM would be ignored; nspawn cleans up
wait "$nspawn_pid" 2>/dev/null || true # nspawn reports the container killed (lib.sh has errexit)
ip link del ctrbench0
rm -rf "$t"
