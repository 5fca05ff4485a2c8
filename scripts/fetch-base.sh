#!/usr/bin/env bash
# Fetch Debian's systemd source package (the pinned version from BASE_VERSION, or, when
# Debian's mirror no longer serves it, the newest bookworm 252.x), unpack it with Debian's
# own quilt series applied, and keep it as the commit tagged "base" in $CACHE/base/git.
. "$(dirname "$0")/lib.sh"

pin=$(pinned_version)
[ -n "$pin" ] || die "BASE_VERSION names no version"

# Newest 252.x the mirror serves for bookworm (deb-src of bookworm, -updates, -security).
current_252() {
        apt-cache showsrc systemd 2>/dev/null | sed -n 's/^Version: //p' | grep '^252\.' |
                sort -u | while read -r v; do echo "$v"; done |
                { mapfile -t vs; best=; for v in "${vs[@]}"; do
                        if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
                  done; echo "$best"; }
}

want=$pin
if [ -f "$CACHE/base/VERSION" ] && [ -f "$CACHE/base/PIN" ] && [ "$(cat "$CACHE/base/PIN")" = "$pin" ] &&
   bgit rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
        have=$(cat "$CACHE/base/VERSION")
        if [ "$have" != "$pin" ]; then
                warn "================================================================"
                warn "Using systemd $have as the base, NOT the pinned $pin"
                warn "(Debian's mirror no longer serves $pin). Update BASE_VERSION."
                warn "================================================================"
        fi
        exit 0
fi

dl=$CACHE/dl
mkdir -p "$dl"
cd "$dl"
if ! ls "systemd_${pin#*:}.dsc" >/dev/null 2>&1; then
        msg "Fetching systemd $pin source from Debian"
        if ! apt-get source --download-only -qq "systemd=$pin" >"$dl/apt-source.log" 2>&1; then
                cur=$(current_252)
                [ -n "$cur" ] || { cat "$dl/apt-source.log" >&2; die "Debian's mirror serves no systemd 252.x source (is the deb-src entry there? run scripts/setup-host.sh)"; }
                want=$cur
                warn "================================================================"
                warn "Debian's mirror no longer serves the pinned systemd $pin."
                warn "Falling back to the current bookworm version $cur."
                warn "The series may need refreshing; update BASE_VERSION once it applies."
                warn "================================================================"
                if ! ls "systemd_${want#*:}.dsc" >/dev/null 2>&1; then
                        apt-get source --download-only -qq "systemd=$want" >"$dl/apt-source.log" 2>&1 ||
                                { cat "$dl/apt-source.log" >&2; die "cannot fetch systemd $want either"; }
                fi
        fi
fi

msg "Unpacking systemd $want with Debian's patches applied"
rm -rf "$CACHE/base"
mkdir -p "$CACHE/base"
dpkg-source --no-check -q -x "$dl/systemd_${want#*:}.dsc" "$CACHE/base/src" >"$CACHE/base/unpack.log" 2>&1 ||
        { cat "$CACHE/base/unpack.log" >&2; die "dpkg-source -x failed"; }
rm -rf "$CACHE/base/src/.pc" "$CACHE"/base/*.orig.tar.*

git init -q "$BASE_GIT"
# The base repository holds only objects; its work tree is the unpacked source.
bgit config core.bare false
bgit --work-tree="$CACHE/base/src" add -A -f .
GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
        bgit --work-tree="$CACHE/base/src" commit -q -m "base: Debian systemd $want, as 'apt-get source' unpacks it"
bgit tag -f base >/dev/null
rm -rf "$CACHE/base/src"
echo "$want" >"$CACHE/base/VERSION"
echo "$pin" >"$CACHE/base/PIN"
msg "Base is systemd $want (commit $(bgit rev-parse --short base))"
