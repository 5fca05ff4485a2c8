#!/usr/bin/env bash
# Check that patches/ is sound and holds exactly what the work tree has:
#   - every patch has a "component: summary" subject and a DEP-3 Forwarded: field;
#   - the series applies to the base without fuzz, in order;
#   - the work tree has no uncommitted edits and no commits that patches/ lacks.
# Options: --lint-only, --tree-only (only that part). Fast: no build, no VM.
. "$(dirname "$0")/lib.sh"

mode=${1:-all}
COMPONENTS='core|shared|basic|libsystemd|man|analyze|test|units|systemctl|run|nspawn|udev|docs|build|debian|fuzz|mkosi|machine|network'
fail=0
problem() { printf 'series-status: %s\n' "$*" >&2; fail=1; }

check_lint() {
        local listed p name subj
        [ -f "$TOP/patches/series" ] || { problem "patches/series is missing"; return; }
        listed=$(series_patches | xargs -r -n1 basename)
        for p in "$TOP"/patches/*.patch; do
                [ -e "$p" ] || continue
                name=$(basename "$p")
                grep -qxF "$name" <<<"$listed" || problem "$name is not listed in patches/series (run 'make export')"
        done
        while read -r p; do
                name=$(basename "$p")
                [ -f "$p" ] || { problem "patches/series names $name, which does not exist"; continue; }
                # The header is everything before the first "---" line (git format-patch layout).
                hdr=$(sed '/^---$/q' "$p")
                subj=$(sed -n 's/^Subject: \(\[PATCH[^]]*\] \)\{0,1\}//p' <<<"$hdr" | head -n1)
                [ -n "$subj" ] || { problem "$name: no Subject: line"; continue; }
                grep -qE "^($COMPONENTS): [^ ].*" <<<"$subj" ||
                        problem "$name: subject '$subj' is not 'component: summary' (component one of ${COMPONENTS//|/, })"
                grep -qE '^Forwarded: [^ ]' <<<"$hdr" ||
                        problem "$name: no DEP-3 'Forwarded:' field (e.g. 'Forwarded: not-needed' and why) at the end of the commit message"
                [ "$(sed -n '/^$/,/^---$/p' <<<"$hdr" | grep -cvE '^(---|[A-Z][A-Za-z-]+: .*| .*)?$')" -gt 0 ] ||
                        problem "$name: the commit message has no body explaining why"
        done < <(series_patches)
}

check_applies() {
        "$TOP/scripts/fetch-base.sh" >/dev/null 2>&1 || "$TOP/scripts/fetch-base.sh" || { problem "cannot fetch the base"; return; }
        local idx p
        idx=$(mktemp)
        rm -f "$idx"
        GIT_INDEX_FILE=$idx bgit read-tree base
        while read -r p; do
                [ -f "$p" ] || continue
                if ! out=$(GIT_INDEX_FILE=$idx bgit apply --cached --whitespace=nowarn "$p" 2>&1); then
                        problem "$(basename "$p") does not apply to base $(base_version) after the patches before it:"
                        printf '%s\n' "$out" | head -n 10 >&2
                        break
                fi
        done < <(series_patches)
        rm -f "$idx"
}

check_tree() {
        [ -d "$WORKTREE/.git" ] || { echo "series-status: no work tree at $WORKTREE (run 'make prepare' to create one); not compared" >&2; return; }
        local dirty tmp f subj
        dirty=$(git -C "$WORKTREE" status --porcelain --untracked-files=normal)
        if [ -n "$dirty" ]; then
                problem "the work tree has uncommitted changes; commit them, then 'make export':"
                printf '%s\n' "$dirty" | head -n 20 >&2
        fi
        tmp=$(mktemp -d)
        "$TOP/scripts/export.sh" --into "$tmp"
        for f in "$tmp"/*.patch; do
                [ -e "$f" ] || continue
                if ! cmp -s "$f" "$TOP/patches/$(basename "$f")"; then
                        subj=$(sed -n 's/^Subject: \[PATCH\] //p' "$f" | head -n1)
                        problem "work tree commit '$subj' is not in patches/ as exported ($(basename "$f")); run 'make export'"
                fi
        done
        for f in "$TOP"/patches/*.patch; do
                [ -e "$f" ] || continue
                [ -e "$tmp/$(basename "$f")" ] ||
                        problem "patches/$(basename "$f") has no commit in the work tree (dropped there? run 'make export', or 'make prepare' to re-import)"
        done
        cmp -s "$tmp/series" "$TOP/patches/series" 2>/dev/null || problem "patches/series differs from the work tree's order; run 'make export'"
        rm -rf "$tmp"
}

case $mode in
        --lint-only) check_lint ;;
        --tree-only) check_tree ;;
        all) check_lint; check_applies; check_tree ;;
        *) die "usage: series-status.sh [--lint-only|--tree-only]" ;;
esac

if [ $fail -ne 0 ]; then
        echo "series-status: FAILED" >&2
        exit 1
fi
echo "series-status: ok ($(series_patches | wc -l) patches)"
