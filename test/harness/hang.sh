#!/bin/bash
# A script that hangs the VM ends as a failure within the timeout, with the serial log's tail.
. "$(dirname "$0")/lib.sh"
guest <<'G'
echo "about to hang"
sleep infinity
G
vmrun TIMEOUT=60
[ $rc -eq 124 ] || fail "vm-run exited $rc, expected 124 (timeout)"
[ $secs -lt 100 ] || fail "took ${secs}s, more than the 60s timeout allows"
grep -q 'last 40 lines of the serial console' <<<"$out" || fail "no serial log tail printed"
echo "ok: hung VM ended after ${secs}s as exit 124"
