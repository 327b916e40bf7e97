/*
 * bjorck.h: orthonormal projection Θ = Π(W) of every layer's matrix by
 * Björck iterations Θ ← Θ(1.5 I − 0.5 ΘᵀΘ), its backward pass, and the cheap
 * retraction used by --ortho retract.
 *
 * Buffers are flat parameter buffers in the arch.h layout; biases are
 * copied through unchanged (forward) or passed through (backward).  Tall
 * matrices (rows >= cols) get orthonormal columns, wide ones orthonormal
 * rows (the iteration then runs on Wᵀ, so the Gram matrix is always the
 * smaller one: d x d for a first layer with d <= width), and the output
 * row is divided by its norm.  An ocsdf_ortho object owns the workspace,
 * including whatever the backward pass keeps from the forward pass;
 * nothing is allocated per call.
 *
 * Π(W) = X_K with X_0 = W / s and X_{k+1} = X_k (1.5 I − 0.5 X_kᵀX_k).  The
 * scale s is either ||W||_F, or ||W u|| for a unit vector u found by power
 * iteration (||Wᵀu|| for wide W).  Every call starts the power iteration
 * from the same fixed vector, so Π(W) depends on W alone (a resumed run
 * reproduces an uninterrupted one).  u is held fixed in the derivative, as
 * deel-lip does with its stop-gradient: ∂s/∂W = (Wu/||Wu||) uᵀ, which is
 * also the derivative of the spectral norm once u has converged to the top
 * singular vector.
 *
 * Convergence: a singular value x of X_0 maps to 1.5x − 0.5x³, which sends
 * (0, √3) into (0, 1] and converges to 1, quadratically near it (an error
 * δ = 1 − x² becomes 0.75δ² + 0.25δ³).  A small singular value grows by
 * about 1.5 per step, so 15 steps reach max|ΘᵀΘ − I| < 1e-6 when the
 * smallest singular value of X_0 is at least about 0.01: condition number
 * up to about 100 with the power-iteration scale (up to about 100/√n with
 * the Frobenius one).  Worse conditioned W needs more iterations; the
 * error reached is reported, and whatever the iteration count every
 * singular value of Π(W) is at most 1 (in exact arithmetic), so the network
 * stays 1-Lipschitz, as long as X_0 has none above √3: certain with the
 * Frobenius scale; with the power-iteration one it needs the estimate
 * within a factor √3 of ||W||₂, which 10 power iterations give unless
 * the start is almost orthogonal to the top singular vector.
 *
 * Backward: exact reverse-mode through the iterations actually performed
 * (the forward pass keeps every X_k and its Gram matrix), then through the
 * scale.  Memory: about 4·K·(m·n + n²) bytes per layer, m >= n the sides,
 * K = iters (94 MB for three 512 x 512 layers and K = 15).
 */
#ifndef OCSDF_BJORCK_H
#define OCSDF_BJORCK_H

#include "arch.h"

typedef struct ocsdf_ortho_opts {
	int iters;         /* maximum Björck iterations, 0..1000 (default 15) */
	double tol;        /* stop once ||ΘᵀΘ − I||_F of the result is below tol
			    * (0: always run iters; default 1e-6).  Each step
			    * computes the residual r of its input anyway, and the
			    * step maps it to at most (0.75 + 0.25r)r², so the test
			    * costs nothing and, unlike a test on ||ΔΘ||, cannot
			    * stop while a small singular value is still growing. */
	int power_iters;   /* at most this many power iterations per call for
			    * the scale, stopping when u moves by less than 1e-3
			    * (0: Frobenius scale; default 10) */
} ocsdf_ortho_opts;

typedef struct ocsdf_ortho_stats {
	int iters_max;     /* most iterations any layer took */
	double error;      /* max over layers of max |ΘᵀΘ − I| (or ΘΘᵀ),
			    * Gram matrix formed in float32 */
} ocsdf_ortho_stats;

typedef struct ocsdf_ortho ocsdf_ortho;

void ocsdf_ortho_default_opts(ocsdf_ortho_opts *o);
/* o may be NULL (defaults).  NULL if the shape or the options are invalid
 * or memory runs out. */
ocsdf_ortho *ocsdf_ortho_new(const ocsdf_arch *a, const ocsdf_ortho_opts *o);
void ocsdf_ortho_free(ocsdf_ortho *t);

/* theta = Π(W) for every layer; keeps what backward needs.  st may be NULL
 * (skips the error measurement, one Gram product per layer).  W and theta:
 * nparams floats each, not overlapping. */
void ocsdf_ortho_forward(ocsdf_ortho *t, const float *W, float *theta, ocsdf_ortho_stats *st);
/* Given dtheta = dL/dΘ (bias entries = dL/db), WRITES dW = dL/dW (bias
 * entries copied) through the projection of the last forward call, whose W
 * must be passed again.  dW must not overlap dtheta or W. */
void ocsdf_ortho_backward(ocsdf_ortho *t, const float *W, const float *dtheta, float *dW);
/* In place: at most `iters` Björck (Newton–Schulz) steps per layer on an
 * almost orthonormal theta, no scaling, no gradient; output rows
 * renormalised.  A layer stops once the bound below is under the
 * options' tol (at least one step; tol 0: always `iters`), so a small
 * update costs fewer steps.  Returns a bound, exact in real arithmetic,
 * on max |ΘᵀΘ − I| of the result:
 * (0.75 + 0.25r)r² from the residual r = ||ΘᵀΘ − I||_F before the last step
 * (iters <= 0: theta unchanged, the measured max error).  Float32 rounding of the result
 * adds about 1e-6 for 512 x 512 (ocsdf_ortho_error measures it). */
double ocsdf_ortho_retract(ocsdf_ortho *t, float *theta, int iters);
/* The most steps a layer took in the last ocsdf_ortho_retract call. */
int ocsdf_ortho_retract_iters(const ocsdf_ortho *t);
/* max over layers of max |ΘᵀΘ − I| (or ΘΘᵀ for wide matrices, ||θ||² − 1 for
 * the output row), in double.  Allocates a scratch copy (falls back to a
 * slower loop without it); meant for tests and diagnostics. */
double ocsdf_ortho_error(const ocsdf_arch *a, const float *theta);

/* The power-iteration vector u of layer l (< depth) kept from the last
 * forward call: cols(l) floats if the matrix is tall, rows(l) if wide, so
 * that the scale was ||W u||, or ||Wᵀu||.  NULL with the Frobenius scale or
 * before any forward call.  For gradient checks that rebuild Π exactly. */
const float *ocsdf_ortho_power_vector(const ocsdf_ortho *t, int l);
/* Iterations layer l took in the last forward call. */
int ocsdf_ortho_layer_iters(const ocsdf_ortho *t, int l);

#endif
