# ocsdf-train and ocsdf-score end to end on a small 2D data set.
. "$(dirname "$0")/lib.sh"
set -u
small="--width 32 --depth 2 --epochs 6 --warmup 1 --batch 64 --margin 0.1 -q"

expect 0 '' -- "$BIN/ocsdf-train" $small --label label -o "$T/m" "$DATA/disk.csv"
[ -s "$T/m" ] || fail "no model written"

# Refuses to overwrite without -f; -f overwrites.
expect 73 'exists' -- "$BIN/ocsdf-train" $small --label label -o "$T/m" "$DATA/disk.csv"
expect 0 '' -- "$BIN/ocsdf-train" $small --label label -o "$T/m2" "$DATA/disk.csv"

# Same seed => identical model file.
cmp -s "$T/m" "$T/m2" || fail "same seed gave different models"
expect 0 '' -- "$BIN/ocsdf-train" $small --seed 2 --label label -f -o "$T/m2" "$DATA/disk.csv"
cmp -s "$T/m" "$T/m2" && fail "different seeds gave identical models"

# Scores: training rows (label 0) mostly positive, far points negative.
expect 0 '' -- "$BIN/ocsdf-score" -m "$T/m" -o "$T/scored.csv" "$DATA/disk.csv"
head -1 "$T/scored.csv" | grep -qx 'x,y,label,sdf' || fail "bad header: $(head -1 "$T/scored.csv")"
awk -F, 'NR > 1 && $3 == 0 { n++; if ($4 > 0) p++ } END { if (p < 0.9 * n) { print "inside positive:", p, "of", n; exit 1 } }' "$T/scored.csv" ||
	fail "training rows not scored inside"
printf 'x,y\n3,0\n0,-3.5\n2.5,2.5\n' >"$T/far.csv"
"$BIN/ocsdf-score" -m "$T/m" --only "$T/far.csv" >"$T/far.out" || fail "score failed"
awk 'NR > 1 && $1 >= 0 { bad = 1 } END { exit bad }' "$T/far.out" || fail "far points not negative: $(cat "$T/far.out")"

# Pass-through is byte for byte; columns found by name in any order.
cut -d, -f1-3 "$T/scored.csv" | cmp -s - "$DATA/disk.csv" || fail "rows not passed through"
awk -F, 'BEGIN { OFS = "," } { print $3, $2, $1 }' "$DATA/disk.csv" >"$T/swapped.csv"
"$BIN/ocsdf-score" -m "$T/m" --only "$T/swapped.csv" >"$T/s2" || fail "score swapped failed"
"$BIN/ocsdf-score" -m "$T/m" --only "$DATA/disk.csv" >"$T/s1" || fail "score failed"
cmp -s "$T/s1" "$T/s2" || fail "column order changed scores"

# Shuffled rows get the same scores as rows in order, to the last digit: a
# row's score does not depend on its place (ocsdf-score(1)).
{ head -1 "$DATA/disk.csv"; tail -n +2 "$DATA/disk.csv" | awk 'BEGIN { srand(4) } { print rand() "\t" $0 }' | sort -k1,1 | cut -f2-; } >"$T/shuf.csv"
"$BIN/ocsdf-score" -m "$T/m" "$T/shuf.csv" | tail -n +2 | sort -t, -k1,3 >"$T/a"
tail -n +2 "$T/scored.csv" | sort -t, -k1,3 >"$T/b"
cmp -s "$T/a" "$T/b" || fail "shuffling rows changed scores"

# gzip input, stdin, header-only input.
gzip -c "$DATA/disk.csv" >"$T/disk.csv.gz"
"$BIN/ocsdf-score" -m "$T/m" --only "$T/disk.csv.gz" | cmp -s - "$T/s1" || fail "gzip input differs"
"$BIN/ocsdf-score" -m "$T/m" --only <"$DATA/disk.csv" | cmp -s - "$T/s1" || fail "stdin differs"
head -1 "$DATA/disk.csv" >"$T/header.csv"
"$BIN/ocsdf-score" -m "$T/m" "$T/header.csv" >"$T/h.out" || fail "header-only failed"
[ "$(cat "$T/h.out")" = "x,y,label,sdf" ] || fail "header-only output: $(cat "$T/h.out")"

# Units: raw = model / lipschitz; with unit std both agree in ranking.
"$BIN/ocsdf-score" -m "$T/m" --only --units raw "$DATA/disk.csv" >"$T/raw" || fail "raw units failed"
paste -d, "$T/s1" "$T/raw" | awk -F, 'NR > 1 && ($1 > 0) != ($2 > 0) { bad = 1 } END { exit bad }' || fail "raw units change signs"

# Errors.
printf 'x,z\n1,2\n' >"$T/missing.csv"
expect 65 'missing.csv: no column named "y" \(a feature of model .*\); columns are: "x", "z"' -- "$BIN/ocsdf-score" -m "$T/m" "$T/missing.csv"
expect 64 'model is required' -- "$BIN/ocsdf-score" "$DATA/disk.csv"
expect 64 "exists already" -- "$BIN/ocsdf-score" -m "$T/m" "$T/scored.csv"
expect 66 '' -- "$BIN/ocsdf-score" -m "$T/nonexistent" "$DATA/disk.csv"
expect 66 '' -- "$BIN/ocsdf-train" -o "$T/m9" "$T/nonexistent.csv"
printf 'x,y\n1,2\n3,oops\n' >"$T/bad.csv"
expect 65 'bad.csv:3:.*oops' -- "$BIN/ocsdf-score" -m "$T/m" -o "$T/bad.out" "$T/bad.csv"
[ -e "$T/bad.out" ] && fail "partial output left behind"
expect 65 'bad.csv:3:' -- "$BIN/ocsdf-train" -q -o "$T/m9" "$T/bad.csv"
[ -e "$T/m9" ] && fail "model written from bad data"
expect 65 'no rows' -- "$BIN/ocsdf-train" -q -o "$T/m9" "$T/header.csv"
expect 73 'does not exist' -- "$BIN/ocsdf-train" -q -o "$T/no/such/dir/m" "$DATA/disk.csv"
if [ -w /dev/full ]; then
	expect 74 '' -- sh -c "'$BIN/ocsdf-score' -m '$T/m' '$DATA/disk.csv' > /dev/full"
fi
# A closed pipe downstream: quiet exit.
"$BIN/ocsdf-score" -m "$T/m" "$DATA/disk.csv" 2>"$T/pipe.err" | head -1 >/dev/null
[ -s "$T/pipe.err" ] && fail "noise on a closed pipe: $(cat "$T/pipe.err")"

# Bad option values are usage errors.
for opt in "--epochs -1" "--epochs 0" "--margin 0" "--margin -1" "--activation relu" \
	"--width 1" "--batch 0" "--lr 0" "--scale weird" "--ortho qr" "--warmup 50" \
	"--init normal" "--steps -2" "--walk-steps -2" "--domain 0" "--lr-decay none --lr-final 0.1" "--lr-decay none --lr-hold 0.1" "--lr-hold 0.95" "--lr-hold -0.1" "--average 0.95" "--average -0.1" "--average x" "--seed x" "--threads 0" \
	"--depth 0" "--eval" "--activation groupsort --width 33" "--sampler walk" "--knn 0" \
	"--knn 256" "--support-quantile 1.5" "--near 0" "--far -1" "--box-share 2" "--push -1" \
	"--contamination 0.6"; do
	expect 64 '' -- "$BIN/ocsdf-train" $opt -o "$T/m9" "$DATA/disk.csv"
done
expect 65 'label' -- "$BIN/ocsdf-train" -q --label nosuch -o "$T/m9" "$DATA/disk.csv"
[ -e "$T/m9" ] && fail "model written after a usage error"
expect 64 '' -- "$BIN/ocsdf-score" -m "$T/m" --units feet "$DATA/disk.csv"

# The options --resume refuses, as changes to the checkpoint's settings:
# every option of the method, the network and the optimisation.  The
# others pass on to the checkpoint's own check ($T/m finished its run: 65).
for opt in "--scale iso" "--margin 0.1" "--lambda 10" "--walk-steps 2" "--domain 4" "--steps 2" "--box 4" "--init gaussian" \
	"--newton authors" "--epochs 3" "--warmup 1" "--min-steps 2" "--max-steps 9" "--batch 16" \
	"--lr 0.01" "--lr-decay linear" "--lr-decay linear --lr-final 0.0001" "--lr-hold 0.5" "--lr-hold 0" "--average 0.25" "--ortho bjorck" \
	"--bjorck-iters 3" "--bjorck-tol 0.1" "--retract-iters 2" "--width 8" "--depth 2" \
	"--activation fullsort" "--sampler paper" "--knn 5" "--support-quantile 0.9" "--near 0.1" \
	"--far 3" "--box-share 0.5" "--push 1" "--contamination 0.1"; do
	expect 64 'settings' -- "$BIN/ocsdf-train" --resume "$T/m" $opt -o "$T/m9" "$DATA/disk.csv"
done
for opt in "--seed 3" "--threads 1" "--label label" "--ignore y" "--eval --label label" "--anomaly 2" \
	"-q" "-v" "-f"; do
	expect 65 'not a checkpoint' -- "$BIN/ocsdf-train" --resume "$T/m" $opt -o "$T/m9" "$DATA/disk.csv"
done
[ -e "$T/m9" ] && fail "model written by a refused --resume"

# --eval reads labels as ocsdf-certify and ocsdf-score do: "1.0" is the
# anomaly value 1 (it once compared the texts, found no anomaly and showed
# no AUROC).
sed '1!s/,\([01]\)$/,\1.0/' "$DATA/disk.csv" >"$T/float-labels.csv"
grep -q ',1\.0$' "$T/float-labels.csv" || fail "no label 1.0 in float-labels.csv"
expect 0 'auroc [01]\.[0-9]{4}' -- "$BIN/ocsdf-train" -v --eval --label label --width 8 --depth 1 --epochs 1 \
	--threads 1 -o "$T/m-eval" "$T/float-labels.csv"

# -v's |grad| is the gradient norm where the negatives' walks end: "-" for
# the distance sampler, which walks none (it once read 0.000, as if f were
# flat), a norm in (0, 1] for the paper's walks after the warm-up.  With
# the rise term (the default) the line goes on with the mean rise of f and
# of the bound from the rows to their probes, per unit of the step, and the
# share of bounds on one cone; on the disk's rows nearly every bound rises
# by the whole step (0.998 of it, 0.99 on one cone, with seeds 1 to 4 and
# the Prescott, Haswell and SkylakeX kernels).
expect 0 '\|grad\| -  rise -?[0-9]\.[0-9]{3} of (0\.9[0-9]{2}|1\.000), cone (0\.[5-9][0-9]|1\.00)  ascent [0-9]+/500  ortho' -- \
	"$BIN/ocsdf-train" -v --width 8 --depth 1 --epochs 1 --threads 1 --label label -o "$T/m-v" "$DATA/disk.csv"
expect 0 '\|grad\| -  ascent [0-9]+/500  ortho' -- "$BIN/ocsdf-train" -v --width 8 --depth 1 --epochs 1 --threads 1 --slope 0 \
	--label label -f -o "$T/m-v" "$DATA/disk.csv"
expect 0 '\|grad\| (0\.[0-9]*[1-9][0-9]*|1\.000)  ortho' -- "$BIN/ocsdf-train" -v --sampler paper --warmup 0 \
	--width 8 --depth 1 --epochs 1 --threads 1 --label label -f -o "$T/m-v" "$DATA/disk.csv"

# A short run has at least 300 steps in all unless --min-steps is given:
# the model's settings.steps_per_epoch_min (ocsdf-model(5), offset 120).
min_steps() {
	od -An -tu4 -j120 -N4 "$1" | tr -d ' '
}
for case in "2 150" "5 60" "25 15" "40 15" "2 3 --min-steps 3"; do
	# shellcheck disable=SC2086 # a case is epochs, the value expected, options
	set -- $case
	epochs=$1 want=$2
	shift 2
	"$BIN/ocsdf-train" -q -f --width 8 --depth 1 --threads 1 --epochs "$epochs" "$@" \
		-o "$T/m-steps" "$DATA/disk.csv" || fail "training of $epochs epochs failed"
	got=$(min_steps "$T/m-steps")
	[ "$got" = "$want" ] || fail "--epochs $epochs $*: min steps $got, expected $want"
done
# Without --width the distance sampler's network follows the features
# (disk.csv: 2, so 128 wide; ocsdf-model(5), offset 20), the steps grow
# by (512 / 128)^2 = 16: 4800 in all for one epoch, 240 an epoch for 40,
# and the learning rate and its final value (offsets 72 and 80) by
# sqrt(512 / 128) = 2 unless given; the paper's sampler keeps 512, 300 and
# 0.001; --max-steps 1 keeps it short.
for case in "1 128 4800 0.002 2e-06" "40 128 240 0.002 2e-06" "1 512 300 0.001 1e-06 --sampler paper" \
	"40 512 15 0.001 1e-06 --sampler paper" "40 128 240 0.0005 5e-07 --lr 0.0005" \
	"40 128 240 0.002 1e-05 --lr-final 1e-5" "40 16 15 0.001 1e-06 --width 16"; do
	# shellcheck disable=SC2086 # a case is epochs, width, steps, rates, options
	set -- $case
	epochs=$1 want="$2 $3 $4 $5"
	shift 5
	"$BIN/ocsdf-train" -q -f --threads 1 --epochs "$epochs" --max-steps 1 "$@" \
		-o "$T/m-auto" "$DATA/disk.csv" || fail "training of $case failed"
	got="$(od -An -tu4 -j20 -N4 "$T/m-auto" | tr -d ' ') $(min_steps "$T/m-auto")"
	got="$got $(od -An -tf8 -j72 -N8 "$T/m-auto" | tr -d ' ') $(od -An -tf8 -j80 -N8 "$T/m-auto" | tr -d ' ')"
	[ "$got" = "$want" ] || fail "$case: width, min steps, lr, lr final $got"
done

# --slope: recorded in the model (ocsdf-model(5), offset 392); it needs the
# distance sampler and excludes --eikonal.
"$BIN/ocsdf-train" -q -f --width 8 --depth 1 --threads 1 --epochs 1 --min-steps 20 --slope 2.5 \
	-o "$T/m-slope" "$DATA/disk.csv" || fail "training with --slope failed"
got=$(od -An -tf8 -j392 -N8 "$T/m-slope" | tr -d ' ')
[ "$got" = "2.5" ] || fail "--slope 2.5 recorded as $got"
expect 64 '--slope needs --sampler distance' -- "$BIN/ocsdf-train" -q --sampler paper --slope 1 \
	-o "$T/m-x" "$DATA/disk.csv"
expect 64 '--slope and --eikonal: one at a time' -- "$BIN/ocsdf-train" -q --slope 1 --eikonal 1 \
	-o "$T/m-x" "$DATA/disk.csv"

# --ascent-rows: recorded in the model (ocsdf-model(5), offset 400): 500 by
# default with the distance sampler, 0 with the paper's, where giving it is
# refused; -v's first epoch line says how many of those rows climbed to
# their point within the steps allowed (on the disk, only rows near its
# edge: 78 of 500 with seed 1).
ascent_rows() {
	od -An -td4 -j400 -N4 "$1" | tr -d ' '
}
for case in "500" "37 --ascent-rows 37" "0 --ascent-rows 0" "0 --sampler paper" \
	"0 --sampler paper --ascent-rows 0"; do
	# shellcheck disable=SC2086 # a case is the value expected, then options
	set -- $case
	want=$1
	shift
	"$BIN/ocsdf-train" -q -f --width 8 --depth 1 --threads 1 --epochs 1 --max-steps 1 "$@" \
		-o "$T/m-ascent" "$DATA/disk.csv" || fail "training with $* failed"
	got=$(ascent_rows "$T/m-ascent")
	[ "$got" = "$want" ] || fail "$*: ascent rows $got, expected $want"
done
expect 0 'epoch 1/2 .*  ascent [1-9][0-9]*/500  ortho' -- "$BIN/ocsdf-train" -v --width 8 --depth 1 \
	--epochs 2 --threads 1 --label label -f -o "$T/m-v" "$DATA/disk.csv"
if grep -q 'epoch 2/2 .*ascent' "$T/err"; then fail "the ascent's count on a later epoch's line"; fi
expect 0 'epoch 1/2 .*, cone [0-9.]*  ortho' -- "$BIN/ocsdf-train" -v --width 8 --depth 1 --epochs 2 \
	--threads 1 --ascent-rows 0 --label label -f -o "$T/m-v" "$DATA/disk.csv"
expect 64 '--ascent-rows needs --sampler distance' -- "$BIN/ocsdf-train" -q --sampler paper --ascent-rows 5 \
	-o "$T/m-x" "$DATA/disk.csv"
expect 64 "invalid value '65537' for --ascent-rows" -- "$BIN/ocsdf-train" -q --ascent-rows 65537 \
	-o "$T/m-x" "$DATA/disk.csv"
[ ! -e "$T/m-x" ] || fail "a refused run left a model"
exit 0
