#!/usr/bin/env bash
# make debs: build Debian 12's systemd packages with our series, through Debian's own packaging.
#   1. the base source package unpacked afresh from the .dsc that fetch-base.sh downloaded
#      (Debian's patches applied, .pc recording them, as 'apt-get source' leaves it);
#   2. patches/series appended to debian/patches/series (files under debian/patches/ctr/), for
#      dpkg-source to apply after Debian's own;
#   3. a debian/changelog entry with our local version suffix (e.g. 252.39-1~deb12u2+ctr1),
#      which sorts above Debian's version so apt takes it as an upgrade;
#   4. dpkg-buildpackage -b with Debian's normal build flags (dpkg-buildflags, LTO as
#      debian/rules has it), two build profiles/options turned off (see README):
#        noudeb  - the installer (udeb) flavour is a second complete meson build;
#        nocheck - upstream's unit tests run in 'make check' (host and VM), where the tests that
#                  need a real PID 1 get one; here they would run as root on a non-systemd host.
# The .deb files end up in $DEBS_DIR (default ./debs, ignored by git); the build log in
# $CACHE/debs/build.log. Compilations are cached with ccache ($CACHE/ccache-debs).
. "$(dirname "$0")/lib.sh"

# What the packages are built from: base version, suffix, the series, this script.
series_key() {
        { base_version; echo "$CTR_SUFFIX"; series_patches | xargs -r cat; cat "$0"; } | sha256sum | cut -d' ' -f1
}
if [ "${1:-}" = --key ]; then
        series_key
        exit 0
fi

"$TOP/scripts/fetch-base.sh"
VERSION=$(base_version)
NEWVER="$VERSION$CTR_SUFFIX"
OUT=${DEBS_DIR:-$TOP/debs}
D=$CACHE/debs
# A fixed path, so that ccache hits across runs.
SRC=$D/systemd-${VERSION%%-*}

msg "Packaging systemd $NEWVER ($(series_patches | wc -l) patches after Debian's)"
dsc=$CACHE/dl/systemd_${VERSION#*:}.dsc
[ -f "$dsc" ] || die "no $dsc; run 'make prepare'"
rm -rf "$SRC" && mkdir -p "$D" "$OUT"
dpkg-source --no-check -q -x "$dsc" "$SRC" >"$D/unpack.log" 2>&1 ||
        { cat "$D/unpack.log" >&2; die "dpkg-source -x failed"; }
[ -f "$SRC/debian/patches/series" ] || die "the base has no debian/patches/series"
mkdir -p "$SRC/debian/patches/ctr"
{
        echo
        echo "# systemd-ctr: the container-runtime series, after Debian's own patches."
        while read -r p; do
                cp "$p" "$SRC/debian/patches/ctr/"
                echo "ctr/$(basename "$p")"
        done < <(series_patches)
} >>"$SRC/debian/patches/series"
# Debian's patches are applied (.pc records them); dpkg-source applies the rest, ours, now, and
# stops here if one of them does not apply.
(cd "$SRC" && dpkg-source --before-build . >"$D/patch.log" 2>&1) ||
        { tail -n 20 "$D/patch.log" >&2; die "our series does not apply on top of Debian's (log: $D/patch.log)"; }
last=$(series_patches | tail -n1)
[ -z "$last" ] || grep -qx "ctr/$(basename "$last")" "$SRC/.pc/applied-patches" ||
        die "dpkg-source did not apply our series (log: $D/patch.log)"

# The entry's maintainer: DEBFULLNAME/DEBEMAIL if set, as for dch.
(cd "$SRC" && DEBFULLNAME="${DEBFULLNAME:-systemd-ctr}" DEBEMAIL="${DEBEMAIL:-systemd-ctr@users.noreply.github.com}" \
        dch --newversion "$NEWVER" --distribution bookworm --force-distribution \
        "systemd-ctr: the service manager as a container runtime ($(series_patches | wc -l) patches: PrivatePIDs=, PrivateCgroupNamespace=, PrivateUsers=identity|full, DelegateNamespaces=, ProtectHostname=private, DelegateSubgroup=, ...). See debian/patches/ctr/." ) ||
        die "dch failed"

export CCACHE_DIR=$CACHE/ccache-debs CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G} CCACHE_BASEDIR=$SRC
mkdir -p "$CCACHE_DIR"
path=$PATH
[ -d /usr/lib/ccache ] && path=/usr/lib/ccache:$PATH
start=$(date +%s)
msg "dpkg-buildpackage -b (log: $D/build.log)"
(cd "$SRC" && PATH=$path DEB_BUILD_PROFILES="noudeb" \
        DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
        dpkg-buildpackage -b -us -uc >"$D/build.log" 2>&1) ||
        { tail -n 40 "$D/build.log" >&2; die "dpkg-buildpackage failed (log: $D/build.log)"; }
rm -f "$OUT"/*.deb "$OUT"/*.buildinfo "$OUT"/*.changes "$OUT/.series"
mv "$D"/*_"${NEWVER#*:}"_*.deb "$D"/*_"${NEWVER#*:}"_*.buildinfo "$D"/*_"${NEWVER#*:}"_*.changes "$OUT"/
series_key >"$OUT/.series"
msg "Built $(ls "$OUT"/*.deb | wc -l) packages in $(( $(date +%s) - start ))s into $OUT:"
ls "$OUT" | sed 's/^/    /' >&2
