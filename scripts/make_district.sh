#!/usr/bin/env bash
# Builds the "district" workload of PERFORMANCE.md: 500 report files in one folder —
# 480 copies of the seed report and 20 synthetic variants (seeds 1–20, 100 line items,
# 25 funds, 250 indicators each, about 100 KB).
# Usage: scripts/make_district.sh OUT_DIR [path/to/jixiao]
set -euo pipefail
out=${1:?usage: make_district.sh OUT_DIR [jixiao]}
bin=${2:-target/release/jixiao}
here="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
for i in $(seq -w 1 480); do
  cp "$here/examples/lusong-emergency-2023.toml" "$out/seed-$i.toml"
done
for s in $(seq 1 20); do
  "$bin" synth "$out/synth-$(printf %02d "$s").toml" --projects 100 --funds 25 --indicators 250 --seed "$s" 2>/dev/null
done
echo "$(ls "$out"/*.toml | wc -l) files, $(du -sh "$out" | cut -f1) in $out"
