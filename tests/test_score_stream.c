/*
 * test_score_stream.c: a CSV stream scored by a model (lib/score_stream.c):
 * the names of the new columns, the refusals of names and columns, and
 * rows written with the scorer's scores, the decisions and the attacked
 * scores, whatever the block, on small hand-made inputs and a model built
 * in memory.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "lipnet.h"
#include "model.h"
#include "rng.h"
#include "scale.h"
#include "score.h"
#include "score_stream.h"

/* A model of features x and y, 1-Lipschitz in standardized units, with
 * std 0.5 and 2: L = 2 with respect to raw inputs. */
static ocsdf_model *make_model(void)
{
	ocsdf_arch a = {2, 8, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = ocsdf_model_new(&a, 0);
	ocsdf_rng r;
	ck_assert_ptr_nonnull(m);
	ocsdf_rng_seed(&r, 3);
	ocsdf_lipnet_init(&a, &r, m->theta);
	m->std[0] = 0.5;
	m->std[1] = 2;
	m->stats.lipschitz_raw = ocsdf_scale_lipschitz(m->std, 2);
	ck_assert_int_eq(ocsdf_model_set_name(m, 0, "x"), 0);
	ck_assert_int_eq(ocsdf_model_set_name(m, 1, "y"), 0);
	return m;
}

/* A file holding text; the path is static, the file removed by the
 * caller. */
static const char *temp_csv(const char *text)
{
	static char path[64];
	int fd;
	snprintf(path, sizeof path, "/tmp/ocsdf-stream-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* The whole output of the stream over text as p says, malloc'ed, or NULL
 * with *code and e set when it is refused. */
static char *run_text(const ocsdf_model *m, const ocsdf_score_stream_params *p, const char *text, int *code,
		      ocsdf_error *e)
{
	const char *path = temp_csv(text);
	ocsdf_score_stream *s;
	char *out = NULL;
	size_t len = 0;
	FILE *fp;
	*code = ocsdf_score_stream_open(path, m, "m.model", p, &s, e);
	if (*code == 0) {
		fp = open_memstream(&out, &len);
		ck_assert_ptr_nonnull(fp);
		*code = ocsdf_score_stream_run(s, fp, NULL, NULL, e);
		fclose(fp);
		ocsdf_score_stream_close(s);
	}
	unlink(path);
	if (*code) {
		free(out);
		return NULL;
	}
	return out;
}

/* The first line of the output over a two-row input with a header. */
static void expect_header(const ocsdf_model *m, const ocsdf_score_stream_params *p, const char *header)
{
	ocsdf_error e;
	int code;
	char *out = run_text(m, p, "x,y,label\n1,2,0\n-3,4,1\n", &code, &e);
	ck_assert_msg(out != NULL, "refused: %s", e.msg);
	ck_assert_int_eq(strcspn(out, "\n"), strlen(header));
	ck_assert_int_eq(strncmp(out, header, strlen(header)), 0);
	free(out);
}

START_TEST(test_column_names)
{
	ocsdf_model *m = make_model();
	ocsdf_score_stream_params p;
	double one[] = {0.1}, two[] = {0.1, 0.25};
	ocsdf_score_stream_default_params(&p);
	expect_header(m, &p, "x,y,label,sdf");
	p.only = 1;
	expect_header(m, &p, "sdf");
	p.raw_units = 1;
	p.column = "s_raw";
	p.decide = 1;
	expect_header(m, &p, "s_raw,s_flagged,s_radius_raw");
	p.attack = 1;
	p.label_col = "label";
	p.radius = one;
	p.nrad = 1;
	expect_header(m, &p, "s_raw,s_pgd_raw,s_flagged,s_radius_raw");
	p.radius = two;
	p.nrad = 2;
	p.decide = p.raw_units = 0;
	p.column = "sdf";
	expect_header(m, &p, "sdf,sdf_pgd_0.1,sdf_pgd_0.25");
	p.attack_column = "adv";
	expect_header(m, &p, "sdf,adv_0.1,adv_0.25");
	ocsdf_model_free(m);
}
END_TEST

START_TEST(test_refusals)
{
	ocsdf_model *m = make_model();
	ocsdf_score_stream_params p;
	ocsdf_error e;
	double r[] = {0.1, 0.1};
	int code;
	ocsdf_score_stream_default_params(&p);
	ck_assert_ptr_null(run_text(m, &p, "x,y,sdf\n1,2,0\n", &code, &e));
	ck_assert_int_eq(code, 64);
	ck_assert_str_eq(strchr(e.msg, ':'), ": a column named 'sdf' exists already; name the score with --score");
	ck_assert_ptr_null(run_text(m, &p, "x,z\n1,2\n", &code, &e));
	ck_assert_int_eq(code, 65);
	ck_assert_ptr_nonnull(strstr(e.msg, "(a feature of model m.model)"));
	p.header = OCSDF_CSV_NO_HEADER;
	ck_assert_ptr_null(run_text(m, &p, "1\n", &code, &e));
	ck_assert_int_eq(code, 65);
	ck_assert_ptr_nonnull(strstr(e.msg, ":1: 1 field, but model m.model has 2 features"));
	p.header = OCSDF_CSV_HEADER;
	p.attack = 1;
	p.radius = r;
	p.nrad = 1;
	p.label_col = "2";
	ck_assert_ptr_null(run_text(m, &p, "x,y,label\n1,2,0\n", &code, &e));
	ck_assert_int_eq(code, 64);
	ck_assert_str_eq(e.msg, "--label names 'y', a feature column of the model");
	p.label_col = "label";
	p.attack_column = "sdf";
	ck_assert_ptr_null(run_text(m, &p, "x,y,label\n1,2,0\n", &code, &e));
	ck_assert_int_eq(code, 64);
	ck_assert_str_eq(e.msg, "two output columns would be named 'sdf'");
	p.attack_column = NULL;
	ck_assert_ptr_null(run_text(m, &p, "x,y,label\n1,2,0\n3,4,no\n", &code, &e));
	ck_assert_int_eq(code, 65);
	ck_assert_ptr_nonnull(strstr(e.msg, ":3: label 'no' in column 'label'"));
	p.nrad = 2;
	ck_assert_int_eq(ocsdf_score_stream_check_attack(&p, &e), 64);
	ck_assert_str_eq(e.msg, "radius 0.1 is listed twice in --radius");
	p.label_col = NULL;
	ck_assert_int_eq(ocsdf_score_stream_check_attack(&p, &e), 64);
	p.label_col = "label";
	p.nrad = 1;
	ck_assert_int_eq(ocsdf_score_stream_check_attack(&p, &e), 0);
	ocsdf_model_free(m);
}
END_TEST

START_TEST(test_check_params)
{
	ocsdf_score_stream_params p;
	ocsdf_error e;
	char a[] = "a", b[] = "b", *cols[] = {a, b};
	ocsdf_score_stream_default_params(&p);
	ck_assert_int_eq(ocsdf_score_stream_check_params(&p, &e), 0);
	p.column = "";
	ck_assert_int_eq(ocsdf_score_stream_check_params(&p, &e), 64);
	p.column = "s_raw";
	ck_assert_int_eq(ocsdf_score_stream_check_params(&p, &e), 64);
	ck_assert_str_eq(e.msg, "a name ending in _raw says raw units: it needs --units raw");
	p.raw_units = 1;
	ck_assert_int_eq(ocsdf_score_stream_check_params(&p, &e), 0);
	p.columns = cols;
	p.ncolumns = 2;
	ck_assert_int_eq(ocsdf_score_stream_check_params(&p, &e), 64);
	p.header = OCSDF_CSV_NO_HEADER;
	ck_assert_int_eq(ocsdf_score_stream_check_params(&p, &e), 0);
}
END_TEST

/* Reads back field k of line i (0: the first row) of a CSV text. */
static double field(const char *out, int i, int k)
{
	const char *s = out;
	for (int n = 0; n < i; n++)
		s = strchr(s, '\n') + 1;
	for (int n = 0; n < k; n++)
		s = strchr(s, ',') + 1;
	return strtod(s, NULL);
}

/* Rows pass through with their score (the scorer's, to the bit), the
 * decision and its radius |f| / L; the attacked score is no better. */
START_TEST(test_rows)
{
	enum { N = 5000 };  /* more than one block */
	ocsdf_model *m = make_model();
	ocsdf_scorer *sc = ocsdf_scorer_new(m, N);
	ocsdf_score_stream_params p;
	size_t cap = (size_t)N * 64 + 16, len = 0;
	char *text = malloc(cap), *out;
	double *X = malloc(sizeof(double) * 2 * N), r[] = {0.5};
	float *f = malloc(sizeof(float) * N);
	ocsdf_rng rng;
	ocsdf_error e;
	int code;
	ocsdf_rng_seed(&rng, 9);
	len += (size_t)snprintf(text, cap, "x,y,label\n");
	for (int i = 0; i < N; i++) {
		X[2 * i] = 2 * ocsdf_rng_normal(&rng);
		X[2 * i + 1] = 2 * ocsdf_rng_normal(&rng);
		len += (size_t)snprintf(text + len, cap - len, "%.17g,%.17g,%d\n", X[2 * i], X[2 * i + 1], i % 2);
	}
	ocsdf_scorer_run(sc, X, N, f);
	ocsdf_score_stream_default_params(&p);
	p.decide = p.attack = 1;
	p.radius = r;
	p.nrad = 1;
	p.label_col = "label";
	out = run_text(m, &p, text, &code, &e);
	ck_assert_msg(out != NULL, "refused: %s", e.msg);
	for (int i = 0; i < N; i++) {
		float adv = (float)field(out, i + 1, 4);
		ck_assert_float_eq((float)field(out, i + 1, 0), (float)X[2 * i]);
		ck_assert_float_eq((float)field(out, i + 1, 3), f[i]);
		ck_assert_int_eq((int)field(out, i + 1, 5), f[i] < 0);
		ck_assert_float_eq((float)field(out, i + 1, 6), (float)(fabs(f[i]) / 2));
		ck_assert(i % 2 ? adv >= f[i] : adv <= f[i]);
	}
	free(out);
	free(text);
	free(X);
	free(f);
	ocsdf_scorer_free(sc);
	ocsdf_model_free(m);
}
END_TEST

static Suite *score_stream_suite(void)
{
	Suite *s = suite_create("score_stream");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_column_names);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_check_params);
	tcase_add_test(tc, test_rows);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(score_stream_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
