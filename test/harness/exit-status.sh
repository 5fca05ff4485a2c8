#!/bin/bash
# make vm-run reports the script's exit status, shows its output, and the VM's PID 1 is our
# build: systemctl --version carries our version tag, not Debian's.
. "$(dirname "$0")/lib.sh"
want_tag=$(cat "${CTR_CACHE:-/var/cache/systemd-ctr}/install.version")
guest <<'G'
echo "marker-from-guest"
systemctl --version | head -n1
readlink /proc/1/exe
exit 3
G
# Through the make entry point, as a reviewer would call it (the build is up to date).
s=$(date +%s)
out=$(make -s -C "$TOP" vm-run SCRIPT="$tmp/guest.sh" 2>&1); rc=$?
printf '%s\n' "$out"
[ $rc -eq 3 ] || fail "make vm-run exited $rc, expected 3"
grep -q '^marker-from-guest' <<<"$out" || fail "the script's output was not shown"
grep -qF "($want_tag)" <<<"$out" || fail "systemctl --version does not show our tag ($want_tag)"
echo "ok: exit 3 reported, version tag $want_tag seen"
