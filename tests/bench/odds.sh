#!/bin/sh
# The ODDS benchmark of ocsdf-train/ocsdf-score (the paper's Tables 2 and 5).
#
#   sh tests/bench/odds.sh [-b BIN] [-s SETS] [-m MARGINS] [-r SEEDS] [-p ad|oc] [-o ORTHO]
#                          [-i INIT] [-x EXTRA]
#
# Each run (protocol, data set, margin, seed, ortho, and the extra options:
# --init INIT, then EXTRA) appends a
# line to tests/bench/odds-runs.tsv (or to the file RUNS names, for trial
# runs kept out of the record); runs already there are skipped, so the
# script can be stopped and started again, or run on a subset.  The key is
# the options alone, not the programs: a run that other programs made with
# the same options is kept, and the script says on stderr how many it kept
# (name an option, such as a default's value, to key new runs apart, or
# use RUNS).  Afterwards
# tests/bench/odds-report.sh turns the file into tests/bench/ODDS.md.
#
# AD protocol: train on all rows (labels excluded), AUROC of the score for
# label 1 over all rows.  OC protocol: train on a seeded half of the normal
# rows, test on the other half plus all anomalies.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=$top/build/bin
odds=${ODDS:-$top/../shared/data/odds}
sets="wbc wine glass vertebral lympho breastw pima ionosphere vowels cardio thyroid arrhythmia musk satimage-2 optdigits mammography shuttle smtp http"
margins="0.01 0.05 0.2 1"
seeds="1 2 3"
protocol=ad
ortho=retract
init=uniform
extra=""
while getopts b:s:m:r:p:o:i:x: opt; do
	case $opt in
	b) bin=$OPTARG ;;
	s) sets=$(echo "$OPTARG" | tr ',' ' ') ;;
	m) margins=$(echo "$OPTARG" | tr ',' ' ') ;;
	r) seeds=$(echo "$OPTARG" | tr ',' ' ') ;;
	p) protocol=$OPTARG ;;
	o) ortho=$OPTARG ;;
	i) init=$OPTARG ;;
	x) extra=$OPTARG ;;
	*) exit 64 ;;
	esac
done
# A misspelt value would record every run as failed, and failed runs are
# skipped when the script is run again: refuse it here.
case $protocol in ad | oc) ;; *) echo "odds.sh: -p: ad or oc, not $protocol" >&2; exit 64 ;; esac
for seed in $seeds; do
	case $seed in '' | *[!0-9]*) echo "odds.sh: -r: seeds are whole numbers, not $seed" >&2; exit 64 ;; esac
done
case $init in uniform | gaussian) ;; *) echo "odds.sh: -i: uniform or gaussian, not $init" >&2; exit 64 ;; esac
# The start of the negatives is always given, and recorded, explicitly.
extra="--init $init${extra:+ $extra}"
# Runs whose options name no sampler are the paper's method (the default of
# ocsdf 0.1, which the table of ODDS.md keys by the options alone); the
# default distance sampler is run with -x "--sampler distance".
case $extra in
*--sampler*) method="" ;;
*) method="--sampler paper --activation fullsort --lr-decay none" ;;
esac
runs=${RUNS:-$here/odds-runs.tsv}
[ -f "$runs" ] || printf 'protocol\tset\tmargin\tseed\tortho\textra\tepochs\tsteps_per_epoch\tauroc\tseconds\n' >"$runs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Large sets train on a step budget: 40 epochs of at most 50 steps.
budget() {
	case $1 in
	mammography | shuttle | smtp | http) echo "--max-steps 50" ;;
	*) echo "" ;;
	esac
}

. "$here/auroc.sh"

kept=0
for set in $sets; do
	src=$odds/$set.csv
	[ -f "$src" ] || src=$odds/$set.csv.gz
	[ -f "$src" ] || { echo "odds.sh: no data for $set" >&2; continue; }
	for margin in $margins; do
		for seed in $seeds; do
			key=$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$protocol" "$set" "$margin" "$seed" "$ortho" "$extra")
			if grep -qF "$key	" "$runs"; then
				kept=$((kept + 1))
				continue
			fi
			b=$(budget "$set")
			if [ "$protocol" = oc ]; then
				oc_split "$src" "$seed" "$work/train.csv" "$work/test.csv"
				train=$work/train.csv
				test=$work/test.csv
			else
				train=$src
				test=$src
			fi
			start=$(date +%s.%N)
			spe=$(echo "$b" | awk '{ print ($2 == "" ? "all" : $2) }')
			# A run that fails (training diverged) is recorded as such; an
			# interrupted one is not recorded, and ends the script.
			rc=0
			"$bin/ocsdf-train" -q -f --label label --margin "$margin" --seed "$seed" \
				--ortho "$ortho" $b $extra $method -o "$work/m" "$train" || rc=$?
			case $rc in
			0)
				"$bin/ocsdf-score" -m "$work/m" -f -o "$work/scored.csv" "$test"
				a=$(auroc "$bin" "$work/scored.csv" --score sdf)
				;;
			130 | 143) exit "$rc" ;;
			*) a=failed ;;
			esac
			end=$(date +%s.%N)
			secs=$(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }')
			printf '%s\t%s\t%s\t%s\t%s\n' "$key" 40 "$spe" "$a" "$secs" >>"$runs"
			tail -1 "$runs"
		done
	done
done
if [ "$kept" -gt 0 ]; then
	echo "odds.sh: $kept of the runs asked for were already in $runs and were kept, not run again" >&2
fi
