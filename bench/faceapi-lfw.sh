#!/usr/bin/env bash
# Runs face-api.js's own pipeline (the reference harness: SSD MobileNet V1 at minConfidence 0.5, 68 landmarks,
# descriptor; tfjs wasm backend) over every image of the LFW pairs, in chunks, writing ref.mjs JSON files that
# `consentry eval verification --faceapi-results` scores with the same code as Consentry's own runs.
# usage: bench/faceapi-lfw.sh OUT_DIR [SHARED_DIR]     (about 1 h on 2 cores; resumable: finished chunks are kept)
set -euo pipefail
out=${1:?usage: faceapi-lfw.sh OUT_DIR [SHARED_DIR]}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${2:-$root/../shared}
lfw="$shared/datasets/lfw"
mkdir -p "$out"
list="$out/images.txt"
# every image named in pairs.txt (matched: name i j; mismatched: a i b j), as paths
awk 'NR>1 && NF==3 {printf "%s/%s_%04d.jpg\n%s/%s_%04d.jpg\n", $1,$1,$2,$1,$1,$3}
     NR>1 && NF==4 {printf "%s/%s_%04d.jpg\n%s/%s_%04d.jpg\n", $1,$1,$2,$3,$3,$4}' "$lfw/pairs.txt" | sort -u > "$list"
split -l 800 -d -a 2 "$list" "$out/chunk-"
for c in "$out"/chunk-??; do
  [ -f "$c.json" ] && continue
  echo "face-api.js on $(wc -l < "$c") images ($(basename "$c"))" >&2
  mapfile -t imgs < <(sed "s#^#$lfw/#" "$c")
  bash "$shared/reference/faceapi/harness/run.sh" ref.mjs --backend wasm --no-verify --warmup 0 --runs 1 \
    --out "$c.json.tmp" "${imgs[@]}" >&2
  mv "$c.json.tmp" "$c.json"
done
ls "$out"/chunk-??.json | paste -sd, -
