#!/usr/bin/env bash
# Vendors Leaflet for map.html (src/report/webmap.rs embeds these files with include_str!,
# so the map works from a file:// URL with no network). Run from anywhere; needs npm.
# The tarball's SHA-512 is checked against the integrity the registry published for this
# version (recorded below), so a changed tarball fails here, not in a planner's browser.
set -euo pipefail
VERSION=1.9.4
INTEGRITY='sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=='
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack "leaflet@$VERSION" --silent >/dev/null
tgz="leaflet-$VERSION.tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$got" != "$INTEGRITY" ]; then
  echo "leaflet-$VERSION.tgz: integrity $got, expected $INTEGRITY" >&2
  exit 1
fi
tar -xzf "$tgz"
cp package/dist/leaflet.js package/dist/leaflet.css "$here/"
cp package/LICENSE "$here/LICENSE"
echo "leaflet $VERSION vendored into $here ($INTEGRITY)"
