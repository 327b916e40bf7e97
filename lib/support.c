/* support.c: the support of the training rows and its negatives (see
 * support.h). */
#include "support.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

void ocsdf_sort_floats(float *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_float);
}

double ocsdf_sorted_quantile(const float *sorted, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	double frac = pos - (double)i;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] * (1 - frac) + sorted[i + 1] * frac;
}

/* The rows of Z at the first m indices of a seeded shuffle, copied. */
static float *sample_rows(const float *Z, size_t n, int d, size_t m, ocsdf_rng *rng)
{
	uint32_t *idx = malloc(n * sizeof *idx);
	float *out = malloc(m * (size_t)d * sizeof *out);

	if (!idx || !out) {
		free(idx);
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	if (m < n)
		ocsdf_rng_shuffle(rng, idx, (uint32_t)n);
	for (size_t i = 0; i < m; i++)
		memcpy(out + i * (size_t)d, Z + (size_t)idx[i] * d, (size_t)d * sizeof *out);
	free(idx);
	return out;
}

/* How many rows of d floats fit in OCSDF_SUPPORT_MAX_BYTES, within 1..cap. */
static size_t rows_within(int d, size_t cap)
{
	size_t fit = OCSDF_SUPPORT_MAX_BYTES / (sizeof(float) * (size_t)d);
	return fit < 1 ? 1 : fit < cap ? fit : cap;
}

int ocsdf_support_init(ocsdf_support *s, const float *Z, size_t n, int d, int k, double q,
		       uint64_t seed, ocsdf_error *e)
{
	size_t m = n < rows_within(d, OCSDF_SUPPORT_MAX_REF) ? n : rows_within(d, OCSDF_SUPPORT_MAX_REF);
	size_t nr = m < OCSDF_SUPPORT_MAX_RADIUS_ROWS ? m : OCSDF_SUPPORT_MAX_RADIUS_ROWS;
	const int chunk = OCSDF_SUPPORT_CHUNK;
	float *ref, *dk;
	ocsdf_rng rng;

	memset(s, 0, sizeof *s);
	if (n == 0 || k < 1 || k + 1 > OCSDF_KNN_MAX_K)
		return ocsdf_error_set(e, OCSDF_EDATA, "the distance sampler needs rows and 1..%d neighbours",
				       OCSDF_KNN_MAX_K - 1);
	/* Fewer rows than neighbours: each row's other rows. */
	if ((size_t)k >= m)
		k = m > 1 ? (int)(m - 1) : 1;
	ocsdf_rng_seed(&rng, seed);
	ref = sample_rows(Z, n, d, m, &rng);
	s->knn = ref ? ocsdf_knn_new(ref, m, d, k + 1, chunk) : NULL;
	dk = malloc(nr * sizeof *dk);
	if (!s->knn || !dk) {
		free(ref);
		free(dk);
		ocsdf_support_free(s);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	/* The first nr reference rows are a uniform sample of the rows; each
	 * is its own nearest reference row, hence skip = 1. */
	s->row_skip = m > (size_t)k;
	for (size_t i = 0; i < nr; i += (size_t)chunk) {
		int b = nr - i < (size_t)chunk ? (int)(nr - i) : chunk;
		ocsdf_knn_query(s->knn, ref + i * (size_t)d, b, k, s->row_skip, dk + i);
	}
	free(ref);
	ocsdf_sort_floats(dk, nr);
	s->r = ocsdf_sorted_quantile(dk, nr, q);
	/* Duplicate rows can make the quantile 0: the smallest positive
	 * distance then; one model unit if all rows coincide. */
	for (size_t i = 0; !(s->r > 0) && i < nr; i++)
		s->r = dk[i];
	if (!(s->r > 0) || !isfinite(s->r))
		s->r = 1;
	free(dk);
	s->d = d;
	s->k = k;
	s->hole = OCSDF_SUPPORT_HOLE;
	s->pool_cap = (int)rows_within(d, OCSDF_SUPPORT_POOL);
	s->pool = malloc((size_t)s->pool_cap * (size_t)d * sizeof(float));
	s->pool_t = malloc((size_t)s->pool_cap * sizeof(float));
	s->pool_n2 = malloc((size_t)s->pool_cap * sizeof(float));
	s->prod = malloc((size_t)chunk * (size_t)s->pool_cap * sizeof(float));
	s->ub = malloc((size_t)chunk * sizeof(float));
	s->want = malloc((size_t)chunk);
	if (!s->pool || !s->pool_t || !s->pool_n2 || !s->prod || !s->ub || !s->want) {
		ocsdf_support_free(s);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	return 0;
}

/* Pool slot j holds point z (d floats) with target t. */
static void pool_put(ocsdf_support *s, int j, const float *z, float t)
{
	const int d = s->d;
	double n2 = 0;

	memcpy(s->pool + (size_t)j * d, z, (size_t)d * sizeof(float));
	for (int c = 0; c < d; c++)
		n2 += (double)z[c] * z[c];
	s->pool_n2[j] = (float)n2;
	s->pool_t[j] = t;
}

void ocsdf_support_pool_add(ocsdf_support *s, const float *z, const float *t, int b)
{
	for (int i = 0; i < b; i++) {
		int j = s->pool_next;
		if (!(t[i] <= -s->hole * s->r))
			continue;
		pool_put(s, j, z + (size_t)i * s->d, t[i]);
		s->pool_next = s->pool_fixed + (j - s->pool_fixed + 1) % (s->pool_cap - s->pool_fixed);
		if (s->pool_len < s->pool_cap)
			s->pool_len++;
	}
}

/* The cone of pool point j at a point with squared norm n2 whose products
 * -2 z.z_j are p: lowers *best (and sets *arg) if it is below.  Cones that
 * cannot go below are skipped before the root: sqrt(q) > lim with a
 * margin above the rounding of sqrtf, so the minimum is the same. */
static inline void cone(const ocsdf_support *s, const float *p, float n2, int j, double *best, int *arg)
{
	float q = p[j] + s->pool_n2[j] + n2;
	double lim = *best - s->pool_t[j], u;

	if (!(lim > 0) || (double)q > lim * lim * (1 + 1e-6))
		return;
	u = s->pool_t[j] + (q > 0 ? sqrtf(q) : 0);
	if (u < *best) {
		*best = u;
		*arg = j;
	}
}

/* min_j (t_j + |z - z_j|) over the P pool points and the j that gives it,
 * in pool order (ties: the first). */
static double lowest_cone(const ocsdf_support *s, const float *p, float n2, int P, int *arg)
{
	double best = INFINITY;
	int j = 0;

	*arg = -1;
#ifdef __SSE2__
	/* Four cones at a time in float, as a filter only: a block is looked
	 * at cone by cone when one of its cones may be below the best so far
	 * plus a margin well above float rounding, near: t + sqrt(q) < near,
	 * tested without roots as near - t > 0 and q < (near - t)^2. */
	const __m128 n24 = _mm_set1_ps(n2), zero = _mm_setzero_ps();
	for (; j + 4 <= P; j += 4) {
		__m128 q = _mm_add_ps(_mm_add_ps(_mm_loadu_ps(p + j), _mm_loadu_ps(s->pool_n2 + j)), n24);
		__m128 lim = _mm_sub_ps(_mm_set1_ps((float)(best + 1e-4 * (1 + fabs(best)))),
					_mm_loadu_ps(s->pool_t + j));
		__m128 in = _mm_and_ps(_mm_cmpgt_ps(lim, zero), _mm_cmplt_ps(q, _mm_mul_ps(lim, lim)));
		if (_mm_movemask_ps(in) == 0)
			continue;
		for (int i = j; i < j + 4; i++)
			cone(s, p, n2, i, &best, arg);
	}
#endif
	for (; j < P; j++)
		cone(s, p, n2, j, &best, arg);
	return best;
}

/* The upper bound min_j (t_j + |z - z_j|) over the pool at one chunk of
 * at most OCSDF_SUPPORT_CHUNK points, only where want (NULL: all) is
 * nonzero; ub[i] INFINITY and from[i] -1 elsewhere, and everywhere while
 * the pool is empty.  from (may be NULL) gets the index in the pool of the
 * minimizing point. */
static void bound_chunk(ocsdf_support *s, const float *z, int b, const unsigned char *want, float *ub,
			int *from)
{
	const int d = s->d, P = s->pool_len;

	if (P > 0)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, P, d, -2.0f, z, d, s->pool, d, 0.0f,
			    s->prod, P);
	for (int i = 0; i < b; i++) {
		double n2 = 0;
		int arg = -1;
		if (!want || want[i]) {
			for (int c = 0; c < d; c++)
				n2 += (double)z[(size_t)i * d + c] * z[(size_t)i * d + c];
			ub[i] = (float)lowest_cone(s, s->prod + (size_t)i * P, (float)n2, P, &arg);
		} else {
			ub[i] = INFINITY;
		}
		if (from)
			from[i] = arg;
	}
}

/* The bound at b points chunk by chunk, into ub (NULL: scratch) and from
 * (may be NULL): at every point when t is NULL; otherwise where t[i] >
 * -hole * r and the pool holds points, raising t[i] to the bound. */
static void bounds(ocsdf_support *s, const float *z, int b, float *t, float *ub, int *from)
{
	for (int i = 0; i < b; i += OCSDF_SUPPORT_CHUNK) {
		int c = b - i < OCSDF_SUPPORT_CHUNK ? b - i : OCSDF_SUPPORT_CHUNK;
		float *u = ub ? ub + i : s->ub;
		for (int k = 0; t && k < c; k++)
			s->want[k] = s->pool_len > 0 && t[i + k] > -s->hole * s->r;
		bound_chunk(s, z + (size_t)i * s->d, c, t ? s->want : NULL, u, from ? from + i : NULL);
		for (int k = 0; t && k < c; k++)
			if (s->want[k] && u[k] > t[i + k])
				t[i + k] = u[k];
	}
}

void ocsdf_support_upper(ocsdf_support *s, const float *z, int b, float *ub, int *from)
{
	bounds(s, z, b, NULL, ub, from);
}

void ocsdf_support_inside_targets(ocsdf_support *s, const float *z, int b, float *t, float *ub, int *from)
{
	bounds(s, z, b, t, ub, from);
}

void ocsdf_support_free(ocsdf_support *s)
{
	ocsdf_knn_free(s->knn);
	free(s->pool);
	free(s->pool_t);
	free(s->pool_n2);
	free(s->prod);
	free(s->ub);
	free(s->want);
	memset(s, 0, sizeof *s);
}

void ocsdf_support_targets(const ocsdf_support *s, const float *z, int b, float *t)
{
	ocsdf_knn_query(s->knn, z, b, s->k, 0, t);
	for (int i = 0; i < b; i++)
		t[i] = (float)(s->r - t[i]);
}

void ocsdf_support_row_targets(const ocsdf_support *s, const float *x, int b, float *t)
{
	ocsdf_knn_query(s->knn, x, b, s->k, s->row_skip, t);
	for (int i = 0; i < b; i++)
		t[i] = (float)(s->r - t[i]);
}

void ocsdf_support_negatives(const ocsdf_support *s, const float *Z, size_t n, int B, float *z,
			     float *t, ocsdf_rng *rng)
{
	const int d = s->d;
	const double lo = log(s->near), hi = log(s->far);

	for (int i = 0; i < B; i++) {
		float *zi = z + (size_t)i * d;
		if (s->box > 0 && ocsdf_rng_uniform(rng) < s->box_share) {
			for (int j = 0; j < d; j++)
				zi[j] = (float)(s->box * (2 * ocsdf_rng_uniform(rng) - 1));
		} else {
			const float *x = Z + (size_t)ocsdf_rng_below(rng, n) * d;
			double n2 = 0, rho = s->r * exp(lo + (hi - lo) * ocsdf_rng_uniform(rng));
			for (int j = 0; j < d; j++) {
				double g = ocsdf_rng_normal(rng);
				zi[j] = (float)g;
				n2 += g * g;
			}
			rho /= sqrt(n2) + 1e-30;
			for (int j = 0; j < d; j++)
				zi[j] = (float)(x[j] + rho * zi[j]);
		}
	}
	ocsdf_support_targets(s, z, B, t);
}

/* Grows the pool by A slots (and the products over it): before any point
 * is added.  0, or -1 out of memory (the pool then as before). */
static int pool_grow(ocsdf_support *s, int A)
{
	const int cap = s->pool_cap + A, d = s->d;
	float *p = realloc(s->pool, (size_t)cap * (size_t)d * sizeof(float));
	if (p)
		s->pool = p;
	p = p ? realloc(s->pool_t, (size_t)cap * sizeof(float)) : NULL;
	if (p)
		s->pool_t = p;
	p = p ? realloc(s->pool_n2, (size_t)cap * sizeof(float)) : NULL;
	if (p)
		s->pool_n2 = p;
	p = p ? realloc(s->prod, (size_t)OCSDF_SUPPORT_CHUNK * (size_t)cap * sizeof(float)) : NULL;
	if (!p)
		return -1;
	s->prod = p;
	s->pool_cap = cap;
	return 0;
}

int ocsdf_support_ascent_rows(const ocsdf_support *s, size_t n, int A)
{
	/* No more points than OCSDF_SUPPORT_MAX_BYTES holds, as the pool. */
	return A < 1 ? 0 : (int)rows_within(s->d, n < (size_t)A ? n : (size_t)A);
}

int ocsdf_support_ascent(ocsdf_support *s, const float *Z, size_t n, int A, double stop, int iters,
			 ocsdf_rng *rng)
{
	const int d = s->d;
	const double r = s->r;
	int m, found = 0, nact;
	float *z = NULL, *q = NULL, *dk = NULL, *tz = NULL;
	int *act = NULL, *kth = NULL;
	unsigned char *arrived = NULL;

	if (A < 1 || n == 0)
		return 0;
	m = ocsdf_support_ascent_rows(s, n, A);
	/* The rows: the first m of a seeded shuffle (all of them, unshuffled,
	 * when m = n), each moved OCSDF_ASCENT_OFFSET r in a uniform
	 * direction (its Gaussian drawn into q). */
	z = sample_rows(Z, n, d, (size_t)m, rng);
	q = malloc((size_t)m * d * sizeof *q);
	dk = malloc((size_t)m * sizeof *dk);
	tz = malloc((size_t)m * sizeof *tz);
	act = malloc((size_t)m * sizeof *act);
	kth = malloc((size_t)m * sizeof *kth);
	arrived = calloc((size_t)m, 1);
	if (!z || !q || !dk || !tz || !act || !kth || !arrived) {
		found = -1;
		goto out;
	}
	for (int i = 0; i < m; i++) {
		float *zi = z + (size_t)i * d, *gi = q + (size_t)i * d;
		double n2 = 0, rho;
		for (int j = 0; j < d; j++) {
			double g = ocsdf_rng_normal(rng);
			gi[j] = (float)g;
			n2 += g * g;
		}
		rho = OCSDF_ASCENT_OFFSET * r / (sqrt(n2) + 1e-30);
		for (int j = 0; j < d; j++)
			zi[j] = (float)(zi[j] + rho * gi[j]);
		act[i] = i;
	}
	/* The points still climbing are act[0..nact-1], their queries
	 * gathered into q: one batch of queries a step for all of them. */
	nact = m;
	for (int it = 0; it <= iters && nact > 0; it++) {
		int keep = 0;
		for (int a = 0; a < nact; a++)
			memcpy(q + (size_t)a * d, z + (size_t)act[a] * d, (size_t)d * sizeof *q);
		ocsdf_knn_query_index(s->knn, q, nact, s->k, 0, dk, kth);
		for (int a = 0; a < nact; a++) {
			const int i = act[a];
			float *zi = z + (size_t)i * d;
			const float *xk;
			double len = 0, eta;
			if (!isfinite(dk[a]))
				continue; /* no k-th neighbour (knn.h): dropped */
			if (dk[a] >= stop * r) {
				tz[i] = (float)(r - dk[a]);
				arrived[i] = 1;
				continue;
			}
			if (it == iters)
				continue; /* dropped */
			xk = ocsdf_knn_row(s->knn, (size_t)kth[a]);
			for (int j = 0; j < d; j++)
				len += ((double)zi[j] - xk[j]) * ((double)zi[j] - xk[j]);
			len = sqrt(len);
			if (!(len > 0))
				continue; /* on its k-th neighbour: dropped */
			eta = stop * r - dk[a] + OCSDF_ASCENT_OVER * r;
			if (eta > OCSDF_ASCENT_STEP * r)
				eta = OCSDF_ASCENT_STEP * r;
			for (int j = 0; j < d; j++)
				zi[j] = (float)(zi[j] + eta * ((double)zi[j] - xk[j]) / len);
			act[keep++] = i;
		}
		nact = keep;
	}
	/* The points that arrived, in the order of the sample, moved to
	 * the head of z and tz. */
	for (int i = 0; i < m; i++) {
		if (!arrived[i])
			continue;
		memmove(z + (size_t)found * d, z + (size_t)i * d, (size_t)d * sizeof *z);
		tz[found++] = tz[i];
	}
	if (found == 0)
		goto out;
	/* The first call reserves m slots at the head of the pool. */
	if (s->pool_fixed == 0) {
		if (pool_grow(s, m)) {
			found = -1;
			goto out;
		}
		s->pool_fixed = m;
		s->pool_len = m;
		s->pool_next = m;
	}
	for (int j = 0; j < s->pool_fixed; j++) {
		const int src = j < found ? j : j % found;
		pool_put(s, j, z + (size_t)src * d, tz[src]);
	}
out:
	free(z);
	free(q);
	free(dk);
	free(tz);
	free(act);
	free(kth);
	free(arrived);
	return found;
}
