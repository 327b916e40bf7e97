/*
 * score.c: scoring raw rows with a model (see score.h).
 *
 * Scores are exact stream output: a row's score must not depend on the rows
 * scored with it.  OpenBLAS does not give that for free.  With rows as the
 * N dimension of a product, its kernels sum rows in different orders by
 * their place in a tile (period 12 on Haswell); with rows as the M
 * dimension, every row is one SIMD lane of the same chain of fused
 * multiply-adds, except the first 8 lanes of a thread's share and the last
 * 8 lanes of the product (Haswell and Zen kernels; Prescott, Sandybridge,
 * SkylakeX and Cooperlake have no exception).  So the scorer keeps a tile
 * feature-major (features x lanes), runs every product with the same shape
 * on one OpenBLAS thread, and sums the last layer by hand in the same order
 * for every lane; with kernels other than those four it puts rows only in
 * lanes [OCSDF_SCORE_GUARD, OCSDF_SCORE_TILE - OCSDF_SCORE_GUARD) with
 * zeros around them (with the four, every lane holds a row: 6% fewer
 * products).  tests/cli/t_scale.sh checks the result byte for byte under
 * every family of kernels the CPU runs.
 *
 * The gradient (for attacks and the sampler) goes through the row-major
 * network of lipnet.h in tiles of the same size; it makes no such promise.
 */
#include "score.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "lipnet.h"
#include "scale.h"
#include "sort_act.h"

struct ocsdf_scorer {
	const ocsdf_model *m;
	ocsdf_lipnet *net;      /* for gradients */
	float *Z, *f, *g;       /* one tile: rows, scores, gradients (row-major) */
	float *in, *out, *rows; /* feature-major activations; row-major scratch */
	void *work;             /* of the activation */
	int guard;              /* empty lanes at each end of a tile */
};

/* The OpenBLAS kernels whose sgemm treats every lane of the M dimension
 * alike (measured with tests/cli/t_scale.sh under each): a tile needs no
 * guard lanes with them. */
static int lanes_alike(const char *core)
{
	static const char *const alike[] = {"Prescott", "Sandybridge", "SkylakeX", "Cooperlake"};
	for (size_t i = 0; core && i < sizeof alike / sizeof *alike; i++)
		if (strcmp(core, alike[i]) == 0)
			return 1;
	return 0;
}

ocsdf_scorer *ocsdf_scorer_new(const ocsdf_model *m, int max_rows)
{
	ocsdf_scorer *s = calloc(1, sizeof *s);
	if (!s || max_rows < 1) {
		free(s);
		return NULL;
	}
	size_t T = OCSDF_SCORE_TILE, d = (size_t)m->arch.d, w = (size_t)m->arch.width;
	size_t wide = w > d ? w : d;
	s->m = m;
	s->guard = lanes_alike(openblas_get_corename()) ? 0 : OCSDF_SCORE_GUARD;
	s->net = ocsdf_lipnet_new(&m->arch, OCSDF_SCORE_TILE);
	s->Z = malloc(sizeof(float) * T * d);
	s->f = malloc(sizeof(float) * T);
	s->g = malloc(sizeof(float) * T * d);
	s->in = malloc(sizeof(float) * T * wide);
	s->out = malloc(sizeof(float) * T * w);
	s->rows = malloc(sizeof(float) * T * w);
	s->work = malloc(ocsdf_sort_act_work_size(m->arch.width));
	if (!s->net || !s->Z || !s->f || !s->g || !s->in || !s->out || !s->rows || !s->work) {
		ocsdf_scorer_free(s);
		return NULL;
	}
	return s;
}

void ocsdf_scorer_free(ocsdf_scorer *s)
{
	if (!s)
		return;
	ocsdf_lipnet_free(s->net);
	free(s->Z);
	free(s->f);
	free(s->g);
	free(s->in);
	free(s->out);
	free(s->rows);
	free(s->work);
	free(s);
}

/* dst (cols x rows) = src (rows x cols) transposed, in blocks that stay
 * in cache. */
static void transpose(const float *src, int rows, int cols, float *dst)
{
	enum { BT = 16 };
	for (int i0 = 0; i0 < rows; i0 += BT)
		for (int j0 = 0; j0 < cols; j0 += BT) {
			int i1 = i0 + BT < rows ? i0 + BT : rows, j1 = j0 + BT < cols ? j0 + BT : cols;
			for (int i = i0; i < i1; i++)
				for (int j = j0; j < j1; j++)
					dst[(size_t)j * rows + i] = src[(size_t)i * cols + j];
		}
}

/* GroupSort-2 on a feature-major tile: features 2j and 2j + 1 are two
 * rows of lanes, and each lane keeps their min then their max (the order
 * of sort_act.h). */
static void groupsort2_lanes(const float *restrict x, const float *restrict bias, int w, float *restrict y)
{
	enum { T = OCSDF_SCORE_TILE };  /* a constant count: the loop vectorizes */
	for (int j = 0; j < w; j += 2) {
		const float *xa = x + (size_t)j * T, *xb = xa + T;
		float *ya = y + (size_t)j * T, *yb = ya + T;
		for (int i = 0; i < T; i++) {
			float a = xa[i] + bias[j], b = xb[i] + bias[j + 1];
			ya[i] = b < a ? b : a;
			yb[i] = a < b ? b : a;
		}
	}
}

/* The last layer: f (TILE) = bo + wo . h for the feature-major h (w x
 * TILE), summed over features in the same order in every lane. */
static void last_layer(const float *restrict h, const float *restrict wo, float bo, int w, float *restrict f)
{
	enum { T = OCSDF_SCORE_TILE };
	for (int i = 0; i < T; i++)
		f[i] = 0.0f;
	for (int j = 0; j < w; j++)
		for (int i = 0; i < T; i++)
			f[i] += wo[j] * h[(size_t)j * T + i];
	for (int i = 0; i < T; i++)
		f[i] += bo;
}

/* f (TILE) of the feature-major tile s->in (d x TILE). */
static void forward_lanes(ocsdf_scorer *s, float *f)
{
	const ocsdf_arch *a = &s->m->arch;
	const float *theta = s->m->theta;
	int w = a->width, k = a->d, T = OCSDF_SCORE_TILE;
	for (int l = 0; l < a->depth; l++) {
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, w, T, k, 1.0f, theta + ocsdf_arch_offset(a, l),
			    k, s->in, T, 0.0f, s->out, T);
		const float *bias = theta + ocsdf_arch_bias_offset(a, l);
		if (a->activation == OCSDF_ACT_GROUPSORT2) {
			groupsort2_lanes(s->out, bias, w, s->in);
		} else {
			/* A full sort works on rows: once through row-major. */
			transpose(s->out, w, T, s->rows);
			ocsdf_sort_act_forward(a->activation, s->rows, bias, T, w, s->rows, NULL, s->work);
			transpose(s->rows, T, w, s->in);
		}
		k = w;
	}
	last_layer(s->in, theta + ocsdf_arch_offset(a, a->depth), theta[ocsdf_arch_bias_offset(a, a->depth)], w, f);
}

/* The scores of n rows, raw (X) or already standardized (Z). */
static void run_rows(ocsdf_scorer *s, const double *X, const float *Z, int n, float *f)
{
	int d = s->m->arch.d, G = s->guard, rows = OCSDF_SCORE_TILE - 2 * G;
	int threads = openblas_get_num_threads();
	/* Threads split the lanes, and each share has its own first lanes. */
	if (threads > 1)
		openblas_set_num_threads(1);
	for (int i0 = 0; i0 < n; i0 += rows) {
		int k = n - i0 < rows ? n - i0 : rows;
		memset(s->Z, 0, sizeof(float) * (size_t)OCSDF_SCORE_TILE * d);
		if (X)
			ocsdf_scale_apply(X + (size_t)i0 * d, (size_t)k, d, s->m->mean, s->m->std, s->Z + (size_t)G * d);
		else
			memcpy(s->Z + (size_t)G * d, Z + (size_t)i0 * d, sizeof(float) * (size_t)k * d);
		transpose(s->Z, OCSDF_SCORE_TILE, d, s->in);
		forward_lanes(s, s->f);
		memcpy(f + i0, s->f + G, sizeof(float) * (size_t)k);
	}
	if (threads > 1)
		openblas_set_num_threads(threads);
}

void ocsdf_scorer_run(ocsdf_scorer *s, const double *X, int n, float *f)
{
	run_rows(s, X, NULL, n, f);
}

void ocsdf_scorer_run_std(ocsdf_scorer *s, const float *Z, int n, float *f)
{
	run_rows(s, NULL, Z, n, f);
}

void ocsdf_scorer_grad(ocsdf_scorer *s, const double *X, int n, float *f, float *g)
{
	int d = s->m->arch.d, T = OCSDF_SCORE_TILE;
	for (int i0 = 0; i0 < n; i0 += T) {
		int k = n - i0 < T ? n - i0 : T;
		ocsdf_scale_apply(X + (size_t)i0 * d, (size_t)k, d, s->m->mean, s->m->std, s->Z);
		memset(s->Z + (size_t)k * d, 0, sizeof(float) * (size_t)(T - k) * d);
		ocsdf_lipnet_input_grad(s->net, s->m->theta, s->Z, T, s->f, s->g);
		memcpy(f + i0, s->f, sizeof(float) * (size_t)k);
		/* dz/dx = 1/std per feature. */
		for (int i = 0; i < k; i++)
			for (int j = 0; j < d; j++)
				g[(size_t)(i0 + i) * d + j] = (float)(s->g[(size_t)i * d + j] / s->m->std[j]);
	}
}

int ocsdf_score_name_is_raw(const char *name)
{
	size_t n = strlen(name), k = strlen(OCSDF_SCORE_RAW_SUFFIX);
	return n >= k && strcmp(name + n - k, OCSDF_SCORE_RAW_SUFFIX) == 0;
}
