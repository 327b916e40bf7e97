#!/bin/sh
# The commands of docs/tutorial.md, run in order; prints the transcript
# the tutorial's console blocks are pasted from, so that they show what
# the programs print today.  Run it from the top of the repository after
# make (about 3 minutes on 2 cores, most of it training cardio):
#
#   sh docs/tutorial.sh [WORKDIR] > transcript.txt
#
# WORKDIR (default: a new temporary folder) receives the files the
# tutorial makes; every output is written with -f, so it can be run twice.
# ODDS names the folder of the ODDS CSV files (default ../shared/data/odds).
# Epoch lines the tutorial leaves out are printed as "...", timings as the
# programs print them.
set -eu
top=$(pwd)
[ -x "$top/build/bin/ocsdf-train" ] || { echo "run make first, from the top of the repository" >&2; exit 1; }
PATH=$top/build/bin:$PATH
ODDS=${ODDS:-$top/../shared/data/odds}
ODDS=$(cd "$ODDS" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
export PATH ODDS

# run CMD: the command as the tutorial shows it, then what it prints
# (standard output and error).
run() {
	printf '$ %s\n' "$1" | sed "s|$ODDS|\$ODDS|g"
	sh -c "$1" 2>&1
}
# epochs: the first two, the first after warm-up and the last two epoch
# lines of a training log, the others as "...", then the closing lines.
epochs() {
	awk '/^epoch / { split($2, e, "/"); n = e[2]; k = e[1]
		if (k <= 2 || k == 6 || k >= n - 1) { if (k > last + 1) print "..."; print; last = k } next }
		{ print }'
}

echo "## 0"
run 'head -c 120 $ODDS/cardio.csv; echo'
run "awk -F, 'NR > 1 { n[\$NF]++ } END { for (k in n) print \"label\", k \": \" n[k] \" rows\" }' \$ODDS/cardio.csv | sort -r"

echo "## 1"
printf '$ %s\n' 'ocsdf-train -v --eval --label label --sampler paper --activation fullsort --lr-decay none -f -o cardio.model $ODDS/cardio.csv'
ocsdf-train -v --eval --label label --sampler paper --activation fullsort --lr-decay none -f -o cardio.model \
	"$ODDS/cardio.csv" 2>&1 | epochs

echo "## 2"
run 'ocsdf-score -m cardio.model $ODDS/cardio.csv > scored.csv'
run 'head -2 scored.csv | cut -d, -f1-3,21-'
run 'tail -n +2 scored.csv | sort -t, -k23 -g | cut -d, -f22,23 | head -4'
run 'tail -n +2 scored.csv | sort -t, -k23 -g | cut -d, -f22,23 | tail -2'

echo "## 3"
run 'ocsdf-certify -m cardio.model --radius 0,0.01,0.02,0.05,0.1,0.2 -f --plot roc.svg scored.csv'

echo "## 4"
run 'ocsdf-certify -m cardio.model --fpr 0.05 --radius 0,0.02,0.05 -f --decisions decisions.csv --plot-hist hist.svg scored.csv'
run 'head -3 decisions.csv'

echo "## 5"
run 'ocsdf-sample -m cardio.model -n 1000 -f -o boundary.csv'
run 'head -2 boundary.csv | cut -d, -f1-3,20-'
run "awk -F, 'NR > 1 { s = \$NF; if (NR == 2 || s < lo) lo = s; if (NR == 2 || s > hi) hi = s }
    END { print NR - 1, \"points, sdf from\", lo, \"to\", hi }' boundary.csv"
run "awk -F, 'NR == FNR { if (FNR > 1) for (j = 1; j <= 21; j++) X[FNR, j] = \$j; n = FNR; next }
    FNR > 1 && FNR <= 201 { b = 1e30
      for (i = 2; i <= n; i++) { d = 0; for (j = 1; j <= 21; j++) { t = \$j - X[i, j]; d += t * t } if (d < b) b = d }
      print sqrt(b) }' \$ODDS/cardio.csv boundary.csv | sort -g |
    awk '{ v[NR] = \$1 } END { print NR, \"points; distance to the nearest row: min\", v[1], \"median\", v[int((NR + 1) / 2)], \"max\", v[NR] }'"
run '(head -1 scored.csv; tail -n +2 scored.csv | sort -t, -k23 -g | head -3) | cut -d, -f1-22 > worst.csv'
run 'ocsdf-sample -m cardio.model --mode inside --from worst.csv -f -o walked.csv'
run "awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { h[i] = \$i; if (\$i == \"sdf\") s = i } next }
  { line = \"row \" NR - 1 \": sdf \" \$s \", largest moves:\"
    for (k = 1; k <= 3; k++) { b = 0
      for (i = s + 1; i <= NF; i++) { a = \$i < 0 ? -\$i : \$i; if (!(i in u) && a > b) { b = a; j = i } }
      u[j] = 1; line = line sprintf(\" %s %+.2f\", substr(h[j], 7), \$j) }
    delete u; print line }' walked.csv"

echo "## 7"
printf '$ %s\n' 'ocsdf-train --sampler paper --activation fullsort --lr-decay none --scale iso --width 128 --depth 3 --epochs 100 --batch 512 --walk-steps 8 --domain 3 --threads 1 -f -o torus.model data/torus.csv'
ocsdf-train --sampler paper --activation fullsort --lr-decay none --scale iso --width 128 --depth 3 \
	--epochs 100 --batch 512 --walk-steps 8 --domain 3 --threads 1 -q -f -o torus.model "$top/data/torus.csv"
run 'ocsdf-mesh -v -m torus.model -r 128 -f -o torus.ply'
