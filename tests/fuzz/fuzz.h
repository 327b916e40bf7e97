/*
 * fuzz.h: what the fuzz targets share: a check that crashes loudly (so
 * libFuzzer and the replay driver both count it as a finding), and an
 * in-memory file that the readers can open by name.
 */
#ifndef OCSDF_FUZZ_H
#define OCSDF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

_Noreturn void fuzz_fail(const char *file, int line, const char *what);

/* Stores in the last 4 bytes of p[0..n), n >= 4, the CRC-32 of the bytes
 * before them, as a model file does: mutations then reach the checks
 * behind the checksum. */
void fuzz_fix_crc(uint8_t *p, size_t n);

/* Replaces the contents of a memory-backed file and returns a path that
 * opens it ("/proc/self/fd/N"); the same file is reused between calls. */
const char *fuzz_memfile(const void *data, size_t len);

#endif
