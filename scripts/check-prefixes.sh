#!/usr/bin/env bash
# Build every prefix of patches/series (or the prefixes given by number) in a scratch build
# directory, to show that each one compiles: systemd, test-execute, systemctl, systemd-run and
# systemd-analyze, which is where the series changes code. Uses the same ccache as make build.
#   check-prefixes.sh [N...]
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-base.sh"
mapfile -t all < <(series_patches)
[ $# -gt 0 ] || set -- $(seq 1 ${#all[@]})
SRC=$CACHE/prefix-src
BUILD=$CACHE/prefix-build
export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$SRC
[ -d "$SRC/.git" ] || git clone -q --shared --no-checkout "$BASE_GIT" "$SRC"
fail=0
for n in "$@"; do
        idx=$(mktemp -u)
        GIT_INDEX_FILE=$idx bgit read-tree base
        for p in "${all[@]:0:$n}"; do
                GIT_INDEX_FILE=$idx bgit apply --cached --whitespace=nowarn "$p" || die "$(basename "$p") does not apply"
        done
        tree=$(GIT_INDEX_FILE=$idx bgit write-tree); rm -f "$idx"
        commit=$(GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
                 bgit commit-tree "$tree" -p base -m "prefix $n")
        bgit update-ref refs/heads/prefix "$commit"
        git -C "$SRC" fetch -q origin refs/heads/prefix
        git -C "$SRC" checkout -q -f --detach FETCH_HEAD
        [ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$SRC" -Dmode=developer -Dtests=true -Dman=false >"$CACHE/prefix-setup.log" 2>&1 ||
                die "meson setup failed ($CACHE/prefix-setup.log)"
        s=$(date +%s)
        if ninja -C "$BUILD" systemd test-execute systemctl systemd-run systemd-analyze >"$CACHE/prefix-$n.log" 2>&1; then
                echo "prefix $n ($(basename "${all[$((n - 1))]}")): builds [$(( $(date +%s) - s ))s]"
        else
                echo "prefix $n ($(basename "${all[$((n - 1))]}")): FAILS to build, see $CACHE/prefix-$n.log"
                fail=1
        fi
done
exit $fail
