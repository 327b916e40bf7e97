/*
 * contour.h: level sets of a field sampled on a 2D grid, as polylines
 * (marching squares).
 *
 * A point is inside when f > level (the data side of a signed distance),
 * outside when f <= level.  A crossing is kept at least OCSDF_GRID_TMIN of
 * its grid edge away from the edge's ends, so no segment is degenerate.
 */
#ifndef OCSDF_CONTOUR_H
#define OCSDF_CONTOUR_H

#include <stddef.h>

#include "errors.h"
#include "grid.h"

/* Polylines of a 2D level set.  Line l holds points start[l] .. start[l+1]-1
 * of xy (x, y pairs); closed[l] says whether its last point joins its first.
 * Lines go with the inside (f > level) on their left, with y up. */
typedef struct ocsdf_contour {
	size_t npts, nlines;
	float *xy;
	size_t *start;
	unsigned char *closed;
} ocsdf_contour;

/* Marching squares on values (as from ocsdf_grid_sample2) at one level; a
 * saddle cell is decided by the mean of its four corners.  Lines are
 * closed except where they meet the grid border.  Returns 0, 64 or 70 with
 * e set; *c is overwritten (free with ocsdf_contour_free). */
int ocsdf_contour_extract(const ocsdf_grid2 *g, const float *values, double level,
			  ocsdf_contour *c, ocsdf_error *e);

void ocsdf_contour_free(ocsdf_contour *c);

#endif
