# Helpers for the integration tests (run inside the test VM as root). Sourced.
set -eu
# With CTR_KEEP_GOING=1 a failed check does not end the script: every check runs, and the script fails
# at the end if any did (to see all that fail, say on an older series).
failures=0
fail() {
        echo "FAIL: $*" >&2
        [ -n "${CTR_KEEP_GOING:-}" ] || exit 1
        failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...: run the command, fail with the description if it fails
        local what=$1; shift
        if "$@"; then echo "ok: $what"; else fail "$what"; fi
}
eq() { # eq DESCRIPTION GOT WANT
        if [ "$2" = "$3" ]; then echo "ok: $1 ($2)"; else fail "$1: got '$2', want '$3'"; fi
}
skipped_checks=0
skip_check() { # skip_check REASON: a check that cannot run on our base (logged, counted, not failed)
        skipped_checks=$((skipped_checks + 1))
        echo "skip: $*"
}
prop() { systemctl show -P "$2" "$1"; }
lacks() { ! grep -qE "$1" <<<"$2"; } # lacks REGEX TEXT
wait_for() { # wait_for SECONDS COMMAND...: poll until the command succeeds
        local n=$(( $1 * 10 )); shift
        while ! "$@" 2>/dev/null; do
                n=$((n - 1)); [ $n -gt 0 ] || return 1
                sleep 0.1
        done
}
unit_dead() { ! systemctl is-active -q "$1"; }
# refused SETTING=VALUE REGEX: systemd-run must refuse the property, with a message matching REGEX
refused() {
        local out
        out=$(systemd-run --wait -p "$1" true 2>&1) && fail "systemd-run accepted $1"
        echo "$out"
        check "$1 refused, naming setting and value" grep -q -- "$2" <<<"$out"
}
# verify_reports NAME BODY REGEX...: systemd-analyze verify of a unit file with BODY in [Service]
# must report each REGEX
verify_reports() {
        local name=$1 body=$2 out r; shift 2
        mkdir -p /run/systemd/system
        printf '[Service]\n%s\nExecStart=/bin/true\n' "$body" >/run/systemd/system/$name
        out=$(systemd-analyze verify /run/systemd/system/$name 2>&1 || true)
        rm -f /run/systemd/system/$name
        echo "$out"
        for r in "$@"; do
                check "unit file: reported: $r" grep -q -- "$r" <<<"$out"
        done
}
# exposure_score NAME: systemd-analyze security's overall exposure of /run/systemd/system/NAME
exposure_score() { systemd-analyze security --offline=yes "/run/systemd/system/$1" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p'; }
cleanup_units=()
cleanup() {
        for u in "${cleanup_units[@]}"; do
                systemctl stop "$u" 2>/dev/null || true
                systemctl reset-failed "$u" 2>/dev/null || true
        done
        # Units that systemd-run --wait left failed on purpose.
        systemctl reset-failed 'run-u*.service' 2>/dev/null || true
        if [ "$failures" -gt 0 ]; then
                echo "$failures checks failed"
                exit 1
        fi
}
trap cleanup EXIT

# The Debian 12 tree for the container tests: scripts/container-tree.sh builds it with
# debootstrap and the VM gets it as a disk (snapshot mode), mounted here.
CTR_ROOT=/var/lib/machines/debian
container_tree() {
        if ! mountpoint -q $CTR_ROOT; then
                local dev
                dev=$(blkid -L ctr-debian) || fail "no disk labelled ctr-debian (scripts/container-tree.sh, VM_DISKS)"
                modprobe -q ext4 || true
                mkdir -p $CTR_ROOT
                mount "$dev" $CTR_ROOT
        fi
        # The test unit, the one addition to the stock tree.
        install -m 0644 "$(dirname "${BASH_SOURCE[0]}")/../container/ctr-check.service" $CTR_ROOT/etc/systemd/system/
        ln -sf ../ctr-check.service $CTR_ROOT/etc/systemd/system/multi-user.target.wants/ctr-check.service
        rm -rf $CTR_ROOT/var/lib/ctr-check
}
# The recipe of docs/system-containers.md, as systemd-run properties: container_recipe HOSTNAME [USERS]
# USERS is the PrivateUsers= value: managed (the recipe) or full (the variant for trusted payloads,
# see container_recipe_full).
container_recipe() {
        recipe=(-p Type=exec -p RootDirectory=$CTR_ROOT
                -p PrivatePIDs=yes -p "PrivateUsers=${2:-managed}" -p "ProtectHostname=private:$1"
                -p ProtectControlGroups=private -p Delegate=yes -p DelegateSubgroup=init.scope
                -p DelegateNamespaces=yes -p VirtualEthernet=yes -p PrivateIPC=yes -p PrivateDevices=yes -p PrivateConsole=yes
                -p RegisterMachine=yes -p "MachineName=$1" -p KillMode=mixed -p KillSignal=SIGRTMIN+3)
}
# The PrivateUsers=full variant with the hardening systemd.exec(5) recommends for it.
container_recipe_full() {
        container_recipe "$1" full
        recipe+=(-p ProtectKernelTunables=yes -p ProtectKernelLogs=yes -p ProtectKernelModules=yes
                 -p ProtectClock=yes)
}
# A lingering user's manager, up and down. Stopping user@UID.service behind logind's back leaves logind's
# record of the user "started" for UserStopDelaySec= (10 s), and an enable-linger in that window starts
# nothing: so the user is terminated through logind, and the start asks for the unit itself too.
user_manager_up() { # user_manager_up USER
        local uid; uid=$(id -u "$1")
        loginctl enable-linger "$1"
        systemctl start "user@$uid.service"
        wait_for 60 systemctl is-active -q "user@$uid.service" || fail "timed out (60s): systemctl is-active -q user@uid.service"
}
user_manager_down() { # user_manager_down USER
        loginctl disable-linger "$1" 2>/dev/null || true
        loginctl terminate-user "$1" 2>/dev/null || true
        systemctl stop "user@$(id -u "$1").service" 2>/dev/null || true
}
# report_value KEY: a value from the inner check unit's report
report_value() { sed -n "s/^$1=//p" $CTR_ROOT/var/lib/ctr-check/report; }
# For the ports of upstream's tests: upstream's minimal_0.raw test image (an OS tree whose os-release has
# MARKER=1) is a writable overlay of our Debian 12 tree with that marker added; the tree is not changed.
overlay_root() { # overlay_root DIR
        container_tree
        modprobe -q overlay || true
        mkdir -p "$1" "$1.rw"
        mount -t tmpfs tmpfs "$1.rw"
        mkdir "$1.rw/upper" "$1.rw/work"
        mount -t overlay overlay -o "lowerdir=$CTR_ROOT,upperdir=$1.rw/upper,workdir=$1.rw/work" "$1"
        echo MARKER=1 >>"$1/etc/os-release"
        mkdir -p "$1/usr/include" # InaccessiblePaths=/usr/include needs it to exist
}
