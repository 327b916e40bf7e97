/* score_stream.c: a CSV stream scored by a model, block by block (see
 * score_stream.h). */
#include "score_stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "label.h"
#include "score.h"
#include "text.h"

/* Rows read, scored and written at a time. */
enum { BLOCK = 4096 };

static const char raw_suffix[] = OCSDF_SCORE_RAW_SUFFIX;

struct ocsdf_score_stream {
	const ocsdf_model *m;
	const ocsdf_score_stream_params *p;
	ocsdf_csv_reader *r;
	char **names;             /* output columns: the score, one per radius, and */
	int ncols;                /* with decide the decision and its radius */
	ocsdf_scorer *sc;
	ocsdf_attack *atk;
	/* One buffer: BLOCK scores, BLOCK attacked scores per radius, BLOCK
	 * directions of attack (+1 anomaly, -1 normal). */
	float *f, *adv;
	signed char *push;
	double scale;             /* of the scores written */
	char delim;               /* between the fields written */
	int lcol;                 /* the label column */
	int cols[];               /* the model's features in the input */
};

void ocsdf_score_stream_default_params(ocsdf_score_stream_params *p)
{
	*p = (ocsdf_score_stream_params){.column = "sdf", .anomaly = "1", .normal = "0", .ap = {20, 3, 1}};
}

int ocsdf_score_stream_check_params(const ocsdf_score_stream_params *p, ocsdf_error *e)
{
	if (!*p->column)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--score needs a non-empty name");
	if (!p->raw_units && (ocsdf_score_name_is_raw(p->column) ||
			      (p->attack_column && ocsdf_score_name_is_raw(p->attack_column))))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "a name ending in %s says raw units: it needs --units raw",
				       raw_suffix);
	return ocsdf_csv_check_names(p->columns != NULL, p->header, e);
}

int ocsdf_score_stream_check_attack(const ocsdf_score_stream_params *p, ocsdf_error *e)
{
	if (!p->radius)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--attack needs radii (--radius LIST, raw input units)");
	if (!p->label_col)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--attack needs the label column (--label COL): it says which "
				       "way to push each row");
	if (p->attack_column && !*p->attack_column)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--attack-column needs a non-empty name");
	if (ocsdf_label_check_values(p->anomaly, p->normal, e))
		return OCSDF_EUSAGE;
	for (int k = 0; k < p->nrad; k++)
		for (int j = 0; j < k; j++)
			if (p->radius[j] == p->radius[k])
				return ocsdf_error_set(e, OCSDF_EUSAGE, "radius %g is listed twice in --radius",
						       p->radius[k]);
	return 0;
}

static int no_memory(ocsdf_error *e)
{
	return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
}

/* Opens the input; without a header, the model's features come first, in
 * its order (or as p->columns names them).  0, or the reader's code or 65
 * for too few fields, with e set. */
static int open_input(ocsdf_score_stream *s, const char *path, const char *model_path, ocsdf_error *e)
{
	const ocsdf_score_stream_params *p = s->p;
	ocsdf_csv_options copt = {p->delimiter, p->header, (const char *const *)p->columns, p->ncolumns};
	char what[32 + OCSDF_ERROR_MAX / 2];
	int rc;
	snprintf(what, sizeof what, "model %s", model_path);
	if ((rc = ocsdf_csv_open_features(path, &copt, (const char *const *)s->m->names, s->m->arch.d, what,
					  &s->r, e)))
		return rc;
	s->delim = ocsdf_csv_delimiter(s->r);
	return 0;
}

/* Where the model's features are in the input, and with an attack the
 * label column, which must not be one of them.  0, or 64, 65 or 70 with e
 * set. */
static int find_columns(ocsdf_score_stream *s, const char *model_path, ocsdf_error *e)
{
	const ocsdf_model *m = s->m;
	char what[64 + OCSDF_ERROR_MAX / 2];
	int rc;
	snprintf(what, sizeof what, "a feature of model %s", model_path);
	for (int j = 0; j < m->arch.d; j++)
		if ((rc = ocsdf_csv_find_name(s->r, m->names[j], what, &s->cols[j], e)))
			return rc;
	if (!s->p->attack)
		return 0;
	if ((rc = ocsdf_csv_find(s->r, s->p->label_col, &s->lcol, e)))
		return rc;
	for (int j = 0; j < m->arch.d; j++)
		if (s->cols[j] == s->lcol)
			return ocsdf_error_set(e, OCSDF_EUSAGE, "--label names '%s', a feature column of the model",
					       m->names[j]);
	return 0;
}

/* The length of a column name given, without its suffix of raw units. */
static size_t base_len(const char *name)
{
	return strlen(name) - (ocsdf_score_name_is_raw(name) ? sizeof raw_suffix - 1 : 0);
}

/* Appends a new name to s->names: the first plen bytes of prefix, then a,
 * b and c.  0, or 70 with e set. */
static int add_name(ocsdf_score_stream *s, const char *prefix, size_t plen, const char *a, const char *b,
		    const char *c, ocsdf_error *e)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *n = malloc(plen + la + lb + lc + 1);
	if (!n)
		return no_memory(e);
	memcpy(n, prefix, plen);
	memcpy(n + plen, a, la);
	memcpy(n + plen + la, b, lb);
	memcpy(n + plen + la + lb, c, lc + 1);
	s->names[s->ncols++] = n;
	return 0;
}

/* The name of the attacked column of radius k (of nrad). */
static int add_attack_name(ocsdf_score_stream *s, int k, ocsdf_error *e)
{
	const ocsdf_score_stream_params *p = s->p;
	const char *u = p->raw_units ? raw_suffix : "", *a = p->attack_column;
	const char *sep = p->nrad == 1 ? "" : "_";
	char rb[OCSDF_TEXT_NUMBER_MAX];
	/* The shortest text: the column name says exactly which radius. */
	ocsdf_text_number(rb, sizeof rb, p->radius[k], 1);
	if (p->nrad == 1)
		rb[0] = '\0';
	if (a)
		return add_name(s, a, base_len(a), sep, rb, u, e);
	return add_name(s, p->column, base_len(p->column), p->nrad == 1 ? "_pgd" : "_pgd_", rb, u, e);
}

/* 0 if the name of output column k is free, else 64 with e set: taken by
 * an input column (when the input passes through; the hint names
 * --attack-column for an attacked column) or by an output column before
 * it. */
static int check_name(const ocsdf_score_stream *s, int k, ocsdf_error *e)
{
	const char *name = s->names[k];
	char b[64];
	if (!s->p->only && ocsdf_csv_has_header(s->r))
		for (int j = 0; j < ocsdf_csv_ncols(s->r); j++)
			if (strcmp(ocsdf_csv_colname(s->r, j), name) == 0)
				return ocsdf_error_set(e, OCSDF_EUSAGE, "%s: a column named '%s' exists already; name "
						       "the score with --score%s", ocsdf_csv_filename(s->r),
						       ocsdf_text_shown(name, b, sizeof b),
						       k >= 1 && k <= s->p->nrad ? " or --attack-column" : "");
	for (int j = 0; j < k; j++)
		if (strcmp(s->names[j], name) == 0)
			return ocsdf_error_set(e, OCSDF_EUSAGE, "two output columns would be named '%s'",
					       ocsdf_text_shown(name, b, sizeof b));
	return 0;
}

/* The output columns: the score, then one per radius, then the decision
 * and its radius.  A column in raw units ends in _raw (the name given
 * without it gets it).  0, or 64 or 70 with e set. */
static int name_columns(ocsdf_score_stream *s, ocsdf_error *e)
{
	const ocsdf_score_stream_params *p = s->p;
	size_t blen = base_len(p->column);
	int rc = 0;
	if (!(s->names = calloc((size_t)p->nrad + 3, sizeof *s->names)))
		return no_memory(e);
	rc = add_name(s, p->column, blen, p->raw_units ? raw_suffix : "", "", "", e);
	for (int k = 0; !rc && k < p->nrad; k++)
		rc = add_attack_name(s, k, e);
	if (!rc && p->decide && !(rc = add_name(s, p->column, blen, "_flagged", "", "", e)))
		rc = add_name(s, p->column, blen, "_radius", raw_suffix, "", e);
	for (int k = 0; !rc && k < s->ncols; k++)
		rc = check_name(s, k, e);
	return rc;
}

/* The columns read, the scorer and the attack with their buffers.  0, or
 * 70 with e set. */
static int prepare(ocsdf_score_stream *s, ocsdf_error *e)
{
	const ocsdf_score_stream_params *p = s->p;
	int rc;
	if ((rc = ocsdf_csv_select(s->r, s->cols, s->m->arch.d, p->attack ? &s->lcol : NULL, p->attack, !p->only, e)))
		return rc;
	ocsdf_csv_check_scale(s->r, s->m->mean, s->m->std);
	if (!(s->sc = ocsdf_scorer_new(s->m, BLOCK)) ||
	    !(s->f = malloc(sizeof(float) * BLOCK * (1 + (size_t)p->nrad) + BLOCK)))
		return no_memory(e);
	s->adv = s->f + BLOCK;
	s->push = (signed char *)(s->adv + (size_t)BLOCK * (size_t)p->nrad);
	if (p->attack && !(s->atk = ocsdf_attack_new(s->m, s->sc, BLOCK)))
		return no_memory(e);
	return 0;
}

/* The attack before the scorer it borrows; the reader last. */
void ocsdf_score_stream_close(ocsdf_score_stream *s)
{
	if (s == NULL)
		return;
	ocsdf_attack_free(s->atk);
	ocsdf_scorer_free(s->sc);
	while (s->ncols > 0)
		free(s->names[--s->ncols]);
	free(s->names);
	free(s->f);
	ocsdf_csv_close(s->r);
	free(s);
}

int ocsdf_score_stream_open(const char *path, const ocsdf_model *m, const char *model_path,
			    const ocsdf_score_stream_params *p, ocsdf_score_stream **out, ocsdf_error *e)
{
	ocsdf_score_stream *s = calloc(1, sizeof *s + sizeof(int) * (size_t)m->arch.d);
	int rc;
	*out = NULL;
	if (!s)
		return no_memory(e);
	s->m = m;
	s->p = p;
	s->lcol = -1;
	s->scale = p->raw_units ? 1.0 / m->stats.lipschitz_raw : 1.0;
	if ((rc = open_input(s, path, model_path, e)) || (rc = find_columns(s, model_path, e)) ||
	    (rc = name_columns(s, e)) || (rc = prepare(s, e))) {
		ocsdf_score_stream_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* The input's header (unless only), then the new columns; nothing for an
 * input without a header. */
static void write_header(const ocsdf_score_stream *s, FILE *fp)
{
	if (!ocsdf_csv_has_header(s->r))
		return;
	if (!s->p->only) {
		size_t len;
		const char *h = ocsdf_csv_header_raw(s->r, &len);
		fwrite(h, 1, len, fp);
		fputc(s->delim, fp);
	}
	for (int k = 0; k < s->ncols; k++) {
		if (k)
			fputc(s->delim, fp);
		ocsdf_csv_put_field_delim(fp, s->names[k], strlen(s->names[k]), s->delim);
	}
	fputc('\n', fp);
}

/* The directions of attack of the rows of b, from their labels: 0, or 65
 * with e set for a label that names no class. */
static int read_pushes(ocsdf_score_stream *s, const ocsdf_csv_block *b, ocsdf_error *e)
{
	for (int i = 0; i < b->nrows; i++) {
		int anom = ocsdf_label_class(b->text[i], s->p->anomaly, s->p->normal, ocsdf_csv_filename(s->r),
					     b->line[i], ocsdf_csv_colname(s->r, s->lcol), e);
		if (anom < 0)
			return OCSDF_EDATA;
		s->push[i] = anom ? 1 : -1;
	}
	return 0;
}

/* Row i of the block just scored: its new fields.  The decision is 1 for
 * a score (model units) below 0, with the radius in raw input units within
 * which it cannot flip: its distance to the level 0 over the Lipschitz
 * constant. */
static void write_fields(const ocsdf_score_stream *s, FILE *fp, int i)
{
	const ocsdf_score_stream_params *p = s->p;
	ocsdf_csv_put_float(fp, (float)(s->f[i] * s->scale));
	for (int k = 0; k < p->nrad; k++) {
		fputc(s->delim, fp);
		ocsdf_csv_put_float(fp, (float)(s->adv[(size_t)k * BLOCK + i] * s->scale));
	}
	if (p->decide) {
		fputc(s->delim, fp);
		fputc(s->f[i] < 0 ? '1' : '0', fp);
		fputc(s->delim, fp);
		ocsdf_csv_put_float(fp, (float)(fabs(s->f[i]) / s->m->stats.lipschitz_raw));
	}
}

/* Scores a block of rows (and attacks them at each radius: rows before it
 * were first) and writes them.  0, or 65 with e set. */
static int score_block(ocsdf_score_stream *s, FILE *fp, const ocsdf_csv_block *b, unsigned long long first,
		       ocsdf_error *e)
{
	const ocsdf_score_stream_params *p = s->p;
	if (p->attack && read_pushes(s, b, e))
		return OCSDF_EDATA;
	ocsdf_scorer_run(s->sc, b->num, b->nrows, s->f);
	for (int k = 0; k < p->nrad; k++)
		ocsdf_attack_pgd(s->atk, b->num, s->push, b->nrows, p->radius[k], &p->ap, first,
				 s->adv + (size_t)k * BLOCK, NULL);
	for (int i = 0; i < b->nrows; i++) {
		if (!p->only) {
			fwrite(b->raw[i], 1, b->raw_len[i], fp);
			fputc(s->delim, fp);
		}
		write_fields(s, fp, i);
		fputc('\n', fp);
	}
	return 0;
}

int ocsdf_score_stream_run(ocsdf_score_stream *s, FILE *fp, void (*progress)(void *ctx, size_t rows),
			   void *ctx, ocsdf_error *e)
{
	size_t rows = 0;
	ocsdf_csv_block b;
	int rc;
	write_header(s, fp);
	for (;;) {
		if ((rc = ocsdf_csv_next(s->r, BLOCK, &b, e)) || b.nrows == 0)
			return rc;
		if ((rc = score_block(s, fp, &b, rows, e)))
			return rc;
		rows += (size_t)b.nrows;
		if (progress)
			progress(ctx, rows);
		if (ferror(fp))
			return 0;
	}
}
