/*
 * test_contour.c: marching squares (lib/contour.c) on analytic 2D fields:
 * the length and enclosed area of a circle, lines open at the border,
 * several lines, saddles everywhere and the saddle rule, bad grids.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "contour.h"

typedef struct disk2 {
	double c[2], r;
	int kind;  /* 0 disk, 1 half plane x > 0.3, 2 two disks, 3 egg box */
} disk2;

static void field2(void *ctx, const float *xy, int n, float *f)
{
	const disk2 *d = ctx;
	for (int i = 0; i < n; i++) {
		double x = xy[2 * i], y = xy[2 * i + 1];
		if (d->kind == 0)
			f[i] = (float)(d->r - hypot(x - d->c[0], y - d->c[1]));
		else if (d->kind == 1)
			f[i] = (float)(x - 0.3);
		else if (d->kind == 2)
			f[i] = (float)fmax(0.3 - hypot(x - 0.5, y), 0.3 - hypot(x + 0.5, y));
		else
			f[i] = (float)(sin(7 * x) * sin(7 * y));
	}
}

static ocsdf_contour contour(const disk2 *d, int n, double level, float **values)
{
	ocsdf_grid2 g = {{-1, -1}, {1, 1}, {n, n}};
	float *v = malloc((size_t)n * n * sizeof *v);
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_grid_sample2(&g, field2, (void *)(uintptr_t)d, 100, v, &e), 0);
	ocsdf_contour c;
	int r = ocsdf_contour_extract(&g, v, level, &c, &e);
	ck_assert_msg(r == 0, "%s", e.msg);
	if (values)
		*values = v;
	else
		free(v);
	return c;
}

static double line_length(const ocsdf_contour *c, size_t l, double *area)
{
	double len = 0, a = 0;
	size_t s = c->start[l], n = c->start[l + 1] - s;
	for (size_t i = 0; i + 1 < n + (c->closed[l] ? 1 : 0); i++) {
		const float *p = c->xy + 2 * (s + i), *q = c->xy + 2 * (s + (i + 1) % n);
		len += hypot((double)q[0] - p[0], (double)q[1] - p[1]);
		a += ((double)p[0] * q[1] - (double)q[0] * p[1]) / 2;
	}
	if (area)
		*area = a;
	return len;
}

START_TEST(circle_contour)
{
	disk2 d = {{0.05, -0.1}, 0.6, 0};
	ocsdf_contour c = contour(&d, 201, 0, NULL);
	ck_assert_uint_eq(c.nlines, 1);
	ck_assert(c.closed[0]);
	ck_assert_uint_eq(c.start[1], c.npts);
	double area, len = line_length(&c, 0, &area);
	ck_assert_msg(fabs(len - 2 * M_PI * d.r) / (2 * M_PI * d.r) < 1e-3, "length %g", len);
	/* Inside on the left: counter-clockwise, positive area. */
	ck_assert_msg(fabs(area - M_PI * d.r * d.r) / (M_PI * d.r * d.r) < 1e-3, "area %g", area);
	for (size_t i = 0; i < c.npts; i++)
		ck_assert(fabs(hypot(c.xy[2 * i] - d.c[0], c.xy[2 * i + 1] - d.c[1]) - d.r) < 1e-3);
	ocsdf_contour_free(&c);

	/* Level -0.2 is the circle of radius 0.8, still inside the grid. */
	c = contour(&d, 101, -0.2, NULL);
	ck_assert_uint_eq(c.nlines, 1);
	ck_assert(c.closed[0]);
	len = line_length(&c, 0, NULL);
	ck_assert(fabs(len - 2 * M_PI * 0.8) / (2 * M_PI * 0.8) < 2e-3);
	ocsdf_contour_free(&c);
}
END_TEST

START_TEST(open_and_many_contours)
{
	disk2 d = {{0, 0}, 0, 1};
	ocsdf_contour c = contour(&d, 51, 0, NULL);
	ck_assert_uint_eq(c.nlines, 1);
	ck_assert(!c.closed[0]);
	/* From the bottom border to the top: inside (x > 0.3) on the left
	 * means walking down. */
	ck_assert(c.xy[1] == 1.0f && c.xy[2 * c.npts - 1] == -1.0f);
	ck_assert(fabs(line_length(&c, 0, NULL) - 2) < 1e-5);
	ocsdf_contour_free(&c);

	d.kind = 2;
	c = contour(&d, 81, 0, NULL);
	ck_assert_uint_eq(c.nlines, 2);
	ck_assert(c.closed[0] && c.closed[1]);
	ocsdf_contour_free(&c);

	/* Saddles everywhere: every line is closed or ends on the border,
	 * and every cell crossing shows up exactly once. */
	d.kind = 3;
	for (int li = 0; li < 3; li++) {
		double level = li == 0 ? 0 : li == 1 ? 0.3 : -0.5;
		c = contour(&d, 64, level, NULL);
		ck_assert(c.nlines > 4);
		for (size_t l = 0; l < c.nlines; l++) {
			size_t a = c.start[l], b = c.start[l + 1] - 1;
			ck_assert(b > a);
			if (!c.closed[l])
				for (size_t q = 0; q < 2; q++) {
					const float *p = c.xy + 2 * (q ? b : a);
					ck_assert(fabsf(p[0]) == 1.0f || fabsf(p[1]) == 1.0f);
				}
		}
		ocsdf_contour_free(&c);
	}
}
END_TEST

START_TEST(saddle_rule)
{
	/* One cell, inside corners (0,0) and (1,1), mean 0.  Below the mean the
	 * centre is inside and the lines cut off the outside corners; above
	 * it they cut off the inside corners. */
	ocsdf_grid2 g = {{0, 0}, {1, 1}, {2, 2}};
	float v[4] = {1, -1, -1, 1};
	for (int above = 0; above < 2; above++) {
		ocsdf_contour c;
		ocsdf_error e;
		ck_assert_int_eq(ocsdf_contour_extract(&g, v, above ? 0.5 : -0.5, &c, &e), 0);
		ck_assert_uint_eq(c.nlines, 2);
		for (size_t l = 0; l < 2; l++) {
			ck_assert_uint_eq(c.start[l + 1] - c.start[l], 2);
			const float *p = c.xy + 2 * c.start[l];
			/* The corner the line cuts off is the one both ends are
			 * within a quarter edge of. */
			float cx = roundf((p[0] + p[2]) / 2), cy = roundf((p[1] + p[3]) / 2);
			ck_assert(fabsf(p[0] - cx) + fabsf(p[1] - cy) == 0.25f);
			ck_assert(fabsf(p[2] - cx) + fabsf(p[3] - cy) == 0.25f);
			int inside_corner = cx == cy;
			ck_assert_int_eq(inside_corner, above);
		}
		ocsdf_contour_free(&c);
	}
}
END_TEST

START_TEST(contour_bad_input)
{
	ocsdf_grid2 g = {{-1, -1}, {1, 1}, {1, 5}};
	float v[5] = {0};
	ocsdf_contour c;
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_contour_extract(&g, v, 0, &c, &e), OCSDF_EUSAGE);
	g.n[0] = 5;
	g.n[1] = 1;
	ck_assert_int_eq(ocsdf_grid_sample2(&g, field2, NULL, 10, v, &e), OCSDF_EUSAGE);
	g.n[1] = 5;
	g.hi[1] = NAN;
	ck_assert_int_eq(ocsdf_contour_extract(&g, v, 0, &c, &e), OCSDF_EUSAGE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("contour");
	TCase *t = tcase_create("contour");
	tcase_add_test(t, circle_contour);
	tcase_add_test(t, open_and_many_contours);
	tcase_add_test(t, saddle_rule);
	tcase_add_test(t, contour_bad_input);
	suite_add_tcase(s, t);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
