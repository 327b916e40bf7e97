# ocsdf-sample: walks to the boundary and inside of a model of a disk.
. "$(dirname "$0")/lib.sh"
set -u
# A fixed model of the disk (tests/cli/data/make-models.sh), so that the
# walks are checked on a known function whatever BLAS kernels run here.
cp "$(dirname "$0")/data/disk.model" "$T/m" || fail "fixture missing"

# Boundary: on the learned level 0, near the true circle of radius 1.
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" -n 400 -o "$T/b.csv"
head -1 "$T/b.csv" | grep -qx 'x,y,sdf' || fail "header: $(head -1 "$T/b.csv")"
[ "$(wc -l <"$T/b.csv")" -eq 401 ] || fail "expected 400 points"
awk -F, 'NR > 1 { r = sqrt($1 * $1 + $2 * $2); a = $3 < 0 ? -$3 : $3
	if (a > 1e-3) { print "sdf", $3; bad = 1 } if (r < 0.9 || r > 1.25) { print "radius", r; bad = 1 } }
	END { exit bad }' "$T/b.csv" || fail "boundary samples off the boundary"

# Inside, at a requested level.
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" -n 200 --level 0.02 --mode inside -o "$T/i.csv"
awk -F, 'NR > 1 { e = $3 - 0.02; if (e < -1e-3 || e > 1e-3) { print $3; bad = 1 } } END { exit bad }' \
	"$T/i.csv" || fail "inside samples not at the level"

# Same seed, same points; another seed, other points.
"$BIN/ocsdf-sample" -m "$T/m" -n 50 --seed 3 >"$T/s1" || fail "sample failed"
"$BIN/ocsdf-sample" -m "$T/m" -n 50 --seed 3 >"$T/s2" || fail "sample failed"
"$BIN/ocsdf-sample" -m "$T/m" -n 50 --seed 4 >"$T/s3" || fail "sample failed"
# --steps, the old name of --walk-steps, still works for one version.
"$BIN/ocsdf-sample" -m "$T/m" -n 20 --mode negative --walk-steps 3 >"$T/w1" || fail "sample --walk-steps failed"
"$BIN/ocsdf-sample" -m "$T/m" -n 20 --mode negative --steps 3 | cmp -s - "$T/w1" || fail "--steps and --walk-steps differ"
"$BIN/ocsdf-sample" -m "$T/m" -n 20 --mode negative --walk-steps 4 | cmp -s - "$T/w1" && fail "--walk-steps ignored"
cmp -s "$T/s1" "$T/s2" || fail "same seed, different points"
cmp -s "$T/s1" "$T/s3" && fail "different seeds, same points"

# Negatives stay in the box (5 std of each feature around the mean).
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" -n 300 --mode negative -o "$T/n.csv"
awk -F, 'NR > 1 { if ($1 < -4 || $1 > 4 || $2 < -4 || $2 > 4) bad = 1 } END { exit bad }' "$T/n.csv" ||
	fail "negatives outside the box"

# --from: a row inside does not move; a row outside walks to the boundary.
# The other columns pass through as written (an old sdf column is left
# out: its score is replaced), and so do the features of a row that does
# not move.
printf 'y,x,id,sdf\n0.00,0.0,a,7\n0,3,"b,2",7\n-2,-2,c,7\n' >"$T/from.csv"
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/from.csv" -o "$T/f.csv"
head -1 "$T/f.csv" | grep -qx 'y,x,id,sdf,delta_x,delta_y' || fail "header: $(head -1 "$T/f.csv")"
grep -q '^0.00,0.0,a,' "$T/f.csv" || fail "unmoved row not as written: $(cat "$T/f.csv")"
grep -q ',"b,2",' "$T/f.csv" || fail "id not passed through: $(cat "$T/f.csv")"
awk -F, 'NR == 2 { if ($5 != 0 || $6 != 0 || $4 <= 0) bad = "inside row moved" }
	NR == 4 { if ($3 != "c") bad = "id lost" }
	NR == 4 { r = sqrt($1 * $1 + $2 * $2); a = $4 < 0 ? -$4 : $4
		if (a > 1e-3 || r < 0.9 || r > 1.25) bad = "outside row not walked: " $0 }
	END { if (bad) { print bad; exit 1 } }' "$T/f.csv" || fail "--from walk wrong: $(cat "$T/f.csv")"

# The rows of --from read with --delimiter and --no-header give the same
# points as the comma file with a header, written with the input's
# delimiter (as ocsdf-score writes) and without a header line when the
# input has none; --columns names a headerless file's columns.
printf 'x,y,id\n0,0,a\n3,0,b\n-2,-2,c\n0.5,-3,d\n' >"$T/rows.csv"
tr , ';' <"$T/rows.csv" >"$T/rows.semi"
tr , '\t' <"$T/rows.csv" >"$T/rows.tab"
tail -n +2 "$T/rows.csv" >"$T/rows.nohdr"
awk -F, '{ print $2 "," $1 "," $3 }' "$T/rows.nohdr" >"$T/rows.yx"
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/rows.csv" -o "$T/rows.out"
[ "$(wc -l <"$T/rows.out")" -eq 5 ] || fail "--from rows: $(cat "$T/rows.out")"
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/rows.semi" --delimiter ';'
tr ';' , <"$T/out" | cmp -s - "$T/rows.out" || fail "--delimiter ';' differs: $(cat "$T/out")"
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/rows.tab" --delimiter tab
tr '\t' , <"$T/out" | cmp -s - "$T/rows.out" || fail "--delimiter tab differs: $(cat "$T/out")"
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/rows.nohdr" --no-header
tail -n +2 "$T/rows.out" | cmp -s - "$T/out" || fail "--no-header differs: $(cat "$T/out")"
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/rows.yx" --no-header --columns y,x,id
awk -F, 'NR > 1 { print $2 "," $1 "," $3 "," $4 "," $5 "," $6 }' "$T/rows.out" | cmp -s - "$T/out" ||
	fail "--columns differs: $(cat "$T/out")"
# A passed-through field that holds the delimiter is quoted.
printf 'x;y;id\n3;0;"b;2"\n' >"$T/q.semi"
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/q.semi" --delimiter ';'
grep -q ';"b;2";' "$T/out" || fail "field with the delimiter not quoted: $(cat "$T/out")"
printf '1\n' >"$T/one.nohdr"
expect 65 'one.nohdr:1: 1 field, but the model has 2 features' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/one.nohdr" --no-header
# Without --from they apply to nothing: usage errors.
expect 64 '--delimiter applies to the rows of --from' -- "$BIN/ocsdf-sample" -m "$T/m" -n 10 --delimiter ';'
expect 64 '--no-header applies to the rows of --from' -- "$BIN/ocsdf-sample" -m "$T/m" -n 10 --no-header
expect 64 '--columns applies to the rows of --from' -- "$BIN/ocsdf-sample" -m "$T/m" -n 10 --columns x,y
expect 64 '--columns .*needs --no-header' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/rows.csv" --columns x,y
[ ! -s "$T/out" ] || fail "a usage error wrote points"

# A level the walk cannot reach (f is 1-Lipschitz in a bounded box), or too
# few steps: said on stderr, exit 65, every point written all the same;
# --partial accepts them.
expect 65 '50 of 50 points did not reach the level 100 ' -- "$BIN/ocsdf-sample" -m "$T/m" -n 50 --level 100 --walk-steps 20
[ "$(wc -l <"$T/out")" -eq 51 ] || fail "points not written"
expect 65 'of 3 points did not reach the level 0 .*--partial' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/from.csv" --walk-steps 1 --tolerance 1e-9
expect 0 'warning: 50 of 50 points did not reach' -- "$BIN/ocsdf-sample" -m "$T/m" -n 50 --level 100 --walk-steps 20 --partial
# Converged points stop: a budget of 100000 steps costs what the walk needs.
expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/m" -n 50 --walk-steps 100000 --tolerance 1e-6 -o "$T/conv.csv"
awk -F, 'NR > 1 { a = $3 < 0 ? -$3 : $3; if (a > 1e-6) bad = 1 } END { exit bad }' "$T/conv.csv" ||
	fail "points not within the tolerance: $(cat "$T/conv.csv")"
expect 64 'tolerance' -- "$BIN/ocsdf-sample" -m "$T/m" -n 5 --mode negative --tolerance 1e-3
expect 64 "invalid value '0' for --tolerance" -- "$BIN/ocsdf-sample" -m "$T/m" -n 5 --tolerance 0

# --from a row beyond float32 once standardized (1e39): bad data with its
# line and column, as in ocsdf-score, not a row of -nan and exit 0.
printf 'x,y\n0,0\n1e39,0\n' >"$T/huge.csv"
expect 65 'huge.csv:3: column "x" \(1\): "1e39" is out of range: it standardizes to' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/huge.csv"
grep -q nan "$T/out" && fail "NaN rows written: $(cat "$T/out")"

# Errors.
expect 64 'model' -- "$BIN/ocsdf-sample" -n 10
expect 64 'either' -- "$BIN/ocsdf-sample" -m "$T/m"
expect 64 'either' -- "$BIN/ocsdf-sample" -m "$T/m" -n 5 --from "$T/from.csv"
expect 64 '' -- "$BIN/ocsdf-sample" -m "$T/m" -n 0
expect 64 '' -- "$BIN/ocsdf-sample" -m "$T/m" -n 5 --mode edge
expect 64 'level' -- "$BIN/ocsdf-sample" -m "$T/m" -n 5 --mode negative --level 1
printf 'x,z\n1,2\n' >"$T/bad.csv"
expect 65 'no column named "y" \(a feature of the model\); columns are: "x", "z"' -- "$BIN/ocsdf-sample" -m "$T/m" --from "$T/bad.csv"
expect 73 'exists' -- "$BIN/ocsdf-sample" -m "$T/m" -n 5 -o "$T/b.csv"
# Starts from noise that stall (on a ridge of f, where the gradient
# vanishes) are drawn again: on the model of make demo's two circles, 18
# to 21 of 500 points stopped short of the level before, whatever the
# kernels; now every point reaches it, and the output is still one point
# per start asked for.
cp "$(dirname "$0")/data/circles.model" "$T/c" || fail "fixture missing"
for seed in 1 2; do
	expect 0 '' -- "$BIN/ocsdf-sample" -m "$T/c" -n 500 --seed "$seed" -f -o "$T/ring.csv"
	[ "$(wc -l <"$T/ring.csv")" -eq 501 ] || fail "$(wc -l <"$T/ring.csv") lines for 500 points"
	awk -F, 'NR > 1 { s = $NF < 0 ? -$NF : $NF; if (s > 1e-4) bad = 1 } END { exit bad }' "$T/ring.csv" ||
		fail "a point of the circles is farther than the tolerance from the level"
done

exit 0
