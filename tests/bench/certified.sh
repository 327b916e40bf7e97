#!/bin/sh
# How much of its Lipschitz budget the default model uses, and what that
# certifies: for each set, mean |grad f| over the training rows (the
# summary line of ocsdf-train) and the AUROC and certified AUROC at radius
# 0.1 in model units (ocsdf-certify without -m: radii in score units),
# anomaly-detection protocol, one seed.
#
#   sh tests/bench/certified.sh [BIN] [SETS] [OPTIONS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
sets=${2:-cardio thyroid satimage-2}
opts=${3:-}
odds=${ODDS:-$top/../shared/data/odds}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "Model: \`ocsdf-train --label label --seed 1${opts:+ $opts}\` (otherwise defaults); AUROC"
echo "of sdf for label 1 over all rows, certified at radius 0.1 in model units"
echo "(\`ocsdf-certify --radius 0,0.1\` on the scores, without -m)."
echo
echo "| set | mean \\|∇f\\| on the rows | AUROC | certified at 0.1 | difference |"
echo "|---|---:|---:|---:|---:|"
for set in $sets; do
	# shellcheck disable=SC2086 # opts is a list of options
	"$bin/ocsdf-train" -v --label label --seed 1 $opts -f -o "$work/m" "$odds/$set.csv" 2>"$work/log"
	g=$(sed -n 's/.*|grad f| mean \([0-9.]*\).*/\1/p' "$work/log")
	"$bin/ocsdf-score" -m "$work/m" -f -o "$work/s.csv" "$odds/$set.csv"
	"$bin/ocsdf-certify" --radius 0,0.1 "$work/s.csv" >"$work/c"
	awk -v set="$set" -v g="$g" '$1 == "0" && NF >= 4 { a = $3 } $1 == "0.1" && NF >= 4 { c = $3 }
		END { printf "| %s | %s | %.2f | %.2f | %.2f |\n", set, g, 100 * a, 100 * c, 100 * (a - c) }' "$work/c"
done
