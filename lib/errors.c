/* errors.c: filling an ocsdf_error (see errors.h). */
#include "errors.h"

#include <stdio.h>
#include <string.h>

int ocsdf_error_vset(ocsdf_error *e, int code, const char *fmt, va_list ap)
{
	if (e) {
		e->code = code;
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	}
	return code;
}

int ocsdf_error_set(ocsdf_error *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ocsdf_error_vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

void ocsdf_error_clear(ocsdf_error *e)
{
	if (e) {
		e->code = OCSDF_OK;
		e->msg[0] = '\0';
	}
}
