#!/bin/sh
# The level of f at the end of training: for each set and each option
# list, one default training (plus the options) with -v --eval, and one
# Markdown row: AUROC of the final model over all rows, the mean of f over
# the training rows in the last epoch (before the level is set), its
# largest change between two of the last 10 epochs, the mean |grad f| on
# the rows and the seconds of the run.
#
#   sh tests/bench/level.sh [-b BIN] SET [OPTIONS]...
#   sh tests/bench/level.sh cardio "" "--lr-final 1e-5 --lr-hold 0"
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=$top/build/bin
odds=${ODDS:-$top/../shared/data/odds}
if [ "${1:-}" = -b ]; then
	bin=$2
	shift 2
fi
set=${1:?usage: level.sh [-b BIN] SET [OPTIONS]...}
shift
[ $# -gt 0 ] || set -- ""
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for opts in "$@"; do
	start=$(date +%s)
	# shellcheck disable=SC2086 # opts is a list of options
	"$bin/ocsdf-train" -v --eval --label label --seed 1 --threads 1 -f -o "$work/m" $opts \
		"$odds/$set.csv" 2>"$work/log" >/dev/null
	end=$(date +%s)
	awk -v set="$set" -v opts="${opts:-(defaults)}" -v secs=$((end - start)) '
		/^epoch/ && /auroc/ {
			for (i = 1; i <= NF; i++) {
				if ($i == "auroc") a = $(i + 1)
				if ($i == "f(rows)") f[++n] = $(i + 1)
				if ($i == "|grad(rows)|") g = $(i + 1)
			}
		}
		END {
			mv = 0
			for (i = (n > 10 ? n - 9 : 1); i < n; i++) {
				d = f[i + 1] - f[i]; if (d < 0) d = -d; if (d > mv) mv = d
			}
			printf "| %s | %s | %.1f | %.3f | %.3f | %.2f | %d |\n", set, opts, 100 * a, f[n], mv, g, secs
		}' "$work/log"
done
