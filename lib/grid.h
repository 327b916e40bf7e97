/*
 * grid.h: regular grids of points in 2D and 3D, and the scalar fields
 * sampled on them (the level sets of mesh.h and contour.h).
 *
 * The field is given by a batched callback, so that a network can be run
 * on thousands of points at once.
 */
#ifndef OCSDF_GRID_H
#define OCSDF_GRID_H

#include "errors.h"

/* f[i] = field at point xyz[i*d .. i*d+d-1] for i < n, n <= the batch size
 * the caller gives; d is 3 for surfaces and 2 for contours.  Must be
 * deterministic and must not keep the pointers. */
typedef void (*ocsdf_field_fn)(void *ctx, const float *xyz, int n, float *f);
/* The same, plus g[i*d + a] = df/dx_a at point i.  f may be ignored. */
typedef void (*ocsdf_grad_fn)(void *ctx, const float *xyz, int n, float *f, float *g);
/* Called now and then with the fraction of the work done, in [0, 1]. */
typedef void (*ocsdf_progress_fn)(void *ctx, double done);

/* Largest grid, points per axis. */
#define OCSDF_GRID_MAX_N 4097
/* Level crossings are kept this fraction of their grid edge away from its
 * ends (ocsdf_grid_clamp_crossing). */
#define OCSDF_GRID_TMIN (1.0 / 1024)

/* n[a] points per axis a, from lo[a] to hi[a] inclusive (n >= 2, lo < hi):
 * point (i, j, k) is lo + (i, j, k) * (hi - lo) / (n - 1). */
typedef struct ocsdf_grid3 {
	double lo[3], hi[3];
	int n[3];
} ocsdf_grid3;

/* The same in 2D. */
typedef struct ocsdf_grid2 {
	double lo[2], hi[2];
	int n[2];
} ocsdf_grid2;

/* Checks the dim axes of a grid: finite bounds lo < hi, 2 to
 * OCSDF_GRID_MAX_N points.  Returns 0, or 64 with e set. */
int ocsdf_grid_check(const double *lo, const double *hi, const int *n, int dim, ocsdf_error *e);

/* The position t of a level crossing along a grid edge (0 at one end, 1 at
 * the other) clamped to [OCSDF_GRID_TMIN, 1 - OCSDF_GRID_TMIN] (NaN to the
 * lower bound): no vertex on a grid point, so no degenerate triangle or
 * segment. */
double ocsdf_grid_clamp_crossing(double t);

/* values[j * n[0] + i] = field at grid point (i, j), evaluated in batches
 * of `batch` points.  Returns 0, 64, or 65 (a value not finite) with e
 * set. */
int ocsdf_grid_sample2(const ocsdf_grid2 *g, ocsdf_field_fn field, void *ctx, int batch,
		       float *values, ocsdf_error *e);

#endif
