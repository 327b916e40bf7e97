/*
 * netref.h: a plain double-precision reference of the network and of the
 * Björck projection, written from the formulas (not from lib/), for
 * finite-difference and invariant checks in the tests.  Small shapes only:
 * naive loops, no BLAS.
 */
#ifndef OCSDF_TEST_NETREF_H
#define OCSDF_TEST_NETREF_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"

/* Θ = Björck_K(A / s) for W (rows x cols, row-major), A = W (tall) or Wᵀ
 * (wide), s = ||A u|| when u is given, else ||A||_F; the output row
 * (out != 0) is W / ||W||.  theta: rows x cols. */
static inline void ref_project(const double *W, int rows, int cols, int out, int K, const float *u,
			       double *theta)
{
	if (out) {
		double s = 0;
		for (int j = 0; j < cols; j++)
			s += W[j] * W[j];
		s = sqrt(s);
		for (int j = 0; j < cols; j++)
			theta[j] = W[j] / s;
		return;
	}
	int wide = rows < cols, m = wide ? cols : rows, n = wide ? rows : cols;
	double *X = malloc(sizeof(double) * (size_t)m * n);
	double *Y = malloc(sizeof(double) * (size_t)m * n);
	double *S = malloc(sizeof(double) * (size_t)n * n);
	for (int i = 0; i < m; i++)
		for (int j = 0; j < n; j++)
			X[i * n + j] = wide ? W[j * cols + i] : W[i * cols + j];
	double s = 0;
	if (u) {
		for (int i = 0; i < m; i++) {
			double r = 0;
			for (int j = 0; j < n; j++)
				r += X[i * n + j] * u[j];
			s += r * r;
		}
	} else {
		for (int i = 0; i < m * n; i++)
			s += X[i] * X[i];
	}
	s = sqrt(s);
	for (int i = 0; i < m * n; i++)
		X[i] /= s;
	for (int k = 0; k < K; k++) {
		for (int a = 0; a < n; a++)
			for (int b = 0; b < n; b++) {
				double t = 0;
				for (int i = 0; i < m; i++)
					t += X[i * n + a] * X[i * n + b];
				S[a * n + b] = (a == b ? 1.5 : 0.0) - 0.5 * t;
			}
		for (int i = 0; i < m; i++)
			for (int b = 0; b < n; b++) {
				double t = 0;
				for (int a = 0; a < n; a++)
					t += X[i * n + a] * S[a * n + b];
				Y[i * n + b] = t;
			}
		memcpy(X, Y, sizeof(double) * (size_t)m * n);
	}
	for (int i = 0; i < m; i++)
		for (int j = 0; j < n; j++) {
			if (wide)
				theta[j * cols + i] = X[i * n + j];
			else
				theta[i * cols + j] = X[i * n + j];
		}
	free(X);
	free(Y);
	free(S);
}

/* Sorts v[0..n) ascending (insertion sort; n is small) and returns the
 * smallest gap between neighbours. */
static inline double ref_sort(double *v, int n)
{
	for (int i = 1; i < n; i++) {
		double t = v[i];
		int j = i - 1;
		while (j >= 0 && v[j] > t) {
			v[j + 1] = v[j];
			j--;
		}
		v[j + 1] = t;
	}
	double gap = INFINITY;
	for (int i = 1; i < n; i++)
		if (v[i] - v[i - 1] < gap)
			gap = v[i] - v[i - 1];
	return gap;
}

/* f(x) for one row with parameters theta (double, arch.h layout).  *gap
 * (may be NULL) gets the smallest distance between two values that the
 * activations compare, a measure of how far x is from a kink. */
static inline double ref_forward(const ocsdf_arch *a, const double *theta, const double *x,
				 double *gap)
{
	int w = a->width;
	double *h = malloc(sizeof(double) * (size_t)(w > a->d ? w : a->d));
	double *z = malloc(sizeof(double) * (size_t)w);
	double g = INFINITY;
	memcpy(h, x, sizeof(double) * (size_t)a->d);
	int k = a->d;
	for (int l = 0; l < a->depth; l++) {
		const double *T = theta + ocsdf_arch_offset(a, l);
		const double *b = theta + ocsdf_arch_bias_offset(a, l);
		for (int i = 0; i < w; i++) {
			double s = b[i];
			for (int j = 0; j < k; j++)
				s += T[i * k + j] * h[j];
			z[i] = s;
		}
		if (a->activation == OCSDF_ACT_GROUPSORT2) {
			for (int i = 0; i < w; i += 2) {
				double lo = z[i] < z[i + 1] ? z[i] : z[i + 1];
				double hi = z[i] < z[i + 1] ? z[i + 1] : z[i];
				if (hi - lo < g)
					g = hi - lo;
				z[i] = lo;
				z[i + 1] = hi;
			}
		} else {
			double gl = ref_sort(z, w);
			if (gl < g)
				g = gl;
		}
		memcpy(h, z, sizeof(double) * (size_t)w);
		k = w;
	}
	const double *T = theta + ocsdf_arch_offset(a, a->depth);
	double f = theta[ocsdf_arch_bias_offset(a, a->depth)];
	for (int j = 0; j < w; j++)
		f += T[j] * h[j];
	free(h);
	free(z);
	if (gap)
		*gap = g;
	return f;
}

#endif
