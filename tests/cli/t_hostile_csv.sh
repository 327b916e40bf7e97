# Hostile CSV input: every program reads it or refuses it with exit 65 (bad
# data), 64 (bad column choice) or 74 (read error), a message naming
# FILE:LINE, and never a crash, a hang or a NaN score.  Cases already in
# t_train_score.sh and t_certify.sh are not repeated here.
. "$(dirname "$0")/lib.sh"
set -u
tiny="--width 16 --depth 1 --epochs 1 --batch 32 -q"
S="$BIN/ocsdf-score"
TR="$BIN/ocsdf-train"
C="$BIN/ocsdf-certify"
"$TR" $tiny --label label -o "$T/m" "$DATA/disk.csv" || fail "tiny training failed"
# Memory is measured only on plain builds: AddressSanitizer and valgrind
# (whose wrapper scripts name it) need far more.
plain=1
grep -q -e __asan_init -e valgrind "$S" && plain=0

# finite FILE: every score column of FILE (from line 2) is a finite number.
finite() {
	awk -F, 'NR > 1 && !($NF + 0 == $NF + 0 && $NF != "nan" && $NF != "-nan" && $NF !~ /inf/) { bad = $0 }
		END { if (bad != "" || NR < 2) { print "not finite: " bad; exit 1 } }' "$1" || fail "non-finite score in $1"
}

# Empty input, blank lines only, a byte order mark alone: no header.
: >"$T/empty.csv"
expect 65 'empty.csv: empty input: expected a header line' -- "$S" -m "$T/m" "$T/empty.csv"
expect 65 'empty input' -- "$TR" -q -o "$T/x.model" "$T/empty.csv"
printf '\n  \n\t\n' >"$T/blank.csv"
expect 65 'blank.csv: empty input' -- "$C" "$T/blank.csv"
printf '\357\273\277' >"$T/bom-only.csv"
expect 65 'empty input' -- "$S" -m "$T/m" "$T/bom-only.csv"
[ -e "$T/x.model" ] && fail "model written from an empty file"

# Header only: no rows for ocsdf-sample --from and for ocsdf-train from gzip.
printf 'x,y\n' >"$T/header.csv"
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/header.csv"
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "header-only --from gave rows: $(cat "$T/out")"
gzip -c "$T/header.csv" >"$T/header.csv.gz"
expect 65 'no rows to train on' -- "$TR" -q -o "$T/x.model" "$T/header.csv.gz"

# A byte order mark and CRLF line ends: same names, same scores, LF out.
"$S" -m "$T/m" --only "$DATA/disk.csv" >"$T/plain.out" || fail "score failed"
{ printf '\357\273\277'; sed 's/$/\r/' "$DATA/disk.csv"; } >"$T/bom-crlf.csv"
expect 0 '' -- "$S" -m "$T/m" --only "$T/bom-crlf.csv"
cmp -s "$T/out" "$T/plain.out" || fail "BOM + CRLF changed the scores"
expect 0 '' -- "$S" -m "$T/m" "$T/bom-crlf.csv"
head -1 "$T/out" | od -c | grep -q '\\r' && fail "CR passed into the header line"
head -1 "$T/out" | grep -qx 'x,y,label,sdf' || fail "BOM kept in the header: $(head -1 "$T/out")"
expect 0 '' -- "$TR" $tiny --label label -o "$T/bom.model" "$T/bom-crlf.csv"
expect 0 '' -- "$S" -m "$T/bom.model" --only "$DATA/disk.csv"
# Old Mac line ends (CR alone) are refused, not taken as one huge record.
printf 'x,y\r1,2\r3,4\r' >"$T/cr.csv"
expect 65 'cr.csv:1: carriage return at byte 4' -- "$S" -m "$T/m" "$T/cr.csv"

# Ragged rows, both ways.
printf 'x,y\n1,2\n3\n' >"$T/short.csv"
expect 65 'short.csv:3: 1 field, expected 2' -- "$TR" -q -o "$T/x.model" "$T/short.csv"
printf 'x,y\n1,2\n3,4,5\n' >"$T/long.csv"
expect 65 'long.csv:3: more than 2 fields' -- "$S" -m "$T/m" "$T/long.csv"

# Quoted numbers are numbers; a quoted decimal comma is not.
printf 'x,y\n"0.5"," -0.25 "\n' >"$T/quoted.csv"
printf 'x,y\n0.5,-0.25\n' >"$T/unquoted.csv"
"$S" -m "$T/m" --only "$T/unquoted.csv" >"$T/unquoted.out" || fail "score failed"
expect 0 '' -- "$S" -m "$T/m" --only "$T/quoted.csv"
cmp -s "$T/out" "$T/unquoted.out" || fail "quoted numbers scored differently"
printf 'x,y\n"0,5",1\n' >"$T/comma.csv"
expect 65 'comma.csv:2: column "x" \(1\): expected a number, got "0,5"' -- "$S" -m "$T/m" "$T/comma.csv"

# Text, empty fields, NaN, infinities, overflow, hex, NUL in numeric columns.
printf 'x,y\n1,2\n3,abc\n' >"$T/text.csv"
expect 65 'text.csv:3: column "y" \(2\): expected a number, got "abc"' -- "$TR" -q -o "$T/x.model" "$T/text.csv"
printf 'x,y\n1,\n' >"$T/emptyfield.csv"
expect 65 'emptyfield.csv:2: .*empty field where a number is expected' -- "$S" -m "$T/m" "$T/emptyfield.csv"
for v in nan NaN -nan inf -Infinity; do
	printf 'x,y\n1,2\n%s,0\n' "$v" >"$T/nonfinite.csv"
	expect 65 "nonfinite.csv:3: column \"x\" \\(1\\): expected a finite number, got \"$v\"" -- \
		"$S" -m "$T/m" "$T/nonfinite.csv"
done
printf 'x,y\n1e999,0\n' >"$T/overflow.csv"
expect 65 'overflow.csv:2: .*out of range \(overflows a double\): "1e999"' -- "$TR" -q -o "$T/x.model" "$T/overflow.csv"
printf 'x,y\n0x10,0\n' >"$T/hex.csv"
expect 65 'expected a number, got "0x10"' -- "$S" -m "$T/m" "$T/hex.csv"
printf 'x,y\n1,2\0\n' >"$T/nul.csv"
expect 65 'nul.csv:2: .*got "2\\x00"' -- "$S" -m "$T/m" "$T/nul.csv"
# NUL in a header name or a text field: refused too, not cut short ("x\0z"
# would match feature "x", label "0\0x" would be 0).
printf 'x\0z,y\n1,2\n' >"$T/nulname.csv"
expect 65 'nulname.csv:1: column 1 of the header: a name cannot hold a NUL byte, got "x\\x00z"' -- "$S" -m "$T/m" "$T/nulname.csv"
expect 65 'nulname.csv:1: column 1 of the header' -- "$TR" -q -o "$T/x.model" "$T/nulname.csv"
printf 'sdf,label\n1,0\0x\n2,1\n' >"$T/nullabel.csv"
expect 65 'nullabel.csv:2: column "label" \(2\): a text field cannot hold a NUL byte' -- "$C" "$T/nullabel.csv"
[ -e "$T/x.model" ] && fail "model written from bad data"

# A 10 MB field, quoted or not, even in a column no program reads.
{ printf 'x,y,note\n1,2,"'; head -c 10485760 /dev/zero | tr '\0' 'a'; printf '"\n'; } >"$T/bigfield.csv"
expect 65 'bigfield.csv:2: field longer than 1048576 bytes' -- "$S" -m "$T/m" "$T/bigfield.csv"
{ printf 'x,y\n1,'; head -c 10485760 /dev/zero | tr '\0' '7'; printf '\n'; } >"$T/bignum.csv"
expect 65 'bignum.csv:2: field longer than' -- "$TR" -q -o "$T/x.model" "$T/bignum.csv"

# 100,000 columns: scored and passed through; too many to train on.
awk 'BEGIN { n = 100000
	printf "x,y"; for (i = 3; i <= n; i++) printf ",c%d", i; print ""
	for (r = 0; r < 3; r++) { printf "%d,0.5", r; for (i = 3; i <= n; i++) printf ",%d", i % 10; print "" } }' >"$T/wide.csv"
expect 0 '' -- "$S" -m "$T/m" -o "$T/wide.out" "$T/wide.csv"
awk -F, 'NF != 100001 { bad = 1 } END { exit bad || NR != 4 }' "$T/wide.out" || fail "wide rows not passed through"
expect 64 'too many features' -- "$TR" $tiny -o "$T/x.model" "$T/wide.csv"
# Reading a few wide rows takes memory for those rows, not for 4096 of them.
if [ $plain -eq 1 ]; then
	expect 64 'too many features' -- sh -c "ulimit -v 1000000; exec '$TR' $tiny -o '$T/x.model' '$T/wide.csv'"
fi

# A binary file as data: refused, with its bytes escaped in messages.
{ printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000>\000\001\000\000\000'
  head -c 3000 /dev/zero | tr '\0' '\201'; printf '\n"x\001\r\n'; head -c 3000 /dev/zero | tr '\0' '\377'; } >"$T/elf.bin"
expect 65 'elf.bin:1: column 1 of the header: a name cannot hold a NUL byte, got "\\x7fELF\\x02\\x01\\x01\\x00' -- "$S" -m "$T/m" "$T/elf.bin"
LC_ALL=C grep -q '[[:cntrl:]]' "$T/err" && fail "control bytes in a message: $(od -c "$T/err" | head -3)"
# Without its NUL bytes, the header is read and the names escaped.
tr -d '\000' <"$T/elf.bin" >"$T/elf2.bin"
expect 65 'elf2.bin: no column named "x" \(a feature of model .*\); columns are: "\\x7fELF' -- "$S" -m "$T/m" "$T/elf2.bin"
expect 65 'elf2.bin:2: quoted field not closed at the end of the input' -- "$TR" -q -o "$T/x.model" "$T/elf2.bin"
expect 65 'elf2.bin: no column named "sdf"; columns are: "\\x7fELF\\x02' -- "$C" "$T/elf2.bin"
LC_ALL=C grep -q '[[:cntrl:]]' "$T/err" && fail "control bytes in a message: $(od -c "$T/err" | head -3)"

# gzip: truncated, corrupt, with trailing garbage.
gzip -c "$DATA/disk.csv" >"$T/disk.csv.gz"
head -c 3000 "$T/disk.csv.gz" >"$T/cut.csv.gz"
expect 74 'cut.csv.gz: truncated gzip data' -- "$S" -m "$T/m" -o "$T/cut.out" "$T/cut.csv.gz"
[ -e "$T/cut.out" ] && fail "partial output from a truncated gzip file"
expect 74 'cut.csv.gz: truncated gzip data' -- "$TR" -q -o "$T/x.model" "$T/cut.csv.gz"
cp "$T/disk.csv.gz" "$T/corrupt.csv.gz"
printf '\377\377\377\377' | dd of="$T/corrupt.csv.gz" bs=1 seek=100 conv=notrunc 2>/dev/null
expect 74 'corrupt.csv.gz: corrupt gzip data' -- "$C" "$T/corrupt.csv.gz"
# A bad CRC (the first byte of the 8-byte trailer) is found after the last
# line; with no complete line, the message gives the byte offset.
n=$(wc -l <"$DATA/disk.csv")
cp "$T/disk.csv.gz" "$T/crc.csv.gz"
printf '\377' | dd of="$T/crc.csv.gz" bs=1 seek=$(($(wc -c <"$T/disk.csv.gz") - 8)) conv=notrunc 2>/dev/null
expect 74 "crc.csv.gz: corrupt gzip data after line $n \\(byte [0-9]+ of the compressed input\\): incorrect data check" -- "$S" -m "$T/m" "$T/crc.csv.gz"
printf 'x,y' | gzip >"$T/crc1.csv.gz"
size=$(wc -c <"$T/crc1.csv.gz")
printf '\377' | dd of="$T/crc1.csv.gz" bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null
expect 74 "crc1.csv.gz: corrupt gzip data at byte $((size - 4)) of the compressed input" -- "$C" "$T/crc1.csv.gz"
{ cat "$T/disk.csv.gz"; printf 'junk'; } >"$T/trailing.csv.gz"
expect 74 'corrupt gzip data' -- "$S" -m "$T/m" "$T/trailing.csv.gz"

# gzip bombs.  A 400 KB member that inflates to 100 MB of NUL bytes, 40
# times over (4 GB, no line end): refused at the record limit in bounded
# memory.  2.5 million rows in a 10 KB file: streamed in bounded memory.
head -c 100000000 /dev/zero | gzip -1 >"$T/zeros.gz"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$T/zeros.gz" "$T/zeros.gz" "$T/zeros.gz" "$T/zeros.gz"; done >"$T/bomb.gz"
expect 65 'bomb.gz:1: line longer than 67108864 bytes' -- /usr/bin/time -f 'maxrss %M' -o "$T/rss" "$S" -m "$T/m" "$T/bomb.gz"
[ $plain -eq 0 ] || awk '$1 == "maxrss" && $2 > 300000 { print "score used " $2 " KB on a gzip bomb"; exit 1 }' "$T/rss" ||
	fail "bomb: unbounded memory"
{ printf 'x,y\n' | gzip; awk 'BEGIN { for (i = 0; i < 2500000; i++) print "0.5,0" }' | gzip -9; } >"$T/rows.gz"
[ "$(wc -c <"$T/rows.gz")" -lt 100000 ] || fail "row bomb not small"
expect 0 '' -- /usr/bin/time -f 'maxrss %M' -o "$T/rss" "$S" -m "$T/m" --only -o "$T/rows.out" "$T/rows.gz"
[ "$(wc -l <"$T/rows.out")" -eq 2500001 ] || fail "row bomb not scored in full"
[ $plain -eq 0 ] || awk '$1 == "maxrss" && $2 > 100000 { print "score used " $2 " KB streaming rows"; exit 1 }' "$T/rss" ||
	fail "rows: unbounded memory"
rm -f "$T/zeros.gz" "$T/bomb.gz" "$T/rows.out"
# Training must hold its rows: under a memory limit it stops cleanly.
if [ $plain -eq 1 ]; then
	awk 'BEGIN { s = "c1"; for (i = 2; i <= 1000; i++) s = s ",c" i; print s }' | gzip >"$T/wide.gz"
	awk 'BEGIN { s = "0"; for (i = 2; i <= 1000; i++) s = s ",0"; for (r = 0; r < 5000; r++) print s }' | gzip -9 >"$T/wrows.gz"
	for i in 1 2 3 4 5 6 7 8 9 10; do cat "$T/wrows.gz" "$T/wrows.gz" "$T/wrows.gz" "$T/wrows.gz" "$T/wrows.gz"; done >>"$T/wide.gz"
	expect 70 'out of memory' -- sh -c "ulimit -v 400000; exec '$TR' $tiny -o '$T/x.model' '$T/wide.gz'"
	[ -e "$T/x.model" ] && fail "model written after running out of memory"
	rm -f "$T/wide.gz" "$T/wrows.gz"
fi

# Feature names: a model's features must be there by name; names are
# trimmed, so blanks around them do not matter; case does.
printf 'X,Y\n1,2\n' >"$T/upper.csv"
expect 65 'upper.csv: no column named "x" \(a feature of model .*\); columns are: "X", "Y"' -- "$S" -m "$T/m" "$T/upper.csv"
expect 65 'no column named "x" \(a feature of the model\); columns are: "X", "Y"' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/upper.csv"
expect 65 'no column named "x" \(a feature of the model\)' -- "$BIN/ocsdf-mesh" -m "$T/m" --points "$T/upper.csv" -o "$T/x.svg"
# Two columns of a feature's name: ambiguous, refused rather than guessed.
printf 'x,y,x\n1,2,3\n' >"$T/twice.csv"
expect 65 'twice.csv: 2 columns are named "x" \(a feature of model .*\): which one is meant is ambiguous' -- "$S" -m "$T/m" "$T/twice.csv"
expect 65 '2 columns are named "x"' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/twice.csv"
printf ' x , y \n1,2\n' >"$T/blanks.csv"
printf 'x,y\n1,2\n' >"$T/noblanks.csv"
"$S" -m "$T/m" --only "$T/noblanks.csv" >"$T/noblanks.out" || fail "score failed"
expect 0 '' -- "$S" -m "$T/m" --only "$T/blanks.csv"
cmp -s "$T/out" "$T/noblanks.out" || fail "blanks around names changed the scores"
# Duplicate feature names cannot make a model.
printf 'x,x\n1,2\n3,4\n' >"$T/dupnames.csv"
expect 65 'same name "x"' -- "$TR" $tiny -o "$T/x.model" "$T/dupnames.csv"

# A label column that is missing, or not 0/1.
expect 65 'no column named "nosuch"' -- "$BIN/ocsdf-mesh" -m "$T/m" --points "$DATA/disk.csv" --label nosuch -o "$T/x.svg"
expect 65 'no column named "label"' -- "$TR" $tiny --label label -o "$T/x.model" "$T/noblanks.csv"
"$S" -m "$T/m" "$DATA/disk.csv" | sed '5s/,0,\([^,]*\)$/,0.5,\1/' >"$T/half.csv"
expect 65 "half.csv:5: label '0.5' in column 'label' is neither" -- "$C" "$T/half.csv"
"$S" -m "$T/m" "$DATA/disk.csv" | sed '7s/,0,\([^,]*\)$/,nan,\1/' >"$T/nanlabel.csv"
expect 65 "nanlabel.csv:7: label 'nan'" -- "$C" "$T/nanlabel.csv"

# Degenerate training sets: one feature, one row, identical rows, a
# constant column, duplicated rows.  All train and score finitely.
awk 'BEGIN { print "v"; for (i = 0; i < 60; i++) print i / 10 }' >"$T/d1.csv"
expect 0 '' -- "$TR" $tiny -o "$T/d1.model" "$T/d1.csv"
expect 0 '' -- "$S" -m "$T/d1.model" -o "$T/d1.out" "$T/d1.csv"
finite "$T/d1.out"
"$S" -m "$T/d1.model" "$T/d1.csv" | "$C" --format csv >"$T/d1.cert" 2>&1 && fail "certify without labels should fail"
printf 'x,y\n0.25,-3\n' >"$T/one.csv"
expect 0 '2 constant feature' -- "$TR" --width 16 --depth 1 --epochs 1 -o "$T/one.model" "$T/one.csv"
expect 0 '' -- "$S" -m "$T/one.model" -o "$T/one.out" "$DATA/disk.csv"
finite "$T/one.out"
awk 'BEGIN { print "x,y"; for (i = 0; i < 200; i++) print "3,4" }' >"$T/same.csv"
expect 0 '2 constant feature\(s\): scaled by 1' -- "$TR" --width 16 --depth 1 --epochs 1 -o "$T/same.model" "$T/same.csv"
expect 0 '' -- "$S" -m "$T/same.model" -o "$T/same.out" "$T/same.csv"
finite "$T/same.out"
# Constant features standardize to 0: every training row gets one score.
[ "$(tail -n +2 "$T/same.out" | cut -d, -f3 | sort -u | wc -l)" -eq 1 ] || fail "identical rows, different scores"
awk 'BEGIN { print "x,c,y"; for (i = 0; i < 300; i++) printf "%g,1600000000000000000,%g\n", i / 50, (i * 7) % 11 }' >"$T/const.csv"
expect 0 '1 constant feature' -- "$TR" --width 16 --depth 1 --epochs 2 -o "$T/const.model" "$T/const.csv"
expect 0 '' -- "$S" -m "$T/const.model" -o "$T/const.out" "$T/const.csv"
finite "$T/const.out"
for i in 1 2 3 4; do tail -n +2 "$DATA/disk.csv"; done | { head -1 "$DATA/disk.csv"; cat; } >"$T/dup.csv"
expect 0 '' -- "$TR" $tiny --label label -o "$T/dup.model" "$T/dup.csv"
expect 0 '' -- "$S" -m "$T/dup.model" -o "$T/dup.out" "$DATA/disk.csv"
finite "$T/dup.out"

# Huge and tiny magnitudes: 1e30, 1e300, the largest doubles, 1e-200.
# Standardization fitted on them keeps them in range.  A value that
# standardizes beyond 1e30 with the model's mean and std (or with 0 and 1
# under --scale none) is bad data, in every program that reads rows, with
# file, line and column: no clamped score, no NaN row, no NaN model.
awk 'BEGIN { print "x,y"; for (i = 0; i < 100; i++) printf "%g,%g\n", i * 1e30, (i % 7) * -1e30 }' >"$T/e30.csv"
expect 0 '' -- "$TR" $tiny -o "$T/e30.model" "$T/e30.csv"
expect 0 '' -- "$S" -m "$T/e30.model" -o "$T/e30.out" "$T/e30.csv"
finite "$T/e30.out"
range='column "x" \(1\): "1e\+30" is out of range: it standardizes to [0-9.]+e\+30, beyond the 1e\+30 in magnitude'
expect 65 "e30.csv:3: $range" -- "$S" -m "$T/m" -o "$T/e30m.out" "$T/e30.csv"
[ -e "$T/e30m.out" ] && fail "output written for out-of-range rows"
expect 65 "e30.csv:3: $range" -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/e30.csv"
expect 65 "e30.csv:3: $range" -- "$BIN/ocsdf-mesh" -m "$T/m" --points "$T/e30.csv" -o "$T/x.svg"
# Beyond float32 (1e39): the same (t_sample.sh for ocsdf-sample --from).
printf 'x,y\n0,0\n0.5,0\n1e39,0\n' >"$T/e39.csv"
expect 65 'e39.csv:4: column "x" \(1\): "1e39" is out of range' -- "$S" -m "$T/m" --only "$T/e39.csv"
awk 'BEGIN { print "x,y"; for (i = 0; i < 100; i++) printf "%d,%s\n", i, i % 2 ? "1.7e308" : "-1.7e308" }' >"$T/max.csv"
expect 0 '' -- "$TR" $tiny -o "$T/max.model" "$T/max.csv"
expect 0 '' -- "$S" -m "$T/max.model" -o "$T/max.out" "$T/max.csv"
finite "$T/max.out"
expect 65 'max.csv:2: column "y" \(2\): "-1.7e308" is out of range' -- "$TR" $tiny --scale none -o "$T/x.model" "$T/max.csv"
[ -e "$T/x.model" ] && fail "model written from out-of-range rows"
expect 65 'training diverged' -- "$TR" $tiny --lr 10 --lambda 1e-9 -o "$T/x.model" "$T/e30.csv"
[ -e "$T/x.model" ] && fail "model written by a diverged run"
awk 'BEGIN { print "x,y"; for (i = 0; i < 100; i++) printf "%de-200,%de-201\n", i, (i * 3) % 17 }' >"$T/tiny.csv"
expect 0 '' -- "$TR" --width 16 --depth 1 --epochs 1 -o "$T/tiny.model" "$T/tiny.csv"
grep -q constant "$T/err" && fail "values near 1e-200 taken for constant: $(cat "$T/err")"
expect 0 '' -- "$S" -m "$T/tiny.model" -o "$T/tiny.out" "$T/tiny.csv"
finite "$T/tiny.out"
exit 0
