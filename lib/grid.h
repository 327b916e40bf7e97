/*
 * grid.h: regular grids of points in 2D and 3D, and the scalar fields
 * sampled on them (the level sets of mesh.h and contour.h).
 *
 * The field is given by a batched callback, so that a network can be run
 * on thousands of points at once.
 */
#ifndef OCSDF_GRID_H
#define OCSDF_GRID_H

#include <stddef.h>

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

/* The least and greatest of v[0..n) (n >= 1). */
void ocsdf_grid_range(const float *v, size_t n, double *lo, double *hi);

/*
 * The grid ocsdf-mesh extracts a model's level set on.  First its box, the
 * first of: explicit bounds; K standard deviations around the mean; the
 * bounding box of the points plus 10% on each side (an axis where they are
 * all equal: plus one standard deviation); 3 standard deviations around
 * the mean.  Then its points per axis: cells are cubes in the model's
 * standardized units (the geometry f measures distances in) with
 * `resolution` points on the longest side, the box widened evenly to a
 * whole number of cells.
 */
typedef struct ocsdf_grid_spec {
	int d;                      /* axes: 2 or 3 */
	const double *mean, *std;   /* the model's standardization, d values each */
	const char *const *names;   /* the axes' names, for messages */
	int resolution;             /* points on the longest side, >= 2 */
	const double *box;          /* LO,HI for each axis (nbox values), or NULL */
	int nbox;
	double box_k;               /* > 0: K standard deviations */
	const double *pts;          /* npts points (npts x d), or NULL */
	size_t npts;
} ocsdf_grid_spec;

/* Checks explicit bounds (the --box of ocsdf-mesh): 2 d values, LO < HI on
 * each axis.  Returns 0, or 64 with a message naming --box and the axis. */
int ocsdf_grid_check_box(const ocsdf_grid_spec *s, ocsdf_error *e);

/* The grid of s: lo[d], hi[d] and n[d] (each n in 2..4096).  Returns 0, or
 * 64 when the box cannot be divided into such cells within the range of
 * doubles (a box far too large or too small against the standard
 * deviations), with e set. */
int ocsdf_grid_choose(const ocsdf_grid_spec *s, double *lo, double *hi, int *n, ocsdf_error *e);

#endif
