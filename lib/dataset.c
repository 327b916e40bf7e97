/* dataset.c: reading a whole CSV file into a feature matrix (see dataset.h). */
#include "dataset.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "rng.h"
#include "text.h"

/* Rows per block, fewer for wide files: a block holds at most BLOCK_VALUES
 * numbers, so that 100,000 columns do not cost gigabytes for a few rows. */
enum { BLOCK = 4096, BLOCK_VALUES = 1 << 20 };

void ocsdf_dataset_free(ocsdf_dataset *ds)
{
	if (ds->names)
		for (int j = 0; j < ds->d; j++)
			free(ds->names[j]);
	if (ds->labels)
		for (size_t i = 0; i < ds->n; i++)
			free(ds->labels[i]);
	free(ds->names);
	free(ds->labels);
	free(ds->X);
	ocsdf_scale_moments_free(ds->moments);
	memset(ds, 0, sizeof *ds);
}

/* What mark_column needs. */
typedef struct marking {
	ocsdf_csv_reader *r;
	char *skip;
	ocsdf_error *e;
} marking;

/* Marks the column named (or numbered) by item: 0, or an error with e set. */
static int mark_column(void *ctx, char *item, int k)
{
	marking *m = ctx;
	int col, rc = ocsdf_csv_find(m->r, item, &col, m->e);
	(void)k;
	if (!rc)
		m->skip[col] = 1;
	return rc;
}

/* Marks the columns listed in spec (comma-separated names or indices). */
static int mark_ignored(ocsdf_csv_reader *r, const char *list, char *skip, ocsdf_error *e)
{
	marking m = {r, skip, e};
	int rc = ocsdf_text_each_item(list, mark_column, &m);
	return rc == -1 ? ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory") : rc;
}

static int choose_columns(ocsdf_csv_reader *r, const ocsdf_dataset_spec *spec, int *cols, int *d,
			  int *label_col, ocsdf_error *e)
{
	int nc = ocsdf_csv_ncols(r), rc = 0;
	char *skip = calloc((size_t)nc, 1);

	if (!skip)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	*label_col = -1;
	if (spec->label) {
		rc = ocsdf_csv_find(r, spec->label, label_col, e);
		if (!rc)
			skip[*label_col] = 1;
	}
	if (!rc && spec->ignore)
		rc = mark_ignored(r, spec->ignore, skip, e);
	*d = 0;
	if (!rc && spec->names) {
		for (int j = 0; j < spec->n_names && !rc; j++) {
			int c = -1;
			rc = ocsdf_csv_find_name(r, spec->names[j], "a feature of the model", &c, e);
			if (!rc)
				cols[(*d)++] = c;
		}
	} else if (!rc) {
		for (int k = 0; k < nc; k++)
			if (!skip[k])
				cols[(*d)++] = k;
		if (*d == 0)
			rc = ocsdf_error_set(e, OCSDF_EUSAGE, "%s: no feature columns left",
					     ocsdf_csv_filename(r));
	}
	free(skip);
	return rc;
}

/* Room for need rows in out (cap of them now), labels too if with_labels. */
static int reserve(ocsdf_dataset *out, size_t need, size_t *cap, size_t first, int with_labels, ocsdf_error *e)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : first;
	while (nc < need)
		nc *= 2;
	double *X = realloc(out->X, nc * (size_t)out->d * sizeof(double));
	if (!X)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	out->X = X;
	if (with_labels) {
		char **L = realloc(out->labels, nc * sizeof(char *));
		if (!L)
			return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
		out->labels = L;
	}
	*cap = nc;
	return 0;
}

/* Reservoir sampling (Vitter's algorithm R): row t (0-based) of the input
 * takes a slot with probability k / (t + 1), a uniform one of the k. */
static int sample_block(const ocsdf_dataset_spec *spec, const ocsdf_csv_block *b, ocsdf_rng *rng,
			ocsdf_dataset *out, size_t *cap, int with_labels, ocsdf_error *e)
{
	size_t d = (size_t)out->d;
	for (int i = 0; i < b->nrows; i++) {
		uint64_t t = out->rows_read++;
		size_t slot;
		if (out->n < spec->sample) {
			if (reserve(out, out->n + 1, cap, spec->sample < 4096 ? spec->sample : 4096, with_labels, e))
				return e->code;
			slot = out->n++;
			if (with_labels)
				out->labels[slot] = NULL;
		} else {
			uint64_t j = ocsdf_rng_below(rng, t + 1);
			if (j >= spec->sample)
				continue;
			slot = (size_t)j;
		}
		memcpy(out->X + slot * d, b->num + (size_t)i * d, d * sizeof(double));
		if (with_labels) {
			free(out->labels[slot]);
			if (!(out->labels[slot] = strdup(b->text[i])))
				return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
		}
	}
	ocsdf_scale_moments_add(out->moments, b->num, (size_t)b->nrows);
	return 0;
}

int ocsdf_dataset_read(const char *path, const ocsdf_dataset_spec *spec, ocsdf_dataset *out,
		       ocsdf_error *e)
{
	ocsdf_rng rng;
	ocsdf_csv_reader *r = NULL;
	ocsdf_csv_block b;
	int *cols = NULL, d = 0, label_col = -1, rc;
	size_t cap = 0;

	memset(out, 0, sizeof *out);
	rc = spec->names && spec->names_first
		? ocsdf_csv_open_features(path, spec->csv, spec->names, spec->n_names, NULL, &r, e)
		: ocsdf_csv_open_with(path, spec->csv, &r, e);
	if (rc)
		return rc;
	cols = malloc(sizeof(int) * (size_t)(ocsdf_csv_ncols(r) + (spec->names ? spec->n_names : 0)));
	if (!cols) {
		rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
		goto done;
	}
	rc = choose_columns(r, spec, cols, &d, &label_col, e);
	if (rc)
		goto done;
	out->d = d;
	out->names = calloc((size_t)d, sizeof(char *));
	if (!out->names) {
		rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
		goto done;
	}
	for (int j = 0; j < d; j++)
		if (!(out->names[j] = strdup(ocsdf_csv_colname(r, cols[j])))) {
			rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
			goto done;
		}
	rc = ocsdf_csv_select(r, cols, d, label_col >= 0 ? &label_col : NULL, label_col >= 0, 0, e);
	if (spec->check_scale)
		ocsdf_csv_check_scale(r, spec->mean, spec->std);
	int block = d > BLOCK_VALUES / BLOCK ? (BLOCK_VALUES / d > 0 ? BLOCK_VALUES / d : 1) : BLOCK;
	if (!rc && spec->sample) {
		ocsdf_rng_seed(&rng, spec->seed);
		if (!(out->moments = ocsdf_scale_moments_new(d)))
			rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	while (!rc) {
		rc = ocsdf_csv_next(r, block, &b, e);
		if (rc || b.nrows == 0)
			break;
		if (spec->sample) {
			rc = sample_block(spec, &b, &rng, out, &cap, label_col >= 0, e);
			continue;
		}
		if (spec->max_bytes && (out->n + (size_t)b.nrows) * (size_t)d * sizeof(double) > spec->max_bytes) {
			rc = ocsdf_error_set(e, OCSDF_EDATA,
					     "%s: the rows up to line %ld take more than the %zu MB of memory allowed: "
					     "train on a uniform sample of the input with --sample N (one pass, "
					     "memory for N rows), or allow more with --max-memory",
					     ocsdf_csv_filename(r), b.line[b.nrows - 1], spec->max_bytes >> 20);
			break;
		}
		if (spec->max_rows && out->n + (size_t)b.nrows > spec->max_rows) {
			rc = ocsdf_error_set(e, OCSDF_EDATA, "%s: more than %zu rows",
					     ocsdf_csv_filename(r), spec->max_rows);
			break;
		}
		if ((rc = reserve(out, out->n + (size_t)b.nrows, &cap, (size_t)block, label_col >= 0, e)))
			break;
		memcpy(out->X + out->n * (size_t)d, b.num, (size_t)b.nrows * (size_t)d * sizeof(double));
		for (int i = 0; i < b.nrows && label_col >= 0; i++) {
			out->labels[out->n + (size_t)i] = strdup(b.text[i]);
			if (!out->labels[out->n + (size_t)i]) {
				out->n += (size_t)i;
				rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
				goto done;
			}
		}
		out->n += (size_t)b.nrows;
		out->rows_read = out->n;
	}
done:
	free(cols);
	ocsdf_csv_close(r);
	if (rc)
		ocsdf_dataset_free(out);
	return rc;
}

int ocsdf_dataset_read_model(const char *path, const ocsdf_model *m, const char *label,
			     const ocsdf_csv_options *opt, ocsdf_dataset *out, ocsdf_error *e)
{
	ocsdf_dataset_spec spec;
	memset(&spec, 0, sizeof spec);
	spec.names = (const char *const *)m->names;
	spec.n_names = m->arch.d;
	spec.names_first = 1;
	spec.csv = opt;
	spec.label = label;
	spec.check_scale = 1;
	spec.mean = m->mean;
	spec.std = m->std;
	return ocsdf_dataset_read(path, &spec, out, e);
}
