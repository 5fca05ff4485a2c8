#!/bin/bash
# Hostile payloads as root in a container with the recipe of docs/system-containers.md
# (PrivateUsers=managed): each attempt to reach the host (sysctls, sysrq, sysfs, terminals, /dev/shm,
# device nodes, files outside the tree, the cgroup tree, hostname, links, mounts, the clock, the
# kernel log) must fail inside and leave the host unchanged, as seen from the host. The
# PrivateUsers=full variant with its hardening runs the same payload for comparison only: a table,
# no failure, and what it changed on the host is put back.
. "$(dirname "$0")/lib.sh"

container_tree
mark=ctr-hostile-$$-$RANDOM
secret=secret-$mark outside_text=outside-$mark pty_text=tty-$mark kmsg_text=kmsg-$mark
SHM=/dev/shm/ctr-hostile OUTSIDE=/var/tmp/ctr-hostile-outside PTYLOG=/tmp/ctr-hostile-pty.log
OUT=/tmp/ctr-hostile.out GO=$CTR_ROOT/tmp/ctr-hostile-go

# What the payload goes for on the host, saved to compare with and to put back.
declare -A orig
sysctls="kernel/printk_ratelimit vm/swappiness fs/protected_regular"
for s in $sysctls; do orig[$s]=$(cat "/proc/sys/$s"); done
# A root-owned 0644 sysfs attribute with no capability check in its store function: its owner may
# write it, so it shows whether root inside owns the host's files. THP is in Debian's kernel.
SYSFS=kernel/mm/transparent_hugepage/enabled
[ -e /sys/$SYSFS ] || SYSFS=module/printk/parameters/time
sysfs_val() { sed 's/.*\[\(.*\)\].*/\1/' /sys/$SYSFS; } # THP shows "always [madvise] never"
orig[sysfs]=$(sysfs_val)
case ${orig[sysfs]} in never) sysfs_new=madvise ;; Y) sysfs_new=N ;; N) sysfs_new=Y ;; *) sysfs_new=never ;; esac
host_name=$(hostname)
links() { ip -o link | awk '{print $2, $3}' | grep -v '^ve-hostile'; } # names and flags, but the container's own veth
# Mount points, types and sources; binfmt_misc is an automount that anything may trigger.
mounts() { awk '{ i = 7; while ($i != "-") i++; print $5, $(i + 1), $(i + 2) }' /proc/self/mountinfo | grep -v binfmt_misc | sort; }
host_links=$(links) host_mounts=$(mounts)
sysrq_count() { dmesg | grep -c 'sysrq: HELP' || true; }
shm_used() { df -k --output=used /dev/shm | tail -n1 | tr -d ' '; }
nodes() { find "$CTR_ROOT/tmp" /dev -maxdepth 2 -name 'ctr-hostile*' \( -type b -o -type c \) 2>/dev/null || true; }
blk=$(mountpoint -d "$CTR_ROOT") # a real disk (the tree's): the device node the payload tries to make

restore() { # put back what a payload changed on the host (called with errexit off)
        local s
        for s in $sysctls; do [ "$(cat "/proc/sys/$s")" = "${orig[$s]}" ] || echo "${orig[$s]}" >"/proc/sys/$s"; done
        [ "$(sysfs_val)" = "${orig[sysfs]}" ] || echo "${orig[sysfs]}" >/sys/$SYSFS
        [ "$(hostname)" = "$host_name" ] || hostname "$host_name"
        ip link del ctr-hostile0 2>/dev/null
        [ "$(links)" = "$host_links" ] || ip link set lo up
        findmnt -rn -S ctr-hostile-tmpfs -o TARGET | while read -r m; do umount -l "$m"; done
        rm -f "$SHM"-planted "$SHM"-fill /dev/mqueue/ctr-hostile-mq /dev/mqueue/ctr-hostile-hostq
        nodes | xargs -r rm -f
}
pty_pid=
at_exit() {
        set +e
        restore
        [ -z "$pty_pid" ] || kill "$pty_pid" 2>/dev/null
        rm -f "$SHM"-secret "$OUTSIDE" "$PTYLOG" "$OUT"
        rm -rf --one-file-system "$CTR_ROOT"/tmp/ctr-hostile*
        cleanup
}
trap at_exit EXIT

# Bait: a secret in the host's /dev/shm, a file outside the tree (world-readable, so that only the
# isolation protects it), a terminal of the host, a line in the kernel log.
echo "$secret" >"$SHM"-secret; chmod 0644 "$SHM"-secret
echo "$outside_text" >"$OUTSIDE"; chmod 0644 "$OUTSIDE"
echo "$kmsg_text" >/dev/kmsg
pts_now() { local p n=; for p in /dev/pts/[0-9]*; do [ ! -e "$p" ] || n+="${p#/dev/pts/} "; done; echo "$n"; }
host_pts=
if command -v script >/dev/null; then
        pts0=$(pts_now)
        script -qfc 'sleep 600' "$PTYLOG" </dev/null >/dev/null 2>&1 & # its terminal logs to $PTYLOG
        pty_pid=$!
        pts_grew() { [ "$(pts_now)" != "$pts0" ]; }
        wait_for 10 pts_grew || true
        host_pts=$(pts_now)
fi
echo "host: terminals: ${host_pts:-none}, sysfs attribute /sys/$SYSFS (${orig[sysfs]}), disk $blk"
eq "host: /sys/$SYSFS is root's and 0644" "$(stat -c %u:%a /sys/$SYSFS)" 0:644

# The payload (sh, in the tree): no line of it may start with "[" (the transient unit file would read a
# section header there). One line per attempt, "ATTEMPT NAME: blocked|SUCCEEDED|absent".
payload_body=$(cat <<'EOF'
attempt() { # attempt NAME COMMAND...: the command's exit status says whether the attack got through
        a=$1; shift
        if ("$@"); then echo "ATTEMPT $a: SUCCEEDED"; else echo "ATTEMPT $a: blocked"; fi
}
absent() { echo "ATTEMPT $1: absent"; }
has() { command -v "$1" >/dev/null; }
write() { echo "$1" >"$2"; }
O=/var/tmp/ctr-hostile-outside W=/tmp/ctr-hostile-w
mkdir -p $W
echo "INFO uid_map: $(head -n1 /proc/self/uid_map)"
echo "INFO cgroup: $(cat /proc/self/cgroup)"
attempt mount-tmpfs mount -t tmpfs ctr-hostile-tmpfs $W
mkdir -p $W/proc $W/cg $W/pts $W/sys $W/mnt

# As an attacker would: when a read-only mount is in the way, take it away if the container owns it (it
# does, for mounts made in a mount namespace delegated to it), and write again.
unshield() { umount "$1" 2>/dev/null && umount "$1" 2>/dev/null; true; }
force_write() { write "$1" "$2" 2>/dev/null || { unshield "$3"; write "$1" "$2"; }; }
set -- $SC # NAME FILE VALUE ...
while [ $# -ge 3 ]; do attempt "$1" force_write "$3" "$2" /proc/sys; shift 3; done
attempt sysrq force_write h /proc/sysrq-trigger /proc/sysrq-trigger
# A sysfs of its own if none is mounted: root inside owns its network namespace.
sysfs_write() {
        write "$SYSFS_NEW" /sys/$SYSFS 2>/dev/null && return 0
        unshield /sys
        test -e /sys/$SYSFS || mount -t sysfs sysfs /sys || mount -t sysfs sysfs $W/sys
        for d in /sys $W/sys; do [ -e $d/$SYSFS ] && write "$SYSFS_NEW" $d/$SYSFS && return 0; done
        return 1
}
attempt sysfs sysfs_write

own() { [ "$1" -ef /dev/console ]; } # the console is the unit's own terminal
foreign() { for p in /dev/pts/*; do [ "$p" = /dev/pts/ptmx ] || own "$p" || return 0; done; return 1; }
echo "INFO pts: $(ls /dev/pts | tr '\n' ' ')"
attempt pts-see foreign
mount -t devpts -o newinstance devpts $W/pts
pts_write() { # the host's terminals by their numbers, in /dev/pts and in a new devpts instance
        w=1
        for n in $HOSTPTS; do for d in /dev/pts $W/pts; do
                test -e $d/$n && ! own $d/$n && echo "$PTY_TEXT" >$d/$n && w=0
        done; done
        return $w
}
attempt pts-write pts_write

host_shm() { [ -e /dev/shm/ctr-hostile-secret ]; } # the host's /dev/shm is the one with its secret
shm_plant() { echo planted >/dev/shm/ctr-hostile-planted && host_shm; }
shm_fill() { dd if=/dev/zero of=/dev/shm/ctr-hostile-fill bs=1M count=64; host_shm; }
attempt shm-read cat /dev/shm/ctr-hostile-secret
attempt shm-plant shm_plant
attempt shm-fill shm_fill

node() { mknod "$1" "$2" "$3" "$4" && echo "INFO $1: made" && head -c 1 "$1" >/dev/null; } # make it, read it
attempt mknod-tmp node /tmp/ctr-hostile-disk b $BLK_MAJ $BLK_MIN
attempt mknod-dev node /dev/ctr-hostile-mem c 1 1
attempt mknod-tmpfs node $W/ctr-hostile-mem c 1 1

dotdot() { cd / && cat ../../..$O; }
newproc() { # a proc of its own: its PID namespace shows no host process to go through
        mount -t proc proc $W/proc || return 1
        r=1
        for p in $W/proc/[0-9]*; do cat $p/root$O 2>/dev/null && r=0; done
        return $r
}
disk() { for d in /dev/vda /dev/vdb /dev/sda /dev/sdb; do mount -t ext4 -o ro $d $W/mnt && return 0; done; return 1; }
attempt outside-proc1root cat /proc/1/root$O
attempt outside-dotdot dotdot
attempt outside-newproc newproc
attempt outside-disk disk

sleep 1001.5 &
sp=$!
cg_escape() { # move itself and a child to the root of a new cgroup2 mount, and to host paths if any show
        mount -t cgroup2 none $W/cg
        for f in $W/cg/cgroup.procs /sys/fs/cgroup/cgroup.procs /sys/fs/cgroup/system.slice/cgroup.procs; do
                test -e $f && { echo $sp >$f; echo $$ >$f; }
        done
        cat /proc/$$/cgroup /proc/$sp/cgroup
        grep -q '/\.\.' /proc/$$/cgroup /proc/$sp/cgroup # above the root of its cgroup namespace
}
attempt cgroup-escape cg_escape
echo PAUSE # the host looks at our processes' cgroups now
i=0
while [ ! -e /tmp/ctr-hostile-go ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill $sp

if has hostname; then attempt hostname hostname ctr-hostile-evil
else attempt hostname write ctr-hostile-evil /proc/sys/kernel/hostname; fi
if has ip; then
        attempt link-add ip link add ctr-hostile0 type dummy
        attempt link-down ip link set lo down
else
        absent link-add; absent link-down
fi
attempt clock date -s '2001-02-03 04:05:06'
attempt kmsg dd if=/dev/kmsg bs=8192 count=1
attempt dmesg dmesg
# Opening it is the test (reading would steal lines). What ProtectKernelLogs= mounts over it is an
# inaccessible file, not the kernel log: take it away first, and count it as blocked if it stays.
proc_kmsg() { unshield /proc/kmsg; ! mountpoint -q /proc/kmsg && dd if=/proc/kmsg of=/dev/null count=0; }
attempt proc-kmsg proc_kmsg
attempt umount umount /dev/shm
# The host's message queues: unmount its own /dev/mqueue, look for the queue the host made and create one
# in whatever lies below (a read-only /dev does not count as blocked if the host's queue shows).
mq_host() {
        umount -l /dev/mqueue; echo "INFO below /dev/mqueue: $(stat -f -c %T /dev/mqueue) $(ls /dev/mqueue | tr '\n' ' ')"
        test -e /dev/mqueue/ctr-hostile-hostq && return 0
        touch /dev/mqueue/ctr-hostile-mq && [ "$(stat -f -c %T /dev/mqueue)" = mqueue ]
}
attempt mqueue-host mq_host
# Last, as it takes the tree away: unmount the root it was given, then enter its own mount namespace
# anew (setns(), 308 on x86-64, with perl from the tree), whose root is then whatever lies below.
root_escape() {
        perl -e 'open(my $n, "<", "/proc/self/ns/mnt") or die "ns: $!";
                 system("umount", "-l", "/") == 0 or die "umount";
                 syscall(308, fileno($n), 0x20000) == 0 or die "setns: $!";
                 open(my $o, "<", shift) or die "open: $!"; print <$o>;' "$O"
}
# The classic chroot escape: chroot into a subdirectory with the working directory left outside it, climb
# with "..", and make that the root.
chroot_escape() {
        mkdir -p $W/jail
        perl -e 'chdir("/") or die; chroot(shift) or die "chroot: $!"; chdir("..") for 1..64;
                 chroot(".") or die "chroot: $!"; open(my $o, "<", shift) or die "open: $!"; print <$o>;' $W/jail "$O"
}
# What lies below its own /proc: unmount it and go through whatever processes the one below shows.
proc_below() {
        umount -l /proc || return 1
        echo "INFO below /proc: $(ls /proc | tr '\n' ' ' | cut -c1-200)"
        r=1
        for p in /proc/[0-9]*; do cat $p/root$O 2>/dev/null && r=0; done
        ! test -e /proc/sysrq-trigger || { echo "INFO below /proc: the host's sysrq-trigger"; r=0; }
        return $r
}
if has perl; then
        attempt outside-chroot chroot_escape
        attempt outside-procbelow proc_below
        attempt outside-rootescape root_escape
else
        absent outside-chroot; absent outside-procbelow; absent outside-rootescape
fi
echo DONE
EOF
)
sc= # a value other than the current one, valid for each
for s in $sysctls; do sc+=" sysctl-${s%%/*} /proc/sys/$s $(( ${orig[$s]} == 1 ? 2 : 1 ))"; done
payload="SC='$sc' SYSFS=$SYSFS SYSFS_NEW=$sysfs_new HOSTPTS='$host_pts' PTY_TEXT=$pty_text BLK_MAJ=${blk%:*} BLK_MIN=${blk#*:}
$payload_body"
dollars() { local d='$'; printf '%s' "${1//"$d"/"$d$d"}"; } # $ is literal for the manager as $$

# Attempts that must fail inside; and those on the container's own namespaces (owned by its user
# namespace with DelegateNamespaces=yes), which may work inside: for these only the host's view counts.
blocked_attempts="sysctl-kernel sysctl-vm sysctl-fs sysrq sysfs pts-see pts-write shm-read shm-plant shm-fill
        mknod-tmp mknod-dev mknod-tmpfs outside-proc1root outside-dotdot outside-newproc outside-disk outside-chroot outside-procbelow outside-rootescape cgroup-escape mqueue-host
        clock kmsg dmesg proc-kmsg"
own_ns_attempts="hostname link-add link-down mount-tmpfs umount"
own_ns() { case " $own_ns_attempts " in *" $1 "*) return 0 ;; esac; return 1; }

declare -A inside hostobs
obs() { local n=$1; shift; if "$@"; then hostobs[$n]=unchanged; else hostobs[$n]=CHANGED; fi; }
# attempt_out NAME: what the payload printed while trying NAME (since the attempt before it)
attempt_out() { awk -v a="ATTEMPT $1:" 'index($0, a) == 1 { printf "%s", buf; exit } /^ATTEMPT / { buf = ""; next } { buf = buf $0 "\n" }' "$OUT"; }
in_unit() { # in_unit UNIT: the payload's main process and its marked sleep are in the unit's cgroup
        local p cg n=0
        for p in "$(prop "$1" MainPID)" $(grep -lxz '1001[.]5' /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
                cg=$(cat "/proc/$p/cgroup" 2>/dev/null) || return 1
                echo "host: PID $p: $cg"
                case $cg in "0::/system.slice/$1" | "0::/system.slice/$1/"*) n=$((n + 1)) ;; *) return 1 ;; esac
        done
        [ $n -ge 2 ]
}
clock_kept() { # clock_kept WALL0 UPTIME0: the wall clock moved as the uptime did since, within 10s
        local d=$(( ($(date +%s) - $1) - ($(cut -d. -f1 /proc/uptime) - $2) ))
        [ $d -ge -10 ] && [ $d -le 10 ]
}
attack() { # attack UNIT: the payload in UNIT with "${recipe[@]}"; fills inside[] and hostobs[]
        local u=$1 pid rc=0 s r w0 u0 sysrq0 shm0 out
        cleanup_units+=("$u")
        inside=() hostobs=()
        sysrq0=$(sysrq_count) shm0=$(shm_used) w0=$(date +%s) u0=$(cut -d. -f1 /proc/uptime)
        rm -f "$GO" "$OUT" # not to see the PAUSE of the run before
        touch /dev/mqueue/ctr-hostile-hostq # a queue of the host's, for mqueue-host to look for
        timeout 120 systemd-run --wait --pipe --quiet --unit="$u" "${recipe[@]}" \
                /bin/sh -c "$(dollars "$payload")" >"$OUT" 2>&1 </dev/null &
        pid=$!
        hostobs[cgroup-escape]=CHANGED
        if wait_for 90 grep -q '^PAUSE' "$OUT" && in_unit "$u"; then hostobs[cgroup-escape]=unchanged; fi
        touch "$GO"
        wait $pid || rc=$?
        systemctl stop "$u" 2>/dev/null || true
        cat "$OUT"
        echo "$u: systemd-run exited with $rc"
        out=$(cat "$OUT")
        while read -r s r; do inside[$s]=$r; done < <(sed -n 's/^ATTEMPT \([^:]*\): \(.*\)$/\1 \2/p' "$OUT")

        for s in $sysctls; do obs "sysctl-${s%%/*}" test "$(cat "/proc/sys/$s")" = "${orig[$s]}"; done
        obs sysrq test "$(sysrq_count)" = "$sysrq0"
        obs sysfs test "$(sysfs_val)" = "${orig[sysfs]}"
        for s in pts-see pts-write; do obs $s lacks "$pty_text" "$(cat "$PTYLOG" 2>/dev/null)"; done
        obs shm-read lacks "$secret" "$out"
        obs shm-plant test ! -e "$SHM"-planted
        obs shm-fill test ! -e "$SHM"-fill -a "$(shm_used)" -lt $(( shm0 + 32768 ))
        for s in mknod-tmp mknod-dev mknod-tmpfs; do obs $s test -z "$(nodes)"; done
        for s in proc1root dotdot newproc disk chroot procbelow rootescape; do obs outside-$s lacks "$outside_text" "$(attempt_out outside-$s)"; done
        obs mqueue-host test ! -e /dev/mqueue/ctr-hostile-mq -a -z "$(attempt_out mqueue-host | grep ctr-hostile-hostq)"
        obs hostname test "$(hostname)" = "$host_name"
        for s in link-add link-down; do obs $s test "$(links)" = "$host_links"; done
        for s in mount-tmpfs umount; do obs $s test "$(mounts)" = "$host_mounts"; done
        obs clock clock_kept "$w0" "$u0"
        [ "${hostobs[clock]}" = unchanged ] || date -s "@$(( w0 + $(cut -d. -f1 /proc/uptime) - u0 ))" >/dev/null || true
        for s in kmsg dmesg proc-kmsg; do obs $s lacks "$kmsg_text" "$out"; done
        restore || true
        rm -rf --one-file-system "$CTR_ROOT"/tmp/ctr-hostile*
}
skip_reason() { # skip_reason ATTEMPT: why it cannot be judged here (empty if it can)
        case ${inside[$1]:-} in absent) echo "$1: the tree lacks what it needs"; return ;; esac
        case $1 in
        pts-*) [ -n "$host_pts" ] || echo "$1: the host has no terminal (util-linux script missing?)" ;;
        dmesg) [ "$(cat /proc/sys/kernel/dmesg_restrict)" = 1 ] ||
                echo "dmesg: kernel.dmesg_restrict=0 here: any host user may read the kernel log" ;;
        esac
}

echo "== the recipe (PrivateUsers=managed): every attempt fails, the host is unchanged"
container_recipe hostile
attack ctr-hostile.service
check "the payload ran to its end" grep -qx DONE "$OUT"
uid_base=$(sed -n 's/^INFO uid_map: *0 *\([0-9]*\) .*/\1/p' "$OUT")
check "inside: root is not the host's root (it is UID ${uid_base:-?})" test "${uid_base:-0}" -ne 0
eq "inside: its cgroup, as it sees it" "$(sed -n 's/^INFO cgroup: //p' "$OUT")" 0::/init.scope
eq "inside: /dev/pts holds only its own ptmx" "$(sed -n 's/^INFO pts: //p' "$OUT")" "ptmx "
declare -A recipe_result
for a in $blocked_attempts $own_ns_attempts; do
        why=$(skip_reason "$a")
        if [ -n "$why" ]; then skip_check "$why"; recipe_result[$a]=skipped; continue; fi
        if own_ns "$a"; then
                echo "info: $a, in its own namespace: ${inside[$a]:-missing}"
        else
                eq "inside: $a" "${inside[$a]:-missing}" blocked
        fi
        eq "host: unchanged after $a" "${hostobs[$a]:-unobserved}" unchanged
        recipe_result[$a]=$(if [ "${hostobs[$a]:-}" != unchanged ]; then echo REACHED
                elif own_ns "$a"; then echo contained
                elif [ "${inside[$a]:-}" = blocked ]; then echo blocked; else echo REACHED; fi)
done

echo "== PrivateUsers=full with its hardening, for comparison (not checked; the host is put back)"
container_recipe_full hostile-full
attack ctr-hostile-full.service
# Not checked attempt by attempt, but the table means nothing unless the payload ran.
check "PrivateUsers=full variant: the payload ran to its end" grep -qx DONE "$OUT"
for a in $blocked_attempts $own_ns_attempts; do
        if [ -n "$(skip_reason "$a")" ]; then r=skipped
        elif [ "${hostobs[$a]:-}" != unchanged ]; then r=reached
        elif own_ns "$a"; then r=contained
        elif [ "${inside[$a]:-}" = blocked ]; then r=blocked
        else r=reached; fi
        echo "table: $a | recipe: ${recipe_result[$a]} | full+hardening: $r"
done
echo "container-hostile: all checks passed"
