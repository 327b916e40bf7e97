/*
 * bench_tangent.c: what a support that follows the local axes of the rows
 * would give the distance sampler's targets, beside the support of today
 * (support.h).  No model is trained: the figures are those of the targets
 * t = r - d_k alone, the part of a training step's targets that sets where
 * the support ends.
 *
 *   bench_tangent [OPTIONS] ROWS.csv
 *
 * Today's support measures d_k(z), the distance from z to its k-th nearest
 * row (--iso).  The tangent support replaces each row x_i by a flat disk:
 * the m_i principal axes of x_i and its P nearest other rows (the axes
 * whose variance is at least tau times the largest; all of them when m_i
 * reaches d, then a ball), centred on x_i, of radius rho times the
 * distance from x_i to its k-th nearest row.  The distance from z to that
 * disk, sqrt(|v_perp|^2 + max(0, |v_par| - rho_i)^2) with v = z - x_i
 * split along and across the axes, is 1-Lipschitz with a unit gradient
 * off the disk, as |z - x_i| is, and so is d_k, now the k-th smallest of
 * these distances: the bounds of support.h hold unchanged.  Where the
 * rows are thin in some directions, the disks are too, and the support
 * is as thin as the rows rather than as thick as their spacing.
 *
 * r is the 0.95-quantile of the rows' own d_k (each row's disk left out).
 * Prints one line:
 *
 *   rows d mean_m r figures
 *
 * figures: with --label COL, the AUROC (%) of d_k at the rows (each left
 * out) for COL = 1; with --points FILE (the columns of ROWS.csv and a
 * column sdf, the true signed distance, positive inside: bench_shapes
 * points), the AUROC of t inside (sdf > 0) against outside by more than
 * 0.1, then the Spearman correlation of t with sdf over the outside
 * points (sdf < 0) and over all of them.
 *
 * Options: --iso (today's support), --knn K (10), --pca-rows P (20),
 * --tau T (0.1), --rho R (1), --scale std|none (std: each feature over its
 * standard deviation on ROWS.csv, as ocsdf-train; none: as read).
 * Exact and slow: double precision, every pair of points (rows times
 * points times P d operations); at most 20000 rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "model.h"
#include "roc.h"
#include "scale.h"
#include "stats.h"
#include "support.h"

#define MAX_ROWS 20000
#define MAX_P 64

typedef struct {
	int n, d, k, iso;
	const double *X;  /* n x d rows */
	double *U;        /* n x P x d: row i's axes, m[i] of them */
	int *m, P;
	double *rho;      /* disk radii */
} support;

static void usage(void)
{
	fputs("usage: bench_tangent [--iso] [--knn K] [--pca-rows P] [--tau T] [--rho R]\n"
	      "                     [--scale std|none] [--label COL | --points FILE] ROWS.csv\n",
	      stderr);
	exit(64);
}

/* The number s in [lo, hi], a whole one if whole; else the usage. */
static double number(const char *s, double lo, double hi, int whole)
{
	char *end;
	double v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !(v >= lo && v <= hi) || (whole && v != floor(v)))
		usage();
	return v;
}

static double dist2(const double *a, const double *b, int d)
{
	double s = 0;
	for (int i = 0; i < d; i++)
		s += (a[i] - b[i]) * (a[i] - b[i]);
	return s;
}

/* Inserts v into the kk smallest of best (ascending), with its index. */
static void keep(double *best, int *at, int kk, double v, int i)
{
	if (v >= best[kk - 1])
		return;
	int p = kk - 1;
	while (p > 0 && best[p - 1] > v) {
		best[p] = best[p - 1];
		if (at)
			at[p] = at[p - 1];
		p--;
	}
	best[p] = v;
	if (at)
		at[p] = i;
}

/* Eigenvalues ev and eigenvectors (columns of V) of the symmetric n x n A
 * (destroyed), by cyclic Jacobi rotations. */
static void jacobi(double *A, int n, double *V, double *ev)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			V[i * n + j] = i == j;
	for (int sweep = 0; sweep < 100; sweep++) {
		double off = 0, diag = 0;
		for (int p = 0; p < n; p++) {
			diag += A[p * n + p] * A[p * n + p];
			for (int q = p + 1; q < n; q++)
				off += A[p * n + q] * A[p * n + q];
		}
		if (off <= 1e-30 * diag || off == 0)
			break;
		for (int p = 0; p < n; p++)
			for (int q = p + 1; q < n; q++) {
				if (A[p * n + q] == 0)
					continue;
				double th = (A[q * n + q] - A[p * n + p]) / (2 * A[p * n + q]);
				double t = (th >= 0 ? 1 : -1) / (fabs(th) + sqrt(th * th + 1));
				double c = 1 / sqrt(t * t + 1), s = t * c;
				for (int k = 0; k < n; k++) {
					double a = A[k * n + p], b = A[k * n + q];
					A[k * n + p] = c * a - s * b;
					A[k * n + q] = s * a + c * b;
				}
				for (int k = 0; k < n; k++) {
					double a = A[p * n + k], b = A[q * n + k];
					A[p * n + k] = c * a - s * b;
					A[q * n + k] = s * a + c * b;
				}
				for (int k = 0; k < n; k++) {
					double a = V[k * n + p], b = V[k * n + q];
					V[k * n + p] = c * a - s * b;
					V[k * n + q] = s * a + c * b;
				}
			}
	}
	for (int i = 0; i < n; i++)
		ev[i] = A[i * n + i];
}

/* Each row's axes and radius (the tangent support).  0, or 70. */
static int build(support *s, double tau, double rho)
{
	const int n = s->n, d = s->d, P = s->P;
	int idx[MAX_P];
	double best[MAX_P], G[MAX_P * MAX_P], V[MAX_P * MAX_P], ev[MAX_P];
	double *off = malloc(sizeof(double) * (size_t)P * (size_t)d), *mu = malloc(sizeof(double) * (size_t)d);
	s->U = malloc(sizeof(double) * (size_t)n * (size_t)P * (size_t)d);
	s->m = malloc(sizeof(int) * (size_t)n);
	s->rho = malloc(sizeof(double) * (size_t)n);
	if (!off || !mu || !s->U || !s->m || !s->rho) {
		free(off);
		free(mu);
		return 70;
	}
	for (int i = 0; i < n; i++) {
		const double *x = s->X + (size_t)i * d;
		for (int j = 0; j < P; j++)
			best[j] = INFINITY, idx[j] = -1;
		for (int j = 0; j < n; j++)
			if (j != i)
				keep(best, idx, P, dist2(x, s->X + (size_t)j * d, d), j);
		/* Offsets of the neighbourhood (x and its P rows) from its mean. */
		for (int a = 0; a < d; a++) {
			double t = x[a];
			for (int j = 0; j < P; j++)
				t += s->X[(size_t)idx[j] * d + a];
			mu[a] = t / (P + 1);
		}
		for (int j = 0; j < P; j++)
			for (int a = 0; a < d; a++)
				off[(size_t)j * d + a] = s->X[(size_t)idx[j] * d + a] - mu[a];
		/* Their principal axes from the P x P Gram matrix. */
		for (int p = 0; p < P; p++)
			for (int q = 0; q < P; q++) {
				double t = 0;
				for (int a = 0; a < d; a++)
					t += off[(size_t)p * d + a] * off[(size_t)q * d + a];
				G[p * P + q] = t;
			}
		jacobi(G, P, V, ev);
		double top = 0;
		for (int p = 0; p < P; p++)
			top = fmax(top, ev[p]);
		int m = 0;
		for (int p = 0; p < P && m < d; p++) {
			if (!(ev[p] > 0 && ev[p] >= tau * top))
				continue;
			double *u = s->U + ((size_t)i * P + m) * d, len = 0;
			for (int a = 0; a < d; a++) {
				double t = 0;
				for (int q = 0; q < P; q++)
					t += off[(size_t)q * d + a] * V[q * P + p];
				u[a] = t;
			}
			/* Against the axes before it (rounding), then unit length. */
			for (int b = 0; b < m; b++) {
				const double *w = s->U + ((size_t)i * P + b) * d;
				double dot = 0;
				for (int a = 0; a < d; a++)
					dot += u[a] * w[a];
				for (int a = 0; a < d; a++)
					u[a] -= dot * w[a];
			}
			for (int a = 0; a < d; a++)
				len += u[a] * u[a];
			len = sqrt(len);
			if (len < 1e-9)
				continue;
			for (int a = 0; a < d; a++)
				u[a] /= len;
			m++;
		}
		s->m[i] = m;
		s->rho[i] = rho * sqrt(best[s->k - 1]);
	}
	free(off);
	free(mu);
	return 0;
}

/* Distance from z to row i's element: the point, or its disk. */
static double element(const support *s, const double *z, int i)
{
	const int d = s->d;
	const double *x = s->X + (size_t)i * d;
	double n2 = dist2(z, x, d), par2 = 0;
	if (s->iso)
		return sqrt(n2);
	if (s->m[i] >= d)
		return fmax(0, sqrt(n2) - s->rho[i]);
	for (int b = 0; b < s->m[i]; b++) {
		const double *u = s->U + ((size_t)i * s->P + b) * d;
		double dot = 0;
		for (int a = 0; a < d; a++)
			dot += u[a] * (z[a] - x[a]);
		par2 += dot * dot;
	}
	double over = fmax(0, sqrt(par2) - s->rho[i]);
	return sqrt(fmax(0, n2 - par2) + over * over);
}

/* d_k(z), row skip (or -1) left out. */
static double dk(const support *s, const double *z, int skip)
{
	double best[MAX_P];
	for (int j = 0; j < s->k; j++)
		best[j] = INFINITY;
	for (int i = 0; i < s->n; i++)
		if (i != skip)
			keep(best, NULL, s->k, element(s, z, i), i);
	return best[s->k - 1];
}

static int read_csv(const char *path, const char *label, ocsdf_dataset *ds)
{
	ocsdf_dataset_spec spec = {0};
	ocsdf_error e;
	spec.label = label;
	int rc = ocsdf_dataset_read(path, &spec, ds, &e);
	if (rc)
		fprintf(stderr, "bench_tangent: %s\n", e.msg);
	return rc;
}

int main(int argc, char **argv)
{
	support s = {0};
	double tau = 0.1, rho = 1;
	int scale = OCSDF_SCALE_STD, a;
	const char *label = NULL, *points = NULL;
	s.k = 10;
	s.P = 20;
	for (a = 1; a < argc - 1; a++) {
		if (strcmp(argv[a], "--iso") == 0)
			s.iso = 1;
		else if (strcmp(argv[a], "--knn") == 0 && a + 2 < argc)
			s.k = (int)number(argv[++a], 1, MAX_P, 1);
		else if (strcmp(argv[a], "--pca-rows") == 0 && a + 2 < argc)
			s.P = (int)number(argv[++a], 2, MAX_P, 1);
		else if (strcmp(argv[a], "--tau") == 0 && a + 2 < argc)
			tau = number(argv[++a], 0, 1, 0);
		else if (strcmp(argv[a], "--rho") == 0 && a + 2 < argc)
			rho = number(argv[++a], 0, 100, 0);
		else if (strcmp(argv[a], "--scale") == 0 && a + 2 < argc) {
			a++;
			if (strcmp(argv[a], "std") && strcmp(argv[a], "none"))
				usage();
			scale = strcmp(argv[a], "std") == 0 ? OCSDF_SCALE_STD : OCSDF_SCALE_NONE;
		} else if (strcmp(argv[a], "--label") == 0 && a + 2 < argc && !points)
			label = argv[++a];
		else if (strcmp(argv[a], "--points") == 0 && a + 2 < argc && !label)
			points = argv[++a];
		else
			usage();
	}
	if (a != argc - 1 || argv[a][0] == '-' || (s.k > s.P && !s.iso))
		usage();

	ocsdf_dataset rows, pts = {0};
	if (read_csv(argv[a], label, &rows))
		return 1;
	const int n = (int)rows.n, d = rows.d;
	if (rows.n <= (size_t)s.P || rows.n <= (size_t)s.k || rows.n > MAX_ROWS || (label && !rows.labels)) {
		fprintf(stderr, "bench_tangent: needs more than --pca-rows and --knn rows, at most %d%s\n",
			MAX_ROWS, label ? ", and labels" : "");
		return 1;
	}
	if (points && (read_csv(points, "sdf", &pts) || pts.d != d || !pts.labels || pts.n < 2)) {
		fprintf(stderr, "bench_tangent: %s: the %d features of %s and a column sdf\n", points, d, argv[a]);
		return 1;
	}
	/* Standardize rows (and points alike) as ocsdf-train does
	 * (scale.h), in double. */
	double *mean = malloc(sizeof(double) * (size_t)d), *sd = malloc(sizeof(double) * (size_t)d);
	if (!mean || !sd) {
		fputs("bench_tangent: out of memory\n", stderr);
		return 70;
	}
	ocsdf_scale_fit(rows.X, rows.n, d, scale, mean, sd);
	for (int i = 0; i < d; i++) {
		for (int j = 0; j < n; j++)
			rows.X[(size_t)j * d + i] = (rows.X[(size_t)j * d + i] - mean[i]) / sd[i];
		for (size_t j = 0; j < pts.n; j++)
			pts.X[j * d + i] = (pts.X[j * d + i] - mean[i]) / sd[i];
	}
	free(mean);
	free(sd);
	/* The true distances of the points, checked before any work. */
	for (size_t j = 0; j < pts.n; j++) {
		char *end;
		double v = strtod(pts.labels[j], &end);
		if (end == pts.labels[j] || *end || !isfinite(v)) {
			fprintf(stderr, "bench_tangent: %s: sdf \"%s\" is not a number\n", points, pts.labels[j]);
			return 1;
		}
	}
	s.n = n;
	s.d = d;
	s.X = rows.X;
	if (!s.iso && build(&s, tau, rho)) {
		fputs("bench_tangent: out of memory\n", stderr);
		return 70;
	}
	size_t np = points ? pts.n : (size_t)n;
	float *loo = malloc(sizeof(float) * (size_t)n);
	double *t = malloc(sizeof(double) * np);
	double *sdf = malloc(sizeof(double) * np), *to = malloc(sizeof(double) * np), *so = malloc(sizeof(double) * np);
	unsigned char *pos = malloc(np);
	if (!loo || !t || !sdf || !to || !so || !pos) {
		fputs("bench_tangent: out of memory\n", stderr);
		return 70;
	}
	double msum = 0;
	for (int j = 0; j < n; j++) {
		double v = dk(&s, rows.X + (size_t)j * d, j);
		loo[j] = (float)v;
		msum += s.iso ? d : s.m[j];
		if (label) {
			pos[j] = strcmp(rows.labels[j], "1") == 0;
			t[j] = -v;
		}
	}
	printf("%d %d %.2f", n, d, msum / n);
	/* r as the trainer takes it (support.h). */
	ocsdf_sort_floats(loo, (size_t)n);
	double r = ocsdf_sorted_quantile(loo, (size_t)n, 0.95);
	printf(" %.4f", r);
	if (label)
		printf(" %.2f", auroc_percent(t, pos, (size_t)n));
	if (points) {
		size_t m = 0, no = 0;
		for (size_t j = 0; j < pts.n; j++) {
			double v = strtod(pts.labels[j], NULL), tj = r - dk(&s, pts.X + j * d, -1);
			sdf[j] = v;
			t[j] = tj;
			if (v < 0)
				to[no] = tj, so[no] = v, no++;
			m += v > 0 || v < -0.1;
		}
		/* AUROC of t over the points inside and those outside by more
		 * than 0.1 (the anomalies). */
		double *sc = malloc(sizeof(double) * m);
		unsigned char *out = malloc(m);
		if (!sc || !out) {
			fputs("bench_tangent: out of memory\n", stderr);
			return 70;
		}
		m = 0;
		for (size_t j = 0; j < pts.n; j++)
			if (sdf[j] > 0 || sdf[j] < -0.1) {
				sc[m] = t[j];
				out[m++] = sdf[j] < -0.1;
			}
		printf(" %.4f %.4f %.4f", auroc_percent(sc, out, m) / 100, spearman(to, so, (int)no), spearman(t, sdf, (int)pts.n));
		free(sc);
		free(out);
	}
	putchar('\n');
	free(loo);
	free(t);
	free(sdf);
	free(to);
	free(so);
	free(pos);
	free(s.U);
	free(s.m);
	free(s.rho);
	ocsdf_dataset_free(&rows);
	if (points)
		ocsdf_dataset_free(&pts);
	return fflush(stdout) || ferror(stdout) ? 74 : 0;
}
