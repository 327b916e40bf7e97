/*
 * support.h: the support of the training rows as the distance sampler of
 * the trainer sees it, and the points it draws with their targets.
 *
 * The support is S = { z : d_k(z) <= r }, d_k(z) the distance from z to its
 * k-th nearest training row and r a quantile of the same distance over the
 * training rows themselves (each row left out of its own neighbours).
 * d_k is 1-Lipschitz, so t(z) = r - d_k(z) bounds the signed distance to S
 * from the right side everywhere: the signed distance is at most t(z)
 * outside S and at least t(z) inside.  Outside S, within the spacing of
 * the rows, it is nearly exact: these are the targets the trainer fits f
 * to (train.h).
 *
 * Inside S the signed distance is at least t(z), and at most
 * min_j t(z_j) + |z - z_j| over points z_j outside S: the trainer fits f
 * to the larger of t and this bound, taken over a pool of the negatives
 * found outside S, at the rows and the negatives inside S.
 *
 * Negatives are drawn around training rows, at a distance log-uniform
 * between near and far times r in a uniform direction, and a share of
 * them uniform in the box [-box, box]^d, so that f is fitted both at the
 * edge of the data and far from it.
 */
#ifndef OCSDF_SUPPORT_H
#define OCSDF_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "knn.h"
#include "rng.h"

/* Training rows kept as reference rows for the distances, at most (a
 * seeded uniform sample beyond), and fewer when they would take more than
 * OCSDF_SUPPORT_MAX_BYTES (many features): bounds memory and the cost of a
 * step.  The pool below is bounded the same way, and every product runs
 * on at most OCSDF_SUPPORT_CHUNK points at a time. */
#define OCSDF_SUPPORT_MAX_REF 16384
#define OCSDF_SUPPORT_MAX_BYTES (64 << 20)
#define OCSDF_SUPPORT_CHUNK 256
/* Rows over which the quantile r is taken, at most. */
#define OCSDF_SUPPORT_MAX_RADIUS_ROWS 4096

/* Points with t <= -OCSDF_SUPPORT_HOLE * r are surely outside: fitted to
 * t and kept for the upper bound.  Closer to S, in particular in the small
 * holes that the fluctuations of d_k leave between rows, a point's target
 * is the larger of t and the upper bound, which fills such holes. */
#define OCSDF_SUPPORT_HOLE 0.5
/* Negatives found outside the support kept for the upper bound, at most. */
#define OCSDF_SUPPORT_POOL 4096

typedef struct ocsdf_support {
	ocsdf_knn *knn;
	/* Recent negatives outside S and their targets: for z outside,
	 * sdf(z) <= t(z), so sdf(x) <= min_j t_j + |x - z_j| everywhere. */
	float *pool, *pool_t, *pool_n2, *prod, *ub;
	unsigned char *want;
	int pool_cap, pool_len, pool_next;
	/* The first pool_fixed slots: points found by ascent of d_k
	 * (ocsdf_support_ascent), which pool_add never replaces; pool_next
	 * cycles over the others.  0 without the ascent. */
	int pool_fixed;
	int d, k, row_skip;
	double r;          /* radius: t(z) = r - d_k(z) */
	double near, far;  /* negatives at near..far times r from a row */
	double hole;       /* points with t <= -hole * r are surely outside */
	double box;        /* > 0: box negatives in [-box, box]^d */
	double box_share;  /* share of the negatives drawn in the box */
} ocsdf_support;

/* Sorts the n floats of v ascending (in place). */
void ocsdf_sort_floats(float *v, size_t n);
/* The q-quantile (0..1) of the n >= 1 ascending floats of sorted, linearly
 * interpolated between neighbours. */
double ocsdf_sorted_quantile(const float *sorted, size_t n, double q);

/* Builds the support of the n rows of Z (n x d, standardized): reference
 * rows, k (n - 1 when n <= k; 1 for a single row), and r the q-quantile of
 * the leave-one-out d_k over at most OCSDF_SUPPORT_MAX_RADIUS_ROWS of them,
 * drawn with seed (if that is 0, as with duplicate rows, the smallest
 * positive one; 1 if all rows coincide).  Returns 0, 65 (no rows, k out
 * of range) or 70 (out of memory) with e set. */
int ocsdf_support_init(ocsdf_support *s, const float *Z, size_t n, int d, int k, double q,
		       uint64_t seed, ocsdf_error *e);
void ocsdf_support_free(ocsdf_support *s);

/* B negatives z (B x d) drawn around rows of Z or in the box (see above),
 * and their targets t (B) = r - d_k(z). */
void ocsdf_support_negatives(const ocsdf_support *s, const float *Z, size_t n, int B, float *z,
			     float *t, ocsdf_rng *rng);

/* t[i] = r - d_k(z[i]) for b points. */
void ocsdf_support_targets(const ocsdf_support *s, const float *z, int b, float *t);

/* Adds the points among z (b x d) with t <= -hole * r to the pool,
 * replacing the oldest once it is full. */
void ocsdf_support_pool_add(ocsdf_support *s, const float *z, const float *t, int b);

/* Sets each target t[i] > -hole * r of the b points z to the larger of t[i]
 * and the upper bound min_j (t_j + |z - z_j|) over the pool (unless the
 * pool is empty): inside S the signed distance lies between t and this
 * bound, which tends to it as the pool covers the edge of S.  ub and from
 * (b each; either may be NULL) get the bound and the index in the pool
 * of the point that gives it, as ocsdf_support_upper; INFINITY and -1 at
 * the other points. */
void ocsdf_support_inside_targets(ocsdf_support *s, const float *z, int b, float *t, float *ub, int *from);

/* The same at b training rows, each left out of its own neighbours. */
void ocsdf_support_row_targets(const ocsdf_support *s, const float *x, int b, float *t);

/* ub[i] = min_j (t_j + |z[i] - z_j|) over the pool for b points, and
 * from[i] (unless from is NULL) the index j in the pool that gives it;
 * INFINITY and -1 while the pool is empty. */
void ocsdf_support_upper(ocsdf_support *s, const float *z, int b, float *ub, int *from);

/* Outside points near the rows, found by ascent of d_k (ocsdf-train
 * --ascent-rows).  At most A rows of Z (a seeded uniform sample; all of
 * them when n <= A), and no more than OCSDF_SUPPORT_MAX_BYTES of points
 * hold, start at the row plus an offset of OCSDF_ASCENT_OFFSET
 * r in a uniform direction and step along grad d_k(z) = (z - x_k) /
 * |z - x_k|, x_k the k-th nearest reference row of z, by
 * min(OCSDF_ASCENT_STEP r, stop r - d_k(z) + OCSDF_ASCENT_OVER r), all
 * the points still climbing in one batch of queries a step, until
 * d_k(z) >= stop r; those that do not get there in iters steps (or sit on
 * their k-th neighbour) are dropped.  The first call reserves as many
 * slots at the head of the pool (the pool grows by as many; its ordinary
 * part keeps its size) and puts the points there with their targets t =
 * r - d_k(z), the pool emptied of ordinary points (call it before any
 * pool_add); a later call replaces them.  With fewer points than slots,
 * the slots beyond them repeat the first points.  Returns the number of
 * points found, 0 with none (the pool then unchanged), -1 out of memory
 * (the pool then as before). */
#define OCSDF_ASCENT_OFFSET 0.05
#define OCSDF_ASCENT_STEP 0.1
#define OCSDF_ASCENT_OVER 0.01
#define OCSDF_ASCENT_ITERS 40
int ocsdf_support_ascent(ocsdf_support *s, const float *Z, size_t n, int A, double stop, int iters,
			 ocsdf_rng *rng);
/* The rows the ascent starts from for n rows and at most A (0 when A <
 * 1): min(n, A), fewer when those points would exceed
 * OCSDF_SUPPORT_MAX_BYTES. */
int ocsdf_support_ascent_rows(const ocsdf_support *s, size_t n, int A);

#endif
