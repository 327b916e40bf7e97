/*
 * train/opts.h: ocsdf-train's options, as its command line gives them
 * (cmd/train/opts.c reads them); program support for
 * cmd/ocsdf-train.c alone, not part of the library.
 */
#ifndef OCSDF_TRAIN_OPTS_H
#define OCSDF_TRAIN_OPTS_H

#include "csv.h"
#include "train.h"

/* What the options say: the run's settings and network, files, columns. */
typedef struct options {
	ocsdf_train_settings s;
	ocsdf_arch a;
	const char *out, *label, *ignore, *resume, *input, *anomaly;
	int force, quiet, verbose, eval, scale, decay, threads;
	int given;                /* the groups of the options given */
	long sample, max_memory;  /* rows; MB */
	ocsdf_csv_options csv;
	char **columns;           /* --columns, one block */
	int action;               /* OCSDF_CLI_RUN, or -h or -V came first */
} options;

/* The start of ocsdf-train's main (ocsdf_arg_start, argtab.h): o filled
 * from the command line, the defaults that depend on other options set;
 * dies with a usage error if they are refused.  Returns the exit status
 * of --help or --version, or -1 to go on with the run (o->columns to
 * free). */
int train_opts_start(int argc, char **argv, options *o);

#endif
