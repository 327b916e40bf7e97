/*
 * bench_csv.c: how fast the CSV reader turns text into numbers.
 *
 * Generates a CSV of ROWS x 20 random numbers in a temporary file, twice:
 * with 9 significant digits (as %.9g prints float32, what the ocsdf programs
 * write) and with 17 (as %.17g or a shortest round-trip printer writes
 * doubles, like several ODDS files).  Each is also gzip-compressed (level
 * 1).  Every file is read through ocsdf_csv_next in blocks of 4096 rows with
 * all 20 columns selected as numbers; the best of REPEAT runs is reported in
 * MB of CSV text per second, by wall clock and by CPU time (the second is
 * what the code costs when other jobs share the machine).  For reference it also times, once, libcsv
 * alone (field splitting with empty callbacks) and zlib alone (inflating).
 * A sample of rows is checked against strtod so a fast wrong parser cannot
 * pass unnoticed.
 *
 *   bench_csv [ROWS [REPEAT]]        defaults: 1000000 rows, best of 2
 */
#include <csv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "csv.h"

#define NCOLS 20
#define BLOCK 4096
#define SAMPLE 97   /* every SAMPLE-th row is checked against strtod */

static double clock_s(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU seconds of this process: unlike wall time, not inflated when other
 * jobs share the machine. */
static double cpu_now(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

typedef struct timing {
	double wall, cpu;
} timing;

static uint64_t rng = 0x243f6a8885a308d3u;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The temporary files, removed however the program ends. */
static char tmp_paths[2][256];

static void remove_tmp(void)
{
	for (int i = 0; i < 2; i++)
		if (tmp_paths[i][0])
			unlink(tmp_paths[i]);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Writes a random number with ndig significant digits in plain notation,
 * trailing zeros dropped, magnitude between 1e-4 and 1e4, the way %.Ng
 * prints such values.  Returns its length. */
static int put_number(char *out, int ndig)
{
	char d[20];
	int n = 0, k = 0;
	uint64_t r = next_rand();
	for (int i = 0; i < ndig; i++) {
		d[i] = (char)('0' + r % 10);
		r /= 10;
		if (r == 0)
			r = next_rand();
	}
	if (d[0] == '0')
		d[0] = '1' + (char)(next_rand() % 9);
	int point = (int)(next_rand() % 8) - 3;   /* digits before the point */
	if (next_rand() & 1)
		out[n++] = '-';
	if (point <= 0) {
		out[n++] = '0';
		out[n++] = '.';
		for (int i = 0; i < -point; i++)
			out[n++] = '0';
		for (; k < ndig; k++)
			out[n++] = d[k];
	} else {
		for (; k < point; k++)
			out[n++] = d[k];
		out[n++] = '.';
		for (; k < ndig; k++)
			out[n++] = d[k];
	}
	while (out[n - 1] == '0')
		n--;
	if (out[n - 1] == '.')
		n--;
	return n;
}

typedef struct dataset {
	char path[256], gzpath[256];
	double plain_mb, gz_mb;
	double *check;   /* strtod of every SAMPLE-th row */
	long nrows;
} dataset;

static void generate(dataset *ds, long rows, int ndig)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(ds->path, sizeof ds->path, "%s/bench-csv-XXXXXX", tmp);
	int fd = mkstemp(ds->path);
	if (fd < 0)
		die("mkstemp");
	memcpy(tmp_paths[0], ds->path, sizeof tmp_paths[0]);
	FILE *f = fdopen(fd, "wb");
	static char line[NCOLS * 32 + 8];
	size_t total = 0;
	ds->nrows = rows;
	ds->check = malloc((size_t)(rows / SAMPLE + 1) * NCOLS * sizeof *ds->check);
	if (!f || !ds->check)
		die("generate");
	for (int c = 0; c < NCOLS; c++)
		total += (size_t)fprintf(f, "%sx%d", c ? "," : "", c + 1);
	total += (size_t)fprintf(f, "\n");
	for (long i = 0; i < rows; i++) {
		int n = 0;
		for (int c = 0; c < NCOLS; c++) {
			int start = n + (c > 0);
			if (c)
				line[n++] = ',';
			n += put_number(line + n, ndig);
			if (i % SAMPLE == 0) {
				char tmpnum[32];
				memcpy(tmpnum, line + start, (size_t)(n - start));
				tmpnum[n - start] = '\0';
				ds->check[(i / SAMPLE) * NCOLS + c] = strtod(tmpnum, NULL);
			}
		}
		line[n++] = '\n';
		if (fwrite(line, 1, (size_t)n, f) != (size_t)n)
			die("write");
		total += (size_t)n;
	}
	if (fclose(f))
		die("close");
	ds->plain_mb = (double)total / 1e6;

	/* the gzip copy, streamed */
	snprintf(ds->gzpath, sizeof ds->gzpath, "%s/bench-csv-XXXXXX", tmp);
	fd = mkstemp(ds->gzpath);
	if (fd < 0)
		die("mkstemp");
	memcpy(tmp_paths[1], ds->gzpath, sizeof tmp_paths[1]);
	close(fd);
	FILE *in = fopen(ds->path, "rb");
	gzFile gz = gzopen(ds->gzpath, "wb1");
	static char buf[1 << 20];
	size_t k;
	if (!in || !gz)
		die("gzip");
	while ((k = fread(buf, 1, sizeof buf, in)) > 0)
		if (gzwrite(gz, buf, (unsigned)k) != (int)k)
			die("gzwrite");
	fclose(in);
	if (gzclose(gz) != Z_OK)
		die("gzclose");
	FILE *g = fopen(ds->gzpath, "rb");
	fseek(g, 0, SEEK_END);
	ds->gz_mb = (double)ftell(g) / 1e6;
	fclose(g);
}

/* Reads path through the reader. */
static timing time_reader(const char *path, const dataset *ds)
{
	ocsdf_csv_reader *r;
	ocsdf_csv_block b;
	ocsdf_error e;
	int cols[NCOLS];
	long row = 0, bad = 0;
	int rc;
	double t0 = now(), c0 = cpu_now();
	if (ocsdf_csv_open(path, &r, &e)) {
		fprintf(stderr, "bench_csv: %s\n", e.msg);
		exit(1);
	}
	for (int c = 0; c < NCOLS; c++)
		cols[c] = c;
	if (ocsdf_csv_select(r, cols, NCOLS, NULL, 0, 0, &e))
		exit(1);
	while ((rc = ocsdf_csv_next(r, BLOCK, &b, &e)) == 0 && b.nrows > 0) {
		long first = (row + SAMPLE - 1) / SAMPLE * SAMPLE;
		for (long i = first; i < row + b.nrows; i += SAMPLE)
			bad += memcmp(b.num + (i - row) * NCOLS, ds->check + (i / SAMPLE) * NCOLS,
				      NCOLS * sizeof(double)) != 0;
		row += b.nrows;
	}
	timing t = {now() - t0, cpu_now() - c0};
	if (rc || row != ds->nrows || bad) {
		fprintf(stderr, "bench_csv: %s: %ld rows, %ld sampled rows differ from strtod %s\n", path, row, bad,
			rc ? e.msg : "");
		exit(1);
	}
	ocsdf_csv_close(r);
	return t;
}

static long libcsv_fields;

static void count_field(void *s, size_t n, void *data)
{
	(void)s, (void)n, (void)data;
	libcsv_fields++;
}

/* libcsv alone over the plain file, read in 1 MiB chunks. */
static timing time_libcsv(const char *path)
{
	static char buf[1 << 20];
	struct csv_parser p;
	size_t k;
	double t0 = now(), c0 = cpu_now();
	FILE *f = fopen(path, "rb");
	csv_init(&p, CSV_STRICT | CSV_APPEND_NULL);
	while ((k = fread(buf, 1, sizeof buf, f)) > 0)
		csv_parse(&p, buf, k, count_field, NULL, NULL);
	csv_fini(&p, count_field, NULL, NULL);
	csv_free(&p);
	fclose(f);
	return (timing){now() - t0, cpu_now() - c0};
}

/* zlib alone: inflating the gzip file. */
static timing time_inflate(const char *path)
{
	static char buf[1 << 20];
	double t0 = now(), c0 = cpu_now();
	gzFile gz = gzopen(path, "rb");
	while (gzread(gz, buf, sizeof buf) > 0)
		;
	gzclose(gz);
	return (timing){now() - t0, cpu_now() - c0};
}

static timing best(const char *path, const dataset *ds, int repeat)
{
	timing t = {INFINITY, INFINITY};
	for (int i = 0; i < repeat; i++) {
		timing s = time_reader(path, ds);
		if (s.wall < t.wall)
			t.wall = s.wall;
		if (s.cpu < t.cpu)
			t.cpu = s.cpu;
	}
	return t;
}

static void report(int digits, const char *what, double csv_mb, double file_mb, timing t, const char *note)
{
	printf("| %d | %s | %.1f | %.1f | %.3f | %.1f | %.3f | %.1f | %s |\n", digits, what, csv_mb, file_mb, t.wall,
	       csv_mb / t.wall, t.cpu, csv_mb / t.cpu, note);
}

int main(int argc, char **argv)
{
	long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	int repeat = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2;
	static const int digits[] = {9, 17};
	double t_all = now();
	if (rows < 1 || repeat < 1) {
		fprintf(stderr, "usage: bench_csv [ROWS [REPEAT]]\n");
		return 64;
	}
	atexit(remove_tmp);
	printf("CSV parsing: %ld rows x %d numeric columns read through ocsdf_csv_next in blocks of %d rows, "
	       "best of %d runs; MB are of CSV text (uncompressed).\n\n",
	       rows, NCOLS, BLOCK, repeat);
	printf("| digits | input | CSV MB | file MB | wall s | MB/s | CPU s | CPU MB/s | what |\n");
	printf("|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (int k = 0; k < 2; k++) {
		dataset ds = {0};
		generate(&ds, rows, digits[k]);
		report(digits[k], "plain", ds.plain_mb, ds.plain_mb, best(ds.path, &ds, repeat), "the reader");
		report(digits[k], "gzip", ds.plain_mb, ds.gz_mb, best(ds.gzpath, &ds, repeat), "the reader");
		report(digits[k], "plain", ds.plain_mb, ds.plain_mb, time_libcsv(ds.path),
		       "reference: libcsv alone, no conversion");
		report(digits[k], "gzip", ds.plain_mb, ds.gz_mb, time_inflate(ds.gzpath),
		       "reference: zlib inflate alone");
		remove_tmp();
		free(ds.check);
	}
	printf("\nTotal run time %.1f s.\n", now() - t_all);
	return 0;
}
