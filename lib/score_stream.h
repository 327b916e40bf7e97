/*
 * score_stream.h: a CSV stream scored by a model, what ocsdf-score does.
 *
 * The stream finds the model's features (and with an attack the label
 * column) in the input, names the columns it adds, then reads rows in
 * blocks, scores them and writes each row with its new columns, in
 * constant memory.  The new columns are: the score; with an attack, for
 * each radius, the score after an l2 PGD attack on the row (attack.h);
 * with decide, NAME_flagged (1 for score < 0, an anomaly) and
 * NAME_radius_raw, the radius in raw input units within which that
 * decision cannot flip.  A column in raw input units has a name ending in
 * OCSDF_SCORE_RAW_SUFFIX (score.h), so that the units travel with the
 * scores to ocsdf-certify.
 */
#ifndef OCSDF_SCORE_STREAM_H
#define OCSDF_SCORE_STREAM_H

#include <stdio.h>

#include "attack.h"
#include "errors.h"
#include "model.h"

/* What to score and write: ocsdf-score's options. */
typedef struct ocsdf_score_stream_params {
	const char *column;          /* name of the score column */
	int only;                    /* write the new columns alone */
	int raw_units;               /* scores divided by the model's L */
	int decide;                  /* add the decision and its radius */
	char delimiter;              /* of the input and output; 0: ',' */
	int header;                  /* OCSDF_CSV_HEADER... (csv.h) */
	char **columns;              /* without a header, the input's column */
	int ncolumns;                /* names (NULL: the model's features) */
	int attack;                  /* attack each row at each radius */
	double *radius;              /* nrad attack radii, raw input units */
	int nrad;
	const char *label_col;       /* which way to push each row */
	const char *anomaly, *normal;   /* its label values */
	const char *attack_column;   /* name of the attacked column, or NULL */
	ocsdf_attack_params ap;
} ocsdf_score_stream_params;

/* Fills p with the defaults: column sdf, model units, label values 1 and
 * 0, 20 attack steps, 3 restarts, seed 1, nothing else. */
void ocsdf_score_stream_default_params(ocsdf_score_stream_params *p);
/* 0, or 64 with e set: an empty score name, a name in raw units without
 * raw_units, or column names for an input with a header. */
int ocsdf_score_stream_check_params(const ocsdf_score_stream_params *p, ocsdf_error *e);
/* The attack's parameters together: 0, or 64 with e set (no radius, a
 * radius listed twice, no label column, an empty attacked column name,
 * label values that are not two classes). */
int ocsdf_score_stream_check_attack(const ocsdf_score_stream_params *p, ocsdf_error *e);

typedef struct ocsdf_score_stream ocsdf_score_stream;

/* Opens the CSV input path ("-": standard input) to be scored by model m
 * (named model_path in messages) as p says; m and p must outlive the
 * stream.  Returns 0 with *out set, or with e set: the reader's codes
 * (csv.h), 65 for a feature missing from the input, 64 for a label column
 * that is a feature or an output column whose name is taken, 70 out of
 * memory. */
int ocsdf_score_stream_open(const char *path, const ocsdf_model *m, const char *model_path,
			    const ocsdf_score_stream_params *p, ocsdf_score_stream **out, ocsdf_error *e);
void ocsdf_score_stream_close(ocsdf_score_stream *s);

/* Writes to fp the header line (nothing for an input without one), then
 * every row with its new columns, block by block, until the input ends or
 * a write fails (ferror(fp): the caller's commit reports it).  If progress
 * is set it is called after each block with the rows done so far.
 * Returns 0, or with e set the reader's codes or 65 for a label that names
 * no class. */
int ocsdf_score_stream_run(ocsdf_score_stream *s, FILE *fp, void (*progress)(void *ctx, size_t rows),
			   void *ctx, ocsdf_error *e);

#endif
