#!/bin/sh
# The `make demo` tour: trains a 2D and a 3D model on the bundled data,
# scores and certifies the 2D one, draws its contour map and ROC curves,
# samples its boundary and extracts the 3D surface, then says where each
# file is and how to look at it.  Small networks and few steps, so that it
# runs in well under a minute on two cores; the programs' defaults are
# larger (see ocsdf-train(1)).
#
#   sh data/demo.sh BIN [OUTDIR]     (BIN: folder of the programs;
#                                     OUTDIR: default demo/ at the top)
set -eu
bin=${1:?usage: sh data/demo.sh BIN [OUTDIR]}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${2:-demo}
mkdir -p "$out"
for p in ocsdf-train ocsdf-score ocsdf-certify ocsdf-sample ocsdf-mesh; do
	[ -x "$bin/$p" ] || { echo "demo: $bin/$p is missing; run make first" >&2; exit 69; }
done

start=$(date +%s)
step() {
	echo
	echo "== $*"
}
run() {
	echo "\$ $*" | sed "s|$bin/||g"
	"$@"
}

# One OpenBLAS thread: the matrices of these small networks are too small
# to gain from more, threads only add waiting on a busy machine, and one
# thread makes every run bit-identical.
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export OPENBLAS_NUM_THREADS

# The circles train with the defaults (for 2 features a network 128 wide
# and 240 steps an epoch); the torus, points on a surface, with the paper's
# sampler and its 3D choices on a small network: the bundled set has 2,048
# rows, 15 steps an epoch with batches of 512, and 100 epochs give it its
# hole.
cat <<EOF
ocsdf demo: two models on the bundled data (about a minute).
The circles with the default options; the torus with the paper's sampler
on a small network (--width 128 --depth 3, 100 epochs of 15 steps), good
enough to look at, not to benchmark.
Files go to $out/.
EOF

step "2D: two noisy circles with 100 uniform anomalies (data/circles.csv)"
echo "Train on every row; the label column is kept out of the features."
run "$bin/ocsdf-train" -f --label label -o "$out/circles.model" data/circles.csv
echo "Append the learned signed distance (column sdf) to every row."
run "$bin/ocsdf-score" -f -m "$out/circles.model" -o "$out/circles-scored.csv" data/circles.csv
echo "AUROC of sdf against the labels, and certified AUROC at l2 radii in the"
echo "units of the CSV columns (-m reads the Lipschitz constant from the model)."
run "$bin/ocsdf-certify" -f -m "$out/circles.model" --radius 0,0.05,0.1 \
	--plot "$out/circles-roc.svg" --plot-hist "$out/circles-hist.svg" "$out/circles-scored.csv"
echo "Contour map of the learned function, with the rows coloured by label."
run "$bin/ocsdf-mesh" -f -m "$out/circles.model" --points data/circles.csv --label label \
	-o "$out/circles-contours.svg"
echo "500 points walked from uniform noise onto the learned boundary f = 0."
run "$bin/ocsdf-sample" -f -m "$out/circles.model" -n 500 -o "$out/circles-boundary.csv"

step "3D: 2,048 points on a torus (data/torus.csv)"
echo "One scale for all three axes (--scale iso) keeps the shape's geometry."
echo "Points on a surface: the paper's sampler, whose negatives walk in from"
echo "outside and leave the inside of the shell of points alone, with bigger"
echo "batches, 8 Newton steps per negative and a tighter box, the paper's"
echo "choices for its 3D experiments."
run "$bin/ocsdf-train" -f --sampler paper --activation fullsort --lr-decay none \
	--width 128 --depth 3 --epochs 100 --batch 512 --walk-steps 8 --domain 3 \
	--scale iso -o "$out/torus.model" data/torus.csv
echo "The learned boundary, with the cavity inside the shell of points filled:"
echo "one closed surface of genus 1 (Euler characteristic 0)."
run "$bin/ocsdf-mesh" -f -v -m "$out/torus.model" -r 96 -o "$out/torus.ply"

end=$(date +%s)
echo
echo "== Done in $((end - start)) s.  The files, and how to look at them:"
show() { printf '  %-26s %-33s %s\n' "$out/$1" "$2" "$3"; }
show circles-contours.svg "level sets of f, f = 0 in bold" "a web browser"
show circles-roc.svg "plain and certified ROC curves" "a web browser"
show circles-hist.svg "histograms of sdf by label" "a web browser"
show circles-scored.csv "the rows with their sdf column" "sort -t, -k4 -g"
show circles-boundary.csv "500 points on the boundary f = 0" "any plotting tool"
show torus.ply "triangle mesh of the torus" "MeshLab, f3d"
show "*.model" "the two models" "man/ocsdf-model.5"
echo "Next: README.md, docs/tutorial.md, man -l man/ocsdf.7."
