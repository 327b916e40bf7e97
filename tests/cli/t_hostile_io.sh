# Hostile surroundings: bad option values, outputs that cannot be created,
# a full disk, closed standard streams, a closed pipe downstream.  Exit 64,
# 73 and 74 as documented, no partial or temporary file left behind, an
# earlier file never damaged, no noise on a closed pipe.  Cases already in
# t_train_score.sh, t_certify.sh, t_mesh.sh and t_sample.sh are not repeated.
. "$(dirname "$0")/lib.sh"
set -u
S="$BIN/ocsdf-score"
TR="$BIN/ocsdf-train"
C="$BIN/ocsdf-certify"
SA="$BIN/ocsdf-sample"
M="$BIN/ocsdf-mesh"
tiny="--width 16 --depth 1 --epochs 1 --batch 32 -q"
"$TR" $tiny --label label -o "$T/m" "$DATA/disk.csv" || fail "tiny training failed"
"$S" -m "$T/m" -o "$T/scored.csv" "$DATA/disk.csv" || fail "score failed"

# Option values: out of range, not numbers, overflowing, empty lists.
expect 64 "invalid value '1e3' for -n" -- "$SA" -m "$T/m" -n 1e3
expect 64 "invalid value '99999999999999999999' for -n" -- "$SA" -m "$T/m" -n 99999999999999999999
expect 64 "invalid value 'nan' for --level: not a finite number" -- "$SA" -m "$T/m" -n 5 --level nan
# Messages say what is wrong with a number, and with which one of a list.
expect 64 "invalid value 'nan,1,0,1' for --box: number 1 of 4 \\('nan'\\) is not a finite number" -- "$M" -m "$T/m" --box nan,1,0,1 -o "$T/x.svg"
expect 64 "invalid value '1e400,1,0,1' for --box: number 1 of 4 \\('1e400'\\) is too large to represent" -- "$M" -m "$T/m" --box 1e400,1,0,1 -o "$T/x.svg"
expect 64 "invalid value '0,1e300,0,1e300' for --box: number 2 of 4 \\('1e300'\\) is out of range \\[-1e\\+30, 1e\\+30\\]" -- "$M" -m "$T/m" --box 0,1e300,0,1e300 -o "$T/x.svg"
expect 64 "invalid value ',' for --box: number 1 of 2 \\(''\\) is empty" -- "$M" -m "$T/m" --box , -o "$T/x.svg"
expect 64 "invalid value '0' for --box" -- "$M" -m "$T/m" --box 0 -o "$T/x.svg"
expect 64 "invalid value '0.1,,0.2' for --levels: number 2 of 3 \\(''\\) is empty" -- "$M" -m "$T/m" --levels 0.1,,0.2 -o "$T/x.svg"
expect 64 "invalid value '100000' for --resolution" -- "$M" -m "$T/m" -r 100000 -o "$T/x.svg"
expect 64 "invalid value '0,1e-310' for --radius: number 2 of 2 \\('1e-310'\\) is subnormal" -- "$C" --radius 0,1e-310 "$T/scored.csv"
expect 64 "invalid value '1e-400' for --radius: too close to 0 to represent" -- "$C" --radius 1e-400 "$T/scored.csv"
expect 64 "invalid value '1e999' for --radius: too large to represent" -- "$C" --radius 1e999 "$T/scored.csv"
expect 64 "invalid value '' for --radius: empty" -- "$C" --radius '' "$T/scored.csv"
expect 64 "invalid value '0.1,' for --radius: number 2 of 2 \\(''\\) is empty" -- "$C" --radius 0.1, "$T/scored.csv"
expect 64 "invalid value '0.1,-1' for --radius: number 2 of 2 \\('-1'\\) is out of range \\[0, " -- "$S" -m "$T/m" --attack pgd --label label --radius 0.1,-1 "$DATA/disk.csv"
expect 64 "invalid value 'inf' for --threshold: not a finite number" -- "$C" --threshold inf "$T/scored.csv"
expect 64 "invalid value 'abc' for --lipschitz: not a number" -- "$C" --lipschitz abc "$T/scored.csv"
expect 64 "invalid value '100' for --lr: out of range \\[1e-12, 10\\]" -- "$TR" --lr 100 "$DATA/disk.csv"
expect 64 "invalid value '1e-320' for --lr: out of range" -- "$TR" --lr 1e-320 "$DATA/disk.csv"
expect 64 "invalid value '1' for --resamples" -- "$C" --resamples 1 "$T/scored.csv"
# Blanks around a number are allowed, anything else after it is not.
expect 0 '' -- "$C" --radius ' 0, 0.05 ' --format csv "$T/scored.csv"
grep -q '^0.05,' "$T/out" || fail "radius list with blanks misread: $(cat "$T/out")"
expect 64 "invalid value '0.05x' for --radius: not a number" -- "$C" --radius 0.05x "$T/scored.csv"
expect 64 "invalid value '1 2' for -n" -- "$SA" -m "$T/m" -n '1 2'
expect 65 'no column named "nosuch"' -- "$TR" $tiny --ignore nosuch -o "$T/x.model" "$DATA/disk.csv"
expect 65 'no column named ""' -- "$TR" $tiny --ignore x, -o "$T/x.model" "$DATA/disk.csv"
expect 65 'no column 4: it has 3 columns' -- "$TR" $tiny --ignore 4 -o "$T/x.model" "$DATA/disk.csv"
expect 64 'no feature columns left' -- "$TR" $tiny --label label --ignore x,y -o "$T/x.model" "$DATA/disk.csv"
expect 64 '--score needs a non-empty name' -- "$S" -m "$T/m" --score '' "$DATA/disk.csv"
expect 64 "a column named 'x' exists already" -- "$S" -m "$T/m" --score x "$DATA/disk.csv"
for p in "$S" "$TR" "$C" "$SA" "$M"; do
	expect 64 'unrecognized option|unknown' -- "$p" --no-such-option
	expect 64 'requires an argument' -- "$p" -o
done
[ -e "$T/x.model" ] && fail "model written after a usage error"
# --ignore by name and by number leave the same features.
expect 0 '' -- "$TR" $tiny --ignore label -o "$T/i1.model" "$DATA/disk.csv"
expect 0 '' -- "$TR" $tiny --ignore 3 -o "$T/i2.model" "$DATA/disk.csv"
cmp -s "$T/i1.model" "$T/i2.model" || fail "--ignore label and --ignore 3 differ"

# A model whose standard deviations are near the top of the double range
# (trained on values of 1e300): a box too small for its cells, or a
# default box beyond the doubles, is refused, and the output's temporary
# file, already open, is removed.
awk 'BEGIN { print "x,y"; for (i = 0; i < 50; i++) printf "%g,%g\n", (i % 2 ? 1 : -1) * 1e300 * (i / 50 + 0.5), (i % 3 - 1) * 1.7e308 }' >"$T/e300.csv"
"$TR" $tiny -o "$T/e300.model" "$T/e300.csv" || fail "training on 1e300 failed"
expect 64 'cannot be divided into cells' -- "$M" -m "$T/e300.model" --box 0,1e-300,0,1e-300 -o "$T/tiny.svg"
expect 64 'cannot be divided into cells' -- "$M" -m "$T/e300.model" -o "$T/default.svg"
ls -A "$T" | grep -q '\.svg\.' && fail "temporary file left: $(ls -A "$T")"

# Outputs in a folder that does not exist, or that are folders.
for args in "$S -m $T/m -o $T/no/dir/s.csv $DATA/disk.csv" "$SA -m $T/m -n 3 -o $T/no/dir/s.csv" \
	"$M -m $T/m -r 16 -o $T/no/dir/m.svg" "$C -o $T/no/dir/r.txt $T/scored.csv"; do
	expect 73 'cannot create' -- $args
done
mkdir "$T/adir"
expect 73 '' -- "$S" -m "$T/m" -o "$T/adir" "$DATA/disk.csv"
expect 73 'is a directory' -- "$TR" $tiny -f -o "$T/adir" "$DATA/disk.csv"
# An output that is the input, even with -f.
cp "$DATA/disk.csv" "$T/in.csv"
expect 73 '' -- "$S" -m "$T/m" -f -o "$T/in.csv" "$T/in.csv"
cmp -s "$T/in.csv" "$DATA/disk.csv" || fail "input overwritten"
expect 73 '' -- "$TR" $tiny -f -o "$T/in.csv" "$T/in.csv"
cmp -s "$T/in.csv" "$DATA/disk.csv" || fail "input overwritten by training"

# A full disk: /dev/full as standard output or as the model file.
if [ -w /dev/full ]; then
	expect 74 'No space left on device' -- "$TR" $tiny -f -o /dev/full "$DATA/disk.csv"
	expect 74 'write error on standard output' -- sh -c "'$SA' -m '$T/m' -n 100 >/dev/full"
	expect 74 'write error on standard output' -- sh -c "'$M' -m '$T/m' -r 16 >/dev/full"
fi
# --help and --version check their write like any output: a full disk or a
# closed standard output is an error, not a silent loss.
for p in ocsdf-train ocsdf-score ocsdf-certify ocsdf-sample ocsdf-mesh; do
	for o in --help --version; do
		[ -w /dev/full ] && expect 74 'write error on standard output' -- sh -c "'$BIN/$p' $o >/dev/full"
		expect 74 'write error on standard output' -- sh -c "'$BIN/$p' $o >&-"
		expect 0 '' -- "$BIN/$p" $o
	done
done
# A full disk under a regular file name (a file size limit makes write
# fail as ENOSPC would; the programs ignore the SIGXFSZ that would kill
# them silently): exit 74, no file, no temporary, and an earlier file of
# that name untouched.
ls -A "$T" | grep -vx -e out -e err -e before -e after >"$T/before"
full() {
	sh -c "ulimit -f 2; exec env --default-signal=XFSZ \"\$@\"" sh "$@"
}
expect 74 'write error on .*s.csv' -- full "$S" -m "$T/m" -o "$T/s.csv" "$DATA/disk.csv"
[ -e "$T/s.csv" ] && fail "partial score file left on a full disk"
expect 74 'write error on .*new.model' -- full "$TR" --width 64 --depth 2 --epochs 1 -q -o "$T/new.model" "$DATA/disk.csv"
[ -e "$T/new.model" ] && fail "partial model left on a full disk"
cp "$T/m" "$T/old.model"
expect 74 'write error' -- full "$TR" --width 64 --depth 2 --epochs 1 -q -f -o "$T/old.model" "$DATA/disk.csv"
cmp -s "$T/m" "$T/old.model" || fail "earlier model damaged by a failed save"
rm "$T/old.model"
expect 74 'write error on .*b.csv' -- full "$SA" -m "$T/m" -n 2000 -o "$T/b.csv"
expect 74 'write error on .*s.svg' -- full "$M" -m "$T/m" -r 64 -o "$T/s.svg"
expect 74 'write error on .*roc.csv' -- full "$C" -o "$T/r.txt" --roc "$T/roc.csv" "$T/scored.csv"
[ -e "$T/r.txt" ] && fail "certify left its report although --roc failed"
ls -A "$T" | grep -vx -e out -e err -e before -e after >"$T/after"
cmp -s "$T/before" "$T/after" || fail "files left behind on a full disk: $(diff "$T/before" "$T/after")"

# An empty output name is a usage error, before any work.
for p in "$S -m $T/m" "$TR" "$C" "$SA -m $T/m -n 3" "$M -m $T/m"; do
	expect 64 "-o needs a file name" -- $p -o '' "$DATA/disk.csv"
done
for opt in --roc --plot --plot-hist --decisions; do
	expect 64 "$opt needs a file name" -- "$C" $opt '' "$T/scored.csv"
done

# Without -f nothing is replaced, not even a dangling symbolic link, and
# training finds out before it starts.
ln -s "$T/nowhere" "$T/dangling"
expect 73 'already exists' -- "$S" -m "$T/m" -o "$T/dangling" "$DATA/disk.csv"
expect 73 'already exists' -- "$TR" --epochs 100000 -q -o "$T/dangling" "$DATA/disk.csv"
[ -L "$T/dangling" ] && [ ! -e "$T/nowhere" ] || fail "dangling link replaced or followed"
rm "$T/dangling"
# One file under two spellings is refused, new or existing.
expect 64 'name the same file' -- "$C" -o "$T/same.txt" --roc "$T/./same.txt" "$T/scored.csv"
expect 64 'name the same file' -- "$C" -o "$T/same.txt" --plot "$T/adir/../same.txt" "$T/scored.csv"
touch "$T/same.txt"
ln -s same.txt "$T/same-link.txt"
expect 64 'name the same file' -- "$C" -f -o "$T/same.txt" --plot-hist "$T/same-link.txt" "$T/scored.csv"
[ -s "$T/same.txt" ] && fail "report written although two outputs are one file"
rm "$T/same.txt" "$T/same-link.txt"

# -f keeps the permissions of the file it replaces; new files follow the
# umask.
(umask 027 && "$S" -m "$T/m" -o "$T/mode.csv" "$DATA/disk.csv") || fail "score failed"
[ "$(stat -c %a "$T/mode.csv")" = 640 ] || fail "umask 027 gave mode $(stat -c %a "$T/mode.csv")"
chmod 600 "$T/mode.csv"
"$S" -m "$T/m" -f -o "$T/mode.csv" "$DATA/disk.csv" || fail "score -f failed"
[ "$(stat -c %a "$T/mode.csv")" = 600 ] || fail "-f turned mode 600 into $(stat -c %a "$T/mode.csv")"
chmod 600 "$T/m"
"$TR" $tiny --label label -f -o "$T/m" "$DATA/disk.csv" || fail "train -f failed"
[ "$(stat -c %a "$T/m")" = 600 ] || fail "train -f turned mode 600 into $(stat -c %a "$T/m")"
rm "$T/mode.csv"

# Names as long as the file system allows: the temporary name is cut short
# to fit.
for len in 250 251; do
	name=$(printf "%${len}s" '' | tr ' ' n).csv
	expect 0 '' -- "$S" -m "$T/m" -o "$T/$name" "$DATA/disk.csv"
	cmp -s "$T/$name" "$T/scored.csv" || fail "${len}-character name: wrong output"
	rm "$T/$name"
	expect 0 '' -- "$TR" $tiny --label label -o "$T/$name" "$DATA/disk.csv"
	rm "$T/$name"
done

# Closed standard input and output, then a closed pipe: not under valgrind,
# whose log file would take a closed descriptor and which reports the
# deadly SIGPIPE.
grep -q valgrind "$S" && exit 0
expect 74 'standard input: read error' -- sh -c "'$S' -m '$T/m' <&-"
expect 74 'standard input: read error' -- sh -c "'$TR' $tiny -o '$T/x.model' <&-"
[ -e "$T/x.model" ] && fail "model written from a closed input"
expect 74 'standard input: read error' -- sh -c "'$C' <&-"
expect 74 'write error on standard output' -- sh -c "'$S' -m '$T/m' '$DATA/disk.csv' >&-"
expect 74 'write error on standard output' -- sh -c "'$C' '$T/scored.csv' >&-"

# A closed standard descriptor is not taken by the output file: with
# standard error, output or input closed, each program writes the same
# file as with all three open (the progress lines of -v, the warnings, the
# decisions meant for standard output do not land in it).
awk -F, 'NR == 1 || $3 == 0 || !one++' "$T/scored.csv" >"$T/one.csv"
"$TR" $tiny -o "$T/sphere.model" "$DATA/sphere.csv" || fail "sphere training failed"
closed() {
	out=$1
	shift
	"$@" 2>/dev/null || fail "$*: exit $?"
	mv "$T/$out" "$T/$out.ref" || fail "$*: no $out"
	for fd in '2>&-' '>&-' '<&-'; do
		sh -c "\"\$@\" $fd" sh "$@" 2>/dev/null || fail "$* $fd: exit $?"
		cmp -s "$T/$out" "$T/$out.ref" || fail "$* $fd: $out differs from a run with every descriptor open"
		rm "$T/$out"
	done
	rm "$T/$out.ref"
}
closed cd.model "$TR" --width 16 --depth 1 --epochs 2 --batch 32 --threads 1 -v -o "$T/cd.model" "$DATA/disk.csv"
closed cd.csv "$S" -m "$T/m" -o "$T/cd.csv" "$DATA/disk.csv"
closed cd.csv "$SA" -m "$T/m" -n 50 -o "$T/cd.csv"
closed cd.svg "$M" -v -m "$T/m" -r 16 -o "$T/cd.svg"
closed cd.ply "$M" -v -m "$T/sphere.model" -r 16 -o "$T/cd.ply"
closed cd.txt "$C" -o "$T/cd.txt" "$T/one.csv"
expect 74 'write error on standard output' -- sh -c "'$C' --decisions - --threshold 0 -o '$T/cd.txt' '$T/scored.csv' >&-"
[ -e "$T/cd.txt" ] && fail "report written although standard output was closed"
ls -A "$T" | grep -q '^\.cd' && fail "temporary file left: $(ls -A "$T")"

# A file created under the output name while the program runs is kept,
# and the program fails (73).  The input is a FIFO: the program has opened
# its output and waits for rows while the file appears.
mkfifo "$T/fifo"
# feed PID: sends the rows, waits for the temporary file of PID's output,
# runs the commands in $between, then closes the FIFO.
feed() {
	exec 3>"$T/fifo"
	cat "$DATA/disk.csv" >&3
	i=0
	while ! ls -A "$T" | grep -q '^\.race\.csv\.'; do
		i=$((i + 1))
		[ $i -lt 3000 ] || fail "no temporary file for race.csv"
		sleep 0.01
	done
	eval "$between"
	exec 3>&-
	wait $1 2>/dev/null
	status=$?
}
"$S" -m "$T/m" -o "$T/race.csv" "$T/fifo" 2>"$T/err" &
between='echo theirs >"$T/race.csv"'
feed $!
[ $status -eq 73 ] || fail "file created meanwhile: exit $status"
grep -q 'use -f' "$T/err" || fail "file created meanwhile: $(cat "$T/err")"
[ "$(cat "$T/race.csv")" = theirs ] || fail "file created meanwhile was replaced"
ls -A "$T" | grep -q '^\.race' && fail "temporary file left: $(ls -A "$T")"
rm "$T/race.csv"
# Signals that end a program remove its temporary file; one ignored when it
# started (nohup) stays ignored.
for sig in XCPU PIPE HUP USR1; do
	sh -c "ulimit -c 0; exec env --default-signal=$sig \"\$@\"" sh "$S" -m "$T/m" -o "$T/race.csv" "$T/fifo" &
	between="kill -$sig \$1"
	feed $!
	[ $status -gt 128 ] || fail "SIG$sig: exit $status"
	ls -A "$T" | grep -q 'race' && fail "SIG$sig left a file: $(ls -A "$T")"
done
sh -c "trap '' HUP; exec \"\$@\"" sh "$S" -m "$T/m" -o "$T/race.csv" "$T/fifo" &
between="kill -HUP \$1"
feed $!
[ $status -eq 0 ] || fail "SIGHUP under nohup: exit $status"
cmp -s "$T/race.csv" "$T/scored.csv" || fail "SIGHUP under nohup: wrong output"
rm "$T/race.csv"
# A closed pipe on one output while another is a file: no temporary left.
(head -n 1 "$T/scored.csv" && for i in 1 2 3 4 5 6; do tail -n +2 "$T/scored.csv"; done) >"$T/big.csv"
"$C" --decisions - --threshold 0 -o "$T/pipe.txt" "$T/big.csv" 2>"$T/pipe.err" | head -c 1 >/dev/null
[ -s "$T/pipe.err" ] && fail "noise on a closed pipe: $(cat "$T/pipe.err")"
ls -A "$T" | grep -q 'pipe\.txt' && fail "closed pipe left a file: $(ls -A "$T")"

# A device or a fifo is written to directly, without -f: /dev/null by every
# program, a fifo with its reader getting every byte.
expect 0 '' -- "$S" -m "$T/m" -o /dev/null "$DATA/disk.csv"
expect 0 '' -- "$SA" -m "$T/m" -n 5 -o /dev/null
expect 0 '' -- "$M" -m "$T/m" -r 16 --format svg -o /dev/null
expect 0 '' -- "$C" -o /dev/null "$T/scored.csv"
expect 0 '' -- "$TR" $tiny --label label -o /dev/null "$DATA/disk.csv"
rm -f "$T/outfifo"
mkfifo "$T/outfifo"
cat "$T/outfifo" >"$T/fromfifo" &
expect 0 '' -- "$S" -m "$T/m" -o "$T/outfifo" "$DATA/disk.csv"
wait $!
cmp -s "$T/fromfifo" "$T/scored.csv" || fail "output through a fifo differs"
rm "$T/outfifo" "$T/fromfifo"

# A closed pipe downstream ends each writer quietly (SIGPIPE), whatever it
# was writing.
for cmd in "'$SA' -m '$T/m' -n 200000" "'$M' -m '$T/m' -r 64" "'$C' --roc - -o '$T/r2.txt' '$T/scored.csv'" \
	"'$S' -m '$T/m' --only '$T/scored.csv'"; do
	sh -c "$cmd 2>'$T/pipe.err' | head -c 1 >/dev/null"
	[ -s "$T/pipe.err" ] && fail "noise on a closed pipe from $cmd: $(cat "$T/pipe.err")"
done
exit 0
