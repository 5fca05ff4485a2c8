#!/usr/bin/env bash
# make demo: boot the test VM with our systemd as PID 1 and show, as a transcript, systemd-run
# running a sandboxed payload. Logs of the run: $CACHE/runs/last.
. "$(dirname "$0")/lib.sh"
TIMEOUT=${TIMEOUT:-900} exec "$TOP/scripts/vm-run.sh" "$TOP/test/demo/demo-guest.sh"
