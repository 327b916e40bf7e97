# A decision per row without labels, and radii that say what they mean:
# ocsdf-score --decide flags the rows below the level ocsdf-train set
# (floor(p n) of the training rows for --contamination p) and gives the
# radius, in raw units, that keeps each decision; ocsdf-certify states each
# radius in raw and model units, chooses radii from the data when given
# none, and reads the units of a score from its column name, so that a
# score written in raw units is not scaled by L a second time.
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
# Exactly: the trainer sets the level on the scores ocsdf-score prints.
[ "$flagged" -eq $((n / 10)) ] ||
	fail "$flagged of $n training rows flagged, not floor(0.1 n) = $((n / 10))"

# The README's recipe for the flagged rows, most anomalous first, read
# from the README itself.
top=$(cd "$DATA/.." && pwd)
sed -n "/^awk -F, 'NR > 1 && \$(NF - 1) == 1/,/| head/p" "$top/README.md" |
	sed 's/ *#.*//; s/| head$//; s/scored\.csv/"$1"/' >"$T/recipe.sh"
[ "$(wc -l <"$T/recipe.sh")" -eq 2 ] || fail "no recipe for the flagged rows in README.md: $(cat "$T/recipe.sh")"
sh "$T/recipe.sh" "$T/d.csv" >"$T/recipe.out" || fail "the README's recipe failed"
cut -d, -f4 "$T/recipe.out" | sort -c -g || fail "the README's recipe does not put the lowest score first"
awk -F, 'NR > 1 && $5 == 1' "$T/d.csv" | sort >"$T/flagged.rows"
sort "$T/recipe.out" | cmp -s - "$T/flagged.rows" || fail "the README's recipe does not list the flagged rows"
[ "$(wc -l <"$T/recipe.out")" -eq "$flagged" ] || fail "recipe: $(wc -l <"$T/recipe.out") rows"

# Raw units: every column in them is named *_raw; the decisions are the same.
expect 0 '' -- "$S" -m "$T/m" --decide --units raw --only -o "$T/r.csv" "$T/data.csv"
[ "$(head -1 "$T/r.csv")" = "sdf_raw,sdf_flagged,sdf_radius_raw" ] || fail "raw header: $(head -1 "$T/r.csv")"
cut -d, -f4- "$T/d.csv" | paste -d, - "$T/r.csv" | awk -F, -v L="$L" 'NR > 1 {
	e = $1 / L - $4; if (e < 0) e = -e; if (e > 1e-6 * ($4 < 0 ? -$4 : $4) + 1e-12) bad = 1
	if ($2 != $5 || $3 != $6 || $6 != ($4 < 0 ? -$4 : $4)) bad = 1 } END { exit bad }' ||
	fail "raw units: not sdf / L, or other decisions or radii"
expect 0 '' -- "$S" -m "$T/m" --units raw --attack pgd --radius 0.1,0.2 --label label --only "$T/data.csv"
[ "$(head -1 "$T/out")" = "sdf_raw,sdf_pgd_0.1_raw,sdf_pgd_0.2_raw" ] || fail "raw attack names: $(head -1 "$T/out")"
expect 64 'needs --units raw' -- "$S" -m "$T/m" --score s_raw "$T/data.csv"
printf 'x,y,sdf_flagged\n1,2,3\n' >"$T/clash.csv"
expect 64 "a column named 'sdf_flagged' exists already; name the score with --score$" -- "$S" -m "$T/m" --decide "$T/clash.csv"

# A model whose level was not set from a contamination rate says so.
"$(unwrapped ocsdf-train)" $small --sampler paper -o "$T/paper" "$T/data.csv" || fail "ocsdf-train --sampler paper"
expect 0 'trained with --sampler paper, which does not set the level' -- "$S" -m "$T/paper" --decide --only "$T/data.csv"
expect 0 '' -- "$S" -m "$T/m" --decide --only "$T/data.csv"
[ -s "$T/err" ] && fail "a warning for a model with its level: $(cat "$T/err")"

# Radii in both units: raw (the ones given, with -m) and model (L times).
expect 0 '' -- "$C" -m "$T/m" --radius 0.01,0.02 --format csv "$T/d.csv"
head -1 "$T/out" | grep -q ',radius_raw,radius_model,kept_fraction$' || fail "csv header: $(head -1 "$T/out")"
awk -F, -v L="$L" 'NR > 1 { e = $(NF - 1) - $1 * L; if (e < 0) e = -e
	if ($(NF - 2) != $1 || e > 1e-12 * L || $2 != $(NF - 1)) bad = 1 } END { exit bad || NR != 4 }' "$T/out" ||
	fail "radius_raw is not the radius or radius_model not L times it"

# No --radius: 0 and the largest radii that keep 0.9 and 0.5 of the AUROC.
expect 0 '' -- "$C" -m "$T/m" --format csv "$T/d.csv"
[ "$(cut -d, -f1 "$T/out" | sed -n 2p)" = 0 ] && [ "$(wc -l <"$T/out")" -eq 4 ] || fail "chosen radii: $(cat "$T/out")"
[ "$(awk -F, 'NR > 1 { printf "%s;", $NF }' "$T/out")" = ";0.9;0.5;" ] || fail "kept fractions"
a0=$(sed -n 2p "$T/out" | cut -d, -f7)
for k in 3 4; do
	r=$(sed -n ${k}p "$T/out" | cut -d, -f1) a=$(sed -n ${k}p "$T/out" | cut -d, -f7)
	f=$(sed -n ${k}p "$T/out" | awk -F, '{ print $NF }')
	awk -v r="$r" 'BEGIN { exit !(r > 0) }' || fail "radius $r kept $f"
	above=$(awk -v r="$r" 'BEGIN { printf "%.17g", r * 1.001 }')
	b=$("$C" -m "$T/m" --radius "$r,$above" --format csv "$T/d.csv" | sed -n 4p | cut -d, -f7)
	awk -v a="$a" -v a0="$a0" -v b="$b" -v f="$f" 'BEGIN { exit !(a >= f * a0 - 1e-12 && b < f * a0) }' ||
		fail "radius $r: certified AUROC $a, then $b just above it; wanted the last radius at $f x $a0"
done
radii=$(tail -n +3 "$T/out" | cut -d, -f1 | paste -sd, -)
# With --radius the same radii are reported, so that radii that certify
# nothing do not go unnoticed.
kept=$(tail -n +3 "$T/out" | awk -F, '{ printf "%s%s of it up to radius %.6g", (NR > 1 ? ", " : ""), $NF, $1 }')
expect 0 '' -- "$C" -m "$T/m" --radius 0.001 "$T/d.csv"
grep -qxF "AUROC kept         $kept (the radii chosen without --radius)" "$T/out" ||
	fail "with --radius, the radii that keep the AUROC: $(grep kept "$T/out"), wanted $kept"
expect 0 '' -- "$C" -m "$T/m" "$T/d.csv"
grep -q '(keeps 0.9)$' "$T/out" && grep -q '^ *radius radius_model ' "$T/out" || fail "table: $(cat "$T/out")"

# A score in raw units certified with -m: L = 1 for it, and the figures of
# the score in model units (at the radii chosen above, where the AUROC is
# neither 0 nor 1; the raw score is rounded to float32 on its own).
paste -d, "$T/r.csv" "$T/data.csv" | cut -d, -f1,6 >"$T/rl.csv"
"$C" -m "$T/m" --radius "$radii" --format csv "$T/d.csv" | cut -d, -f1,7,12- >"$T/model-units"
expect 0 '' -- "$C" -m "$T/m" --radius "$radii" --format csv --score sdf_raw "$T/rl.csv"
awk -F, 'NR > 1 && $3 != 1 { bad = 1 } END { exit bad }' "$T/out" || fail "raw scores: L is not 1"
cut -d, -f1,7,12- "$T/out" | paste -d, "$T/model-units" - | awk -F, 'NR > 1 {
	e = $2 - $7; if (e < 0) e = -e; if (e > 1e-3 || $1 != $6 || $3 != $8 || $4 != $9) { print; bad = 1 } }
	END { exit bad }' || fail "raw scores with -m: not the figures of model units"
expect 0 '' -- "$C" -m "$T/m" --radius 0.01 --score sdf_raw "$T/rl.csv"
grep -q '^radius units  *raw input units: column sdf_raw is in them already (L = 1' "$T/out" ||
	fail "the correction is not stated: $(grep units "$T/out")"

# --decisions without a threshold: the level 0, the same as ocsdf-score's.
expect 0 '' -- "$C" -m "$T/m" --decisions "$T/dec.csv" "$T/d.csv"
grep -q '^threshold  *0 (flagged: score < threshold, the level 0 that ocsdf-train set)' "$T/out" ||
	fail "threshold: $(grep threshold "$T/out")"
expect 0 '' -- "$C" -m "$T/m" --decisions "$T/dec2.csv" --format json "$T/d.csv"
grep -q '^  "threshold": {"value": 0, "flagged_when": "score < threshold", "chosen_by": "level",' "$T/out" ||
	fail "JSON threshold: $(grep threshold "$T/out")"
expect 64 'needs a threshold' -- "$C" --higher-is-anomalous --decisions "$T/dec3.csv" "$T/d.csv"
tail -n +2 "$T/dec.csv" >"$T/dec.rows"
tail -n +2 "$T/d.csv" | cut -d, -f5,6 | paste -d, - "$T/dec.rows" | awk -F, '{ if ($1 != $6) bad = 1
	e = $2 - $8; if (e < 0) e = -e; if (e > 1e-6 * $2 + 1e-12) bad = 1 } END { exit bad }' ||
	fail "certify's decisions at 0 are not ocsdf-score's"
exit 0
