#!/bin/bash
# The work-tree loop, on a scratch copy of this repository: a commit made in the work tree and
# not exported makes series-status fail and name it; after export it passes and patches/
# shows exactly that change; a patch without DEP-3 header or component prefix is refused.
. "$(dirname "$0")/lib.sh"
repo=$tmp/repo
git clone -q "$TOP" "$repo"
rsync -a --exclude=/tree --exclude=/.git "$TOP/" "$repo/"
export CTR_WORKTREE=$repo/tree
cd "$repo"
git add -A >/dev/null; git -c user.name=t -c user.email=t@t commit -qm snapshot --allow-empty
make -s prepare >/dev/null 2>&1 || fail "make prepare failed"
make -s series-status || fail "series-status fails on a fresh work tree"

cd tree
echo "/* series-loop test */" >>src/core/execute.c
git -c user.name=t -c user.email=t@t commit -qam "core: series-loop test change

A change made only to test the export loop.

Forwarded: not-needed (test)"
cd ..
out=$(make -s series-status 2>&1) && fail "series-status passed with an unexported commit"
echo "$out"
grep -q "core: series-loop test change" <<<"$out" || fail "series-status did not name the commit"

make -s export || fail "make export failed"
make -s series-status || fail "series-status fails after export"
new=$(git status --porcelain patches/)
echo "$new"
[ "$(grep -c . <<<"$new")" -eq 2 ] || fail "expected exactly one new patch and the series to change"
git add -N patches/
git diff patches/ | grep -q '^+\+/\* series-loop test \*/' || fail "git diff patches/ does not show the change"

# An uncommitted edit in the work tree is reported too.
echo x >>tree/README
out=$(make -s series-status 2>&1) && fail "series-status passed with an uncommitted edit"
grep -q "uncommitted" <<<"$out" || fail "series-status did not report the uncommitted edit"
git -C tree checkout -q README

# A patch without its DEP-3 field or component prefix fails the lint.
sed -i '/^Forwarded:/d' patches/0001-*.patch
out=$(make -s series-status 2>&1) && fail "series-status passed a patch without Forwarded:"
grep -q "Forwarded" <<<"$out" || fail "no DEP-3 complaint"
sed -i 's/^Subject: \[PATCH\] core: /Subject: [PATCH] /' patches/0001-*.patch
out=$(make -s series-status 2>&1)
grep -q "component: summary" <<<"$out" || fail "no subject complaint"
git checkout -q patches/ 2>/dev/null; make -s export >/dev/null

# A patch whose context no longer matches the base does not apply.
sed -i '/^@@/{n;s/$/ changed-context/}' patches/0001-*.patch
out=$(make -s series-status 2>&1) && fail "series-status passed a patch that does not apply"
grep -q "does not apply" <<<"$out" || fail "no 'does not apply' complaint"
echo "ok: series-status and export behave"
