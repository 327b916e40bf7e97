/*
 * fuzz_options.c: option values that the programs parse beyond getopt.
 *
 * Byte 0 picks what the rest is (NUL bytes separate strings):
 *   0  ocsdf-certify's command line (argv), through its own parse_options
 *   1  ocsdf-mesh --box (then a mean,std list for each feature) and the grid
 *      it chooses; byte 1 picks 2 or 3 features and the resolution
 *   2  --label and --ignore column lists of ocsdf-train (ocsdf_dataset_read),
 *      on a fixed CSV header or on the CSV text after the second NUL
 *   3  ocsdf_parse_double_list, the --radius and --levels lists
 *   4  ocsdf_parse_double and ocsdf_parse_long against strtod and strtol
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dataset.h"
#include "fuzz.h"

int fuzz_certify_options(int argc, char **argv);
int fuzz_mesh_grid(const char *box_arg, int d, int resolution, const double *mean,
		   const double *std);

/* Splits s[0..n) at NUL bytes into at most max strings (copies). */
static int split(const uint8_t *s, size_t n, char **out, int max)
{
	int k = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n && k < max; i++)
		if (i == n || s[i] == 0) {
			out[k] = malloc(i - start + 1);
			FUZZ_CHECK(out[k] != NULL);
			memcpy(out[k], s + start, i - start);
			out[k][i - start] = '\0';
			k++;
			start = i + 1;
		}
	return k;
}

static void quiet_call_begin(FILE **saved_out, FILE **saved_err)
{
	static FILE *null;
	if (!null)
		null = fopen("/dev/null", "w");
	FUZZ_CHECK(null != NULL);
	*saved_out = stdout;
	*saved_err = stderr;
	stdout = null;
	stderr = null;
}

static void quiet_call_end(FILE *saved_out, FILE *saved_err)
{
	stdout = saved_out;
	stderr = saved_err;
}

static void certify_args(const uint8_t *s, size_t n)
{
	char *args[16];
	char *argv[17], prog[] = "ocsdf-certify";
	FILE *so, *se;
	int argc = split(s, n, args, 15);
	argv[0] = prog;
	for (int i = 0; i < argc; i++)
		argv[i + 1] = args[i];
	argv[argc + 1] = NULL;
	quiet_call_begin(&so, &se);
	int code = fuzz_certify_options(argc + 1, argv);
	quiet_call_end(so, se);
	FUZZ_CHECK(code == 0 || code == 64 || code == 70);
	for (int i = 0; i < argc; i++)
		free(args[i]);
}

static void mesh_box(const uint8_t *s, size_t n)
{
	char *args[2] = {NULL, NULL};
	double mean[3] = {0, 0, 0}, std[3] = {1, 1, 1}, *ms = NULL;
	int nms = 0;
	if (n < 3)
		return;
	int d = 2 + (s[0] & 1);
	int resolution = 8 + (int)(((unsigned)s[1] | (unsigned)s[2] << 8) % 2041);
	int k = split(s + 3, n - 3, args, 2);
	/* Any finite mean and positive finite std can come from a model file. */
	if (k == 2 && ocsdf_parse_double_list(args[1], -1.7e308, 1.7e308, &ms, &nms) == 0) {
		for (int a = 0; a < d && 2 * a + 1 < nms; a++) {
			mean[a] = ms[2 * a];
			std[a] = ms[2 * a + 1] > 0 ? ms[2 * a + 1] : 1;
		}
		free(ms);
	}
	int code = fuzz_mesh_grid(k >= 1 && args[0][0] ? args[0] : NULL, d, resolution, mean, std);
	FUZZ_CHECK(code == 0 || code == 64);
	for (int i = 0; i < k; i++)
		free(args[i]);
}

static const char fixed_csv[] =
	"a,b,3,\"x,y\", c ,1,a,\"\"\"q\"\"\",12\n"
	"1,2,3,4,5,6,7,8,9\n"
	"-1,0.5,1e3,0,0,0,0,0,x\n";

static void dataset_columns(const uint8_t *s, size_t n)
{
	char *args[3] = {NULL, NULL, NULL};
	static const char *const model_names[] = {"a", "c", "x,y"};
	ocsdf_dataset ds;
	ocsdf_dataset_spec spec;
	ocsdf_error e;
	if (n < 1)
		return;
	unsigned mode = s[0];
	int k = split(s + 1, n - 1, args, 3);
	const char *csv = k == 3 ? args[2] : fixed_csv;
	memset(&spec, 0, sizeof spec);
	spec.label = k >= 1 && (mode & 1) ? args[0] : NULL;
	spec.ignore = k >= 2 && (mode & 2) ? args[1] : NULL;
	if (mode & 4) {
		spec.names = model_names;
		spec.n_names = 1 + (int)((mode >> 3) % 3);
	}
	spec.max_rows = (mode & 32) ? 1 : 0;
	int rc = ocsdf_dataset_read(fuzz_memfile(csv, strlen(csv)), &spec, &ds, &e);
	if (rc == 0) {
		FUZZ_CHECK(ds.d >= 1 && ds.names != NULL);
		FUZZ_CHECK(!spec.names || ds.d == spec.n_names);
		for (int j = 0; j < ds.d; j++)
			FUZZ_CHECK(ds.names[j] != NULL);
		for (size_t i = 0; i < ds.n * (size_t)ds.d; i++)
			FUZZ_CHECK(isfinite(ds.X[i]));
		FUZZ_CHECK(ds.n == 0 || (ds.labels != NULL) == (spec.label != NULL));
		for (size_t i = 0; ds.labels && i < ds.n; i++)
			FUZZ_CHECK(ds.labels[i] != NULL);
		FUZZ_CHECK(!spec.max_rows || ds.n <= spec.max_rows);
		ocsdf_dataset_free(&ds);
	} else {
		FUZZ_CHECK((rc == 64 || rc == 65 || rc == 66 || rc == 70 || rc == 74) && e.msg[0]);
	}
	for (int i = 0; i < k; i++)
		free(args[i]);
}

static const double bounds[8][2] = {
	{0, 1e300}, {-1e30, 1e30}, {-1e6, 1e6}, {0, 1e6}, {0, 0}, {-1, 1}, {1e-300, 1e300}, {-1.7e308, 1.7e308},
};

static void double_list(const uint8_t *s, size_t n)
{
	char *str[1];
	double *v = NULL;
	int nv = -1;
	if (n < 1)
		return;
	const double *b = bounds[s[0] & 7];
	if (split(s + 1, n - 1, str, 1) != 1)
		return;
	if (ocsdf_parse_double_list(str[0], b[0], b[1], &v, &nv) == 0) {
		int commas = 0;
		for (const char *p = str[0]; *p; p++)
			commas += *p == ',';
		FUZZ_CHECK(v != NULL && nv == commas + 1);
		/* Each element is what the strict single parser gives its token. */
		const char *tok = str[0];
		for (int i = 0; i < nv; i++) {
			const char *comma = strchr(tok, ',');
			size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
			char *t = malloc(len + 1);
			double one;
			FUZZ_CHECK(t != NULL);
			memcpy(t, tok, len);
			t[len] = '\0';
			FUZZ_CHECK(ocsdf_parse_double(t, b[0], b[1], &one) == 0);
			FUZZ_CHECK(memcmp(&one, &v[i], sizeof one) == 0);
			FUZZ_CHECK(isfinite(v[i]) && v[i] >= b[0] && v[i] <= b[1]);
			free(t);
			tok = comma ? comma + 1 : tok + len;
		}
		free(v);
	}
	free(str[0]);
}

static void single_numbers(const uint8_t *s, size_t n)
{
	char *str[1];
	double dv = 0;
	long lv = 0;
	if (split(s, n, str, 1) != 1)
		return;
	const char *p = str[0];
	char *end;
	if (ocsdf_parse_double(p, -1e300, 1e300, &dv) == 0) {
		errno = 0;
		double ref = strtod(p, &end);
		FUZZ_CHECK(*p && *end == '\0' && errno != ERANGE && isfinite(ref) && ref == dv);
	}
	if (ocsdf_parse_long(p, -1000000, 1000000, &lv) == 0) {
		errno = 0;
		long ref = strtol(p, &end, 10);
		FUZZ_CHECK(*p && *end == '\0' && errno == 0 && ref == lv && lv >= -1000000 && lv <= 1000000);
	}
	free(str[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 100000)
		return 0;
	switch (data[0] % 5) {
	case 0: certify_args(data + 1, size - 1); break;
	case 1: mesh_box(data + 1, size - 1); break;
	case 2: dataset_columns(data + 1, size - 1); break;
	case 3: double_list(data + 1, size - 1); break;
	default: single_numbers(data + 1, size - 1); break;
	}
	return 0;
}
