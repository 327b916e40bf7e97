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

void ocsdf_grid_range(const float *v, size_t n, double *lo, double *hi)
{
	double vmin = INFINITY, vmax = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		vmin = vmin < v[i] ? vmin : v[i];
		vmax = vmax > v[i] ? vmax : v[i];
	}
	*lo = vmin;
	*hi = vmax;
}

int ocsdf_grid_check_box(const ocsdf_grid_spec *s, ocsdf_error *e)
{
	if (!s->box)
		return 0;
	if (s->nbox != 2 * s->d)
		return ocsdf_error_set(e, OCSDF_EUSAGE,
				       "--box: %d numbers given, %d expected (LO,HI for each of the %d "
				       "features)",
				       s->nbox, 2 * s->d, s->d);
	for (int a = 0; a < s->d; a++)
		if (!(s->box[2 * a] < s->box[2 * a + 1]))
			return ocsdf_error_set(e, OCSDF_EUSAGE, "--box: the bounds of '%s' are not LO < HI",
					       s->names[a]);
	return 0;
}

/* The box of axis a, before it is widened to whole cells. */
static void box_of(const ocsdf_grid_spec *s, int a, double *lo, double *hi)
{
	if (s->box) {
		*lo = s->box[2 * a];
		*hi = s->box[2 * a + 1];
	} else if (s->pts && s->npts > 0 && !(s->box_k > 0)) {
		*lo = INFINITY;
		*hi = -INFINITY;
		for (size_t i = 0; i < s->npts; i++) {
			*lo = fmin(*lo, s->pts[i * (size_t)s->d + (size_t)a]);
			*hi = fmax(*hi, s->pts[i * (size_t)s->d + (size_t)a]);
		}
		double pad = *hi > *lo ? 0.1 * (*hi - *lo) : s->std[a];
		*lo -= pad;
		*hi += pad;
	} else {
		double k = s->box_k > 0 ? s->box_k : 3;
		*lo = s->mean[a] - k * s->std[a];
		*hi = s->mean[a] + k * s->std[a];
	}
}

int ocsdf_grid_choose(const ocsdf_grid_spec *s, double *lo, double *hi, int *n, ocsdf_error *e)
{
	int d = s->d;
	for (int a = 0; a < d; a++)
		box_of(s, a, &lo[a], &hi[a]);
	double longest = 0;
	for (int a = 0; a < d; a++)
		longest = fmax(longest, (hi[a] - lo[a]) / s->std[a]);
	double h = longest / (s->resolution - 1);
	for (int a = 0; a < d; a++) {
		double ext = (hi[a] - lo[a]) / s->std[a];
		double cells = ceil(ext / h - 1e-9);
		/* A box beyond the range of doubles, or so small against the
		 * model's standard deviations that its cells vanish (or become
		 * subnormal numbers, too coarse to count cells with). */
		if (!(longest >= 1e-290) || !isfinite(h) || !(cells < 4096))
			return ocsdf_error_set(e, OCSDF_EUSAGE,
					       "the grid box cannot be divided into cells in the model's "
					       "units; give --box LO,HI,... between -1e30 and 1e30, at least "
					       "1e-290 standard deviations wide");
		n[a] = cells < 1 ? 2 : (int)cells + 1;
		/* Widen the box evenly to a whole number of cubic cells. */
		double mid = 0.5 * (lo[a] + hi[a]), half = 0.5 * (n[a] - 1) * h * s->std[a];
		lo[a] = mid - half;
		hi[a] = mid + half;
		if (!isfinite(lo[a]) || !isfinite(hi[a]) || !(lo[a] < hi[a]))
			return ocsdf_error_set(e, OCSDF_EUSAGE,
					       "the grid box of '%s' cannot be widened to whole cells within "
					       "the range of doubles; give --box LO,HI,... between -1e30 and "
					       "1e30",
					       s->names[a]);
	}
	return 0;
}
