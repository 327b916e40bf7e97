/*
 * test_dataset.c: training rows from inputs larger than memory
 * (lib/dataset.c): the reservoir sample is uniform, seeded and bounded, the
 * scaling of a sample is that of every row read (lib/scale.c's moments),
 * and the memory cap refuses a large input with a hint at --sample.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "scale.h"

enum { ROWS = 1000, KEEP = 100 };

/* A file of ROWS rows "i,2i+1,label", removed by the caller. */
static char *rows_file(void)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/ocsdf-dataset-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "a,b,label\n");
	for (int i = 0; i < ROWS; i++)
		fprintf(fp, "%d,%d,%s\n", i, 2 * i + 1, i % 10 ? "n" : "y");
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

static void read_sample(const char *path, uint64_t seed, ocsdf_dataset *ds)
{
	ocsdf_dataset_spec spec = {0};
	ocsdf_error e;
	spec.label = "label";
	spec.sample = KEEP;
	spec.seed = seed;
	ck_assert_int_eq(ocsdf_dataset_read(path, &spec, ds, &e), 0);
}

START_TEST(test_reservoir)
{
	char *path = rows_file();
	ocsdf_dataset a, b;
	read_sample(path, 7, &a);
	ck_assert_uint_eq(a.n, KEEP);
	ck_assert_uint_eq(a.rows_read, ROWS);
	/* Whole rows of the input, each once, labels with their rows. */
	char seen[ROWS] = {0};
	for (size_t i = 0; i < a.n; i++) {
		int r = (int)a.X[2 * i];
		ck_assert(r >= 0 && r < ROWS && !seen[r]);
		seen[r] = 1;
		ck_assert(a.X[2 * i + 1] == 2 * r + 1);
		ck_assert_str_eq(a.labels[i], r % 10 ? "n" : "y");
	}
	/* Seeded: the same seed, the same sample; another, another. */
	read_sample(path, 7, &b);
	ck_assert_mem_eq(a.X, b.X, sizeof(double) * 2 * KEEP);
	ocsdf_dataset_free(&b);
	read_sample(path, 8, &b);
	ck_assert(memcmp(a.X, b.X, sizeof(double) * 2 * KEEP) != 0);
	ocsdf_dataset_free(&b);
	/* The scaling is that of all the rows: a is 0..999. */
	double mean[2], std[2];
	ocsdf_scale_moments_fit(a.moments, OCSDF_SCALE_STD, mean, std);
	ck_assert_double_eq_tol(mean[0], 499.5, 1e-9);
	ck_assert_double_eq_tol(std[0], sqrt((ROWS * (double)ROWS - 1) / 12), 1e-9);
	ocsdf_dataset_free(&a);
	unlink(path);
}
END_TEST

/* Every row is kept with probability KEEP / ROWS: over 400 seeds, the first
 * and last tenths of the input are each kept about 400 x KEEP / 10 times. */
START_TEST(test_uniform)
{
	char *path = rows_file();
	long first = 0, last = 0;
	for (uint64_t seed = 1; seed <= 400; seed++) {
		ocsdf_dataset ds;
		read_sample(path, seed, &ds);
		for (size_t i = 0; i < ds.n; i++) {
			first += ds.X[2 * i] < ROWS / 10;
			last += ds.X[2 * i] >= ROWS - ROWS / 10;
		}
		ocsdf_dataset_free(&ds);
	}
	/* Expected 4000 each, standard deviation about 60. */
	ck_assert_int_gt(first, 3750);
	ck_assert_int_lt(first, 4250);
	ck_assert_int_gt(last, 3750);
	ck_assert_int_lt(last, 4250);
	unlink(path);
}
END_TEST

/* The moments over a stream give the scaling ocsdf_scale_fit gives on the
 * whole matrix, for every kind, constant and huge columns included. */
START_TEST(test_moments)
{
	enum { N = 500, D = 4 };
	static double X[N * D];
	for (int i = 0; i < N; i++) {
		X[i * D] = sin(i) * 3 + 10;
		X[i * D + 1] = 42;
		X[i * D + 2] = 1e300 * cos(i);
		X[i * D + 3] = 1e-200 * (i % 7);
	}
	for (int kind = 0; kind < 3; kind++) {
		double m1[D], s1[D], m2[D], s2[D];
		ocsdf_scale_moments *mo = ocsdf_scale_moments_new(D);
		ck_assert_ptr_nonnull(mo);
		for (int i = 0; i < N; i += 7)
			ocsdf_scale_moments_add(mo, X + i * D, (size_t)(N - i < 7 ? N - i : 7));
		ck_assert_uint_eq(ocsdf_scale_moments_count(mo), N);
		int c1 = ocsdf_scale_fit(X, N, D, kind, m1, s1);
		int c2 = ocsdf_scale_moments_fit(mo, kind, m2, s2);
		ck_assert_int_eq(c1, c2);
		for (int j = 0; j < D; j++) {
			ck_assert_double_eq_tol(m1[j], m2[j], 1e-12 * (fabs(m1[j]) + s1[j]));
			ck_assert_double_eq_tol(s1[j], s2[j], 1e-12 * s1[j]);
		}
		ck_assert(m2[1] == (kind == OCSDF_SCALE_NONE ? 0 : 42));
		ck_assert(kind != OCSDF_SCALE_STD || s2[1] == 1);
		ocsdf_scale_moments_free(mo);
	}
}
END_TEST

START_TEST(test_memory_cap)
{
	char *path = rows_file();
	ocsdf_dataset_spec spec = {0};
	ocsdf_dataset ds;
	ocsdf_error e;
	spec.label = "label";
	spec.max_bytes = 1000;  /* 62 rows of two doubles */
	ck_assert_int_eq(ocsdf_dataset_read(path, &spec, &ds, &e), 65);
	ck_assert_ptr_nonnull(strstr(e.msg, "--sample N"));
	spec.max_bytes = 2 * sizeof(double) * ROWS;
	ck_assert_int_eq(ocsdf_dataset_read(path, &spec, &ds, &e), 0);
	ck_assert_uint_eq(ds.n, ROWS);
	ck_assert_uint_eq(ds.rows_read, ROWS);
	ocsdf_dataset_free(&ds);
	unlink(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dataset");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_reservoir);
	tcase_add_test(tc, test_uniform);
	tcase_add_test(tc, test_moments);
	tcase_add_test(tc, test_memory_cap);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
