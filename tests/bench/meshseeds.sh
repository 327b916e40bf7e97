#!/bin/sh
# How often the 3D recipe of ocsdf-mesh(1) recovers the right topology:
# data/sphere.csv and data/torus.csv, trained with seeds 1..N (one thread,
# so each run is reproducible), meshed at R = 64 at the default level with
# cavities filled.  A run is right when the mesh is one closed part of
# Euler characteristic 2 (sphere) or 0 (torus).  Prints a Markdown
# section; `make bench` records it in RESULTS.md.
#
#   sh tests/bench/meshseeds.sh [BIN] [SEEDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
seeds=${2:-1 2 3 4 5}
cores=${3:-default Prescott SkylakeX}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
recipe="--sampler paper --activation fullsort --lr-decay none --scale iso --width 128 --depth 3 --epochs 100 --batch 512 --walk-steps 8 --domain 3"

echo "Model: \`ocsdf-train $recipe --threads 1 --seed S\`;"
echo "mesh: \`ocsdf-mesh -v -r 64\` (default level and box, cavities filled)."
echo "\"parts\" lists each part's Euler characteristic (open: cut by the box)."
echo
echo "| shape | kernels | seed | train s | parts (Euler) | right topology |"
echo "|---|---|---:|---:|---|---|"
for shape in sphere torus; do
	want=2
	[ $shape = torus ] && want=0
	right=0
	n=0
	for core in $cores; do
	for seed in $seeds; do
		start=$(date +%s)
		if [ "$core" = default ]; then
			kern=${OPENBLAS_CORETYPE:-default}
			env=""
		else
			kern=$core
			env="OPENBLAS_CORETYPE=$core"
		fi
		env $env "$bin/ocsdf-train" -q -f --threads 1 $recipe --seed "$seed" -o "$work/m" "$top/data/$shape.csv"
		secs=$(($(date +%s) - start))
		"$bin/ocsdf-mesh" -f -q -v -r 64 -m "$work/m" -o "$work/m.ply" 2>"$work/log"
		row=$(awk -v want="$want" "$(cat "$here/mesh-parts.awk")"'
			END { ok = (nparts == 1 && last == want) ? "yes" : "no"; printf "%s|%s", parts, ok }' "$work/log")
		parts=${row%|*}
		ok=${row#*|}
		n=$((n + 1))
		[ "$ok" = yes ] && right=$((right + 1))
		echo "| $shape | $kern | $seed | $secs | $parts | $ok |"
	done
	done
	echo "| $shape | all | all | | | $right of $n |"
done
