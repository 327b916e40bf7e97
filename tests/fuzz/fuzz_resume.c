/*
 * fuzz_resume.c: resuming training from a hostile checkpoint.
 *
 * Each input is a model file whose CRC-32 is repaired first, so that
 * mutations reach the checks behind the checksum.  A file that loads must
 * hold settings that the options of ocsdf-train would accept; it then goes
 * through the resume validation (ocsdf_train_check_resume) on a few rows,
 * as `ocsdf-train --resume` does, and one that passes is resumed for at
 * most two steps, when such a step is cheap.  The resumed run must end
 * finished, stopped after its two steps, or diverged with 65, and its
 * model must save, load back and, when stopped, pass the resume validation
 * again.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "model.h"
#include "train.h"

/* Work allowed for a step, in multiply-adds: small networks and batches
 * only, so that each input runs in milliseconds. */
#define STEP_BUDGET (1u << 22)
#define MAX_ROWS 256
#define STEPS 2

/* The ranges that ocsdf-train(1) documents for its options (and for rho
 * and eps, which have none), restated here as the oracle. */
static int in_option_ranges(const ocsdf_train_settings *s)
{
	return s->margin >= 1e-9 && s->margin <= 1e6 && s->lambda >= 1e-9 && s->lambda <= 1e12 &&
	       s->lr >= 1e-12 && s->lr <= 10 && s->lr_final >= 1e-12 && s->lr_final <= 10 &&
	       s->rho > 0 && (float)s->rho < 1 && s->eps >= 1e-12 && s->eps <= 1 && s->box >= 1e-6 &&
	       s->box <= 1e6 && s->bjorck_tol >= 0 && s->bjorck_tol <= 1 && s->epochs >= 1 &&
	       s->epochs <= 1000000 && s->warmup >= 0 && s->warmup <= s->epochs &&
	       s->steps_per_epoch_min >= 1 && s->steps_per_epoch_min <= 100000000 &&
	       s->steps_per_epoch_max >= 0 && s->steps_per_epoch_max <= 100000000 && s->batch >= 1 &&
	       s->batch <= 65536 && s->newton_steps >= 0 && s->newton_steps <= 10000 &&
	       (s->newton_level0 == 0 || s->newton_level0 == 1) && (s->init == 0 || s->init == 1) &&
	       (s->ortho == 0 || s->ortho == 1) && s->bjorck_iters >= 1 && s->bjorck_iters <= 1000 &&
	       s->retract_iters >= 1 && s->retract_iters <= 100 && s->ascent_rows >= 0 &&
	       s->ascent_rows <= 65536 && (s->sampler == OCSDF_SAMPLER_DISTANCE || s->ascent_rows == 0);
}

/* Multiply-adds of one step, roughly: the walk and the update on 2B rows,
 * and the orthonormalization (Björck at worst, then the final one). */
static double step_cost(const ocsdf_model *m)
{
	const ocsdf_train_settings *s = &m->settings;
	double P = (double)ocsdf_arch_nparams(&m->arch), W = m->arch.width;
	return (double)s->batch * (s->newton_steps + 4) * P +
	       (s->bjorck_iters + s->retract_iters + 64.0) * P * W + MAX_ROWS * P;
}

static int stop_after(void *ctx, const ocsdf_train_progress *p, const float *theta, int eoe)
{
	int *left = ctx;
	(void)p;
	(void)theta;
	(void)eoe;
	return --*left <= 0;
}

/* The steps m's run made: its checkpoint's, or a finished run's. */
static uint64_t steps_done(const ocsdf_model *m)
{
	return m->ckpt ? m->ckpt->step : m->stats.run_steps;
}

static void resume(ocsdf_model *m, uint64_t n)
{
	int d = m->arch.d, left = STEPS, rc;
	uint64_t step0 = m->ckpt->step;
	float *Z = malloc(sizeof(float) * (size_t)n * (size_t)d);
	ocsdf_train_hooks h = {stop_after, &left, NULL, 0};
	ocsdf_error e;
	void *img;
	size_t len;
	ocsdf_model *back;

	FUZZ_CHECK(Z != NULL);
	for (uint64_t i = 0; i < n; i++)
		for (int j = 0; j < d; j++)
			Z[i * (uint64_t)d + (uint64_t)j] = (float)(1.5 * sin(1.7 * (double)i + 0.3 * j));
	e.code = 0;
	rc = ocsdf_train_run(m, Z, (size_t)n, &h, &e);
	free(Z);
	if (rc == OCSDF_EDATA || rc == OCSDF_ESOFTWARE) {
		/* diverged (weights overflowed), or out of memory */
		FUZZ_CHECK(e.code == rc && e.msg[0]);
		return;
	}
	FUZZ_CHECK(rc == 0 || rc == OCSDF_EINTR);
	FUZZ_CHECK((m->ckpt == NULL) == (rc == 0));
	FUZZ_CHECK(steps_done(m) >= step0 && steps_done(m) - step0 <= STEPS);
	FUZZ_CHECK(ocsdf_model_check(m, &e) == 0);
	if (rc == OCSDF_EINTR)
		FUZZ_CHECK(ocsdf_train_check_resume(m, n, &e) == 0);
	FUZZ_CHECK(ocsdf_model_save_mem(m, &img, &len, &e) == 0);
	FUZZ_CHECK(ocsdf_model_load_mem(img, len, "resumed", &back, &e) == 0);
	FUZZ_CHECK(steps_done(back) == steps_done(m) && (back->ckpt == NULL) == (m->ckpt == NULL));
	free(img);
	ocsdf_model_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ocsdf_model *m = (ocsdf_model *)1;
	ocsdf_error e;
	uint8_t *fixed;
	uint64_t n;
	int rc;

	if (size < 20)
		return 0;
	fixed = malloc(size);
	FUZZ_CHECK(fixed != NULL);
	memcpy(fixed, data, size);
	fuzz_fix_crc(fixed, size);
	e.code = 0;
	rc = ocsdf_model_load_mem(fixed, size, "fuzz", &m, &e);
	free(fixed);
	if (rc) {
		FUZZ_CHECK(m == NULL);
		FUZZ_CHECK((rc == OCSDF_EDATA || rc == OCSDF_ESOFTWARE) && e.code == rc && e.msg[0]);
		return 0;
	}
	FUZZ_CHECK(in_option_ranges(&m->settings));
	/* The rows of the interrupted run, as ocsdf-train checks first. */
	n = m->stats.rows >= 1 && m->stats.rows <= MAX_ROWS ? m->stats.rows : MAX_ROWS / 4;
	e.code = 0;
	rc = ocsdf_train_check_resume(m, n, &e);
	if (rc) {
		FUZZ_CHECK(rc == OCSDF_EDATA && e.code == rc && e.msg[0]);
	} else if (step_cost(m) <= STEP_BUDGET) {
		resume(m, n);
	}
	ocsdf_model_free(m);
	return 0;
}
