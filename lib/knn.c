/* knn.c: k-th nearest neighbour distances by blocked sgemm (see knn.h). */
#include "knn.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct ocsdf_knn {
	float *ref;   /* m x d */
	float *norm2; /* m */
	float *prod;  /* max_batch x BLOCK */
	float *best;  /* max_batch x kmax, ascending squared distances */
	int *best_i;  /* max_batch x kmax, their reference rows (index queries) */
	float *qn2;   /* max_batch */
	size_t m;
	int d, kmax, max_batch;
};

/* |v|^2 of d floats, summed in double. */
static float squared_norm(const float *v, int d)
{
	double s = 0;
	for (int j = 0; j < d; j++)
		s += (double)v[j] * v[j];
	return (float)s;
}

ocsdf_knn *ocsdf_knn_new(const float *ref, size_t m, int d, int kmax, int max_batch)
{
	ocsdf_knn *x;

	if (m == 0 || d < 1 || kmax < 1 || kmax > OCSDF_KNN_MAX_K || max_batch < 1 ||
	    m > (size_t)-1 / sizeof(float) / (size_t)d)
		return NULL;
	if (!(x = calloc(1, sizeof *x)))
		return NULL;
	x->m = m;
	x->d = d;
	x->kmax = kmax;
	x->max_batch = max_batch;
	x->ref = malloc(m * (size_t)d * sizeof(float));
	x->norm2 = malloc(m * sizeof(float));
	x->prod = malloc((size_t)max_batch * OCSDF_KNN_BLOCK * sizeof(float));
	x->best = malloc((size_t)max_batch * (size_t)kmax * sizeof(float));
	x->best_i = malloc((size_t)max_batch * (size_t)kmax * sizeof(int));
	x->qn2 = malloc((size_t)max_batch * sizeof(float));
	if (!x->ref || !x->norm2 || !x->prod || !x->best || !x->best_i || !x->qn2) {
		ocsdf_knn_free(x);
		return NULL;
	}
	memcpy(x->ref, ref, m * (size_t)d * sizeof(float));
	for (size_t i = 0; i < m; i++)
		x->norm2[i] = squared_norm(ref + i * d, d);
	return x;
}

void ocsdf_knn_free(ocsdf_knn *x)
{
	if (!x)
		return;
	free(x->ref);
	free(x->norm2);
	free(x->prod);
	free(x->best);
	free(x->best_i);
	free(x->qn2);
	free(x);
}

size_t ocsdf_knn_rows(const ocsdf_knn *x)
{
	return x->m;
}

/* Keeps the K smallest values seen in best[0..K-1], ascending. */
static void keep_smallest(float *best, int K, float v)
{
	int i;
	if (!(v < best[K - 1]))
		return;
	for (i = K - 1; i > 0 && best[i - 1] > v; i--)
		best[i] = best[i - 1];
	best[i] = v;
}

/* The same, the index of each value kept in bi beside it. */
static void keep_smallest_index(float *best, int *bi, int K, float v, int idx)
{
	int i;
	if (!(v < best[K - 1]))
		return;
	for (i = K - 1; i > 0 && best[i - 1] > v; i--) {
		best[i] = best[i - 1];
		bi[i] = bi[i - 1];
	}
	best[i] = v;
	bi[i] = idx;
}

/* One chunk of at most max_batch queries; idx (NULL: not asked) gets the
 * reference row at the K-th distance. */
static void query_chunk(ocsdf_knn *x, const float *q, int b, int K, float *dist, int *idx)
{
	const int d = x->d;

	for (int i = 0; i < b; i++) {
		x->qn2[i] = squared_norm(q + (size_t)i * d, d);
		for (int j = 0; j < K; j++)
			x->best[(size_t)i * K + j] = INFINITY;
		if (idx)
			for (int j = 0; j < K; j++)
				x->best_i[(size_t)i * K + j] = -1;
	}
	for (size_t c0 = 0; c0 < x->m; c0 += OCSDF_KNN_BLOCK) {
		int c = x->m - c0 < OCSDF_KNN_BLOCK ? (int)(x->m - c0) : OCSDF_KNN_BLOCK;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, c, d, -2.0f, q, d,
			    x->ref + c0 * (size_t)d, d, 0.0f, x->prod, c);
		for (int i = 0; i < b; i++) {
			const float *p = x->prod + (size_t)i * c, *rn = x->norm2 + c0;
			float *best = x->best + (size_t)i * K, qn = x->qn2[i];
			int *bi = x->best_i + (size_t)i * K;
			int j = 0;
#ifdef __SSE2__
			/* Four at a time, the same sums: a block none of whose
			 * values is below the K-th smallest so far changes
			 * nothing, and is skipped. */
			const __m128 qn4 = _mm_set1_ps(qn);
			for (; j + 4 <= c; j += 4) {
				__m128 v = _mm_add_ps(_mm_add_ps(_mm_loadu_ps(p + j), _mm_loadu_ps(rn + j)), qn4);
				if (_mm_movemask_ps(_mm_cmplt_ps(v, _mm_set1_ps(best[K - 1]))) == 0)
					continue;
				for (int l = j; l < j + 4; l++)
					if (idx)
						keep_smallest_index(best, bi, K, p[l] + rn[l] + qn, (int)c0 + l);
					else
						keep_smallest(best, K, p[l] + rn[l] + qn);
			}
#endif
			for (; j < c; j++)
				if (idx)
					keep_smallest_index(best, bi, K, p[j] + rn[j] + qn, (int)c0 + j);
				else
					keep_smallest(best, K, p[j] + rn[j] + qn);
		}
	}
	for (int i = 0; i < b; i++) {
		float v = x->best[(size_t)i * K + K - 1];
		dist[i] = v > 0 ? sqrtf(v) : 0;
		if (idx)
			idx[i] = x->best_i[(size_t)i * K + K - 1];
	}
}

static void query(ocsdf_knn *x, const float *q, int b, int k, int skip, float *dist, int *idx)
{
	const int K = k + skip;

	if (k < 1 || skip < 0 || K > x->kmax || (size_t)K > x->m) {
		for (int i = 0; i < b; i++) {
			dist[i] = INFINITY;
			if (idx)
				idx[i] = -1;
		}
		return;
	}
	for (int i = 0; i < b; i += x->max_batch) {
		int c = b - i < x->max_batch ? b - i : x->max_batch;
		query_chunk(x, q + (size_t)i * x->d, c, K, dist + i, idx ? idx + i : NULL);
	}
}

void ocsdf_knn_query(ocsdf_knn *x, const float *q, int b, int k, int skip, float *dist)
{
	query(x, q, b, k, skip, dist, NULL);
}

void ocsdf_knn_query_index(ocsdf_knn *x, const float *q, int b, int k, int skip, float *dist, int *idx)
{
	query(x, q, b, k, skip, dist, idx);
}

const float *ocsdf_knn_row(const ocsdf_knn *x, size_t i)
{
	return x->ref + i * (size_t)x->d;
}
