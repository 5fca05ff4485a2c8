#!/usr/bin/env bash
# Run lintian on our packages (./debs) and on Debian's own build of the same version (downloaded
# with apt-get download), and list what lintian says about ours but not about Debian's, versions
# left out. Fails if that includes an error (E:); new warnings are listed. Part of check-debs.
. "$(dirname "$0")/lib.sh"

DEBS=${DEBS_DIR:-$TOP/debs}
VERSION=$(base_version)
NEWVER=$VERSION$CTR_SUFFIX
L=$CACHE/lintian
mkdir -p "$L/debian"
mapfile -t ours < <(ls "$DEBS"/*_"${NEWVER#*:}"_*.deb | grep -v -- '-dbgsym_')
[ ${#ours[@]} -gt 0 ] || die "no packages in $DEBS; run 'make debs'"

theirs=()
for f in "${ours[@]}"; do
        p=$(basename "$f"); p=${p%%_*}
        t=$(ls "$L/debian/${p}_${VERSION#*:}_"*.deb 2>/dev/null || true)
        if [ -z "$t" ]; then
                (cd "$L/debian" && apt-get download -qq "$p=$VERSION" >/dev/null 2>&1) ||
                        die "cannot download Debian's $p $VERSION for the comparison"
                t=$(ls "$L/debian/${p}_${VERSION#*:}_"*.deb)
        fi
        theirs+=("$t")
done

# Tags only, without versions: "E: package: tag detail".
# groff's messages name line numbers of the rendered page, which move with any edit: kept
# without them (one per page and occurrence).
tags() { lintian --no-tag-display-limit "$@" 2>&1 | grep -E '^[EWIXP]: ' |
         sed -e "s/${NEWVER//./\\.}//g" -e "s/${VERSION//./\\.}//g" |
         sed -E 's/(groff-message) .* (\[[^]]*\])$/\1 \2/' | sort -u; }
# Debian's result depends only on the version and lintian's: computed once.
dkey="$VERSION $(dpkg-query -W -f='${Version}' lintian) ${#theirs[@]}"
if [ "$(cat "$L/debian.key" 2>/dev/null)" != "$dkey" ]; then
        msg "lintian: Debian's ${#theirs[@]} packages of $VERSION"
        tags "${theirs[@]}" >"$L/debian.txt"
        echo "$dkey" >"$L/debian.key"
fi
msg "lintian: our ${#ours[@]} packages of $NEWVER"
tags "${ours[@]}" >"$L/ours.txt"
comm -13 "$L/debian.txt" "$L/ours.txt" >"$L/new.txt"
comm -23 "$L/debian.txt" "$L/ours.txt" >"$L/gone.txt"
count() { grep -c "^$1:" "$2" || true; }
echo "lintian: $(count E "$L/ours.txt") errors and $(count W "$L/ours.txt") warnings for ours, $(count E "$L/debian.txt") and $(count W "$L/debian.txt") for Debian's (lists in $L)"
if [ -s "$L/new.txt" ]; then
        echo "lintian: only on ours:"
        sed 's/^/    /' "$L/new.txt"
else
        echo "lintian: nothing new on ours"
fi
! grep -q '^E:' "$L/new.txt"
