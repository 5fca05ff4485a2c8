#!/usr/bin/env bash
# Boot the test VM with the current build as PID 1 and run a host-side script in it as root.
#   vm-run.sh SCRIPT [ARG...]
# Shows the script's output live and exits with its exit status. A VM that hangs (TIMEOUT
# seconds, default 900) or whose kernel panics ends as a failure (exit 124 / 125) with the tail
# of the serial log. Every run keeps its logs in $CACHE/runs/<id>/ ($CACHE/runs/last points
# to the newest): console.log (serial console), output.log (the script's output),
# journal.txt (the guest's journal), status.
. "$(dirname "$0")/lib.sh"

script=${1:?usage: vm-run.sh SCRIPT [ARG...]}
shift
[ -f "$script" ] || die "no such script: $script"
TIMEOUT=${TIMEOUT:-900}
# VM_KERNEL / VM_INITRD boot another image (the packaging test does).
KERNEL=${VM_KERNEL:-$CACHE/vm/out/ctr-test.vmlinuz}
INITRD=${VM_INITRD:-$CACHE/vm/out/ctr-test.cpio}
[ -f "$INITRD" ] || die "no VM image $INITRD; run scripts/vm-image.sh (make vm-run does)"

id=$(date +%Y%m%d-%H%M%S)-$$
run=$CACHE/runs/$id
share=$run/share
mkdir -p "$share/work"
ln -sfn "$id" "$CACHE/runs/last"
# Keep the last 20 runs.
ls -1d "$CACHE"/runs/2* 2>/dev/null | head -n -20 | xargs -r rm -rf
cp "$script" "$share/script"
printf '%s\n' "$@" >"$share/args"
# Optional extra files for the script (e.g. test units): VM_FILES="dir1 dir2" is copied to
# /ctr/work in the guest, which is the script's working directory.
for f in ${VM_FILES:-}; do cp -a "$f" "$share/work/"; done
# Optional disk images: VM_DISKS="img1 img2" become virtio disks /dev/vda, /dev/vdb, ... in
# snapshot mode, so the guest may write to them but the files on the host never change.
disks=()
for d in ${VM_DISKS:-}; do
        [ -f "$d" ] || die "no such disk image: $d"
        disks+=(-drive "file=$d,if=virtio,format=raw,snapshot=on")
done
: >"$run/console.log" >"$run/output.log"

cmdline="console=ttyS0,115200 panic=-1 oops=panic softlockup_panic=1 systemd.show_status=error systemd.firstboot=no rw"
# cgroup v2 unless the caller asks for another hierarchy in VM_CMDLINE.
[[ "${VM_CMDLINE:-}" == *systemd.unified_cgroup_hierarchy* ]] || cmdline+=" systemd.unified_cgroup_hierarchy=1"
cmdline+=" ${VM_CMDLINE:-}"
qemu=(qemu-system-x86_64 -machine q35,accel=tcg -cpu max -smp "${VM_CPUS:-2}" -m "${VM_MEM:-4096}"
      -display none -no-reboot -monitor none -nic none
      -kernel "$KERNEL" -initrd "$INITRD" -append "$cmdline"
      -device isa-debug-exit,iobase=0xf4,iosize=0x04
      -virtfs "local,path=$share,mount_tag=ctr,security_model=none,id=ctr"
      -serial "file:$run/console.log" -serial "file:$run/output.log" "${disks[@]}")

msg "Booting the VM (run $id, timeout ${TIMEOUT}s)"
start=$(date +%s)
timeout --foreground -k 10 "$TIMEOUT" "${qemu[@]}" </dev/null >"$run/qemu.log" 2>&1 &
qpid=$!
tail -n +1 -f --pid=$qpid "$run/output.log" &
tpid=$!
qrc=0
wait $qpid || qrc=$?
wait $tpid 2>/dev/null || true
took=$(( $(date +%s) - start ))

tail_console() {
        echo "---- last 40 lines of the serial console ($run/console.log) ----" >&2
        tail -n 40 "$run/console.log" | sed 's/\r$//' >&2
        echo "---- end of serial console; journal (if any): $run/share/journal.txt ----" >&2
}

if [ -f "$share/status" ]; then
        rc=$(cat "$share/status")
        echo "$rc" >"$run/status"
        msg "VM run finished in ${took}s: script exit status $rc (logs: $run)"
        exit "$rc"
fi
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
        echo "ERROR: the VM did not finish within ${TIMEOUT}s (hung?); killed. Logs: $run" >&2
        tail_console
        echo 124 >"$run/status"
        exit 124
fi
echo "ERROR: the VM ended (qemu exit $qrc after ${took}s) without reporting a status: kernel panic, crash or power-off. Logs: $run" >&2
cat "$run/qemu.log" >&2
tail_console
echo 125 >"$run/status"
exit 125
