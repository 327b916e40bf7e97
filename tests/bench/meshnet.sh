#!/bin/sh
# Lipschitz-pruned against dense surface extraction from a trained network
# (the issue figures for ocsdf-mesh): a model of data/torus.csv trained
# with the recipe of ocsdf-mesh(1) (width 128, depth 3, batches of 512,
# T = 8, box 3, 100 epochs), meshed at R = 128, 256 and 512 with and
# without --dense.  Network evaluations from `ocsdf-mesh -v` (grid points,
# pruning probes and the normals' gradients), seconds and peak RSS from
# /usr/bin/time.  Prints a Markdown section; `make bench` records it in
# RESULTS.md.
#
#   sh tests/bench/meshnet.sh [BIN] [RESOLUTIONS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
res=${2:-128 256 512}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

start=$(date +%s)
"$bin/ocsdf-train" -q --sampler paper --activation fullsort --lr-decay none --threads 1 --width 128 --depth 3 --epochs 100 --batch 512 --walk-steps 8 --domain 3 \
	--scale iso --seed 1 -o "$work/torus.model" "$top/data/torus.csv"
train=$(($(date +%s) - start))

echo "Model: \`ocsdf-train --width 128 --depth 3 --epochs 100 --batch 512 --walk-steps 8"
echo "--domain 3 --scale iso --seed 1 --threads 1\` on data/torus.csv (${train} s).  Mesh:"
echo "-v -r R [--dense]\` at the default level, box mean +- 3 std; \"evaluations\""
echo "counts grid points, pruning probes and normals; \"parts\" is the mesh after"
echo "filling the cavity, with its Euler characteristic."
echo
echo "| R | mode | network evaluations | share of grid | seconds | peak RSS MB | vertices | triangles | parts (Euler) |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---|"
for r in $res; do
	for mode in pruned dense; do
		flag=
		[ $mode = dense ] && flag=--dense
		/usr/bin/time -f '%e %M' -o "$work/time" "$bin/ocsdf-mesh" -f -q -v $flag -r "$r" \
			-m "$work/torus.model" -o "$work/m.ply" 2>"$work/log"
		read -r secs rss <"$work/time"
		awk -v r="$r" -v mode="$mode" -v secs="$secs" -v rss="$rss" "$(cat "$here/mesh-parts.awk")"'
			/network evaluations/ {
				for (i = 1; i <= NF; i++) {
					if ($i == "vertices,") v = $(i - 1)
					if ($i == "triangles") t = $(i - 1)
					if ($i == "network") ev = $(i - 1)
					if ($i ~ /^\(/ && $(i + 1) == "of") share = substr($i, 2)
				}
			}
			END { printf "| %d | %s | %s | %s | %.1f | %.0f | %s | %s | %s |\n",
				r, mode, ev, share, secs, rss / 1024, v, t, parts }' "$work/log"
	done
done
