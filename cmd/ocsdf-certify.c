/*
 * ocsdf-certify: AUROC and certified AUROC of a score against labels.
 *
 * Reads a CSV with a score column and a label column, and reports the AUROC
 * and, for each radius eps, the certified AUROC: the AUROC after every
 * normal score is lowered and every anomalous score raised by L * eps,
 * where L is the Lipschitz constant of the score in the units of the radius.
 * Also the standard error or a confidence interval, the average precision,
 * decisions at a threshold, ROC curves and SVG plots.  The reading, the
 * figures and the files are lib/label.c's and lib/certify.c's; this file
 * parses the options, opens the files and prints errors.
 */
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argtab.h"
#include "certify.h"
#include "cli.h"
#include "output.h"

/* --help: the option table's lines (specs) between these. */
static const char usage_head[] =
	"Usage: ocsdf-certify [OPTION]... [FILE]\n"
	"AUROC and certified AUROC of a score column against a label column of the\n"
	"CSV FILE (standard input if absent or -; gzip accepted).\n\n",
		  usage_tail[] =
	"\nExample:\n"
	"  ocsdf-score -m cardio.model cardio.csv |\n"
	"      ocsdf-certify -m cardio.model --plot roc.svg\n";

enum {
	OPT_SCORE = 256, OPT_LABEL, OPT_ANOMALY, OPT_NORMAL, OPT_HIGHER, OPT_RADIUS, OPT_LIPSCHITZ,
	OPT_CI, OPT_LEVEL, OPT_RESAMPLES, OPT_SEED, OPT_THRESHOLD, OPT_FPR, OPT_DECISIONS,
	OPT_FORMAT, OPT_ROC, OPT_PLOT, OPT_HIST, OPT_BINS, OPT_THREADS, OPT_DELIMITER
};

/* The output files, in the order of their options.  All are opened
 * before the work starts (an existing file is refused before minutes of
 * reading) and committed together at the end: no partial file is left. */
enum { OUT_REPORT, OUT_ROC, OUT_PLOT, OUT_HIST, OUT_DECISIONS, N_OUT };
static const char *const out_option[N_OUT] = {"-o", "--roc", "--plot", "--plot-hist", "--decisions"};
static ocsdf_output outs[N_OUT];

typedef struct options {
	ocsdf_certify_params p;
	const char *input, *model_path;
	const char *paths[N_OUT];   /* the report's "-" unless -o */
	int format, force, quiet, threads, verbose;
	char delimiter;             /* of the input; 0: ',' */
	int action;                 /* OCSDF_CLI_RUN, or -h or -V came first */
} options;

static const char *const ci_names[] = {"none", "delong", "bootstrap", NULL},
		  *const fmt_names[] = {"table", "csv", "json", NULL};

/* The options, in the order of --help. */
static const ocsdf_arg_spec specs[] = {
	OCSDF_ARG_SECTION("Columns and labels:"),
	OCSDF_ARG_ROW("score", OPT_SCORE, OCSDF_ARG_TEXT, p.score_col, "COL",
	              "score column, name or 1-based number (default sdf)"),
	OCSDF_ARG_ROW("label", OPT_LABEL, OCSDF_ARG_TEXT, p.label_col, "COL", "label column (default label)"),
	OCSDF_ARG_ROW("anomaly", OPT_ANOMALY, OCSDF_ARG_TEXT, p.anomaly, "VALUE",
	              "label value of anomalies (default 1)"),
	OCSDF_ARG_ROW("normal", OPT_NORMAL, OCSDF_ARG_TEXT, p.normal, "VALUE",
	              "label value of normal rows (default 0); any other\n"
	              "label is an error"),
	OCSDF_ARG_ROW("higher-is-anomalous", OPT_HIGHER, OCSDF_ARG_SET, p.higher_anomalous, NULL,
	              "higher scores mean more anomalous (default:\n"
	              "higher means more normal, as a signed distance)"),
	OCSDF_ARG_ROW("delimiter", OPT_DELIMITER, OCSDF_ARG_DELIMITER, delimiter, "C",
	              "field delimiter (default ','; a character, or 'tab')"),
	OCSDF_ARG_SECTION("Certificates:"),
	OCSDF_ARG_BARE("radius", OPT_RADIUS, OCSDF_ARG_OWN, "LIST",
	               "radii eps, comma-separated, >= 0 (default: 0 and the\n"
	               "largest radii keeping 0.9 and 0.5 of the AUROC)"),
	OCSDF_ARG_ROW("model", 'm', OCSDF_ARG_TEXT, model_path, "MODEL",
	              "radii in raw input units: L (1/min std) from MODEL,\n"
	              "or 1 for a score column named NAME_raw (written by\n"
	              "ocsdf-score in raw units, L applied already)"),
	OCSDF_ARG_NUM("lipschitz", OPT_LIPSCHITZ, OCSDF_ARG_REAL_ABOVE, p.lipschitz, 0, 1e300, 0, "L",
	              "Lipschitz constant of the score in the radius units\n"
	              "(default 1: radii in score units)"),
	OCSDF_ARG_SECTION("Uncertainty:"),
	OCSDF_ARG_ONE_OF("ci", OPT_CI, p.ci, ci_names, 0, "METHOD",
	                 "confidence interval: delong, bootstrap or none\n"
	                 "(default none)"),
	OCSDF_ARG_NUM("confidence", OPT_LEVEL, OCSDF_ARG_REAL_BETWEEN, p.level, 0, 1, 0, "P",
	              "confidence level (default 0.95)"),
	OCSDF_ARG_NUM("resamples", OPT_RESAMPLES, OCSDF_ARG_LONG, p.resamples, 2, 10000000, 0, "N",
	              "bootstrap resamples (default 1000)"),
	OCSDF_ARG_BARE("seed", OPT_SEED, OCSDF_ARG_OWN, "N", "bootstrap seed (default 1)"),
	OCSDF_ARG_SECTION("Decisions (a row is flagged when its score is below the threshold, above\n"
			  "it with --higher-is-anomalous):"),
	OCSDF_ARG_NUM("threshold", OPT_THRESHOLD, OCSDF_ARG_REAL, p.threshold, -1e300, 1e300, 0, "T",
	              "decide at threshold T"),
	OCSDF_ARG_NUM("fpr", OPT_FPR, OCSDF_ARG_REAL_BELOW, p.fpr, 0, 1, 0, "P",
	              "decide at the largest threshold flagging at most a\n"
	              "fraction P of the normal rows, 0 <= P < 1"),
	OCSDF_ARG_ROW("decisions", OPT_DECISIONS, OCSDF_ARG_OUTPUT, paths[OUT_DECISIONS], "FILE",
	              "per-row decisions and the radius that keeps each\n"
	              "(default threshold 0, the level ocsdf-train set)"),
	OCSDF_ARG_SECTION("Output:"),
	OCSDF_ARG_ONE_OF("format", OPT_FORMAT, format, fmt_names, 0, "FMT", "table (default), csv or json"),
	OCSDF_ARG_ROW("output", 'o', OCSDF_ARG_OUTPUT, paths[OUT_REPORT], "FILE",
	              "the report (default standard output)"),
	OCSDF_ARG_ROW("roc", OPT_ROC, OCSDF_ARG_OUTPUT, paths[OUT_ROC], "FILE",
	              "ROC curves (radius, threshold, fpr, tpr) as CSV"),
	OCSDF_ARG_ROW("plot", OPT_PLOT, OCSDF_ARG_OUTPUT, paths[OUT_PLOT], "FILE",
	              "plain and certified ROC curves as SVG"),
	OCSDF_ARG_ROW("plot-hist", OPT_HIST, OCSDF_ARG_OUTPUT, paths[OUT_HIST], "FILE",
	              "histograms of the scores of each class as SVG"),
	OCSDF_ARG_NUM("bins", OPT_BINS, OCSDF_ARG_LONG, p.bins, 1, 100000, 0, "N", "histogram bins (default 40)"),
	OCSDF_ARG_ROW("force", 'f', OCSDF_ARG_SET, force, NULL, "overwrite existing output files"),
	OCSDF_ARG_NUM("threads", OPT_THREADS, OCSDF_ARG_INT, threads, 1, OCSDF_THREADS_MAX, 0, "N",
	              "OpenBLAS threads (default 1: no matrix products)"),
	OCSDF_ARG_ROW("verbose", 'v', OCSDF_ARG_SET, verbose, NULL, "say which OpenBLAS kernels and threads run"),
	OCSDF_ARG_ROW("quiet", 'q', OCSDF_ARG_SET, quiet, NULL, "no progress, no warnings"),
	OCSDF_ARG_HELP_ROWS,
	OCSDF_ARG_OLD_NAMES,
	OCSDF_ARG_BARE("level", OPT_LEVEL, OCSDF_ARG_OWN, "P", "--confidence P"),
	OCSDF_ARG_END};

static _Noreturn void fail(const ocsdf_error *e)
{
	ocsdf_output_abort_all(outs, N_OUT);
	ocsdf_die_error(e);
}

/* The part of option c the table leaves to ocsdf_arg_parse's own (r
 * unused): --radius and --seed read, and what --lipschitz, --threshold and
 * --fpr say by being given; e set if refused. */
static void take_option(void *base, const ocsdf_arg_spec *r, int c, ocsdf_error *e)
{
	ocsdf_certify_params *p = &((options *)base)->p;
	(void)r;
	switch (c) {
	case OPT_RADIUS:
		free(p->radius);
		p->radius = ocsdf_arg_double_list(e, "--radius", optarg, 0, 1e300, &p->nradius);
		break;
	case OPT_LIPSCHITZ: p->lsource = OCSDF_LIPSCHITZ_OPTION; break;
	case OPT_SEED: p->seed = ocsdf_arg_long(e, "--seed", optarg, 0, LONG_MAX); break;
	case OPT_THRESHOLD: p->has_threshold = 1; break;
	case OPT_FPR: p->has_fpr = 1; break;
	}
}

/* What the options say together: 0, or 64 with e set. */
static int check_options(options *o, ocsdf_error *e)
{
	int to_stdout = 0, rc;
	if (o->model_path && o->p.lsource == OCSDF_LIPSCHITZ_OPTION)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "-m and --lipschitz both set the Lipschitz constant: give one");
	rc = ocsdf_certify_complete_params(&o->p, o->paths[OUT_DECISIONS] != NULL, e);
	if (rc == OCSDF_ESOFTWARE)
		ocsdf_die_nomem();
	if (rc)
		return rc;
	for (int i = 0; i < N_OUT; i++) {
		const char *a = o->paths[i];
		to_stdout += a && strcmp(a, "-") == 0;
		for (int j = 0; a && strcmp(a, "-") != 0 && j < i; j++)
			if (o->paths[j] && strcmp(o->paths[j], "-") != 0 && ocsdf_output_same_file(a, o->paths[j]))
				return ocsdf_error_set(e, OCSDF_EUSAGE, "%s '%s' and %s '%s' name the same file",
						       out_option[j], o->paths[j], out_option[i], a);
	}
	if (to_stdout > 1)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "only one output can go to standard output (the report, "
				       "unless -o)");
	return 0;
}

/* Fills o from the command line: 0, or 64 with e set.  o->radius is
 * malloc'ed (NULL after an error in --radius). */
static int parse_options(int argc, char **argv, void *ctx, ocsdf_error *e)
{
	options *o = ctx;
	memset(o, 0, sizeof *o);
	ocsdf_certify_default_params(&o->p);
	o->paths[OUT_REPORT] = "-";
	if (ocsdf_arg_parse(argc, argv, specs, o, take_option, &o->action, e) || o->action)
		return e->code;
	if (optind < argc - 1)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "too many input files: '%s' and '%s' (one FILE, or standard "
				       "input)", argv[optind], argv[optind + 1]);
	o->input = optind < argc ? argv[optind] : "-";
	return check_options(o, e);
}

static void read_input(const options *o, ocsdf_label_scores *d)
{
	const ocsdf_certify_params *p = &o->p;
	ocsdf_rows_shown shown = {"read", 0};
	ocsdf_label_spec spec = {p->score_col, p->label_col, p->anomaly, p->normal, p->higher_anomalous,
				 o->delimiter, ocsdf_progress_enabled(o->quiet) ? ocsdf_rows_show : NULL, &shown};
	ocsdf_error e;
	if (ocsdf_label_read_scores(o->input, &spec, d, &e) != 0)
		fail(&e);
	ocsdf_rows_shown_end(&shown);
	if (ocsdf_certify_check_data(p, d, &e))
		fail(&e);
	if (!o->quiet && (d->n_anom < 2 || d->n - d->n_anom < 2))
		ocsdf_warn("%s: a single %s row: the standard error and the DeLong interval are undefined", d->name,
			   d->n_anom < 2 ? "anomalous" : "normal");
}

/* Every output asked for, then all of them in place. */
static void write_outputs(const options *o, const ocsdf_certificate *c)
{
	ocsdf_error e;
	if ((outs[OUT_ROC].fp || outs[OUT_PLOT].fp) &&
	    ocsdf_certify_write_curves(outs[OUT_ROC].fp, outs[OUT_PLOT].fp, c, &e))
		fail(&e);
	if (outs[OUT_HIST].fp && ocsdf_certify_write_hist(outs[OUT_HIST].fp, c, &e))
		fail(&e);
	if (outs[OUT_DECISIONS].fp)
		ocsdf_certify_write_decisions(outs[OUT_DECISIONS].fp, c);
	ocsdf_certify_write_report(outs[OUT_REPORT].fp, c, o->format);
	if (ocsdf_output_commit_all(outs, N_OUT, &e))
		fail(&e);
}

int main(int argc, char **argv)
{
	int status;
	options o = {0};
	ocsdf_label_scores d;
	ocsdf_certificate c;
	ocsdf_error e;

	if ((status = ocsdf_arg_start(argc, argv, parse_options, &o, &o.action, usage_head, specs, 27, usage_tail)) >= 0)
		return status;
	ocsdf_threads_set(o.threads, 0);
	if (o.verbose && !o.quiet)
		ocsdf_kernels_report();
	ocsdf_output_protect_input(o.input);
	ocsdf_output_protect_input(o.model_path);
	ocsdf_output_cleanup_on_signals();
	if (ocsdf_output_open_all(outs, o.paths, N_OUT, o.force, &e))
		fail(&e);
	if (o.model_path && ocsdf_certify_use_model(&o.p, o.model_path, &e))
		fail(&e);
	read_input(&o, &d);
	ocsdf_certify_score_units(&o.p, &d);
	if (ocsdf_certify_run(&o.p, &d, &c, &e))
		fail(&e);
	write_outputs(&o, &c);
	ocsdf_certify_free(&c);
	ocsdf_label_scores_free(&d);
	free(o.p.radius);
	return 0;
}
