/*
 * test_grid.c: grids (lib/grid.c): which grids are refused, where level
 * crossings are clamped, and a 2D field sampled point by point in the
 * documented order, in batches of any size.
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

int main(void)
{
	Suite *s = suite_create("grid");
	TCase *t = tcase_create("grid");
	tcase_add_test(t, grid_check);
	tcase_add_test(t, clamp_crossing);
	tcase_add_test(t, sample2);
	suite_add_tcase(s, t);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
