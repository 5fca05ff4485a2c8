#!/bin/bash
# docs/system-containers.md is right: its unit file passes systemd-analyze verify and boots the
# stock Debian tree with 'systemctl start', which 'systemctl stop' shuts down in order; its
# systemd-run line has the same properties as the recipe the other container tests use.
. "$(dirname "$0")/lib.sh"

doc=$(dirname "$0")/../../docs/system-containers.md
[ -f "$doc" ] || fail "no $doc (the VM gets docs/ from scripts/check.sh)"
container_tree

# The systemd-run line of the docs against container_recipe (with the docs' name, "debian").
container_recipe debian
want=$(printf '%s\n' "${recipe[@]}" | grep -v '^-p$' | sort | tr '\n' ' ')
got=$(sed -n '/^```sh$/,/^```$/p' "$doc" | grep -A20 '^systemd-run --unit=debian' | sed '/^```$/,$d' |
      grep -o -- '-p [^ ]*' | cut -c4- | sort | tr '\n' ' ')
eq "the docs' systemd-run line is the tested recipe" "$got" "$want"

u=debian.service; cleanup_units+=("$u")
mkdir -p /run/systemd/system
sed -n '/^```ini$/,/^```$/p' "$doc" | sed '1d;$d' >/run/systemd/system/$u
cat /run/systemd/system/$u
check "the unit file has the recipe's ExecStart=" grep -qx 'ExecStart=/usr/lib/systemd/systemd' /run/systemd/system/$u
out=$(systemd-analyze verify /run/systemd/system/$u 2>&1 || echo "exit $?")
echo "$out"
eq "systemd-analyze verify has nothing to say about it" "$out" ""
systemctl daemon-reload
systemctl start $u
check "the container finished booting" wait_for 240 test -s $CTR_ROOT/var/lib/ctr-check/report
eq "inside: system state" "$(report_value state)" running
eq "inside: hostname" "$(report_value hostname)" debian
eq "inside: PID 1's cgroup" "$(report_value pid1_cgroup)" 0::/init.scope
systemctl stop $u
journal=$(journalctl -u $u --no-pager -o cat)
check "stopped: the inner system halted itself" grep -q 'Console: Halting system' <<<"$journal"
check "stopped: deactivated successfully" grep -q 'Deactivated successfully' <<<"$journal"
eq "stopped: no process left" "$(grep -l "/system.slice/$u" /proc/[0-9]*/cgroup 2>/dev/null | wc -l)" 0
rm -f /run/systemd/system/$u
systemctl daemon-reload
echo "container-unitfile: all checks passed"
