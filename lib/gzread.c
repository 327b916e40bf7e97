/* gzread.c: plain or gzip bytes from a file descriptor (see gzread.h). */
#include "gzread.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

struct ocsdf_gzread {
	int fd;
	unsigned char *in;              /* input as read */
	size_t in_pos, in_len;
	unsigned long long in_total;    /* bytes read from fd */
	int in_eof;
	int gz, z_ready, z_member_end;
	z_stream z;
};

ocsdf_gzread *ocsdf_gzread_new(void)
{
	ocsdf_gzread *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->fd = -1;
	g->in = malloc(OCSDF_GZREAD_CHUNK);
	if (!g->in) {
		free(g);
		return NULL;
	}
	return g;
}

void ocsdf_gzread_free(ocsdf_gzread *g)
{
	if (!g)
		return;
	if (g->z_ready)
		inflateEnd(&g->z);
	free(g->in);
	free(g);
}

static int failed(ocsdf_gzread_failure *why, int kind, const ocsdf_gzread *g)
{
	memset(why, 0, sizeof *why);
	why->kind = kind;
	why->at = g->in_total - g->z.avail_in;
	return -1;
}

static ssize_t read_some(ocsdf_gzread *g, void *dst, size_t n, ocsdf_gzread_failure *why)
{
	ssize_t k;
	do
		k = read(g->fd, dst, n);
	while (k < 0 && errno == EINTR);
	if (k < 0) {
		int err = errno;
		failed(why, OCSDF_GZREAD_EREAD, g);
		why->sys_errno = err;
	} else {
		g->in_total += (unsigned long long)k;
	}
	return k;
}

/* Refills the input buffer; sets in_eof at the end.  0 or -1. */
static int read_input(ocsdf_gzread *g, ocsdf_gzread_failure *why)
{
	ssize_t k = read_some(g, g->in, OCSDF_GZREAD_CHUNK, why);
	if (k < 0)
		return -1;
	g->in_pos = 0;
	g->in_len = (size_t)k;
	g->in_eof = k == 0;
	return 0;
}

int ocsdf_gzread_start(ocsdf_gzread *g, int fd, ocsdf_gzread_failure *why)
{
	g->fd = fd;
	while (!g->in_eof && g->in_len < 2) {
		ssize_t k = read_some(g, g->in + g->in_len, OCSDF_GZREAD_CHUNK - g->in_len, why);
		if (k < 0)
			return -1;
		g->in_len += (size_t)k;
		g->in_eof = k == 0;
	}
	if (g->in_len >= 2 && g->in[0] == 0x1f && g->in[1] == 0x8b) {
		g->gz = 1;
		if (inflateInit2(&g->z, 15 + 16) != Z_OK)
			return failed(why, OCSDF_GZREAD_NOMEM, g);
		g->z_ready = 1;
		g->z.next_in = g->in;
		g->z.avail_in = (uInt)g->in_len;
		g->in_pos = g->in_len = 0;
	}
	return 0;
}

int ocsdf_gzread_is_gzip(const ocsdf_gzread *g)
{
	return g->gz;
}

/* Plain input: what is buffered from the start, then reads straight into
 * dst. */
static ssize_t read_plain(ocsdf_gzread *g, char *dst, size_t room, ocsdf_gzread_failure *why)
{
	if (g->in_pos < g->in_len) {
		size_t n = g->in_len - g->in_pos < room ? g->in_len - g->in_pos : room;
		memcpy(dst, g->in + g->in_pos, n);
		g->in_pos += n;
		return (ssize_t)n;
	}
	if (g->in_eof)
		return 0;
	ssize_t k = read_some(g, dst, room, why);
	if (k == 0)
		g->in_eof = 1;
	return k;
}

ssize_t ocsdf_gzread_read(ocsdf_gzread *g, char *dst, size_t room, ocsdf_gzread_failure *why)
{
	if (!g->gz)
		return read_plain(g, dst, room, why);

	z_stream *z = &g->z;
	for (;;) {
		if (z->avail_in == 0 && !g->in_eof) {
			if (read_input(g, why))
				return -1;
			z->next_in = g->in;
			z->avail_in = (uInt)g->in_len;
		}
		if (g->z_member_end) {
			if (z->avail_in == 0)
				return 0;
			inflateReset(z);
			g->z_member_end = 0;
		}
		if (z->avail_in == 0)
			return failed(why, OCSDF_GZREAD_TRUNCATED, g);
		z->next_out = (unsigned char *)dst;
		z->avail_out = (uInt)(room < UINT_MAX ? room : UINT_MAX);
		int ret = inflate(z, Z_NO_FLUSH);
		size_t got = (size_t)((unsigned char *)z->next_out - (unsigned char *)dst);
		if (ret == Z_STREAM_END) {
			g->z_member_end = 1;
		} else if (ret == Z_MEM_ERROR) {
			return failed(why, OCSDF_GZREAD_NOMEM, g);
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			failed(why, OCSDF_GZREAD_CORRUPT, g);
			why->zmsg = z->msg;
			why->decoded = got;
			return -1;
		}
		if (got)
			return (ssize_t)got;
	}
}
