#!/usr/bin/env bash
# Install what the build and the VM tests need on a Debian 12 host. Idempotent: a second
# run that finds everything in place does nothing but check.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || die "setup-host.sh must run as root (it installs packages)"
grep -q '^VERSION_CODENAME=bookworm' /etc/os-release || warn "this host is not Debian 12 (bookworm); continuing anyway"

# The mirrors this machine's apt already uses; we add deb-src and backports for the same ones.
apt_uris() {
        local suite=$1
        cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v s="$suite" '
                /^Types:/ { uri=""; ok=0; deb=($0 ~ /[[:space:]]deb([[:space:]]|$)/) }
                /^URIs:/ { uri=$2 }
                /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) ok=1 }
                deb && ok && uri != "" { print uri; ok=0 }' || true
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
                awk -v s="$suite" '$1 == "deb" && $3 == s { print $2 }' || true
}

MIRROR=$(apt_uris bookworm | head -n1)
SECMIRROR=$(apt_uris bookworm-security | head -n1)
[ -n "$MIRROR" ] || die "cannot find the bookworm mirror in this machine's apt sources"

SRCFILE=/etc/apt/sources.list.d/systemd-ctr.sources
want=$(cat <<EOS
# Added by systemd-ctr scripts/setup-host.sh: sources for the base, backports for mkosi.
Types: deb-src
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
${SECMIRROR:+
Types: deb-src
URIs: $SECMIRROR
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
}
Types: deb
URIs: $MIRROR
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
)
need_update=0
if [ "$(cat "$SRCFILE" 2>/dev/null)" != "$want" ]; then
        msg "Adding deb-src and bookworm-backports entries ($SRCFILE)"
        printf '%s\n' "$want" >"$SRCFILE"
        need_update=1
fi
stamp=$CACHE/apt-updated
if [ $need_update -eq 1 ] || [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +720)" ]; then
        msg "apt-get update"
        apt-get update -qq
        touch "$stamp"
fi

export DEBIAN_FRONTEND=noninteractive
PKGS=(git ccache quilt dpkg-dev devscripts build-essential fakeroot
      qemu-system-x86 qemu-utils cpio zstd bubblewrap debian-archive-keyring
      rsync file procps python3 python3-lxml lintian debootstrap e2fsprogs)
missing=()
for p in "${PKGS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
        msg "Installing: ${missing[*]}"
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Build dependencies of Debian's systemd (checked cheaply with dpkg-checkbuilddeps once the
# source is unpacked; before that, apt-get build-dep by name).
if ! [ -f "$CACHE/build-deps-ok" ]; then
        msg "Installing systemd's build dependencies (apt-get build-dep systemd)"
        apt-get build-dep -y -qq systemd
        touch "$CACHE/build-deps-ok"
fi

# mkosi: the bookworm one (14) is too old; 24.x comes from bookworm-backports.
mk_ver=$(dpkg-query -W -f='${Version}' mkosi 2>/dev/null || true)
if [ -z "$mk_ver" ] || dpkg --compare-versions "$mk_ver" lt 24; then
        msg "Installing mkosi from bookworm-backports"
        apt-get install -y -qq -t bookworm-backports mkosi
fi
msg "Host setup complete (mkosi $(dpkg-query -W -f='${Version}' mkosi))"
