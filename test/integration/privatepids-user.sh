#!/bin/bash
# PrivatePIDs= in the per-user service manager: works together with PrivateUsers=, fails cleanly
# (226/NAMESPACE and a log line that says why) without it.
. "$(dirname "$0")/lib.sh"

user=ctrtest
id "$user" >/dev/null 2>&1 || useradd -m "$user"
loginctl enable-linger "$user"
uid=$(id -u "$user")
wait_for 60 systemctl is-active -q "user@$uid.service" || fail "user manager did not start"
urun() { systemd-run --user -M "$user@" --quiet "$@"; }
wait_for 30 sh -c "systemctl --user -M $user@ is-system-running | grep -qE 'running|degraded'"

eq "user manager: PID 1 inside with PrivateUsers=yes" \
        "$(urun --wait --pipe -p PrivateUsers=yes -p PrivatePIDs=yes readlink /proc/self)" 1
eq "user manager: only our processes" \
        "$(urun --wait --pipe -p PrivateUsers=yes -p PrivatePIDs=yes sh -c 'ls -1 /proc | grep -c "^[0-9][0-9]*$"')" 3

urun --wait --unit=ctr-pp-nouserns -p PrivatePIDs=yes true && fail "user manager: PrivatePIDs= without PrivateUsers= succeeded"
st=$(systemctl --user -M "$user@" show -P ExecMainStatus ctr-pp-nouserns.service)
eq "user manager without PrivateUsers=: exit status 226/NAMESPACE" "$st" 226
check "the log says why" sh -c "journalctl --user-unit ctr-pp-nouserns.service _UID=$uid -o cat --no-pager | grep -q 'requires PrivateUsers=yes'"
systemctl --user -M "$user@" reset-failed ctr-pp-nouserns.service || true

# The kernel refuses a new procfs instance in an unprivileged user namespace when parts of the
# /proc it can see are covered by other mounts. Make the user manager's /proc so, then compare:
# plain MountAPIVFS= falls back to the visible /proc, PrivatePIDs= must fail instead.
mkdir -p /run/systemd/system/user@.service.d
printf '[Service]\nProtectKernelTunables=yes\n' >/run/systemd/system/user@.service.d/ctr-overmount.conf
systemctl daemon-reload
systemctl restart "user@$uid.service"
wait_for 30 sh -c "systemctl --user -M $user@ is-system-running | grep -qE 'running|degraded'"
check "over-mounted /proc: MountAPIVFS= alone still works (falls back)" \
        urun --wait -p PrivateUsers=yes -p MountAPIVFS=yes true
urun --wait --unit=ctr-pp-overmount -p PrivateUsers=yes -p PrivatePIDs=yes true &&
        fail "over-mounted /proc: PrivatePIDs= did not fail"
eq "over-mounted /proc: exit status 226/NAMESPACE" \
        "$(systemctl --user -M "$user@" show -P ExecMainStatus ctr-pp-overmount.service)" 226
check "the log says why" sh -c "journalctl --user-unit ctr-pp-overmount.service _UID=$uid -o cat --no-pager | grep -q 'Failed to mount a new procfs instance'"
systemctl --user -M "$user@" reset-failed ctr-pp-overmount.service || true
rm -rf /run/systemd/system/user@.service.d
systemctl daemon-reload
loginctl disable-linger "$user"
systemctl stop "user@$uid.service"
