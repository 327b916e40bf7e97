#!/bin/sh
# Why ocsdf ranks the test rows of a one-class ODDS split as it does: one
# training with the default options on the seeded half of the normal rows
# (as odds.sh -p oc -m 0.05 -x "--sampler distance", but with one thread),
# its score on the test rows set beside the baselines of oc_baselines.c:
#
# - rho_target, rho_knn, rho_norm: Spearman correlation of the score sdf with
#   the target t = r - d_10 of the default sampler, with minus the kNN
#   distance and with minus the distance to the mean, over the test rows;
# - auroc: of sdf over all test rows; auroc_in / knn_in: of sdf and of the
#   kNN distance for the normal test rows against the anomalies inside the
#   support (t >= 0) only; auroc_out / knn_out: against those outside.
#
#   sh tests/bench/oc-why.sh [-b BUILD] -s SETS [-r SEEDS]
#
# Appends a line per (set, seed) to tests/bench/oc-why.tsv, skipping those
# already there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build
odds=${ODDS:-$top/../shared/data/odds}
sets=""
seeds=1
while getopts b:s:r: opt; do
	case $opt in
	b) build=$OPTARG ;;
	s) sets=$(echo "$OPTARG" | tr ',' ' ') ;;
	r) seeds=$(echo "$OPTARG" | tr ',' ' ') ;;
	*) exit 64 ;;
	esac
done
[ -n "$sets" ] || { echo "oc-why.sh: -s SETS is required" >&2; exit 64; }
out=$here/oc-why.tsv
[ -f "$out" ] || printf 'set\tseed\tauroc\trho_target\trho_knn\trho_norm\tauroc_in\tknn_in\tauroc_out\tknn_out\n' >"$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/auroc.sh"

# ranks FILE COL: "row rank" for the numeric column COL of the CSV FILE
# (header skipped), rows in file order, rank 1 for the smallest value.
ranks() {
	awk -F, -v c="$2" 'NR > 1 { print NR - 1, $c }' "$1" | sort -k2,2g |
		awk '{ print $1, NR }' | sort -k1,1n
}

# spearman FILE COL1 COL2 [SIGN]: the Spearman correlation of two columns,
# SIGN -1 for that of COL1 with minus COL2.
spearman() {
	ranks "$1" "$2" >"$work/r1"
	ranks "$1" "$3" >"$work/r2"
	paste -d' ' "$work/r1" "$work/r2" | awk -v sg="${4:-1}" '
		{ x = $2; y = $4; n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y }
		END { c = (sxy - sx * sy / n) / sqrt((sxx - sx * sx / n) * (syy - sy * sy / n))
			printf "%.3f", sg * c }'
}

for set in $sets; do
	src=$(odds_src "$odds" "$set") || continue
	for seed in $seeds; do
		grep -q "^$set	$seed	" "$out" && continue
		oc_split "$src" "$seed" "$work/train.csv" "$work/test.csv"
		"$build/bin/ocsdf-train" -q -f --label label --margin 0.05 --seed "$seed" --ortho retract \
			--init uniform --sampler distance --threads 1 -o "$work/m" "$work/train.csv"
		"$build/bin/ocsdf-score" -q -m "$work/m" --only "$work/test.csv" >"$work/sdf.csv"
		OPENBLAS_NUM_THREADS=1 "$build/bench/oc_baselines" -s "$seed" "$work/train.csv" \
			"$work/test.csv" >"$work/base.csv"
		# sdf,knn,iforest,norm,support,label
		paste -d, "$work/sdf.csv" "$work/base.csv" >"$work/all.csv"
		line="$(auroc "$build/bin" "$work/all.csv" --score sdf)"
		line="$line	$(spearman "$work/all.csv" 1 5)"
		line="$line	$(spearman "$work/all.csv" 1 2 -1)"
		line="$line	$(spearman "$work/all.csv" 1 4 -1)"
		for side in in out; do
			awk -F, -v side="$side" 'NR == 1 || $6 != 1 || (side == "in") == ($5 >= 0)' \
				"$work/all.csv" >"$work/part.csv"
			if [ "$(awk -F, '$6 == 1' "$work/part.csv" | wc -l)" -gt 0 ]; then
				line="$line	$(auroc "$build/bin" "$work/part.csv" --score sdf)"
				line="$line	$(auroc "$build/bin" "$work/part.csv" --score knn --higher-is-anomalous)"
			else
				line="$line		"
			fi
		done
		printf '%s\t%s\t%s\n' "$set" "$seed" "$line" >>"$out"
		tail -1 "$out"
	done
done
