# Helpers for the harness tests: each boots the VM through scripts/vm-run.sh with a tiny
# guest script and checks what the host sees. Sourced.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
guest() { cat >"$tmp/guest.sh"; }
vmrun() { # vmrun [VAR=value...]: runs $tmp/guest.sh; sets $rc, $out, $secs
        local s=$(date +%s)
        out=$(env "$@" "$TOP/scripts/vm-run.sh" "$tmp/guest.sh" 2>&1)
        rc=$?
        secs=$(( $(date +%s) - s ))
        printf '%s\n' "$out"
        echo "[vm-run exit $rc after ${secs}s]"
}
