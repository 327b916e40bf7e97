#!/bin/sh
# How much of its Lipschitz budget the default model uses, and what that
# certifies: for each set, mean |grad f| over the training rows (the
# summary line of ocsdf-train) and the AUROC and certified AUROC at radius
# 0.1 in model units (ocsdf-certify without -m: radii in score units),
# anomaly-detection protocol, for each seed and their mean; and where on
# the rows the slope is lost (bench_grad): the share of the rows in the
# top quarter of f's range (near the summit of the distance, where a
# smooth f is flat), the mean |grad f| there and over the other rows; and
# the rise term's measures of the last epoch (ocsdf-train -v: the rise of
# f and of the bound from the rows to their probes, per unit of the step,
# and the share of bounds on one cone).
#
#   sh tests/bench/certified.sh [BIN] [SETS] [OPTIONS] [SEEDS]
#   e.g. sh tests/bench/certified.sh build/bin cardio "" "1 2 3"
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
sets=${2:-cardio thyroid satimage-2}
opts=${3:-}
seeds=${4:-1 2 3}
odds=${ODDS:-$top/../shared/data/odds}
grad=$bin/../bench/bench_grad
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "Model: \`ocsdf-train --label label --seed S${opts:+ $opts}\` (otherwise defaults); AUROC"
echo "of sdf for label 1 over all rows, certified at radius 0.1 in model units"
echo "(\`ocsdf-certify --radius 0,0.1\` on the scores, without -m)."
echo
echo "| set | seed | mean \\|∇f\\| on the rows | AUROC | certified at 0.1 | difference | rows in the top quarter of f | \\|∇f\\| there | \\|∇f\\| elsewhere | rise of f / of the bound, on one cone |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for set in $sets; do
	: >"$work/rows"
	for seed in $seeds; do
		# shellcheck disable=SC2086 # opts is a list of options
		"$bin/ocsdf-train" -v --label label --seed "$seed" $opts -f -o "$work/m" "$odds/$set.csv" 2>"$work/log"
		g=$(sed -n 's/.*|grad f| mean \([0-9.]*\).*/\1/p' "$work/log")
		rise=$(sed -n 's/.*  rise \([-0-9.]*\) of \([-0-9.]*\), cone \([0-9.]*\) .*/\1 \/ \2, \3/p' "$work/log" | tail -n 1)
		"$bin/ocsdf-score" -m "$work/m" -f -o "$work/s.csv" "$odds/$set.csv"
		"$bin/ocsdf-certify" --radius 0,0.1 "$work/s.csv" >"$work/c"
		"$grad" "$work/m" "$odds/$set.csv" >"$work/g"
		# bench_grad's lines: "rows N, largest f F, mean |grad f| G", then
		# "...: K rows (P%), mean |grad f| M" per band, the top band last.
		awk -v set="$set" -v seed="$seed" -v g="$g" -v rise="${rise:--}" -v rows="$work/rows" '
			FILENAME ~ /c$/ && $1 == "0" && NF >= 4 { a = $3 }
			FILENAME ~ /c$/ && $1 == "0.1" && NF >= 4 { c = $3 }
			FILENAME ~ /g$/ && $1 == "rows" { n = $2 + 0; all = $NF }
			FILENAME ~ /g$/ && /^f\/max/ { k = $(NF - 6); p = $(NF - 4); gsub(/[(),]/, "", p); m = $NF }
			END { printf "| %s | %s | %s | %.2f | %.2f | %.2f | %s | %.3f | %.3f | %s |\n", set, seed, g,
				100 * a, 100 * c, 100 * (a - c), p, m, (n * all - k * m) / (n - k), rise
				print g, 100 * a, 100 * c, 100 * (a - c) >> rows }' "$work/c" "$work/g"
	done
	awk -v set="$set" '{ for (i = 1; i <= 4; i++) s[i] += $i; n++ }
		END { if (n > 1) printf "| **%s mean** | %d seeds | %.3f | %.2f | %.2f | %.2f | | | | |\n", set, n,
			s[1] / n, s[2] / n, s[3] / n, s[4] / n }' "$work/rows"
done
