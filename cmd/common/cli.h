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

#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdnoreturn.h>

#include "csv.h"
#include "errors.h"

/* Records the program name, puts /dev/null on a closed standard
 * descriptor (0 write-only, 1 and 2 read-only: reads and writes on them
 * still fail), sets the C locale for numbers, restores the default SIGPIPE
 * action (a closed pipe ends the program quietly), ignores SIGXFSZ (a file
 * size limit is a write error, exit 74), and silences getopt's own
 * messages (ocsdf_arg_read gives one line).  Called first. */
void ocsdf_cli_init(const char *progname);
const char *ocsdf_cli_name(void);

/* "PROG: message" on stderr, then exit(code). */
noreturn void ocsdf_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints e->msg and exits with e->code (70 if the code is unset). */
noreturn void ocsdf_die_error(const ocsdf_error *e);
/* A usage error: message, a hint to --help, exit 64. */
noreturn void ocsdf_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: warning: message" on stderr. */
void ocsdf_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Each line of text (a report of the library's) on stderr after "PROG: ". */
void ocsdf_say_lines(const char *text);

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

/* Option values, checked by functions that return a message (as libsvm's
 * svm_check_parameter does), so that the caller decides what to do with
 * it: a program prints it as a usage error, a fuzz target checks it.  Each
 * returns the value, or sets e (code 64, a message that names the option
 * and says what is wrong: not a number, out of range [lo, hi], too large
 * to represent, subnormal, ..., for a list which number) and returns lo
 * (NULL for a list, 0 for a choice).  e is untouched on success. */
double ocsdf_arg_double(ocsdf_error *e, const char *opt, const char *arg, double lo, double hi);
/* The same with an open end: open OCSDF_ARG_ABOVE refuses lo itself
 * ("expected a number > lo"), OCSDF_ARG_BELOW hi itself ("in [lo, hi)"),
 * OCSDF_ARG_BETWEEN both ("strictly between lo and hi"). */
enum { OCSDF_ARG_ABOVE = 1, OCSDF_ARG_BELOW, OCSDF_ARG_BETWEEN };
double ocsdf_arg_double_open(ocsdf_error *e, const char *opt, const char *arg, double lo, double hi, int open);
/* A comma-separated list; the array is malloc'ed, its length in *n. */
double *ocsdf_arg_double_list(ocsdf_error *e, const char *opt, const char *arg, double lo, double hi, int *n);
long ocsdf_arg_long(ocsdf_error *e, const char *opt, const char *arg, long lo, long hi);
/* arg, an output file name, unless it is empty. */
const char *ocsdf_arg_output(ocsdf_error *e, const char *opt, const char *arg);
/* A field delimiter: one character, or "tab". */
char ocsdf_arg_delimiter(ocsdf_error *e, const char *opt, const char *arg);
/* Comma-separated non-empty names, *n of them, in one malloc'ed block. */
char **ocsdf_arg_name_list(ocsdf_error *e, const char *opt, const char *arg, int *n);
/* The index of arg in the NULL-terminated list of choices. */
int ocsdf_arg_choice(ocsdf_error *e, const char *opt, const char *arg, const char *const *choices);
/* The message for what getopt_long returned on a bad option: c is ':'
 * for an option without its value (the option string starts with ':'),
 * anything else for an unknown option; arg is argv[optind - 1].  Returns
 * 64. */
int ocsdf_arg_getopt_error(ocsdf_error *e, int c, const char *arg);

/* What a command line asks for besides a run. */
enum { OCSDF_CLI_RUN, OCSDF_CLI_HELP, OCSDF_CLI_VERSION };

/* Reads the options of argv with getopt_long (optstring, opts).  -h
 * (code 'h') and -V (code 'V', --version too) end the reading with
 * *action OCSDF_CLI_HELP or OCSDF_CLI_VERSION; an unknown option or a missing
 * value sets e; every other option goes to take(ctx, c, e), which reads
 * optarg and sets e if it refuses it.  Returns 0 (*action OCSDF_CLI_RUN when
 * every option was read, optind at the first operand), or 64 with e set
 * at the first refusal. */
int ocsdf_arg_read(int argc, char **argv, const char *optstring, const struct option *opts,
		   void (*take)(void *ctx, int c, ocsdf_error *e), void *ctx, int *action, ocsdf_error *e);
/* What a program that reads a model and no operand checks after
 * ocsdf_arg_read: a model given (-m MODEL), no argument left from optind.
 * Returns 0, or 64 with e set. */
int ocsdf_arg_model_only(ocsdf_error *e, const char *model, int argc, char **argv);
/* The CSV options c of the rows of the file that option file names (given:
 * whether it was): 0, or 64 with e set for --delimiter, --no-header or
 * --columns without that file, or --columns without --no-header. */
int ocsdf_arg_csv_check(ocsdf_error *e, const ocsdf_csv_options *c, const char *file, int given);
/* --columns LIST of rows read with c: the names (one block, for the
 * caller to free; old, from an earlier --columns, is freed), which
 * c->names and c->nnames then give. */
char **ocsdf_arg_csv_columns(ocsdf_error *e, const char *list, char **old, ocsdf_csv_options *c);
/* The start of a program's main: ocsdf_cli_init(argv[0]), then
 * parse(argc, argv, ctx, e), which fills ctx and *action (usually with
 * ocsdf_arg_read) and returns 0 or 64 with e set.  Dies with e's message
 * as a usage error if the parse fails; returns the exit status of --help
 * (usage on stdout) or --version, or -1 to go on with the run. */
int ocsdf_cli_start(int argc, char **argv, int (*parse)(int argc, char **argv, void *ctx, ocsdf_error *e),
		    void *ctx, const int *action, const char *usage);

/* The programs' one answer to an allocation that fails: "PROG: out of
 * memory" and exit 70.  The x functions allocate or die so; ocsdf_xcheck
 * returns p, or dies if it is NULL (what library constructors such as
 * ocsdf_scorer_new return when memory runs out). */
noreturn void ocsdf_die_nomem(void);
void *ocsdf_xmalloc(size_t size);
void *ocsdf_xcalloc(size_t n, size_t size);
char *ocsdf_xstrdup(const char *s);
void *ocsdf_xcheck(void *p);

/* Progress goes to stderr only if it is a terminal and quiet is 0. */
int ocsdf_progress_enabled(int quiet);
/* From now on SIGINT and SIGTERM set the flag returned, which a long
 * run (ocsdf_train_hooks) checks to stop and keep what it has; a second
 * signal ends the program at once (its output is saved atomically, so
 * nothing torn is left under its name). */
volatile sig_atomic_t *ocsdf_stop_on_signals(void);
/* A count of rows on stderr ("PROG: N rows WHAT"), each over the last:
 * the progress callback of the library's readers, ctx an ocsdf_rows_shown
 * whose shown it sets; ocsdf_rows_shown_end ends the line if any was
 * shown. */
typedef struct ocsdf_rows_shown {
	const char *what;
	int shown;
} ocsdf_rows_shown;
void ocsdf_rows_show(void *ctx, size_t rows);
void ocsdf_rows_shown_end(const ocsdf_rows_shown *r);

/* OpenBLAS kernels and threads (README, "Speed").  A distribution's
 * OpenBLAS may not know a CPU newer than itself and fall back to its
 * generic SSE3 (Prescott) kernels, 3-4 times slower than the AVX2 or
 * AVX-512 ones the CPU runs.  ocsdf_kernels_choose, called first in main,
 * compares the kernels OpenBLAS picked with what cpuid reports (AVX-512
 * F/BW/VL/DQ: SkylakeX, or Cooperlake with BF16; AVX2 and FMA: Haswell)
 * and, when they are older, sets OPENBLAS_CORETYPE and executes the
 * program again (OpenBLAS reads it only while loading), once: the variable
 * OCSDF_KERNELS_REEXEC marks the second run.  A value of OPENBLAS_CORETYPE
 * the user set is left alone.  If the program cannot be executed again it
 * goes on with the kernels it has. */
void ocsdf_kernels_choose(char **argv);
/* The kernels for this CPU by cpuid ("Cooperlake", "SkylakeX",
 * "Haswell"), or NULL for none better than OpenBLAS's generic ones. */
const char *ocsdf_kernels_for_cpu(void);
/* Whether OpenBLAS kernels named core are older than the kernels named
 * best (both OpenBLAS core names; unknown names count as oldest). */
int ocsdf_kernels_older(const char *core, const char *best);
/* "PROG: OpenBLAS kernels NAME (why), N thread(s)" on stderr: what -v
 * says first. */
void ocsdf_kernels_report(void);

/* --threads N: from 1 to this. */
#define OCSDF_THREADS_MAX 1024
/* Width from which a second thread pays in the products of a network
 * (tests/bench/SPEED.md); below it one thread is faster, all the more on
 * a busy machine, where a waiting OpenBLAS thread spins for a core. */
#define OCSDF_THREADS_MIN_WIDTH 512
/* OpenBLAS threads for a network of the given width (0: no matrix
 * products worth threading): n if n > 0 (--threads); else the value of
 * OPENBLAS_NUM_THREADS or OMP_NUM_THREADS if the user set one; else 1
 * below OCSDF_THREADS_MIN_WIDTH, and otherwise the cores this process may
 * run on.  Returns the number of threads set. */
int ocsdf_threads_set(int n, int width);

#endif
