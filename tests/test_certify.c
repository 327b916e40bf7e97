/*
 * test_certify.c: the figures of a certification (lib/certify.c) and its
 * files (lib/certify_write.c) on four rows whose answers are worked out by
 * hand.
 *
 * Scores in the internal convention (higher = more normal): normal rows 3
 * and 4, anomalies 1 and 2.5.  The score differences normal - anomaly of
 * the four pairs are 2, 0.5, 3 and 1.5.  At shift s every normal score is
 * lowered and every anomaly raised by s, so a pair stays ordered when its
 * difference exceeds 2s and ties (counting 1/2) when it equals 2s.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certify.h"

static double score[4] = {3, 1, 4, 2.5};
static unsigned char anom[4] = {0, 1, 0, 1};
static long line[4] = {2, 3, 4, 5};
static char name[] = "hand.csv", column[] = "sdf";

static ocsdf_label_scores rows(void)
{
	ocsdf_label_scores d = {score, anom, line, 4, 2, name, column};
	return d;
}

static ocsdf_certify_params params(double *radius, int n)
{
	ocsdf_certify_params p;
	ocsdf_certify_default_params(&p);
	p.radius = radius;
	p.nradius = n;
	return p;
}

START_TEST(test_auroc_at_radii)
{
	double radius[] = {0, 0.25, 0.5, 1.5};
	ocsdf_certify_params p = params(radius, 4);
	ocsdf_label_scores d = rows();
	ocsdf_certificate c;
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	/* s = 0: all four pairs ordered.  s = 0.25: the pair of difference
	 * 0.5 ties.  s = 0.5: it is lost.  s = 1.5: only the pair of 3 ties. */
	ck_assert_double_eq(c.res[0].auroc, 1);
	ck_assert_double_eq(c.res[1].auroc, 3.5 / 4);
	ck_assert_double_eq(c.res[2].auroc, 3.0 / 4);
	ck_assert_double_eq(c.res[3].auroc, 0.5 / 4);
	for (int k = 0; k < 4; k++) {
		ck_assert_double_eq(c.res[k].radius, radius[k]);
		ck_assert_double_eq(c.res[k].shift, radius[k]);
		ck_assert(isnan(c.res[k].ci_lo) && isnan(c.res[k].ci_hi));
	}
	/* Perfectly separated: no spread and every anomaly ranked first. */
	ck_assert_double_eq(c.res[0].se, 0);
	ck_assert_double_eq(c.res[0].ap, 1);
	ck_assert_str_eq(c.units, "score units (L = 1)");
	ck_assert_str_eq(c.units_key, "score");
	ck_assert_int_eq(c.has_thr, 0);
	ocsdf_certify_free(&c);

	/* With L = 2 a radius moves scores twice as far: radius 0.25 is the
	 * shift 0.5 above. */
	p.lipschitz = 2;
	p.lsource = OCSDF_LIPSCHITZ_OPTION;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	ck_assert_double_eq(c.res[1].shift, 0.5);
	ck_assert_double_eq(c.res[1].auroc, 3.0 / 4);
	ck_assert_str_eq(c.units, "the units in which the score is 2-Lipschitz (--lipschitz)");
	ck_assert_str_eq(c.units_key, "lipschitz");
	ocsdf_certify_free(&c);
}
END_TEST

START_TEST(test_intervals)
{
	double radius[] = {0, 0.5};
	ocsdf_certify_params p = params(radius, 2);
	ocsdf_label_scores d = rows();
	ocsdf_certificate c, c2;
	ocsdf_error e;
	double z;
	p.ci = OCSDF_CI_DELONG;
	p.level = 0.9;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	/* auroc -+ z se, z the normal quantile of 0.95, clipped to [0, 1]. */
	z = ocsdf_roc_normal_quantile(0.95);
	ck_assert_double_eq(c.res[0].ci_lo, 1);
	ck_assert_double_eq(c.res[0].ci_hi, 1);
	ck_assert(c.res[1].se > 0);
	ck_assert_double_eq_tol(c.res[1].ci_lo, fmax(0, 0.75 - z * c.res[1].se), 1e-15);
	ck_assert_double_eq_tol(c.res[1].ci_hi, fmin(1, 0.75 + z * c.res[1].se), 1e-15);
	ocsdf_certify_free(&c);

	/* Bootstrap: every resample of separated classes has AUROC 1; the
	 * same seed gives the same interval. */
	p.ci = OCSDF_CI_BOOTSTRAP;
	p.resamples = 50;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c2, &e), 0);
	ck_assert_double_eq(c.res[0].ci_lo, 1);
	ck_assert_double_eq(c.res[0].ci_hi, 1);
	ck_assert(c.res[1].ci_lo <= c.res[1].ci_hi && c.res[1].ci_lo >= 0 && c.res[1].ci_hi <= 1);
	ck_assert_double_eq(c.res[1].ci_lo, c2.res[1].ci_lo);
	ck_assert_double_eq(c.res[1].ci_hi, c2.res[1].ci_hi);
	ocsdf_certify_free(&c);
	ocsdf_certify_free(&c2);
}
END_TEST

START_TEST(test_threshold)
{
	double radius[] = {0, 0.5};
	ocsdf_certify_params p = params(radius, 2);
	ocsdf_label_scores d = rows();
	ocsdf_certificate c;
	ocsdf_error e;
	/* Flagged below 2.75: both anomalies, no normal row.  At radius 0.5
	 * the worst case: anomalies at 1.5 (flagged) and 3 (not), normal rows
	 * at 2.5 (flagged) and 3.5 (not). */
	p.has_threshold = 1;
	p.threshold = 2.75;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	ck_assert_int_eq(c.has_thr, 1);
	ck_assert_double_eq(c.threshold, 2.75);
	ck_assert_double_eq(c.t_int, 2.75);
	ck_assert(c.res[0].conf.tp == 2 && c.res[0].conf.fn == 0 && c.res[0].conf.tn == 2 && c.res[0].conf.fp == 0);
	ck_assert(c.res[1].conf.tp == 1 && c.res[1].conf.fn == 1 && c.res[1].conf.tn == 1 && c.res[1].conf.fp == 1);
	/* All four decided correctly, at distances 1.75, 0.25, 1.25, 0.25. */
	ck_assert_uint_eq(c.n_correct, 4);
	ck_assert_double_eq(c.rad_min, 0.25);
	ck_assert_double_eq(c.rad_median, 0.75);
	ocsdf_certify_free(&c);

	/* Higher = more anomalous: the user's threshold is -2.75 on the
	 * user's scores (-3, -1, -4, -2.5), the same decisions. */
	p.higher_anomalous = 1;
	p.threshold = -2.75;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	ck_assert_double_eq(c.t_int, 2.75);
	ck_assert_double_eq(c.threshold, -2.75);
	ck_assert(c.res[0].conf.tp == 2 && c.res[0].conf.tn == 2);
	ocsdf_certify_free(&c);

	/* An FPR of 0: the lowest normal score, 3; nothing normal below it. */
	p.higher_anomalous = 0;
	p.has_threshold = 0;
	p.has_fpr = 1;
	p.fpr = 0;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	ck_assert_double_eq(c.threshold, 3);
	ck_assert(c.res[0].conf.tp == 2 && c.res[0].conf.fp == 0);
	ocsdf_certify_free(&c);
}
END_TEST

START_TEST(test_decision_radii)
{
	ocsdf_label_scores d = rows();
	ocsdf_error e;
	size_t n = 99;
	double min = -1, median = -1;
	/* Flagged below 3.5: the normal row at 3 is wrong; the others are
	 * right at distances 2.5, 0.5 (4) and 1 (2.5). */
	ck_assert_int_eq(ocsdf_certify_decision_radii(&d, 3.5, 1, &n, &min, &median, &e), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_double_eq(min, 0.5);
	ck_assert_double_eq(median, 1);
	/* L = 2 halves every radius. */
	ck_assert_int_eq(ocsdf_certify_decision_radii(&d, 2.75, 2, &n, &min, &median, &e), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_double_eq(min, 0.125);
	ck_assert_double_eq(median, 0.375);
	/* Flagged below 0: every anomaly missed, every normal row right. */
	ck_assert_int_eq(ocsdf_certify_decision_radii(&d, 0, 1, &n, &min, &median, &e), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_double_eq(min, 3);
	ck_assert_double_eq(median, 3.5);
}
END_TEST

/* No radius: 0, then the last radii that keep 0.9 and 0.5 of the AUROC.
 * Normal {3, 4}, anomalous {1, 2.5}: at shift s the AUROC is 1 below
 * 0.25, 7/8 at 0.25 (a tie), 3/4 up to 0.75, 1/2 between 0.75 and 1, 3/8
 * at 1; with L = 2 the radii are half the shifts.  With a model and scores
 * named *_raw, L is 1 and the model's L gives the model-unit radii. */
START_TEST(test_chosen_radii)
{
	ocsdf_certify_params p = params(NULL, 0);
	ocsdf_label_scores d = rows();
	ocsdf_certificate c;
	ocsdf_error e;
	char raw[] = "sdf_raw";
	p.lipschitz = 2;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	ck_assert_int_eq(c.nres, 3);
	ck_assert(c.res[0].radius == 0 && isnan(c.res[0].kept));
	ck_assert(c.res[1].kept == 0.9 && c.res[2].kept == 0.5);
	ck_assert(c.res[1].radius < 0.125 && c.res[1].radius > 0.125 - 1e-12);
	ck_assert(c.res[2].radius < 0.5 && c.res[2].radius > 0.5 - 1e-12);
	ck_assert(c.res[1].auroc == 1 && c.res[2].auroc == 0.5);
	ck_assert(isnan(c.res[1].radius_raw) && isnan(c.res[1].radius_model));
	ck_assert(c.keep_radius[0] == c.res[1].radius && c.keep_radius[1] == c.res[2].radius);
	ocsdf_certify_free(&c);
	/* Radii given: the same radii are found, and only those given used. */
	{
		double given[] = {0, 1};
		ocsdf_certify_params q = params(given, 2);
		q.lipschitz = 2;
		ck_assert_int_eq(ocsdf_certify_run(&q, &d, &c, &e), 0);
		ck_assert(c.nres == 2 && c.res[1].radius == 1 && isnan(c.res[1].kept));
		ck_assert(c.keep_radius[0] < 0.125 && c.keep_radius[0] > 0.125 - 1e-12);
		ck_assert(c.keep_radius[1] < 0.5 && c.keep_radius[1] > 0.5 - 1e-12);
		ocsdf_certify_free(&c);
	}
	/* Scores in raw units, certified with a model of L = 4. */
	p.lipschitz = p.model_lipschitz = 4;
	p.lsource = OCSDF_LIPSCHITZ_MODEL;
	d.score_name = raw;
	ocsdf_certify_score_units(&p, &d);
	ck_assert(p.score_raw && p.lipschitz == 1);
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	ck_assert(c.res[1].radius < 0.25 && c.res[1].radius > 0.25 - 1e-12);
	ck_assert(c.res[1].radius_raw == c.res[1].radius && c.res[1].radius_model == 4 * c.res[1].radius);
	ck_assert_str_eq(c.units_key, "raw-input");
	ocsdf_certify_free(&c);
	/* The same column name without a model: raw units, L = 1. */
	p.lipschitz = 1;
	p.lsource = OCSDF_LIPSCHITZ_DEFAULT;
	ocsdf_certify_score_units(&p, &d);
	ck_assert(p.score_raw && p.lipschitz == 1);
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	ck_assert(c.res[2].radius_raw == c.res[2].radius && isnan(c.res[2].radius_model));
	ocsdf_certify_free(&c);
}
END_TEST

START_TEST(test_refusals)
{
	double radius[] = {0, 1e300};
	ocsdf_certify_params p = params(radius, 2);
	ocsdf_label_scores d = rows();
	ocsdf_certificate c;
	ocsdf_error e;
	/* A shift beyond the double range. */
	p.lipschitz = 1e300;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 64);
	ck_assert_str_eq(e.msg, "radius 1e+300 times the Lipschitz constant 1e+300 overflows");
	ck_assert_ptr_null(c.res);
	ck_assert_ptr_null(c.roc);
	/* One class only, no rows. */
	p.lipschitz = 1;
	d.n_anom = 0;
	anom[1] = anom[3] = 0;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 65);
	ck_assert_str_eq(e.msg, "hand.csv: a single class: all 4 rows are normal, none has the anomaly value "
				"'1' in column 'label'; the AUROC needs both classes");
	anom[1] = anom[3] = 1;
	d.n = d.n_anom = 0;
	ck_assert_int_eq(ocsdf_certify_check_data(&p, &d, &e), 65);
	ck_assert_str_eq(e.msg, "hand.csv: no data rows after the header");
	/* Parameters that do not go together. */
	ck_assert_int_eq(ocsdf_certify_check_params(&p, &e), 0);
	p.has_threshold = p.has_fpr = 1;
	ck_assert_int_eq(ocsdf_certify_check_params(&p, &e), 64);
	p.has_threshold = 0;
	p.normal = "1.0";
	ck_assert_int_eq(ocsdf_certify_check_params(&p, &e), 64);
	p.normal = "0";
	p.nradius = -1;
	ck_assert_int_eq(ocsdf_certify_check_params(&p, &e), 64);
	p.nradius = 0;
	p.radius = NULL;
	ck_assert_int_eq(ocsdf_certify_check_params(&p, &e), 0);
}
END_TEST

/* Completing the parameters: the threshold of --decisions, radius 0
 * first. */
START_TEST(test_complete_params)
{
	double *radius = malloc(2 * sizeof *radius);
	ocsdf_certify_params p;
	ocsdf_error e;
	ck_assert_ptr_nonnull(radius);
	radius[0] = 0.5;
	radius[1] = 0.25;
	p = params(radius, 2);
	ck_assert_int_eq(ocsdf_certify_complete_params(&p, 0, &e), 0);
	ck_assert_int_eq(p.nradius, 3);
	ck_assert(p.radius[0] == 0 && p.radius[1] == 0.5 && p.radius[2] == 0.25);
	ck_assert_int_eq(p.has_threshold, 0);
	/* Radius 0 listed: nothing added. */
	ck_assert_int_eq(ocsdf_certify_complete_params(&p, 1, &e), 0);
	ck_assert_int_eq(p.nradius, 3);
	ck_assert(p.has_threshold && p.threshold_level && p.threshold == 0);
	free(p.radius);
	p = params(NULL, 0);
	p.has_fpr = 1;
	p.fpr = 0.1;
	ck_assert_int_eq(ocsdf_certify_complete_params(&p, 1, &e), 0);
	ck_assert_int_eq(p.has_threshold, 0);
	ck_assert_ptr_null(p.radius);
	p.has_fpr = 0;
	p.higher_anomalous = 1;
	ck_assert_int_eq(ocsdf_certify_complete_params(&p, 1, &e), 64);
	ck_assert_str_eq(e.msg, "--decisions with --higher-is-anomalous needs a threshold: add --threshold T or "
				"--fpr P");
	p.higher_anomalous = 0;
	p.has_fpr = p.has_threshold = 1;
	ck_assert_int_eq(ocsdf_certify_complete_params(&p, 0, &e), 64);
}
END_TEST

/* What a writer puts in a file, as a string (free it). */
static char *written(const ocsdf_certificate *c, int what)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(fp);
	if (what < 0)
		ocsdf_certify_write_decisions(fp, c);
	else
		ocsdf_certify_write_report(fp, c, what);
	ck_assert_int_eq(fclose(fp), 0);
	return text;
}

START_TEST(test_files)
{
	double radius[] = {0};
	ocsdf_certify_params p = params(radius, 1);
	ocsdf_label_scores d = rows();
	ocsdf_certificate c;
	ocsdf_error e;
	char *text;
	p.has_threshold = 1;
	p.threshold = 2.75;
	ck_assert_int_eq(ocsdf_certify_run(&p, &d, &c, &e), 0);
	/* The CSV report: no interval, so empty fields. */
	text = written(&c, OCSDF_REPORT_CSV);
	ck_assert_str_eq(text, "radius,score_shift,lipschitz,radius_units,n_normal,n_anomalous,auroc,auroc_se,"
			       "ci_low,ci_high,average_precision,threshold,tp,fp,tn,fn,tpr,fpr,radius_raw,"
			       "radius_model,kept_fraction\n"
			       "0,0,1,score,2,2,1,0,,,1,2.75,2,0,2,0,1,0,,,\n");
	free(text);
	/* Each row's decision and its distance to the threshold. */
	text = written(&c, -1);
	ck_assert_str_eq(text, "line,score,anomalous,flagged,correct,radius\n"
			       "2,3,0,0,1,0.25\n3,1,1,1,1,1.75\n4,4,0,0,1,1.25\n5,2.5,1,1,1,0.25\n");
	free(text);
	ocsdf_certify_free(&c);
}
END_TEST

static Suite *certify_suite(void)
{
	Suite *s = suite_create("certify");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_auroc_at_radii);
	tcase_add_test(tc, test_intervals);
	tcase_add_test(tc, test_threshold);
	tcase_add_test(tc, test_decision_radii);
	tcase_add_test(tc, test_chosen_radii);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_complete_params);
	tcase_add_test(tc, test_files);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(certify_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
