/* argtab.c: options read from a table of rows (see argtab.h). */
#include "argtab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void ocsdf_arg_getopt(const ocsdf_arg_spec *t, struct option *opts)
{
	for (const ocsdf_arg_spec *first = t; t->name; t++) {
		int plain = t->kind == OCSDF_ARG_NONE || t->kind == OCSDF_ARG_SET;
		int again = t > first && strcmp(t->name, t[-1].name) == 0;
		if (t->kind != OCSDF_ARG_HEADING && !again)
			*opts++ = (struct option){t->name, plain ? no_argument : required_argument, NULL, t->code};
	}
	*opts = (struct option){0, 0, 0, 0};
}

_Static_assert(OCSDF_ARG_REAL_ABOVE - OCSDF_ARG_REAL == OCSDF_ARG_ABOVE &&
	       OCSDF_ARG_REAL_BETWEEN - OCSDF_ARG_REAL == OCSDF_ARG_BETWEEN, "the open ends in cli.h's order");

/* Stores arg into the field at p as row r's kind says, e set if refused
 * (opt: the option's name in the message). */
static void store(const ocsdf_arg_spec *r, const char *opt, const char *arg, char *p, ocsdf_error *e)
{
	switch (r->kind) {
	case OCSDF_ARG_SET: *(int *)p = 1; break;
	case OCSDF_ARG_TEXT: *(const char **)p = arg; break;
	case OCSDF_ARG_OUTPUT: *(const char **)p = ocsdf_arg_output(e, opt, arg); break;
	case OCSDF_ARG_DELIMITER: *p = ocsdf_arg_delimiter(e, opt, arg); break;
	case OCSDF_ARG_REAL:
	case OCSDF_ARG_REAL_ABOVE:
	case OCSDF_ARG_REAL_BELOW:
	case OCSDF_ARG_REAL_BETWEEN:
		*(double *)p = ocsdf_arg_double_open(e, opt, arg, r->lo, r->hi, (int)(r->kind - OCSDF_ARG_REAL));
		break;
	case OCSDF_ARG_INT: *(int *)p = (int)ocsdf_arg_long(e, opt, arg, (long)r->lo, (long)r->hi); break;
	case OCSDF_ARG_LONG: *(long *)p = ocsdf_arg_long(e, opt, arg, (long)r->lo, (long)r->hi); break;
	case OCSDF_ARG_SEED: *(uint64_t *)p = (uint64_t)ocsdf_arg_long(e, opt, arg, 0, INT64_MAX); break;
	case OCSDF_ARG_CHOICE: *(int *)p = ocsdf_arg_choice(e, opt, arg, r->choices); break;
	case OCSDF_ARG_NONE:
	case OCSDF_ARG_OWN:
	case OCSDF_ARG_HEADING: break;
	}
}

const ocsdf_arg_spec *ocsdf_arg_take(const ocsdf_arg_spec *t, int c, const char *arg, void *base,
				     ocsdf_error *e)
{
	char opt[64];
	for (; t->name; t++)
		if (t->code == c && t->kind != OCSDF_ARG_HEADING)
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

/* What a program's options need, for take_row. */
typedef struct reading {
	const ocsdf_arg_spec *t;
	void *base;
	void (*own)(void *base, const ocsdf_arg_spec *r, int c, ocsdf_error *e);
} reading;

/* Takes option c (getopt_long's optarg its value) as ocsdf_arg_parse
 * says: the row's value, then the program's own. */
static void take_row(void *ctx, int c, ocsdf_error *e)
{
	reading *rd = ctx;
	const ocsdf_arg_spec *r = ocsdf_arg_take(rd->t, c, optarg, rd->base, e);
	if (rd->own)
		rd->own(rd->base, r, c, e);
}

int ocsdf_arg_parse(int argc, char **argv, const ocsdf_arg_spec *t, void *base,
		    void (*own)(void *base, const ocsdf_arg_spec *r, int c, ocsdf_error *e), int *action,
		    ocsdf_error *e)
{
	reading rd = {t, base, own};
	size_t n = 1;
	struct option *opts;
	char *shorts, *p;
	int rc;
	for (const ocsdf_arg_spec *s = t; s->name; s++)
		n++;
	opts = ocsdf_xmalloc(n * sizeof *opts);
	shorts = p = ocsdf_xmalloc(2 * n + 1);
	ocsdf_arg_getopt(t, opts);
	*p++ = ':';
	for (const struct option *o = opts; o->name; o++)
		if (o->val < 256)
			p += sprintf(p, "%c%s", o->val, o->has_arg ? ":" : "");
	*p = '\0';
	rc = ocsdf_arg_read(argc, argv, shorts, opts, take_row, &rd, action, e);
	free(opts);
	free(shorts);
	return rc;
}

/* Writes to f the names of row r and of the rows after it without help,
 * "  -o, --output MODEL, --other ARG".  Returns their width in bytes. */
static int put_names(FILE *f, const ocsdf_arg_spec *r)
{
	int w = r->code < 256 ? fprintf(f, "  -%c, ", r->code) : fprintf(f, "%6s", "");
	for (const ocsdf_arg_spec *s = r; s->name && (s == r || !s->help); s++)
		w += fprintf(f, "%s--%s%s%s", s == r ? "" : ", ", s->name, s->arg ? " " : "", s->arg ? s->arg : "");
	return w;
}

/* Writes to f the lines of text, the first after pad blanks (none if it
 * is empty), the others after column blanks. */
static void put_lines(FILE *f, const char *text, int pad, int column)
{
	for (;;) {
		size_t n = strcspn(text, "\n");
		fprintf(f, "%*s%.*s\n", n ? pad : 0, "", (int)n, text);
		if (!text[n])
			return;
		text += n + 1;
		pad = column;
	}
}

char *ocsdf_arg_usage(const char *head, const ocsdf_arg_spec *t, int column, const char *tail)
{
	char *text = NULL;
	size_t len;
	int bad;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fputs(head, f);
	for (; t->name; t++) {
		if (t->kind == OCSDF_ARG_HEADING) {
			fprintf(f, "%s\n", t->help);
		} else if (t->help) {
			int w = put_names(f, t);
			put_lines(f, t->help, w + 2 > column ? 2 : column - w, column);
		}
	}
	fputs(tail, f);
	bad = ferror(f);
	if (fclose(f) || bad) {
		free(text);
		return NULL;
	}
	return text;
}

int ocsdf_arg_start(int argc, char **argv, int (*parse)(int argc, char **argv, void *ctx, ocsdf_error *e),
		    void *ctx, const int *action, const char *head, const ocsdf_arg_spec *t, int column,
		    const char *tail)
{
	char *usage = ocsdf_xcheck(ocsdf_arg_usage(head, t, column, tail));
	int status = ocsdf_cli_start(argc, argv, parse, ctx, action, usage);
	free(usage);
	return status;
}
