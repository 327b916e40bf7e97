/*
 * sort_act.h: the gradient-norm-preserving activations of the network.
 *
 * FullSort sorts each row ascending; GroupSort2 (MaxMin) puts the min then
 * the max of every pair of units (2i, 2i+1).  Both only permute a row, so
 * the forward pass records, for every output position j, the input
 * position perm[j] it came from, and the backward pass scatters the
 * gradient back through it.  Ties are broken by input position (a stable
 * sort), so the permutation is the same on every machine and for every
 * algorithm below.
 *
 * Rows are row-major, B rows of n floats (n <= OCSDF_MAX_WIDTH, so a
 * position fits in 16 bits).  FullSort runs a sorting network vectorised
 * across 8 rows when the CPU has AVX2 (chosen at run time, the default
 * build targets plain x86-64; AVX-512 helps further when the permutation
 * is kept) and a 4-pass LSD radix sort otherwise.
 */
#ifndef OCSDF_SORT_ACT_H
#define OCSDF_SORT_ACT_H

#include <stddef.h>
#include <stdint.h>

/* FullSort algorithms, for ocsdf_fullsort (tests and benchmarks compare
 * them; the library uses OCSDF_SORT_AUTO, the fastest available): radix;
 * the AVX2 network (32-bit keys, positions blended alongside); the AVX-512
 * network (64-bit lanes holding key and position when positions are
 * wanted, else the AVX2 lanes with 32 registers).  A network the CPU lacks
 * falls back to the next one down. */
enum {
	OCSDF_SORT_AUTO = 0,
	OCSDF_SORT_RADIX = 1,
	OCSDF_SORT_NETWORK = 2,
	OCSDF_SORT_NETWORK64 = 3
};

/* Bytes of workspace the forward functions need for rows of n floats. */
size_t ocsdf_sort_act_work_size(int n);

/* 1 if OCSDF_SORT_NETWORK runs vectorised on this CPU (else it falls back
 * to the radix sort). */
int ocsdf_sort_act_has_simd(void);
/* 1 if the CPU runs algorithm algo itself rather than a fallback. */
int ocsdf_sort_act_available(int algo);

/* y[r*n + j] = z[r*n + perm[r*n + j]] where z = x + bias (bias: n floats
 * added to every row, or NULL), for r < B, j < n, act one of OCSDF_ACT_*.
 * y may be x (in place); perm (B*n entries) may be NULL when no backward
 * pass follows, which is faster.  work: ocsdf_sort_act_work_size(n) bytes
 * (any alignment, 32 bytes is best; GroupSort2 does not use it and accepts
 * NULL).  n must be even for GroupSort2. */
void ocsdf_sort_act_forward(int act, const float *x, const float *bias, int B, int n, float *y,
			    uint16_t *perm, void *work);

/* The same for FullSort with a chosen algorithm (OCSDF_SORT_*). */
void ocsdf_fullsort(int algo, const float *x, const float *bias, int B, int n, float *y,
		    uint16_t *perm, void *work);

/* Backward of either activation: dx[r*n + perm[r*n + j]] = dy[r*n + j].
 * dx must not overlap dy.  If dbias is not NULL, also ADDS the column sums
 * of dx into dbias (n floats): the bias gradient comes for free. */
void ocsdf_sort_act_backward(const float *dy, const uint16_t *perm, int B, int n, float *dx,
			     float *dbias);

#endif
