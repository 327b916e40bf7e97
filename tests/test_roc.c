/*
 * test_roc.c: AUROC, certified AUROC, standard errors, average precision,
 * ROC curves and decisions (lib/roc.c).  (Their plots: test_plot.c.)
 *
 * Small cases are worked out by hand in the comments; larger random cases
 * are checked against a direct O(n^2) count over all pairs, with integer
 * scores so that ties are frequent and every shifted value is exact.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "roc.h"
#include "rng.h"

/* ---- helpers ---- */

static ocsdf_roc *make(const double *x, size_t nx, const double *y, size_t ny)
{
	double *s = malloc((nx + ny) * sizeof *s);
	unsigned char *a = malloc(nx + ny);
	ocsdf_roc *r = NULL;
	ocsdf_error e;
	ck_assert(s && a);
	for (size_t i = 0; i < nx; i++) {
		s[i] = x[i];
		a[i] = 0;
	}
	for (size_t j = 0; j < ny; j++) {
		s[nx + j] = y[j];
		a[nx + j] = 1;
	}
	ck_assert_int_eq(ocsdf_roc_new(s, a, nx + ny, &r, &e), 0);
	free(s);
	free(a);
	return r;
}

/* AUROC by counting every pair, at shift sh. */
static double brute_auroc(const double *x, size_t nx, const double *y, size_t ny, double sh)
{
	uint64_t twice = 0;
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++) {
			double a = x[i] - sh, b = y[j] + sh;
			twice += a > b ? 2 : a == b ? 1 : 0;
		}
	return (double)twice / (2.0 * (double)nx * (double)ny);
}

/* DeLong's variance written directly from its definition. */
static double brute_delong(const double *x, size_t nx, const double *y, size_t ny)
{
	double a = brute_auroc(x, nx, y, ny, 0), s10 = 0, s01 = 0;
	for (size_t i = 0; i < nx; i++) {
		double v = 0;
		for (size_t j = 0; j < ny; j++)
			v += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
		v = v / (double)ny - a;
		s10 += v * v;
	}
	for (size_t j = 0; j < ny; j++) {
		double v = 0;
		for (size_t i = 0; i < nx; i++)
			v += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
		v = v / (double)nx - a;
		s01 += v * v;
	}
	return sqrt(s10 / (double)(nx - 1) / (double)nx + s01 / (double)(ny - 1) / (double)ny);
}

static void random_ints(ocsdf_rng *g, double *v, size_t n, int range, int offset)
{
	for (size_t i = 0; i < n; i++)
		v[i] = (double)((int)ocsdf_rng_below(g, (uint64_t)range) + offset);
}

/* ---- AUROC ---- */

START_TEST(test_hand_ties)
{
	/* normal {3,2,2,1}, anomalous {2,1,0}; pairs won by the normal row:
	 * 3: 3;  2: 0.5+1+1 (twice);  1: 0+0.5+1  ->  U = 9.5 of 12. */
	double x[] = {3, 2, 2, 1}, y[] = {2, 1, 0};
	ocsdf_roc *r = make(x, 4, y, 3);
	ck_assert(ocsdf_roc_auroc(r, 0) == 19.0 / 24.0);
	/* shift 0.5: normal {2.5,1.5,1.5,0.5}, anomalous {2.5,1.5,0.5}:
	 * 2.5: .5+1+1;  1.5: 0+.5+1 (twice);  0.5: .5  ->  U = 6. */
	ck_assert(ocsdf_roc_auroc(r, 0.5) == 0.5);
	/* shift 1: normal {2,1,1,0}, anomalous {3,2,1}: 2: .5+1; 1: .5 (twice). */
	ck_assert(ocsdf_roc_auroc(r, 1) == 5.0 / 24.0);
	ck_assert(ocsdf_roc_auroc(r, 10) == 0);
	ck_assert_uint_eq(ocsdf_roc_n_normal(r), 4);
	ck_assert_uint_eq(ocsdf_roc_n_anomalous(r), 3);
	ocsdf_roc_free(r);
}
END_TEST

START_TEST(test_hand_extremes)
{
	double x[] = {5, 6}, y[] = {1, 2}, z[] = {7, 7}, w[] = {7};
	ocsdf_roc *r = make(x, 2, y, 2);
	ck_assert(ocsdf_roc_auroc(r, 0) == 1);
	ck_assert(ocsdf_roc_delong_se(r, 0) == 0);
	ck_assert(ocsdf_roc_average_precision(r, 0) == 1);
	/* separated by a gap of 3: any shift below 1.5 keeps it perfect. */
	ck_assert(ocsdf_roc_auroc(r, 1.49) == 1);
	ck_assert(ocsdf_roc_auroc(r, 1.5) < 1);
	ocsdf_roc_free(r);
	r = make(y, 2, x, 2);
	ck_assert(ocsdf_roc_auroc(r, 0) == 0);
	ocsdf_roc_free(r);
	r = make(z, 2, w, 1);   /* all tied */
	ck_assert(ocsdf_roc_auroc(r, 0) == 0.5);
	ck_assert(isnan(ocsdf_roc_delong_se(r, 0)));   /* one anomalous row */
	ocsdf_roc_free(r);
}
END_TEST

START_TEST(test_against_pairs)
{
	ocsdf_rng g;
	ocsdf_rng_seed(&g, 11);
	for (int rep = 0; rep < 40; rep++) {
		size_t nx = 1 + ocsdf_rng_below(&g, 300), ny = 1 + ocsdf_rng_below(&g, 100);
		double *x = malloc(nx * sizeof *x), *y = malloc(ny * sizeof *y);
		ocsdf_roc *r;
		random_ints(&g, x, nx, 12, 0);
		random_ints(&g, y, ny, 12, -3);
		r = make(x, nx, y, ny);
		for (double sh = 0; sh <= 8; sh += 0.5)
			ck_assert(ocsdf_roc_auroc(r, sh) == brute_auroc(x, nx, y, ny, sh));
		if (nx >= 2 && ny >= 2)
			ck_assert_double_eq_tol(ocsdf_roc_delong_se(r, 0), brute_delong(x, nx, y, ny), 1e-12);
		ocsdf_roc_free(r);
		free(x);
		free(y);
	}
}
END_TEST

START_TEST(test_row_order_invariance)
{
	enum { N = 3000 };
	static double s[N], s2[N];
	static unsigned char a[N], a2[N];
	uint32_t idx[N];
	ocsdf_rng g;
	ocsdf_error e;
	ocsdf_roc *r1, *r2;
	ocsdf_rng_seed(&g, 5);
	for (int i = 0; i < N; i++) {
		a[i] = ocsdf_rng_uniform(&g) < 0.2;
		s[i] = floor(ocsdf_rng_normal(&g) * 4 + (a[i] ? -3 : 0)) / 4;
		idx[i] = (uint32_t)i;
	}
	ocsdf_rng_shuffle(&g, idx, N);
	for (int i = 0; i < N; i++) {
		s2[i] = s[idx[i]];
		a2[i] = a[idx[i]];
	}
	ck_assert_int_eq(ocsdf_roc_new(s, a, N, &r1, &e), 0);
	ck_assert_int_eq(ocsdf_roc_new(s2, a2, N, &r2, &e), 0);
	for (double sh = 0; sh < 3; sh += 0.25) {
		ck_assert(ocsdf_roc_auroc(r1, sh) == ocsdf_roc_auroc(r2, sh));
		ck_assert(ocsdf_roc_average_precision(r1, sh) == ocsdf_roc_average_precision(r2, sh));
	}
	ck_assert(ocsdf_roc_delong_se(r1, 0) == ocsdf_roc_delong_se(r2, 0));
	ocsdf_roc_free(r1);
	ocsdf_roc_free(r2);
}
END_TEST

START_TEST(test_monotone_transform_invariance)
{
	enum { N = 2000 };
	static double s[N], t[N];
	static unsigned char a[N];
	ocsdf_rng g;
	ocsdf_error e;
	ocsdf_roc *r0, *r1;
	double base;
	ocsdf_rng_seed(&g, 6);
	for (int i = 0; i < N; i++) {
		a[i] = ocsdf_rng_uniform(&g) < 0.3;
		/* quarters in [-4, 4]: many ties, and distinct values stay
		 * distinct through every transform below */
		s[i] = floor(ocsdf_rng_normal(&g) * 4 + (a[i] ? -2 : 1)) / 4;
		if (s[i] < -4)
			s[i] = -4;
		if (s[i] > 4)
			s[i] = 4;
	}
	ck_assert_int_eq(ocsdf_roc_new(s, a, N, &r0, &e), 0);
	base = ocsdf_roc_auroc(r0, 0);
	for (int k = 0; k < 4; k++) {
		for (int i = 0; i < N; i++)
			t[i] = k == 0 ? exp(s[i]) : k == 1 ? s[i] * s[i] * s[i] + s[i]
				: k == 2 ? 3 * s[i] - 1e6 : atan(s[i]);
		ck_assert_int_eq(ocsdf_roc_new(t, a, N, &r1, &e), 0);
		ck_assert(ocsdf_roc_auroc(r1, 0) == base);
		ck_assert(ocsdf_roc_average_precision(r1, 0) == ocsdf_roc_average_precision(r0, 0));
		ocsdf_roc_free(r1);
	}
	/* A decreasing transform mirrors the AUROC. */
	for (int i = 0; i < N; i++)
		t[i] = -s[i];
	ck_assert_int_eq(ocsdf_roc_new(t, a, N, &r1, &e), 0);
	ck_assert_double_eq_tol(ocsdf_roc_auroc(r1, 0), 1 - base, 1e-15);
	ocsdf_roc_free(r1);
	ocsdf_roc_free(r0);
}
END_TEST

START_TEST(test_certified_monotone)
{
	enum { N = 5000 };
	static double s[N];
	static unsigned char a[N];
	ocsdf_rng g;
	ocsdf_error e;
	ocsdf_roc *r;
	double prev, prev_ap;
	ocsdf_rng_seed(&g, 7);
	for (int i = 0; i < N; i++) {
		a[i] = ocsdf_rng_uniform(&g) < 0.1;
		s[i] = ocsdf_rng_normal(&g) * 0.3 + (a[i] ? -0.5 : 0.2);
	}
	ck_assert_int_eq(ocsdf_roc_new(s, a, N, &r, &e), 0);
	/* radius 0 is the plain AUROC, bit for bit */
	ck_assert(ocsdf_roc_auroc(r, 0) == brute_auroc(ocsdf_roc_normal_scores(r), ocsdf_roc_n_normal(r),
						    ocsdf_roc_anomalous_scores(r),
						    ocsdf_roc_n_anomalous(r), 0));
	prev = ocsdf_roc_auroc(r, 0);
	prev_ap = ocsdf_roc_average_precision(r, 0);
	ck_assert(prev > 0.9);
	ck_assert(prev_ap > 0 && prev_ap <= 1);
	for (double sh = 1e-6; sh < 4; sh *= 1.3) {
		double v = ocsdf_roc_auroc(r, sh), ap = ocsdf_roc_average_precision(r, sh);
		ck_assert_msg(v <= prev, "AUROC rose from %.17g to %.17g at shift %g", prev, v, sh);
		ck_assert_msg(ap <= prev_ap + 1e-12, "AP rose from %.17g to %.17g", prev_ap, ap);
		prev = v;
		prev_ap = ap;
	}
	ck_assert(prev == 0);
	ocsdf_roc_free(r);
}
END_TEST

/* ---- uncertainty ---- */

START_TEST(test_delong_coverage)
{
	/* normal ~ N(1, 1), anomalous ~ N(0, 1): true AUROC = Phi(1/sqrt 2). */
	const double truth = 0.5 * erfc(-(1 / sqrt(2.0)) / sqrt(2.0));
	const double z = ocsdf_roc_normal_quantile(0.975);
	enum { NX = 200, NY = 60, REPS = 300 };
	static double x[NX], y[NY];
	ocsdf_rng g;
	int covered = 0;
	ck_assert_double_eq_tol(z, 1.959963984540054, 1e-12);
	ck_assert_double_eq_tol(ocsdf_roc_normal_quantile(0.5), 0, 1e-15);
	ck_assert_double_eq_tol(ocsdf_roc_normal_quantile(1e-10), -6.361340902404056, 1e-9);
	ocsdf_rng_seed(&g, 8);
	for (int rep = 0; rep < REPS; rep++) {
		ocsdf_roc *r;
		double a, se;
		for (int i = 0; i < NX; i++)
			x[i] = ocsdf_rng_normal(&g) + 1;
		for (int j = 0; j < NY; j++)
			y[j] = ocsdf_rng_normal(&g);
		r = make(x, NX, y, NY);
		a = ocsdf_roc_auroc(r, 0);
		se = ocsdf_roc_delong_se(r, 0);
		ck_assert(se > 0.01 && se < 0.1);
		covered += fabs(a - truth) <= z * se;
		ocsdf_roc_free(r);
	}
	/* 95% nominal; with 300 replicates the binomial spread is ~1.3%. */
	ck_assert_msg(covered >= 0.90 * REPS && covered <= 0.99 * REPS, "coverage %d/%d", covered,
		      REPS);
}
END_TEST

START_TEST(test_bootstrap)
{
	enum { NX = 1500, NY = 300 };
	static double x[NX], y[NY];
	double sh[2] = {0, 0.2}, lo[2], hi[2], lo2[2], hi2[2], lo3[2], hi3[2];
	ocsdf_rng g;
	ocsdf_error e;
	ocsdf_roc *r;
	double a, se, ratio;
	ocsdf_rng_seed(&g, 9);
	for (int i = 0; i < NX; i++)
		x[i] = ocsdf_rng_normal(&g) + 1;
	for (int j = 0; j < NY; j++)
		y[j] = ocsdf_rng_normal(&g);
	r = make(x, NX, y, NY);
	a = ocsdf_roc_auroc(r, 0);
	se = ocsdf_roc_delong_se(r, 0);
	ck_assert_int_eq(ocsdf_roc_bootstrap(r, sh, 2, 400, 0.95, 42, lo, hi, &e), 0);
	ck_assert(lo[0] < a && a < hi[0]);
	ck_assert(lo[1] < ocsdf_roc_auroc(r, 0.2) && ocsdf_roc_auroc(r, 0.2) < hi[1]);
	ck_assert(hi[1] < hi[0]);
	/* the percentile interval is about as wide as the normal one */
	ratio = (hi[0] - lo[0]) / (2 * 1.959963984540054 * se);
	ck_assert_msg(ratio > 0.8 && ratio < 1.25, "bootstrap/DeLong width ratio %g", ratio);
	/* same seed, same interval; another seed, another one */
	ck_assert_int_eq(ocsdf_roc_bootstrap(r, sh, 2, 400, 0.95, 42, lo2, hi2, &e), 0);
	ck_assert(lo2[0] == lo[0] && hi2[1] == hi[1]);
	ck_assert_int_eq(ocsdf_roc_bootstrap(r, sh, 2, 400, 0.95, 43, lo3, hi3, &e), 0);
	ck_assert(lo3[0] != lo[0] || hi3[0] != hi[0]);
	/* a lower level gives a narrower interval */
	ck_assert_int_eq(ocsdf_roc_bootstrap(r, sh, 2, 400, 0.5, 42, lo2, hi2, &e), 0);
	ck_assert(hi2[0] - lo2[0] < hi[0] - lo[0]);
	ck_assert_int_eq(ocsdf_roc_bootstrap(r, sh, 2, 400, 1.0, 42, lo2, hi2, &e), OCSDF_EUSAGE);
	ck_assert_int_eq(ocsdf_roc_bootstrap(r, sh, 2, 1, 0.9, 42, lo2, hi2, &e), OCSDF_EUSAGE);
	ocsdf_roc_free(r);
}
END_TEST

START_TEST(test_se_scaling)
{
	/* The standard error shrinks as 1/sqrt(n). */
	ocsdf_rng g;
	double se[2];
	ocsdf_rng_seed(&g, 10);
	for (int k = 0; k < 2; k++) {
		size_t nx = k ? 16000 : 1000, ny = nx / 4;
		double *x = malloc(nx * sizeof *x), *y = malloc(ny * sizeof *y);
		ocsdf_roc *r;
		for (size_t i = 0; i < nx; i++)
			x[i] = ocsdf_rng_normal(&g) + 1;
		for (size_t j = 0; j < ny; j++)
			y[j] = ocsdf_rng_normal(&g);
		r = make(x, nx, y, ny);
		se[k] = ocsdf_roc_delong_se(r, 0);
		ocsdf_roc_free(r);
		free(x);
		free(y);
	}
	ck_assert_msg(se[0] / se[1] > 3.3 && se[0] / se[1] < 4.8, "ratio %g", se[0] / se[1]);
}
END_TEST

/* ---- average precision, curves, decisions ---- */

START_TEST(test_average_precision)
{
	/* ranked from the lowest score: 0 a, 1 a, 2 n, 3 a, 4 n
	 * AP = (1/3)(1/1 + 2/2 + 3/4) = 11/12 */
	double x1[] = {2, 4}, y1[] = {0, 1, 3};
	/* ties: value 1 holds one of each class (precision 1/2 at recall
	 * 1/2), then value 2 an anomaly (precision 2/3 at recall 1):
	 * AP = 1/2 * 1/2 + 1/2 * 2/3 = 7/12 */
	double x2[] = {1, 3}, y2[] = {1, 2};
	ocsdf_roc *r = make(x1, 2, y1, 3);
	ck_assert_double_eq_tol(ocsdf_roc_average_precision(r, 0), 11.0 / 12.0, 1e-15);
	/* shift 0.5 puts each anomaly at or above the next normal:
	 * normal {1.5, 3.5}, anomalous {0.5, 1.5, 3.5}:
	 * 0.5 a (1/1), 1.5 n+a (2/3, recall +1/3), 3.5 n+a (3/5) */
	ck_assert_double_eq_tol(ocsdf_roc_average_precision(r, 0.5),
				(1.0 + 2.0 / 3.0 + 3.0 / 5.0) / 3.0, 1e-15);
	ocsdf_roc_free(r);
	r = make(x2, 2, y2, 2);
	ck_assert_double_eq_tol(ocsdf_roc_average_precision(r, 0), 7.0 / 12.0, 1e-15);
	ocsdf_roc_free(r);
	/* A perfect ranking of many distinct rows is exactly 1, not 1 plus
	 * rounding. */
	{
		static double xs[3000], ys[1000];
		for (int i = 0; i < 3000; i++)
			xs[i] = 1000 + i * 0.1;
		for (int j = 0; j < 1000; j++)
			ys[j] = j * 0.7;
		r = make(xs, 3000, ys, 1000);
		ck_assert(ocsdf_roc_average_precision(r, 0) == 1);
		ck_assert(ocsdf_roc_average_precision(r, 1e6) < 0.26);
		ocsdf_roc_free(r);
	}
}
END_TEST

START_TEST(test_curve)
{
	ocsdf_rng g;
	ocsdf_error e;
	ocsdf_rng_seed(&g, 12);
	for (int rep = 0; rep < 20; rep++) {
		size_t nx = 2 + ocsdf_rng_below(&g, 200), ny = 2 + ocsdf_rng_below(&g, 50), np;
		double *x = malloc(nx * sizeof *x), *y = malloc(ny * sizeof *y);
		double sh = 0.5 * (double)(rep % 3), area = 0;
		ocsdf_roc_point *p;
		ocsdf_roc *r;
		random_ints(&g, x, nx, 10, 0);
		random_ints(&g, y, ny, 10, -2);
		r = make(x, nx, y, ny);
		ck_assert_int_eq(ocsdf_roc_curve(r, sh, &p, &np, &e), 0);
		ck_assert(np >= 2);
		ck_assert(p[0].fpr == 0 && p[0].tpr == 0);
		ck_assert(p[np - 1].fpr == 1 && p[np - 1].tpr == 1);
		for (size_t k = 0; k < np; k++) {
			ocsdf_confusion c;
			ocsdf_roc_confusion(r, p[k].threshold, sh, &c);
			ck_assert(p[k].fpr == (double)c.fp / (double)nx);
			ck_assert(p[k].tpr == (double)c.tp / (double)ny);
			if (k) {
				ck_assert(p[k].threshold > p[k - 1].threshold);
				ck_assert(p[k].fpr >= p[k - 1].fpr && p[k].tpr >= p[k - 1].tpr);
				/* area under tpr(fpr): the chance that an anomaly
				 * is flagged before a normal row, ties halved */
				area += (p[k].fpr - p[k - 1].fpr) * (p[k].tpr + p[k - 1].tpr) / 2;
			}
		}
		ck_assert_double_eq_tol(area, ocsdf_roc_auroc(r, sh), 1e-12);
		free(p);
		ocsdf_roc_free(r);
		free(x);
		free(y);
	}
}
END_TEST

START_TEST(test_confusion_and_fpr)
{
	double x[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, y[4] = {-1, 0, 2.5, 6};
	ocsdf_roc *r = make(x, 10, y, 4);
	ocsdf_confusion c;
	/* flagged when score < 3: normals 1, 2; anomalies -1, 0, 2.5 */
	ocsdf_roc_confusion(r, 3, 0, &c);
	ck_assert(c.fp == 2 && c.tn == 8 && c.tp == 3 && c.fn == 1);
	/* shift 0.6: normals 0.4..9.4 (1.4, 2.4 below 3 too: 0.4, 1.4, 2.4),
	 * anomalies -0.4, 0.6, 3.1, 6.6: only two stay flagged */
	ocsdf_roc_confusion(r, 3, 0.6, &c);
	ck_assert(c.fp == 3 && c.tn == 7 && c.tp == 2 && c.fn == 2);
	ck_assert(ocsdf_roc_threshold_at_fpr(r, 0) == 1);
	ck_assert(ocsdf_roc_threshold_at_fpr(r, 0.29) == 3);
	ck_assert(ocsdf_roc_threshold_at_fpr(r, 0.3) == 4);
	ck_assert(ocsdf_roc_threshold_at_fpr(r, 0.7) == 8);
	ck_assert(ocsdf_roc_threshold_at_fpr(r, 0.99) == 10);
	for (int k = 0; k < 100; k++) {
		double f = k / 100.0, t = ocsdf_roc_threshold_at_fpr(r, f);
		ocsdf_roc_confusion(r, t, 0, &c);
		ck_assert((double)c.fp / 10 <= f);
		ck_assert((double)(c.fp + 1) / 10 > f);
	}
	ocsdf_roc_free(r);
	/* fpr * n lands just below an integer for some k / 100 (0.29 * 100 =
	 * 28.999999999999996): the threshold must still admit k rows. */
	{
		double xs[100], ys[1] = {0};
		for (int i = 0; i < 100; i++)
			xs[i] = i + 1;
		r = make(xs, 100, ys, 1);
		for (int k = 0; k < 100; k++)
			ck_assert_msg(ocsdf_roc_threshold_at_fpr(r, k / 100.0) == k + 1, "fpr %d/100", k);
	}
	ck_assert(ocsdf_roc_decision_radius(2.5, 3, 1) == 0.5);
	ck_assert(ocsdf_roc_decision_radius(7, 3, 2) == 2);
	ocsdf_roc_free(r);
}
END_TEST

START_TEST(test_errors)
{
	double s[3] = {1, 2, 3};
	unsigned char one[3] = {1, 1, 1}, none[3] = {0, 0, 0}, mix[3] = {0, 1, 0};
	ocsdf_roc *r = (ocsdf_roc *)1;
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_roc_new(s, one, 3, &r, &e), OCSDF_EDATA);
	ck_assert_ptr_null(r);
	ck_assert(strstr(e.msg, "one class"));
	ck_assert_int_eq(ocsdf_roc_new(s, none, 3, &r, &e), OCSDF_EDATA);
	ck_assert_int_eq(ocsdf_roc_new(s, mix, 0, &r, &e), OCSDF_EDATA);
	s[1] = NAN;
	ck_assert_int_eq(ocsdf_roc_new(s, mix, 3, &r, &e), OCSDF_EDATA);
	ck_assert(strstr(e.msg, "row 2"));
	s[1] = INFINITY;
	ck_assert_int_eq(ocsdf_roc_new(s, mix, 3, &r, &e), OCSDF_EDATA);
}
END_TEST

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

START_TEST(test_sort)
{
	enum { N = 100000 };
	static double v[N], w[N];
	ocsdf_rng g;
	ocsdf_rng_seed(&g, 13);
	for (int i = 0; i < N; i++) {
		int kind = (int)ocsdf_rng_below(&g, 5);
		v[i] = kind == 0 ? ocsdf_rng_normal(&g) * 1e-300
		       : kind == 1 ? ocsdf_rng_normal(&g) * 1e300
		       : kind == 2 ? (ocsdf_rng_uniform(&g) < 0.5 ? -0.0 : 0.0)
				   : ocsdf_rng_normal(&g);
		w[i] = v[i];
	}
	ck_assert_int_eq(ocsdf_roc_sort(v, N), 0);
	qsort(w, N, sizeof *w, cmp_d);
	for (int i = 0; i < N; i++) {
		ck_assert(v[i] == w[i]);
		ck_assert(!signbit(v[i]) || v[i] != 0);   /* -0 made +0 */
	}
}
END_TEST

START_TEST(test_million_rows)
{
	/* The scale the program is meant for: a million rows, two shifted
	 * normals (true AUROC Phi(0.5 / sqrt 2)), timed for information. */
	enum { N = 1000000 };
	double *s = malloc(N * sizeof *s);
	unsigned char *a = malloc(N);
	ocsdf_rng g;
	ocsdf_error e;
	ocsdf_roc *r;
	struct timespec t0, t1;
	double auc, truth = 0.5 * erfc(-(0.5 / sqrt(2.0)) / sqrt(2.0));
	ck_assert(s && a);
	ocsdf_rng_seed(&g, 14);
	for (int i = 0; i < N; i++) {
		a[i] = ocsdf_rng_uniform(&g) < 0.3;
		s[i] = ocsdf_rng_normal(&g) + (a[i] ? 0 : 0.5);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(ocsdf_roc_new(s, a, N, &r, &e), 0);
	auc = ocsdf_roc_auroc(r, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("test_roc: AUROC of %d rows in %.3f s (sort + count)\n", N,
	       (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
	ck_assert_double_eq_tol(auc, truth, 0.003);
	ck_assert_double_eq_tol(ocsdf_roc_delong_se(r, 0), 0.0006, 0.0002);
	ocsdf_roc_free(r);
	free(s);
	free(a);
}
END_TEST

static Suite *roc_suite(void)
{
	Suite *s = suite_create("roc");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hand_ties);
	tcase_add_test(tc, test_hand_extremes);
	tcase_add_test(tc, test_against_pairs);
	tcase_add_test(tc, test_row_order_invariance);
	tcase_add_test(tc, test_monotone_transform_invariance);
	tcase_add_test(tc, test_certified_monotone);
	tcase_add_test(tc, test_delong_coverage);
	tcase_add_test(tc, test_bootstrap);
	tcase_add_test(tc, test_se_scaling);
	tcase_add_test(tc, test_average_precision);
	tcase_add_test(tc, test_curve);
	tcase_add_test(tc, test_confusion_and_fpr);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_sort);
	tcase_add_test(tc, test_million_rows);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int failed;
	SRunner *sr = srunner_create(roc_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
