#!/bin/bash
# /dev/console of a payload with PrivatePIDs=yes and PrivateDevices=yes: what it writes there
# reaches the unit's journal (escape sequences removed, long lines split, floods rate-limited
# without blocking the payload), also across daemon-reexec, and PID 1 keeps no fd behind.
. "$(dirname "$0")/lib.sh"

con=(-p PrivatePIDs=yes -p PrivateDevices=yes)
console_lines() { journalctl -u "$1" --no-pager -o cat | sed -n 's/^[^:]*: Console: //p'; }

u=ctr-con-hello.service
systemd-run --wait --quiet --unit=$u "${con[@]}" sh -c 'echo hello >/dev/console; printf "\033[1;31mred\033[0m and \033[32mgreen\033[0m\r\n" >/dev/console'
journalctl --sync
eq "a line reaches the journal" "$(console_lines $u | head -n1)" hello
eq "escape sequences and CR are removed" "$(console_lines $u | sed -n 2p)" "red and green"

u=ctr-con-long.service
systemd-run --wait --quiet --unit=$u "${con[@]}" sh -c 'head -c 5000 /dev/zero | tr "\0" x >/dev/console; echo >/dev/console'
journalctl --sync
lens=$(console_lines $u | awk '{print length($0)}' | tr '\n' ' ')
echo "pieces: $lens"
eq "a 5000-character line is logged in 3 pieces, none lost" "$(awk '{print NF, $1 + $2 + $3}' <<<"$lens")" "3 5000"

u=ctr-con-flood.service
s=$(date +%s)
systemd-run --wait --quiet --unit=$u "${con[@]}" sh -c 'seq 1 20000 >/dev/console'
took=$(( $(date +%s) - s ))
journalctl --sync
n=$(console_lines $u | grep -c '^[0-9]*$' || true)
echo "flood: $n of 20000 lines logged, payload took ${took}s"
check "a flood is cut at the rate limit (2000 lines per 10 s)" test "$n" -ge 1000 -a "$n" -le 4000
check "the payload was not blocked by the flood (${took}s)" test "$took" -lt 60
check "the dropped lines are counted" grep -qE '^\([0-9]+ lines suppressed\)$' <<<"$(console_lines $u)"

u=ctr-con-reexec.service; cleanup_units+=("$u")
systemd-run --quiet --unit=$u "${con[@]}" sh -c 'echo before >/dev/console; while ! [ -e /run/ctr-con-go ]; do sleep 0.2; done; echo after >/dev/console'
wait_for 20 sh -c "journalctl -u $u -o cat | grep -q 'Console: before'"
systemctl daemon-reexec
touch /run/ctr-con-go
wait_for 20 unit_dead $u
rm -f /run/ctr-con-go
journalctl --sync
eq "the console survives daemon-reexec" "$(console_lines $u | tr '\n' ' ')" "before after "

fds_before=$(ls /proc/1/fd | wc -l)
for i in $(seq 20); do
        systemd-run --wait --quiet "${con[@]}" sh -c 'echo x >/dev/console'
done
fds_after=$(ls /proc/1/fd | wc -l)
eq "PID 1 keeps no console fd after 20 units" "$fds_after" "$fds_before"
check "the manager answers" systemctl --quiet is-active multi-user.target
echo "console: all checks passed"
