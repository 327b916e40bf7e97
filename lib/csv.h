/*
 * csv.h: streaming CSV input and output for every ocsdf program.
 *
 * Input comes from a file or standard input ("-" or NULL), gzip-compressed
 * or not (detected by its magic bytes, never by the name; concatenated gzip
 * members are one stream), with LF or CRLF line ends, an optional UTF-8 byte
 * order mark and RFC 4180 quoting, parsed by libcsv in strict mode.  The
 * first record is a header; its names are kept.  Rows are delivered in
 * blocks: the selected numeric columns as a contiguous row-major matrix of
 * doubles, the selected text columns as strings, and (on request) each
 * record's raw bytes so a program can pass the row through unchanged and
 * append a column.
 *
 * What the reader accepts, exactly:
 * - Blanks (spaces, tabs) around an unquoted field are not part of it.
 *   Inside quotes they are kept, except that a numeric field may still have
 *   blanks around the number (" 1.5 " is 1.5).
 * - A quoted number is a number: quoting is CSV syntax ("1.5" is 1.5).
 * - Blank lines between records are skipped; line numbers still count them.
 * - A NUL byte in a header name or in a selected text field is an error
 *   (both are delivered as C strings, which it would cut short); in a
 *   numeric field it is text that is not a number.  Raw records keep it.
 * - A carriage return outside quotes that is not part of a CRLF line end is
 *   an error (libcsv would otherwise take it for a line end).
 * - A quote inside an unquoted field, text after a closing quote, or a
 *   quoted field still open at the end of the input is an error.
 * - Every record must have as many fields as the header.  A header-only
 *   input gives zero rows; an input with no header (empty, or only blank
 *   lines or a BOM) is an error.
 *
 * Numbers are strict (number.h): a numeric field must be a complete decimal number,
 *   [+-] digits [. digits] [(e|E) [+-] digits]   (".5" and "5." too)
 * and nothing else: no hex, no NaN or infinity, no thousands separators, no
 * other trailing text.  A value that overflows a double (1e999) is an error;
 * one too small for a double rounds to zero or a subnormal, as strtod does.
 * The conversion is correctly rounded (bit-identical to glibc strtod in the
 * C locale), whatever the current locale.
 *
 * Error codes: 65 for bad data (messages "FILE:LINE: ..." naming the column
 * and quoting the offending text, escaped and cut to 60 bytes), 66 when the
 * input cannot be opened, 74 for a read error or a corrupt or truncated gzip
 * stream (saying after which line it was found, or at which byte of the
 * compressed input if no line was complete), 64 for a bad column lookup or
 * selection, 70 when out of memory.
 * Limits on field length, record length and column count turn hostile input
 * into errors instead of unbounded allocations: the reader holds at most one
 * record (within the limits below) plus the block the caller asked for.
 */
#ifndef OCSDF_CSV_H
#define OCSDF_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "errors.h"

#define OCSDF_CSV_MAX_COLUMNS 1000000
#define OCSDF_CSV_MAX_FIELD (1 << 20)     /* bytes in one field, after unquoting */
#define OCSDF_CSV_MAX_RECORD (64 << 20)   /* bytes in one record, line ends included */

typedef struct ocsdf_csv_reader ocsdf_csv_reader;

/* One block of rows; owned by the reader, valid until the next call. */
typedef struct ocsdf_csv_block {
	int nrows;
	double *num;          /* nrows x n_num selected numeric values */
	const char **text;    /* nrows x n_text selected text fields (NUL-terminated) */
	const char **raw;     /* nrows raw records without line end (keep_raw);
	                       * NUL-terminated, but may hold NUL bytes: use raw_len */
	const size_t *raw_len;
	const long *line;     /* line number (1-based) where each row starts */
} ocsdf_csv_block;

/* Whether the first record is a header. */
enum {
	OCSDF_CSV_HEADER = 0,   /* yes; a header made only of numbers is refused
	                         * (65) with a hint at --no-header */
	OCSDF_CSV_NO_HEADER,    /* no: every record is a row */
	OCSDF_CSV_HEADER_IF     /* yes if its first nnames fields are names[],
	                         * exactly; else a row (chunks of a file cut
	                         * without repeating its header) */
};

/* How to read an input.  Without a header, column i is named names[i] for
 * i < nnames and "x<i+1>" after, and the first record sets the number of
 * fields every record must have. */
typedef struct ocsdf_csv_options {
	char delimiter;         /* 0: ',' */
	int header;             /* OCSDF_CSV_HEADER... */
	const char *const *names;
	int nnames;
} ocsdf_csv_options;

/* Opens path (NULL or "-": stdin) and reads the header.  An input with no
 * header is an error (65).  Returns 0, 65, 66, 70 or 74 with e set.  An
 * input compressed with bzip2, xz, zstd or zip is refused (65) with what
 * it is and what to do. */
int ocsdf_csv_open(const char *path, ocsdf_csv_reader **out, ocsdf_error *e);
/* The same read as opt says (NULL: as ocsdf_csv_open). */
int ocsdf_csv_open_with(const char *path, const ocsdf_csv_options *opt, ocsdf_csv_reader **out,
			ocsdf_error *e);
/* 0, or 64 with e set when names are given for the columns (--columns)
 * of an input read with a header: they name those of one without. */
int ocsdf_csv_check_names(int names_given, int header, ocsdf_error *e);

/* Opens path as opt says (NULL: the defaults) to read the d features
 * names[] of a model, named what in messages (e.g. "model m.model"; NULL:
 * "the model").  Unless opt names the columns, an input without a header
 * has the features first, in that order, then x<N> for the N-th column;
 * it must have at least d fields (65).  Returns as ocsdf_csv_open. */
int ocsdf_csv_open_features(const char *path, const ocsdf_csv_options *opt, const char *const *names, int d,
			    const char *what, ocsdf_csv_reader **out, ocsdf_error *e);

/* Whether the input had a header (it may not: OCSDF_CSV_NO_HEADER, or
 * OCSDF_CSV_HEADER_IF on a chunk without it). */
int ocsdf_csv_has_header(const ocsdf_csv_reader *r);
/* The field delimiter. */
char ocsdf_csv_delimiter(const ocsdf_csv_reader *r);
void ocsdf_csv_close(ocsdf_csv_reader *r);

/* Name shown in messages ("standard input" for stdin). */
const char *ocsdf_csv_filename(const ocsdf_csv_reader *r);
int ocsdf_csv_ncols(const ocsdf_csv_reader *r);
/* 0-based; NULL if out of range.  Names are unquoted and trimmed. */
const char *ocsdf_csv_colname(const ocsdf_csv_reader *r, int col);
/* The header record's raw bytes (without line end), for pass-through;
 * empty without a header. */
const char *ocsdf_csv_header_raw(const ocsdf_csv_reader *r, size_t *len);

/* Finds a column by name, or by 1-based index if spec is all digits and no
 * column has that name.  Returns 0 with *col (0-based); 65 when more than
 * one column has that name (ambiguous: the message says to give the
 * number); or 64 with a message listing the available names (the list is
 * cut after about 600 bytes, saying how many more there are). */
int ocsdf_csv_find(const ocsdf_csv_reader *r, const char *spec, int *col, ocsdf_error *e);

/* The column whose header is exactly name (never a 1-based index): 0, or
 * 65 when no column or more than one column has that name, with a message
 * naming `what` (e.g. "feature column of model m.model") and, when missing,
 * listing the columns there are. */
int ocsdf_csv_find_name(const ocsdf_csv_reader *r, const char *name, const char *what, int *col,
			ocsdf_error *e);

/* Chooses what blocks carry: numeric columns num_cols[0..n_num), text
 * columns text_cols[0..n_text), raw records if keep_raw.  A column may be
 * listed more than once, and as both number and text.  Call before the
 * first block (a later call changes what the following blocks carry).
 * Returns 0, 64 (a column out of range) or 70 (out of memory). */
int ocsdf_csv_select(ocsdf_csv_reader *r, const int *num_cols, int n_num, const int *text_cols,
		     int n_text, int keep_raw, ocsdf_error *e);

/* Refuses (65, naming line and column) a value of numeric slot k of the
 * current selection that does not fit the standardization mean[k], std[k]
 * (ocsdf_scale_fits in scale.h); mean NULL: 0, std NULL: 1.  The arrays
 * must stay valid while rows are read; ocsdf_csv_select drops the check. */
void ocsdf_csv_check_scale(ocsdf_csv_reader *r, const double *mean, const double *std);

/* Reads up to max_rows (>= 1) rows into *b.  Returns 0 (b->nrows == 0 at the
 * end of the input), or 65 (bad data), 74 (read error, corrupt or truncated
 * gzip), 70, or 64 (max_rows < 1) with e set; e is untouched on success.
 * After an error every further call returns the same error. */
int ocsdf_csv_next(ocsdf_csv_reader *r, int max_rows, ocsdf_csv_block *b, ocsdf_error *e);

/* Parses a whole field (len bytes, no terminator needed) as a strict finite
 * number, blanks around it allowed: 0 with *out set, or -1. */
int ocsdf_csv_parse_number(const char *s, size_t len, double *out);

/* Whether a label field matches a label value: equal once the blanks
 * (spaces, tabs) around each are removed, or both numbers of equal value
 * ("1.0" matches "1").  An empty or blank label matches nothing. */
int ocsdf_csv_label_matches(const char *label, const char *value);

/* Output helpers.  Fields are quoted only when they must be: when they hold
 * a comma, quote, CR or LF, start or end with a blank, or are empty (so a
 * lone empty field does not read back as a blank line). */
void ocsdf_csv_put_field(FILE *fp, const char *s, size_t len);
/* The same between fields separated by delim: quoted when they hold it. */
void ocsdf_csv_put_field_delim(FILE *fp, const char *s, size_t len, char delim);
void ocsdf_csv_put_float(FILE *fp, float v);    /* %.9g: reads back exactly */
void ocsdf_csv_put_double(FILE *fp, double v);  /* %.17g */

#endif
