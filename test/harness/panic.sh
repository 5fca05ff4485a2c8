#!/bin/bash
# A script that crashes the kernel ends as a failure, long before the timeout, with the serial
# log's tail (which shows the panic).
. "$(dirname "$0")/lib.sh"
guest <<'G'
echo "about to crash the kernel"
echo 1 >/proc/sys/kernel/sysrq
echo c >/proc/sysrq-trigger
sleep infinity
G
vmrun TIMEOUT=300
[ $rc -eq 125 ] || fail "vm-run exited $rc, expected 125 (no status: crash)"
[ $secs -lt 250 ] || fail "took ${secs}s; a panic should end the VM at once"
grep -qi 'kernel panic' <<<"$out" || fail "the serial log tail does not show the panic"
echo "ok: kernel panic ended the VM after ${secs}s as exit 125"
