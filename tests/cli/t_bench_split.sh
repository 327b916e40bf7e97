# The one-class split of the ODDS benchmark (tests/bench/auroc.sh,
# oc_split) draws the same halves under any awk: the n-th normal row goes
# to the training half when the n-th draw of glibc's random() after
# srandom(SEED) is below 2^30.  The expected halves below are those draws
# (seed 1: 1804289383 846930886 1681692777 1714636915 1957747793 424238335
# 719885386 1649760492 596516649 1189641421 1025202362 1350490027; seed 2:
# rows 3 4 5 6 8 12 below 2^30), so the test fails if the split falls back
# on an awk's own rand(), which gawk and mawk draw differently.
. "$(dirname "$0")/lib.sh"
set -u
. "$(dirname "$0")/../bench/auroc.sh"

{
	echo "id,x,label"
	i=1
	while [ "$i" -le 12 ]; do
		echo "$i,0.5,0"
		i=$((i + 1))
	done
	echo "13,9,1"
	echo "14,9,1"
} >"$T/in.csv"
gzip -c "$T/in.csv" >"$T/in.csv.gz"

ids() { awk -F, 'NR > 1 { printf "%s%s", s, $1; s = " " } END { print "" }' "$1"; }

for src in "$T/in.csv" "$T/in.csv.gz"; do
	oc_split "$src" 1 "$T/tr" "$T/te"
	[ "$(head -1 "$T/tr")" = "id,x,label" ] && [ "$(head -1 "$T/te")" = "id,x,label" ] ||
		fail "$src: a half lacks the header"
	[ "$(ids "$T/tr")" = "2 6 7 9 11" ] || fail "$src, seed 1: training rows $(ids "$T/tr"), not 2 6 7 9 11"
	[ "$(ids "$T/te")" = "1 3 4 5 8 10 12 13 14" ] ||
		fail "$src, seed 1: test rows $(ids "$T/te"), not the other normal rows and both anomalies"
done
oc_split "$T/in.csv" 2 "$T/tr" "$T/te"
[ "$(ids "$T/tr")" = "3 4 5 6 8 12" ] || fail "seed 2: training rows $(ids "$T/tr"), not 3 4 5 6 8 12"
# A seed the generator cannot take is refused before a half is written.
for bad in x 1.5 -1 4294967296 12345678901; do
	rm -f "$T/tr" "$T/te"
	if oc_split "$T/in.csv" "$bad" "$T/tr" "$T/te" 2>"$T/err"; then
		fail "seed $bad: accepted"
	fi
	[ ! -e "$T/tr" ] && [ ! -e "$T/te" ] || fail "seed $bad: a half was written"
	grep -q 'oc_split: seed' "$T/err" || fail "seed $bad: no message"
done
exit 0
