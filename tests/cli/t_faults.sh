# Faults during training, beyond t_interrupt.sh: SIGTERM, SIGINT, SIGHUP,
# a second signal and SIGKILL at a handful of moments of a run that writes
# over an older model.  Afterwards the model file is either the older one
# or a complete model (finished or a checkpoint) that loads; never torn,
# and no temporary file is left unless the process was killed outright.
# Then determinism with threads, and a large d = 2 set without NaN.
. "$(dirname "$0")/lib.sh"
set -u
TR="$BIN/ocsdf-train"
S="$BIN/ocsdf-score"
opts="--width 64 --depth 2 --epochs 400 --warmup 1 --batch 64 -q --label label"
"$TR" --width 32 --depth 2 --epochs 1 -q --label label -o "$T/old" "$DATA/disk.csv" || fail "first training failed"

# intact FILE WHAT: FILE is the old model, or a complete one that loads.
intact() {
	cmp -s "$1" "$T/old" && return 0
	"$S" -m "$1" --only "$DATA/disk.csv" >"$T/scores" 2>"$T/load.err" || fail "model torn after $2: $(cat "$T/load.err")"
	[ "$(wc -l <"$T/scores")" -eq "$(wc -l <"$DATA/disk.csv")" ] || fail "short scores after $2"
}
# temporaries: the run left no .k.XXXXXX file beside the model.
no_temporaries() {
	ls -A "$T" | grep -q '^\.k\.' && fail "temporary file left after $1: $(ls -A "$T")"
	return 0
}
# started PID: waits until PID runs ocsdf-train itself (env has set the
# signal actions), so that DELAY counts from there.
started() {
	i=0
	while [ $i -lt 100000 ]; do
		case $(readlink "/proc/$1/exe" 2>/dev/null) in
		*/ocsdf-train) return 0 ;;
		esac
		i=$((i + 1))
	done
	fail "ocsdf-train did not start"
}
# run SIGNAL DELAY [SIGNAL2]: start a run over a copy of the old model,
# send SIGNAL after DELAY seconds (and SIGNAL2 right after), wait.  The
# run gets default signal actions (a background job of a script would
# otherwise start with SIGINT ignored).
run() {
	cp "$T/old" "$T/k"
	env --default-signal=INT,TERM,HUP "$TR" $opts -f -o "$T/k" "$DATA/disk.csv" 2>"$T/run.err" &
	pid=$!
	started $pid
	sleep "$2"
	kill -"$1" $pid 2>/dev/null
	[ $# -ge 3 ] && kill -"$3" $pid 2>/dev/null
	wait $pid 2>/dev/null
	status=$?
}

# SIGTERM and SIGINT at several moments: while the data is read, at the
# first steps, in the middle.  Either the signal came before the handler
# (the old model stays) or a checkpoint is saved and the exit is 130.
for sig in TERM INT; do
	for delay in 0 0.05 0.3 1.1; do
		run $sig $delay
		intact "$T/k" "SIG$sig at $delay s"
		no_temporaries "SIG$sig at $delay s"
		# 130 is both the program's exit after saving a checkpoint and
		# death by SIGINT before its handler was set: the file tells.
		case $status in
		130 | 143)
			if grep -q 'checkpoint saved' "$T/run.err"; then
				[ $status -eq 130 ] || fail "checkpoint saved but exit $status"
				cmp -s "$T/k" "$T/old" && fail "no checkpoint after SIG$sig at $delay s"
			else
				cmp -s "$T/k" "$T/old" || fail "SIG$sig at $delay s: model changed without a message"
			fi ;;
		*) fail "SIG$sig at $delay s: exit $status" ;;
		esac
	done
done

# A checkpoint from SIGTERM resumes; the resumed run checkpoints again.
run TERM 1
[ $status -eq 130 ] || fail "SIGTERM at 1 s: exit $status"
env --default-signal=INT "$TR" --resume "$T/k" -q -o "$T/resumed" "$DATA/disk.csv" 2>/dev/null &
pid=$!
started $pid
sleep 1
kill -INT $pid
wait $pid
[ $? -eq 130 ] || fail "resumed run: no checkpoint on SIGINT"
"$S" -m "$T/resumed" --only "$DATA/disk.csv" >/dev/null 2>"$T/w" || fail "resumed checkpoint does not load"

# A second signal while the checkpoint is being written ends the run at
# once: the file is still the old model or a complete one, and the
# checkpoint's temporary is removed.
for delay in 0.3 1; do
	run INT $delay INT
	intact "$T/k" "two SIGINTs at $delay s"
	no_temporaries "two SIGINTs at $delay s"
	run TERM $delay TERM
	intact "$T/k" "two SIGTERMs at $delay s"
	no_temporaries "two SIGTERMs at $delay s"
done
# SIGHUP is not handled by training: the run dies, the old model stays.
run HUP 0.5
[ $status -eq 129 ] || fail "SIGHUP: exit $status"
cmp -s "$T/k" "$T/old" || fail "SIGHUP changed the model"
no_temporaries "SIGHUP"
# SIGKILL at moments spread over the run and its save.
for delay in 0.02 0.2 0.7 1.5; do
	run KILL $delay
	intact "$T/k" "SIGKILL at $delay s"
	rm -f "$T"/.k.*
done

# A signal the moment the temporary exists, before mkstemp returns: a
# library put before libc's mkstemp raises SIGTERM once the file is made.
# The handler must remove it (its name was registered too late before).
# Not under valgrind, which does not take LD_PRELOAD through its wrapper.
if command -v "${CC:-cc}" >/dev/null && ! grep -q valgrind-wrap "$TR"; then
	cat >"$T/mk.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
int mkstemp(char *t)
{
	int (*real)(char *) = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
	int fd = real(t);
	if (fd >= 0 && getenv("TERM_IN_MKSTEMP"))
		raise(SIGTERM);
	return fd;
}
EOF
	"${CC:-cc}" -shared -fPIC -o "$T/mk.so" "$T/mk.c" -ldl || fail "cannot build the mkstemp shim"
	mkdir "$T/mk"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 TERM_IN_MKSTEMP=1 LD_PRELOAD=$T/mk.so \
		"$S" -m "$T/old" -o "$T/mk/s.csv" "$DATA/disk.csv" 2>/dev/null
	status=$?
	[ $status -eq 143 ] || fail "SIGTERM in mkstemp: ocsdf-score exit $status, expected 143"
	[ -z "$(ls -A "$T/mk")" ] || fail "SIGTERM in mkstemp left: $(ls -A "$T/mk")"
fi

# Same seed and threads, same model bytes, with 1 and with 2 threads.
small="--width 32 --depth 2 --epochs 3 --warmup 1 --batch 64 -q --label label"
for th in 1 2; do
	"$TR" $small --threads $th -o "$T/a$th" "$DATA/disk.csv" || fail "training failed"
	"$TR" $small --threads $th -o "$T/b$th" "$DATA/disk.csv" || fail "training failed"
	cmp -s "$T/a$th" "$T/b$th" || fail "--threads $th: two runs differ"
done

# 10^6 rows of d = 2 train without NaN on a step budget (plain build only:
# it takes a few seconds).
if ! grep -q -e __asan_init -e valgrind "$TR"; then
	awk 'BEGIN { srand(3); print "x,y"; for (i = 0; i < 1000000; i++) printf "%.5f,%.5f\n", rand() * 2 - 1, rand() - 0.5 }' >"$T/mil.csv"
	expect 0 '' -- "$TR" --max-steps 20 --epochs 2 --width 32 -q -o "$T/mil.model" "$T/mil.csv"
	head -1001 "$T/mil.csv" | "$S" -m "$T/mil.model" --only >"$T/mil.out" || fail "score failed"
	awk 'NR > 1 && !($1 + 0 == $1 + 0 && $1 !~ /nan|inf/) { bad = 1 } END { exit bad || NR != 1001 }' "$T/mil.out" ||
		fail "NaN scores from the 10^6-row model"
	rm -f "$T/mil.csv"
fi
exit 0
