/*
 * bench_target.c: how well the distance sampler's own targets rank the
 * rows, beside the model fitted to them: what a perfect fit would reach.
 *
 *   bench_target MODEL CSV LABEL
 *
 * Rebuilds the support of the rows of CSV as the trainer of MODEL did
 * (its standardization, k, quantile and negatives' settings; support.h),
 * fills the pool of outside points with the sampler's negatives, then
 * computes every row's target as a training step does: t = r - d_k, each
 * row left out of its own neighbours, raised to the upper bound where t >
 * -hole r.  Prints one line:
 *
 *   auroc_target auroc_t auroc_f outside raised
 *
 * the AUROC (%) for LABEL = 1 of the target, of t alone and of the model's
 * f on the same rows; the share of the rows outside the support (t < 0),
 * and the share of those whose target the bound raised above 0 (rows in
 * the shallow holes that the hole rule fills).  The pool is drawn with
 * its own seed, not the run's, so the targets are those of a run, not of
 * MODEL's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "model.h"
#include "roc.h"
#include "score.h"
#include "stats.h"
#include "support.h"

int main(int argc, char **argv)
{
	ocsdf_model *m;
	ocsdf_error e;
	ocsdf_dataset ds;
	ocsdf_support sup;
	ocsdf_rng rng;
	enum { B = 256 };

	if (argc != 4) {
		fputs("usage: bench_target MODEL CSV LABEL\n", stderr);
		return 64;
	}
	if (ocsdf_model_load(argv[1], &m, &e) ||
	    ocsdf_dataset_read_model(argv[2], m, argv[3], NULL, &ds, &e)) {
		fprintf(stderr, "bench_target: %s\n", e.msg);
		return 1;
	}
	const ocsdf_train_settings *s = &m->settings;
	const int d = m->arch.d;
	const size_t n = ds.n;
	if (s->sampler != OCSDF_SAMPLER_DISTANCE || n < 2 || n > (size_t)1 << 24 || !ds.labels) {
		fprintf(stderr, "bench_target: needs a model of the distance sampler and 2 to 2^24 labelled rows\n");
		return 1;
	}
	float *Z = malloc(n * (size_t)d * sizeof *Z), *t = malloc(n * sizeof *t);
	float *t0 = malloc(n * sizeof *t0), *f = malloc(n * sizeof *f);
	float *q = malloc((size_t)B * d * sizeof *q), *qt = malloc(B * sizeof *qt);
	double *v = malloc(n * sizeof *v);
	unsigned char *anom = malloc(n);
	ocsdf_scorer *sc = ocsdf_scorer_new(m, OCSDF_SCORE_TILE);
	if (!Z || !t || !t0 || !f || !q || !qt || !v || !anom || !sc) {
		fputs("bench_target: out of memory\n", stderr);
		return 70;
	}
	ocsdf_scale_apply(ds.X, n, d, m->mean, m->std, Z);
	if (ocsdf_support_init(&sup, Z, n, d, s->knn, s->support_quantile, s->seed, &e)) {
		fprintf(stderr, "bench_target: %s\n", e.msg);
		return 1;
	}
	sup.box = s->box;
	sup.box_share = s->box_share;
	sup.near = s->near;
	sup.far = s->far;
	/* A full pool, then as many negatives again: the pool of a run past
	 * its first steps. */
	ocsdf_rng_seed(&rng, s->seed ^ 0x7a26e7ULL);
	for (int i = 0, full = 0; i < 4096 && full < 16; i++) {
		ocsdf_support_negatives(&sup, Z, n, B, q, qt, &rng);
		ocsdf_support_pool_add(&sup, q, qt, B);
		full += sup.pool_len == sup.pool_cap;
	}
	size_t outside = 0, raised = 0;
	for (size_t i = 0; i < n; i += B) {
		int b = n - i < B ? (int)(n - i) : B;
		ocsdf_support_row_targets(&sup, Z + i * d, b, t + i);
		memcpy(t0 + i, t + i, (size_t)b * sizeof *t);
		ocsdf_support_inside_targets(&sup, Z + i * d, b, t + i, NULL, NULL);
		ocsdf_scorer_run(sc, ds.X + i * d, b, f + i);
	}
	for (size_t i = 0; i < n; i++) {
		anom[i] = strcmp(ds.labels[i], "1") == 0;
		outside += t0[i] < 0;
		raised += t0[i] < 0 && t[i] > 0;
	}
	double a[3];
	const float *src[3] = {t, t0, f};
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < n; i++)
			v[i] = src[k][i];
		a[k] = auroc_percent(v, anom, n);
	}
	printf("%.2f %.2f %.2f %.4f %.4f\n", a[0], a[1], a[2], (double)outside / n,
	       outside ? (double)raised / outside : 0.0);
	ocsdf_scorer_free(sc);
	ocsdf_support_free(&sup);
	ocsdf_dataset_free(&ds);
	ocsdf_model_free(m);
	free(Z);
	free(t);
	free(t0);
	free(f);
	free(q);
	free(qt);
	free(v);
	free(anom);
	return fflush(stdout) || ferror(stdout) ? 74 : 0;
}
