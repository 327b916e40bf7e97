/*
 * test_csv.c: the CSV reader and writer (lib/csv.c).
 *
 * A table of malformed inputs, each with its exit code and the words its
 * message must contain; the limits; gzip (valid, concatenated, truncated at
 * every offset, corrupt, a bomb read in constant memory); block sizes giving
 * identical results; raw pass-through and line numbers; standard input; and
 * the writers read back bit for bit.  The number parser has its own tests
 * (test_number.c), and so has the gzip input below the reader
 * (test_gzread.c).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <csv.h>

#include "csv.h"

static char tmpdir[256];

/* Check writes a mark on every passing assertion; loops over many values
 * use this instead, which costs nothing until it fails. */
#define REQUIRE(cond, ...)                      \
	do {                                    \
		if (!(cond))                    \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* ---- helpers ---- */

static char *path_of(const char *name)
{
	static char path[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
	return path[k];
}

static const char *write_file(const char *name, const void *data, size_t len)
{
	const char *p = path_of(name);
	FILE *f = fopen(p, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

/* gzip-compresses data (one member). */
static unsigned char *gzip(const void *data, size_t len, int level, size_t *out_len)
{
	z_stream z = {0};
	size_t cap = compressBound((uLong)len) + 64;
	unsigned char *out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Everything read from a file, for comparisons. */
typedef struct result {
	int code;
	ocsdf_error err;
	long nrows;
	double *num;
	char **text;
	char **raw;
	size_t *raw_len;
	long *line;
} result;

static void result_free(result *res)
{
	for (long i = 0; res->text && i < res->nrows * 4; i++)
		free(res->text[i]);
	for (long i = 0; res->raw && i < res->nrows; i++)
		free(res->raw[i]);
	free(res->num);
	free(res->text);
	free(res->raw);
	free(res->raw_len);
	free(res->line);
	memset(res, 0, sizeof *res);
}

/*
 * Opens path and reads it all in blocks of block rows.  sel gives each
 * column's use: 'n' numeric, 't' text, '-' skipped; NULL selects every
 * column as numeric.  At most 4 text columns.
 */
static result read_all(const char *path, const char *sel, int block, int keep_raw)
{
	result res = {0};
	ocsdf_csv_reader *r;
	ocsdf_csv_block b;
	int num[64], text[4], n_num = 0, n_text = 0;
	long cap = 0;

	res.code = ocsdf_csv_open(path, &r, &res.err);
	if (res.code)
		return res;
	int ncols = ocsdf_csv_ncols(r);
	for (int c = 0; c < ncols && c < 64; c++) {
		char u = sel ? (c < (int)strlen(sel) ? sel[c] : '-') : 'n';
		if (u == 'n')
			num[n_num++] = c;
		else if (u == 't' && n_text < 4)
			text[n_text++] = c;
	}
	ck_assert_int_eq(ocsdf_csv_select(r, num, n_num, text, n_text, keep_raw, &res.err), 0);
	for (;;) {
		res.code = ocsdf_csv_next(r, block, &b, &res.err);
		if (res.code || b.nrows == 0)
			break;
		REQUIRE(b.nrows <= block, "block of %d rows, asked for %d", b.nrows, block);
		if (res.nrows + b.nrows > cap) {
			cap = 2 * (res.nrows + b.nrows);
			res.num = realloc(res.num, (size_t)cap * 64 * sizeof *res.num);
			res.text = realloc(res.text, (size_t)cap * 4 * sizeof *res.text);
			res.raw = realloc(res.raw, (size_t)cap * sizeof *res.raw);
			res.raw_len = realloc(res.raw_len, (size_t)cap * sizeof *res.raw_len);
			res.line = realloc(res.line, (size_t)cap * sizeof *res.line);
		}
		for (int i = 0; i < b.nrows; i++) {
			long k = res.nrows + i;
			if (n_num)
				memcpy(res.num + k * n_num, b.num + (size_t)i * n_num, (size_t)n_num * sizeof *b.num);
			for (int j = 0; j < 4; j++)
				res.text[k * 4 + j] = j < n_text ? strdup(b.text[i * n_text + j]) : NULL;
			res.raw[k] = NULL;
			if (keep_raw) {
				/* raw records may hold NUL bytes; they end with one */
				REQUIRE(b.raw[i][b.raw_len[i]] == '\0', "raw record %d not NUL-terminated", i);
				res.raw[k] = malloc(b.raw_len[i] + 1);
				memcpy(res.raw[k], b.raw[i], b.raw_len[i] + 1);
				res.raw_len[k] = b.raw_len[i];
			}
			res.line[k] = b.line[i];
		}
		res.nrows += b.nrows;
	}
	ocsdf_csv_close(r);
	return res;
}

/* ---- the malformed-input table ---- */

typedef struct bad_case {
	const char *name;
	const char *data;
	size_t len;             /* 0: strlen(data) */
	const char *sel;        /* NULL: every column numeric */
	int code;
	const char *words[4];   /* the message must contain each */
} bad_case;

static const bad_case bad_cases[] = {
	{"empty", "", 0, NULL, 65, {"empty input", "header"}},
	{"bom-only", "\xef\xbb\xbf", 0, NULL, 65, {"empty input"}},
	{"blank-lines-only", "\n \n\t\r\n", 0, NULL, 65, {"empty input"}},
	{"text-in-number", "a,b\n1,2\n3,abc\n", 0, NULL, 65, {"text-in-number.csv:3:", "\"b\"", "(2)", "got \"abc\""}},
	{"trailing-garbage", "a,b\n1,1.5x\n", 0, NULL, 65, {":2:", "\"b\"", "\"1.5x\""}},
	{"nan", "a\nNaN\n", 0, NULL, 65, {":2:", "finite", "\"NaN\""}},
	{"inf", "a,b\n1,-inf\n", 0, NULL, 65, {"finite", "\"-inf\""}},
	{"infinity", "a\nInfinity\n", 0, NULL, 65, {"finite"}},
	{"nan-payload", "a\nnan(0x1)\n", 0, NULL, 65, {"finite"}},
	{"overflow", "a,b\n1,1e999\n", 0, NULL, 65, {":2:", "out of range", "\"1e999\""}},
	{"overflow-neg", "a\n-2e308\n", 0, NULL, 65, {"out of range"}},
	{"hex", "a\n0x10\n", 0, NULL, 65, {"expected a number", "\"0x10\""}},
	{"hex-float", "a\n0x1p3\n", 0, NULL, 65, {"expected a number"}},
	{"comma-decimal", "a,b\n\"1,5\",2\n", 0, NULL, 65, {"expected a number", "\"1,5\""}},
	{"empty-field", "a,b\n1,\n", 0, NULL, 65, {":2:", "\"b\"", "empty field"}},
	{"empty-quoted", "a,b\n\"\",1\n", 0, NULL, 65, {"\"a\"", "empty field"}},
	{"too-few", "a,b,c\n1,2,3\n1,2\n", 0, NULL, 65, {"too-few.csv:3:", "2 fields, expected 3"}},
	{"too-few-one", "a,b\n1,2\n\n7\n", 0, NULL, 65, {":4:", "1 field, expected 2"}},
	{"too-many", "a,b\n1,2\n1,2,3\n", 0, NULL, 65, {":3:", "more than 2 fields"}},
	{"too-many-unselected", "a,b\n1,2,3\n", 0, "--", 65, {":2:", "more than 2 fields"}},
	{"quote-in-field", "a,b\n1,2\"3\n", 0, NULL, 65, {":2:", "misplaced quote", "byte 4"}},
	{"text-after-quote", "a,b\n\"1\"x,2\n", 0, NULL, 65, {":2:", "misplaced quote"}},
	{"unclosed-quote", "a,b\n1,2\n3,\"4\n5\n", 0, NULL, 65, {":3:", "not closed"}},
	{"stray-cr", "a,b\n1,2\r3,4\n", 0, NULL, 65, {":2:", "carriage return"}},
	{"stray-cr-start", "a,b\n\r1,2\n", 0, NULL, 65, {":2:", "carriage return"}},
	{"line-after-quoted-newline", "a,b\n\"x\ny\",1\n2,zz\n", 0, "tn", 65, {":4:", "\"zz\""}},
	{"ragged-after-quoted-newline", "a,b\n\"x\ny\",1\n2\n", 0, "tn", 65, {":4:", "1 field"}},
	{"binary", "\x01\xff,\x02\n\x80\x81,3\n", 0, NULL, 65, {":2:", "\\x80\\x81", "\\x01\\xff"}},
	{"nul-byte", "a,b\n1,2\0003\n", 11, NULL, 65, {":2:", "\\x00"}},
	{"nul-in-name", "x\0z,y\n1,2\n", 10, NULL, 65, {":1:", "column 1 of the header", "NUL byte", "\"x\\x00z\""}},
	{"nul-in-text", "a,b\n1,0\0x\n", 10, "nt", 65, {":2:", "\"b\" (2)", "NUL byte", "\"0\\x00x\""}},
	{"long-text", "a\n1234567890123456789012345678901234567890123456789012345678901234567890x\n", 0, NULL, 65,
	 {"... (71 bytes)"}},
};

START_TEST(test_bad_input)
{
	const bad_case *c = &bad_cases[_i];
	char name[96];
	snprintf(name, sizeof name, "%s.csv", c->name);
	const char *p = write_file(name, c->data, c->len ? c->len : strlen(c->data));
	result res = read_all(p, c->sel, 4096, 0);
	ck_assert_msg(res.code == c->code, "%s: code %d, want %d (%s)", c->name, res.code, c->code, res.err.msg);
	ck_assert_int_eq(res.err.code, c->code);
	ck_assert_msg(strstr(res.err.msg, p) != NULL, "%s: message lacks the file name: %s", c->name, res.err.msg);
	for (int k = 0; k < 4 && c->words[k]; k++)
		ck_assert_msg(strstr(res.err.msg, c->words[k]) != NULL, "%s: message lacks '%s': %s", c->name,
			      c->words[k], res.err.msg);
	result_free(&res);
}
END_TEST

/* Errors are sticky: a further call returns the same error. */
START_TEST(test_error_sticky)
{
	const char *p = write_file("sticky.csv", "a\n1\nx\n2\n", 8);
	ocsdf_csv_reader *r;
	ocsdf_csv_block b;
	ocsdf_error e;
	int col = 0;
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_select(r, &col, 1, NULL, 0, 0, &e), 0);
	ck_assert_int_eq(ocsdf_csv_next(r, 10, &b, &e), 65);
	ck_assert_ptr_nonnull(strstr(e.msg, ":3:"));
	ck_assert_int_eq(ocsdf_csv_next(r, 10, &b, &e), 65);
	ck_assert_int_eq(b.nrows, 0);
	ck_assert_ptr_nonnull(strstr(e.msg, ":3:"));
	ocsdf_csv_close(r);
}
END_TEST

/* Values that do not fit a standardization (scale.h) are bad data, with
 * line and column; a new selection drops the check. */
START_TEST(test_check_scale)
{
	const char *data = "a,b\n1,2\n-3,1e30\n5,2e30\n";
	const char *p = write_file("scale.csv", data, strlen(data));
	static const double mean[] = {0, 1e30}, std[] = {1, 1};
	ocsdf_csv_reader *r;
	ocsdf_csv_block b;
	ocsdf_error e;
	int cols[] = {0, 1};
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_select(r, cols, 2, NULL, 0, 0, &e), 0);
	ocsdf_csv_check_scale(r, mean, std);
	ck_assert_int_eq(ocsdf_csv_next(r, 10, &b, &e), 0);    /* 2e30 is 1e30 from the mean */
	ck_assert_int_eq(b.nrows, 3);
	ocsdf_csv_close(r);

	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_select(r, cols, 2, NULL, 0, 0, &e), 0);
	ocsdf_csv_check_scale(r, NULL, NULL);                  /* 0 and 1 */
	ck_assert_int_eq(ocsdf_csv_next(r, 10, &b, &e), 65);
	ck_assert_ptr_nonnull(strstr(e.msg, "scale.csv:4: column \"b\" (2): \"2e30\" is out of range"));
	ck_assert_ptr_nonnull(strstr(e.msg, "standardizes to 2e+30"));
	ocsdf_csv_close(r);

	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_select(r, cols, 2, NULL, 0, 0, &e), 0);
	ocsdf_csv_check_scale(r, NULL, NULL);
	ck_assert_int_eq(ocsdf_csv_select(r, cols, 1, NULL, 0, 0, &e), 0);
	ck_assert_int_eq(ocsdf_csv_select(r, cols + 1, 1, NULL, 0, 0, &e), 0);
	ck_assert_int_eq(ocsdf_csv_next(r, 10, &b, &e), 0);
	ck_assert_int_eq(b.nrows, 3);
	ck_assert_double_eq(b.num[2], 2e30);
	ocsdf_csv_close(r);
}
END_TEST

START_TEST(test_open_errors)
{
	ocsdf_csv_reader *r = (ocsdf_csv_reader *)1;
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_csv_open(path_of("does-not-exist.csv"), &r, &e), 66);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(e.msg, "does-not-exist.csv"));
	ck_assert_ptr_nonnull(strstr(e.msg, "No such file"));
	ck_assert_int_eq(ocsdf_csv_open(tmpdir, &r, &e), 66);
	ck_assert_ptr_nonnull(strstr(e.msg, "directory"));
}
END_TEST

/* ---- well-formed inputs ---- */

START_TEST(test_header_only)
{
	const char *p = write_file("header-only.csv", "x1,x2,label\n", 12);
	result res = read_all(p, NULL, 16, 1);
	ck_assert_int_eq(res.code, 0);
	ck_assert_int_eq(res.nrows, 0);
	result_free(&res);

	/* also without its final line feed */
	p = write_file("header-only-nolf.csv", "x1,x2", 5);
	ocsdf_csv_reader *r;
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_ncols(r), 2);
	ck_assert_str_eq(ocsdf_csv_colname(r, 1), "x2");
	ocsdf_csv_close(r);
}
END_TEST

START_TEST(test_bom_crlf_quotes)
{
	static const char data[] = "\xef\xbb\xbf" "a,\"b c\",\"d\"\"e\"\r\n"
				   "1,\"2.5\",\" -3e2 \"\r\n"
				   "\r\n"
				   " 4 ,\t5\t,6\r\n"
				   "7,8,9";
	const char *p = write_file("bom.csv", data, sizeof data - 1);
	ocsdf_csv_reader *r;
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_ncols(r), 3);
	ck_assert_str_eq(ocsdf_csv_colname(r, 0), "a");
	ck_assert_str_eq(ocsdf_csv_colname(r, 1), "b c");
	ck_assert_str_eq(ocsdf_csv_colname(r, 2), "d\"e");
	ck_assert_ptr_null(ocsdf_csv_colname(r, 3));
	size_t hl;
	const char *h = ocsdf_csv_header_raw(r, &hl);
	ck_assert_uint_eq(hl, strlen("a,\"b c\",\"d\"\"e\""));
	ck_assert_str_eq(h, "a,\"b c\",\"d\"\"e\"");
	ocsdf_csv_close(r);

	result res = read_all(p, NULL, 2, 1);
	ck_assert_int_eq(res.code, 0);
	ck_assert_int_eq(res.nrows, 3);
	static const double want[] = {1, 2.5, -300, 4, 5, 6, 7, 8, 9};
	for (int i = 0; i < 9; i++)
		ck_assert_double_eq(res.num[i], want[i]);
	ck_assert_int_eq(res.line[0], 2);
	ck_assert_int_eq(res.line[1], 4);
	ck_assert_int_eq(res.line[2], 5);
	ck_assert_str_eq(res.raw[0], "1,\"2.5\",\" -3e2 \"");
	ck_assert_str_eq(res.raw[1], " 4 ,\t5\t,6");
	ck_assert_str_eq(res.raw[2], "7,8,9");
	result_free(&res);
}
END_TEST

/* Raw records and line numbers when quoted fields hold line ends. */
START_TEST(test_raw_multiline)
{
	static const char data[] = "id,note,v\n"
				   "1,\"two\nlines\",0.5\n"
				   "2,\"crlf\r\ninside\",1e-3\r\n"
				   "\n"
				   "3,\"a \"\"quote\"\", a comma, a \r cr\",-0\n"
				   "4,,7\n";
	const char *p = write_file("multi.csv", data, sizeof data - 1);
	result res = read_all(p, "ntn", 3, 1);
	ck_assert_msg(res.code == 0, "%s", res.err.msg);
	ck_assert_int_eq(res.nrows, 4);
	ck_assert_int_eq(res.line[0], 2);
	ck_assert_int_eq(res.line[1], 4);
	ck_assert_int_eq(res.line[2], 7);
	ck_assert_int_eq(res.line[3], 8);
	ck_assert_str_eq(res.raw[0], "1,\"two\nlines\",0.5");
	ck_assert_str_eq(res.raw[1], "2,\"crlf\r\ninside\",1e-3");
	ck_assert_str_eq(res.raw[2], "3,\"a \"\"quote\"\", a comma, a \r cr\",-0");
	ck_assert_str_eq(res.raw[3], "4,,7");
	ck_assert_str_eq(res.text[0 * 4], "two\nlines");
	ck_assert_str_eq(res.text[1 * 4], "crlf\r\ninside");
	ck_assert_str_eq(res.text[2 * 4], "a \"quote\", a comma, a \r cr");
	ck_assert_str_eq(res.text[3 * 4], "");
	ck_assert_double_eq(res.num[0 * 2 + 1], 0.5);
	ck_assert_double_eq(res.num[1 * 2 + 1], 1e-3);
	ck_assert_double_eq(res.num[2 * 2 + 1], 0.0);
	ck_assert(signbit(res.num[2 * 2 + 1]));
	ck_assert_double_eq(res.num[3 * 2 + 0], 4);
	result_free(&res);
}
END_TEST

/* A column selected twice, and the same column as number and text. */
START_TEST(test_selection_slots)
{
	const char *p = write_file("slots.csv", "a,b,c\n1,2,3\n4,5,6\n", 18);
	ocsdf_csv_reader *r;
	ocsdf_csv_block b;
	ocsdf_error e;
	int num[] = {2, 0, 2}, text[] = {2, 1};
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_select(r, num, 3, text, 2, 0, &e), 0);
	ck_assert_int_eq(ocsdf_csv_next(r, 10, &b, &e), 0);
	ck_assert_int_eq(b.nrows, 2);
	ck_assert_ptr_null(b.raw);
	static const double want[] = {3, 1, 3, 6, 4, 6};
	for (int i = 0; i < 6; i++)
		ck_assert_double_eq(b.num[i], want[i]);
	ck_assert_str_eq(b.text[0], "3");
	ck_assert_str_eq(b.text[1], "2");
	ck_assert_str_eq(b.text[2], "6");
	ck_assert_str_eq(b.text[3], "5");
	ck_assert_int_eq(ocsdf_csv_next(r, 10, &b, &e), 0);
	ck_assert_int_eq(b.nrows, 0);
	ck_assert_int_eq(ocsdf_csv_next(r, 10, &b, &e), 0);
	ck_assert_int_eq(b.nrows, 0);
	int bad = 3;
	ck_assert_int_eq(ocsdf_csv_select(r, &bad, 1, NULL, 0, 0, &e), 64);
	ck_assert_int_eq(ocsdf_csv_next(r, 0, &b, &e), 64);
	ocsdf_csv_close(r);
}
END_TEST

/* A generated file with quoted text and multi-line records, read with many
 * block sizes and through gzip: every reading must be identical. */
static char *make_mixed(size_t *len, int rows)
{
	size_t cap = 128 + (size_t)rows * 128, n = 0;
	char *s = malloc(cap);
	n += (size_t)snprintf(s + n, cap - n, "x,name,y\n");
	for (int i = 0; i < rows; i++) {
		if (i % 17 == 5)
			n += (size_t)snprintf(s + n, cap - n, "\n");
		if (i % 7 == 3)
			n += (size_t)snprintf(s + n, cap - n, "%d.25,\"multi\r\nline %d\",%.17g\r\n", i,
					      i, i * 0.1);
		else if (i % 5 == 1)
			n += (size_t)snprintf(s + n, cap - n, "\"%d\",\"q,\"\"%d\"\"\",%.9g\n", -i, i, i / 3.0);
		else
			n += (size_t)snprintf(s + n, cap - n, "%de-2,plain%d,%d\n", i, i, i * i);
	}
	*len = n;
	return s;
}

static void assert_same(const result *a, const result *b, int n_num, int n_text, int raw)
{
	ck_assert_int_eq(a->code, 0);
	ck_assert_msg(b->code == 0, "%s", b->err.msg);
	ck_assert_int_eq(a->nrows, b->nrows);
	ck_assert(memcmp(a->num, b->num, (size_t)a->nrows * (size_t)n_num * sizeof *a->num) == 0);
	for (long i = 0; i < a->nrows; i++) {
		REQUIRE(a->line[i] == b->line[i], "row %ld: line %ld vs %ld", i, a->line[i], b->line[i]);
		for (int j = 0; j < n_text; j++)
			REQUIRE(!strcmp(a->text[i * 4 + j], b->text[i * 4 + j]), "row %ld: text differs", i);
		if (raw)
			REQUIRE(a->raw_len[i] == b->raw_len[i] && !memcmp(a->raw[i], b->raw[i], a->raw_len[i]),
				"row %ld: raw record differs", i);
	}
}

START_TEST(test_block_sizes)
{
	size_t len, zlen;
	char *data = make_mixed(&len, 500);
	const char *p = write_file("mixed.csv", data, len);
	unsigned char *z = gzip(data, len, 6, &zlen);
	const char *pz = write_file("mixed.csv.gz", z, zlen);
	result ref = read_all(p, "ntn", 4096, 1);
	ck_assert_msg(ref.code == 0, "%s", ref.err.msg);
	ck_assert_int_eq(ref.nrows, 500);
	ck_assert_double_eq(ref.num[2 * 2 + 0], 0.02);
	ck_assert_double_eq(ref.num[2 * 2 + 1], 4);
	ck_assert_double_eq(ref.num[2 * 3 + 0], 3.25);
	ck_assert_double_eq(ref.num[2 * 6 + 0], -6);
	ck_assert_str_eq(ref.text[3 * 4], "multi\r\nline 3");
	static const int blocks[] = {1, 2, 3, 7, 64, 499, 500, 501};
	for (size_t k = 0; k < sizeof blocks / sizeof *blocks; k++) {
		result res = read_all(p, "ntn", blocks[k], 1);
		assert_same(&ref, &res, 2, 1, 1);
		result_free(&res);
		res = read_all(pz, "ntn", blocks[k], 0);
		assert_same(&ref, &res, 2, 1, 0);
		result_free(&res);
	}
	result_free(&ref);
	free(z);
	free(data);
}
END_TEST

/* ---- column lookup ---- */

START_TEST(test_find)
{
	const char *p = write_file("find.csv", "x1,x2,3,label\n", 14);
	ocsdf_csv_reader *r;
	ocsdf_error e;
	int col = -1;
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_find(r, "label", &col, &e), 0);
	ck_assert_int_eq(col, 3);
	ck_assert_int_eq(ocsdf_csv_find(r, "2", &col, &e), 0);
	ck_assert_int_eq(col, 1);
	ck_assert_int_eq(ocsdf_csv_find(r, "3", &col, &e), 0);   /* the name wins */
	ck_assert_int_eq(col, 2);
	ck_assert_int_eq(ocsdf_csv_find(r, "4", &col, &e), 0);
	ck_assert_int_eq(col, 3);
	ck_assert_int_eq(ocsdf_csv_find(r, "nope", &col, &e), 65);
	ck_assert_ptr_nonnull(strstr(e.msg, "\"nope\""));
	ck_assert_ptr_nonnull(strstr(e.msg, "\"x1\", \"x2\", \"3\", \"label\""));
	ck_assert_ptr_nonnull(strstr(e.msg, p));
	ck_assert_int_eq(ocsdf_csv_find(r, "0", &col, &e), 65);
	ck_assert_ptr_nonnull(strstr(e.msg, "no column 0"));
	ck_assert_int_eq(ocsdf_csv_find(r, "5", &col, &e), 65);
	ck_assert_ptr_nonnull(strstr(e.msg, "4 columns"));
	ck_assert_int_eq(ocsdf_csv_find(r, "-1", &col, &e), 65);
	ck_assert_int_eq(ocsdf_csv_find(r, "", &col, &e), 65);
	ocsdf_csv_close(r);

	/* A name that several columns have is refused by both lookups, never
	 * resolved to the first; the columns can still be named by number. */
	p = write_file("dup.csv", "score,label,x,label\n", 20);
	col = -1;
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_find(r, "label", &col, &e), 65);
	ck_assert_ptr_nonnull(strstr(e.msg, p));
	ck_assert_ptr_nonnull(strstr(e.msg, "2 columns are named \"label\""));
	ck_assert_ptr_nonnull(strstr(e.msg, "give its number"));
	ck_assert_int_eq(ocsdf_csv_find_name(r, "label", "a feature", &col, &e), 65);
	ck_assert_ptr_nonnull(strstr(e.msg, "2 columns are named \"label\" (a feature)"));
	ck_assert_int_eq(col, -1);
	ck_assert_int_eq(ocsdf_csv_find(r, "4", &col, &e), 0);
	ck_assert_int_eq(col, 3);
	ck_assert_int_eq(ocsdf_csv_find(r, "score", &col, &e), 0);
	ck_assert_int_eq(col, 0);
	ocsdf_csv_close(r);
}
END_TEST

START_TEST(test_find_long_list)
{
	size_t cap = 5000 * 12, n = 0;
	char *s = malloc(cap);
	for (int i = 0; i < 5000; i++)
		n += (size_t)snprintf(s + n, cap - n, "%scolumn%d", i ? "," : "", i);
	s[n++] = '\n';
	const char *p = write_file("wide.csv", s, n);
	ocsdf_csv_reader *r;
	ocsdf_error e;
	int col;
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_ncols(r), 5000);
	ck_assert_int_eq(ocsdf_csv_find(r, "column4999", &col, &e), 0);
	ck_assert_int_eq(col, 4999);
	ck_assert_int_eq(ocsdf_csv_find(r, "missing", &col, &e), 65);
	ck_assert_ptr_nonnull(strstr(e.msg, "\"column0\", \"column1\""));
	ck_assert_ptr_nonnull(strstr(e.msg, "more)"));
	ck_assert_uint_lt(strlen(e.msg), 900);
	ocsdf_csv_close(r);
	free(s);
}
END_TEST

/* ---- limits ---- */

static char *repeat(char c, size_t n, size_t extra)
{
	char *s = malloc(n + extra);
	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	return s;
}

START_TEST(test_field_limit)
{
	size_t n = OCSDF_CSV_MAX_FIELD, big = 3 * n;
	char *s = repeat('a', 4 + big + 4, 0);
	result res;
	const char *p;
	memcpy(s, "a\n", 2);

	s[2 + n] = '\n';
	p = write_file("field-max.csv", s, 2 + n + 1);
	res = read_all(p, "t", 8, 0);
	ck_assert_msg(res.code == 0, "%s", res.err.msg);
	ck_assert_int_eq(res.nrows, 1);
	ck_assert_uint_eq(strlen(res.text[0]), n);
	result_free(&res);

	/* the same quoted, with blanks around it */
	s[2 + n] = 'a';
	s[2] = ' ';
	s[3] = '"';
	s[4 + n] = '"';
	s[5 + n] = ' ';
	s[6 + n] = '\n';
	p = write_file("field-max-quoted.csv", s, 7 + n);
	res = read_all(p, "t", 8, 0);
	ck_assert_msg(res.code == 0, "%s", res.err.msg);
	ck_assert_uint_eq(strlen(res.text[0]), n);
	result_free(&res);

	memset(s + 2, 'a', big);
	s[2 + n + 1] = '\n';
	p = write_file("field-over.csv", s, 2 + n + 2);
	res = read_all(p, "t", 8, 0);
	ck_assert_int_eq(res.code, 65);
	ck_assert_ptr_nonnull(strstr(res.err.msg, ":2: field longer than 1048576 bytes"));
	result_free(&res);

	/* far longer, in a column nobody selected */
	s[2 + n + 1] = 'a';
	s[2 + big] = '\n';
	p = write_file("field-huge.csv", s, 3 + big);
	res = read_all(p, "-", 8, 0);
	ck_assert_int_eq(res.code, 65);
	ck_assert_ptr_nonnull(strstr(res.err.msg, ":2: field longer than 1048576 bytes"));
	result_free(&res);
	free(s);
}
END_TEST

START_TEST(test_column_limit)
{
	size_t n = 2 * ((size_t)OCSDF_CSV_MAX_COLUMNS + 1);
	char *s = repeat(',', n, 0);
	for (size_t i = 0; i < n; i += 2)
		s[i] = 'c';
	s[n - 1] = '\n';
	const char *p = write_file("many-columns.csv", s, n);
	ocsdf_csv_reader *r;
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 65);
	ck_assert_ptr_nonnull(strstr(e.msg, ":1: more than 1000000 columns"));

	/* exactly the limit is fine */
	s[n - 3] = '\n';
	p = write_file("max-columns.csv", s, n - 2);
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_ncols(r), OCSDF_CSV_MAX_COLUMNS);
	ocsdf_csv_close(r);
	free(s);
}
END_TEST

/* A record spread over many lines by quoted line ends. */
START_TEST(test_record_limit)
{
	int cols = 80;
	size_t per = 900 * 1000, n = 0;
	size_t cap = 4096 + (size_t)cols * (per + 8);
	char *s = malloc(cap);
	for (int c = 0; c < cols; c++)
		n += (size_t)snprintf(s + n, cap - n, "%sc%d", c ? "," : "", c);
	s[n++] = '\n';
	for (int c = 0; c < cols; c++) {
		if (c)
			s[n++] = ',';
		s[n++] = '"';
		memset(s + n, 'x', per);
		for (size_t k = 999; k < per; k += 1000)
			s[n + k] = '\n';
		n += per;
		s[n++] = '"';
	}
	s[n++] = '\n';
	const char *p = write_file("long-record.csv", s, n);
	result res = read_all(p, "", 8, 0);
	ck_assert_int_eq(res.code, 65);
	ck_assert_ptr_nonnull(strstr(res.err.msg, ":2: record longer than 67108864 bytes"));
	result_free(&res);
	free(s);
}
END_TEST

/* ---- gzip ---- */

START_TEST(test_gzip_valid)
{
	static const char data[] = "a,b\n1,2\n3,4\n";
	size_t zlen, zlen2;
	unsigned char *z = gzip(data, 8, 9, &zlen);
	unsigned char *z2 = gzip(data + 8, 4, 1, &zlen2);
	const char *p = write_file("valid.gz.data", z, zlen);   /* no .gz: magic bytes decide */
	result res = read_all(p, NULL, 10, 1);
	ck_assert_int_eq(res.code, 0);
	ck_assert_int_eq(res.nrows, 1);
	ck_assert_str_eq(res.raw[0], "1,2");
	result_free(&res);

	/* concatenated members form one stream */
	unsigned char *both = malloc(zlen + zlen2);
	memcpy(both, z, zlen);
	memcpy(both + zlen, z2, zlen2);
	p = write_file("members.csv.gz", both, zlen + zlen2);
	res = read_all(p, NULL, 10, 0);
	ck_assert_msg(res.code == 0, "%s", res.err.msg);
	ck_assert_int_eq(res.nrows, 2);
	ck_assert_double_eq(res.num[3], 4);
	ck_assert_int_eq(res.line[1], 3);
	result_free(&res);

	/* a plain file named .gz is read as plain text */
	p = write_file("plain.csv.gz", data, sizeof data - 1);
	res = read_all(p, NULL, 10, 0);
	ck_assert_int_eq(res.code, 0);
	ck_assert_int_eq(res.nrows, 2);
	result_free(&res);

	/* a gzip of nothing is an empty input */
	unsigned char *ze = gzip("", 0, 6, &zlen2);
	p = write_file("empty.csv.gz", ze, zlen2);
	res = read_all(p, NULL, 10, 0);
	ck_assert_int_eq(res.code, 65);
	ck_assert_ptr_nonnull(strstr(res.err.msg, "empty input"));
	result_free(&res);
	free(ze);
	free(both);
	free(z);
	free(z2);
}
END_TEST

START_TEST(test_gzip_truncated)
{
	size_t len, zlen;
	char *data = make_mixed(&len, 200);
	unsigned char *z = gzip(data, len, 6, &zlen);
	for (size_t cut = 2; cut < zlen; cut++) {
		const char *p = write_file("cut.csv.gz", z, cut);
		result res = read_all(p, "ntn", 64, 0);
		REQUIRE(res.code == 74, "cut at %zu of %zu: code %d (%s)", cut, zlen, res.code, res.err.msg);
		REQUIRE(strstr(res.err.msg, "truncated gzip"), "cut at %zu: %s", cut, res.err.msg);
		/* where: the input's end, and never "line 0" */
		char at[64];
		snprintf(at, sizeof at, "byte %zu of the compressed input", cut);
		REQUIRE(strstr(res.err.msg, at) && !strstr(res.err.msg, "line 0"), "cut at %zu: %s", cut,
			res.err.msg);
		result_free(&res);
	}
	free(z);
	free(data);
}
END_TEST

START_TEST(test_gzip_corrupt)
{
	size_t len, zlen;
	char *data = make_mixed(&len, 200);
	unsigned char *z = gzip(data, len, 6, &zlen);
	int corrupt = 0;
	/* Flip one bit at a time through the deflate data and the trailer: each
	 * is either reported, or (rarely) yields different but valid text. */
	for (size_t at = 10; at < zlen; at += 7) {
		z[at] ^= 0x10;
		const char *p = write_file("flip.csv.gz", z, zlen);
		result res = read_all(p, "ntn", 64, 0);
		REQUIRE(res.code == 74 || res.code == 65, "flip at %zu: code %d", at, res.code);
		corrupt += res.code == 74;
		result_free(&res);
		z[at] ^= 0x10;
	}
	ck_assert_int_gt(corrupt, 0);

	/* A bad CRC is found at the end of the member: after the last line
	 * decoded, or at its byte offset when no line was complete (the
	 * message said "after line 0" though every line had been decoded). */
	static const char *const crc_text[] = {"a,b\n1,2\n3,4\n", "a,b"};
	for (int k = 0; k < 2; k++) {
		size_t clen;
		char want[96];
		unsigned char *c = gzip(crc_text[k], strlen(crc_text[k]), 6, &clen);
		c[clen - 8] ^= 0xff;
		const char *cp = write_file("crc.csv.gz", c, clen);
		result cres = read_all(cp, NULL, 64, 0);
		if (k == 0)
			snprintf(want, sizeof want, "corrupt gzip data after line 3 (byte %zu ", clen - 4);
		else
			snprintf(want, sizeof want, "corrupt gzip data at byte %zu of the compressed input", clen - 4);
		ck_assert_int_eq(cres.code, 74);
		ck_assert_msg(strstr(cres.err.msg, want) && strstr(cres.err.msg, "incorrect data check"), "%s",
			      cres.err.msg);
		result_free(&cres);
		free(c);
	}

	/* garbage after a complete member */
	unsigned char *g = malloc(zlen + 5);
	memcpy(g, z, zlen);
	memcpy(g + zlen, "junk\n", 5);
	const char *p = write_file("junk.csv.gz", g, zlen + 5);
	result res = read_all(p, "ntn", 64, 0);
	ck_assert_int_eq(res.code, 74);
	ck_assert_ptr_nonnull(strstr(res.err.msg, "corrupt gzip"));
	result_free(&res);
	free(g);
	free(z);
	free(data);
}
END_TEST

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Writes a gzip file of head followed by unit repeated count times, without
 * ever holding the inflated text. */
static const char *gzip_repeat(const char *name, const char *head, const char *unit, size_t count)
{
	const char *p = path_of(name);
	FILE *f = fopen(p, "wb");
	z_stream z = {0};
	unsigned char in[65536], out[65536];
	size_t ulen = strlen(unit), per = sizeof in / ulen;
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	for (size_t i = 0; i < per; i++)
		memcpy(in + i * ulen, unit, ulen);
	for (int pass = 0;; pass++) {
		size_t k = count < per ? count : per;
		if (pass == 0) {
			z.next_in = (unsigned char *)(uintptr_t)head;
			z.avail_in = (uInt)strlen(head);
		} else {
			z.next_in = in;
			z.avail_in = (uInt)(k * ulen);
			count -= k;
		}
		int flush = pass > 0 && count == 0 ? Z_FINISH : Z_NO_FLUSH;
		int ret;
		do {
			z.next_out = out;
			z.avail_out = sizeof out;
			ret = deflate(&z, flush);
			fwrite(out, 1, sizeof out - z.avail_out, f);
		} while (z.avail_out == 0 || (flush == Z_FINISH && ret != Z_STREAM_END));
		if (flush == Z_FINISH)
			break;
	}
	deflateEnd(&z);
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

/* A small gzip file that inflates to much more than the reader may hold:
 * with line ends it streams in constant memory; without, it is refused once
 * a line passes the record limit. */
START_TEST(test_gzip_bomb)
{
	size_t count = 12u << 20;   /* 48 MiB of text */
	const char *p = gzip_repeat("bomb.csv.gz", "a,b\n", "1,2\n", count);
	const char *p2 = gzip_repeat("bomb-noline.csv.gz", "", "0000", (size_t)OCSDF_CSV_MAX_RECORD / 4 + 1024);
	struct stat st;
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_lt(st.st_size, 1 << 20);

	long before = max_rss_kb();
	ocsdf_csv_reader *r;
	ocsdf_csv_block b;
	ocsdf_error e;
	int cols[] = {0, 1};
	long rows = 0;
	double sum = 0;
	ck_assert_int_eq(ocsdf_csv_open(p, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_select(r, cols, 2, NULL, 0, 1, &e), 0);
	ocsdf_error_clear(&e);
	while (ocsdf_csv_next(r, 4096, &b, &e) == 0 && b.nrows) {
		for (int i = 0; i < b.nrows; i++)
			sum += b.num[2 * i] + b.num[2 * i + 1];
		rows += b.nrows;
	}
	ck_assert_int_eq(e.code, 0);
	ocsdf_csv_close(r);
	ck_assert_int_eq(rows, (long)count);
	ck_assert_double_eq(sum, 3.0 * (double)rows);
	long grew = max_rss_kb() - before;
	ck_assert_msg(grew < 16 * 1024, "memory grew by %ld kB while streaming", grew);

	result res = read_all(p2, NULL, 10, 0);
	ck_assert_int_eq(res.code, 65);
	ck_assert_ptr_nonnull(strstr(res.err.msg, ":1: line longer than 67108864 bytes"));
	result_free(&res);
}
END_TEST

/* Random bytes never crash the reader; failures carry a message. */
START_TEST(test_garbage)
{
	uint64_t x = 88172645463325252u;
	unsigned char buf[512];
	static const char alphabet[] = "a,\"\n\r 1.e-\t\x00\xff";
	for (int round = 0; round < 400; round++) {
		size_t n = 1 + round % (sizeof buf - 1);
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[i] = round % 2 ? (unsigned char)x : (unsigned char)alphabet[x % (sizeof alphabet - 1)];
		}
		const char *p = write_file("garbage.csv", buf, n);
		result res = read_all(p, round % 3 ? NULL : "tnt", 1 + round % 5, 1);
		REQUIRE(res.code == 0 || res.code == 65, "round %d: code %d", round, res.code);
		REQUIRE(!res.code || strstr(res.err.msg, p), "round %d: %s", round, res.err.msg);
		result_free(&res);
	}
}
END_TEST

/* ---- standard input ---- */

START_TEST(test_stdin)
{
	size_t len, zlen;
	char *data = make_mixed(&len, 100);
	const char *p = write_file("stdin.csv", data, len);
	result ref = read_all(p, "ntn", 4096, 1);
	unsigned char *z = gzip(data, len, 6, &zlen);
	const char *pz = write_file("stdin.csv.gz", z, zlen);
	for (int k = 0; k < 3; k++) {
		int fd = open(k == 2 ? pz : p, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(dup2(fd, 0), 0);
		close(fd);
		result res = read_all(k == 0 ? NULL : "-", "ntn", 33, 1);
		assert_same(&ref, &res, 2, 1, 1);
		result_free(&res);
	}
	int fd = open(path_of("stdin-bad.csv"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "a\nzz\n", 5), 5);
	lseek(fd, 0, SEEK_SET);
	dup2(fd, 0);
	close(fd);
	result res = read_all("-", NULL, 33, 0);
	ck_assert_int_eq(res.code, 65);
	ck_assert_ptr_nonnull(strstr(res.err.msg, "standard input:2:"));
	result_free(&res);
	result_free(&ref);
	free(z);
	free(data);
}
END_TEST

/* ---- numbers (the parser itself: test_number.c) ---- */

static uint64_t bits_of(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* The csv.h entry to number.h: 0 or -1, and NULL refused. */
/* ---- rows split without libcsv, checked against libcsv ---- */

typedef struct split_ref {
	char field[4][64];
	int nfields, nrows;
} split_ref;

static void ref_field(void *data, size_t n, void *arg)
{
	split_ref *ref = arg;
	REQUIRE(ref->nfields < 4 && n < 64, "libcsv gave field %d of %zu bytes", ref->nfields, n);
	memcpy(ref->field[ref->nfields], data ? data : "", n);
	ref->field[ref->nfields++][n] = '\0';
}

static void ref_record(int c, void *arg)
{
	(void)c;
	((split_ref *)arg)->nrows++;
}

/*
 * Rows of one line without quotes skip libcsv in the reader.  Random such
 * rows (blanks, delimiters, empty fields, other usual delimiters inside
 * fields) must read as libcsv, set as the reader sets it, splits them: the
 * same fields, trimmed alike.  Each file mixes them with a multi-line quoted
 * row, which libcsv still reads, so both ways meet in one stream.
 */
START_TEST(test_split_like_libcsv)
{
	static const char delims[] = {',', ';', '\t', ' '};
	static const char alphabet[] = "1x. \t,;";
	enum { ROWS = 400 };
	char d = delims[_i];
	size_t cap = ROWS * 64 + 256, len = 0;
	char *data = malloc(cap), line[64];
	static char want[ROWS][4][64];
	ck_assert_ptr_nonnull(data);
	len += (size_t)snprintf(data, cap, "a%cb%cc%cd\n", d, d, d);
	int kept = 0;
	while (kept < ROWS) {
		size_t n = 0;
		int blank = 1;
		for (int f = 0; f < 4; f++) {
			int k = (int)(rnd() % 6);
			for (int c = 0; c < k; c++) {
				char ch = alphabet[rnd() % (sizeof alphabet - 1)];
				if (ch == d)
					ch = 'x';
				line[n++] = ch;
				blank = blank && (ch == ' ' || ch == '\t');
			}
			if (f < 3)
				line[n++] = d;
		}
		blank = blank && (d == ' ' || d == '\t');
		if (blank)      /* a blank line is no row */
			continue;
		split_ref ref = {0};
		struct csv_parser p;
		ck_assert_int_eq(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL), 0);
		csv_set_delim(&p, (unsigned char)d);
		line[n] = '\n';
		ck_assert_uint_eq(csv_parse(&p, line, n + 1, ref_field, ref_record, &ref), n + 1);
		csv_free(&p);
		REQUIRE(ref.nrows == 1 && ref.nfields == 4, "libcsv: %d rows, %d fields", ref.nrows, ref.nfields);
		if (kept == ROWS / 2) {
			len += (size_t)snprintf(data + len, cap - len, "\"q%cq\nq\"%cy%cy%cy\n", d, d, d, d);
			strcpy(want[kept][0], "q");
			want[kept][0][1] = d;
			strcpy(want[kept][0] + 2, "q\nq");
			for (int f = 1; f < 4; f++)
				strcpy(want[kept][f], "y");
			kept++;
		}
		memcpy(want[kept], ref.field, sizeof want[kept]);
		memcpy(data + len, line, n + 1);
		len += n + 1;
		kept++;
		if (kept == ROWS)
			break;
	}
	const char *path = write_file("split.csv", data, len);
	ocsdf_csv_options opt = {d, OCSDF_CSV_HEADER, NULL, 0};
	ocsdf_csv_reader *r;
	ocsdf_csv_block b;
	ocsdf_error e;
	int text[4] = {0, 1, 2, 3}, got = 0;
	ck_assert_int_eq(ocsdf_csv_open_with(path, &opt, &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_select(r, NULL, 0, text, 4, 0, &e), 0);
	while (ocsdf_csv_next(r, 64, &b, &e) == 0 && b.nrows > 0)
		for (int i = 0; i < b.nrows; i++, got++)
			for (int f = 0; f < 4 && got < kept; f++)
				REQUIRE(strcmp(b.text[i * 4 + f], want[got][f]) == 0,
					"delimiter %d, row %d, field %d: '%s', libcsv '%s'", d, got, f,
					b.text[i * 4 + f], want[got][f]);
	ck_assert_int_eq(got, kept);
	ocsdf_csv_close(r);
	free(data);
}
END_TEST

START_TEST(test_parse_number)
{
	double v = 42;
	ck_assert_int_eq(ocsdf_csv_parse_number("1e999", 5, &v), -1);
	ck_assert_int_eq(ocsdf_csv_parse_number("nan", 3, &v), -1);
	ck_assert_double_eq(v, 42);
	ck_assert_int_eq(ocsdf_csv_parse_number(" \t-2.5e1\t ", 10, &v), 0);
	ck_assert_double_eq(v, -25);
	ck_assert_int_eq(ocsdf_csv_parse_number("1.5e3", 3, &v), 0);
	ck_assert_double_eq(v, 1.5);
	ck_assert_int_eq(ocsdf_csv_parse_number("1\0002", 3, &v), -1);
	ck_assert_int_eq(ocsdf_csv_parse_number(NULL, 0, &v), -1);
	ck_assert_int_eq(ocsdf_csv_parse_number("-0", 2, &v), 0);
	ck_assert(signbit(v));
}
END_TEST

/* ---- writers ---- */

START_TEST(test_label_matches)
{
	ck_assert(ocsdf_csv_label_matches("1", "1"));
	ck_assert(ocsdf_csv_label_matches(" 1.0\t", "1"));
	ck_assert(ocsdf_csv_label_matches("1e0", " 1 "));
	ck_assert(ocsdf_csv_label_matches("outlier", "outlier"));
	ck_assert(ocsdf_csv_label_matches("  outlier ", "outlier"));
	ck_assert(!ocsdf_csv_label_matches("Outlier", "outlier"));
	ck_assert(!ocsdf_csv_label_matches("0", "1"));
	ck_assert(!ocsdf_csv_label_matches("10", "1"));
	ck_assert(!ocsdf_csv_label_matches("1 0", "1"));
	ck_assert(!ocsdf_csv_label_matches("", ""));
	ck_assert(!ocsdf_csv_label_matches("  ", "  "));
	ck_assert(ocsdf_csv_label_matches("nan", "nan"));
	ck_assert(!ocsdf_csv_label_matches("1x", "1"));
}
END_TEST

START_TEST(test_write_fields)
{
	static const char *fields[] = {"plain", "", "a,b", "say \"hi\"", " lead", "trail\t", "two\nlines",
				       "cr\r", "\"", "mid dle", "ünïcode", "x"};
	static const char *expect[] = {"plain", "\"\"", "\"a,b\"", "\"say \"\"hi\"\"\"", "\" lead\"",
				       "\"trail\t\"", "\"two\nlines\"", "\"cr\r\"", "\"\"\"\"", "mid dle",
				       "ünïcode", "x"};
	size_t nf = sizeof fields / sizeof *fields;
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	for (size_t i = 0; i < nf; i++) {
		char *one;
		size_t onelen;
		FILE *g = open_memstream(&one, &onelen);
		ocsdf_csv_put_field(g, fields[i], strlen(fields[i]));
		fclose(g);
		ck_assert_str_eq(one, expect[i]);
		free(one);
	}
	/* read back: one column, one row per field */
	fputs("t\n", f);
	for (size_t i = 0; i < nf; i++) {
		ocsdf_csv_put_field(f, fields[i], strlen(fields[i]));
		fputc('\n', f);
	}
	fclose(f);
	const char *p = write_file("fields.csv", buf, len);
	free(buf);
	result res = read_all(p, "t", 5, 0);
	ck_assert_msg(res.code == 0, "%s", res.err.msg);
	ck_assert_int_eq(res.nrows, (long)nf);
	for (size_t i = 0; i < nf; i++)
		ck_assert_str_eq(res.text[i * 4], fields[i]);
	result_free(&res);
}
END_TEST

/* A field that holds the delimiter is quoted, a comma too whatever the
 * delimiter; the rest as with a comma. */
START_TEST(test_write_fields_delim)
{
	static const char *fields[] = {"a;b", "a,b", "a\tb", "plain", ""};
	static const char *semi[] = {"\"a;b\"", "\"a,b\"", "a\tb", "plain", "\"\""};
	static const char *tab[] = {"a;b", "\"a,b\"", "\"a\tb\"", "plain", "\"\""};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		char *one;
		size_t onelen;
		FILE *g = open_memstream(&one, &onelen);
		ocsdf_csv_put_field_delim(g, fields[i], strlen(fields[i]), ';');
		fputc('|', g);
		ocsdf_csv_put_field_delim(g, fields[i], strlen(fields[i]), '\t');
		fclose(g);
		char want[64];
		snprintf(want, sizeof want, "%s|%s", semi[i], tab[i]);
		ck_assert_str_eq(one, want);
		free(one);
	}
}
END_TEST

/* The rows of a model's features: without a header the features come
 * first, unless the options name the columns; too few fields is 65. */
START_TEST(test_open_features)
{
	static const char *const names[] = {"u", "v", "w", "z"}, *const given[] = {"v", "u"};
	ocsdf_csv_options opt = {';', OCSDF_CSV_NO_HEADER, NULL, 0};
	ocsdf_csv_reader *r;
	ocsdf_error e;
	const char *p = write_file("feat.csv", "1;2;3\n4;5;6\n", 12);
	ck_assert_int_eq(ocsdf_csv_open_features(p, &opt, names, 2, "model m", &r, &e), 0);
	ck_assert_int_eq(ocsdf_csv_ncols(r), 3);
	ck_assert_str_eq(ocsdf_csv_colname(r, 0), "u");
	ck_assert_str_eq(ocsdf_csv_colname(r, 1), "v");
	ck_assert_str_eq(ocsdf_csv_colname(r, 2), "x3");
	ocsdf_csv_close(r);
	opt.names = given;
	opt.nnames = 2;
	ck_assert_int_eq(ocsdf_csv_open_features(p, &opt, names, 2, NULL, &r, &e), 0);
	ck_assert_str_eq(ocsdf_csv_colname(r, 0), "v");
	ocsdf_csv_close(r);
	opt.names = NULL;
	ck_assert_int_eq(ocsdf_csv_open_features(p, &opt, names, 4, "model m", &r, &e), OCSDF_EDATA);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(e.msg, ":1: 3 fields, but model m has 4 features"));
	/* With a header the names are the header's, and its width is free. */
	p = write_file("feat-h.csv", "a,b\n1,2\n", 8);
	ck_assert_int_eq(ocsdf_csv_open_features(p, NULL, names, 4, NULL, &r, &e), 0);
	ck_assert_str_eq(ocsdf_csv_colname(r, 0), "a");
	ocsdf_csv_close(r);
}
END_TEST

START_TEST(test_write_numbers)
{
	char *buf;
	size_t len;
	int n = 20000;
	float *fv = malloc((size_t)n * sizeof *fv);
	double *dv = malloc((size_t)n * sizeof *dv);
	static const float fedge[] = {0.0f, -0.0f, FLT_MIN, FLT_MAX, -FLT_MAX, FLT_TRUE_MIN, 1.0f / 3, 16777217.0f};
	static const double dedge[] = {0.0, -0.0, DBL_MIN, DBL_MAX, -DBL_MAX, DBL_TRUE_MIN, 0.1, 1.0 / 3};
	for (int i = 0; i < n; i++) {
		uint64_t u;
		uint32_t v;
		do {
			u = rnd();
			v = (uint32_t)rnd();
			memcpy(&dv[i], &u, sizeof u);
			memcpy(&fv[i], &v, sizeof v);
		} while (!isfinite(dv[i]) || !isfinite(fv[i]));
		if (i < 8) {
			fv[i] = fedge[i];
			dv[i] = dedge[i];
		}
	}
	FILE *f = open_memstream(&buf, &len);
	fputs("f,d\n", f);
	for (int i = 0; i < n; i++) {
		ocsdf_csv_put_float(f, fv[i]);
		fputc(',', f);
		ocsdf_csv_put_double(f, dv[i]);
		fputc('\n', f);
	}
	fclose(f);
	const char *p = write_file("numbers.csv", buf, len);
	free(buf);
	result res = read_all(p, NULL, 999, 0);
	ck_assert_msg(res.code == 0, "%s", res.err.msg);
	ck_assert_int_eq(res.nrows, n);
	for (int i = 0; i < n; i++) {
		float back = (float)res.num[2 * i];
		REQUIRE(memcmp(&back, &fv[i], sizeof back) == 0, "float %a read back as %a", (double)fv[i],
			(double)back);
		REQUIRE(bits_of(res.num[2 * i + 1]) == bits_of(dv[i]), "double %a read back as %a", dv[i],
			res.num[2 * i + 1]);
	}
	result_free(&res);
	free(fv);
	free(dv);
}
END_TEST

/* ---- runner ---- */

static int remove_dir(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static Suite *csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("input");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_bad_input, 0, (int)(sizeof bad_cases / sizeof *bad_cases));
	tcase_add_test(tc, test_error_sticky);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_check_scale);
	tcase_add_test(tc, test_header_only);
	tcase_add_test(tc, test_bom_crlf_quotes);
	tcase_add_test(tc, test_raw_multiline);
	tcase_add_test(tc, test_selection_slots);
	tcase_add_test(tc, test_block_sizes);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_find_long_list);
	tcase_add_test(tc, test_stdin);
	tcase_add_test(tc, test_garbage);
	tcase_add_loop_test(tc, test_split_like_libcsv, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_field_limit);
	tcase_add_test(tc, test_column_limit);
	tcase_add_test(tc, test_record_limit);
	tcase_add_test(tc, test_gzip_valid);
	tcase_add_test(tc, test_gzip_truncated);
	tcase_add_test(tc, test_gzip_corrupt);
	tcase_add_test(tc, test_gzip_bomb);
	suite_add_tcase(s, tc);

	tc = tcase_create("numbers");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_parse_number);
	tcase_add_test(tc, test_write_fields);
	tcase_add_test(tc, test_write_fields_delim);
	tcase_add_test(tc, test_open_features);
	tcase_add_test(tc, test_write_numbers);
	tcase_add_test(tc, test_label_matches);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s/ocsdf-csv-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	SRunner *sr = srunner_create(csv_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	remove_dir(tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
