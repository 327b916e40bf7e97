/* argtab.c: options read from a table of rows (see argtab.h). */
#include "argtab.h"

#include <stdio.h>

#include "cli.h"

void ocsdf_arg_getopt(const ocsdf_arg_spec *t, struct option *opts)
{
	for (; t->name; t++, opts++) {
		int plain = t->kind == OCSDF_ARG_NONE || t->kind == OCSDF_ARG_SET;
		*opts = (struct option){t->name, plain ? no_argument : required_argument, NULL, t->code};
	}
	*opts = (struct option){0, 0, 0, 0};
}

/* Stores arg into the field at p as row r's kind says, e set if refused
 * (opt: the option's name in the message). */
static void store(const ocsdf_arg_spec *r, const char *opt, const char *arg, char *p, ocsdf_error *e)
{
	switch (r->kind) {
	case OCSDF_ARG_SET: *(int *)p = 1; break;
	case OCSDF_ARG_TEXT: *(const char **)p = arg; break;
	case OCSDF_ARG_OUTPUT: *(const char **)p = ocsdf_arg_output(e, opt, arg); break;
	case OCSDF_ARG_DELIMITER: *p = ocsdf_arg_delimiter(e, opt, arg); break;
	case OCSDF_ARG_REAL: *(double *)p = ocsdf_arg_double(e, opt, arg, r->lo, r->hi); break;
	case OCSDF_ARG_INT: *(int *)p = (int)ocsdf_arg_long(e, opt, arg, (long)r->lo, (long)r->hi); break;
	case OCSDF_ARG_LONG: *(long *)p = ocsdf_arg_long(e, opt, arg, (long)r->lo, (long)r->hi); break;
	case OCSDF_ARG_CHOICE: *(int *)p = ocsdf_arg_choice(e, opt, arg, r->choices); break;
	case OCSDF_ARG_NONE:
	case OCSDF_ARG_OWN: break;
	}
}

const ocsdf_arg_spec *ocsdf_arg_take(const ocsdf_arg_spec *t, int c, const char *arg, void *base,
				     ocsdf_error *e)
{
	char opt[64];
	for (; t->name; t++)
		if (t->code == c)
			break;
	if (!t->name)
		return NULL;
	if (c < 256)
		snprintf(opt, sizeof opt, "-%c", c);
	else
		snprintf(opt, sizeof opt, "--%s", t->name);
	store(t, opt, arg, (char *)base + t->at, e);
	return t;
}
