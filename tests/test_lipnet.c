/*
 * test_lipnet.c: the network's forward and backward passes.
 *
 * Gradients with respect to Θ (every block, biases included), to the raw
 * parameters W through the Björck projection, and to the inputs are
 * compared with central differences of a double-precision reference
 * (tests/netref.h) at points whose sorted values are at least 1e-3 apart,
 * so that the step (1e-6) never crosses a kink.  Then the properties the
 * method rests on: 1-Lipschitz on random pairs, gradient norm at most 1
 * and exactly 1 when the first layer keeps the gradient's norm (d >=
 * width), batch invariance, and a deterministic orthogonal initialisation.
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

typedef struct {
	int d, width, depth;
} shape;

static void to_double(const float *x, double *y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] = x[i];
}

/* Raw parameters: orthogonal init plus Gaussian noise of spectral norm
 * about 2·noise (entries noise/√cols), biases of order 1. */
static void random_params(ocsdf_rng *g, const ocsdf_arch *a, double noise, float *W)
{
	ocsdf_lipnet_init(a, g, W);
	for (int l = 0; l <= a->depth; l++) {
		size_t off = ocsdf_arch_offset(a, l);
		size_t mn = (size_t)ocsdf_arch_rows(a, l) * ocsdf_arch_cols(a, l);
		double e = noise / sqrt(ocsdf_arch_cols(a, l));
		for (size_t i = 0; i < mn; i++)
			W[off + i] += (float)(e * ocsdf_rng_normal(g));
		for (int i = 0; i < ocsdf_arch_rows(a, l); i++)
			W[ocsdf_arch_bias_offset(a, l) + i] = (float)(0.5 * ocsdf_rng_normal(g));
	}
}

static double ref_loss(const ocsdf_arch *a, const double *th, const double *X, const float *c,
		       int B, double *gap)
{
	double L = 0, gmin = INFINITY;
	for (int i = 0; i < B; i++) {
		double gi;
		L += c[i] * ref_forward(a, th, X + (size_t)i * a->d, &gi);
		if (gi < gmin)
			gmin = gi;
	}
	if (gap)
		*gap = gmin;
	return L;
}

static double max_abs(const double *x, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		if (fabs(x[i]) > m)
			m = fabs(x[i]);
	return m;
}

/* The float32 passes land within about 1e-6 of the gradient's scale
 * (largest seen 1.5e-6): products of length <= 16 through up to 4 layers,
 * and for W the backward pass through 15 Björck steps.  The bound leaves a
 * factor 10 of room; a wrong permutation, transposition or missing term
 * is of the order of the gradient. */
#define GRAD_TOL 2e-5

static void check_net_grads(const shape *sh, int act)
{
	ocsdf_arch a = {sh->d, sh->width, sh->depth, act};
	size_t P = ocsdf_arch_nparams(&a);
	enum { B = 5 };
	int d = a.d;
	ocsdf_rng g;
	ocsdf_rng_seed(&g, 1000 + (uint64_t)(sh->d * 100 + sh->width * 10 + sh->depth) + 5 * act);
	float *W = malloc(P * 4), *theta = malloc(P * 4), *grad = malloc(P * 4), *dW = malloc(P * 4);
	double *thd = malloc(P * 8), *gfd = malloc(P * 8);
	float X[B * 16], f[B], c[B], dx[B * 16];
	double Xd[B * 16];
	random_params(&g, &a, 1.0, W);
	ocsdf_ortho_opts o;
	ocsdf_ortho_default_opts(&o);
	o.tol = 0;
	ocsdf_ortho *t = ocsdf_ortho_new(&a, &o);
	ocsdf_ortho_forward(t, W, theta, NULL);
	to_double(theta, thd, P);
	for (int i = 0; i < B; i++)
		c[i] = (float)ocsdf_rng_normal(&g);
	/* inputs away from ties */
	double gap = 0;
	for (int tries = 0; gap < 1e-3; tries++) {
		ck_assert(tries < 100);
		for (int i = 0; i < B * d; i++)
			X[i] = (float)(2 * ocsdf_rng_normal(&g));
		to_double(X, Xd, (size_t)B * d);
		ref_loss(&a, thd, Xd, c, B, &gap);
	}

	ocsdf_lipnet *net = ocsdf_lipnet_new(&a, 8);
	ck_assert_ptr_nonnull(net);
	ocsdf_lipnet_forward(net, theta, X, B, f);
	for (int i = 0; i < B; i++)
		ck_assert(fabs(f[i] - ref_forward(&a, thd, Xd + i * d, NULL)) < 1e-5);
	for (size_t i = 0; i < P; i++)
		grad[i] = 0.5f; /* backward adds */
	ocsdf_lipnet_backward(net, theta, c, grad, dx);
	for (size_t i = 0; i < P; i++)
		grad[i] -= 0.5f;

	const double h = 1e-6;
	/* dL/dΘ, block by block (matrix, then bias) */
	for (size_t i = 0; i < P; i++) {
		double t0 = thd[i];
		thd[i] = t0 + h;
		double lp = ref_loss(&a, thd, Xd, c, B, NULL);
		thd[i] = t0 - h;
		double lm = ref_loss(&a, thd, Xd, c, B, NULL);
		thd[i] = t0;
		gfd[i] = (lp - lm) / (2 * h);
	}
	for (int l = 0; l <= a.depth; l++) {
		size_t off = ocsdf_arch_offset(&a, l);
		size_t mn = (size_t)ocsdf_arch_rows(&a, l) * ocsdf_arch_cols(&a, l);
		size_t blocks[2][2] = {{off, mn}, {off + mn, (size_t)ocsdf_arch_rows(&a, l)}};
		for (int b = 0; b < 2; b++) {
			double scale = max_abs(gfd + blocks[b][0], blocks[b][1]), err = 0;
			for (size_t i = blocks[b][0]; i < blocks[b][0] + blocks[b][1]; i++)
				err = fmax(err, fabs(gfd[i] - grad[i]));
			if (getenv("FD_VERBOSE"))
				printf("theta act=%d d=%d w=%d l=%d %s: %.3g of %.3g\n", act, d, a.width, l,
				       b ? "bias" : "matrix", err, scale);
			ck_assert(scale > 1e-3);
			ck_assert_msg(err <= GRAD_TOL * scale, "act=%d shape %d/%d/%d layer %d %s: %g of %g",
				      act, d, a.width, a.depth, l, b ? "bias" : "matrix", err, scale);
		}
	}

	/* dL/dx */
	{
		double scale = 0, err = 0;
		for (int i = 0; i < B * d; i++) {
			double x0 = Xd[i];
			Xd[i] = x0 + h;
			double lp = ref_loss(&a, thd, Xd, c, B, NULL);
			Xd[i] = x0 - h;
			double lm = ref_loss(&a, thd, Xd, c, B, NULL);
			Xd[i] = x0;
			double fd = (lp - lm) / (2 * h);
			scale = fmax(scale, fabs(fd));
			err = fmax(err, fabs(fd - dx[i]));
		}
		ck_assert_msg(err <= GRAD_TOL * scale, "dx: %g of %g", err, scale);
	}

	/* dL/dW through Π: ortho_backward ∘ lipnet_backward against the
	 * reference Π (same steps, same power vector) and forward. */
	ocsdf_ortho_backward(t, W, grad, dW);
	double *Wd = malloc(P * 8);
	to_double(W, Wd, P);
	for (int l = 0; l <= a.depth; l++) {
		int rows = ocsdf_arch_rows(&a, l), cols = ocsdf_arch_cols(&a, l);
		size_t off = ocsdf_arch_offset(&a, l), mn = (size_t)rows * cols;
		const float *u = l < a.depth ? ocsdf_ortho_power_vector(t, l) : NULL;
		double *base = malloc(mn * 8);
		memcpy(base, thd + off, mn * 8);
		double scale = 0, err = 0;
		for (size_t i = 0; i < mn; i++) {
			double w0 = Wd[off + i], lp, lm;
			Wd[off + i] = w0 + h;
			ref_project(Wd + off, rows, cols, l == a.depth, o.iters, u, thd + off);
			lp = ref_loss(&a, thd, Xd, c, B, NULL);
			Wd[off + i] = w0 - h;
			ref_project(Wd + off, rows, cols, l == a.depth, o.iters, u, thd + off);
			lm = ref_loss(&a, thd, Xd, c, B, NULL);
			Wd[off + i] = w0;
			double fd = (lp - lm) / (2 * h);
			scale = fmax(scale, fabs(fd));
			err = fmax(err, fabs(fd - dW[off + i]));
		}
		memcpy(thd + off, base, mn * 8);
		if (getenv("FD_VERBOSE"))
			printf("W act=%d d=%d w=%d l=%d: %.3g of %.3g\n", act, d, a.width, l, err, scale);
		ck_assert_msg(err <= GRAD_TOL * scale, "dW layer %d: %g of %g", l, err, scale);
		for (int i = 0; i < rows; i++)
			ck_assert(dW[ocsdf_arch_bias_offset(&a, l) + i] ==
				  grad[ocsdf_arch_bias_offset(&a, l) + i]);
		free(base);
	}
	free(Wd);
	ocsdf_lipnet_free(net);
	ocsdf_ortho_free(t);
	free(W), free(theta), free(grad), free(dW), free(thd), free(gfd);
}

static const shape fd_shapes[] = {{3, 8, 2}, {3, 16, 3}, {12, 8, 2}};

START_TEST(grads_match_fd)
{
	for (size_t s = 0; s < sizeof fd_shapes / sizeof *fd_shapes; s++)
		for (int act = 0; act < 2; act++)
			check_net_grads(&fd_shapes[s], act);
}
END_TEST

/* input_grad = forward + backward with df = 1, eval = forward; after eval
 * a backward call does nothing. */
START_TEST(entry_points_agree)
{
	ocsdf_arch a = {5, 16, 3, OCSDF_ACT_FULLSORT};
	for (int act = 0; act < 2; act++) {
		a.activation = act;
		size_t P = ocsdf_arch_nparams(&a);
		enum { B = 19 };
		float *theta = malloc(P * 4), *grad = calloc(P, 4);
		float X[B * 5], f1[B], f2[B], f3[B], g1[B * 5], g2[B * 5], ones[B];
		ocsdf_rng g;
		ocsdf_rng_seed(&g, 2000 + act);
		random_params(&g, &a, 0, theta);
		for (int i = 0; i < B * 5; i++)
			X[i] = (float)ocsdf_rng_normal(&g);
		for (int i = 0; i < B; i++)
			ones[i] = 1;
		ocsdf_lipnet *net = ocsdf_lipnet_new(&a, B);
		ocsdf_lipnet_forward(net, theta, X, B, f1);
		ocsdf_lipnet_backward(net, theta, ones, NULL, g1);
		ocsdf_lipnet_input_grad(net, theta, X, B, f2, g2);
		ck_assert(!memcmp(f1, f2, sizeof f1) && !memcmp(g1, g2, sizeof g1));
		ocsdf_lipnet_eval(net, theta, X, B, f3);
		ck_assert(!memcmp(f1, f3, sizeof f1));
		ocsdf_lipnet_backward(net, theta, ones, grad, g2);
		for (size_t i = 0; i < P; i++)
			ck_assert(grad[i] == 0);
		/* the state after input_grad serves a backward call */
		ocsdf_lipnet_input_grad(net, theta, X, B, f2, g2);
		ocsdf_lipnet_backward(net, theta, ones, grad, g1);
		ck_assert(!memcmp(g1, g2, sizeof g1));
		ocsdf_lipnet_free(net);
		free(theta), free(grad);
	}
}
END_TEST

/* noise <= 0.2 keeps the condition number of W below about 2, so Π
 * converges; larger noise makes W close to Gaussian (condition in the
 * hundreds), where 15 steps do not converge but Θ must still be a
 * contraction. */
static void lipschitz_net(const shape *sh, int act, uint64_t seed, double noise)
{
	ocsdf_arch a = {sh->d, sh->width, sh->depth, act};
	size_t P = ocsdf_arch_nparams(&a);
	int d = a.d;
	enum { NB = 500, PAIRS = 10000 };
	float *W = malloc(P * 4), *theta = malloc(P * 4);
	float *X = malloc(sizeof(float) * NB * d), *Y = malloc(sizeof(float) * NB * d);
	float *G = malloc(sizeof(float) * NB * d), fx[NB], fy[NB];
	double *thd = malloc(P * 8), *xd = malloc(8 * (size_t)d), *yd = malloc(8 * (size_t)d);
	ocsdf_rng g;
	ocsdf_rng_seed(&g, seed);
	random_params(&g, &a, noise, W);
	ocsdf_ortho *t = ocsdf_ortho_new(&a, NULL);
	ocsdf_ortho_stats st;
	ocsdf_ortho_forward(t, W, theta, &st);
	int converged = noise <= 0.2;
	ck_assert(!converged || st.error < 1e-5);
	ocsdf_lipnet *net = ocsdf_lipnet_new(&a, NB);
	double worst = 0, gmin = INFINITY, gmax = 0;
	for (int done = 0; done < PAIRS; done += NB) {
		for (int i = 0; i < NB * d; i++) {
			X[i] = (float)(10 * ocsdf_rng_uniform(&g) - 5);
			Y[i] = (float)(10 * ocsdf_rng_uniform(&g) - 5);
		}
		ocsdf_lipnet_forward(net, theta, X, NB, fx);
		ocsdf_lipnet_input_grad(net, theta, Y, NB, fy, G);
		for (int i = 0; i < NB; i++) {
			double dist = 0, gn = 0;
			for (int j = 0; j < d; j++) {
				double e = (double)X[i * d + j] - Y[i * d + j];
				dist += e * e;
				gn += (double)G[i * d + j] * G[i * d + j];
			}
			dist = sqrt(dist);
			gn = sqrt(gn);
			worst = fmax(worst, fabs((double)fx[i] - fy[i]) / dist);
			gmin = fmin(gmin, gn);
			gmax = fmax(gmax, gn);
		}
	}
	if (getenv("FD_VERBOSE"))
		printf("lip act=%d %d/%d/%d noise %g (ortho error %.2g): ratio %.9f grad [%.9f, %.9f]\n",
		       act, d, a.width, a.depth, noise, st.error, worst, gmin, gmax);
	ck_assert_msg(worst <= 1 + 1e-5, "ratio %.9g", worst);
	ck_assert_msg(gmax <= 1 + 1e-5, "grad norm %.9g", gmax);
	/* Θ_0ᵀ maps the unit back-propagated vector isometrically when the
	 * first layer has orthonormal rows (d >= width); otherwise only its
	 * component in the column space survives. */
	if (d >= a.width && converged)
		ck_assert_msg(gmin >= 1 - 1e-5, "grad norm %.9g", gmin);

	/* Close pairs along the gradient, where the ratio should approach
	 * ||∇f||: evaluated in double on the float32 weights, so only the
	 * weights' own departure from orthonormality (about 1e-6) counts. */
	to_double(theta, thd, P);
	double tight = 0;
	for (int i = 0; i < 1000; i++) {
		const float *gi = G + (size_t)(i % NB) * d;
		double r = pow(10, -6 + 6 * ocsdf_rng_uniform(&g)), ng = 0;
		for (int j = 0; j < d; j++)
			ng += (double)gi[j] * gi[j];
		ng = sqrt(ng);
		for (int j = 0; j < d; j++) {
			xd[j] = Y[(size_t)(i % NB) * d + j];
			yd[j] = xd[j] + r * gi[j] / ng;
		}
		double df = fabs(ref_forward(&a, thd, xd, NULL) - ref_forward(&a, thd, yd, NULL));
		ck_assert_msg(df <= r * (1 + 1e-5), "close pair: %.9g over %.9g", df, r);
		tight = fmax(tight, df / r);
	}
	if (getenv("FD_VERBOSE"))
		printf("    close pairs along the gradient: ratio up to %.9f\n", tight);
	if (d >= a.width && converged)
		ck_assert(tight > 1 - 1e-5);
	ocsdf_lipnet_free(net);
	ocsdf_ortho_free(t);
	free(W), free(theta), free(X), free(Y), free(G), free(thd), free(xd), free(yd);
}

START_TEST(one_lipschitz)
{
	static const shape sh[] = {{21, 64, 4}, {3, 16, 3}, {8, 8, 2}, {12, 8, 2}, {32, 32, 3}};
	for (size_t s = 0; s < sizeof sh / sizeof *sh; s++)
		for (int act = 0; act < 2; act++) {
			lipschitz_net(&sh[s], act, 3000 + s * 2 + act, 0.2);
			lipschitz_net(&sh[s], act, 3100 + s * 2 + act, 0);
			lipschitz_net(&sh[s], act, 3200 + s * 2 + act, 20);
		}
}
END_TEST

/* Rows computed alone equal the batch up to float32 rounding: both are
 * dot products of length k <= 64 of the same numbers, differing only in
 * summation order, so they differ by at most 2k·2⁻²⁴ times the sum of the
 * magnitudes, at most k·2⁻²³·(||x|| + Σ||b||) per layer (orthonormal
 * rows keep norms); times depth + 1 layers.  Sort order may differ only
 * between values that close, which the sort absorbs (it is 1-Lipschitz in
 * the max norm). */
START_TEST(batch_invariance)
{
	ocsdf_arch a = {21, 64, 4, OCSDF_ACT_FULLSORT};
	for (int act = 0; act < 2; act++) {
		a.activation = act;
		size_t P = ocsdf_arch_nparams(&a);
		enum { B = 37 };
		float *theta = malloc(P * 4), *W = malloc(P * 4), X[B * 21], f[B], f1;
		ocsdf_rng g;
		ocsdf_rng_seed(&g, 4000 + act);
		random_params(&g, &a, 0.2, W);
		ocsdf_ortho *t = ocsdf_ortho_new(&a, NULL);
		ocsdf_ortho_forward(t, W, theta, NULL);
		double bsum = 0;
		for (int l = 0; l <= a.depth; l++) {
			double s = 0;
			for (int i = 0; i < ocsdf_arch_rows(&a, l); i++)
				s += (double)theta[ocsdf_arch_bias_offset(&a, l) + i] *
				     theta[ocsdf_arch_bias_offset(&a, l) + i];
			bsum += sqrt(s);
		}
		for (int i = 0; i < B * 21; i++)
			X[i] = (float)(3 * ocsdf_rng_normal(&g));
		ocsdf_lipnet *net = ocsdf_lipnet_new(&a, B);
		ocsdf_lipnet_forward(net, theta, X, B, f);
		double worst = 0;
		for (int i = 0; i < B; i++) {
			double nx = 0;
			for (int j = 0; j < 21; j++)
				nx += (double)X[i * 21 + j] * X[i * 21 + j];
			double bound = (a.depth + 1) * 64 * 0x1p-23 * (sqrt(nx) + bsum);
			ocsdf_lipnet_forward(net, theta, X + i * 21, 1, &f1);
			ck_assert_msg(fabs(f1 - f[i]) <= bound, "row %d: %g vs %g", i, f1, f[i]);
			worst = fmax(worst, fabs(f1 - f[i]) / bound);
			ocsdf_lipnet_eval(net, theta, X + i * 21, 1, &f1);
			ck_assert(fabs(f1 - f[i]) <= bound);
		}
		if (getenv("FD_VERBOSE"))
			printf("batch invariance act=%d: worst %.3g of the bound\n", act, worst);
		ocsdf_lipnet_free(net);
		ocsdf_ortho_free(t);
		free(theta), free(W);
	}
}
END_TEST

START_TEST(init_deterministic)
{
	static const shape sh[] = {{21, 64, 4}, {100, 16, 2}, {16, 16, 2}, {1, 8, 1}};
	for (size_t s = 0; s < sizeof sh / sizeof *sh; s++) {
		ocsdf_arch a = {sh[s].d, sh[s].width, sh[s].depth, OCSDF_ACT_FULLSORT};
		size_t P = ocsdf_arch_nparams(&a);
		float *p1 = malloc(P * 4), *p2 = malloc(P * 4), *p3 = malloc(P * 4);
		ocsdf_rng g1, g2, g3;
		ocsdf_rng_seed(&g1, 77);
		ocsdf_rng_seed(&g2, 77);
		ocsdf_rng_seed(&g3, 78);
		ocsdf_lipnet_init(&a, &g1, p1);
		ocsdf_lipnet_init(&a, &g2, p2);
		ocsdf_lipnet_init(&a, &g3, p3);
		ck_assert(!memcmp(p1, p2, P * 4));
		ck_assert(memcmp(p1, p3, P * 4));
		ck_assert_msg(ocsdf_ortho_error(&a, p1) < 1e-6, "%g", ocsdf_ortho_error(&a, p1));
		for (int l = 0; l <= a.depth; l++)
			for (int i = 0; i < ocsdf_arch_rows(&a, l); i++)
				ck_assert(p1[ocsdf_arch_bias_offset(&a, l) + i] == 0);
		/* Π leaves an orthonormal init where it is */
		float *th = malloc(P * 4);
		ocsdf_ortho *t = ocsdf_ortho_new(&a, NULL);
		ocsdf_ortho_stats st;
		ocsdf_ortho_forward(t, p1, th, &st);
		ck_assert(st.iters_max <= 2);
		for (size_t i = 0; i < P; i++)
			ck_assert(fabsf(th[i] - p1[i]) < 1e-5f);
		ocsdf_ortho_free(t);
		free(p1), free(p2), free(p3), free(th);
	}
}
END_TEST

START_TEST(bad_shapes)
{
	ocsdf_arch a = {3, 7, 2, OCSDF_ACT_GROUPSORT2};
	ck_assert_ptr_null(ocsdf_lipnet_new(&a, 4));
	a.activation = OCSDF_ACT_FULLSORT;
	ck_assert_ptr_null(ocsdf_lipnet_new(&a, 0));
	ocsdf_lipnet *n = ocsdf_lipnet_new(&a, 4);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(ocsdf_lipnet_arch(n)->width, 7);
	ocsdf_lipnet_free(n);
	ocsdf_lipnet_free(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lipnet");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, grads_match_fd);
	tcase_add_test(tc, entry_points_agree);
	tcase_add_test(tc, one_lipschitz);
	tcase_add_test(tc, batch_invariance);
	tcase_add_test(tc, init_deterministic);
	tcase_add_test(tc, bad_shapes);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
