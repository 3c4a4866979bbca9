#!/usr/bin/env bash
# Refresh the vendored front-end assets in src/palermo/static/vendor/.
#
# Run by hand only (never at install/deploy time); Palermo must work with no
# internet access at run time, so the copied files are committed to the repo.
#
# Usage:  scripts/vendor.sh            # exact pinned versions below
#         HTMX_VERSION=2.0.12 scripts/vendor.sh   # override one pin
#
# npm is only used inside a throw-away temporary directory; nothing from
# node_modules is committed except the files copied below. After running,
# update the version table in src/palermo/static/vendor/VENDOR.md and review
# `git diff --stat`.
set -euo pipefail

HTMX_VERSION="${HTMX_VERSION:-2.0.11}"
CHARTJS_VERSION="${CHARTJS_VERSION:-4.6.1}"
D3_ARRAY_VERSION="${D3_ARRAY_VERSION:-3.2.5}"
D3_GEO_VERSION="${D3_GEO_VERSION:-3.1.2}"
TOPOJSON_CLIENT_VERSION="${TOPOJSON_CLIENT_VERSION:-3.1.0}"
WORLD_ATLAS_VERSION="${WORLD_ATLAS_VERSION:-2.0.2}"
AXE_CORE_VERSION="${AXE_CORE_VERSION:-4.14.1}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/src/palermo/static/vendor"
build="$(mktemp -d "${TMPDIR:-/tmp}/vendor-build.XXXXXX")"
trap 'rm -rf "$build"' EXIT

echo "Installing packages into $build ..."
(
  cd "$build"
  npm init -y >/dev/null
  npm install --no-audit --no-fund --ignore-scripts --save-exact \
    "htmx.org@$HTMX_VERSION" \
    "chart.js@$CHARTJS_VERSION" \
    "d3-array@$D3_ARRAY_VERSION" \
    "d3-geo@$D3_GEO_VERSION" \
    "topojson-client@$TOPOJSON_CLIENT_VERSION" \
    "world-atlas@$WORLD_ATLAS_VERSION" \
    "axe-core@$AXE_CORE_VERSION"
)
nm="$build/node_modules"

# Chart.js ships chart.umd.min.js in newer 4.x releases, chart.umd.js (already
# minified) in older ones; take whichever exists.
chart_src="$nm/chart.js/dist/chart.umd.min.js"
[ -f "$chart_src" ] || chart_src="$nm/chart.js/dist/chart.umd.js"

mkdir -p "$dest"
copy() { install -m 0644 "$1" "$dest/$2"; echo "  $2"; }

echo "Copying into $dest ..."
copy "$nm/htmx.org/dist/htmx.min.js"                htmx.min.js
copy "$nm/htmx.org/LICENSE"                         htmx.org.LICENSE.txt
copy "$chart_src"                                   chart.umd.min.js
copy "$nm/chart.js/LICENSE.md"                      chart.js.LICENSE.txt
copy "$nm/d3-array/dist/d3-array.min.js"            d3-array.min.js
copy "$nm/d3-array/LICENSE"                         d3-array.LICENSE.txt
copy "$nm/d3-geo/dist/d3-geo.min.js"                d3-geo.min.js
copy "$nm/d3-geo/LICENSE"                           d3-geo.LICENSE.txt
copy "$nm/topojson-client/dist/topojson-client.min.js" topojson-client.min.js
copy "$nm/topojson-client/LICENSE"                  topojson-client.LICENSE.txt
copy "$nm/world-atlas/countries-110m.json"          countries-110m.json
copy "$nm/world-atlas/LICENSE"                      world-atlas.LICENSE.txt
copy "$nm/axe-core/axe.min.js"                      axe.min.js
copy "$nm/axe-core/LICENSE"                         axe-core.LICENSE.txt
copy "$nm/axe-core/LICENSE-3RD-PARTY.txt"           axe-core.LICENSE-3RD-PARTY.txt

# Strip trailing source-map references: the .map files are not vendored and
# a dangling sourceMappingURL makes browser dev tools log 404s.
for f in htmx.min.js chart.umd.min.js d3-array.min.js d3-geo.min.js \
         topojson-client.min.js axe.min.js; do
  sed -i -e '/^\/\/# sourceMappingURL=/d' "$dest/$f"
done

echo
echo "Installed versions:"
for p in htmx.org chart.js d3-array d3-geo topojson-client world-atlas axe-core; do
  printf '  %-16s %s\n' "$p" "$(node -p "require('$nm/$p/package.json').version")"
done
echo
echo "sha256:"
(cd "$dest" && sha256sum -- *.js *.json)
echo
echo "Done. Update VENDOR.md if versions changed, then review git diff."
