#!/bin/bash
# Our port of upstream's test/units/TEST-07-PID1.private-users.sh (systemd/systemd, version
# cb8475287f6c): the uid/gid maps and setgroups of PrivateUsers=yes and PrivateUsersEx=self|identity|full.
# Upstream compares inside the unit (bash -c 'test ...'); we read the same files with --pipe and compare
# here, against the same values, so that a failure shows what the unit saw.
. "$(dirname "$0")/lib.sh"

T=private-users
# inside PROPERTY FILE: the contents of /proc/self/FILE in a unit run with -p PROPERTY
inside() { systemd-run -p "$1" --wait --pipe cat "/proc/self/$2"; }
# The map lines upstream expects (the kernel prints each field right-aligned in 10 columns).
one='         0          0          1'
identity='         0          0      65536'
full='         0          0          1         1          1 4294967294' # both lines, newline removed

eq "$T: PrivateUsers=yes: uid_map" "$(inside PrivateUsers=yes uid_map)" "$one"
eq "$T: PrivateUsers=yes: gid_map" "$(inside PrivateUsers=yes gid_map)" "$one"
eq "$T: PrivateUsersEx=yes: setgroups" "$(inside PrivateUsersEx=yes setgroups)" deny
eq "$T: PrivateUsersEx=self: uid_map" "$(inside PrivateUsersEx=self uid_map)" "$one"
eq "$T: PrivateUsersEx=self: gid_map" "$(inside PrivateUsersEx=self gid_map)" "$one"
eq "$T: PrivateUsersEx=self: setgroups" "$(inside PrivateUsersEx=self setgroups)" deny
eq "$T: PrivateUsersEx=identity: uid_map" "$(inside PrivateUsersEx=identity uid_map)" "$identity"
eq "$T: PrivateUsersEx=identity: gid_map" "$(inside PrivateUsersEx=identity gid_map)" "$identity"
eq "$T: PrivateUsersEx=full: uid_map" "$(inside PrivateUsersEx=full uid_map | tr -d '\n')" "$full"
eq "$T: PrivateUsersEx=full: gid_map" "$(inside PrivateUsersEx=full gid_map | tr -d '\n')" "$full"
eq "$T: PrivateUsersEx=full: setgroups" "$(inside PrivateUsersEx=full setgroups)" allow
echo "upstream-private-users: all checks passed ($skipped_checks skipped)"
