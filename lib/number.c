/*
 * number.c: exact decimal to double conversion (see number.h).
 *
 * The parser is the inner loop of every CSV reader: it walks the digits
 * eight at a time and converts most numbers without strtod, falling back
 * to strtod_l in the C locale only for the rare cases it cannot prove.
 */
#include "number.h"

#include <float.h>
#include <locale.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static int slow_convert(const char *s, size_t n, double *out)
{
	char small[128];
	char *copy = n < sizeof small ? small : malloc(n + 1);
	char *end;
	if (!copy)
		return OCSDF_NUMBER_NOMEM;
	memcpy(copy, s, n);
	copy[n] = '\0';
	double v = c_locale ? strtod_l(copy, &end, c_locale) : strtod(copy, &end);
	int complete = end == copy + n;
	if (copy != small)
		free(copy);
	if (!complete)
		return OCSDF_NUMBER_SYNTAX;
	if (!isfinite(v))
		return OCSDF_NUMBER_RANGE;
	*out = v;
	return OCSDF_NUMBER_OK;
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
static int parse_number(const char *s, size_t len, double *out)
{
	const char *p = s, *end = s + len;
	int neg = 0;

	while (p < end && is_blank((unsigned char)*p))
		p++;
	while (end > p && is_blank((unsigned char)end[-1]))
		end--;
	if (p == end)
		return OCSDF_NUMBER_EMPTY;
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
		return is_nonfinite_word(start, (size_t)(end - start)) ? OCSDF_NUMBER_NONFINITE : OCSDF_NUMBER_SYNTAX;
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
			return OCSDF_NUMBER_SYNTAX;
		for (; p < end && is_digit((unsigned char)*p); p++)
			if (e < 1000000)
				e = e * 10 + (*p - '0');
		q += eneg ? -e : e;
	}
	if (p != end)
		return OCSDF_NUMBER_SYNTAX;

	size_t nsig = sig < int_end ? (size_t)(int_end - sig) + (size_t)(frac_end - frac) : (size_t)(frac_end - sig);
	if (nsig == 0) {
		*out = neg ? -0.0 : 0.0;
		return OCSDF_NUMBER_OK;
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
			return OCSDF_NUMBER_OK;
		}
		if (q >= POW5_MIN && q <= POW5_MAX && convert_wide(w, (int)q, &v) == 0) {
			*out = neg ? -v : v;
			return OCSDF_NUMBER_OK;
		}
	}
#endif
	return slow_convert(start, (size_t)(end - start), out);
}


int ocsdf_number_parse(const char *s, size_t len, double *out)
{
	pthread_once(&init_once, init_tables);
	return parse_number(s, len, out);
}

/*
 * Floats to text.  A float is M * 2^E with M < 2^24.  Its 9 significant
 * digits are those of the integer part of |v| * 10^p, p = 8 - floor(log10
 * |v|), rounded to nearest with ties to even on the exact remainder.  For
 * 0 <= p <= 44, M * 5^p fits in 128 bits and the product is that number
 * shifted by E + p bits, so the digits and the remainder are exact.  Other
 * values (beyond 1e9 or below 1e-36, zero, NaN and infinities) go to
 * snprintf.
 */
#define FLOAT_P_MAX 44

/* |v| * 10^p as an integer q and whether the rest is below (-1), at (0) or
 * above (1) one half; -2 if not exact in 128 bits. */
static int scaled_digits(uint32_t mant, int e2, int p, uint64_t *q)
{
	u128 a = mant;
	for (int i = 0; i < p; i++)
		a *= 5;
	int s = e2 + p;
	if (s >= 0) {
		if (s > 40)
			return -2;
		*q = (uint64_t)(a << s);
		return -1;
	}
	if (-s > 127)
		return -2;
	u128 one = (u128)1 << -s, rest = a & (one - 1), half = one >> 1;
	*q = (uint64_t)(a >> -s);
	return rest < half ? -1 : rest > half;
}

int ocsdf_number_format_float(char *buf, float v)
{
	uint32_t bits;
	memcpy(&bits, &v, sizeof bits);
	int bexp = (int)(bits >> 23 & 0xff);
	uint32_t mant = bits & 0x7fffff;
	if (bexp == 0xff || (bexp == 0 && mant == 0))
		return snprintf(buf, OCSDF_NUMBER_FLOAT_MAX, "%.9g", (double)v);
	int e2 = bexp ? bexp - 150 : -149;
	if (bexp)
		mant |= 0x800000;
	/* k estimates floor(log10 |v|); the digits correct it by one. */
	int k = (int)floor(log10(fabs((double)v))), half = -2;
	uint64_t q = 0;
	for (int tries = 0; tries < 3; tries++) {
		int p = 8 - k;
		if (p < 0 || p > FLOAT_P_MAX || (half = scaled_digits(mant, e2, p, &q)) == -2)
			return snprintf(buf, OCSDF_NUMBER_FLOAT_MAX, "%.9g", (double)v);
		if (q >= 1000000000u)
			k++;
		else if (q < 100000000u)
			k--;
		else
			break;
	}
	if (q < 100000000u || q >= 1000000000u)
		return snprintf(buf, OCSDF_NUMBER_FLOAT_MAX, "%.9g", (double)v);
	if (half > 0 || (half == 0 && (q & 1)))
		q++;
	if (q == 1000000000u) {
		q = 100000000u;
		k++;
	}
	char dig[9];
	for (int i = 8; i >= 0; i--, q /= 10)
		dig[i] = (char)('0' + q % 10);
	int nd = 9;
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	char *o = buf;
	if (bits >> 31)
		*o++ = '-';
	if (k >= -4 && k < 9) {
		/* Fixed: k + 1 digits before the point (at least a 0). */
		if (k < 0) {
			*o++ = '0';
			*o++ = '.';
			for (int i = 0; i < -k - 1; i++)
				*o++ = '0';
			memcpy(o, dig, (size_t)nd);
			o += nd;
		} else {
			memcpy(o, dig, (size_t)k + 1);
			o += k + 1;
			if (nd > k + 1) {
				*o++ = '.';
				memcpy(o, dig + k + 1, (size_t)(nd - k - 1));
				o += nd - k - 1;
			}
		}
	} else {
		*o++ = dig[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, dig + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		*o++ = 'e';
		*o++ = k < 0 ? '-' : '+';
		int x = k < 0 ? -k : k;
		if (x >= 10)
			*o++ = (char)('0' + x / 10);
		else
			*o++ = '0';
		*o++ = (char)('0' + x % 10);
	}
	*o = '\0';
	return (int)(o - buf);
}

/* v * 0 is 0 for a finite v, NaN otherwise, and a sum of them is 0 or NaN
 * in any order, so two chains of four SSE2 lanes can sum it (one chain of
 * scalar adds, latency-bound, took 3% of a training run). */
int ocsdf_number_all_finite(const float *v, size_t n)
{
	size_t i = 0;
	float acc = 0;
#ifdef __SSE2__
	const __m128 zero = _mm_setzero_ps();
	__m128 a0 = zero, a1 = zero;
	for (; i + 8 <= n; i += 8) {
		a0 = _mm_add_ps(a0, _mm_mul_ps(_mm_loadu_ps(v + i), zero));
		a1 = _mm_add_ps(a1, _mm_mul_ps(_mm_loadu_ps(v + i + 4), zero));
	}
	float lane[4];
	_mm_storeu_ps(lane, _mm_add_ps(a0, a1));
	acc = lane[0] + lane[1] + lane[2] + lane[3];
#endif
	for (; i < n; i++)
		acc += v[i] * 0;
	return acc == 0;
}
