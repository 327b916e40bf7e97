/*
 * test_plot.c: the plots (lib/plot.c).  ROC curves thinned and histograms,
 * as valid XML; the PNG encoder checked chunk by chunk against zlib (CRC-32
 * of every chunk, the image data inflated back to the pixels given);
 * base64 against the vectors of RFC 4648; and a contour map, whose
 * embedded colour map is decoded back to a PNG of the grid's size.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "plot.h"
#include "rng.h"

/* Runs xmllint on a file if it is installed; fails the test if it rejects
 * the file. */
static void check_xml(const char *path)
{
	char cmd[256];
	if (system("command -v xmllint >/dev/null 2>&1") != 0) {
		printf("test_plot: xmllint not found, %s not checked\n", path);
		return;
	}
	snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
	ck_assert_msg(system(cmd) == 0, "xmllint rejects %s", path);
}

static size_t count_substr(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "r");
	char line[4096];
	size_t k = 0;
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof line, fp))
		for (const char *p = line; (p = strstr(p, needle)); p++)
			k++;
	fclose(fp);
	return k;
}

START_TEST(test_plots)
{
	enum { N = 20000 };
	static double s[N];
	static unsigned char a[N];
	char path[] = "/tmp/test_plotXXXXXX";
	double shifts[2] = {0, 0.3}, thr = -0.2;
	ocsdf_plot_curve c[2];
	ocsdf_roc_point *p[2];
	ocsdf_plot_hist_opts h = {30, &thr, "scores of <class> & co", "score", 0};
	ocsdf_rng g;
	ocsdf_error e;
	ocsdf_roc *r;
	FILE *fp;
	int fd;
	ocsdf_rng_seed(&g, 15);
	for (int i = 0; i < N; i++) {
		a[i] = ocsdf_rng_uniform(&g) < 0.2;
		s[i] = ocsdf_rng_normal(&g) + (a[i] ? -1 : 0);
	}
	ck_assert_int_eq(ocsdf_roc_new(s, a, N, &r, &e), 0);
	for (int k = 0; k < 2; k++) {
		ck_assert_int_eq(ocsdf_roc_curve(r, shifts[k], &p[k], &c[k].n, &e), 0);
		c[k].pts = p[k];
		c[k].label = k ? "certified \xce\xb5 = 0.3" : "plain";
	}
	fd = mkstemp(path);
	ck_assert(fd >= 0);
	fp = fdopen(fd, "w");
	ck_assert_int_eq(ocsdf_plot_roc(fp, c, 2, "ROC <1>", NULL, &e), 0);
	ck_assert_int_eq(fclose(fp), 0);
	check_xml(path);
	/* the diagonal and two curves, thinned far below the ~20000 points */
	ck_assert_uint_eq(count_substr(path, "<polyline"), 3);
	ck_assert_uint_lt(count_substr(path, ","), 2 * 4000);
	ck_assert_uint_eq(count_substr(path, "certified \xce\xb5 = 0.3"), 1);

	fp = fopen(path, "w");
	ck_assert_int_eq(ocsdf_plot_hist(fp, s, a, N, &h, &e), 0);
	ck_assert_int_eq(fclose(fp), 0);
	check_xml(path);
	ck_assert_uint_eq(count_substr(path, "<polygon"), 2);
	ck_assert_uint_eq(count_substr(path, "stroke-dasharray=\"5 3\""), 2);   /* line and key */
	ck_assert_uint_eq(count_substr(path, "&lt;class&gt; &amp; co"), 2);     /* title twice */

	/* one class only, then all scores equal, then no rows: still a
	 * valid document */
	memset(a, 0, sizeof a);
	h.threshold = NULL;
	fp = fopen(path, "w");
	ck_assert_int_eq(ocsdf_plot_hist(fp, s, a, N, &h, &e), 0);
	fclose(fp);
	check_xml(path);
	ck_assert_uint_eq(count_substr(path, "<polygon"), 1);
	for (int i = 0; i < 10; i++)
		s[i] = 3;
	fp = fopen(path, "w");
	ck_assert_int_eq(ocsdf_plot_hist(fp, s, a, 10, &h, &e), 0);
	ck_assert_int_eq(ocsdf_plot_hist(fp, s, a, 0, &h, &e), 0);
	fclose(fp);
	h.bins = 0;
	ck_assert_int_eq(ocsdf_plot_hist(stdout, s, a, 10, &h, &e), OCSDF_EUSAGE);
	unlink(path);
	free(p[0]);
	free(p[1]);
	ocsdf_roc_free(r);
}
END_TEST

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Checks png[0..len) as a PNG of w x h RGB pixels equal to rgb, with a
 * decoder written here on zlib: the signature, then IHDR, IDAT, IEND, each
 * with its length and CRC-32; the IDAT stream inflated to rows of a filter
 * byte 0 and the pixels. */
static void check_png(const unsigned char *png, size_t len, const unsigned char *rgb, int w, int h)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	static const char *const types[3] = {"IHDR", "IDAT", "IEND"};
	size_t k = 8;
	ck_assert_uint_ge(len, 8);
	ck_assert(memcmp(png, sig, 8) == 0);
	for (int c = 0; c < 3; c++) {
		ck_assert_uint_le(k + 12, len);
		uint32_t n = be32(png + k);
		ck_assert_uint_le(k + 12 + n, len);
		ck_assert(memcmp(png + k + 4, types[c], 4) == 0);
		ck_assert_uint_eq(be32(png + k + 8 + n), crc32(0, png + k + 4, n + 4));
		const unsigned char *d = png + k + 8;
		if (c == 0) {
			ck_assert_uint_eq(n, 13);
			ck_assert_uint_eq(be32(d), (uint32_t)w);
			ck_assert_uint_eq(be32(d + 4), (uint32_t)h);
			ck_assert(d[8] == 8 && d[9] == 2 && d[10] == 0 && d[11] == 0 && d[12] == 0);
		} else if (c == 1) {
			uLongf raw_len = (uLongf)h * (1 + 3 * (uLongf)w), got = raw_len + 1;
			unsigned char *raw = malloc(raw_len + 1);
			ck_assert_int_eq(uncompress(raw, &got, d, n), Z_OK);
			ck_assert_uint_eq(got, raw_len);
			for (int y = 0; y < h; y++) {
				const unsigned char *row = raw + (size_t)y * (1 + 3 * (size_t)w);
				ck_assert_int_eq(row[0], 0);
				ck_assert(memcmp(row + 1, rgb + (size_t)y * 3 * (size_t)w, 3 * (size_t)w) == 0);
			}
			free(raw);
		} else {
			ck_assert_uint_eq(n, 0);
		}
		k += 12 + n;
	}
	ck_assert_uint_eq(k, len);
}

START_TEST(test_png)
{
	static const int sizes[][2] = {{1, 1}, {5, 3}, {3, 5}, {257, 64}};
	ocsdf_rng g;
	ocsdf_error e;
	ocsdf_rng_seed(&g, 3);
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		int w = sizes[s][0], h = sizes[s][1];
		unsigned char *rgb = malloc((size_t)w * (size_t)h * 3), *png;
		size_t len;
		for (size_t i = 0; i < (size_t)w * (size_t)h * 3; i++)
			rgb[i] = (unsigned char)(i % 7 == 0 ? ocsdf_rng_below(&g, 256) : i / 3 % 251);
		ck_assert_int_eq(ocsdf_plot_png(rgb, w, h, &png, &len, &e), 0);
		check_png(png, len, rgb, w, h);
		free(png);
		free(rgb);
	}
	unsigned char px[3] = {1, 2, 3}, *png = (unsigned char *)1;
	size_t len = 1;
	ck_assert_int_eq(ocsdf_plot_png(px, 0, 1, &png, &len, &e), OCSDF_EUSAGE);
	ck_assert(png == NULL && len == 0);
	ck_assert_int_eq(ocsdf_plot_png(px, 1, -1, &png, &len, &e), OCSDF_EUSAGE);
	ck_assert_int_eq(ocsdf_plot_png(px, 1 << 20, 1 << 10, &png, &len, &e), OCSDF_EUSAGE);
}
END_TEST

static char *base64(const void *p, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	ocsdf_plot_put_base64(fp, p, n);
	fclose(fp);
	return buf;
}

static int unbase64_digit(char c)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(digits, c) : NULL;
	return p ? (int)(p - digits) : -1;
}

/* Decodes s[0..n) (a multiple of 4 characters, '=' padding) into a
 * malloc'd buffer. */
static unsigned char *unbase64(const char *s, size_t n, size_t *len)
{
	unsigned char *out = malloc(n / 4 * 3 + 1);
	size_t k = 0;
	ck_assert_uint_eq(n % 4, 0);
	for (size_t i = 0; i < n; i += 4) {
		int d[4];
		for (int j = 0; j < 4; j++)
			d[j] = s[i + j] == '=' ? 0 : unbase64_digit(s[i + j]);
		ck_assert(d[0] >= 0 && d[1] >= 0 && d[2] >= 0 && d[3] >= 0);
		unsigned long v = (unsigned long)d[0] << 18 | (unsigned long)d[1] << 12 |
				  (unsigned long)d[2] << 6 | (unsigned long)d[3];
		out[k++] = (unsigned char)(v >> 16);
		if (s[i + 2] != '=')
			out[k++] = (unsigned char)(v >> 8);
		if (s[i + 3] != '=')
			out[k++] = (unsigned char)v;
	}
	*len = k;
	return out;
}

START_TEST(test_base64)
{
	static const char *const vectors[][2] = {
		{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
		{"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}, {"\xff\xfe", "//4="},
	};
	for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
		char *got = base64(vectors[i][0], strlen(vectors[i][0]));
		ck_assert_str_eq(got, vectors[i][1]);
		free(got);
	}
	unsigned char all[256], *back;
	size_t len;
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)(255 - i);
	char *got = base64(all, sizeof all);
	back = unbase64(got, strlen(got), &len);
	ck_assert(len == sizeof all && memcmp(back, all, len) == 0);
	free(back);
	free(got);
}
END_TEST

/* f = 0.6 - |p| on a grid of nx x ny points over [-1, 1] x [-1, 2]. */
static float *disk_values(ocsdf_grid2 *g, int nx, int ny)
{
	*g = (ocsdf_grid2){{-1, -1}, {1, 2}, {nx, ny}};
	float *v = malloc((size_t)nx * (size_t)ny * sizeof *v);
	for (int j = 0; j < ny; j++)
		for (int i = 0; i < nx; i++) {
			double x = -1 + 2.0 * i / (nx - 1), y = -1 + 3.0 * j / (ny - 1);
			v[(size_t)j * (size_t)nx + (size_t)i] = (float)(0.6 - hypot(x, y));
		}
	return v;
}

static char *read_text(const char *path)
{
	FILE *fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	rewind(fp);
	char *t = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(t, 1, (size_t)n, fp), (size_t)n);
	t[n] = '\0';
	fclose(fp);
	return t;
}

START_TEST(test_map)
{
	char path[] = "/tmp/test_plot_mapXXXXXX";
	ocsdf_grid2 g;
	ocsdf_error e;
	float *v = disk_values(&g, 41, 61);
	double pts[2 * 20], levels[3] = {-0.5, 0, 0.3};
	const char *labels[20];
	static const char *const names[10] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
	for (int i = 0; i < 20; i++) {
		pts[2 * i] = -0.9 + 0.09 * i;
		pts[2 * i + 1] = 0.1 * i - 0.5;
		labels[i] = names[i % 10];
	}
	ocsdf_plot_map_opts o = {"map of <f>", "x & 1", "y", 1, NULL, 0, -0.2, "a chosen level",
				 1, pts, 20, labels, "kind"};
	int fd = mkstemp(path);
	ck_assert(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	ck_assert_int_eq(ocsdf_plot_map(fp, &g, v, &o, &e), 0);
	ck_assert_int_eq(fclose(fp), 0);
	check_xml(path);
	char *t = read_text(path);
	ck_assert_ptr_nonnull(strstr(t, "<title>map of &lt;f&gt;</title>"));
	ck_assert_ptr_nonnull(strstr(t, "from -1.64 to 0.6"));
	ck_assert_ptr_nonnull(strstr(t, "f = -0.2: a chosen level"));
	ck_assert_ptr_nonnull(strstr(t, "kind = h and others"));
	ck_assert_ptr_null(strstr(t, "kind = i"));
	ck_assert_ptr_null(strstr(t, "training points"));
	ck_assert_uint_eq(count_substr(path, "stroke-dasharray=\"7 4\""), 2);   /* line and key */
	/* The colour map: one PNG of one pixel per grid point. */
	const char *uri = strstr(t, "data:image/png;base64,");
	ck_assert_ptr_nonnull(uri);
	uri += strlen("data:image/png;base64,");
	size_t n64 = strcspn(uri, "\""), len;
	unsigned char *png = unbase64(uri, n64, &len);
	ck_assert_uint_ge(len, 33);
	ck_assert_uint_eq(be32(png + 16), 41);
	ck_assert_uint_eq(be32(png + 20), 61);
	free(png);
	free(t);

	/* No colour map, given levels, points without labels. */
	o.colormap = 0;
	o.levels = levels;
	o.nlevels = 3;
	o.labels = NULL;
	o.level = 0;
	fp = fopen(path, "w");
	ck_assert_int_eq(ocsdf_plot_map(fp, &g, v, &o, &e), 0);
	ck_assert_int_eq(fclose(fp), 0);
	check_xml(path);
	t = read_text(path);
	ck_assert_ptr_null(strstr(t, "<image"));
	ck_assert_ptr_nonnull(strstr(t, "training points"));
	ck_assert_ptr_null(strstr(t, "a chosen level"));
	/* f = -0.5 (a circle of radius 1.1, cut by the border into three
	 * lines) and f = 0.3 thin, f = 0 bold, once each */
	ck_assert_uint_eq(count_substr(path, "<polyline"), 5);
	free(t);

	g.n[0] = 1;
	fp = fopen(path, "w");
	ck_assert_int_eq(ocsdf_plot_map(fp, &g, v, &o, &e), OCSDF_EUSAGE);
	fclose(fp);
	unlink(path);
	free(v);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plot");
	TCase *tc = tcase_create("plot");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_plots);
	tcase_add_test(tc, test_png);
	tcase_add_test(tc, test_base64);
	tcase_add_test(tc, test_map);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
