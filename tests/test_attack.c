/*
 * Unit tests of the PGD attack: it stays in the ball, never beats the
 * certificate, never does better than the clean score, really moves the
 * score (as far as the local gradient allows at small radii, and farther
 * than random search at large ones), and is reproducible by seed and
 * independent of how rows are cut into blocks.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attack.h"
#include "lipnet.h"
#include "model.h"
#include "rng.h"
#include "scale.h"
#include "score.h"

enum { D = 3, N = 300 };

/* A network with orthonormal weights from the orthogonal initialisation
 * (1-Lipschitz in standardized units) and a standardization with unequal
 * scales, so raw and standardized geometry differ: L_raw = 1 / 0.5 = 2. */
static ocsdf_model *make_model(void)
{
	static const double mean[D] = {1, -1, 0}, std[D] = {0.5, 2, 1};
	ocsdf_arch a = {D, 16, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = ocsdf_model_new(&a, 0);
	ocsdf_rng r;
	ck_assert_ptr_nonnull(m);
	ocsdf_rng_seed(&r, 11);
	ocsdf_lipnet_init(&a, &r, m->theta);
	for (int j = 0; j < D; j++) {
		m->mean[j] = mean[j];
		m->std[j] = std[j];
	}
	m->stats.lipschitz_raw = ocsdf_scale_lipschitz(m->std, D);
	return m;
}

/* Rows around the mean, a few standard deviations out; pushes alternate. */
static void make_rows(double *X, signed char *push, int n, uint64_t seed)
{
	static const double mean[D] = {1, -1, 0}, std[D] = {0.5, 2, 1};
	ocsdf_rng r;
	ocsdf_rng_seed(&r, seed);
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < D; j++)
			X[i * D + j] = mean[j] + 2 * std[j] * ocsdf_rng_normal(&r);
		push[i] = i % 2 ? 1 : -1;
	}
}

static double dist(const double *a, const double *b)
{
	double s = 0;
	for (int j = 0; j < D; j++)
		s += (a[j] - b[j]) * (a[j] - b[j]);
	return sqrt(s);
}

START_TEST(test_ball_and_certificate)
{
	static const double radii[] = {0.01, 0.1, 0.5, 2};
	ocsdf_model *m = make_model();
	ocsdf_scorer *sc = ocsdf_scorer_new(m, N);
	ocsdf_attack *a = ocsdf_attack_new(m, sc, N);
	double *X = malloc(sizeof(double) * N * D), *Xadv = malloc(sizeof(double) * N * D);
	float *f = malloc(sizeof(float) * N), *fadv = malloc(sizeof(float) * N);
	float *fchk = malloc(sizeof(float) * N);
	signed char push[N];
	ocsdf_attack_params p = {20, 3, 7};
	double L = m->stats.lipschitz_raw;
	ck_assert_ptr_nonnull(a);
	ck_assert_double_eq(L, 2);
	make_rows(X, push, N, 1);
	ocsdf_scorer_run(sc, X, N, f);
	for (size_t k = 0; k < sizeof radii / sizeof *radii; k++) {
		double eps = radii[k];
		int moved = 0;
		ocsdf_attack_pgd(a, X, push, N, eps, &p, 0, fadv, Xadv);
		ocsdf_scorer_run(sc, Xadv, N, fchk);
		for (int i = 0; i < N; i++) {
			double dx = dist(X + i * D, Xadv + i * D);
			ck_assert_msg(dx <= eps * (1 + 1e-12) + 1e-12, "row %d: |dx| %.17g > eps %g", i, dx,
				      eps);
			/* The score reported is the one at the point reported
			 * (to the rounding of a different block). */
			ck_assert_msg(fabs(fchk[i] - fadv[i]) <= 1e-5, "row %d: f(Xadv) %g, reported %g",
				      i, fchk[i], fadv[i]);
			if (push[i] < 0) {
				ck_assert(fadv[i] <= f[i]);
				ck_assert_msg(fadv[i] >= f[i] - L * eps - 1e-5,
					      "row %d beats the certificate: %g -> %g at eps %g", i, f[i],
					      fadv[i], eps);
			} else {
				ck_assert(fadv[i] >= f[i]);
				ck_assert_msg(fadv[i] <= f[i] + L * eps + 1e-5,
					      "row %d beats the certificate: %g -> %g at eps %g", i, f[i],
					      fadv[i], eps);
			}
			moved += fadv[i] != f[i];
		}
		ck_assert_int_ge(moved, N * 9 / 10);
	}
	ocsdf_attack_free(a);
	ocsdf_scorer_free(sc);
	ocsdf_model_free(m);
	free(X);
	free(Xadv);
	free(f);
	free(fadv);
	free(fchk);
}
END_TEST

START_TEST(test_radius_zero)
{
	ocsdf_model *m = make_model();
	ocsdf_scorer *sc = ocsdf_scorer_new(m, N);
	ocsdf_attack *a = ocsdf_attack_new(m, sc, N);
	double X[N * D], Xadv[N * D];
	float f[N], fadv[N];
	signed char push[N];
	ocsdf_attack_params p = {5, 2, 1};
	make_rows(X, push, N, 2);
	ocsdf_scorer_run(sc, X, N, f);
	ocsdf_attack_pgd(a, X, push, N, 0, &p, 0, fadv, Xadv);
	ck_assert_mem_eq(f, fadv, sizeof f);
	ck_assert_mem_eq(X, Xadv, sizeof X);
	ocsdf_attack_free(a);
	ocsdf_scorer_free(sc);
	ocsdf_model_free(m);
}
END_TEST

/* At a radius small next to the pieces of the piecewise linear score, the
 * best attack moves the score by |∇f|·eps (raw units): PGD must get
 * there. */
START_TEST(test_first_order_optimal)
{
	ocsdf_model *m = make_model();
	ocsdf_scorer *sc = ocsdf_scorer_new(m, N);
	ocsdf_attack *a = ocsdf_attack_new(m, sc, N);
	double X[N * D], ratio_sum = 0, eps = 1e-3, gmean = 0;
	float f[N], g[N * D], fadv[N];
	signed char push[N];
	ocsdf_attack_params p = {20, 1, 3};
	int good = 0;
	make_rows(X, push, N, 3);
	ocsdf_scorer_grad(sc, X, N, f, g);
	ocsdf_attack_pgd(a, X, push, N, eps, &p, 0, fadv, NULL);
	for (int i = 0; i < N; i++) {
		double gn = 0, ratio;
		for (int j = 0; j < D; j++)
			gn += (double)g[i * D + j] * g[i * D + j];
		gn = sqrt(gn);
		gmean += gn / N;
		ck_assert(gn > 0);
		ratio = push[i] * (fadv[i] - f[i]) / (gn * eps);
		ratio_sum += ratio;
		good += ratio >= 0.9;
	}
	/* The gradient is far from 0, else the check says nothing. */
	ck_assert_double_gt(gmean, 0.2);
	ck_assert_int_ge(good, N * 9 / 10);
	ck_assert_double_ge(ratio_sum / N, 0.9);
	ocsdf_attack_free(a);
	ocsdf_scorer_free(sc);
	ocsdf_model_free(m);
}
END_TEST

/* At a large radius, where the score bends inside the ball, PGD does
 * better than random search with the same number of evaluations (3 x 21)
 * on the sphere, in 3 dimensions where random search is at its strongest:
 * more in total, and as well or better on most rows (a local search on a
 * nonconvex score can lose a few rows to a global sampler). */
START_TEST(test_beats_random_search)
{
	enum { TRIES = 63 };
	ocsdf_model *m = make_model();
	ocsdf_scorer *sc = ocsdf_scorer_new(m, N);
	ocsdf_attack *a = ocsdf_attack_new(m, sc, N);
	double *X = malloc(sizeof(double) * N * D), *Xr = malloc(sizeof(double) * N * D);
	float f[N], fadv[N], fr[N], best[N];
	signed char push[N];
	ocsdf_attack_params p = {20, 3, 5};
	double eps = 1.0, gain_pgd = 0, gain_rand = 0;
	int wins = 0;
	ocsdf_rng r;
	make_rows(X, push, N, 4);
	ocsdf_scorer_run(sc, X, N, f);
	memcpy(best, f, sizeof best);
	ocsdf_rng_seed(&r, 99);
	for (int t = 0; t < TRIES; t++) {
		for (int i = 0; i < N; i++) {
			double v[D], s = 0;
			for (int j = 0; j < D; j++) {
				v[j] = ocsdf_rng_normal(&r);
				s += v[j] * v[j];
			}
			for (int j = 0; j < D; j++)
				Xr[i * D + j] = X[i * D + j] + eps * v[j] / sqrt(s);
		}
		ocsdf_scorer_run(sc, Xr, N, fr);
		for (int i = 0; i < N; i++)
			if (push[i] * (fr[i] - best[i]) > 0)
				best[i] = fr[i];
	}
	ocsdf_attack_pgd(a, X, push, N, eps, &p, 0, fadv, NULL);
	for (int i = 0; i < N; i++) {
		wins += push[i] * (fadv[i] - best[i]) >= -1e-6;
		gain_pgd += push[i] * (fadv[i] - f[i]);
		gain_rand += push[i] * (best[i] - f[i]);
	}
	ck_assert_int_ge(wins, N * 85 / 100);
	ck_assert_double_gt(gain_pgd, gain_rand);
	ocsdf_attack_free(a);
	ocsdf_scorer_free(sc);
	ocsdf_model_free(m);
	free(X);
	free(Xr);
}
END_TEST

START_TEST(test_reproducible)
{
	ocsdf_model *m = make_model();
	ocsdf_scorer *sc = ocsdf_scorer_new(m, N);
	ocsdf_attack *a = ocsdf_attack_new(m, sc, N);
	double X[N * D];
	float f1[N], f2[N], f3[N];
	signed char push[N];
	ocsdf_attack_params p = {10, 2, 42};
	int differ = 0;
	make_rows(X, push, N, 5);
	ocsdf_attack_pgd(a, X, push, N, 0.5, &p, 0, f1, NULL);
	ocsdf_attack_pgd(a, X, push, N, 0.5, &p, 0, f2, NULL);
	ck_assert_mem_eq(f1, f2, sizeof f1);
	p.seed = 43;
	ocsdf_attack_pgd(a, X, push, N, 0.5, &p, 0, f3, NULL);
	for (int i = 0; i < N; i++)
		differ += f1[i] != f3[i];
	ck_assert_int_gt(differ, 0);
	ocsdf_attack_free(a);
	ocsdf_scorer_free(sc);
	ocsdf_model_free(m);
}
END_TEST

/* A row's random starts follow its index in the input, not its place in
 * a block: one block or two give the same points (one step, so rounding
 * differences in the gradient cannot grow along a long path). */
START_TEST(test_blocks)
{
	ocsdf_model *m = make_model();
	ocsdf_scorer *sc = ocsdf_scorer_new(m, N);
	ocsdf_attack *a = ocsdf_attack_new(m, sc, N);
	double X[N * D], Xa1[N * D], Xa2[N * D];
	float f1[N], f2[N];
	signed char push[N];
	ocsdf_attack_params p = {1, 2, 8};
	int h = N / 3;
	make_rows(X, push, N, 6);
	ocsdf_attack_pgd(a, X, push, N, 0.3, &p, 1000, f1, Xa1);
	ocsdf_attack_pgd(a, X, push, h, 0.3, &p, 1000, f2, Xa2);
	ocsdf_attack_pgd(a, X + h * D, push + h, N - h, 0.3, &p, 1000 + (uint64_t)h, f2 + h,
			 Xa2 + h * D);
	for (int i = 0; i < N; i++) {
		ck_assert_double_le(fabs(f1[i] - f2[i]), 1e-5);
		ck_assert_double_le(dist(Xa1 + i * D, Xa2 + i * D), 1e-5);
	}
	/* Other row indices, other starts. */
	ocsdf_attack_pgd(a, X, push, N, 0.3, &p, 0, f2, Xa2);
	ck_assert_double_gt(dist(Xa1, Xa2) + dist(Xa1 + D, Xa2 + D), 1e-3);
	ocsdf_attack_free(a);
	ocsdf_scorer_free(sc);
	ocsdf_model_free(m);
}
END_TEST

static Suite *attack_suite(void)
{
	Suite *s = suite_create("attack");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ball_and_certificate);
	tcase_add_test(tc, test_radius_zero);
	tcase_add_test(tc, test_first_order_optimal);
	tcase_add_test(tc, test_beats_random_search);
	tcase_add_test(tc, test_reproducible);
	tcase_add_test(tc, test_blocks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int failed;
	SRunner *sr = srunner_create(attack_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
