/*
 * rng.h: the project's seedable random generator (xoshiro256**, seeded by
 * splitmix64).  Same seed, same stream, on every machine.  Streams for
 * independent purposes are split off with ocsdf_rng_split so that adding
 * draws to one does not shift another.
 */
#ifndef OCSDF_RNG_H
#define OCSDF_RNG_H

#include <stdint.h>

typedef struct ocsdf_rng {
	uint64_t s[4];
} ocsdf_rng;

void ocsdf_rng_seed(ocsdf_rng *r, uint64_t seed);
/* A new generator seeded from r's stream and a purpose tag. */
ocsdf_rng ocsdf_rng_split(ocsdf_rng *r, uint64_t tag);
uint64_t ocsdf_rng_u64(ocsdf_rng *r);
/* Uniform in [0, 1) with 53 (double) or 24 (float) random bits. */
double ocsdf_rng_uniform(ocsdf_rng *r);
float ocsdf_rng_uniformf(ocsdf_rng *r);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t ocsdf_rng_below(ocsdf_rng *r, uint64_t n);
/* Standard normal (Box-Muller on 53-bit uniforms). */
double ocsdf_rng_normal(ocsdf_rng *r);
/* Fisher-Yates shuffle of idx[0..n). */
void ocsdf_rng_shuffle(ocsdf_rng *r, uint32_t *idx, uint32_t n);

#endif
