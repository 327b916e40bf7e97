/*
 * argtab.h: a program's options as a table, one row each: its long name,
 * getopt_long's code, how its value is read and the field it fills.  The
 * table gives getopt_long its struct option array and reads every value
 * through the checkers of cli.h (ocsdf_arg_*), which return a message, so
 * a program states each option once and reads none by hand.  Program
 * support, as cli.h: linked into the programs, not part of libocsdf.a.
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
	OCSDF_ARG_INT,       /* int in [lo, hi] (ocsdf_arg_long) */
	OCSDF_ARG_LONG,      /* long in [lo, hi] (ocsdf_arg_long) */
	OCSDF_ARG_CHOICE     /* int: the index of the value in choices */
} ocsdf_arg_kind;

/* One option.  A table ends with a row whose name is NULL.  Rows of one
 * code are aliases: the first of them reads the value and names the
 * option in messages ("-c" for a short option's letter c, else "--name"). */
typedef struct ocsdf_arg_spec {
	const char *name;             /* long name, without "--" */
	int code;                     /* a short option's letter, or >= 256 */
	ocsdf_arg_kind kind;
	size_t at;                    /* offset of the field in the options */
	double lo, hi;                /* a number's range; integers below 2^53 */
	const char *const *choices;   /* NULL-terminated, for a choice */
	int group;                    /* the program's own mark, 0 for none */
} ocsdf_arg_spec;

/* Fills opts for getopt_long, an entry per row of t, the end row
 * included (an array of the table's size): each with a value unless the
 * row is NONE or SET, and the zero end. */
void ocsdf_arg_getopt(const ocsdf_arg_spec *t, struct option *opts);
/* Reads arg, the value of option c, into the options at base as the first
 * row of c in t says.  Returns that row (e set, code 64 and a message
 * that names the option, if the value is refused), or NULL if c has no
 * row (e untouched). */
const ocsdf_arg_spec *ocsdf_arg_take(const ocsdf_arg_spec *t, int c, const char *arg, void *base,
				     ocsdf_error *e);

#endif
