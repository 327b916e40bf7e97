/*
 * meshtopo.h: the connected parts of a triangle mesh, their topology, and
 * the filling of enclosed cavities.
 *
 * A point cloud sampled on a surface (rather than in a solid) has a thin
 * shell for support: the level set of its signed distance is then two
 * sheets, the outer surface and the wall of the cavity inside it.  The
 * cavity wall is a closed part whose signed volume is negative (its
 * triangles face into the region it encloses, which lies outside the
 * support); filling the cavity removes that wall and every part enclosed
 * by it, and leaves the outer surface alone.
 */
#ifndef OCSDF_MESHTOPO_H
#define OCSDF_MESHTOPO_H

#include <stddef.h>

#include "errors.h"
#include "mesh.h"

/* One connected part (triangles sharing vertices, transitively). */
typedef struct ocsdf_mesh_part {
	size_t nv, nt, ne;   /* vertices, triangles, distinct edges */
	long euler;          /* nv - ne + nt: 2 - 2 genus when closed */
	int closed;          /* every edge in exactly two triangles, opposite ways */
	double volume;       /* signed enclosed volume (divergence theorem) */
	double lo[3], hi[3]; /* bounding box */
} ocsdf_mesh_part;

/* Splits m into parts, largest (by triangles) first.  *parts is malloc'd
 * (NULL when m has no triangle); when part_of is not NULL it receives a
 * malloc'd array giving each triangle's part.  Returns 0, or 70 (out of
 * memory, or more than 2^32 - 1 triangles) with e set. */
int ocsdf_mesh_parts(const ocsdf_mesh *m, ocsdf_mesh_part **parts, size_t *nparts,
		     size_t **part_of, ocsdf_error *e);

/* Removes the cavity walls of m (closed parts of negative volume) and the
 * parts they enclose, and the vertices no longer used.  *walls and
 * *removed (either may be NULL) receive the numbers of cavity walls and of
 * parts removed in all.  Returns 0, or 70 with e set (m is then unchanged). */
int ocsdf_mesh_fill_cavities(ocsdf_mesh *m, size_t *walls, size_t *removed, ocsdf_error *e);

#endif
