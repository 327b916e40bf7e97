/* Unit tests of the trainer and the steps of its loop, and the
 * standardization.  (The walks of the sampler: test_sampler.c.) */
#include <check.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bjorck.h"
#include "knn.h"
#include "lipnet.h"
#include "model.h"
#include "rng.h"
#include "sampler.h"
#include "scale.h"
#include "score.h"
/* The loop's steps are static: the test sees them by including the
 * module (its public functions then come from here, not the library). */
#include "../lib/train.c"

/* A filled unit disk: its signed distance is 1 - |x|. */
static float *disk(size_t n, uint64_t seed)
{
	float *Z = malloc(n * 2 * sizeof(float));
	ocsdf_rng r;
	ocsdf_rng_seed(&r, seed);
	for (size_t i = 0; i < n; i++) {
		double rad = sqrt(ocsdf_rng_uniform(&r)), t = 6.283185307179586 * ocsdf_rng_uniform(&r);
		Z[2 * i] = (float)(rad * cos(t));
		Z[2 * i + 1] = (float)(rad * sin(t));
	}
	return Z;
}

static ocsdf_model *small_model(int width, int depth, int epochs, int ortho)
{
	ocsdf_arch a = {2, width, depth, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = ocsdf_model_new(&a, 1);
	ck_assert_ptr_nonnull(m);
	ocsdf_train_default_settings(&m->settings);
	m->settings.epochs = epochs;
	m->settings.warmup = 1;
	m->settings.batch = 64;
	m->settings.margin = 0.1;
	m->settings.ortho = ortho;
	/* The tests of the paper's walks and of the loop's mechanics. */
	m->settings.sampler = OCSDF_SAMPLER_PAPER;
	m->settings.slope = 0;
	m->settings.ascent_rows = 0;
	m->settings.lr_final = m->settings.lr;
	for (int j = 0; j < 2; j++) {
		m->mean[j] = 0;
		m->std[j] = 1;
	}
	return m;
}

START_TEST(test_scale_constant_and_iso)
{
	double X[] = {1, 5, 10, 2, 5, 30, 3, 5, 50};
	double mean[3], std[3];
	int k = ocsdf_scale_fit(X, 3, 3, OCSDF_SCALE_STD, mean, std);
	ck_assert_int_eq(k, 1);
	ck_assert_double_eq_tol(mean[0], 2, 1e-12);
	ck_assert_double_eq_tol(std[0], sqrt(2.0 / 3), 1e-12);
	ck_assert_double_eq(std[1], 1.0);
	ck_assert_double_eq_tol(mean[1], 5, 1e-12);
	ocsdf_scale_fit(X, 3, 3, OCSDF_SCALE_ISO, mean, std);
	ck_assert_double_eq_tol(std[0], std[2], 1e-12);
	ck_assert_double_eq_tol(std[0] * std[0], (2.0 / 3 + 0 + 800.0 / 3) / 3, 1e-9);
	ocsdf_scale_fit(X, 3, 3, OCSDF_SCALE_NONE, mean, std);
	ck_assert_double_eq(mean[2], 0);
	ck_assert_double_eq(std[2], 1);
	{
		double s[] = {2, 0.5, 4};
		ck_assert_double_eq(ocsdf_scale_lipschitz(s, 3), 2.0);
	}
	{
		double big[] = {1e300, -1e300};
		double m0[] = {0}, s0[] = {1e-10};
		float z[2];
		ocsdf_scale_apply(big, 2, 1, m0, s0, z);
		ck_assert(isfinite(z[0]) && isfinite(z[1]));
		ck_assert(z[0] > 1e29f && z[1] < -1e29f);
	}
}
END_TEST

/* Training on a disk learns a function that is positive inside, negative
 * well outside, and ranks points like the true signed distance. */
static void check_disk(int ortho)
{
	size_t n = 1000;
	float *Z = disk(n, 11);
	ocsdf_model *m = small_model(32, 2, 12, ortho);
	ocsdf_error e;
	float probe[2 * 8], f[8];
	int rc;
	ocsdf_lipnet *net;

	rc = ocsdf_train_run(m, Z, n, NULL, &e);
	ck_assert_msg(rc == 0, "%s", e.msg);
	ck_assert_ptr_null(m->ckpt);
	ck_assert(m->stats.ortho_error < 1e-5);
	ck_assert(m->stats.f_p50 > 0);
	/* Points at radius 0 (inside) and radius 2.5 (1.5 outside). */
	for (int k = 0; k < 4; k++) {
		double t = k * 1.5707963;
		probe[2 * k] = 0.05f * (float)cos(t);
		probe[2 * k + 1] = 0.05f * (float)sin(t);
		probe[8 + 2 * k] = 2.5f * (float)cos(t);
		probe[8 + 2 * k + 1] = 2.5f * (float)sin(t);
	}
	net = ocsdf_lipnet_new(&m->arch, 8);
	ocsdf_lipnet_forward(net, m->theta, probe, 8, f);
	for (int k = 0; k < 4; k++) {
		ck_assert_msg(f[k] > 0, "centre scored %g", f[k]);
		ck_assert_msg(f[4 + k] < 0, "outside scored %g", f[4 + k]);
		/* 0.496 to 0.51 over kernels (Haswell, Prescott) and
		 * retraction tolerances (1e-3, 1e-2); true distances differ
		 * by more. */
		ck_assert_msg(f[k] - f[4 + k] > 0.4, "centre %g, outside %g", f[k], f[4 + k]);
	}
	ocsdf_lipnet_free(net);
	ocsdf_model_free(m);
	free(Z);
}

START_TEST(test_disk_retract)
{
	check_disk(OCSDF_ORTHO_RETRACT);
}
END_TEST

START_TEST(test_disk_bjorck)
{
	check_disk(OCSDF_ORTHO_BJORCK);
}
END_TEST


/* The k-th nearest neighbour distances of knn.c against a plain double
 * loop, over more reference rows than one block holds; the index query
 * gives the same distances, bit for bit, and names a reference row at
 * that distance. */
START_TEST(test_knn_matches_brute_force)
{
	enum { M = OCSDF_KNN_BLOCK + 300, D = 5, Q = 40, K = 7 };
	float *ref = malloc(sizeof(float) * M * D), q[Q * D], dist[Q], dist_i[Q];
	int idx[Q];
	double *d2 = malloc(sizeof(double) * M);
	ocsdf_rng r;
	ocsdf_knn *x;

	ocsdf_rng_seed(&r, 5);
	for (int i = 0; i < M * D; i++)
		ref[i] = (float)ocsdf_rng_normal(&r);
	/* Half the queries are reference rows, half fresh points. */
	for (int i = 0; i < Q * D; i++)
		q[i] = i < Q * D / 2 ? ref[i] : (float)(2 * ocsdf_rng_normal(&r));
	/* Chunks of 7 queries: the 40 queries take several. */
	x = ocsdf_knn_new(ref, M, D, K + 1, 7);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(ocsdf_knn_rows(x), M);
	for (int k = 1; k <= K; k += 3)
		for (int skip = 0; skip <= 1; skip++) {
			ocsdf_knn_query(x, q, Q, k, skip, dist);
			ocsdf_knn_query_index(x, q, Q, k, skip, dist_i, idx);
			for (int i = 0; i < Q; i++) {
				ck_assert_msg(dist_i[i] == dist[i], "query %d k %d skip %d: %g, expected %g", i, k,
					      skip, dist_i[i], dist[i]);
				ck_assert_int_ge(idx[i], 0);
				ck_assert_int_lt(idx[i], M);
				ck_assert(ocsdf_knn_row(x, (size_t)idx[i]) == ocsdf_knn_row(x, 0) + (size_t)idx[i] * D);
				for (int j = 0; j < M; j++) {
					double s = 0;
					for (int c = 0; c < D; c++) {
						double t = (double)q[i * D + c] - ref[j * D + c];
						s += t * t;
					}
					d2[j] = s;
				}
				ck_assert_msg(fabs(d2[idx[i]] - (double)dist[i] * dist[i]) < 1e-4,
					      "query %d k %d skip %d: row %d at %g, expected %g", i, k, skip, idx[i],
					      sqrt(d2[idx[i]]), dist[i]);
				/* The (k + skip)-th smallest, by selection. */
				for (int a = 0; a < k + skip; a++)
					for (int b = a + 1; b < M; b++)
						if (d2[b] < d2[a]) {
							double t = d2[a];
							d2[a] = d2[b];
							d2[b] = t;
						}
				/* knn.h: squared distances within about 1e-6 of
				 * |q|^2 + |x|^2, which is at most 100 here. */
				ck_assert_msg(fabs((double)dist[i] * dist[i] - d2[k + skip - 1]) < 1e-4,
					      "query %d k %d skip %d: %g, expected %g", i, k, skip, dist[i],
					      sqrt(d2[k + skip - 1]));
			}
		}
	/* Asking for more neighbours than it was built for fills INFINITY. */
	ocsdf_knn_query(x, q, 1, K + 1, 1, dist);
	ck_assert(isinf(dist[0]));
	ocsdf_knn_query_index(x, q, 1, K + 1, 1, dist_i, idx);
	ck_assert(isinf(dist_i[0]));
	ck_assert_int_eq(idx[0], -1);
	ocsdf_knn_free(x);
	ck_assert_ptr_null(ocsdf_knn_new(ref, M, D, 0, Q));
	ck_assert_ptr_null(ocsdf_knn_new(ref, 0, D, 1, Q));
	free(ref);
	free(d2);
}
END_TEST

/* The distance sampler on the unit disk, |x| <= 1, declared free of
 * outliers (contamination 0): f is within 0.1 of the true signed distance
 * 1 - |x| at points inside and just outside, away from the centre (where
 * the distance has a kink no smooth network follows), and well below 0
 * far outside; no training row scores below 0.  With the default
 * contamination 0.05, floor(0.05 n) rows do.  Measured over
 * seeds and kernels by tests/bench/trained.sh. */
static ocsdf_model *distance_disk(size_t n, const float *Z, double contamination)
{
	ocsdf_arch a = {2, 64, 3, OCSDF_ACT_GROUPSORT2};
	ocsdf_model *m = ocsdf_model_new(&a, 1);
	ocsdf_error e;
	int rc;

	ck_assert_ptr_nonnull(m);
	ocsdf_train_default_settings(&m->settings);
	m->settings.contamination = contamination;
	m->settings.epochs = 20;
	m->settings.seed = getenv("OCSDF_TEST_SEED") ? strtoull(getenv("OCSDF_TEST_SEED"), NULL, 10) : 1;
	rc = ocsdf_train_run(m, Z, n, NULL, &e);
	ck_assert_msg(rc == 0, "%s", e.msg);
	return m;
}

START_TEST(test_distance_disk)
{
	const size_t n = 2000;
	float *Z = disk(n, 3), *f = malloc(n * sizeof(float));
	ocsdf_model *m = distance_disk(n, Z, 0);
	float probe[2 * 6], fp[6];
	const double radius[6] = {0.3, 0.5, 0.8, 1.2, 2.5, 4};
	double gn;
	size_t below = 0;
	ocsdf_lipnet *net = ocsdf_lipnet_new(&m->arch, 6);
	ocsdf_scorer *sc;

	for (int k = 0; k < 6; k++) {
		probe[2 * k] = (float)(radius[k] * cos(1.0 + k));
		probe[2 * k + 1] = (float)(radius[k] * sin(1.0 + k));
	}
	ocsdf_lipnet_forward(net, m->theta, probe, 6, fp);
	for (int k = 0; k < 4; k++)
		ck_assert_msg(fabs(fp[k] - (1 - radius[k])) < 0.1, "f at radius %g is %g, sdf %g", radius[k],
			      fp[k], 1 - radius[k]);
	ck_assert_msg(fp[4] < -1 && fp[5] < fp[4] - 1, "f at radius 2.5 and 4: %g %g", fp[4], fp[5]);
	ck_assert_int_eq(ocsdf_train_eval(&m->arch, m->theta, Z, n, f, &gn), 0);
	/* The level, on the rows as ocsdf-score scores them. */
	ck_assert_ptr_nonnull(sc = ocsdf_scorer_new(m, OCSDF_SCORE_TILE));
	score_rows(sc, Z, n, 2, f);
	ocsdf_scorer_free(sc);
	for (size_t i = 0; i < n; i++)
		below += f[i] < 0;
	ck_assert_uint_eq(below, 0);
	ck_assert_msg(gn > 0.8, "mean |grad f| on the rows %g", gn);
	if (getenv("OCSDF_TEST_SHOW"))
		fprintf(stderr, "distance disk: f %g %g %g %g %g %g |grad| %g r %g\n", fp[0], fp[1], fp[2],
			fp[3], fp[4], fp[5], gn, m->stats.support_radius);
	ck_assert(m->stats.support_radius > 0 && m->stats.support_radius < 0.2);
	ocsdf_lipnet_free(net);
	ocsdf_model_free(m);

	{
		ocsdf_train_settings def;
		ocsdf_train_default_settings(&def);
		m = distance_disk(n, Z, def.contamination);
	}
	ck_assert_ptr_nonnull(sc = ocsdf_scorer_new(m, OCSDF_SCORE_TILE));
	score_rows(sc, Z, n, 2, f);
	ocsdf_scorer_free(sc);
	below = 0;
	for (size_t i = 0; i < n; i++)
		below += f[i] < 0;
	ck_assert_uint_eq(below, n / 20);
	ocsdf_model_free(m);
	free(Z);
	free(f);
}
END_TEST

static volatile sig_atomic_t stop_flag;

static int stop_at(void *ctx, const ocsdf_train_progress *p, const float *theta, int eoe)
{
	(void)theta;
	(void)eoe;
	if (p->step == *(uint64_t *)ctx)
		stop_flag = 1;
	return 0;
}

/* m written to a file and read back, m freed. */
static ocsdf_model *saved_and_loaded(ocsdf_model *m)
{
	char path[] = "/tmp/ocsdf-test-ckpt-XXXXXX";
	int fd = mkstemp(path);
	ocsdf_model *l = NULL;
	ocsdf_error e;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_msg(ocsdf_model_save(m, path, 1, &e) == 0, "%s", e.msg);
	ck_assert_msg(ocsdf_model_load(path, &l, &e) == 0, "%s", e.msg);
	unlink(path);
	ocsdf_model_free(m);
	return l;
}

/* Interrupting and resuming gives the same model as an uninterrupted run,
 * and the same seed gives the same model: the same raw parameters after
 * the last step (a run stopped there, and one stopped at step 23 then
 * resumed there), the same weights once finished. */
START_TEST(test_resume_equals_uninterrupted)
{
	size_t n = 300, P;
	float *Z = disk(n, 5);
	/* _i: 0 and 1 the paper's sampler with bjorck and retract, 2 the
	 * distance sampler, whose pool of outside negatives a resumed run
	 * rebuilds, with the ascent's points from 100 of the rows, 3 that
	 * with --average 0.5, stopped inside the steps it averages (30 to
	 * 59; the average travels with the checkpoint), and the ascent from
	 * every row. */
	ocsdf_model *a = small_model(16, 2, 4, _i % 2), *b = small_model(16, 2, 4, _i % 2);
	ocsdf_error e;
	uint64_t at = 60; /* 4 epochs of 15 steps */
	ocsdf_train_hooks h = {stop_at, &at, &stop_flag, 0};

	if (_i >= 2)
		a->settings.sampler = b->settings.sampler = OCSDF_SAMPLER_DISTANCE;
	if (_i == 2)
		a->settings.ascent_rows = b->settings.ascent_rows = 100;
	if (_i == 3)
		a->settings.ascent_rows = b->settings.ascent_rows = OCSDF_TRAIN_ASCENT_ROWS_DEFAULT;
	if (_i == 3)
		a->settings.average = b->settings.average = 0.5;
	P = ocsdf_arch_nparams(&a->arch);
	stop_flag = 0;
	ck_assert_int_eq(ocsdf_train_run(a, Z, n, &h, &e), OCSDF_EINTR);
	at = _i == 3 ? 41 : 23;
	stop_flag = 0;
	ck_assert_int_eq(ocsdf_train_run(b, Z, n, &h, &e), OCSDF_EINTR);
	ck_assert_ptr_nonnull(b->ckpt);
	ck_assert_int_eq((int)b->ckpt->step, (int)at);
	if (_i == 3) {
		ck_assert_int_eq(ocsdf_model_set_name(b, 0, "x"), 0);
		ck_assert_int_eq(ocsdf_model_set_name(b, 1, "y"), 0);
		b = saved_and_loaded(b);
	}
	ck_assert(b->stats.ortho_error < 1e-5);
	at = 60;
	stop_flag = 0;
	ck_assert_int_eq(ocsdf_train_run(b, Z, n, &h, &e), OCSDF_EINTR);
	ck_assert_int_eq((int)a->ckpt->step, 60);
	ck_assert_int_eq((int)b->ckpt->step, 60);
	ck_assert_int_eq(memcmp(a->ckpt->params, b->ckpt->params, P * sizeof(float)), 0);
	stop_flag = 0;
	ck_assert_int_eq(ocsdf_train_run(a, Z, n, NULL, &e), 0);
	ck_assert_int_eq(ocsdf_train_run(b, Z, n, NULL, &e), 0);
	ck_assert_int_eq(memcmp(a->theta, b->theta, P * sizeof(float)), 0);
	ocsdf_model_free(a);
	ocsdf_model_free(b);
	free(Z);
}
END_TEST

/* What test_average_of_steps keeps: the sum of the parameters after each
 * step from `from` on (1-based steps), their count, and the weights shown
 * at the end of the last epoch. */
typedef struct snapshots {
	const ocsdf_model *m;
	uint64_t from, count;
	double *sum;
	float *shown;
} snapshots;

static int add_snapshot(void *ctx, const ocsdf_train_progress *p, const float *theta, int eoe)
{
	snapshots *v = ctx;
	size_t P = ocsdf_arch_nparams(&v->m->arch);
	if (p->step >= v->from) {
		for (size_t i = 0; i < P; i++)
			v->sum[i] += v->m->ckpt->params[i];
		v->count++;
	}
	if (eoe && p->step == p->steps)
		memcpy(v->shown, theta, P * sizeof *theta);
	return 0;
}

/* With --average 0.25, the model is the mean of the parameters after each
 * of the last quarter of the steps, made orthonormal: 4 epochs of 15
 * steps average steps 46 to 60.  The end of each of those epochs shows
 * the hook the model of a run ending there; the last epoch's is the
 * model written.  The last step's own weights differ. */
START_TEST(test_average_of_steps)
{
	size_t n = 300, P;
	float *Z = disk(n, 7), *want, *last;
	ocsdf_model *m = small_model(16, 2, 4, OCSDF_ORTHO_RETRACT);
	snapshots v = {m, 46, 0, NULL, NULL};
	ocsdf_train_hooks h = {add_snapshot, &v, NULL, 1};
	ocsdf_error e;
	work w;
	double far = 0;

	m->settings.average = 0.25;
	P = ocsdf_arch_nparams(&m->arch);
	v.sum = calloc(P, sizeof *v.sum);
	v.shown = malloc(P * sizeof *v.shown);
	want = malloc(P * sizeof *want);
	last = malloc(P * sizeof *last);
	ck_assert(v.sum && v.shown && want && last);
	ck_assert_int_eq(ocsdf_train_run(m, Z, n, &h, &e), 0);
	ck_assert_int_eq((int)v.count, 15);
	ck_assert_int_eq(memcmp(v.shown, m->theta, P * sizeof *m->theta), 0);
	/* The mean, made orthonormal as the trainer makes its weights. */
	ck_assert(work_alloc(&w, m, n));
	for (size_t i = 0; i < P; i++)
		last[i] = (float)(v.sum[i] / (double)v.count);
	ck_assert(inference_weights(m, &w, last, want) < 1e-5);
	for (size_t i = 0; i < P; i++)
		ck_assert_msg(fabsf(m->theta[i] - want[i]) < 1e-5f, "weight %zu is %g, the mean's %g", i,
			      m->theta[i], want[i]);
	ck_assert(m->stats.ortho_error < 1e-5);
	/* Without the average: the last step's weights, far from it. */
	ocsdf_model_free(m);
	m = small_model(16, 2, 4, OCSDF_ORTHO_RETRACT);
	ck_assert_int_eq(ocsdf_train_run(m, Z, n, NULL, &e), 0);
	for (size_t i = 0; i < P; i++)
		far = fmax(far, fabs((double)m->theta[i] - want[i]));
	ck_assert_msg(far > 1e-3, "the last step's weights are within %g of the mean's", far);
	work_free(&w);
	ocsdf_model_free(m);
	free(v.sum);
	free(v.shown);
	free(want);
	free(last);
	free(Z);
}
END_TEST

/* The loss reported during an epoch is the mean over its steps so far:
 * the last step's own loss, k L_k - (k-1) L_(k-1), is the final loss. */
typedef struct losses {
	double prev, last;
	int k;
} losses;

static int record_loss(void *ctx, const ocsdf_train_progress *p, const float *theta, int eoe)
{
	losses *l = ctx;
	(void)theta;
	(void)eoe;
	l->prev = l->last;
	l->last = p->loss;
	l->k = p->step_in_epoch;
	return 0;
}

START_TEST(test_epoch_loss_is_mean)
{
	size_t n = 200;
	float *Z = disk(n, 6);
	ocsdf_model *m = small_model(8, 1, 2, OCSDF_ORTHO_RETRACT);
	losses l = {0, 0, 0};
	ocsdf_train_hooks h = {record_loss, &l, NULL, 0};
	ocsdf_error e;
	double own;

	ck_assert_int_eq(ocsdf_train_run(m, Z, n, &h, &e), 0);
	ck_assert_int_eq(l.k, 15);
	own = l.k * l.last - (l.k - 1) * l.prev;
	ck_assert_msg(fabs(own - m->stats.final_loss) < 1e-9 * (1 + 15 * fabs(l.last)),
		      "last step's loss %.17g from the means, final loss %.17g", own, m->stats.final_loss);
	ck_assert(l.last != m->stats.final_loss);
	ocsdf_model_free(m);
	free(Z);
}
END_TEST

/* A model scores the same before saving and after loading, and the
 * scorer (standardize + forward) agrees with the trainer's evaluation. */
START_TEST(test_save_load_scores)
{
	size_t n = 400;
	float *Z = disk(n, 8), f0[64], f1[64], f2[64];
	double X[64 * 2];
	ocsdf_model *m = small_model(16, 2, 2, OCSDF_ORTHO_RETRACT), *l = NULL;
	ocsdf_scorer *s0, *s1;
	ocsdf_error e;
	char path[] = "/tmp/ocsdf-test-model-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	m->mean[0] = 3;
	m->std[1] = 2;
	ck_assert_int_eq(ocsdf_model_set_name(m, 0, "x"), 0);
	ck_assert_int_eq(ocsdf_model_set_name(m, 1, "y"), 0);
	ck_assert_int_eq(ocsdf_train_run(m, Z, n, NULL, &e), 0);
	ck_assert_int_eq(ocsdf_model_save(m, path, 1, &e), 0);
	ck_assert_int_eq(ocsdf_model_load(path, &l, &e), 0);
	unlink(path);
	for (int i = 0; i < 64; i++) {
		X[2 * i] = Z[2 * i] + 3;
		X[2 * i + 1] = 2.0 * Z[2 * i + 1];
	}
	s0 = ocsdf_scorer_new(m, 64);
	s1 = ocsdf_scorer_new(l, 64);
	ocsdf_scorer_run(s0, X, 64, f0);
	ocsdf_scorer_run(s1, X, 64, f1);
	ck_assert_int_eq(memcmp(f0, f1, sizeof f0), 0);
	ck_assert_int_eq(ocsdf_train_eval(&m->arch, m->theta, Z, 64, f2, NULL), 0);
	for (int i = 0; i < 64; i++)
		ck_assert_float_eq_tol(f0[i], f2[i], 1e-5f);
	ck_assert_double_eq(l->stats.lipschitz_raw, 1.0);
	ocsdf_scorer_free(s0);
	ocsdf_scorer_free(s1);
	ocsdf_model_free(m);
	ocsdf_model_free(l);
	free(Z);
}
END_TEST

/* rc is 65 with a message containing words. */
static void expect_refused(int rc, const ocsdf_error *e, const char *words)
{
	ck_assert_int_eq(rc, OCSDF_EDATA);
	ck_assert_msg(strstr(e->msg, words), "\"%s\" lacks \"%s\"", e->msg, words);
}

/* The one check that option parsing, the model loader and the trainer
 * share: every field against its range, by name. */
START_TEST(test_settings_checked)
{
	static const struct {
		const char *words;
	} cases[] = {
		{"settings.margin is 0,"},      {"settings.warmup is 50, expected 0..40"},
		{"settings.rho is 1,"},         {"settings.rho is 0,"},
		{"settings.eps is 0,"},         {"settings.lr is 0,"},
		{"settings.lr_final is nan"},   {"settings.batch is 0, expected 1..65536"},
		{"settings.newton_steps is 2147483647, expected 0..10000"},
		{"settings.bjorck_iters is 0"}, {"settings.retract_iters is 0"},
		{"settings.epochs is 0"},       {"settings.box is inf"},
	};
	ocsdf_train_settings s;
	ocsdf_arch a = {2, 8, 2, 0}, wide = {10000, 512, 2, 0};
	ocsdf_error e;

	ocsdf_train_default_settings(&s);
	ck_assert_int_eq(ocsdf_train_check_settings(&s, &a, &e), 0);
	ck_assert_int_eq(ocsdf_train_check_settings(&s, NULL, &e), 0);
	expect_refused(ocsdf_train_check_settings(&s, &wide, &e), &e, "too many features");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ocsdf_train_default_settings(&s);
		switch (i) {
		case 0: s.margin = 0; break;
		case 1: s.warmup = 50; break;
		case 2: s.rho = 1; break;
		case 3: s.rho = 0; break;
		case 4: s.eps = 0; break;
		case 5: s.lr = 0; break;
		case 6: s.lr_final = NAN; break;
		case 7: s.batch = 0; break;
		case 8: s.newton_steps = 2147483647; break;
		case 9: s.bjorck_iters = 0; break;
		case 10: s.retract_iters = 0; break;
		case 11: s.epochs = 0; break;
		default: s.box = INFINITY; break;
		}
		expect_refused(ocsdf_train_check_settings(&s, &a, &e), &e, cases[i].words);
	}
}
END_TEST

/* The trainer refuses what it cannot run (a batch of 0 divides by zero, an
 * endless walk never ends) with 65, before touching the model. */
START_TEST(test_run_refuses_bad_settings)
{
	size_t n = 50;
	float *Z = disk(n, 3);
	ocsdf_model *m = small_model(8, 1, 2, OCSDF_ORTHO_RETRACT);
	ocsdf_error e;

	m->settings.batch = 0;
	expect_refused(ocsdf_train_run(m, Z, n, NULL, &e), &e, "settings.batch is 0");
	m->settings.batch = 64;
	m->settings.newton_steps = 2147483647;
	expect_refused(ocsdf_train_run(m, Z, n, NULL, &e), &e, "settings.newton_steps");
	m->settings.newton_steps = 4;
	m->settings.rho = 0;
	expect_refused(ocsdf_train_run(m, Z, n, NULL, &e), &e, "settings.rho is 0");
	m->settings.rho = 0.9;
	ck_assert_int_eq(ocsdf_train_run(m, Z, 0, NULL, &e), OCSDF_EDATA);
	ck_assert_int_eq((int)m->ckpt->step, 0);
	ocsdf_model_free(m);
	free(Z);
}
END_TEST

/* A checkpoint is resumable only within its run: the step it reached must
 * not lie beyond epochs x steps per epoch for the rows given. */
START_TEST(test_resume_checked)
{
	size_t n = 300;
	float *Z = disk(n, 5);
	ocsdf_model *m = small_model(8, 1, 2, OCSDF_ORTHO_RETRACT);
	ocsdf_checkpoint *c;
	ocsdf_error e;

	/* 300 rows in batches of 64: 5 steps, at least 15 per epoch. */
	ck_assert_int_eq(ocsdf_train_check_resume(m, n, &e), 0);
	m->ckpt->step = 30;
	ck_assert_int_eq(ocsdf_train_check_resume(m, n, &e), 0);
	m->ckpt->step = 31;
	expect_refused(ocsdf_train_check_resume(m, n, &e), &e,
		       "step is 31, beyond the 30 steps of the run (2 epochs of 15 steps on 300 rows)");
	m->ckpt->step = UINT64_MAX;
	expect_refused(ocsdf_train_check_resume(m, n, &e), &e, "step is 18446744073709551615");
	expect_refused(ocsdf_train_run(m, Z, n, NULL, &e), &e, "step is 18446744073709551615");
	/* --average 0.5 averages steps 15 to 29: a checkpoint past step 15
	 * needs the average. */
	m->settings.average = 0.5;
	m->ckpt->step = 15;
	ck_assert_int_eq(ocsdf_train_check_resume(m, n, &e), 0);
	m->ckpt->step = 16;
	expect_refused(ocsdf_train_check_resume(m, n, &e), &e, "step is 16, within the share of the run that "
		       "settings.average averages, but the checkpoint holds no average");
	m->settings.average = 0;
	m->ckpt->step = 10;
	expect_refused(ocsdf_train_check_resume(m, 0, &e), &e, "cannot train on 0 rows");
	ck_assert_int_eq(ocsdf_train_check_resume(m, (uint64_t)1 << 32, &e), OCSDF_EDATA);
	m->settings.epochs = 0;
	expect_refused(ocsdf_train_check_resume(m, n, &e), &e, "settings.epochs is 0");
	m->settings.epochs = 2;
	c = m->ckpt;
	m->ckpt = NULL;
	expect_refused(ocsdf_train_check_resume(m, n, &e), &e, "not a checkpoint of an interrupted run");
	m->ckpt = c;
	free(c->opt_v);
	c->opt_v = NULL;
	expect_refused(ocsdf_train_check_resume(m, n, &e), &e, "no training state");
	ocsdf_model_free(m);
	free(Z);
}
END_TEST

/* A run stopped after its very last step resumes to the model of the
 * uninterrupted run, final loss included. */
START_TEST(test_resume_after_last_step)
{
	size_t n = 200;
	float *Z = disk(n, 9);
	ocsdf_model *a = small_model(8, 1, 2, OCSDF_ORTHO_RETRACT);
	ocsdf_model *b = small_model(8, 1, 2, OCSDF_ORTHO_RETRACT);
	ocsdf_error e;
	uint64_t at = 30; /* 2 epochs of 15 steps */
	ocsdf_train_hooks h = {stop_at, &at, &stop_flag, 0};

	ck_assert_int_eq(ocsdf_train_run(a, Z, n, NULL, &e), 0);
	stop_flag = 0;
	ck_assert_int_eq(ocsdf_train_run(b, Z, n, &h, &e), OCSDF_EINTR);
	ck_assert_int_eq((int)b->ckpt->step, 30);
	stop_flag = 0;
	ck_assert_int_eq(ocsdf_train_run(b, Z, n, NULL, &e), 0);
	ck_assert_ptr_null(b->ckpt);
	ck_assert(isfinite(b->stats.final_loss));
	ck_assert_double_eq(a->stats.final_loss, b->stats.final_loss);
	ck_assert_int_eq(memcmp(a->theta, b->theta, ocsdf_arch_nparams(&a->arch) * sizeof(float)), 0);
	ocsdf_model_free(a);
	ocsdf_model_free(b);
	free(Z);
}
END_TEST

/* Parameters far from the orthonormal set (only a forged checkpoint has
 * them with --ortho retract) still give orthonormal, finite weights when
 * the run ends without a step: Newton-Schulz alone would diverge. */
START_TEST(test_finish_far_parameters)
{
	size_t n = 200, P;
	float *Z = disk(n, 2);
	ocsdf_model *m = small_model(8, 1, 2, OCSDF_ORTHO_RETRACT);
	ocsdf_error e;

	P = ocsdf_arch_nparams(&m->arch);
	for (size_t i = 0; i < P; i++)
		m->ckpt->params[i] = (float)((int)(i % 7) - 3) * 1e6f;
	m->ckpt->step = 30; /* 2 epochs of 15 steps: nothing left to run */
	ck_assert_int_eq(ocsdf_model_set_name(m, 0, "x") || ocsdf_model_set_name(m, 1, "y"), 0);
	ck_assert_int_eq(ocsdf_train_run(m, Z, n, NULL, &e), 0);
	ck_assert_msg(ocsdf_model_check(m, &e) == 0, "%s", e.msg);
	ck_assert(m->stats.ortho_error < 1e-5);
	ck_assert(ocsdf_ortho_error(&m->arch, m->theta) < 1e-5);
	ocsdf_model_free(m);
	free(Z);
}
END_TEST

/* A stop request ends the walk that makes the negatives, however many
 * steps it has, and drops the step: nothing of it reaches the model. */
START_TEST(test_stop_cuts_walk)
{
	size_t n = 100, P;
	float *Z = disk(n, 4), *params;
	ocsdf_model *m = small_model(16, 2, 2, OCSDF_ORTHO_RETRACT);
	ocsdf_error e;
	uint64_t at = 3;
	ocsdf_train_hooks h = {stop_at, &at, &stop_flag, 0};

	/* A checkpoint of 3 steps, then walks of 10000 steps (minutes, on a
	 * large network) with the stop already requested. */
	m->settings.warmup = 0;
	m->settings.newton_steps = 2;
	stop_flag = 0;
	ck_assert_int_eq(ocsdf_train_run(m, Z, n, &h, &e), OCSDF_EINTR);
	ck_assert_int_eq((int)m->ckpt->step, 3);
	ck_assert_int_eq(stop_flag, 1);
	m->settings.newton_steps = OCSDF_TRAIN_MAX_NEWTON_STEPS;
	P = ocsdf_arch_nparams(&m->arch);
	params = malloc(P * sizeof(float));
	ck_assert_ptr_nonnull(params);
	memcpy(params, m->ckpt->params, P * sizeof(float));
	ck_assert_int_eq(ocsdf_train_run(m, Z, n, &h, &e), OCSDF_EINTR);
	ck_assert_int_eq((int)m->ckpt->step, 3);
	ck_assert_int_eq(memcmp(params, m->ckpt->params, P * sizeof(float)), 0);
	ck_assert_ptr_nonnull(m->ckpt);
	ck_assert(isfinite(m->stats.final_loss));
	stop_flag = 0;
	free(params);
	ocsdf_model_free(m);
	free(Z);
}
END_TEST

/* Central differences of the loss over f: exact for the hinge away from
 * its kinks and for the squared error up to rounding. */
static void check_loss_derivative(const ocsdf_train_settings *s, const float *t, int B)
{
	float f[8], df[8], dummy[8];
	const float h = 1.0f / 64;

	ck_assert_int_le(2 * B, 8);
	/* Away from +-margin (0.1) by more than h. */
	for (int k = 0; k < 2 * B; k++)
		f[k] = (float)((k * 37 % 11) - 5) / 8;
	t ? distance_loss(s, f, t, B, df) : hinge_kr_loss(s, f, B, df);
	for (int k = 0; k < 2 * B; k++) {
		float f0 = f[k];
		double up, down;
		f[k] = f0 + h;
		up = t ? distance_loss(s, f, t, B, dummy) : hinge_kr_loss(s, f, B, dummy);
		f[k] = f0 - h;
		down = t ? distance_loss(s, f, t, B, dummy) : hinge_kr_loss(s, f, B, dummy);
		f[k] = f0;
		ck_assert_msg(fabs((up - down) / (2 * h) - df[k]) < 1e-5,
			      "%s loss: df[%d] is %g, the loss changes at %g", t ? "distance" : "hinge", k,
			      (double)df[k], (up - down) / (2 * h));
	}
}

/* Each loss returns the mean over the batch, and df is its derivative. */
START_TEST(test_loss_derivatives)
{
	ocsdf_train_settings s;
	const float t[8] = {0.5f, -0.25f, 1, 0, -1, 2, 0.125f, -0.5f};
	const float f1[2] = {0, 0.2f};
	float df[2];

	ocsdf_train_default_settings(&s);
	s.margin = 0.1;
	s.lambda = 4;
	check_loss_derivative(&s, NULL, 4);
	s.push = 0.5;
	check_loss_derivative(&s, t, 4);
	/* A row below the margin, a negative above -margin: both hinges. */
	ck_assert_double_eq_tol(hinge_kr_loss(&s, f1, 1, df), 0.1 + 0.3 + 0.2 / 4, 1e-7);
	/* Squared errors 0.25 and 0.2025, the row pushed up by 0.5 * 0. */
	ck_assert_double_eq_tol(distance_loss(&s, f1, t, 1, df), 0.25 + 0.45 * 0.45, 1e-7);
}
END_TEST

/* A term on pairs of points (the rows' f0 and their probes' f1, B of
 * each), as slope_loss and rise_loss: h, mu and the targets' rises (NULL
 * for slope_loss, whose rise is h). */
typedef struct pair_term {
	int B;
	double h, mu;
	const float *rise;
} pair_term;

static double pair_loss(const pair_term *t, const float *f0, const float *f1, float *d0, float *d1)
{
	return t->rise ? rise_loss(f0, f1, t->rise, t->B, t->h, t->mu, d0, d1)
		       : slope_loss(f0, f1, t->B, t->h, t->mu, d0, d1);
}

/* The term's loss at f0, f1 (B <= 8), which must be want; its derivative
 * must be added to df0 (set to 1 before) and written to df1, as central
 * differences say. */
static void check_pair_term(const pair_term *t, float *f0, float *f1, double want)
{
	const double eps = 1.0 / 1024;
	float d0[8], d1[8], x0[8], x1[8];

	for (int k = 0; k < t->B; k++)
		d0[k] = 1;
	ck_assert_double_eq_tol(pair_loss(t, f0, f1, d0, d1), want, 1e-5);
	for (int k = 0; k < t->B; k++) {
		float *v[2] = {f0, f1};
		for (int which = 0; which < 2; which++) {
			float keep = v[which][k];
			double up, down;
			v[which][k] = (float)(keep + eps);
			up = pair_loss(t, f0, f1, x0, x1);
			v[which][k] = (float)(keep - eps);
			down = pair_loss(t, f0, f1, x0, x1);
			v[which][k] = keep;
			ck_assert_msg(fabs((up - down) / (2 * eps) - (which ? d1[k] : d0[k] - 1)) < 1e-3,
				      "d/d%s[%d]: %g, the loss changes at %g", which ? "f1" : "f0", k,
				      which ? (double)d1[k] : (double)d0[k] - 1, (up - down) / (2 * eps));
		}
	}
}

/* The slope term: mu times the mean squared shortfall of the rise
 * f1 - f0 from h, over h. */
START_TEST(test_slope_loss)
{
	float f0[3] = {0.5f, -0.25f, 1}, f1[3] = {0.55f, -0.3f, 1.1f};
	pair_term t = {3, 0.1, 2, NULL};

	/* shortfalls 0.5, 1.5 and 0 of h */
	check_pair_term(&t, f0, f1, 2 * (0.25 + 2.25 + 0) / 3);
}
END_TEST

/* The rise term of --slope: mu times the mean squared gap between the
 * rise f1 - f0 and the targets' rise, over h, rows without a probe (NaN)
 * left out, with a derivative of 0 there. */
START_TEST(test_rise_loss)
{
	float f0[4] = {0.5f, -0.25f, 1, 0.3f}, f1[4] = {0.55f, -0.3f, 1.1f, 2}, d0[4] = {1, 1, 1, 1}, d1[4];
	const float rise[4] = {0.1f, 0.05f, 0.07f, NAN};
	pair_term t = {4, 0.1, 2, rise};

	/* gaps -0.5, -1 and 0.3 of h; none at the fourth row */
	check_pair_term(&t, f0, f1, 2 * (0.25 + 1 + 0.09) / 4);
	pair_loss(&t, f0, f1, d0, d1);
	ck_assert(d0[3] == 1 && d1[3] == 0);
}
END_TEST

/* The probes of the rise term on the unit disk, after a few steps of the
 * sampler have filled the pool: a row whose target is its bound gets a
 * probe h away from the pool's point that gives the bound, and the rise
 * of the bound there, checked against the bound recomputed in double
 * (at most h: the bound is 1-Lipschitz); any other row keeps its probe on
 * itself and no rise. */
START_TEST(test_rise_probes)
{
	ocsdf_arch a = {2, 16, 2, OCSDF_ACT_GROUPSORT2};
	ocsdf_model *m = ocsdf_model_new(&a, 1);
	const size_t n = 500;
	const int B = 64;
	float *Z = disk(n, 5);
	ocsdf_error e;
	ocsdf_rng r;
	work w;
	double h;
	int on = 0;

	ck_assert_ptr_nonnull(m);
	ocsdf_train_default_settings(&m->settings);
	m->settings.batch = B;
	ck_assert(m->settings.slope > 0);
	ck_assert(work_alloc(&w, m, n));
	ck_assert_int_eq(start_sampler(m, Z, n, &w, &e), 0);
	ocsdf_rng_seed(&r, 11);
	for (int step = 0; step < 6; step++) {
		memcpy(w.X, Z + (size_t)step * B * 2, (size_t)B * 2 * sizeof(float));
		distance_negatives(&w, Z, n, B, &r);
	}
	ck_assert_int_gt(w.sup.pool_len, 0);
	h = OCSDF_TRAIN_SLOPE_STEP * w.sup.r;
	rise_probes(&w, B, 2, h);
	for (int k = 0; k < B; k++) {
		const float *z = w.X + 2 * k, *p = w.X + 2 * (2 * B + k);
		if (isnan(w.rise[k])) {
			ck_assert(p[0] == z[0] && p[1] == z[1]);
			ck_assert_msg(w.from[k] < 0 || w.bound[k] + 1e-4 * w.sup.r < w.target[k],
				      "row %d: its target is its bound, but no probe", k);
			continue;
		}
		on++;
		{
			const float *q = w.sup.pool + 2 * w.from[k];
			double dx = (double)p[0] - z[0], dy = (double)p[1] - z[1], ux = (double)z[0] - q[0],
			       uy = (double)z[1] - q[1], step = hypot(dx, dy), best = INFINITY;
			ck_assert_msg(fabs(step - h) < 1e-3 * h, "row %d: the probe is %g away, not %g", k, step, h);
			ck_assert((dx * ux + dy * uy) / (step * hypot(ux, uy)) > 0.9999);
			for (int j = 0; j < w.sup.pool_len; j++)
				best = fmin(best, w.sup.pool_t[j] + hypot((double)p[0] - w.sup.pool[2 * j],
									  (double)p[1] - w.sup.pool[2 * j + 1]));
			ck_assert_msg(fabs(w.rise[k] - (best - w.bound[k])) < 1e-3 * h + 1e-6,
				      "row %d: rise %g, the bound's %g", k, w.rise[k], best - w.bound[k]);
			ck_assert(w.rise[k] <= h * (1 + 1e-3) && w.rise[k] >= -h * (1 + 1e-3));
		}
	}
	/* Rows fill the disk: most are inside, their targets the bound. */
	ck_assert_int_ge(on, B / 2);
	work_free(&w);
	ocsdf_model_free(m);
	free(Z);
}
END_TEST

/* One RMSprop step by hand: v = rho v + (1 - rho) g^2, p -= lr g /
 * (sqrt(v) + eps). */
START_TEST(test_rmsprop)
{
	float p[3] = {1, -2, 0.5f}, v[3] = {0, 1, 0.25f};
	const float g[3] = {2, 0, -1};

	rmsprop(p, g, v, 3, 0.1, 0.9, 1e-7);
	ck_assert_double_eq_tol(v[0], 0.4, 1e-7);
	ck_assert_double_eq_tol(p[0], 1 - 0.2 / (sqrt(0.4) + 1e-7), 1e-6);
	ck_assert_double_eq_tol(v[1], 0.9, 1e-7);
	ck_assert_double_eq(p[1], -2);
	ck_assert_double_eq_tol(v[2], 0.325, 1e-7);
	ck_assert_double_eq_tol(p[2], 0.5 + 0.1 / (sqrt(0.325) + 1e-7), 1e-6);
}
END_TEST

/* Gradient norms add up one row at a time onto what came before. */
START_TEST(test_add_norms)
{
	const float g[6] = {3, 4, 0, 0, -1, 0};

	ck_assert_double_eq(add_norms(0, g, 3, 2), 6);
	ck_assert_double_eq(add_norms(1.5, g, 2, 2), 6.5);
	ck_assert_double_eq(add_norms(0, g, 2, 3), 5 + 1);
}
END_TEST

/* A batch takes the epoch's order from its position on, wrapping around
 * the rows. */
START_TEST(test_draw_batch)
{
	const float Z[6] = {0, 10, 1, 11, 2, 12};
	const uint32_t perm[3] = {2, 0, 1};
	float X[8];

	draw_batch(X, Z, 3, 2, perm, 2, 4);
	for (int k = 0; k < 4; k++) {
		int row = (int)perm[(2 + k) % 3];
		ck_assert_double_eq(X[2 * k], row);
		ck_assert_double_eq(X[2 * k + 1], 10 + row);
	}
}
END_TEST

/* A retraction mends weights near the orthonormal set with Newton-Schulz
 * alone; weights far from it, where Newton-Schulz diverges, are projected
 * afresh and counted. */
START_TEST(test_retract_rescue)
{
	ocsdf_arch a = {3, 8, 2, OCSDF_ACT_FULLSORT};
	const size_t P = ocsdf_arch_nparams(&a);
	float *W = malloc(P * sizeof(float)), *theta = malloc(P * sizeof(float)),
	      *scratch = malloc(P * sizeof(float));
	ocsdf_ortho_opts oo;
	ocsdf_ortho *o;
	ocsdf_rng r;
	uint64_t reproj = 0;
	double err;

	ck_assert(W && theta && scratch);
	ocsdf_ortho_default_opts(&oo);
	oo.tol = RETRACT_TOL;
	o = ocsdf_ortho_new(&a, &oo);
	ck_assert_ptr_nonnull(o);
	ocsdf_rng_seed(&r, 11);
	ocsdf_lipnet_init(&a, &r, W);
	ck_assert(project(o, W, theta) < RETRACT_TOL);
	for (size_t i = 0; i < P; i++)
		theta[i] *= 1.01f;
	err = retract(o, theta, scratch, P, 3, &reproj);
	ck_assert(err < RETRACT_TOL);
	/* err bounds the error in real arithmetic; float rounding adds ~1e-7. */
	ck_assert(ocsdf_ortho_error(&a, theta) <= err + 1e-6);
	ck_assert_int_eq((int)reproj, 0);
	for (size_t i = 0; i < P; i++)
		theta[i] *= 3;
	ck_assert(!(ocsdf_ortho_error(&a, theta) < 1));
	err = retract(o, theta, scratch, P, 3, &reproj);
	ck_assert(err < RETRACT_TOL);
	ck_assert(ocsdf_ortho_error(&a, theta) < RETRACT_TOL);
	ck_assert_int_eq((int)reproj, 1);
	ocsdf_ortho_free(o);
	free(W);
	free(theta);
	free(scratch);
}
END_TEST

/* The report of a step: the epoch's means so far, the step's place, and
 * a stop from the hook or from the flag. */
typedef struct seen {
	ocsdf_train_progress p;
	int calls, end_of_epoch, refuse;
} seen;

static int keep(void *ctx, const ocsdf_train_progress *p, const float *theta, int eoe)
{
	seen *v = ctx;
	(void)theta;
	v->p = *p;
	v->calls++;
	v->end_of_epoch = eoe;
	return v->refuse;
}

/* The rate decays linearly over the first 1 - lr_hold of the run, then
 * holds lr_final; without a hold it is the plain linear decay. */
START_TEST(test_learning_rate)
{
	ocsdf_train_settings s;
	ocsdf_train_default_settings(&s);
	s.lr = 1e-3;
	s.lr_final = 1e-6;
	s.lr_hold = 0.25;
	ck_assert(learning_rate(&s, 0, 400) == 1e-3);
	ck_assert(fabs(learning_rate(&s, 150, 400) - (1e-3 + (1e-6 - 1e-3) * 0.5)) < 1e-15);
	ck_assert(learning_rate(&s, 300, 400) == 1e-6);
	ck_assert(learning_rate(&s, 399, 400) == 1e-6);
	ck_assert(learning_rate(&s, 299, 400) > 1e-6);
	s.lr_hold = 0;
	ck_assert(learning_rate(&s, 200, 400) == 1e-3 + (1e-6 - 1e-3) * 200.0 / 400.0);
	ck_assert(learning_rate(&s, 399, 400) > 1e-6);
	s.lr_final = s.lr;
	s.lr_hold = 0.5;
	for (uint64_t k = 0; k < 10; k++)
		ck_assert(learning_rate(&s, k, 10) == 1e-3);
}
END_TEST

START_TEST(test_report)
{
	ocsdf_model *m = small_model(8, 1, 3, OCSDF_ORTHO_RETRACT);
	run_state rs = {.spe = 4, .total = 12, .ortho_error = 1e-7, .gnorm_neg = 0.5, .reprojections = 2};
	volatile sig_atomic_t flag = 0;
	seen v = {.calls = 0};
	ocsdf_train_hooks h = {keep, &v, &flag, 0};
	work w = {.ascent_found = 497, .ascent_rows = 500};

	/* The first step has no probe (the rise term's means are NaN until
	 * one comes); the second has 4, 3 of them on one cone. */
	const step_means a = {.f_data = 0.5, .f_neg = -0.5},
			 b = {.f_data = 0.25, .f_neg = -0.25, .rise_f = 2, .rise_bound = 3, .probes = 4, .cone = 3},
			 zero = {0};

	clock_gettime(CLOCK_MONOTONIC, &rs.t0);
	ck_assert_int_eq(report(&h, m, &w, m->theta, &rs, 5, 1, &zero), 0);
	ck_assert(isnan(v.p.rise_f) && isnan(v.p.rise_bound) && isnan(v.p.rise_cone));
	v.calls = 0;
	memset(&rs.sums, 0, sizeof rs.sums);
	ck_assert_int_eq(report(NULL, m, &w, m->theta, &rs, 6, 1, &a), 0);
	ck_assert_int_eq(report(&h, m, &w, m->theta, &rs, 7, 2, &b), 0);
	ck_assert_int_eq(v.calls, 1);
	ck_assert_int_eq(v.end_of_epoch, 1);
	ck_assert_int_eq(v.p.epoch, 2);
	ck_assert_int_eq(v.p.epochs, 3);
	ck_assert_int_eq((int)v.p.step, 8);
	ck_assert_int_eq((int)v.p.steps, 12);
	ck_assert_int_eq(v.p.step_in_epoch, 4);
	ck_assert_int_eq(v.p.steps_per_epoch, 4);
	ck_assert_double_eq(v.p.loss, 1.5);
	ck_assert_double_eq(v.p.f_data, 0.375);
	ck_assert_double_eq(v.p.f_neg, -0.375);
	ck_assert_double_eq(v.p.gnorm_neg, 0.5);
	ck_assert_double_eq(v.p.rise_f, 0.5);
	ck_assert_double_eq(v.p.rise_bound, 0.75);
	ck_assert_double_eq(v.p.rise_cone, 0.75);
	ck_assert_double_eq(v.p.ortho_error, 1e-7);
	ck_assert_int_eq((int)v.p.reprojections, 2);
	ck_assert_int_eq(v.p.ascent_found, 497);
	ck_assert_int_eq(v.p.ascent_rows, 500);
	ck_assert(v.p.seconds >= 0);
	ck_assert_double_eq(rs.last_loss, 2);
	ck_assert_int_eq(report(&h, m, &w, m->theta, &rs, 8, 3, &zero), 0);
	ck_assert_int_eq(v.end_of_epoch, 0);
	flag = 1;
	ck_assert_int_eq(report(&h, m, &w, m->theta, &rs, 9, 3, &zero), OCSDF_EINTR);
	flag = 0;
	v.refuse = 1;
	ck_assert_int_eq(report(&h, m, &w, m->theta, &rs, 10, 3, &zero), OCSDF_EINTR);
	ocsdf_model_free(m);
}
END_TEST

/* The retraction after an RMSprop step (every entry moved by about lr)
 * takes only the Newton-Schulz iterations the step needs: 2 at lr 1e-3 on
 * 512 x 512 layers (a third would bring the error from 0.0075 to 4e-5,
 * more than training needs), 1 at lr 1e-4; the weights stay within
 * RETRACT_TOL of orthonormal without a fresh projection. */
START_TEST(test_retract_step_iters)
{
	ocsdf_arch a = {21, 512, 4, OCSDF_ACT_GROUPSORT2};
	const size_t P = ocsdf_arch_nparams(&a);
	const double lrs[] = {1e-3, 1e-4};
	const int want[] = {2, 1};
	float *theta = malloc(P * sizeof(float)), *base = malloc(P * sizeof(float)),
	      *scratch = malloc(P * sizeof(float));
	ocsdf_ortho_opts oo;
	ocsdf_ortho *o;
	ocsdf_rng r;

	ck_assert(theta && base && scratch);
	ocsdf_ortho_default_opts(&oo);
	oo.tol = RETRACT_TOL;
	o = ocsdf_ortho_new(&a, &oo);
	ck_assert_ptr_nonnull(o);
	ocsdf_rng_seed(&r, 5);
	ocsdf_lipnet_init(&a, &r, scratch);
	project(o, scratch, base);
	ck_assert(orthonormalize_fully(o, base) < 1e-5);
	for (int c = 0; c < 2; c++) {
		uint64_t reproj = 0;
		for (size_t i = 0; i < P; i++)
			theta[i] = base[i] + (float)(ocsdf_rng_uniform(&r) < 0.5 ? -lrs[c] : lrs[c]);
		double err = retract(o, theta, scratch, P, 3, &reproj);
		ck_assert_int_eq(ocsdf_ortho_retract_iters(o), want[c]);
		ck_assert(err < RETRACT_TOL);
		ck_assert(ocsdf_ortho_error(&a, theta) < RETRACT_TOL);
		ck_assert_int_eq((int)reproj, 0);
	}
	ocsdf_ortho_free(o);
	free(theta);
	free(base);
	free(scratch);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("train");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_scale_constant_and_iso);
	tcase_add_test(tc, test_disk_retract);
	tcase_add_test(tc, test_disk_bjorck);
	tcase_add_test(tc, test_knn_matches_brute_force);
	tcase_add_test(tc, test_distance_disk);
	tcase_add_loop_test(tc, test_resume_equals_uninterrupted, 0, 4);
	tcase_add_test(tc, test_average_of_steps);
	tcase_add_test(tc, test_save_load_scores);
	tcase_add_test(tc, test_epoch_loss_is_mean);
	tcase_add_test(tc, test_settings_checked);
	tcase_add_test(tc, test_run_refuses_bad_settings);
	tcase_add_test(tc, test_resume_checked);
	tcase_add_test(tc, test_resume_after_last_step);
	tcase_add_test(tc, test_stop_cuts_walk);
	tcase_add_test(tc, test_finish_far_parameters);
	tcase_add_test(tc, test_loss_derivatives);
	tcase_add_test(tc, test_rmsprop);
	tcase_add_test(tc, test_add_norms);
	tcase_add_test(tc, test_draw_batch);
	tcase_add_test(tc, test_retract_rescue);
	tcase_add_test(tc, test_retract_step_iters);
	tcase_add_test(tc, test_slope_loss);
	tcase_add_test(tc, test_rise_loss);
	tcase_add_test(tc, test_rise_probes);
	tcase_add_test(tc, test_learning_rate);
	tcase_add_test(tc, test_report);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
