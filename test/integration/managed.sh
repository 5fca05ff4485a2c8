#!/bin/bash
# PrivateUsers=managed (issue 12): a UID range of the unit's own. Inside: the map is "0 BASE 65536" with
# BASE in the container range, root owns the ID-mapped RootDirectory= and its own /dev/pts and /dev/shm.
# On the host: UIDShift, the payload's host UID, disjoint ranges for units running at once, a range held
# as long as a process of the unit is left and across daemon-reexec, never shared with systemd-nspawn -U
# (each started first in turn on the same candidate), files written inside owned by 0 on disk, and a
# root that cannot be ID-mapped failing the unit with a message naming it.
. "$(dirname "$0")/lib.sh"

MIN=$((0x00080000)) MAX=$((0x6FFF0000))
LOCKS=/run/systemd/nspawn-uid
in_range() { [ "$1" -ge $MIN ] && [ "$1" -le $MAX ] && [ $(($1 % 65536)) -eq 0 ]; }
disjoint() { [ $(($1 - $2)) -ge 65536 ] || [ $(($2 - $1)) -ge 65536 ]; }
# make_lock_file() takes an OFD lock, which flock(1) does not see: look the lock up in /proc/locks.
locked() {
        local ino
        ino=$(stat -c %i "$LOCKS/$1" 2>/dev/null) || return 1
        awk -v i="$ino" '$2 == "OFDLCK" && $4 == "WRITE" { split($6, a, ":"); if (a[3] == i) f = 1 } END { exit !f }' /proc/locks
}
main_pid() { prop "$1" MainPID; }
running() { [ "$(main_pid "$1")" -gt 0 ]; }
at_exit() {
        set +e
        pkill -f '^sleep 31336$'
        mountpoint -q /run/mgd-tmpfs && umount /run/mgd-tmpfs
        cleanup
}
trap at_exit EXIT
cleanup_units+=(mgd-a.service mgd-b.service mgd-c.service mgd-left.service mgd-nspawn.service mgd-nspawn2.service mgd-col.service mgd-tmpfs.service mgd-show.service mgd-file.service)

echo "== the map, from inside"
map=$(systemd-run --wait --pipe -p PrivateUsers=managed cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups)
echo "$map"
read -r u0 ubase ucount <<<"$(sed -n 1p <<<"$map")"
read -r g0 gbase gcount <<<"$(sed -n 2p <<<"$map")"
eq "inside: uid_map maps 0..65535" "$u0 $ucount" "0 65536"
check "inside: the uid_map base $ubase is in the container range" in_range "$ubase"
eq "inside: gid_map is the same range" "$g0 $gbase $gcount" "0 $ubase 65536"
eq "inside: the payload is root" "$(systemd-run --wait --pipe -p PrivateUsers=managed id -u)" 0
eq "inside: User=daemon is UID 1 of the range" "$(systemd-run --wait --pipe -p PrivateUsers=managed -p User=daemon id -u)" 1

echo "== two units at once, from the host"
systemd-run -q --unit=mgd-a -p PrivateUsers=managed sleep infinity
systemd-run -q --unit=mgd-b -p PrivateUsers=managed sleep infinity
check "both run" wait_for 20 running mgd-a.service
wait_for 20 running mgd-b.service || fail "timed out (20s): running mgd-b.service"
a=$(prop mgd-a.service UIDShift) b=$(prop mgd-b.service UIDShift)
check "host: UIDShift of mgd-a ($a) is in the container range" in_range "$a"
check "host: UIDShift of mgd-b ($b) is in the container range" in_range "$b"
check "host: the ranges of two running units are disjoint" disjoint "$a" "$b"
eq "host: mgd-a's payload runs as its base UID" "$(stat -c %u "/proc/$(main_pid mgd-a.service)")" "$a"
eq "host: its uid_map is 0 BASE 65536" "$(awk '{print $1, $2, $3}' "/proc/$(main_pid mgd-a.service)/uid_map")" "0 $a 65536"
check "host: the range is locked in $LOCKS (the lock nspawn -U takes)" locked "$a"
eq "host: a unit without managed has no UIDShift" "$(systemctl show -p UIDShift --value systemd-journald.service)" "[not set]"

echo "== daemon-reexec keeps the ranges"
systemctl daemon-reexec
eq "after daemon-reexec: mgd-a keeps its range" "$(prop mgd-a.service UIDShift)" "$a"
check "after daemon-reexec: still locked" locked "$a"
systemd-run -q --unit=mgd-c -p PrivateUsers=managed sleep infinity
wait_for 20 running mgd-c.service || fail "timed out (20s): running mgd-c.service"
c=$(prop mgd-c.service UIDShift)
check "after daemon-reexec: a new unit gets a range disjoint from mgd-a's" disjoint "$c" "$a"
check "after daemon-reexec: and from mgd-b's" disjoint "$c" "$b"
systemctl daemon-reload
eq "after daemon-reload: mgd-b keeps its range" "$(prop mgd-b.service UIDShift)" "$b"
check "after daemon-reload: still locked" locked "$b"

echo "== a range is free again when the unit's processes are gone"
systemctl stop mgd-a.service
check "stopped: mgd-a's lock is released" wait_for 10 eval "! locked $a"
eq "stopped: UIDShift reads not set" "$(prop mgd-a.service UIDShift)" "[not set]"
# The first candidate is the hash of the name, so the same unit started again gets the same range back.
systemd-run -q --unit=mgd-a -p PrivateUsers=managed sleep infinity
wait_for 20 running mgd-a.service || fail "timed out (20s): running mgd-a.service"
eq "restarted: mgd-a gets its range again" "$(prop mgd-a.service UIDShift)" "$a"
systemctl stop mgd-a.service mgd-b.service mgd-c.service

# A unit whose main process is gone while another of its processes is left holds its range.
systemd-run -q --unit=mgd-left -p PrivateUsers=managed -p KillMode=none -p Type=exec sh -c 'sleep 31336 & exit 0'
check "leftover: the unit is inactive with a process left" wait_for 20 eval '[ "$(prop mgd-left.service ActiveState)" != active ] && pgrep -f "^sleep 31336$" >/dev/null'
left=$(stat -c %u "/proc/$(pgrep -f '^sleep 31336$' | head -n1)")
check "leftover: its process runs in the range ($left)" in_range "$left"
check "leftover: the range stays locked while that process lives" locked "$left"

echo "== systemd-nspawn -U and units never share a range"
container_tree
nspawn() { # nspawn UNIT MACHINE: an ID-mapped nspawn -U container running a marked sleep
        systemd-run -q --unit="$1" -p KillMode=mixed systemd-nspawn -q --register=no --keep-unit -U \
                --private-users-ownership=map -M "$2" -D "$CTR_ROOT" /bin/sleep 31337
}
nspawn_base() { local p; p=$(pgrep -f '^/bin/sleep 31337$' | head -n1) && [ -n "$p" ] && stat -c %u "/proc/$p"; }
# A unit named like the machine starts from the same candidate (the hash of "mgd-left"): nspawn must
# skip the range the leftover process of mgd-left.service still holds.
nspawn mgd-nspawn.service mgd-left
check "nspawn -U is running" wait_for 60 nspawn_base
n=$(nspawn_base)
check "nspawn -U picked a container range ($n)" in_range "$n"
check "nspawn did not take the range a unit's leftover process holds" disjoint "$n" "$left"
pkill -f '^sleep 31336$'
check "leftover gone: its range is released" wait_for 20 eval "! locked $left"
# And the other way round: nspawn runs as machine "mgd-col" first, then a unit of that name starts.
systemctl stop mgd-nspawn.service
systemctl reset-failed mgd-nspawn.service 2>/dev/null || true
nspawn mgd-nspawn2.service mgd-col
wait_for 60 nspawn_base || fail "timed out (60s): nspawn_base"
n=$(nspawn_base)
systemd-run -q --unit=mgd-col -p PrivateUsers=managed sleep infinity
wait_for 20 running mgd-col.service || fail "timed out (20s): running mgd-col.service"
col=$(prop mgd-col.service UIDShift)
check "a unit started while nspawn -U runs takes another range ($col, nspawn $n)" disjoint "$col" "$n"
systemctl stop mgd-col.service mgd-nspawn2.service
# With nspawn gone, the unit of that name gets the hashed range that nspawn had.
systemd-run -q --unit=mgd-col -p PrivateUsers=managed sleep infinity
wait_for 20 running mgd-col.service || fail "timed out (20s): running mgd-col.service"
eq "with nspawn gone, the unit gets the range nspawn had" "$(prop mgd-col.service UIDShift)" "$n"
systemctl stop mgd-col.service

echo "== the ID-mapped RootDirectory="
owners_before=$(stat -c '%u:%g %n' "$CTR_ROOT/etc/passwd" "$CTR_ROOT/usr/bin/su" "$CTR_ROOT/var/log")
inside=$(systemd-run --wait --pipe -p PrivateUsers=managed -p RootDirectory="$CTR_ROOT" \
        sh -c 'stat -c "%u:%g %n" /etc/passwd; touch /var/tmp/mgd-created; stat -c %u /var/tmp/mgd-created; stat -c %u /usr/bin/su')
echo "$inside"
eq "inside: /etc/passwd of the tree is root's" "$(sed -n 1p <<<"$inside")" "0:0 /etc/passwd"
eq "inside: a file root creates is root's" "$(sed -n 2p <<<"$inside")" 0
eq "host: that file is owned by 0 on disk" "$(stat -c %u:%g "$CTR_ROOT/var/tmp/mgd-created")" "0:0"
rm -f "$CTR_ROOT/var/tmp/mgd-created"
eq "host: the tree's owners are unchanged" "$(stat -c '%u:%g %n' "$CTR_ROOT/etc/passwd" "$CTR_ROOT/usr/bin/su" "$CTR_ROOT/var/log")" "$owners_before"

echo "== its own /dev/pts and /dev/shm"
: >/dev/shm/mgd-host-file
inside=$(systemd-run --wait --pipe -p PrivateUsers=managed -p PrivateDevices=yes \
        sh -c 'ls /dev/pts | tr "\n" " "; echo; ls /dev/shm | wc -l; stat -c %u /dev/shm; stat -c %a /dev/pts/ptmx')
echo "$inside"
eq "inside: /dev/pts is an instance of its own (only ptmx)" "$(sed -n 1p <<<"$inside")" "ptmx "
eq "inside: /dev/shm is empty (the host's file is not there)" "$(sed -n 2p <<<"$inside")" 0
eq "inside: /dev/shm belongs to root of the range" "$(sed -n 3p <<<"$inside")" 0
eq "inside: its ptmx may be opened by anyone (0666)" "$(sed -n 4p <<<"$inside")" 666
rm -f /dev/shm/mgd-host-file

echo "== ID-mapped bind mounts (BindPaths=…:idmap|rootidmap)"
# On the tree's disk (ext4): the VM's own root is a tmpfs, which 6.1 cannot ID-map.
B=$CTR_ROOT/var/tmp/mgd-binds
rm -rf "$B"; mkdir -p "$B/tree" "$B/owned" "$B/plain"
touch "$B/tree/by100" "$B/owned/by-root"
chown 100:100 "$B/tree/by100"
chown 1234:1234 "$B/owned"
chmod 1777 "$B/plain" # a plain bind: root inside is nobody there, unless the directory lets anyone write
out=$(systemd-run --wait --pipe -p PrivateUsers=managed \
        -p BindPaths="$B/tree:/mnt/tree:idmap $B/owned:/mnt/owned:norbind,rootidmap $B/plain:/mnt/plain" \
        sh -c 'stat -c %u /mnt/tree /mnt/tree/by100 /mnt/owned /mnt/owned/by-root | tr "\n" " "; echo
               touch /mnt/tree/new /mnt/owned/new /mnt/plain/new && echo written')
echo "$out"
eq "inside: idmap: the tree's 0 and 100 are 0 and 100; rootidmap: the owner is root, host root is nobody" \
        "$(sed -n 1p <<<"$out")" "0 100 0 65534 "
eq "inside: root wrote into all three" "$(sed -n 2p <<<"$out")" written
eq "host: what root wrote through idmap is owned by 0 on disk" "$(stat -c %u:%g "$B/tree/new")" 0:0
eq "host: what root wrote through rootidmap is owned by the source's owner" "$(stat -c %u:%g "$B/owned/new")" 1234:1234
plain=$(stat -c %u "$B/plain/new")
check "host: through a plain bind it is owned by the range's root ($plain), the documented rule" in_range "$plain"
eq "host: no file of the ID-mapped sources is owned by a transient UID" \
        "$(find "$B/tree" "$B/owned" \( -uid +65535 -a ! -uid 1234 \) | wc -l)" 0
systemd-run -q --unit=mgd-show -p PrivateUsers=managed -p BindPaths="$B/owned:/mnt/owned:rootidmap" sleep infinity
eq "systemd-run -p: systemctl show has the options" "$(systemctl show -P BindPaths mgd-show.service)" "$B/owned:/mnt/owned:rbind,rootidmap"
check "the dump shows them" eval "systemd-analyze dump | grep -qF 'BindPaths: $B/owned:/mnt/owned:rbind,rootidmap'"
systemctl stop mgd-show.service
mkdir -p /run/systemd/system
printf '[Service]\nPrivateUsers=managed\nBindPaths=%s:/mnt/tree:norbind,idmap\nBindReadOnlyPaths=-%s:/mnt/o:rootidmap\nExecStart=/bin/true\n' "$B/tree" "$B/owned" >/run/systemd/system/mgd-file.service
systemctl daemon-reload
eq "unit file: BindPaths= keeps the options" "$(systemctl show -P BindPaths mgd-file.service)" "$B/tree:/mnt/tree:norbind,idmap"
eq "unit file: BindReadOnlyPaths= keeps the options" "$(systemctl show -P BindReadOnlyPaths mgd-file.service)" "-$B/owned:/mnt/o:rbind,rootidmap"
check "unit file: it runs" systemctl start mgd-file.service
rm /run/systemd/system/mgd-file.service
systemctl daemon-reload
refused "BindPaths=$B/tree:/mnt/tree:idmap,bogus" "Unknown options in BindPaths="
check "idmap without PrivateUsers=managed fails the unit" \
        eval "! systemd-run -q --wait --unit=mgd-noidmap -p BindPaths=$B/tree:/mnt/tree:idmap true"
check "and says why" wait_for 10 eval "journalctl -b -u mgd-noidmap.service -o cat | grep -q 'needs PrivateUsers=managed'"
systemctl reset-failed mgd-noidmap.service 2>/dev/null || true
ln -s tree "$B/link"
check "a source path with a symlink fails the unit" \
        eval "! systemd-run -q --wait --unit=mgd-symlink -p PrivateUsers=managed -p BindPaths=$B/link/by100:/mnt/x:idmap true"
check "and the log says why" eval "journalctl -b -u mgd-symlink.service -o cat | grep -q '$B/link/by100 cannot be ID-mapped (idmap): its path contains a symlink'"
systemctl reset-failed mgd-symlink.service 2>/dev/null || true
mkdir -p /run/mgd-tmpfs
mount -t tmpfs tmpfs /run/mgd-tmpfs
check "an unmappable source (tmpfs) fails the unit" \
        eval "! systemd-run -q --wait --unit=mgd-tmpfsbind -p PrivateUsers=managed -p BindPaths=/run/mgd-tmpfs:/mnt/x:idmap true"
check "and the log names it" eval "journalctl -b -u mgd-tmpfsbind.service -o cat | grep -q '/run/mgd-tmpfs cannot be ID-mapped (idmap)'"
systemctl reset-failed mgd-tmpfsbind.service 2>/dev/null || true
umount /run/mgd-tmpfs
rm -rf "$B"

echo "== a root that cannot be ID-mapped"
mkdir -p /run/mgd-tmpfs
mount -t tmpfs tmpfs /run/mgd-tmpfs
check "a RootDirectory= on tmpfs fails the unit" eval '! systemd-run -q --wait --unit=mgd-tmpfs -p PrivateUsers=managed -p RootDirectory=/run/mgd-tmpfs /usr/bin/true'
umount /run/mgd-tmpfs
log=$(journalctl -b -u mgd-tmpfs.service --no-pager -o cat)
echo "$log"
check "the log names the path and the reason" grep -q 'RootDirectory=/run/mgd-tmpfs cannot be ID-mapped' <<<"$log"
eq "the unit ended with 226/NAMESPACE" "$(prop mgd-tmpfs.service ExecMainStatus)" 226

echo "managed: all checks passed"
