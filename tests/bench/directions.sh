#!/bin/sh
# What each tried direction of the distance sampler gives: AUROC of the
# default model and of one change at a time, on ODDS sets whose anomalies
# a local distance ranks (vowels: kNN 97.5, distance to the mean 62.2) and
# sets that a global one ranks (cardio: 71.3 and 95.0), anomaly-detection
# protocol, one seed.  Also the level: the mean of f over the training rows
# at the last epoch and its largest move over the last 10 epochs, and
# the mean |grad f| over the rows (ocsdf-train -v --eval).
#
#   sh tests/bench/directions.sh [BIN] [SETS] >>tests/bench/DISTANCE.md
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
sets=${2:-vowels cardio}
odds=${ODDS:-$top/../shared/data/odds}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "| set | options (beside the defaults) | AUROC | f(rows) last | level move, last 10 epochs | mean \\|∇f\\| |"
echo "|---|---|---:|---:|---:|---:|"
for set in $sets; do
	for opts in "" "--epochs 5" "--lr-decay none" "--activation fullsort" "--far 8" "--knn 50" \
		"--support-quantile 0.5" "--push 1" "--sampler paper --activation fullsort --lr-decay none"; do
		# shellcheck disable=SC2086 # opts is a list of options
		"$bin/ocsdf-train" -v --eval --label label --seed 1 -f -o "$work/m" $opts "$odds/$set.csv" \
			2>"$work/log" >/dev/null
		awk -v set="$set" -v opts="${opts:-(defaults)}" '
			/^epoch/ && /auroc/ {
				for (i = 1; i <= NF; i++) {
					if ($i == "auroc") a = $(i + 1)
					if ($i == "f(rows)") f[++n] = $(i + 1)
					if ($i == "|grad(rows)|") g = $(i + 1)
				}
			}
			END {
				mv = 0
				for (i = (n > 10 ? n - 9 : 1); i < n; i++) {
					d = f[i + 1] - f[i]; if (d < 0) d = -d; if (d > mv) mv = d
				}
				printf "| %s | %s | %.1f | %.3f | %.3f | %.2f |\n", set, opts, 100 * a, f[n], mv, g
			}' "$work/log"
	done
done
