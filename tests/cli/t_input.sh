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
printf 'x,y,label\n1;2,0,0\n' >"$T/mixed.csv"
expect 65 "mixed.csv:2: column \"x\" \(1\).*give --delimiter ';'" -- "$S" -m "$T/m" "$T/mixed.csv"
expect 64 "invalid value 'ab' for --delimiter" -- "$S" -m "$T/m" --delimiter ab "$T/c.csv"

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
