/*
 * test_text.c: numbers that read back exactly, excerpts of fields for
 * messages, bounded strings and the items of a list (lib/text.c), on
 * values whose text is known by hand.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const char *num(double v, int min_digits)
{
	static char buf[OCSDF_TEXT_NUMBER_MAX];
	return ocsdf_text_number(buf, sizeof buf, v, min_digits);
}

START_TEST(test_number)
{
	/* %.15g reads back: nothing longer. */
	ck_assert_str_eq(num(0.1, 15), "0.1");
	ck_assert_str_eq(num(100, 15), "100");
	ck_assert_str_eq(num(1234.5, 15), "1234.5");
	/* 1/3 needs 16 digits, 0.1 + 0.2 all 17. */
	ck_assert_str_eq(num(1.0 / 3, 15), "0.3333333333333333");
	ck_assert_str_eq(num(0.1 + 0.2, 15), "0.30000000000000004");
	/* From 1 digit up: the shortest text, exponent form included. */
	ck_assert_str_eq(num(0.1, 1), "0.1");
	ck_assert_str_eq(num(100, 1), "1e+02");
	ck_assert_str_eq(num(0.05, 1), "0.05");
	ck_assert_str_eq(num(1234.5, 1), "1234.5");
	ck_assert_str_eq(num(0.1 + 0.2, 1), "0.30000000000000004");
	/* Nothing reads back as NaN: %.17g. */
	ck_assert_str_eq(num(NAN, 15), "nan");
	ck_assert_str_eq(num(-0.0, 15), "-0");
	ck_assert_str_eq(num(-2.5e-300, 1), "-2.5e-300");
	/* Below 1, the minimum is 1. */
	ck_assert_str_eq(num(100, 0), "1e+02");
}
END_TEST

START_TEST(test_put_number)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(fp);
	ocsdf_text_put_number(fp, 0.25, 15);
	fputc(',', fp);
	ocsdf_text_put_number(fp, 1e21, 1);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_str_eq(text, "0.25,1e+21");
	free(text);
}
END_TEST

static const char *quoted(const char *s, size_t n, size_t max, size_t size)
{
	static char buf[128];
	ck_assert_uint_le(size, sizeof buf);
	ocsdf_text_excerpt(buf, size, s, n, max, OCSDF_EXCERPT_QUOTED);
	return buf;
}

START_TEST(test_excerpt_quoted)
{
	ck_assert_str_eq(quoted("abc", 3, 60, 128), "\"abc\"");
	ck_assert_str_eq(quoted("a\"b\\c", 5, 60, 128), "\"a\\\"b\\\\c\"");
	ck_assert_str_eq(quoted("\x01x\x7f", 3, 60, 128), "\"\\x01x\\x7f\"");
	/* A NUL inside the field, invalid UTF-8, a lead byte cut short. */
	ck_assert_str_eq(quoted("a\0b", 3, 60, 128), "\"a\\x00b\"");
	ck_assert_str_eq(quoted("\xff", 1, 60, 128), "\"\\xff\"");
	ck_assert_str_eq(quoted("\xc3", 1, 60, 128), "\"\\xc3\"");
	ck_assert_str_eq(quoted("\xc3\xa9t\xc3\xa9", 5, 60, 128), "\"\xc3\xa9t\xc3\xa9\"");
	/* Cut at max bytes, the whole length said after the quote. */
	ck_assert_str_eq(quoted("abcdef", 6, 3, 128), "\"abc\"... (6 bytes)");
	/* Never inside a character: "ab" and not half of the e-acute. */
	ck_assert_str_eq(quoted("ab\xc3\xa9", 4, 3, 128), "\"ab\"... (4 bytes)");
	/* What does not fit the buffer is cut off, terminated. */
	ck_assert_str_eq(quoted("abcdef", 6, 60, 5), "\"abc");
	ck_assert_str_eq(quoted("", 0, 60, 128), "\"\"");
}
END_TEST

START_TEST(test_shown)
{
	char buf[64], x45[46], x39e[42];
	ck_assert_str_eq(ocsdf_text_shown("label", buf, sizeof buf), "label");
	ck_assert_str_eq(ocsdf_text_shown(NULL, buf, sizeof buf), "");
	/* Quotes as they are (the message quotes the field), control bytes
	 * and invalid UTF-8 as '?'. */
	ck_assert_str_eq(ocsdf_text_shown("a'b\"c\\", buf, sizeof buf), "a'b\"c\\");
	ck_assert_str_eq(ocsdf_text_shown("a\tb\x7f\x1b[2J", buf, sizeof buf), "a?b??[2J");
	ck_assert_str_eq(ocsdf_text_shown("\xff\xc3\xa9", buf, sizeof buf), "?\xc3\xa9");
	/* 40 bytes, then "...". */
	memset(x45, 'x', 45);
	x45[45] = '\0';
	ck_assert_str_eq(ocsdf_text_shown(x45, buf, sizeof buf), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...");
	x45[40] = '\0';
	ck_assert_str_eq(ocsdf_text_shown(x45, buf, sizeof buf), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	/* A character across byte 40 is left out whole. */
	memset(x39e, 'x', 39);
	memcpy(x39e + 39, "\xc3\xa9", 3);
	ck_assert_str_eq(ocsdf_text_shown(x39e, buf, sizeof buf), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...");
}
END_TEST

/* Pieces appended until the buffer is full, then dropped, the string
 * always terminated. */
START_TEST(test_buf)
{
	char out[12];
	ocsdf_text_buf b = {out, sizeof out, 0};
	out[0] = '\0';
	ocsdf_text_printf(&b, "%s", "");
	ck_assert_str_eq(out, "");
	ocsdf_text_printf(&b, "%d, %s", 42, "ab");
	ck_assert_str_eq(out, "42, ab");
	ck_assert_uint_eq(b.len, 6);
	ocsdf_text_printf(&b, "|%s|", "cdefgh");
	ck_assert_str_eq(out, "42, ab|cdef");
	ck_assert_uint_eq(b.len, sizeof out - 1);
	ocsdf_text_printf(&b, "more");
	ck_assert_str_eq(out, "42, ab|cdef");
	char one[1] = "";
	ocsdf_text_buf e = {one, sizeof one, 0};
	ocsdf_text_printf(&e, "x");
	ck_assert_str_eq(one, "");
}
END_TEST

/* Joins the items it is given, each with its index, into ctx (a buffer of
 * 64 bytes); stops with 7 at the item "stop". */
static int join_item(void *ctx, char *item, int k)
{
	char *out = ctx;
	size_t len = strlen(out);
	snprintf(out + len, 64 - len, "%d[%s]", k, item);
	return strcmp(item, "stop") == 0 ? 7 : 0;
}

/* The items of a list in order, empty ones included, each terminated;
 * the walk stops at the first nonzero return, which it returns. */
START_TEST(test_each_item)
{
	char out[64] = "";
	ck_assert_int_eq(ocsdf_text_each_item("a,bc,,d", join_item, out), 0);
	ck_assert_str_eq(out, "0[a]1[bc]2[]3[d]");
	out[0] = '\0';
	ck_assert_int_eq(ocsdf_text_each_item("", join_item, out), 0);
	ck_assert_str_eq(out, "0[]");
	out[0] = '\0';
	ck_assert_int_eq(ocsdf_text_each_item("x,stop,y", join_item, out), 7);
	ck_assert_str_eq(out, "0[x]1[stop]");
	out[0] = '\0';
	ck_assert_int_eq(ocsdf_text_each_item("x,", join_item, out), 0);
	ck_assert_str_eq(out, "0[x]1[]");
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_number);
	tcase_add_test(tc, test_put_number);
	tcase_add_test(tc, test_excerpt_quoted);
	tcase_add_test(tc, test_shown);
	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_each_item);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
