#!/bin/bash
# shellcheck disable=SC2016 # $ in single quotes is for the unit's shell, not for this one
# Our port of upstream's test/units/TEST-07-PID1.protect-hostname.sh (systemd/systemd, version
# 80080f34f332): ProtectHostname=yes[:NAME] and private[:NAME] through systemd-run's
# -p ProtectHostnameEx= and in unit files with specifiers, the read-only /proc/sys/kernel/hostname of
# yes (and not of private), the host's hostname unchanged, and the values systemd-run must refuse.
. "$(dirname "$0")/lib.sh"

T=protect-hostname
fails() { ! "$@"; }
LEGACY_HOSTNAME=$(hostname)
HOSTNAME_FROM_SYSTEMD=$(hostnamectl hostname)
# host_unchanged AFTER: the two upstream checks that the host's hostname is what it was
host_unchanged() {
        eq "$T: $1: host: hostname unchanged" "$(hostname)" "$LEGACY_HOSTNAME"
        eq "$T: $1: host: hostnamectl hostname unchanged" "$(hostnamectl hostname)" "$HOSTNAME_FROM_SYSTEMD"
}
at_exit() {
        rm -f /run/systemd/system/test-protect-hostname-yes@.service /run/systemd/system/test-protect-hostname-private@.service
        systemctl daemon-reload
        cleanup
}
trap at_exit EXIT
cleanup_units+=(test-protect-hostname-yes@hoge.example.com.service test-protect-hostname-private@hoge.example.com.service)

echo "== yes"
# (hostnamectl would still work inside: hostnamed sets the name in the host's namespace, and
# authorizes the caller itself.)
check "$T: yes: the unit may not set the hostname" fails systemd-run --wait -p ProtectHostname=yes hostname foo
# parity: upstream behaved differently from the series here before issue 11 (docs/TESTS.md).
check "$T: yes:hoge: starts as hoge, may not change it" systemd-run --wait -p ProtectHostnameEx=yes:hoge \
        -P bash -xec 'test "$(hostname)" = hoge; (! hostname foo); test "$(hostname)" = hoge'
host_unchanged yes:hoge

mkdir -p /run/systemd/system
printf '%s\n' '[Service]' 'Type=oneshot' \
        "ExecStart=bash -xec 'test \"\$\$(hostname)\" = \"%i\"; (! hostname foo); test \"\$\$(hostname)\" = \"%i\"'" \
        'ProtectHostname=yes:%i' >/run/systemd/system/test-protect-hostname-yes@.service
systemctl daemon-reload
# parity: upstream behaved differently from the series here before issue 11 (docs/TESTS.md).
check "$T: yes:%i in a unit file: the instance name is the hostname, the unit may not change it" \
        systemctl start --wait test-protect-hostname-yes@hoge.example.com.service
host_unchanged "yes:%i"

check "$T: yes: /proc/sys/kernel/hostname is a (read-only) mount of its own" \
        systemd-run --wait -p ProtectHostname=yes -p PrivateMounts=yes findmnt --mountpoint /proc/sys/kernel/hostname

echo "== private"
# parity: upstream behaved differently from the series here before issue 11 (docs/TESTS.md).
check "$T: private: the unit may set the hostname" systemd-run --wait -p ProtectHostnameEx=private \
        -P bash -xec 'hostname foo; test "$(hostname)" = foo'
host_unchanged private
# parity: upstream behaved differently from the series here before issue 11 (docs/TESTS.md).
check "$T: private:hoge: starts as hoge, may change it" systemd-run --wait -p ProtectHostnameEx=private:hoge \
        -P bash -xec 'test "$(hostname)" = hoge; hostname foo; test "$(hostname)" = foo'
host_unchanged private:hoge

printf '%s\n' '[Service]' 'Type=oneshot' \
        "ExecStart=bash -xec 'test \"\$\$(hostname)\" = \"%i\"; hostname foo; test \"\$\$(hostname)\" = foo'" \
        'ProtectHostname=private:%i' >/run/systemd/system/test-protect-hostname-private@.service
systemctl daemon-reload
# parity: upstream behaved differently from the series here before issue 11 (docs/TESTS.md).
check "$T: private:%i in a unit file: the instance name is the hostname, the unit may change it" \
        systemctl start --wait test-protect-hostname-private@hoge.example.com.service
host_unchanged "private:%i"

# parity: upstream behaved differently from the series here before issue 11 (docs/TESTS.md).
check "$T: private: /proc/sys/kernel/hostname is not mounted over (read-only) from the host" \
        fails systemd-run --wait -p ProtectHostnameEx=private -p PrivateMounts=yes findmnt --mountpoint /proc/sys/kernel/hostname

echo "== invalid"
# parity (all nine): today each passes because systemd-run refuses the assignment ProtectHostnameEx=
# itself. Once it accepts it, the manager must refuse each value; ours would take "yes:" and
# "private:" (an empty name) as no name at all (src/core/dbus-execute.c checks the name only when it
# is not empty), where upstream refuses them.
check "$T: invalid: ProtectHostnameEx=no:hoge (no cannot take a hostname) refused" \
        fails systemd-run --wait -p ProtectHostnameEx=no:hoge true
for v in yes: yes:.foo yes:foo.-example.com yes:foo..example.com \
         private: private:.foo private:foo.-example.com private:foo..example.com; do
        check "$T: invalid: ProtectHostnameEx=$v (invalid hostname) refused" \
                fails systemd-run --wait -p "ProtectHostnameEx=$v" true
done
echo "upstream-protect-hostname: all checks passed ($skipped_checks skipped)"
