/*
 * lipnet.c: forward and backward passes of the 1-Lipschitz network (see
 * lipnet.h).
 *
 * Layer l computes z = h Θᵀ + b (one sgemm for the batch, row-major
 * B x in times in x out), then the sort activation, which adds the bias on
 * the way in and records each row's permutation.  The backward pass scatters
 * the gradient through the permutations (collecting the bias gradient as it
 * goes) and runs two sgemm calls per layer: dΘ += dzᵀ h and dh = dz Θ.
 * The input-gradient pass skips the first of them.
 */
#include "lipnet.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sort_act.h"

struct ocsdf_lipnet {
	ocsdf_arch a;
	int max_batch;
	int B;          /* rows of the last forward call, 0 if none */
	float *x;       /* copy of the last input, max_batch x d */
	float *h;       /* depth activations, max_batch x width each */
	uint16_t *perm; /* depth permutations, max_batch x width each */
	float *g0, *g1; /* gradient scratch, max_batch x max(width, d) */
	void *work;     /* sort workspace */
};

static void *aalloc(size_t bytes)
{
	bytes = (bytes + 63) & ~(size_t)63;
	return aligned_alloc(64, bytes ? bytes : 64);
}

ocsdf_lipnet *ocsdf_lipnet_new(const ocsdf_arch *a, int max_batch)
{
	if (ocsdf_arch_check(a) || max_batch < 1)
		return 0;
	ocsdf_lipnet *n = calloc(1, sizeof *n);
	if (!n)
		return 0;
	n->a = *a;
	n->max_batch = max_batch;
	size_t B = (size_t)max_batch, w = (size_t)a->width, d = (size_t)a->d;
	size_t wide = w > d ? w : d;
	n->x = aalloc(B * d * sizeof(float));
	n->h = aalloc((size_t)a->depth * B * w * sizeof(float));
	n->perm = aalloc((size_t)a->depth * B * w * sizeof(uint16_t));
	n->g0 = aalloc(B * wide * sizeof(float));
	n->g1 = aalloc(B * wide * sizeof(float));
	n->work = aalloc(ocsdf_sort_act_work_size(a->width));
	if (!n->x || !n->h || !n->perm || !n->g0 || !n->g1 || !n->work) {
		ocsdf_lipnet_free(n);
		return 0;
	}
	return n;
}

void ocsdf_lipnet_free(ocsdf_lipnet *n)
{
	if (!n)
		return;
	free(n->x);
	free(n->h);
	free(n->perm);
	free(n->g0);
	free(n->g1);
	free(n->work);
	free(n);
}

const ocsdf_arch *ocsdf_lipnet_arch(const ocsdf_lipnet *n)
{
	return &n->a;
}

static float *act(const ocsdf_lipnet *n, int l)
{
	return n->h + (size_t)l * n->max_batch * n->a.width;
}

static uint16_t *perm(const ocsdf_lipnet *n, int l)
{
	return n->perm + (size_t)l * n->max_batch * n->a.width;
}

/* The layers; permutations kept if keep (and x copied for the weight
 * gradient of the first layer). */
static void forward(ocsdf_lipnet *n, const float *theta, const float *x, int B, float *f, int keep)
{
	const ocsdf_arch *a = &n->a;
	int w = a->width;
	n->B = 0;
	if (B <= 0)
		return;
	const float *in = x;
	if (keep) {
		memcpy(n->x, x, (size_t)B * a->d * sizeof *x);
		in = n->x;
	}
	int k = a->d;
	for (int l = 0; l < a->depth; l++) {
		float *z = act(n, keep ? l : l % 2);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, w, k, 1.0f, in, k,
			    theta + ocsdf_arch_offset(a, l), k, 0.0f, z, w);
		ocsdf_sort_act_forward(a->activation, z, theta + ocsdf_arch_bias_offset(a, l), B, w,
				       z, keep ? perm(n, l) : 0, n->work);
		in = z;
		k = w;
	}
	const float *wo = theta + ocsdf_arch_offset(a, a->depth);
	float bo = theta[ocsdf_arch_bias_offset(a, a->depth)];
	cblas_sgemv(CblasRowMajor, CblasNoTrans, B, w, 1.0f, in, w, wo, 1, 0.0f, f, 1);
	for (int i = 0; i < B; i++)
		f[i] += bo;
	if (keep)
		n->B = B;
}

void ocsdf_lipnet_forward(ocsdf_lipnet *n, const float *theta, const float *x, int B, float *f)
{
	forward(n, theta, x, B, f, 1);
}

void ocsdf_lipnet_eval(ocsdf_lipnet *n, const float *theta, const float *x, int B, float *f)
{
	forward(n, theta, x, B, f, 0);
}

/* Shared backward: weight gradients only if grad is not NULL, dx only if
 * not NULL. */
static void backward(ocsdf_lipnet *n, const float *theta, const float *df, float *grad, float *dx)
{
	const ocsdf_arch *a = &n->a;
	int B = n->B, w = a->width, L = a->depth;
	if (B <= 0)
		return;
	const float *wo = theta + ocsdf_arch_offset(a, L);
	if (grad) {
		float *gw = grad + ocsdf_arch_offset(a, L);
		double gb = 0;
		for (int i = 0; i < B; i++)
			gb += df[i];
		grad[ocsdf_arch_bias_offset(a, L)] += (float)gb;
		cblas_sgemv(CblasRowMajor, CblasTrans, B, w, 1.0f, act(n, L - 1), w, df, 1, 1.0f, gw,
			    1);
	}
	/* dh = df θ_outᵀ (outer product), written fresh. */
	float *dh = n->g0, *dz = n->g1;
	for (int i = 0; i < B; i++) {
		float s = df[i];
		float *r = dh + (size_t)i * w;
		for (int j = 0; j < w; j++)
			r[j] = s * wo[j];
	}
	for (int l = L - 1; l >= 0; l--) {
		int k = l == 0 ? a->d : w;
		const float *th = theta + ocsdf_arch_offset(a, l);
		ocsdf_sort_act_backward(dh, perm(n, l), B, w, dz,
					grad ? grad + ocsdf_arch_bias_offset(a, l) : 0);
		if (grad) {
			const float *in = l == 0 ? n->x : act(n, l - 1);
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, w, k, B, 1.0f, dz, w, in, k,
				    1.0f, grad + ocsdf_arch_offset(a, l), k);
		}
		if (l > 0) {
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, k, w, 1.0f, dz, w, th, k,
				    0.0f, dh, k);
		} else if (dx) {
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, k, w, 1.0f, dz, w, th, k,
				    0.0f, dx, k);
		}
	}
}

void ocsdf_lipnet_backward(ocsdf_lipnet *n, const float *theta, const float *df, float *grad,
			   float *dx)
{
	backward(n, theta, df, grad, dx);
}

void ocsdf_lipnet_input_grad(ocsdf_lipnet *n, const float *theta, const float *x, int B, float *f,
			     float *g)
{
	if (B <= 0)
		return;
	ocsdf_lipnet_forward(n, theta, x, B, f);
	/* df = 1 for every row; g1 is free until the backward pass needs it,
	 * and the backward pass reads df only before touching g1. */
	float *ones = n->g1;
	for (int i = 0; i < B; i++)
		ones[i] = 1.0f;
	backward(n, theta, ones, 0, g);
}

/* k orthonormal vectors (k <= m) of length m, vector i element j at
 * V[i*si + j*sj]: Gaussian draws through modified Gram–Schmidt applied
 * twice, dot products in double.  Plain loops, so the same stream gives
 * the same bits on every machine and build. */
static void orthonormal_set(ocsdf_rng *rng, int k, int m, float *V, size_t si, size_t sj)
{
	for (int i = 0; i < k; i++) {
		float *v = V + (size_t)i * si;
		for (;;) {
			double n0 = 0, nv = 0;
			for (int j = 0; j < m; j++) {
				float e = (float)ocsdf_rng_normal(rng);
				v[(size_t)j * sj] = e;
				n0 += (double)e * e;
			}
			for (int pass = 0; pass < 2; pass++)
				for (int p = 0; p < i; p++) {
					const float *q = V + (size_t)p * si;
					double c = 0;
					for (int j = 0; j < m; j++)
						c += (double)q[(size_t)j * sj] * v[(size_t)j * sj];
					for (int j = 0; j < m; j++)
						v[(size_t)j * sj] =
							(float)(v[(size_t)j * sj] - c * q[(size_t)j * sj]);
				}
			for (int j = 0; j < m; j++)
				nv += (double)v[(size_t)j * sj] * v[(size_t)j * sj];
			nv = sqrt(nv);
			/* A draw almost inside the span so far (probability ~0):
			 * draw again rather than normalise noise. */
			if (nv > 1e-3 * sqrt(n0)) {
				for (int j = 0; j < m; j++)
					v[(size_t)j * sj] = (float)(v[(size_t)j * sj] / nv);
				break;
			}
		}
	}
}

void ocsdf_lipnet_init(const ocsdf_arch *a, ocsdf_rng *rng, float *params)
{
	for (int l = 0; l <= a->depth; l++) {
		int rows = ocsdf_arch_rows(a, l), cols = ocsdf_arch_cols(a, l);
		float *W = params + ocsdf_arch_offset(a, l);
		if (rows <= cols)
			orthonormal_set(rng, rows, cols, W, (size_t)cols, 1); /* rows */
		else
			orthonormal_set(rng, cols, rows, W, 1, (size_t)cols); /* columns */
		memset(params + ocsdf_arch_bias_offset(a, l), 0, (size_t)rows * sizeof *params);
	}
}
