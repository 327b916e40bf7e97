# Hostile model files: truncated, damaged, from a future version, with
# absurd sizes, of another format, or endless; every program that reads a
# model refuses them with exit 65 (66 when the file cannot be read) and a
# message that says what is wrong, before allocating what they claim.
# Offsets are those of ocsdf-model(5).
. "$(dirname "$0")/lib.sh"
set -u
S="$BIN/ocsdf-score"
"$BIN/ocsdf-train" --width 16 --depth 1 --epochs 1 --min-steps 1 --batch 32 -q --label label -o "$T/m" "$DATA/disk.csv" ||
	fail "tiny training failed"
size=$(wc -c <"$T/m")
# A finished model holds no training state: flags 1 (finished) only, and
# the weights Θ end the file but for its CRC.
[ "$(od -An -tu4 -j36 -N4 "$T/m" | tr -d ' ')" = 1 ] || fail "finished model with training state"

# poke FILE OFFSET BYTES...: overwrite bytes (octal escapes for printf).
poke() {
	f=$1 off=$2
	shift 2
	printf "$@" | dd of="$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
}
# crc FILE: store the right CRC-32 in the last 4 bytes (gzip's trailer
# holds the CRC-32 of the data, little-endian, as the model file does).
crc() {
	head -c $(($(wc -c <"$1") - 4)) "$1" | gzip -c | tail -c 8 | head -c 4 >"$T/crc"
	head -c $(($(wc -c <"$1") - 4)) "$1" >"$T/body"
	cat "$T/body" "$T/crc" >"$1"
}
# damaged NAME: a copy of the model to damage.
damaged() {
	cp "$T/m" "$T/$1"
	echo "$T/$1"
}

# Truncated anywhere: inside the magic, the header, the weights, the CRC.
for n in 5 100 $((size / 2)) $((size - 1)); do
	head -c $n "$T/m" >"$T/cut"
	expect 65 'truncated model|ends inside' -- "$S" -m "$T/cut" "$DATA/disk.csv"
done
f=$(damaged long)
printf 'x' >>"$f"
expect 65 '1 unexpected bytes after the end of the model' -- "$S" -m "$f" "$DATA/disk.csv"

# A flipped bit anywhere in the body is caught by the CRC.
f=$(damaged flip)
poke "$f" $((size - 40)) '\100'
expect 65 'checksum mismatch.*the file is corrupt' -- "$S" -m "$f" "$DATA/disk.csv"

# A future version, a header length no version has.
f=$(damaged v2)
poke "$f" 8 '\002'
expect 65 'byte 8: model format version 2 is not supported' -- "$S" -m "$f" "$DATA/disk.csv"
f=$(damaged hlen)
poke "$f" 12 '\377\377\377\177'
expect 65 'byte 12: header length 2147483647 is invalid' -- "$S" -m "$f" "$DATA/disk.csv"

# Absurd dimensions, refused from the header alone.
f=$(damaged d)
poke "$f" 16 '\377\377\377\177'
expect 65 'byte 16: feature count 2147483647 is out of range' -- "$S" -m "$f" "$DATA/disk.csv"
f=$(damaged w)
poke "$f" 20 '\000\000\000\100'
expect 65 'byte 20: width 1073741824 is out of range' -- "$BIN/ocsdf-sample" -m "$f" -n 3
f=$(damaged depth)
poke "$f" 24 '\350\003\000\000'
expect 65 'byte 24: depth 1000 is out of range' -- "$BIN/ocsdf-mesh" -m "$f" -o "$T/x.svg"
f=$(damaged np)
poke "$f" 40 '\377\377\377\377\377\377\377\377'
expect 65 'byte 40: parameter count .* does not match' -- "$BIN/ocsdf-certify" -m "$f" "$DATA/disk.csv"
f=$(damaged names)
poke "$f" 48 '\000\000\000\000\000\000\000\100'
expect 65 'byte 48: feature-name block of 4611686018427387904 bytes is out of range' -- \
	"$BIN/ocsdf-train" --resume "$f" -o "$T/x.model" "$DATA/disk.csv"
# A shape that is valid but that the file does not hold.
f=$(damaged big)
poke "$f" 20 '\000\040\000\000'
poke "$f" 40 '\041\000\002\004\000\000\000\000'
expect 65 'parameter count|truncated model' -- "$S" -m "$f" "$DATA/disk.csv"

# Bad values behind a valid CRC: the loader's own checks.  The sections
# after the header start at H = 16 + header_len (ocsdf-model(5)): the
# means, the standard deviations, then the names (x: length 1, then y).
hlen=$(od -A n -t u4 -j 12 -N 4 "$T/m" | tr -d ' ')
H=$((16 + hlen))
f=$(damaged std)
poke "$f" $((H + 16)) '\000\000\000\000\000\000\000\000'
crc "$f"
expect 65 "feature 1 \\(x\\): standard deviation is 0" -- "$S" -m "$f" "$DATA/disk.csv"
poke "$f" $((H + 16)) '\053\346\160\213\150\022\000\000'
crc "$f"
expect 65 "feature 1 \\(x\\): standard deviation is 1e-310, expected .* finite reciprocal" -- \
	"$S" -m "$f" "$DATA/disk.csv"
f=$(damaged nan)
poke "$f" $((size - 8)) '\000\000\300\177'
crc "$f"
expect 65 '(theta|opt_v)\[[0-9]+\] \(layer 1 bias\) is nan' -- "$S" -m "$f" "$DATA/disk.csv"
f=$(damaged ctl)
poke "$f" $((H + 36)) '\001'
crc "$f"
expect 65 'name contains control character 0x01' -- "$S" -m "$f" "$DATA/disk.csv"

# Forged checkpoints behind a valid CRC: settings that the options would
# refuse (a batch of 0 divided by zero, 2^31-1 walk steps never ended,
# rates and iteration counts of 0 trained nothing) and a step beyond the
# run are refused at --resume, by name.  The model is made a checkpoint
# (finished flag clear) at step 10 of its 66; a finished model holds no
# training state, so the raw parameters (its weights Θ again) and the
# optimizer state (zeros) are appended after Θ.
ck=$(damaged ck)
P=$(od -An -tu8 -j40 -N8 "$ck" | tr -d ' ')
head -c $((size - 4)) "$T/m" >"$T/body"
tail -c $((4 * P)) "$T/body" >"$T/theta"
head -c $((4 * P)) /dev/zero >"$T/zeros"
cat "$T/body" "$T/theta" "$T/zeros" "$T/zeros" | head -c $((size + 8 * P)) >"$ck"
poke "$ck" 36 '\006'
poke "$ck" 248 '\000\000\000\000\000\000\000\000\012\000\000\000\000\000\000\000'
crc "$ck"
expect 0 '' -- "$BIN/ocsdf-train" -q --resume "$ck" -o "$T/x.model" -f --label label "$DATA/disk.csv"
# Its default threads follow the checkpoint's width (16: one thread), not
# the default width of a new model (512: every core), or the resumed run
# would round otherwise than the run it continues.
expect 0 'kernels .*, 1 thread$' -- env -u OPENBLAS_NUM_THREADS -u GOTO_NUM_THREADS -u OMP_NUM_THREADS \
	"$BIN/ocsdf-train" -v --resume "$ck" -o "$T/x.model" -f --label label "$DATA/disk.csv"
for forged in 'batch 128 \000\000\000\000 0' 'newton_steps 132 \377\377\377\177 2147483647' \
	'eps 96 \000\000\000\000\000\000\000\000 0' 'lr 72 \000\000\000\000\000\000\000\000 0' \
	'lr_final 80 \000\000\000\000\000\000\000\000 0' 'rho 88 \000\000\000\000\000\000\000\000 0' \
	'bjorck_iters 148 \000\000\000\000 0' 'retract_iters 152 \000\000\000\000 0' \
	'steps_per_epoch_min 120 \000\000\000\000 0' 'epochs 112 \000\000\000\000 0'; do
	set -- $forged
	f=$(damaged "forged-$1")
	cp "$ck" "$f"
	poke "$f" "$2" "$3"
	crc "$f"
	expect 65 "^ocsdf-train: .*forged-$1: settings\\.$1 is $4," -- \
		"$BIN/ocsdf-train" -q --resume "$f" -o "$T/x.model" -f --label label "$DATA/disk.csv"
done
f=$(damaged forged-step)
cp "$ck" "$f"
poke "$f" 256 '\377\377\377\377\377\377\377\377'
crc "$f"
expect 65 "forged-step: step is 18446744073709551615, beyond the 66 steps of the run \\(1 epochs of 66 steps on 2100 rows\\)" -- \
	"$BIN/ocsdf-train" -q --resume "$f" -o "$T/x.model" -f --label label "$DATA/disk.csv"
# ... and, for every program, settings that would make it walk forever.
f=$(damaged forged-walk)
poke "$f" 132 '\377\377\377\177'
crc "$f"
expect 65 'settings\.newton_steps is 2147483647, expected 0\.\.10000' -- \
	"$BIN/ocsdf-sample" -m "$f" -n 3 --mode negative
# A checkpoint taken after the last step of its run finishes it.
f=$(damaged last-step)
cp "$ck" "$f"
dd if="$T/m" of="$f" bs=1 skip=248 seek=248 count=16 conv=notrunc 2>/dev/null
crc "$f"
expect 0 '' -- "$BIN/ocsdf-train" -q --resume "$f" -o "$T/x.model" -f --label label "$DATA/disk.csv"

# Files of another kind.
expect 65 'not an ocsdf model file \(it looks like text, perhaps a CSV file' -- "$S" -m "$DATA/disk.csv" "$DATA/disk.csv"
gzip -c "$T/m" >"$T/m.gz"
expect 65 'it starts like a gzip file' -- "$S" -m "$T/m.gz" "$DATA/disk.csv"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000>\000' >"$T/elf"
expect 65 'unknown binary data' -- "$S" -m "$T/elf" "$DATA/disk.csv"
"$BIN/ocsdf-mesh" -m "$T/m" -r 16 -o "$T/map.svg" || fail "mesh failed"
expect 65 'not an ocsdf model file' -- "$BIN/ocsdf-sample" -m "$T/map.svg" -n 3
: >"$T/empty"
expect 65 'empty file, not an ocsdf model' -- "$S" -m "$T/empty" "$DATA/disk.csv"
expect 65 'empty file' -- "$S" -m /dev/null "$DATA/disk.csv"
# Files of /proc give their size as 0 but are not empty.
[ -r /proc/self/status ] && expect 65 'status: not an ocsdf model file \(it looks like text' -- \
	"$S" -m /proc/self/status "$DATA/disk.csv"
mkdir "$T/dir"
expect 66 'is a directory' -- "$S" -m "$T/dir" "$DATA/disk.csv"

# A model from a pipe is read up to the length its header gives: an endless
# or huge stream is refused at once, in little memory.
"$S" -m "$T/m" --only "$DATA/disk.csv" >"$T/ref" || fail "score failed"
cat "$T/m" | "$S" -m - --only "$DATA/disk.csv" >"$T/piped" || fail "model from a pipe failed"
cmp -s "$T/ref" "$T/piped" || fail "model from a pipe scores differently"
expect 65 'not an ocsdf model file' -- sh -c "yes | '$S' -m - '$DATA/disk.csv'"
expect 65 'unexpected bytes after the end' -- sh -c "{ cat '$T/m'; yes; } | '$S' -m - '$DATA/disk.csv'"
expect 65 'truncated model' -- sh -c "head -c 500 '$T/m' | '$S' -m - '$DATA/disk.csv'"
# (Not under valgrind, whose log file would take the closed descriptor.)
grep -q valgrind "$S" || expect 66 'read error' -- sh -c "'$S' -m - '$DATA/disk.csv' <&-"
exit 0
