#!/bin/sh
# Runs every benchmark binary $1/bench/bench_* and the program benchmarks
# tests/bench/speed.sh, meshnet.sh, meshseeds.sh, margin.sh, trained.sh and shapes.sh (or only those named
# after $1) and records each one's output in tests/bench/RESULTS.md, in
# its own section between the lines
#     <!-- begin bench_NAME -->  and  <!-- end bench_NAME -->
# which are replaced on every run (appended, under a "## bench_NAME"
# heading, the first time).  Text outside the markers is kept, so notes
# written by hand around a section survive.  Output that contains no
# Markdown table or heading is put in a code block.
#
#   sh tests/bench/run.sh BUILD_DIR [bench_NAME ...]
set -u
build=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
results=$here/RESULTS.md
[ -e "$results" ] || printf '# Benchmark results\n\nWritten by `make bench` (tests/bench/run.sh); each section is replaced when its benchmark runs again.\n' >"$results"

if [ $# -gt 0 ]; then
	list=$*
else
	# bench_grad and bench_target take a model and data: certified.sh and
	# targets.sh run them.
	list="$(ls "$build/bench" 2>/dev/null | grep '^bench_' | grep -v -e '^bench_grad$' -e '^bench_target$' ||
		true) speed meshnet meshseeds margin trained shapes"
fi
status=0
for name in $list; do
	bin=$build/bench/$name
	if [ -f "$here/$name.sh" ]; then
		# A benchmark of the programs, as a script given the programs' folder.
		bin="sh $here/$name.sh $build/bin"
	elif [ ! -x "$bin" ]; then
		echo "run.sh: $bin: not built" >&2
		status=1
		continue
	fi
	echo "== $name" >&2
	out=$(mktemp)
	if ! $bin >"$out"; then
		echo "run.sh: $name failed; RESULTS.md section left as it was" >&2
		status=1
		rm -f "$out"
		continue
	fi
	cat "$out"
	section=$(mktemp)
	{
		echo "<!-- begin $name -->"
		echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -m), $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg); command: \`make bench\` (tests/bench/run.sh running \`$name\`)."
		echo
		if grep -q -e '^|' -e '^#' "$out"; then
			cat "$out"
		else
			echo '```'
			cat "$out"
			echo '```'
		fi
		echo "<!-- end $name -->"
	} >"$section"
	new=$(mktemp)
	if grep -q "^<!-- begin $name -->\$" "$results"; then
		awk -v name="$name" -v file="$section" '
			$0 == "<!-- begin " name " -->" { while ((getline l < file) > 0) print l; skip = 1; next }
			$0 == "<!-- end " name " -->" { skip = 0; next }
			!skip { print }
		' "$results" >"$new"
	else
		{ cat "$results"; printf '\n## %s\n\n' "$name"; cat "$section"; } >"$new"
	fi
	cat "$new" >"$results"
	rm -f "$out" "$section" "$new"
done
exit $status
