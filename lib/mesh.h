/*
 * mesh.h: level sets of a scalar field sampled on a grid, as a triangle
 * mesh in 3D and as polylines in 2D.
 *
 * The field is given by a batched callback, so that a network can be run
 * on thousands of points at once.  A point is inside when f > level (the
 * data side of a signed distance), outside when f <= level.
 *
 * Surfaces are extracted by marching tetrahedra: each grid cube is cut into
 * six tetrahedra around its main diagonal (the Freudenthal triangulation,
 * the same in every cube, so neighbouring cubes agree on the diagonal of
 * each shared face).  Inside a tetrahedron the level set of the linear
 * interpolant is one triangle or one quad (two triangles).  This gives, for
 * any field values, a mesh that is closed and manifold away from the grid
 * border: every edge belongs to exactly two triangles, a vertex is made
 * once per grid edge it lies on, no triangle repeats an index or has zero
 * area (a crossing is kept at least OCSDF_MESH_TMIN of the edge away from
 * its ends), and triangles wind counter-clockwise seen from outside.
 *
 * Pruning: when f is L-Lipschitz (|f(x) - f(y)| <= L |x - y| in the units of
 * the grid coordinates), a block of cells whose centre c has
 * |f(c) - level| > L * (half the block's diagonal) lies wholly on one side
 * of the level and holds no surface.  Blocks are tested coarse to fine and
 * only blocks that may hold the surface are refined, down to leaves of
 * `leaf` cells a side whose grid points are then all evaluated, so the work
 * grows with the area of the surface rather than the volume of the grid.
 * The cells skipped are exactly cells whose corners all lie on one side, so
 * the mesh is the one the dense grid gives, vertex for vertex and triangle
 * for triangle, provided the callback is deterministic (the same point gives
 * the same value whatever batch it comes in) and L is a true bound.  A
 * small safety margin covers float rounding of the points and values.
 *
 * Memory: the dense path keeps two planes of the grid; the pruned path
 * keeps the values of the leaves near the surface, one byte per leaf and
 * one uint32 per leaf-sized block of grid points (5/8 byte per grid point
 * with leaves of 2 cells), never a float per grid point.
 */
#ifndef OCSDF_MESH_H
#define OCSDF_MESH_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"

/* f[i] = field at point xyz[i*d .. i*d+d-1] for i < n, n <= the batch size
 * given in the options; d is 3 for surfaces and 2 for contours.  Must be
 * deterministic and must not keep the pointers. */
typedef void (*ocsdf_field_fn)(void *ctx, const float *xyz, int n, float *f);
/* The same, plus g[i*d + a] = df/dx_a at point i.  f may be ignored. */
typedef void (*ocsdf_grad_fn)(void *ctx, const float *xyz, int n, float *f, float *g);
/* Called now and then with the fraction of the work done, in [0, 1]. */
typedef void (*ocsdf_progress_fn)(void *ctx, double done);

/* Crossings are clamped to [TMIN, 1 - TMIN] along their grid edge. */
#define OCSDF_MESH_TMIN (1.0 / 1024)
/* Largest grid, points per axis. */
#define OCSDF_MESH_MAX_N 4097

/* n[a] points per axis a, from lo[a] to hi[a] inclusive (n >= 2, lo < hi):
 * point (i, j, k) is lo + (i, j, k) * (hi - lo) / (n - 1). */
typedef struct ocsdf_grid3 {
	double lo[3], hi[3];
	int n[3];
} ocsdf_grid3;

typedef struct ocsdf_mesh_opts {
	double level;
	double lipschitz;  /* L > 0 with prune; ignored without */
	int prune;         /* 1: coarse-to-fine Lipschitz pruning; 0: every grid point */
	int batch;         /* points per callback call, >= 1 */
	int leaf;          /* leaf cells a side, a power of two; 0: default (2) */
	ocsdf_progress_fn progress; /* may be NULL */
	void *progress_ctx;
} ocsdf_mesh_opts;

typedef struct ocsdf_mesh_stats {
	uint64_t evals;        /* points given to the field callback */
	uint64_t grid_evals;   /* of which grid points */
	uint64_t probe_evals;  /* of which block centres (pruning tests) */
	uint64_t grad_evals;   /* points given to the gradient callback */
	uint64_t leaves, leaves_active; /* leaf blocks in the grid, and refined to */
	size_t value_bytes;    /* memory holding field values at the peak */
} ocsdf_mesh_stats;

/* A triangle mesh.  v and normal are nv x 3, tri is nt x 3 vertex indices
 * (counter-clockwise seen from outside).  normal is the unit outward
 * normal, -grad f / |grad f|. */
typedef struct ocsdf_mesh {
	size_t nv, nt;
	float *v, *normal;
	uint32_t *tri;
	size_t cap_v, cap_t;
} ocsdf_mesh;

/* Default options: level 0, no pruning, batch 4096, leaf 2. */
void ocsdf_mesh_opts_default(ocsdf_mesh_opts *o);

/* Extracts the surface f = level of field over grid g into *m (which is
 * overwritten; free with ocsdf_mesh_free).  grad gives the vertex normals;
 * when NULL, or where the gradient is zero, the normals are the averages of
 * the adjacent triangles' normals.  st may be NULL.  Returns 0, 64 (bad grid
 * or options), 65 (the field gave a value that is not finite) or 70 (out of
 * memory, or more than 2^32 - 1 vertices), with e set; *m is then empty. */
int ocsdf_mesh_extract(const ocsdf_grid3 *g, ocsdf_field_fn field, ocsdf_grad_fn grad, void *ctx,
		       const ocsdf_mesh_opts *o, ocsdf_mesh *m, ocsdf_mesh_stats *st,
		       ocsdf_error *e);

void ocsdf_mesh_free(ocsdf_mesh *m);

/* 2D: n[a] points per axis from lo[a] to hi[a] inclusive, as above. */
typedef struct ocsdf_grid2 {
	double lo[2], hi[2];
	int n[2];
} ocsdf_grid2;

/* values[j * n[0] + i] = field at grid point (i, j), evaluated in batches
 * of `batch` points.  Returns 0, 64, or 65 (a value not finite) with e set. */
int ocsdf_field_sample2(const ocsdf_grid2 *g, ocsdf_field_fn field, void *ctx, int batch,
			float *values, ocsdf_error *e);

/* Polylines of a 2D level set.  Line l holds points start[l] .. start[l+1]-1
 * of xy (x, y pairs); closed[l] says whether its last point joins its first.
 * Lines go with the inside (f > level) on their left, with y up. */
typedef struct ocsdf_contour {
	size_t npts, nlines;
	float *xy;
	size_t *start;
	unsigned char *closed;
} ocsdf_contour;

/* Marching squares on values (as from ocsdf_field_sample2) at one level;
 * a saddle cell is decided by the mean of its four corners.  Lines are
 * closed except where they meet the grid border.  Returns 0, 64 or 70 with
 * e set; *c is overwritten (free with ocsdf_contour_free). */
int ocsdf_contour_extract(const ocsdf_grid2 *g, const float *values, double level,
			  ocsdf_contour *c, ocsdf_error *e);

void ocsdf_contour_free(ocsdf_contour *c);

#endif
