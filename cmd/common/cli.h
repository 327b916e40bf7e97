/*
 * cli.h: conventions shared by every ocsdf program, implemented once.
 * Program support, not library: these functions print and exit, which the
 * library never does (lib/errors.h), so they are linked into the programs
 * and not part of libocsdf.a or its installed headers.
 *
 * Error lines are "PROG: message" on stderr; usage errors add a hint to
 * --help and exit 64.  Numbers from the command line go through strtod /
 * strtol with full checks, in the C locale.  Progress is shown only when
 * stderr is a terminal and -q was not given.
 */
#ifndef OCSDF_CLI_H
#define OCSDF_CLI_H

#include <stdnoreturn.h>

#include "errors.h"

/* Records the program name, puts /dev/null on a closed standard
 * descriptor (0 write-only, 1 and 2 read-only: reads and writes on them
 * still fail), sets the C locale for numbers, restores the default SIGPIPE
 * action (a closed pipe ends the program quietly), ignores SIGXFSZ (a file
 * size limit is a write error, exit 74), and silences getopt's own
 * messages (ocsdf_bad_option gives one line).  Called first. */
void ocsdf_cli_init(const char *progname);
const char *ocsdf_cli_name(void);

/* "PROG: message" on stderr, then exit(code). */
noreturn void ocsdf_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints e->msg and exits with e->code (70 if the code is unset). */
noreturn void ocsdf_die_error(const ocsdf_error *e);
/* A usage error: message, a hint to --help, exit 64. */
noreturn void ocsdf_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The usage error for an option getopt_long rejected: arg is the
 * offending argument (argv[optind - 1]). */
noreturn void ocsdf_bad_option(const char *arg);
/* The same for an option given without its value (getopt_long returned
 * ':', the option string starting with ':'). */
noreturn void ocsdf_missing_value(const char *arg);
/* "PROG: warning: message" on stderr. */
void ocsdf_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes text (--help) on stdout and flushes it.  Returns 0, or 74 after
 * a message if the text could not be written (a closed descriptor, a
 * full disk): the exit status for -h. */
int ocsdf_print_text(const char *text);
/* "PROG (ocsdf) VERSION" on stdout, the same way: the exit status for -V. */
int ocsdf_print_version(void);

/* Strict parsers: the whole string, but for blanks around it, must be a
 * finite number in [lo, hi] (a double: not subnormal, not rounding to 0 or
 * infinity).  Return 0 on success, -1 otherwise (out untouched). */
int ocsdf_parse_double(const char *s, double lo, double hi, double *out);
int ocsdf_parse_long(const char *s, long lo, long hi, long *out);
/* Comma-separated list of doubles in [lo, hi]; *out is malloc'ed. */
int ocsdf_parse_double_list(const char *s, double lo, double hi, double **out, int *n);

/* The same, dying with a usage error that names the option and says what
 * is wrong: not a number, out of range [lo, hi], too large to represent,
 * subnormal, ... (for a list, which number). */
double ocsdf_opt_double(const char *opt, const char *arg, double lo, double hi);
double *ocsdf_opt_double_list(const char *opt, const char *arg, double lo, double hi, int *n);
long ocsdf_opt_long(const char *opt, const char *arg, long lo, long hi);
/* Returns arg, an output file name, or dies if it is empty. */
const char *ocsdf_opt_output(const char *opt, const char *arg);
/* Returns the index of arg in the NULL-terminated list, or dies. */
int ocsdf_opt_choice(const char *opt, const char *arg, const char *const *choices);

/* Progress goes to stderr only if it is a terminal and quiet is 0. */
int ocsdf_progress_enabled(int quiet);

#endif
