/*
 * sampler.h: walks along the gradient of the learned function towards a
 * level set (the paper's Algorithm 1 and the walks of ocsdf-sample).
 *
 * All points of a batch advance together: each step is one batched forward
 * and input-gradient pass.  Points are in the model's standardized units.
 */
#ifndef OCSDF_SAMPLER_H
#define OCSDF_SAMPLER_H

#include <signal.h>

#include "lipnet.h"
#include "model.h"
#include "rng.h"

typedef struct ocsdf_walk_opts {
	int steps;         /* T >= 0 */
	double level;      /* target level of f */
	double eta;        /* step scale */
	int eta_random;    /* 1: eta_i ~ U[0, eta] per point, drawn once per walk */
	int fraction;      /* 1: each step covers eta_i/T of the gap to the level
	                    * (Algorithm 1); 0: eta_i of it (a Newton step) */
	int newton;        /* 1: direction g/||g||^2, exact for a linear f;
	                    * 0: g/||g||, exact for a unit-gradient f */
	int one_sided;     /* 1: only points with f < level move, at each step */
	int freeze_above;  /* 1: points with f >= level at the start never move;
	                    * the others walk both ways to the level */
	double box;        /* > 0: clamp every coordinate to [-box, box] */
	const volatile sig_atomic_t *stop; /* unless NULL: once *stop is set,
	                    * the walk ends after its current step */
	double tol;        /* > 0: a point within tol of the level has reached
	                    * it and stops; the walk ends once all have */
} ocsdf_walk_opts;

/* The walk that makes the trainer's negatives under settings s, with T
 * steps (T = 0 during warm-up), no tolerance and no stop flag. */
void ocsdf_sampler_negative_opts(const ocsdf_train_settings *s, int T, ocsdf_walk_opts *o);

/* The walk of ocsdf-sample --mode boundary and inside: Newton steps (eta
 * 1, the whole gap each step) to f = level until every point is within
 * tol of it, at most T of them.  Points from a file (from_rows) that
 * start at or above the level stay put, the others walk both ways to it,
 * unclamped; points drawn in the box [-box, box]^d stay in it.  No stop
 * flag. */
void ocsdf_sampler_level_opts(int T, double level, double tol, double box, int from_rows,
			      ocsdf_walk_opts *o);

/* Starting points for the walks, B x d: uniform in the box [-box, box]^d
 * (init 0, the paper), or a Gaussian per feature with standard deviation
 * gauss_std[j] (init 1, the authors' tabular code). */
void ocsdf_sampler_init(float *z, int B, int d, int init, double box, const float *gauss_std,
			ocsdf_rng *rng);

/* Walks the B points of z (B x d, in place; B <= the net's max_batch).
 * f (B floats) receives f at the final points unless NULL: that costs one
 * more forward pass.  g (B x d), eta (B) and fwork (B) are workspace.  rng
 * draws the per-point step scales.  Returns, when o->tol > 0 and f is
 * given, how many points reached the level: those within tol of it at the
 * end, and those frozen above it (freeze_above); else 0. */
int ocsdf_sampler_walk(ocsdf_lipnet *net, const float *theta, float *z, int B,
			const ocsdf_walk_opts *o, ocsdf_rng *rng, float *f, float *g, float *eta,
			float *fwork);

/* Whether a walked point with final value f and step scale eta (the
 * walk's eta[i]) counts as having reached the level: the rule of the count
 * ocsdf_sampler_walk returns. */
int ocsdf_sampler_reached(const ocsdf_walk_opts *o, float f, float eta);

#endif
