# ocsdf-certify: AUROC and certified AUROC on hand-checked inputs, the
# output formats and files, label handling and bad input.
. "$(dirname "$0")/lib.sh"
set -u
C="$BIN/ocsdf-certify"

# JSON field "name" at the top level (one per line in the output).
jget() {
	sed -n "s/^  \"$1\": \\(.*\\),\$/\\1/p; s/^  \"$1\": \\(.*\\)\$/\\1/p" "$2" | head -1
}

# normal {3,2,2,1}, anomalous {2,1,0}: U = 9.5 of 12 pairs (19/24); lowering
# normal and raising anomalous scores by 0.5 gives 6/12, by 1 gives 5/24.
printf 'sdf,label\n3,0\n2,0\n2,0\n1,0\n2,1\n1,1\n0,1\n' >"$T/hand.csv"

expect 0 '' -- "$C" --radius 0,0.5,1 --format json "$T/hand.csv"
cp "$T/out" "$T/hand.json"
[ "$(jget auroc "$T/hand.json")" = 0.7916666666666666 ] || fail "AUROC: $(jget auroc "$T/hand.json")"
grep -q '"radius": 0.5, "score_shift": 0.5, "auroc": 0.5,' "$T/hand.json" || fail "certified at 0.5"
grep -q '"radius": 1, "score_shift": 1, "auroc": 0.20833333333333334,' "$T/hand.json" ||
	fail "certified at 1"
[ "$(jget radius_units "$T/hand.json")" = '"score"' ] || fail "units not stated"
[ "$(jget lipschitz_source "$T/hand.json")" = '"default"' ] || fail "lipschitz source"
[ "$(jget rows "$T/hand.json")" = 7 ] && [ "$(jget anomalous "$T/hand.json")" = 3 ] || fail "counts"
# ranked from the lowest: 0 a, {1 a, 1 n}, {2 a, 2 n, 2 n}, 3 n:
# AP = (1 + 2/3 + 3/6) / 3 = 13/18
[ "$(jget average_precision "$T/hand.json")" = 0.7222222222222222 ] || fail "AP"

# The JSON parses (with --ci and a threshold, every field present).
expect 0 '' -- "$C" --radius 0,0.5 --ci delong --fpr 0.25 --format json "$T/hand.csv"
cp "$T/out" "$T/full.json"
if command -v python3 >/dev/null 2>&1; then
	python3 -m json.tool "$T/hand.json" >/dev/null || fail "JSON does not parse"
	python3 -m json.tool "$T/full.json" >/dev/null || fail "JSON with CI does not parse"
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = d["radii"]
assert d["ci"]["method"] == "delong" and d["ci"]["level"] == 0.95
assert r[0]["ci_low"] <= r[0]["auroc"] <= r[0]["ci_high"]
assert d["threshold"]["value"] == 2 and d["threshold"]["target_fpr"] == 0.25
assert (d["threshold"]["tp"], d["threshold"]["fp"], d["threshold"]["tn"], d["threshold"]["fn"]) == (2, 1, 3, 1)
assert r[1]["auroc"] <= r[0]["auroc"]' "$T/full.json" || fail "JSON fields"
else
	echo "python3 not found: JSON parse check skipped"
fi

# Table: the same numbers, and the units stated.
expect 0 '' -- "$C" --radius 0,0.5 "$T/hand.csv"
grep -q '^AUROC  *0.791667' "$T/out" || fail "table AUROC"
grep -q '^radius units  *score units (L = 1)' "$T/out" || fail "table units"

# CSV: one row per radius, 0 added in front when not listed.
expect 0 '' -- "$C" --radius 0.5,1 --format csv "$T/hand.csv"
head -1 "$T/out" | grep -qx 'radius,score_shift,lipschitz,radius_units,n_normal,n_anomalous,auroc,auroc_se,ci_low,ci_high,average_precision,radius_raw,radius_model,kept_fraction' ||
	fail "csv header: $(head -1 "$T/out")"
[ "$(wc -l <"$T/out")" -eq 4 ] || fail "csv rows"
[ "$(sed -n 2p "$T/out" | cut -d, -f1,7)" = "0,0.7916666666666666" ] || fail "csv first row"

# --higher-is-anomalous on negated scores, and a Lipschitz constant that
# doubles the shift: the same figures.
awk -F, 'NR == 1 { print; next } { print -$1 "," $2 }' "$T/hand.csv" >"$T/neg.csv"
"$C" --radius 0,0.5,1 --format csv "$T/hand.csv" | cut -d, -f7 >"$T/a" || fail "run a"
"$C" --radius 0,0.5,1 --format csv --higher-is-anomalous "$T/neg.csv" | cut -d, -f7 >"$T/b" || fail "run b"
cmp -s "$T/a" "$T/b" || fail "--higher-is-anomalous differs"
"$C" --radius 0,0.25,0.5 --lipschitz 2 --format csv "$T/hand.csv" | cut -d, -f7 >"$T/c" || fail "run c"
cmp -s "$T/a" "$T/c" || fail "--lipschitz 2 at half the radius differs"

# A larger set: row order and a strictly increasing transform change
# nothing; certified AUROC never increases with the radius.
awk 'BEGIN { srand(3); print "id,sdf,label"
	for (i = 0; i < 2000; i++) { a = rand() < 0.1; s = int((rand() + rand() - (a ? 1.3 : 0.8)) * 50) / 50
		print i "," s "," a } }' >"$T/syn.csv"
{ head -1 "$T/syn.csv"; tail -n +2 "$T/syn.csv" | sort -t, -k2,2 -r; } >"$T/sorted.csv"
# Scores written with another delimiter (ocsdf-score --delimiter) are read
# with the same option, to the same report; without it the file has one
# column, and no score column.
tr , ';' <"$T/syn.csv" >"$T/semi.csv"
"$C" --radius 0,0.1 --format csv "$T/syn.csv" >"$T/comma.out" || fail "certify of syn.csv"
"$C" --radius 0,0.1 --format csv --delimiter ';' "$T/semi.csv" | cmp -s - "$T/comma.out" ||
	fail "--delimiter ';' gives another report"
expect 65 'no column named "sdf"' -- "$C" --radius 0,0.1 "$T/semi.csv"
expect 64 'delimiter' -- "$C" --delimiter ';;' "$T/semi.csv"
awk -F, 'BEGIN { OFS = "," } NR > 1 { $2 = exp(3 * $2) + 7 } { print }' "$T/syn.csv" >"$T/exp.csv"
R=0,0.01,0.02,0.05,0.1,0.2,0.5,1,5
"$C" --radius $R --format csv "$T/syn.csv" | cut -d, -f1,7,11 >"$T/a" || fail "run syn"
"$C" --radius $R --format csv "$T/sorted.csv" | cut -d, -f1,7,11 >"$T/b" || fail "run sorted"
cmp -s "$T/a" "$T/b" || fail "row order changed the result"
"$C" --radius 0 --format csv "$T/syn.csv" | cut -d, -f7 >"$T/a"
"$C" --radius 0 --format csv "$T/exp.csv" | cut -d, -f7 >"$T/b"
cmp -s "$T/a" "$T/b" || fail "an increasing transform changed the AUROC"
"$C" --radius $R --format csv "$T/syn.csv" |
	awk -F, 'NR > 2 && $7 > prev { bad = 1 } NR > 1 { prev = $7 } END { exit bad }' ||
	fail "certified AUROC increased with the radius"
"$C" --radius 5 --format csv "$T/syn.csv" | awk -F, 'NR == 3 && $7 != 0 { exit 1 }' ||
	fail "a radius beyond the score range should give 0"

# Intervals: DeLong and a bootstrap that is reproducible by seed.
expect 0 '' -- "$C" --ci bootstrap --resamples 200 --seed 5 --format csv "$T/syn.csv"
cp "$T/out" "$T/boot1"
awk -F, 'NR == 2 && !($9 < $7 && $7 < $10) { exit 1 }' "$T/boot1" || fail "bootstrap interval"
"$C" --ci bootstrap --resamples 200 --seed 5 --format csv "$T/syn.csv" | cmp -s - "$T/boot1" ||
	fail "same seed, different interval"
"$C" --ci bootstrap --resamples 200 --seed 6 --format csv "$T/syn.csv" | cmp -s - "$T/boot1" &&
	fail "different seeds, same interval"
expect 0 '' -- "$C" --ci delong --confidence 0.9 --format csv "$T/syn.csv"
awk -F, 'NR == 2 && !($9 < $7 && $7 < $10 && $10 - $9 < 0.2) { exit 1 }' "$T/out" || fail "DeLong interval"
# --level, the old name of --confidence, still works for one version.
"$C" --ci delong --level 0.9 --format csv "$T/syn.csv" | cmp -s - "$T/out" || fail "--level and --confidence differ"
"$C" --ci delong --confidence 0.8 --format csv "$T/syn.csv" | cmp -s - "$T/out" && fail "--confidence ignored"

# Labels: other names, numeric equality, and what is not a label.
sed 's/,1$/,yes/; s/,0$/,no/; s/,label$/,class/' "$T/hand.csv" >"$T/text.csv"
expect 0 '' -- "$C" --label class --anomaly yes --normal no --format json "$T/text.csv"
[ "$(jget auroc "$T/out")" = 0.7916666666666666 ] || fail "text labels"
sed 's/,1$/,1.0/; s/,0$/, 0 /' "$T/hand.csv" >"$T/num.csv"
expect 0 '' -- "$C" --format json "$T/num.csv"
[ "$(jget auroc "$T/out")" = 0.7916666666666666 ] || fail "labels 1.0 and ' 0 '"
printf 'sdf,label\n1,0\n2,1\n3,2\n' >"$T/unknown.csv"
expect 65 "unknown.csv:4: label '2' in column 'label' is neither" -- "$C" "$T/unknown.csv"
printf 'sdf,label\n1,0\n2,\n' >"$T/emptylabel.csv"
expect 65 'emptylabel.csv:3: empty label' -- "$C" "$T/emptylabel.csv"
expect 64 'same value' -- "$C" --anomaly 1 --normal 1.0 "$T/hand.csv"

# Bad input: exit status and message.
printf 'sdf,class\n1,0\n2,1\n' >"$T/nolabel.csv"
expect 65 'no column named "label"' -- "$C" "$T/nolabel.csv"
expect 65 'no column named "score"' -- "$C" --score score "$T/hand.csv"
# The same column twice, by name or by number: the message quotes its name
# (read before the input is closed; under ASan a read after it fails).
expect 64 "name the same column 'label'" -- "$C" --score label --label label "$T/hand.csv"
expect 64 "name the same column 'sdf'" -- "$C" --score 1 --label sdf "$T/hand.csv"
# Two columns of the label's name: refused, as ocsdf-score refuses them,
# rather than the first one taken; by number the column is clear.
printf 'sdf,label,label\n3,0,1\n2,1,0\n1,1,0\n' >"$T/twolabels.csv"
expect 65 'twolabels.csv: 2 columns are named "label": which one is meant is ambiguous' -- "$C" "$T/twolabels.csv"
expect 65 '2 columns are named "label"' -- "$C" --score label --label 1 "$T/twolabels.csv"
expect 0 '' -- "$C" --label 3 --format csv "$T/twolabels.csv"
[ "$(sed -n 2p "$T/out" | cut -d, -f7)" = 0 ] || fail "label column 3: $(cat "$T/out")"
printf 'sdf,label\n1,0\n,1\n2,1\n' >"$T/noscore.csv"
expect 65 'noscore.csv:3: .*empty field where a number is expected' -- "$C" "$T/noscore.csv"
printf 'sdf,label\n1,0\nabc,1\n' >"$T/textscore.csv"
expect 65 'textscore.csv:3: .*expected a number' -- "$C" "$T/textscore.csv"
printf 'sdf,label\n1,0\n2,0\n3,0\n' >"$T/single.csv"
expect 65 'single class: all 3 rows are normal, none has the anomaly value' -- "$C" "$T/single.csv"
printf 'sdf,label\n1,1\n' >"$T/single1.csv"
expect 65 'single class: all 1 rows are anomalous' -- "$C" "$T/single1.csv"
printf 'sdf,label\n' >"$T/header.csv"
expect 65 'no data rows' -- "$C" "$T/header.csv"
expect 64 "invalid value '-0.1' for --radius" -- "$C" --radius -0.1 "$T/hand.csv"
expect 64 "invalid value '0,,1' for --radius" -- "$C" --radius 0,,1 "$T/hand.csv"
expect 64 "invalid value 'abc' for --radius" -- "$C" --radius abc "$T/hand.csv"
expect 64 "invalid value 'nan' for --radius" -- "$C" --radius nan "$T/hand.csv"
expect 64 'lipschitz' -- "$C" --lipschitz 0 "$T/hand.csv"
expect 64 'fpr' -- "$C" --fpr 1 "$T/hand.csv"
expect 64 'give one' -- "$C" --fpr 0.1 --threshold 0 "$T/hand.csv"
expect 64 'confidence' -- "$C" --confidence 1 "$T/hand.csv"
expect 64 'needs a threshold' -- "$C" --higher-is-anomalous --decisions "$T/d.csv" "$T/hand.csv"
expect 64 'format' -- "$C" --format xml "$T/hand.csv"
expect 64 'too many input files' -- "$C" "$T/hand.csv" "$T/hand.csv"
expect 66 'cannot open' -- "$C" "$T/nonexistent.csv"
: >"$T/empty.csv"
expect 65 '' -- "$C" "$T/empty.csv"
printf 'sdf,label\n1,0\n2,0\n0,1\n' >"$T/one-anomaly.csv"
expect 0 'single anomalous row' -- "$C" --format csv "$T/one-anomaly.csv"
[ "$(sed -n 2p "$T/out" | cut -d, -f7,8)" = "1," ] || fail "one anomaly: AUROC 1, no SE"
expect 0 '' -- "$C" -q "$T/one-anomaly.csv"
[ -s "$T/err" ] && fail "-q did not silence the warning"
expect 74 'write error' -- sh -c "'$C' '$T/hand.csv' >/dev/full"

# Decisions at a threshold: counts, worst case at a radius, per-row radii.
expect 0 '' -- "$C" --threshold 1.5 --radius 0.5 --decisions "$T/dec.csv" --format csv "$T/hand.csv"
[ "$(sed -n 2p "$T/out" | cut -d, -f12-18)" = "1.5,2,1,3,1,0.6666666666666666,0.25" ] ||
	fail "confusion at 1.5: $(sed -n 2p "$T/out")"
# at radius 0.5, normal 2,2 fall to 1.5 (not below), anomaly 1 rises to 1.5
[ "$(sed -n 3p "$T/out" | cut -d, -f13-16)" = "1,1,3,2" ] || fail "worst case at 0.5: $(sed -n 3p "$T/out")"
head -1 "$T/dec.csv" | grep -qx 'line,score,anomalous,flagged,correct,radius' || fail "decisions header"
[ "$(sed -n 2p "$T/dec.csv")" = "2,3,0,0,1,1.5" ] || fail "decision row: $(sed -n 2p "$T/dec.csv")"
[ "$(wc -l <"$T/dec.csv")" -eq 8 ] || fail "decision rows"
expect 0 '' -- "$C" --threshold -1.5 --higher-is-anomalous --format csv "$T/neg.csv"
[ "$(sed -n 2p "$T/out" | cut -d, -f12-16)" = "-1.5,2,1,3,1" ] || fail "threshold with --higher-is-anomalous"

# Files: ROC curves, plots (well-formed XML), no overwrite without -f.
command -v xmllint >/dev/null 2>&1 || fail "xmllint not found (Debian libxml2-utils; make deps)"
printf 'sdf,label\n1,0\n2,1\n3,0\n' >"$T/odd name & <tag>.csv"
expect 0 '' -- "$C" --radius 0,0.5 --roc "$T/roc.csv" --plot "$T/roc.svg" --plot-hist "$T/hist.svg" \
	--threshold 1.5 -o "$T/report.txt" "$T/hand.csv"
[ ! -s "$T/out" ] || fail "report on stdout despite -o"
grep -q '^AUROC' "$T/report.txt" || fail "report file"
head -1 "$T/roc.csv" | grep -qx 'radius,threshold,fpr,tpr' || fail "roc header"
[ "$(grep -c '^0,' "$T/roc.csv")" -eq 5 ] || fail "roc rows at radius 0: $(cat "$T/roc.csv")"
[ "$(grep '^0,' "$T/roc.csv" | tail -1 | cut -d, -f3,4)" = "1,1" ] || fail "roc ends at (1,1)"
[ "$(grep '^0,' "$T/roc.csv" | head -1 | cut -d, -f3,4)" = "0,0" ] || fail "roc starts at (0,0)"
xmllint --noout "$T/roc.svg" || fail "roc.svg not well-formed"
xmllint --noout "$T/hist.svg" || fail "hist.svg not well-formed"
grep -q 'certified AUROC 0.5000' "$T/roc.svg" || fail "legend lacks the certified AUROC"
expect 0 '' -- "$C" --plot "$T/odd.svg" --plot-hist "$T/odd-h.svg" --score 1 --label 2 "$T/odd name & <tag>.csv"
xmllint --noout "$T/odd.svg" "$T/odd-h.svg" || fail "escaping in the SVG"
expect 73 'exists' -- "$C" --plot "$T/roc.svg" "$T/hand.csv"
expect 73 'exists' -- "$C" -o "$T/report.txt" "$T/hand.csv"
expect 0 '' -- "$C" -f --plot "$T/roc.svg" "$T/hand.csv"
expect 73 '' -- "$C" -o "$T/hand.csv" "$T/hand.csv"
expect 64 'same file' -- "$C" --plot "$T/x.svg" --plot-hist "$T/x.svg" "$T/hand.csv"
expect 73 '' -- "$C" --roc "$T/no/such/dir/roc.csv" "$T/hand.csv"
ls "$T"/no 2>/dev/null && fail "left something behind"
[ -s "$T/hand.csv" ] || fail "input damaged"

# Standard input, gzip input, --help, --version.
"$C" --format csv <"$T/hand.csv" | cut -d, -f7 >"$T/a" || fail "stdin"
gzip -c "$T/hand.csv" >"$T/hand.csv.gz"
"$C" --format csv "$T/hand.csv.gz" | cut -d, -f7 >"$T/b" || fail "gzip"
cmp -s "$T/a" "$T/b" || fail "stdin and gzip differ"
expect 0 '' -- "$C" --help
grep -q '^Usage: ocsdf-certify' "$T/out" || fail "help"
expect 0 '' -- "$C" --version
grep -q 'ocsdf' "$T/out" || fail "version"

# Every option of --help is in the man page, and the other way round.
man="$(dirname "$0")/../../man/ocsdf-certify.1"
if [ -f "$man" ]; then
	"$C" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$T/help-opts"
	sed -n '/^\.SH OPTIONS/,/^\.SH OUTPUT/p' "$man" | grep -o -- '\\-\\-[a-z]\([a-z-]\|\\-\)*' |
		sed 's/\\//g' | sort -u >"$T/man-opts"
	cmp -s "$T/help-opts" "$T/man-opts" || { diff "$T/help-opts" "$T/man-opts"; fail "man page and --help list different options"; }
fi

# With a model: L from the model, radii in raw input units, and the same
# figures as --lipschitz with that L.
small="--width 32 --depth 2 --epochs 3 --warmup 1 --batch 64 --margin 0.1 -q"
"$BIN/ocsdf-train" $small --label label -o "$T/m" "$DATA/disk.csv" || fail "ocsdf-train failed"
{
	"$BIN/ocsdf-score" -m "$T/m" -o "$T/scored.csv" "$DATA/disk.csv" || fail "score"
	expect 0 '' -- "$C" -m "$T/m" --radius 0,0.01,0.05 --format json "$T/scored.csv"
	cp "$T/out" "$T/model.json"
	[ "$(jget lipschitz_source "$T/model.json")" = '"model"' ] || fail "lipschitz source model"
	[ "$(jget radius_units "$T/model.json")" = '"raw-input"' ] || fail "radius units raw-input"
	L=$(jget lipschitz "$T/model.json")
	"$C" -m "$T/m" --radius 0,0.01,0.05 --format csv "$T/scored.csv" | cut -d, -f7 >"$T/a"
	"$C" --lipschitz "$L" --radius 0,0.01,0.05 --format csv "$T/scored.csv" | cut -d, -f7 >"$T/b"
	cmp -s "$T/a" "$T/b" || fail "-m and --lipschitz $L differ"
	expect 0 '' -- "$C" -m "$T/m" "$T/scored.csv"
	grep -q '^radius units  *raw input units of model' "$T/out" || fail "table units with -m"
	expect 64 'give one' -- "$C" -m "$T/m" --lipschitz 2 "$T/scored.csv"
	expect 66 '' -- "$C" -m "$T/nonexistent.model" "$T/scored.csv"
	printf 'not a model\n' >"$T/bad.model"
	expect 65 '' -- "$C" -m "$T/bad.model" "$T/scored.csv"
	"$BIN/ocsdf-score" -m "$T/m" -q "$DATA/disk.csv" | "$C" --radius 0,0.1 -q >"$T/pipe.txt" ||
		fail "pipeline"
	grep -q '^AUROC' "$T/pipe.txt" || fail "pipeline output"
}
exit 0
