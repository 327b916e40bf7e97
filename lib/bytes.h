/*
 * bytes.h: little-endian integers and IEEE floats in byte buffers, the
 * fields of the binary files the library writes and reads (the model
 * file, binary STL and PLY meshes), whatever the byte order of the CPU.
 * Inline, as the model loader decodes every weight through them.
 */
#ifndef OCSDF_BYTES_H
#define OCSDF_BYTES_H

#include <stdint.h>

/* Writes the low nbytes bytes of v at p, least significant first. */
static inline void ocsdf_bytes_put(unsigned char *p, uint64_t v, int nbytes)
{
	for (int i = 0; i < nbytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Returns the nbytes bytes at p read least significant first. */
static inline uint64_t ocsdf_bytes_get(const unsigned char *p, int nbytes)
{
	uint64_t v = 0;
	for (int i = nbytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* The 4- and 8-byte forms. */
static inline void ocsdf_bytes_put_u32(unsigned char *p, uint32_t v)
{
	ocsdf_bytes_put(p, v, 4);
}

static inline void ocsdf_bytes_put_u64(unsigned char *p, uint64_t v)
{
	ocsdf_bytes_put(p, v, 8);
}

static inline uint32_t ocsdf_bytes_get_u32(const unsigned char *p)
{
	return (uint32_t)ocsdf_bytes_get(p, 4);
}

static inline uint64_t ocsdf_bytes_get_u64(const unsigned char *p)
{
	return ocsdf_bytes_get(p, 8);
}

/* Floats travel as their IEEE bit patterns (a union reads them), so every
 * value (-0, NaN payloads) round-trips exactly: f written at p, and read
 * back. */
static inline void ocsdf_bytes_put_f32(unsigned char *p, float f)
{
	union { float f; uint32_t u; } b = {f};
	ocsdf_bytes_put_u32(p, b.u);
}

static inline void ocsdf_bytes_put_f64(unsigned char *p, double f)
{
	union { double f; uint64_t u; } b = {f};
	ocsdf_bytes_put_u64(p, b.u);
}

static inline float ocsdf_bytes_get_f32(const unsigned char *p)
{
	union { uint32_t u; float f; } b = {ocsdf_bytes_get_u32(p)};
	return b.f;
}

static inline double ocsdf_bytes_get_f64(const unsigned char *p)
{
	union { uint64_t u; double f; } b = {ocsdf_bytes_get_u64(p)};
	return b.f;
}

#endif
