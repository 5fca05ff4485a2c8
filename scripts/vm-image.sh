#!/usr/bin/env bash
# Build (or reuse) the test VM image: Debian 12 from Debian's packages, with our build and
# vm/extra laid over it. Prints nothing on stdout; the image ends up in $CACHE/vm/out.
#   vm-image.sh --stock: the stock image of vm-stock/ instead (Debian's packages and the test
#   runner of vm/extra only, no build), in $CACHE/vm-stock/out, for the packaging test.
. "$(dirname "$0")/lib.sh"

INSTALL=$CACHE/install
if [ "${1:-}" = --stock ]; then
        CONF=$TOP/vm-stock VM=$CACHE/vm-stock IMG=ctr-stock
        extra=()
        stamp=stock
else
        [ -f "$CACHE/install.version" ] || die "no build yet; run 'make build'"
        CONF=$TOP/vm VM=$CACHE/vm IMG=ctr-test
        extra=(--extra-tree="$INSTALL")
        stamp=$(cat "$CACHE/install.stamp" 2>/dev/null || cat "$CACHE/install.version")
fi
mkdir -p "$VM/out" "$VM/cache" "$VM/pkgcache" "$VM/work" "$VM/pkgmngr/etc/apt/sources.list.d"

# The mirrors this host's apt uses (mkosi's default list names a debug archive that is not
# mirrored here): bookworm, bookworm-updates and bookworm-security only.
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
secmirror=$(awk '/^URIs:/ {u=$2} /^Suites:/ && /bookworm-security/ {print u; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || die "cannot find this host's bookworm mirror in its apt sources"
{
        printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror"
        [ -z "$secmirror" ] || printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$secmirror"
} >"$VM/pkgmngr/etc/apt/sources.list.d/mkosi.sources"

# Reuse the last image when neither the build nor the VM definition changed.
key=$( { echo "$stamp"; \
         find "$TOP/vm" "$CONF" -type f -o -type l | sort -u | xargs -r sha256sum; \
         cat "$VM/pkgmngr/etc/apt/sources.list.d/mkosi.sources"; } | sha256sum | cut -d' ' -f1)
if [ -f "$VM/out/$IMG.cpio" ] && [ -f "$VM/out/$IMG.vmlinuz" ] && [ "$(cat "$VM/out/key" 2>/dev/null)" = "$key" ]; then
        exit 0
fi

msg "Building the VM image $IMG (mkosi)"
start=$(date +%s)
rm -f "$VM/out/key"
mkosi -C "$CONF" \
        --package-manager-tree="$VM/pkgmngr" \
        "${extra[@]}" \
        --extra-tree="$TOP/vm/extra" \
        --output-dir="$VM/out" \
        --cache-dir="$VM/cache" \
        --package-cache-dir="$VM/pkgcache" \
        --workspace-dir="$VM/work" \
        --incremental=yes \
        --force \
        build >"$VM/mkosi.log" 2>&1 || { tail -n 40 "$VM/mkosi.log" >&2; die "mkosi failed (log: $VM/mkosi.log)"; }
ls "$VM/out" >&2
echo "$key" >"$VM/out/key"
msg "VM image built in $(( $(date +%s) - start ))s"
