#!/bin/bash
# PrivatePIDs= in the per-user service manager: works together with PrivateUsers=, and without it,
# since there the namespace settings imply a user namespace (as upstream).
. "$(dirname "$0")/lib.sh"

user=ctrtest
id "$user" >/dev/null 2>&1 || useradd -m "$user"
user_manager_up "$user" || fail "user manager did not start"
urun() { systemd-run --user -M "$user@" --quiet "$@"; }
wait_for 30 sh -c "systemctl --user -M $user@ is-system-running | grep -qE 'running|degraded'" || fail "timed out (30s): sh -c systemctl --user -M user@ is-system-running | grep -qE"

eq "user manager: PID 1 inside with PrivateUsers=yes" \
        "$(urun --wait --pipe -p PrivateUsers=yes -p PrivatePIDs=yes readlink /proc/self)" 1
eq "user manager: only our processes" \
        "$(urun --wait --pipe -p PrivateUsers=yes -p PrivatePIDs=yes sh -c 'ls -1 /proc | grep -c "^[0-9][0-9]*$"')" 3

eq "user manager: PrivatePIDs= without PrivateUsers= implies a user namespace, as upstream" \
        "$(urun --wait --pipe -p PrivatePIDs=yes sh -c 'echo $$$$; cat /proc/self/uid_map' | awk '{print $NF}' | tr '\n' ' ')" "1 1 "
eq "user manager: PrivateNetwork= alone gets its namespace (only lo)" \
        "$(urun --wait --pipe -p PrivateNetwork=yes sh -c 'ls /sys/class/net' | tr '\n' ' ')" "lo "

user_manager_down "$user"
