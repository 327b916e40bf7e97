/* score.c: scoring raw rows with a model (see score.h). */
#include "score.h"

#include <stdlib.h>
#include <string.h>

#include "lipnet.h"
#include "scale.h"

struct ocsdf_scorer {
	const ocsdf_model *m;
	ocsdf_lipnet *net;
	float *Z;
};

ocsdf_scorer *ocsdf_scorer_new(const ocsdf_model *m, int max_rows)
{
	ocsdf_scorer *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->m = m;
	s->net = ocsdf_lipnet_new(&m->arch, max_rows);
	s->Z = malloc(sizeof(float) * (size_t)max_rows * (size_t)m->arch.d);
	if (!s->net || !s->Z) {
		ocsdf_scorer_free(s);
		return NULL;
	}
	return s;
}

void ocsdf_scorer_free(ocsdf_scorer *s)
{
	if (!s)
		return;
	ocsdf_lipnet_free(s->net);
	free(s->Z);
	free(s);
}

void ocsdf_scorer_run(ocsdf_scorer *s, const double *X, int n, float *f)
{
	ocsdf_scale_apply(X, (size_t)n, s->m->arch.d, s->m->mean, s->m->std, s->Z);
	ocsdf_lipnet_eval(s->net, s->m->theta, s->Z, n, f);
}

void ocsdf_scorer_grad(ocsdf_scorer *s, const double *X, int n, float *f, float *g)
{
	int d = s->m->arch.d;
	ocsdf_scale_apply(X, (size_t)n, d, s->m->mean, s->m->std, s->Z);
	ocsdf_lipnet_input_grad(s->net, s->m->theta, s->Z, n, f, g);
	/* dz/dx = 1/std per feature. */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < d; j++)
			g[(size_t)i * d + j] = (float)(g[(size_t)i * d + j] / s->m->std[j]);
}

int ocsdf_score_name_is_raw(const char *name)
{
	size_t n = strlen(name), k = strlen(OCSDF_SCORE_RAW_SUFFIX);
	return n >= k && strcmp(name + n - k, OCSDF_SCORE_RAW_SUFFIX) == 0;
}
