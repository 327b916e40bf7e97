/* sampler.c: batched gradient walks to a level set (see sampler.h). */
#include "sampler.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scale.h"

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
	 * rows below it.  A start from noise that stalls (on a ridge of f,
	 * where the gradient vanishes) is drawn again, a few times: the
	 * points asked for are points on the level, wherever they start.
	 * Every other field is 0 (no random step scale, whole Newton steps,
	 * both ways, no stop flag). */
	*o = (ocsdf_walk_opts){.steps = T,
			       .level = level,
			       .eta = 1,
			       .newton = 1,
			       .freeze_above = from_rows != 0,
			       .box = from_rows ? 0 : box,
			       .tol = tol,
			       .restarts = from_rows ? 0 : OCSDF_WALK_RESTARTS};
}

void ocsdf_sampler_mode_opts(const ocsdf_model *m, int mode, int T, const double *level, double tol,
			     int from_rows, ocsdf_walk_opts *o)
{
	if (mode == OCSDF_WALK_NEGATIVE) {
		ocsdf_sampler_negative_opts(&m->settings, T >= 0 ? T : m->settings.newton_steps, o);
		return;
	}
	double to = level ? *level : mode == OCSDF_WALK_BOUNDARY ? 0.0 : m->stats.f_mean;
	ocsdf_sampler_level_opts(T >= 0 ? T : OCSDF_WALK_LEVEL_STEPS, to, tol, m->settings.box, from_rows, o);
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

struct ocsdf_walker {
	ocsdf_lipnet *net;
	int d;
	float *g;      /* max_batch x d: the gradient at the current points */
	float *eta;    /* max_batch: the step scale of each point */
	float *fwork;  /* max_batch: f at the current points */
};

ocsdf_walker *ocsdf_walker_new(ocsdf_lipnet *net, int max_batch)
{
	/* One block: the struct, then its buffers (floats, aligned after a
	 * struct of pointers). */
	size_t n = max_batch >= 1 ? (size_t)max_batch : 0, d = (size_t)ocsdf_lipnet_arch(net)->d;
	ocsdf_walker *w = n ? malloc(sizeof *w + sizeof(float) * n * (d + 2)) : NULL;
	if (!w)
		return NULL;
	w->net = net;
	w->d = (int)d;
	w->g = (float *)(w + 1);
	w->eta = w->g + n * d;
	w->fwork = w->eta + n;
	return w;
}

void ocsdf_walker_free(ocsdf_walker *w)
{
	free(w);
}

const float *ocsdf_walker_grad(const ocsdf_walker *w)
{
	return w->g;
}

/* Whether a walked point with final value f and step scale eta counts as
 * having reached the level: within tol of it, or frozen above it. */
static int reached(const ocsdf_walk_opts *o, float f, float eta)
{
	return fabs(o->level - f) <= o->tol || (o->freeze_above && eta == 0);
}

/* One step of point zi (d coordinates) with value fi, gradient gi and
 * step scale *eta at step t.  Returns 1 if it moved, 0 if it stays. */
static int step(const ocsdf_walk_opts *o, int t, int d, float *zi, const float *gi, float fi, float *eta)
{
	float box = (float)o->box;
	double gn2 = 0, gap = o->level - fi, scale;
	for (int j = 0; j < d; j++)
		gn2 += (double)gi[j] * gi[j];
	if (t == 0 && o->freeze_above && gap <= 0)
		*eta = 0;
	if ((o->one_sided && gap <= 0) || *eta == 0 || fabs(gap) <= o->tol)
		return 0;
	scale = o->newton ? gap / (gn2 + 1e-8) : gap / (sqrt(gn2) + 1e-12);
	scale *= o->fraction ? *eta / o->steps : *eta;
	for (int j = 0; j < d; j++) {
		float v = zi[j] + (float)(scale * gi[j]);
		if (box > 0)
			v = v < -box ? -box : v > box ? box : v;
		zi[j] = v;
	}
	return 1;
}

/* One walk of the B points of z without restarts: what
 * ocsdf_walker_walk returns. */
static int walk_once(ocsdf_walker *w, const float *theta, float *z, int B, const ocsdf_walk_opts *o,
		     ocsdf_rng *rng, float *f)
{
	int d = w->d, count = 0;

	for (int i = 0; i < B; i++)
		w->eta[i] = (float)(o->eta_random ? o->eta * ocsdf_rng_uniform(rng) : o->eta);
	for (int t = 0; t < o->steps && !(o->stop && *o->stop); t++) {
		int moving = 0;
		ocsdf_lipnet_input_grad(w->net, theta, z, B, w->fwork, w->g);
		for (int i = 0; i < B; i++)
			moving += step(o, t, d, z + (size_t)i * d, w->g + (size_t)i * d, w->fwork[i], &w->eta[i]);
		/* No point moved: every further step would find them where they
		 * are. */
		if (!moving)
			break;
	}
	if (!f)
		return 0;
	ocsdf_lipnet_forward(w->net, theta, z, B, f);
	for (int i = 0; o->tol > 0 && i < B; i++)
		count += reached(o, f[i], w->eta[i]);
	return count;
}

int ocsdf_walker_walk(ocsdf_walker *w, const float *theta, float *z, int B, const ocsdf_walk_opts *o,
		      ocsdf_rng *rng, float *f)
{
	int count = walk_once(w, theta, z, B, o, rng, f), d = w->d;
	for (int round = 0; f && o->tol > 0 && o->box > 0 && count < B && round < o->restarts; round++) {
		for (int i = 0; i < B; i++)
			if (!reached(o, f[i], w->eta[i]))
				ocsdf_sampler_init(z + (size_t)i * d, 1, d, OCSDF_INIT_UNIFORM, o->box, NULL, rng);
		count = walk_once(w, theta, z, B, o, rng, f);
	}
	return count;
}

int ocsdf_sampler_delta_name(char *buf, size_t len, const char *name)
{
	return snprintf(buf, len, "delta_%.64s", name);
}

/* The role of each column of s (s->feature) but the features': -1, or
 * OCSDF_SAMPLER_DROPPED for sdf and delta_NAME of a feature of m. */
static void mark_dropped(ocsdf_sampler_rows *s, const ocsdf_model *m)
{
	for (int k = 0; k < s->nc; k++) {
		const char *name = ocsdf_csv_colname(s->r, k);
		s->feature[k] = strcmp(name, "sdf") == 0 ? OCSDF_SAMPLER_DROPPED : -1;
		for (int j = 0; j < m->arch.d; j++) {
			char dn[64 + 8];
			ocsdf_sampler_delta_name(dn, sizeof dn, m->names[j]);
			if (strcmp(name, dn) == 0)
				s->feature[k] = OCSDF_SAMPLER_DROPPED;
		}
	}
}

/* The features' columns of s, every column kept as text. */
static int select_columns(ocsdf_sampler_rows *s, const ocsdf_model *m, ocsdf_error *e)
{
	int d = m->arch.d, rc = 0, *all = malloc(sizeof(int) * (size_t)s->nc);
	if (!all)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	for (int k = 0; k < s->nc; k++)
		all[k] = k;
	for (int j = 0; j < d && !rc; j++) {
		rc = ocsdf_csv_find_name(s->r, m->names[j], "a feature of the model", &s->cols[j], e);
		if (!rc)
			s->feature[s->cols[j]] = j;
	}
	if (!rc)
		rc = ocsdf_csv_select(s->r, s->cols, d, all, s->nc, 0, e);
	free(all);
	return rc;
}

int ocsdf_sampler_rows_open(ocsdf_sampler_rows *s, const char *path, const ocsdf_csv_options *opt,
			    const ocsdf_model *m, ocsdf_error *e)
{
	int rc;
	memset(s, 0, sizeof *s);
	if ((rc = ocsdf_csv_open_features(path, opt, (const char *const *)m->names, m->arch.d, NULL, &s->r, e)))
		return rc;
	s->nc = ocsdf_csv_ncols(s->r);
	/* One block: the features' columns, then the columns' roles. */
	s->cols = malloc(sizeof(int) * ((size_t)m->arch.d + (size_t)s->nc));
	if (!s->cols)
		rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	else
		s->feature = s->cols + m->arch.d;
	if (!rc) {
		mark_dropped(s, m);
		rc = select_columns(s, m, e);
	}
	if (rc) {
		ocsdf_sampler_rows_close(s);
		return rc;
	}
	ocsdf_csv_check_scale(s->r, m->mean, m->std);
	return 0;
}

int ocsdf_sampler_rows_next(ocsdf_sampler_rows *s, const ocsdf_model *m, int max, float *z, ocsdf_error *e)
{
	int rc = ocsdf_csv_next(s->r, max, &s->b, e);
	if (!rc)
		ocsdf_scale_apply(s->b.num, (size_t)s->b.nrows, m->arch.d, m->mean, m->std, z);
	return rc;
}

void ocsdf_sampler_rows_close(ocsdf_sampler_rows *s)
{
	ocsdf_csv_close(s->r);
	free(s->cols);
	*s = (ocsdf_sampler_rows){0};
}
