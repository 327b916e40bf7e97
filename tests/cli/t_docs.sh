# The documentation matches the programs: for each program, the options its
# getopt table accepts, the options its --help lists and the options its man
# page documents under OPTIONS are the same three sets.  --help fits an
# 80-column terminal and shows an example; every man page renders without
# a groff warning and fits 80 columns; the README and ocsdf(7) name every
# program.
. "$(dirname "$0")/lib.sh"
top=$(cd "$DATA/.." && pwd)
export LC_ALL=C.UTF-8

# Option names (-x, --long) on the option lines of a --help: lines that
# start with blanks and a dash, up to the two blanks before the text.
help_opts() {
	"$BIN/$1" --help | awk '/^ +-/ {
		sub(/^ +/, ""); sub(/  .*/, "")
		n = split($0, w, /[ ,\/|=]+/)
		for (i = 1; i <= n; i++) if (w[i] ~ /^--?[A-Za-z]/) print w[i]
	}' | sort -u
}

# Option names in the tags (the line after .TP) of the OPTIONS section.
man_opts() {
	awk '/^\.SH/ { in_opts = ($0 ~ /^\.SH "?OPTIONS"?$/) }
		in_opts && tag {
			gsub(/\\-/, "-"); gsub(/\\f[A-Z]/, " "); gsub(/"/, " ")
			n = split($0, w, /[ ,\/|=]+/)
			for (i = 1; i <= n; i++) if (w[i] ~ /^--?[A-Za-z]/) print w[i]
		}
		{ tag = ($0 ~ /^\.TP/) }' "$1" | sort -u
}

# Options of the getopt_long table, or of the rows of an option table
# (cmd/common/argtab.h: ROW("name", CODE, ...), a short option's CODE its
# letter 'c', from which the table makes getopt_long's short options), in
# the files given and in argtab.h's OCSDF_ARG_HELP_ROWS where they use it.
src_opts() {
	{
		cat "$@"
		! grep -q OCSDF_ARG_HELP_ROWS "$@" ||
			sed -n '/define OCSDF_ARG_HELP_ROWS/,/[^\\]$/p' "$top/cmd/common/argtab.h"
	} | sed -n -e 's/.*{"\([a-z0-9-]*\)", *\(no\|required\|optional\)_argument.*/--\1/p' \
		-e "s/^[[:space:]]*[A-Z_]*(\"\([a-z0-9-]*\)\", *'\(.\)'.*/--\1\n-\2/p" \
		-e "s/^[[:space:]]*[A-Z_]*(\"\([a-z0-9-]*\)\", *[A-Z].*/--\1/p"
}

for p in ocsdf-train ocsdf-score ocsdf-certify ocsdf-sample ocsdf-mesh; do
	help_opts "$p" >"$T/help"
	man_opts "$top/man/$p.1" >"$T/man"
	src_opts "$top/cmd/$p.c" $(ls "$top/cmd/${p#ocsdf-}"/*.c 2>/dev/null) | sort -u >"$T/src"
	[ -s "$T/src" ] || fail "$p: no options found in cmd/$p.c"
	[ "$(wc -l <"$T/help")" -ge 4 ] || fail "$p: no options found in --help"
	if ! cmp -s "$T/src" "$T/help"; then
		echo "$p: options accepted (<) and listed by --help (>) differ:"
		diff "$T/src" "$T/help" | grep '^[<>]'
		exit 1
	fi
	if ! cmp -s "$T/help" "$T/man"; then
		echo "$p: options of --help (<) and of $p.1 OPTIONS (>) differ:"
		diff "$T/help" "$T/man" | grep '^[<>]'
		exit 1
	fi
	w=$("$BIN/$p" --help | wc -L)
	[ "$w" -le 80 ] || fail "$p --help has a line of $w columns (more than 80)"
	"$BIN/$p" --help | grep -q '^Examples\?:' || fail "$p --help shows no example"
	expect 0 '' -- "$BIN/$p" -V
	grep -q "^$p .*[0-9]" "$T/out" || fail "$p -V: unexpected output: $(cat "$T/out")"
done

for page in "$top"/man/*.[1-9]; do
	name=$(basename "$page")
	warn=$(groff -man -ww -z "$page" 2>&1)
	[ -z "$warn" ] || fail "$name: groff warnings: $warn"
	warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	[ -z "$warn" ] || fail "$name: man warnings: $warn"
	w=$(MANWIDTH=80 MANPAGER=cat man -l "$page" 2>/dev/null | wc -L)
	[ "$w" -le 80 ] || fail "$name: renders $w columns wide at MANWIDTH=80"
	for s in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
		case $name in ocsdf-model.5) [ "$s" = SYNOPSIS ] && continue ;; esac
		grep -q "^\.SH \"\{0,1\}$s" "$page" || fail "$name: no $s section"
	done
done

# Every program is documented in the overview and the README.
for p in ocsdf-train ocsdf-score ocsdf-certify ocsdf-sample ocsdf-mesh; do
	grep -q "^\.BR $p (1)" "$top/man/ocsdf.7" || fail "ocsdf.7 does not list $p"
	grep -q "$p" "$top/README.md" || fail "README.md does not mention $p"
	[ -f "$top/man/$p.1" ] || fail "no man page for $p"
done

# One vocabulary: the table of ocsdf(7) OPTIONS ACROSS THE PROGRAMS lists
# every long option of every program's --help (but its old names) with the
# programs that take it, and no other.
table_opts() {
	awk -v p="$1" '/^\.SH/ { in_t = ($0 ~ /OPTIONS ACROSS/) }
		in_t && opt && /^\[/ {
			n = split(substr($0, 2, index($0, "]") - 2), w, / /)
			for (i = 1; i <= n; i++) if (w[i] == p) print opt
		}
		in_t && /^\.BI? \\-\\-/ { opt = $2; gsub(/\\/, "", opt); next }
		{ if (!/^\.TP/) opt = "" }' "$top/man/ocsdf.7" | sort -u
}
for p in train score certify sample mesh; do
	"$BIN/ocsdf-$p" --help | awk '/^Old names/ { old = 1; next } old && !/^ / { old = 0 }
		!old && /^ +-/ {
			sub(/^ +/, ""); sub(/  .*/, "")
			n = split($0, w, /[ ,\/|=]+/)
			for (i = 1; i <= n; i++) if (w[i] ~ /^--[A-Za-z]/) print w[i]
		}' | sort -u >"$T/help"
	table_opts "$p" >"$T/table"
	[ "$(wc -l <"$T/table")" -ge 5 ] || fail "ocsdf.7: no options of ocsdf-$p in the table"
	if ! cmp -s "$T/help" "$T/table"; then
		echo "ocsdf-$p: long options of --help (<) and of the ocsdf.7 table (>) differ:"
		diff "$T/help" "$T/table" | grep '^[<>]'
		exit 1
	fi
done

# The tutorial's logs are pasted from the transcript of docs/tutorial.sh:
# each of its ocsdf commands is one the script runs, and its training log
# has the fields ocsdf-train prints today (numbers and timings aside).
tut=$top/docs/tutorial.md
grep '^\$ ocsdf-' "$tut" | sed 's/^\$ //' | while IFS= read -r cmd; do
	grep -qF -- "$cmd" "$top/docs/tutorial.sh" || fail "tutorial.md runs a command docs/tutorial.sh does not: $cmd"
done || exit 1
fields() { sed 's/-\{0,1\}[0-9][0-9.e+-]*s\{0,1\}//g; s/  */ /g; s/ - / /g'; }
now=$("$BIN/ocsdf-train" -v --eval --sampler paper --label label --width 8 --depth 1 --epochs 1 --batch 32 \
	-o /dev/null "$DATA/disk.csv" 2>&1 | grep '^epoch ' | head -1 | fields)
old=$(grep '^epoch 1/' "$tut" | head -1 | fields)
[ -n "$now" ] && [ "$now" = "$old" ] ||
	fail "tutorial.md's training log is not what ocsdf-train prints today (paste it from docs/tutorial.sh):
  tutorial: $old
  today:    $now"
