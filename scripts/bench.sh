#!/usr/bin/env bash
# make bench: boot the test VM once and run test/bench/bench-guest.sh in it: six comparisons
# measured side by side, printed as ratios (see README.md, "Benchmarks"). Not part of make check.
. "$(dirname "$0")/lib.sh"
"$TOP/scripts/vm-image.sh"
"$TOP/scripts/container-tree.sh"
VM_FILES="$TOP/test" VM_DISKS="$CACHE/container/debian.ext4" TIMEOUT=${TIMEOUT:-1800} \
        exec "$TOP/scripts/vm-run.sh" "$TOP/test/bench/bench-guest.sh"
