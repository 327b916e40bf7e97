/*
 * train.h: learning the signed distance function (the paper's lazy
 * Algorithm 3).
 *
 * Each step draws a batch of B data rows and B negatives, made by walking
 * uniform (or Gaussian) noise towards the level -m of the current network
 * (Algorithm 1, sampler.h), then takes one RMSprop step on the hinge
 * Kantorovich-Rubinstein loss
 *
 *   L = mean_P relu(m - f(x)) + mean_Q relu(m + f(z))
 *       + (mean_Q f(z) - mean_P f(x)) / lambda,
 *
 * the paper's lambda*hinge - y*f divided by lambda (same minimiser, the
 * scale of the authors' code).  Weights stay orthonormal either by
 * projecting trained parameters W with Björck at every step and
 * differentiating through it (ortho bjorck), or by stepping on Θ itself and
 * retracting it onto the orthonormal set with a few Newton-Schulz
 * iterations (ortho retract).
 */
#ifndef OCSDF_TRAIN_H
#define OCSDF_TRAIN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "model.h"

/* Ranges of the settings: what the options of ocsdf-train(1) accept, and
 * what a model file may hold (rho and eps have no option). */
#define OCSDF_TRAIN_MARGIN_MIN 1e-9
#define OCSDF_TRAIN_MARGIN_MAX 1e6
#define OCSDF_TRAIN_LAMBDA_MIN 1e-9
#define OCSDF_TRAIN_LAMBDA_MAX 1e12
#define OCSDF_TRAIN_LR_MIN 1e-12
#define OCSDF_TRAIN_LR_MAX 10.0
#define OCSDF_TRAIN_EPS_MIN 1e-12
#define OCSDF_TRAIN_EPS_MAX 1.0
#define OCSDF_TRAIN_BOX_MIN 1e-6
#define OCSDF_TRAIN_BOX_MAX 1e6
#define OCSDF_TRAIN_BJORCK_TOL_MAX 1.0
#define OCSDF_TRAIN_MAX_EPOCHS 1000000
#define OCSDF_TRAIN_MAX_STEPS_PER_EPOCH 100000000
#define OCSDF_TRAIN_MAX_BATCH 65536
#define OCSDF_TRAIN_MAX_NEWTON_STEPS 10000
#define OCSDF_TRAIN_MAX_BJORCK_ITERS 1000
#define OCSDF_TRAIN_MAX_RETRACT_ITERS 100
#define OCSDF_TRAIN_MAX_KNN 255
#define OCSDF_TRAIN_NEAR_MIN 1e-6
#define OCSDF_TRAIN_NEAR_MAX 1e6
#define OCSDF_TRAIN_PUSH_MAX 1e6
#define OCSDF_TRAIN_CONTAMINATION_MAX 0.5
#define OCSDF_TRAIN_LR_HOLD_MAX 0.9
#define OCSDF_TRAIN_AVERAGE_MAX 0.9
#define OCSDF_TRAIN_EIKONAL_MAX 1e6
/* The step of the slope term (--eikonal) from a row up the gradient, as a
 * share of the support radius r: small enough to stay short of the ridge
 * of f inside the support, where the distance stops rising. */
#define OCSDF_TRAIN_SLOPE_STEP 0.05
/* The rise of the bound, per unit of the probe's step, above which the
 * progress counts the probe as on one cone (ocsdf_train_progress). */
#define OCSDF_TRAIN_CONE_RISE 0.9
/* The default and largest weight of the rise term (--slope), relative to
 * the fit. */
#define OCSDF_TRAIN_SLOPE_DEFAULT 3
#define OCSDF_TRAIN_SLOPE_MAX 1e6
/* The default and largest count of rows the ascent starts from
 * (--ascent-rows; tests/bench/DISTANCE.md, "Where the slope is lost"). */
#define OCSDF_TRAIN_ASCENT_ROWS_DEFAULT 500
#define OCSDF_TRAIN_MAX_ASCENT_ROWS 65536

/* Default settings (see ocsdf-train(1) for why). */
void ocsdf_train_default_settings(ocsdf_train_settings *s);
/* Checks every setting against its range (rho in (0, 1)), warmup against
 * epochs, and, unless a is NULL, that a network of shape a can be trained.
 * Returns 0, or 65 with a message naming the field ("settings.batch is 0,
 * expected 1..65536").  The model loader applies it to every file. */
int ocsdf_train_check_settings(const ocsdf_train_settings *s, const ocsdf_arch *a, ocsdf_error *e);
/* Whether m is a checkpoint that ocsdf_train_run can resume on n rows: an
 * interrupted run with its training state, valid settings, and a step
 * within the run (epochs times the steps per epoch that n rows give).
 * Returns 0, or 65 with a message naming the field. */
int ocsdf_train_check_resume(const ocsdf_model *m, uint64_t n, ocsdf_error *e);

/* What the trainer reports as it goes. */
typedef struct ocsdf_train_progress {
	int epoch, epochs;          /* 1-based current epoch */
	uint64_t step, steps;       /* global step, total steps */
	int step_in_epoch, steps_per_epoch;
	double loss;                /* mean over the steps of the epoch so far */
	double f_data, f_neg;       /* mean f on data rows and on negatives */
	double rise_f, rise_bound;  /* with --slope: means over the epoch's rows
	                             * with a probe of the rise of f and of the
	                             * bound from the row to its probe, per unit
	                             * of the step (1: slope 1 along it) */
	double rise_cone;           /* the share of them whose bound rose by at
	                             * least OCSDF_TRAIN_CONE_RISE of the step:
	                             * one cone over the whole step, no ridge;
	                             * the three NaN without the rise term */
	int ascent_found, ascent_rows; /* the outside points the ascent found
	                             * (--ascent-rows) and the rows they
	                             * started from; 0 and 0 without it */
	double gnorm_neg;           /* mean ||∇f|| on negatives (last walk), NaN
	                             * when no walk ran (the distance sampler,
	                             * the warm-up epochs) */
	double ortho_error;         /* last measured orthonormality error */
	uint64_t reprojections;     /* retraction steps that needed a full
	                             * Björck projection, so far in this run */
	double seconds;             /* since the start of this run */
} ocsdf_train_progress;

typedef struct ocsdf_train_hooks {
	/* Called after every step and (with end_of_epoch 1) after the last
	 * step of each epoch, with the current inference weights; at the end
	 * of an epoch in the share of the run that settings.average
	 * averages, the weights the run would write if it ended there (the
	 * average so far, made orthonormal: a projection of every layer,
	 * done only with weights_used set; else theta is the step's own).
	 * A non-zero return stops training as an interruption would. */
	int (*progress)(void *ctx, const ocsdf_train_progress *p, const float *theta,
			int end_of_epoch);
	void *ctx;
	/* Checked between steps and between the steps of the walk that
	 * makes the negatives: non-zero stops training at once, the step in
	 * progress abandoned (a resumed run redoes it). */
	volatile sig_atomic_t *stop;
	int weights_used;       /* progress reads theta at the end of an epoch */
} ocsdf_train_hooks;

/* Trains m on Z (n x d rows, already standardized with m->mean/std).
 * m must have its arch, settings, standardization and a checkpoint with
 * both buffers (params, opt_v), as ocsdf_train_check_resume accepts.  If
 * m->ckpt->step > 0 training resumes from it.  On success the inference
 * weights m->theta are exactly re-orthonormalized, statistics are filled,
 * the checkpoint is dropped (m->ckpt NULL: a finished model, its epochs
 * and steps in its statistics) and 0 is returned.  On a stop request the
 * state is kept in m->ckpt and OCSDF_EINTR is returned; on divergence (NaN
 * loss), a model that is not a checkpoint, settings that fail
 * ocsdf_train_check_settings or a step beyond the run, 65 with e set. */
int ocsdf_train_run(ocsdf_model *m, const float *Z, size_t n, const ocsdf_train_hooks *h,
		    ocsdf_error *e);

/* f over the n rows of Z (standardized) with the weights theta of a
 * network of shape a, in chunks; grad_norm (may be NULL) receives the mean
 * ||∇f|| over the rows. */
int ocsdf_train_eval(const ocsdf_arch *a, const float *theta, const float *Z, size_t n, float *f,
		     double *grad_norm);

#endif
