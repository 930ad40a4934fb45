#!/usr/bin/env bash
# Copy the front-end assets from node_modules/ into src/wegweiser/static/vendor/.
# The vendor folder is git-ignored; `make static` runs `npm ci` first and then this script.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NM="$ROOT/node_modules"
DEST="$ROOT/src/wegweiser/static/vendor"
KERN="$NM/@kern-ux/native/dist"
HTMX="$NM/htmx.org/dist"

for f in "$KERN/kern.min.css" "$KERN/fonts/fira-sans.css" "$KERN/fonts/noto-sans.css" \
         "$KERN/js/kern-kopfzeile.js" "$HTMX/htmx.min.js" "$NM/axe-core/axe.min.js"; do
    if [ ! -f "$f" ]; then
        echo "error: $f is missing; run 'npm ci' first" >&2
        exit 1
    fi
done

# Build in a temporary folder and swap it in, so the vendor folder is never half-copied.
TMP="$(mktemp -d "$ROOT/src/wegweiser/static/.vendor.tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

cp "$KERN/kern.min.css" "$TMP/kern.min.css"
# fonts/ keeps its layout: fira-sans.css and noto-sans.css use url(./fira-sans/...) and
# url(./noto-sans/...), relative to the css file, so they still resolve in vendor/fonts/.
cp -R "$KERN/fonts" "$TMP/fonts"
rm -f "$TMP"/fonts/*/*.scss
cp "$KERN/js/kern-kopfzeile.js" "$TMP/kern-kopfzeile.js"
cp "$HTMX/htmx.min.js" "$TMP/htmx.min.js"
mkdir -p "$TMP/licenses"
cp "$NM/@kern-ux/native/LICENSE.md" "$TMP/licenses/kern-ux-native-LICENSE.md" 2>/dev/null || true
cp "$NM/htmx.org/LICENSE" "$TMP/licenses/htmx.org-LICENSE" 2>/dev/null || true

# Every relative url() in the copied css must point at a file that exists.
status=0
while IFS= read -r css; do
    dir="$(dirname "$css")"
    while IFS= read -r url; do
        case "$url" in data:*|http:*|https:*|/*|"") continue ;; esac
        target="${url%%[?#]*}"
        if [ ! -f "$dir/$target" ]; then
            echo "error: $css refers to missing $url" >&2
            status=1
        fi
    done < <(grep -o 'url([^)]*)' "$css" | sed -E 's/^url\(["'\'' ]*//; s/["'\'' ]*\)$//')
done < <(find "$TMP" -name '*.css')
[ "$status" = 0 ] || exit 1

rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
chmod -R u+rwX,go+rX "$DEST"
echo "vendored: $(cd "$DEST" && find . -type f | wc -l) files in ${DEST#"$ROOT"/}"
