#!/bin/bash
# Our systemd is PID 1 in the VM and runs a sandboxed transient service end to end,
# checked from inside the unit (its own view) and from the host (the manager's view).
set -eu
tag=$(systemctl --version | sed -n '1s/.*(\(.*\)).*/\1/p')
echo "version tag: $tag"
[[ "$tag" == *+ctr* ]] || { echo "PID 1 is not our build: $tag"; exit 1; }
[ "$(cat /proc/1/comm)" = systemd ] || { echo "PID 1 is $(cat /proc/1/comm)"; exit 1; }
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || { echo "not on the unified cgroup hierarchy"; exit 1; }

# Inside: /usr is read-only and /tmp is private.
out=$(systemd-run --wait --pipe --quiet -p ProtectSystem=strict -p PrivateTmp=yes \
        bash -c 'touch /usr/x 2>/dev/null && echo usr-writable || echo usr-ro; touch /tmp/in-unit; echo tmp-ok')
echo "$out"
grep -qx usr-ro <<<"$out"
grep -qx tmp-ok <<<"$out"
[ ! -e /tmp/in-unit ] || { echo "PrivateTmp leaked a file to the host"; exit 1; }

# Host side: the manager reports the exit status of a failing unit.
systemd-run --wait --quiet --unit=ctr-smoke-fail bash -c 'exit 7' && { echo "exit 7 not reported"; exit 1; }
st=$(systemctl show -P ExecMainStatus ctr-smoke-fail.service)
res=$(systemctl show -P Result ctr-smoke-fail.service)
echo "host view: ExecMainStatus=$st Result=$res"
[ "$st" = 7 ] && [ "$res" = exit-code ]
systemctl reset-failed ctr-smoke-fail.service
echo "smoke ok"
