/*
 * test_field.c: a model as a field (lib/field.c): the callbacks give what
 * the scorer gives, bit for bit, at float points; the default level and
 * its words from the model's statistics, and the refusals; the Lipschitz
 * bound used for pruning.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "rng.h"
#include "score.h"

static ocsdf_model *random_model(int d)
{
	ocsdf_arch a = {d, 8, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = ocsdf_model_new(&a, 0);
	ocsdf_rng g;
	ck_assert_ptr_nonnull(m);
	ocsdf_rng_seed(&g, 7);
	for (size_t i = 0; i < ocsdf_arch_nparams(&a); i++)
		m->theta[i] = (float)(0.5 * ocsdf_rng_normal(&g));
	for (int j = 0; j < d; j++) {
		m->mean[j] = j - 0.5;
		m->std[j] = 0.5 + j;
	}
	return m;
}

START_TEST(same_as_scorer)
{
	for (int d = 2; d <= 3; d++) {
		ocsdf_model *m = random_model(d);
		ocsdf_field *f = ocsdf_field_new(m, 16);
		ocsdf_scorer *s = ocsdf_scorer_new(m, 16);
		float xyz[16 * 3], f1[16], f2[16], g1[16 * 3], g2[16 * 3];
		double X[16 * 3];
		ck_assert(f && s);
		for (int i = 0; i < 16 * d; i++) {
			xyz[i] = (float)(0.37 * i - 2);
			X[i] = xyz[i];
		}
		ocsdf_field_eval(f, xyz, 16, f1);
		ocsdf_scorer_run(s, X, 16, f2);
		ck_assert(memcmp(f1, f2, sizeof f1) == 0);
		ocsdf_field_grad(f, xyz, 16, f1, g1);
		ocsdf_scorer_grad(s, X, 16, f2, g2);
		ck_assert(memcmp(f1, f2, sizeof f1) == 0);
		ck_assert(memcmp(g1, g2, sizeof(float) * 16 * (size_t)d) == 0);
		/* fewer points than the batch */
		ocsdf_field_eval(f, xyz + d, 3, f1);
		ocsdf_scorer_run(s, X + d, 3, f2);
		ck_assert(memcmp(f1, f2, 3 * sizeof *f1) == 0);
		ocsdf_field_free(f);
		ocsdf_scorer_free(s);
		ocsdf_model_free(m);
	}
	ocsdf_field_free(NULL);
}
END_TEST

START_TEST(level)
{
	ocsdf_model *m = random_model(3);
	ocsdf_error e;
	double v = 42;
	char what[64];

	ck_assert_int_eq(ocsdf_field_level(m, "m.model", 0, &v, what, sizeof what, &e), OCSDF_EDATA);
	ck_assert_str_eq(e.msg, "m.model records no statistics of f over training rows; give --level L");
	ck_assert_double_eq(v, 42);
	m->stats.rows = 100;
	m->stats.f_p1 = -0.25;
	m->stats.f_p5 = 0.125;
	m->stats.f_p50 = NAN;
	ck_assert_int_eq(ocsdf_field_level(m, "m", 0, &v, what, sizeof what, &e), 0);
	ck_assert_double_eq(v, -0.25);
	ck_assert_str_eq(what, "1st percentile of the training rows");
	ck_assert_int_eq(ocsdf_field_level(m, "m", 5, &v, what, sizeof what, &e), 0);
	ck_assert_double_eq(v, 0.125);
	ck_assert_str_eq(what, "5th percentile of the training rows");
	ck_assert_int_eq(ocsdf_field_level(m, "m", 50, &v, what, sizeof what, &e), OCSDF_EDATA);
	ck_assert_int_eq(ocsdf_field_level(m, "m", 7, &v, what, sizeof what, &e), OCSDF_EUSAGE);
	/* A 1st percentile above 0: the learned boundary instead, unless the
	 * percentile is asked for. */
	m->stats.f_p1 = 0.0625;
	ck_assert_int_eq(ocsdf_field_level(m, "m", 0, &v, what, sizeof what, &e), 0);
	ck_assert_double_eq(v, 0);
	ck_assert_str_eq(what, "the learned boundary; 1st percentile 0.0625");
	ck_assert_int_eq(ocsdf_field_level(m, "m", 1, &v, what, sizeof what, &e), 0);
	ck_assert_double_eq(v, 0.0625);
	ck_assert_str_eq(what, "1st percentile of the training rows");
	ocsdf_model_free(m);
}
END_TEST

START_TEST(lipschitz)
{
	ocsdf_model *m = random_model(2);   /* std 0.5 and 1.5, width 8, depth 2 */
	m->stats.lipschitz_raw = 3;
	ck_assert_double_eq_tol(ocsdf_field_lipschitz(m), 3 * 1.001, 1e-12);
	m->stats.lipschitz_raw = 0;
	ck_assert_double_eq_tol(ocsdf_field_lipschitz(m), 2 * 1.001, 1e-12);
	m->stats.lipschitz_raw = NAN;
	ck_assert_double_eq_tol(ocsdf_field_lipschitz(m), 2 * 1.001, 1e-12);
	/* three weight matrices, each at most sqrt(1 + 8 * 0.01) too large */
	m->stats.ortho_error = 0.01;
	ck_assert_double_eq_tol(ocsdf_field_lipschitz(m), 2 * pow(1.08, 1.5) * 1.001, 1e-12);
	ocsdf_model_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("field");
	TCase *t = tcase_create("field");
	tcase_add_test(t, same_as_scorer);
	tcase_add_test(t, level);
	tcase_add_test(t, lipschitz);
	suite_add_tcase(s, t);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
