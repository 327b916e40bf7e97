#!/bin/sh
# Training and scoring speed of the programs (issue figures for
# ocsdf-train/ocsdf-score): seconds per epoch on cardio for each --ortho
# scheme, achieved GFLOP/s of a training step from its FLOP count, and the
# scoring throughput and peak memory on 1,000,000 generated rows of d = 21.
# Prints a Markdown section; `make bench` records it in RESULTS.md.
#
#   sh tests/bench/speed.sh [BIN]
#
# The sgemm 512³ rate the step is set against is measured in the same run
# by the network benchmark (BIN/../bench/bench_net -s), when it is built.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
cardio=${ODDS:-$top/../shared/data/odds}/cardio.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# FLOPs of one step at d = 21, width 512, depth 4, batch 128 (2 MNK per
# product): forward F per row; training forward + backward on 256 rows is
# 3F each; a Newton step on the 128 negatives is a forward and an
# input-only backward, 2F each, T = 4 of them; a Newton-Schulz or Björck
# iteration on the three 512 x 512 matrices is 4n^3 each forward and 6n^3
# each backward (the 512 x 21 layer's Gram is negligible).
# The distance sampler has no walks; its distance products (256 points
# against 1831 rows and a pool of 4096, d = 21) add about 0.06 GFLOP.
flops() { # flops ORTHO ITERS SAMPLER
	awk -v o="$1" -v k="$2" -v smp="$3" 'BEGIN {
		F = 2 * (21 * 512 + 3 * 512 * 512 + 512); n3 = 512 * 512 * 512
		net = 3 * F * 256 + (smp == "paper" ? 4 * 2 * F * 128 : 2 * 21 * 256 * (1831 + 4096))
		ortho = (o == "bjorck") ? 3 * k * 10 * n3 : 3 * k * 4 * n3
		printf "%.3f", (net + ortho) / 1e9 }'
}

echo "Training: \`ocsdf-train --ortho O --epochs 4 --warmup 1 -v\` on cardio (1831 rows, d = 21,"
echo "width 512, depth 4, 15 steps of 128 rows + 128 negatives per epoch), with the"
echo "default distance sampler (GroupSort) and with the paper's method (\`--sampler paper"
echo "--activation fullsort --lr-decay none\`, T = 4, the default of ocsdf 0.1);"
echo "seconds of the last epoch (T = 4) from the -v log; OpenBLAS threads as set by"
echo "OPENBLAS_NUM_THREADS (default: all cores).  GFLOP per step from the FLOP model"
echo "of tests/bench/speed.sh (the same as ../shared/notes/roofline.md)."
echo
# The sgemm reference, measured now, under the same threads and load.
sg=""
[ -x "$bin/../bench/bench_net" ] && sg=$("$bin/../bench/bench_net" -s)
set -- $sg
sgemm=${1:-}
if [ -n "$sgemm" ]; then
	echo "sgemm 512³ in the same run (\`bench_net -s\`): $sgemm GFLOP/s median, $2 best."
else
	echo "sgemm 512³: not measured (bench_net not built)."
fi
echo
echo "| sampler | ortho | iterations | s/epoch | ms/step | GFLOP/step | GFLOP/s | share of sgemm |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for spec in "retract 3 distance" "bjorck 15 distance" "retract 3 paper" "bjorck 15 paper"; do
	set -- $spec
	paper=""
	[ "$3" = paper ] && paper="--sampler paper --activation fullsort --lr-decay none"
	# shellcheck disable=SC2086 # paper is a list of options
	"$bin/ocsdf-train" -v --ortho "$1" $paper --epochs 4 --warmup 1 --label label -f -o "$work/m.$1.$3" \
		"$cardio" 2>"$work/log.$1.$3"
	awk -v o="$1" -v k="$2" -v smp="$3" -v g="$(flops "$1" "$2" "$3")" -v sg="$sgemm" '
		/^epoch/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+s$/) { t = $i + 0 } prev2 = prev; prev = t }
		END { e = prev - prev2; r = g * 15 / e
			printf "| %s | %s | %d | %.2f | %.0f | %.2f | %.1f | %s |\n", smp, o, k, e, 1000 * e / 15, g, r,
				sg != "" ? sprintf("%.0f%%", 100 * r / sg) : "" }' "$work/log.$1.$3"
done
echo

# Scoring: 1,000,000 rows of 21 numbers, the header cardio's.
awk 'BEGIN { srand(1); for (j = 1; j <= 21; j++) printf "x%d%s", j, j < 21 ? "," : "\n"
	for (i = 0; i < 1000000; i++) for (j = 1; j <= 21; j++) printf "%.6f%s", 2 * rand() - 1, j < 21 ? "," : "\n" }' >"$work/big.csv"
mb=$(du -m "$work/big.csv" | cut -f1)
/usr/bin/time -f '%e %M' -o "$work/time" "$bin/ocsdf-score" -m "$work/m.retract.distance" -o "$work/out.csv" "$work/big.csv"
read -r secs rss <"$work/time"
echo "Scoring: \`ocsdf-score -m MODEL -o OUT big.csv\`, 1,000,000 generated rows of d = 21"
echo "(${mb} MB of CSV), the retract model above; time and peak RSS from /usr/bin/time."
echo
echo "| rows | seconds | rows/s | GFLOP/s (network) | peak RSS MB |"
echo "|---:|---:|---:|---:|---:|"
awk -v s="$secs" -v r="$rss" 'BEGIN { F = 2 * (21 * 512 + 3 * 512 * 512 + 512)
	printf "| 1000000 | %.2f | %.0f | %.1f | %.1f |\n", s, 1e6 / s, 1e6 * F / s / 1e9, r / 1024 }'
