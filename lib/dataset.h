/*
 * dataset.h: a whole CSV file read into memory as a matrix of features
 * (for training, and for the programs that take a small set of starting
 * points).  Scoring streams instead (csv.h).
 */
#ifndef OCSDF_DATASET_H
#define OCSDF_DATASET_H

#include <stddef.h>

#include "csv.h"
#include "errors.h"
#include "model.h"
#include "scale.h"

typedef struct ocsdf_dataset {
	size_t n;          /* rows */
	int d;             /* features */
	double *X;         /* n x d, row-major */
	char **names;      /* d feature names */
	char **labels;     /* n label texts, or NULL without a label column */
	uint64_t rows_read;           /* rows in the input (n of them kept) */
	ocsdf_scale_moments *moments; /* with spec.sample: over every row read */
} ocsdf_dataset;

/* How the feature columns are chosen. */
typedef struct ocsdf_dataset_spec {
	const char *label;          /* column of labels (name or 1-based), or NULL */
	const char *ignore;         /* comma-separated columns to leave out, or NULL */
	const char *const *names;   /* exactly these features, in this order, or NULL
	                             * for every column but the label and ignored */
	int n_names;
	size_t max_rows;            /* refuse more rows than this (0: no limit) */
	int check_scale;            /* refuse feature values that do not fit the */
	const double *mean, *std;   /* standardization mean, std (NULL: 0 and 1;
	                             * scale.h, ocsdf_csv_check_scale) */
	const ocsdf_csv_options *csv; /* delimiter, header (NULL: the defaults) */
	int names_first;            /* without a header (and csv->names NULL), the
	                             * first columns are names[], in order
	                             * (ocsdf_csv_open_features) */
	size_t sample;              /* keep a uniform random sample of this many
	                             * rows (reservoir sampling, one pass, memory
	                             * bounded by them), 0 for every row */
	uint64_t seed;              /* of the sample */
	size_t max_bytes;           /* without sample: refuse an input whose rows
	                             * would take more memory (0: no cap) */
} ocsdf_dataset_spec;

/* Reads path ("-" or NULL: stdin).  Returns 0, or 64 (bad column), 65 (bad
 * data, or past max_bytes: the message suggests --sample), 66, 74 with e
 * set.  Zero rows is not an error here. */
int ocsdf_dataset_read(const char *path, const ocsdf_dataset_spec *spec, ocsdf_dataset *out,
		       ocsdf_error *e);
/* Reads path in the features of model m (found by name, in the model's
 * order), refusing values that do not fit its standardization; label: a
 * column of labels kept too, or NULL; read as opt says (NULL: the
 * defaults; without a header the features come first).  Returns as
 * ocsdf_dataset_read. */
int ocsdf_dataset_read_model(const char *path, const ocsdf_model *m, const char *label,
			     const ocsdf_csv_options *opt, ocsdf_dataset *out, ocsdf_error *e);

void ocsdf_dataset_free(ocsdf_dataset *ds);

#endif
