#!/bin/sh
# f along the x axis through annulus2 (radii 0.5 and 1; tests/bench/bench_shapes.c)
# beside the true signed distance, and the mean slope of f over the four
# stretches the distance is linear on: the hole's inner part, the inner
# and outer halves of the ring, and outside.  The default model plus
# --scale iso and OPTS, one thread, seed 1, on the 2000 rows of shapes.sh.
#
#   sh tests/bench/annulus-line.sh [BIN]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
opts=${OPTS:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/../bench/bench_shapes" data annulus2 --rows 2000 >"$work/data.csv"
# shellcheck disable=SC2086 # OPTS is a list of options
"$bin/ocsdf-train" -q -f --scale iso $opts --threads 1 --seed 1 -o "$work/m" "$work/data.csv"
awk 'BEGIN { for (i = 0; i <= 60; i++) printf "%.3f,0\n", i * 0.025 }' >"$work/line.csv"
"$bin/ocsdf-score" -m "$work/m" --units raw --no-header "$work/line.csv" | awk -F, '
	function sdf(x) { return x < 0.5 ? x - 0.5 : x > 1 ? 1 - x : (x - 0.5 < 1 - x ? x - 0.5 : 1 - x) }
	{ x[NR] = $1; f[NR] = $3 }
	function at(v,  i) { for (i = 1; i <= NR; i++) if (x[i] + 0 == v) return f[i] }
	function slope(a, b) { return (at(b) - at(a)) / (b - a) }
	END {
		print "| x | sdf | f |"
		print "|---:|---:|---:|"
		for (i = 1; i <= NR; i += 4) printf "| %.2f | %.3f | %.3f |\n", x[i], sdf(x[i]), f[i]
		printf "\nslope of f (the distance has 1 on each): hole 0.1-0.4 %.2f, inner half 0.5-0.75 %.2f, ", slope(0.1, 0.4), slope(0.5, 0.75)
		printf "outer half 0.75-1 %.2f, outside 1.1-1.5 %.2f; f at the centre %.3f (sdf -0.5)\n", -slope(0.75, 1), -slope(1.1, 1.5), f[1]
	}'
