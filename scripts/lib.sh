# Common settings for the scripts in this directory. Sourced, not run.
# shellcheck shell=bash

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything downloaded or built lives here, outside the repository.
CACHE=${CTR_CACHE:-/var/cache/systemd-ctr}
# The git work tree in which patches are written (ignored by the repository).
WORKTREE=${CTR_WORKTREE:-$TOP/tree}
# Local version suffix appended to Debian's version for everything we build.
CTR_SUFFIX=${CTR_SUFFIX:-+ctr1}

mkdir -p "$CACHE"

# Debian's own tools only: the build and the tests must see /usr/bin/python3 with Debian's modules
# (jinja2, lxml, ...), not a python that a developer's PATH may put first.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

if [ -t 2 ]; then
        _c_red=$'\e[1;31m' _c_yel=$'\e[1;33m' _c_bold=$'\e[1m' _c_off=$'\e[0m'
else
        _c_red='' _c_yel='' _c_bold='' _c_off=''
fi

msg()  { printf '%s==> %s%s\n' "$_c_bold" "$*" "$_c_off" >&2; }
warn() { printf '%sWARNING: %s%s\n' "$_c_yel" "$*" "$_c_off" >&2; }
die()  { printf '%sERROR: %s%s\n' "$_c_red" "$*" "$_c_off" >&2; exit 1; }

# The pinned base version: one line in one file.
pinned_version() {
        sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/BASE_VERSION" | head -n1 | tr -d '[:space:]'
}

# The version actually fetched (may differ from the pin, see fetch-base.sh).
base_version() {
        [ -f "$CACHE/base/VERSION" ] || die "no base fetched yet; run 'make prepare' or 'make build'"
        cat "$CACHE/base/VERSION"
}

# Git plumbing on the base repository kept in the cache.
BASE_GIT="$CACHE/base/git"
bgit() { git -C "$BASE_GIT" -c user.name=systemd-ctr -c user.email=systemd-ctr@localhost "$@"; }

# The patch files named by patches/series, in order.
series_patches() {
        [ -f "$TOP/patches/series" ] || return 0
        sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series" | while read -r p _; do
                echo "$TOP/patches/$p"
        done
}
