#!/bin/sh
# The margins of the program tests that train a model (t_train_score,
# t_attack), measured over seeds, thread counts and OpenBLAS kernels: each
# row trains as the test does and prints the quantity the test bounds,
# next to its bound.  A test may bound only what holds in every row here,
# with room to spare.  Also runs the unit tests that train (test_train)
# under each kernel, and the walks of t_sample on its fixed model
# (tests/cli/data/disk.model) over sampler seeds and kernels.  Prints a Markdown section; `make bench` records it in
# RESULTS.md.
#
#   sh tests/bench/trained.sh [BIN] [SEEDS] [CORETYPES]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
seeds=${2:-1 2 3 4 5}
cores=${3:-Prescott Haswell SkylakeX}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
disk=$top/data/disk.csv
score_small="--width 32 --depth 2 --epochs 6 --warmup 1 --batch 64 --margin 0.1 -q"
attack_small="--width 32 --depth 2 --epochs 4 --warmup 1 --batch 64 --margin 0.1 -q"
printf 'x,y\n3,0\n0,-3.5\n2.5,2.5\n' >"$work/far.csv"
h=0.0001
awk -F, -v h=$h 'NR == 1 { print "x,y"; next }
	{ print $1 + h "," $2; print $1 - h "," $2; print $1 "," $2 + h; print $1 "," $2 - h }' \
	"$disk" >"$work/probe.csv"

echo "t_train_score trains \`ocsdf-train $score_small\` on data/disk.csv and asks"
echo "that at least 90% of the rows of label 0 score above 0 and that three"
echo "far points score below 0; t_attack trains \`ocsdf-train $attack_small\`"
echo "and asks for a mean |∇f| of at least 0.05 on each class (the attack's"
echo "yardstick).  Each row adds --seed S --threads N with OPENBLAS_CORETYPE set."
echo
echo "| kernels | seed | threads | inside share (≥ 0.9) | max f far (< 0) | mean grad, normal / anomaly (≥ 0.05) |"
echo "|---|---:|---:|---:|---:|---|"
for core in $cores; do
	for seed in $seeds; do
		for threads in 1 2; do
			run="--seed $seed --threads $threads"
			OPENBLAS_CORETYPE=$core "$bin/ocsdf-train" $score_small $run --label label -f -o "$work/m" "$disk"
			OPENBLAS_CORETYPE=$core "$bin/ocsdf-score" -m "$work/m" -f -o "$work/s.csv" "$disk"
			share=$(awk -F, 'NR > 1 && $3 == 0 { n++; if ($4 > 0) p++ } END { printf "%.3f", p / n }' "$work/s.csv")
			far=$(OPENBLAS_CORETYPE=$core "$bin/ocsdf-score" -m "$work/m" --only "$work/far.csv" |
				awk 'NR > 1 && (m == "" || $1 > m) { m = $1 } END { printf "%.3f", m }')
			OPENBLAS_CORETYPE=$core "$bin/ocsdf-train" $attack_small $run --label label -f -o "$work/a" "$disk"
			OPENBLAS_CORETYPE=$core "$bin/ocsdf-score" -m "$work/a" --only --units raw "$work/probe.csv" >"$work/p.out"
			grad=$(tail -n +2 "$disk" | cut -d, -f3 | awk -F, -v h=$h 'NR == FNR { if (FNR > 1) v[FNR - 2] = $1; next }
				{ i = 4 * (FNR - 1); gx = (v[i] - v[i + 1]) / (2 * h); gy = (v[i + 2] - v[i + 3]) / (2 * h)
				  G[$1] += sqrt(gx * gx + gy * gy); n[$1]++ }
				END { printf "%.3f / %.3f", G[0] / n[0], G[1] / n[1] }' "$work/p.out" -)
			echo "| $core | $seed | $threads | $share | $far | $grad |"
		done
	done
done
echo
echo "t_sample walks on tests/cli/data/disk.model: boundary samples (\`ocsdf-sample -n 400\`) must have"
echo "|sdf| ≤ 1e-3 and radius in [0.9, 1.25]; inside samples (\`-n 200 --level 0.02 --mode inside\`)"
echo "must be within 1e-3 of the level.  Each row adds --seed S with OPENBLAS_CORETYPE set."
echo
echo "| kernels | seeds | boundary max \\|sdf\\| | boundary radii | inside max error |"
echo "|---|---|---:|---|---:|"
fixture=$top/tests/cli/data/disk.model
for core in $cores; do
	for seed in 1 2 3 4 5 6 7 8; do
		OPENBLAS_CORETYPE=$core "$bin/ocsdf-sample" -m "$fixture" -n 400 --seed $seed
	done | awk -F, '$1 == "x" { next } { r = sqrt($1 * $1 + $2 * $2); a = $3 < 0 ? -$3 : $3
		if (a > m) m = a; if (lo == "" || r < lo) lo = r; if (r > hi) hi = r }
		END { printf "%.2g|%.3f to %.3f", m, lo, hi }' >"$work/b"
	for seed in 1 2 3 4 5 6 7 8; do
		OPENBLAS_CORETYPE=$core "$bin/ocsdf-sample" -m "$fixture" -n 200 --level 0.02 --mode inside --seed $seed
	done | awk -F, '$1 == "x" { next } { e = $3 - 0.02; if (e < 0) e = -e; if (e > m) m = e }
		END { printf "%.2g", m }' >"$work/i"
	echo "| $core | 1 to 8 | $(cut -d'|' -f1 "$work/b") | $(cut -d'|' -f2 "$work/b") | $(cat "$work/i") |"
done
echo
if [ -x "$top/build/tests/test_train" ]; then
	for core in $cores; do
		if OPENBLAS_CORETYPE=$core CK_VERBOSITY=silent "$top/build/tests/test_train" >/dev/null 2>&1; then r=passes; else r=FAILS; fi
		echo "- test_train with OPENBLAS_CORETYPE=$core: $r"
	done
fi
