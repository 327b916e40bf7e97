/* sampler.c: batched gradient walks to a level set (see sampler.h). */
#include "sampler.h"

#include <math.h>

void ocsdf_sampler_negative_opts(const ocsdf_train_settings *s, int T, ocsdf_walk_opts *o)
{
	/* The paper walks both ways to the level -m with unit-gradient steps;
	 * the authors' code takes Newton steps to level 0, moving only the
	 * points outside.  Every other field is 0: no tolerance (a walk of
	 * fixed length), no stop flag. */
	*o = (ocsdf_walk_opts){.steps = T,
			       .level = s->newton_level0 ? 0.0 : -s->margin,
			       .eta = 1,
			       .eta_random = 1,
			       .fraction = 1,
			       .newton = s->newton_level0,
			       .one_sided = s->newton_level0,
			       .box = s->box};
}

void ocsdf_sampler_level_opts(int T, double level, double tol, double box, int from_rows,
			      ocsdf_walk_opts *o)
{
	/* A row that is already at or above the level stays put: the walk
	 * answers "what is the nearest point at that level" only for the
	 * rows below it.  Every other field is 0 (no random step scale, whole
	 * Newton steps, both ways, no stop flag). */
	*o = (ocsdf_walk_opts){.steps = T,
			       .level = level,
			       .eta = 1,
			       .newton = 1,
			       .freeze_above = from_rows != 0,
			       .box = from_rows ? 0 : box,
			       .tol = tol};
}

void ocsdf_sampler_init(float *z, int B, int d, int init, double box, const float *gauss_std,
			ocsdf_rng *rng)
{
	for (int i = 0; i < B; i++)
		for (int j = 0; j < d; j++) {
			double v;
			if (init == 1 && gauss_std)
				v = gauss_std[j] * ocsdf_rng_normal(rng);
			else
				v = box * (2.0 * ocsdf_rng_uniform(rng) - 1.0);
			z[(size_t)i * d + j] = (float)v;
		}
}

int ocsdf_sampler_walk(ocsdf_lipnet *net, const float *theta, float *z, int B,
		       const ocsdf_walk_opts *o, ocsdf_rng *rng, float *f, float *g, float *eta,
		       float *fwork)
{
	int d = ocsdf_lipnet_arch(net)->d, reached = 0;
	float box = (float)o->box;

	for (int i = 0; i < B; i++)
		eta[i] = (float)(o->eta_random ? o->eta * ocsdf_rng_uniform(rng) : o->eta);
	for (int t = 0; t < o->steps && !(o->stop && *o->stop); t++) {
		int moving = 0;
		ocsdf_lipnet_input_grad(net, theta, z, B, fwork, g);
		for (int i = 0; i < B; i++) {
			float *zi = z + (size_t)i * d;
			const float *gi = g + (size_t)i * d;
			double gn2 = 0, gap = o->level - fwork[i], scale;
			for (int j = 0; j < d; j++)
				gn2 += (double)gi[j] * gi[j];
			if (t == 0 && o->freeze_above && gap <= 0)
				eta[i] = 0;
			if ((o->one_sided && gap <= 0) || eta[i] == 0 || fabs(gap) <= o->tol)
				continue;
			moving++;
			scale = o->newton ? gap / (gn2 + 1e-8) : gap / (sqrt(gn2) + 1e-12);
			scale *= o->fraction ? eta[i] / o->steps : eta[i];
			for (int j = 0; j < d; j++) {
				float v = zi[j] + (float)(scale * gi[j]);
				if (box > 0)
					v = v < -box ? -box : v > box ? box : v;
				zi[j] = v;
			}
		}
		/* No point moved: every further step would find them where they
		 * are. */
		if (!moving)
			break;
	}
	if (!f)
		return 0;
	ocsdf_lipnet_forward(net, theta, z, B, f);
	for (int i = 0; o->tol > 0 && i < B; i++)
		reached += ocsdf_sampler_reached(o, f[i], eta[i]);
	return reached;
}

int ocsdf_sampler_reached(const ocsdf_walk_opts *o, float f, float eta)
{
	return fabs(o->level - f) <= o->tol || (o->freeze_above && eta == 0);
}
