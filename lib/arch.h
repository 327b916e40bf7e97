/*
 * arch.h: the shape of an ocsdf network and the layout of its parameters.
 *
 * The network maps d inputs through `depth` hidden layers of `width` units
 * (each an orthonormal dense layer followed by a sort activation) to one
 * output:
 *
 *   layer 0            W0: width x d      b0: width
 *   layer l, 1..depth-1 Wl: width x width  bl: width
 *   layer depth (out)  w:  1 x width      b:  1
 *
 * All parameters live in one flat float32 buffer, in that order, each layer
 * its matrix (row-major, out x in) then its bias.  The same layout serves
 * for the inference weights Θ, for the raw trained parameters W, for
 * gradients and for optimizer state.
 */
#ifndef OCSDF_ARCH_H
#define OCSDF_ARCH_H

#include <stddef.h>

enum { OCSDF_ACT_FULLSORT = 0, OCSDF_ACT_GROUPSORT2 = 1 };

/* Hard bounds, checked when options are parsed and when models are loaded. */
#define OCSDF_MAX_FEATURES 100000
#define OCSDF_MAX_WIDTH 8192
#define OCSDF_MAX_DEPTH 64

typedef struct ocsdf_arch {
	int d;          /* input features, >= 1 */
	int width;      /* hidden units, >= 2, even for GroupSort2 */
	int depth;      /* hidden layers, >= 1 */
	int activation; /* OCSDF_ACT_* */
} ocsdf_arch;

/* Number of weight matrices, including the output row: depth + 1. */
static inline int ocsdf_arch_nlayers(const ocsdf_arch *a)
{
	return a->depth + 1;
}

/* Rows (outputs) and columns (inputs) of layer l's matrix. */
static inline int ocsdf_arch_rows(const ocsdf_arch *a, int l)
{
	return l == a->depth ? 1 : a->width;
}

static inline int ocsdf_arch_cols(const ocsdf_arch *a, int l)
{
	return l == 0 ? a->d : a->width;
}

/* Offset of layer l's matrix in the flat buffer; its bias follows it. */
static inline size_t ocsdf_arch_offset(const ocsdf_arch *a, int l)
{
	size_t off = 0;
	for (int i = 0; i < l; i++)
		off += (size_t)ocsdf_arch_rows(a, i) * ((size_t)ocsdf_arch_cols(a, i) + 1);
	return off;
}

static inline size_t ocsdf_arch_bias_offset(const ocsdf_arch *a, int l)
{
	return ocsdf_arch_offset(a, l) + (size_t)ocsdf_arch_rows(a, l) * (size_t)ocsdf_arch_cols(a, l);
}

/* Total number of floats in the flat buffer. */
static inline size_t ocsdf_arch_nparams(const ocsdf_arch *a)
{
	return ocsdf_arch_offset(a, a->depth + 1);
}

/* NULL if the shape is acceptable, else a static message. */
const char *ocsdf_arch_check(const ocsdf_arch *a);

#endif
