#!/bin/sh
# Distance baselines for the ODDS benchmark, without training, features
# standardized per column as ocsdf-train --scale std does; AUROC for label 1
# over all rows of two scores:
# - kNN: the Euclidean distance to the k-th nearest other row.  Below 50, the
#   anomalies of a set lie among the other rows, where a signed distance to
#   the data cannot rank them.
# - norm: the distance to the mean of the rows.  Near or below 50 while kNN
#   is high, the anomalies are isolated but not outside: they sit in gaps
#   inside the cloud of rows, not beyond its outer boundary.
#
#   sh tests/bench/knn.sh [-b BIN] [-k K] [-s SETS] [-w WORK]
#
# The AUROCs come from BIN/ocsdf-certify (default build/bin).
#
# Writes one line per set to tests/bench/knn.tsv (set, k, rows, the two AUROCs),
# replacing an earlier line for the same set and k.  kNN costs rows² x
# columns operations: it is left empty above 3e8 of them (-w WORK to change
# that); norm is computed for every set.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=$top/build/bin
odds=${ODDS:-$top/../shared/data/odds}
sets="wbc wine glass vertebral lympho breastw pima ionosphere vowels cardio thyroid arrhythmia musk satimage-2 optdigits mammography shuttle smtp http"
k=5
maxw=300000000
while getopts b:k:s:w: opt; do
	case $opt in
	b) bin=$OPTARG ;;
	k) k=$OPTARG ;;
	w) maxw=$OPTARG ;;
	s) sets=$(echo "$OPTARG" | tr ',' ' ') ;;
	*) exit 64 ;;
	esac
done
case $k in '' | *[!0-9]* | 0) echo "knn.sh: -k: a positive integer, not $k" >&2; exit 64 ;; esac
case $maxw in '' | *[!0-9]*) echo "knn.sh: -w: a number of operations, not $maxw" >&2; exit 64 ;; esac
out=$here/knn.tsv
[ -f "$out" ] || printf 'set\tk\trows\tauroc_knn\tauroc_norm\n' >"$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/auroc.sh"

for set in $sets; do
	src=$odds/$set.csv
	[ -f "$src" ] || src=$odds/$set.csv.gz
	[ -f "$src" ] || { echo "knn.sh: no data for $set" >&2; continue; }
	# Scores as CSV: distance to the k-th nearest other row (when affordable),
	# distance to the mean, and the label.
	gzip -cdf "$src" | awk -F, -v k="$k" -v maxw="$maxw" '
		NR == 1 { for (j = 1; j <= NF; j++) if ($j == "label") lc = j; next }
		{
			n++; d = 0
			for (j = 1; j <= NF; j++) {
				if (j == lc) { y[n] = $j; continue }
				if ($j !~ /^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$/) {
					printf "knn.sh: line %d, column %d: not a number: %s\n", NR, j, $j > "/dev/stderr"
					bad = 1; exit 1
				}
				x[n, ++d] = $j + 0; s[d] += $j; q[d] += $j * $j
			}
		}
		END {
			if (bad) exit 1
			if (!lc) { print "knn.sh: no column named label" > "/dev/stderr"; exit 1 }
			if (k >= n) { print "knn.sh: k must be below the number of rows" > "/dev/stderr"; exit 1 }
			for (j = 1; j <= d; j++) {
				m = s[j] / n; v = q[j] / n - m * m
				sd[j] = v > 0 ? sqrt(v) : 1; mu[j] = m
			}
			for (i = 1; i <= n; i++)
				for (j = 1; j <= d; j++) z[i, j] = (x[i, j] - mu[j]) / sd[j]
			full = n * n * d <= maxw + 0
			print (full ? "knn," : "") "norm,label"
			for (i = 1; i <= n; i++) {
				c = 0 # the c smallest squared distances so far, ascending in b[]
				for (o = 1; full && o <= n; o++) {
					if (o == i) continue
					t = 0
					for (j = 1; j <= d; j++) { u = z[i, j] - z[o, j]; t += u * u }
					if (c < k) c++
					else if (t >= b[k]) continue
					p = c
					while (p > 1 && b[p - 1] > t) { b[p] = b[p - 1]; p-- }
					b[p] = t
				}
				t = 0
				for (j = 1; j <= d; j++) t += z[i, j] * z[i, j]
				printf "%s%.17g,%s\n", full ? sprintf("%.17g,", sqrt(b[k])) : "", sqrt(t), y[i]
			}
		}' >"$work/scores.csv"
	rows=$(($(wc -l <"$work/scores.csv") - 1))
	a=""
	head -n 1 "$work/scores.csv" | grep -q '^knn,' &&
		a=$(auroc "$bin" "$work/scores.csv" --score knn --higher-is-anomalous)
	an=$(auroc "$bin" "$work/scores.csv" --score norm --higher-is-anomalous)
	grep -v "^$set	$k	" "$out" >"$work/keep" || true
	printf '%s\t%s\t%s\t%s\t%s\n' "$set" "$k" "$rows" "$a" "$an" >>"$work/keep"
	mv "$work/keep" "$out"
	tail -1 "$out"
done
