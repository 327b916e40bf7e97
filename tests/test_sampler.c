/*
 * test_sampler.c: the walk presets of lib/sampler.c, walked on a random
 * network: ocsdf-sample's level walk from noise stays in the box and lands
 * on the level; from rows, those at or above the level stay exactly where
 * they are and the others land on it, unclamped.  (The walk itself:
 * test_train.c.)
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lipnet.h"
#include "rng.h"
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
	float g[B * D], eta[B], fw[B];
	ocsdf_walk_opts o;
	ocsdf_rng r;
	ck_assert(theta && net);
	ocsdf_rng_seed(&r, 11);
	ocsdf_lipnet_init(&a, &r, theta);
	ocsdf_sampler_init(w->z0, B, D, OCSDF_INIT_UNIFORM, span, NULL, &r);
	ocsdf_lipnet_forward(net, theta, w->z0, B, w->f0);
	memcpy(w->z, w->z0, sizeof w->z);
	w->level = level;
	ocsdf_sampler_level_opts(steps, level, tol, box, from_rows, &o);
	ck_assert(o.stop == NULL && o.steps == steps && o.level == level && o.tol == tol);
	w->reached = ocsdf_sampler_walk(net, theta, w->z, B, &o, &r, w->f, g, eta, fw);
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

int main(void)
{
	Suite *s = suite_create("sampler");
	TCase *t = tcase_create("presets");
	tcase_add_test(t, level_from_noise);
	tcase_add_test(t, level_from_rows);
	tcase_add_test(t, reached_counted);
	tcase_add_test(t, negative_preset_complete);
	suite_add_tcase(s, t);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
