#!/bin/sh
# How the ranking behaves at a large margin: ocsdf-train --eval on wbc at
# margin 1, seed 3 (a seed whose final ranking turned over in the ODDS
# grid), with the constant learning rate and with --lr-decay linear.
# Prints the AUROC of each epoch and, per run, its range from the first
# epoch whose loss is negative (the hinge met on nearly every row) on.
# Figures quoted in ocsdf-train(1), NOTES.
#
#   sh tests/bench/margin.sh [BIN]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
wbc=${ODDS:-$top/../shared/data/odds}/wbc.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run="--sampler paper --activation fullsort --lr-decay none --eval -v --label label --margin 1 --seed 3 --threads 1 -f"
"$bin/ocsdf-train" $run -o "$work/m1" "$wbc" 2>"$work/const"
"$bin/ocsdf-train" $run --lr-decay linear -o "$work/m2" "$wbc" 2>"$work/decay"

echo "\`ocsdf-train --eval -v --label label --margin 1 --seed 3 --threads 1 [--lr-decay linear]\`"
echo "on wbc: AUROC on the training rows after each epoch, and the loss."
echo
# epoch, loss and auroc of each "epoch" line of a -v log.
fields() {
	awk '/^epoch/ { split($2, e, "/"); for (i = 1; i <= NF; i++) { if ($i == "loss") l = $(i + 1); if ($i == "auroc") a = $(i + 1) }
		print e[1], l, a }' "$1"
}
fields "$work/const" >"$work/c"
fields "$work/decay" >"$work/d"
echo "| epoch | loss | AUROC | loss (lr decay) | AUROC (lr decay) |"
echo "|---:|---:|---:|---:|---:|"
paste -d' ' "$work/c" "$work/d" | awk '{ printf "| %d | %.4f | %.4f | %.4f | %.4f |\n", $1, $2, $3, $5, $6 }'
echo
for f in c d; do
	awk -v name="$([ $f = c ] && echo "constant lr" || echo "--lr-decay linear")" '
		$2 < 0 && !first { first = $1 }
		first { if (lo == "" || $3 < lo) lo = $3; if (hi == "" || $3 > hi) hi = $3 }
		{ last = $3 }
		END { if (first) printf "- %s: loss negative from epoch %d; AUROC from there %.2f to %.2f; final %.2f.\n", name, first, lo, hi, last
			else printf "- %s: the loss stays positive; final AUROC %.2f.\n", name, last }' "$work/$f"
done
