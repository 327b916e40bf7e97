/*
 * errors.h: how the library reports failure.
 *
 * The library never prints and never exits.  A function that can fail takes
 * an ocsdf_error *, fills it with a sysexits-style code and a message that
 * already names the file, line and column (or byte offset) at fault, and
 * returns the same code.  The programs print "ocsdf-PROG: <msg>" and exit
 * with <code>.
 */
#ifndef OCSDF_ERRORS_H
#define OCSDF_ERRORS_H

#include <stdarg.h>

enum {
	OCSDF_OK = 0,
	OCSDF_EUSAGE = 64,     /* bad option or argument */
	OCSDF_EDATA = 65,      /* malformed input data or model */
	OCSDF_ENOINPUT = 66,   /* cannot open input */
	OCSDF_EUNAVAIL = 69,   /* feature not available */
	OCSDF_ESOFTWARE = 70,  /* internal error (out of memory included) */
	OCSDF_ECANTCREAT = 73, /* cannot create output */
	OCSDF_EIO = 74,        /* read or write error */
	OCSDF_EINTR = 130      /* interrupted by a signal */
};

#define OCSDF_ERROR_MAX 1024

typedef struct ocsdf_error {
	int code;
	char msg[OCSDF_ERROR_MAX];
} ocsdf_error;

/* Sets e (which may be NULL) and returns code.  The message is truncated to
 * fit; it has no trailing newline. */
int ocsdf_error_set(ocsdf_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ocsdf_error_vset(ocsdf_error *e, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Clears e to OCSDF_OK and an empty message. */
void ocsdf_error_clear(ocsdf_error *e);

#endif
