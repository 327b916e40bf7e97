# ocsdf-score --attack pgd: the attacked score never beats the certificate,
# the attack really moves scores, the empirical robust AUROC is never below
# the certified one; naming, units, reproducibility and bad input.
. "$(dirname "$0")/lib.sh"
set -u
S="$BIN/ocsdf-score"
C="$BIN/ocsdf-certify"
small="--width 32 --depth 2 --epochs 4 --warmup 1 --batch 64 --margin 0.1 -q"
R=0.01,0.05,0.2,1

"$BIN/ocsdf-train" $small --label label -o "$T/m" "$DATA/disk.csv" || fail "ocsdf-train failed"
expect 0 '' -- "$S" -m "$T/m" --attack pgd --radius $R --label label -o "$T/a.csv" "$DATA/disk.csv"
# L: the model's Lipschitz constant w.r.t. raw inputs, as ocsdf-certify -m reads it.
L=$("$C" -m "$T/m" --format json "$T/a.csv" | sed -n 's/^  "lipschitz": \(.*\),$/\1/p')
[ -n "$L" ] || fail "no Lipschitz constant from the model"
head -1 "$T/a.csv" | grep -qx 'x,y,label,sdf,sdf_pgd_0.01,sdf_pgd_0.05,sdf_pgd_0.2,sdf_pgd_1' ||
	fail "header: $(head -1 "$T/a.csv")"
# Rows and the clean score as without the attack.
"$S" -m "$T/m" "$DATA/disk.csv" >"$T/clean.csv" || fail "plain score"
cut -d, -f1-4 "$T/a.csv" | cmp -s - "$T/clean.csv" || fail "the attack changed the rows or the clean score"

# The promise, for every row and radius: never past the certificate (L·eps
# from the clean score), never better than the clean score.
certificate() { # certificate FILE L: columns 5.. are radii 0.01 0.05 0.2 1
	awk -F, -v L="$2" 'BEGIN { split("0.01 0.05 0.2 1", eps, " ") }
	NR > 1 { for (k = 1; k <= 4; k++) { a = $(4 + k); b = L * eps[k] + 1e-5
		if ($3 == 0 && (a < $4 - b || a > $4)) { print "line " NR ": normal " $4 " -> " a " at " eps[k]; bad = 1 }
		if ($3 == 1 && (a > $4 + b || a < $4)) { print "line " NR ": anomaly " $4 " -> " a " at " eps[k]; bad = 1 } } }
	END { exit bad }' "$1"
}
certificate "$T/a.csv" "$L" || fail "an attacked score beats the certificate (L = $L)"
# In raw units L = 1, and the columns are the model-unit ones over L.
expect 0 '' -- "$S" -m "$T/m" --units raw --attack pgd --radius $R --label label -o "$T/raw.csv" "$DATA/disk.csv"
certificate "$T/raw.csv" 1 || fail "raw units: an attacked score beats the certificate"
paste -d, "$T/a.csv" "$T/raw.csv" | awk -F, -v L="$L" 'NR > 1 { for (k = 4; k <= 8; k++) {
	e = $k / L - $(k + 8); if (e < 0) e = -e; if (e > 1e-6 * (1 + ($k < 0 ? -$k : $k))) bad = 1 } }
	END { exit bad }' || fail "raw units are not model units over L"

# The attack is real.  The model is far from using its whole Lipschitz
# budget (|grad f| well below L), so the yardstick is each row's own
# gradient g, estimated by central differences: at a radius small next to
# the linear pieces of f the best attack moves the score by |g|·eps, and PGD
# must get most of that, on normal rows (down) and anomalies (up).
h=0.0001
awk -F, -v h=$h 'NR == 1 { print "x,y"; next }
	{ print $1 + h "," $2; print $1 - h "," $2; print $1 "," $2 + h; print $1 "," $2 - h }' \
	"$DATA/disk.csv" >"$T/probe.csv"
"$S" -m "$T/m" --only --units raw "$T/probe.csv" >"$T/probe.out" || fail "probe"
expect 0 '' -- "$S" -m "$T/m" --units raw --only --attack pgd --radius 0.01 --label label "$DATA/disk.csv"
tail -n +2 "$T/out" >"$T/small.out"
tail -n +2 "$DATA/disk.csv" | cut -d, -f3 | paste -d, - "$T/small.out" >"$T/small.csv"
awk -F, -v h=$h 'NR == FNR { if (FNR > 1) v[FNR - 2] = $1; next }
	{ i = 4 * (FNR - 1); gx = (v[i] - v[i + 1]) / (2 * h); gy = (v[i + 2] - v[i + 3]) / (2 * h)
	  g = sqrt(gx * gx + gy * gy); gain = ($1 == 0 ? $2 - $3 : $3 - $2) / 0.01
	  G[$1] += g; A[$1] += gain; n[$1]++ }
	END { for (c = 0; c <= 1; c++) { printf "class %d: mean |g| %.4f, mean gain/eps %.4f\n", c, G[c] / n[c], A[c] / n[c]
		if (G[c] / n[c] < 0.05 || A[c] < 0.9 * G[c]) bad = 1 }
	      exit bad }' "$T/probe.out" "$T/small.csv" >"$T/strength" || fail "the attack is weak: $(cat "$T/strength")"
# A bigger ball, more harm: the mean move grows with the radius.
awk -F, 'NR > 1 { s = $3 == 0 ? 1 : -1; for (k = 5; k <= 8; k++) m[k] += s * ($4 - $k) }
	END { for (k = 6; k <= 8; k++) if (!(m[k] > m[k - 1])) bad = 1; exit bad }' "$T/a.csv" ||
	fail "the mean move does not grow with the radius"

# Empirical robust AUROC (AUROC of the attacked column) lies between the
# certified AUROC and the clean AUROC, at every radius.
auroc() { "$C" --format csv "$@" | awk -F, 'NR == 2 { print $7 }'; }
clean=$(auroc "$T/a.csv")
col=5
for eps in 0.01 0.05 0.2 1; do
	emp=$(auroc --score $col "$T/a.csv")
	cert=$("$C" -m "$T/m" --radius $eps --format csv "$T/a.csv" | awk -F, 'NR == 3 { print $7 }')
	awk -v e="$emp" -v c="$cert" -v a="$clean" 'BEGIN { exit !(c <= e && e <= a) }' ||
		fail "radius $eps: certified $cert, empirical $emp, clean $clean"
	col=$((col + 1))
done
# The attack has an effect on the AUROC at the largest radius.
awk -v e="$(auroc --score 8 "$T/a.csv")" -v a="$clean" 'BEGIN { exit !(e < a) }' ||
	fail "radius 1 left the AUROC unchanged"

# Radius 0 is the clean score; one radius gives one column named COLUMN_pgd.
expect 0 '' -- "$S" -m "$T/m" --attack pgd --radius 0 --label label --only "$DATA/disk.csv"
head -1 "$T/out" | grep -qx 'sdf,sdf_pgd' || fail "single radius header: $(head -1 "$T/out")"
awk -F, 'NR > 1 && $1 != $2 { bad = 1 } END { exit bad }' "$T/out" || fail "radius 0 changed scores"
expect 0 '' -- "$S" -m "$T/m" --attack pgd --radius 0.1 --label label --score score --only "$DATA/disk.csv"
head -1 "$T/out" | grep -qx 'score,score_pgd' || fail "--score header: $(head -1 "$T/out")"
cp "$T/out" "$T/named"
# --column, the old name of --score, still works for one version.
"$S" -m "$T/m" --attack pgd --radius 0.1 --label label --column score --only "$DATA/disk.csv" |
	cmp -s - "$T/named" || fail "--column and --score differ"
expect 0 '' -- "$S" -m "$T/m" --attack pgd --radius 0.1,0.125 --attack-column adv --label 3 --only "$DATA/disk.csv"
head -1 "$T/out" | grep -qx 'sdf,adv_0.1,adv_0.125' || fail "--attack-column header: $(head -1 "$T/out")"

# Reproducible by seed; steps and restarts change the result; stdin works.
"$S" -m "$T/m" --attack pgd --radius 0.2 --label label --seed 5 --only "$DATA/disk.csv" >"$T/s5" || fail "seed 5"
"$S" -m "$T/m" --attack pgd --radius 0.2 --label label --seed 5 --only <"$DATA/disk.csv" >"$T/s5b" || fail "stdin"
cmp -s "$T/s5" "$T/s5b" || fail "same seed, different output"
"$S" -m "$T/m" --attack pgd --radius 0.2 --label label --seed 6 --only "$DATA/disk.csv" >"$T/s6" || fail "seed 6"
cmp -s "$T/s5" "$T/s6" && fail "different seeds, same output"
"$S" -m "$T/m" --attack pgd --radius 0.2 --label label --seed 5 --attack-steps 3 --restarts 1 --only \
	"$DATA/disk.csv" >"$T/s5c" || fail "steps"
cmp -s "$T/s5" "$T/s5c" && fail "--attack-steps and --restarts changed nothing"

# Other label values.
sed '1! { s/,1$/,yes/; s/,0$/,no/; }' "$DATA/disk.csv" >"$T/text.csv"
expect 0 '' -- "$S" -m "$T/m" --attack pgd --radius 0.2 --label label --anomaly yes --normal no --seed 5 --only "$T/text.csv"
cmp -s "$T/out" "$T/s5" || fail "text labels give other results"

# Bad labels: 65 with file and line, and no output file.
printf 'x,y,label\n0,0,0\n1,1,1\n0.5,0.5,2\n' >"$T/badlabel.csv"
expect 65 "badlabel.csv:4: label '2' in column 'label' is neither the anomaly value '1' nor the normal value '0'" -- \
	"$S" -m "$T/m" --attack pgd --radius 0.1 --label label -o "$T/bl.out" "$T/badlabel.csv"
[ -e "$T/bl.out" ] && fail "output left after a bad label"
printf 'x,y,label\n0,0,0\n1,1, \n' >"$T/emptylabel.csv"
expect 65 'emptylabel.csv:3: empty label' -- "$S" -m "$T/m" --attack pgd --radius 0.1 --label label "$T/emptylabel.csv"
# Without --attack the label column is not read.
expect 0 '' -- "$S" -m "$T/m" "$T/badlabel.csv"

# Usage errors.
A="-m $T/m --attack pgd"
expect 64 'needs radii' -- "$S" $A --label label "$DATA/disk.csv"
expect 64 'label column' -- "$S" $A --radius 0.1 "$DATA/disk.csv"
expect 64 'needs --attack' -- "$S" -m "$T/m" --radius 0.1 "$DATA/disk.csv"
expect 64 'needs --attack' -- "$S" -m "$T/m" --label label "$DATA/disk.csv"
expect 64 'needs --attack' -- "$S" -m "$T/m" --seed 3 "$DATA/disk.csv"
expect 64 "invalid value 'fgsm' for --attack" -- "$S" -m "$T/m" --attack fgsm --radius 0.1 --label label "$DATA/disk.csv"
for r in -0.1 abc 0,,1 nan 1e101 ''; do
	expect 64 "for --radius" -- "$S" $A --label label --radius "$r" "$DATA/disk.csv"
done
expect 64 'listed twice' -- "$S" $A --label label --radius 0.1,0.2,0.10 "$DATA/disk.csv"
expect 64 'attack-steps' -- "$S" $A --label label --radius 0.1 --attack-steps 0 "$DATA/disk.csv"
expect 64 'restarts' -- "$S" $A --label label --radius 0.1 --restarts 0 "$DATA/disk.csv"
expect 64 'seed' -- "$S" $A --label label --radius 0.1 --seed -1 "$DATA/disk.csv"
expect 65 'no column named "nosuch"' -- "$S" $A --label nosuch --radius 0.1 "$DATA/disk.csv"
expect 64 'feature column' -- "$S" $A --label x --radius 0.1 "$DATA/disk.csv"
expect 64 'different' -- "$S" $A --label label --radius 0.1 --anomaly 1 --normal 1.0 "$DATA/disk.csv"
expect 64 'different' -- "$S" $A --label label --radius 0.1 --anomaly '' "$DATA/disk.csv"
expect 64 'non-empty' -- "$S" $A --label label --radius 0.1 --attack-column '' "$DATA/disk.csv"
awk 'NR == 1 { print $0 ",sdf_pgd"; next } { print $0 ",0" }' "$DATA/disk.csv" >"$T/taken.csv"
expect 64 "'sdf_pgd' exists already" -- "$S" $A --label label --radius 0.1 "$T/taken.csv"
expect 64 "two output columns would be named 'sdf'" -- "$S" $A --label label --radius 0.1 --attack-column sdf "$DATA/disk.csv"
# With --only the input's names do not matter.
expect 0 '' -- "$S" $A --label label --radius 0.1 --only "$T/taken.csv"

# Every option of --help (examples aside) is in the man page's OPTIONS,
# and the other way round.
man="$(dirname "$0")/../../man/ocsdf-score.1"
"$S" --help | sed '/^Examples:/,$d' | grep -o -- '--[a-z][a-z-]*' | sort -u >"$T/help-opts"
sed -n '/^\.SH OPTIONS/,/^\.SH EXIT STATUS/p' "$man" | grep -o -- '\\-\\-[a-z]\([a-z-]\|\\-\)*' |
	sed 's/\\//g' | sort -u >"$T/man-opts"
cmp -s "$T/help-opts" "$T/man-opts" || { diff "$T/help-opts" "$T/man-opts"; fail "man page and --help list different options"; }
exit 0
