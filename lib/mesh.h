/*
 * mesh.h: the level set of a scalar field sampled on a 3D grid (grid.h), as
 * a closed triangle mesh.  (In 2D: contour.h.)
 *
 * A point is inside when f > level (the data side of a signed distance),
 * outside when f <= level.
 *
 * Surfaces are extracted by marching tetrahedra: each grid cube is cut into
 * six tetrahedra around its main diagonal (the Freudenthal triangulation,
 * the same in every cube, so neighbouring cubes agree on the diagonal of
 * each shared face).  Inside a tetrahedron the level set of the linear
 * interpolant is one triangle or one quad (two triangles).  The grid
 * points on the faces of the box count as outside whatever their value, so
 * that a level set that reaches the box is capped just inside its faces
 * (within OCSDF_GRID_TMIN of a cell) rather than left open.  This gives,
 * for any field values, a mesh that is closed and manifold: every edge
 * belongs to exactly two triangles, a vertex is made
 * once per grid edge it lies on, no triangle repeats an index or has zero
 * area (a crossing is kept at least OCSDF_GRID_TMIN of the edge away from
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
#include "grid.h"

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
	int capped;            /* 1: the level set reaches the box, the
	                        * surface is capped at its faces */
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

/* n = (b - a) x (c - a) for triangle t of m, corners a, b, c: its normal
 * by the right-hand rule (outward), twice its area long, in double. */
void ocsdf_mesh_triangle_normal(const ocsdf_mesh *m, size_t t, double n[3]);

#endif
