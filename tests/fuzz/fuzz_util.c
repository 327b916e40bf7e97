/* fuzz_util.c: helpers shared by the fuzz targets (see fuzz.h). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

void fuzz_fix_crc(uint8_t *p, size_t n)
{
	uint32_t crc = (uint32_t)crc32_z(crc32_z(0, NULL, 0), p, n - 4);
	for (int i = 0; i < 4; i++)
		p[n - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
}

const char *fuzz_memfile(const void *data, size_t len)
{
	static int fd = -1;
	static char path[64];
	const char *p = data;
	if (fd < 0) {
		fd = memfd_create("ocsdf-fuzz", 0);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0) {
		perror("ftruncate");
		abort();
	}
	for (size_t off = 0; off < len;) {
		ssize_t k = pwrite(fd, p + off, len - off, (off_t)off);
		if (k <= 0) {
			perror("pwrite");
			abort();
		}
		off += (size_t)k;
	}
	return path;
}
