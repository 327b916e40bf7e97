/*
 * output.h: output files that are either complete or absent.
 *
 * A named output is written to a temporary file in the same folder, then
 * flushed, fsync'ed, closed with checks and renamed over the target: an
 * error, a signal or a kill never leaves a partial file under the target
 * name, and an earlier file of that name survives any failure.  "-" or NULL
 * means standard output, where the same checks turn a full disk or a closed
 * pipe into an error instead of silence.
 */
#ifndef OCSDF_OUTPUT_H
#define OCSDF_OUTPUT_H

#include <stdio.h>

#include "errors.h"

typedef struct ocsdf_output {
	FILE *fp;        /* write here */
	char *path;      /* target name, NULL for stdout */
	char *tmp;       /* temporary name, NULL for stdout */
	int is_stdout;
} ocsdf_output;

/* Opens path for writing (NULL or "-": stdout).  Refuses an existing file
 * unless force; refuses a path that names an open input (same inode) always.
 * Returns 0, or 73 (cannot create) with e set. */
int ocsdf_output_open(ocsdf_output *o, const char *path, int force, ocsdf_error *e);
/* Flushes, fsyncs, closes and renames into place.  Returns 0, or 74 (I/O
 * error, disk full) with e set, in which case the temporary is removed. */
int ocsdf_output_commit(ocsdf_output *o, ocsdf_error *e);
/* Drops the output: closes and removes the temporary file. */
void ocsdf_output_abort(ocsdf_output *o);

/* Marks a path as an input so ocsdf_output_open refuses to overwrite it. */
void ocsdf_output_protect_input(const char *path);

/* Installs SIGINT/SIGTERM/SIGHUP handlers that remove every temporary file
 * still open, then die of the signal (exit status 128+sig).  Programs that
 * handle SIGINT themselves (training checkpoints) need not call it. */
void ocsdf_output_cleanup_on_signals(void);

/* Removes the temporaries still open; safe in a signal handler. */
void ocsdf_output_remove_temporaries(void);

#endif
