/* cli.c: error printing, strict number parsing and progress policy shared
 * by the programs (see cli.h); not part of the library. */
#include "cli.h"

#include <cblas.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "output.h"
#include "text.h"

static const char *prog = "ocsdf";

void ocsdf_cli_init(const char *progname)
{
	const char *slash = progname ? strrchr(progname, '/') : NULL;
	if (progname)
		prog = slash ? slash + 1 : progname;
	/* A closed standard descriptor would be taken by the next file opened
	 * (an output's temporary file) and messages would land in it.  Each
	 * gets /dev/null, opened the other way round, so that reading a closed
	 * input or writing a closed output still fails as it would have. */
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY) != fd)
			ocsdf_die(OCSDF_EIO, "cannot open /dev/null in place of closed descriptor %d", fd);
	setlocale(LC_ALL, "C");
	signal(SIGPIPE, SIG_DFL);
	/* Past a file size limit, write fails with EFBIG and the program
	 * reports it (exit 74) rather than dying with its temporary left. */
	signal(SIGXFSZ, SIG_IGN);
	opterr = 0;
}

const char *ocsdf_cli_name(void)
{
	return prog;
}

__attribute__((format(printf, 2, 0)))
static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", prog, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* vmessage(prefix, fmt and the arguments after it), in a function whose
 * last named parameter is fmt. */
#define MESSAGE(prefix, fmt)                     \
	do {                                     \
		va_list ap;                      \
		va_start(ap, fmt);               \
		vmessage(prefix, fmt, ap);       \
		va_end(ap);                      \
	} while (0)

void ocsdf_die(int code, const char *fmt, ...)
{
	MESSAGE("", fmt);
	exit(code);
}

void ocsdf_die_error(const ocsdf_error *e)
{
	ocsdf_die(e->code ? e->code : OCSDF_ESOFTWARE, "%s", e->msg[0] ? e->msg : "internal error");
}

void ocsdf_usage_error(const char *fmt, ...)
{
	MESSAGE("", fmt);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	exit(OCSDF_EUSAGE);
}

int ocsdf_arg_getopt_error(ocsdf_error *e, int c, const char *arg)
{
	int short_opt = arg && optopt && arg[0] == '-' && arg[1] != '-';
	if (c == ':' && short_opt)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "option -%c requires an argument", optopt);
	if (c == ':')
		return ocsdf_error_set(e, OCSDF_EUSAGE, "option '%s' requires an argument", arg ? arg : "");
	if (short_opt)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "unknown option -%c", optopt);
	return ocsdf_error_set(e, OCSDF_EUSAGE, "unknown option '%s'", arg ? arg : "");
}

int ocsdf_arg_read(int argc, char **argv, const char *optstring, const struct option *opts,
		   void (*take)(void *ctx, int c, ocsdf_error *e), void *ctx, int *action, ocsdf_error *e)
{
	int c;
	ocsdf_error_clear(e);
	*action = OCSDF_CLI_RUN;
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		if (c == 'h' || c == 'V') {
			*action = c == 'h' ? OCSDF_CLI_HELP : OCSDF_CLI_VERSION;
			return 0;
		}
		if (c == ':' || c == '?')
			return ocsdf_arg_getopt_error(e, c, argv[optind - 1]);
		take(ctx, c, e);
		if (e->code)
			return e->code;
	}
	return 0;
}

int ocsdf_arg_model_only(ocsdf_error *e, const char *model, int argc, char **argv)
{
	if (!model)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "a model is required (-m MODEL)");
	if (optind < argc)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "unexpected argument '%s'", argv[optind]);
	return 0;
}

int ocsdf_arg_csv_check(ocsdf_error *e, const ocsdf_csv_options *c, const char *file, int given)
{
	const char *opt = c->delimiter ? "--delimiter" : c->names ? "--columns" :
			  c->header != OCSDF_CSV_HEADER ? "--no-header" : NULL;
	if (opt && !given)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%s applies to the rows of %s", opt, file);
	return ocsdf_csv_check_names(c->names != NULL, c->header, e);
}

char **ocsdf_arg_csv_columns(ocsdf_error *e, const char *list, char **old, ocsdf_csv_options *c)
{
	char **names;
	free(old);
	names = ocsdf_arg_name_list(e, "--columns", list, &c->nnames);
	c->names = (const char *const *)names;
	return names;
}

int ocsdf_cli_start(int argc, char **argv, int (*parse)(int argc, char **argv, void *ctx, ocsdf_error *e),
		    void *ctx, const int *action, const char *usage)
{
	ocsdf_error e;
	ocsdf_cli_init(argv[0]);
	ocsdf_kernels_choose(argv);
	if (parse(argc, argv, ctx, &e))
		ocsdf_usage_error("%s", e.msg);
	if (*action == OCSDF_CLI_HELP)
		return ocsdf_print_text(usage);
	return *action == OCSDF_CLI_VERSION ? ocsdf_print_version() : -1;
}

void ocsdf_warn(const char *fmt, ...)
{
	MESSAGE("warning: ", fmt);
}

void ocsdf_say_lines(const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n");
		fprintf(stderr, "%s: %.*s\n", prog, (int)n, text);
		text += n + (text[n] == '\n');
	}
}

int ocsdf_print_text(const char *text)
{
	fputs(text, stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error on standard output: %s\n", prog,
			strerror(errno ? errno : EIO));
		return OCSDF_EIO;
	}
	return 0;
}

int ocsdf_print_version(void)
{
	char line[256];
	snprintf(line, sizeof line, "%s (ocsdf) %s\n", prog, OCSDF_VERSION);
	return ocsdf_print_text(line);
}

/* What can be wrong with a number from the command line. */
enum { NUM_OK, NUM_EMPTY, NUM_SYNTAX, NUM_NONFINITE, NUM_HUGE, NUM_TINY, NUM_SUBNORMAL, NUM_RANGE, NUM_NOMEM };

static int classify(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;
	if (!s)
		return NUM_EMPTY;
	s += strspn(s, " \t");
	if (!*s)
		return NUM_EMPTY;
	errno = 0;
	v = strtod(s, &end);
	while (end != s && (*end == ' ' || *end == '\t'))
		end++;
	if (end == s || *end != '\0')
		return NUM_SYNTAX;
	if (!isfinite(v))
		return errno == ERANGE ? NUM_HUGE : NUM_NONFINITE;
	/* Out of range first: it is the whole story for 1e-320 against a
	 * minimum of 1e-12. */
	if (v < lo || v > hi)
		return NUM_RANGE;
	if (errno == ERANGE && v == 0)
		return NUM_TINY;
	/* glibc flags most subnormal results with ERANGE, not all. */
	if (errno == ERANGE || fpclassify(v) == FP_SUBNORMAL)
		return NUM_SUBNORMAL;
	*out = v;
	return NUM_OK;
}

/* The problem st in words, for a message. */
static void describe(int st, double lo, double hi, char *buf, size_t len)
{
	switch (st) {
	case NUM_EMPTY: snprintf(buf, len, "empty"); break;
	case NUM_NONFINITE: snprintf(buf, len, "not a finite number"); break;
	case NUM_HUGE: snprintf(buf, len, "too large to represent"); break;
	case NUM_TINY: snprintf(buf, len, "too close to 0 to represent (it would round to 0)"); break;
	case NUM_SUBNORMAL:
		snprintf(buf, len, "subnormal (nonzero but below %.2g in magnitude, where doubles lose precision)",
			 DBL_MIN);
		break;
	case NUM_RANGE: snprintf(buf, len, "out of range [%g, %g]", lo, hi); break;
	case NUM_NOMEM: snprintf(buf, len, "out of memory"); break;
	default: snprintf(buf, len, "not a number"); break;
	}
}

int ocsdf_parse_double(const char *s, double lo, double hi, double *out)
{
	return classify(s, lo, hi, out) == NUM_OK ? 0 : -1;
}

int ocsdf_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;
	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	while (end != s && (*end == ' ' || *end == '\t'))
		end++;
	if (end == s || *end != '\0' || errno == ERANGE || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

#define LIST_MAX 1000000

static size_t list_length(const char *s)
{
	size_t n = 1;
	for (; *s; s++)
		n += *s == ',';
	return n;
}

/* What scan_number needs and finds. */
typedef struct scanning {
	double lo, hi, *v;  /* v: where the numbers go, or NULL */
	int st, n;          /* the problem of the last number read; how many are fine */
} scanning;

/* Reads the k-th number of a list into sc: NUM_OK, or its problem. */
static int scan_number(void *ctx, char *item, int k)
{
	scanning *sc = ctx;
	double x;
	sc->st = classify(item, sc->lo, sc->hi, &x);
	if (sc->st == NUM_OK && sc->v)
		sc->v[k] = x;
	sc->n += sc->st == NUM_OK;
	return sc->st;
}

/* Walks the comma-separated list s, storing its numbers in v (if not
 * NULL).  Returns NUM_OK, or the problem of the first bad element with
 * *bad set to its 0-based index. */
static int scan_list(const char *s, double lo, double hi, double *v, int *bad)
{
	scanning sc = {lo, hi, v, NUM_OK, 0};
	if (ocsdf_text_each_item(s, scan_number, &sc) == -1)
		return NUM_NOMEM;
	*bad = sc.n;
	return sc.st;
}

int ocsdf_parse_double_list(const char *s, double lo, double hi, double **out, int *n)
{
	size_t cap = list_length(s);
	int bad;
	double *v;
	if (cap > LIST_MAX)
		return -1;
	v = malloc(cap * sizeof *v);
	if (!v || scan_list(s, lo, hi, v, &bad) != NUM_OK) {
		free(v);
		return -1;
	}
	*out = v;
	*n = (int)cap;
	return 0;
}

/* Why ocsdf_parse_double_list refuses s, naming the element at fault. */
static void list_problem(const char *s, double lo, double hi, char *buf, size_t len)
{
	size_t n = list_length(s);
	int bad = 0, st;
	char what[160];
	if (n > LIST_MAX) {
		snprintf(buf, len, "more than %d numbers", LIST_MAX);
		return;
	}
	st = scan_list(s, lo, hi, NULL, &bad);
	if (st == NUM_OK)    /* every number is fine: the list did not fit in memory */
		st = NUM_NOMEM;
	describe(st, lo, hi, what, sizeof what);
	if (n == 1 || st == NUM_NOMEM) {
		snprintf(buf, len, "%s", what);
		return;
	}
	for (int k = 0; k < bad; k++)
		s = strchr(s, ',') + 1;
	snprintf(buf, len, "number %d of %zu ('%.*s') is %s", bad + 1, n, (int)strcspn(s, ","), s, what);
}

/* Refuses the value arg of option opt, saying why. */
static void refuse(ocsdf_error *e, const char *opt, const char *arg, const char *why)
{
	ocsdf_error_set(e, OCSDF_EUSAGE, "invalid value '%s' for %s: %s", arg, opt, why);
}

double ocsdf_arg_double(ocsdf_error *e, const char *opt, const char *arg, double lo, double hi)
{
	return ocsdf_arg_double_open(e, opt, arg, lo, hi, 0);
}

double ocsdf_arg_double_open(ocsdf_error *e, const char *opt, const char *arg, double lo, double hi, int open)
{
	double v;
	char why[160];
	int st = classify(arg, lo, hi, &v);
	if (st != NUM_OK)
		describe(st, lo, hi, why, sizeof why);
	else if (open == OCSDF_ARG_ABOVE && v <= lo)
		snprintf(why, sizeof why, "expected a number > %g", lo);
	else if (open == OCSDF_ARG_BELOW && v >= hi)
		snprintf(why, sizeof why, "expected a number in [%g, %g)", lo, hi);
	else if (open == OCSDF_ARG_BETWEEN && (v <= lo || v >= hi))
		snprintf(why, sizeof why, "expected a number strictly between %g and %g", lo, hi);
	else
		return v;
	refuse(e, opt, arg, why);
	return lo;
}

double *ocsdf_arg_double_list(ocsdf_error *e, const char *opt, const char *arg, double lo, double hi, int *n)
{
	double *v = NULL;
	char why[400];
	if (ocsdf_parse_double_list(arg, lo, hi, &v, n) != 0) {
		list_problem(arg, lo, hi, why, sizeof why);
		refuse(e, opt, arg, why);
		v = NULL;
	}
	return v;
}

long ocsdf_arg_long(ocsdf_error *e, const char *opt, const char *arg, long lo, long hi)
{
	long v;
	char why[96];
	if (ocsdf_parse_long(arg, lo, hi, &v) != 0) {
		snprintf(why, sizeof why, "expected an integer in [%ld, %ld]", lo, hi);
		refuse(e, opt, arg, why);
		v = lo;
	}
	return v;
}

const char *ocsdf_arg_output(ocsdf_error *e, const char *opt, const char *arg)
{
	if (!*arg)
		ocsdf_error_set(e, OCSDF_EUSAGE, "%s needs a file name ('-' for standard output)", opt);
	return arg;
}

char ocsdf_arg_delimiter(ocsdf_error *e, const char *opt, const char *arg)
{
	if (!strcmp(arg, "tab") || !strcmp(arg, "\\t"))
		return '\t';
	/* Nor a character of a number: 1.5e-3 would be cut apart. */
	if (strlen(arg) != 1 || strchr("\"\r\n 0123456789.+-eE", arg[0]))
		refuse(e, opt, arg, "expected one character other than a quote, a space, a line end or a "
			  "character of a number, or 'tab'");
	return arg[0];
}

char **ocsdf_arg_name_list(ocsdf_error *e, const char *opt, const char *arg, int *n)
{
	size_t len = strlen(arg);
	int k = 1;
	for (const char *p = arg; *p; p++)
		k += *p == ',';
	/* One block: the pointers, then a copy of arg cut at the commas. */
	char **names = ocsdf_xmalloc(sizeof *names * (size_t)k + len + 1);
	char *text = (char *)(names + k);
	memcpy(text, arg, len + 1);
	for (int i = 0; i < k; i++) {
		names[i] = text;
		text += strcspn(text, ",");
		*text++ = '\0';
		if (!*names[i]) {
			refuse(e, opt, arg, "expected comma-separated non-empty names");
			free(names);
			return NULL;
		}
	}
	*n = k;
	return names;
}

int ocsdf_arg_choice(ocsdf_error *e, const char *opt, const char *arg, const char *const *choices)
{
	char list[512] = "";
	for (int i = 0; choices[i]; i++) {
		if (strcmp(arg, choices[i]) == 0)
			return i;
		if (strlen(list) + strlen(choices[i]) + 3 < sizeof list) {
			if (i)
				strcat(list, ", ");
			strcat(list, choices[i]);
		}
	}
	ocsdf_error_set(e, OCSDF_EUSAGE, "invalid value '%s' for %s: expected one of %s", arg, opt, list);
	return 0;
}

void ocsdf_die_nomem(void)
{
	ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
}

void *ocsdf_xcheck(void *p)
{
	if (!p)
		ocsdf_die_nomem();
	return p;
}

void *ocsdf_xmalloc(size_t size)
{
	return ocsdf_xcheck(malloc(size ? size : 1));
}

void *ocsdf_xcalloc(size_t n, size_t size)
{
	return ocsdf_xcheck(calloc(n ? n : 1, size ? size : 1));
}

char *ocsdf_xstrdup(const char *s)
{
	return ocsdf_xcheck(strdup(s));
}

int ocsdf_progress_enabled(int quiet)
{
	return !quiet && isatty(STDERR_FILENO);
}

static volatile sig_atomic_t stop_requested;

/* A second signal: the program ends at once, without the files it was
 * writing (a checkpoint being saved) left half-written beside their
 * targets. */
static void on_second(int sig)
{
	ocsdf_output_remove_temporaries();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Asks the run to stop; a second signal ends the program at once. */
static void on_stop(int sig)
{
	stop_requested = 1;
	signal(sig, on_second);
}

volatile sig_atomic_t *ocsdf_stop_on_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return &stop_requested;
}

void ocsdf_rows_show(void *ctx, size_t rows)
{
	ocsdf_rows_shown *r = ctx;
	r->shown = 1;
	fprintf(stderr, "\r%s: %zu rows %s", prog, rows, r->what);
}

void ocsdf_rows_shown_end(const ocsdf_rows_shown *r)
{
	if (r->shown)
		fputc('\n', stderr);
}

/* Where the OpenBLAS kernels in use came from (ocsdf_kernels_report). */
static enum { KERNELS_OPENBLAS, KERNELS_USER, KERNELS_CHOSEN } kernels_origin;
/* With KERNELS_CHOSEN, what OpenBLAS had picked and what was asked. */
static char kernels_before[32], kernels_asked[32];

#define KERNELS_GUARD "OCSDF_KERNELS_REEXEC"

const char *ocsdf_kernels_for_cpu(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d, xcr0_lo, xcr0_hi;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX) || !(c & bit_FMA))
		return NULL;
	/* The system must save the AVX (and AVX-512) registers. */
	__asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
	if ((xcr0_lo & 0x6) != 0x6 || !__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & bit_AVX2))
		return NULL;
	unsigned avx512 = bit_AVX512F | bit_AVX512DQ | bit_AVX512BW | bit_AVX512VL;
	if ((xcr0_lo & 0xe0) != 0xe0 || (b & avx512) != avx512)
		return "Haswell";
	return __get_cpuid_count(7, 1, &a, &b, &c, &d) && (a & (1u << 5)) ? "Cooperlake" : "SkylakeX";
#else
	return NULL;
#endif
}

/* 3 for AVX-512 kernels, 2 for AVX2, 1 for AVX, 0 for older or unknown. */
static int kernels_rank(const char *core)
{
	static const char *const ranked[][4] = {
		{"SkylakeX", "Cooperlake", "SapphireRapids", NULL},
		{"Haswell", "Zen", NULL},
		{"Sandybridge", NULL},
	};
	for (int r = 0; r < 3; r++)
		for (int i = 0; core && ranked[r][i]; i++)
			if (strcasecmp(core, ranked[r][i]) == 0)
				return 3 - r;
	return 0;
}

int ocsdf_kernels_older(const char *core, const char *best)
{
	return kernels_rank(core) < kernels_rank(best);
}

static void copy_name(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

void ocsdf_kernels_choose(char **argv)
{
	const char *guard = getenv(KERNELS_GUARD), *user = getenv("OPENBLAS_CORETYPE");
	if (guard) {
		/* The second run: never a third. */
		kernels_origin = KERNELS_CHOSEN;
		copy_name(kernels_before, sizeof kernels_before, guard);
		copy_name(kernels_asked, sizeof kernels_asked, user);
		unsetenv(KERNELS_GUARD);
		return;
	}
	if (user && *user) {
		kernels_origin = KERNELS_USER;
		return;
	}
	const char *best = ocsdf_kernels_for_cpu(), *core = openblas_get_corename();
	if (!best || !ocsdf_kernels_older(core, best))
		return;
	if (setenv(KERNELS_GUARD, core ? core : "unknown", 1) == 0 && setenv("OPENBLAS_CORETYPE", best, 1) == 0) {
		fflush(NULL);
		execv("/proc/self/exe", argv);
	}
	unsetenv(KERNELS_GUARD);
	unsetenv("OPENBLAS_CORETYPE");
}

void ocsdf_kernels_report(void)
{
	const char *core = openblas_get_corename(), *best = ocsdf_kernels_for_cpu();
	char why[160];
	switch (kernels_origin) {
	case KERNELS_USER:
		snprintf(why, sizeof why, "set by OPENBLAS_CORETYPE%s%s", ocsdf_kernels_older(core, best) ? "; this CPU runs " : "",
			 ocsdf_kernels_older(core, best) ? best : "");
		break;
	case KERNELS_CHOSEN:
		if (strcasecmp(core, kernels_asked) == 0)
			snprintf(why, sizeof why, "chosen from cpuid; OpenBLAS alone ran %s", kernels_before);
		else
			snprintf(why, sizeof why, "OpenBLAS did not take OPENBLAS_CORETYPE=%s", kernels_asked);
		break;
	default:
		snprintf(why, sizeof why, "OpenBLAS's choice");
	}
	int n = openblas_get_num_threads();
	fprintf(stderr, "%s: OpenBLAS kernels %s (%s), %d thread%s\n", prog, core, why, n, n == 1 ? "" : "s");
}

/* The user's thread count from the environment, or 0. */
static int threads_from_environment(void)
{
	static const char *const vars[] = {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"};
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
		long n;
		const char *v = getenv(vars[i]);
		if (v && ocsdf_parse_long(v, 1, OCSDF_THREADS_MAX, &n) == 0)
			return (int)n;
	}
	return 0;
}

/* OpenBLAS starts its pool of threads as it loads, and they spin, taking
 * CPU time, until they time out and sleep (about 0.03 CPU s here, 1% of
 * scoring 300,000 rows).  A run on one thread stops them at once; OpenBLAS
 * starts them again if a later call asks for more threads.  The function is
 * exported by OpenBLAS but not declared in cblas.h: a weak reference, so a
 * BLAS without it is not asked. */
extern int blas_thread_shutdown_(void) __attribute__((weak));

int ocsdf_threads_set(int n, int width)
{
	if (n <= 0 && (n = threads_from_environment()) == 0) {
		/* Not the load average: the same command gives the same
		 * model on the same machine (threads change the rounding). */
		cpu_set_t set;
		n = 1;
		if (width >= OCSDF_THREADS_MIN_WIDTH && sched_getaffinity(0, sizeof set, &set) == 0)
			n = CPU_COUNT(&set) > 1 ? CPU_COUNT(&set) : 1;
	}
	openblas_set_num_threads(n);
	if (n == 1 && blas_thread_shutdown_)
		blas_thread_shutdown_();
	return n;
}
