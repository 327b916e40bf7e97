/*
 * csv.c: the streaming CSV reader and writer declared in csv.h.
 *
 * The reader has four layers.  Raw bytes come from a file descriptor and go
 * through zlib when the input starts with the gzip magic bytes (gzread.h).
 * A line buffer hands out whole physical lines, so every record boundary,
 * raw record and line number is known exactly.  libcsv is fed one line at a
 * time; it splits and unquotes fields and calls back once per field and
 * once per record.  A row that fits on one line and holds no quote skips
 * libcsv: the reader splits it the same way, at a fraction of the cost.  The field callback parses the selected numeric columns
 * straight into the block matrix with the exact decimal parser of
 * number.h.
 *
 * Memory is bounded by one record (the line buffer and libcsv's field buffer,
 * both capped by the limits in csv.h) plus the block the caller asked for, so
 * a gzip bomb or a file without line ends costs constant memory.
 */
#include "csv.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gzread.h"
#include "number.h"
#include "scale.h"
#include "text.h"

/* Blanks around a field: spaces and tabs. */
#define IS_BLANK(c) ((c) == ' ' || (c) == '\t')

int ocsdf_csv_parse_number(const char *s, size_t len, double *out)
{
	return s && ocsdf_number_parse(s, len, out) == OCSDF_NUMBER_OK ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* Writer                                                                    */
/* ------------------------------------------------------------------------ */

void ocsdf_csv_put_field(FILE *fp, const char *s, size_t len)
{
	ocsdf_csv_put_field_delim(fp, s, len, ',');
}

void ocsdf_csv_put_field_delim(FILE *fp, const char *s, size_t len, char delim)
{
	/* Unquoted blanks at either end would be trimmed by a reader, and an
	 * empty unquoted field alone on a line would read as a blank line.  A
	 * comma is quoted whatever the delimiter: the field reads back the
	 * same, and a reader told the wrong delimiter does not cut it. */
	int quote = len == 0 || IS_BLANK(s[0]) || IS_BLANK(s[len - 1]);
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == delim || s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		fwrite(s, 1, len, fp);
		return;
	}
	putc('"', fp);
	const char *p = s, *end = s + len;
	while (p < end) {
		const char *dq = memchr(p, '"', (size_t)(end - p));
		size_t n = dq ? (size_t)(dq - p) + 1 : (size_t)(end - p);
		fwrite(p, 1, n, fp);
		if (dq)
			putc('"', fp);
		p += n;
	}
	putc('"', fp);
}

void ocsdf_csv_put_float(FILE *fp, float v)
{
	char b[OCSDF_NUMBER_FLOAT_MAX];
	fwrite(b, 1, (size_t)ocsdf_number_format_float(b, v), fp);
}

void ocsdf_csv_put_double(FILE *fp, double v)
{
	fprintf(fp, "%.17g", v);
}

/* ------------------------------------------------------------------------ */
/* Reader                                                                    */
/* ------------------------------------------------------------------------ */

#define LINE_START (256 * 1024)         /* first size of the line buffer */
#define LINE_MAX_CAP ((size_t)OCSDF_CSV_MAX_RECORD + 1)

/* A growable byte array. */
typedef struct bytes {
	char *p;
	size_t len, cap;
} bytes;

/* A growable array of offsets. */
typedef struct offsets {
	size_t *p;
	size_t len, cap;
} offsets;

struct ocsdf_csv_reader {
	char *name;
	int fd, own_fd;
	ocsdf_gzread *in;       /* plain or gzip bytes from fd */

	/* decoded text; [pos, len) is not consumed yet, and [pos, scan) is
	 * known to hold no line feed */
	char *buf;
	size_t cap, pos, len, scan;
	int text_eof;

	long line;              /* physical lines consumed */
	struct csv_parser csv;

	/* header */
	int ncols;
	char **names;
	bytes name_text;
	offsets name_off;
	char *header_raw;
	size_t header_len;
	char delim;
	int header_mode, has_header;
	const char *const *opt_names;
	int opt_nnames;
	/* without a header, the first record is read as a header first, then
	 * fed again as a row: its bytes (with a line feed) and line */
	char *first_raw;
	size_t first_len;
	long first_line;
	int replay;

	/* selection: per column, the first slot it fills; per slot, the next
	 * slot filled by the same column (-1 ends a chain) */
	int n_num, n_text, keep_raw;
	int *num_first, *num_next, *text_first, *text_next;

	/* standardization the numeric slots must fit (ocsdf_csv_check_scale) */
	int check_scale;
	const double *scale_mean, *scale_std;

	/* record in progress */
	int in_header, rec_open, field;
	long rec_line;
	size_t rec_bytes, raw_start, term_len;

	/* the block being filled */
	int rows_cap, nrows;
	double *num;
	size_t *text_off, *raw_off, *raw_len;
	const char **text, **raw;
	long *lines;
	bytes text_buf, raw_buf;

	int done;
	ocsdf_error err;        /* sticky: once set, every call returns it */
};

static int fail(ocsdf_csv_reader *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(ocsdf_csv_reader *r, int code, const char *fmt, ...)
{
	va_list ap;
	if (r->err.code)
		return r->err.code;
	va_start(ap, fmt);
	ocsdf_error_vset(&r->err, code, fmt, ap);
	va_end(ap);
	return code;
}

static int nomem(ocsdf_csv_reader *r)
{
	return fail(r, OCSDF_ESOFTWARE, "%s: out of memory", r->name);
}

static int bytes_append(bytes *b, const char *s, size_t n)
{
	if (n + 1 > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 4096;
		while (n + 1 > cap - b->len)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

static int offsets_push(offsets *o, size_t v)
{
	if (o->len == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 64;
		size_t *p = realloc(o->p, cap * sizeof *p);
		if (!p)
			return -1;
		o->p = p;
		o->cap = cap;
	}
	o->p[o->len++] = v;
	return 0;
}

/* A field quoted in a message: the quoted style of text.h. */
static void excerpt(char *out, size_t size, const char *s, size_t n, size_t max)
{
	ocsdf_text_excerpt(out, size, s, n, max, OCSDF_EXCERPT_QUOTED);
}

/* libcsv's field buffer grows through this; refusing to grow much past the
 * field limit makes libcsv stop with CSV_ENOMEM, which the reader reports as
 * a field that is too long.  libcsv also stores the closing quote, blanks
 * it trims later and a NUL, hence the slack; the exact limit on a field's
 * content is checked as each field arrives. */
#define FIELD_SLACK 4096
#define FIELD_BUF_MAX ((size_t)OCSDF_CSV_MAX_FIELD + FIELD_SLACK)

static void *field_realloc(void *p, size_t n)
{
	if (n > FIELD_BUF_MAX)
		return NULL;
	return realloc(p, n);
}

/* ---- input: plain or gzip bytes (gzread.h) ---- */

/*
 * Where a gzip error was found, for its message.  Text is decoded ahead of
 * the lines read, so the lines complete when it happened are those read
 * plus those decoded up to end (into the line buffer) but not read yet.
 * Without a complete line, the compressed byte offset says where it is.
 */
static void gz_where(const ocsdf_csv_reader *r, const char *end, unsigned long long at, char *out,
		     size_t size)
{
	long lines = r->line;
	for (const char *p = r->buf + r->scan; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
		lines++;
	if (lines > 0)
		snprintf(out, size, "after line %ld (byte %llu of the compressed input)", lines, at);
	else
		snprintf(out, size, "at byte %llu of the compressed input, before the end of line 1", at);
}

/* Sets the error for a failure of the input; dst is where the text it was
 * decoding went (the end of the line buffer).  Returns the error code. */
static int input_failed(ocsdf_csv_reader *r, const char *dst, const ocsdf_gzread_failure *why)
{
	char where[128];
	switch (why->kind) {
	case OCSDF_GZREAD_EREAD:
		return fail(r, OCSDF_EIO, "%s: read error: %s", r->name, strerror(why->sys_errno));
	case OCSDF_GZREAD_TRUNCATED:
		gz_where(r, dst, why->at, where, sizeof where);
		return fail(r, OCSDF_EIO, "%s: truncated gzip data %s: the input ends inside a compressed stream",
			    r->name, where);
	case OCSDF_GZREAD_CORRUPT:
		gz_where(r, dst + why->decoded, why->at, where, sizeof where);
		return fail(r, OCSDF_EIO, "%s: corrupt gzip data %s: %s", r->name, where,
			    why->zmsg ? why->zmsg : "bad data");
	default:
		return nomem(r);
	}
}

/* ---- lines ---- */

/* Makes room and appends decoded bytes to the line buffer; sets text_eof at
 * the end of the input.  0 or the error code. */
static int refill(ocsdf_csv_reader *r)
{
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->scan -= r->pos;
		r->pos = 0;
	}
	if (r->len == r->cap) {
		if (r->cap >= LINE_MAX_CAP)
			return fail(r, OCSDF_EDATA, "%s:%ld: line longer than %d bytes", r->name, r->line + 1,
				    OCSDF_CSV_MAX_RECORD);
		size_t cap = 2 * r->cap < LINE_MAX_CAP ? 2 * r->cap : LINE_MAX_CAP;
		char *p = realloc(r->buf, cap);
		if (!p)
			return nomem(r);
		r->buf = p;
		r->cap = cap;
	}
	ocsdf_gzread_failure why;
	ssize_t k = ocsdf_gzread_read(r->in, r->buf + r->len, r->cap - r->len, &why);
	if (k < 0)
		return input_failed(r, r->buf + r->len, &why);
	if (k == 0)
		r->text_eof = 1;
	r->len += (size_t)k;
	return 0;
}

/* Finds the next physical line: s[0..*n) is its text and s[*n..*n + *tn) its
 * terminator (LF or CRLF; empty for a last line without one).  *s is NULL at
 * the end of the input.  0 or the error code. */
static int next_line(ocsdf_csv_reader *r, const char **s, size_t *n, size_t *tn)
{
	for (;;) {
		char *base = r->buf + r->pos;
		char *nl = memchr(r->buf + r->scan, '\n', r->len - r->scan);
		if (nl) {
			size_t end = (size_t)(nl - base);
			*s = base;
			*tn = end > 0 && nl[-1] == '\r' ? 2 : 1;
			*n = end + 1 - *tn;
			r->pos += end + 1;
			r->scan = r->pos;
			return 0;
		}
		if (r->text_eof) {
			size_t end = r->len - r->pos;
			*s = end ? base : NULL;
			*tn = end > 0 && base[end - 1] == '\r';
			*n = end - *tn;
			r->pos = r->scan = r->len;
			return 0;
		}
		r->scan = r->len;
		if (refill(r))
			return r->err.code;
	}
}

/* ---- libcsv callbacks ---- */

/* The end of a message about a field that holds another usual delimiter
 * than the one in use: the file is likely separated by it. */
static const char *delimiter_hint(const ocsdf_csv_reader *r, const char *s, size_t n)
{
	if (r->delim != ';' && memchr(s, ';', n))
		return " (fields separated by ';'? give --delimiter ';')";
	if (r->delim != '\t' && memchr(s, '\t', n))
		return " (fields separated by tabs? give --delimiter tab)";
	return "";
}

/* A text field holding a NUL byte, for field_error beside OCSDF_NUMBER_*. */
#define FIELD_NUL (-1)

/* What is wrong with a field of status st (OCSDF_NUMBER_* or FIELD_NUL),
 * worded to be followed by the field's text, but for an empty field. */
static const char *field_problem(int st)
{
	switch (st) {
	case OCSDF_NUMBER_EMPTY:
		return "empty field where a number is expected";
	case OCSDF_NUMBER_NONFINITE:
		return "expected a finite number, got ";
	case OCSDF_NUMBER_RANGE:
		return "number out of range (overflows a double): ";
	case FIELD_NUL:
		return "a text field cannot hold a NUL byte, got ";
	default:
		return "expected a number, got ";
	}
}

static void field_error(ocsdf_csv_reader *r, int col, int st, const char *s, size_t n)
{
	char name[320], text[320];
	if (st == OCSDF_NUMBER_NOMEM) {
		nomem(r);
		return;
	}
	excerpt(name, sizeof name, r->names[col], strlen(r->names[col]), 60);
	excerpt(text, sizeof text, s, n, 60);
	fail(r, OCSDF_EDATA, "%s:%ld: column %s (%d): %s%s%s", r->name, r->line, name, col + 1,
	     field_problem(st), st == OCSDF_NUMBER_EMPTY ? "" : text,
	     st == OCSDF_NUMBER_SYNTAX ? delimiter_hint(r, s, n) : "");
}

/* A value that does not fit the standardization of slot k (scale.h). */
static int check_scale(ocsdf_csv_reader *r, int col, int slot, double v, const char *s, size_t n)
{
	double mean = r->scale_mean ? r->scale_mean[slot] : 0, std = r->scale_std ? r->scale_std[slot] : 1;
	char name[320], text[320];
	if (ocsdf_scale_fits(v, mean, std))
		return 0;
	excerpt(name, sizeof name, r->names[col], strlen(r->names[col]), 60);
	excerpt(text, sizeof text, s, n, 60);
	return fail(r, OCSDF_EDATA,
		    "%s:%ld: column %s (%d): %s is out of range: it standardizes to %.3g, beyond the %g in "
		    "magnitude that the float32 network can take",
		    r->name, r->line, name, col + 1, text, (v - mean) / std, OCSDF_SCALE_ZMAX);
}

/* Field n bytes long at s of the record in progress. */
static void take_field(ocsdf_csv_reader *r, const char *s, size_t n)
{
	if (r->err.code)
		return;
	int col = r->field++;
	if (n > OCSDF_CSV_MAX_FIELD) {
		fail(r, OCSDF_EDATA, "%s:%ld: field longer than %d bytes", r->name, r->line, OCSDF_CSV_MAX_FIELD);
		return;
	}
	if (r->in_header) {
		if (col >= OCSDF_CSV_MAX_COLUMNS) {
			fail(r, OCSDF_EDATA, "%s:%ld: more than %d columns in the header", r->name, r->line,
			     OCSDF_CSV_MAX_COLUMNS);
			return;
		}
		/* Names are C strings: a NUL would cut "x\0z" to "x", which then
		 * matches a feature "x". */
		if (memchr(s, '\0', n)) {
			char text[320];
			excerpt(text, sizeof text, s, n, 60);
			fail(r, OCSDF_EDATA, "%s:%ld: column %d of the header: a name cannot hold a NUL byte, got %s",
			     r->name, r->line, col + 1, text);
			return;
		}
		if (offsets_push(&r->name_off, r->name_text.len) || bytes_append(&r->name_text, s, n))
			nomem(r);
		else
			r->name_text.p[r->name_text.len++] = '\0';
		return;
	}
	if (col >= r->ncols) {
		fail(r, OCSDF_EDATA, "%s:%ld: more than %d fields (the %s has %d)", r->name, r->rec_line, r->ncols,
		     r->has_header ? "header" : "first row", r->ncols);
		return;
	}
	int slot = r->num_first[col];
	if (slot >= 0) {
		double v;
		int st = ocsdf_number_parse(s, n, &v);
		if (st != OCSDF_NUMBER_OK) {
			field_error(r, col, st, s, n);
			return;
		}
		double *row = r->num + (size_t)r->nrows * (size_t)r->n_num;
		for (; slot >= 0; slot = r->num_next[slot]) {
			if (r->check_scale && check_scale(r, col, slot, v, s, n))
				return;
			row[slot] = v;
		}
	}
	slot = r->text_first[col];
	if (slot >= 0) {
		/* Text fields are C strings too: "0\0x" must not read as label "0". */
		if (memchr(s, '\0', n)) {
			field_error(r, col, FIELD_NUL, s, n);
			return;
		}
		size_t off = r->text_buf.len;
		if (bytes_append(&r->text_buf, s, n)) {
			nomem(r);
			return;
		}
		r->text_buf.p[r->text_buf.len++] = '\0';
		size_t *row = r->text_off + (size_t)r->nrows * (size_t)r->n_text;
		for (; slot >= 0; slot = r->text_next[slot])
			row[slot] = off;
	}
}

static void on_field(void *data, size_t n, void *arg)
{
	take_field(arg, data ? data : "", n);
}

/* Ends the raw text of the record: drops its final line terminator and
 * NUL-terminates it.  Returns its length. */
static size_t end_raw(ocsdf_csv_reader *r)
{
	bytes *b = &r->raw_buf;
	b->len -= r->term_len;
	b->p[b->len] = '\0';
	size_t n = b->len - r->raw_start;
	b->len++;
	return n;
}

/* Whether every name of the header is a number: a headerless file. */
static int numeric_header(const ocsdf_csv_reader *r, int n)
{
	double v;
	for (int i = 0; i < n; i++) {
		const char *name = r->name_text.p + r->name_off.p[i];
		if (ocsdf_number_parse(name, strlen(name), &v) != OCSDF_NUMBER_OK)
			return 0;
	}
	return n > 0;
}

/* Whether the first record starts with the expected names. */
static int header_matches(const ocsdf_csv_reader *r, int n)
{
	if (n < r->opt_nnames)
		return 0;
	for (int i = 0; i < r->opt_nnames; i++)
		if (strcmp(r->name_text.p + r->name_off.p[i], r->opt_names[i]))
			return 0;
	return 1;
}

/* Keeps the first record to read it again as a row, and names the n
 * columns from the options (then x<i+1>). */
static int first_record_is_row(ocsdf_csv_reader *r, int n)
{
	r->first_len = r->header_len;
	r->first_raw = malloc(r->header_len + 2);
	if (!r->first_raw)
		return nomem(r);
	memcpy(r->first_raw, r->header_raw, r->header_len);
	r->first_raw[r->header_len] = '\n';
	r->first_raw[r->header_len + 1] = '\0';
	r->first_line = r->rec_line;
	r->replay = 1;
	r->header_len = 0;
	r->header_raw[0] = '\0';
	r->name_text.len = 0;
	r->name_off.len = 0;
	for (int i = 0; i < n; i++) {
		char gen[32];
		const char *name = gen;
		if (i < r->opt_nnames)
			name = r->opt_names[i];
		else
			snprintf(gen, sizeof gen, "x%d", i + 1);
		if (offsets_push(&r->name_off, r->name_text.len) || bytes_append(&r->name_text, name, strlen(name)))
			return nomem(r);
		r->name_text.p[r->name_text.len++] = '\0';
	}
	return 0;
}

static void finish_header(ocsdf_csv_reader *r)
{
	int n = r->field;
	r->names = malloc((size_t)n * sizeof *r->names);
	r->num_first = malloc((size_t)n * sizeof *r->num_first);
	r->text_first = malloc((size_t)n * sizeof *r->text_first);
	r->header_len = end_raw(r);
	r->header_raw = malloc(r->header_len + 1);
	if (!r->names || !r->num_first || !r->text_first || !r->header_raw) {
		nomem(r);
		return;
	}
	memcpy(r->header_raw, r->raw_buf.p + r->raw_start, r->header_len + 1);
	r->has_header = r->header_mode == OCSDF_CSV_HEADER ||
			(r->header_mode == OCSDF_CSV_HEADER_IF && header_matches(r, n));
	if (r->header_mode == OCSDF_CSV_HEADER && numeric_header(r, n)) {
		fail(r, OCSDF_EDATA,
		     "%s:%ld: the header holds only numbers: the file seems to have no header line; give "
		     "--no-header (columns named x1, x2, ...)",
		     r->name, r->rec_line);
		return;
	}
	if (!r->has_header && first_record_is_row(r, n))
		return;
	for (int i = 0; i < n; i++) {
		r->names[i] = r->name_text.p + r->name_off.p[i];
		r->num_first[i] = r->text_first[i] = -1;
	}
	r->ncols = n;
	r->in_header = 0;
	r->raw_buf.len = 0;
}

static void on_record(int c, void *arg)
{
	ocsdf_csv_reader *r = arg;
	(void)c;
	if (r->err.code)
		return;
	r->rec_open = 0;
	if (r->in_header) {
		finish_header(r);
		return;
	}
	if (r->field < r->ncols) {
		fail(r, OCSDF_EDATA, "%s:%ld: %d field%s, expected %d (as in the %s)", r->name, r->rec_line,
		     r->field, r->field == 1 ? "" : "s", r->ncols, r->has_header ? "header" : "first row");
		return;
	}
	r->lines[r->nrows] = r->rec_line;
	if (r->keep_raw) {
		r->raw_off[r->nrows] = r->raw_start;
		r->raw_len[r->nrows] = end_raw(r);
	}
	r->nrows++;
}

/* ---- feeding lines to libcsv ---- */

static int is_blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!IS_BLANK(s[i]))
			return 0;
	return 1;
}

/* libcsv takes a lone CR for a line end; only LF and CRLF are line ends
 * here, so a CR outside quotes is refused rather than silently splitting a
 * record.  in_quotes tells whether the line starts inside a quoted field. */
static long stray_cr(const char *s, size_t n, int in_quotes)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			in_quotes = !in_quotes;
		else if (s[i] == '\r' && !in_quotes)
			return (long)i;
	}
	return -1;
}

/* A row on one line without quotes, split as libcsv splits it (the fast
 * way for plain numeric rows): each delimiter ends a field, the line's end
 * ends the record, and the blanks around a field are dropped (a field holds
 * no delimiter, so a tab or space delimiter is never taken for a blank).
 * 0 or the error code. */
static int split_line(ocsdf_csv_reader *r, const char *s, size_t n)
{
	const char *end = s + n;
	char d = r->delim;
	for (;;) {
		const char *e = memchr(s, d, (size_t)(end - s));
		if (!e)
			e = end;
		const char *a = s, *b = e;
		while (a < b && IS_BLANK(*a))
			a++;
		while (b > a && IS_BLANK(b[-1]))
			b--;
		take_field(r, a, (size_t)(b - a));
		if (r->err.code)
			return r->err.code;
		if (e == end)
			break;
		s = e + 1;
	}
	on_record(0, r);
	return r->err.code;
}

static int feed_line(ocsdf_csv_reader *r, const char *s, size_t n, size_t tn)
{
	r->line++;
	if (!r->rec_open) {
		/* libcsv skips blank lines between records; so does the reader. */
		if (is_blank_line(s, n))
			return 0;
		r->rec_open = 1;
		r->rec_line = r->line;
		r->rec_bytes = 0;
		r->field = 0;
		r->raw_start = r->raw_buf.len;
	}
	r->rec_bytes += n + tn;
	if (r->rec_bytes > OCSDF_CSV_MAX_RECORD)
		return fail(r, OCSDF_EDATA, "%s:%ld: record longer than %d bytes", r->name, r->rec_line,
			    OCSDF_CSV_MAX_RECORD);
	if (memchr(s, '\r', n)) {
		long at = stray_cr(s, n, r->line != r->rec_line);
		if (at >= 0)
			return fail(r, OCSDF_EDATA,
				    "%s:%ld: carriage return at byte %ld of the line outside quotes (line ends must be LF or CRLF)",
				    r->name, r->line, at + 1);
	}
	if ((r->keep_raw || r->in_header) && bytes_append(&r->raw_buf, s, n + tn))
		return nomem(r);
	r->term_len = tn;
	if (!r->in_header && r->line == r->rec_line && !memchr(s, '"', n))
		return split_line(r, s, n);

	size_t got = csv_parse(&r->csv, s, n + tn, on_field, on_record, r);
	if (r->err.code)
		return r->err.code;
	if (got < n + tn) {
		int st = csv_error(&r->csv);
		if (st == CSV_EPARSE)
			return fail(r, OCSDF_EDATA,
				    "%s:%ld: misplaced quote at byte %zu of the line (a quote inside an unquoted field, or text after a closing quote)",
				    r->name, r->line, got + 1);
		if (csv_get_buffer_size(&r->csv) > (size_t)OCSDF_CSV_MAX_FIELD)
			return fail(r, OCSDF_EDATA, "%s:%ld: field longer than %d bytes", r->name, r->line,
				    OCSDF_CSV_MAX_FIELD);
		return nomem(r);
	}
	return 0;
}

/* Flushes libcsv at the end of the input. */
static int finish_input(ocsdf_csv_reader *r)
{
	r->done = 1;
	r->term_len = 0;
	if (csv_fini(&r->csv, on_field, on_record, r) != 0)
		return fail(r, OCSDF_EDATA, "%s:%ld: quoted field not closed at the end of the input", r->name,
			    r->rec_line);
	if (r->err.code)
		return r->err.code;
	if (r->in_header)
		return fail(r, OCSDF_EDATA, "%s: empty input: expected %s", r->name,
			    r->header_mode == OCSDF_CSV_NO_HEADER ? "at least one row" : "a header line");
	return 0;
}

/* Feeds lines until the header is complete, the block holds max_rows rows,
 * or the input ends. */
static int pump(ocsdf_csv_reader *r, int max_rows)
{
	while (!r->done && (r->in_header || r->nrows < max_rows)) {
		const char *s = NULL;
		size_t n = 0, tn = 0;
		if (next_line(r, &s, &n, &tn))
			return r->err.code;
		if (!s)
			return finish_input(r);
		if (feed_line(r, s, n, tn))
			return r->err.code;
	}
	return 0;
}

/* Feeds the first record again, as a row (no header). */
static int replay_first(ocsdf_csv_reader *r)
{
	size_t n = r->first_len + 1;
	r->replay = 0;
	r->rec_open = 1;
	r->rec_line = r->first_line;
	r->rec_bytes = n;
	r->field = 0;
	r->raw_start = r->raw_buf.len;
	r->term_len = 1;
	if (r->keep_raw && bytes_append(&r->raw_buf, r->first_raw, n))
		return nomem(r);
	size_t got = csv_parse(&r->csv, r->first_raw, n, on_field, on_record, r);
	if (r->err.code)
		return r->err.code;
	if (got < n)
		return fail(r, OCSDF_EDATA, "%s:%ld: the first record does not read back as a row", r->name,
			    r->first_line);
	return 0;
}

/* What a compressed input is, by its magic bytes (gzip is read), or NULL. */
static const char *compressed_kind(const char *p, size_t n, const char **tool)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *kind, *tool;
	} kinds[] = {
		{"BZh", 3, "bzip2", "bzip2 -dc"},
		{"\xfd" "7zXZ\0", 6, "xz", "xz -dc"},
		{"\x28\xb5\x2f\xfd", 4, "zstd", "zstd -dc"},
		{"PK\x03\x04", 4, "zip", "unzip -p"},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (n >= kinds[i].len && !memcmp(p, kinds[i].magic, kinds[i].len)) {
			*tool = kinds[i].tool;
			return kinds[i].kind;
		}
	return NULL;
}

/* ---- public reader API ---- */

int ocsdf_csv_check_names(int names_given, int header, ocsdf_error *e)
{
	if (names_given && header != OCSDF_CSV_NO_HEADER)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--columns names the columns of an input without a header: "
				       "it needs --no-header");
	return 0;
}

int ocsdf_csv_open(const char *path, ocsdf_csv_reader **out, ocsdf_error *e)
{
	return ocsdf_csv_open_with(path, NULL, out, e);
}

int ocsdf_csv_open_with(const char *path, const ocsdf_csv_options *opt, ocsdf_csv_reader **out,
			ocsdf_error *e)
{
	static const ocsdf_csv_options defaults = {0};
	ocsdf_csv_reader *r;
	const char *kind, *tool;
	int is_stdin = !path || !strcmp(path, "-");
	int code;

	*out = NULL;
	r = calloc(1, sizeof *r);
	if (!r)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	r->fd = -1;
	r->name = strdup(is_stdin ? "standard input" : path);
	r->in = ocsdf_gzread_new();
	r->buf = malloc(LINE_START);
	r->cap = LINE_START;
	r->in_header = 1;
	if (!opt)
		opt = &defaults;
	r->delim = opt->delimiter ? opt->delimiter : ',';
	r->header_mode = opt->header;
	r->opt_names = opt->names;
	r->opt_nnames = opt->names ? opt->nnames : 0;
	if (!r->name || !r->in || !r->buf) {
		ocsdf_csv_close(r);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_realloc_func(&r->csv, field_realloc);
	csv_set_blk_size(&r->csv, 4096);
	csv_set_delim(&r->csv, (unsigned char)r->delim);

	if (is_stdin) {
		r->fd = STDIN_FILENO;
	} else {
		struct stat st;
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			ocsdf_error_set(e, OCSDF_ENOINPUT, "cannot open %s: %s", path, strerror(errno));
			ocsdf_csv_close(r);
			return OCSDF_ENOINPUT;
		}
		r->own_fd = 1;
		if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			ocsdf_error_set(e, OCSDF_ENOINPUT, "cannot read %s: it is a directory", path);
			ocsdf_csv_close(r);
			return OCSDF_ENOINPUT;
		}
	}

	ocsdf_gzread_failure why;
	if (ocsdf_gzread_start(r->in, r->fd, &why)) {
		input_failed(r, r->buf, &why);
		goto failed;
	}

	/* An optional UTF-8 byte order mark; the magic bytes of the
	 * compressed formats that are not read. */
	while (!r->text_eof && r->len < 6)
		if (refill(r))
			goto failed;
	if ((kind = compressed_kind(r->buf, r->len, &tool))) {
		fail(r, OCSDF_EDATA, "%s: this is a %s-compressed file, which is not read: decompress it first "
		     "(%s FILE | ... -) or recompress it with gzip", r->name, kind, tool);
		goto failed;
	}
	if (r->len >= 3 && !memcmp(r->buf, "\xef\xbb\xbf", 3))
		r->pos = r->scan = 3;

	if (pump(r, 0))
		goto failed;
	*out = r;
	return 0;

failed:
	code = r->err.code;
	if (e)
		*e = r->err;
	ocsdf_csv_close(r);
	return code;
}

void ocsdf_csv_close(ocsdf_csv_reader *r)
{
	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	csv_free(&r->csv);
	free(r->name);
	ocsdf_gzread_free(r->in);
	free(r->buf);
	free(r->names);
	free(r->name_text.p);
	free(r->name_off.p);
	free(r->header_raw);
	free(r->first_raw);
	free(r->num_first);
	free(r->num_next);
	free(r->text_first);
	free(r->text_next);
	free(r->num);
	free(r->text_off);
	free(r->raw_off);
	free(r->raw_len);
	free(r->text);
	free(r->raw);
	free(r->lines);
	free(r->text_buf.p);
	free(r->raw_buf.p);
	free(r);
}

const char *ocsdf_csv_filename(const ocsdf_csv_reader *r)
{
	return r->name;
}

int ocsdf_csv_ncols(const ocsdf_csv_reader *r)
{
	return r->ncols;
}

const char *ocsdf_csv_colname(const ocsdf_csv_reader *r, int col)
{
	return col >= 0 && col < r->ncols ? r->names[col] : NULL;
}

int ocsdf_csv_open_features(const char *path, const ocsdf_csv_options *opt, const char *const *names, int d,
			    const char *what, ocsdf_csv_reader **out, ocsdf_error *e)
{
	ocsdf_csv_options o = opt ? *opt : (ocsdf_csv_options){0};
	int rc;
	if (!o.names) {
		o.names = names;
		o.nnames = d;
	}
	if ((rc = ocsdf_csv_open_with(path, &o, out, e)))
		return rc;
	int nc = (*out)->ncols;
	if (o.names == names && !(*out)->has_header && nc < d) {
		ocsdf_error_set(e, OCSDF_EDATA, "%s:1: %d field%s, but %s has %d features (without a header, the "
				"first columns are the features, in the model's order)", (*out)->name, nc,
				nc == 1 ? "" : "s", what ? what : "the model", d);
		ocsdf_csv_close(*out);
		*out = NULL;
		return OCSDF_EDATA;
	}
	return 0;
}

int ocsdf_csv_has_header(const ocsdf_csv_reader *r)
{
	return r->has_header;
}

char ocsdf_csv_delimiter(const ocsdf_csv_reader *r)
{
	return r->delim;
}

const char *ocsdf_csv_header_raw(const ocsdf_csv_reader *r, size_t *len)
{
	if (len)
		*len = r->header_len;
	return r->header_raw;
}

/* "a", "b", "c" ... (and N more), short enough for one message. */
static void list_columns(const ocsdf_csv_reader *r, char *out, size_t size)
{
	ocsdf_text_buf b = {out, size, 0};
	int i;
	out[0] = '\0';
	for (i = 0; i < r->ncols && b.len < 600; i++) {
		char name[320];
		excerpt(name, sizeof name, r->names[i], strlen(r->names[i]), 40);
		ocsdf_text_printf(&b, "%s%s", i ? ", " : "", name);
	}
	if (i < r->ncols)
		ocsdf_text_printf(&b, " ... (%d more)", r->ncols - i);
}

/*
 * The column named name: 0 with *col when exactly one column has it, 65
 * when several do (taking the first would silently ignore the others), -1
 * when none does.  what, if not NULL, says what the column is for; hint
 * ends the message.
 */
static int find_unique(const ocsdf_csv_reader *r, const char *name, const char *what, const char *hint,
		       int *col, ocsdf_error *e)
{
	char quoted[320];
	int found = -1, count = 0;
	for (int i = 0; i < r->ncols; i++) {
		if (!strcmp(r->names[i], name)) {
			if (found < 0)
				found = i;
			count++;
		}
	}
	if (count == 1) {
		*col = found;
		return 0;
	}
	if (count == 0)
		return -1;
	excerpt(quoted, sizeof quoted, name, strlen(name), 60);
	return ocsdf_error_set(e, OCSDF_EDATA, "%s: %d columns are named %s%s%s%s: which one is meant is ambiguous%s",
			       r->name, count, quoted, what ? " (" : "", what ? what : "", what ? ")" : "", hint);
}

int ocsdf_csv_find(const ocsdf_csv_reader *r, const char *spec, int *col, ocsdf_error *e)
{
	char list[800], what[320];
	int rc = find_unique(r, spec, NULL, "; give its number instead", col, e);
	if (rc >= 0)
		return rc;
	size_t n = strlen(spec);
	int digits = n > 0 && n <= 9 && strspn(spec, "0123456789") == n;
	list_columns(r, list, sizeof list);
	if (digits) {
		long k = strtol(spec, NULL, 10);
		if (k >= 1 && k <= r->ncols) {
			*col = (int)k - 1;
			return 0;
		}
		return ocsdf_error_set(e, OCSDF_EDATA, "%s: no column %ld: it has %d column%s: %s", r->name, k,
				       r->ncols, r->ncols == 1 ? "" : "s", list);
	}
	excerpt(what, sizeof what, spec, n, 60);
	return ocsdf_error_set(e, OCSDF_EDATA, "%s: no column named %s; columns are: %s", r->name, what, list);
}

int ocsdf_csv_find_name(const ocsdf_csv_reader *r, const char *name, const char *what, int *col,
			ocsdf_error *e)
{
	char list[800], quoted[320];
	int rc = find_unique(r, name, what, "", col, e);
	if (rc >= 0)
		return rc;
	excerpt(quoted, sizeof quoted, name, strlen(name), 60);
	list_columns(r, list, sizeof list);
	return ocsdf_error_set(e, OCSDF_EDATA, "%s: no column named %s (%s); columns are: %s%s", r->name, quoted,
			       what, list,
			       r->ncols == 1 ? delimiter_hint(r, r->names[0], strlen(r->names[0])) : "");
}

int ocsdf_csv_select(ocsdf_csv_reader *r, const int *num_cols, int n_num, const int *text_cols, int n_text,
		     int keep_raw, ocsdf_error *e)
{
	if (n_num < 0 || n_text < 0 || (n_num > 0 && !num_cols) || (n_text > 0 && !text_cols))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%s: invalid column selection", r->name);
	for (int i = 0; i < n_num + n_text; i++) {
		int c = i < n_num ? num_cols[i] : text_cols[i - n_num];
		if (c < 0 || c >= r->ncols)
			return ocsdf_error_set(e, OCSDF_EUSAGE, "%s: column index %d out of range (%d columns)",
					       r->name, c + 1, r->ncols);
	}
	int *nn = malloc(((size_t)n_num + 1) * sizeof *nn);
	int *tn = malloc(((size_t)n_text + 1) * sizeof *tn);
	if (!nn || !tn) {
		free(nn);
		free(tn);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "%s: out of memory", r->name);
	}
	free(r->num_next);
	free(r->text_next);
	r->num_next = nn;
	r->text_next = tn;
	for (int c = 0; c < r->ncols; c++)
		r->num_first[c] = r->text_first[c] = -1;
	/* Chains are built backwards so that each runs in slot order. */
	for (int i = n_num - 1; i >= 0; i--) {
		nn[i] = r->num_first[num_cols[i]];
		r->num_first[num_cols[i]] = i;
	}
	for (int i = n_text - 1; i >= 0; i--) {
		tn[i] = r->text_first[text_cols[i]];
		r->text_first[text_cols[i]] = i;
	}
	r->n_num = n_num;
	r->n_text = n_text;
	r->keep_raw = keep_raw != 0;
	r->check_scale = 0;
	r->rows_cap = 0;    /* block arrays are resized on the next call */
	return 0;
}

void ocsdf_csv_check_scale(ocsdf_csv_reader *r, const double *mean, const double *std)
{
	r->check_scale = 1;
	r->scale_mean = mean;
	r->scale_std = std;
}

/* Sizes the block arrays for max_rows rows of the current selection. */
static int reserve_rows(ocsdf_csv_reader *r, int max_rows)
{
	if (max_rows <= r->rows_cap)
		return 0;
	size_t rows = (size_t)max_rows;
	size_t nnum = rows * (size_t)r->n_num, ntext = rows * (size_t)r->n_text;
	double *num = realloc(r->num, (nnum ? nnum : 1) * sizeof *num);
	if (num)
		r->num = num;
	size_t *toff = realloc(r->text_off, (ntext ? ntext : 1) * sizeof *toff);
	if (toff)
		r->text_off = toff;
	const char **text = realloc(r->text, (ntext ? ntext : 1) * sizeof *text);
	if (text)
		r->text = text;
	size_t *roff = realloc(r->raw_off, rows * sizeof *roff);
	if (roff)
		r->raw_off = roff;
	size_t *rlen = realloc(r->raw_len, rows * sizeof *rlen);
	if (rlen)
		r->raw_len = rlen;
	const char **raw = realloc(r->raw, rows * sizeof *raw);
	if (raw)
		r->raw = raw;
	long *lines = realloc(r->lines, rows * sizeof *lines);
	if (lines)
		r->lines = lines;
	if (!num || !toff || !text || !roff || !rlen || !raw || !lines)
		return nomem(r);
	r->rows_cap = max_rows;
	return 0;
}

int ocsdf_csv_next(ocsdf_csv_reader *r, int max_rows, ocsdf_csv_block *b, ocsdf_error *e)
{
	memset(b, 0, sizeof *b);
	if (r->err.code) {
		if (e)
			*e = r->err;
		return r->err.code;
	}
	if (max_rows < 1)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%s: a block must hold at least one row", r->name);
	if (reserve_rows(r, max_rows)) {
		if (e)
			*e = r->err;
		return r->err.code;
	}
	/* A block always ends at the end of a record (every record ends at a
	 * line end, and lines are fed whole), so nothing is carried over. */
	r->nrows = 0;
	r->text_buf.len = 0;
	r->raw_buf.len = 0;
	if ((r->replay && replay_first(r)) || pump(r, max_rows)) {
		if (e)
			*e = r->err;
		return r->err.code;
	}
	for (size_t i = 0; i < (size_t)r->nrows * (size_t)r->n_text; i++)
		r->text[i] = r->text_buf.p + r->text_off[i];
	if (r->keep_raw)
		for (int i = 0; i < r->nrows; i++)
			r->raw[i] = r->raw_buf.p + r->raw_off[i];
	b->nrows = r->nrows;
	b->num = r->n_num ? r->num : NULL;
	b->text = r->n_text ? r->text : NULL;
	b->raw = r->keep_raw ? r->raw : NULL;
	b->raw_len = r->keep_raw ? r->raw_len : NULL;
	b->line = r->lines;
	return 0;
}

static const char *trim_blanks(const char *s, size_t *len)
{
	size_t l;
	while (*s == ' ' || *s == '\t')
		s++;
	l = strlen(s);
	while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
		l--;
	*len = l;
	return s;
}

int ocsdf_csv_label_matches(const char *label, const char *value)
{
	size_t ll, vl;
	double x, y;
	label = trim_blanks(label, &ll);
	value = trim_blanks(value, &vl);
	if (ll == 0 || vl == 0)
		return 0;
	if (ll == vl && memcmp(label, value, ll) == 0)
		return 1;
	return ocsdf_csv_parse_number(label, ll, &x) == 0 &&
	       ocsdf_csv_parse_number(value, vl, &y) == 0 && x == y;
}
