/* train.c: the training loop of ocsdf-train (see train.h).  A run is
 * run_start, then steps (run_step) of draw_batch, the sampler's negatives
 * (distance_negatives or paper_negatives), batch_loss, update and report,
 * then finish, whether the run ended or was stopped. */
#include "train.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bjorck.h"
#include "lipnet.h"
#include "number.h"
#include "rng.h"
#include "sampler.h"
#include "scale.h"
#include "score.h"
#include "support.h"

/* Purpose tags for the random streams, so that each draw depends only on
 * (seed, purpose, epoch or step): a resumed run draws what the
 * uninterrupted run would have drawn. */
enum { TAG_INIT = 1, TAG_EPOCH = 2, TAG_STEP = 3, TAG_SUPPORT = 4, TAG_ASCENT = 5 };

/* Largest orthonormality error (the Frobenius bound of ocsdf_ortho_retract)
 * that a retraction step may leave before Θ is projected afresh; each
 * layer's Newton-Schulz iterations stop once below it.  An RMSprop step at
 * lr 1e-3 moves a 512 x 512 Θ about 0.4 away (Frobenius): 2 iterations
 * bring it to 0.0075, a third to 4e-5 (and at lr 1e-4 one is enough).
 * Training does not need the third (the same AUROC, tests/bench/SPEED.md:
 * every singular value stays within 0.5% of 1), and the saved weights are
 * orthonormalized to float precision at the end (exact_weights). */
#define RETRACT_TOL 1e-2
/* Newton-Schulz iterations a step may add to --retract-iters. */
#define RETRACT_EXTRA 4

void ocsdf_train_default_settings(ocsdf_train_settings *s)
{
	*s = (ocsdf_train_settings){
		.margin = 0.05, .lambda = 100,
		.lr = 1e-3, .lr_final = 1e-6, .lr_hold = 0.25, .rho = 0.9, .eps = 1e-7,
		.box = 5,
		.epochs = 40, .warmup = 5, .steps_per_epoch_min = 15,
		.batch = 128, .newton_steps = 4, .newton_level0 = 0,
		.init = OCSDF_INIT_UNIFORM, .ortho = OCSDF_ORTHO_RETRACT,
		.bjorck_iters = 15, .bjorck_tol = 0, .retract_iters = 3,
		.seed = 1,
		.sampler = OCSDF_SAMPLER_DISTANCE, .knn = 10, .support_quantile = 0.95,
		.near = 0.05, .far = 2, .box_share = 0.2, .push = 0, .slope = OCSDF_TRAIN_SLOPE_DEFAULT,
		.contamination = 0.05, .ascent_rows = OCSDF_TRAIN_ASCENT_ROWS_DEFAULT,
	};
}

static int check_double(const char *field, double v, double lo, double hi, ocsdf_error *e)
{
	if (!(v >= lo && v <= hi))
		return ocsdf_error_set(e, OCSDF_EDATA, "settings.%s is %g, expected %g..%g", field, v, lo, hi);
	return 0;
}

static int check_int(const char *field, int v, int lo, int hi, ocsdf_error *e)
{
	if (v < lo || v > hi)
		return ocsdf_error_set(e, OCSDF_EDATA, "settings.%s is %d, expected %d..%d", field, v, lo, hi);
	return 0;
}

int ocsdf_train_check_settings(const ocsdf_train_settings *s, const ocsdf_arch *a, ocsdf_error *e)
{
	int rc;

	if ((rc = check_double("margin", s->margin, OCSDF_TRAIN_MARGIN_MIN, OCSDF_TRAIN_MARGIN_MAX, e)) ||
	    (rc = check_double("lambda", s->lambda, OCSDF_TRAIN_LAMBDA_MIN, OCSDF_TRAIN_LAMBDA_MAX, e)) ||
	    (rc = check_double("lr", s->lr, OCSDF_TRAIN_LR_MIN, OCSDF_TRAIN_LR_MAX, e)) ||
	    (rc = check_double("lr_final", s->lr_final, OCSDF_TRAIN_LR_MIN, OCSDF_TRAIN_LR_MAX, e)) ||
	    (rc = check_double("lr_hold", s->lr_hold, 0, OCSDF_TRAIN_LR_HOLD_MAX, e)) ||
	    (rc = check_double("average", s->average, 0, OCSDF_TRAIN_AVERAGE_MAX, e)) ||
	    (rc = check_double("eps", s->eps, OCSDF_TRAIN_EPS_MIN, OCSDF_TRAIN_EPS_MAX, e)) ||
	    (rc = check_double("box", s->box, OCSDF_TRAIN_BOX_MIN, OCSDF_TRAIN_BOX_MAX, e)) ||
	    (rc = check_double("bjorck_tol", s->bjorck_tol, 0, OCSDF_TRAIN_BJORCK_TOL_MAX, e)) ||
	    (rc = check_int("epochs", s->epochs, 1, OCSDF_TRAIN_MAX_EPOCHS, e)) ||
	    (rc = check_int("warmup", s->warmup, 0, s->epochs, e)) ||
	    (rc = check_int("steps_per_epoch_min", s->steps_per_epoch_min, 1,
			    OCSDF_TRAIN_MAX_STEPS_PER_EPOCH, e)) ||
	    (rc = check_int("steps_per_epoch_max", s->steps_per_epoch_max, 0,
			    OCSDF_TRAIN_MAX_STEPS_PER_EPOCH, e)) ||
	    (rc = check_int("batch", s->batch, 1, OCSDF_TRAIN_MAX_BATCH, e)) ||
	    (rc = check_int("newton_steps", s->newton_steps, 0, OCSDF_TRAIN_MAX_NEWTON_STEPS, e)) ||
	    (rc = check_int("newton_level0", s->newton_level0, 0, 1, e)) ||
	    (rc = check_int("init", s->init, OCSDF_INIT_UNIFORM, OCSDF_INIT_GAUSSIAN, e)) ||
	    (rc = check_int("ortho", s->ortho, OCSDF_ORTHO_BJORCK, OCSDF_ORTHO_RETRACT, e)) ||
	    (rc = check_int("bjorck_iters", s->bjorck_iters, 1, OCSDF_TRAIN_MAX_BJORCK_ITERS, e)) ||
	    (rc = check_int("retract_iters", s->retract_iters, 1, OCSDF_TRAIN_MAX_RETRACT_ITERS, e)))
		return rc;
	if (s->sampler != OCSDF_SAMPLER_PAPER && s->sampler != OCSDF_SAMPLER_DISTANCE)
		return ocsdf_error_set(e, OCSDF_EDATA, "settings.sampler is %d, expected 0..1", s->sampler);
	if (s->sampler == OCSDF_SAMPLER_PAPER && s->eikonal != 0)
		return ocsdf_error_set(e, OCSDF_EDATA, "settings.eikonal is %g: the slope term needs the distance sampler",
				       s->eikonal);
	if (s->sampler == OCSDF_SAMPLER_PAPER && s->slope != 0)
		return ocsdf_error_set(e, OCSDF_EDATA, "settings.slope is %g: the rise term needs the distance sampler",
				       s->slope);
	if (s->eikonal > 0 && s->slope > 0)
		return ocsdf_error_set(e, OCSDF_EDATA, "settings.eikonal and settings.slope are both set: one term at a time");
	if (s->sampler == OCSDF_SAMPLER_PAPER && s->ascent_rows != 0)
		return ocsdf_error_set(e, OCSDF_EDATA,
				       "settings.ascent_rows is %d: the ascent needs the distance sampler", s->ascent_rows);
	if (s->sampler == OCSDF_SAMPLER_DISTANCE &&
	    ((rc = check_int("knn", s->knn, 1, OCSDF_TRAIN_MAX_KNN, e)) ||
	     (rc = check_double("support_quantile", s->support_quantile, 0, 1, e)) ||
	     (rc = check_double("near", s->near, OCSDF_TRAIN_NEAR_MIN, OCSDF_TRAIN_NEAR_MAX, e)) ||
	     (rc = check_double("far", s->far, s->near, OCSDF_TRAIN_NEAR_MAX, e)) ||
	     (rc = check_double("box_share", s->box_share, 0, 1, e)) ||
	     (rc = check_double("push", s->push, 0, OCSDF_TRAIN_PUSH_MAX, e)) ||
	     (rc = check_double("eikonal", s->eikonal, 0, OCSDF_TRAIN_EIKONAL_MAX, e)) ||
	     (rc = check_double("slope", s->slope, 0, OCSDF_TRAIN_SLOPE_MAX, e)) ||
	     (rc = check_int("ascent_rows", s->ascent_rows, 0, OCSDF_TRAIN_MAX_ASCENT_ROWS, e)) ||
	     (rc = check_double("contamination", s->contamination, 0, OCSDF_TRAIN_CONTAMINATION_MAX, e))))
		return rc;
	/* RMSprop runs in single precision: a decay that rounds to 1 would
	 * freeze the second moments. */
	if (!(s->rho > 0 && (float)s->rho < 1))
		return ocsdf_error_set(e, OCSDF_EDATA, "settings.rho is %g, expected a value in (0, 1)", s->rho);
	if (a && a->width < a->d && a->d > OCSDF_MAX_WIDTH)
		return ocsdf_error_set(e, OCSDF_EDATA,
				       "too many features: %d features need a width of at least %d, at most %d",
				       a->d, a->d, OCSDF_MAX_WIDTH);
	return 0;
}

/* Steps per epoch on n rows: enough batches to see every row, at least
 * steps_per_epoch_min, at most steps_per_epoch_max when it is set.  With
 * checked settings and n < 2^32 the total fits easily in 64 bits. */
static uint64_t steps_per_epoch(const ocsdf_train_settings *s, uint64_t n)
{
	uint64_t spe = (n + (uint64_t)s->batch - 1) / (uint64_t)s->batch;
	if (spe < (uint64_t)s->steps_per_epoch_min)
		spe = (uint64_t)s->steps_per_epoch_min;
	if (s->steps_per_epoch_max > 0 && spe > (uint64_t)s->steps_per_epoch_max)
		spe = (uint64_t)s->steps_per_epoch_max;
	return spe;
}

/* The first step (0-based) whose weights the average of s->average
 * takes in, of a run of total steps; total when it averages nothing. */
static uint64_t average_start(const ocsdf_train_settings *s, uint64_t total)
{
	return total - (uint64_t)ceil(s->average * (double)total);
}

/* The rows and the step checkpoint c reached fit a run on n rows with
 * settings s (already checked), and c holds the average that its
 * progress needs. */
static int check_progress(const ocsdf_train_settings *s, const ocsdf_checkpoint *c, uint64_t n,
			  ocsdf_error *e)
{
	uint64_t spe, total;

	if (n == 0 || n > UINT32_MAX)
		return ocsdf_error_set(e, OCSDF_EDATA, "cannot train on %llu rows (1..%lu)",
				       (unsigned long long)n, (unsigned long)UINT32_MAX);
	spe = steps_per_epoch(s, n);
	total = spe * (uint64_t)s->epochs;
	if (c->step > total)
		return ocsdf_error_set(e, OCSDF_EDATA,
				       "step is %llu, beyond the %llu steps of the run (%d epochs of %llu steps "
				       "on %llu rows)",
				       (unsigned long long)c->step, (unsigned long long)total, s->epochs,
				       (unsigned long long)spe, (unsigned long long)n);
	if (c->step > average_start(s, total) && !c->avg)
		return ocsdf_error_set(e, OCSDF_EDATA,
				       "step is %llu, within the share of the run that settings.average averages, "
				       "but the checkpoint holds no average",
				       (unsigned long long)c->step);
	return 0;
}

int ocsdf_train_check_resume(const ocsdf_model *m, uint64_t n, ocsdf_error *e)
{
	int rc;

	if (!m->ckpt || !m->ckpt->params || !m->ckpt->opt_v)
		return ocsdf_error_set(e, OCSDF_EDATA, "not a checkpoint of an interrupted run%s",
				       !m->ckpt ? " (its run finished)" : " (no training state)");
	if ((rc = ocsdf_train_check_settings(&m->settings, &m->arch, e)))
		return rc;
	return check_progress(&m->settings, m->ckpt, n, e);
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static ocsdf_rng stream(uint64_t seed, uint64_t tag, uint64_t index)
{
	ocsdf_rng r;
	ocsdf_rng_seed(&r, seed);
	r = ocsdf_rng_split(&r, tag);
	ocsdf_rng_seed(&r, ocsdf_rng_u64(&r) ^ (index * 0x9e3779b97f4a7c15ULL + tag));
	return r;
}

/* 65: training diverged at step (1-based), why and what to do in why. */
static int diverged(ocsdf_error *e, uint64_t step, const char *why)
{
	return ocsdf_error_set(e, OCSDF_EDATA, "training diverged at step %llu %s", (unsigned long long)step,
			       why);
}

/* Θ = Π(W) (Björck); returns its orthonormality error. */
static double project(ocsdf_ortho *o, const float *W, float *theta)
{
	ocsdf_ortho_stats st;
	ocsdf_ortho_forward(o, W, theta, &st);
	return st.error;
}

/* Newton-Schulz steps until the orthonormality error is below tol. */
static double orthonormalize_fully(ocsdf_ortho *t, float *theta)
{
	double err = 1;
	for (int i = 0; i < 60 && err > 2e-6; i++)
		err = ocsdf_ortho_retract(t, theta, 1);
	return err;
}

/* acc plus the Euclidean norms of the b rows of g (b x d), added one at a
 * time. */
static double add_norms(double acc, const float *g, int b, int d)
{
	for (int k = 0; k < b; k++) {
		double s = 0;
		for (int j = 0; j < d; j++)
			s += (double)g[(size_t)k * d + j] * g[(size_t)k * d + j];
		acc += sqrt(s);
	}
	return acc;
}

int ocsdf_train_eval(const ocsdf_arch *a, const float *theta, const float *Z, size_t n, float *f,
		     double *grad_norm)
{
	enum { CHUNK = 1024 };
	int d = a->d;
	ocsdf_lipnet *net = ocsdf_lipnet_new(a, CHUNK);
	float *g = grad_norm ? malloc(sizeof(float) * CHUNK * (size_t)d) : NULL;
	double gsum = 0;

	if (!net || (grad_norm && !g)) {
		ocsdf_lipnet_free(net);
		free(g);
		return -1;
	}
	for (size_t i = 0; i < n; i += CHUNK) {
		int b = n - i < CHUNK ? (int)(n - i) : CHUNK;
		if (!grad_norm) {
			ocsdf_lipnet_eval(net, theta, Z + i * d, b, f + i);
			continue;
		}
		ocsdf_lipnet_input_grad(net, theta, Z + i * d, b, f + i, g);
		gsum = add_norms(gsum, g, b, d);
	}
	if (grad_norm)
		*grad_norm = gsum / (double)n;
	ocsdf_lipnet_free(net);
	free(g);
	return 0;
}

/* Everything a run allocates, freed in one place. */
typedef struct work {
	ocsdf_lipnet *net;
	ocsdf_ortho *ortho;
	ocsdf_walker *walker;
	float *grad, *dW, *X, *fb, *df, *gstd, *target;
	float *probe_g, *probe_f;    /* the gradient and f at the rows (--eikonal) */
	float *rise, *probe_bound;   /* the targets' rise to each probe, and the bound
				      * there (--slope) */
	float *bound;                /* the upper bound at the rows and negatives (2B) */
	int *from;                   /* the pool's point that gives it (2B) */
	float *view;                 /* the average's inference weights, for the hook */
	uint32_t *perm;
	ocsdf_support sup;
	/* The outside points of the ascent (settings.ascent_rows): how many
	 * were found, of how many rows. */
	int ascent_found, ascent_rows;
} work;

static void work_free(work *w)
{
	ocsdf_lipnet_free(w->net);
	ocsdf_ortho_free(w->ortho);
	free(w->grad);
	free(w->dW);
	free(w->X);
	free(w->fb);
	free(w->df);
	free(w->probe_g);
	free(w->probe_f);
	free(w->rise);
	free(w->probe_bound);
	free(w->bound);
	free(w->from);
	free(w->view);
	ocsdf_walker_free(w->walker);
	free(w->gstd);
	free(w->target);
	free(w->perm);
	ocsdf_support_free(&w->sup);
}

/* Whether a step has probes beside its rows: the slope term of --eikonal
 * or the rise term of --slope (distance sampler; at most one of them). */
static int slope_term(const ocsdf_train_settings *s)
{
	return s->sampler == OCSDF_SAMPLER_DISTANCE && (s->eikonal > 0 || s->slope > 0);
}

static int work_alloc(work *w, const ocsdf_model *m, size_t n)
{
	const ocsdf_train_settings *s = &m->settings;
	size_t P = ocsdf_arch_nparams(&m->arch), d = (size_t)m->arch.d, B = (size_t)s->batch;
	/* Points a step: rows and negatives, and the rows' slope probes. */
	size_t pts = (slope_term(s) ? 3 : 2) * B;
	ocsdf_ortho_opts oo;

	memset(w, 0, sizeof *w);
	ocsdf_ortho_default_opts(&oo);
	/* Retraction projects with Björck only when its own iterations fall
	 * short, and then stops as soon as the result is orthonormal. */
	oo.iters = s->bjorck_iters;
	oo.tol = s->ortho == OCSDF_ORTHO_BJORCK ? s->bjorck_tol : RETRACT_TOL;
	w->net = ocsdf_lipnet_new(&m->arch, (int)pts);
	w->ortho = ocsdf_ortho_new(&m->arch, &oo);
	w->grad = malloc(P * sizeof(float));
	w->dW = malloc(P * sizeof(float));
	w->X = malloc(pts * d * sizeof(float));
	w->fb = malloc(pts * sizeof(float));
	w->df = malloc(pts * sizeof(float));
	w->probe_g = malloc(B * d * sizeof(float));
	w->probe_f = malloc(B * sizeof(float));
	w->rise = malloc(B * sizeof(float));
	w->probe_bound = malloc(B * sizeof(float));
	w->bound = malloc(2 * B * sizeof(float));
	w->from = malloc(2 * B * sizeof(int));
	w->walker = w->net ? ocsdf_walker_new(w->net, (int)B) : NULL;
	w->gstd = malloc(d * sizeof(float));
	w->perm = malloc(n * sizeof(uint32_t));
	w->target = malloc(2 * B * sizeof(float));
	w->view = malloc(P * sizeof(float));
	return w->target && w->view && w->net && w->ortho && w->grad && w->dW && w->X &&
	       w->fb && w->df && w->probe_g && w->probe_f && w->rise && w->probe_bound && w->bound && w->from && w->walker && w->gstd && w->perm;
}

static void epoch_order(uint32_t *perm, size_t n, uint64_t seed, uint64_t epoch)
{
	ocsdf_rng r = stream(seed, TAG_EPOCH, epoch);
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	ocsdf_rng_shuffle(&r, perm, (uint32_t)n);
}

/* Exact inference weights theta (P floats) from trained parameters W
 * (or their average), which stay as they are for resuming: Π(W) with
 * --ortho bjorck; with retract, W itself, which every step leaves near the
 * orthonormal set, unless W comes from a forged checkpoint far from it,
 * where Newton-Schulz would diverge and Θ is projected afresh.  An average
 * of orthonormal matrices is 1-Lipschitz but shrinks some directions:
 * made orthonormal again, f keeps its slope of 1 (tests/bench/DISTANCE.md,
 * "Averaging the weights").  Returns the orthonormality error left. */
static double inference_weights(const ocsdf_model *m, work *w, const float *W, float *theta)
{
	const size_t P = ocsdf_arch_nparams(&m->arch);
	int project = m->settings.ortho == OCSDF_ORTHO_BJORCK;

	if (!project) {
		memcpy(theta, W, P * sizeof(float));
		project = !(ocsdf_ortho_retract(w->ortho, theta, 0) < 1);
	}
	if (project)
		ocsdf_ortho_forward(w->ortho, W, theta, NULL);
	return orthonormalize_fully(w->ortho, theta);
}

/* m->theta from the parameters W, or from their average once the run has
 * averaged (avg non-NULL).  Sets stats.ortho_error; 0, or 65 if the
 * weights overflow on the way. */
static int exact_weights(ocsdf_model *m, work *w, const float *avg, ocsdf_error *e)
{
	m->stats.ortho_error = inference_weights(m, w, avg ? avg : m->ckpt->params, m->theta);
	if (!isfinite(m->stats.ortho_error) || !ocsdf_number_all_finite(m->theta, ocsdf_arch_nparams(&m->arch)))
		return diverged(e, m->ckpt->step, "(the weights cannot be made orthonormal: they overflow)");
	return 0;
}

/* With the distance sampler, the level 0 is set from the training rows:
 * the output bias moves so that floor(contamination * n) rows score below
 * 0 and the others at least 0 (with contamination 0: the lowest-scoring
 * row at 0; by default 0.05, the share of rows the support leaves out).  f (n floats) holds f over the rows on entry, on return f
 * with the new level.  0, or -1 out of memory. */
/* f over the rows as ocsdf-score computes it (score.h), to the bit. */
static void score_rows(ocsdf_scorer *sc, const float *Z, size_t n, int d, float *f)
{
	enum { PART = 1 << 20 };
	for (size_t i = 0; i < n; i += PART)
		ocsdf_scorer_run_std(sc, Z + i * (size_t)d, n - i < PART ? (int)(n - i) : PART, f + i);
}

/* The level rule: the output bias puts floor(contamination * n) rows below
 * 0, and the others at 0 or above, as ocsdf-score scores them. */
static int set_level(ocsdf_model *m, const float *Z, size_t n, float *f)
{
	const size_t bias = ocsdf_arch_nparams(&m->arch) - 1;
	size_t idx = (size_t)(m->settings.contamination * (double)n), below;
	float *sorted = malloc(n * sizeof *sorted);
	ocsdf_scorer *sc = ocsdf_scorer_new(m, OCSDF_SCORE_TILE);

	if (!sorted || !sc) {
		free(sorted);
		ocsdf_scorer_free(sc);
		return -1;
	}
	if (idx >= n)
		idx = n - 1;
	score_rows(sc, Z, n, m->arch.d, f);
	memcpy(sorted, f, n * sizeof *sorted);
	ocsdf_sort_floats(sorted, n);
	m->theta[bias] -= sorted[idx];
	free(sorted);
	/* The bias is a float: the shift may round the idx-th row just below
	 * 0 (more than idx rows below); a few nudges of one ulp fix it. */
	for (int pass = 0;; pass++) {
		score_rows(sc, Z, n, m->arch.d, f);
		below = 0;
		for (size_t i = 0; i < n; i++)
			below += f[i] < 0;
		if (below <= idx || pass == 7)
			break;
		m->theta[bias] = nextafterf(m->theta[bias], INFINITY);
	}
	ocsdf_scorer_free(sc);
	return 0;
}

/* The end of a run, finished or stopped: exact weights for inference
 * (from avg, the average of the weights, once the run has averaged) and
 * the statistics a checkpoint needs to score sensibly; a finished run
 * also gets its level and the statistics of f over the rows. */
static int finish(ocsdf_model *m, work *w, const float *Z, size_t n, double last_loss, const float *avg,
		  int finished, ocsdf_error *e)
{
	float *f;
	double gn;
	int rc;

	if ((rc = exact_weights(m, w, avg, e)))
		return rc;
	m->stats.lipschitz_raw = ocsdf_scale_lipschitz(m->std, m->arch.d);
	m->stats.final_loss = last_loss;
	m->stats.rows = n;
	if (!finished)
		return 0;
	f = malloc(n * sizeof(float));
	if (!f || ocsdf_train_eval(&m->arch, m->theta, Z, n, f, &gn) != 0 ||
	    (m->settings.sampler == OCSDF_SAMPLER_DISTANCE && set_level(m, Z, n, f) != 0)) {
		free(f);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	{
		double s = 0;
		for (size_t i = 0; i < n; i++)
			s += f[i];
		m->stats.f_mean = s / (double)n;
	}
	ocsdf_sort_floats(f, n);
	m->stats.f_p1 = ocsdf_sorted_quantile(f, n, 0.01);
	m->stats.f_p5 = ocsdf_sorted_quantile(f, n, 0.05);
	m->stats.f_p50 = ocsdf_sorted_quantile(f, n, 0.5);
	m->stats.grad_norm_mean = gn;
	m->stats.support_radius = w->sup.knn ? w->sup.r : 0;
	ocsdf_model_finish(m);
	free(f);
	return 0;
}

/* What a step measured beyond its loss: the means of f over the rows and
 * over the negatives; with the rise term, over the rows with a probe
 * (probes of them), the sums of f's rise and of the bound's rise to the
 * probe, per unit of its length, and how many of those bounds rose by at
 * least OCSDF_TRAIN_CONE_RISE of it. */
typedef struct step_means {
	double f_data, f_neg;
	double rise_f, rise_bound;
	long probes, cone;
} step_means;

/* to += from, field by field: the sums of an epoch's steps. */
static void step_means_add(step_means *to, const step_means *from)
{
	to->f_data += from->f_data;
	to->f_neg += from->f_neg;
	to->rise_f += from->rise_f;
	to->rise_bound += from->rise_bound;
	to->probes += from->probes;
	to->cone += from->cone;
}

/* Where a run stands, carried from step to step beside the model. */
typedef struct run_state {
	uint64_t spe, total;        /* steps per epoch, steps of the run */
	uint64_t start;             /* the step this run started from */
	uint64_t avg_start;         /* the first step averaged (settings.average) */
	struct timespec t0;         /* start of this run */
	struct {
		double loss;
		uint64_t steps;
		step_means m;
	} sums;                     /* over the steps of the epoch so far */
	double last_loss;           /* the last step's */
	double ortho_error;         /* last measured */
	double gnorm_neg;           /* mean ||∇f|| at the ends of the last walk, NaN without walks */
	uint64_t reprojections;     /* retraction steps rescued by Björck */
} run_state;

static int stop_requested(volatile sig_atomic_t *stop)
{
	return stop && *stop;
}

/* The authors' tabular proposal for the paper's negatives: a Gaussian per
 * feature (gstd, d) whose spread reaches the n rows' extreme values. */
static void gauss_spread(const float *Z, size_t n, int d, float *gstd)
{
	for (int j = 0; j < d; j++) {
		float mx = 0;
		for (size_t i = 0; i < n; i++)
			mx = fabsf(Z[i * d + j]) > mx ? fabsf(Z[i * d + j]) : mx;
		gstd[j] = mx > 0 ? mx / 2 : 1;
	}
}

/* The pool of outside negatives that the steps before `step` built: they
 * depend on the step's random stream and the rows only, not on the
 * network, so a resumed run draws them again (without training) and goes
 * on exactly as the uninterrupted run. */
static void replay_pool(work *w, const ocsdf_train_settings *s, const float *Z, size_t n, uint64_t step)
{
	const int B = s->batch;
	float *Q = w->X + (size_t)B * (size_t)w->sup.d;

	for (uint64_t k = 0; k < step; k++) {
		ocsdf_rng r = stream(s->seed, TAG_STEP, k);
		ocsdf_support_negatives(&w->sup, Z, n, B, Q, w->target + B, &r);
		ocsdf_support_pool_add(&w->sup, Q, w->target + B, B);
	}
}

/* The outside points that ascend from settings.ascent_rows rows, once
 * for the run (support.h): deterministic from the seed, so that a resumed
 * run finds the same ones.  0, or an error with e set. */
static int ascent_points(work *w, const ocsdf_train_settings *s, const float *Z, size_t n, ocsdf_error *e)
{
	ocsdf_rng r = stream(s->seed, TAG_ASCENT, 0);
	int got = ocsdf_support_ascent(&w->sup, Z, n, s->ascent_rows, 1 + w->sup.hole, OCSDF_ASCENT_ITERS, &r);

	if (got < 0)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	w->ascent_found = got;
	w->ascent_rows = ocsdf_support_ascent_rows(&w->sup, n, s->ascent_rows);
	return 0;
}

/* The sampler's state for the n rows of Z: the distance sampler's
 * support, with the pool of the steps before the checkpoint's step
 * rebuilt, or the Gaussians of the paper's.  0, or an error with e set. */
static int start_sampler(const ocsdf_model *m, const float *Z, size_t n, work *w, ocsdf_error *e)
{
	const ocsdf_train_settings *s = &m->settings;
	int rc;

	if (s->sampler != OCSDF_SAMPLER_DISTANCE) {
		gauss_spread(Z, n, m->arch.d, w->gstd);
		return 0;
	}
	{
		ocsdf_rng r = stream(s->seed, TAG_SUPPORT, 0);
		if ((rc = ocsdf_support_init(&w->sup, Z, n, m->arch.d, s->knn, s->support_quantile,
					     ocsdf_rng_u64(&r), e)))
			return rc;
	}
	w->sup.box = s->box;
	w->sup.box_share = s->box_share;
	w->sup.near = s->near;
	w->sup.far = s->far;
	/* The ascent's points before the replay: pool_add never replaces
	 * them, so a resumed run rebuilds the same pool. */
	if (s->ascent_rows > 0 && (rc = ascent_points(w, s, Z, n, e)))
		return rc;
	replay_pool(w, s, Z, n, m->ckpt->step);
	return 0;
}

/* The weights of m's run from its checkpoint c: a fresh run (step 0)
 * draws W and clears the optimizer state, a resumed one goes on with
 * c's; Θ set from W. */
static void start_weights(ocsdf_model *m, ocsdf_checkpoint *c)
{
	const size_t P = ocsdf_arch_nparams(&m->arch);

	if (c->step == 0) {
		ocsdf_rng r = stream(m->settings.seed, TAG_INIT, 0);
		ocsdf_lipnet_init(&m->arch, &r, c->params);
		memset(c->opt_v, 0, P * sizeof(float));
	}
	/* With retract, Θ is W; with bjorck every use of Θ projects W
	 * first. */
	memcpy(m->theta, c->params, P * sizeof(float));
}

/* The start of a run: m a checkpoint, its settings and progress checked (they reach the
 * divisions and loop bounds of the loop), w allocated, the sampler's
 * state built, on a fresh run the weights drawn and the optimizer state
 * cleared, and Θ set.  0, or an error with e set (w then freed). */
static int run_start(ocsdf_model *m, const float *Z, size_t n, work *w, ocsdf_error *e)
{
	int rc;

	if ((rc = ocsdf_train_check_resume(m, n, e)))
		return rc;
	if (m->settings.average > 0 && !m->ckpt->avg)
		m->ckpt->avg = calloc(ocsdf_arch_nparams(&m->arch), sizeof(float));
	if (!work_alloc(w, m, n) || (m->settings.average > 0 && !m->ckpt->avg)) {
		work_free(w);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	if ((rc = start_sampler(m, Z, n, w, e))) {
		work_free(w);
		return rc;
	}
	start_weights(m, m->ckpt);
	return 0;
}

/* The B rows of X (B x d) that an epoch's order perm (n rows of Z) gives
 * from its position first on, wrapping around. */
static void draw_batch(float *X, const float *Z, size_t n, int d, const uint32_t *perm,
		       uint64_t first, int B)
{
	for (int k = 0; k < B; k++) {
		size_t idx = perm[(first + (uint64_t)k) % n];
		memcpy(X + (size_t)k * d, Z + idx * d, (size_t)d * sizeof(float));
	}
}

/* The distance sampler's negatives: B points after the B rows of w->X,
 * and the targets (w->target, 2B) of rows and negatives, the negatives
 * outside the support added to its pool. */
static void distance_negatives(work *w, const float *Z, size_t n, int B, ocsdf_rng *r)
{
	const size_t d = (size_t)w->sup.d;
	float *Q = w->X + (size_t)B * d;

	ocsdf_support_row_targets(&w->sup, w->X, B, w->target);
	ocsdf_support_negatives(&w->sup, Z, n, B, Q, w->target + B, r);
	ocsdf_support_pool_add(&w->sup, Q, w->target + B, B);
	ocsdf_support_inside_targets(&w->sup, w->X, 2 * B, w->target, w->bound, w->from);
}

/* The paper's negatives: B points after the B rows of w->X, drawn in the
 * box (or from the Gaussians of w->gstd) and walked towards the level -m
 * of the network with weights m->theta, T = 0 steps in the warmup epochs.
 * Sets *gnorm to the mean ||∇f|| where the walks end (NaN when T is 0:
 * there are no walks, so no gradient was taken).  Up
 * to --steps walks of a large batch can take minutes: a stop request
 * cuts the walk short and OCSDF_EINTR is returned, the step dropped. */
static int paper_negatives(const ocsdf_model *m, work *w, uint64_t epoch, ocsdf_rng *r,
			   volatile sig_atomic_t *stop, double *gnorm)
{
	const ocsdf_train_settings *s = &m->settings;
	const int B = s->batch, d = m->arch.d;
	const int T = epoch < (uint64_t)s->warmup ? 0 : s->newton_steps;
	float *Q = w->X + (size_t)B * d;
	ocsdf_walk_opts wo;

	ocsdf_sampler_init(Q, B, d, s->init, s->box, w->gstd, r);
	ocsdf_sampler_negative_opts(s, T, &wo);
	wo.stop = stop;
	ocsdf_walker_walk(w->walker, m->theta, Q, B, &wo, r, NULL);
	if (stop_requested(stop))
		return OCSDF_EINTR;
	*gnorm = T > 0 ? add_norms(0, ocsdf_walker_grad(w->walker), B, d) / B : NAN;
	return 0;
}

/* The paper's hinge Kantorovich-Rubinstein loss over f (B data rows, then
 * B negatives) and its derivative df; returns the mean over the batch. */
static double hinge_kr_loss(const ocsdf_train_settings *s, const float *f, int B, float *df)
{
	double loss = 0;
	for (int k = 0; k < B; k++) {
		double fp = f[k], fn = f[B + k];
		loss += (fp < s->margin ? s->margin - fp : 0) + (fn > -s->margin ? s->margin + fn : 0) +
			(fn - fp) / s->lambda;
		df[k] = (float)(((fp < s->margin) ? -1.0 : 0.0) - 1.0 / s->lambda) / B;
		df[B + k] = (float)(((fn > -s->margin) ? 1.0 : 0.0) + 1.0 / s->lambda) / B;
	}
	return loss / B;
}

/* The distance sampler's loss over f at 2B points (B data rows, then B
 * negatives) with targets t (2B, see support.h): the squared error to t,
 * and f pushed up on the rows with weight push.  Returns the mean over the
 * batch; df its derivative. */
static double distance_loss(const ocsdf_train_settings *s, const float *f, const float *t, int B,
			    float *df)
{
	double loss = 0;
	for (int k = 0; k < 2 * B; k++) {
		double gap = f[k] - t[k];
		loss += gap * gap;
		df[k] = (float)(2 * gap / B);
		if (k < B) {
			loss -= s->push * f[k];
			df[k] -= (float)(s->push / B);
		}
	}
	return loss / B;
}

/* The slope term of --eikonal: f0 (B) at the rows and f1 (B) at the
 * probes a step h up the gradient from them, where f of slope 1 would
 * rise by h; mu times the mean of ((h - (f1 - f0)) / h)^2.  Returns it;
 * its derivative is ADDED to df0 and written to df1, as a mean over the
 * batch of B rows. */
static double slope_loss(const float *f0, const float *f1, int B, double h, double mu, float *df0,
			 float *df1)
{
	double loss = 0;
	for (int k = 0; k < B; k++) {
		double short_by = (h - (f1[k] - f0[k])) / h;
		loss += mu * short_by * short_by;
		df1[k] = (float)(-2 * mu * short_by / (h * B));
		df0[k] += (float)(2 * mu * short_by / (h * B));
	}
	return loss / B;
}

/* The probes of the slope term: after the 2B points of w->X, each of the
 * B rows z moved by h along the gradient of f (weights theta) there, or
 * left in place where the gradient is 0. */
static void slope_probes(work *w, const float *theta, int B, int d, double h)
{
	float *P = w->X + (size_t)2 * B * d;

	ocsdf_lipnet_input_grad(w->net, theta, w->X, B, w->probe_f, w->probe_g);
	for (int k = 0; k < B; k++) {
		const float *g = w->probe_g + (size_t)k * d, *z = w->X + (size_t)k * d;
		double len = 0;
		for (int j = 0; j < d; j++)
			len += (double)g[j] * g[j];
		len = sqrt(len);
		for (int j = 0; j < d; j++)
			P[(size_t)k * d + j] = z[j] + (len > 0 ? (float)(h * g[j] / len) : 0.0f);
	}
}

/* The rise term of --slope: f0 (B) at the rows and f1 (B) at their
 * probes a step h from them, where the targets rise by rise[k] (NaN: no
 * probe); mu times the mean of (((f1 - f0) - rise) / h)^2.  Returns it;
 * its derivative is ADDED to df0 and written to df1, as a mean over the
 * batch of B rows. */
static double rise_loss(const float *f0, const float *f1, const float *rise, int B, double h,
			 double mu, float *df0, float *df1)
{
	double loss = 0;
	for (int k = 0; k < B; k++) {
		double e = isnan(rise[k]) ? 0 : ((f1[k] - f0[k]) - rise[k]) / h;
		float de = (float)(2 * mu * e / (h * B));
		loss += mu * e * e;
		df1[k] = de;
		df0[k] -= de;
	}
	return loss / B;
}

/* What the rise term saw at a step (step_means): over the B rows with a
 * probe (rise not NaN), the rise of f (f0 at the rows, f1 at the probes)
 * and of the bound per unit of the step h, and how many bounds rose by at
 * least OCSDF_TRAIN_CONE_RISE of it. */
static void rise_means(const float *f0, const float *f1, const float *rise, int B, double h, step_means *sm)
{
	for (int k = 0; k < B; k++)
		if (!isnan(rise[k])) {
			sm->probes++;
			sm->rise_f += (f1[k] - f0[k]) / h;
			sm->rise_bound += rise[k] / h;
			sm->cone += rise[k] >= OCSDF_TRAIN_CONE_RISE * h;
		}
}

/* The probes of --slope: after the 2B points of w->X, each of the B rows
 * z whose target is the upper bound (support.h) moved by h away
 * from the pool's point that gives the bound, along which the bound rises
 * by h unless another point takes over; w->rise gets the rise of the
 * bound from z to its probe, NaN (and the probe z itself) at the other
 * rows. */
static void rise_probes(work *w, int B, int d, double h)
{
	float *P = w->X + (size_t)2 * B * d, *ub0 = w->bound;
	const ocsdf_support *sup = &w->sup;

	for (int k = 0; k < B; k++) {
		const float *z = w->X + (size_t)k * d;
		float *p = P + (size_t)k * d;
		const float *q = w->from[k] >= 0 ? sup->pool + (size_t)w->from[k] * d : NULL;
		double len = 0;
		/* A row has a bound (from >= 0) only if its target took
		 * one; the bound is the target, or within 1e-4 r below it
		 * (where t - d_k is barely the larger). */
		int on = q && ub0[k] + 1e-4 * sup->r >= w->target[k];
		for (int j = 0; on && j < d; j++)
			len += ((double)z[j] - q[j]) * ((double)z[j] - q[j]);
		len = sqrt(len);
		on = on && len > 0;
		for (int j = 0; j < d; j++)
			p[j] = on ? (float)(z[j] + h * ((double)z[j] - q[j]) / len) : z[j];
		w->rise[k] = on ? 0.0f : NAN;
	}
	ocsdf_support_upper(&w->sup, P, B, w->probe_bound, NULL);
	for (int k = 0; k < B; k++)
		if (!isnan(w->rise[k]))
			w->rise[k] = w->probe_bound[k] - ub0[k];
}

/* f at the 2B points of w->X (w->fb) with weights m->theta, and at the
 * rows' probes with --eikonal or --slope; the loss of m's sampler there and its
 * derivative w->df; *sm gets what the step measured (step_means). */
static double batch_loss(const ocsdf_model *m, work *w, step_means *sm)
{
	const ocsdf_train_settings *s = &m->settings;
	const int B = s->batch, probes = slope_term(s);
	const double h = OCSDF_TRAIN_SLOPE_STEP * w->sup.r;
	double fd = 0, fq = 0, loss;

	if (s->eikonal > 0)
		slope_probes(w, m->theta, B, m->arch.d, h);
	else if (s->slope > 0)
		rise_probes(w, B, m->arch.d, h);
	ocsdf_lipnet_forward(w->net, m->theta, w->X, (probes ? 3 : 2) * B, w->fb);
	for (int k = 0; k < B; k++) {
		fd += w->fb[k];
		fq += w->fb[B + k];
	}
	*sm = (step_means){.f_data = fd / B, .f_neg = fq / B};
	if (s->sampler != OCSDF_SAMPLER_DISTANCE)
		return hinge_kr_loss(s, w->fb, B, w->df);
	loss = distance_loss(s, w->fb, w->target, B, w->df);
	if (s->eikonal > 0)
		loss += slope_loss(w->fb, w->fb + 2 * B, B, h, s->eikonal, w->df, w->df + 2 * B);
	else if (s->slope > 0) {
		rise_means(w->fb, w->fb + 2 * B, w->rise, B, h, sm);
		loss += rise_loss(w->fb, w->fb + 2 * B, w->rise, B, h, s->slope * w->sup.r * w->sup.r,
				  w->df, w->df + 2 * B);
	}
	return loss;
}

/* One RMSprop step on p (n) with gradient g and second moments v. */
static void rmsprop(float *restrict p, const float *restrict g, float *restrict v, size_t n, double lr,
		    double rho, double eps)
{
	const float fr = (float)rho, fl = (float)lr, fe = (float)eps, fc = 1 - fr;
	size_t i = 0;
#ifdef __SSE2__
	/* Four lanes of SSE2 (every x86-64 CPU has it; the compiler leaves
	 * this loop scalar for sqrtf's errno): the same operations in the
	 * same order as the scalar tail, so the same bits. */
	const __m128 r4 = _mm_set1_ps(fr), c4 = _mm_set1_ps(fc), l4 = _mm_set1_ps(fl), e4 = _mm_set1_ps(fe);
	for (; i + 4 <= n; i += 4) {
		__m128 gi = _mm_loadu_ps(g + i);
		__m128 vi = _mm_add_ps(_mm_mul_ps(r4, _mm_loadu_ps(v + i)), _mm_mul_ps(_mm_mul_ps(c4, gi), gi));
		_mm_storeu_ps(v + i, vi);
		__m128 step = _mm_div_ps(_mm_mul_ps(l4, gi), _mm_add_ps(_mm_sqrt_ps(vi), e4));
		_mm_storeu_ps(p + i, _mm_sub_ps(_mm_loadu_ps(p + i), step));
	}
#endif
	for (; i < n; i++) {
		v[i] = fr * v[i] + fc * g[i] * g[i];
		p[i] -= fl * g[i] / (sqrtf(v[i]) + fe);
	}
}

/* Θ (P floats) back onto the orthonormal set after a step: at most iters
 * Newton-Schulz iterations per layer (fewer once RETRACT_TOL is met), and
 * up to RETRACT_EXTRA more while they
 * converge, since RMSprop moves every entry by about lr at once and a step
 * can leave Θ farther than a few iterations mend (they converge
 * quadratically near the set).  If they do not reach RETRACT_TOL, Θ is
 * projected afresh (Björck after scaling by the spectral norm converges
 * from anywhere; scratch, P floats) and *reprojections counts it.
 * Returns the orthonormality error left. */
static double retract(ocsdf_ortho *o, float *theta, float *scratch, size_t P, int iters,
		      uint64_t *reprojections)
{
	double err = ocsdf_ortho_retract(o, theta, iters);

	for (int k = 0; k < RETRACT_EXTRA && err >= RETRACT_TOL && err < 1; k++)
		err = ocsdf_ortho_retract(o, theta, 1);
	if (!(err < RETRACT_TOL)) {
		err = project(o, theta, scratch);
		memcpy(theta, scratch, P * sizeof(float));
		(*reprojections)++;
	}
	return err;
}

/* The weights after one RMSprop step with rate lr on the loss whose
 * derivative w->df holds: with --ortho bjorck the step is on W, the
 * gradient taken through the projection Θ = Π(W) (Θ is projected again at
 * the next step); with retract it is on Θ = W, retracted onto the
 * orthonormal set.  0, or 65 if the weights or the optimizer state
 * overflowed at step (1-based). */
static int update(ocsdf_model *m, work *w, double lr, run_state *rs, uint64_t step, ocsdf_error *e)
{
	const ocsdf_train_settings *s = &m->settings;
	const size_t P = ocsdf_arch_nparams(&m->arch);
	float *params = m->ckpt->params, *opt_v = m->ckpt->opt_v;

	memset(w->grad, 0, P * sizeof(float));
	ocsdf_lipnet_backward(w->net, m->theta, w->df, w->grad, NULL);
	if (s->ortho == OCSDF_ORTHO_BJORCK) {
		ocsdf_ortho_backward(w->ortho, params, w->grad, w->dW);
		rmsprop(params, w->dW, opt_v, P, lr, s->rho, s->eps);
	} else {
		rmsprop(params, w->grad, opt_v, P, lr, s->rho, s->eps);
		rs->ortho_error = retract(w->ortho, params, w->dW, P, s->retract_iters,
					  &rs->reprojections);
		memcpy(m->theta, params, P * sizeof(float));
	}
	/* A finite loss can still hide an overflow in the squared
	 * gradients (inputs beyond float range, as --scale none allows). */
	if (!ocsdf_number_all_finite(params, P) || !ocsdf_number_all_finite(opt_v, P))
		return diverged(e, step,
				"(the weights or the optimizer state overflowed): features too large for "
				"--scale none, --lr too large or --lambda too small");
	return 0;
}

/* Step step (0-based) done with this loss and these measures: the
 * epoch's sums, and the progress hook called with weights theta.  Returns
 * OCSDF_EINTR if the hook or a stop request ends the run, else 0. */
static int report(const ocsdf_train_hooks *h, const ocsdf_model *m, const work *w, const float *theta,
		  run_state *rs, uint64_t step, double loss, const step_means *sm)
{
	const uint64_t j = step % rs->spe;
	double probes;

	rs->sums.steps++;
	rs->sums.loss += loss;
	step_means_add(&rs->sums.m, sm);
	probes = (double)rs->sums.m.probes;
	rs->last_loss = loss;
	if (!h)
		return 0;
	if (h->progress) {
		ocsdf_train_progress pr = {
			.epoch = (int)(step / rs->spe) + 1,
			.epochs = m->settings.epochs,
			.step = step + 1,
			.steps = rs->total,
			.step_in_epoch = (int)j + 1,
			.steps_per_epoch = (int)rs->spe,
			.loss = rs->sums.loss / (double)rs->sums.steps,
			.f_data = rs->sums.m.f_data / (double)rs->sums.steps,
			.f_neg = rs->sums.m.f_neg / (double)rs->sums.steps,
			.rise_f = probes > 0 ? rs->sums.m.rise_f / probes : NAN,
			.rise_bound = probes > 0 ? rs->sums.m.rise_bound / probes : NAN,
			.rise_cone = probes > 0 ? (double)rs->sums.m.cone / probes : NAN,
			.ascent_found = w->ascent_found,
			.ascent_rows = w->ascent_rows,
			.gnorm_neg = rs->gnorm_neg,
			.ortho_error = rs->ortho_error,
			.reprojections = rs->reprojections,
			.seconds = elapsed(&rs->t0),
		};
		if (h->progress(h->ctx, &pr, theta, j + 1 == rs->spe) != 0)
			return OCSDF_EINTR;
	}
	return stop_requested(h->stop) ? OCSDF_EINTR : 0;
}

/* The rate of a step: linear from lr to lr_final over the first
 * 1 - lr_hold of the run, then lr_final, so that the level of f settles
 * before the end (tests/bench/DISTANCE.md, "The level"). */
static double learning_rate(const ocsdf_train_settings *s, uint64_t step, uint64_t total)
{
	const double decay = (1 - s->lr_hold) * (double)total;
	const double t = decay > 0 ? (double)step / decay : 1;
	return t >= 1 ? s->lr_final : s->lr + (s->lr_final - s->lr) * t;
}

/* avg (n floats) the mean of k parameter vectors, the last of them p,
 * from the mean of the k - 1 before it. */
static void average_add(float *restrict avg, const float *restrict p, size_t n, uint64_t k)
{
	const float share = 1.0f / (float)k;
	size_t i = 0;
	if (k == 1) {
		memcpy(avg, p, n * sizeof *avg);
		return;
	}
#ifdef __SSE2__
	/* SSE2 lanes, as rmsprop: the scalar tail's operations, in order. */
	const __m128 s4 = _mm_set1_ps(share);
	for (; i + 4 <= n; i += 4) {
		__m128 a = _mm_loadu_ps(avg + i);
		_mm_storeu_ps(avg + i, _mm_add_ps(a, _mm_mul_ps(_mm_sub_ps(_mm_loadu_ps(p + i), a), s4)));
	}
#endif
	for (; i < n; i++)
		avg[i] += (p[i] - avg[i]) * share;
}

/* The weights the hook sees after step (0-based): Θ, or at the end of an
 * epoch that the average has reached, the average's inference weights
 * (so that --eval shows the model the run would write then). */
static const float *shown_weights(const ocsdf_model *m, work *w, const run_state *rs, uint64_t step,
				  const ocsdf_train_hooks *h)
{
	if (!h || !h->progress || !h->weights_used || step < rs->avg_start || (step + 1) % rs->spe != 0)
		return m->theta;
	inference_weights(m, w, m->ckpt->avg, w->view);
	return w->view;
}

/* Step `step` (0-based) of m's run on the n rows of Z: a batch and its
 * negatives, the loss, the update, the average, the checkpoint's
 * progress, the hook.
 * 0, OCSDF_EINTR if the run is to stop, or 65 (divergence) with e set. */
static int run_step(ocsdf_model *m, work *w, run_state *rs, const float *Z, size_t n, uint64_t step,
		    const ocsdf_train_hooks *h, ocsdf_error *e)
{
	const ocsdf_train_settings *s = &m->settings;
	const int B = s->batch;
	const uint64_t epoch = step / rs->spe, j = step % rs->spe;
	const double lr = learning_rate(s, step, rs->total);
	ocsdf_checkpoint *c = m->ckpt;
	ocsdf_rng r = stream(s->seed, TAG_STEP, step);
	step_means sm;
	double loss;
	int rc;

	if (j == 0 || step == rs->start) {
		epoch_order(w->perm, n, s->seed, epoch);
		memset(&rs->sums, 0, sizeof rs->sums);
	}
	/* With retract, the last update left Θ = W orthonormal. */
	if (s->ortho == OCSDF_ORTHO_BJORCK)
		rs->ortho_error = project(w->ortho, c->params, m->theta);
	draw_batch(w->X, Z, n, m->arch.d, w->perm, j * (uint64_t)B, B);
	if (s->sampler == OCSDF_SAMPLER_DISTANCE)
		distance_negatives(w, Z, n, B, &r);
	else if ((rc = paper_negatives(m, w, epoch, &r, h ? h->stop : NULL, &rs->gnorm_neg)))
		return rc;
	loss = batch_loss(m, w, &sm);
	if (!isfinite(loss))
		return diverged(e, step + 1, "(loss is not finite); try a smaller --lr");
	if ((rc = update(m, w, lr, rs, step + 1, e)))
		return rc;
	if (step >= rs->avg_start)
		average_add(c->avg, c->params, ocsdf_arch_nparams(&m->arch), step - rs->avg_start + 1);
	c->step = step + 1;
	c->epoch = (step + 1) / rs->spe;
	return report(h, m, w, shown_weights(m, w, rs, step, h), rs, step, loss, &sm);
}

int ocsdf_train_run(ocsdf_model *m, const float *Z, size_t n, const ocsdf_train_hooks *h,
		    ocsdf_error *e)
{
	/* A checkpoint taken after its last step has nothing left to run:
	 * its loss is the run's final loss. */
	run_state rs = {.last_loss = m->stats.final_loss, .ortho_error = NAN, .gnorm_neg = NAN};
	int rc;
	work w;

	if ((rc = run_start(m, Z, n, &w, e)))
		return rc;
	rs.start = m->ckpt->step;
	rs.spe = steps_per_epoch(&m->settings, n);
	rs.total = rs.spe * (uint64_t)m->settings.epochs;
	rs.avg_start = average_start(&m->settings, rs.total);
	m->ckpt->epoch = rs.start / rs.spe;
	clock_gettime(CLOCK_MONOTONIC, &rs.t0);
	for (uint64_t step = rs.start; step < rs.total && rc == 0; step++)
		rc = run_step(m, &w, &rs, Z, n, step, h, e);
	if (rc == 0 || rc == OCSDF_EINTR) {
		const int stopped = rc;
		rc = finish(m, &w, Z, n, rs.last_loss, m->ckpt->step > rs.avg_start ? m->ckpt->avg : NULL, !stopped,
			    e);
		if (rc == 0 && stopped)
			rc = ocsdf_error_set(e, OCSDF_EINTR, "interrupted");
	}
	work_free(&w);
	return rc;
}
