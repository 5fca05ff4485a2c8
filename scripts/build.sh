#!/usr/bin/env bash
# Apply patches/series to a clean copy of the base and build it with meson, using Debian's
# configuration from debian/rules plus developer mode, installed tests and no LTO.
# Incremental: the source copy is updated file by file (unchanged files keep their mtimes),
# the build directory is kept, and ccache caches compilations.
# Result: $CACHE/install, a merged-/usr tree ready to be laid over a Debian 12 image.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-base.sh"
VERSION=$(base_version)
SRC=$CACHE/src
BUILD=$CACHE/build
INSTALL=$CACHE/install
export CCACHE_DIR=$CACHE/ccache
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export CCACHE_BASEDIR=$SRC
mkdir -p "$CCACHE_DIR"

# 1. The patched tree, as a commit in the base repository: base + every patch, in order.
idx=$(mktemp -u)
GIT_INDEX_FILE=$idx bgit read-tree base
while read -r p; do
        GIT_INDEX_FILE=$idx bgit apply --cached --whitespace=nowarn "$p" ||
                die "$(basename "$p") does not apply to base $VERSION ('make series-status' says more)"
done < <(series_patches)
tree=$(GIT_INDEX_FILE=$idx bgit write-tree)
rm -f "$idx"
commit=$(GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" bgit commit-tree "$tree" -p base -m "base + patches/series")
bgit update-ref refs/heads/build "$commit"

# 2. Check it out into $SRC, touching only files that differ from the last build.
if [ ! -d "$SRC/.git" ] || [ "$(cat "$SRC/.base-version" 2>/dev/null)" != "$VERSION" ]; then
        rm -rf "$SRC" "$BUILD"
        git clone -q --shared --no-checkout "$BASE_GIT" "$SRC"
        echo "$VERSION" >"$SRC/.base-version"
        echo "/.base-version" >>"$SRC/.git/info/exclude"
fi
git -C "$SRC" fetch -q origin refs/heads/build
git -C "$SRC" checkout -q -f --detach FETCH_HEAD
git -C "$SRC" clean -q -f -d
msg "Source: systemd $VERSION + $(series_patches | wc -l) patches at $SRC"

# 3. Configure with Debian's flags (read from debian/rules by make itself).
mapfile -t DEBFLAGS < <(cd "$SRC" && make -s -f debian/rules --no-print-directory \
        --eval 'ctr-print-confflags: ; @printf "%s\n" $(CONFFLAGS) $(CONFFLAGS_DISTRO) $(CONFFLAGS_UPSTREAM)' \
        ctr-print-confflags)
[ ${#DEBFLAGS[@]} -gt 20 ] || die "could not read CONFFLAGS from debian/rules"
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
FLAGS=(--prefix=/usr --sysconfdir=/etc --localstatedir=/var --libdir="lib/$MULTIARCH"
       --buildtype=plain --wrap-mode=nodownload "${DEBFLAGS[@]}"
       # Ours, after Debian's so that they win:
       -Db_lto=false -Dmode=developer -Dinstall-tests=true -Dtests=true
       -Dversion-tag="$VERSION$CTR_SUFFIX"
       # Man pages are not needed in the test VM and take minutes to render; see README.
       -Dman=false)
# Debian's hardening flags, without -g: the VM image stays small and ccache hits stay cheap.
export CFLAGS="$(dpkg-buildflags --get CFLAGS | sed 's/\(^\| \)-g\( \|$\)/ /')"
export CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)"
export LDFLAGS="$(dpkg-buildflags --get LDFLAGS)"
conf="$(printf '%s\n' "${FLAGS[@]}" "$CFLAGS" "$CPPFLAGS" "$LDFLAGS" "$PATH")"
if [ ! -f "$BUILD/build.ninja" ]; then
        msg "Configuring (meson setup)"
        rm -rf "$BUILD"
        meson setup "$BUILD" "$SRC" "${FLAGS[@]}" >"$CACHE/meson-setup.log" 2>&1 ||
                { tail -n 40 "$CACHE/meson-setup.log" >&2; die "meson setup failed (log: $CACHE/meson-setup.log)"; }
        printf '%s\n' "$conf" >"$BUILD/.ctr-conf"
elif [ "$(cat "$BUILD/.ctr-conf" 2>/dev/null)" != "$conf" ]; then
        msg "Reconfiguring from scratch (flags or tools changed)"
        meson setup --wipe "$BUILD" "$SRC" "${FLAGS[@]}" >"$CACHE/meson-setup.log" 2>&1 ||
                { tail -n 40 "$CACHE/meson-setup.log" >&2; die "meson setup failed (log: $CACHE/meson-setup.log)"; }
        printf '%s\n' "$conf" >"$BUILD/.ctr-conf"
fi

# 4. Build.
msg "Building ($(nproc) jobs)"
start=$(date +%s)
uptodate=0
ninja -C "$BUILD" -n 2>/dev/null | grep -q 'no work to do' && uptodate=1
ninja -C "$BUILD" -j "$(nproc)" >"$CACHE/ninja.log" 2>&1 || {
        grep -E -B2 -A12 'error:|FAILED:' "$CACHE/ninja.log" | head -n 80 >&2
        die "build failed (full log: $CACHE/ninja.log)"
}
msg "Built in $(( $(date +%s) - start ))s"

# 5. Install into a staging tree, then fold split-usr's /bin /sbin /lib into /usr so the tree
#    can be laid over a merged-/usr Debian 12 image. Skipped when nothing was rebuilt.
if [ $uptodate -eq 1 ] && [ -f "$CACHE/install.stamp" ] && [ "$(cat "$CACHE/install.version")" = "$VERSION$CTR_SUFFIX" ]; then
        msg "Install tree $INSTALL is up to date"
        exit 0
fi
msg "Installing into $INSTALL"
rm -rf "$INSTALL" "$CACHE/install.stamp"
DESTDIR=$INSTALL meson install -C "$BUILD" --no-rebuild --quiet --strip >"$CACHE/install.log" 2>&1 ||
        { tail -n 40 "$CACHE/install.log" >&2; die "meson install failed (log: $CACHE/install.log)"; }
for d in bin sbin lib lib64; do
        [ -e "$INSTALL/$d" ] || continue
        [ -L "$INSTALL/$d" ] && { rm "$INSTALL/$d"; continue; }
        mkdir -p "$INSTALL/usr/$d"
        cp -a "$INSTALL/$d/." "$INSTALL/usr/$d/"
        rm -rf "${INSTALL:?}/$d"
done
echo "$VERSION$CTR_SUFFIX" >"$CACHE/install.version"
echo "$commit $(date +%s.%N)" >"$CACHE/install.stamp"
msg "Build ready: systemd $VERSION$CTR_SUFFIX"
