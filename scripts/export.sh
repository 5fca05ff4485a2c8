#!/usr/bin/env bash
# Regenerate patches/*.patch and patches/series from the work tree's commits since "base",
# as 'gbp pq export' does. Each commit message carries its DEP-3 fields (Forwarded: ...).
. "$(dirname "$0")/lib.sh"

[ -d "$WORKTREE/.git" ] || die "no work tree at $WORKTREE; run 'make prepare' first"

# Write the series of $1 (a work tree) into directory $2, deterministically.
export_into() {
        local dest=$1
        mkdir -p "$dest"
        git -C "$WORKTREE" -c core.abbrev=12 -c diff.renames=true -c diff.algorithm=myers \
                -c format.signature= -c format.numbered=false \
                format-patch -q --no-signature --zero-commit --no-numbered -o "$dest" base..HEAD >/dev/null
        (cd "$dest" && ls -1 -- *.patch 2>/dev/null || true) >"$dest/series"
}

if [ "${1:-}" = "--into" ]; then
        export_into "$2"
        exit 0
fi

if [ -n "$(git -C "$WORKTREE" status --porcelain --untracked-files=normal)" ]; then
        git -C "$WORKTREE" status --short | head -n 20 >&2
        die "the work tree has uncommitted changes; commit them first"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export_into "$tmp/p"
rm -f "$TOP"/patches/*.patch "$TOP/patches/series"
cp "$tmp"/p/* "$TOP/patches/"
n=$(grep -c . "$TOP/patches/series" || true)
msg "Exported $n patches to patches/"
"$TOP/scripts/series-status.sh" --lint-only
