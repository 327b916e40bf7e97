/*
 * fuzz_exit.h: lets a fuzz target run a program's own option code in
 * process when that code exits on errors (ocsdf-mesh's; ocsdf-certify's
 * parse_options returns its message and needs none of this).  Included
 * just before a cmd/ocsdf-*.c file, it turns every way that code can leave
 * the process (exit, a usage error, a fatal error) into a longjmp back to
 * the target, with exit code + FUZZ_EXITED.  The option helpers behave as in cmd/common/cli.c;
 * every function of cli.h that does not return must be listed here.
 */
#ifndef OCSDF_FUZZ_EXIT_H
#define OCSDF_FUZZ_EXIT_H

#include <getopt.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define FUZZ_EXITED 1000

static jmp_buf fuzz_exit_jmp;

static __attribute__((unused)) _Noreturn void fuzz_exit(int code)
{
	longjmp(fuzz_exit_jmp, FUZZ_EXITED + code);
}

static __attribute__((unused)) _Noreturn __attribute__((format(printf, 2, 3))) void fuzz_die(int code, const char *fmt, ...)
{
	(void)fmt;
	fuzz_exit(code);
}

static __attribute__((unused)) _Noreturn __attribute__((format(printf, 1, 2))) void fuzz_usage_error(const char *fmt, ...)
{
	(void)fmt;
	fuzz_exit(64);
}

static __attribute__((unused)) _Noreturn void fuzz_die_error(const ocsdf_error *e)
{
	fuzz_exit(e->code ? e->code : 70);
}

static __attribute__((unused)) double fuzz_opt_double(const char *opt, const char *arg, double lo, double hi)
{
	double v;
	(void)opt;
	if (ocsdf_parse_double(arg, lo, hi, &v) != 0)
		fuzz_exit(64);
	return v;
}

static __attribute__((unused)) double *fuzz_opt_double_list(const char *opt, const char *arg, double lo,
							     double hi, int *n)
{
	double *v;
	(void)opt;
	if (ocsdf_parse_double_list(arg, lo, hi, &v, n) != 0)
		fuzz_exit(64);
	return v;
}

static __attribute__((unused)) long fuzz_opt_long(const char *opt, const char *arg, long lo, long hi)
{
	long v;
	(void)opt;
	if (ocsdf_parse_long(arg, lo, hi, &v) != 0)
		fuzz_exit(64);
	return v;
}

static __attribute__((unused)) int fuzz_opt_choice(const char *opt, const char *arg, const char *const *choices)
{
	(void)opt;
	for (int i = 0; choices[i]; i++)
		if (strcmp(arg, choices[i]) == 0)
			return i;
	fuzz_exit(64);
}

static __attribute__((unused)) _Noreturn void fuzz_bad_option(const char *arg)
{
	(void)arg;
	fuzz_exit(64);
}

#define exit fuzz_exit
#define ocsdf_bad_option fuzz_bad_option
#define ocsdf_missing_value fuzz_bad_option
#define ocsdf_die fuzz_die
#define ocsdf_die_error fuzz_die_error
#define ocsdf_usage_error fuzz_usage_error
#define ocsdf_opt_double fuzz_opt_double
#define ocsdf_opt_double_list fuzz_opt_double_list
#define ocsdf_opt_long fuzz_opt_long
#define ocsdf_opt_choice fuzz_opt_choice

#endif
