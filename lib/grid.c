/* grid.c: checking grids and sampling fields on them (see grid.h). */
#include "grid.h"

#include <math.h>
#include <stdlib.h>

int ocsdf_grid_check(const double *lo, const double *hi, const int *n, int dim, ocsdf_error *e)
{
	for (int a = 0; a < dim; a++) {
		if (!isfinite(lo[a]) || !isfinite(hi[a]) || !(lo[a] < hi[a]))
			return ocsdf_error_set(e, OCSDF_EUSAGE,
					       "grid axis %d: bounds [%g, %g] are not an interval",
					       a + 1, lo[a], hi[a]);
		if (n[a] < 2 || n[a] > OCSDF_GRID_MAX_N)
			return ocsdf_error_set(e, OCSDF_EUSAGE,
					       "grid axis %d: %d points, expected 2 to %d", a + 1,
					       n[a], OCSDF_GRID_MAX_N);
	}
	return 0;
}

double ocsdf_grid_clamp_crossing(double t)
{
	if (!(t >= OCSDF_GRID_TMIN))
		return OCSDF_GRID_TMIN;
	if (t > 1 - OCSDF_GRID_TMIN)
		return 1 - OCSDF_GRID_TMIN;
	return t;
}

int ocsdf_grid_sample2(const ocsdf_grid2 *g, ocsdf_field_fn field, void *ctx, int batch,
		       float *values, ocsdf_error *e)
{
	int r = ocsdf_grid_check(g->lo, g->hi, g->n, 2, e);
	if (r)
		return r;
	if (!field || batch < 1)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "no field, or batch %d < 1", batch);
	float *xy = malloc((size_t)batch * 2 * sizeof *xy);
	if (!xy)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	double h0 = (g->hi[0] - g->lo[0]) / (g->n[0] - 1), h1 = (g->hi[1] - g->lo[1]) / (g->n[1] - 1);
	size_t total = (size_t)g->n[0] * (size_t)g->n[1];
	for (size_t p0 = 0; p0 < total && !r; p0 += (size_t)batch) {
		int nb = (int)(total - p0 < (size_t)batch ? total - p0 : (size_t)batch);
		for (int q = 0; q < nb; q++) {
			size_t p = p0 + (size_t)q;
			xy[2 * q] = (float)(g->lo[0] + h0 * (double)(p % (size_t)g->n[0]));
			xy[2 * q + 1] = (float)(g->lo[1] + h1 * (double)(p / (size_t)g->n[0]));
		}
		field(ctx, xy, nb, values + p0);
		for (int q = 0; q < nb; q++)
			if (!isfinite(values[p0 + (size_t)q])) {
				r = ocsdf_error_set(e, OCSDF_EDATA,
						    "the field is not finite at (%g, %g)",
						    (double)xy[2 * q], (double)xy[2 * q + 1]);
				break;
			}
	}
	free(xy);
	return r;
}
