#!/bin/sh
# Makes the fixed models the program tests mesh and sample from, so that
# what those tests assert does not depend on one training trajectory (the
# BLAS kernels of the machine change the rounding, hence the trajectory):
#   sphere.model, torus.model  the 3D recipe of ocsdf-mesh(1) on
#                              data/sphere.csv and data/torus.csv
#   disk.model                 data/disk.csv, the recipe of t_sample
#   circles.model              data/circles.csv, the recipe of make demo
# Rerun only to change the recipe; the models were made with the kernels
# and the command below, and any later version must still load them.
#
#   sh tests/cli/data/make-models.sh [BIN]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
bin=${1:-$top/build/bin}
surf="--sampler paper --activation fullsort --lr-decay none --width 128 --depth 3 --epochs 100 --batch 512 --walk-steps 8 --domain 3 --scale iso --seed 1 --threads 1 -q"
for shape in sphere torus; do
	"$bin/ocsdf-train" $surf -f -o "$here/$shape.model" "$top/data/$shape.csv"
done
"$bin/ocsdf-train" --sampler paper --activation fullsort --lr-decay none \
	--width 128 --depth 3 --epochs 30 --margin 0.05 --seed 1 --threads 2 -q \
	--label label -f -o "$here/disk.model" "$top/data/disk.csv"
"$bin/ocsdf-train" --width 64 --depth 3 --epochs 300 --seed 1 --threads 1 -q \
	--label label -f -o "$here/circles.model" "$top/data/circles.csv"
ls -l "$here"/*.model
