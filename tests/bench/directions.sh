#!/bin/sh
# What each tried direction of the distance sampler gives: AUROC of the
# default model and of one change at a time, on ODDS sets whose anomalies
# a local distance ranks (vowels: kNN 97.5, distance to the mean 62.2) and
# sets that a global one ranks (cardio: 71.3 and 95.0), anomaly-detection
# protocol, one seed.  Also the level: the mean of f over the training rows
# at the last epoch and its largest move over the last 10 epochs, and
# the mean |grad f| over the rows (ocsdf-train -v --eval), one row per
# run of tests/bench/level.sh (one OpenBLAS thread).
#
#   sh tests/bench/directions.sh [BIN] [SETS] >>tests/bench/DISTANCE.md
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
sets=${2:-vowels cardio}
echo "| set | options (beside the defaults) | AUROC | f(rows) last | level move, last 10 epochs | mean \\|∇f\\| | seconds |"
echo "|---|---|---:|---:|---:|---:|---:|"
for set in $sets; do
	sh "$here/level.sh" -b "$bin" "$set" "" "--epochs 5 --min-steps 15" "--lr-decay none" "--activation fullsort" "--far 8" \
		"--knn 50" "--support-quantile 0.5" "--push 1" "--sampler paper --activation fullsort --lr-decay none"
done
