#!/bin/sh
# The longest functions of the programs and the library: lines from a
# definition's first line (a line starting with a name and holding a
# parenthesis, not a declaration) to its closing brace in column 0.
#
#   sh tests/bench/funclen.sh [TREE] [COUNT]    (TREE: default the top)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "${1:-$here/../..}"
for f in cmd/*.c cmd/*/*.c lib/*.c; do
	[ -f "$f" ] || continue
	awk -v F="$f" '
		/^[a-zA-Z].*\(/ && !/;[ \t]*$/ { name = $0; start = NR; infn = 1 }
		/^\}/ && infn { sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
			print NR - start + 1, F ":" name; infn = 0 }' "$f"
done | sort -rn | head -"${2:-10}"
