/*
 * csv.h: streaming CSV input and output for every ocsdf program.
 *
 * Input comes from a file or standard input ("-" or NULL), gzip-compressed
 * or not (detected by its magic bytes), with LF or CRLF line ends, an
 * optional UTF-8 byte order mark and RFC 4180 quoting.  The first record is
 * a header; its names are kept.  Rows are delivered in blocks: the selected
 * numeric columns as a contiguous row-major matrix of doubles, the selected
 * text columns as strings, and (on request) each record's raw bytes so a
 * program can pass the row through unchanged and append a column.
 *
 * Numbers are strict: a numeric field must be a complete finite decimal
 * number (leading/trailing blanks allowed); anything else is an error that
 * names the file, line, column and the offending text.  Limits on field
 * length, record length and column count turn hostile input into errors
 * instead of unbounded allocations.
 */
#ifndef OCSDF_CSV_H
#define OCSDF_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "errors.h"

#define OCSDF_CSV_MAX_COLUMNS 1000000
#define OCSDF_CSV_MAX_FIELD (1 << 20)     /* bytes in one field */
#define OCSDF_CSV_MAX_RECORD (64 << 20)   /* bytes in one record */

typedef struct ocsdf_csv_reader ocsdf_csv_reader;

/* One block of rows; owned by the reader, valid until the next call. */
typedef struct ocsdf_csv_block {
	int nrows;
	double *num;          /* nrows x n_num selected numeric values */
	const char **text;    /* nrows x n_text selected text fields */
	const char **raw;     /* nrows raw records without line end (keep_raw) */
	const size_t *raw_len;
	const long *line;     /* line number (1-based) where each row starts */
} ocsdf_csv_block;

/* Opens path (NULL or "-": stdin) and reads the header.  An input with no
 * header is an error (65).  Returns 0, 65 or 66 with e set. */
int ocsdf_csv_open(const char *path, ocsdf_csv_reader **out, ocsdf_error *e);
void ocsdf_csv_close(ocsdf_csv_reader *r);

/* Name shown in messages ("standard input" for stdin). */
const char *ocsdf_csv_filename(const ocsdf_csv_reader *r);
int ocsdf_csv_ncols(const ocsdf_csv_reader *r);
const char *ocsdf_csv_colname(const ocsdf_csv_reader *r, int col);   /* 0-based */
/* The header record's raw bytes (without line end), for pass-through. */
const char *ocsdf_csv_header_raw(const ocsdf_csv_reader *r, size_t *len);

/* Finds a column by name, or by 1-based index if spec is all digits and no
 * column has that name.  Returns 0 with *col (0-based), or 64 with a
 * message listing the available names. */
int ocsdf_csv_find(const ocsdf_csv_reader *r, const char *spec, int *col, ocsdf_error *e);

/* Chooses what blocks carry: numeric columns num_cols[0..n_num), text
 * columns text_cols[0..n_text), raw records if keep_raw.  Call once before
 * the first block.  Returns 0 or 70 (out of memory). */
int ocsdf_csv_select(ocsdf_csv_reader *r, const int *num_cols, int n_num, const int *text_cols,
		     int n_text, int keep_raw, ocsdf_error *e);

/* Reads up to max_rows rows into *b.  Returns 0 (b->nrows == 0 at the end of
 * the input), or 65 (bad data), 74 (read error, truncated gzip) with e set. */
int ocsdf_csv_next(ocsdf_csv_reader *r, int max_rows, ocsdf_csv_block *b, ocsdf_error *e);

/* Parses a whole field as a strict finite number: 0 or -1. */
int ocsdf_csv_parse_number(const char *s, size_t len, double *out);

/* Output helpers.  Fields are quoted only when they must be. */
void ocsdf_csv_put_field(FILE *fp, const char *s, size_t len);
void ocsdf_csv_put_float(FILE *fp, float v);    /* %.9g: reads back exactly */
void ocsdf_csv_put_double(FILE *fp, double v);  /* %.17g */

#endif
