/* label.c: label values, the class of a label field, and the reader of a
 * score column with its labels (see label.h). */
#include "label.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "text.h"

static int is_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

int ocsdf_label_check_values(const char *anomaly, const char *normal, ocsdf_error *e)
{
	char b[64];
	if (ocsdf_csv_label_matches(anomaly, normal))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--anomaly and --normal have the same value '%s': "
				       "they need two different non-empty values", ocsdf_text_shown(anomaly, b, sizeof b));
	if (is_blank(anomaly) || is_blank(normal))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--anomaly and --normal need two different non-empty values");
	return 0;
}

int ocsdf_label_class(const char *label, const char *anomaly, const char *normal, const char *file,
		      long line, const char *column, ocsdf_error *e)
{
	char b1[64], b2[64], b3[64], b4[64];
	if (ocsdf_csv_label_matches(label, anomaly))
		return 1;
	if (ocsdf_csv_label_matches(label, normal))
		return 0;
	if (is_blank(label))
		ocsdf_error_set(e, OCSDF_EDATA, "%s:%ld: empty label in column '%s'", file, line,
				ocsdf_text_shown(column, b1, sizeof b1));
	else
		ocsdf_error_set(e, OCSDF_EDATA,
				"%s:%ld: label '%s' in column '%s' is neither the anomaly value '%s' nor the "
				"normal value '%s' (see --anomaly and --normal)",
				file, line, ocsdf_text_shown(label, b1, sizeof b1),
				ocsdf_text_shown(column, b2, sizeof b2), ocsdf_text_shown(anomaly, b3, sizeof b3),
				ocsdf_text_shown(normal, b4, sizeof b4));
	return -1;
}

int ocsdf_label_usual_name(const char *name)
{
	static const char *const usual[] = {"label", "class", "target", "outlier", "anomaly", NULL};
	for (int k = 0; usual[k]; k++)
		if (strcasecmp(name, usual[k]) == 0)
			return 1;
	return 0;
}

void ocsdf_label_flags(const char *const *labels, size_t n, const char *anomaly, unsigned char *anom)
{
	for (size_t i = 0; i < n; i++)
		anom[i] = (unsigned char)ocsdf_csv_label_matches(labels[i], anomaly);
}

void ocsdf_label_scores_free(ocsdf_label_scores *d)
{
	free(d->score);
	free(d->anom);
	free(d->line);
	free(d->name);
	free(d->score_name);
	memset(d, 0, sizeof *d);
}

/* Makes room for one more row: 0, or -1 out of memory. */
static int grow(ocsdf_label_scores *d, size_t *cap)
{
	size_t c = *cap ? 2 * *cap : 4096;
	double *s;
	unsigned char *a;
	long *l;
	if (d->n < *cap)
		return 0;
	if (!(s = realloc(d->score, c * sizeof *s)))
		return -1;
	d->score = s;
	if (!(a = realloc(d->anom, c * sizeof *a)))
		return -1;
	d->anom = a;
	if (!(l = realloc(d->line, c * sizeof *l)))
		return -1;
	d->line = l;
	*cap = c;
	return 0;
}

/* The rows of the selected columns (score first, label second) of r. */
static int read_rows(ocsdf_csv_reader *r, const ocsdf_label_spec *spec, int lc, ocsdf_label_scores *d,
		     ocsdf_error *e)
{
	size_t cap = 0, next_report = 1 << 20;
	ocsdf_csv_block b;
	int rc;
	for (;;) {
		if ((rc = ocsdf_csv_next(r, 4096, &b, e)) != 0)
			return rc;
		if (b.nrows == 0)
			return 0;
		for (int i = 0; i < b.nrows; i++) {
			int anom = ocsdf_label_class(b.text[i], spec->anomaly, spec->normal, d->name, b.line[i],
						     ocsdf_csv_colname(r, lc), e);
			if (anom < 0)
				return OCSDF_EDATA;
			if (grow(d, &cap) != 0)
				return ocsdf_error_set(e, OCSDF_ESOFTWARE, "%s: out of memory after %zu rows",
						       d->name, d->n);
			d->score[d->n] = spec->negate ? -b.num[i] : b.num[i];
			d->anom[d->n] = (unsigned char)anom;
			d->line[d->n] = b.line[i];
			d->n++;
			d->n_anom += (size_t)anom;
		}
		if (spec->progress && d->n >= next_report) {
			spec->progress(spec->ctx, d->n);
			next_report += 1 << 20;
		}
	}
}

int ocsdf_label_read_scores(const char *path, const ocsdf_label_spec *spec, ocsdf_label_scores *d,
			    ocsdf_error *e)
{
	ocsdf_csv_reader *r;
	int sc, lc, rc;
	char b[64];
	ocsdf_csv_options opt = {spec->delimiter, OCSDF_CSV_HEADER, NULL, 0};
	memset(d, 0, sizeof *d);
	if ((rc = ocsdf_csv_open_with(path, &opt, &r, e)) != 0)
		return rc;
	/* The name outlives the reader: it labels the report. */
	if (!(d->name = strdup(ocsdf_csv_filename(r))))
		rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	if (!rc && (rc = ocsdf_csv_find(r, spec->score_col, &sc, e)) == 0)
		rc = ocsdf_csv_find(r, spec->label_col, &lc, e);
	if (!rc && !(d->score_name = strdup(ocsdf_csv_colname(r, sc))))
		rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	if (!rc && sc == lc)
		rc = ocsdf_error_set(e, OCSDF_EUSAGE, "--score and --label name the same column '%s'",
				     ocsdf_text_shown(ocsdf_csv_colname(r, sc), b, sizeof b));
	if (!rc)
		rc = ocsdf_csv_select(r, &sc, 1, &lc, 1, 0, e);
	if (!rc)
		rc = read_rows(r, spec, lc, d, e);
	ocsdf_csv_close(r);
	if (rc)
		ocsdf_label_scores_free(d);
	return rc;
}
