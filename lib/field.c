/* field.c: a model as a field for the level-set extractions (see field.h). */
#include "field.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "scale.h"
#include "score.h"

struct ocsdf_field {
	ocsdf_scorer *sc;
	int d;
	double *X; /* batch x d: the points in double, as the scorer takes them */
};

ocsdf_field *ocsdf_field_new(const ocsdf_model *m, int batch)
{
	ocsdf_field *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->d = m->arch.d;
	f->sc = ocsdf_scorer_new(m, batch);
	f->X = malloc((size_t)batch * (size_t)f->d * sizeof *f->X);
	if (!f->sc || !f->X) {
		ocsdf_field_free(f);
		return NULL;
	}
	return f;
}

void ocsdf_field_free(ocsdf_field *f)
{
	if (!f)
		return;
	ocsdf_scorer_free(f->sc);
	free(f->X);
	free(f);
}

void ocsdf_field_eval(void *field, const float *xyz, int n, float *f)
{
	ocsdf_field *c = field;
	for (size_t i = 0; i < (size_t)n * (size_t)c->d; i++)
		c->X[i] = xyz[i];
	ocsdf_scorer_run(c->sc, c->X, n, f);
}

void ocsdf_field_grad(void *field, const float *xyz, int n, float *f, float *g)
{
	ocsdf_field *c = field;
	for (size_t i = 0; i < (size_t)n * (size_t)c->d; i++)
		c->X[i] = xyz[i];
	ocsdf_scorer_grad(c->sc, c->X, n, f, g);
}

double ocsdf_field_lipschitz(const ocsdf_model *m)
{
	/* lipschitz_raw bounds f for exactly orthonormal weights.  The saved
	 * ones are off by ortho_error per entry, so each layer's spectral norm
	 * is at most sqrt(1 + width * ortho_error); the last factor covers
	 * float rounding in the network. */
	double L = m->stats.lipschitz_raw;
	if (!(L > 0) || !isfinite(L))
		L = ocsdf_scale_lipschitz(m->std, m->arch.d);
	double eps = m->stats.ortho_error > 0 ? m->stats.ortho_error : 0;
	return L * (pow(sqrt(1 + (double)m->arch.width * eps), m->arch.depth + 1) * (1 + 1e-3));
}

static const char *ordinal(int p)
{
	return p == 1 ? "st" : p == 2 ? "nd" : p == 3 ? "rd" : "th";
}

int ocsdf_field_level(const ocsdf_model *m, const char *name, int percentile, double *level,
		      char *what, size_t size, ocsdf_error *e)
{
	if (percentile != 0 && percentile != 1 && percentile != 5 && percentile != 50)
		return ocsdf_error_set(e, OCSDF_EUSAGE,
				       "percentile %d: a model records the 1st, 5th and 50th "
				       "percentiles of f only",
				       percentile);
	double v = percentile <= 1 ? m->stats.f_p1 : percentile == 5 ? m->stats.f_p5 : m->stats.f_p50;
	if (m->stats.rows == 0 || !isfinite(v))
		return ocsdf_error_set(e, OCSDF_EDATA,
				       "%s records no statistics of f over training rows; give --level L",
				       name);
	if (percentile) {
		snprintf(what, size, "%d%s percentile of the training rows", percentile,
			 ordinal(percentile));
	} else if (v > 0) {
		snprintf(what, size, "the learned boundary; 1st percentile %.3g", m->stats.f_p1);
		v = 0;
	} else {
		snprintf(what, size, "1st percentile of the training rows");
	}
	*level = v;
	return 0;
}
