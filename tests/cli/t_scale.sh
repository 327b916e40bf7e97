# ocsdf-score as an exact stream filter for chunked pipelines: a row's
# score does not depend on the rows around it, the chunk it came in or the
# number of OpenBLAS threads.
. "$(dirname "$0")/lib.sh"
set -u
train=$(unwrapped ocsdf-train) || exit 1
"$train" --width 128 --depth 2 --epochs 2 --warmup 1 --batch 64 -q --label label -o "$T/m" "$DATA/circles.csv" ||
	fail "training failed"

# chunks N FILE OUT: FILE cut into chunks of N rows, each with the header,
# scored one by one; OUT is their outputs joined under one header.
chunks() {
	rm -rf "$T/parts"
	mkdir "$T/parts"
	tail -n +2 "$2" | split -l "$1" -a 4 - "$T/parts/p"
	head -1 "$2" >"$T/head"
	for p in "$T/parts"/p*; do
		cat "$T/head" "$p" >"$p.csv"
		"$BIN/ocsdf-score" -m "$T/m" "$p.csv" >"$p.out" || fail "scoring chunk $p failed"
	done
	{ head -1 "$T/parts/paa.out" 2>/dev/null || head -1 "$T/parts/paaaa.out"; } >"$3"
	for p in "$T/parts"/p*.out; do tail -n +2 "$p"; done >>"$3"
}

# Chunks of 1 and 7 rows cost a program start each: the first rows only.
head -57 "$DATA/circles.csv" >"$T/small.csv"
# chunked K: the checks with the kernels K ("" for those the program
# chooses: OPENBLAS_CORETYPE stays unset after it); whole.1 is then the
# one-thread output of those kernels.
chunked() {
	if [ -n "$1" ]; then export OPENBLAS_CORETYPE="$1"; else unset OPENBLAS_CORETYPE; fi
	for threads in 1 2; do
		export OPENBLAS_NUM_THREADS=$threads
		"$BIN/ocsdf-score" -m "$T/m" "$DATA/circles.csv" >"$T/whole.$threads" ||
			fail "${1:-default} kernels: scoring failed"
		for n in 777 4096; do
			chunks "$n" "$DATA/circles.csv" "$T/chunked"
			cmp "$T/whole.1" "$T/chunked" ||
				fail "${1:-default} kernels, $threads threads, chunks of $n rows: scores differ from the whole file"
		done
		for n in 1 7; do
			chunks "$n" "$T/small.csv" "$T/chunked"
			head -57 "$T/whole.1" | cmp - "$T/chunked" ||
				fail "${1:-default} kernels, $threads threads, chunks of $n rows: scores differ"
		done
		cmp "$T/whole.1" "$T/whole.$threads" || fail "${1:-default} kernels: 1 and $threads threads give different scores"
	done
	unset OPENBLAS_NUM_THREADS
}
# Whether a tile needs guard lanes depends on the kernels (lib/score.c):
# every family this CPU can run, each alone.
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
has() { for f in "$@"; do case " $flags " in *" $f "*) ;; *) return 1 ;; esac; done; }
kernels=Prescott
has avx && kernels="$kernels Sandybridge"
has avx2 fma && kernels="$kernels Haswell Zen"
has avx512f avx512bw avx512vl avx512dq && kernels="$kernels SkylakeX"
has avx512f avx512bw avx512vl avx512dq avx512_bf16 && kernels="$kernels Cooperlake"
for k in $kernels; do
	chunked "$k"
done
chunked ""

# The recipe of docs/scale.md: GNU parallel cuts a gzip file's text into
# blocks, only the first of which has the header, scores them on two cores
# and joins the outputs in order: byte for byte the output of one plain run.
command -v parallel >/dev/null || fail "GNU parallel is missing (make test-deps installs it)"
gzip -c "$DATA/circles.csv" >"$T/c.csv.gz"
gzip -dc "$T/c.csv.gz" | parallel --will-cite --pipe --keep-order --block 16k -j 2 \
	"$BIN/ocsdf-score" -m "$T/m" --header-optional >"$T/parallel.out" || fail "the parallel recipe failed"
[ "$(grep -c . "$T/parallel.out")" -eq 2101 ] || fail "the parallel recipe lost or added lines"
cmp "$T/whole.1" "$T/parallel.out" || fail "the parallel recipe differs from a plain run"
# Headerless rows, as a Slurm array task or split(1) would hand them out.
tail -n +2 "$DATA/circles.csv" | parallel --will-cite --pipe --keep-order --block 16k -j 2 \
	"$BIN/ocsdf-score" -m "$T/m" --no-header >"$T/parallel.out" || fail "the --no-header recipe failed"
tail -n +2 "$T/whole.1" | cmp - "$T/parallel.out" || fail "the --no-header recipe differs from a plain run"
