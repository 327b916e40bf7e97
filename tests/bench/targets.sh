#!/bin/sh
# What the distance sampler's targets rank, against what the model fitted
# to them ranks: for each set, anomaly-detection protocol (train on all
# rows, labels excluded), one default training (seed 1, one thread), then
# tests/bench/bench_target.c on the same rows: the AUROC for label 1 of
# the targets a training step gives the rows (t = r - d_10, raised to the
# upper bound inside the support and in its shallow holes), of t alone
# (the distance to the 10th nearest other row), and of the model's f; the
# share of the rows outside the support (t < 0) and the share of those
# whose target the bound raised above 0.
#
#   sh tests/bench/targets.sh [BIN] [SETS] [OPTIONS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
sets=${2:-wbc wine glass vertebral lympho breastw pima ionosphere vowels cardio thyroid arrhythmia musk satimage-2 optdigits}
opts=${3:-}
odds=${ODDS:-$top/../shared/data/odds}
target=$bin/../bench/bench_target
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "Model: \`ocsdf-train --label label --seed 1 --threads 1${opts:+ $opts}\` (otherwise defaults), then"
echo "\`bench_target MODEL CSV label\`; AUROC (%) for label 1 over all rows."
echo
echo "| set | targets | t alone (d_10) | f | rows outside | of them raised by the bound |"
echo "|---|---:|---:|---:|---:|---:|"
for set in $sets; do
	src=$odds/$set.csv
	[ -f "$src" ] || src=$odds/$set.csv.gz
	# shellcheck disable=SC2086 # opts is a list of options
	"$bin/ocsdf-train" --label label --seed 1 --threads 1 $opts -f -o "$work/m" "$src" 2>/dev/null
	# shellcheck disable=SC2046 # bench_target prints five numbers
	set -- $("$target" "$work/m" "$src" label)
	echo "| $set | $1 | $2 | $3 | $(awk -v o="$4" -v r="$5" 'BEGIN { printf "%.1f%% | %.0f%%", 100 * o, 100 * r }') |"
done
