#!/bin/bash
# The demo, run inside the VM: each command is shown with a "$ " prompt, then its output.
set -u
# Show a command as one would type it: arguments with spaces or shell characters in single quotes.
show() {
        local a out=
        for a in "$@"; do
                if [[ "$a" =~ [[:space:]\"\$\&\;\|\'\(\)] ]]; then
                        out+=" '${a//\'/\'\\\'\'}'"
                else
                        out+=" $a"
                fi
        done
        printf '\n$%s\n' "$out"
}
run() { show "$@"; "$@"; }
say() { printf '\n# %s\n' "$*"; }

say "The VM's PID 1 is our build of Debian's systemd:"
run systemctl --version
run ps -o pid,comm -p 1

say "A transient service with a sandbox: read-only OS, private /tmp, no network, a dynamic user."
run systemd-run --wait --pipe --quiet \
        -p ProtectSystem=strict -p PrivateTmp=yes -p PrivateNetwork=yes -p DynamicUser=yes \
        -p ProtectHome=yes -p NoNewPrivileges=yes \
        bash -c 'id; echo "links: $(ls /sys/class/net | tr "\n" " ")"; touch /usr/x 2>&1 | sed "s/^/  /"; echo "cgroup: $(cat /proc/self/cgroup)"'

say "PrivatePIDs=yes: the payload is PID 1 of its own PID namespace and sees only its own processes."
run systemd-run --wait --pipe --quiet -p PrivatePIDs=yes \
        bash -c 'sleep 30 & ps -e -o pid,ppid,comm; kill $!'

say "The manager keeps tracking it by its PID on the host:"
run systemd-run --quiet --unit=demo-pidns -p PrivatePIDs=yes \
        bash -c 'trap "echo stopping; exit 0" TERM; sleep infinity & wait'
sleep 1
pid=$(systemctl show -P MainPID demo-pidns.service)
run systemctl show -p MainPID -p PrivatePIDs demo-pidns.service
run grep NSpid /proc/"$pid"/status
run systemctl status --no-pager --lines=0 demo-pidns.service
run systemctl stop demo-pidns.service
run systemctl show -p Result demo-pidns.service

say "The manager's view of a finished unit:"
run systemd-run --wait --unit=demo-exit -p ProtectSystem=strict -p PrivatePIDs=yes bash -c 'exit 3'
run systemctl show -p Result -p ExecMainStatus demo-exit.service
systemctl reset-failed demo-exit.service 2>/dev/null
exit 0
