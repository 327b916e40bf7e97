/*
 * output.h: output files that are either complete or absent.
 *
 * A named output is written to a temporary file in the same folder, then
 * flushed, fsync'ed, closed with checks and renamed over the target: an
 * error, a signal or a kill never leaves a partial file under the target
 * name, and an earlier file of that name survives any failure.  Without
 * force the last step cannot replace anything either: a file (or a
 * symbolic link) that appeared under the target name while the output was
 * written is left alone and the commit fails.  A replaced file's
 * permissions are kept; a new file gets 0666 less the umask.  "-" or NULL
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
	int replace;     /* force: the commit may replace an existing file */
} ocsdf_output;

/* What ocsdf_output_open checks before it creates anything, for programs
 * that must know before a long run that its output can be written: the
 * folder exists and is writable; an existing name (a dangling symbolic
 * link included) is refused unless force; a folder, or a path that names
 * an input (same inode), always; a device or fifo (/dev/null) is written
 * to directly, without force.  Returns 0, or 73 with e set. */
int ocsdf_output_check(const char *path, int force, ocsdf_error *e);
/* Opens path for writing (NULL or "-": stdout) after the checks above.
 * Returns 0, or 73 (cannot create) with e set. */
int ocsdf_output_open(ocsdf_output *o, const char *path, int force, ocsdf_error *e);
/* Flushes, fsyncs, closes and renames into place.  Returns 0, or with e
 * set and the temporary removed: 74 (I/O error, disk full), or 73 if,
 * without force, something was created under the target name meanwhile. */
int ocsdf_output_commit(ocsdf_output *o, ocsdf_error *e);
/* Drops the output: closes and removes the temporary file. */
void ocsdf_output_abort(ocsdf_output *o);

/* Several outputs of one run (a report with its curves and plots), as one:
 * all are created or none.  open_all opens outs[i] for each paths[i] that
 * is not NULL ("-": standard output) and leaves the others closed (fp
 * NULL); on failure those opened are dropped.  commit_all flushes every
 * open one, standard output included, before it renames any into place,
 * so that a full disk or a closed standard output fails the run with no
 * new file rather than some; on failure the ones not yet committed are
 * dropped.  abort_all drops every one still open.  Same codes as
 * ocsdf_output_open and ocsdf_output_commit. */
int ocsdf_output_open_all(ocsdf_output *outs, const char *const *paths, int n, int force, ocsdf_error *e);
int ocsdf_output_commit_all(ocsdf_output *outs, int n, ocsdf_error *e);
void ocsdf_output_abort_all(ocsdf_output *outs, int n);

/* Marks a path as an input so ocsdf_output_open refuses to overwrite it. */
void ocsdf_output_protect_input(const char *path);

/* 1 if writing a and b would write the same file: the same file if both
 * exist (links and other spellings included), else the same name in the
 * same folder.  Neither may be "-". */
int ocsdf_output_same_file(const char *a, const char *b);

/* Installs handlers for the signals that end a program (SIGINT, SIGTERM,
 * SIGHUP, SIGPIPE, SIGXCPU, SIGALRM, SIGUSR1, SIGUSR2) that remove every
 * temporary file still open, then die of the signal (exit status
 * 128+sig).  A signal ignored when the program started (nohup) stays
 * ignored.  A program that handles SIGINT and SIGTERM itself (training
 * checkpoints) sets its handlers after this call. */
void ocsdf_output_cleanup_on_signals(void);

/* Removes the temporaries still open; safe in a signal handler. */
void ocsdf_output_remove_temporaries(void);

#endif
