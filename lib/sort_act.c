/*
 * sort_act.c: FullSort and GroupSort2 activations (see sort_act.h).
 *
 * FullSort is the only per-element cost of the network that is not a
 * matrix product, and a training step sorts thousands of rows of 512, so
 * it has to be far cheaper than qsort.  Two algorithms give the same
 * result, the order of (value, position) pairs:
 *
 *  - an LSD radix sort on the float bits mapped to order-preserving
 *    unsigned keys, 4 passes of 8 bits carrying the positions (stable, so
 *    ties keep input order); passes whose digit is the same for every key
 *    are skipped;
 *  - a bitonic sorting network where each SIMD lane holds a different row:
 *    8 rows are transposed into lanes, every compare-exchange is a vector
 *    min/max (plus a blend of the positions), and the rows are transposed
 *    back.  A network is not stable, so a row in which two keys are equal
 *    is redone by the radix sort; rows of distinct keys have only one
 *    sorted order.  Built with target("avx2") and chosen at run time.
 *    With AVX-512, rows that need their permutation use 64-bit lanes
 *    holding key and position together (see network64_block).  The
 *    network is written once over the two kinds of lane vector (K32,
 *    Q64), instantiated for each.
 */
#include "sort_act.h"

#include <stdlib.h>
#include <string.h>

#include "arch.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define OCSDF_SORT_X86 1
#include <immintrin.h>
#else
#define OCSDF_SORT_X86 0
#endif

/* Lanes per vector in the network: 8 rows of int32 in a 256-bit vector. */
#define LANES 8

static int pow2_at_least(int n)
{
	int p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

static size_t align32(size_t s)
{
	return (s + 31) & ~(size_t)31;
}

/* Radix workspace: two key and two position arrays, and one row of floats
 * used when the network hands a row with ties over to the radix sort. */
static size_t radix_bytes(int n)
{
	return align32((size_t)n * 4) * 3 + align32((size_t)n * 2) * 2;
}

static size_t network_bytes(int n)
{
	return 2 * (size_t)pow2_at_least(n) * LANES * 4;
}

size_t ocsdf_sort_act_work_size(int n)
{
	if (n < 1)
		n = 1;
	return network_bytes(n) + radix_bytes(n);
}

/* Float bits to unsigned keys whose integer order is the float order
 * (negatives flipped entirely, positives get the sign bit set), and back. */
static inline uint32_t float_to_key(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b ^ ((uint32_t)((int32_t)b >> 31) | 0x80000000u);
}

static inline float key_to_float(uint32_t k)
{
	uint32_t b = (k & 0x80000000u) ? k ^ 0x80000000u : ~k;
	float f;
	memcpy(&f, &b, 4);
	return f;
}

/* One row: z = x + bias sorted into y (y may be x), positions into perm
 * (may be NULL).  w: radix_bytes(n). */
static void radix_row(const float *x, const float *bias, int n, float *y, uint16_t *perm, void *w)
{
	char *p = w;
	uint32_t *k0 = (uint32_t *)p;
	uint32_t *k1 = (uint32_t *)(p + align32((size_t)n * 4));
	uint16_t *i0 = (uint16_t *)(p + 2 * align32((size_t)n * 4));
	uint16_t *i1 = (uint16_t *)(p + 2 * align32((size_t)n * 4) + align32((size_t)n * 2));
	uint32_t hist[4][256];
	memset(hist, 0, sizeof hist);
	for (int i = 0; i < n; i++) {
		uint32_t k = float_to_key(bias ? x[i] + bias[i] : x[i]);
		k0[i] = k;
		i0[i] = (uint16_t)i;
		hist[0][k & 255]++;
		hist[1][(k >> 8) & 255]++;
		hist[2][(k >> 16) & 255]++;
		hist[3][k >> 24]++;
	}
	uint32_t *ks = k0, *kd = k1;
	uint16_t *is = i0, *id = i1;
	for (int pass = 0; pass < 4; pass++) {
		int sh = 8 * pass;
		if (hist[pass][(ks[0] >> sh) & 255] == (uint32_t)n)
			continue;
		uint32_t off[256], s = 0;
		for (int b = 0; b < 256; b++) {
			off[b] = s;
			s += hist[pass][b];
		}
		for (int i = 0; i < n; i++) {
			uint32_t k = ks[i];
			uint32_t pos = off[(k >> sh) & 255]++;
			kd[pos] = k;
			id[pos] = is[i];
		}
		uint32_t *tk = ks;
		ks = kd;
		kd = tk;
		uint16_t *ti = is;
		is = id;
		id = ti;
	}
	for (int j = 0; j < n; j++)
		y[j] = key_to_float(ks[j]);
	if (perm)
		memcpy(perm, is, (size_t)n * sizeof *perm);
}

static void radix_rows(const float *x, const float *bias, int B, int n, float *y, uint16_t *perm,
		       void *work)
{
	for (int r = 0; r < B; r++)
		radix_row(x + (size_t)r * n, bias, n, y + (size_t)r * n,
			  perm ? perm + (size_t)r * n : 0, work);
}

#if OCSDF_SORT_X86

/* The instruction sets of the network paths, chosen at run time. */
#define TGT __attribute__((target("avx2")))
#define TGT512 __attribute__((target("avx512f,avx2")))
#define TGT512VL __attribute__((target("avx512f,avx512vl,avx2")))

/* Signed form of the order-preserving key (its own inverse), as AVX2 only
 * compares signed 32-bit integers. */
TGT static inline __m256i skey8(__m256 v)
{
	__m256i b = _mm256_castps_si256(v);
	return _mm256_xor_si256(b, _mm256_and_si256(_mm256_srai_epi32(b, 31),
						    _mm256_set1_epi32(0x7fffffff)));
}

TGT static inline void transpose8(__m256 *r)
{
	__m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
	__m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
	__m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
	__m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
	__m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xee);
	__m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xee);
	__m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xee);
	__m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xee);
	r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
	r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
	r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
	r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
	r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
	r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
	r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
	r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/* The lane vectors of the network, named by kind for the operations on
 * them: K32, the int32 keys of 8 rows in 256 bits; Q64, the int64
 * key-and-position lanes of 8 rows in 512 bits (AVX-512, see
 * network64_block). */
#define K32_T __m256i
#define K32_LD(p) _mm256_loadu_si256((const __m256i *)(p))
#define K32_ST(p, v) _mm256_storeu_si256((__m256i *)(p), (v))
#define K32_MIN _mm256_min_epi32
#define K32_MAX _mm256_max_epi32
#define Q64_T __m512i
#define Q64_LD(p) _mm512_loadu_si512((const void *)(p))
#define Q64_ST(p, v) _mm512_storeu_si512((void *)(p), (v))
#define Q64_MIN _mm512_min_epi64
#define Q64_MAX _mm512_max_epi64
#define LD K32_LD
#define ST K32_ST

/* Compare-exchange of lane vectors a < b of kind V at K in memory (keys
 * only, or with positions I blended alongside), and of registers k[a],
 * k[b]. */
#define CE_V(V, K, a, b)                                                                          \
	do {                                                                                      \
		V##_T ka_ = V##_LD((K) + LANES * (a)), kb_ = V##_LD((K) + LANES * (b));           \
		V##_ST((K) + LANES * (a), V##_MIN(ka_, kb_));                                     \
		V##_ST((K) + LANES * (b), V##_MAX(ka_, kb_));                                     \
	} while (0)
#define CE_K(K, a, b) CE_V(K32, K, a, b)
#define CE_Q(Q, a, b) CE_V(Q64, Q, a, b)

#define CE_KI(K, I, a, b)                                                                         \
	do {                                                                                      \
		__m256i ka_ = LD((K) + LANES * (a)), kb_ = LD((K) + LANES * (b));                 \
		__m256i m_ = _mm256_cmpgt_epi32(ka_, kb_);                                        \
		ST((K) + LANES * (a), _mm256_min_epi32(ka_, kb_));                                \
		ST((K) + LANES * (b), _mm256_max_epi32(ka_, kb_));                                \
		__m256i ia_ = LD((I) + LANES * (a)), ib_ = LD((I) + LANES * (b));                 \
		ST((I) + LANES * (a), _mm256_blendv_epi8(ia_, ib_, m_));                          \
		ST((I) + LANES * (b), _mm256_blendv_epi8(ib_, ia_, m_));                          \
	} while (0)

#define RCE_V(V, a, b)                                                                            \
	do {                                                                                      \
		V##_T t_ = V##_MIN(k[a], k[b]);                                                   \
		k[b] = V##_MAX(k[a], k[b]);                                                       \
		k[a] = t_;                                                                        \
	} while (0)
#define RCE_K32(a, b) RCE_V(K32, a, b)
#define RCE_Q64(a, b) RCE_V(Q64, a, b)

#define RCE_KI(a, b)                                                                              \
	do {                                                                                      \
		__m256i m_ = _mm256_cmpgt_epi32(k[a], k[b]);                                      \
		__m256i t_ = _mm256_min_epi32(k[a], k[b]);                                        \
		k[b] = _mm256_max_epi32(k[a], k[b]);                                              \
		k[a] = t_;                                                                        \
		t_ = _mm256_blendv_epi8(ix[a], ix[b], m_);                                        \
		ix[b] = _mm256_blendv_epi8(ix[b], ix[a], m_);                                     \
		ix[a] = t_;                                                                       \
	} while (0)

/* The strides 4, 2, 1 that end every merge, and the whole sort of 8, on
 * the group of 8 vectors starting at o. */
#define CLEAN8_AT(RCE, o)                                                                         \
	RCE(o + 0, o + 4); RCE(o + 1, o + 5); RCE(o + 2, o + 6); RCE(o + 3, o + 7);               \
	RCE(o + 0, o + 2); RCE(o + 1, o + 3); RCE(o + 4, o + 6); RCE(o + 5, o + 7);               \
	RCE(o + 0, o + 1); RCE(o + 2, o + 3); RCE(o + 4, o + 5); RCE(o + 6, o + 7)

#define SORT8_AT(RCE, o)                                                                          \
	RCE(o + 0, o + 1); RCE(o + 2, o + 3); RCE(o + 4, o + 5); RCE(o + 6, o + 7);               \
	RCE(o + 0, o + 3); RCE(o + 1, o + 2); RCE(o + 4, o + 7); RCE(o + 5, o + 6);               \
	RCE(o + 0, o + 1); RCE(o + 2, o + 3); RCE(o + 4, o + 5); RCE(o + 6, o + 7);               \
	RCE(o + 0, o + 7); RCE(o + 1, o + 6); RCE(o + 2, o + 5); RCE(o + 3, o + 4);               \
	RCE(o + 0, o + 2); RCE(o + 1, o + 3); RCE(o + 4, o + 6); RCE(o + 5, o + 7);               \
	RCE(o + 0, o + 1); RCE(o + 2, o + 3); RCE(o + 4, o + 5); RCE(o + 6, o + 7)

#define CLEAN8(RCE) CLEAN8_AT(RCE, 0)
#define SORT8(RCE) SORT8_AT(RCE, 0)

/* The same for groups of 16 (strides 8 and below), when 32 registers hold
 * them: AVX-512. */
#define CLEAN16(RCE)                                                                              \
	RCE(0, 8); RCE(1, 9); RCE(2, 10); RCE(3, 11);                                             \
	RCE(4, 12); RCE(5, 13); RCE(6, 14); RCE(7, 15);                                           \
	CLEAN8_AT(RCE, 0);                                                                        \
	CLEAN8_AT(RCE, 8)

#define SORT16(RCE)                                                                               \
	SORT8_AT(RCE, 0);                                                                         \
	SORT8_AT(RCE, 8);                                                                         \
	RCE(0, 15); RCE(1, 14); RCE(2, 13); RCE(3, 12);                                           \
	RCE(4, 11); RCE(5, 10); RCE(6, 9); RCE(7, 8);                                             \
	CLEAN8_AT(RCE, 0);                                                                        \
	CLEAN8_AT(RCE, 8)

/* Bitonic sort of npad lane vectors, every comparator ascending: each merge
 * first compares mirrored positions of the two sorted halves, then runs
 * half-cleaners of decreasing stride.  Strides below G act on groups of G
 * vectors held in registers, REG(..., g, full) sorting the group at g
 * (full) or ending a merge there; the rest go through memory,
 * CE(..., a, b); "..." are the arrays both take.  npad >= G; with G = 1
 * and NO_REG everything goes through memory. */
#define BITONIC(G, CE, REG, ...)                                                                  \
	do {                                                                                      \
		for (int g = 0; g < npad; g += G)                                                 \
			REG(__VA_ARGS__, g, 1);                                                   \
		for (int kk = 2 * G; kk <= npad; kk <<= 1) {                                      \
			for (int blk = 0; blk < npad; blk += kk)                                  \
				for (int i = 0; i < kk / 2; i++)                                  \
					CE(__VA_ARGS__, blk + i, blk + kk - 1 - i);               \
			for (int j = kk >> 2; j >= G; j >>= 1)                                    \
				for (int blk = 0; blk < npad; blk += 2 * j)                       \
					for (int i = blk; i < blk + j; i++)                       \
						CE(__VA_ARGS__, i, i + j);                        \
			for (int g = 0; g < npad; g += G)                                         \
				REG(__VA_ARGS__, g, 0);                                           \
		}                                                                                 \
	} while (0)
#define NO_REG(...) ((void)0)

/* Defines name(K, g, full): the G lane vectors of kind V (elements T) at
 * K + LANES * g loaded into registers, sorted (full) or through the strides
 * below G that end a merge, and stored back. */
#define REG_GROUP(name, tgt, V, T, G)                                                             \
	tgt static inline void name(T *K, int g, int full)                                        \
	{                                                                                         \
		V##_T k[G];                                                                       \
		_Pragma("GCC unroll 16") for (int i = 0; i < G; i++)                              \
			k[i] = V##_LD(K + LANES * (g + i));                                       \
		if (full) {                                                                       \
			SORT##G(RCE_##V);                                                         \
		} else {                                                                          \
			CLEAN##G(RCE_##V);                                                        \
		}                                                                                 \
		_Pragma("GCC unroll 16") for (int i = 0; i < G; i++)                              \
			V##_ST(K + LANES * (g + i), k[i]);                                        \
	}

REG_GROUP(reg_k, TGT, K32, int32_t, 8)
/* AVX-512VL gives 256-bit vectors 32 registers, so groups of 16 of them. */
REG_GROUP(reg_k16, TGT512VL, K32, int32_t, 16)
REG_GROUP(reg_q, TGT512, Q64, int64_t, 8)
REG_GROUP(reg_q16, TGT512, Q64, int64_t, 16)

/* reg_k with the positions I following the keys. */
TGT static inline void reg_ki(int32_t *K, int32_t *I, int g, int full)
{
	__m256i k[8], ix[8];
#pragma GCC unroll 8
	for (int i = 0; i < 8; i++) {
		k[i] = LD(K + LANES * (g + i));
		ix[i] = LD(I + LANES * (g + i));
	}
	if (full) {
		SORT8(RCE_KI);
	} else {
		CLEAN8(RCE_KI);
	}
#pragma GCC unroll 8
	for (int i = 0; i < 8; i++) {
		ST(K + LANES * (g + i), k[i]);
		ST(I + LANES * (g + i), ix[i]);
	}
}

/* The network on a block of npad lane vectors: keys K alone, keys K and
 * positions I, key-and-position lanes Q, and keys alone in groups of 16
 * (AVX-512VL; npad >= 16). */
TGT static void network_sort_k(int32_t *K, int npad)
{
	if (npad < 8)
		BITONIC(1, CE_K, NO_REG, K);
	else
		BITONIC(8, CE_K, reg_k, K);
}

TGT static void network_sort_ki(int32_t *K, int32_t *I, int npad)
{
	if (npad < 8)
		BITONIC(1, CE_KI, NO_REG, K, I);
	else
		BITONIC(8, CE_KI, reg_ki, K, I);
}

TGT512 static void network_sort_q(int64_t *Q, int npad)
{
	if (npad >= 16)
		BITONIC(16, CE_Q, reg_q16, Q);
	else if (npad >= 8)
		BITONIC(8, CE_Q, reg_q, Q);
	else
		BITONIC(1, CE_Q, NO_REG, Q);
}

TGT512VL static void network_sort_k16(int32_t *K, int npad)
{
	BITONIC(16, CE_K, reg_k16, K);
}

/* The 8 row pointers of a block of rows rows at x, rows past the end
 * repeating row 0. */
static inline void block_rows(const float *x, int rows, int n, const float **xr)
{
#pragma GCC unroll 8
	for (int r = 0; r < LANES; r++)
		xr[r] = x + (size_t)(r < rows ? r : 0) * n;
}

/* The signed keys of columns j0 to j0 + 7 of the block's rows xr plus
 * bias (if not NULL), transposed: k[c] holds column j0 + c of the 8 rows. */
TGT static inline void column_keys8(const float *const *xr, const float *bias, int j0, __m256i *k)
{
	__m256 v[LANES];
#pragma GCC unroll 8
	for (int r = 0; r < LANES; r++)
		v[r] = _mm256_loadu_ps(xr[r] + j0);
	if (bias) {
		/* Only when there is a bias: adding 0 would turn -0 into +0. */
		__m256 bv = _mm256_loadu_ps(bias + j0);
#pragma GCC unroll 8
		for (int r = 0; r < LANES; r++)
			v[r] = _mm256_add_ps(v[r], bv);
	}
	transpose8(v);
#pragma GCC unroll 8
	for (int c = 0; c < 8; c++)
		k[c] = skey8(v[c]);
}

/* The same for the one column j. */
TGT static inline __m256i column_key(const float *const *xr, const float *bias, int j)
{
	__m256 v = _mm256_setr_ps(xr[0][j], xr[1][j], xr[2][j], xr[3][j], xr[4][j], xr[5][j],
				  xr[6][j], xr[7][j]);
	if (bias)
		v = _mm256_add_ps(v, _mm256_set1_ps(bias[j]));
	return skey8(v);
}

/* Defines name(x, bias, rows, n, K): the signed keys of the up to 8 rows
 * at x plus bias (if not NULL) into the lane vectors of kind V at K, column
 * j at K + LANES * j made LANE(keys, j), and past n the largest key up to
 * pow2_at_least(n) columns. */
#define BLOCK_KEYS(name, tgt, V, T, LANE)                                                         \
	tgt static inline void name(const float *x, const float *bias, int rows, int n, T *K)     \
	{                                                                                         \
		int n8 = n & ~7, npad = pow2_at_least(n);                                         \
		const float *xr[LANES];                                                           \
		block_rows(x, rows, n, xr);                                                       \
		for (int j0 = 0; j0 < n8; j0 += 8) {                                              \
			__m256i k[LANES];                                                         \
			column_keys8(xr, bias, j0, k);                                            \
			_Pragma("GCC unroll 8") for (int c = 0; c < 8; c++)                       \
				V##_ST(K + LANES * (j0 + c), LANE(k[c], j0 + c));                 \
		}                                                                                 \
		for (int j = n8; j < n; j++)                                                      \
			V##_ST(K + LANES * j, LANE(column_key(xr, bias, j), j));                  \
		for (int j = n; j < npad; j++)                                                    \
			V##_ST(K + LANES * j, LANE(_mm256_set1_epi32(INT32_MAX), j));             \
	}

/* Keys alone, and keys k of 8 rows with their position j, key in the high
 * half (AVX-512, see network64_block). */
#define KEY_LANES32(k, j) (k)
TGT512 static inline __m512i key_lanes64(__m256i k, int j)
{
	__m512i q = _mm512_slli_epi64(_mm512_cvtepi32_epi64(k), 32);
	return _mm512_or_si512(q, _mm512_set1_epi64(j));
}

BLOCK_KEYS(block_keys32, TGT, K32, int32_t, KEY_LANES32)
BLOCK_KEYS(block_keys64, TGT512, Q64, int64_t, key_lanes64)

/* 8 positions p narrowed to 16 bits, stored at perm. */
TGT static inline void store_perm8(uint16_t *perm, __m256i p)
{
	__m128i p16 = _mm_packus_epi32(_mm256_castsi256_si128(p), _mm256_extracti128_si256(p, 1));
	_mm_storeu_si128((__m128i *)perm, p16);
}

/* Up to 8 rows starting at x: keys (and positions) into lane layout, sort,
 * and back.  wide: sort values in groups of 16 registers (AVX-512VL). */
TGT static void network_block(const float *x, const float *bias, int rows, int n, float *y,
			      uint16_t *perm, int32_t *K, int32_t *I, void *rw, int wide)
{
	int npad = pow2_at_least(n);
	int n8 = n & ~7;
	block_keys32(x, bias, rows, n, K);
	if (!perm) {
		if (wide && npad >= 16)
			network_sort_k16(K, npad);
		else
			network_sort_k(K, npad);
	} else {
		for (int j = 0; j < npad; j++)
			ST(I + LANES * j, _mm256_set1_epi32(j));
		network_sort_ki(K, I, npad);
	}

	/* Lanes in which two neighbours are equal: their positions may be out
	 * of input order, so those rows are redone below. */
	int ties = 0;
	if (perm) {
		__m256i prev = LD(K);
		for (int j = 1; j < npad; j++) {
			__m256i cur = LD(K + LANES * j);
			ties |= _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(prev, cur)));
			prev = cur;
		}
		ties &= (1 << rows) - 1;
	}

	for (int j0 = 0; j0 < n8; j0 += 8) {
		__m256 v[LANES];
#pragma GCC unroll 8
		for (int c = 0; c < 8; c++)
			v[c] = _mm256_castsi256_ps(skey8(_mm256_castsi256_ps(LD(K + LANES * (j0 + c)))));
		transpose8(v);
		for (int r = 0; r < rows; r++)
			_mm256_storeu_ps(y + (size_t)r * n + j0, v[r]);
		if (perm) {
#pragma GCC unroll 8
			for (int c = 0; c < 8; c++)
				v[c] = _mm256_castsi256_ps(LD(I + LANES * (j0 + c)));
			transpose8(v);
#pragma GCC unroll 8
			for (int r = 0; r < rows; r++)
				store_perm8(perm + (size_t)r * n + j0, _mm256_castps_si256(v[r]));
		}
	}
	for (int j = n8; j < n; j++) {
		for (int r = 0; r < rows; r++) {
			uint32_t k = (uint32_t)K[LANES * j + r] ^ 0x80000000u;
			y[(size_t)r * n + j] = key_to_float(k);
			if (perm)
				perm[(size_t)r * n + j] = (uint16_t)I[LANES * j + r];
		}
	}

	for (int r = 0; r < rows; r++) {
		if (!(ties >> r & 1))
			continue;
		/* Rebuild the row from the (key, position) pairs, then sort it
		 * stably. */
		float *z = (float *)((char *)rw + 2 * align32((size_t)n * 4) + 2 * align32((size_t)n * 2));
		for (int j = 0; j < npad; j++) {
			int32_t i = I[LANES * j + r];
			if (i < n)
				z[i] = key_to_float((uint32_t)K[LANES * j + r] ^ 0x80000000u);
		}
		radix_row(z, 0, n, y + (size_t)r * n, perm + (size_t)r * n, rw);
	}
}

/* AVX-512: a key and its position share one 64-bit lane, key in the high
 * half.  Signed 64-bit order is then the order of (value, position), so
 * min/max alone sort stably: no blends and no tie repair, and the rows
 * with positions cost what rows without them cost in the AVX2 network. */
TGT512 static void network64_block(const float *x, const float *bias, int rows, int n, float *y,
				   uint16_t *perm, int64_t *Q)
{
	int npad = pow2_at_least(n);
	int n8 = n & ~7;
	block_keys64(x, bias, rows, n, Q);
	network_sort_q(Q, npad);

	for (int j0 = 0; j0 < n8; j0 += 8) {
		__m256 v[LANES], p[LANES];
#pragma GCC unroll 8
		for (int c = 0; c < 8; c++) {
			__m512i q = Q64_LD(Q + LANES * (j0 + c));
			__m256i k = _mm512_cvtepi64_epi32(_mm512_srai_epi64(q, 32));
			v[c] = _mm256_castsi256_ps(skey8(_mm256_castsi256_ps(k)));
			p[c] = _mm256_castsi256_ps(_mm512_cvtepi64_epi32(q));
		}
		transpose8(v);
		transpose8(p);
#pragma GCC unroll 8
		for (int r = 0; r < rows; r++) {
			_mm256_storeu_ps(y + (size_t)r * n + j0, v[r]);
			store_perm8(perm + (size_t)r * n + j0, _mm256_castps_si256(p[r]));
		}
	}
	for (int j = n8; j < n; j++)
		for (int r = 0; r < rows; r++) {
			uint64_t q = (uint64_t)Q[LANES * j + r];
			y[(size_t)r * n + j] = key_to_float((uint32_t)(q >> 32) ^ 0x80000000u);
			perm[(size_t)r * n + j] = (uint16_t)(q & 0xffff);
		}
}

/* 0 portable, 1 AVX2, 2 AVX-512.  OCSDF_CPU=avx2 or generic caps it, for
 * tools that do not emulate AVX-512 (valgrind) and to test every path on
 * one machine. */
static int cpu_level(void)
{
	static int known = -1;
	if (known < 0) {
		const char *cap = getenv("OCSDF_CPU");
		__builtin_cpu_init();
		int avx2 = __builtin_cpu_supports("avx2");
		known = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
				? 2
				: avx2;
		if (cap && strcmp(cap, "generic") == 0)
			known = 0;
		else if (cap && strcmp(cap, "avx2") == 0 && known > 1)
			known = 1;
	}
	return known;
}

static void network_rows(const float *x, const float *bias, int B, int n, float *y, uint16_t *perm,
			 void *work, int wide)
{
	int npad = pow2_at_least(n);
	int32_t *K = work;
	int32_t *I = K + (size_t)npad * LANES;
	void *rw = (char *)work + network_bytes(n);
	for (int r0 = 0; r0 < B; r0 += LANES) {
		int rows = B - r0 < LANES ? B - r0 : LANES;
		network_block(x + (size_t)r0 * n, bias, rows, n, y + (size_t)r0 * n,
			      perm ? perm + (size_t)r0 * n : 0, K, I, rw, wide);
	}
}

static void network64_rows(const float *x, const float *bias, int B, int n, float *y,
			   uint16_t *perm, void *work)
{
	for (int r0 = 0; r0 < B; r0 += LANES) {
		int rows = B - r0 < LANES ? B - r0 : LANES;
		network64_block(x + (size_t)r0 * n, bias, rows, n, y + (size_t)r0 * n,
				perm + (size_t)r0 * n, work);
	}
}

#else

static int cpu_level(void)
{
	return 0;
}

static void network_rows(const float *x, const float *bias, int B, int n, float *y, uint16_t *perm,
			 void *work, int wide)
{
	(void)wide;
	radix_rows(x, bias, B, n, y, perm, (char *)work + network_bytes(n));
}

static void network64_rows(const float *x, const float *bias, int B, int n, float *y,
			   uint16_t *perm, void *work)
{
	radix_rows(x, bias, B, n, y, perm, (char *)work + network_bytes(n));
}

#endif

int ocsdf_sort_act_has_simd(void)
{
	return cpu_level() > 0;
}

int ocsdf_sort_act_available(int algo)
{
	switch (algo) {
	case OCSDF_SORT_AUTO:
	case OCSDF_SORT_RADIX:
		return 1;
	case OCSDF_SORT_NETWORK:
		return cpu_level() >= 1;
	case OCSDF_SORT_NETWORK64:
		return cpu_level() >= 2;
	default:
		return 0;
	}
}

void ocsdf_fullsort(int algo, const float *x, const float *bias, int B, int n, float *y,
		    uint16_t *perm, void *work)
{
	if (B <= 0 || n <= 0)
		return;
	int level = cpu_level();
	if (algo == OCSDF_SORT_AUTO)
		algo = level >= 2 ? OCSDF_SORT_NETWORK64 : OCSDF_SORT_NETWORK;
	/* Without the instructions, fall back a level. */
	if (algo == OCSDF_SORT_NETWORK64 && level < 2)
		algo = OCSDF_SORT_NETWORK;
	if (algo == OCSDF_SORT_NETWORK && level < 1)
		algo = OCSDF_SORT_RADIX;
	/* Without positions the AVX-512 path keeps 32-bit lanes (half the
	 * memory of key-and-position lanes) and only gains registers. */
	if (algo == OCSDF_SORT_NETWORK64 && perm)
		network64_rows(x, bias, B, n, y, perm, work);
	else if (algo == OCSDF_SORT_NETWORK64 || algo == OCSDF_SORT_NETWORK)
		network_rows(x, bias, B, n, y, perm, work, algo == OCSDF_SORT_NETWORK64);
	else
		radix_rows(x, bias, B, n, y, perm, (char *)work + network_bytes(n));
}

/* Inference (no permutation kept): min and max without a branch on the
 * comparison, which pairs in random order mispredict half the time (a
 * quarter of scoring's time went there).  Only the sign of a zero from a
 * pair of equal values can differ from the branchy form below. */
/*
 * GroupSort-2 on B rows of n features (n even), each pair (a, b) to its
 * (min, max).  With perm (training), ties and NaN keep the pair's order
 * and perm says where each output came from; in evaluation (no perm, a
 * bias), the
 * outputs are b < a ? b : a and a < b ? b : a, as the scorer's lanes
 * compute them (score.c), so both give the same bits.  Two pairs at a
 * time in SSE2 lanes: with the pairs in v and swapped in w, min(w, v) is
 * b < a ? b : a, max(v, w) is a > b ? a : b and max(w, v) is b > a ? b : a,
 * lane for lane the scalar expressions.
 */
static void groupsort2(const float *x, const float *bias, int B, int n, float *y, uint16_t *perm)
{
	const int eval = !perm && bias;
	for (int r = 0; r < B; r++) {
		const float *xr = x + (size_t)r * n;
		float *yr = y + (size_t)r * n;
		uint16_t *pr = perm ? perm + (size_t)r * n : NULL;
		int i = 0;
#if OCSDF_SORT_X86 && defined(__SSE2__)
		for (; i + 4 <= n; i += 4) {
			__m128 v = _mm_loadu_ps(xr + i);
			if (bias)
				v = _mm_add_ps(v, _mm_loadu_ps(bias + i));
			__m128 w = _mm_shuffle_ps(v, v, _MM_SHUFFLE(2, 3, 0, 1));
			__m128 lo = _mm_min_ps(w, v), hi = eval ? _mm_max_ps(w, v) : _mm_max_ps(v, w);
			__m128 t = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
			_mm_storeu_ps(yr + i, _mm_shuffle_ps(t, t, _MM_SHUFFLE(3, 1, 2, 0)));
			if (pr) {
				int m = _mm_movemask_ps(_mm_cmpgt_ps(v, w));
				int s0 = m & 1, s1 = m >> 2 & 1;
				pr[i] = (uint16_t)(i + s0);
				pr[i + 1] = (uint16_t)(i + 1 - s0);
				pr[i + 2] = (uint16_t)(i + 2 + s1);
				pr[i + 3] = (uint16_t)(i + 3 - s1);
			}
		}
#endif
		for (; i < n; i += 2) {
			float a = xr[i], b = xr[i + 1];
			if (bias) {
				a += bias[i];
				b += bias[i + 1];
			}
			if (eval) {
				yr[i] = b < a ? b : a;
				yr[i + 1] = a < b ? b : a;
				continue;
			}
			int s = a > b;
			yr[i] = s ? b : a;
			yr[i + 1] = s ? a : b;
			if (pr) {
				pr[i] = (uint16_t)(i + s);
				pr[i + 1] = (uint16_t)(i + 1 - s);
			}
		}
	}
}

void ocsdf_sort_act_forward(int act, const float *x, const float *bias, int B, int n, float *y,
			    uint16_t *perm, void *work)
{
	if (act == OCSDF_ACT_GROUPSORT2)
		groupsort2(x, bias, B, n, y, perm);
	else
		ocsdf_fullsort(OCSDF_SORT_AUTO, x, bias, B, n, y, perm, work);
}

void ocsdf_sort_act_backward(const float *dy, const uint16_t *perm, int B, int n, float *dx,
			     float *dbias)
{
	for (int r = 0; r < B; r++) {
		const float *g = dy + (size_t)r * n;
		const uint16_t *p = perm + (size_t)r * n;
		float *d = dx + (size_t)r * n;
		for (int j = 0; j < n; j++)
			d[p[j]] = g[j];
		if (dbias)
			for (int j = 0; j < n; j++)
				dbias[j] += d[j];
	}
}
