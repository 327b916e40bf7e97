/*
 * test_svg.c: the SVG writer (lib/svg.c): text escaped and cleaned to
 * valid UTF-8, round tick values and the frame's mapping, colours, and a
 * document using every element, checked by xmllint when it is installed.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svg.h"

/* Runs xmllint on a file if it is installed; fails the test if it rejects
 * the file. */
static void check_xml(const char *path)
{
	char cmd[256];
	if (system("command -v xmllint >/dev/null 2>&1") != 0) {
		printf("test_svg: xmllint not found, %s not checked\n", path);
		return;
	}
	snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
	ck_assert_msg(system(cmd) == 0, "xmllint rejects %s", path);
}

static char *capture_escaped(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	ocsdf_svg_put_escaped(fp, text);
	fclose(fp);
	return buf;
}

START_TEST(test_svg_escape)
{
	struct { const char *in, *out; } cases[] = {
		{"a<b & c>\"d'", "a&lt;b &amp; c&gt;&quot;d&apos;"},
		{"tab\there", "tab\there"},
		{"bell\a!", "bell!"},
		{"caf\xc3\xa9", "caf\xc3\xa9"},                      /* valid UTF-8 kept */
		{"\xe2\x82\xac 5", "\xe2\x82\xac 5"},
		{"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
		{"bad\xff", "bad\xef\xbf\xbd"},                      /* stray byte */
		{"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},            /* overlong */
		{"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
		{"\xef\xbf\xbe", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* U+FFFE */
		{"cut\xe2\x82", "cut\xef\xbf\xbd\xef\xbf\xbd"},      /* truncated at the end */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = capture_escaped(cases[i].in);
		ck_assert_msg(strcmp(got, cases[i].out) == 0, "case %zu: got '%s'", i, got);
		free(got);
	}
	ck_assert_int_eq(ocsdf_svg_utf8_char("\xc3\xa9"), 2);
	ck_assert_int_eq(ocsdf_svg_utf8_char("\xf4\x90\x80\x80"), 0);   /* above U+10FFFF */
	ck_assert_int_eq(ocsdf_svg_utf8_char("\xf4\x8f\xbf\xbf"), 4);
}
END_TEST

START_TEST(test_svg_ticks_and_frame)
{
	double t[32];
	ocsdf_svg_frame f = {10, 20, 200, 100, -1, 3, 0, 10};
	int n = ocsdf_svg_ticks(0, 1, 5, t, 32);
	ck_assert_int_eq(n, 6);
	for (int i = 0; i < n; i++)
		ck_assert_double_eq_tol(t[i], 0.2 * i, 1e-15);
	ck_assert(t[3] == 0.6000000000000001 || t[3] == 0.6);
	n = ocsdf_svg_ticks(-0.37, 0.81, 5, t, 32);
	ck_assert(n >= 4 && t[0] >= -0.37 && t[n - 1] <= 0.81);
	for (int i = 0; i < n; i++)
		if (fabs(t[i]) < 1e-12)
			ck_assert(t[i] == 0 && !signbit(t[i]));
	ck_assert_int_eq(ocsdf_svg_ticks(1, 1, 5, t, 32), 0);
	ck_assert_int_eq(ocsdf_svg_ticks(0, 1e6, 5, t, 3), 3);
	ck_assert_double_eq(ocsdf_svg_x(&f, -1), 10);
	ck_assert_double_eq(ocsdf_svg_x(&f, 3), 210);
	ck_assert_double_eq(ocsdf_svg_y(&f, 0), 120);
	ck_assert_double_eq(ocsdf_svg_y(&f, 10), 20);
	ck_assert(ocsdf_svg_colormap(0).r == 0x44 && ocsdf_svg_colormap(1).b == 0x25);
	ck_assert(ocsdf_svg_colormap(-5).r == 0x44 && ocsdf_svg_colormap(NAN).r == 0x44);
	ck_assert(ocsdf_svg_diverging(0).r == 0xf7 && ocsdf_svg_diverging(-1).b == 0xac);
	ck_assert(ocsdf_svg_palette(0).b == ocsdf_svg_palette(8).b);
	ck_assert(ocsdf_svg_palette(-1).r == ocsdf_svg_palette(7).r);
}
END_TEST

START_TEST(test_svg_document)
{
	char path[] = "/tmp/test_svgXXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	ocsdf_svg s;
	ocsdf_svg_frame f = {60, 30, 300, 200, 0, 1, -2, 2};
	double x[4] = {60, 100, 200, 360}, y[4] = {230, 100, 50, 30};
	ocsdf_svg_style st = ocsdf_svg_stroke(ocsdf_svg_palette(1), 2);
	ocsdf_svg_legend_entry leg[2] = {
		{"curve <a & b>", st, OCSDF_SVG_KEY_LINE},
		{"bad \xff name", ocsdf_svg_fill(ocsdf_svg_colormap(0.5), 0.5), OCSDF_SVG_KEY_BOX},
	};
	char *text;
	long len;
	ck_assert(fd >= 0);
	fp = fdopen(fd, "w+");
	ck_assert_ptr_nonnull(fp);
	ocsdf_svg_begin(&s, fp, 400, 300, "a \"title\" & <more>");
	ocsdf_svg_axes(&s, &f, "x & y", "density <1>");
	ocsdf_svg_clip_begin(&s, f.left, f.top, f.width, f.height);
	ocsdf_svg_polyline(&s, x, y, 4, &st);
	st.dash = "4 2";
	ocsdf_svg_polygon(&s, x, y, 4, &st);
	ocsdf_svg_circle(&s, 100, 100, 3, &leg[1].style);
	ocsdf_svg_rect(&s, 70, 40, 10, 10, &leg[1].style);
	ocsdf_svg_line(&s, 0, NAN, 1, INFINITY, &st);
	ocsdf_svg_clip_begin(&s, 0, 0, 10, 10);   /* left open: end closes it */
	ocsdf_svg_legend(&s, &f, OCSDF_SVG_TOP_RIGHT, leg, 2);
	ocsdf_svg_text(&s, 10, 10, "rotated\x01", 12, OCSDF_SVG_MIDDLE, -90,
		       ocsdf_svg_palette(0));
	ocsdf_svg_end(&s);
	ck_assert_int_eq(s.open_groups, 0);
	ck_assert(!ferror(fp));
	len = ftell(fp);
	ck_assert(len > 0);
	text = malloc((size_t)len + 1);
	rewind(fp);
	ck_assert_uint_eq(fread(text, 1, (size_t)len, fp), (size_t)len);
	text[len] = '\0';
	fclose(fp);
	ck_assert(strstr(text, "<title>a &quot;title&quot; &amp; &lt;more&gt;</title>"));
	ck_assert(strstr(text, "stroke-dasharray=\"4 2\""));
	ck_assert(!strstr(text, "nan") && !strstr(text, "inf"));
	ck_assert(strstr(text, "</svg>\n"));
	free(text);
	check_xml(path);
	unlink(path);
}
END_TEST


int main(void)
{
	Suite *s = suite_create("svg");
	TCase *tc = tcase_create("svg");
	tcase_add_test(tc, test_svg_escape);
	tcase_add_test(tc, test_svg_ticks_and_frame);
	tcase_add_test(tc, test_svg_document);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
