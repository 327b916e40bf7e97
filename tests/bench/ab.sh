#!/bin/sh
# Two builds of the programs in turn, in process CPU time, for changes whose
# gain is within the spread of speed.sh's epoch differences: whole training
# runs and a short scoring run, ROUNDS times each, A then B.
#
#   sh tests/bench/ab.sh A_BIN B_BIN   # e.g. a build of an older commit, build/bin
#
# Training: `ocsdf-train -q --threads 1 --epochs 20 --warmup 1` on cardio,
# with the default method and with the paper's (every column a feature,
# as measured for SPEED.md).  Scoring: `ocsdf-score
# --threads 1` of the first 2,000 rows of speed.sh's generated rows (d = 21)
# with a model of A, ten runs summed: the start of a program included
# (kernel choice, OpenBLAS's threads).  Prints one line per program set,
# method and round.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
a=${1:?usage: ab.sh A_BIN B_BIN}
b=${2:?usage: ab.sh A_BIN B_BIN}
cardio=${ODDS:-$top/../shared/data/odds}/cardio.csv
rounds=${ROUNDS:-4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cpu() { awk '{ printf "%.2f", $1 + $2 }' "$work/time"; }

awk 'BEGIN { srand(1); for (j = 1; j <= 21; j++) printf "x%d%s", j, j < 21 ? "," : "\n"
	for (i = 0; i < 2000; i++) for (j = 1; j <= 21; j++) printf "%.6f%s", 2 * rand() - 1, j < 21 ? "," : "\n" }' \
	>"$work/rows.csv"
env -u OPENBLAS_CORETYPE "$a/ocsdf-train" -q --threads 1 --epochs 1 --warmup 1 --label label -f -o "$work/m" "$cardio"
echo "| round | programs | method | CPU s |"
echo "|---:|---|---|---:|"
for r in $(seq "$rounds"); do
	for bin in "$a" "$b"; do
		for method in default paper; do
			opts=""
			[ "$method" = paper ] && opts="--sampler paper --activation fullsort --lr-decay none"
			# shellcheck disable=SC2086 # a list of options
			env -u OPENBLAS_CORETYPE /usr/bin/time -f '%U %S' -o "$work/time" "$bin/ocsdf-train" -q --threads 1 \
				--epochs 20 --warmup 1 $opts -f -o "$work/t" "$cardio"
			echo "| $r | $bin | training, $method | $(cpu) |"
		done
		: >"$work/sum"
		for i in 1 2 3 4 5 6 7 8 9 10; do
			env -u OPENBLAS_CORETYPE /usr/bin/time -f '%U %S' -o "$work/time" "$bin/ocsdf-score" --threads 1 \
				-m "$work/m" -f -o "$work/s.csv" "$work/rows.csv"
			cpu >>"$work/sum"
			echo >>"$work/sum"
		done
		echo "| $r | $bin | scoring 2,000 rows, 10 runs | $(awk '{ s += $1 } END { printf "%.2f", s }' "$work/sum") |"
	done
done
