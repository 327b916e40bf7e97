# ocsdf-mesh end to end: a surface from a sphere point cloud, checked by a
# mesh reader written here (closed, manifold, wound outwards, genus), every
# output format, a contour map checked by xmllint, and the refusals.
. "$(dirname "$0")/lib.sh"
set -u
small="--width 128 --depth 3 --epochs 30 --seed 1 --threads 1 -q"

# Models from ocsdf-train itself, not from its valgrind wrapper (lib.sh).
train=$(unwrapped ocsdf-train) || exit 1

# Reads an ASCII PLY (fmt=obj: an OBJ) and prints "V F closed components",
# then one line per component, largest first: "V F euler volume rmin rmax"
# (radii from the origin).  closed: every directed edge appears once and its
# reverse once, and every face is a triangle.
cat >"$T/check.awk" <<'AWK'
function find(x) { while (par[x] != x) { par[x] = par[par[x]]; x = par[x] } return x }
function face(a, b, c) {
	f[nf, 0] = a; f[nf, 1] = b; f[nf, 2] = c; nf++
	if (a == b || b == c || a == c) bad = 1
	de[a " " b]++; de[b " " c]++; de[c " " a]++
	ra = find(a); rb = find(b); if (ra != rb) par[rb] = ra
	ra = find(a); rc = find(c); if (ra != rc) par[rc] = ra
}
BEGIN { nv = 0; nf = 0; body = (fmt == "obj") }
fmt != "obj" && !body {
	if ($1 == "element" && $2 == "vertex") want_v = $3
	if ($1 == "element" && $2 == "face") want_f = $3
	if ($1 == "end_header") body = 1
	next
}
fmt != "obj" && nv < want_v { x[nv] = $1; y[nv] = $2; z[nv] = $3; par[nv] = nv; nv++; next }
fmt != "obj" { if ($1 != 3 || NF != 4) bad = 1; face($2, $3, $4); next }
$1 == "v" { x[nv] = $2; y[nv] = $3; z[nv] = $4; par[nv] = nv; nv++; next }
$1 == "f" { split($2, a, "/"); split($3, b, "/"); split($4, c, "/"); if (NF != 4) bad = 1
	face(a[1] - 1, b[1] - 1, c[1] - 1) }
END {
	closed = !bad && (fmt == "obj" || nf == want_f)
	for (k in de) { split(k, e, " "); if (de[k] != 1 || !((e[2] " " e[1]) in de)) closed = 0 }
	for (i = 0; i < nv; i++) { r = find(i); cv[r]++; rr = sqrt(x[i]^2 + y[i]^2 + z[i]^2)
		if (!(r in rmin) || rr < rmin[r]) rmin[r] = rr
		if (!(r in rmax) || rr > rmax[r]) rmax[r] = rr }
	for (t = 0; t < nf; t++) { r = find(f[t, 0]); cf[r]++
		a0 = f[t, 0]; b0 = f[t, 1]; c0 = f[t, 2]
		vol[r] += (x[a0] * (y[b0] * z[c0] - z[b0] * y[c0]) - y[a0] * (x[b0] * z[c0] - z[b0] * x[c0]) \
			+ z[a0] * (x[b0] * y[c0] - y[b0] * x[c0])) / 6 }
	n = 0; for (r in cv) n++
	print nv, nf, closed, n
	for (r in cv) printf "%d %d %d %.4f %.4f %.4f\n", cv[r], cf[r], cv[r] - 3 * cf[r] / 2 + cf[r], vol[r], rmin[r], rmax[r] | "sort -rn"
}
AWK

# Surfaces from fixed models (tests/cli/data/make-models.sh: the 3D recipe
# on data/sphere.csv and data/torus.csv), so that what is asserted here
# is the meshing of a known function, the same whatever BLAS kernels
# this machine runs; how often training itself recovers the shapes, over
# seeds and kernels, is the benchmark tests/bench/meshseeds.sh.
fixtures=$(dirname "$0")/data
cp "$fixtures/sphere.model" "$fixtures/torus.model" "$T/" || fail "fixtures missing"

# The default level around points on the unit sphere: the learned support is
# a shell, whose cavity is filled, leaving one closed surface of genus 0
# with positive volume whose vertices lie on a sphere just outside the
# points (the level set is the shell's outer side).
expect 0 'part 1 of 1: .* closed, Euler characteristic 2' -- \
	"$BIN/ocsdf-mesh" -v -m "$T/sphere.model" -r 40 --ascii -o "$T/s.ply"
awk -f "$T/check.awk" "$T/s.ply" >"$T/s.txt"
read -r nv nf closed ncomp <"$T/s.txt"
[ "$closed" = 1 ] && [ "$ncomp" = 1 ] || fail "sphere mesh not one closed part: $(cat "$T/s.txt")"
[ "$nf" -gt 1000 ] || fail "sphere mesh too small: $nf triangles"
sed -n 2p "$T/s.txt" | awk '$3 != 2 || $4 <= 0 || $5 < 0.95 || $6 > 1.2 || $6 - $5 > 0.1 { exit 1 }' ||
	fail "not a sphere around the points: $(cat "$T/s.txt")"
# Kept, the cavity wall is a second sphere inside the first, wound inwards.
expect 0 '' -- "$BIN/ocsdf-mesh" --keep-cavities -m "$T/sphere.model" -r 40 --ascii -o "$T/k.ply"
awk -f "$T/check.awk" "$T/k.ply" >"$T/k.txt"
sed -n 3p "$T/k.txt" | awk '$3 != 2 || $4 >= 0 || $6 > 1 { exit 1 }' ||
	fail "no cavity wall inside the sphere: $(cat "$T/k.txt")"

# Points on a torus: one closed surface of genus 1 around the hole (no
# vertex near the axis, where a film across the hole would put one).
expect 0 '' -- "$BIN/ocsdf-mesh" -m "$T/torus.model" -r 48 --ascii -o "$T/t.ply"
awk -f "$T/check.awk" "$T/t.ply" >"$T/t.txt"
read -r tv tf tclosed tcomp <"$T/t.txt"
[ "$tclosed" = 1 ] && [ "$tcomp" = 1 ] || fail "torus mesh not one closed part: $(cat "$T/t.txt")"
sed -n 2p "$T/t.txt" | awk '$3 != 0 || $4 <= 0 || $5 < 0.5 || $6 > 1.55 { exit 1 }' ||
	fail "not a torus around the points: $(cat "$T/t.txt")"

# Binary PLY, OBJ and STL hold the same mesh.
expect 0 '' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" -r 40 -o "$T/s.obj"
awk -v fmt=obj -f "$T/check.awk" "$T/s.obj" | cmp -s - "$T/s.txt" || fail "OBJ differs from PLY"
expect 0 '' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" -r 40 -o "$T/s.bin.ply"
grep -aq '^format binary_little_endian 1.0$' "$T/s.bin.ply" || fail "PLY not binary"
hdr=$(awk '/^end_header/ { print NR; exit }' "$T/s.bin.ply")
size=$(($(head -n "$hdr" "$T/s.bin.ply" | wc -c) + 24 * nv + 13 * nf))
[ "$(wc -c <"$T/s.bin.ply")" -eq "$size" ] || fail "binary PLY is not $size bytes"
expect 0 '' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" -r 40 -o "$T/s.stl"
[ "$(wc -c <"$T/s.stl")" -eq $((84 + 50 * nf)) ] || fail "binary STL is not $nf triangles"
[ "$(od -An -tu4 -j80 -N4 "$T/s.stl" | tr -d ' ')" -eq "$nf" ] || fail "STL count field"
expect 0 '' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" -r 40 --format stl --ascii -o "$T/s.txt.stl"
[ "$(grep -c '^facet normal' "$T/s.txt.stl")" -eq "$nf" ] || fail "text STL count"
# Standard output, PLY by default.
"$BIN/ocsdf-mesh" -m "$T/sphere.model" -r 40 >"$T/stdout.ply" || fail "stdout failed"
cmp -s "$T/stdout.ply" "$T/s.bin.ply" || fail "stdout output differs"

# Pruning and dense evaluation give the same mesh up to the last bits of
# the network's values (its rounding depends on the batch a point is in):
# both closed, the same size to a few vertices.
expect 0 'network evaluations' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" -r 40 --dense -v --ascii -o "$T/d.ply"
awk -f "$T/check.awk" "$T/d.ply" | head -1 >"$T/d.txt"
read -r dv df dclosed dcomp <"$T/d.txt"
[ "$dclosed" = 1 ] && [ "$dcomp" = "$ncomp" ] || fail "dense mesh: $(cat "$T/d.txt")"
[ $((dv - nv)) -le 8 ] && [ $((nv - dv)) -le 8 ] || fail "dense mesh has $dv vertices, pruned $nv"

# A box that cuts through the region f > 0: the surface is capped on the
# box's faces, so every mesh is closed.  Half the sphere's shell is one
# closed surface of genus 0 (the cavity opens onto the cap), the upper half
# of the torus one of genus 1; dense and pruned alike, with a warning.
for d in "" --dense; do
	expect 0 'part 1 of 1: .* closed, Euler characteristic 2 .*' -- \
		"$BIN/ocsdf-mesh" -v $d -m "$T/sphere.model" -r 40 --box 0,1.6,-1.6,1.6,-1.6,1.6 --ascii -o "$T/cut$d.ply"
	grep -q 'reaches the edge of the box.*cap' "$T/err" || fail "no word of the cap: $(cat "$T/err")"
	awk -f "$T/check.awk" "$T/cut$d.ply" >"$T/cut.txt"
	read -r cv cf cclosed ccomp <"$T/cut.txt"
	[ "$cclosed" = 1 ] && [ "$ccomp" = 1 ] || fail "cut sphere$d not one closed part: $(cat "$T/cut.txt")"
	awk 'NR > 1 { print $3 }' "$T/cut.txt" | grep -qx 2 || fail "cut sphere$d: $(cat "$T/cut.txt")"
	expect 0 '' -- "$BIN/ocsdf-mesh" $d -m "$T/torus.model" -r 40 --box -1.6,1.6,-1.6,1.6,0,1.6 --ascii -o "$T/cutt$d.ply"
	awk -f "$T/check.awk" "$T/cutt$d.ply" >"$T/cut.txt"
	read -r cv cf cclosed ccomp <"$T/cut.txt"
	[ "$cclosed" = 1 ] && [ "$ccomp" = 1 ] || fail "cut torus$d not one closed part: $(cat "$T/cut.txt")"
	awk 'NR > 1 { print $3 }' "$T/cut.txt" | grep -qx 0 || fail "cut torus$d: $(cat "$T/cut.txt")"
done
# -q: no word of it.
expect 0 '' -- "$BIN/ocsdf-mesh" -q -m "$T/sphere.model" -r 16 --box 0,1.6,-1.6,1.6,-1.6,1.6 -o "$T/cutq.ply"
[ -s "$T/err" ] && fail "noise with -q: $(cat "$T/err")"

# Refusals, before any work.
expect 73 'exists' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" -r 40 -o "$T/s.obj"
expect 64 'percentile' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" --percentile 7 -o "$T/x.ply"
expect 64 'box' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" --box -1,1,-1,1 -o "$T/x.ply"
expect 64 'LO < HI' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" --box -1,1,1,-1,-1,1 -o "$T/x.ply"
expect 64 'extension' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" -o "$T/x.mesh"
expect 64 'surface' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" -o "$T/x.svg"
expect 64 'ascii' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" --ascii -o "$T/x.obj"
expect 64 'resolution' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" -r 4 -o "$T/x.ply"
expect 66 '' -- "$BIN/ocsdf-mesh" -m "$T/missing.model" -o "$T/x.ply"
[ ! -e "$T/x.ply" ] || fail "an output was left behind"
# A level no grid point reaches: an empty mesh and a warning.
expect 0 'empty' -- "$BIN/ocsdf-mesh" -m "$T/sphere.model" -r 16 --level 50 --ascii -o "$T/e.ply"
grep -q '^element face 0$' "$T/e.ply" || fail "empty mesh expected"

# A 2-feature model: a contour map, valid XML, with the training points.
expect 0 '' -- "$train" $small --label label -o "$T/moons.model" "$DATA/moons.csv"
expect 0 '' -- "$BIN/ocsdf-mesh" -m "$T/moons.model" --points "$DATA/moons.csv" --label label -r 64 -o "$T/m.svg"
xmllint --noout "$T/m.svg" || fail "SVG is not well-formed"
[ "$(grep -c '<circle' "$T/m.svg")" -ge 2100 ] || fail "training points missing"
grep -q 'data:image/png;base64,iVBORw0KGgo' "$T/m.svg" || fail "colour map missing"
expect 0 '' -- "$BIN/ocsdf-mesh" -m "$T/moons.model" --no-colormap --levels -0.2,-0.1,0.05 -o "$T/m2.svg"
xmllint --noout "$T/m2.svg" || fail "SVG without colour map is not well-formed"
grep -q 'data:image' "$T/m2.svg" && fail "colour map drawn despite --no-colormap"
expect 64 'SVG' -- "$BIN/ocsdf-mesh" -m "$T/moons.model" -o "$T/x.ply"
# A bad --levels list is refused before any output: nothing on standard
# output, not the start of a map.
expect 64 'levels' -- "$BIN/ocsdf-mesh" -m "$T/moons.model" -r 16 --levels 0.1,x
[ ! -s "$T/out" ] || fail "a refused --levels wrote $(wc -c <"$T/out") bytes of map"

# The rows of --points read with --delimiter and --no-header (--label by
# its number, or by a name of --columns) give the same map as the comma
# file with a header; a fixed model, so that the maps do not depend on a
# training run.
cp "$(dirname "$0")/data/disk.model" "$T/disk.model" || fail "fixture missing"
pts="$T/pts.csv"
awk 'NR == 1 || NR % 10 == 0 || /,1$/' "$DATA/disk.csv" >"$pts"
grep -q ',1$' "$pts" && grep -q ',0$' "$pts" || fail "points of one class only"
tr , ';' <"$pts" >"$T/pts.semi"
tr , '\t' <"$pts" >"$T/pts.tab"
tail -n +2 "$pts" >"$T/pts.nohdr"
map="-m $T/disk.model -r 32 --label 3"
expect 0 '' -- "$BIN/ocsdf-mesh" $map --points "$pts" -o "$T/p.svg"
grep -q '<circle' "$T/p.svg" || fail "no points drawn"
expect 0 '' -- "$BIN/ocsdf-mesh" $map --points "$T/pts.semi" --delimiter ';' -o "$T/p1.svg"
cmp -s "$T/p.svg" "$T/p1.svg" || fail "--delimiter ';' draws another map"
expect 0 '' -- "$BIN/ocsdf-mesh" $map --points "$T/pts.tab" --delimiter tab -o "$T/p2.svg"
cmp -s "$T/p.svg" "$T/p2.svg" || fail "--delimiter tab draws another map"
expect 0 '' -- "$BIN/ocsdf-mesh" $map --points "$T/pts.nohdr" --no-header -o "$T/p3.svg"
cmp -s "$T/p.svg" "$T/p3.svg" || fail "--no-header draws another map"
expect 0 '' -- "$BIN/ocsdf-mesh" -m "$T/disk.model" -r 32 --points "$pts" --label label -o "$T/p4.svg"
expect 0 '' -- "$BIN/ocsdf-mesh" -m "$T/disk.model" -r 32 --points "$T/pts.nohdr" --no-header \
	--columns x,y,label --label label -o "$T/p5.svg"
cmp -s "$T/p4.svg" "$T/p5.svg" || fail "--columns draws another map"
expect 65 'no column 4' -- "$BIN/ocsdf-mesh" -m "$T/disk.model" --label 4 --points "$T/pts.nohdr" --no-header
expect 64 '--delimiter applies to the rows of --points' -- "$BIN/ocsdf-mesh" -m "$T/disk.model" --delimiter ';'
expect 64 '--no-header applies to the rows of --points' -- "$BIN/ocsdf-mesh" -m "$T/disk.model" --no-header
expect 64 '--columns applies to the rows of --points' -- "$BIN/ocsdf-mesh" -m "$T/disk.model" --columns x,y
expect 64 '--columns .*needs --no-header' -- "$BIN/ocsdf-mesh" -m "$T/disk.model" --points "$pts" --columns x,y
[ ! -s "$T/out" ] || fail "a usage error wrote a map"

# 1 and 4 features: refused with an explanation.
awk -F, '{ print $1 }' "$DATA/moons.csv" >"$T/one.csv"
awk -F, 'BEGIN { srand(3) } NR == 1 { print "a,b,c,d"; next } { print $1 "," $2 "," rand() "," rand() }' "$DATA/moons.csv" >"$T/four.csv"
tiny="--width 8 --depth 1 --epochs 1 --warmup 0 --threads 1 -q"
expect 0 '' -- "$BIN/ocsdf-train" $tiny -o "$T/one.model" "$T/one.csv"
expect 0 '' -- "$BIN/ocsdf-train" $tiny -o "$T/four.model" "$T/four.csv"
expect 64 '1 feature; ocsdf-mesh draws' -- "$BIN/ocsdf-mesh" -m "$T/one.model" -o "$T/x.ply"
expect 64 '4 features' -- "$BIN/ocsdf-mesh" -m "$T/four.model" -o "$T/x.ply"
exit 0
