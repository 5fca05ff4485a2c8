#!/bin/bash
# PrivatePIDs= robustness: 200 units started in batches of 50 at once all succeed, nothing is left
# behind (no zombies, no processes, no units), and PID 1's memory does not grow.
. "$(dirname "$0")/lib.sh"

rss() { awk '/^VmRSS:/ {print $2}' /proc/1/status; }
zombies() { ps -eo stat= | grep -c '^Z' || true; }
# Processes this test started, wherever they are now: in one of its units' cgroups, or running its
# payload (a count of every process on the system would also see the VM's own services come and go).
leftovers() {
        local n m
        n=$(grep -lE 'ctr-(stress|warm)-' /proc/[0-9]*/cgroup 2>/dev/null | wc -l)
        m=$(pgrep -fc '^(sleep 0\.2|sh -c test )' || true)
        echo $((n + m))
}

batch() { # batch PREFIX N: start N units at once, wait for all, check each
        local prefix=$1 n=$2 i pids=() bad=0
        for i in $(seq "$n"); do
                systemd-run --quiet --wait --unit="$prefix-$i" -p PrivatePIDs=yes \
                        sh -c 'test "$$$$" -eq 1 && sleep 0.2' &
                pids+=($!)
        done
        for i in "${!pids[@]}"; do
                wait "${pids[$i]}" || { echo "unit $prefix-$((i + 1)) failed"; bad=$((bad + 1)); }
        done
        return $bad
}

# Warm up once, so that one-time allocations (unit name tables, D-Bus objects) are not counted.
batch ctr-warm 50 || fail "warm-up batch failed"
sleep 2
rss0=$(rss)
start=$(date +%s)
failed=0
for b in 1 2 3 4; do
        batch "ctr-stress-$b" 50 || failed=$((failed + $?))
done
took=$(( $(date +%s) - start ))
eq "failed units out of 200" "$failed" 0
sleep 2
rss1=$(rss)
echo "PID 1 VmRSS: before ${rss0} kB, after ${rss1} kB; 200 units in ${took}s"
eq "zombies" "$(zombies)" 0
left=$(systemctl list-units --all --no-legend 'ctr-stress-*' 'ctr-warm-*' | wc -l)
eq "units left loaded" "$left" 0
eq "processes left behind" "$(leftovers)" 0
check "PID 1 RSS within 2% (${rss0} -> ${rss1} kB)" test $(( (rss1 - rss0) * 100 )) -le $(( rss0 * 2 ))
check "manager still answers ($(systemctl is-system-running))" sh -c "systemctl is-system-running | grep -qxE 'running|degraded'"
eq "no stress unit failed" "$(systemctl list-units --failed --no-legend 'ctr-stress-*' 'ctr-warm-*' | wc -l)" 0
