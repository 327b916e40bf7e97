/*
 * text.h: numbers and quoted fields in the text the tools write.
 *
 * One home for two things every report and message needs: a number
 * printed so that it reads back exactly, and a field from the input quoted
 * in a message, cut short and with control bytes made harmless so that
 * binary input cannot garble a terminal; a bounded string that
 * messages and reports are built in, piece by piece; and the items of a
 * comma-separated list, one at a time.
 */
#ifndef OCSDF_TEXT_H
#define OCSDF_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Room for any number ocsdf_text_number writes, terminator included. */
#define OCSDF_TEXT_NUMBER_MAX 32

/* Writes into buf (len bytes) the shortest "%.Ng" form of v, N from
 * min_digits (1 to 17) up, that strtod reads back as v; %.17g when none
 * does (NaN).  min_digits 15 gives "0.1" rather than "0.10000000000000001"
 * and "100" rather than "1e+02"; 1 gives the shortest text.  Returns buf. */
char *ocsdf_text_number(char *buf, size_t len, double v, int min_digits);
/* The same, written to fp. */
void ocsdf_text_put_number(FILE *fp, double v, int min_digits);

/* The two ways a field is quoted in a message. */
enum {
	/* "text" in double quotes, '"' and '\' escaped with a backslash,
	 * control bytes and invalid UTF-8 as \xNN, and "... (N bytes)" after
	 * the closing quote when the field was cut. */
	OCSDF_EXCERPT_QUOTED,
	/* text as it is (the caller quotes it), control bytes and invalid
	 * UTF-8 shown as '?', and "..." when the field was cut. */
	OCSDF_EXCERPT_PLAIN
};

/* Writes into out (size bytes, always terminated) an excerpt of s[0..n)
 * in the given style: at most max bytes of the field, cut at a character
 * boundary.  What does not fit in size is cut off. */
void ocsdf_text_excerpt(char *out, size_t size, const char *s, size_t n, size_t max, int style);

/* A NUL-terminated field (NULL: empty) in the plain style, cut at 40
 * bytes: what messages quote as '%s'.  64 bytes of buf hold any.
 * Returns buf. */
const char *ocsdf_text_shown(const char *s, char *buf, size_t len);

/* A string being built in a caller's buffer p of size bytes (size >= 1),
 * len of them used: start it as {buf, sizeof buf, 0} with buf[0] = 0. */
typedef struct ocsdf_text_buf {
	char *p;
	size_t size, len;
} ocsdf_text_buf;

/* Appends printf-style text to b, cut short where b is full (b->p stays
 * terminated; once full, later text is dropped). */
void ocsdf_text_printf(ocsdf_text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Calls each(ctx, item, k) for the items of the comma-separated list s in
 * order, k from 0, each item a NUL-terminated copy (the empty list "" is
 * one empty item); stops at the first call that returns nonzero.  Returns
 * that value, 0 after the last item, or -1 out of memory (before any
 * call). */
int ocsdf_text_each_item(const char *s, int (*each)(void *ctx, char *item, int k), void *ctx);

#endif
