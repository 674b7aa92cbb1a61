#!/usr/bin/env bash
# The map gallery (docs/gallery.md): every map kind of the bundled scenarios drawn with the
# current build, shrunk to 640 px wide (256 colours), so that the next change to the maps can be compared
# by eye (`git diff` shows which images changed). Needs ImageMagick (`convert`) and
# ../shared/data for the real extracts (left out with a note without it).
#
#   bench/gallery.sh            # writes docs/gallery/*.png and docs/gallery.md
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/fireplan
[ -x "$bin" ] || cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1764374400
out=docs/gallery
rm -f "$out"/*.png
md=docs/gallery.md
{
  echo "# Map gallery"
  echo
  echo "Every map kind of the bundled scenarios, drawn by \`bench/gallery.sh\` with the build of"
  echo "the commit that changed this file (A4 portrait at 300 dpi, shown 640 px wide; the full"
  echo "maps are the \`map_*.png\`, \`.svg\` and \`.pdf\` of a run). Regenerate after any change to"
  echo "the maps and look at the diff."
  echo
} > "$md"

shot() { # name title dir stem
  local name=$1 title=$2 dir=$3 stem=$4
  [ -f "$dir/$stem.png" ] || return 0
  convert "$dir/$stem.png" -resize 640x -colors 256 -strip "PNG8:$out/$name-$stem.png"
  echo "### $title: \`$stem\`" >> "$md"
  echo >> "$md"
  echo "![$title $stem](gallery/$name-$stem.png)" >> "$md"
  echo >> "$md"
}

section() { # name title dir
  echo "## $2" >> "$md"
  echo >> "$md"
  for stem in map_response map_first_due map_supply map_plan map_water map_drone optimize_map; do
    shot "$1" "$2" "$3" "$stem"
  done
}

$bin run scenarios/demo.toml --out "$work/demo" --quiet --no-cache
section demo "Demo district (synthetic)" "$work/demo"
$bin run scenarios/demo.toml --plan scenarios/demo_plan.toml --out "$work/plan" --quiet --no-cache
section plan "Demo plan, phase 1 (synthetic)" "$work/plan"
$bin optimize scenarios/demo.toml --add 2 --grid 1500 --out "$work/opt" --quiet --no-cache
section optimize "Demo placement search (synthetic)" "$work/opt"
for s in liechtenstein baltimore helsinki; do
  if [ -d ../shared/data ]; then
    $bin run "scenarios/$s.toml" --out "$work/$s" --quiet
    section "$s" "${s^} (OpenStreetMap)" "$work/$s"
  else
    echo "note: ../shared/data absent: $s left out of the gallery" >&2
  fi
done
echo "gallery: $(ls "$out" | wc -l) images in $out, $md"
