/* attack.c: l2 PGD on a model's score in raw input space (see attack.h). */
#include "attack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* Measured on random and trained networks: 0.75 gained more than 0.5 and
 * as much as 0.9, and clearly more than no momentum. */
#define MOMENTUM 0.75

struct ocsdf_attack {
	ocsdf_scorer *sc;
	int d, max_rows;
	double *delta;  /* max_rows x d: current perturbation */
	double *vel;    /* max_rows x d: momentum of the steps */
	double *Xa;     /* max_rows x d: X + delta */
	float *f;       /* max_rows: scores at Xa */
	float *g;       /* max_rows x d: their raw-input gradients */
};

ocsdf_attack *ocsdf_attack_new(const ocsdf_model *m, ocsdf_scorer *sc, int max_rows)
{
	ocsdf_attack *a;
	size_t nd;
	if (max_rows < 1)
		return NULL;
	a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->sc = sc;
	a->d = m->arch.d;
	a->max_rows = max_rows;
	nd = (size_t)max_rows * (size_t)a->d;
	a->delta = malloc(nd * sizeof *a->delta);
	a->vel = malloc(nd * sizeof *a->vel);
	a->Xa = malloc(nd * sizeof *a->Xa);
	a->f = malloc((size_t)max_rows * sizeof *a->f);
	a->g = malloc(nd * sizeof *a->g);
	if (!a->delta || !a->vel || !a->Xa || !a->f || !a->g) {
		ocsdf_attack_free(a);
		return NULL;
	}
	return a;
}

void ocsdf_attack_free(ocsdf_attack *a)
{
	if (!a)
		return;
	free(a->delta);
	free(a->vel);
	free(a->Xa);
	free(a->f);
	free(a->g);
	free(a);
}

/* A point drawn uniformly from the ball of radius eps in d dimensions: a
 * Gaussian direction, and a radius eps·U^(1/d) so that volume, not radius,
 * is uniform.  Its own generator per (row, restart) keeps a row's starts
 * independent of the rows around it. */
static void random_start(const ocsdf_rng *base, uint64_t row, int restart, double eps, int d,
			 double *delta)
{
	ocsdf_rng t = *base;
	ocsdf_rng r = ocsdf_rng_split(&t, row * (uint64_t)(OCSDF_ATTACK_MAX_RESTARTS + 1) +
						 (uint64_t)restart);
	double ss = 0, scale;
	for (int j = 0; j < d; j++) {
		delta[j] = ocsdf_rng_normal(&r);
		ss += delta[j] * delta[j];
	}
	scale = ss > 0 ? eps * pow(ocsdf_rng_uniform(&r), 1.0 / d) / sqrt(ss) : 0;
	for (int j = 0; j < d; j++)
		delta[j] *= scale;
}

/* Keeps for each row the score farthest in the direction of its push. */
static void keep_worst(ocsdf_attack *a, const signed char *push, int n, float *f_adv,
		       double *X_adv)
{
	int d = a->d;
	for (int i = 0; i < n; i++) {
		float f = a->f[i];
		if (push[i] < 0 ? f < f_adv[i] : f > f_adv[i]) {
			f_adv[i] = f;
			if (X_adv)
				memcpy(X_adv + (size_t)i * d, a->Xa + (size_t)i * d, sizeof(double) * (size_t)d);
		}
	}
}

void ocsdf_attack_pgd(ocsdf_attack *a, const double *X, const signed char *push, int n, double eps,
		      const ocsdf_attack_params *p, uint64_t row0, float *f_adv, double *X_adv)
{
	int d = a->d;
	size_t nd = (size_t)n * (size_t)d;
	double alpha;
	ocsdf_rng base;

	if (n <= 0)
		return;
	ocsdf_scorer_run(a->sc, X, n, f_adv);
	if (X_adv)
		memcpy(X_adv, X, sizeof(double) * nd);
	if (!(eps > 0))
		return;
	/* 2.5·eps/steps crosses the ball's diameter in 0.8·steps steps: a
	 * restart can reach the far side from any start and still has steps
	 * left to settle. */
	alpha = 2.5 * eps / p->steps;
	ocsdf_rng_seed(&base, p->seed);
	for (int k = 0; k < p->restarts; k++) {
		for (int i = 0; i < n; i++)
			random_start(&base, row0 + (uint64_t)i, k, eps, d, a->delta + (size_t)i * d);
		memset(a->vel, 0, sizeof(double) * nd);
		for (int t = 0;; t++) {
			for (size_t j = 0; j < nd; j++)
				a->Xa[j] = X[j] + a->delta[j];
			if (t == p->steps) {
				/* The last iterate needs a score, not a gradient. */
				ocsdf_scorer_run(a->sc, a->Xa, n, a->f);
				keep_worst(a, push, n, f_adv, X_adv);
				break;
			}
			ocsdf_scorer_grad(a->sc, a->Xa, n, a->f, a->g);
			keep_worst(a, push, n, f_adv, X_adv);
			for (int i = 0; i < n; i++) {
				double *dl = a->delta + (size_t)i * d, *v = a->vel + (size_t)i * d;
				const float *g = a->g + (size_t)i * d;
				double gg = 0, dd = 0, step;
				for (int j = 0; j < d; j++)
					gg += (double)g[j] * g[j];
				if (!(gg > 0))
					continue;
				/* A normalized step (in l2 the steepest move of a
				 * given length is along the gradient) with heavy-ball
				 * momentum: the gradient of a piecewise linear score
				 * flips across every ridge, and momentum keeps the
				 * progress along the ridge that plain steps lose to
				 * zigzags. */
				step = push[i] * alpha / sqrt(gg);
				for (int j = 0; j < d; j++) {
					v[j] = MOMENTUM * v[j] + step * g[j];
					dl[j] += v[j];
					dd += dl[j] * dl[j];
				}
				if (dd > eps * eps) {
					double s = eps / sqrt(dd);
					for (int j = 0; j < d; j++)
						dl[j] *= s;
				}
			}
		}
	}
}
