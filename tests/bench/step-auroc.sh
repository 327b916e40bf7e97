#!/bin/sh
# AUROC of the default method and of the paper's on a few ODDS sets at
# fixed seeds, one row per run: the accuracy check of a change to the
# training step (run it with the programs before and after the change and
# compare).  Tab-separated: set, method, seed, AUROC in percent, seconds.
#
#   sh tests/bench/step-auroc.sh [BIN] [SETS] [SEEDS] [METHODS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
sets=${2:-cardio wbc vowels}
seeds=${3:-1 2}
methods=${4:-default paper}
odds=${ODDS:-$top/../shared/data/odds}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/auroc.sh"

for set in $sets; do
	for method in $methods; do
		opts=""
		[ "$method" = paper ] && opts="--sampler paper --activation fullsort --lr-decay none"
		for seed in $seeds; do
			start=$(date +%s.%N)
			# shellcheck disable=SC2086 # opts is a list of options
			"$bin/ocsdf-train" -q -f --threads 1 --label label --seed "$seed" $opts -o "$work/m" "$odds/$set.csv"
			end=$(date +%s.%N)
			"$bin/ocsdf-score" -m "$work/m" -f -o "$work/s.csv" "$odds/$set.csv"
			printf '%s\t%s\t%s\t%s\t%.0f\n' "$set" "$method" "$seed" "$(auroc "$bin" "$work/s.csv" --score sdf)" \
				"$(echo "$end - $start" | bc)"
		done
	done
done
