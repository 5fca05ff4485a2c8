#!/bin/bash
# The demo, run inside the VM: each command is shown with a "$ " prompt, then its output.
set -u
run() { printf '\n$ %s\n' "$*"; "$@"; }
say() { printf '\n# %s\n' "$*"; }

say "The VM's PID 1 is our build of Debian's systemd:"
run systemctl --version
run ps -o pid,comm -p 1

say "A transient service with a sandbox: read-only OS, private /tmp, no network, a dynamic user."
run systemd-run --wait --pipe --quiet \
        -p ProtectSystem=strict -p PrivateTmp=yes -p PrivateNetwork=yes -p DynamicUser=yes \
        -p ProtectHome=yes -p NoNewPrivileges=yes \
        bash -c 'id; echo "links: $(ls /sys/class/net | tr "\n" " ")"; touch /usr/x 2>&1 | sed "s/^/  /"; echo "cgroup: $(cat /proc/self/cgroup)"'

say "The manager's view of a finished unit:"
run systemd-run --wait --unit=demo-exit -p ProtectSystem=strict bash -c 'exit 3'
run systemctl show -p Result -p ExecMainStatus demo-exit.service
systemctl reset-failed demo-exit.service 2>/dev/null
exit 0
