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
check "the log says why" wait_for 10 sh -c "journalctl -o cat --no-pager USER_UNIT=ctr-pp-nouserns.service | grep -q 'requires PrivateUsers=yes'"
systemctl --user -M "$user@" reset-failed ctr-pp-nouserns.service || true

loginctl disable-linger "$user"
systemctl stop "user@$uid.service"
