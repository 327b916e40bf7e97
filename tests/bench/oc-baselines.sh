#!/bin/sh
# Baselines for the one-class protocol of the ODDS benchmark: kNN (distance
# to the k-th nearest training row), Isolation Forest and the distance to the
# training mean, fitted on the same seeded half of the normal rows as
# `odds.sh -p oc` trains ocsdf on, and scored on the same test rows (the
# other half and every anomaly); see oc_baselines.c.  Beside them, the target
# t = r - d_k that ocsdf-train's default sampler fits f to: its AUROC
# (auroc_support: what fitting it exactly would give), the share of the
# anomalies inside that support (t >= 0) and the share of the normal test
# rows outside it (t < 0), in percent.
#
#   sh tests/bench/oc-baselines.sh [-b BUILD] [-s SETS] [-r SEEDS] [-k K] [-a]
#
# -a checks the Isolation Forest against published figures instead: fitted
# and scored on all rows of each set (anomalies included, as PyOD's and
# ADBench's benchmarks do), it prints the set and the mean AUROC over the
# seeds, and records nothing.
#
# BUILD is the build folder (default build; it needs bench/oc_baselines and
# bin/ocsdf-certify, which computes the AUROCs).  Each (set, seed, k) appends
# one line to tests/bench/oc-baselines.tsv and is skipped when already there:
# the script can be stopped and run again.  The seed of the split is also
# the seed of the forest.  Before any run the program checks itself (-t).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build
odds=${ODDS:-$top/../shared/data/odds}
sets="wbc wine glass vertebral lympho breastw pima ionosphere vowels cardio thyroid arrhythmia musk satimage-2 optdigits mammography shuttle smtp http"
seeds="1 2 3"
k=5
check=0
while getopts ab:s:r:k: opt; do
	case $opt in
	b) build=$OPTARG ;;
	s) sets=$(echo "$OPTARG" | tr ',' ' ') ;;
	r) seeds=$(echo "$OPTARG" | tr ',' ' ') ;;
	k) k=$OPTARG ;;
	a) check=1 ;;
	*) exit 64 ;;
	esac
done
case $k in '' | *[!0-9]* | 0) echo "oc-baselines.sh: -k: a positive integer, not $k" >&2; exit 64 ;; esac
prog=$build/bench/oc_baselines
"$prog" -t >&2
out=$here/oc-baselines.tsv
[ -f "$out" ] || printf 'set\tseed\tk\ttrain_rows\ttest_rows\tauroc_knn\tauroc_iforest\tauroc_norm\tauroc_support\tanomalies_inside\tnormal_outside\tseconds\n' >"$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/auroc.sh"

for set in $sets; do
	src=$(odds_src "$odds" "$set") || continue
	if [ $check = 1 ]; then
		gzip -cdf "$src" >"$work/all.csv"
		for seed in $seeds; do
			OPENBLAS_NUM_THREADS=1 "$prog" -s "$seed" "$work/all.csv" "$work/all.csv" >"$work/scores.csv"
			auroc "$build/bin" "$work/scores.csv" --score iforest --higher-is-anomalous
			echo
		done | awk -v set="$set" '{ t += $1 } END { printf "%s\t%.1f\n", set, t / NR }'
		continue
	fi
	for seed in $seeds; do
		key=$(printf '%s\t%s\t%s' "$set" "$seed" "$k")
		if grep -qF "$key	" "$out"; then
			continue
		fi
		oc_split "$src" "$seed" "$work/train.csv" "$work/test.csv"
		start=$(date +%s.%N)
		OPENBLAS_NUM_THREADS=1 "$prog" -k "$k" -s "$seed" "$work/train.csv" "$work/test.csv" >"$work/scores.csv"
		end=$(date +%s.%N)
		a=""
		for score in knn iforest norm; do
			a="$a	$(auroc "$build/bin" "$work/scores.csv" --score "$score" --higher-is-anomalous)"
		done
		a="$a	$(auroc "$build/bin" "$work/scores.csv" --score support)"
		a="$a	$(awk -F, 'NR > 1 { if ($5 == 1) { na++; ai += $4 >= 0 } else { nn++; no += $4 < 0 } }
			END { printf "%.1f\t%.1f", 100 * ai / na, 100 * no / nn }' "$work/scores.csv")"
		printf '%s\t%s\t%s%s\t%s\n' "$key" $(($(wc -l <"$work/train.csv") - 1)) \
			$(($(wc -l <"$work/test.csv") - 1)) "$a" \
			"$(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }')" >>"$out"
		tail -1 "$out"
	done
done
