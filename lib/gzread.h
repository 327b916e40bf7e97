/*
 * gzread.h: the bytes of a file descriptor, inflated on the fly when they
 * are gzip.
 *
 * Compression is detected by the gzip magic bytes at the start, never by a
 * file name.  Concatenated gzip members are one stream, as gzip -d reads
 * them; anything else after a member is corrupt data.  Reads are retried
 * on EINTR and the input is read in chunks of OCSDF_GZREAD_CHUNK bytes, so
 * memory stays constant whatever the input (a gzip bomb included).  The
 * reader reports why it failed and where, and leaves the words of the
 * message to its caller (csv.c says which line it was at).
 */
#ifndef OCSDF_GZREAD_H
#define OCSDF_GZREAD_H

#include <stddef.h>
#include <sys/types.h>

#define OCSDF_GZREAD_CHUNK (256 * 1024)   /* bytes per read(2) */

typedef struct ocsdf_gzread ocsdf_gzread;

/* Why a call failed. */
enum {
	OCSDF_GZREAD_EREAD = 1,   /* read(2) failed: sys_errno */
	OCSDF_GZREAD_NOMEM,       /* zlib ran out of memory */
	OCSDF_GZREAD_TRUNCATED,   /* the input ends inside a gzip member */
	OCSDF_GZREAD_CORRUPT      /* not valid gzip data: zmsg */
};

typedef struct ocsdf_gzread_failure {
	int kind;                  /* OCSDF_GZREAD_* */
	int sys_errno;             /* EREAD: errno of read(2) */
	const char *zmsg;          /* CORRUPT: zlib's words for it, or NULL */
	unsigned long long at;     /* TRUNCATED, CORRUPT: bytes of the compressed
	                            * input consumed when it was found */
	size_t decoded;            /* CORRUPT: bytes written to dst before it */
} ocsdf_gzread_failure;

/* A reader with its input buffer, not yet reading: NULL when out of
 * memory. */
ocsdf_gzread *ocsdf_gzread_new(void);
/* Frees g; the descriptor stays open (it is the caller's). */
void ocsdf_gzread_free(ocsdf_gzread *g);

/* Reads the first bytes of fd (two, for the magic; a pipe may deliver them
 * one by one) to tell gzip from plain bytes.  Returns 0, or -1 with *why
 * set (EREAD or NOMEM). */
int ocsdf_gzread_start(ocsdf_gzread *g, int fd, ocsdf_gzread_failure *why);

/* Whether the input is gzip (after ocsdf_gzread_start). */
int ocsdf_gzread_is_gzip(const ocsdf_gzread *g);

/* Up to room (>= 1) bytes of plain text into dst.  Returns how many (at
 * least 1), 0 at the end of the input, or -1 with *why set. */
ssize_t ocsdf_gzread_read(ocsdf_gzread *g, char *dst, size_t room, ocsdf_gzread_failure *why);

#endif
