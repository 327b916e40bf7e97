#!/bin/sh
# How close the learned f is to the true signed distance, on shapes whose
# signed distance is known exactly (tests/bench/bench_shapes.c: the shapes,
# the evaluation points, the units).  Each shape's training CSV is drawn
# with data seed 1 or DATA_SEED (2000 rows or ROWS; "+out": 5% of them outliers uniform in the
# shape's bounding box), trained at the default options plus --scale iso
# (the shapes are geometric, one unit for every axis) and whatever OPTS
# holds, one thread, with each training seed, then evaluated.  Prints a
# Markdown section; `make bench` records it in RESULTS.md.
#
#   sh tests/bench/shapes.sh [BIN] [SHAPES] [SEEDS]
#   e.g. sh tests/bench/shapes.sh build/bin "ball8 ball8+out" "1"
#
# SHAPES defaults to the eight runs the distance sampler's defaults were
# chosen on; the shapes added afterwards (square2 plate3 shell3 rod8
# ball16; `bench_shapes list` names them all) are run by naming them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
shapes=${2:-annulus2 annulus2+out disks2 torus3 ball8 ball8+out shell8 slab16}
seeds=${3:-1 2 3}
opts=${OPTS:-}
dseed=${DATA_SEED:-1}
case $dseed in '' | *[!0-9]*) echo "shapes.sh: DATA_SEED: a whole number, not $dseed" >&2; exit 64 ;; esac
bench=$bin/../bench/bench_shapes
rows=${ROWS:-2000}
case $rows in '' | *[!0-9]*) rows=x ;; esac
[ "$rows" != x ] && [ "$rows" -ge 2 ] 2>/dev/null || { echo "shapes.sh: ROWS: a whole number above 1, not ${ROWS:-}" >&2; exit 64; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "Model: \`ocsdf-train --scale iso ${opts:+$opts }--threads 1 --seed S\` (otherwise default options)"
echo "on $rows rows of each shape (data seed $dseed); \"+out\": 5% of the rows uniform in the shape's"
echo "bounding box.  f and the true sdf in raw units (f divided by the model's Lipschitz constant"
echo "in raw units, as \`ocsdf-score --units raw\`).  Spearman, mean |f-sdf|: f against the true sdf"
echo "on 4000 points, half uniform over the data's box plus margins, half near the boundary; AUROC:"
echo "inside against outside by more than 0.1; gradient columns: on the training rows."
echo "Targets: Spearman >= 0.9, AUROC >= 0.97, median ||grad f| - 1| <= 0.1.  Last column: the rise term's"
echo "measures of the last epoch (ocsdf-train -v: the rise of f and of the bound from the rows to their"
echo "probes, per unit of the step, and the share of bounds on one cone).  \"at the edge\": the median of"
echo "||grad f| - 1| over the rows inside at most half the largest depth of a row (away from the medial"
echo "axis, where the true distance has kinks), and their share"
echo
echo "| shape | d | rows | seed | Spearman | AUROC | median \\|\\|∇f\\|−1\\| | at the edge (share) | mean \\|∇f\\| | mean \\|f−sdf\\| | train s | rise of f / of the bound, on one cone |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for spec in $shapes; do
	shape=${spec%+out}
	out=
	[ "$shape" != "$spec" ] && out=--outliers
	d=$("$bench" list | awk -v s="$shape" '$1 == s { print $2 }')
	[ -n "$d" ] || { echo "shapes.sh: unknown shape $shape" >&2; exit 64; }
	"$bench" data "$shape" --rows $rows --seed "$dseed" $out >"$work/data.csv"
	: >"$work/all"
	for seed in $seeds; do
		start=$(date +%s)
		# shellcheck disable=SC2086 # OPTS is a list of options
		"$bin/ocsdf-train" -v -f --scale iso $opts --threads 1 --seed "$seed" -o "$work/m" "$work/data.csv" \
			2>"$work/log"
		secs=$(($(date +%s) - start))
		# The rise term's measures of the last epoch, "- - -" without it.
		rise=$(sed -n 's/.*  rise \([-0-9.]*\) of \([-0-9.]*\), cone \([0-9.]*\) .*/\1 \2 \3/p' "$work/log" |
			tail -n 1)
		# shellcheck disable=SC2046 # eval prints seven numbers
		set -- $("$bench" eval "$shape" "$work/m" --rows $rows --seed "$dseed" $out) $secs ${rise:-- - -}
		echo "$*" >>"$work/all"
		echo "| $spec | $d | $rows | $seed | $1 | $2 | $3 | $7 ($(awk -v e="$6" 'BEGIN { printf "%.0f%%", 100 * e }')) | $4 | $5 | $8 | $9 / ${10}, ${11} |"
	done
	awk -v s="$spec" -v d="$d" -v n="$rows" '
		{ for (i = 1; i <= 11; i++) t[i] += $i; k++; if ($9 == "-") none = 1 }
		END { printf "| **%s mean** | %s | %s | %d seeds | %.4f | %.4f | %.4f | %.4f (%.0f%%) | %.4f | %.4f | %.0f | ",
			s, d, n, k, t[1] / k, t[2] / k, t[3] / k, t[7] / k, 100 * t[6] / k, t[4] / k, t[5] / k, t[8] / k
			if (none) print "- |"; else printf "%.3f / %.3f, %.2f |\n", t[9] / k, t[10] / k, t[11] / k }' "$work/all"
done
