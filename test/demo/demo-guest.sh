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

# ---- The showcase: a whole Debian 12 booted by systemd-run, no container manager involved. ----
root=/var/lib/machines/debian
modprobe -q ext4 || true
mkdir -p $root
mountpoint -q $root || mount "$(blkid -L ctr-debian)" $root || { echo "no Debian tree (disk ctr-debian)"; exit 1; }
say "A stock Debian 12 tree (debootstrap bookworm, nothing added) in $root:"
run cat $root/etc/debian_version
say "Boot it as a unit: one systemd-run line (docs/system-containers.md explains each property)."
run systemd-run --unit=debian -p Type=exec -p RootDirectory=$root \
        -p PrivatePIDs=yes -p PrivateUsers=managed -p ProtectHostname=private:debian \
        -p ProtectControlGroups=private -p Delegate=yes -p DelegateSubgroup=init.scope \
        -p DelegateNamespaces=yes -p PrivateNetwork=yes -p PrivateIPC=yes -p PrivateDevices=yes -p PrivateConsole=yes \
        -p Environment=container=debian -p KillMode=mixed -p KillSignal=SIGRTMIN+3 \
        /usr/lib/systemd/systemd
pid=$(systemctl show -P MainPID debian.service)
# Wait until the inner systemd has finished starting up.
for _ in $(seq 600); do
        st=$(nsenter -t "$pid" -a systemctl is-system-running 2>/dev/null) && break
        [ "$st" = degraded ] && break
        sleep 0.2
done
say "Its boot, as the container's console showed it (journalctl -u on the host):"
run journalctl -u debian.service --no-pager -o cat
say "Inside (nsenter into its namespaces): systemd is PID 1, in its own cgroup namespace, with its own hostname."
run nsenter -t "$pid" -a systemctl is-system-running
run nsenter -t "$pid" -a hostname
run nsenter -t "$pid" -a cat /proc/1/cgroup
run nsenter -t "$pid" -a ps -e -o pid,ppid,user,cmd
run nsenter -t "$pid" -a ip -br link
say "Outside: the same processes, with host PIDs (its PID 1 and that one's children):"
run ps -o pid,ppid,user,cmd -p "$pid" --ppid "$pid"
run grep NSpid /proc/"$pid"/status
say "Root inside is a UID range of its own on the host (PrivateUsers=managed); the tree on disk keeps its owners:"
run systemctl show -p UIDShift debian.service
run cat /proc/"$pid"/uid_map
run stat -c '%U:%G %n' $root/etc/passwd
run systemctl status --no-pager --lines=0 debian.service
say "The host keeps its hostname and links:"
run hostname
run ip -br link
say "Stop it: SIGRTMIN+3 to its systemd, which shuts the system down in order."
run systemctl stop debian.service
run journalctl -u debian.service --no-pager -o cat -n 8
run systemctl show -p Result -p ActiveState debian.service

say "The same tree as a machine: the template systemd-container@.service, started through machinectl."
run machinectl --runner=container start debian
run machinectl list
run machinectl status debian --no-pager -n 5
say "A shell inside, through systemd-machined (and no systemd-nspawn anywhere):"
run machinectl -q shell debian /usr/bin/id
run sh -c 'pgrep -x systemd-nspawn || echo "no systemd-nspawn process"'
run systemctl -M debian is-system-running
say "Power it off like an nspawn container:"
run machinectl poweroff debian
for _ in $(seq 300); do systemctl is-active -q systemd-container@debian.service || break; sleep 0.2; done
run systemctl show -p Result -p ActiveState systemd-container@debian.service
run machinectl list
exit 0
