/*
 * certify.h: certification, what ocsdf-certify computes and writes.
 *
 * Given scores with their labels (label.h), it reports the AUROC and, for
 * each radius eps, the certified AUROC: the AUROC after every normal score
 * is lowered and every anomalous score raised by L * eps, L the Lipschitz
 * constant of the score in the units of the radius.  Also the DeLong
 * standard error or a confidence interval, the average precision, and at
 * a threshold the confusion matrix at each radius and the decision radius
 * of each row (the radius that no attack can cross).  The arithmetic is
 * lib/roc.h's; this module decides what the figures mean and writes the
 * report (table, CSV or JSON), the ROC curves (CSV and SVG), the
 * histograms and the decisions.
 *
 * Without radii it chooses them from the data: 0, and the largest radii at
 * which the certified AUROC still keeps the fractions ocsdf_certify_keep of
 * the plain one; with radii, it reports those too.  A score column whose name ends in _raw (ocsdf-score
 * --units raw) holds scores already 1-Lipschitz in raw input units: with a
 * model, L is 1 for it rather than the model's constant, which would scale
 * the radii twice.
 *
 * Scores are held in the internal convention, higher = more normal: with
 * higher_anomalous they are read negated (ocsdf_label_spec.negate) and the
 * writers give them back in the user's convention.
 */
#ifndef OCSDF_CERTIFY_H
#define OCSDF_CERTIFY_H

#include <stdio.h>

#include "errors.h"
#include "label.h"
#include "roc.h"

enum { OCSDF_CI_NONE, OCSDF_CI_DELONG, OCSDF_CI_BOOTSTRAP };
enum { OCSDF_REPORT_TABLE, OCSDF_REPORT_CSV, OCSDF_REPORT_JSON };
/* Where the Lipschitz constant comes from: 1 by default (radii in score
 * units), --lipschitz, or a model (radii in its raw input units). */
enum { OCSDF_LIPSCHITZ_DEFAULT, OCSDF_LIPSCHITZ_OPTION, OCSDF_LIPSCHITZ_MODEL };
/* The fractions of the plain AUROC that the radii chosen from the data
 * keep, and their number. */
enum { OCSDF_CERTIFY_NKEEP = 2 };
extern const double ocsdf_certify_keep[OCSDF_CERTIFY_NKEEP];

/* What to certify: ocsdf-certify's options. */
typedef struct ocsdf_certify_params {
	const char *score_col, *label_col;   /* as given, for the report */
	const char *anomaly, *normal;        /* label values */
	int higher_anomalous;
	double *radius;                      /* nradius radii >= 0; none: */
	int nradius;                         /* chosen from the data */
	double lipschitz;                    /* > 0 */
	int lsource;                         /* OCSDF_LIPSCHITZ_* */
	const char *model_path;              /* with OCSDF_LIPSCHITZ_MODEL */
	double model_lipschitz;              /* the model's, w.r.t. raw inputs */
	int score_raw;                       /* scores in raw input units */
	int ci;                              /* OCSDF_CI_* */
	double level;                        /* of the interval, in (0, 1) */
	long resamples, seed;                /* of the bootstrap */
	int has_threshold, has_fpr;          /* at most one */
	double threshold, fpr;               /* user's units; fpr in [0, 1) */
	int threshold_level;                 /* the threshold is the level 0 */
	long bins;                           /* of the histograms */
} ocsdf_certify_params;

/* Fills p with the defaults: columns sdf and label, values 1 and 0, radii
 * chosen from the data, L = 1, no interval at level 0.95, 1000 resamples, seed
 * 1, no threshold, 40 bins. */
void ocsdf_certify_default_params(ocsdf_certify_params *p);
/* 0, or 64 with e set for parameters that cannot go together (both a
 * threshold and an FPR, label values that are not two classes) or are out
 * of range. */
int ocsdf_certify_check_params(const ocsdf_certify_params *p, ocsdf_error *e);
/* Completes p for a run, then checks it (ocsdf_certify_check_params).
 * With decisions (per-row decisions asked for) and neither a threshold
 * nor an FPR, the threshold is the level 0 of training, which a score
 * with higher_anomalous does not have (64).  Radius 0, the plain AUROC,
 * comes first among radii given without it, so that every certified figure
 * is shown beside the value it bounds (p->radius malloc'ed, replaced).
 * 0, or 64 or 70 with e set. */
int ocsdf_certify_complete_params(ocsdf_certify_params *p, int decisions, ocsdf_error *e);
/* Takes L from the model file path: the Lipschitz constant of its score
 * with respect to raw inputs.  0, or the loader's code (model.h) or 65
 * with e set. */
int ocsdf_certify_use_model(ocsdf_certify_params *p, const char *path, ocsdf_error *e);
/* Reads the units of the scores of d from the name of their column: a
 * name ending in _raw says raw input units, and with a model L becomes 1
 * (the scores were divided by the model's L already). */
void ocsdf_certify_score_units(ocsdf_certify_params *p, const ocsdf_label_scores *d);

/* What is reported for one radius. */
typedef struct ocsdf_certify_result {
	double radius, shift;     /* shift = L * radius, in score units */
	double radius_raw;        /* the radius in raw input units, NaN if unknown */
	double radius_model;      /* in the model's standardized units, or NaN */
	double kept;              /* chosen to keep this fraction of the AUROC, or NaN */
	double auroc, se, ap;     /* se NaN with a single row of a class */
	double ci_lo, ci_hi;      /* NaN without an interval */
	ocsdf_confusion conf;     /* at the threshold, if any */
} ocsdf_certify_result;

/* Everything computed, and what the writers need. */
typedef struct ocsdf_certificate {
	const ocsdf_certify_params *p;
	const ocsdf_label_scores *d;
	ocsdf_roc *roc;
	char units[256];          /* a sentence stating the radius units */
	const char *units_key;    /* its stable name: score, lipschitz, raw-input */
	ocsdf_certify_result *res;   /* one per radius */
	int nres;                 /* p->nradius, or 1 + OCSDF_CERTIFY_NKEEP chosen */
	/* The largest radii at which the certified AUROC keeps each fraction
	 * ocsdf_certify_keep of the plain one, whatever the radii asked. */
	double keep_radius[OCSDF_CERTIFY_NKEEP];
	int has_thr;
	double threshold;         /* user's units */
	double t_int;             /* the same, internal convention */
	size_t n_correct;         /* rows decided correctly at the threshold */
	double rad_min, rad_median;   /* their decision radii, if n_correct */
} ocsdf_certificate;

/* 0 if d has rows of both classes, else 65 with e set. */
int ocsdf_certify_check_data(const ocsdf_certify_params *p, const ocsdf_label_scores *d, ocsdf_error *e);
/* Computes every figure at every radius (chosen from the data when p has
 * none), the interval if asked, the threshold and the decision radii.  p and d must outlive c.  Returns 0,
 * or with e set and c empty: 65 (ocsdf_certify_check_data), 64 (a radius
 * whose shift overflows), 70. */
int ocsdf_certify_run(const ocsdf_certify_params *p, const ocsdf_label_scores *d, ocsdf_certificate *c,
		      ocsdf_error *e);
void ocsdf_certify_free(ocsdf_certificate *c);

/* The decision radii (ocsdf_roc_decision_radius) of the rows that d
 * decides correctly at threshold t_int (internal convention: flagged when
 * the score is below it), L the Lipschitz constant: their count, and when
 * there are any their smallest and median.  0, or 70 with e set. */
int ocsdf_certify_decision_radii(const ocsdf_label_scores *d, double t_int, double L, size_t *count,
				 double *min, double *median, ocsdf_error *e);

/* The report in format OCSDF_REPORT_*.  Write errors are left to the
 * caller (ferror, or ocsdf_output_commit). */
void ocsdf_certify_write_report(FILE *fp, const ocsdf_certificate *c, int format);
/* The ROC curve at every radius: as CSV rows (radius, threshold, fpr,
 * tpr) to roc_csv and as an SVG plot to svg; either may be NULL.  0, or
 * 70 (or a plot error) with e set. */
int ocsdf_certify_write_curves(FILE *roc_csv, FILE *svg, const ocsdf_certificate *c, ocsdf_error *e);
/* The histograms of the scores of each class, as SVG. */
int ocsdf_certify_write_hist(FILE *fp, const ocsdf_certificate *c, ocsdf_error *e);
/* Each row's decision at the threshold and its decision radius, as CSV. */
void ocsdf_certify_write_decisions(FILE *fp, const ocsdf_certificate *c);

#endif
