/*
 * ocsdf-certify: AUROC and certified AUROC of a score against labels.
 *
 * Reads a CSV with a score column and a label column, and reports the AUROC
 * and, for each radius eps, the certified AUROC: the AUROC after every
 * normal score is lowered and every anomalous score raised by L * eps,
 * where L is the Lipschitz constant of the score in the units of the radius.
 * Also the standard error or a confidence interval, the average precision,
 * decisions at a threshold, ROC curves and SVG plots.  The arithmetic and
 * the plots live in lib/roc.c (drawing with lib/svg.c); this file reads,
 * decides what the labels mean, and formats the report.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "label.h"
#include "model.h"
#include "output.h"
#include "roc.h"
#include "svg.h"
#include "text.h"

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
	"Certificates:\n"
	"      --radius LIST        radii eps, comma-separated, >= 0 (default 0)\n"
	"  -m, --model MODEL        radii in raw input units: L (1/min std) from MODEL\n"
	"      --lipschitz L        Lipschitz constant of the score in the radius units\n"
	"                           (default 1: radii in score units)\n"
	"Uncertainty:\n"
	"      --ci METHOD          confidence interval: delong, bootstrap or none\n"
	"                           (default none)\n"
	"      --level P            confidence level (default 0.95)\n"
	"      --resamples N        bootstrap resamples (default 1000)\n"
	"      --seed N             bootstrap seed (default 1)\n"
	"Decisions (a row is flagged when its score is below the threshold, above\n"
	"it with --higher-is-anomalous):\n"
	"      --threshold T        decide at threshold T\n"
	"      --fpr P              decide at the largest threshold flagging at most a\n"
	"                           fraction P of the normal rows, 0 <= P < 1\n"
	"      --decisions FILE     per-row decisions and the radius that keeps each\n"
	"Output:\n"
	"      --format FMT         table (default), csv or json\n"
	"  -o, --output FILE        the report (default standard output)\n"
	"      --roc FILE           ROC curves (radius, threshold, fpr, tpr) as CSV\n"
	"      --plot FILE          plain and certified ROC curves as SVG\n"
	"      --plot-hist FILE     histograms of the scores of each class as SVG\n"
	"      --bins N             histogram bins (default 40)\n"
	"  -f, --force              overwrite existing output files\n"
	"  -q, --quiet              no progress, no warnings\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"\n"
	"Example:\n"
	"  ocsdf-score -m cardio.model cardio.csv |\n"
	"      ocsdf-certify -m cardio.model --radius 0,0.05,0.1 --plot roc.svg\n";

enum {
	OPT_SCORE = 256, OPT_LABEL, OPT_ANOMALY, OPT_NORMAL, OPT_HIGHER, OPT_RADIUS, OPT_LIPSCHITZ,
	OPT_CI, OPT_LEVEL, OPT_RESAMPLES, OPT_SEED, OPT_THRESHOLD, OPT_FPR, OPT_DECISIONS,
	OPT_FORMAT, OPT_ROC, OPT_PLOT, OPT_HIST, OPT_BINS, OPT_VERSION
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
	{"level", required_argument, NULL, OPT_LEVEL},
	{"resamples", required_argument, NULL, OPT_RESAMPLES},
	{"seed", required_argument, NULL, OPT_SEED},
	{"threshold", required_argument, NULL, OPT_THRESHOLD},
	{"fpr", required_argument, NULL, OPT_FPR},
	{"decisions", required_argument, NULL, OPT_DECISIONS},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"roc", required_argument, NULL, OPT_ROC},
	{"plot", required_argument, NULL, OPT_PLOT},
	{"plot-hist", required_argument, NULL, OPT_HIST},
	{"bins", required_argument, NULL, OPT_BINS},
	{"force", no_argument, NULL, 'f'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0}
};

enum { CI_NONE = 0, CI_DELONG = 1, CI_BOOTSTRAP = 2 };
enum { FMT_TABLE = 0, FMT_CSV = 1, FMT_JSON = 2 };
enum { L_DEFAULT = 0, L_OPTION = 1, L_MODEL = 2 };

typedef struct options {
	const char *input, *score_col, *label_col, *anomaly, *normal;
	int higher_anomalous;
	double *radius;
	int nradius;
	const char *model_path;
	double lipschitz;
	int lsource;
	int ci;
	double level;
	long resamples, seed;
	int has_threshold, has_fpr;
	double threshold, fpr;
	int format;
	const char *out_path, *roc_path, *plot_path, *hist_path, *decisions_path;
	long bins;
	int force, quiet;
} options;

/* The rows read: scores in the internal convention (higher = more
 * normal), the anomaly flag and the line each came from. */
typedef ocsdf_label_scores dataset;

/* What is reported for one radius. */
typedef struct result {
	double radius, shift, auroc, se, ci_lo, ci_hi, ap;
	ocsdf_confusion conf;
} result;

/* Every output file is opened before the work starts (an existing file is
 * refused before minutes of reading) and committed at the end; any failure
 * in between drops them all, so no partial file is ever left. */
enum { OUT_REPORT, OUT_ROC, OUT_PLOT, OUT_HIST, OUT_DECISIONS, N_OUT };
static ocsdf_output outs[N_OUT];
static int out_open[N_OUT];

static void abort_outputs(void)
{
	for (int i = 0; i < N_OUT; i++)
		if (out_open[i]) {
			ocsdf_output_abort(&outs[i]);
			out_open[i] = 0;
		}
}

static _Noreturn void fail(const ocsdf_error *e)
{
	abort_outputs();
	ocsdf_die_error(e);
}

static _Noreturn void fail_msg(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static _Noreturn void fail_msg(int code, const char *fmt, ...)
{
	ocsdf_error e;
	va_list ap;
	va_start(ap, fmt);
	ocsdf_error_vset(&e, code, fmt, ap);
	va_end(ap);
	fail(&e);
}

/* ---- number and text formatting ---- */

/* Every number of the reports reads back exactly (text.h). */
static void put_num(FILE *fp, double v)
{
	ocsdf_text_put_number(fp, v, 15);
}

/* JSON has no NaN or infinity: they become null. */
static void json_num(FILE *fp, double v)
{
	if (isfinite(v))
		put_num(fp, v);
	else
		fputs("null", fp);
}

/* A CSV field for a number that may be undefined: empty when NaN. */
static void csv_num(FILE *fp, double v)
{
	if (!isnan(v))
		put_num(fp, v);
}

static void json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	while (s && *s) {
		unsigned char c = (unsigned char)*s;
		int len;
		if (c == '"' || c == '\\') {
			fputc('\\', fp);
			fputc(c, fp);
			s++;
		} else if (c < 0x20) {
			fprintf(fp, "\\u%04x", c);
			s++;
		} else if ((len = ocsdf_svg_utf8_char(s)) > 0) {
			fwrite(s, 1, (size_t)len, fp);
			s += len;
		} else {
			fputs("\\ufffd", fp);
			s++;
		}
	}
	fputc('"', fp);
}

/* ---- reading ---- */

static void on_rows_read(void *ctx, size_t rows)
{
	*(int *)ctx = 1;
	fprintf(stderr, "\r%s: %zu rows read", ocsdf_cli_name(), rows);
}

static void read_input(const options *o, dataset *d)
{
	int reported = 0;
	ocsdf_label_spec spec = {o->score_col, o->label_col, o->anomaly, o->normal, o->higher_anomalous,
				 ocsdf_progress_enabled(o->quiet) ? on_rows_read : NULL, &reported};
	ocsdf_error e;
	if (ocsdf_label_read_scores(o->input, &spec, d, &e) != 0)
		fail(&e);
	if (reported)
		fputc('\n', stderr);
}

/* ---- options ---- */

static void parse_options(int argc, char **argv, options *o)
{
	static const char *const ci_names[] = {"none", "delong", "bootstrap", NULL};
	static const char *const fmt_names[] = {"table", "csv", "json", NULL};
	int c, have_radius = 0;
	memset(o, 0, sizeof *o);
	o->score_col = "sdf";
	o->label_col = "label";
	o->anomaly = "1";
	o->normal = "0";
	o->lipschitz = 1;
	o->level = 0.95;
	o->resamples = 1000;
	o->seed = 1;
	o->bins = 40;
	while ((c = getopt_long(argc, argv, ":m:o:fqhV", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_SCORE: o->score_col = optarg; break;
		case OPT_LABEL: o->label_col = optarg; break;
		case OPT_ANOMALY: o->anomaly = optarg; break;
		case OPT_NORMAL: o->normal = optarg; break;
		case OPT_HIGHER: o->higher_anomalous = 1; break;
		case OPT_RADIUS:
			/* NULL while parsing: the options fuzz target carries on
			 * after a usage error and frees it. */
			free(o->radius);
			o->radius = NULL;
			o->radius = ocsdf_opt_double_list("--radius", optarg, 0, 1e300, &o->nradius);
			have_radius = 1;
			break;
		case 'm': o->model_path = optarg; break;
		case OPT_LIPSCHITZ:
			o->lipschitz = ocsdf_opt_double("--lipschitz", optarg, 0, 1e300);
			if (o->lipschitz <= 0)
				ocsdf_usage_error("invalid value '%s' for --lipschitz: expected a number > 0",
						  optarg);
			o->lsource = L_OPTION;
			break;
		case OPT_CI: o->ci = ocsdf_opt_choice("--ci", optarg, ci_names); break;
		case OPT_LEVEL:
			o->level = ocsdf_opt_double("--level", optarg, 0, 1);
			if (o->level <= 0 || o->level >= 1)
				ocsdf_usage_error("invalid value '%s' for --level: expected a number strictly "
						  "between 0 and 1", optarg);
			break;
		case OPT_RESAMPLES: o->resamples = ocsdf_opt_long("--resamples", optarg, 2, 10000000); break;
		case OPT_SEED: o->seed = ocsdf_opt_long("--seed", optarg, 0, LONG_MAX); break;
		case OPT_THRESHOLD:
			o->threshold = ocsdf_opt_double("--threshold", optarg, -1e300, 1e300);
			o->has_threshold = 1;
			break;
		case OPT_FPR:
			o->fpr = ocsdf_opt_double("--fpr", optarg, 0, 1);
			if (o->fpr >= 1)
				ocsdf_usage_error("invalid value '%s' for --fpr: expected a number in [0, 1)",
						  optarg);
			o->has_fpr = 1;
			break;
		case OPT_DECISIONS: o->decisions_path = ocsdf_opt_output("--decisions", optarg); break;
		case OPT_FORMAT: o->format = ocsdf_opt_choice("--format", optarg, fmt_names); break;
		case 'o': o->out_path = ocsdf_opt_output("-o", optarg); break;
		case OPT_ROC: o->roc_path = ocsdf_opt_output("--roc", optarg); break;
		case OPT_PLOT: o->plot_path = ocsdf_opt_output("--plot", optarg); break;
		case OPT_HIST: o->hist_path = ocsdf_opt_output("--plot-hist", optarg); break;
		case OPT_BINS: o->bins = ocsdf_opt_long("--bins", optarg, 1, 100000); break;
		case 'f': o->force = 1; break;
		case 'q': o->quiet = 1; break;
		case 'h':
			exit(ocsdf_print_text(usage_text));
		case 'V':
		case OPT_VERSION:
			exit(ocsdf_print_version());
		case ':':
			ocsdf_missing_value(argv[optind - 1]);
		default:
			ocsdf_bad_option(argv[optind - 1]);
		}
	}
	if (optind < argc - 1)
		ocsdf_usage_error("too many input files: '%s' and '%s' (one FILE, or standard input)",
				  argv[optind], argv[optind + 1]);
	o->input = optind < argc ? argv[optind] : "-";
	if (o->model_path && o->lsource == L_OPTION)
		ocsdf_usage_error("-m and --lipschitz both set the Lipschitz constant: give one");
	if (o->model_path)
		o->lsource = L_MODEL;
	if (o->has_threshold && o->has_fpr)
		ocsdf_usage_error("--threshold and --fpr both choose the threshold: give one");
	if (o->decisions_path && !o->has_threshold && !o->has_fpr)
		ocsdf_usage_error("--decisions needs a threshold: add --threshold T or --fpr P");
	{
		ocsdf_error e;
		if (ocsdf_label_check_values(o->anomaly, o->normal, &e))
			ocsdf_usage_error("%s", e.msg);
	}
	if (!have_radius) {
		o->radius = malloc(sizeof *o->radius);
		if (!o->radius)
			ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
		o->radius[0] = 0;
		o->nradius = 1;
	}
	/* Radius 0 (the plain AUROC) always comes first when not listed, so
	 * every certified figure is shown beside the value it bounds. */
	int has_zero = 0;
	for (int i = 0; i < o->nradius; i++)
		has_zero |= o->radius[i] == 0;
	if (!has_zero) {
		double *r = realloc(o->radius, (size_t)(o->nradius + 1) * sizeof *r);
		if (!r)
			ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
		memmove(r + 1, r, (size_t)o->nradius * sizeof *r);
		r[0] = 0;
		o->radius = r;
		o->nradius++;
	}
}

static void open_outputs(const options *o)
{
	const char *paths[N_OUT] = {o->out_path, o->roc_path, o->plot_path, o->hist_path,
				    o->decisions_path};
	static const char *const names[N_OUT] = {"-o", "--roc", "--plot", "--plot-hist",
						 "--decisions"};
	ocsdf_error e;
	int to_stdout = 0;
	for (int i = 0; i < N_OUT; i++) {
		int is_std = i == OUT_REPORT ? (!paths[i] || strcmp(paths[i], "-") == 0)
					     : (paths[i] && strcmp(paths[i], "-") == 0);
		to_stdout += is_std;
		for (int j = 0; j < i; j++)
			if (paths[i] && paths[j] && strcmp(paths[i], "-") != 0 && strcmp(paths[j], "-") != 0 &&
			    ocsdf_output_same_file(paths[i], paths[j]))
				ocsdf_usage_error("%s '%s' and %s '%s' name the same file", names[j], paths[j],
						  names[i], paths[i]);
	}
	if (to_stdout > 1)
		ocsdf_usage_error("only one output can go to standard output (the report, unless -o)");
	for (int i = 0; i < N_OUT; i++) {
		if (i != OUT_REPORT && !paths[i])
			continue;
		if (ocsdf_output_open(&outs[i], paths[i], o->force, &e) != 0)
			fail(&e);
		out_open[i] = 1;
	}
}

static void commit_outputs(void)
{
	ocsdf_error e;
	/* Every file, standard output included, is flushed before any is
	 * renamed into place, so that a full disk or a closed standard output
	 * fails the run with no new file rather than some. */
	for (int i = 0; i < N_OUT; i++) {
		errno = 0;
		if (out_open[i] && (fflush(outs[i].fp) != 0 || ferror(outs[i].fp)))
			fail_msg(OCSDF_EIO, "write error on %s: %s",
				 outs[i].path ? outs[i].path : "standard output",
				 errno ? strerror(errno) : "I/O error");
	}
	for (int i = 0; i < N_OUT; i++) {
		if (!out_open[i])
			continue;
		out_open[i] = 0;
		if (ocsdf_output_commit(&outs[i], &e) != 0)
			fail(&e);
	}
}

/* ---- the report ---- */

typedef struct report {
	const options *o;
	const dataset *d;
	const char *units;       /* sentence stating the radius units */
	const char *units_key;   /* its stable JSON/CSV name */
	result *res;
	double threshold;        /* user's units; meaningful if has_thr */
	int has_thr;
	size_t n_correct;
	double rad_min, rad_median;
} report;

static const char *lsource_name(int s)
{
	return s == L_MODEL ? "model" : s == L_OPTION ? "option" : "default";
}

static void write_table(FILE *fp, const report *r)
{
	const options *o = r->o;
	const dataset *d = r->d;
	char b1[64], b2[64], b3[64];
	int ci = o->ci != CI_NONE;
	fprintf(fp, "input              %s\n", d->name);
	fprintf(fp, "score column       %s (%s)\n", ocsdf_text_shown(o->score_col, b1, sizeof b1),
		o->higher_anomalous ? "higher = more anomalous" : "higher = more normal");
	fprintf(fp, "label column       %s (anomaly = %s, normal = %s)\n",
		ocsdf_text_shown(o->label_col, b1, sizeof b1), ocsdf_text_shown(o->anomaly, b2, sizeof b2),
		ocsdf_text_shown(o->normal, b3, sizeof b3));
	fprintf(fp, "rows               %zu (%zu normal, %zu anomalous)\n", d->n, d->n - d->n_anom,
		d->n_anom);
	fprintf(fp, "radius units       %s\n", r->units);
	fprintf(fp, "AUROC              %.6f (DeLong SE %.6f)\n", r->res[0].auroc, r->res[0].se);
	fprintf(fp, "average precision  %.6f\n", r->res[0].ap);
	if (o->ci == CI_DELONG)
		fprintf(fp, "interval           DeLong normal approximation, level %g\n", o->level);
	else if (o->ci == CI_BOOTSTRAP)
		fprintf(fp, "interval           stratified bootstrap percentile, level %g, %ld resamples, "
			"seed %ld\n", o->level, o->resamples, o->seed);
	fputc('\n', fp);
	fprintf(fp, "%12s %12s %10s %10s", "radius", "score_shift", "auroc", "auroc_se");
	if (ci)
		fprintf(fp, " %10s %10s", "ci_low", "ci_high");
	fprintf(fp, " %10s\n", "avg_prec");
	for (int k = 0; k < o->nradius; k++) {
		const result *x = &r->res[k];
		fprintf(fp, "%12g %12g %10.6f %10.6f", x->radius, x->shift, x->auroc, x->se);
		if (ci)
			fprintf(fp, " %10.6f %10.6f", x->ci_lo, x->ci_hi);
		fprintf(fp, " %10.6f\n", x->ap);
	}
	if (!r->has_thr)
		return;
	fputc('\n', fp);
	fprintf(fp, "threshold          %.9g (flagged: score %s threshold%s)\n", r->threshold,
		o->higher_anomalous ? ">" : "<", o->has_fpr ? ", chosen by --fpr" : "");
	fprintf(fp, "%12s %10s %10s %10s %10s %10s %10s\n", "radius", "tp", "fp", "tn", "fn", "tpr",
		"fpr");
	for (int k = 0; k < o->nradius; k++) {
		const result *x = &r->res[k];
		fprintf(fp, "%12g %10llu %10llu %10llu %10llu %10.6f %10.6f\n", x->radius,
			(unsigned long long)x->conf.tp, (unsigned long long)x->conf.fp,
			(unsigned long long)x->conf.tn, (unsigned long long)x->conf.fn,
			(double)x->conf.tp / (double)d->n_anom,
			(double)x->conf.fp / (double)(d->n - d->n_anom));
	}
	fprintf(fp, "(at radius > 0: the worst case over every attack of that radius)\n");
	if (r->n_correct)
		fprintf(fp, "decision radius    %zu correct decisions, smallest radius that could flip "
			"one %.6g, median %.6g\n", r->n_correct, r->rad_min, r->rad_median);
	else
		fprintf(fp, "decision radius    no correct decision at this threshold\n");
}

static void write_csv(FILE *fp, const report *r)
{
	const options *o = r->o;
	const dataset *d = r->d;
	fputs("radius,score_shift,lipschitz,radius_units,n_normal,n_anomalous,auroc,auroc_se,ci_low,"
	      "ci_high,average_precision", fp);
	if (r->has_thr)
		fputs(",threshold,tp,fp,tn,fn,tpr,fpr", fp);
	fputc('\n', fp);
	for (int k = 0; k < o->nradius; k++) {
		const result *x = &r->res[k];
		put_num(fp, x->radius);
		fputc(',', fp);
		put_num(fp, x->shift);
		fputc(',', fp);
		put_num(fp, o->lipschitz);
		fprintf(fp, ",%s,%zu,%zu,", r->units_key, d->n - d->n_anom, d->n_anom);
		put_num(fp, x->auroc);
		fputc(',', fp);
		csv_num(fp, x->se);
		fputc(',', fp);
		csv_num(fp, x->ci_lo);
		fputc(',', fp);
		csv_num(fp, x->ci_hi);
		fputc(',', fp);
		put_num(fp, x->ap);
		if (r->has_thr) {
			fputc(',', fp);
			put_num(fp, r->threshold);
			fprintf(fp, ",%llu,%llu,%llu,%llu,", (unsigned long long)x->conf.tp,
				(unsigned long long)x->conf.fp, (unsigned long long)x->conf.tn,
				(unsigned long long)x->conf.fn);
			put_num(fp, (double)x->conf.tp / (double)d->n_anom);
			fputc(',', fp);
			put_num(fp, (double)x->conf.fp / (double)(d->n - d->n_anom));
		}
		fputc('\n', fp);
	}
}

static void write_json(FILE *fp, const report *r)
{
	const options *o = r->o;
	const dataset *d = r->d;
	fputs("{\n  \"program\": \"ocsdf-certify\",\n  \"version\": ", fp);
	json_str(fp, OCSDF_VERSION);
	fputs(",\n  \"input\": ", fp);
	json_str(fp, d->name);
	fputs(",\n  \"score_column\": ", fp);
	json_str(fp, o->score_col);
	fputs(",\n  \"label_column\": ", fp);
	json_str(fp, o->label_col);
	fputs(",\n  \"anomaly_value\": ", fp);
	json_str(fp, o->anomaly);
	fputs(",\n  \"normal_value\": ", fp);
	json_str(fp, o->normal);
	fprintf(fp, ",\n  \"higher_is_anomalous\": %s", o->higher_anomalous ? "true" : "false");
	fprintf(fp, ",\n  \"rows\": %zu,\n  \"normal\": %zu,\n  \"anomalous\": %zu", d->n,
		d->n - d->n_anom, d->n_anom);
	fputs(",\n  \"lipschitz\": ", fp);
	json_num(fp, o->lipschitz);
	fprintf(fp, ",\n  \"lipschitz_source\": \"%s\",\n  \"model\": ", lsource_name(o->lsource));
	if (o->model_path)
		json_str(fp, o->model_path);
	else
		fputs("null", fp);
	fprintf(fp, ",\n  \"radius_units\": \"%s\"", r->units_key);
	fputs(",\n  \"auroc\": ", fp);
	json_num(fp, r->res[0].auroc);
	fputs(",\n  \"auroc_se\": ", fp);
	json_num(fp, r->res[0].se);
	fputs(",\n  \"average_precision\": ", fp);
	json_num(fp, r->res[0].ap);
	fputs(",\n  \"ci\": ", fp);
	if (o->ci == CI_NONE) {
		fputs("null", fp);
	} else {
		fprintf(fp, "{\"method\": \"%s\", \"level\": ", o->ci == CI_DELONG ? "delong" : "bootstrap");
		json_num(fp, o->level);
		if (o->ci == CI_BOOTSTRAP)
			fprintf(fp, ", \"resamples\": %ld, \"seed\": %ld", o->resamples, o->seed);
		fputc('}', fp);
	}
	fputs(",\n  \"radii\": [", fp);
	for (int k = 0; k < o->nradius; k++) {
		const result *x = &r->res[k];
		fputs(k ? ",\n    {\"radius\": " : "\n    {\"radius\": ", fp);
		json_num(fp, x->radius);
		fputs(", \"score_shift\": ", fp);
		json_num(fp, x->shift);
		fputs(", \"auroc\": ", fp);
		json_num(fp, x->auroc);
		fputs(", \"auroc_se\": ", fp);
		json_num(fp, x->se);
		fputs(", \"ci_low\": ", fp);
		json_num(fp, x->ci_lo);
		fputs(", \"ci_high\": ", fp);
		json_num(fp, x->ci_hi);
		fputs(", \"average_precision\": ", fp);
		json_num(fp, x->ap);
		if (r->has_thr)
			fprintf(fp, ", \"tp\": %llu, \"fp\": %llu, \"tn\": %llu, \"fn\": %llu",
				(unsigned long long)x->conf.tp, (unsigned long long)x->conf.fp,
				(unsigned long long)x->conf.tn, (unsigned long long)x->conf.fn);
		fputc('}', fp);
	}
	fputs("\n  ],\n  \"threshold\": ", fp);
	if (!r->has_thr) {
		fputs("null\n}\n", fp);
		return;
	}
	fputs("{\"value\": ", fp);
	json_num(fp, r->threshold);
	fprintf(fp, ", \"flagged_when\": \"%s\", \"target_fpr\": ",
		o->higher_anomalous ? "score > threshold" : "score < threshold");
	if (o->has_fpr)
		json_num(fp, o->fpr);
	else
		fputs("null", fp);
	fprintf(fp, ", \"tp\": %llu, \"fp\": %llu, \"tn\": %llu, \"fn\": %llu",
		(unsigned long long)r->res[0].conf.tp, (unsigned long long)r->res[0].conf.fp,
		(unsigned long long)r->res[0].conf.tn, (unsigned long long)r->res[0].conf.fn);
	fputs(", \"tpr\": ", fp);
	json_num(fp, (double)r->res[0].conf.tp / (double)d->n_anom);
	fputs(", \"fpr\": ", fp);
	json_num(fp, (double)r->res[0].conf.fp / (double)(d->n - d->n_anom));
	fputs(", \"precision\": ", fp);
	json_num(fp, r->res[0].conf.tp + r->res[0].conf.fp
			     ? (double)r->res[0].conf.tp / (double)(r->res[0].conf.tp + r->res[0].conf.fp)
			     : NAN);
	fprintf(fp, ",\n    \"correct\": %zu, \"decision_radius_min\": ", r->n_correct);
	json_num(fp, r->n_correct ? r->rad_min : NAN);
	fputs(", \"decision_radius_median\": ", fp);
	json_num(fp, r->n_correct ? r->rad_median : NAN);
	fputs("}\n}\n", fp);
}

/* ---- curves and plots ---- */

static void write_roc_rows(FILE *fp, const options *o, double radius, const ocsdf_roc_point *p,
			   size_t n)
{
	char rb[OCSDF_TEXT_NUMBER_MAX];
	ocsdf_text_number(rb, sizeof rb, radius, 15);
	for (size_t i = 0; i < n; i++) {
		fputs(rb, fp);
		fputc(',', fp);
		put_num(fp, o->higher_anomalous ? -p[i].threshold : p[i].threshold);
		fputc(',', fp);
		put_num(fp, p[i].fpr);
		fputc(',', fp);
		put_num(fp, p[i].tpr);
		fputc('\n', fp);
	}
}

/* The ROC curves of every radius: to the --roc file as they come, and
 * kept for the plot. */
static void write_curves(const report *r, const ocsdf_roc *roc, const double *shifts)
{
	const options *o = r->o;
	int plot = out_open[OUT_PLOT];
	ocsdf_roc_plot_curve *c = calloc((size_t)o->nradius, sizeof *c);
	ocsdf_roc_point **pts = calloc((size_t)o->nradius, sizeof *pts);
	char (*labels)[96] = calloc((size_t)o->nradius, sizeof *labels);
	char title[1024], sub[512], b1[64];
	ocsdf_error e;
	if (!c || !pts || !labels)
		fail_msg(OCSDF_ESOFTWARE, "out of memory");
	if (out_open[OUT_ROC])
		fputs("radius,threshold,fpr,tpr\n", outs[OUT_ROC].fp);
	for (int k = 0; k < o->nradius; k++) {
		ocsdf_roc_point *p;
		size_t np;
		if (ocsdf_roc_curve(roc, shifts[k], &p, &np, &e) != 0)
			fail(&e);
		if (out_open[OUT_ROC])
			write_roc_rows(outs[OUT_ROC].fp, o, o->radius[k], p, np);
		if (!plot) {
			free(p);
			continue;
		}
		pts[k] = p;
		c[k].pts = p;
		c[k].n = np;
		if (r->res[k].radius == 0)
			snprintf(labels[k], sizeof labels[k], "\xce\xb5 = 0: AUROC %.4f", r->res[k].auroc);
		else
			snprintf(labels[k], sizeof labels[k], "\xce\xb5 = %g: certified AUROC %.4f",
				 r->res[k].radius, r->res[k].auroc);
		c[k].label = labels[k];
	}
	if (plot) {
		snprintf(title, sizeof title, "ROC curves of %s, plain and certified", r->d->name);
		snprintf(sub, sizeof sub, "score '%s'; radii in %s", ocsdf_text_shown(o->score_col, b1, sizeof b1),
			 r->units);
		if (ocsdf_roc_plot(outs[OUT_PLOT].fp, c, o->nradius, title, sub, &e) != 0)
			fail(&e);
		for (int k = 0; k < o->nradius; k++)
			free(pts[k]);
	}
	free(c);
	free(pts);
	free(labels);
}

/* Histograms in the user's units: scores flipped back if they were. */
static void write_hist(const report *r)
{
	const options *o = r->o;
	const dataset *d = r->d;
	double *user = d->score;
	char title[1024], xlabel[160], b1[64];
	ocsdf_roc_hist_opts h;
	ocsdf_error e;
	if (o->higher_anomalous) {
		user = malloc(d->n * sizeof *user);
		if (!user)
			fail_msg(OCSDF_ESOFTWARE, "out of memory");
		for (size_t i = 0; i < d->n; i++)
			user[i] = -d->score[i];
	}
	snprintf(title, sizeof title, "Scores of normal and anomalous rows of %s", d->name);
	snprintf(xlabel, sizeof xlabel, "score '%s' (%s)", ocsdf_text_shown(o->score_col, b1, sizeof b1),
		 o->higher_anomalous ? "higher = more anomalous" : "higher = more normal");
	h.bins = (int)o->bins;
	h.threshold = r->has_thr ? &r->threshold : NULL;
	h.title = title;
	h.xlabel = xlabel;
	h.legend_right = o->higher_anomalous;
	if (ocsdf_roc_plot_hist(outs[OUT_HIST].fp, user, d->anom, d->n, &h, &e) != 0)
		fail(&e);
	if (user != d->score)
		free(user);
}

/* Per-row decisions and radii; the scores in the user's units. */
static void write_decisions(FILE *fp, const report *r, double t_int)
{
	const dataset *d = r->d;
	const options *o = r->o;
	fputs("line,score,anomalous,flagged,correct,radius\n", fp);
	for (size_t i = 0; i < d->n; i++) {
		int flagged = d->score[i] < t_int;
		fprintf(fp, "%ld,", d->line[i]);
		put_num(fp, o->higher_anomalous ? -d->score[i] : d->score[i]);
		fprintf(fp, ",%d,%d,%d,", d->anom[i], flagged, flagged == d->anom[i]);
		put_num(fp, ocsdf_roc_decision_radius(d->score[i], t_int, o->lipschitz));
		fputc('\n', fp);
	}
}

/* ---- main ---- */

/* Every figure at every radius; the intervals if asked. */
static void compute(report *rep, const ocsdf_roc *roc, const double *shifts, double t_int)
{
	const options *o = rep->o;
	ocsdf_error e;
	for (int k = 0; k < o->nradius; k++) {
		result *x = &rep->res[k];
		x->radius = o->radius[k];
		x->shift = shifts[k];
		x->auroc = ocsdf_roc_auroc(roc, shifts[k]);
		x->se = ocsdf_roc_delong_se(roc, shifts[k]);
		x->ap = ocsdf_roc_average_precision(roc, shifts[k]);
		x->ci_lo = x->ci_hi = NAN;
		if (o->ci == CI_DELONG) {
			double z = ocsdf_roc_normal_quantile(0.5 + o->level / 2);
			x->ci_lo = fmax(0, x->auroc - z * x->se);
			x->ci_hi = fmin(1, x->auroc + z * x->se);
		}
		if (rep->has_thr)
			ocsdf_roc_confusion(roc, t_int, shifts[k], &x->conf);
	}
	if (o->ci == CI_BOOTSTRAP) {
		double *lo = malloc((size_t)o->nradius * sizeof *lo);
		double *hi = malloc((size_t)o->nradius * sizeof *hi);
		if (!lo || !hi)
			fail_msg(OCSDF_ESOFTWARE, "out of memory");
		if (ocsdf_roc_bootstrap(roc, shifts, o->nradius, (int)o->resamples, o->level,
					(uint64_t)o->seed, lo, hi, &e) != 0)
			fail(&e);
		for (int k = 0; k < o->nradius; k++) {
			rep->res[k].ci_lo = lo[k];
			rep->res[k].ci_hi = hi[k];
		}
		free(lo);
		free(hi);
	}
}

/* The smallest and the median decision radius of the rows decided
 * correctly at the threshold. */
static void decision_radii(report *rep, double t_int)
{
	const dataset *d = rep->d;
	double *rad = malloc(d->n * sizeof *rad);
	size_t k = 0;
	if (!rad)
		fail_msg(OCSDF_ESOFTWARE, "out of memory");
	for (size_t i = 0; i < d->n; i++)
		if ((d->score[i] < t_int) == d->anom[i])
			rad[k++] = ocsdf_roc_decision_radius(d->score[i], t_int, rep->o->lipschitz);
	rep->n_correct = k;
	if (k) {
		if (ocsdf_roc_sort(rad, k) != 0)
			fail_msg(OCSDF_ESOFTWARE, "out of memory");
		rep->rad_min = rad[0];
		rep->rad_median = k % 2 ? rad[k / 2] : 0.5 * (rad[k / 2 - 1] + rad[k / 2]);
	}
	free(rad);
}

int main(int argc, char **argv)
{
	options o;
	dataset d;
	report rep;
	ocsdf_roc *roc;
	ocsdf_error e;
	double *shifts, t_int = 0;
	char units[256], b1[64];

	ocsdf_cli_init(argv[0]);
	parse_options(argc, argv, &o);
	ocsdf_output_protect_input(o.input);
	ocsdf_output_protect_input(o.model_path);
	ocsdf_output_cleanup_on_signals();
	open_outputs(&o);

	if (o.model_path) {
		ocsdf_model *m;
		if (ocsdf_model_load(o.model_path, &m, &e) != 0)
			fail(&e);
		o.lipschitz = m->stats.lipschitz_raw;
		ocsdf_model_free(m);
		if (!(isfinite(o.lipschitz) && o.lipschitz > 0))
			fail_msg(OCSDF_EDATA, "%s: the model's Lipschitz constant w.r.t. raw inputs (%g) "
				 "is not a positive number", o.model_path, o.lipschitz);
		snprintf(units, sizeof units, "raw input units of model %s (L = %.6g)",
			 ocsdf_text_shown(o.model_path, b1, sizeof b1), o.lipschitz);
	} else if (o.lsource == L_OPTION) {
		snprintf(units, sizeof units, "the units in which the score is %.6g-Lipschitz "
			 "(--lipschitz)", o.lipschitz);
	} else {
		snprintf(units, sizeof units, "score units (L = 1)");
	}

	read_input(&o, &d);
	if (d.n == 0)
		fail_msg(OCSDF_EDATA, "%s: no data rows after the header", d.name);
	if (d.n_anom == 0 || d.n_anom == d.n) {
		char b2[64];
		fail_msg(OCSDF_EDATA, "%s: a single class: all %zu rows are %s, none has the %s "
			 "value '%s' in column '%s'; the AUROC needs both classes", d.name, d.n,
			 d.n_anom ? "anomalous" : "normal", d.n_anom ? "normal" : "anomaly",
			 ocsdf_text_shown(d.n_anom ? o.normal : o.anomaly, b1, sizeof b1),
			 ocsdf_text_shown(o.label_col, b2, sizeof b2));
	}
	if (ocsdf_roc_new(d.score, d.anom, d.n, &roc, &e) != 0)
		fail(&e);
	if (!o.quiet && (d.n_anom < 2 || d.n - d.n_anom < 2))
		ocsdf_warn("%s: a single %s row: the standard error and the DeLong interval are "
			   "undefined", d.name, d.n_anom < 2 ? "anomalous" : "normal");

	memset(&rep, 0, sizeof rep);
	rep.o = &o;
	rep.d = &d;
	rep.units = units;
	rep.units_key = o.lsource == L_MODEL ? "raw-input" : o.lsource == L_OPTION ? "lipschitz" : "score";
	rep.res = calloc((size_t)o.nradius, sizeof *rep.res);
	shifts = calloc((size_t)o.nradius, sizeof *shifts);
	if (!rep.res || !shifts)
		fail_msg(OCSDF_ESOFTWARE, "out of memory");
	for (int k = 0; k < o.nradius; k++) {
		shifts[k] = o.radius[k] * o.lipschitz;
		if (!isfinite(shifts[k]))
			fail_msg(OCSDF_EUSAGE, "radius %g times the Lipschitz constant %g overflows",
				 o.radius[k], o.lipschitz);
	}

	rep.has_thr = o.has_threshold || o.has_fpr;
	if (o.has_threshold)
		t_int = o.higher_anomalous ? -o.threshold : o.threshold;
	else if (o.has_fpr)
		t_int = ocsdf_roc_threshold_at_fpr(roc, o.fpr);
	rep.threshold = o.higher_anomalous ? -t_int : t_int;

	compute(&rep, roc, shifts, t_int);
	if (rep.has_thr)
		decision_radii(&rep, t_int);

	if (out_open[OUT_ROC] || out_open[OUT_PLOT])
		write_curves(&rep, roc, shifts);
	if (out_open[OUT_HIST])
		write_hist(&rep);
	if (out_open[OUT_DECISIONS])
		write_decisions(outs[OUT_DECISIONS].fp, &rep, t_int);
	if (o.format == FMT_JSON)
		write_json(outs[OUT_REPORT].fp, &rep);
	else if (o.format == FMT_CSV)
		write_csv(outs[OUT_REPORT].fp, &rep);
	else
		write_table(outs[OUT_REPORT].fp, &rep);
	commit_outputs();

	ocsdf_roc_free(roc);
	free(rep.res);
	free(shifts);
	ocsdf_label_scores_free(&d);
	free(o.radius);
	return 0;
}
