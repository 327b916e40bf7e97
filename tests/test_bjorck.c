/*
 * test_bjorck.c: the orthonormal projection Π and its backward pass.
 *
 * Gradients are checked against central differences of the same function
 * evaluated in double precision by tests/netref.h (K Björck steps from
 * W / s, with the library's power-iteration vector u held fixed, as the
 * backward pass does).  Orthonormality is checked on matrices of chosen
 * condition number: within the documented guarantee (condition <= 100 for
 * 15 steps) the default settings must reach max|ΘᵀΘ − I| < 1e-5; beyond it
 * the error must be reported and Θ must still be a contraction.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "bjorck.h"
#include "lipnet.h"
#include "netref.h"
#include "rng.h"

/* Random orthonormal columns Q (m x k, k <= m) in double, Gram–Schmidt
 * twice. */
static void rand_orth(ocsdf_rng *g, int m, int k, double *Q)
{
	for (int c = 0; c < k; c++) {
		for (int i = 0; i < m; i++)
			Q[i * k + c] = ocsdf_rng_normal(g);
		for (int pass = 0; pass < 2; pass++)
			for (int p = 0; p < c; p++) {
				double s = 0;
				for (int i = 0; i < m; i++)
					s += Q[i * k + p] * Q[i * k + c];
				for (int i = 0; i < m; i++)
					Q[i * k + c] -= s * Q[i * k + p];
			}
		double s = 0;
		for (int i = 0; i < m; i++)
			s += Q[i * k + c] * Q[i * k + c];
		s = sqrt(s);
		for (int i = 0; i < m; i++)
			Q[i * k + c] /= s;
	}
}

/* W = U diag(σ) Vᵀ (rows x cols), σ log-spaced from 1 to kappa, times a
 * random overall scale in [0.5, 4) (the projection must not care). */
static void conditioned(ocsdf_rng *g, int rows, int cols, double kappa, float *W)
{
	int r = rows < cols ? rows : cols;
	double *U = malloc(sizeof(double) * (size_t)rows * r);
	double *V = malloc(sizeof(double) * (size_t)cols * r);
	rand_orth(g, rows, r, U);
	rand_orth(g, cols, r, V);
	double scale = 0.5 + 3.5 * ocsdf_rng_uniform(g);
	for (int i = 0; i < rows; i++)
		for (int j = 0; j < cols; j++) {
			double s = 0;
			for (int k = 0; k < r; k++) {
				double sig = r > 1 ? pow(kappa, (double)k / (r - 1)) : 1.0;
				s += U[i * r + k] * sig * V[j * r + k];
			}
			W[(size_t)i * cols + j] = (float)(scale * s);
		}
	free(U);
	free(V);
}

/* Every matrix of the buffer with the given condition number, output row
 * and biases random. */
static void fill_conditioned(ocsdf_rng *g, const ocsdf_arch *a, double kappa, float *W)
{
	for (int l = 0; l <= a->depth; l++) {
		int rows = ocsdf_arch_rows(a, l), cols = ocsdf_arch_cols(a, l);
		float *M = W + ocsdf_arch_offset(a, l);
		if (l == a->depth)
			for (int j = 0; j < cols; j++)
				M[j] = (float)ocsdf_rng_normal(g);
		else
			conditioned(g, rows, cols, kappa, M);
		for (int i = 0; i < rows; i++)
			W[ocsdf_arch_bias_offset(a, l) + i] = (float)ocsdf_rng_normal(g);
	}
}

/* Largest singular value of a layer of theta, by power iteration in double
 * on ΘᵀΘ. */
static double top_singular(const ocsdf_arch *a, const float *theta, int l)
{
	int rows = ocsdf_arch_rows(a, l), cols = ocsdf_arch_cols(a, l);
	const float *T = theta + ocsdf_arch_offset(a, l);
	double *u = malloc(sizeof(double) * cols), *v = malloc(sizeof(double) * rows);
	for (int j = 0; j < cols; j++)
		u[j] = 1.0 + 0.01 * j;
	double s = 0;
	for (int it = 0; it < 500; it++) {
		double nv = 0, nu = 0;
		for (int i = 0; i < rows; i++) {
			v[i] = 0;
			for (int j = 0; j < cols; j++)
				v[i] += T[i * cols + j] * u[j];
		}
		for (int j = 0; j < cols; j++) {
			double t = 0;
			for (int i = 0; i < rows; i++)
				t += T[i * cols + j] * v[i];
			nu += t * t;
			u[j] = t;
		}
		for (int i = 0; i < rows; i++)
			nv += v[i] * v[i];
		nu = sqrt(nu);
		s = nu / sqrt(nv); /* ||ΘᵀΘu|| / ||Θu|| -> σ_max */
		for (int j = 0; j < cols; j++)
			u[j] /= nu;
	}
	free(u);
	free(v);
	return s;
}

typedef struct {
	int d, width, depth;
} shape;

static const shape shapes[] = {{3, 8, 2}, {3, 16, 3}, {12, 8, 2}, {8, 8, 2}};

/* L(W) = <C, Π(W)>: the library's dL/dW against central differences of the
 * double-precision reference, every matrix entry of every layer. */
static void check_grad(const shape *sh, int power, int noisy, int mode)
{
	ocsdf_arch a = {sh->d, sh->width, sh->depth, OCSDF_ACT_FULLSORT};
	size_t P = ocsdf_arch_nparams(&a);
	ocsdf_rng g;
	ocsdf_rng_seed(&g, 100 + (uint64_t)(sh->d * 1000 + sh->width * 10 + sh->depth) + 7 * power);
	float *W = malloc(P * 4), *theta = malloc(P * 4), *C = malloc(P * 4), *dW = malloc(P * 4);
	ocsdf_lipnet_init(&a, &g, W);
	/* From orthonormal to far from it: the function is smooth whatever the
	 * convergence. */
	for (size_t i = 0; i < P; i++) {
		W[i] += (float)((noisy ? 0.6 : 0.1) * ocsdf_rng_normal(&g));
		C[i] = (float)ocsdf_rng_normal(&g);
	}
	ocsdf_ortho_opts o;
	ocsdf_ortho_default_opts(&o);
	/* mode 0: 15 steps; 1: 3 steps, far from converged, where the scale
	 * matters (Π of a converged run hardly depends on it); 2: default
	 * tolerance, each layer stopping on its own. */
	if (mode != 2)
		o.tol = 0;
	if (mode == 1)
		o.iters = 3;
	o.power_iters = power ? 10 : 0;
	ocsdf_ortho *t = ocsdf_ortho_new(&a, &o);
	ck_assert_ptr_nonnull(t);
	ocsdf_ortho_forward(t, W, theta, NULL);
	ocsdf_ortho_backward(t, W, C, dW);

	const double h = 1e-6;
	for (int l = 0; l <= a.depth; l++) {
		int rows = ocsdf_arch_rows(&a, l), cols = ocsdf_arch_cols(&a, l);
		size_t off = ocsdf_arch_offset(&a, l), mn = (size_t)rows * cols;
		const float *u = l < a.depth ? ocsdf_ortho_power_vector(t, l) : NULL;
		int K = ocsdf_ortho_layer_iters(t, l);
		ck_assert(l == a.depth || mode == 2 ? K <= o.iters : K == o.iters);
		ck_assert(l == a.depth || (power ? u != NULL : u == NULL));
		double *Wd = malloc(mn * 8), *Td = malloc(mn * 8);
		for (size_t i = 0; i < mn; i++)
			Wd[i] = W[off + i];
		/* the forward pass itself */
		ref_project(Wd, rows, cols, l == a.depth, K, u, Td);
		for (size_t i = 0; i < mn; i++)
			ck_assert_msg(fabs(Td[i] - theta[off + i]) < 1e-5, "theta l=%d i=%zu %g %g", l, i,
				      Td[i], theta[off + i]);
		double gmax = 0, emax = 0;
		for (size_t i = 0; i < mn; i++) {
			double w0 = Wd[i], lp = 0, lm = 0;
			Wd[i] = w0 + h;
			ref_project(Wd, rows, cols, l == a.depth, K, u, Td);
			for (size_t j = 0; j < mn; j++)
				lp += C[off + j] * Td[j];
			Wd[i] = w0 - h;
			ref_project(Wd, rows, cols, l == a.depth, K, u, Td);
			for (size_t j = 0; j < mn; j++)
				lm += C[off + j] * Td[j];
			Wd[i] = w0;
			double fd = (lp - lm) / (2 * h);
			if (fabs(fd) > gmax)
				gmax = fabs(fd);
			if (fabs(fd - dW[off + i]) > emax)
				emax = fabs(fd - dW[off + i]);
		}
		if (getenv("FD_VERBOSE"))
			printf("d=%d w=%d depth=%d power=%d noisy=%d mode=%d layer %d K=%d: err %.3g of "
			       "%.3g\n",
			       sh->d, sh->width, sh->depth, power, noisy, mode, l, K, emax, gmax);
		/* The float32 backward pass through up to 15 steps of products
		 * of length <= 16 lands within about 1e-6 of the scale of the
		 * gradient (the largest seen is 1.1e-6); the bound leaves a
		 * factor 20 of room, while a wrong or missing term (the scale,
		 * the symmetrisation, a transposition) is of the order of the
		 * gradient itself. */
		ck_assert_msg(emax <= 2e-5 * gmax,
			      "d=%d w=%d depth=%d power=%d mode=%d layer %d: err %g of %g", sh->d,
			      sh->width, sh->depth, power, mode, l, emax, gmax);
		for (int i = 0; i < rows; i++)
			ck_assert(dW[ocsdf_arch_bias_offset(&a, l) + i] ==
				  C[ocsdf_arch_bias_offset(&a, l) + i]);
		free(Wd);
		free(Td);
	}
	ocsdf_ortho_free(t);
	free(W), free(theta), free(C), free(dW);
}

START_TEST(grad_matches_fd)
{
	for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
		for (int power = 0; power < 2; power++)
			for (int noisy = 0; noisy < 2; noisy++)
				for (int mode = 0; mode < 3; mode++)
					check_grad(&shapes[s], power, noisy, mode);
}
END_TEST

/* Condition 50 (inside the guarantee), default settings. */
START_TEST(orthonormal_defaults)
{
	static const shape sh[] = {{5, 64, 3}, {3, 16, 3}, {100, 32, 2}};
	for (size_t s = 0; s < sizeof sh / sizeof *sh; s++) {
		ocsdf_arch a = {sh[s].d, sh[s].width, sh[s].depth, OCSDF_ACT_FULLSORT};
		size_t P = ocsdf_arch_nparams(&a);
		float *W = malloc(P * 4), *theta = malloc(P * 4);
		ocsdf_rng g;
		ocsdf_rng_seed(&g, 200 + s);
		ocsdf_ortho *t = ocsdf_ortho_new(&a, NULL);
		for (int rep = 0; rep < 3; rep++) {
			fill_conditioned(&g, &a, 50, W);
			ocsdf_ortho_stats st;
			ocsdf_ortho_forward(t, W, theta, &st);
			double e = ocsdf_ortho_error(&a, theta);
			ck_assert_msg(e < 1e-5, "shape %zu: error %g", s, e);
			ck_assert(st.error < 1e-5 && st.iters_max <= 15 && st.iters_max >= 1);
			/* stats measured the same quantity, in float32 */
			ck_assert(fabs(st.error - e) < 2e-6);
			for (int l = 0; l <= a.depth; l++)
				ck_assert(top_singular(&a, theta, l) < 1 + 1e-5);
			for (int l = 0; l <= a.depth; l++)
				for (int i = 0; i < ocsdf_arch_rows(&a, l); i++)
					ck_assert(theta[ocsdf_arch_bias_offset(&a, l) + i] ==
						  W[ocsdf_arch_bias_offset(&a, l) + i]);
		}
		ocsdf_ortho_free(t);
		free(W), free(theta);
	}
}
END_TEST

/* Singular values spanning 1e-3..1e3: 15 steps cannot converge (a singular
 * value 1e-6 of X_0 grows by at most 1.5 per step), which must be reported,
 * while Θ stays a contraction; enough steps do converge. */
START_TEST(ill_conditioned)
{
	ocsdf_arch a = {3, 32, 2, OCSDF_ACT_FULLSORT};
	size_t P = ocsdf_arch_nparams(&a);
	float *W = malloc(P * 4), *theta = malloc(P * 4);
	ocsdf_rng g;
	ocsdf_rng_seed(&g, 300);
	fill_conditioned(&g, &a, 1e6, W);
	ocsdf_ortho *t = ocsdf_ortho_new(&a, NULL);
	ocsdf_ortho_stats st;
	ocsdf_ortho_forward(t, W, theta, &st);
	ck_assert_int_eq(st.iters_max, 15);
	ck_assert_msg(st.error > 0.5, "error %g", st.error);
	ck_assert(ocsdf_ortho_error(&a, theta) > 0.5);
	for (int l = 0; l <= a.depth; l++)
		ck_assert(top_singular(&a, theta, l) < 1 + 1e-5);
	ocsdf_ortho_free(t);

	ocsdf_ortho_opts o;
	ocsdf_ortho_default_opts(&o);
	o.iters = 60;
	t = ocsdf_ortho_new(&a, &o);
	ocsdf_ortho_forward(t, W, theta, &st);
	ck_assert_msg(st.error < 1e-5 && ocsdf_ortho_error(&a, theta) < 1e-5, "error %g", st.error);
	ck_assert(st.iters_max < 60);
	ocsdf_ortho_free(t);
	free(W), free(theta);
}
END_TEST

/* The tolerance stops early near orthonormality and keeps its promise;
 * tol = 0 runs every step. */
START_TEST(tolerance)
{
	ocsdf_arch a = {4, 32, 3, OCSDF_ACT_FULLSORT};
	size_t P = ocsdf_arch_nparams(&a);
	float *W = malloc(P * 4), *theta = malloc(P * 4);
	ocsdf_rng g;
	ocsdf_rng_seed(&g, 400);
	ocsdf_lipnet_init(&a, &g, W);
	for (size_t i = 0; i < P; i++)
		W[i] += (float)(1e-3 * ocsdf_rng_normal(&g));
	for (int power = 0; power < 2; power++) {
		ocsdf_ortho_opts o;
		ocsdf_ortho_default_opts(&o);
		o.power_iters = power ? 10 : 0;
		ocsdf_ortho *t = ocsdf_ortho_new(&a, &o);
		ocsdf_ortho_stats st;
		ocsdf_ortho_forward(t, W, theta, &st);
		ck_assert_msg(st.iters_max <= (power ? 4 : 12), "iters %d", st.iters_max);
		ck_assert(ocsdf_ortho_error(&a, theta) < 1e-5);
		for (int l = 0; l < a.depth; l++)
			ck_assert(ocsdf_ortho_layer_iters(t, l) <= st.iters_max);
		ocsdf_ortho_free(t);
		o.tol = 0;
		t = ocsdf_ortho_new(&a, &o);
		ocsdf_ortho_forward(t, W, theta, &st);
		ck_assert_int_eq(st.iters_max, 15);
		ck_assert(ocsdf_ortho_error(&a, theta) < 1e-5);
		ocsdf_ortho_free(t);
	}
	free(W), free(theta);
}
END_TEST

START_TEST(retraction)
{
	static const shape sh[] = {{3, 16, 3}, {20, 8, 2}};
	for (size_t s = 0; s < 2; s++) {
		ocsdf_arch a = {sh[s].d, sh[s].width, sh[s].depth, OCSDF_ACT_FULLSORT};
		size_t P = ocsdf_arch_nparams(&a);
		float *theta = malloc(P * 4), *copy = malloc(P * 4);
		ocsdf_rng g;
		ocsdf_rng_seed(&g, 500);
		ocsdf_lipnet_init(&a, &g, theta);
		ck_assert(ocsdf_ortho_error(&a, theta) < 1e-6);
		for (size_t i = 0; i < P; i++)
			theta[i] += (float)(3e-3 * ocsdf_rng_normal(&g));
		memcpy(copy, theta, P * 4);
		double e0 = ocsdf_ortho_error(&a, theta);
		ck_assert(e0 > 1e-3);
		ocsdf_ortho *t = ocsdf_ortho_new(&a, NULL);
		double m0 = ocsdf_ortho_retract(t, theta, 0);
		ck_assert(!memcmp(copy, theta, P * 4));
		ck_assert(fabs(m0 - e0) < 1e-5);
		double b1 = ocsdf_ortho_retract(t, theta, 1);
		double e1 = ocsdf_ortho_error(&a, theta);
		double b2 = ocsdf_ortho_retract(t, theta, 1);
		double e2 = ocsdf_ortho_error(&a, theta);
		ck_assert_msg(e1 < e0 && e2 < 1e-5 && e2 <= e1, "%g %g %g", e0, e1, e2);
		/* the returned bounds hold, up to float32 rounding */
		ck_assert(e1 <= b1 + 2e-6 && e2 <= b2 + 2e-6);
		/* biases untouched */
		for (int l = 0; l <= a.depth; l++)
			for (int i = 0; i < ocsdf_arch_rows(&a, l); i++) {
				size_t b = ocsdf_arch_bias_offset(&a, l) + i;
				ck_assert(theta[b] == copy[b]);
			}
		ocsdf_ortho_free(t);
		free(theta), free(copy);
	}
}
END_TEST

START_TEST(options)
{
	ocsdf_arch a = {3, 8, 2, OCSDF_ACT_FULLSORT};
	ocsdf_ortho_opts o;
	ocsdf_ortho_default_opts(&o);
	ck_assert_int_eq(o.iters, 15);
	o.iters = -1;
	ck_assert_ptr_null(ocsdf_ortho_new(&a, &o));
	ocsdf_ortho_default_opts(&o);
	o.tol = NAN;
	ck_assert_ptr_null(ocsdf_ortho_new(&a, &o));
	ocsdf_arch bad = {3, 7, 2, OCSDF_ACT_GROUPSORT2};
	ck_assert_ptr_null(ocsdf_ortho_new(&bad, NULL));
	/* zero iterations: the scaled matrix itself, and a zero matrix gives
	 * zeros rather than NaN */
	ocsdf_ortho_default_opts(&o);
	o.iters = 0;
	o.power_iters = 0;
	ocsdf_ortho *t = ocsdf_ortho_new(&a, &o);
	size_t P = ocsdf_arch_nparams(&a);
	float *W = calloc(P, 4), *theta = malloc(P * 4);
	ocsdf_ortho_forward(t, W, theta, NULL);
	for (size_t i = 0; i < P; i++)
		ck_assert(theta[i] == 0);
	ocsdf_ortho_free(t);
	free(W), free(theta);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bjorck");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, grad_matches_fd);
	tcase_add_test(tc, orthonormal_defaults);
	tcase_add_test(tc, ill_conditioned);
	tcase_add_test(tc, tolerance);
	tcase_add_test(tc, retraction);
	tcase_add_test(tc, options);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
