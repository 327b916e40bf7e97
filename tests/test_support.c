/*
 * test_support.c: the support of the training rows as the distance sampler
 * sees it (lib/support.c): the radius, the targets, the pool of outside
 * points and the upper bound over it, checked against sums and minima
 * worked out here in double precision, one point and one pool point at a
 * time.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* n points of d uniform coordinates in [-1, 1). */
static float *uniform_points(ocsdf_rng *r, size_t n, int d)
{
	float *p = malloc(n * (size_t)d * sizeof *p);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n * (size_t)d; i++)
		p[i] = (float)(2 * ocsdf_rng_uniform(r) - 1);
	return p;
}

static double dist(const float *a, const float *b, int d)
{
	double s = 0;
	for (int j = 0; j < d; j++)
		s += ((double)a[j] - b[j]) * ((double)a[j] - b[j]);
	return sqrt(s);
}

/* The bound at z over the pool of s, and the index that gives it, by
 * brute force in double. */
static double brute_bound(const ocsdf_support *s, const float *z, int *arg)
{
	double best = INFINITY;
	*arg = -1;
	for (int j = 0; j < s->pool_len; j++) {
		double u = s->pool_t[j] + dist(z, s->pool + (size_t)j * s->d, s->d);
		if (u < best) {
			best = u;
			*arg = j;
		}
	}
	return best;
}

/* A support of 300 rows in d dimensions with a pool filled by npool
 * points far from them (t <= -hole r), some of them given the same
 * target so that cones tie. */
static void make_support(ocsdf_support *s, float **rows, int d, int npool, uint64_t seed)
{
	ocsdf_error e;
	ocsdf_rng r;
	float *far, *t;

	ocsdf_rng_seed(&r, seed);
	*rows = uniform_points(&r, 300, d);
	ck_assert_int_eq(ocsdf_support_init(s, *rows, 300, d, 5, 0.95, seed, &e), 0);
	far = uniform_points(&r, (size_t)npool, d);
	t = malloc((size_t)npool * sizeof *t);
	for (int i = 0; i < npool; i++) {
		for (int j = 0; j < d; j++)
			far[(size_t)i * d + j] *= 3;
		t[i] = (float)(-(1 + (i % 7 == 0 ? 0 : ocsdf_rng_uniform(&r))) * s->r);
	}
	ocsdf_support_pool_add(s, far, t, npool);
	free(far);
	free(t);
}

/* Before any point is pooled the bound is infinite and points nowhere. */
START_TEST(test_upper_empty)
{
	ocsdf_support s;
	float *rows, ub[3];
	int from[3];
	ocsdf_error e;
	ocsdf_rng r;

	ocsdf_rng_seed(&r, 1);
	rows = uniform_points(&r, 50, 2);
	ck_assert_int_eq(ocsdf_support_init(&s, rows, 50, 2, 5, 0.95, 1, &e), 0);
	ocsdf_support_upper(&s, rows, 3, ub, from);
	for (int i = 0; i < 3; i++) {
		ck_assert(isinf(ub[i]) && ub[i] > 0);
		ck_assert_int_eq(from[i], -1);
	}
	/* Nor does it change a target. */
	{
		float t[3] = {0.5f, -0.01f, -7}, u[3];
		int f[3];
		ocsdf_support_inside_targets(&s, rows, 3, t, u, f);
		ck_assert(t[0] == 0.5f && t[1] == -0.01f && t[2] == -7);
		for (int i = 0; i < 3; i++)
			ck_assert(isinf(u[i]) && f[i] == -1);
	}
	ocsdf_support_free(&s);
	free(rows);
}
END_TEST

/* The bound and its minimizing pool point at many points, for pool sizes
 * that do and do not fill the four lanes of a block, against brute
 * force: the same value to float rounding, and the index found gives it
 * (the first of tied ones). */
START_TEST(test_upper_brute)
{
	static const int pools[] = {1, 3, 4, 5, 97, 600};
	const int d = 3 + _i % 2 * 13, npool = pools[_i / 2];
	ocsdf_support s;
	float *rows, *z, ub[300];
	int from[300];
	ocsdf_rng r;

	make_support(&s, &rows, d, npool, 10 + (uint64_t)_i);
	ck_assert_int_eq(s.pool_len, npool);
	ocsdf_rng_seed(&r, 99);
	z = uniform_points(&r, 300, d);
	/* Chunks of OCSDF_SUPPORT_CHUNK and a remainder. */
	ocsdf_support_upper(&s, z, 300, ub, from);
	for (int i = 0; i < 300; i++) {
		int arg;
		double want = brute_bound(&s, z + (size_t)i * d, &arg);
		double at = s.pool_t[from[i]] + dist(z + (size_t)i * d, s.pool + (size_t)from[i] * d, d);
		ck_assert_msg(fabs(ub[i] - want) <= 1e-5 * (1 + fabs(want)), "point %d: %g, brute force %g", i,
			      ub[i], want);
		ck_assert_int_ge(from[i], 0);
		ck_assert_msg(fabs(at - want) <= 1e-5 * (1 + fabs(want)), "point %d: index %d gives %g, not %g",
			      i, from[i], at, want);
	}
	ocsdf_support_free(&s);
	free(rows);
	free(z);
}
END_TEST

/* t = r - d_k at points and at the rows (each left out of its own
 * neighbours), against the k-th smallest distance found by sorting all of
 * them, for reference sets that do and do not fill the four lanes. */
START_TEST(test_targets_brute)
{
	const int d = 5, k = 5, n = 301 + _i;
	ocsdf_support s;
	ocsdf_error e;
	ocsdf_rng r;
	float *rows, *z, t[40], tr[40];

	ocsdf_rng_seed(&r, 7 + (uint64_t)_i);
	rows = uniform_points(&r, (size_t)n, d);
	z = uniform_points(&r, 40, d);
	ck_assert_int_eq(ocsdf_support_init(&s, rows, (size_t)n, d, k, 0.95, 3, &e), 0);
	ocsdf_support_targets(&s, z, 40, t);
	ocsdf_support_row_targets(&s, rows, 40, tr);
	for (int i = 0; i < 40; i++) {
		double dz[400], dr[400];
		for (int j = 0; j < n; j++) {
			dz[j] = dist(z + (size_t)i * d, rows + (size_t)j * d, d);
			dr[j] = dist(rows + (size_t)i * d, rows + (size_t)j * d, d);
		}
		/* The k-th smallest by selection (n is small). */
		for (int a = 0; a <= k; a++)
			for (int b = a + 1; b < n; b++) {
				if (dz[b] < dz[a]) {
					double x = dz[a];
					dz[a] = dz[b];
					dz[b] = x;
				}
				if (dr[b] < dr[a]) {
					double x = dr[a];
					dr[a] = dr[b];
					dr[b] = x;
				}
			}
		/* dr[0] is the row itself. */
		ck_assert_msg(fabs(t[i] - (s.r - dz[k - 1])) < 1e-4, "point %d: %g, not %g", i, t[i], s.r - dz[k - 1]);
		ck_assert_msg(fabs(tr[i] - (s.r - dr[k])) < 1e-4, "row %d: %g, not %g", i, tr[i], s.r - dr[k]);
	}
	ocsdf_support_free(&s);
	free(rows);
	free(z);
}
END_TEST

/* Inside targets: a target above -hole r becomes the larger of itself
 * and the bound; one at or below it stays. */
START_TEST(test_inside_targets)
{
	const int d = 4;
	ocsdf_support s;
	float *rows, t[200], before[200], ub[200], got[200];
	int from[200], gotfrom[200];

	make_support(&s, &rows, d, 50, 3);
	ocsdf_support_targets(&s, rows, 200, t);
	for (int i = 0; i < 200; i++) {
		/* Every tenth point well outside, every tenth + 1 just
		 * inside the hole's edge. */
		if (i % 10 == 0)
			t[i] = (float)(-2 * s.r);
		if (i % 10 == 1)
			t[i] = (float)(-0.4 * s.r);
		before[i] = t[i];
	}
	ocsdf_support_upper(&s, rows, 200, ub, from);
	ocsdf_support_inside_targets(&s, rows, 200, t, got, gotfrom);
	for (int i = 0; i < 200; i++) {
		int out = before[i] <= -s.hole * s.r;
		float want = out ? before[i] : fmaxf(before[i], ub[i]);
		ck_assert_msg(fabsf(t[i] - want) <= 1e-5f * (1 + fabsf(want)), "point %d: %g, not %g", i, t[i],
			      want);
		/* The bound where it was taken, none elsewhere. */
		if (out) {
			ck_assert(isinf(got[i]) && gotfrom[i] == -1);
		} else {
			ck_assert_msg(fabsf(got[i] - ub[i]) <= 1e-5f * (1 + fabsf(ub[i])), "point %d", i);
			ck_assert_int_eq(gotfrom[i], from[i]);
		}
	}
	ocsdf_support_free(&s);
	free(rows);
}
END_TEST

/* The ascent (support.h): the points found reach d_k >= stop
 * r, their targets are r - d_k there, they sit in the reserved head of the
 * pool, which pool_add never overwrites, and the same seed gives the same
 * points. */
START_TEST(test_ascent)
{
	enum { N = 300, D = 4, A = 100 };
	ocsdf_support s, s2;
	float *rows, *far, *t, tz[A], keep_t[A], keep_z[A * D];
	ocsdf_error e;
	ocsdf_rng r, r2;
	int got, got2;

	ocsdf_rng_seed(&r, 3);
	rows = uniform_points(&r, N, D);
	ck_assert_int_eq(ocsdf_support_init(&s, rows, N, D, 5, 0.95, 3, &e), 0);
	ck_assert_int_eq(ocsdf_support_init(&s2, rows, N, D, 5, 0.95, 3, &e), 0);
	ocsdf_rng_seed(&r, 7);
	ocsdf_rng_seed(&r2, 7);
	got = ocsdf_support_ascent(&s, rows, N, A, 1.5, 40, &r);
	got2 = ocsdf_support_ascent(&s2, rows, N, A, 1.5, 40, &r2);
	ck_assert_int_gt(got, A / 2);
	ck_assert_int_eq(got, got2);
	ck_assert_int_eq(s.pool_fixed, A);
	ck_assert_int_eq(s.pool_len, A);
	ck_assert_int_eq(s.pool_next, A);
	ck_assert(memcmp(s.pool, s2.pool, sizeof(float) * A * D) == 0);
	ocsdf_support_targets(&s, s.pool, A, tz);
	for (int i = 0; i < A; i++) {
		ck_assert_msg(tz[i] == s.pool_t[i], "point %d: t %g, r - d_k %g", i, s.pool_t[i], tz[i]);
		ck_assert(s.pool_t[i] <= -0.5 * s.r + 1e-6);
	}
	memcpy(keep_t, s.pool_t, sizeof keep_t);
	memcpy(keep_z, s.pool, sizeof keep_z);
	/* More ordinary points than the rest of the pool holds. */
	far = uniform_points(&r, 5000, D);
	t = malloc(5000 * sizeof *t);
	for (int i = 0; i < 5000; i++) {
		for (int j = 0; j < D; j++)
			far[(size_t)i * D + j] *= 4;
		t[i] = (float)(-s.r);
	}
	ocsdf_support_pool_add(&s, far, t, 5000);
	ck_assert_int_eq(s.pool_len, s.pool_cap);
	ck_assert_int_ge(s.pool_next, A);
	ck_assert(memcmp(keep_t, s.pool_t, sizeof keep_t) == 0);
	ck_assert(memcmp(keep_z, s.pool, sizeof keep_z) == 0);
	free(far);
	free(t);
	free(rows);
	ocsdf_support_free(&s);
	ocsdf_support_free(&s2);
}
END_TEST

/* The rows the ascent starts from: min(n, A), none for A < 1, and with
 * many features no more points than OCSDF_SUPPORT_MAX_BYTES holds. */
START_TEST(test_ascent_rows)
{
	ocsdf_support s = {.d = 4}, wide = {.d = 1 << 20};
	const int fit = (int)(OCSDF_SUPPORT_MAX_BYTES / (sizeof(float) << 20));

	ck_assert_int_eq(ocsdf_support_ascent_rows(&s, 300, 100), 100);
	ck_assert_int_eq(ocsdf_support_ascent_rows(&s, 30, 100), 30);
	ck_assert_int_eq(ocsdf_support_ascent_rows(&s, 300, 0), 0);
	ck_assert_int_eq(ocsdf_support_ascent_rows(&s, 300, -5), 0);
	ck_assert_int_eq(fit, 16);
	ck_assert_int_eq(ocsdf_support_ascent_rows(&wide, 300, 100), fit);
	ck_assert_int_eq(ocsdf_support_ascent_rows(&wide, 10, 100), 10);
}
END_TEST

/* The pool keeps only points with t <= -hole r, and the newest once
 * full. */
START_TEST(test_pool)
{
	ocsdf_support s;
	float *rows, z[4 * 2] = {0, 0, 1, 1, 2, 2, 3, 3}, t[4];
	ocsdf_error e;
	ocsdf_rng r;

	ocsdf_rng_seed(&r, 5);
	rows = uniform_points(&r, 40, 2);
	ck_assert_int_eq(ocsdf_support_init(&s, rows, 40, 2, 3, 0.95, 5, &e), 0);
	t[0] = (float)(-s.hole * s.r);
	t[1] = (float)(-0.9 * s.hole * s.r);
	t[2] = (float)(-3 * s.r);
	t[3] = 0.5f;
	ocsdf_support_pool_add(&s, z, t, 4);
	ck_assert_int_eq(s.pool_len, 2);
	ck_assert(s.pool[0] == 0 && s.pool[2] == 2);
	ck_assert(s.pool_t[0] == t[0] && s.pool_t[1] == t[2]);
	ck_assert(s.pool_n2[1] == 8);
	s.pool_cap = 2;
	s.pool_next = 0;
	ocsdf_support_pool_add(&s, z + 4, t + 2, 1);
	ck_assert_int_eq(s.pool_len, 2);
	ck_assert(s.pool[0] == 2 && s.pool_t[0] == t[2]);
	ocsdf_support_free(&s);
	free(rows);
}
END_TEST

static Suite *support_suite(void)
{
	Suite *s = suite_create("support");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_upper_empty);
	tcase_add_loop_test(tc, test_upper_brute, 0, 12);
	tcase_add_loop_test(tc, test_targets_brute, 0, 4);
	tcase_add_test(tc, test_inside_targets);
	tcase_add_test(tc, test_pool);
	tcase_add_test(tc, test_ascent);
	tcase_add_test(tc, test_ascent_rows);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(support_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
