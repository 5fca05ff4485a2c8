#!/usr/bin/env bash
# Create the git work tree in which patches are written ($WORKTREE, ignored by the repository):
# the first commit is the base as Debian ships it, then one commit per entry of patches/series,
# as 'gbp pq import' does. Work on branch "patches", then 'make export'.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-base.sh"

if [ -d "$WORKTREE/.git" ]; then
        if [ "${FORCE:-0}" != 1 ] && ! "$TOP/scripts/series-status.sh" --tree-only >/dev/null 2>&1; then
                "$TOP/scripts/series-status.sh" --tree-only || true
                die "$WORKTREE holds work that patches/ does not; 'make export' it first (or FORCE=1 make prepare to throw it away)"
        fi
        msg "Re-creating $WORKTREE"
        rm -rf "$WORKTREE"
fi

msg "Creating the work tree $WORKTREE"
git clone -q --no-checkout "$BASE_GIT" "$WORKTREE"
wgit() { git -C "$WORKTREE" "$@"; }
wgit fetch -q origin 'refs/tags/base:refs/tags/base'
wgit checkout -q -b patches base
wgit remote remove origin
# Debian's tree carries its own .gitignore files; nothing may be hidden from our commits,
# but build directories made by hand in the tree should not show up either.
printf '/build*/\n' >>"$WORKTREE/.git/info/exclude"
n=0
while read -r p; do
        [ -f "$p" ] || die "patches/series names $(basename "$p"), which does not exist"
        wgit am -q --keep-cr --whitespace=nowarn "$p" || {
                wgit am --abort || true
                die "$(basename "$p") does not apply; the work tree stops before it"
        }
        n=$((n + 1))
done < <(series_patches)
msg "Work tree ready: base $(base_version) + $n patches, branch 'patches' in $WORKTREE"
