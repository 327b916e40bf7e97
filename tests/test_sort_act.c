/*
 * test_sort_act.c: FullSort (radix and network) and GroupSort2 against a
 * plain reference (qsort of (value, position) pairs), including ties,
 * signed zeros, infinities and NaN, partial blocks of rows, odd widths,
 * bias and in-place calls; the backward pass against the forward
 * permutation.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "rng.h"
#include "sort_act.h"

typedef struct {
	uint32_t key;
	uint16_t pos;
} pair;

static uint32_t ref_key(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return (b & 0x80000000u) ? ~b : b | 0x80000000u;
}

static int cmp_pair(const void *a, const void *b)
{
	const pair *p = a, *q = b;
	if (p->key != q->key)
		return p->key < q->key ? -1 : 1;
	return (int)p->pos - (int)q->pos;
}

/* Reference: stable sort of z = x + bias by the total order of float bits. */
static void ref_fullsort(const float *x, const float *bias, int B, int n, float *y, uint16_t *perm)
{
	pair *p = malloc((size_t)n * sizeof *p);
	for (int r = 0; r < B; r++) {
		for (int j = 0; j < n; j++) {
			p[j].key = ref_key(bias ? x[r * n + j] + bias[j] : x[r * n + j]);
			p[j].pos = (uint16_t)j;
		}
		qsort(p, (size_t)n, sizeof *p, cmp_pair);
		for (int j = 0; j < n; j++) {
			perm[r * n + j] = p[j].pos;
			y[r * n + j] = bias ? x[r * n + p[j].pos] + bias[p[j].pos] : x[r * n + p[j].pos];
		}
	}
	free(p);
}

/* kind 0: distinct normals; 1: few values (many ties, signed zeros);
 * 2: specials (inf, NaN, zeros) mixed with normals. */
static void fill(ocsdf_rng *g, float *x, size_t m, int kind)
{
	static const float few[] = {-1.0f, -0.0f, 0.0f, 1.0f, 2.5f};
	for (size_t i = 0; i < m; i++) {
		if (kind == 0) {
			x[i] = (float)ocsdf_rng_normal(g);
		} else if (kind == 1) {
			x[i] = few[ocsdf_rng_below(g, 5)];
		} else {
			uint64_t c = ocsdf_rng_below(g, 8);
			x[i] = c == 0   ? INFINITY
			       : c == 1 ? -INFINITY
			       : c == 2 ? NAN
			       : c == 3 ? 0.0f
			                : (float)ocsdf_rng_normal(g) * 1e3f;
		}
	}
}

static int same_bits(const float *a, const float *b, size_t m)
{
	return memcmp(a, b, m * sizeof *a) == 0;
}

START_TEST(fullsort_matches_reference)
{
	/* Say which paths this CPU really runs (the others fall back). */
	printf("FullSort paths on this CPU: radix%s%s\n",
	       ocsdf_sort_act_available(OCSDF_SORT_NETWORK) ? ", AVX2 network" : "",
	       ocsdf_sort_act_available(OCSDF_SORT_NETWORK64) ? ", AVX-512 network" : "");
	static const int ns[] = {2, 3, 7, 8, 9, 16, 21, 64, 100, 512};
	static const int bs[] = {1, 5, 8, 9, 17};
	ocsdf_rng g;
	ocsdf_rng_seed(&g, 11);
	for (size_t in = 0; in < sizeof ns / sizeof *ns; in++) {
		int n = ns[in];
		void *work = aligned_alloc(32, (ocsdf_sort_act_work_size(n) + 31) & ~(size_t)31);
		float *bias = malloc((size_t)n * sizeof *bias);
		fill(&g, bias, (size_t)n, 0);
		for (size_t ib = 0; ib < sizeof bs / sizeof *bs; ib++) {
			int B = bs[ib];
			size_t m = (size_t)B * n;
			float *x = malloc(m * sizeof *x), *y = malloc(m * sizeof *y);
			float *yr = malloc(m * sizeof *yr), *xc = malloc(m * sizeof *xc);
			uint16_t *p = malloc(m * sizeof *p), *pr = malloc(m * sizeof *pr);
			for (int kind = 0; kind < 3; kind++) {
				fill(&g, x, m, kind);
				for (int wb = 0; wb < 2; wb++) {
					const float *bb = wb ? bias : NULL;
					ref_fullsort(x, bb, B, n, yr, pr);
					for (int algo = OCSDF_SORT_RADIX; algo <= OCSDF_SORT_NETWORK64; algo++) {
						memset(p, 0xff, m * sizeof *p);
						ocsdf_fullsort(algo, x, bb, B, n, y, p, work);
						ck_assert_msg(same_bits(y, yr, m) && !memcmp(p, pr, m * sizeof *p),
							      "n=%d B=%d kind=%d bias=%d algo=%d", n, B, kind, wb,
							      algo);
						/* values only */
						ocsdf_fullsort(algo, x, bb, B, n, y, NULL, work);
						ck_assert(same_bits(y, yr, m));
						/* in place */
						memcpy(xc, x, m * sizeof *x);
						ocsdf_fullsort(algo, xc, bb, B, n, xc, p, work);
						ck_assert(same_bits(xc, yr, m) && !memcmp(p, pr, m * sizeof *p));
					}
				}
			}
			free(x), free(y), free(yr), free(xc), free(p), free(pr);
		}
		free(bias);
		free(work);
	}
}
END_TEST

/* GroupSort2, pair by pair: in training (perm) a > b swaps, so ties and
 * NaN keep the order; in evaluation (no perm, a bias) the outputs are
 * b < a ? b : a and a < b ? b : a, as in the scorer's lanes. */
static void ref_groupsort2(const float *x, const float *bias, int B, int n, float *y, uint16_t *perm)
{
	for (int r = 0; r < B; r++)
		for (int i = 0; i < n; i += 2) {
			float a = x[r * n + i], b = x[r * n + i + 1];
			if (bias) {
				a += bias[i];
				b += bias[i + 1];
			}
			if (!perm && bias) {
				y[r * n + i] = b < a ? b : a;
				y[r * n + i + 1] = a < b ? b : a;
				continue;
			}
			int swap = a > b;
			y[r * n + i] = swap ? b : a;
			y[r * n + i + 1] = swap ? a : b;
			if (perm) {
				perm[r * n + i] = (uint16_t)(i + swap);
				perm[r * n + i + 1] = (uint16_t)(i + 1 - swap);
			}
		}
}

/* The vector lanes against the pair by pair reference, bit for bit, at
 * widths with and without a last single pair, with every kind of value. */
START_TEST(groupsort2_pairs)
{
	static const int widths[] = {2, 6, 10, 64};
	enum { B = 7, NMAX = 64 };
	ocsdf_rng g;
	ocsdf_rng_seed(&g, 12);
	float x[B * NMAX], y[B * NMAX], want[B * NMAX], bias[NMAX];
	uint16_t p[B * NMAX], pwant[B * NMAX];
	for (size_t w = 0; w < sizeof widths / sizeof *widths; w++)
		for (int kind = 0; kind < 3; kind++)
			for (int mode = 0; mode < 4; mode++) {
				int n = widths[w], with_perm = mode & 1;
				const float *b = mode & 2 ? bias : NULL;
				fill(&g, x, (size_t)B * n, kind);
				fill(&g, bias, (size_t)n, kind);
				ocsdf_sort_act_forward(OCSDF_ACT_GROUPSORT2, x, b, B, n, y, with_perm ? p : NULL, NULL);
				ref_groupsort2(x, b, B, n, want, with_perm ? pwant : NULL);
				ck_assert_msg(same_bits(y, want, (size_t)B * n), "width %d, kind %d, mode %d: values",
					      n, kind, mode);
				if (with_perm)
					ck_assert_msg(memcmp(p, pwant, sizeof(uint16_t) * (size_t)B * n) == 0,
						      "width %d, kind %d: permutation", n, kind);
			}
}
END_TEST

/* The backward pass is the transpose of the permutation the forward pass
 * applied: <dy, P z> = <P^T dy, z> for any z, and dbias collects column
 * sums of dx. */
START_TEST(backward_is_transpose)
{
	ocsdf_rng g;
	ocsdf_rng_seed(&g, 13);
	for (int act = 0; act < 2; act++) {
		int B = 9, n = 24;
		size_t m = (size_t)B * n;
		float *x = malloc(m * 4), *y = malloc(m * 4), *dy = malloc(m * 4), *dx = malloc(m * 4);
		float db[24] = {0}, db2[24] = {0};
		uint16_t *p = malloc(m * 2);
		void *work = aligned_alloc(32, (ocsdf_sort_act_work_size(n) + 31) & ~(size_t)31);
		fill(&g, x, m, 0);
		fill(&g, dy, m, 0);
		ocsdf_sort_act_forward(act, x, NULL, B, n, y, p, work);
		for (int r = 0; r < B; r++) {
			int seen[24] = {0};
			for (int j = 0; j < n; j++) {
				ck_assert(p[r * n + j] < n);
				seen[p[r * n + j]]++;
				ck_assert(y[r * n + j] == x[r * n + p[r * n + j]]);
			}
			for (int j = 0; j < n; j++)
				ck_assert_int_eq(seen[j], 1);
		}
		db[3] = 1.0f;
		db2[3] = 1.0f;
		ocsdf_sort_act_backward(dy, p, B, n, dx, db);
		double lhs = 0, rhs = 0;
		for (size_t i = 0; i < m; i++) {
			lhs += (double)dy[i] * y[i];
			rhs += (double)dx[i] * x[i];
		}
		ck_assert(fabs(lhs - rhs) < 1e-4 * (1 + fabs(lhs)));
		for (int r = 0; r < B; r++)
			for (int j = 0; j < n; j++)
				db2[j] += dx[r * n + j];
		for (int j = 0; j < n; j++)
			ck_assert(fabsf(db[j] - db2[j]) <= 1e-5f * (1 + fabsf(db2[j])));
		free(x), free(y), free(dy), free(dx), free(p), free(work);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sort_act");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, fullsort_matches_reference);
	tcase_add_test(tc, groupsort2_pairs);
	tcase_add_test(tc, backward_is_transpose);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
