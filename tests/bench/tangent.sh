#!/bin/sh
# A support that follows the rows' local axes, against the support of
# today, on the targets alone (tests/bench/bench_tangent.c: no model is
# trained).  Prints two Markdown tables:
# - shapes (tests/bench/bench_shapes.c, data seed 1, each of ROWS rows,
#   default "500 2000"): AUROC of t = r - d_k inside against outside by
#   more than 0.1, and Spearman of t with the true signed distance over
#   the points outside, in raw units;
# - ODDS sets of at most 20000 rows: AUROC (%) of d_k at the rows (each
#   left out) for label 1, features standardized.
#
#   sh tests/bench/tangent.sh [BUILD] [SHAPES] [SETS]
#
# Columns: one per set of bench_tangent options in VARIANTS, separated by
# "|" (default: "--iso|--rho 1|--rho 0.5|--pca-rows 60 --tau 0.05": today's
# support; the tangent support with disks of radius 1 and 0.5 times the
# rows' k-th neighbour distance, axes from 20 rows down to a tenth of the
# largest variance; and axes from 60 rows down to a twentieth), then m,
# the mean number of axes per row of the second.  SHAPES defaults to
# every shape of bench_shapes, SETS to the ODDS sets of at most 20000
# rows.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
bench=$build/bench
odds=${ODDS:-$top/../shared/data/odds}
shapes=${2:-$("$bench/bench_shapes" list | cut -d' ' -f1 | tr '\n' ' ')}
sets=${3:-wbc wine glass vertebral lympho breastw pima ionosphere vowels cardio thyroid arrhythmia musk satimage-2 optdigits mammography}
rows=${ROWS:-500 2000}
for r in $rows; do
	case $r in '' | *[!0-9]*) echo "tangent.sh: ROWS: whole numbers, not $r" >&2; exit 64 ;; esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
variants=${VARIANTS:-"--iso|--rho 1|--rho 0.5|--pca-rows 60 --tau 0.05"}
# The header's columns and rule, from the variants.
head=$(echo "$variants" | sed 's/|/ | /g; s/--//g')
rule=$(echo "$variants" | sed 's/[^|]*/---/g')
# The second variant's mean number of axes goes in the last column.
second=$(echo "$variants" | cut -d'|' -f2)

# One row's cells, after its leading ones: each variant's figures (the
# fields of bench_tangent from the fifth), then m, of the second variant.
# The arguments follow the variant on bench_tangent's command line; with
# a first argument "set", the row's count and features come first.
cells() {
	kind=$1
	shift
	line=
	m=
	IFS='|'
	for v in $variants; do
		unset IFS
		# shellcheck disable=SC2086 # v holds options
		r=$("$bench/bench_tangent" $v "$@")
		[ -n "$line" ] || [ "$kind" != set ] || line=$(echo "$r" | awk '{ printf " | %s | %s", $1, $2 }')
		line="$line | $(echo "$r" | awk '{ print $5 ($6 == "" ? "" : " / " $6) }')"
		[ "$v" = "$second" ] && m=$(echo "$r" | awk '{ print $3 }')
		IFS='|'
	done
	unset IFS
	echo "$line | $m |"
}

echo "Shapes: \`bench_shapes data SHAPE --rows N\` and \`bench_shapes points SHAPE --rows N\`, then"
echo "\`bench_tangent --scale none VARIANT --points POINTS ROWS\`.  AUROC inside against"
echo "outside by more than 0.1 / Spearman of t with the true sdf outside; m: mean axes per row."
echo
echo "| shape | d | rows | $head | m |"
echo "|---|---:|---:|$rule|---:|"
for s in $shapes; do
	for n in $rows; do
		"$bench/bench_shapes" data "$s" --rows "$n" >"$work/rows.csv"
		"$bench/bench_shapes" points "$s" --rows "$n" >"$work/points.csv"
		printf '| %s | %s | %s' "$s" "$(head -1 "$work/rows.csv" | tr ',' '\n' | wc -l)" "$n"
		cells shape --scale none --points "$work/points.csv" "$work/rows.csv"
	done
done
echo
echo "ODDS: \`bench_tangent VARIANT --label label SET.csv\`: AUROC (%) of d_k at the rows."
echo
echo "| set | rows | d | $head | m |"
echo "|---|---:|---:|$rule|---:|"
for s in $sets; do
	f=$odds/$s.csv
	[ -f "$f" ] || f=$odds/$s.csv.gz
	[ -f "$f" ] || { echo "tangent.sh: no $odds/$s.csv(.gz)" >&2; exit 66; }
	printf '| %s' "$s"
	cells set --label label "$f"
done
