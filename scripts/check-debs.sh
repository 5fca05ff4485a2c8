#!/usr/bin/env bash
# make check-debs: the packaging test. Builds the packages if ./debs does not hold the current
# series (make debs), then, with two boots of a stock Debian 12 VM image (vm-stock/: Debian's
# packages only):
#   1. installs our .debs with 'apt install ./….deb' into the running stock system (every
#      package of ours that is installed there), and archives the
#      resulting root file system;
#   2. boots that system and checks that the version is ours and that
#      'systemd-run -p PrivatePIDs=yes readlink /proc/self' prints 1, then goes back to
#      Debian's packages of the same version (apt install --allow-downgrades) and checks that.
# Before that, lintian: no error on our packages that Debian's build of the version lacks.
# Prints "PASS:/FAIL: debs/..." lines and ends with "N passed, N failed"; exits non-zero on
# failure.
. "$(dirname "$0")/lib.sh"

work=$CACHE/check-debs
rm -rf "$work"; mkdir -p "$work/debs"
results=$work/results
: >"$results"
record() { echo "$1: debs/$2${3:+ ($3)}" | tee -a "$results"; }
summary() {
        local rc=$?
        # Whatever the guest printed, and a failure if the script died before recording one.
        grep -hE '^(PASS|FAIL): debs/' "$work"/guest-*.log 2>/dev/null | tr -d '\r' >>"$results" || true
        if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$results"; then echo "FAIL: debs/check-debs (exit $rc)" >>"$results"; fi
        echo "$(grep -c '^PASS' "$results") passed, $(grep -c '^FAIL' "$results") failed"
}
trap summary EXIT

DEBS=${DEBS_DIR:-$TOP/debs}
"$TOP/scripts/fetch-base.sh"
want=$(base_version)$CTR_SUFFIX
if [ "$(cat "$DEBS/.series" 2>/dev/null)" != "$("$TOP/scripts/debs.sh" --key)" ]; then
        msg "$DEBS does not hold packages of the current series; building them (make debs)"
        "$TOP/scripts/debs.sh"
fi
"$TOP/scripts/vm-image.sh" --stock

if "$TOP/scripts/lintian-compare.sh"; then record PASS lintian; else record FAIL lintian "new errors, see above"; fi
cp "$DEBS"/*_"${want#*:}"_*.deb "$work/debs/"
rm -f "$work"/debs/*-dbgsym_*.deb
# Debian's own packages of the base version (lintian-compare.sh downloaded them), for going back.
mkdir -p "$work/debian-debs"
cp "$CACHE"/lintian/debian/*.deb "$work/debian-debs/"

s=$(date +%s)
msg "Packaging test 1/2: apt install ./….deb on a stock Debian 12 VM"
VM_FILES="$work/debs" VM_KERNEL=$CACHE/vm-stock/out/ctr-stock.vmlinuz VM_INITRD=$CACHE/vm-stock/out/ctr-stock.cpio \
        VM_MEM=6144 TIMEOUT=${TIMEOUT:-900} "$TOP/scripts/vm-run.sh" "$TOP/test/debs/install-guest.sh" "$want" ||
        { record FAIL install "logs: $(readlink -f "$CACHE/runs/last")"; exit 1; }
record PASS install
mv "$CACHE/runs/last/share/work/root.cpio" "$work/root.cpio"

msg "Packaging test 2/2: boot the upgraded system"
rc=0
VM_FILES="$work/debian-debs" VM_KERNEL=$CACHE/vm-stock/out/ctr-stock.vmlinuz VM_INITRD="$work/root.cpio" \
        VM_MEM=6144 TIMEOUT=${TIMEOUT:-900} "$TOP/scripts/vm-run.sh" "$TOP/test/debs/check-guest.sh" "$want" "$(base_version)" \
        2>&1 | tee "$work/guest-check.log" || rc=$?
rm -f "$work/root.cpio"
msg "Packaging test done in $(( $(date +%s) - s ))s"
[ $rc -eq 0 ] || { record FAIL boot "exit $rc; logs: $(readlink -f "$CACHE/runs/last")"; exit 1; }
! grep -q '^FAIL' "$results" "$work/guest-check.log"
