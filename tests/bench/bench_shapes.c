/*
 * bench_shapes.c: how close a trained model is to the true signed distance,
 * on shapes whose signed distance is known exactly.
 *
 *   bench_shapes                       self-test of the exact distances
 *   bench_shapes list                  the shapes: name and dimension
 *   bench_shapes data SHAPE [OPTS]     training CSV on standard output
 *   bench_shapes eval SHAPE MODEL [OPTS]
 *   bench_shapes points SHAPE [OPTS]   evaluation points and their sdf (CSV)
 *
 * OPTS: --rows N (default 2000), --seed S (data seed, default 1),
 * --outliers (5% of the rows uniform in the shape's bounding box instead of
 * inside; a box shape is its own bounding box, so its rows stay the same),
 * and for eval and points --points N (default 4000).  eval regenerates the
 * training rows from the same options, so give it those of `data`.
 *
 * Distances are positive inside, like the model's f, and everything is
 * compared in RAW input units: f and its gradient are divided by the
 * model's Lipschitz constant with respect to raw inputs (what
 * `ocsdf-score --units raw` prints; with --scale iso that is f times the
 * one standard deviation).  eval prints one line of numbers:
 *
 *   spearman auroc median||∇f|-1| mean|∇f| mean|f-sdf| edge median-at-edge
 *
 * Spearman correlation of f with the true distance and mean |f - sdf| are
 * over the evaluation points: half uniform over the box the training rows
 * span plus a quarter of its largest side on every side, half near the
 * boundary (uniform inside points moved to their nearest boundary point,
 * then along the normal by a N(0, 0.1^2) offset).  AUROC: inside (sdf > 0)
 * against outside by more than 0.1 (sdf < -0.1), over the same points.
 * The gradient figures are over the training rows; the last two: the share
 * of the rows at the edge (inside, at most half the largest depth of a
 * row: away from the medial axis, where the true distance has its kinks
 * and a smooth f is flatter) and the median of ||∇f| - 1| over them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rng.h"
#include "roc.h"
#include "score.h"
#include "stats.h"

#define MAXD 16

/* The distance sampler's defaults were chosen on the first six; the others
 * were added afterwards, to check those defaults on shapes they were not
 * tuned on: a square (corners), a thin plate in 3D (a
 * scanned surface), a thick sphere, a rod thin in 7 of 8 directions and a
 * ball in 16 dimensions. */
enum { ANNULUS, DISKS, TORUS, BALL, SHELL, SLAB, SQUARE, PLATE, SHELL3, ROD, BALL16, NSHAPES };

static const struct {
	const char *name;
	int d;
} shapes[NSHAPES] = {
	{"annulus2", 2}, {"disks2", 2}, {"torus3", 3},  {"ball8", 8}, {"shell8", 8},   {"slab16", 16},
	{"square2", 2},  {"plate3", 3}, {"shell3", 3},  {"rod8", 8},  {"ball16", 16},
};

/* Sizes: annulus radii 0.5 and 1; disks of radius 0.5 at (+-1, 0); torus
 * ring radius 1, tube radius 0.3; balls radius 1; shell8 radii 0.6 and 1,
 * shell3 0.8 and 1; boxes (box_half): the slab half-widths 1 on the first 4
 * axes and 0.1 on the other 12, the square 1 and 1, the plate 1, 1 and 0.1,
 * the rod 1 on the first axis and 0.1 on the other 7. */
#define ANN_R1 0.5
#define ANN_R2 1.0
#define DISK_R 0.5
#define DISK_C 1.0
#define TOR_R 1.0
#define TOR_T 0.3
#define SHELL_R1 0.6
#define SHELL_R2 1.0
#define SHELL3_R1 0.8

static int is_box(int k)
{
	return k == SLAB || k == SQUARE || k == PLATE || k == ROD;
}

/* The half-width of box shape k along axis i. */
static double box_half(int k, int i)
{
	switch (k) {
	case SLAB: return i < 4 ? 1.0 : 0.1;
	case PLATE: return i < 2 ? 1.0 : 0.1;
	case ROD: return i < 1 ? 1.0 : 0.1;
	default: return 1.0; /* SQUARE */
	}
}

static double norm(const double *x, int d)
{
	double s = 0;
	for (int i = 0; i < d; i++)
		s += x[i] * x[i];
	return sqrt(s);
}

/* sdf of a radial shell r1 <= |x| <= r2 (r1 = 0: a ball) and its gradient. */
static double radial(const double *x, int d, double r1, double r2, double *g)
{
	double rho = norm(x, d), s, sign;
	if (r1 > 0 && rho - r1 < r2 - rho) {
		s = rho - r1;
		sign = 1;
	} else {
		s = r2 - rho;
		sign = -1;
	}
	for (int i = 0; i < d; i++)
		g[i] = rho > 0 ? sign * x[i] / rho : (i == 0 ? -sign : 0);
	return s;
}

/* The exact signed distance of shape k at x (positive inside) and its
 * gradient g (a unit vector wherever the distance is differentiable). */
static double sdf(int k, const double *x, double *g)
{
	int d = shapes[k].d;
	switch (k) {
	case ANNULUS:
		return radial(x, d, ANN_R1, ANN_R2, g);
	case BALL:
	case BALL16:
		return radial(x, d, 0, 1, g);
	case SHELL:
		return radial(x, d, SHELL_R1, SHELL_R2, g);
	case SHELL3:
		return radial(x, d, SHELL3_R1, 1, g);
	case DISKS: {
		double c = x[0] >= 0 ? DISK_C : -DISK_C, y[2] = {x[0] - c, x[1]};
		return radial(y, 2, 0, DISK_R, g);
	}
	case TORUS: {
		double q = hypot(x[0], x[1]), a = q - TOR_R, r = hypot(a, x[2]);
		double ux = q > 0 ? x[0] / q : 1, uy = q > 0 ? x[1] / q : 0;
		double ca = r > 0 ? a / r : 1, cz = r > 0 ? x[2] / r : 0;
		g[0] = -ca * ux;
		g[1] = -ca * uy;
		g[2] = -cz;
		return TOR_T - r;
	}
	default: { /* the boxes */
		double e[MAXD], out = 0, in = INFINITY;
		int arg = 0;
		for (int i = 0; i < d; i++) {
			double m = fabs(x[i]) - box_half(k, i);
			e[i] = m > 0 ? m : 0;
			out += e[i] * e[i];
			if (-m < in) {
				in = -m;
				arg = i;
			}
		}
		out = sqrt(out);
		for (int i = 0; i < d; i++) {
			double sgn = x[i] < 0 ? -1 : 1;
			g[i] = out > 0 ? -sgn * e[i] / out : (i == arg ? -sgn : 0);
		}
		return out > 0 ? -out : in;
	}
	}
}

/* A uniform random direction in d dimensions. */
static void direction(ocsdf_rng *r, int d, double *u)
{
	double n;
	do {
		for (int i = 0; i < d; i++)
			u[i] = ocsdf_rng_normal(r);
		n = norm(u, d);
	} while (n < 1e-12);
	for (int i = 0; i < d; i++)
		u[i] /= n;
}

/* Uniform in the shell r1 <= |x| <= r2 of R^d (radius by inverse CDF). */
static void in_shell(ocsdf_rng *r, int d, double r1, double r2, double *x)
{
	double a = pow(r1, d), b = pow(r2, d);
	double rho = pow(a + ocsdf_rng_uniform(r) * (b - a), 1.0 / d);
	direction(r, d, x);
	for (int i = 0; i < d; i++)
		x[i] *= rho;
}

/* The bounding box of shape k: lo[i] = -hi[i]. */
static void bounds(int k, double *hi)
{
	for (int i = 0; i < shapes[k].d; i++) {
		switch (k) {
		case ANNULUS: hi[i] = ANN_R2; break;
		case DISKS: hi[i] = i == 0 ? DISK_C + DISK_R : DISK_R; break;
		case TORUS: hi[i] = i < 2 ? TOR_R + TOR_T : TOR_T; break;
		default: hi[i] = is_box(k) ? box_half(k, i) : 1; break;
		}
	}
}

static void in_box(ocsdf_rng *r, int d, const double *hi, double *x)
{
	for (int i = 0; i < d; i++)
		x[i] = (2 * ocsdf_rng_uniform(r) - 1) * hi[i];
}

/* A point uniform inside shape k. */
static void inside(int k, ocsdf_rng *r, double *x)
{
	int d = shapes[k].d;
	double hi[MAXD], g[MAXD];
	switch (k) {
	case ANNULUS: in_shell(r, d, ANN_R1, ANN_R2, x); return;
	case BALL:
	case BALL16: in_shell(r, d, 0, 1, x); return;
	case SHELL: in_shell(r, d, SHELL_R1, SHELL_R2, x); return;
	case SHELL3: in_shell(r, d, SHELL3_R1, 1, x); return;
	case DISKS:
		in_shell(r, 2, 0, DISK_R, x);
		x[0] += ocsdf_rng_uniform(r) < 0.5 ? -DISK_C : DISK_C;
		return;
	default: /* TORUS by rejection from its box; the boxes are their own */
		bounds(k, hi);
		do
			in_box(r, d, hi, x);
		while (sdf(k, x, g) <= 0);
	}
}

/* The training rows: n rows, 5% of them (rounded) uniform in the bounding
 * box if outliers, the rest inside, in a random order. */
static double *training_rows(int k, int n, uint64_t seed, int outliers)
{
	int d = shapes[k].d, nout = outliers ? (int)lround(0.05 * n) : 0;
	double *X = malloc(sizeof(double) * (size_t)n * (size_t)d), hi[MAXD];
	ocsdf_rng r;
	if (!X)
		return NULL;
	ocsdf_rng_seed(&r, seed);
	bounds(k, hi);
	for (int j = 0; j < n; j++) {
		if (j < nout)
			in_box(&r, d, hi, X + (size_t)j * d);
		else
			inside(k, &r, X + (size_t)j * d);
	}
	for (int j = n - 1; j > 0; j--) {
		int o = (int)ocsdf_rng_below(&r, (uint64_t)j + 1);
		for (int i = 0; i < d; i++) {
			double t = X[(size_t)j * d + i];
			X[(size_t)j * d + i] = X[(size_t)o * d + i];
			X[(size_t)o * d + i] = t;
		}
	}
	return X;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The evaluation points (n x d): see the top of the file. */
static void eval_points(int k, const double *X, int rows, int n, uint64_t seed, double *P)
{
	int d = shapes[k].d;
	double lo[MAXD], hi[MAXD], side = 0, g[MAXD];
	ocsdf_rng r;
	ocsdf_rng_seed(&r, seed ^ 0x5eedba5eULL);
	for (int i = 0; i < d; i++) {
		lo[i] = INFINITY;
		hi[i] = -INFINITY;
		for (int j = 0; j < rows; j++) {
			lo[i] = fmin(lo[i], X[(size_t)j * d + i]);
			hi[i] = fmax(hi[i], X[(size_t)j * d + i]);
		}
		side = fmax(side, hi[i] - lo[i]);
	}
	for (int j = 0; j < n; j++) {
		double *x = P + (size_t)j * d;
		if (j < n / 2) {
			for (int i = 0; i < d; i++)
				x[i] = lo[i] - 0.25 * side +
				       ocsdf_rng_uniform(&r) * (hi[i] - lo[i] + 0.5 * side);
		} else {
			inside(k, &r, x);
			double s = sdf(k, x, g) + 0.1 * ocsdf_rng_normal(&r);
			for (int i = 0; i < d; i++)
				x[i] -= s * g[i];
		}
	}
}

static void usage(void)
{
	fputs("usage: bench_shapes [list | data SHAPE [OPTS] | eval SHAPE MODEL [OPTS]\n"
	      "                    | points SHAPE [OPTS]]\n"
	      "OPTS: --rows N  --seed S  --outliers  --points N\n",
	      stderr);
	exit(64);
}

static long number(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		usage();
	return v;
}

/* Largest error of the exact distances against what they must satisfy:
 * known values, a unit gradient that matches finite differences, a
 * 1-Lipschitz field, sampled rows inside, projections on the boundary. */
static int self_test(void)
{
	static const struct {
		int k;
		double x[MAXD], s;
	} known[] = {
		{ANNULUS, {0.75, 0, 0}, 0.25}, {ANNULUS, {0, 0, 0}, -0.5}, {ANNULUS, {0, 1.5, 0}, -0.5},
		{DISKS, {1, 0, 0}, 0.5},       {DISKS, {0, 0, 0}, -0.5},   {DISKS, {-1, 2, 0}, -1.5},
		{TORUS, {1, 0, 0}, 0.3},       {TORUS, {0, 0, 0}, -0.7},   {TORUS, {0, 1.3, 0.4}, -0.2},
		{SQUARE, {0.5, 0.25, 0}, 0.5}, {SQUARE, {2, 2, 0}, -M_SQRT2}, {SQUARE, {0, -1.5, 0}, -0.5},
		{PLATE, {0.5, 0, 0.05}, 0.05}, {PLATE, {0, 0, 0.5}, -0.4},    {PLATE, {1.3, 0, 0.5}, -0.5},
		{SHELL3, {0, 0.9, 0}, 0.1},    {SHELL3, {0, 0, 0}, -0.8},     {SHELL3, {0, 0, 1.5}, -0.5},
		{ROD, {0.5, 0, 0}, 0.1},       {ROD, {1, 0.1, 0}, 0},         {ROD, {2, 0, 0.1}, -1},
	};
	double worst = 0, x[MAXD], y[MAXD], g[MAXD], gy[MAXD];
	int bad = 0;
	ocsdf_rng r;
	for (size_t t = 0; t < sizeof known / sizeof known[0]; t++) {
		double e = fabs(sdf(known[t].k, known[t].x, g) - known[t].s);
		worst = fmax(worst, e);
	}
	memset(x, 0, sizeof x);
	worst = fmax(worst, fabs(sdf(BALL, x, g) - 1));
	worst = fmax(worst, fabs(sdf(SHELL, x, g) + 0.6));
	worst = fmax(worst, fabs(sdf(SLAB, x, g) - 0.1));
	x[0] = 2;
	x[5] = 0.4;
	worst = fmax(worst, fabs(sdf(SLAB, x, g) + hypot(1, 0.3)));
	worst = fmax(worst, fabs(sdf(ROD, x, g) + hypot(1, 0.3)));
	memset(x, 0, sizeof x);
	x[15] = 3;
	worst = fmax(worst, fabs(sdf(BALL16, x, g) + 2));
	ocsdf_rng_seed(&r, 7);
	int dims = 0;
	for (int k = 0; k < NSHAPES; k++) {
		int d = shapes[k].d;
		double hi[MAXD];
		dims += d;
		bounds(k, hi);
		for (int t = 0; t < 2000; t++) {
			for (int i = 0; i < d; i++)
				x[i] = (4 * ocsdf_rng_uniform(&r) - 2) * hi[i];
			double s = sdf(k, x, g), gn = norm(g, d);
			worst = fmax(worst, fabs(gn - 1));
			for (int i = 0; i < d; i++) { /* finite difference along axis i */
				memcpy(y, x, sizeof(double) * (size_t)d);
				y[i] += 1e-7;
				double fd = (sdf(k, y, gy) - s) / 1e-7;
				/* off the kinks (rare), the derivative matches */
				if (fabs(fd - g[i]) > 1e-4)
					bad++;
			}
			in_box(&r, d, hi, y);
			double dist = 0;
			for (int i = 0; i < d; i++)
				dist += (x[i] - y[i]) * (x[i] - y[i]);
			if (fabs(sdf(k, y, gy) - s) > sqrt(dist) + 1e-12)
				worst = fmax(worst, 1);
			inside(k, &r, x);
			s = sdf(k, x, g);
			if (s <= 0)
				worst = fmax(worst, 1);
			for (int i = 0; i < d; i++)
				x[i] -= s * g[i];
			worst = fmax(worst, fabs(sdf(k, x, g)));
		}
	}
	printf("exact signed distances of %d shapes: largest error %.3g, "
	       "finite-difference mismatches %d of %d derivatives\n",
	       NSHAPES, worst, bad, 2000 * dims);
	return worst < 1e-9 && bad < 100 ? 0 : 1;
}

int main(int argc, char **argv)
{
	int k = -1, rows = 2000, points = 4000, outliers = 0, a;
	uint64_t seed = 1;
	const char *model = NULL;
	if (argc == 1)
		return self_test();
	if (strcmp(argv[1], "list") == 0) {
		for (k = 0; k < NSHAPES; k++)
			printf("%s %d\n", shapes[k].name, shapes[k].d);
		return 0;
	}
	if (argc < 3 || (strcmp(argv[1], "data") && strcmp(argv[1], "eval") && strcmp(argv[1], "points")))
		usage();
	for (int i = 0; i < NSHAPES; i++)
		if (strcmp(argv[2], shapes[i].name) == 0)
			k = i;
	if (k < 0)
		usage();
	a = 3;
	if (strcmp(argv[1], "eval") == 0) {
		if (argc < 4)
			usage();
		model = argv[a++];
	}
	for (; a < argc; a++) {
		if (strcmp(argv[a], "--outliers") == 0)
			outliers = 1;
		else if (a + 1 < argc && strcmp(argv[a], "--rows") == 0)
			rows = (int)number(argv[++a], 2, 10000000);
		else if (a + 1 < argc && strcmp(argv[a], "--points") == 0)
			points = (int)number(argv[++a], 4, 10000000);
		else if (a + 1 < argc && strcmp(argv[a], "--seed") == 0)
			seed = (uint64_t)number(argv[++a], 0, 2147483647L);
		else
			usage();
	}
	int d = shapes[k].d;
	double *X = training_rows(k, rows, seed, outliers);
	if (!X) {
		fputs("bench_shapes: out of memory\n", stderr);
		return 70;
	}
	if (strcmp(argv[1], "points") == 0) {
		double *P = malloc(sizeof(double) * (size_t)points * (size_t)d), g[MAXD];
		if (!P) {
			fputs("bench_shapes: out of memory\n", stderr);
			free(X);
			return 70;
		}
		eval_points(k, X, rows, points, seed, P);
		for (int i = 0; i < d; i++)
			printf("x%d,", i + 1);
		puts("sdf");
		for (int j = 0; j < points; j++) {
			for (int i = 0; i < d; i++)
				printf("%.17g,", P[(size_t)j * d + i]);
			printf("%.17g\n", sdf(k, P + (size_t)j * d, g));
		}
		free(P);
		free(X);
		return fflush(stdout) || ferror(stdout) ? 74 : 0;
	}
	if (!model) {
		for (int i = 0; i < d; i++)
			printf("%sx%d", i ? "," : "", i + 1);
		putchar('\n');
		for (int j = 0; j < rows; j++)
			for (int i = 0; i < d; i++)
				printf("%.17g%c", X[(size_t)j * d + i], i + 1 < d ? ',' : '\n');
		free(X);
		return fflush(stdout) || ferror(stdout) ? 74 : 0;
	}

	ocsdf_model *m;
	ocsdf_error e;
	int rc = ocsdf_model_load(model, &m, &e);
	if (rc) {
		fprintf(stderr, "bench_shapes: %s\n", e.msg);
		free(X);
		return rc;
	}
	if (m->arch.d != d) {
		fprintf(stderr, "bench_shapes: %s has %d features, %s has %d\n", model, m->arch.d,
			shapes[k].name, d);
		ocsdf_model_free(m);
		free(X);
		return 65;
	}
	enum { BLOCK = 512 };
	int nmax = rows > points ? rows : points;
	double unit = 1.0 / m->stats.lipschitz_raw, g[MAXD];
	double *P = malloc(sizeof(double) * (size_t)points * (size_t)d);
	double *f = malloc(sizeof(double) * (size_t)nmax), *s = malloc(sizeof(double) * (size_t)nmax);
	float *fb = malloc(sizeof(float) * BLOCK), *gb = malloc(sizeof(float) * BLOCK * MAXD);
	unsigned char *anom = malloc((size_t)points);
	ocsdf_scorer *sc = ocsdf_scorer_new(m, BLOCK);
	if (!P || !f || !s || !fb || !gb || !anom || !sc) {
		fputs("bench_shapes: out of memory\n", stderr);
		return 70;
	}
	/* Gradient on the training rows, in raw units: |∇f| per row into s. */
	for (int j0 = 0; j0 < rows; j0 += BLOCK) {
		int b = rows - j0 < BLOCK ? rows - j0 : BLOCK;
		ocsdf_scorer_grad(sc, X + (size_t)j0 * d, b, fb, gb);
		for (int j = 0; j < b; j++) {
			double n2 = 0;
			for (int i = 0; i < d; i++)
				n2 += (double)gb[j * d + i] * gb[j * d + i];
			s[j0 + j] = sqrt(n2) * unit;
		}
	}
	double gmean = 0;
	for (int j = 0; j < rows; j++) {
		gmean += s[j];
		s[j] = fabs(s[j] - 1);
	}
	gmean /= rows;
	/* The same deviation over the rows at the edge, packed into f. */
	double top = 0;
	for (int j = 0; j < rows; j++) {
		f[j] = sdf(k, X + (size_t)j * d, g);
		top = f[j] > top ? f[j] : top;
	}
	int nedge = 0;
	for (int j = 0; j < rows; j++)
		if (f[j] > 0 && f[j] <= 0.5 * top)
			f[nedge++] = s[j];
	double edge = (double)nedge / rows, gedge = nedge ? median(f, nedge) : NAN;
	double gdev = median(s, rows);

	eval_points(k, X, rows, points, seed, P);
	for (int j0 = 0; j0 < points; j0 += BLOCK) {
		int b = points - j0 < BLOCK ? points - j0 : BLOCK;
		ocsdf_scorer_run(sc, P + (size_t)j0 * d, b, fb);
		for (int j = 0; j < b; j++)
			f[j0 + j] = fb[j] * unit;
	}
	double err = 0;
	int kept = 0;
	for (int j = 0; j < points; j++) {
		s[j] = sdf(k, P + (size_t)j * d, g);
		err += fabs(f[j] - s[j]);
	}
	err /= points;
	double rho = spearman(f, s, points);
	/* AUROC over inside and outside-by-more-than-0.1 points only: pack them */
	for (int j = 0; j < points; j++) {
		if (s[j] > 0 || s[j] < -0.1) {
			anom[kept] = s[j] < 0;
			f[kept++] = f[j];
		}
	}
	ocsdf_roc *roc;
	double auroc = NAN;
	if (ocsdf_roc_new(f, anom, (size_t)kept, &roc, &e) == 0) {
		auroc = ocsdf_roc_auroc(roc, 0);
		ocsdf_roc_free(roc);
	}
	printf("%.4f %.4f %.4f %.4f %.4f %.4f %.4f\n", rho, auroc, gdev, gmean, err, edge, gedge);
	ocsdf_scorer_free(sc);
	ocsdf_model_free(m);
	free(X);
	free(P);
	free(f);
	free(s);
	free(fb);
	free(gb);
	free(anom);
	return fflush(stdout) || ferror(stdout) ? 74 : 0;
}
