/*
 * test_label.c: label values, the class of a label field and the reader of
 * a score column with its labels (lib/label.c), on small hand-made inputs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "label.h"

START_TEST(test_check_values)
{
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_label_check_values("1", "0", &e), 0);
	ck_assert_int_eq(ocsdf_label_check_values("yes", "no", &e), 0);
	ck_assert_int_eq(ocsdf_label_check_values("1", "1.0", &e), 64);
	ck_assert_str_eq(e.msg, "--anomaly and --normal have the same value '1': they need two different "
				"non-empty values");
	ck_assert_int_eq(ocsdf_label_check_values(" 2 ", "2", &e), 64);
	ck_assert_int_eq(ocsdf_label_check_values("", "0", &e), 64);
	ck_assert_str_eq(e.msg, "--anomaly and --normal need two different non-empty values");
	ck_assert_int_eq(ocsdf_label_check_values("1", " \t", &e), 64);
}
END_TEST

START_TEST(test_class)
{
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_label_class("1", "1", "0", "f.csv", 2, "label", &e), 1);
	ck_assert_int_eq(ocsdf_label_class(" 1.0 ", "1", "0", "f.csv", 2, "label", &e), 1);
	ck_assert_int_eq(ocsdf_label_class("0e3", "1", "0", "f.csv", 2, "label", &e), 0);
	ck_assert_int_eq(ocsdf_label_class("no", "yes", "no", "f.csv", 2, "label", &e), 0);
	ck_assert_int_eq(ocsdf_label_class("2", "1", "0", "f.csv", 4, "label", &e), -1);
	ck_assert_int_eq(e.code, 65);
	ck_assert_str_eq(e.msg, "f.csv:4: label '2' in column 'label' is neither the anomaly value '1' nor "
				"the normal value '0' (see --anomaly and --normal)");
	ck_assert_int_eq(ocsdf_label_class(" ", "1", "0", "f.csv", 3, "cl\ass", &e), -1);
	ck_assert_int_eq(e.code, 65);
	ck_assert_str_eq(e.msg, "f.csv:3: empty label in column 'cl?ss'");
	/* The way ocsdf-score --attack pushes each row. */
	ck_assert_int_eq(ocsdf_label_class("1", "1", "0", "f.csv", 2, "label", &e), 1);
	ck_assert_int_eq(ocsdf_label_class("0", "1", "0", "f.csv", 2, "label", &e), 0);
	ck_assert_int_eq(ocsdf_label_class("", "1", "0", "f.csv", 2, "label", &e), -1);
	ck_assert_int_eq(ocsdf_label_class("yes", "yes", "no", "f.csv", 2, "label", &e), 1);
	ck_assert_int_eq(ocsdf_label_class("No", "yes", "no", "f.csv", 2, "label", &e), -1);
	ck_assert_int_eq(ocsdf_label_class("", "", "0", "f.csv", 2, "label", &e), -1);
}
END_TEST

/* --eval's classes: a field is an anomaly when it matches the value as
 * ocsdf_label_class matches it ("1.0" and " 1 " are "1"), else normal,
 * whatever it holds. */
START_TEST(test_flags)
{
	const char *labels[] = {"1", "0", "1.0", " 1 ", "2", "", "yes", "1e0"};
	const unsigned char want[] = {1, 0, 1, 1, 0, 0, 0, 1};
	unsigned char anom[8];
	ocsdf_error e;
	memset(anom, 7, sizeof anom);
	ocsdf_label_flags(labels, 8, "1", anom);
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(anom[i], want[i]);
		if (ocsdf_label_class(labels[i], "1", "0", "f.csv", 2, "label", &e) >= 0)
			ck_assert_int_eq(anom[i], ocsdf_label_class(labels[i], "1", "0", "f.csv", 2, "label", &e));
	}
	ocsdf_label_flags(labels, 8, "yes", anom);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(anom[i], i == 6);
}
END_TEST

START_TEST(test_usual_names)
{
	const char *usual[] = {"label", "Class", "TARGET", "outlier", "Anomaly"};
	const char *other[] = {"labels", "x1", "", "anomaly ", "is_outlier"};
	for (int i = 0; i < 5; i++) {
		ck_assert_msg(ocsdf_label_usual_name(usual[i]), "%s", usual[i]);
		ck_assert_msg(!ocsdf_label_usual_name(other[i]), "%s", other[i]);
	}
}
END_TEST

/* A file holding text, removed at the end of the test. */
static char *temp_csv(const char *text)
{
	static char path[64];
	int fd;
	snprintf(path, sizeof path, "/tmp/ocsdf-label-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static size_t reported;

static void on_progress(void *ctx, size_t rows)
{
	(void)ctx;
	reported = rows;
}

START_TEST(test_read_scores)
{
	char *path = temp_csv("id,label,sdf\na,0,0.5\nb,1.0,-2\nc, 0 ,1e-3\n");
	ocsdf_label_spec spec = {"sdf", "label", "1", "0", 0, 0, on_progress, NULL};
	ocsdf_label_scores d;
	ocsdf_error e;
	reported = 0;
	ck_assert_int_eq(ocsdf_label_read_scores(path, &spec, &d, &e), 0);
	ck_assert_uint_eq(d.n, 3);
	ck_assert_uint_eq(d.n_anom, 1);
	ck_assert(d.score[0] == 0.5 && d.score[1] == -2 && d.score[2] == 1e-3);
	ck_assert(d.anom[0] == 0 && d.anom[1] == 1 && d.anom[2] == 0);
	ck_assert(d.line[0] == 2 && d.line[1] == 3 && d.line[2] == 4);
	ck_assert_str_eq(d.name, path);
	ck_assert_uint_eq(reported, 0);   /* fewer than 2^20 rows */
	ocsdf_label_scores_free(&d);

	/* Negated, the columns by number. */
	spec.score_col = "3";
	spec.label_col = "2";
	spec.negate = 1;
	ck_assert_int_eq(ocsdf_label_read_scores(path, &spec, &d, &e), 0);
	ck_assert(d.score[0] == -0.5 && d.score[1] == 2 && d.score[2] == -1e-3);
	ocsdf_label_scores_free(&d);

	/* One column for both. */
	spec.label_col = "sdf";
	ck_assert_int_eq(ocsdf_label_read_scores(path, &spec, &d, &e), 64);
	ck_assert_str_eq(e.msg, "--score and --label name the same column 'sdf'");
	ck_assert_ptr_null(d.score);
	ck_assert_uint_eq(d.n, 0);
	unlink(path);

	/* A label of neither class, on line 3. */
	path = temp_csv("sdf,label\n1,0\n2,x\n");
	spec.label_col = "label";
	spec.score_col = "sdf";
	ck_assert_int_eq(ocsdf_label_read_scores(path, &spec, &d, &e), 65);
	ck_assert(strstr(e.msg, ":3: label 'x' in column 'label' is neither") != NULL);
	ck_assert_ptr_null(d.name);
	unlink(path);
}
END_TEST

static Suite *label_suite(void)
{
	Suite *s = suite_create("label");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_check_values);
	tcase_add_test(tc, test_class);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_usual_names);
	tcase_add_test(tc, test_read_scores);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(label_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
