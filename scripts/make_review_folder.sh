#!/usr/bin/env bash
# Builds the folder of the review's speed target (issue 14): the two shipped examples and
# N (default 500) synthetic reports, each of a unit of its own (`合成测试局第K分局`) and a
# size like a real report's (20 project lines, 6 funds, 40 indicators; about 20 KB).
# Usage: scripts/make_review_folder.sh OUT_DIR [N] [path/to/jixiao]
set -euo pipefail
out=${1:?usage: make_review_folder.sh OUT_DIR [N] [jixiao]}
n=${2:-500}
bin=${3:-target/release/jixiao}
here="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
cp "$here/examples/lusong-emergency-2023.toml" "$here/examples/lusong-emergency-2023-corrected.toml" "$out/"
for k in $(seq 1 "$n"); do
  f="$out/synth-$(printf %03d "$k").toml"
  "$bin" synth "$f" --projects 20 --funds 6 --indicators 40 --seed "$k" 2>/dev/null
  sed -i "s/合成测试局/合成测试局第${k}分局/g" "$f"
done
echo "$(find "$out" -name '*.toml' | wc -l) files, $(du -sh "$out" | cut -f1) in $out"
