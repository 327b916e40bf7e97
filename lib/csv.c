/*
 * csv.c: the streaming CSV reader and writer declared in csv.h.
 *
 * The reader has four layers.  Raw bytes come from a file descriptor and go
 * through zlib when the input starts with the gzip magic bytes.  A line
 * buffer hands out whole physical lines, so every record boundary, raw record
 * and line number is known exactly.  libcsv is fed one line at a time; it
 * splits and unquotes fields and calls back once per field and once per
 * record.  The field callback parses the selected numeric columns straight
 * into the block matrix with an exact fast decimal parser.
 *
 * Memory is bounded by one record (the line buffer and libcsv's field buffer,
 * both capped by the limits in csv.h) plus the block the caller asked for, so
 * a gzip bomb or a file without line ends costs constant memory.
 */
#include "csv.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "scale.h"
#include "text.h"

/* ------------------------------------------------------------------------ */
/* Exact decimal to double conversion                                        */
/* ------------------------------------------------------------------------ */

/*
 * A decimal w * 10^q with at most 19 significant digits is converted without
 * strtod in two ways.  Clinger's fast path: when w <= 2^53 and |q| <= 22 both
 * w and 10^|q| are exact doubles and one IEEE multiplication or division
 * rounds the exact product correctly.  Otherwise the Eisel-Lemire idea: w is
 * multiplied by a 128-bit truncation T of 5^q (scaled by a power of two).  The
 * true 5^q lies in [T, T + 1) units of T's last bit, so the true product lies
 * in [P, P + w) where P = w * T.  Rounding to nearest is monotonic, so if P
 * and P + w round to the same double, that double is the correctly rounded
 * result; if not (a near tie), or the result is subnormal or overflows, the
 * parser falls back to strtod.  Tests compare both paths bit for bit against
 * strtod.
 */

__extension__ typedef unsigned __int128 u128;

#define POW5_MIN (-342)
#define POW5_MAX 308
#define POW5_COUNT (POW5_MAX - POW5_MIN + 1)

static uint64_t pow5_hi[POW5_COUNT], pow5_lo[POW5_COUNT];
static int pow5_shift[POW5_COUNT];    /* 5^q = T * 2^shift, T in [2^127, 2^128) */
static locale_t c_locale;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* Big naturals for building the table: little-endian 32-bit limbs, room for
 * 2^1024 (the dividend of the negative powers) and 5^342. */
#define BIG_LIMBS 34

static int big_bitlen(const uint32_t *x)
{
	for (int i = BIG_LIMBS - 1; i >= 0; i--)
		if (x[i])
			return 32 * i + 32 - __builtin_clz(x[i]);
	return 0;
}

/* Bits [lo, lo + 64) of x; bits below position 0 read as zero. */
static uint64_t big_bits64(const uint32_t *x, int lo)
{
	uint64_t r = 0;
	for (int i = 63; i >= 0; i--) {
		int bit = lo + i;
		r <<= 1;
		if (bit >= 0 && bit < 32 * BIG_LIMBS)
			r |= (x[bit / 32] >> (bit % 32)) & 1u;
	}
	return r;
}

static void init_tables(void)
{
	uint32_t x[BIG_LIMBS] = {1};
	int len5[-POW5_MIN + 1];

	/* 5^q for q >= 0, truncated to its top 128 bits. */
	for (int q = 0; q <= -POW5_MIN; q++) {
		uint64_t carry = 0;
		int L = big_bitlen(x);
		len5[q] = L;
		if (q <= POW5_MAX) {
			pow5_hi[q - POW5_MIN] = big_bits64(x, L - 64);
			pow5_lo[q - POW5_MIN] = big_bits64(x, L - 128);
			pow5_shift[q - POW5_MIN] = L - 128;
		}
		for (int i = 0; i < BIG_LIMBS; i++) {
			uint64_t v = (uint64_t)x[i] * 5 + carry;
			x[i] = (uint32_t)v;
			carry = v >> 32;
		}
	}

	/* 5^-n = 2^-b * (2^b / 5^n); floor(2^b / 5^n) is taken from
	 * floor(2^1024 / 5^n), itself built by exact repeated division by 5
	 * (floor(floor(a / 5) / 5) = floor(a / 25)). */
	memset(x, 0, sizeof x);
	x[32] = 1;
	for (int n = 1; n <= -POW5_MIN; n++) {
		uint64_t rem = 0;
		for (int i = BIG_LIMBS - 1; i >= 0; i--) {
			uint64_t v = (rem << 32) | x[i];
			x[i] = (uint32_t)(v / 5);
			rem = v % 5;
		}
		int b = 127 + len5[n];
		int k = 1024 - b;
		pow5_hi[-n - POW5_MIN] = big_bits64(x, k + 64);
		pow5_lo[-n - POW5_MIN] = big_bits64(x, k);
		pow5_shift[-n - POW5_MIN] = -b;
	}

	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Rounds the 192-bit p2:p1:p0 (top bit at 190 or 191) to 53 bits, nearest
 * even.  Returns the mantissa in [2^52, 2^53) and the power of two it must be
 * scaled by. */
static inline uint64_t round192(uint64_t p2, uint64_t p1, uint64_t p0, int *scale)
{
	int s = 10 + (int)(p2 >> 63);
	uint64_t m = p2 >> s;
	uint64_t rem = p2 & ((UINT64_C(1) << s) - 1);
	uint64_t half = UINT64_C(1) << (s - 1);
	if (rem > half || (rem == half && ((p1 | p0) != 0 || (m & 1))))
		m++;
	*scale = 128 + s;
	if (m == UINT64_C(1) << 53) {
		m >>= 1;
		(*scale)++;
	}
	return m;
}

/* w * 10^q for 0 < w < 10^19 and POW5_MIN <= q <= POW5_MAX: 0 with *out
 * set, or -1 to fall back. */
static int convert_wide(uint64_t w, int q, double *out)
{
	int lz = __builtin_clzll(w);
	uint64_t wn = w << lz;
	int i = q - POW5_MIN;
	u128 lo = (u128)wn * pow5_lo[i];
	u128 hi = (u128)wn * pow5_hi[i];
	uint64_t p0 = (uint64_t)lo;
	u128 mid = (lo >> 64) + (uint64_t)hi;
	uint64_t p1 = (uint64_t)mid;
	uint64_t p2 = (uint64_t)(hi >> 64) + (uint64_t)(mid >> 64);

	/* Upper end of the interval: P + wn (cannot overflow 192 bits). */
	uint64_t u0 = p0 + wn;
	uint64_t u1 = p1 + (u0 < wn);
	uint64_t u2 = p2 + (u1 < p1);

	int s_lo, s_hi;
	uint64_t m = round192(p2, p1, p0, &s_lo);
	if (round192(u2, u1, u0, &s_hi) != m || s_hi != s_lo)
		return -1;
	/* value = m * 2^(s_lo + shift + q - lz), m with 52 fraction bits */
	int e2 = s_lo + pow5_shift[i] + q - lz + 52;
	int biased = e2 + 1023;
	if (biased < 1 || biased > 2046)
		return -1;
	uint64_t bits = ((uint64_t)biased << 52) | (m & ((UINT64_C(1) << 52) - 1));
	memcpy(out, &bits, sizeof *out);
	return 0;
}

static const double exact_pow10[] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* What a field holds, as parse_number and field_error see it; FIELD_NUL
 * (a NUL byte in a text field) is for field_error alone. */
enum num_status { NUM_OK, NUM_EMPTY, NUM_SYNTAX, NUM_NONFINITE, NUM_RANGE, NUM_NOMEM, FIELD_NUL };

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Tells a spelled-out NaN or infinity from other text, for the message. */
static int is_nonfinite_word(const char *s, size_t n)
{
	if (n > 0 && (*s == '+' || *s == '-'))
		s++, n--;
	return (n == 3 && (!strncasecmp(s, "nan", 3) || !strncasecmp(s, "inf", 3))) ||
	       (n == 8 && !strncasecmp(s, "infinity", 8)) ||
	       (n > 4 && !strncasecmp(s, "nan(", 4) && s[n - 1] == ')');
}

static enum num_status slow_convert(const char *s, size_t n, double *out)
{
	char small[128];
	char *copy = n < sizeof small ? small : malloc(n + 1);
	char *end;
	if (!copy)
		return NUM_NOMEM;
	memcpy(copy, s, n);
	copy[n] = '\0';
	double v = c_locale ? strtod_l(copy, &end, c_locale) : strtod(copy, &end);
	int complete = end == copy + n;
	if (copy != small)
		free(copy);
	if (!complete)
		return NUM_SYNTAX;
	if (!isfinite(v))
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

/*
 * Value of 8 ASCII digits loaded little-endian (first digit in the low
 * byte): neighbouring bytes are merged into 2-digit lanes, then 4-digit,
 * then 8-digit, each step a multiply-add that cannot carry across lanes.
 * This replaces a chain of 8 dependent multiply-adds.
 */
static inline uint64_t eight_digits(uint64_t v)
{
	v -= UINT64_C(0x3030303030303030);
	v = (v * 10 + (v >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
	v = (v * 100 + (v >> 16)) & UINT64_C(0x0000ffff0000ffff);
	return (v * 10000 + (v >> 32)) & UINT64_C(0xffffffff);
}

/* Whether 8 bytes are all ASCII digits: each high nibble must be 3, and
 * adding 6 to each byte must not carry into it (low nibble <= 9). */
static inline int all_digits8(uint64_t v)
{
	const uint64_t hi = UINT64_C(0xf0f0f0f0f0f0f0f0), three = UINT64_C(0x3030303030303030);
	return (v & hi) == three && ((v + UINT64_C(0x0606060606060606)) & hi) == three;
}

/* The first byte at or after p that is not a digit, or end. */
static inline const char *skip_digits(const char *p, const char *end)
{
	uint64_t v;
	while (end - p >= 8 && (memcpy(&v, p, sizeof v), all_digits8(v)))
		p += 8;
	while (p < end && is_digit((unsigned char)*p))
		p++;
	return p;
}

/* w followed by the digits [c, e): w * 10^(e - c) + their value. */
static inline uint64_t append_digits(uint64_t w, const char *c, const char *e)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; e - c >= 8; c += 8) {
		uint64_t v;
		memcpy(&v, c, sizeof v);
		w = w * 100000000 + eight_digits(v);
	}
#endif
	for (; c < e; c++)
		w = w * 10 + (uint64_t)(*c - '0');
	return w;
}

/* The tables must be ready (init_once) before this is called. */
static enum num_status parse_number(const char *s, size_t len, double *out)
{
	const char *p = s, *end = s + len;
	int neg = 0;

	while (p < end && is_blank((unsigned char)*p))
		p++;
	while (end > p && is_blank((unsigned char)end[-1]))
		end--;
	if (p == end)
		return NUM_EMPTY;
	const char *start = p;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';

	/* [int_begin, int_end) and [frac, frac_end) are the digits before and
	 * after the point; sig is the first significant (nonzero) digit. */
	const char *int_begin = p;
	while (p < end && *p == '0')
		p++;
	const char *sig = p;
	p = skip_digits(p, end);
	const char *int_end = p, *frac = p, *frac_end = p;
	if (p < end && *p == '.') {
		frac = ++p;
		p = frac_end = skip_digits(p, end);
	}
	if (int_end == int_begin && frac_end == frac)
		return is_nonfinite_word(start, (size_t)(end - start)) ? NUM_NONFINITE : NUM_SYNTAX;
	if (sig == int_end) {
		sig = frac;
		while (sig < frac_end && *sig == '0')
			sig++;
	}
	int64_t q = -(int64_t)(frac_end - frac);
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0;
		int64_t e = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == end || !is_digit((unsigned char)*p))
			return NUM_SYNTAX;
		for (; p < end && is_digit((unsigned char)*p); p++)
			if (e < 1000000)
				e = e * 10 + (*p - '0');
		q += eneg ? -e : e;
	}
	if (p != end)
		return NUM_SYNTAX;

	size_t nsig = sig < int_end ? (size_t)(int_end - sig) + (size_t)(frac_end - frac) : (size_t)(frac_end - sig);
	if (nsig == 0) {
		*out = neg ? -0.0 : 0.0;
		return NUM_OK;
	}
#if FLT_EVAL_METHOD == 0
	if (nsig <= 19) {
		double v;
		uint64_t w = sig < int_end ? append_digits(append_digits(0, sig, int_end), frac, frac_end)
					   : append_digits(0, sig, frac_end);
		if (w <= UINT64_C(1) << 53 && q >= -22 && q <= 22) {
			v = (double)w;
			v = q < 0 ? v / exact_pow10[-q] : v * exact_pow10[q];
			*out = neg ? -v : v;
			return NUM_OK;
		}
		if (q >= POW5_MIN && q <= POW5_MAX && convert_wide(w, (int)q, &v) == 0) {
			*out = neg ? -v : v;
			return NUM_OK;
		}
	}
#endif
	return slow_convert(start, (size_t)(end - start), out);
}

int ocsdf_csv_parse_number(const char *s, size_t len, double *out)
{
	double v;
	pthread_once(&init_once, init_tables);
	if (!s || parse_number(s, len, &v) != NUM_OK)
		return -1;
	*out = v;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Writer                                                                    */
/* ------------------------------------------------------------------------ */

void ocsdf_csv_put_field(FILE *fp, const char *s, size_t len)
{
	/* Unquoted blanks at either end would be trimmed by a reader, and an
	 * empty unquoted field alone on a line would read as a blank line. */
	int quote = len == 0 || is_blank((unsigned char)s[0]) || is_blank((unsigned char)s[len - 1]);
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
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
	fprintf(fp, "%.9g", (double)v);
}

void ocsdf_csv_put_double(FILE *fp, double v)
{
	fprintf(fp, "%.17g", v);
}

/* ------------------------------------------------------------------------ */
/* Reader                                                                    */
/* ------------------------------------------------------------------------ */

#define IN_CHUNK (256 * 1024)           /* bytes per read(2) */
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

	/* input as read, and its gzip state */
	unsigned char *in;
	size_t in_pos, in_len;
	unsigned long long in_total;    /* bytes read from fd */
	int in_eof;
	int gz, z_ready, z_member_end;
	z_stream z;

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

/* A bounded string being built for a message. */
typedef struct strbuf {
	char *p;
	size_t size, len;
} strbuf;

static void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(strbuf *b, const char *fmt, ...)
{
	va_list ap;
	if (b->len + 1 >= b->size)
		return;
	va_start(ap, fmt);
	int k = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (k > 0)
		b->len = b->len + (size_t)k < b->size ? b->len + (size_t)k : b->size - 1;
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

/* ---- input: plain or gzip bytes from a file descriptor ---- */

static ssize_t read_some(ocsdf_csv_reader *r, void *dst, size_t n)
{
	ssize_t k;
	do
		k = read(r->fd, dst, n);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		fail(r, OCSDF_EIO, "%s: read error: %s", r->name, strerror(errno));
	else
		r->in_total += (unsigned long long)k;
	return k;
}

/*
 * Where a gzip error was found, for its message.  Text is decoded ahead of
 * the lines read, so the lines complete when it happened are those read
 * plus those decoded up to end (into the line buffer) but not read yet.
 * Without a complete line, the compressed byte offset says where it is.
 */
static void gz_where(const ocsdf_csv_reader *r, const char *end, char *out, size_t size)
{
	long lines = r->line;
	unsigned long long at = r->in_total - r->z.avail_in;
	for (const char *p = r->buf + r->scan; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
		lines++;
	if (lines > 0)
		snprintf(out, size, "after line %ld (byte %llu of the compressed input)", lines, at);
	else
		snprintf(out, size, "at byte %llu of the compressed input, before the end of line 1", at);
}

/* Refills the raw input buffer; sets in_eof at the end.  0 or -1. */
static int read_input(ocsdf_csv_reader *r)
{
	ssize_t k = read_some(r, r->in, IN_CHUNK);
	if (k < 0)
		return -1;
	r->in_pos = 0;
	r->in_len = (size_t)k;
	r->in_eof = k == 0;
	return 0;
}

/* Decodes up to room bytes into dst.  Returns the count (0 at the end of the
 * input) or -1 with the error set. */
static ssize_t decode(ocsdf_csv_reader *r, char *dst, size_t room)
{
	if (!r->gz) {
		if (r->in_pos < r->in_len) {
			size_t n = r->in_len - r->in_pos < room ? r->in_len - r->in_pos : room;
			memcpy(dst, r->in + r->in_pos, n);
			r->in_pos += n;
			return (ssize_t)n;
		}
		if (r->in_eof)
			return 0;
		ssize_t k = read_some(r, dst, room);
		if (k == 0)
			r->in_eof = 1;
		return k;
	}

	z_stream *z = &r->z;
	char where[128];
	for (;;) {
		if (z->avail_in == 0 && !r->in_eof) {
			if (read_input(r))
				return -1;
			z->next_in = r->in;
			z->avail_in = (uInt)r->in_len;
		}
		if (r->z_member_end) {
			/* Concatenated gzip members form one stream (as gzip -d
			 * reads them); anything else after a member is corrupt. */
			if (z->avail_in == 0)
				return 0;
			inflateReset(z);
			r->z_member_end = 0;
		}
		if (z->avail_in == 0) {
			gz_where(r, dst, where, sizeof where);
			return fail(r, OCSDF_EIO, "%s: truncated gzip data %s: the input ends inside a compressed stream",
				    r->name, where), -1;
		}
		z->next_out = (unsigned char *)dst;
		z->avail_out = (uInt)(room < UINT_MAX ? room : UINT_MAX);
		int ret = inflate(z, Z_NO_FLUSH);
		size_t got = (size_t)((unsigned char *)z->next_out - (unsigned char *)dst);
		if (ret == Z_STREAM_END) {
			r->z_member_end = 1;
		} else if (ret == Z_MEM_ERROR) {
			return nomem(r), -1;
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			gz_where(r, dst + got, where, sizeof where);
			return fail(r, OCSDF_EIO, "%s: corrupt gzip data %s: %s", r->name, where,
				    z->msg ? z->msg : "bad data"), -1;
		}
		if (got)
			return (ssize_t)got;
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
	ssize_t k = decode(r, r->buf + r->len, r->cap - r->len);
	if (k < 0)
		return r->err.code;
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

static void field_error(ocsdf_csv_reader *r, int col, enum num_status st, const char *s, size_t n)
{
	char name[320], text[320];
	excerpt(name, sizeof name, r->names[col], strlen(r->names[col]), 60);
	excerpt(text, sizeof text, s, n, 60);
	switch (st) {
	case NUM_EMPTY:
		fail(r, OCSDF_EDATA, "%s:%ld: column %s (%d): empty field where a number is expected", r->name, r->line,
		     name, col + 1);
		break;
	case NUM_NONFINITE:
		fail(r, OCSDF_EDATA, "%s:%ld: column %s (%d): expected a finite number, got %s", r->name, r->line,
		     name, col + 1, text);
		break;
	case NUM_RANGE:
		fail(r, OCSDF_EDATA, "%s:%ld: column %s (%d): number out of range (overflows a double): %s", r->name,
		     r->line, name, col + 1, text);
		break;
	case NUM_NOMEM:
		nomem(r);
		break;
	case FIELD_NUL:
		fail(r, OCSDF_EDATA, "%s:%ld: column %s (%d): a text field cannot hold a NUL byte, got %s", r->name,
		     r->line, name, col + 1, text);
		break;
	default:
		fail(r, OCSDF_EDATA, "%s:%ld: column %s (%d): expected a number, got %s", r->name, r->line, name,
		     col + 1, text);
		break;
	}
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

static void on_field(void *data, size_t n, void *arg)
{
	ocsdf_csv_reader *r = arg;
	const char *s = data ? data : "";
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
		fail(r, OCSDF_EDATA, "%s:%ld: more than %d fields (the header has %d columns)", r->name, r->rec_line,
		     r->ncols, r->ncols);
		return;
	}
	int slot = r->num_first[col];
	if (slot >= 0) {
		double v;
		enum num_status st = parse_number(s, n, &v);
		if (st != NUM_OK) {
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
		fail(r, OCSDF_EDATA, "%s:%ld: %d field%s, expected %d (as in the header)", r->name, r->rec_line,
		     r->field, r->field == 1 ? "" : "s", r->ncols);
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
		if (!is_blank((unsigned char)s[i]))
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
		return fail(r, OCSDF_EDATA, "%s: empty input: expected a header line", r->name);
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

/* ---- public reader API ---- */

int ocsdf_csv_open(const char *path, ocsdf_csv_reader **out, ocsdf_error *e)
{
	ocsdf_csv_reader *r;
	int is_stdin = !path || !strcmp(path, "-");
	int code;

	*out = NULL;
	pthread_once(&init_once, init_tables);
	r = calloc(1, sizeof *r);
	if (!r)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	r->fd = -1;
	r->name = strdup(is_stdin ? "standard input" : path);
	r->in = malloc(IN_CHUNK);
	r->buf = malloc(LINE_START);
	r->cap = LINE_START;
	r->in_header = 1;
	if (!r->name || !r->in || !r->buf) {
		ocsdf_csv_close(r);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_realloc_func(&r->csv, field_realloc);
	csv_set_blk_size(&r->csv, 4096);

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

	/* The gzip magic needs two bytes; a pipe may deliver them one by one. */
	while (!r->in_eof && r->in_len < 2) {
		ssize_t k = read_some(r, r->in + r->in_len, IN_CHUNK - r->in_len);
		if (k < 0)
			goto failed;
		r->in_len += (size_t)k;
		r->in_eof = k == 0;
	}
	if (r->in_len >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
		r->gz = 1;
		if (inflateInit2(&r->z, 15 + 16) != Z_OK) {
			nomem(r);
			goto failed;
		}
		r->z_ready = 1;
		r->z.next_in = r->in;
		r->z.avail_in = (uInt)r->in_len;
		r->in_pos = r->in_len = 0;
	}

	/* An optional UTF-8 byte order mark. */
	while (!r->text_eof && r->len < 3)
		if (refill(r))
			goto failed;
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
	if (r->z_ready)
		inflateEnd(&r->z);
	csv_free(&r->csv);
	free(r->name);
	free(r->in);
	free(r->buf);
	free(r->names);
	free(r->name_text.p);
	free(r->name_off.p);
	free(r->header_raw);
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

const char *ocsdf_csv_header_raw(const ocsdf_csv_reader *r, size_t *len)
{
	if (len)
		*len = r->header_len;
	return r->header_raw;
}

/* "a", "b", "c" ... (and N more), short enough for one message. */
static void list_columns(const ocsdf_csv_reader *r, char *out, size_t size)
{
	strbuf b = {out, size, 0};
	int i;
	out[0] = '\0';
	for (i = 0; i < r->ncols && b.len < 600; i++) {
		char name[320];
		excerpt(name, sizeof name, r->names[i], strlen(r->names[i]), 40);
		sb_printf(&b, "%s%s", i ? ", " : "", name);
	}
	if (i < r->ncols)
		sb_printf(&b, " ... (%d more)", r->ncols - i);
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
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%s: no column %ld: it has %d column%s: %s", r->name, k,
				       r->ncols, r->ncols == 1 ? "" : "s", list);
	}
	excerpt(what, sizeof what, spec, n, 60);
	return ocsdf_error_set(e, OCSDF_EUSAGE, "%s: no column named %s; columns are: %s", r->name, what, list);
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
	return ocsdf_error_set(e, OCSDF_EDATA, "%s: no column named %s (%s); columns are: %s", r->name, quoted,
			       what, list);
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
	if (pump(r, max_rows)) {
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
