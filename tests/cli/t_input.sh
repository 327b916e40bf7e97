# Inputs that are not what they seem, and inputs without a header: other
# compressions named, other delimiters read or hinted at, a header of
# numbers refused, headerless rows read by position.
. "$(dirname "$0")/lib.sh"
set -u
train=$(unwrapped ocsdf-train) || exit 1
"$train" --width 16 --depth 2 --epochs 1 --warmup 1 -q --label label -o "$T/m" "$DATA/circles.csv" ||
	fail "training failed"
S="$BIN/ocsdf-score"
head -41 "$DATA/circles.csv" >"$T/c.csv"
"$S" -m "$T/m" "$T/c.csv" >"$T/ref" || fail "scoring failed"

# Each compressed format is named, with the command that reads it.
bzip2 -c "$T/c.csv" >"$T/c.bz2"
xz -c "$T/c.csv" >"$T/c.xz"
zstd -q -c "$T/c.csv" >"$T/c.zst"
(cd "$T" && zip -q c.zip c.csv)
for f in bz2:bzip2 xz:xz zst:zstd zip:zip; do
	expect 65 "c\.${f%%:*}: this is a ${f#*:}-compressed file.*decompress it first" -- "$S" -m "$T/m" "$T/c.${f%%:*}"
done

# Other delimiters: read with --delimiter, hinted at without it.
tr , ';' <"$T/c.csv" >"$T/semi.csv"
tr , '\t' <"$T/c.csv" >"$T/tab.csv"
expect 65 "give --delimiter ';'" -- "$S" -m "$T/m" "$T/semi.csv"
expect 65 "give --delimiter tab" -- "$S" -m "$T/m" "$T/tab.csv"
"$S" -m "$T/m" --delimiter ';' "$T/semi.csv" | tr ';' , | cmp - "$T/ref" || fail "--delimiter ';' gave other scores"
"$S" -m "$T/m" --delimiter tab "$T/tab.csv" | tr '\t' , | cmp - "$T/ref" || fail "--delimiter tab gave other scores"
# A score name that holds the delimiter is quoted in the header, so that it
# stays one column.
"$S" -m "$T/m" --delimiter ';' --score 'f;1' "$T/semi.csv" >"$T/semi-named" || fail "--score 'f;1' failed"
head -1 "$T/semi-named" | grep -q ';"f;1"$' || fail "score name not quoted: $(head -1 "$T/semi-named")"
# The columns of --decide take the delimiter of the input too.
"$S" -m "$T/m" --decide "$T/c.csv" >"$T/ref-decide" || fail "--decide failed"
"$S" -m "$T/m" --decide --delimiter tab "$T/tab.csv" >"$T/tab-decide" || fail "--decide with tabs failed"
grep -q , "$T/tab-decide" && fail "--decide wrote commas in a tab-separated output"
tr '\t' , <"$T/tab-decide" | cmp - "$T/ref-decide" || fail "--decide --delimiter tab gave other fields"
printf 'x,y,label\n1;2,0,0\n' >"$T/mixed.csv"
expect 65 "mixed.csv:2: column \"x\" \(1\).*give --delimiter ';'" -- "$S" -m "$T/m" "$T/mixed.csv"
expect 64 "invalid value 'ab' for --delimiter" -- "$S" -m "$T/m" --delimiter ab "$T/c.csv"
# A character of a number cannot separate numbers.
for c in 1 . - e; do
	expect 64 "invalid value '$c' for --delimiter.*character of a number" -- "$S" -m "$T/m" --delimiter "$c" "$T/c.csv"
done

# A header of numbers is the first row of a headerless file.
tail -n +2 "$T/c.csv" >"$T/rows.csv"
expect 65 'rows.csv:1: the header holds only numbers.*--no-header' -- "$S" -m "$T/m" "$T/rows.csv"

# --no-header: the model's features first, in its order; no header out.
expect 0 '' -- "$S" -m "$T/m" --no-header "$T/rows.csv"
tail -n +2 "$T/ref" | cmp - "$T/out" || fail "--no-header gave other rows or scores"
# --columns names them, in any order.
awk -F, 'BEGIN { OFS = "," } { print $3, $2, $1 }' "$T/rows.csv" >"$T/swapped.csv"
"$S" -m "$T/m" --no-header --columns label,y,x --only "$T/swapped.csv" >"$T/a" || fail "--columns failed"
"$S" -m "$T/m" --no-header --only "$T/rows.csv" | cmp - "$T/a" || fail "--columns did not find the features"
expect 64 '--columns .* needs --no-header' -- "$S" -m "$T/m" --columns x,y "$T/c.csv"
# A line of another width is an error naming it; too few columns too.
printf '1,2,0\n3,4\n' >"$T/short.csv"
expect 65 'short.csv:2: 2 fields, expected 3 \(as in the first row\)' -- "$S" -m "$T/m" --no-header "$T/short.csv"
printf '1\n2\n' >"$T/one.csv"
expect 65 'one.csv:1: 1 field, but model .* has 2 features' -- "$S" -m "$T/m" --no-header "$T/one.csv"

# --header-optional: the header when the first line has the model's names,
# a row when it does not.
expect 0 '' -- "$S" -m "$T/m" --header-optional "$T/c.csv"
cmp "$T/out" "$T/ref" || fail "--header-optional on a file with its header"
expect 0 '' -- "$S" -m "$T/m" --header-optional "$T/rows.csv"
tail -n +2 "$T/ref" | cmp - "$T/out" || fail "--header-optional on rows without the header"

# ocsdf-train reads the same inputs.
tiny="--width 16 --depth 2 --epochs 1 --warmup 1 -q"
expect 65 'rows.csv:1: the header holds only numbers.*--no-header' -- "$train" $tiny -o "$T/n" "$T/rows.csv"
expect 0 '' -- "$train" $tiny --no-header --label 3 -o "$T/n" "$T/rows.csv"
printf 'x1,x2\n0.5,0.5\n' | "$S" -m "$T/n" --only >"$T/a" || fail "a model of headerless rows lacks the names x1, x2"
expect 0 '' -- "$train" $tiny --no-header --columns x,y,label --label label -o "$T/n2" "$T/rows.csv"
expect 0 '' -- "$train" $tiny --delimiter ';' --label label -o "$T/n3" "$T/semi.csv"
expect 0 '' -- "$train" $tiny --label label -o "$T/n4" "$T/c.csv"
cmp "$T/n3" "$T/n4" || fail "--delimiter ';' trained another model"

# --sample: one pass over a gzip stream, a seeded uniform sample, the
# scaling of every row; without it, an input past --max-memory is refused
# with a hint at --sample.
gzip -c "$DATA/circles.csv" | "$train" $tiny --label label --sample 300 -o "$T/s1" 2>"$T/err" - ||
	fail "--sample failed: $(cat "$T/err")"
gzip -c "$DATA/circles.csv" | "$train" --width 16 --depth 2 --epochs 1 --warmup 1 --label label --sample 300 \
	-o "$T/s2" - 2>"$T/err" || fail "--sample failed"
grep -q '2100 rows read, a uniform sample of 300 kept' "$T/err" || fail "--sample does not say what it kept: $(cat "$T/err")"
cmp "$T/s1" "$T/s2" || fail "--sample with the same seed gave another model"
# The model records both counts (ocsdf-model(5): rows at 176, rows read at 360).
[ "$(od -An -tu8 -j176 -N8 "$T/s1" | tr -d ' ')" = 300 ] || fail "the model does not record the 300 rows sampled"
[ "$(od -An -tu8 -j360 -N8 "$T/s1" | tr -d ' ')" = 2100 ] || fail "the model does not record the 2100 rows read"
"$train" $tiny --label label --sample 300 --seed 2 -o "$T/s3" "$DATA/circles.csv" || fail "--sample --seed 2 failed"
cmp -s "$T/s1" "$T/s3" && fail "--sample with another seed gave the same model"
awk 'BEGIN { srand(3); print "x,y"; for (i = 0; i < 70000; i++) printf "%.4f,%.4f\n", rand(), rand() }' >"$T/big.csv"
expect 65 'big.csv: the rows up to line [0-9]+ take more than the 1 MB of memory allowed.*--sample N' -- \
	"$train" $tiny --max-memory 1 -o "$T/b" "$T/big.csv"
expect 0 '' -- "$train" $tiny --max-memory 1 --sample 1000 -o "$T/b" "$T/big.csv"
