#!/bin/bash
# Our port of upstream's test/units/TEST-07-PID1.transient-unit-container.sh (systemd/systemd, version
# d27b327a4edb): systemd booted as a transient unit with upstream's container settings runs a one-shot
# service inside, which writes a file into a directory bound in from the host and then ends the
# container with "systemctl exit 0"; systemd-run --wait returns 0 and the file is on the host.
#
# Upstream's root is an empty tmpfs with the host's /usr bound in read-only, so the container boots the
# host's own systemd with an /etc holding nothing but the machine ID and the one unit. Ours, as for our
# other container tests, is our Debian 12 tree (lib.sh's container_tree), as a writable overlay (upper
# layer on a tmpfs) with the tree's own check unit disabled in it, so the tree itself is not changed.
# The rest (the helper procfs, the machine ID, the inner unit, the systemd-run line) is upstream's,
# less BindLogSockets=, which 252 lacks.
. "$(dirname "$0")/lib.sh"

T=transient-unit-container
TEST_NAME=TEST-07-PID1.transient-unit-container
OUTPUT_FILE=test-service-output
EXPECTED_OUTPUT="Test service is running"
CONTAINER_ROOT_FS=$(mktemp -u -d --tmpdir "$TEST_NAME-root-XXXX")
HOST_OUT_DIR=$(mktemp -u -d --tmpdir test-dir-XXXX)
CONTAINER_MOUNT_DIR=/$TEST_NAME
UNIT=$TEST_NAME.service
cleanup_units+=("$UNIT")

CLEANUP_MOUNTS=()
CLEANUP_PATHS=()
at_exit() {
        set +e
        cleanup # stops the unit first, if it is still running
        for m in "${CLEANUP_MOUNTS[@]}"; do umount "$m"; done
        rm -rf "${CLEANUP_PATHS[@]}"
}
trap at_exit EXIT

# 1) the host's directory for the output file; 2) a procfs instance nothing is mounted over (upstream
# needs it so that the payload can mount its /proc; see private-pids); 3) the container's root.
make_mounts() {
        local helper_proc
        mkdir -p "$HOST_OUT_DIR"
        CLEANUP_PATHS+=("$HOST_OUT_DIR")

        helper_proc=$(mktemp -d --tmpdir helper-proc-XXXX)
        CLEANUP_PATHS+=("$helper_proc")
        mount -t proc proc "$helper_proc"
        CLEANUP_MOUNTS+=("$helper_proc")

        container_tree
        modprobe -q overlay || true
        mkdir -p "$CONTAINER_ROOT_FS" "$CONTAINER_ROOT_FS.rw"
        CLEANUP_PATHS+=("$CONTAINER_ROOT_FS" "$CONTAINER_ROOT_FS.rw")
        mount -t tmpfs tmpfs "$CONTAINER_ROOT_FS.rw"
        CLEANUP_MOUNTS=("$CONTAINER_ROOT_FS.rw" "${CLEANUP_MOUNTS[@]}")
        mkdir "$CONTAINER_ROOT_FS.rw/upper" "$CONTAINER_ROOT_FS.rw/work"
        mount -t overlay overlay \
                -o "lowerdir=$CTR_ROOT,upperdir=$CONTAINER_ROOT_FS.rw/upper,workdir=$CONTAINER_ROOT_FS.rw/work" \
                "$CONTAINER_ROOT_FS"
        CLEANUP_MOUNTS=("$CONTAINER_ROOT_FS" "${CLEANUP_MOUNTS[@]}") # unmounted before its upper layer
        rm -f "$CONTAINER_ROOT_FS/etc/systemd/system/multi-user.target.wants/ctr-check.service"
}

# The unit the container's systemd runs: it writes the output file and ends the container.
config_container_service() {
        local dir=$CONTAINER_ROOT_FS/etc/systemd/system
        mkdir -p "$dir"
        # A random machine ID of its own (upstream uses uuidgen, which our VM does not have).
        systemd-id128 new >"$CONTAINER_ROOT_FS/etc/machine-id"
        printf '%s\n' \
                '[Unit]' \
                'Description=Test Service for Internal Systemd' \
                'After=basic.target' \
                '' \
                '[Service]' \
                'Type=oneshot' \
                "ExecStart=sh -c 'echo \"$EXPECTED_OUTPUT\"  > \"$CONTAINER_MOUNT_DIR/$OUTPUT_FILE\"'" \
                'ExecStartPost=systemctl --no-block exit 0' \
                'TimeoutStopSec=15s' \
                '' \
                '[Install]' \
                'WantedBy=multi-user.target' >"$dir/test-service.service"
        systemctl --root="$CONTAINER_ROOT_FS" enable test-service.service
}

make_mounts
config_container_service

skip_check "$T: -p BindLogSockets=no: the setting is v257, systemd 252 lacks it (left out of the systemd-run line below)"
rc=0
timeout 420 env SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console \
        systemd-run \
        --unit "$UNIT" \
        --wait \
        -p RootDirectory="$CONTAINER_ROOT_FS" \
        -p PrivatePIDs=yes \
        -p PrivateUsersEx=full \
        -p ProtectHostname=private \
        -p ProtectControlGroupsEx=private \
        -p PrivateMounts=yes \
        -p PrivateNetwork=yes \
        -p PrivateDevices=yes \
        -p PrivateIPC=yes \
        -p "Environment=container=transient-unit" \
        -p "CapabilityBoundingSet=~CAP_SYS_TIME CAP_SYS_BOOT CAP_AUDIT_READ" \
        -p Type=exec \
        -p Delegate=true \
        -p DelegateSubgroup=init.scope \
        -p DelegateNamespaces=yes \
        -p BindPaths="$HOST_OUT_DIR:$CONTAINER_MOUNT_DIR" \
        /usr/lib/systemd/systemd multi-user.target || rc=$?
if [ "$rc" != 0 ]; then
        journalctl -u "$UNIT" --no-pager -o cat | tail -n 60
fi
eq "$T: the container booted, ran its unit, and systemd-run --wait returned its exit status 0" "$rc" 0
eq "$T: the unit inside wrote the file into the directory bound in from the host" \
        "$(cat "$HOST_OUT_DIR/$OUTPUT_FILE")" "$EXPECTED_OUTPUT"
echo "upstream-transient-unit-container: all checks passed ($skipped_checks skipped)"
