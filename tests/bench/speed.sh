#!/bin/sh
# Training and scoring speed of the programs, in one run, with the kernels
# the programs choose and again with OpenBLAS's generic SSE3 kernels
# (OPENBLAS_CORETYPE=Prescott), to show what the choice buys: the kernels
# and threads in use (from -v), the sgemm 512³ rate, seconds per epoch on
# cardio for each --ortho scheme and sampler, and of the default network, a training step as a
# multiple of one sgemm 512³, scoring rows/s as a share of the GEMM-only
# ideal, and peak RSS; then where a second OpenBLAS thread stops paying.
# Prints a Markdown section; `make bench` records it in RESULTS.md.
#
#   sh tests/bench/speed.sh [BIN]
#
# The machine may be shared: every time is the minimum of several
# (epochs, runs) and is set against an sgemm 512³ measured in the same
# minute, with the same kernels and threads (BIN/../bench/bench_net -s,
# which must be built: make build/bench/bench_net).  Environment:
# THREADS (default 1), ROWS scored (default 300000), KERNELS (default
# "chosen Prescott"; the second with the retraction only), PERF (set:
# a perf(1) profile of one scoring run per kernels), SCHEMES (";"-separated "ORTHO ITERS SAMPLER"; for a
# quick look "retract 2 distance" alone, say: the scoring times that
# scheme's model, and is left out when the list lacks it;
# SAMPLER default is the defaults' network and steps, noascent the same
# without the ascent, distance the distance sampler at width 512 and 15
# steps an epoch, paper the paper's method).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
bench=$bin/../bench/bench_net
cardio=${ODDS:-$top/../shared/data/odds}/cardio.csv
threads=${THREADS:-1}
rows=${ROWS:-300000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$bench" ] || { echo "speed.sh: $bench not built" >&2; exit 1; }

# F, the FLOPs of f at one row (d = 21, width 512, depth 4), and of one
# sgemm 512³.
F=$(awk 'BEGIN { printf "%d", 2 * (21 * 512 + 3 * 512 * 512 + 512) }')
G=$(awk 'BEGIN { printf "%d", 2 * 512 * 512 * 512 }')

# FLOPs of one step at batch 128 (2 MNK per product): training forward and
# backward on 256 rows, 3F each; the paper's sampler adds T = 4 Newton
# steps on the 128 negatives, a forward and an input-only backward each
# (2F); the distance sampler's distance products (256 points against 1831
# rows and a pool of 4096, d = 21) add about 0.06 GFLOP.  Orthonormality
# on the three 512 x 512 matrices: a Newton-Schulz iteration of the
# retraction is an ssyrk and an ssymm, 3n³; a Björck iteration forward and
# backward about 10n³.  k iterations per step.
flops() { # flops ORTHO ITERS SAMPLER
	awk -v o="$1" -v k="$2" -v smp="$3" -v F="$F" 'BEGIN {
		n3 = 512 * 512 * 512
		net = 3 * F * 256 + (smp == "paper" ? 4 * 2 * F * 128 : 2 * 21 * 256 * (1831 + 4096))
		ortho = (o == "bjorck") ? 3 * k * 10 * n3 : 3 * k * 3 * n3
		printf "%.3f", (net + ortho) / 1e9 }'
}

# The best sgemm 512³ rate (GFLOP/s) of three runs of bench_net -s on
# THREADS threads with the kernels CORE, in wall-clock or CPU time.
sgemm() { # sgemm THREADS CORE [-c: in process CPU time]
	for i in 1 2 3; do
		OPENBLAS_CORETYPE=$2 "$bench" -s -t "$1" ${3:-}
	done | awk '$2 > b { b = $2 } END { printf "%.1f", b }'
}

# The shortest epoch with walks (T = 4) in a -v log: the differences of
# the cumulative seconds after the warm-up epoch.
best_epoch() {
	awk '/^epoch/ { split($2, e, "/"); t = $NF; sub(/s$/, "", t)
		if (e[1] > 1 && (best == "" || t - prev < best)) best = t - prev; prev = t }
		END { printf "%.3f", best }' "$1"
}

echo "Training: \`ocsdf-train --threads $threads -v --ortho O [--bjorck-tol X] [SAMPLER] --epochs E"
echo "--warmup 1 --label label\` on cardio (1831 rows, d = 21, width 512, depth 4,"
echo "15 steps of 128 rows + 128 negatives per epoch: \`--width 512 --min-steps 15\`),"
echo "with the distance sampler (GroupSort, \`--slope 0\`: the default before the"
echo "rise term and the automatic width) and with the paper's method (\`--sampler paper"
echo "--activation fullsort --lr-decay none\`, T = 4, the default of ocsdf 0.1); and"
echo "the default (\"default\": width 128 for d = 21, the rise term, 240 steps an"
echo "epoch, \`--min-steps 240\` so that runs of E epochs have the steps of 40)."
echo "The machine is shared, so"
echo "the cost of an epoch with walks is its process CPU time: the least"
echo "difference between runs of E epochs, over the epochs between them"
echo "(retract: E = 2, 6, 10; bjorck: 1, 2), set against one sgemm 512³ in"
echo "process CPU time at the best"
echo "of three \`bench_net -c -s -t $threads\` runs with the same kernels; the"
echo "wall-clock seconds are those of the shortest such epoch in the -v log of"
echo "the longest run.  GFLOP per step from the FLOP model in this script"
echo "(retract: 2 Newton-Schulz iterations a step at lr 1e-3).  Scoring:"
echo "\`ocsdf-score -m MODEL -o OUT\` on $rows generated rows of d = 21 (the"
echo "retract, distance model), least CPU time of 3 runs, parsing and printing"
echo "included; the ideal is F = $F FLOPs a row at the sgemm rate.  Peak RSS"
echo "from /usr/bin/time.  Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."

awk -v n="$rows" 'BEGIN { srand(1); for (j = 1; j <= 21; j++) printf "x%d%s", j, j < 21 ? "," : "\n"
	for (i = 0; i < n; i++) for (j = 1; j <= 21; j++) printf "%.6f%s", 2 * rand() - 1, j < 21 ? "," : "\n" }' \
	>"$work/big.csv"

for kern in ${KERNELS:-chosen Prescott}; do
	if [ "$kern" = chosen ]; then
		set -- -u OPENBLAS_CORETYPE
	else
		set -- OPENBLAS_CORETYPE="$kern"
	fi
	echo
	echo "### Kernels: $([ "$kern" = chosen ] && echo "OPENBLAS_CORETYPE unset (the programs' choice)" ||
		echo "OPENBLAS_CORETYPE=$kern")"
	echo
	env "$@" "$bin/ocsdf-train" -v --threads "$threads" --epochs 1 --warmup 1 --width 8 --depth 1 -f \
		-o "$work/tiny" "$top/data/disk.csv" 2>"$work/kern" >/dev/null
	core=$(sed -n 's/.*OpenBLAS kernels \([A-Za-z0-9]*\) .*/\1/p' "$work/kern")
	echo "-v: \`$(sed -n 's/^ocsdf-train: \(OpenBLAS kernels.*\)/\1/p' "$work/kern")\`"
	sg=$(sgemm "$threads" "$core")
	sgc=$(sgemm "$threads" "$core" -c)
	echo
	echo "| sampler | ortho | s/epoch (wall) | CPU s/epoch | CPU ms/step | step / sgemm 512³ (CPU) | GFLOP/step | share of sgemm rate | peak RSS MB |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	IFS=';'
	schemes=${SCHEMES:-retract 2 default;retract 2 distance;retract 2 paper;bjorck 15 distance;bjorck 15 paper;bjorck-1e-3 0 paper}
	# Björck's epochs take minutes on the generic kernels: the retraction
	# alone shows what they cost.
	[ "$kern" = chosen ] || schemes=${SCHEMES:-retract 2 default;retract 2 distance;retract 2 paper}
	for spec in $schemes; do
		IFS=' '
		# shellcheck disable=SC2086 # a spec is three words
		set -- $spec
		# The network and the steps: 512 wide, 15 steps an epoch, but
		# for the default's own (its width from the features).
		paper="--width 512 --min-steps 15 --slope 0" spe=15
		[ "$3" = paper ] && paper="--width 512 --min-steps 15 --sampler paper --activation fullsort --lr-decay none"
		[ "$3" = default ] && paper="--min-steps 240" spe=240
		[ "$3" = noascent ] && paper="--min-steps 240 --ascent-rows 0" spe=240
		ortho="--ortho $1"
		runs="2 6 10"
		case $1 in
		bjorck) runs="1 2" ;;
		bjorck-*) ortho="--ortho bjorck --bjorck-tol ${1#bjorck-}" runs="1 2" ;;
		esac
		: >"$work/cpu"
		for epochs in $runs; do
			log=$work/log.$1.$3
			# shellcheck disable=SC2086 # lists of options
			env OPENBLAS_CORETYPE="$core" /usr/bin/time -f '%U %S %M' -o "$work/time" "$bin/ocsdf-train" -v \
				--threads "$threads" $ortho $paper --epochs "$epochs" --warmup 1 --label label -f \
				-o "$work/m.$1.$3" "$cardio" 2>"$log"
			echo "$epochs $(cat "$work/time")" >>"$work/cpu"
		done
		e=$(best_epoch "$log")
		gf=""
		[ "$2" -gt 0 ] && [ "$3" != default ] && [ "$3" != noascent ] && gf=$(flops "${1%%-*}" "$2" "$3")
		# The CPU time of an epoch with walks: the least difference
		# between runs, over the epochs between them (4 with the
		# retraction: an epoch of 0.3 s is within the spread of whole
		# runs).
		awk -v o="$1" -v smp="$3" -v e="$e" -v g="$gf" -v sg="$sgc" -v G="$G" -v spe="$spe" '
			{ t = $2 + $3
				if (NR > 1 && (c == "" || (t - prev) / ($1 - pe) < c)) c = (t - prev) / ($1 - pe)
				prev = t; pe = $1
				if ($4 > rss) rss = $4 }
			END { step = c / spe; ref = G / (sg * 1e9)
				printf "| %s | %s | %.2f | %.2f | %.1f | %.1f | %s | %s | %.0f |\n", smp,
					o == "bjorck-1e-3" ? "bjorck, --bjorck-tol 1e-3" : o, e, c, 1000 * step,
					step / ref, g == "" ? "" : g, g == "" ? "" : sprintf("%.0f%%", 100 * g / step / sg),
					rss / 1024 }' "$work/cpu"
	done
	echo
	echo "sgemm 512³ ($core kernels, $threads thread(s)): $sgc GFLOP/s in CPU time, one product"
	echo "$(awk -v sg="$sgc" -v G="$G" 'BEGIN { printf "%.2f", 1000 * G / (sg * 1e9) }') ms; $sg GFLOP/s in wall-clock time."
	# The scoring times the model of the scheme "retract 2 distance" (a
	# width-512 network, the F above): without that scheme, say so.
	if [ ! -f "$work/m.retract.distance" ]; then
		echo
		echo "Scoring not timed: SCHEMES has no \"retract 2 distance\", whose model it scores."
		continue
	fi
	: >"$work/score"
	for i in 1 2 3; do
		env OPENBLAS_CORETYPE="$core" /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin/ocsdf-score" \
			--threads "$threads" -m "$work/m.retract.distance" -f -o "$work/out.csv" "$work/big.csv"
		cat "$work/time" >>"$work/score"
	done
	echo
	echo "| scoring rows | seconds (wall) | CPU seconds | rows/s (CPU) | ideal rows/s | share of ideal | peak RSS MB |"
	echo "|---:|---:|---:|---:|---:|---:|---:|"
	awk -v n="$rows" -v sg="$sgc" -v F="$F" '
		{ c = $2 + $3; if (NR == 1 || c < best) best = c; if (NR == 1 || $1 < wall) wall = $1; if ($4 > r) r = $4 }
		END { ideal = sg * 1e9 / F
			printf "| %d | %.2f | %.2f | %.0f | %.0f | %.2f | %.1f |\n", n, wall, best, n / best, ideal,
				n / best / ideal, r / 1024 }' "$work/score"
	# PERF=1: where one scoring run spends its time (perf(1), its top lines).
	if [ -n "${PERF:-}" ] && command -v perf >/dev/null; then
		env OPENBLAS_CORETYPE="$core" perf record -q -o "$work/perf.data" "$bin/ocsdf-score" \
			--threads "$threads" -m "$work/m.retract.distance" -f -o "$work/out.csv" "$work/big.csv" 2>/dev/null
		echo
		echo "perf report (one scoring run, share of samples):"
		echo
		perf report -i "$work/perf.data" --stdio 2>/dev/null | grep -v '^#' | grep . | head -15 | sed 's/^/    /'
	fi
done

# Threads: the default distance recipe at two widths, 1 and 2 threads.
echo
echo "### Threads"
echo
echo "\`ocsdf-train --threads N --width W --epochs 3 --warmup 1\` on cardio (the"
echo "programs' kernels), the shortest epoch with walks; sgemm 512³ with the"
echo "same threads.  Load average now: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| width | threads | s/epoch | sgemm 512³ GFLOP/s |"
echo "|---:|---:|---:|---:|"
for width in 128 512; do
	for t in 1 2; do
		env -u OPENBLAS_CORETYPE "$bin/ocsdf-train" -v --threads "$t" --width "$width" --epochs 3 --warmup 1 \
			--label label -f -o "$work/t" "$cardio" 2>"$work/tlog"
		core=$(sed -n 's/.*OpenBLAS kernels \([A-Za-z0-9]*\) .*/\1/p' "$work/tlog")
		echo "| $width | $t | $(best_epoch "$work/tlog") | $(sgemm "$t" "$core") |"
	done
done
