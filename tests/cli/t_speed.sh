# Every program: --threads N checked and applied, -v naming the OpenBLAS
# kernels and threads, and the choice of kernels by cpuid (a value of
# OPENBLAS_CORETYPE the user set is kept; without one, a CPU with AVX2
# runs AVX2 or AVX-512 kernels, with OpenBLAS re-executed once if it
# picked older ones).
. "$(dirname "$0")/lib.sh"
set -u
cp "$(dirname "$0")/data/disk.model" "$T/m" || fail "fixture missing"
printf 'sdf,label\n0.5,0\n0.2,0\n-0.3,1\n0.1,1\n' >"$T/scores.csv"

# run PROGRAM [OPTION...]: the program on the disk model or its scores.
run() {
	p=$1
	shift
	case $p in
	ocsdf-train) "$BIN/$p" "$@" -f --epochs 1 --warmup 1 --width 8 --depth 1 -o "$T/t.model" "$DATA/disk.csv" ;;
	ocsdf-score) "$BIN/$p" "$@" -m "$T/m" -o "$T/s.csv" -f "$DATA/disk.csv" ;;
	ocsdf-certify) "$BIN/$p" "$@" --label label "$T/scores.csv" ;;
	ocsdf-sample) "$BIN/$p" "$@" -m "$T/m" -n 10 ;;
	ocsdf-mesh) "$BIN/$p" "$@" -m "$T/m" -r 16 -f -o "$T/map.svg" ;;
	esac
}

progs="ocsdf-train ocsdf-score ocsdf-certify ocsdf-sample ocsdf-mesh"
for p in $progs; do
	expect 64 "--threads" -- run "$p" --threads 0
	expect 64 "--threads" -- run "$p" --threads 1025
	expect 64 "--threads" -- run "$p" --threads two
	expect 0 "OpenBLAS kernels [A-Za-z0-9]+ .*, 2 threads$" -- run "$p" --threads 2 -v
	expect 0 "OpenBLAS kernels [A-Za-z0-9]+ .*, 1 thread$" -- run "$p" --threads 1 -v
	# Without either, one thread for a network narrower than 512.
	(unset OPENBLAS_NUM_THREADS OMP_NUM_THREADS GOTO_NUM_THREADS; run "$p" -v) 2>"$T/err" >/dev/null ||
		fail "$p -v failed"
	grep -q ", 1 thread$" "$T/err" || fail "$p: not 1 thread for a small network: $(cat "$T/err")"
	# Without --threads, OPENBLAS_NUM_THREADS is the user's choice.
	OPENBLAS_NUM_THREADS=2 run "$p" -v 2>"$T/err" >/dev/null || fail "$p -v failed"
	grep -q ", 2 threads$" "$T/err" || fail "$p: OPENBLAS_NUM_THREADS=2 not kept: $(cat "$T/err")"
	# A user's OPENBLAS_CORETYPE is respected, even an old one.
	OPENBLAS_CORETYPE=Prescott run "$p" -v 2>"$T/err" >/dev/null || fail "$p -v failed"
	grep -q "OpenBLAS kernels Prescott (set by OPENBLAS_CORETYPE" "$T/err" ||
		fail "$p: OPENBLAS_CORETYPE=Prescott not respected: $(cat "$T/err")"
done

# --threads 1 stops the pool of threads OpenBLAS starts as it loads (they
# would spin on the other cores for a while): ocsdf-score, waiting for its
# input on a FIFO after -v, runs as one thread; with --threads 2 the pool
# is there.  Only on more than one core: with one, OpenBLAS starts no pool.
if [ "$(nproc)" -gt 1 ] && [ -d /proc/self/task ]; then
	mkfifo "$T/fifo" || fail "mkfifo"
	for t in 1 2; do
		: >"$T/err"
		env -u OPENBLAS_NUM_THREADS -u GOTO_NUM_THREADS -u OMP_NUM_THREADS "$BIN/ocsdf-score" -v --threads "$t" \
			-m "$T/m" -o "$T/f.csv" -f "$T/fifo" 2>"$T/err" &
		pid=$!
		i=0
		until grep -q "OpenBLAS kernels" "$T/err"; do
			i=$((i + 1))
			[ "$i" -lt 200 ] || { kill "$pid"; fail "ocsdf-score -v printed no kernels: $(cat "$T/err")"; }
			sleep 0.05
		done
		n=$(ls /proc/"$pid"/task | wc -l)
		cat "$DATA/disk.csv" >"$T/fifo"
		wait "$pid" || fail "ocsdf-score --threads $t on a FIFO failed: $(cat "$T/err")"
		case $t in
		1) [ "$n" -eq 1 ] || fail "--threads 1: $n threads while waiting for input" ;;
		2) [ "$n" -ge 2 ] || fail "--threads 2: $n thread(s) while waiting for input" ;;
		esac
	done
fi

if ! grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
	echo "skip: kernel choice (no AVX2 on this CPU)"
	exit 0
fi
new="(Haswell|Zen|SkylakeX|Cooperlake|SapphireRapids)"
for p in $progs; do
	(unset OPENBLAS_CORETYPE; run "$p" -v) 2>"$T/err" >/dev/null || fail "$p -v failed"
	grep -Eq "OpenBLAS kernels $new " "$T/err" || fail "$p: old kernels on a CPU with AVX2: $(cat "$T/err")"
done

# An OpenBLAS that picks Prescott on this CPU, as Debian's 0.3.21 does on
# CPUs newer than itself: a library put before it answers
# openblas_get_corename with OPENBLAS_CORETYPE, or Prescott if unset
# (always Prescott with STUCK set: an OpenBLAS that ignores the variable),
# and counts the starts of the program.
command -v "${CC:-cc}" >/dev/null || { echo "skip: re-execution (no C compiler)"; exit 0; }
cat >"$T/shim.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
char *openblas_get_corename(void)
{
	char *c = getenv("OPENBLAS_CORETYPE");
	return c && *c && !getenv("STUCK") ? c : "Prescott";
}
__attribute__((constructor)) static void count(void)
{
	FILE *fp = fopen(getenv("STARTS"), "a");
	if (fp) {
		fputs("start\n", fp);
		fclose(fp);
	}
}
EOF
"${CC:-cc}" -shared -fPIC -o "$T/shim.so" "$T/shim.c" || fail "cannot build the shim"
# Sanitizer runtimes want to come first; the shim is not instrumented.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
for p in $progs; do
	rm -f "$T/starts"
	(unset OPENBLAS_CORETYPE; LD_PRELOAD=$T/shim.so STARTS=$T/starts run "$p" -v) 2>"$T/err" >/dev/null ||
		fail "$p -v failed under the shim: $(cat "$T/err")"
	grep -Eq "OpenBLAS kernels $new \(chosen from cpuid; OpenBLAS alone ran Prescott\)" "$T/err" ||
		fail "$p: kernels not chosen: $(cat "$T/err")"
	[ "$(wc -l <"$T/starts")" -eq 2 ] || fail "$p: $(wc -l <"$T/starts") starts, not 2"
	# Stays one re-execution when OpenBLAS ignores the variable.
	rm -f "$T/starts"
	(unset OPENBLAS_CORETYPE; LD_PRELOAD=$T/shim.so STARTS=$T/starts STUCK=1 run "$p" -v) 2>"$T/err" >/dev/null ||
		fail "$p -v failed under the stuck shim: $(cat "$T/err")"
	grep -q "OpenBLAS kernels Prescott (OpenBLAS did not take OPENBLAS_CORETYPE=" "$T/err" ||
		fail "$p: $(cat "$T/err")"
	[ "$(wc -l <"$T/starts")" -eq 2 ] || fail "$p: $(wc -l <"$T/starts") starts with the stuck shim, not 2"
	# A user's value: no re-execution.
	rm -f "$T/starts"
	LD_PRELOAD=$T/shim.so STARTS=$T/starts OPENBLAS_CORETYPE=Prescott run "$p" -v 2>/dev/null >/dev/null ||
		fail "$p failed under the shim"
	[ "$(wc -l <"$T/starts")" -eq 1 ] || fail "$p: re-executed despite the user's OPENBLAS_CORETYPE"
done
exit 0
