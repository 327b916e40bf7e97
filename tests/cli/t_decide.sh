# A decision per row without labels: ocsdf-score --decide flags the rows
# below the level ocsdf-train set (floor(p n) of the training rows for
# --contamination p) and gives the radius, in raw units, that keeps each
# decision; the columns in raw units say so by their names.
. "$(dirname "$0")/lib.sh"
set -u
S="$BIN/ocsdf-score"
C="$BIN/ocsdf-certify"
small="--width 32 --depth 2 --epochs 3 --warmup 1 --batch 64 --margin 0.1 -q --label label"

# The features scaled apart, so that L (1 / min std) is far from 1.
awk -F, 'NR == 1 { print; next } { print $1 * 0.1 "," $2 "," $3 }' "$DATA/disk.csv" >"$T/data.csv"
n=$(($(wc -l <"$T/data.csv") - 1))
"$(unwrapped ocsdf-train)" $small --contamination 0.1 -o "$T/m" "$T/data.csv" || fail "ocsdf-train failed"
expect 0 '' -- "$C" -m "$T/m" --radius 0 --format json "$T/data.csv" --score x
L=$(sed -n 's/^  "lipschitz": \(.*\),$/\1/p' "$T/out")
awk -v L="$L" 'BEGIN { exit !(L > 5) }' || fail "L = $L: the test needs L far from 1"

# The decision columns, their rule and their radius.
expect 0 '' -- "$S" -m "$T/m" --decide -o "$T/d.csv" "$T/data.csv"
[ "$(head -1 "$T/d.csv")" = "x,y,label,sdf,sdf_flagged,sdf_radius_raw" ] || fail "header: $(head -1 "$T/d.csv")"
awk -F, -v L="$L" 'NR > 1 { if ($5 != ($4 < 0)) { print "line " NR ": flagged " $5 " for sdf " $4; bad = 1 }
	r = ($4 < 0 ? -$4 : $4) / L; e = $6 - r; if (e < 0) e = -e
	if (e > 1e-6 * r + 1e-12) { print "line " NR ": radius " $6 ", |sdf|/L " r; bad = 1 } }
	END { exit bad }' "$T/d.csv" || fail "flagged is not sdf < 0, or the radius is not |sdf| / L"
flagged=$(awk -F, 'NR > 1 { s += $5 } END { print s }' "$T/d.csv")
[ "$flagged" -eq $((n / 10)) ] || fail "$flagged of $n training rows flagged, not floor(0.1 n) = $((n / 10))"

# Raw units: every column in them is named *_raw; the decisions are the same.
expect 0 '' -- "$S" -m "$T/m" --decide --units raw --only -o "$T/r.csv" "$T/data.csv"
[ "$(head -1 "$T/r.csv")" = "sdf_raw,sdf_flagged,sdf_radius_raw" ] || fail "raw header: $(head -1 "$T/r.csv")"
cut -d, -f4- "$T/d.csv" | paste -d, - "$T/r.csv" | awk -F, -v L="$L" 'NR > 1 {
	e = $1 / L - $4; if (e < 0) e = -e; if (e > 1e-6 * ($4 < 0 ? -$4 : $4) + 1e-12) bad = 1
	if ($2 != $5 || $3 != $6 || $6 != ($4 < 0 ? -$4 : $4)) bad = 1 } END { exit bad }' ||
	fail "raw units: not sdf / L, or other decisions or radii"
expect 0 '' -- "$S" -m "$T/m" --units raw --attack pgd --radius 0.1,0.2 --label label --only "$T/data.csv"
[ "$(head -1 "$T/out")" = "sdf_raw,sdf_pgd_0.1_raw,sdf_pgd_0.2_raw" ] || fail "raw attack names: $(head -1 "$T/out")"
expect 64 'needs --units raw' -- "$S" -m "$T/m" --column s_raw "$T/data.csv"
printf 'x,y,sdf_flagged\n1,2,3\n' >"$T/clash.csv"
expect 64 "a column named 'sdf_flagged' exists already" -- "$S" -m "$T/m" --decide "$T/clash.csv"

exit 0
