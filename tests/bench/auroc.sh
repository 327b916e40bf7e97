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
# to the baselines (oc-baselines.sh).  A row goes to TRAIN when the next
# draw of glibc's random() seeded with srandom(SEED) is below 2^30: the
# halves that Debian's awk (mawk, whose rand() is random() / 2^31) drew for
# the committed tables, written out here in exact arithmetic so that any
# awk (gawk, busybox, a BSD's) draws the same ones.  SEED is a whole
# number up to 2^32 - 1 (srandom's unsigned int); anything else is
# refused with status 64 before either file is written.
oc_split() {
	case $2 in
	'' | *[!0-9]*) echo "oc_split: seed '$2' is not a whole number" >&2; return 64 ;;
	esac
	if [ ${#2} -gt 10 ] || [ "$2" -gt 4294967295 ]; then
		echo "oc_split: seed $2 is above 4294967295" >&2
		return 64
	fi
	gzip -cdf "$1" | awk -F, -v seed="$2" -v tr="$3" -v te="$4" '
		# glibc_srandom(s): 31 words by the multiplier 16807 modulo 2^31 - 1
		# (Schrage), three copied, 310 draws dropped; glibc_random(): the
		# additive generator r[i] = r[i-3] + r[i-31] modulo 2^32, halved.
		function glibc_srandom(s,   i, w, hi, lo) {
			w = s % 4294967296
			if (w >= 2147483648) w -= 4294967296
			if (w == 0) w = 1
			R[0] = w
			for (i = 1; i < 31; i++) {
				hi = int(w / 127773)
				lo = w - hi * 127773
				w = 16807 * lo - 2836 * hi
				if (w < 0) w += 2147483647
				R[i] = w
			}
			for (i = 31; i < 34; i++) R[i] = R[i - 31]
			N = 34
			for (i = 0; i < 310; i++) glibc_random()
		}
		function glibc_random(   v) {
			v = (R[(N - 3) % 34] + R[(N - 31) % 34]) % 4294967296
			if (v < 0) v += 4294967296
			R[N % 34] = v
			N++
			return int(v / 2)
		}
		BEGIN { glibc_srandom(seed) }
		NR == 1 { print > tr; print > te; next }
		$NF == 1 { print > te; next }
		{ if (glibc_random() < 1073741824) print > tr; else print > te }'
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
