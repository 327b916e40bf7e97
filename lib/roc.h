/*
 * roc.h: AUROC, certified AUROC, ROC curves and decisions at a threshold.
 *
 * Scores follow the signed-distance convention: higher means more normal,
 * and a row is flagged as an anomaly when its score is below the threshold.
 * (A program handling "higher is anomalous" scores negates them first.)
 *
 * Every quantity takes a shift s >= 0: the worst case of an attack that may
 * move any score by at most s, i.e. every normal score lowered by s and
 * every anomalous score raised by s.  For a score that is L-Lipschitz with
 * respect to some norm, s = L * eps bounds every perturbation of radius eps
 * in that norm, so the value at shift L * eps is a certificate; at s = 0 it
 * is the plain value.
 *
 * The AUROC is the Mann-Whitney statistic P(normal > anomalous) with ties
 * counted as one half, computed exactly (integer pair counts) from the two
 * classes sorted once: O(n log n) to build, O(n) per shift.
 */
#ifndef OCSDF_ROC_H
#define OCSDF_ROC_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"

typedef struct ocsdf_roc ocsdf_roc;

/* One point of a ROC curve: the fractions of normal (fpr) and anomalous
 * (tpr) rows whose shifted score is strictly below threshold. */
typedef struct ocsdf_roc_point {
	double threshold, fpr, tpr;
} ocsdf_roc_point;

/* Decisions at a threshold: anomalies are the positive class. */
typedef struct ocsdf_confusion {
	uint64_t tp, fp, tn, fn;
} ocsdf_confusion;

/* Sorts the scores of each class.  score: n finite values; anomalous: n
 * flags (nonzero = anomaly).  Both classes must be present.  Returns 0 with
 * *out set, or 65 (a non-finite score, a single class, more than 2^32 - 1
 * rows in a class) or 70 (out of memory) with e set and *out NULL. */
int ocsdf_roc_new(const double *score, const unsigned char *anomalous, size_t n,
		  ocsdf_roc **out, ocsdf_error *e);
void ocsdf_roc_free(ocsdf_roc *r);

size_t ocsdf_roc_n_normal(const ocsdf_roc *r);
size_t ocsdf_roc_n_anomalous(const ocsdf_roc *r);
/* The class's scores in ascending order (unshifted). */
const double *ocsdf_roc_normal_scores(const ocsdf_roc *r);
const double *ocsdf_roc_anomalous_scores(const ocsdf_roc *r);

/* AUROC at shift s (s = 0: the plain AUROC). */
double ocsdf_roc_auroc(const ocsdf_roc *r, double s);

/* DeLong's standard error of the AUROC at shift s, from the structural
 * components of each row; NaN when a class has fewer than two rows. */
double ocsdf_roc_delong_se(const ocsdf_roc *r, double s);

/* Average precision at shift s, anomalies positive, rows ranked from the
 * lowest score: the sum over distinct thresholds of the recall increase
 * times the precision there (tied rows enter together). */
double ocsdf_roc_average_precision(const ocsdf_roc *r, double s);

/* Stratified bootstrap percentile intervals of the AUROC at each shift
 * s[0..ns): resamples replicates, each drawing n_normal normal and
 * n_anomalous anomalous rows with replacement from the generator seeded by
 * seed, the same draws for every shift.  Fills lo[k], hi[k] for two-sided
 * level (e.g. 0.95).  Costs O(resamples * ns * n), no sorting.  Returns 0,
 * 64 (bad level or resamples) or 70 (out of memory) with e set. */
int ocsdf_roc_bootstrap(const ocsdf_roc *r, const double *s, int ns, int resamples, double level,
			uint64_t seed, double *lo, double *hi, ocsdf_error *e);

/* The quantile of the standard normal distribution at p in (0, 1). */
double ocsdf_roc_normal_quantile(double p);

/* The ROC curve at shift s: one point per distinct shifted score (its
 * threshold is that score), then a last point (1, 1) whose threshold is
 * just above the highest score.  Starts at (0, 0); *pts is malloc'ed.
 * Returns 0 or 70 (out of memory) with e set. */
int ocsdf_roc_curve(const ocsdf_roc *r, double s, ocsdf_roc_point **pts, size_t *npts,
		    ocsdf_error *e);

/* Decisions when rows with a shifted score below threshold are flagged.
 * At s > 0 this is the worst case over every attack within the shift:
 * flagged anomalies (tp) and unflagged normals (tn) that no such attack can
 * turn into errors. */
void ocsdf_roc_confusion(const ocsdf_roc *r, double threshold, double s, ocsdf_confusion *c);

/* The largest threshold whose false-positive rate (normals flagged at
 * s = 0) does not exceed fpr, 0 <= fpr < 1: the k-th lowest normal score
 * with k = floor(fpr * n_normal). */
double ocsdf_roc_threshold_at_fpr(const ocsdf_roc *r, double fpr);

/* The radius within which a row's decision at threshold cannot change for
 * a score that is lipschitz-Lipschitz: |score - threshold| / lipschitz. */
double ocsdf_roc_decision_radius(double score, double threshold, double lipschitz);

/* Sorts v[0..n) ascending (finite values; -0 is made +0) by a radix sort,
 * O(n) with 16 n bytes of scratch.  Returns 0, or -1 out of memory (v
 * untouched). */
int ocsdf_roc_sort(double *v, size_t n);

#endif
