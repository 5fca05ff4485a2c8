#!/bin/bash
# Runs inside the test VM (via scripts/vm-run.sh, as root, under our systemd as PID 1), with
# this repository's test/ directory as the working directory. Prints one line per test:
#   PASS: name | FAIL: name (why) | SKIP: name (why)
# Per-test logs go to ./logs/ (kept on the host in $CACHE/runs/<id>/share/work/test/logs).
set -u
cd "${CTR_SHARE:-/ctr}/work/test"
mkdir -p logs
UT=/usr/lib/systemd/tests
failed=0

# Let the boot finish first (we are ordered after multi-user.target, but jobs may linger).
for _ in $(seq 300); do
        [ -z "$(systemctl list-jobs --no-legend)" ] && break
        sleep 0.5
done
echo "VM: $(uname -r), $(systemctl --version | head -n1), state $(systemctl is-system-running)"
systemctl --failed --no-legend

run_one() { # run_one name timeout cmd...
        local name=$1 tmo=$2 rc; shift 2
        local log="logs/${name//\//_}.log" s=$(date +%s)
        timeout -k 10 "$tmo" "$@" >"$log" 2>&1 </dev/null
        rc=$?
        local d=$(( $(date +%s) - s ))s
        case $rc in
                0)   echo "PASS: $name [$d]" ;;
                77)  echo "SKIP: $name ($(tail -n1 "$log" | cut -c1-120))" ;;
                124) echo "FAIL: $name (timed out after ${tmo}s)"; failed=1; tail -n 20 "$log" | sed 's/^/    /' ;;
                *)   echo "FAIL: $name (exit $rc)"; failed=1; tail -n 30 "$log" | sed 's/^/    /' ;;
        esac
}

# Upstream's unit tests that need real root and a real systemd PID 1.
for t in $(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' vm-unit-tests.txt | awk '{print $1}'); do
        if [ ! -x "$UT/$t" ]; then
                echo "FAIL: vm/$t (not installed in $UT)"; failed=1; continue
        fi
        run_one "vm/$t" 900 "$UT/$t"
done

# Our integration tests: each is a script that exits 0 (pass), 77 (skip) or else (fail).
for t in integration/*.sh; do
        [ -e "$t" ] && [ "$(basename "$t")" != lib.sh ] || continue
        run_one "ctr/$(basename "$t" .sh)" 600 bash "$t"
done

# The manager must have survived everything above.
state=$(systemctl is-system-running 2>&1)
if [ "$state" = running ] || [ "$state" = degraded ]; then
        echo "PASS: vm/manager-alive"
else
        echo "FAIL: vm/manager-alive ($state)"; failed=1
fi
exit $failed
