/*
 * label.h: what a label column says, and a reader of a score column with
 * its labels.
 *
 * A label field names one of two classes by a value: anomaly (default
 * "1") or normal (default "0").  A field matches a value as
 * ocsdf_csv_label_matches says (csv.h): equal once blanks are trimmed, or
 * both numbers of equal value ("1.0" is "1").  ocsdf-certify, ocsdf-score
 * --attack and ocsdf-train --eval all read labels this way.
 */
#ifndef OCSDF_LABEL_H
#define OCSDF_LABEL_H

#include <stddef.h>

#include "errors.h"

/* 0 if anomaly and normal are two usable label values, else 64 with e
 * set: a value is blank, or both match the same labels. */
int ocsdf_label_check_values(const char *anomaly, const char *normal, ocsdf_error *e);

/* The class a label field names: 1 anomaly, 0 normal; or -1 with e set
 * (code 65) for an empty label or one that is neither value, the message
 * naming file:line and the column. */
int ocsdf_label_class(const char *label, const char *anomaly, const char *normal, const char *file,
		      long line, const char *column, ocsdf_error *e);

/* The classes of n label fields against the anomaly value alone: anom[i]
 * is 1 where labels[i] matches it, 0 for any other field (ocsdf-train
 * --eval, where every row that is not an anomaly counts as normal). */
void ocsdf_label_flags(const char *const *labels, size_t n, const char *anomaly, unsigned char *anom);

/* Whether a column name is one that usually holds labels ("label",
 * "class", "target", "outlier", "anomaly", in any case): a feature of that
 * name is likely a mistake. */
int ocsdf_label_usual_name(const char *name);

/* The rows of a score column with their labels. */
typedef struct ocsdf_label_scores {
	double *score;         /* n scores, negated if read with negate */
	unsigned char *anom;   /* n classes: 1 anomaly, 0 normal */
	long *line;            /* n input line numbers */
	size_t n, n_anom;
	char *name;            /* the input's name, for messages */
	char *score_name;      /* the score column's name in the header */
} ocsdf_label_scores;

/* What to read. */
typedef struct ocsdf_label_spec {
	const char *score_col, *label_col;   /* names or 1-based numbers */
	const char *anomaly, *normal;        /* label values */
	int negate;                          /* store -score */
	char delimiter;                      /* of the fields; 0: ',' */
	/* If set, called each time another 2^20 rows have been read. */
	void (*progress)(void *ctx, size_t rows);
	void *ctx;
} ocsdf_label_spec;

/* Reads the score and label columns of the CSV file path ("-": standard
 * input).  Returns 0 with d filled (free with ocsdf_label_scores_free),
 * or with e set and d empty: the reader's codes (csv.h), 64 when both
 * columns are one, 65 for a label that names no class (ocsdf_label_class),
 * 70 out of memory. */
int ocsdf_label_read_scores(const char *path, const ocsdf_label_spec *spec, ocsdf_label_scores *d,
			    ocsdf_error *e);
void ocsdf_label_scores_free(ocsdf_label_scores *d);

#endif
