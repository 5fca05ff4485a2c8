#!/usr/bin/env bash
# The test command (make check): build, then
#   1. upstream's unit tests that need no systemd host: meson test on this host, minus the ones
#      listed in test/host-exclude.txt (each with its reason);
#   2. in one VM boot, as real root under our PID 1: the upstream unit tests listed in
#      test/vm-unit-tests.txt and our integration tests test/integration/*.sh;
#   3. the vm-run harness's own tests (test/harness/*.sh), each in its own boot.
# Ends with "N passed, N failed" and exits non-zero on any failure.
. "$(dirname "$0")/lib.sh"

part=${1:-all}
BUILD=$CACHE/build
RESULTS=$CACHE/check-results
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
t0=$(date +%s)

if [ "$part" != --vm-only ]; then
        "$TOP/scripts/build.sh"
fi
if [ "$part" != --host-only ]; then
        "$TOP/scripts/vm-image.sh"
        # The stock Debian 12 tree that the container tests boot as a unit.
        "$TOP/scripts/container-tree.sh"
fi

record() { # record PASS|FAIL|SKIP name [detail]
        printf '%s: %s%s\n' "$1" "$2" "${3:+ ($3)}" | tee -a "$RESULTS/all"
}

# Test names from a list file: first word of each line, comments and blank lines dropped.
list_names() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1" | awk '{print $1}'; }

run_host() {
        msg "Host: upstream unit tests (meson test)"
        local all excl names=() n
        all=$(cd "$BUILD" && meson test --no-rebuild --list 2>/dev/null | sed 's/^[^ ]* \/ //' | sort -u)
        excl=$( { list_names "$TOP/test/host-exclude.txt"; list_names "$TOP/test/vm-unit-tests.txt"; } | sort -u)
        mapfile -t names < <(comm -23 <(echo "$all") <(echo "$excl"))
        n=${#names[@]}
        [ "$n" -gt 100 ] || die "meson lists only $n host tests; is the build complete?"
        local s=$(date +%s)
        (cd "$BUILD" && meson test --no-rebuild --num-processes "$(nproc)" --timeout-multiplier 4 \
                --logbase ctr-host "${names[@]}" >"$RESULTS/host-meson.log" 2>&1) || true
        python3 - "$BUILD/meson-logs/ctr-host.json" >>"$RESULTS/host-results" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    r = t["result"]
    kind = {"OK": "PASS", "EXPECTEDFAIL": "PASS", "SKIP": "SKIP"}.get(r, "FAIL")
    name = t["name"].split(" / ")[-1]
    print(f"{kind} host/{name} {r if kind == 'FAIL' else ''}")
PY
        local got
        got=$(grep -c . "$RESULTS/host-results" || true)
        [ "$got" -ge "$n" ] || record FAIL host/meson-test "meson reported $got results for $n tests; see $RESULTS/host-meson.log"
        while read -r kind name detail; do
                [ "$kind" = PASS ] || record "$kind" "$name" "$detail"
                [ "$kind" != PASS ] || echo "PASS: $name" >>"$RESULTS/all"
        done <"$RESULTS/host-results"
        for x in $(list_names "$TOP/test/host-exclude.txt"); do
                grep -qx "$x" <<<"$all" || continue
                echo "SKIP: host/$x (excluded: $(grep -E "^$x([[:space:]]|$)" "$TOP/test/host-exclude.txt" | sed 's/^[^#]*#[[:space:]]*//'))" >>"$RESULTS/all"
        done
        msg "Host part: $(grep -c '^PASS' "$RESULTS/host-results") passed, $(grep -c '^FAIL' "$RESULTS/host-results") failed, $(grep -c '^SKIP' "$RESULTS/host-results") skipped in $(( $(date +%s) - s ))s (log: $RESULTS/host-meson.log)"
}

run_vm() {
        msg "VM: upstream unit tests as root + our integration tests (one boot)"
        local rc=0 s=$(date +%s)
        VM_FILES="$TOP/test $TOP/docs" VM_DISKS="$CACHE/container/debian.ext4" TIMEOUT=${CHECK_VM_TIMEOUT:-2400} \
                "$TOP/scripts/vm-run.sh" "$TOP/test/vm-suite.sh" >"$RESULTS/vm-output.log" 2>&1 || rc=$?
        grep -E '^(PASS|FAIL|SKIP): ' "$RESULTS/vm-output.log" | tr -d '\r' >>"$RESULTS/all" || true
        grep -E '^(FAIL|SKIP): ' "$RESULTS/vm-output.log" | tr -d '\r' || true
        if [ $rc -ne 0 ]; then
                record FAIL vm/suite "vm-run exit $rc; logs in $CACHE/runs/last"
                tail -n 30 "$RESULTS/vm-output.log" >&2
        fi
        msg "VM part done in $(( $(date +%s) - s ))s (logs: $CACHE/runs/last, output: $RESULTS/vm-output.log)"
}

run_harness() {
        local t
        for t in "$TOP"/test/harness/*.sh; do
                [ -e "$t" ] && [ "$(basename "$t")" != lib.sh ] || continue
                msg "Harness test $(basename "$t")"
                if bash "$t" >"$RESULTS/harness-$(basename "$t").log" 2>&1; then
                        record PASS "harness/$(basename "$t" .sh)"
                else
                        record FAIL "harness/$(basename "$t" .sh)" "log: $RESULTS/harness-$(basename "$t").log"
                        tail -n 20 "$RESULTS/harness-$(basename "$t").log" >&2
                fi
        done
}

case $part in
        --host-only) run_host ;;
        --vm-only) run_vm; run_harness ;;
        all) run_host; run_vm; run_harness ;;
        *) die "usage: check.sh [--host-only|--vm-only]" ;;
esac

pass=$(grep -c '^PASS: ' "$RESULTS/all" || true)
fail=$(grep -c '^FAIL: ' "$RESULTS/all" || true)
skip=$(grep -c '^SKIP: ' "$RESULTS/all" || true)
echo "Results: $RESULTS/all; took $(( $(date +%s) - t0 ))s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
