#!/usr/bin/env bash
# make demo: boot the test VM with our systemd as PID 1 and show, as a transcript, systemd-run
# running a sandboxed payload, then booting a stock Debian 12 tree as a container unit with the
# one systemd-run line of docs/system-containers.md, and stopping it; then the same tree as a
# machine (systemd-container@.service) through machinectl. Logs: $CACHE/runs/last.
. "$(dirname "$0")/lib.sh"
"$TOP/scripts/container-tree.sh"
VM_FILES="$TOP/test" VM_DISKS="$CACHE/container/debian.ext4" TIMEOUT=${TIMEOUT:-900} \
        exec "$TOP/scripts/vm-run.sh" "$TOP/test/demo/demo-guest.sh"
