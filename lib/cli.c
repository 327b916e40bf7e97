/* cli.c: error printing, strict number parsing and progress policy shared
 * by the programs (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

void ocsdf_die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	exit(code);
}

void ocsdf_die_error(const ocsdf_error *e)
{
	ocsdf_die(e->code ? e->code : OCSDF_ESOFTWARE, "%s", e->msg[0] ? e->msg : "internal error");
}

void ocsdf_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	exit(OCSDF_EUSAGE);
}

void ocsdf_bad_option(const char *arg)
{
	if (arg && optopt && arg[0] == '-' && arg[1] != '-')
		ocsdf_usage_error("unknown option -%c", optopt);
	ocsdf_usage_error("unknown option '%s'", arg ? arg : "");
}

void ocsdf_missing_value(const char *arg)
{
	if (arg && optopt && arg[0] == '-' && arg[1] != '-')
		ocsdf_usage_error("option -%c requires an argument", optopt);
	ocsdf_usage_error("option '%s' requires an argument", arg ? arg : "");
}

void ocsdf_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

void ocsdf_print_version(void)
{
	printf("%s (ocsdf) %s\n", prog, OCSDF_VERSION);
}

int ocsdf_parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;
	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	while (end != s && (*end == ' ' || *end == '\t'))
		end++;
	if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
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

int ocsdf_parse_double_list(const char *s, double lo, double hi, double **out, int *n)
{
	size_t len = strlen(s), cap = 1;
	double *v;
	char *copy, *tok;
	int k = 0;
	for (size_t i = 0; i < len; i++)
		cap += s[i] == ',';
	if (len == 0 || cap > 1000000)
		return -1;
	v = malloc(cap * sizeof *v);
	copy = strdup(s);
	if (!v || !copy) {
		free(v);
		free(copy);
		return -1;
	}
	tok = copy;
	for (;;) {
		char *comma = strchr(tok, ',');
		if (comma)
			*comma = '\0';
		if (ocsdf_parse_double(tok, lo, hi, &v[k]) != 0) {
			free(v);
			free(copy);
			return -1;
		}
		k++;
		if (!comma)
			break;
		tok = comma + 1;
	}
	free(copy);
	*out = v;
	*n = k;
	return 0;
}

const char *ocsdf_opt_output(const char *opt, const char *arg)
{
	if (!*arg)
		ocsdf_usage_error("%s needs a file name ('-' for standard output)", opt);
	return arg;
}

double ocsdf_opt_double(const char *opt, const char *arg, double lo, double hi)
{
	double v;
	if (ocsdf_parse_double(arg, lo, hi, &v) != 0)
		ocsdf_usage_error("invalid value '%s' for %s: expected a number in [%g, %g]", arg, opt, lo, hi);
	return v;
}

long ocsdf_opt_long(const char *opt, const char *arg, long lo, long hi)
{
	long v;
	if (ocsdf_parse_long(arg, lo, hi, &v) != 0)
		ocsdf_usage_error("invalid value '%s' for %s: expected an integer in [%ld, %ld]", arg, opt, lo, hi);
	return v;
}

int ocsdf_opt_choice(const char *opt, const char *arg, const char *const *choices)
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
	ocsdf_usage_error("invalid value '%s' for %s: expected one of %s", arg, opt, list);
}

int ocsdf_progress_enabled(int quiet)
{
	return !quiet && isatty(STDERR_FILENO);
}
