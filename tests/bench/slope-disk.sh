#!/bin/sh
# The slope term (--eikonal) on the unit disk, where the signed distance
# is 1 - |x|: for each weight, the mean |grad f| over the 2,000 rows of
# data/disk.csv inside the disk (ocsdf-train's summary line) and f at
# radii 0.3, 0.8 and 1.2 (true 0.7, 0.2 and -0.2), with the network of
# test_train's disk (width 64, depth 3, 20 epochs, no scaling, no
# contamination), one thread, seed 1.
#
#   sh tests/bench/slope-disk.sh [BIN] ["WEIGHTS"]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
weights=${2:-0 1 10 30 100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -F, 'NR == 1 || $3 == 0' "$top/data/disk.csv" | cut -d, -f1,2 >"$work/rows.csv"
printf 'x,y\n0.3,0\n0.8,0\n1.2,0\n' >"$work/probes.csv"
echo "| --eikonal | mean \\|∇f\\| on the rows | f at 0.3 (0.7) | f at 0.8 (0.2) | f at 1.2 (-0.2) |"
echo "|---:|---:|---:|---:|---:|"
for w in $weights; do
	"$bin/ocsdf-train" -v --threads 1 --seed 1 --width 64 --depth 3 --epochs 20 --scale none \
		--contamination 0 --eikonal "$w" -f -o "$work/m" "$work/rows.csv" 2>"$work/log" >/dev/null
	g=$(sed -n 's/.*|grad f| mean \([0-9.]*\).*/\1/p' "$work/log")
	f=$("$bin/ocsdf-score" -m "$work/m" --only "$work/probes.csv" | tail -n +2 | tr '\n' ' ')
	echo "| $w | $g | $(echo "$f" | awk '{ printf "%.3f | %.3f | %.3f", $1, $2, $3 }') |"
done
