/*
 * test_gzread.c: plain or gzip bytes from a file descriptor (lib/gzread.c).
 *
 * The text must come out the same whatever the input (plain, one gzip
 * member, several) and however small the reads; the magic must be found
 * when a pipe delivers it byte by byte; a cut anywhere in a member is a
 * truncation found once the whole input is consumed, bytes after a member
 * that are not another member are corrupt, and a failing read(2) says its
 * errno.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "gzread.h"

#define REQUIRE(cond, ...)                      \
	do {                                    \
		if (!(cond))                    \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

static unsigned char *gzip(const void *data, size_t len, size_t *out_len)
{
	z_stream z = {0};
	size_t cap = compressBound((uLong)len) + 64;
	unsigned char *out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* A descriptor reading bytes[0..n): a pipe fed by a child, which writes
 * the first `first` bytes alone, then the rest. */
static int feed(const void *bytes, size_t n, size_t first)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *b = bytes;
		close(p[0]);
		for (size_t k = 0; k < n && k < first; k++) {
			if (write(p[1], b + k, 1) != 1)
				_exit(1);
			usleep(2000);
		}
		if (n > first && write(p[1], b + first, n - first) != (ssize_t)(n - first))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static void reap(void)
{
	int st;
	while (wait(&st) > 0)
		;
}

typedef struct got {
	char *text;
	size_t len;
	ssize_t last;              /* 0 at the end, -1 on failure */
	int gz;
	ocsdf_gzread_failure why;
} got;

/* Everything fd gives, read room bytes at a time; closes fd. */
static got read_all(int fd, size_t room)
{
	got g = {NULL, 0, 0, 0, {0, 0, NULL, 0, 0}};
	ocsdf_gzread *r = ocsdf_gzread_new();
	ck_assert_ptr_nonnull(r);
	if (ocsdf_gzread_start(r, fd, &g.why)) {
		g.last = -1;
		ocsdf_gzread_free(r);
		close(fd);
		return g;
	}
	g.gz = ocsdf_gzread_is_gzip(r);
	size_t cap = 1 << 16;
	g.text = malloc(cap + room);
	for (;;) {
		if (g.len + room > cap) {
			cap *= 2;
			g.text = realloc(g.text, cap + room);
		}
		ck_assert_ptr_nonnull(g.text);
		g.last = ocsdf_gzread_read(r, g.text + g.len, room, &g.why);
		if (g.last <= 0)
			break;
		REQUIRE((size_t)g.last <= room, "read %zd bytes into %zu", g.last, room);
		g.len += (size_t)g.last;
	}
	ocsdf_gzread_free(r);
	close(fd);
	return g;
}

static char *sample_text(size_t *n)
{
	size_t cap = 200000, k = 0;
	char *t = malloc(cap);
	ck_assert_ptr_nonnull(t);
	for (int i = 0; k + 64 < cap; i++)
		k += (size_t)snprintf(t + k, cap - k, "%d,%d.%03d,row %d\n", i, i * 7 % 1000, i % 1000, i);
	*n = k;
	return t;
}

START_TEST(test_plain_and_gzip)
{
	size_t n, zn;
	char *text = sample_text(&n);
	unsigned char *z = gzip(text, n, &zn);
	unsigned char *two = malloc(2 * zn);
	memcpy(two, z, zn);
	memcpy(two + zn, z, zn);
	static const size_t rooms[] = {1, 7, 4096, 1 << 20};
	for (size_t k = 0; k < sizeof rooms / sizeof *rooms; k++) {
		size_t room = rooms[k];
		if (room == 1 && k == 0) {
			/* byte by byte is slow on 200 KB: a short prefix only */
			got g = read_all(feed(text, 3000, 0), 1);
			ck_assert(g.last == 0 && !g.gz && g.len == 3000 && !memcmp(g.text, text, 3000));
			free(g.text);
			continue;
		}
		got p = read_all(feed(text, n, 0), room);
		ck_assert(p.last == 0 && !p.gz);
		ck_assert(p.len == n && !memcmp(p.text, text, n));
		got g = read_all(feed(z, zn, 0), room);
		ck_assert(g.last == 0 && g.gz);
		ck_assert(g.len == n && !memcmp(g.text, text, n));
		got c = read_all(feed(two, 2 * zn, 0), room);
		ck_assert(c.last == 0 && c.gz);
		ck_assert(c.len == 2 * n && !memcmp(c.text, text, n) && !memcmp(c.text + n, text, n));
		free(p.text);
		free(g.text);
		free(c.text);
	}
	reap();
	free(text);
	free(z);
	free(two);
}
END_TEST

/* The magic arrives one byte at a time, and inputs shorter than it. */
START_TEST(test_magic_split)
{
	size_t n, zn;
	char *text = sample_text(&n);
	unsigned char *z = gzip(text, n, &zn);
	got g = read_all(feed(z, zn, 3), 4096);
	ck_assert(g.last == 0 && g.gz && g.len == n && !memcmp(g.text, text, n));
	free(g.text);
	g = read_all(feed("", 0, 0), 4096);
	ck_assert(g.last == 0 && !g.gz && g.len == 0);
	free(g.text);
	g = read_all(feed("\x1f", 1, 1), 4096);
	ck_assert(g.last == 0 && !g.gz && g.len == 1 && g.text[0] == 0x1f);
	free(g.text);
	reap();
	free(text);
	free(z);
}
END_TEST

/* A member cut anywhere after its magic: a truncation once all input is
 * consumed (a cut in the header or the trailer too), never text beyond
 * what was compressed.  (One byte of magic alone is plain text.) */
START_TEST(test_truncated)
{
	size_t n, zn;
	char *text = sample_text(&n);
	unsigned char *z = gzip(text, 20000, &zn);
	for (size_t cut = 2; cut < zn; cut += cut < 64 ? 1 : 97) {
		got g = read_all(feed(z, cut, 0), 8192);
		REQUIRE(g.last == -1 && g.why.kind == OCSDF_GZREAD_TRUNCATED, "cut at %zu: last %zd, kind %d",
			cut, g.last, g.why.kind);
		REQUIRE(g.why.at == cut, "cut at %zu: found at %llu", cut, g.why.at);
		REQUIRE(g.len <= 20000 && !memcmp(g.text, text, g.len), "cut at %zu: wrong text", cut);
		free(g.text);
		reap();
	}
	free(text);
	free(z);
}
END_TEST

/* What follows a member must be another member; a flipped byte inside one
 * is corrupt data, found within the bytes read. */
START_TEST(test_corrupt)
{
	size_t n, zn;
	char *text = sample_text(&n);
	unsigned char *z = gzip(text, n, &zn);
	unsigned char *junk = malloc(zn + 4);
	memcpy(junk, z, zn);
	memcpy(junk + zn, "junk", 4);
	got g = read_all(feed(junk, zn + 4, 0), 4096);
	ck_assert(g.last == -1 && g.why.kind == OCSDF_GZREAD_CORRUPT);
	ck_assert_ptr_nonnull(g.why.zmsg);
	ck_assert(g.len == n && !memcmp(g.text, text, n));
	ck_assert(g.why.at > zn && g.why.at <= zn + 4);
	free(g.text);

	z[zn / 2] ^= 0x55;
	g = read_all(feed(z, zn, 0), 4096);
	ck_assert(g.last == -1);
	/* a flip in the stored CRC or length, or one zlib takes for data */
	ck_assert(g.why.kind == OCSDF_GZREAD_CORRUPT);
	ck_assert(g.why.at <= zn);
	ck_assert(g.why.decoded <= 4096);
	free(g.text);
	reap();
	free(text);
	free(z);
	free(junk);
}
END_TEST

START_TEST(test_read_error)
{
	int fd = open(".", O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	got g = read_all(fd, 4096);
	ck_assert(g.last == -1 && g.why.kind == OCSDF_GZREAD_EREAD);
	ck_assert_int_eq(g.why.sys_errno, EISDIR);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gzread");
	TCase *tc = tcase_create("read");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_plain_and_gzip);
	tcase_add_test(tc, test_magic_split);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_corrupt);
	tcase_add_test(tc, test_read_error);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
