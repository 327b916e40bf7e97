/*
 * test_number.c: the strict decimal parser (lib/number.c), compared bit for
 * bit with strtod on edge cases and on millions of random strings, and the
 * reason it gives for each refusal; the float formatter, compared with
 * printf on powers of ten, ties and millions of random floats.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"

/* Check writes a mark on every passing assertion; loops over many values
 * use this instead, which costs nothing until it fails. */
#define REQUIRE(cond, ...)                      \
	do {                                    \
		if (!(cond))                    \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

static uint64_t bits_of(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

/* Compares ocsdf_number_parse with strtod on a valid decimal string: the
 * same bits, and a refusal (as out of range) exactly when strtod
 * overflows. */
static void check_same_as_strtod(const char *s)
{
	double want = strtod(s, NULL), got = 12345;
	/* an exact-size copy lets ASan catch any read past the length */
	size_t n = strlen(s);
	char *copy = malloc(n);
	memcpy(copy, s, n);
	int rc = ocsdf_number_parse(copy, n, &got);
	free(copy);
	if (isinf(want)) {
		REQUIRE(rc == OCSDF_NUMBER_RANGE, "%s: accepted though it overflows (%d)", s, rc);
		return;
	}
	REQUIRE(rc == OCSDF_NUMBER_OK, "%s: refused (%d)", s, rc);
	REQUIRE(bits_of(got) == bits_of(want), "%s: got %a, strtod %a", s, got, want);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

START_TEST(test_number_edges)
{
	static const char *valid[] = {
		"0", "-0", "+0", "0.0", "00000", "0e999999999999", ".5", "5.", "-.5e1", "+1", "1e5", "1E+05",
		"1e-5", "00012.500", "1e0000000000000000000000000001", "123456789012345678", "9007199254740992",
		"9007199254740993", "9007199254740995", "18446744073709551615", "12345678901234567890123",
		"1e23", "8.98846567431158e307", "1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "2.2250738585072011e-308", "2.2250738585072012e-308",
		"2.2250738585072014e-308", "4.9406564584124654e-324", "2.4703282292062327e-324",
		"2.4703282292062328e-324", "1e-400", "-1e-400", "7.2057594037927933e16", "0.1", "0.3",
		"3.141592653589793238462643383279502884197169399375105820974944", "1e22", "1e-22", "1e23",
		"9.999999999999999e22", "123456789e-30", "5e-324", "1.5e-323", "0.000000000000000000000000001",
		"4503599627370496.5", "4503599627370497.5", "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000.0",
		"1e308", "1e309", "1e-307", "1e-308", "1e-309", "1e-323", "1e-324", "1e-325",
	};
	for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
		check_same_as_strtod(valid[i]);

	static const char *invalid[] = {
		"", " ", "\t", "+", "-", ".", "-.", "e5", ".e5", "1e", "1e+", "1e-", "1.5x", "x1", "0x10", "0X1",
		"0x1p3", "nan", "NAN", "-nan", "inf", "+inf", "-Infinity", "infinity", "1e999", "-1e999",
		"1.8e308", "1,5", "1 2", "--1", "+-1", "1..2", "1e5.5", "1e5e5", "\xd9\xa1", "1_000", "'1'",
		"\"1\"", "1f", "1d", "1.0L", "0b1", "\v1", "1\n", "\r1",
	};
	for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
		double v = 42;
		ck_assert_msg(ocsdf_number_parse(invalid[i], strlen(invalid[i]), &v) != OCSDF_NUMBER_OK,
			      "accepted '%s'", invalid[i]);
		ck_assert_double_eq(v, 42);
	}

	/* blanks around the number are allowed, the length is honoured, and an
	 * embedded NUL is refused */
	double v;
	ck_assert_int_eq(ocsdf_number_parse(" \t-2.5e1\t ", 10, &v), OCSDF_NUMBER_OK);
	ck_assert_double_eq(v, -25);
	ck_assert_int_eq(ocsdf_number_parse("1.5e3", 3, &v), OCSDF_NUMBER_OK);
	ck_assert_double_eq(v, 1.5);
	ck_assert_int_eq(ocsdf_number_parse("1\0002", 3, &v), OCSDF_NUMBER_SYNTAX);
	ck_assert_int_eq(ocsdf_number_parse("-0", 2, &v), OCSDF_NUMBER_OK);
	ck_assert(signbit(v));

	/* a very long number (longer than any stack copy) */
	size_t n = 5000;
	char *s = malloc(n + 1);
	memset(s, '0', n);
	s[0] = '0', s[1] = '.';
	s[n - 1] = '7';
	s[n] = '\0';
	check_same_as_strtod(s);
	free(s);
}
END_TEST

/* The ways programs commonly print doubles. */
static void format_double(char *s, size_t size, int how, double d)
{
	switch (how) {
	case 0: snprintf(s, size, "%.17g", d); break;
	case 1: snprintf(s, size, "%.16g", d); break;
	case 2: snprintf(s, size, "%.15g", d); break;
	case 3: snprintf(s, size, "%.9g", d); break;
	case 4: snprintf(s, size, "%.6e", d); break;
	case 5: snprintf(s, size, "%.20g", d); break;
	case 6: snprintf(s, size, "%.3g", d); break;
	default: snprintf(s, size, "%.1e", d); break;
	}
}

START_TEST(test_number_random)
{
	char s[128];
	for (int i = 0; i < 200000; i++) {
		double d;
		uint64_t u = rnd();
		memcpy(&d, &u, sizeof d);
		if (!isfinite(d))
			continue;
		format_double(s, sizeof s, i % 8, d);
		check_same_as_strtod(s);
	}
	/* doubles of everyday magnitude, as data files hold them */
	for (int i = 0; i < 200000; i++) {
		double d = ldexp((double)(rnd() >> 11), -53) * pow(10, (int)(rnd() % 13) - 6);
		format_double(s, sizeof s, i % 4, i % 2 ? d : -d);
		check_same_as_strtod(s);
	}
	/* random digit strings, point and exponent */
	for (int i = 0; i < 300000; i++) {
		int nd = 1 + (int)(rnd() % 24), point = (int)(rnd() % (uint64_t)(nd + 1)), k = 0;
		if (rnd() % 2)
			s[k++] = '-';
		for (int j = 0; j < nd; j++) {
			if (j == point)
				s[k++] = '.';
			s[k++] = (char)('0' + rnd() % 10);
		}
		k += snprintf(s + k, sizeof s - (size_t)k, "e%d", (int)(rnd() % 700) - 360);
		check_same_as_strtod(s);
	}
	/* exact ties between two doubles, and their neighbours */
	for (int i = 0; i < 100000; i++) {
		int e = 54 + (int)(rnd() % 10);
		uint64_t m = (rnd() >> 11) | (UINT64_C(1) << 52);
		uint64_t tie = (m << (e - 53)) + (UINT64_C(1) << (e - 54));
		for (int d = -1; d <= 1; d++) {
			snprintf(s, sizeof s, "%llu", (unsigned long long)(tie + (uint64_t)(int64_t)d));
			check_same_as_strtod(s);
			snprintf(s, sizeof s, "%llue-2", (unsigned long long)(tie + (uint64_t)(int64_t)d));
			check_same_as_strtod(s);
		}
	}
	/* near the ends of the range */
	for (int i = 0; i < 50000; i++) {
		double d = i % 2 ? DBL_MAX : DBL_MIN;
		uint64_t u = bits_of(d) - (rnd() % 1000) + (i % 2 ? 0 : 500);
		memcpy(&d, &u, sizeof d);
		snprintf(s, sizeof s, i % 4 < 2 ? "%.17g" : "%.16g", d);
		check_same_as_strtod(s);
	}
}
END_TEST

/* Each refusal says why: the words of a CSV reader's message depend on it. */
START_TEST(test_number_status)
{
	static const struct {
		const char *s;
		int status;
	} cases[] = {
		{"", OCSDF_NUMBER_EMPTY},        {" \t ", OCSDF_NUMBER_EMPTY},
		{"nan", OCSDF_NUMBER_NONFINITE}, {"-Infinity", OCSDF_NUMBER_NONFINITE},
		{"+inf", OCSDF_NUMBER_NONFINITE}, {"nan(0x1)", OCSDF_NUMBER_NONFINITE},
		{"1e999", OCSDF_NUMBER_RANGE},   {"-1.8e308", OCSDF_NUMBER_RANGE},
		{"x1", OCSDF_NUMBER_SYNTAX},     {"0x10", OCSDF_NUMBER_SYNTAX},
		{"1e", OCSDF_NUMBER_SYNTAX},     {"1 2", OCSDF_NUMBER_SYNTAX},
		{"infinite", OCSDF_NUMBER_SYNTAX}, {" 12 ", OCSDF_NUMBER_OK},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		double v;
		ck_assert_msg(ocsdf_number_parse(cases[i].s, strlen(cases[i].s), &v) == cases[i].status,
			      "'%s': status %d, expected %d", cases[i].s,
			      ocsdf_number_parse(cases[i].s, strlen(cases[i].s), &v), cases[i].status);
	}
}
END_TEST

/* ocsdf_number_format_float against snprintf "%.9g": the same text, which
 * reads back as the same float. */
static void check_format(float v)
{
	char got[OCSDF_NUMBER_FLOAT_MAX], want[64];
	int n = ocsdf_number_format_float(got, v);
	snprintf(want, sizeof want, "%.9g", (double)v);
	REQUIRE(strcmp(got, want) == 0 && n == (int)strlen(want), "%a: '%s' (%d), printf '%s'", (double)v, got, n,
		want);
	if (isfinite(v)) {
		float back = strtof(got, NULL);
		REQUIRE(memcmp(&back, &v, sizeof v) == 0, "%a: '%s' reads back as %a", (double)v, got, (double)back);
	}
}

static float float_of(uint32_t u)
{
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

START_TEST(test_format_float)
{
	static const float specials[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.1f, 1e-5f, 1e-4f, 9.99999997e-5f, 1e8f,
					 99999999.0f, 1e9f, 999999936.0f, 1.5e9f, FLT_MAX, -FLT_MAX, FLT_MIN,
					 FLT_TRUE_MIN, 1e-36f, 1e-37f, 1234567.125f, 1234567.375f, 0.5f, 2.5f};
	for (size_t i = 0; i < sizeof specials / sizeof *specials; i++)
		check_format(specials[i]);
	check_format(INFINITY);
	check_format(-INFINITY);
	check_format(NAN);
	/* Around every power of ten a float reaches, and its halves. */
	for (int k = -46; k <= 39; k++)
		for (int h = 0; h < 2; h++) {
			float c = (float)(h ? 5 * pow(10, k - 1) : pow(10, k));
			float a = c, b = c;
			for (int i = 0; i < 64; i++) {
				check_format(a);
				check_format(b);
				a = nextafterf(a, 0);
				b = nextafterf(b, INFINITY);
			}
		}
	/* Floats with short exact decimals: ties at the tenth digit. */
	for (int i = 0; i < 300000; i++) {
		uint32_t m = (uint32_t)(rnd() % (1u << 23)) | (1u << 23);
		int e = (int)(rnd() % 20) - 14;
		check_format(ldexpf((float)m, e) * (rnd() & 1 ? -1 : 1));
	}
	/* Any bits. */
	for (int i = 0; i < 2000000; i++)
		check_format(float_of((uint32_t)rnd()));
}
END_TEST

/* Every position of arrays of every length up to 40 (both vector chains
 * and the tail), each non-finite value in turn. */
START_TEST(test_all_finite)
{
	const float bad[] = {INFINITY, -INFINITY, NAN};
	float v[40] = {0};
	for (size_t n = 0; n <= 40; n++) {
		for (size_t i = 0; i < n; i++)
			v[i] = i % 3 ? FLT_MAX : -(float)i;
		REQUIRE(ocsdf_number_all_finite(v, n) == 1, "length %zu: finite values refused", n);
		for (size_t i = 0; i < n; i++)
			for (size_t b = 0; b < 3; b++) {
				float keep = v[i];
				v[i] = bad[b];
				REQUIRE(ocsdf_number_all_finite(v, n) == 0, "length %zu: %g at %zu missed", n,
					(double)bad[b], i);
				v[i] = keep;
			}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("number");
	TCase *tc = tcase_create("parse");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_number_edges);
	tcase_add_test(tc, test_number_status);
	tcase_add_test(tc, test_number_random);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_format_float);
	tcase_add_test(tc, test_all_finite);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
