#!/bin/sh
# Regenerates the small data sets bundled in data/ (deterministic: fixed
# seeds, awk only).  2D toys in the spirit of the paper's Figure 2, each
# with a label column (0 = drawn from the shape, 1 = uniform background
# anomaly), and 3D point clouds of 2,048 surface points (no label).
#
#   sh data/make-data.sh [OUTDIR]      (default: the folder of this script)
set -eu
out=${1:-$(cd "$(dirname "$0")" && pwd)}

gen() { # gen NAME SEED PROGRAM
	awk -v seed="$2" "BEGIN { srand(seed); pi = atan2(0, -1); OFMT = \"%.6f\"
		$3 }
		function gauss() { return sqrt(-2 * log(1 - rand())) * cos(2 * pi * rand()) }
		function u(a, b) { return a + (b - a) * rand() }
		function p2(x, y, l) { printf \"%.6f,%.6f,%d\n\", x, y, l }
		function p3(x, y, z) { printf \"%.6f,%.6f,%.6f\n\", x, y, z }" >"$out/$1.tmp"
	mv "$out/$1.tmp" "$out/$1"
}

# Background anomalies: uniform over a box around the shape.
anoms='for (i = 0; i < 100; i++) p2(u(-2, 3), u(-1.5, 2), 1)'

gen moons.csv 1 "print \"x,y,label\"
	for (i = 0; i < 1000; i++) { t = pi * rand()
		p2(cos(t) + 0.05 * gauss(), sin(t) + 0.05 * gauss(), 0)
		t = pi * rand(); p2(1 - cos(t) + 0.05 * gauss(), 0.5 - sin(t) + 0.05 * gauss(), 0) }
	$anoms"

gen blobs.csv 2 "print \"x,y,label\"
	for (i = 0; i < 1000; i++) { p2(0.5 * gauss(), 0.5 * gauss(), 0); p2(1.5 + 0.3 * gauss(), 1 + 0.3 * gauss(), 0) }
	$anoms"

gen circles.csv 3 "print \"x,y,label\"
	for (i = 0; i < 1000; i++) { t = 2 * pi * rand(); p2(1.5 * cos(t) + 0.05 * gauss(), 1.5 * sin(t) + 0.05 * gauss(), 0)
		t = 2 * pi * rand(); p2(0.6 * cos(t) + 0.05 * gauss(), 0.6 * sin(t) + 0.05 * gauss(), 0) }
	for (i = 0; i < 100; i++) p2(u(-2.5, 2.5), u(-2.5, 2.5), 1)"

# A filled disk of radius 1: the shape whose signed distance is known
# exactly (1 - |x|), used by the tests.
gen disk.csv 4 "print \"x,y,label\"
	for (i = 0; i < 2000; i++) { r = sqrt(rand()); t = 2 * pi * rand(); p2(r * cos(t), r * sin(t), 0) }
	for (i = 0; i < 100; i++) { r = 1.5 + 1.5 * rand(); t = 2 * pi * rand(); p2(r * cos(t), r * sin(t), 1) }"

# A dense blob with a sparse cloud around it.
gen blob-cloud.csv 5 "print \"x,y,label\"
	for (i = 0; i < 1800; i++) p2(0.4 * gauss(), 0.4 * gauss(), 0)
	for (i = 0; i < 200; i++) p2(1.5 * gauss(), 1.5 * gauss(), 0)
	$anoms"

gen sphere.csv 6 "print \"x,y,z\"
	for (i = 0; i < 2048; i++) { x = gauss(); y = gauss(); z = gauss(); n = sqrt(x*x + y*y + z*z); p3(x / n, y / n, z / n) }"

# Torus, major radius 1, minor radius 0.35 (area-uniform by rejection).
gen torus.csv 7 "print \"x,y,z\"
	R = 1; r = 0.35
	for (i = 0; i < 2048;) { t = 2 * pi * rand(); p = 2 * pi * rand()
		if (rand() * (R + r) > R + r * cos(p)) continue
		p3((R + r * cos(p)) * cos(t), (R + r * cos(p)) * sin(t), r * sin(p)); i++ }"

# Two linked rings (tubes of radius 0.2 around circles of radius 1, the
# second in the xz-plane through the first's centre line).
gen rings.csv 8 "print \"x,y,z\"
	R = 1; r = 0.2
	for (i = 0; i < 2048;) { t = 2 * pi * rand(); p = 2 * pi * rand()
		if (rand() * (R + r) > R + r * cos(p)) continue
		a = (R + r * cos(p)) * cos(t); b = (R + r * cos(p)) * sin(t); c = r * sin(p)
		if (i % 2) p3(a, b, c); else p3(a + 1, c, b); i++ }"
