#!/usr/bin/env bash
# Re-fetch the pinned front-end assets and PDF fonts so the portal loads
# nothing from a CDN.
#
#   static/vendor/bootstrap/  Bootstrap (npm "bootstrap"): min CSS, bundle JS, LICENSE
#   static/vendor/htmx/       htmx (npm "htmx.org"): min JS, LICENSE
#   static/fonts/             Liberation Serif 2.x TTFs (Debian "fonts-liberation2")
#                             + LICENSE-LiberationSerif.txt (OFL, from the Debian copyright file)
#
# Source maps are not vendored, and sourceMappingURL comments are stripped so
# browsers do not request missing .map files.
#
# Needs: npm, tar, sed, apt-get, dpkg-deb (Debian). The font is fetched with
# `apt-get download`, so the apt lists must know the pinned version; when they
# do not and we run as root, `apt-get update` is run once.
#
# Running the script twice must leave `git status` clean: output is byte-for-byte
# determined by the pinned versions.
set -euo pipefail

BOOTSTRAP_VERSION="5.3.9"
HTMX_VERSION="2.0.11"
LIBERATION_DEB_VERSION="2.1.5-1"   # Debian bookworm fonts-liberation2 (Liberation 2.1.5)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
FONTS="$ROOT/static/fonts"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

log() { printf '==> %s\n' "$*"; }

# Drop "/*# sourceMappingURL=... */" (CSS) and "//# sourceMappingURL=..." (JS).
strip_sourcemaps() {
    sed -i -E \
        -e 's@/\*# sourceMappingURL=[^*]*\*/@@g' \
        -e '/^[[:space:]]*\/\/# sourceMappingURL=.*$/d' \
        "$1"
    if grep -q 'sourceMappingURL' "$1"; then
        echo "error: sourceMappingURL still present in $1" >&2
        exit 1
    fi
}

# npm_unpack PACKAGE VERSION DEST: download the registry tarball and extract it.
npm_unpack() {
    local pkg="$1" version="$2" dest="$3" tarball
    mkdir -p "$TMP/pack" "$dest"
    tarball="$(cd "$TMP/pack" && npm pack --silent "${pkg}@${version}")"
    tar -xzf "$TMP/pack/$tarball" -C "$dest" --strip-components=1
}

# --- Bootstrap -------------------------------------------------------------
log "bootstrap $BOOTSTRAP_VERSION"
npm_unpack bootstrap "$BOOTSTRAP_VERSION" "$TMP/bootstrap"
rm -rf "$VENDOR/bootstrap"
mkdir -p "$VENDOR/bootstrap/css" "$VENDOR/bootstrap/js"
cp "$TMP/bootstrap/dist/css/bootstrap.min.css"      "$VENDOR/bootstrap/css/"
cp "$TMP/bootstrap/dist/js/bootstrap.bundle.min.js" "$VENDOR/bootstrap/js/"
cp "$TMP/bootstrap/LICENSE"                         "$VENDOR/bootstrap/LICENSE"
strip_sourcemaps "$VENDOR/bootstrap/css/bootstrap.min.css"
strip_sourcemaps "$VENDOR/bootstrap/js/bootstrap.bundle.min.js"

# --- htmx ------------------------------------------------------------------
log "htmx.org $HTMX_VERSION"
npm_unpack htmx.org "$HTMX_VERSION" "$TMP/htmx"
rm -rf "$VENDOR/htmx"
mkdir -p "$VENDOR/htmx"
cp "$TMP/htmx/dist/htmx.min.js" "$VENDOR/htmx/"
cp "$TMP/htmx/LICENSE"          "$VENDOR/htmx/LICENSE"
strip_sourcemaps "$VENDOR/htmx/htmx.min.js"

# --- Liberation Serif 2.x ----------------------------------------------------
log "fonts-liberation2 $LIBERATION_DEB_VERSION"
if ! apt-cache show "fonts-liberation2=$LIBERATION_DEB_VERSION" >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq
    else
        echo "error: apt lists lack fonts-liberation2=$LIBERATION_DEB_VERSION; run 'apt-get update' as root" >&2
        exit 1
    fi
fi
mkdir -p "$TMP/deb"
# As root, apt warns that the download runs unsandboxed; that is harmless.
(cd "$TMP/deb" && apt-get download -qq "fonts-liberation2=$LIBERATION_DEB_VERSION")
dpkg-deb -x "$TMP"/deb/fonts-liberation2_*.deb "$TMP/deb/root"
mkdir -p "$FONTS"
for face in Regular Bold Italic BoldItalic; do
    cp "$TMP/deb/root/usr/share/fonts/truetype/liberation2/LiberationSerif-$face.ttf" "$FONTS/"
done
cp "$TMP/deb/root/usr/share/doc/fonts-liberation2/copyright" "$FONTS/LICENSE-LiberationSerif.txt"

log "done"
