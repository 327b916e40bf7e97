/*
 * lipnet.h: the 1-Lipschitz network: forward and backward passes over a
 * batch, with OpenBLAS doing the matrix products.
 *
 * Shapes follow arch.h.  Inputs are row-major B x d float32 (already
 * standardized), outputs B floats.  Parameters are a flat buffer in the
 * arch.h layout holding the orthonormal weights Θ (see bjorck.h for how
 * they are obtained from trained parameters).  A net object owns the
 * workspace for batches of up to max_batch rows: no call below allocates.
 * The forward pass keeps what the backward pass needs; a backward call
 * refers to the most recent forward call on the same object.
 *
 * Layer l < depth: h_l = act(h_{l−1} Θ_lᵀ + b_l) with h_{−1} = x, act FullSort
 * or GroupSort2 (sort_act.h); output f = h_{depth−1} θᵀ + b.  Every function
 * requires 1 <= B <= max_batch (B <= 0 does nothing).  Caller buffers are
 * only read or written during the call (x is copied when kept).  An object
 * is not safe to use from two threads at once; separate objects are.
 * Memory: about max_batch·(depth·width·6 + (d + 2·max(width, d))·4) bytes.
 */
#ifndef OCSDF_LIPNET_H
#define OCSDF_LIPNET_H

#include "arch.h"
#include "rng.h"

typedef struct ocsdf_lipnet ocsdf_lipnet;

/* Workspace for batches of at most max_batch rows.  NULL if out of memory
 * or the shape is invalid (ocsdf_arch_check). */
ocsdf_lipnet *ocsdf_lipnet_new(const ocsdf_arch *a, int max_batch);
void ocsdf_lipnet_free(ocsdf_lipnet *n);
const ocsdf_arch *ocsdf_lipnet_arch(const ocsdf_lipnet *n);

/* f[i] = net(x[i, :]) for i < B (B <= max_batch).  theta: nparams floats.
 * Keeps activations and sort permutations for a following backward. */
void ocsdf_lipnet_forward(ocsdf_lipnet *n, const float *theta, const float *x, int B, float *f);

/* The same values as ocsdf_lipnet_forward (bit for bit), keeping nothing
 * for a backward pass, which makes the sorts cheaper: for scoring.  A
 * following ocsdf_lipnet_backward does nothing. */
void ocsdf_lipnet_eval(ocsdf_lipnet *n, const float *theta, const float *x, int B, float *f);

/* Backward of the last forward: given df[i] = dL/df[i], ADDS dL/dΘ into
 * grad (nparams floats, arch.h layout, biases included) and, if dx is not
 * NULL, writes dL/dx (B x d).  grad may be NULL (input gradient only).
 * theta must be the one the forward call used. */
void ocsdf_lipnet_backward(ocsdf_lipnet *n, const float *theta, const float *df, float *grad,
			   float *dx);

/* f = net(x) and g = ∇ₓf (B x d) for a whole batch: one forward and one
 * input-only backward (no weight gradients).  Overwrites the state kept
 * for ocsdf_lipnet_backward with that of this forward. */
void ocsdf_lipnet_input_grad(ocsdf_lipnet *n, const float *theta, const float *x, int B, float *f,
			     float *g);

/* Orthogonal initialisation of every matrix (rows or columns orthonormal
 * as the shape allows, last layer a unit row) and zero biases, drawn from
 * rng: the same seed gives the same network, bit for bit, on any machine.
 * params: nparams floats.  Costs about 4·rows·cols·min(rows, cols) flops
 * per layer in plain loops (a fraction of a second for 512 x 512). */
void ocsdf_lipnet_init(const ocsdf_arch *a, ocsdf_rng *rng, float *params);

#endif
