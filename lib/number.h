/*
 * number.h: the strict decimal numbers of CSV fields, converted exactly.
 *
 * A number is
 *   [+-] digits [. digits] [(e|E) [+-] digits]   (".5" and "5." too)
 * with blanks (spaces, tabs) around it allowed, and nothing else: no hex,
 * no NaN or infinity, no thousands separators, no other trailing text.  A
 * value that overflows a double (1e999) is refused; one too small for a
 * double rounds to zero or a subnormal, as strtod does.  The conversion is
 * correctly rounded (bit-identical to glibc strtod in the C locale),
 * whatever the current locale, and safe to call from several threads.
 * The other way, a float is written with the 9 digits that read back as
 * the same float.  And a check that floats are finite, for the weights.
 */
#ifndef OCSDF_NUMBER_H
#define OCSDF_NUMBER_H

#include <stddef.h>

/* What a field holds. */
enum {
	OCSDF_NUMBER_OK = 0,
	OCSDF_NUMBER_EMPTY,      /* nothing but blanks */
	OCSDF_NUMBER_SYNTAX,     /* not a number */
	OCSDF_NUMBER_NONFINITE,  /* a spelled-out NaN or infinity */
	OCSDF_NUMBER_RANGE,      /* a number that overflows a double */
	OCSDF_NUMBER_NOMEM       /* out of memory for a long number */
};

/* Parses s[0..len) (no terminator needed; a NUL byte in it is text that is
 * not a number).  Returns OCSDF_NUMBER_OK with *out set, or another
 * OCSDF_NUMBER_* saying why not (*out untouched). */
int ocsdf_number_parse(const char *s, size_t len, double *out);

/* Room for the text of any float: sign, 9 digits, point, exponent, NUL. */
#define OCSDF_NUMBER_FLOAT_MAX 24

/* Writes v as printf's "%.9g" does in the C locale (9 significant digits,
 * correctly rounded, ties to even: enough to read back the same float),
 * NUL-terminated, into buf (OCSDF_NUMBER_FLOAT_MAX bytes).  Returns its
 * length. */
int ocsdf_number_format_float(char *buf, float v);

/* 1 if none of v[0..n) is infinite or NaN, else 0. */
int ocsdf_number_all_finite(const float *v, size_t n);

#endif
