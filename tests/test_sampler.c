/*
 * test_sampler.c: the walks of lib/sampler.c on a random network: Newton
 * walks land on their level, one-sided ones leave the points above it;
 * the walk presets: ocsdf-sample's level walk from noise stays in the box
 * and lands on the level; from rows, those at or above the level stay
 * exactly where they are and the others land on it, unclamped; the
 * walker: the same points as a plain walk written here from the formulas,
 * for the same seed, whatever it walked before; restarts that redraw
 * exactly the points that missed; the rows of ocsdf-sample --from: each
 * column's role, the features standardized, the refusals.
 */
#include <check.h>
#include <stdio.h>
#include <unistd.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lipnet.h"
#include "model.h"
#include "rng.h"
#include "scale.h"
#include "sampler.h"
#include "train.h"

enum { B = 64, D = 3 };

typedef struct walk {
	float z0[B * D], z[B * D], f0[B], f[B];
	double level;
	int reached;       /* what the walk says */
} walk;

/* Points drawn in [-span, span]^D walked with the level preset. */
static void run_tol(walk *w, int from_rows, double box, double span, double level, int steps, double tol)
{
	ocsdf_arch a = {D, 16, 2, OCSDF_ACT_FULLSORT};
	float *theta = malloc(ocsdf_arch_nparams(&a) * sizeof(float));
	ocsdf_lipnet *net = ocsdf_lipnet_new(&a, B);
	ocsdf_walker *wk = net ? ocsdf_walker_new(net, B) : NULL;
	ocsdf_walk_opts o;
	ocsdf_rng r;
	ck_assert(theta && net && wk);
	ocsdf_rng_seed(&r, 11);
	ocsdf_lipnet_init(&a, &r, theta);
	ocsdf_sampler_init(w->z0, B, D, OCSDF_INIT_UNIFORM, span, NULL, &r);
	ocsdf_lipnet_forward(net, theta, w->z0, B, w->f0);
	memcpy(w->z, w->z0, sizeof w->z);
	w->level = level;
	ocsdf_sampler_level_opts(steps, level, tol, box, from_rows, &o);
	ck_assert(o.stop == NULL && o.steps == steps && o.level == level && o.tol == tol);
	w->reached = ocsdf_walker_walk(wk, theta, w->z, B, &o, &r, w->f);
	ocsdf_walker_free(wk);
	ocsdf_lipnet_free(net);
	free(theta);
}

static void run(walk *w, int from_rows, double box, double span, double level)
{
	run_tol(w, from_rows, box, span, level, 64, 0);
}

/* A random net may be flat in places; most points converge. */
static int landed(const walk *w)
{
	int k = 0;
	for (int i = 0; i < B; i++)
		k += fabs(w->f[i] - w->level) < 1e-3;
	return k;
}

START_TEST(level_from_noise)
{
	walk w;
	run(&w, 0, 0.5, 0.5, 0);
	for (int i = 0; i < B * D; i++)
		ck_assert(w.z[i] >= -0.5f && w.z[i] <= 0.5f);
	/* within a small box the level is not always reachable: the walk
	 * still never leaves it; in a roomy one it lands */
	run(&w, 0, 4, 2, 0);
	ck_assert_int_ge(landed(&w), B - 4);
}
END_TEST

START_TEST(level_from_rows)
{
	walk w;
	/* the level at the median of f at the start, so both cases occur */
	float s[B];
	run(&w, 1, 4, 2, 0);
	memcpy(s, w.f0, sizeof s);
	for (int i = 0; i < B; i++)
		for (int j = i + 1; j < B; j++)
			if (s[j] < s[i]) {
				float t = s[i];
				s[i] = s[j];
				s[j] = t;
			}
	run(&w, 1, 0.1, 2, s[B / 2]);
	int above = 0, out_of_box = 0;
	for (int i = 0; i < B; i++) {
		if (w.f0[i] >= w.level) {
			above++;
			for (int j = 0; j < D; j++)
				ck_assert(w.z[i * D + j] == w.z0[i * D + j]);
		}
		for (int j = 0; j < D; j++)
			out_of_box += fabsf(w.z[i * D + j]) > 0.1f;
	}
	ck_assert_int_ge(above, B / 2);
	/* the frozen rows are on or above the level, the others landed */
	ck_assert_int_ge(landed(&w), B - above - 4);
	ck_assert_int_gt(out_of_box, 0);   /* rows are not clamped to the box */
}
END_TEST

/* With a tolerance the walk counts the points that reached the level: all
 * of a reachable one (within the tolerance, or frozen above it from rows),
 * none of a level f cannot take in the box; and it stops early: a walk
 * with a budget of 10000 steps lands where one of 200 does. */
START_TEST(reached_counted)
{
	walk w, w2;
	int k;
	run_tol(&w, 0, 4, 2, 0, 10000, 1e-4);
	run_tol(&w2, 0, 4, 2, 0, 200, 1e-4);
	k = 0;
	for (int i = 0; i < B; i++)
		k += fabs(w.f[i] - w.level) <= 1e-4;
	ck_assert_int_eq(w.reached, k);
	ck_assert_int_ge(k, B - 4);
	ck_assert_int_eq(w2.reached, w.reached);
	ck_assert_int_eq(w2.reached, B);
	ck_assert_mem_eq(w.z, w2.z, sizeof w.z);
	for (int i = 0; i < B; i++)
		ck_assert(fabs(w.f[i] - w.level) <= 1e-4);
	/* f is 1-Lipschitz: a level of 100 is out of reach in [-0.5, 0.5]^3 */
	run_tol(&w, 0, 0.5, 0.5, 100, 50, 1e-4);
	ck_assert_int_eq(w.reached, 0);
	/* rows: those above the level count as reached where they are */
	run_tol(&w, 1, 4, 2, -100, 5, 1e-4);
	ck_assert_int_eq(w.reached, B);
	ck_assert_mem_eq(w.z, w.z0, sizeof w.z);
	/* without a tolerance nothing is counted */
	run(&w, 0, 4, 2, 0);
	ck_assert_int_eq(w.reached, 0);
}
END_TEST

/* The trainer's preset sets every field, whatever the struct held: its
 * walks have a fixed length (no tolerance), the level -m or 0. */
START_TEST(negative_preset_complete)
{
	ocsdf_train_settings s;
	ocsdf_walk_opts o;
	ocsdf_train_default_settings(&s);
	for (int newton = 0; newton < 2; newton++) {
		s.newton_level0 = newton;
		memset(&o, 0xff, sizeof o);
		ocsdf_sampler_negative_opts(&s, 4, &o);
		ck_assert(o.tol == 0 && o.stop == NULL && o.freeze_above == 0);
		ck_assert(o.steps == 4 && o.level == (newton ? 0.0 : -s.margin) && o.box == s.box);
	}
}
END_TEST

/* A walk to level L with Newton steps lands on the level. */
START_TEST(test_walk_reaches_level)
{
	ocsdf_arch a = {3, 16, 2, OCSDF_ACT_FULLSORT};
	size_t P = ocsdf_arch_nparams(&a);
	float *theta = malloc(P * sizeof(float));
	ocsdf_lipnet *net = ocsdf_lipnet_new(&a, 64);
	ocsdf_walker *w = ocsdf_walker_new(net, 64);
	float z[64 * 3], f[64];
	ocsdf_rng r;
	ocsdf_walk_opts o = {32, 0.25, 1, 0, 0, 1, 0, 0, 0, NULL, 0, 0};
	int moved = 0;
	ocsdf_rng_seed(&r, 7);
	ocsdf_lipnet_init(&a, &r, theta);
	ocsdf_sampler_init(z, 64, 3, OCSDF_INIT_UNIFORM, 2, NULL, &r);
	for (int i = 0; i < 64 * 3; i++)
		ck_assert(z[i] >= -2 && z[i] <= 2);
	ck_assert(w != NULL);
	ocsdf_walker_walk(w, theta, z, 64, &o, &r, f);
	for (int i = 0; i < 64; i++) {
		/* A random net may be flat in places; most points converge. */
		moved += fabsf(f[i] - 0.25f) < 1e-3f;
	}
	ck_assert_int_ge(moved, 60);
	ocsdf_walker_free(w);
	ocsdf_lipnet_free(net);
	free(theta);
}
END_TEST

/* One-sided walks leave points above the level where they are. */
START_TEST(test_walk_one_sided)
{
	ocsdf_arch a = {2, 8, 2, OCSDF_ACT_FULLSORT};
	size_t P = ocsdf_arch_nparams(&a);
	float *theta = malloc(P * sizeof(float));
	ocsdf_lipnet *net = ocsdf_lipnet_new(&a, 32);
	ocsdf_walker *w = ocsdf_walker_new(net, 32);
	float z[32 * 2], z0[32 * 2], f0[32], f[32];
	ocsdf_rng r;
	ocsdf_walk_opts o = {8, 0, 1, 0, 0, 1, 1, 0, 0, NULL, 0, 0};
	ocsdf_rng_seed(&r, 3);
	ocsdf_lipnet_init(&a, &r, theta);
	ocsdf_sampler_init(z, 32, 2, OCSDF_INIT_UNIFORM, 3, NULL, &r);
	ocsdf_lipnet_forward(net, theta, z, 32, f0);
	o.level = 0;
	{
		/* Put the level at the median of f so both cases occur. */
		float s[32];
		memcpy(s, f0, sizeof s);
		for (int i = 0; i < 32; i++)
			for (int j = i + 1; j < 32; j++)
				if (s[j] < s[i]) {
					float t = s[i];
					s[i] = s[j];
					s[j] = t;
				}
		o.level = s[16];
	}
	memcpy(z0, z, sizeof z);
	ck_assert(w != NULL);
	ocsdf_walker_walk(w, theta, z, 32, &o, &r, f);
	for (int i = 0; i < 32; i++)
		if (f0[i] >= o.level) {
			ck_assert_float_eq(z[2 * i], z0[2 * i]);
			ck_assert_float_eq(z[2 * i + 1], z0[2 * i + 1]);
		} else {
			ck_assert(z[2 * i] != z0[2 * i] || z[2 * i + 1] != z0[2 * i + 1]);
		}
	ocsdf_walker_free(w);
	ocsdf_lipnet_free(net);
	free(theta);
}
END_TEST

/* A network of D inputs with random orthonormal weights, a walker on it
 * for batches of B, and a generator seeded with seed. */
typedef struct bench {
	ocsdf_arch a;
	float *theta;
	ocsdf_lipnet *net;
	ocsdf_walker *w;
	ocsdf_rng r;
} bench;

static void bench_new(bench *b, uint64_t seed)
{
	b->a = (ocsdf_arch){D, 16, 2, OCSDF_ACT_FULLSORT};
	b->theta = malloc(ocsdf_arch_nparams(&b->a) * sizeof(float));
	b->net = ocsdf_lipnet_new(&b->a, B);
	b->w = b->net ? ocsdf_walker_new(b->net, B) : NULL;
	ck_assert(b->theta && b->net && b->w);
	ocsdf_rng_seed(&b->r, seed);
	ocsdf_lipnet_init(&b->a, &b->r, b->theta);
}

static void bench_free(bench *b)
{
	ocsdf_walker_free(b->w);
	ocsdf_lipnet_free(b->net);
	free(b->theta);
}

/* The walk of sampler.h written from its formulas, for n points, with
 * buffers of its own: the reference the walker must match bit for bit. */
static void plain_walk(bench *b, float *z, int n, const ocsdf_walk_opts *o, ocsdf_rng *r)
{
	float g[B * D], f[B], eta[B];
	for (int i = 0; i < n; i++)
		eta[i] = (float)(o->eta_random ? o->eta * ocsdf_rng_uniform(r) : o->eta);
	for (int t = 0; t < o->steps; t++) {
		int moving = 0;
		ocsdf_lipnet_input_grad(b->net, b->theta, z, n, f, g);
		for (int i = 0; i < n; i++) {
			double gn2 = 0, gap = o->level - f[i], s;
			for (int j = 0; j < D; j++)
				gn2 += (double)g[i * D + j] * g[i * D + j];
			if (t == 0 && o->freeze_above && gap <= 0)
				eta[i] = 0;
			if ((o->one_sided && gap <= 0) || eta[i] == 0 || fabs(gap) <= o->tol)
				continue;
			moving++;
			s = (o->newton ? gap / (gn2 + 1e-8) : gap / (sqrt(gn2) + 1e-12)) *
			    (o->fraction ? eta[i] / o->steps : eta[i]);
			for (int j = 0; j < D; j++) {
				float v = z[i * D + j] + (float)(s * g[i * D + j]);
				float box = (float)o->box;
				if (box > 0)
					v = v < -box ? -box : v > box ? box : v;
				z[i * D + j] = v;
			}
		}
		if (!moving)
			break;
	}
}

/* The trainer's walks (both kinds, random step scales, clamped) and the
 * level walk give the points of the plain walk for the same seed, on
 * batches of several sizes one after the other on one walker. */
START_TEST(walker_same_points)
{
	bench b;
	ocsdf_train_settings s;
	ocsdf_walk_opts o[3];
	float z[B * D], ref[B * D], f[B];
	int sizes[] = {B, 1, 17, B};
	bench_new(&b, 5);
	ocsdf_train_default_settings(&s);
	s.box = 1.5;
	ocsdf_sampler_negative_opts(&s, 4, &o[0]);
	s.newton_level0 = 1;
	ocsdf_sampler_negative_opts(&s, 4, &o[1]);
	ocsdf_sampler_level_opts(20, 0.1, 0, 2, 0, &o[2]);
	for (int k = 0; k < 3; k++)
		for (int q = 0; q < 4; q++) {
			int n = sizes[q];
			ocsdf_rng r1, r2;
			ocsdf_rng_seed(&r1, 100 + (uint64_t)q);
			ocsdf_sampler_init(z, n, D, OCSDF_INIT_UNIFORM, 2, NULL, &r1);
			memcpy(ref, z, sizeof(float) * (size_t)n * D);
			r2 = r1;
			ocsdf_walker_walk(b.w, b.theta, z, n, &o[k], &r1, q % 2 ? f : NULL);
			plain_walk(&b, ref, n, &o[k], &r2);
			ck_assert_mem_eq(z, ref, sizeof(float) * (size_t)n * D);
			ck_assert_mem_eq(&r1, &r2, sizeof r1);
		}
	ck_assert_ptr_null(ocsdf_walker_new(b.net, 0));
	bench_free(&b);
}
END_TEST

/* Restarts: the walk, then the points that missed the level drawn again
 * in the box (in order, from the same generator) and the batch walked
 * again, as many times as asked or until all reached it. */
START_TEST(walker_restarts)
{
	bench b;
	ocsdf_walk_opts o;
	float z[B * D], ref[B * D], f[B], fr[B];
	ocsdf_rng r1, r2;
	int got, want = 0, rounds = 0;
	bench_new(&b, 9);
	ocsdf_sampler_level_opts(2, 0, 1e-3, 2, 0, &o);
	ck_assert_int_eq(o.restarts, OCSDF_WALK_RESTARTS);
	ocsdf_sampler_init(z, B, D, OCSDF_INIT_UNIFORM, 2, NULL, &b.r);
	memcpy(ref, z, sizeof z);
	r1 = r2 = b.r;
	got = ocsdf_walker_walk(b.w, b.theta, z, B, &o, &r1, f);
	o.restarts = 0;
	want = ocsdf_walker_walk(b.w, b.theta, ref, B, &o, &r2, fr);
	ck_assert_int_lt(want, B);   /* two steps are too few for some */
	for (; want < B && rounds < OCSDF_WALK_RESTARTS; rounds++) {
		for (int i = 0; i < B; i++)
			if (fabs(fr[i]) > 1e-3)
				ocsdf_sampler_init(ref + i * D, 1, D, OCSDF_INIT_UNIFORM, 2, NULL, &r2);
		want = ocsdf_walker_walk(b.w, b.theta, ref, B, &o, &r2, fr);
	}
	ck_assert_int_gt(rounds, 0);
	ck_assert_int_eq(got, want);
	ck_assert_mem_eq(z, ref, sizeof z);
	ck_assert_mem_eq(f, fr, sizeof f);
	ck_assert_mem_eq(&r1, &r2, sizeof r1);
	bench_free(&b);
}
END_TEST

/* ocsdf-sample's presets from a model: the mode's level and steps, the
 * model's box, no restarts nor clamp from rows. */
START_TEST(mode_presets)
{
	ocsdf_arch a = {D, 16, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = ocsdf_model_new(&a, 0);
	ocsdf_walk_opts o;
	double level = 0.25;
	ck_assert_ptr_nonnull(m);
	ocsdf_train_default_settings(&m->settings);
	m->settings.box = 3;
	m->settings.newton_steps = 6;
	m->stats.f_mean = 0.5;
	ocsdf_sampler_mode_opts(m, OCSDF_WALK_NEGATIVE, -1, NULL, 1e-4, 0, &o);
	ck_assert(o.steps == 6 && o.tol == 0 && o.eta_random && o.restarts == 0);
	ocsdf_sampler_mode_opts(m, OCSDF_WALK_NEGATIVE, 2, NULL, 1e-4, 0, &o);
	ck_assert_int_eq(o.steps, 2);
	ocsdf_sampler_mode_opts(m, OCSDF_WALK_BOUNDARY, -1, NULL, 1e-4, 0, &o);
	ck_assert(o.steps == OCSDF_WALK_LEVEL_STEPS && o.level == 0 && o.tol == 1e-4 && o.box == 3);
	ck_assert(o.restarts == OCSDF_WALK_RESTARTS && !o.freeze_above && !o.eta_random);
	ocsdf_sampler_mode_opts(m, OCSDF_WALK_INSIDE, 9, NULL, 1e-4, 1, &o);
	ck_assert(o.steps == 9 && o.level == 0.5 && o.box == 0 && o.restarts == 0 && o.freeze_above);
	ocsdf_sampler_mode_opts(m, OCSDF_WALK_INSIDE, -1, &level, 1e-4, 0, &o);
	ck_assert(o.level == 0.25 && o.box == 3);
	ocsdf_model_free(m);
}
END_TEST

/* A CSV file of text, removed by the caller; its path. */
static char *csv_file(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/ocsdf-sampler-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

START_TEST(rows_from_file)
{
	ocsdf_arch a = {2, 8, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = ocsdf_model_new(&a, 0);
	ocsdf_sampler_rows rows;
	ocsdf_error e;
	float z[4], want[4];
	double X[4] = {3, 10, -1, 20};
	char name[72];
	ck_assert(m && ocsdf_model_set_name(m, 0, "x") == 0 && ocsdf_model_set_name(m, 1, "y") == 0);
	m->mean[0] = 1;
	m->mean[1] = 10;
	m->std[0] = 2;
	m->std[1] = 5;
	ck_assert_int_eq(ocsdf_sampler_delta_name(name, sizeof name, "x"), 7);
	ck_assert_str_eq(name, "delta_x");
	char *path = csv_file("id,y,sdf,x,delta_x,delta_z\na,10,0.5,3,0,1\nb,20,0.1,-1,0,2\n");
	ck_assert_int_eq(ocsdf_sampler_rows_open(&rows, path, NULL, m, &e), 0);
	int roles[] = {-1, 1, OCSDF_SAMPLER_DROPPED, 0, OCSDF_SAMPLER_DROPPED, -1};
	ck_assert_int_eq(rows.nc, 6);
	ck_assert_mem_eq(rows.feature, roles, sizeof roles);
	ck_assert(rows.cols[0] == 3 && rows.cols[1] == 1);
	ck_assert_int_eq(ocsdf_sampler_rows_next(&rows, m, 16, z, &e), 0);
	ck_assert_int_eq(rows.b.nrows, 2);
	ck_assert_str_eq(rows.b.text[6 + 0], "b");
	ocsdf_scale_apply(X, 2, 2, m->mean, m->std, want);
	ck_assert_mem_eq(z, want, sizeof z);
	ck_assert_int_eq(ocsdf_sampler_rows_next(&rows, m, 16, z, &e), 0);
	ck_assert_int_eq(rows.b.nrows, 0);
	ocsdf_sampler_rows_close(&rows);
	unlink(path);
	path = csv_file("id,x\na,1\n");
	ck_assert_int_eq(ocsdf_sampler_rows_open(&rows, path, NULL, m, &e), OCSDF_EDATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "y"));
	ck_assert_ptr_null(rows.r);
	unlink(path);
	ck_assert_int_eq(ocsdf_sampler_rows_open(&rows, "/nonexistent/rows.csv", NULL, m, &e), OCSDF_ENOINPUT);
	ocsdf_model_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sampler");
	TCase *t = tcase_create("presets");
	tcase_add_test(t, level_from_noise);
	tcase_add_test(t, level_from_rows);
	tcase_add_test(t, reached_counted);
	tcase_add_test(t, negative_preset_complete);
	tcase_add_test(t, mode_presets);
	tcase_add_test(t, walker_same_points);
	tcase_add_test(t, walker_restarts);
	tcase_add_test(t, rows_from_file);
	tcase_add_test(t, test_walk_reaches_level);
	tcase_add_test(t, test_walk_one_sided);
	suite_add_tcase(s, t);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
