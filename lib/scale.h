/*
 * scale.h: the standardization learned on the training rows and carried by
 * the model, z = (x - mean) / std.
 *
 *   std   per-feature mean and standard deviation (population);
 *   iso   per-feature mean, one standard deviation for all features (the
 *         root mean of the per-feature variances), which keeps Euclidean
 *         geometry: use it for point clouds;
 *   none  mean 0, std 1.
 *
 * A feature with zero variance (a constant column) gets std 1: it then
 * standardizes to 0 on the training rows, contributes nothing to the
 * geometry, and other values are measured in raw units on that axis.  A
 * spread that is only rounding noise against the values (below 1e-12 of
 * the mean) counts as constant too; it is scaled by 1, or by the spread
 * itself if that is larger (noise on values beyond 1e12).  Means and
 * spreads are computed without overflow for any finite doubles.
 */
#ifndef OCSDF_SCALE_H
#define OCSDF_SCALE_H

#include <stddef.h>
#include <stdint.h>

/* Fits mean[d], std[d] on X (n x d row-major, n >= 1) for scale kind
 * OCSDF_SCALE_*.  Accumulates in double.  Returns the number of constant
 * features. */
int ocsdf_scale_fit(const double *X, size_t n, int d, int kind, double *mean, double *std);

/* The same standardization from moments accumulated over a stream of rows
 * (ocsdf-train --sample: over every row read, not only those kept). */
typedef struct ocsdf_scale_moments ocsdf_scale_moments;
/* NULL if out of memory. */
ocsdf_scale_moments *ocsdf_scale_moments_new(int d);
void ocsdf_scale_moments_free(ocsdf_scale_moments *m);
/* Adds n rows X (n x d). */
void ocsdf_scale_moments_add(ocsdf_scale_moments *m, const double *X, size_t n);
uint64_t ocsdf_scale_moments_count(const ocsdf_scale_moments *m);
/* As ocsdf_scale_fit over every row added (at least one). */
int ocsdf_scale_moments_fit(const ocsdf_scale_moments *m, int kind, double *mean, double *std);

/*
 * The rule for feature values, the same in every program that reads rows
 * (ocsdf-train, ocsdf-score, ocsdf-sample --from, ocsdf-mesh --points): a
 * value whose standardized value (x - mean) / std lies beyond
 * +-OCSDF_SCALE_ZMAX is bad data, refused with its file, line and column
 * (the CSV reader checks it: ocsdf_csv_check_scale).  The network computes
 * in float32: past this bound its sums of width products overflow (and
 * float32 itself ends at 3.4e38), so no score of such a row would mean
 * anything.  Rows whose standardization is fitted on themselves are within
 * it by construction (|z| <= sqrt(rows x features)).
 */
#define OCSDF_SCALE_ZMAX 1e30

static inline int ocsdf_scale_fits(double x, double mean, double std)
{
	double z = (x - mean) / std;
	return z >= -OCSDF_SCALE_ZMAX && z <= OCSDF_SCALE_ZMAX;
}

/* Z = (X - mean) / std as float32, n x d.  Values beyond +-OCSDF_SCALE_ZMAX
 * are clamped there: the programs refuse them before, the clamp keeps the
 * network finite for any other caller. */
void ocsdf_scale_apply(const double *X, size_t n, int d, const double *mean, const double *std,
		       float *Z);

/* Lipschitz constant of x -> z (and so of f) w.r.t. raw inputs: 1/min std. */
double ocsdf_scale_lipschitz(const double *std, int d);

#endif
