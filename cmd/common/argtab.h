/*
 * argtab.h: a program's options as a table, one row each: its long name,
 * getopt_long's code, how its value is read and the field it fills.  The
 * table gives getopt_long its struct option array and reads every value
 * through the checkers of cli.h (ocsdf_arg_*), which return a message, so
 * a program states each option once and reads none by hand.  A row also
 * carries its lines of --help, which the table writes in its order under
 * its headings.  Program support, as cli.h: linked into the programs, not
 * part of libocsdf.a.
 */
#ifndef OCSDF_ARGTAB_H
#define OCSDF_ARGTAB_H

#include <getopt.h>
#include <stddef.h>

#include "errors.h"

/* How a row's value is read, and the type of the field it fills. */
typedef enum ocsdf_arg_kind {
	OCSDF_ARG_NONE,      /* no value, no field: -h, -V, or the program's own */
	OCSDF_ARG_SET,       /* no value: the int field set to 1 */
	OCSDF_ARG_OWN,       /* a value that the program reads itself */
	OCSDF_ARG_TEXT,      /* const char *: the value as given */
	OCSDF_ARG_OUTPUT,    /* const char *: a file name (ocsdf_arg_output) */
	OCSDF_ARG_DELIMITER, /* char (ocsdf_arg_delimiter) */
	OCSDF_ARG_REAL,      /* double in [lo, hi] (ocsdf_arg_double) */
	OCSDF_ARG_REAL_ABOVE,   /* double in (lo, hi], */
	OCSDF_ARG_REAL_BELOW,   /* [lo, hi), */
	OCSDF_ARG_REAL_BETWEEN, /* (lo, hi): ocsdf_arg_double_open's open ends */
	OCSDF_ARG_INT,       /* int in [lo, hi] (ocsdf_arg_long) */
	OCSDF_ARG_LONG,      /* long in [lo, hi] (ocsdf_arg_long) */
	OCSDF_ARG_SEED,      /* uint64_t in [0, 2^63 - 1]: a random seed */
	OCSDF_ARG_CHOICE,    /* int: the index of the value in choices */
	OCSDF_ARG_HEADING    /* no option: a heading of --help, its help */
} ocsdf_arg_kind;

/* One option.  A table ends with a row whose name is NULL.  Rows of one
 * code are aliases: the first of them reads the value and names the
 * option in messages ("-c" for a short option's letter c, else "--name").
 * A row with the name of the row before shows another form of its value
 * in --help ("--box K", then "--box LIST"); getopt_long gets it once. */
typedef struct ocsdf_arg_spec {
	const char *name;             /* long name, without "--" */
	int code;                     /* a short option's letter, or >= 256 */
	ocsdf_arg_kind kind;
	size_t at;                    /* offset of the field in the options */
	double lo, hi;                /* a number's range; integers below 2^53 */
	const char *const *choices;   /* NULL-terminated, for a choice */
	int group;                    /* the program's own mark, 0 for none */
	const char *arg;              /* the value's name in --help, or NULL */
	const char *help;             /* its lines in --help, '\n' between them;
	                               * NULL: listed on the line of the row
	                               * before ("--near A, --far B"); a
	                               * first line empty: all of them under
	                               * the names, from the column on */
} ocsdf_arg_spec;

/* A row that heads the rows after it in --help with the line text. */
#define OCSDF_ARG_SECTION(text) {.name = "", .kind = OCSDF_ARG_HEADING, .help = (text)}
/* The heading of the old names of options, which the rows of their codes
 * above read. */
#define OCSDF_ARG_OLD_NAMES OCSDF_ARG_SECTION("Old names, accepted until version 0.2:")
/* Rows of a table over a program's struct named options: a number in
 * [lo, hi] (or a value of another kind) into field, group the program's
 * mark; a value or flag into field; a choice into field; a row without
 * field.  arg and help as above. */
#define OCSDF_ARG_NUM(name, code, kind, field, lo, hi, group, arg, help) \
	{name, code, kind, offsetof(options, field), lo, hi, NULL, group, arg, help}
#define OCSDF_ARG_ROW(name, code, kind, field, arg, help) OCSDF_ARG_NUM(name, code, kind, field, 0, 0, 0, arg, help)
#define OCSDF_ARG_ONE_OF(name, code, field, choices, group, arg, help) \
	{name, code, OCSDF_ARG_CHOICE, offsetof(options, field), 0, 0, choices, group, arg, help}
#define OCSDF_ARG_BARE(name, code, kind, arg, help) {name, code, kind, 0, 0, 0, NULL, 0, arg, help}
/* -h and -V, as every program shows them; the row that ends a table. */
#define OCSDF_ARG_HELP_ROWS \
	OCSDF_ARG_BARE("help", 'h', OCSDF_ARG_NONE, NULL, "show this help"), \
	OCSDF_ARG_BARE("version", 'V', OCSDF_ARG_NONE, NULL, "show the version")
#define OCSDF_ARG_END OCSDF_ARG_BARE(NULL, 0, OCSDF_ARG_NONE, NULL, NULL)

/* Fills opts for getopt_long, an entry per option row of t (headings
 * and the repeats of a name left out), the end row included (an array of the table's size
 * suffices): each with a value unless the row is NONE or SET, and the
 * zero end. */
void ocsdf_arg_getopt(const ocsdf_arg_spec *t, struct option *opts);
/* Reads arg, the value of option c, into the options at base as the first
 * row of c in t says.  Returns that row (e set, code 64 and a message
 * that names the option, if the value is refused), or NULL if c has no
 * row (e untouched). */
const ocsdf_arg_spec *ocsdf_arg_take(const ocsdf_arg_spec *t, int c, const char *arg, void *base,
				     ocsdf_error *e);
/* ocsdf_arg_read (cli.h) with getopt_long's short and long options made
 * from t: each option's value read into the options at base as its row
 * says (ocsdf_arg_take), then, if own is not NULL, own(base, its row or
 * NULL, its code, e) for what the program does itself.  Returns 0 (*action
 * set as ocsdf_arg_read sets it, optind at the first operand), or 64 with
 * e set. */
int ocsdf_arg_parse(int argc, char **argv, const ocsdf_arg_spec *t, void *base,
		    void (*own)(void *base, const ocsdf_arg_spec *r, int c, ocsdf_error *e), int *action,
		    ocsdf_error *e);
/* The text of --help: head, then a line for each heading of t and lines
 * for each row with help: "  -c, --name ARG" (or "      --name ARG" past
 * the short options), ", --name ARG" for each row after it without help,
 * then its help's lines, the first two blanks on at least, all from
 * column on; then tail.  Returns a string to free, or NULL out of
 * memory. */
char *ocsdf_arg_usage(const char *head, const ocsdf_arg_spec *t, int column, const char *tail);
/* ocsdf_cli_start (cli.h) with the --help of ocsdf_arg_usage(head, t,
 * column, tail): the exit status of --help or --version, or -1 to go on
 * with the run. */
int ocsdf_arg_start(int argc, char **argv, int (*parse)(int argc, char **argv, void *ctx, ocsdf_error *e),
		    void *ctx, const int *action, const char *head, const ocsdf_arg_spec *t, int column,
		    const char *tail);

#endif
