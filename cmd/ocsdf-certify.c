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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certify.h"
#include "cli.h"
#include "output.h"

static const char usage_text[] =
	"Usage: ocsdf-certify [OPTION]... [FILE]\n"
	"AUROC and certified AUROC of a score column against a label column of the\n"
	"CSV FILE (standard input if absent or -; gzip accepted).\n"
	"\n"
	"Columns and labels:\n"
	"      --score COL          score column, name or 1-based number (default sdf)\n"
	"      --label COL          label column (default label)\n"
	"      --anomaly VALUE      label value of anomalies (default 1)\n"
	"      --normal VALUE       label value of normal rows (default 0); any other\n"
	"                           label is an error\n"
	"      --higher-is-anomalous  higher scores mean more anomalous (default:\n"
	"                           higher means more normal, as a signed distance)\n"
	"      --delimiter C        field delimiter (default ','; a character, or 'tab')\n"
	"Certificates:\n"
	"      --radius LIST        radii eps, comma-separated, >= 0 (default: 0 and the\n"
	"                           largest radii keeping 0.9 and 0.5 of the AUROC)\n"
	"  -m, --model MODEL        radii in raw input units: L (1/min std) from MODEL,\n"
	"                           or 1 for a score column named NAME_raw (written by\n"
	"                           ocsdf-score in raw units, L applied already)\n"
	"      --lipschitz L        Lipschitz constant of the score in the radius units\n"
	"                           (default 1: radii in score units)\n"
	"Uncertainty:\n"
	"      --ci METHOD          confidence interval: delong, bootstrap or none\n"
	"                           (default none)\n"
	"      --confidence P       confidence level (default 0.95)\n"
	"      --resamples N        bootstrap resamples (default 1000)\n"
	"      --seed N             bootstrap seed (default 1)\n"
	"Decisions (a row is flagged when its score is below the threshold, above\n"
	"it with --higher-is-anomalous):\n"
	"      --threshold T        decide at threshold T\n"
	"      --fpr P              decide at the largest threshold flagging at most a\n"
	"                           fraction P of the normal rows, 0 <= P < 1\n"
	"      --decisions FILE     per-row decisions and the radius that keeps each\n"
	"                           (default threshold 0, the level ocsdf-train set)\n"
	"Output:\n"
	"      --format FMT         table (default), csv or json\n"
	"  -o, --output FILE        the report (default standard output)\n"
	"      --roc FILE           ROC curves (radius, threshold, fpr, tpr) as CSV\n"
	"      --plot FILE          plain and certified ROC curves as SVG\n"
	"      --plot-hist FILE     histograms of the scores of each class as SVG\n"
	"      --bins N             histogram bins (default 40)\n"
	"  -f, --force              overwrite existing output files\n"
	"      --threads N          OpenBLAS threads (default 1: no matrix products)\n"
	"  -v, --verbose            say which OpenBLAS kernels and threads run\n"
	"  -q, --quiet              no progress, no warnings\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"Old names, accepted until version 0.2:\n"
	"      --level P            --confidence P\n"
	"\n"
	"Example:\n"
	"  ocsdf-score -m cardio.model cardio.csv |\n"
	"      ocsdf-certify -m cardio.model --plot roc.svg\n";

enum {
	OPT_SCORE = 256, OPT_LABEL, OPT_ANOMALY, OPT_NORMAL, OPT_HIGHER, OPT_RADIUS, OPT_LIPSCHITZ,
	OPT_CI, OPT_LEVEL, OPT_RESAMPLES, OPT_SEED, OPT_THRESHOLD, OPT_FPR, OPT_DECISIONS,
	OPT_FORMAT, OPT_ROC, OPT_PLOT, OPT_HIST, OPT_BINS, OPT_THREADS, OPT_DELIMITER
};

static const struct option long_opts[] = {
	{"score", required_argument, NULL, OPT_SCORE},
	{"label", required_argument, NULL, OPT_LABEL},
	{"anomaly", required_argument, NULL, OPT_ANOMALY},
	{"normal", required_argument, NULL, OPT_NORMAL},
	{"higher-is-anomalous", no_argument, NULL, OPT_HIGHER},
	{"radius", required_argument, NULL, OPT_RADIUS},
	{"model", required_argument, NULL, 'm'},
	{"lipschitz", required_argument, NULL, OPT_LIPSCHITZ},
	{"ci", required_argument, NULL, OPT_CI},
	{"confidence", required_argument, NULL, OPT_LEVEL},
	{"level", required_argument, NULL, OPT_LEVEL},
	{"resamples", required_argument, NULL, OPT_RESAMPLES},
	{"seed", required_argument, NULL, OPT_SEED},
	{"threshold", required_argument, NULL, OPT_THRESHOLD},
	{"fpr", required_argument, NULL, OPT_FPR},
	{"decisions", required_argument, NULL, OPT_DECISIONS},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"delimiter", required_argument, NULL, OPT_DELIMITER},
	{"output", required_argument, NULL, 'o'},
	{"roc", required_argument, NULL, OPT_ROC},
	{"plot", required_argument, NULL, OPT_PLOT},
	{"plot-hist", required_argument, NULL, OPT_HIST},
	{"bins", required_argument, NULL, OPT_BINS},
	{"force", no_argument, NULL, 'f'},
	{"threads", required_argument, NULL, OPT_THREADS},
	{"verbose", no_argument, NULL, 'v'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0}
};

/* The output files, in the order of their options.  All are opened
 * before the work starts (an existing file is refused before minutes of
 * reading) and committed together at the end: no partial file is left. */
enum { OUT_REPORT, OUT_ROC, OUT_PLOT, OUT_HIST, OUT_DECISIONS, N_OUT };
static const char *const out_option[N_OUT] = {"-o", "--roc", "--plot", "--plot-hist", "--decisions"};
static const int out_code[N_OUT] = {'o', OPT_ROC, OPT_PLOT, OPT_HIST, OPT_DECISIONS};
static ocsdf_output outs[N_OUT];

typedef struct options {
	ocsdf_certify_params p;
	const char *input, *model_path;
	const char *paths[N_OUT];   /* the report's "-" unless -o */
	int format, force, quiet, threads, verbose;
	char delimiter;             /* of the input; 0: ',' */
	int action;                 /* OCSDF_CLI_RUN, or -h or -V came first */
} options;

static _Noreturn void fail(const ocsdf_error *e)
{
	ocsdf_output_abort_all(outs, N_OUT);
	ocsdf_die_error(e);
}

/* Takes one option of the certificate (getopt_long's c and optarg) into
 * p; e set if refused; other options are left alone. */
static void take_param(ocsdf_certify_params *p, int c, ocsdf_error *e)
{
	static const char *const ci_names[] = {"none", "delong", "bootstrap", NULL};
	switch (c) {
	case OPT_SCORE: p->score_col = optarg; break;
	case OPT_LABEL: p->label_col = optarg; break;
	case OPT_ANOMALY: p->anomaly = optarg; break;
	case OPT_NORMAL: p->normal = optarg; break;
	case OPT_HIGHER: p->higher_anomalous = 1; break;
	case OPT_RADIUS:
		free(p->radius);
		p->radius = ocsdf_arg_double_list(e, "--radius", optarg, 0, 1e300, &p->nradius);
		break;
	case OPT_LIPSCHITZ:
		p->lipschitz = ocsdf_arg_double_open(e, "--lipschitz", optarg, 0, 1e300, OCSDF_ARG_ABOVE);
		p->lsource = OCSDF_LIPSCHITZ_OPTION;
		break;
	case OPT_CI: p->ci = ocsdf_arg_choice(e, "--ci", optarg, ci_names); break;
	case OPT_LEVEL: p->level = ocsdf_arg_double_open(e, "--confidence", optarg, 0, 1, OCSDF_ARG_BETWEEN); break;
	case OPT_RESAMPLES: p->resamples = ocsdf_arg_long(e, "--resamples", optarg, 2, 10000000); break;
	case OPT_SEED: p->seed = ocsdf_arg_long(e, "--seed", optarg, 0, LONG_MAX); break;
	case OPT_THRESHOLD:
		p->threshold = ocsdf_arg_double(e, "--threshold", optarg, -1e300, 1e300);
		p->has_threshold = 1;
		break;
	case OPT_FPR:
		p->fpr = ocsdf_arg_double_open(e, "--fpr", optarg, 0, 1, OCSDF_ARG_BELOW);
		p->has_fpr = 1;
		break;
	case OPT_BINS: p->bins = ocsdf_arg_long(e, "--bins", optarg, 1, 100000); break;
	}
}

/* Takes one option (getopt_long's c and optarg) into o; e set if refused.
 * The output files are named by the options of out_code. */
static void take_option(void *ctx, int c, ocsdf_error *e)
{
	options *o = ctx;
	static const char *const fmt_names[] = {"table", "csv", "json", NULL};
	for (int i = 0; i < N_OUT; i++)
		if (c == out_code[i])
			o->paths[i] = ocsdf_arg_output(e, out_option[i], optarg);
	take_param(&o->p, c, e);
	switch (c) {
	case 'm': o->model_path = optarg; break;
	case OPT_FORMAT: o->format = ocsdf_arg_choice(e, "--format", optarg, fmt_names); break;
	case OPT_DELIMITER: o->delimiter = ocsdf_arg_delimiter(e, "--delimiter", optarg); break;
	case 'f': o->force = 1; break;
	case OPT_THREADS: o->threads = (int)ocsdf_arg_long(e, "--threads", optarg, 1, OCSDF_THREADS_MAX); break;
	case 'v': o->verbose = 1; break;
	case 'q': o->quiet = 1; break;
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
	if (ocsdf_arg_read(argc, argv, ":m:o:fvqhV", long_opts, take_option, o, &o->action, e) || o->action)
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

	if ((status = ocsdf_cli_start(argc, argv, parse_options, &o, &o.action, usage_text)) >= 0)
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
