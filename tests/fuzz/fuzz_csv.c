/*
 * fuzz_csv.c: the CSV reader (lib/csv.h) on hostile bytes.
 *
 * The first four bytes choose how the rest is read:
 *   byte 0  bit 0: gzip the rest first; bit 5: then cut the gzip stream short
 *           bit 1: keep raw records; bits 2-3: rows per block (1, 3, 64, 4096)
 *           bit 4: find the selected columns by name or number first
 *           bit 6: instead, parse the rest as one number and compare with strtod
 *   byte 1  numeric columns selected (bits 0-2), text columns (bits 3-4)
 *   bytes 2-3  first selected column and stride
 * Every block is checked against what csv.h promises: finite numbers,
 * NUL-terminated texts and raw records, increasing line numbers, at most
 * the requested rows, sticky errors with a message and a documented code.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "csv.h"
#include "fuzz.h"

/* The strict number grammar of csv.h, blanks around it allowed.  Returns 1
 * and the trimmed extent if s[0..n) matches. */
static int strict_number(const char *s, size_t n, size_t *b, size_t *e)
{
	size_t i = 0, j = n, digits = 0;
	while (i < j && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (j > i && (s[j - 1] == ' ' || s[j - 1] == '\t'))
		j--;
	*b = i;
	*e = j;
	if (i < j && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < j && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < j && s[i] == '.') {
		i++;
		while (i < j && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (!digits)
		return 0;
	if (i < j && (s[i] == 'e' || s[i] == 'E')) {
		size_t ed = 0;
		i++;
		if (i < j && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < j && s[i] >= '0' && s[i] <= '9')
			i++, ed++;
		if (!ed)
			return 0;
	}
	return i == j;
}

/* ocsdf_csv_parse_number must agree with the grammar, and bit for bit with
 * strtod in the C locale. */
static void check_number(const char *s, size_t n)
{
	double v = 0, ref;
	size_t b, e;
	int ok = ocsdf_csv_parse_number(s, n, &v) == 0;
	int syntax = strict_number(s, n, &b, &e);
	if (!syntax) {
		FUZZ_CHECK(!ok);
		return;
	}
	char *copy = malloc(e - b + 1);
	char *end;
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, s + b, e - b);
	copy[e - b] = '\0';
	ref = strtod(copy, &end);
	FUZZ_CHECK(end == copy + (e - b));
	free(copy);
	if (!isfinite(ref)) {
		FUZZ_CHECK(!ok);
		return;
	}
	FUZZ_CHECK(ok);
	FUZZ_CHECK(memcmp(&v, &ref, sizeof v) == 0);
}

/* gzip-compresses in[0..n) into a malloc'ed buffer. */
static unsigned char *gzip(const unsigned char *in, size_t n, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	FUZZ_CHECK(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	size_t cap = deflateBound(&z, (uLong)n) + 32;
	unsigned char *out = malloc(cap);
	FUZZ_CHECK(out != NULL);
	unsigned char *copy = malloc(n ? n : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, in, n);
	z.next_in = copy;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	free(copy);
	return out;
}

static int documented(int code)
{
	return code == 64 || code == 65 || code == 66 || code == 70 || code == 74;
}

static void read_all(const char *path, unsigned flags, unsigned sel, unsigned c0, unsigned stride)
{
	static const int block_rows[4] = {1, 3, 64, 4096};
	ocsdf_csv_reader *r;
	ocsdf_csv_block blk;
	ocsdf_error e;
	int num[8], text[4], rc;

	/* Flags 4 and 8: without a header, or with one only if it starts
	 * with "a,b"; 128: fields separated by semicolons. */
	static const char *const names[] = {"a", "b"};
	ocsdf_csv_options opt = {flags & 128 ? ';' : 0,
				 flags & 4 ? OCSDF_CSV_NO_HEADER : flags & 8 ? OCSDF_CSV_HEADER_IF : OCSDF_CSV_HEADER,
				 names, 2};
	e.code = 0;
	rc = ocsdf_csv_open_with(path, &opt, &r, &e);
	if (rc) {
		FUZZ_CHECK(r == NULL);
		FUZZ_CHECK(documented(rc) && e.code == rc && e.msg[0]);
		return;
	}
	int nc = ocsdf_csv_ncols(r);
	FUZZ_CHECK(nc >= 1 && nc <= OCSDF_CSV_MAX_COLUMNS);
	for (int k = 0; k < nc; k++)
		FUZZ_CHECK(ocsdf_csv_colname(r, k) != NULL && strlen(ocsdf_csv_colname(r, k)) <= OCSDF_CSV_MAX_FIELD);
	FUZZ_CHECK(ocsdf_csv_colname(r, nc) == NULL && ocsdf_csv_colname(r, -1) == NULL);
	size_t hlen;
	const char *h = ocsdf_csv_header_raw(r, &hlen);
	FUZZ_CHECK(h != NULL && h[hlen] == '\0');

	int n_num = (int)(sel & 7), n_text = (int)((sel >> 3) & 3);
	for (int i = 0; i < n_num + n_text; i++) {
		int col = (int)((c0 + (unsigned)i * stride) % (unsigned)nc);
		if (flags & 16) {
			/* By name: the column of that name, refused (65) when
			 * several have it; by number when no column has that name. */
			char spec[16];
			int found = -1, same = 0;
			for (int k = 0; k < nc; k++)
				same += strcmp(ocsdf_csv_colname(r, k), ocsdf_csv_colname(r, col)) == 0;
			rc = ocsdf_csv_find(r, ocsdf_csv_colname(r, col), &found, &e);
			FUZZ_CHECK(same == 1 ? rc == 0 && found == col : rc == 65 && e.msg[0]);
			snprintf(spec, sizeof spec, "%d", col + 1);
			rc = ocsdf_csv_find(r, spec, &found, &e);
			FUZZ_CHECK(rc == 0 || rc == 64 || rc == 65);
			if (rc == 0)
				FUZZ_CHECK(found == col || strcmp(ocsdf_csv_colname(r, found), spec) == 0);
			rc = ocsdf_csv_find(r, "\x01no such column", &found, &e);
			FUZZ_CHECK(((rc == 64 || rc == 65) && e.msg[0]) ||
				   (rc == 0 && strcmp(ocsdf_csv_colname(r, found), "\x01no such column") == 0));
		}
		if (i < n_num)
			num[i] = col;
		else
			text[i - n_num] = col;
	}
	FUZZ_CHECK(ocsdf_csv_select(r, num, n_num, text, n_text, (flags & 2) != 0, &e) == 0);

	int max_rows = block_rows[(flags >> 2) & 3];
	long last_line = 0;
	for (int iter = 0;; iter++) {
		e.code = 0;
		rc = ocsdf_csv_next(r, max_rows, &blk, &e);
		if (rc) {
			FUZZ_CHECK(documented(rc) && e.code == rc && e.msg[0]);
			ocsdf_error again;
			FUZZ_CHECK(ocsdf_csv_next(r, max_rows, &blk, &again) == rc);
			FUZZ_CHECK(strcmp(again.msg, e.msg) == 0);
			break;
		}
		FUZZ_CHECK(blk.nrows >= 0 && blk.nrows <= max_rows);
		if (blk.nrows == 0) {
			FUZZ_CHECK(ocsdf_csv_next(r, max_rows, &blk, &e) == 0 && blk.nrows == 0);
			break;
		}
		for (int i = 0; i < blk.nrows; i++) {
			FUZZ_CHECK(blk.line[i] > last_line);
			last_line = blk.line[i];
			for (int k = 0; k < n_num; k++)
				FUZZ_CHECK(isfinite(blk.num[(size_t)i * (size_t)n_num + (size_t)k]));
			for (int k = 0; k < n_text; k++)
				FUZZ_CHECK(strlen(blk.text[(size_t)i * (size_t)n_text + (size_t)k]) <= OCSDF_CSV_MAX_FIELD);
			if (flags & 2) {
				FUZZ_CHECK(blk.raw[i][blk.raw_len[i]] == '\0');
				FUZZ_CHECK(memchr(blk.raw[i], '\n', blk.raw_len[i]) == NULL ||
					   memchr(blk.raw[i], '"', blk.raw_len[i]) != NULL);
			} else {
				FUZZ_CHECK(blk.raw == NULL);
			}
		}
		FUZZ_CHECK(iter < 10000000);
	}
	ocsdf_csv_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	unsigned flags = data[0], sel = data[1], c0 = data[2], stride = data[3];
	const unsigned char *body = data + 4;
	size_t n = size - 4;

	if (flags & 64) {
		check_number((const char *)body, n);
		return 0;
	}
	if (flags & 1) {
		size_t glen;
		unsigned char *gz = gzip(body, n, &glen);
		if (flags & 32) {
			size_t cut = 1 + (sel >> 5);
			glen = glen > cut ? glen - cut : 0;
		}
		read_all(fuzz_memfile(gz, glen), flags, sel, c0, stride);
		free(gz);
	} else {
		read_all(fuzz_memfile(body, n), flags, sel, c0, stride);
	}
	return 0;
}
