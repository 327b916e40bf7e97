/* text.c: numbers that read back exactly, excerpts of fields for
 * messages, bounded strings built piece by piece and the items of a list
 * (see text.h). */
#include "text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

char *ocsdf_text_number(char *buf, size_t len, double v, int min_digits)
{
	for (int prec = min_digits < 1 ? 1 : min_digits; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (prec == 17 || strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

void ocsdf_text_put_number(FILE *fp, double v, int min_digits)
{
	char buf[OCSDF_TEXT_NUMBER_MAX];
	fputs(ocsdf_text_number(buf, sizeof buf, v, min_digits), fp);
}

/* The excerpt being written: what does not fit is cut off. */
typedef struct excerpt {
	char *p;
	size_t size, len;
} excerpt;

static void append(excerpt *x, const char *s, size_t n)
{
	if (n > x->size - 1 - x->len)
		n = x->size - 1 - x->len;
	memcpy(x->p + x->len, s, n);
	x->len += n;
	x->p[x->len] = '\0';
}

/* The length of the UTF-8 character at u[0..n): 1 for ASCII, 2 to 4 for a
 * lead byte followed by its continuation bytes, 0 if invalid. */
static size_t char_length(const unsigned char *u, size_t n)
{
	unsigned c = u[0];
	size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
	for (size_t j = 1; j < k; j++)
		if (j >= n || (u[j] & 0xc0) != 0x80)
			return 0;
	return k;
}

void ocsdf_text_excerpt(char *out, size_t size, const char *s, size_t n, size_t max, int style)
{
	excerpt x = {out, size, 0};
	const unsigned char *u = (const unsigned char *)s;
	int quoted = style == OCSDF_EXCERPT_QUOTED;
	char tmp[48];
	size_t i = 0;
	if (size == 0)
		return;
	out[0] = '\0';
	if (quoted)
		append(&x, "\"", 1);
	while (i < n && i < max) {
		unsigned c = u[i];
		size_t k = char_length(u + i, n - i);
		if (k > 1 && i + k > max)
			break;
		if (quoted && (c == '"' || c == '\\'))
			append(&x, "\\", 1);
		if (k > 1 || (k == 1 && c >= 0x20 && c != 0x7f)) {
			append(&x, s + i, k);
		} else if (quoted) {
			snprintf(tmp, sizeof tmp, "\\x%02x", c);
			append(&x, tmp, 4);
		} else {
			append(&x, "?", 1);
		}
		i += k > 1 ? k : 1;
	}
	if (quoted)
		append(&x, "\"", 1);
	if (i < n) {
		int len = quoted ? snprintf(tmp, sizeof tmp, "... (%zu bytes)", n) : snprintf(tmp, sizeof tmp, "...");
		append(&x, tmp, (size_t)len);
	}
}

const char *ocsdf_text_shown(const char *s, char *buf, size_t len)
{
	if (!s)
		s = "";
	ocsdf_text_excerpt(buf, len, s, strlen(s), 40, OCSDF_EXCERPT_PLAIN);
	return buf;
}

void ocsdf_text_printf(ocsdf_text_buf *b, const char *fmt, ...)
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

int ocsdf_text_each_item(const char *s, int (*each)(void *ctx, char *item, int k), void *ctx)
{
	char *copy = strdup(s), *item = copy;
	int rc = 0;
	if (!copy)
		return -1;
	for (int k = 0; !rc; k++) {
		char *comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		rc = each(ctx, item, k);
		if (!comma)
			break;
		item = comma + 1;
	}
	free(copy);
	return rc;
}
