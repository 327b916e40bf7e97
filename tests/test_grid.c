/*
 * test_grid.c: grids (lib/grid.c): which grids are refused, where level
 * crossings are clamped, a 2D field sampled point by point in the
 * documented order, in batches of any size, and the grid chosen for a
 * model (each kind of box, cubic cells, the refusals).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"

START_TEST(grid_check)
{
	double lo[3] = {-1, 0, 5}, hi[3] = {1, 1e-300, 6};
	int n[3] = {2, OCSDF_GRID_MAX_N, 3};
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_grid_check(lo, hi, n, 3, &e), 0);
	n[1] = OCSDF_GRID_MAX_N + 1;
	ck_assert_int_eq(ocsdf_grid_check(lo, hi, n, 3, &e), OCSDF_EUSAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "grid axis 2"));
	/* only the first dim axes count */
	ck_assert_int_eq(ocsdf_grid_check(lo, hi, n, 1, &e), 0);
	n[1] = 2;
	n[0] = 1;
	ck_assert_int_eq(ocsdf_grid_check(lo, hi, n, 3, &e), OCSDF_EUSAGE);
	n[0] = 2;
	hi[2] = 5;
	ck_assert_int_eq(ocsdf_grid_check(lo, hi, n, 3, &e), OCSDF_EUSAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "grid axis 3"));
	hi[2] = INFINITY;
	ck_assert_int_eq(ocsdf_grid_check(lo, hi, n, 3, &e), OCSDF_EUSAGE);
	hi[2] = 6;
	lo[0] = NAN;
	ck_assert_int_eq(ocsdf_grid_check(lo, hi, n, 3, &e), OCSDF_EUSAGE);
}
END_TEST

START_TEST(clamp_crossing)
{
	ck_assert_double_eq(ocsdf_grid_clamp_crossing(0.5), 0.5);
	ck_assert_double_eq(ocsdf_grid_clamp_crossing(0), OCSDF_GRID_TMIN);
	ck_assert_double_eq(ocsdf_grid_clamp_crossing(-3), OCSDF_GRID_TMIN);
	ck_assert_double_eq(ocsdf_grid_clamp_crossing(NAN), OCSDF_GRID_TMIN);
	ck_assert_double_eq(ocsdf_grid_clamp_crossing(1), 1 - OCSDF_GRID_TMIN);
	ck_assert_double_eq(ocsdf_grid_clamp_crossing(OCSDF_GRID_TMIN), OCSDF_GRID_TMIN);
}
END_TEST

/* f = 1000 x + y, exact in float for the points below. */
static void linear(void *ctx, const float *xy, int n, float *f)
{
	int *calls = ctx;
	(*calls)++;
	for (int i = 0; i < n; i++)
		f[i] = 1000 * xy[2 * i] + xy[2 * i + 1];
}

static void nan_above(void *ctx, const float *xy, int n, float *f)
{
	(void)ctx;
	for (int i = 0; i < n; i++)
		f[i] = xy[2 * i + 1] > 2.5f ? NAN : 0;
}

START_TEST(sample2)
{
	ocsdf_grid2 g = {{-2, 1}, {2, 4}, {5, 4}};
	float v[20];
	ocsdf_error e;
	int batches[] = {1, 3, 20, 1000};
	for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
		int calls = 0;
		ck_assert_int_eq(ocsdf_grid_sample2(&g, linear, &calls, batches[b], v, &e), 0);
		ck_assert_int_eq(calls, (20 + batches[b] - 1) / batches[b]);
		for (int j = 0; j < 4; j++)
			for (int i = 0; i < 5; i++)
				ck_assert_float_eq(v[j * 5 + i], 1000.0f * (float)(-2 + i) + (float)(1 + j));
	}
	ck_assert_int_eq(ocsdf_grid_sample2(&g, linear, NULL, 0, v, &e), OCSDF_EUSAGE);
	ck_assert_int_eq(ocsdf_grid_sample2(&g, NULL, NULL, 4, v, &e), OCSDF_EUSAGE);
	ck_assert_int_eq(ocsdf_grid_sample2(&g, nan_above, NULL, 4, v, &e), OCSDF_EDATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "(-2, 3)"));
}
END_TEST

static const char *const names[3] = {"a", "b", "c"};

/* Cells are cubes in standardized units: the same h = step / std on every
 * axis, resolution points on the longest side, and the box holds the one
 * asked for, widened evenly. */
static void check_cubic(const ocsdf_grid_spec *s, const double *want_lo, const double *want_hi)
{
	double lo[3], hi[3], h = NAN;
	int n[3], longest = 0;
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_grid_choose(s, lo, hi, n, &e), 0);
	for (int a = 0; a < s->d; a++) {
		double ha = (hi[a] - lo[a]) / (n[a] - 1) / s->std[a];
		if (a == 0)
			h = ha;
		ck_assert_double_eq_tol(ha, h, 1e-12 * h);
		ck_assert(lo[a] <= want_lo[a] + 1e-12 && hi[a] >= want_hi[a] - 1e-12);
		ck_assert(hi[a] - lo[a] < want_hi[a] - want_lo[a] + h * s->std[a] * (1 + 1e-9));
		ck_assert_double_eq_tol(lo[a] + hi[a], want_lo[a] + want_hi[a], 1e-12);
		longest = n[a] > longest ? n[a] : longest;
	}
	ck_assert_int_eq(longest, s->resolution);
}

START_TEST(choose)
{
	double mean[3] = {1, -2, 10}, std[3] = {1, 2, 0.5};
	ocsdf_grid_spec s = {3, mean, std, names, 33, NULL, 0, 0, NULL, 0};
	/* default: 3 standard deviations around the mean */
	double lo[3] = {-2, -8, 8.5}, hi[3] = {4, 4, 11.5};
	check_cubic(&s, lo, hi);
	/* K standard deviations */
	s.box_k = 0.5;
	double klo[3] = {0.5, -3, 9.75}, khi[3] = {1.5, -1, 10.25};
	check_cubic(&s, klo, khi);
	/* explicit bounds win over K */
	double box[6] = {0, 1, 0, 3, 10, 10.5};
	s.box = box;
	s.nbox = 6;
	check_cubic(&s, (double[]){0, 0, 10}, (double[]){1, 3, 10.5});
	/* the points' bounding box plus 10%, or one std where they agree */
	double pts[3 * 3] = {0, 0, 10, 2, 1, 10, 1, 4, 10};
	s.box = NULL;
	s.nbox = 0;
	s.box_k = 0;
	s.pts = pts;
	s.npts = 3;
	check_cubic(&s, (double[]){-0.2, -0.4, 9.5}, (double[]){2.2, 4.4, 10.5});
	/* K wins over the points */
	s.box_k = 0.5;
	check_cubic(&s, klo, khi);
}
END_TEST

START_TEST(choose_refusals)
{
	double mean[2] = {0, 0}, std[2] = {1, 1e300}, lo[2], hi[2];
	double box[4] = {0, 1e-300, 0, 1};
	int n[2];
	ocsdf_error e;
	ocsdf_grid_spec s = {2, mean, std, names, 64, box, 3, 0, NULL, 0};
	ck_assert_int_eq(ocsdf_grid_check_box(&s, &e), OCSDF_EUSAGE);
	ck_assert_str_eq(e.msg, "--box: 3 numbers given, 4 expected (LO,HI for each of the 2 features)");
	s.nbox = 4;
	box[3] = -1;
	ck_assert_int_eq(ocsdf_grid_check_box(&s, &e), OCSDF_EUSAGE);
	ck_assert_str_eq(e.msg, "--box: the bounds of 'b' are not LO < HI");
	box[3] = 1;
	ck_assert_int_eq(ocsdf_grid_check_box(&s, &e), 0);
	/* a box vanishing against the standard deviations */
	ck_assert_int_eq(ocsdf_grid_choose(&s, lo, hi, n, &e), OCSDF_EUSAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot be divided into cells"));
	/* the default box of a huge std overflows the doubles */
	std[1] = 1.7e308;
	s.box = NULL;
	ck_assert_int_eq(ocsdf_grid_choose(&s, lo, hi, n, &e), OCSDF_EUSAGE);
	/* no explicit bounds: nothing to check */
	ck_assert_int_eq(ocsdf_grid_check_box(&s, &e), 0);
}
END_TEST

START_TEST(range)
{
	float v[5] = {0.5f, -2, 3, 3, -1};
	double lo, hi;
	ocsdf_grid_range(v, 5, &lo, &hi);
	ck_assert_double_eq(lo, -2);
	ck_assert_double_eq(hi, 3);
	ocsdf_grid_range(v, 1, &lo, &hi);
	ck_assert(lo == 0.5 && hi == 0.5);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("grid");
	TCase *t = tcase_create("grid");
	tcase_add_test(t, grid_check);
	tcase_add_test(t, clamp_crossing);
	tcase_add_test(t, sample2);
	tcase_add_test(t, choose);
	tcase_add_test(t, choose_refusals);
	tcase_add_test(t, range);
	suite_add_tcase(s, t);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
