#!/bin/sh
# Scoring past one process: about MB megabytes of generated CSV (d = 21,
# cardio's header), gzip-compressed, scored by one plain ocsdf-score and by
# the GNU parallel recipe of docs/scale.md on every core.  Reports rows/s,
# seconds and the peak RSS of each scoring process, checks that both
# outputs are the same bytes, and sets the plain run's CPU time against the
# GEMM-only ideal at the sgemm 512^3 rate measured in the same run (CPU
# time, one thread: bench_net -s -c -t 1).  Prints Markdown.
#
#   sh tests/bench/scale.sh [BIN] [MB]
#
# MB defaults to 5000, the figure of the issue (about 25 million rows; it
# needs about 2.5 x MB of free space in TMPDIR and, on 2 cores, an hour).
# The committed figures (tests/bench/SCALE.md) are for MB = 200.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/build/bin}
mb=${2:-5000}
cardio=${ODDS:-$top/../shared/data/odds}/cardio.csv
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/ocsdf-train" -q --epochs 4 --warmup 1 --label label -o "$work/m" "$cardio"
# Rows of 21 numbers "%.6f" in [-1, 1): about 199.5 bytes a row.
rows=$(awk -v mb="$mb" 'BEGIN { printf "%d", mb * 1e6 / 199.5 }')
awk -v n="$rows" 'BEGIN { srand(1); for (j = 1; j <= 21; j++) printf "x%d%s", j, j < 21 ? "," : "\n"
	for (i = 0; i < n; i++) for (j = 1; j <= 21; j++) printf "%.6f%s", 2 * rand() - 1, j < 21 ? "," : "\n" }' |
	gzip -1 >"$work/big.csv.gz"
gzmb=$(du -m "$work/big.csv.gz" | cut -f1)

now() { date +%s.%N; }
load=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(now)
gzip -dc "$work/big.csv.gz" | /usr/bin/time -f '%e %U %S %M' -o "$work/plain.time" \
	"$bin/ocsdf-score" -m "$work/m" >"$work/plain.out"
t1=$(now)
gzip -dc "$work/big.csv.gz" | parallel --will-cite --pipe --keep-order --block 64M -j "$cores" \
	/usr/bin/time -a -o "$work/parallel.time" -f "'%e %U %S %M'" \
	"$bin/ocsdf-score" -m "$work/m" --header-optional >"$work/parallel.out"
t2=$(now)
same=no
cmp -s "$work/plain.out" "$work/parallel.out" && same=yes
sgemm=$("$top/build/bench/bench_net" -s -c -t 1 2>/dev/null | awk '{ print $2 }') || sgemm=""

echo "Scoring $rows generated rows of d = 21 ($mb MB of CSV, $gzmb MB gzip -1), the model of"
echo "\`ocsdf-train --epochs 4 --warmup 1 --label label cardio.csv\` (width 512, depth 4), on $cores cores;"
echo "$(uname -m), OpenBLAS kernels ${OPENBLAS_CORETYPE:-chosen by OpenBLAS}, $(date -u +%Y-%m-%d), load average"
echo "before the runs $load (a shared machine: wall times count other work, CPU times do not)."
echo
echo "| run | processes | wall s | rows/s | CPU s | peak RSS per process MB | output |"
echo "|---|---:|---:|---:|---:|---:|---|"
awk -v r="$rows" -v w="$t1 $t0" '{ split(w, t, " "); e = t[1] - t[2]
	printf "| plain: gzip -dc, one ocsdf-score | 1 | %.1f | %.0f | %.1f | %.1f | reference |\n", e, r / e, $2 + $3, $4 / 1024 }' \
	"$work/plain.time"
awk -v r="$rows" -v w="$t2 $t1" -v same="$same" '{ n++; cpu += $2 + $3; if ($4 > rss) rss = $4 }
	END { split(w, t, " "); e = t[1] - t[2]
	printf "| GNU parallel recipe, --block 64M -j %d | %d | %.1f | %.0f | %.1f | %.1f | byte-identical: %s |\n",
		'"$cores"', n, e, r / e, cpu, rss / 1024, same }' "$work/parallel.time"
echo
if [ -n "$sgemm" ]; then
	awk -v r="$rows" -v g="$sgemm" '{ cpu = $2 + $3; F = 2 * (21 * 512 + 3 * 512 * 512 + 512)
		ideal = g * 1e9 / F
		printf "One process, by CPU time: %.0f rows/s against a GEMM-only ideal of %.0f rows/s at the\n", r / cpu, ideal
		printf "sgemm 512^3 rate of this run (%.1f GFLOP/s, one thread, CPU time): %.2f of the ideal.\n", g, r / cpu / ideal }' \
		"$work/plain.time"
fi
[ "$same" = yes ]
