# Sourced by the ODDS benchmark scripts.
# auroc BIN FILE [OPTION...]: the AUROC of ocsdf-certify on the CSV FILE
# (label column "label", 1 = anomaly), in percent with two decimals; the
# options choose the score column and its direction.
auroc() {
	_b=$1
	_f=$2
	shift 2
	"$_b/ocsdf-certify" --label label --format csv "$@" "$_f" |
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "auroc") c = i; next }
			c { printf "%.2f", 100 * $c; exit }'
}

# oc_split SRC SEED TRAIN TEST: the one-class split of the ODDS file SRC
# (CSV, maybe gzipped, label last): a seeded half of the normal rows (label
# 0) into TRAIN, the other half and every anomaly into TEST, both with the
# header.  The same seed gives the same halves to ocsdf (odds.sh -p oc) and
# to the baselines (oc-baselines.sh).
oc_split() {
	gzip -cdf "$1" | awk -F, -v seed="$2" -v tr="$3" -v te="$4" '
		BEGIN { srand(seed) }
		NR == 1 { print > tr; print > te; next }
		$NF == 1 { print > te; next }
		{ if (rand() < 0.5) print > tr; else print > te }'
}

# odds_src DIR SET: the file of the ODDS set SET in DIR (SET.csv or
# SET.csv.gz); a message and status 1 when there is neither.
odds_src() {
	for _s in "$1/$2.csv" "$1/$2.csv.gz"; do
		[ -f "$_s" ] && { echo "$_s"; return 0; }
	done
	echo "no data for $2 in $1" >&2
	return 1
}
