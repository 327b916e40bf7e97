/* rng.c: xoshiro256** with splitmix64 seeding (see rng.h). */
#include "rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void ocsdf_rng_seed(ocsdf_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

ocsdf_rng ocsdf_rng_split(ocsdf_rng *r, uint64_t tag)
{
	ocsdf_rng out;
	ocsdf_rng_seed(&out, ocsdf_rng_u64(r) ^ (tag * 0xd1342543de82ef95ULL));
	return out;
}

uint64_t ocsdf_rng_u64(ocsdf_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double ocsdf_rng_uniform(ocsdf_rng *r)
{
	return (double)(ocsdf_rng_u64(r) >> 11) * 0x1.0p-53;
}

float ocsdf_rng_uniformf(ocsdf_rng *r)
{
	return (float)(ocsdf_rng_u64(r) >> 40) * 0x1.0p-24f;
}

uint64_t ocsdf_rng_below(ocsdf_rng *r, uint64_t n)
{
	/* Rejection keeps every value equally likely. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = ocsdf_rng_u64(r);
	while (x >= limit);
	return x % n;
}

double ocsdf_rng_normal(ocsdf_rng *r)
{
	double u1 = 1.0 - ocsdf_rng_uniform(r); /* in (0, 1] */
	double u2 = ocsdf_rng_uniform(r);
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

void ocsdf_rng_shuffle(ocsdf_rng *r, uint32_t *idx, uint32_t n)
{
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = (uint32_t)ocsdf_rng_below(r, i);
		uint32_t t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}
