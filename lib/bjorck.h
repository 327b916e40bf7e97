/*
 * bjorck.h: orthonormal projection Θ = Π(W) of every layer's matrix by
 * Björck iterations Θ ← Θ(1.5 I − 0.5 ΘᵀΘ), its backward pass, and the cheap
 * retraction used by --ortho retract.
 *
 * Buffers are flat parameter buffers in the arch.h layout; biases are
 * copied through unchanged (forward) or passed through (backward).  Tall
 * matrices (rows >= cols) get orthonormal columns, wide ones orthonormal
 * rows, the output row unit norm.  An ocsdf_ortho object owns the
 * workspace, including whatever the backward pass keeps from the forward
 * pass; nothing is allocated per call.
 */
#ifndef OCSDF_BJORCK_H
#define OCSDF_BJORCK_H

#include "arch.h"

typedef struct ocsdf_ortho_opts {
	int iters;         /* maximum Björck iterations (default 15) */
	double tol;        /* stop when ||ΔΘ||_F < tol (0: always run iters) */
	int power_iters;   /* power iterations for the initial scaling (0: Frobenius) */
} ocsdf_ortho_opts;

typedef struct ocsdf_ortho_stats {
	int iters_max;     /* most iterations any layer took */
	double error;      /* max over layers of max |ΘᵀΘ − I| (or ΘΘᵀ) */
} ocsdf_ortho_stats;

typedef struct ocsdf_ortho ocsdf_ortho;

void ocsdf_ortho_default_opts(ocsdf_ortho_opts *o);
ocsdf_ortho *ocsdf_ortho_new(const ocsdf_arch *a, const ocsdf_ortho_opts *o);
void ocsdf_ortho_free(ocsdf_ortho *t);

/* theta = Π(W) for every layer; keeps what backward needs.  st may be NULL. */
void ocsdf_ortho_forward(ocsdf_ortho *t, const float *W, float *theta, ocsdf_ortho_stats *st);
/* Given dtheta = dL/dΘ (bias entries = dL/db), WRITES dW = dL/dW (bias
 * entries copied) through the projection of the last forward call. */
void ocsdf_ortho_backward(ocsdf_ortho *t, const float *W, const float *dtheta, float *dW);
/* In place: `iters` Newton–Schulz steps on an almost orthonormal theta,
 * no gradient.  Returns the error reached (as ocsdf_ortho_stats.error). */
double ocsdf_ortho_retract(ocsdf_ortho *t, float *theta, int iters);
/* max over layers of max |ΘᵀΘ − I| (or ΘΘᵀ for wide matrices), in double. */
double ocsdf_ortho_error(const ocsdf_arch *a, const float *theta);

#endif
