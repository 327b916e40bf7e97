#!/bin/sh
# progfuzz.sh: fuzzes whole runs of the five programs (tests/fuzz/README.md).
#
#   sh tests/fuzz/progfuzz.sh [-s SEED] [-t SECONDS] [-n RUNS] [-p PROGRAMS]
#                             [-c CASE] [-o DIR] [-T TIMEOUT] [-v] BINDIR
#
# Each run draws (tests/fuzz/progfuzz.awk) one program, a combination of
# the options its --help lists with valid, boundary and hostile values,
# small valid or mutated inputs, and descriptors 0, 1 and 2 closed at
# random; runs it under `timeout` in a fresh folder; and judges it
# (tests/fuzz/progcheck.awk): a sanitizer report, death by a signal, a
# hang, an exit status outside the documented set, a temporary file left,
# a file created or changed by a run that failed, an input changed, an
# overwritten file whose mode changed, two outputs on one file, NaN or
# infinity in a CSV output, a write error or "File name too long" where
# neither can happen, and, when descriptors were closed, any difference
# from the same run with all of them open.  BINDIR should hold an
# ASan+UBSan build (make fuzz-programs builds one).
#
# Runs are numbered from 1; run N of seed S is the same whatever ran
# before it, so `-s S -p PROGRAMS -c N` replays it alone (and keeps its
# folder).  The seed and every failing command line are printed; the
# folders of the first three failing runs of each kind are kept in DIR
# (default build-asan/progfuzz), each with a replay.sh.  -t 0: no time
# limit (-n counts the runs); -T: the time limit of one run (default 60
# s); -v: print every run.  Exit status 1 if a run failed.
set -u

usage() {
	echo "usage: progfuzz.sh [-s SEED] [-t SECONDS] [-n RUNS] [-p PROGRAMS] [-c CASE] [-o DIR] [-T TIMEOUT] [-v] BINDIR" >&2
	exit 64
}

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seed=$(( $(date +%s) % 1000000 ))
seconds=60
runs=0
progs=ocsdf-certify,ocsdf-sample,ocsdf-score,ocsdf-mesh,ocsdf-train
only=0
keep=$top/build-asan/progfuzz
limit=60
verbose=0
while getopts s:t:n:p:c:o:T:v opt; do
	case $opt in
	s) seed=$OPTARG ;;
	t) seconds=$OPTARG ;;
	n) runs=$OPTARG ;;
	p) progs=$OPTARG ;;
	c) only=$OPTARG ;;
	o) keep=$OPTARG ;;
	T) limit=$OPTARG ;;
	v) verbose=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
bin=$(cd "$1" && pwd) || exit 66
for p in $(echo "$progs" | tr , ' '); do
	[ -x "$bin/$p" ] || { echo "progfuzz: no program $bin/$p" >&2; exit 66; }
done
mkdir -p "$keep" || exit 73
keep=$(cd "$keep" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/progfuzz.XXXXXX") || exit 73
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
export LC_ALL=C OPENBLAS_NUM_THREADS=1
ulimit -c 0

# ---- what each program takes and may return ----

: >"$work/opts"
for p in $(echo "$progs" | tr , ' '); do
	"$bin/$p" --help | awk -v p="$p" '
		/^ +-/ {
			line = $0
			sub(/^ +/, "", line)
			short = "-"
			if (line ~ /^-[A-Za-z], /) { short = substr(line, 2, 1); line = substr(line, 5) }
			if (line !~ /^--[a-z]/ || !match(line, /^--[a-z][a-z-]*/)) next
			name = substr(line, 3, RLENGTH - 2)
			if (!seen[name]++) print p, name, substr(line, RLENGTH + 1) ~ /^ [^ ]/ ? 1 : 0, short
		}' >>"$work/opts"
	# The statuses listed under EXIT STATUS in the man page.
	awk '/^\.SH/ { on = /EXIT STATUS/; next }
		on { while (match($0, /[0-9]+/)) { v = substr($0, RSTART, RLENGTH) + 0
			if (v == 0 || (v >= 64 && v <= 255)) s[v] = 1; $0 = substr($0, RSTART + RLENGTH) } }
		END { for (v in s) printf "%s ", v }' "$top/man/$p.1" >"$work/status.$p"
done
allowed="0 64 65 66 69 70 73 74 130"

# ---- fixtures: small valid inputs and tiny models ----

fix=$work/fix
mkdir -p "$fix/sub"
(
	cd "$fix" || exit 1
	awk 'NR == 1 || NR % 10 == 2' "$top/data/moons.csv" >d2.csv
	awk 'NR <= 201' "$top/data/sphere.csv" >d3.csv
	gzip -cn d2.csv >d2.csv.gz
	: >empty.csv
	head -n 1 d2.csv >header.csv
	echo old >exists.out
	ln -s d2.csv link.csv
	cp "$top/tests/cli/data/disk.model" "$top/tests/cli/data/sphere.model" .
	tiny="--width 8 --depth 1 --epochs 1 --threads 1 -q --seed 3"
	"$bin/ocsdf-train" $tiny --label label -o m2.model d2.csv &&
	"$bin/ocsdf-train" $tiny -o m3.model d3.csv &&
	"$bin/ocsdf-score" -m m2.model d2.csv >scored.csv &&
	"$bin/ocsdf-score" -m m2.model --attack pgd --radius 0,0.1 --label label d2.csv >attack.csv || exit 1
	# A checkpoint: a run interrupted early.  Its 40 steps of 65,536 rows
	# take seconds, few enough to resume in a run; if it ends before the
	# signal, the finished model stands in.
	"$bin/ocsdf-train" --width 8 --depth 1 --epochs 1 --threads 1 --min-steps 40 --batch 65536 \
		-q --label label -o ckpt.model d2.csv 2>/dev/null &
	pid=$!
	sleep 0.8
	kill -INT $pid 2>/dev/null
	wait $pid
	[ -f ckpt.model ] || cp m2.model ckpt.model
) || { echo "progfuzz: cannot make the fixtures" >&2; exit 70; }

# Listing of a folder: path, type, mode, md5.
snapshot() {
	(cd "$1" && {
		find . -mindepth 1 -printf '%p\t%y\t%m\n'
		echo '#'
		find . -type f -exec md5sum {} + 2>/dev/null
	}) | awk -F '\t' '$0 == "#" { sums = 1; next }
		!sums { t[$1] = $2 "\t" $3; next }
		{ h = substr($0, 1, 32); p = substr($0, 35); s[p] = h }
		END { for (p in t) print p "\t" t[p] "\t" (p in s ? s[p] : "-") }' | sort
}

# The mutations progfuzz.awk asks for.
mutate() {
	m_d=$1
	shift
	case $1 in
	gzip) gzip -cn "$m_d/$2" >"$m_d/$2.gz" ;;
	trunc)
		m_n=$(wc -c <"$m_d/$2")
		head -c "$(awk -v n="$m_n" -v f="$3" 'BEGIN { print int(n * f) }')" "$m_d/$2" >"$m_d/$2.t" &&
			mv "$m_d/$2.t" "$m_d/$2" ;;
	copy) cp "$m_d/$2" "$m_d/$3" ;;
	flip)
		m_n=$(wc -c <"$m_d/$2")
		m_off=$(awk -v n="$m_n" -v f="$3" 'BEGIN { print int(n * f) }')
		printf "$(printf '\\%03o' "$4")" | dd of="$m_d/$2" bs=1 seek="$m_off" conv=notrunc 2>/dev/null ;;
	append) awk -v n="$3" 'BEGIN { for (i = 0; i < n; i++) printf "%c", 65 + i % 26 }' >>"$m_d/$2" ;;
	chmod) chmod "$2" "$m_d/$3" ;;
	esac
}

# The command line of a spec, with its redirections; $1: where stdout and
# stderr go when not closed; $3: "show" to add the file size limit.
command_line() {
	awk -v to="$1" -v show="${3:-}" '
		$1 == "ulimit" && show { u = "ulimit -f " $2 " && " }
		$1 == "prog" { p = $2 }
		$1 == "arg" { a = a " " substr($0, 5) }
		$1 == "stdin" { r = r " " $2 }
		$1 == "stdout" { r = r ($2 == "closed" ? " >&-" : $2 == "full" ? " >/dev/full" : $2 == "pipe" ? "" : " >" to "out") }
		$1 == "stderr" { r = r ($2 == "closed" ? " 2>&-" : " 2>" to "err") }
		END { print u p a r }' "$2"
}

# Runs spec $2 in folder $1/$3; status in $1/$3.rc.
execute() {
	(
		x_at=$1/$3
		x_cmd=$(command_line "$x_at." "$2")
		x_ul=$(awk '$1 == "ulimit" { print $2 }' "$2")
		x_pipe=$(awk '$1 == "stdout" && $2 == "pipe" { print 1 }' "$2")
		cd "$x_at" || exit 1
		[ -n "$x_ul" ] && ulimit -f "$x_ul"
		export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$x_at.san"
		export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$x_at.san"
		if [ -n "$x_pipe" ]; then
			eval "{ timeout -k 5 $limit \"\$bin\"/$x_cmd; echo \$? >\"$x_at.rc\"; } | head -c 64 >/dev/null"
		else
			eval "timeout -k 5 $limit \"\$bin\"/$x_cmd"
			echo $? >"$x_at.rc"
		fi
	)
}

# The first lines that name a sanitizer report, as a signature.
sanitizer_of() {
	cat "$1".san.* 2>/dev/null | awk '
		/ERROR: [A-Za-z]+Sanitizer|runtime error:/ && !what {
			what = $0; sub(/^.*ERROR: /, "", what); sub(/ on address.*/, "", what)
			if (what ~ /runtime error/) { sub(/^[^ ]*\//, "", what); sig = what }
			next
		}
		what && !frame && / in [a-zA-Z_]+ .*(cmd|lib)\// {
			frame = $0; sub(/^.* in /, "", frame); sub(/ [^ ]*\//, " ", frame)
		}
		END { if (what) print what (frame ? " in " frame : "") }'
}

# ---- the runs ----

echo "progfuzz: seed $seed, programs $progs, $seconds s, in $work"
start=$(date +%s)
n=0
failed=0
: >"$work/findings"
while :; do
	n=$((n + 1))
	if [ "$only" -gt 0 ]; then
		[ $n -gt 1 ] && break
		n=$only
	else
		[ "$runs" -gt 0 ] && [ $n -gt "$runs" ] && break
		[ "$seconds" -gt 0 ] && [ $(($(date +%s) - start)) -ge "$seconds" ] && break
	fi
	c=$work/c$n
	rm -rf "$c"
	mkdir -p "$c/d"
	cp -PR "$fix/." "$c/d/"
	spec=$c/spec
	if ! awk -v seed="$seed" -v casen="$n" -v progs="$progs" -v fix="$fix" -v dir="$c/d" \
		-f "$here/progfuzz.awk" "$work/opts" >"$spec"; then
		echo "progfuzz: cannot draw run $n" >&2
		exit 70
	fi
	tr '\036' '\000' <"$c/d/mut.csv" >"$c/d/mut.t" && mv "$c/d/mut.t" "$c/d/mut.csv"
	grep '^mutate ' "$spec" | while read -r _ what a b e; do mutate "$c/d" "$what" "$a" "$b" "$e"; done
	prog=$(awk '$1 == "prog" { print $2 }' "$spec")
	cp -PR "$c/d" "$c/p"
	snapshot "$c/d" >"$c/before"
	execute "$c" "$spec" d
	rc=$(cat "$c/d.rc" 2>/dev/null || echo 255)
	snapshot "$c/d" >"$c/after"
	ref_rc=-1
	: >"$c/ref"
	if grep -Eq '^(stdin <&-|stdout closed|stderr closed)' "$spec"; then
		sed -e 's/^stdin <&-$/stdin <\/dev\/null/' -e 's/^stdout closed$/stdout file/' \
			-e 's/^stderr closed$/stderr file/' "$spec" >"$c/spec.ref"
		cp -PR "$c/p" "$c/r"
		execute "$c" "$c/spec.ref" r
		ref_rc=$(cat "$c/r.rc" 2>/dev/null || echo 255)
		snapshot "$c/r" >"$c/ref"
	fi
	[ "$verbose" = 1 ] && echo "run $n: exit $rc (reference $ref_rc): $(command_line "" "$spec" show)"
	san=$(sanitizer_of "$c/d")
	[ -z "$san" ] && [ "$ref_rc" -ge 0 ] && san=$(sanitizer_of "$c/r")
	if awk -v rc="$rc" -v ref_rc="$ref_rc" -v allowed="$allowed" -v documented="$(cat "$work/status.$prog")" \
		-v dir="$c/d" -v out="$c/d.out" -v err="$c/d.err" -v sanitizer="$san" \
		-f "$here/progcheck.awk" "$spec" "$c/before" "$c/after" "$c/ref" >"$c/findings"; then
		[ "$only" -gt 0 ] && echo "run $n: no finding; command: $(command_line "" "$spec" show); folder: $c"
		[ "$only" -gt 0 ] && trap - EXIT
		[ "$only" -gt 0 ] || rm -rf "$c"
		continue
	fi
	failed=$((failed + 1))
	cmd=$(command_line "" "$spec" show)
	while IFS='	' read -r kind sig detail; do
		printf '%s\t%s\t%s\n' "$kind" "$sig" "$n" >>"$work/findings"
		echo "FAIL run $n: $kind: $detail"
	done <"$c/findings"
	echo "  command: $cmd"
	echo "  replay:  sh tests/fuzz/progfuzz.sh -s $seed -p $progs -c $n $bin"
	# Keep the folders of the first three runs of each signature.
	new=$(awk -F '\t' -v n="$n" '$3 == n { s[$2] = 1 } $3 != n { c[$2]++ }
		END { for (k in s) if (c[k] < 3) { print 1; exit } }' "$work/findings")
	if [ -n "$new" ] || [ "$only" -gt 0 ]; then
		dest=$keep/seed$seed-run$n
		rm -rf "$dest"
		mv "$c" "$dest"
		{
			echo "#!/bin/sh"
			echo "# Run $n of seed $seed ($prog), on a fresh copy of its inputs."
			echo "t=\$(mktemp -d) && cp -PR '$dest/p/.' \"\$t\" && cd \"\$t\" && echo \"in \$t\" >&2 &&"
			echo "export ASAN_OPTIONS=detect_leaks=1 OPENBLAS_NUM_THREADS=1 &&"
			echo "$(command_line '$t.' "$dest/spec" show | sed "s|^\(.*&& \)\{0,1\}|&'$bin'/|")"
		} >"$dest/replay.sh"
		echo "  kept:    $dest"
	else
		rm -rf "$c"
	fi
done

total=$((n - 1))
[ "$only" -gt 0 ] && total=1
echo "progfuzz: seed $seed, $total runs in $(($(date +%s) - start)) s, $failed failed"
if [ -s "$work/findings" ]; then
	echo "findings (signature: runs):"
	awk -F '\t' '{ c[$1 ": " $2]++; if (!(($1 ": " $2) in first)) first[$1 ": " $2] = $3 }
		END { for (k in c) printf "  %s: %d (first: run %d)\n", k, c[k], first[k] }' "$work/findings" | sort
fi
[ "$failed" -eq 0 ]
