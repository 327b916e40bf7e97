/* dataset.c: reading a whole CSV file into a feature matrix (see dataset.h). */
#include "dataset.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

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
	memset(ds, 0, sizeof *ds);
}

/* Marks the columns listed in spec (comma-separated names or indices). */
static int mark_ignored(ocsdf_csv_reader *r, const char *list, char *skip, ocsdf_error *e)
{
	char *copy = strdup(list), *tok = copy;
	int rc = 0;
	if (!copy)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	for (;;) {
		char *comma = strchr(tok, ',');
		int col;
		if (comma)
			*comma = '\0';
		rc = ocsdf_csv_find(r, tok, &col, e);
		if (rc)
			break;
		skip[col] = 1;
		if (!comma)
			break;
		tok = comma + 1;
	}
	free(copy);
	return rc;
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

int ocsdf_dataset_read(const char *path, const ocsdf_dataset_spec *spec, ocsdf_dataset *out,
		       ocsdf_error *e)
{
	ocsdf_csv_reader *r = NULL;
	ocsdf_csv_block b;
	int *cols = NULL, d = 0, label_col = -1, rc;
	size_t cap = 0;

	memset(out, 0, sizeof *out);
	rc = ocsdf_csv_open(path, &r, e);
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
	while (!rc) {
		rc = ocsdf_csv_next(r, block, &b, e);
		if (rc || b.nrows == 0)
			break;
		if (spec->max_rows && out->n + (size_t)b.nrows > spec->max_rows) {
			rc = ocsdf_error_set(e, OCSDF_EDATA, "%s: more than %zu rows",
					     ocsdf_csv_filename(r), spec->max_rows);
			break;
		}
		if (out->n + (size_t)b.nrows > cap) {
			size_t nc = cap ? cap * 2 : (size_t)block;
			double *X;
			while (nc < out->n + (size_t)b.nrows)
				nc *= 2;
			X = realloc(out->X, nc * (size_t)d * sizeof(double));
			if (!X) {
				rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
				break;
			}
			out->X = X;
			if (label_col >= 0) {
				char **L = realloc(out->labels, nc * sizeof(char *));
				if (!L) {
					rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
					break;
				}
				out->labels = L;
			}
			cap = nc;
		}
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
	}
done:
	free(cols);
	ocsdf_csv_close(r);
	if (rc)
		ocsdf_dataset_free(out);
	return rc;
}

int ocsdf_dataset_read_model(const char *path, const ocsdf_model *m, const char *label,
			     ocsdf_dataset *out, ocsdf_error *e)
{
	ocsdf_dataset_spec spec;
	memset(&spec, 0, sizeof spec);
	spec.names = (const char *const *)m->names;
	spec.n_names = m->arch.d;
	spec.label = label;
	spec.check_scale = 1;
	spec.mean = m->mean;
	spec.std = m->std;
	return ocsdf_dataset_read(path, &spec, out, e);
}
