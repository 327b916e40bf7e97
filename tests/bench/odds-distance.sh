#!/bin/sh
# The ODDS table of the default method (ocsdf-train --sampler distance)
# beside the paper's sampler at its default margin, the paper's figure and
# the two distance baselines, from the runs in tests/bench/odds-runs.tsv.
#
#   sh tests/bench/odds.sh -m 0.05 -r 1,2,3 -x "$DEFAULTS"   # the runs (resumable)
#   sh tests/bench/odds-distance.sh >tests/bench/ODDS-distance.md
#
# The runs of the defaults are keyed by DEFAULTS below: the default rows
# of the ascent are named, so that these runs key apart from those made
# before the ascent (NOASCENT: the default decay of the learning rate
# named), before the learning rate of the automatic width (BEFORE: the
# rise term named) and before the rise term and the automatic width
# (W512: width 512, no rise term, the hold named).  Beside them: the
# runs of the averaged schedule (AVERAGE; tests/bench/DISTANCE.md,
# "Averaging the weights") and of the median support (MEDIAN; DISTANCE.md,
# "The support's quantile").
# DEFAULTS in the environment names other options for the column
# "distance" (a candidate's runs, keyed as odds.sh -x keyed them); the text
# then says that the column holds those runs, not the defaults.
# Paper sampler: the runs with the options "--init uniform" alone, made by
# the defaults of ocsdf 0.1 (FullSort, constant learning rate, margin 0.05).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
runs=$here/odds-runs.tsv
keyed="--sampler distance --ascent-rows 500 --threads 1"
DEFAULTS=${DEFAULTS:-$keyed}
NOASCENT="--sampler distance --lr-decay linear --threads 1"
BEFORE="--sampler distance --slope 3 --threads 1"
W512="--sampler distance --lr-hold 0.25"
AVERAGE="--sampler distance --lr-final 1e-4 --lr-hold 0 --average 0.5 --threads 1"
MEDIAN="--sampler distance --lr-hold 0.25 --support-quantile 0.5"
echo "# ODDS, the distance sampler (the default) against the paper's"
echo
if [ "$DEFAULTS" != "$keyed" ]; then
	echo "**Not the defaults:** the column \"distance\" is the runs of \`-x \"$DEFAULTS\"\`."
	echo
fi
echo "AUROC (%) of the score for label 1, anomaly-detection protocol (train on all"
echo "rows, labels excluded), default options, mean over seeds (count in brackets,"
echo "range beside). Made by \`sh tests/bench/odds.sh -m 0.05 -r 1,2,3 -x \"$DEFAULTS\"\`"
echo "and \`sh tests/bench/odds-distance.sh\` (the default rows of the ascent named, to key"
echo "these runs apart from earlier ones; one thread; made with the programs of commit 8ee611b)."
echo "no ascent = the defaults before the ascent (\`--ascent-rows 0\`), \`-x \"$NOASCENT\"\`,"
echo "the programs of commit 933b9ef; before = the defaults before the learning rate of the automatic width (0.001 at"
echo "every width), \`-x \"$BEFORE\"\`, the programs of commit f462113; width 512 = the"
echo "defaults before the rise term and the automatic width"
echo "(width 512, 15 steps an epoch), \`-x \"$W512\"\`, two threads; average ="
echo "the averaged schedule, \`-x \"$AVERAGE\"\`, and q 0.5 = the median support,"
echo "\`-x \"$MEDIAN\"\`, both at width 512 before the rise term (q 0.5 is not the"
echo "default: f is then not a distance inside filled shapes). paper sampler = ocsdf 0.1's"
echo "defaults (\`--sampler paper --activation fullsort --lr-decay none\`, margin 0.05),"
echo "from ODDS.md's runs; paper = the paper's Table 2 (best margin per set, chosen"
echo "with labels); kNN = distance to the 5th nearest other row, norm = distance to"
echo "the mean (tests/bench/knn.sh); d_10 = distance to the 10th nearest other row"
echo "(\`sh tests/bench/knn.sh -k 10\`): the ranking of t = r - d_10, the target of f"
echo "outside the support (inside, the larger upper bound ranks rows by their depth)."
echo "Sets marked * train on 40 epochs of at most 50"
echo "steps. Seconds per run of the defaults on this machine, beside other jobs."
echo
awk -F'\t' -v knnf="$here/knn.tsv" -v defaults="$DEFAULTS" -v noascent="$NOASCENT" -v before="$BEFORE" -v w512="$W512" -v average="$AVERAGE" -v median="$MEDIAN" '
BEGIN {
	split("breastw 82.6 cardio 95.0 glass 73.9 http 67.5 ionosphere 80.2 lympho 96.1 mammography 86.0 musk 92.6 optdigits 51.0 pima 60.7 satimage-2 97.9 shuttle 99.1 smtp 87.1 thyroid 95.9 vertebral 48.6 vowels 94.7 wbc 93.6 wine 81.5", a, " ")
	for (i = 1; i in a; i += 2) paper[a[i]] = a[i + 1]
	while ((getline line < knnf) > 0) {
		split(line, q, "\t")
		if (q[1] != "set" && q[2] == 5) { knn[q[1]] = q[4]; nrm[q[1]] = q[5] }
		if (q[1] != "set" && q[2] == 10 && q[4] != "") d10[q[1]] = q[4]
	}
	order = "wbc wine glass vertebral lympho breastw pima ionosphere vowels cardio thyroid arrhythmia musk satimage-2 optdigits mammography shuttle smtp http"
	ns = split(order, S, " ")
}
NR == 1 || $1 != "ad" || $3 != "0.05" || $5 != "retract" || $9 == "failed" { next }
$6 == "--init uniform " average { bs[$2] += $9; bc[$2]++ }
$6 == "--init uniform " median { qs[$2] += $9; qc[$2]++ }
$6 == "--init uniform " before { os[$2] += $9; oc[$2]++ }
$6 == "--init uniform " noascent { ns0[$2] += $9; nc0[$2]++ }
$6 == "--init uniform " w512 { ws[$2] += $9; wc[$2]++ }
$6 == "--init uniform " defaults { k = $2; s[k] += $9; c[k]++; t[k] += $10
	if (!(k in lo) || $9 + 0 < lo[k]) lo[k] = $9 + 0
	if (!(k in hi) || $9 + 0 > hi[k]) hi[k] = $9 + 0 }
$6 == "--init uniform" { ps[$2] += $9; pc[$2]++ }
END {
	print "| set | distance | range | no ascent | before | width 512 | average | q 0.5 | paper sampler | paper | kNN | norm | d_10 | s/run |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= ns; i++) {
		k = S[i]
		if (!(k in c)) continue
		star = (k == "mammography" || k == "shuttle" || k == "smtp" || k == "http") ? "*" : ""
		m = s[k] / c[k]; p = (k in pc) ? ps[k] / pc[k] : ""; b = (k in bc) ? bs[k] / bc[k] : ""
		av = (k in nc0) ? ns0[k] / nc0[k] : ""
		qv = (k in qc) ? qs[k] / qc[k] : ""; ov = (k in oc) ? os[k] / oc[k] : ""; wv = (k in wc) ? ws[k] / wc[k] : ""
		printf "| %s%s | %.1f (%d) | %.1f-%.1f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f |\n", k, star, m, c[k], lo[k], hi[k],
			av == "" ? "" : sprintf("%.1f (%d)", av, nc0[k]), ov == "" ? "" : sprintf("%.1f (%d)", ov, oc[k]), wv == "" ? "" : sprintf("%.1f (%d)", wv, wc[k]),
			b == "" ? "" : sprintf("%.1f (%d)", b, bc[k]), qv == "" ? "" : sprintf("%.1f (%d)", qv, qc[k]),
			p == "" ? "" : sprintf("%.1f", p), (k in paper) ? paper[k] : "", (k in knn) ? knn[k] : "",
			(k in nrm) ? nrm[k] : "", (k in d10) ? d10[k] : "", t[k] / c[k]
		if (k in paper) { np++; md += m; mp += paper[k]; if (p != "") { mps += p; nps++ }; if (b != "") { mb += b; nb++ }; if (qv != "") { mq += qv; nq++ }; if (ov != "") { mo += ov; no++ }; if (wv != "") { mw += wv; nw++ }; if (av != "") { ma0 += av; na0++ } }
		na++; ma += m; if (p != "") { map += p; nap++ }
	}
	printf "\nOver the %d sets with a paper figure: distance %.1f, no ascent %.1f (%d sets), before %.1f (%d sets), width 512 %.1f (%d sets), average %.1f (%d sets), q 0.5 %.1f (%d sets), paper sampler %.1f (%d sets), paper %.1f.\n",
		np, md / np, na0 ? ma0 / na0 : 0, na0, no ? mo / no : 0, no, nw ? mw / nw : 0, nw, nb ? mb / nb : 0, nb, nq ? mq / nq : 0, nq, nps ? mps / nps : 0, nps, mp / np
	printf "Over all %d sets run: distance %.1f, paper sampler %.1f (%d sets).\n", na, ma / na, nap ? map / nap : 0, nap
}' "$runs"
