/*
 * test_argtab.c: options read from a table (cmd/common/argtab.c): the
 * getopt_long array it gives, every kind of value, aliases, the names in
 * refusals, codes without a row, the text of --help, an option shown in
 * two forms, --help written at a program's start, and a command line read
 * through a table (ocsdf_arg_parse) with the program's own part; and the
 * stop on signals of cli.h, whose second signal ends the program without
 * leaving the file being written.
 */
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argtab.h"
#include "cli.h"
#include "output.h"

typedef struct opts {
	double r;
	int i, set, choice;
	long l;
	const char *text, *out;
	char delim;
} opts;

static const char *const colours[] = {"red", "green", NULL};

#define AT(f) offsetof(opts, f)
static const ocsdf_arg_spec table[] = {
	{"output", 'o', OCSDF_ARG_OUTPUT, AT(out), 0, 0, NULL, 0, NULL, NULL},
	{"real", 300, OCSDF_ARG_REAL, AT(r), 0.5, 2, NULL, 1, NULL, NULL},
	{"int", 301, OCSDF_ARG_INT, AT(i), -3, 7, NULL, 0, NULL, NULL},
	{"old-int", 301, OCSDF_ARG_OWN, 0, 0, 0, NULL, 0, NULL, NULL},
	{"long", 302, OCSDF_ARG_LONG, AT(l), 1, 1L << 40, NULL, 0, NULL, NULL},
	{"colour", 303, OCSDF_ARG_CHOICE, AT(choice), 0, 0, colours, 2, NULL, NULL},
	{"flag", 'f', OCSDF_ARG_SET, AT(set), 0, 0, NULL, 0, NULL, NULL},
	{"text", 304, OCSDF_ARG_TEXT, AT(text), 0, 0, NULL, 0, NULL, NULL},
	{"delimiter", 305, OCSDF_ARG_DELIMITER, AT(delim), 0, 0, NULL, 0, NULL, NULL},
	{"help", 'h', OCSDF_ARG_NONE, 0, 0, 0, NULL, 0, NULL, NULL},
	{"own", 306, OCSDF_ARG_OWN, 0, 0, 0, NULL, 0, NULL, NULL},
	{NULL, 0, OCSDF_ARG_NONE, 0, 0, 0, NULL, 0, NULL, NULL}};

START_TEST(test_getopt_array)
{
	struct option o[sizeof table / sizeof *table];
	ck_assert_uint_eq(sizeof table / sizeof *table, 12);
	ocsdf_arg_getopt(table, o);
	for (int k = 0; k < 11; k++) {
		int plain = table[k].kind == OCSDF_ARG_SET || table[k].kind == OCSDF_ARG_NONE;
		ck_assert_str_eq(o[k].name, table[k].name);
		ck_assert_int_eq(o[k].val, table[k].code);
		ck_assert_ptr_null(o[k].flag);
		ck_assert_int_eq(o[k].has_arg, plain ? no_argument : required_argument);
	}
	ck_assert_ptr_null(o[11].name);
	ck_assert_int_eq(o[11].val, 0);
}
END_TEST

START_TEST(test_values)
{
	opts v = {0};
	ocsdf_error e = {0};
	ck_assert_ptr_eq(ocsdf_arg_take(table, 300, "1.25", &v, &e), &table[1]);
	ck_assert(v.r == 1.25);
	ck_assert_ptr_eq(ocsdf_arg_take(table, 301, "-3", &v, &e), &table[2]);
	ck_assert_int_eq(v.i, -3);
	ck_assert_ptr_eq(ocsdf_arg_take(table, 302, "1099511627776", &v, &e), &table[4]);
	ck_assert_int_eq(v.l, 1L << 40);
	ck_assert_ptr_eq(ocsdf_arg_take(table, 303, "green", &v, &e), &table[5]);
	ck_assert_int_eq(v.choice, 1);
	ck_assert_int_eq(ocsdf_arg_take(table, 303, "red", &v, &e)->group, 2);
	ck_assert_int_eq(v.choice, 0);
	ck_assert_ptr_eq(ocsdf_arg_take(table, 'f', NULL, &v, &e), &table[6]);
	ck_assert_int_eq(v.set, 1);
	ocsdf_arg_take(table, 304, "some text", &v, &e);
	ck_assert_str_eq(v.text, "some text");
	ocsdf_arg_take(table, 'o', "m.model", &v, &e);
	ck_assert_str_eq(v.out, "m.model");
	ocsdf_arg_take(table, 305, "tab", &v, &e);
	ck_assert_int_eq(v.delim, '\t');
	/* Rows that store nothing, and a code without a row. */
	ck_assert_ptr_eq(ocsdf_arg_take(table, 306, "x", &v, &e), &table[10]);
	ck_assert_ptr_eq(ocsdf_arg_take(table, 'h', NULL, &v, &e), &table[9]);
	ck_assert_ptr_null(ocsdf_arg_take(table, 'q', "x", &v, &e));
	ck_assert_int_eq(e.code, 0);
	ck_assert(v.r == 1.25 && v.i == -3 && v.l == 1L << 40 && v.set == 1);
}
END_TEST

/* Refusals name the option as the user knows it: "-o" for a short
 * option, the first row's name for an alias. */
START_TEST(test_refusals)
{
	opts v = {0};
	ocsdf_error e = {0};
	ck_assert_ptr_eq(ocsdf_arg_take(table, 300, "3", &v, &e), &table[1]);
	ck_assert_int_eq(e.code, 64);
	ck_assert_ptr_nonnull(strstr(e.msg, "--real"));
	ck_assert_ptr_nonnull(strstr(e.msg, "'3'"));
	ocsdf_error_clear(&e);
	ck_assert_ptr_eq(ocsdf_arg_take(table, 301, "8", &v, &e), &table[2]);
	ck_assert_int_eq(e.code, 64);
	ck_assert_ptr_nonnull(strstr(e.msg, "--int"));
	ck_assert_ptr_nonnull(strstr(e.msg, "[-3, 7]"));
	ck_assert_ptr_null(strstr(e.msg, "--old-int"));
	ocsdf_error_clear(&e);
	ocsdf_arg_take(table, 303, "blue", &v, &e);
	ck_assert_int_eq(e.code, 64);
	ck_assert_ptr_nonnull(strstr(e.msg, "--colour"));
	ocsdf_error_clear(&e);
	ocsdf_arg_take(table, 'o', "", &v, &e);
	ck_assert_int_eq(e.code, 64);
	ck_assert_ptr_nonnull(strstr(e.msg, "-o"));
	ck_assert_ptr_null(strstr(e.msg, "--output"));
	ocsdf_error_clear(&e);
	ocsdf_arg_take(table, 302, "0", &v, &e);
	ck_assert_int_eq(e.code, 64);
	ck_assert_ptr_nonnull(strstr(e.msg, "--long"));
}
END_TEST

/* A table with the lines of --help: headings, a short option, help over
 * two lines, names past the column, a row listed on the line of the row
 * before it. */
static const ocsdf_arg_spec help_table[] = {
	OCSDF_ARG_SECTION("Files:"),
	{"output", 'o', OCSDF_ARG_OUTPUT, AT(out), 0, 0, NULL, 0, "FILE", "where to write"},
	{"flag", 310, OCSDF_ARG_SET, AT(set), 0, 0, NULL, 0, NULL, "a flag\nover two lines"},
	OCSDF_ARG_SECTION("Numbers:"),
	{"a-rather-long-name", 311, OCSDF_ARG_REAL, AT(r), 0, 1, NULL, 0, "X", "past the column"},
	{"near", 312, OCSDF_ARG_REAL, AT(r), 0, 1, NULL, 0, "A", "a pair\nof options"},
	{"far", 313, OCSDF_ARG_REAL, AT(r), 0, 1, NULL, 0, "B", NULL},
	{"help", 'h', OCSDF_ARG_NONE, 0, 0, 0, NULL, 0, NULL, "show this help"},
	{NULL, 0, OCSDF_ARG_NONE, 0, 0, 0, NULL, 0, NULL, NULL}};

/* Headings are no options: getopt_long does not see them, and no code
 * reaches them. */
START_TEST(test_headings)
{
	struct option o[sizeof help_table / sizeof *help_table];
	opts v = {0};
	ocsdf_error e = {0};
	ocsdf_arg_getopt(help_table, o);
	ck_assert_str_eq(o[0].name, "output");
	ck_assert_str_eq(o[2].name, "a-rather-long-name");
	ck_assert_str_eq(o[5].name, "help");
	ck_assert_ptr_null(o[6].name);
	ck_assert_ptr_null(ocsdf_arg_take(help_table, 0, "x", &v, &e));
	ck_assert_ptr_eq(ocsdf_arg_take(help_table, 313, "0.5", &v, &e), &help_table[6]);
	ck_assert(v.r == 0.5);
}
END_TEST

/* The text of --help: the head, the headings, each row's names and its
 * help from column 26 (two blanks at least), continuation lines from
 * column 26 too, "--far B" on the line of --near, the tail. */
START_TEST(test_usage)
{
	char *text = ocsdf_arg_usage("Usage: prog\n\n", help_table, 26, "\nExample:\n  prog\n");
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "Usage: prog\n"
			       "\n"
			       "Files:\n"
			       "  -o, --output FILE       where to write\n"
			       "      --flag              a flag\n"
			       "                          over two lines\n"
			       "Numbers:\n"
			       "      --a-rather-long-name X  past the column\n"
			       "      --near A, --far B   a pair\n"
			       "                          of options\n"
			       "  -h, --help              show this help\n"
			       "\n"
			       "Example:\n"
			       "  prog\n");
	free(text);
	text = ocsdf_arg_usage("", help_table + 7, 26, "");
	ck_assert_str_eq(text, "  -h, --help              show this help\n");
	free(text);
}
END_TEST

/* An option with two forms of its value in --help: a line each, and one
 * entry for getopt_long, read by its first row. */
static const ocsdf_arg_spec forms_table[] = {
	{"box", 320, OCSDF_ARG_OWN, 0, 0, 0, NULL, 0, "K", "K deviations"},
	{"box", 320, OCSDF_ARG_OWN, 0, 0, 0, NULL, 0, "LIST", "bounds"},
	{"dense", 321, OCSDF_ARG_SET, AT(set), 0, 0, NULL, 0, NULL, "every point"},
	{NULL, 0, OCSDF_ARG_NONE, 0, 0, 0, NULL, 0, NULL, NULL}};

START_TEST(test_forms)
{
	struct option o[sizeof forms_table / sizeof *forms_table];
	opts v = {0};
	ocsdf_error e = {0};
	char *text = ocsdf_arg_usage("", forms_table, 18, "");
	ocsdf_arg_getopt(forms_table, o);
	ck_assert_str_eq(o[0].name, "box");
	ck_assert_int_eq(o[0].has_arg, required_argument);
	ck_assert_str_eq(o[1].name, "dense");
	ck_assert_ptr_null(o[2].name);
	ck_assert_ptr_eq(ocsdf_arg_take(forms_table, 320, "2", &v, &e), &forms_table[0]);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "      --box K     K deviations\n"
			       "      --box LIST  bounds\n"
			       "      --dense     every point\n");
	free(text);
}
END_TEST

/* A parse that reads nothing: the action is the test's. */
static int parse_action(int argc, char **argv, void *ctx, ocsdf_error *e)
{
	(void)argc, (void)argv, (void)ctx;
	ocsdf_error_clear(e);
	return 0;
}

/* The start of a program: its --help written from the table on standard
 * output and the status 0; -1 for a run. */
START_TEST(test_start)
{
	char prog[] = "prog", *argv[] = {prog, NULL}, text[256] = "";
	int help = OCSDF_CLI_HELP, run = OCSDF_CLI_RUN;
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	setenv("OPENBLAS_CORETYPE", "Haswell", 0);  /* no second run of the test */
	ck_assert_int_eq(ocsdf_arg_start(1, argv, parse_action, &run, &run, "", help_table, 26, ""), -1);
	fflush(stdout);
	ck_assert_int_ge(dup2(fileno(f), STDOUT_FILENO), 0);
	ck_assert_int_eq(ocsdf_arg_start(1, argv, parse_action, &help, &help, "Usage: prog\n", help_table + 7, 26,
					 "end\n"), 0);
	rewind(f);
	ck_assert_uint_gt(fread(text, 1, sizeof text - 1, f), 0);
	ck_assert_str_eq(text, "Usage: prog\n  -h, --help              show this help\nend\n");
	fclose(f);
}
END_TEST

/* Options of the kinds and forms that a second table adds: a seed, an
 * open-ended real, a short option with a value, one the program reads. */
typedef struct more {
	uint64_t seed;
	double above;
	long n;
	int set, owned, last;
	int action;
} more;

#define AT2(f) offsetof(more, f)
static const ocsdf_arg_spec more_table[] = {
	{"seed", 320, OCSDF_ARG_SEED, AT2(seed), 0, 0, NULL, 0, "N", "a seed"},
	{"above", 321, OCSDF_ARG_REAL_ABOVE, AT2(above), 0, 1, NULL, 0, "X", "\nunder the names\nand on"},
	{"count", 'n', OCSDF_ARG_LONG, AT2(n), 1, 9, NULL, 0, "N", "a count"},
	{"flag", 'f', OCSDF_ARG_SET, AT2(set), 0, 0, NULL, 0, NULL, "a flag"},
	{"own", 322, OCSDF_ARG_OWN, 0, 0, 0, NULL, 0, "V", "the program's"},
	{NULL, 0, OCSDF_ARG_NONE, 0, 0, 0, NULL, 0, NULL, NULL}};

/* The program's part of an option: counts the options of the own row,
 * notes the code of the last. */
static void own_part(void *base, const ocsdf_arg_spec *r, int c, ocsdf_error *e)
{
	more *m = base;
	(void)e;
	m->owned += r && r->kind == OCSDF_ARG_OWN;
	m->last = c;
}

/* A command line read through the table: short options with and without
 * a value from its rows, every value stored, the program's part called
 * for each, the operands left from optind; refusals of the new kinds. */
START_TEST(test_parse)
{
	char a0[] = "prog", a1[] = "-fn3", a2[] = "--seed=9223372036854775807", a3[] = "--above", a4[] = "0.5",
	     a5[] = "--own=x", a6[] = "file", *argv[] = {a0, a1, a2, a3, a4, a5, a6, NULL};
	more m = {0};
	ocsdf_error e;
	optind = 0;
	ck_assert_int_eq(ocsdf_arg_parse(7, argv, more_table, &m, own_part, &m.action, &e), 0);
	ck_assert_int_eq(m.action, OCSDF_CLI_RUN);
	ck_assert(m.set == 1 && m.n == 3 && m.above == 0.5 && m.seed == UINT64_C(9223372036854775807));
	ck_assert_int_eq(m.owned, 1);
	ck_assert_int_eq(m.last, 322);
	ck_assert_int_eq(optind, 6);
	ocsdf_arg_take(more_table, 321, "0", &m, &e);
	ck_assert_int_eq(e.code, 64);
	ck_assert_ptr_nonnull(strstr(e.msg, "> 0"));
	ocsdf_error_clear(&e);
	ocsdf_arg_take(more_table, 320, "-1", &m, &e);
	ck_assert_int_eq(e.code, 64);
	ck_assert_ptr_nonnull(strstr(e.msg, "--seed"));
	ocsdf_error_clear(&e);
	/* -x is no short option of the table, and -n needs a value. */
	char b1[] = "-x", *bad[] = {a0, b1, NULL}, c1[] = "-n", *novalue[] = {a0, c1, NULL};
	optind = 0;
	ck_assert_int_eq(ocsdf_arg_parse(2, bad, more_table, &m, NULL, &m.action, &e), 64);
	ck_assert_str_eq(e.msg, "unknown option -x");
	optind = 0;
	ck_assert_int_eq(ocsdf_arg_parse(2, novalue, more_table, &m, NULL, &m.action, &e), 64);
	ck_assert_str_eq(e.msg, "option -n requires an argument");
}
END_TEST

/* Help that starts with an empty line goes under the names, every line
 * from the column; other help past the column two blanks after them. */
START_TEST(test_usage_under)
{
	char *text = ocsdf_arg_usage("", more_table + 1, 12, "");
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "      --above X\n"
			       "            under the names\n"
			       "            and on\n"
			       "  -n, --count N  a count\n"
			       "  -f, --flag  a flag\n"
			       "      --own V  the program's\n");
	free(text);
}
END_TEST

/* A run asked to stop (SIGINT) saves a checkpoint; a second SIGINT while
 * it is written ends the program at once, and the half-written temporary
 * beside the target goes with it (it once stayed: the second signal took
 * the default action). */
START_TEST(test_second_signal)
{
	char dir[] = "/tmp/test_argtab.XXXXXX", path[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/model", dir);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		ocsdf_output o;
		ocsdf_error e;
		volatile sig_atomic_t *stop = ocsdf_stop_on_signals();
		if (ocsdf_output_open(&o, path, 0, &e) != 0)
			_exit(3);
		fputs("half a checkpoint", o.fp);
		fflush(o.fp);
		raise(SIGINT);
		if (!*stop)
			_exit(4);
		raise(SIGINT);
		_exit(5);
	}
	int status, left = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT, "status %d", status);
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	for (struct dirent *de; (de = readdir(d));)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			char p[300];
			snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
			unlink(p);
			left++;
		}
	closedir(d);
	rmdir(dir);
	ck_assert_int_eq(left, 0);
}
END_TEST

static Suite *argtab_suite(void)
{
	Suite *s = suite_create("argtab");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_getopt_array);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_headings);
	tcase_add_test(tc, test_usage);
	tcase_add_test(tc, test_forms);
	tcase_add_test(tc, test_start);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_usage_under);
	tcase_add_test(tc, test_second_signal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(argtab_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
