/*
 * ocsdf-score: appends the learned signed distance to every row of a CSV
 * stream.  Rows are read, scored and written in blocks, so memory does not
 * grow with the input.  With --attack it also appends, for each radius, the
 * score after an l2 PGD attack on the row (lib/attack.h): the empirical
 * counterpart of ocsdf-certify's certificate.  With --decide it also writes
 * each row's decision at the level the training set (f < 0: an anomaly) and
 * the radius in raw input units within which that decision cannot flip.
 * Every column in raw units has a name ending in _raw, so that the units
 * travel with the scores to ocsdf-certify.
 */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attack.h"
#include "cli.h"
#include "csv.h"
#include "label.h"
#include "model.h"
#include "output.h"
#include "score.h"
#include "text.h"

enum { BLOCK = 4096 };

static const char usage_text[] =
	"Usage: ocsdf-score -m MODEL [OPTION]... [FILE]\n"
	"Append the signed distance learned by ocsdf-train to each row of a CSV FILE\n"
	"(or standard input): positive inside the data's support (normal), negative\n"
	"outside (anomalous).\n"
	"\n"
	"  -m, --model MODEL      model file (required)\n"
	"  -o, --output FILE      write here instead of standard output\n"
	"  -f, --force            overwrite an existing output file\n"
	"      --score NAME       name of the score column (default sdf)\n"
	"      --only             write the score columns alone\n"
	"      --units KIND       model (default): distance in standardized units;\n"
	"                         raw: divided by the model's Lipschitz constant, so\n"
	"                         1-Lipschitz in the raw input units; the score\n"
	"                         columns are then named NAME_raw\n"
	"      --decide           also write NAME_flagged, 1 for a row outside the\n"
	"                         learned support (score < 0: the level that\n"
	"                         ocsdf-train set from its contamination rate) and\n"
	"                         0 inside, and NAME_radius_raw, the l2 distance in\n"
	"                         raw input units within which that decision\n"
	"                         cannot flip\n"
	"      --threads N        OpenBLAS threads of the attack (default: 1 below\n"
	"                         width 512, else all cores); the scores themselves\n"
	"                         use one, so that they do not depend on it\n"
	"  -v, --verbose          say which OpenBLAS kernels and threads run\n"
	"      --no-header        the input has no header line: its first columns are the\n"
	"                         model's features in the model's order (or as --columns\n"
	"                         names them); no header is written either\n"
	"      --header-optional  the first line is a header only if it starts with the\n"
	"                         model's feature names, else a row read as with\n"
	"                         --no-header (chunks of a file cut without its header)\n"
	"      --columns LIST     without a header, the names of the input's columns,\n"
	"                         comma-separated (default: the model's features, then\n"
	"                         x<N> for the N-th column)\n"
	"      --delimiter C      field delimiter of input and output (default ','; a\n"
	"                         character, or 'tab')\n"
	"  -q, --quiet            no progress\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Attack (empirical robustness):\n"
	"      --attack pgd       also write each row's score after an l2 PGD attack\n"
	"                         that lowers normal and raises anomalous scores\n"
	"      --radius LIST      attack radii, comma-separated, in RAW input units;\n"
	"                         one column per radius (required with --attack)\n"
	"      --label COL        label column saying which rows are anomalies\n"
	"      --anomaly VALUE    label value of anomalies (default 1)\n"
	"      --normal VALUE     label value of normal rows (default 0); any other\n"
	"                         label is an error\n"
	"      --attack-steps N   gradient steps per restart (default 20)\n"
	"      --restarts N       random starts in the ball per row (default 3)\n"
	"      --seed N           seed of the random starts (default 1)\n"
	"      --attack-column NAME\n"
	"                         name of the attacked column (default SCORE_pgd;\n"
	"                         with several radii NAME_R, e.g. sdf_pgd_0.1)\n"
	"Old names, accepted until version 0.2:\n"
	"      --column NAME      --score NAME\n"
	"\n"
	"Examples:\n"
	"  ocsdf-score -m cardio.model --decide cardio.csv > decided.csv\n"
	"  ocsdf-score -m cardio.model cardio.csv | ocsdf-certify --label label\n"
	"  ocsdf-score -m cardio.model --attack pgd --radius 0.1 --label label \\\n"
	"      cardio.csv | ocsdf-certify --score sdf_pgd --label label\n";

enum {
	O_COLUMN = 256, O_ONLY, O_UNITS, O_DECIDE, O_ATTACK, O_RADIUS, O_LABEL, O_ANOMALY, O_NORMAL, O_STEPS,
	O_RESTARTS, O_SEED, O_ATTACK_COLUMN, O_THREADS, O_NO_HEADER, O_HEADER_OPTIONAL, O_COLUMNS, O_DELIMITER
};

static const struct option long_options[] = {
	{"model", required_argument, 0, 'm'},
	{"output", required_argument, 0, 'o'},
	{"force", no_argument, 0, 'f'},
	{"score", required_argument, 0, O_COLUMN},
	{"column", required_argument, 0, O_COLUMN},
	{"only", no_argument, 0, O_ONLY},
	{"units", required_argument, 0, O_UNITS},
	{"decide", no_argument, 0, O_DECIDE},
	{"attack", required_argument, 0, O_ATTACK},
	{"radius", required_argument, 0, O_RADIUS},
	{"label", required_argument, 0, O_LABEL},
	{"anomaly", required_argument, 0, O_ANOMALY},
	{"normal", required_argument, 0, O_NORMAL},
	{"attack-steps", required_argument, 0, O_STEPS},
	{"restarts", required_argument, 0, O_RESTARTS},
	{"seed", required_argument, 0, O_SEED},
	{"attack-column", required_argument, 0, O_ATTACK_COLUMN},
	{"threads", required_argument, 0, O_THREADS},
	{"verbose", no_argument, 0, 'v'},
	{"no-header", no_argument, 0, O_NO_HEADER},
	{"header-optional", no_argument, 0, O_HEADER_OPTIONAL},
	{"columns", required_argument, 0, O_COLUMNS},
	{"delimiter", required_argument, 0, O_DELIMITER},
	{"quiet", no_argument, 0, 'q'},
	{"help", no_argument, 0, 'h'},
	{"version", no_argument, 0, 'V'},
	{0, 0, 0, 0}};

/* The options that only --attack uses. */
static const int attack_options[] = {O_RADIUS, O_LABEL, O_ANOMALY, O_NORMAL, O_STEPS, O_RESTARTS, O_SEED,
				     O_ATTACK_COLUMN, 0};

typedef struct options {
	const char *model_path, *out_path, *column, *input;
	const char *label_col, *anomaly, *normal, *attack_column;
	const char *attack_opt;   /* the last attack option given, without "--" */
	int force, only, raw_units, decide, quiet, attack, threads, verbose;
	int header;               /* OCSDF_CSV_HEADER... */
	char delimiter;
	char **columns;           /* --columns, ncolumns names (one block) */
	int ncolumns;
	double *radius;           /* nrad attack radii, malloc'ed */
	int nrad;
	ocsdf_attack_params ap;
	int action;               /* OCSDF_CLI_RUN, or -h or -V came first */
} options;

/* What a run holds, from the model to the output. */
typedef struct run {
	ocsdf_model *m;
	ocsdf_csv_reader *r;
	int *cols, lcol;          /* the model's features in the input; the label column */
	int ncols;                /* of names */
	char **names;             /* output columns: the score, one per radius, and
				     with --decide the decision and its radius */
	ocsdf_scorer *sc;
	ocsdf_attack *atk;
	float *f, *adv;           /* BLOCK scores; BLOCK attacked scores per radius */
	signed char *push;        /* BLOCK directions of attack: +1 anomaly, -1 normal */
	double scale;             /* of the scores written */
	char delim;               /* between the fields written */
	ocsdf_output out;
} run;

/* Takes one option (getopt_long's c and optarg) into o; e set if refused. */
static void take_option(void *ctx, int c, ocsdf_error *e)
{
	options *o = ctx;
	static const char *const units_list[] = {"model", "raw", NULL};
	static const char *const attack_list[] = {"pgd", NULL};
	if (ocsdf_option_among(c, attack_options))
		o->attack_opt = ocsdf_option_name(long_options, c);
	switch (c) {
	case 'm': o->model_path = optarg; break;
	case 'o': o->out_path = ocsdf_arg_output(e, "-o", optarg); break;
	case 'f': o->force = 1; break;
	case O_COLUMN: o->column = optarg; break;
	case O_ONLY: o->only = 1; break;
	case O_UNITS: o->raw_units = ocsdf_arg_choice(e, "--units", optarg, units_list); break;
	case O_DECIDE: o->decide = 1; break;
	case O_ATTACK:
		ocsdf_arg_choice(e, "--attack", optarg, attack_list);
		o->attack = 1;
		break;
	case O_RADIUS:
		free(o->radius);
		o->radius = ocsdf_arg_double_list(e, "--radius", optarg, 0, OCSDF_ATTACK_MAX_RADIUS, &o->nrad);
		break;
	case O_LABEL: o->label_col = optarg; break;
	case O_ANOMALY: o->anomaly = optarg; break;
	case O_NORMAL: o->normal = optarg; break;
	case O_STEPS: o->ap.steps = (int)ocsdf_arg_long(e, "--attack-steps", optarg, 1, OCSDF_ATTACK_MAX_STEPS); break;
	case O_RESTARTS:
		o->ap.restarts = (int)ocsdf_arg_long(e, "--restarts", optarg, 1, OCSDF_ATTACK_MAX_RESTARTS);
		break;
	case O_SEED: o->ap.seed = (uint64_t)ocsdf_arg_long(e, "--seed", optarg, 0, 0x7fffffffffffffffL); break;
	case O_ATTACK_COLUMN: o->attack_column = optarg; break;
	case O_THREADS: o->threads = (int)ocsdf_arg_long(e, "--threads", optarg, 1, OCSDF_THREADS_MAX); break;
	case 'v': o->verbose = 1; break;
	case O_NO_HEADER: o->header = OCSDF_CSV_NO_HEADER; break;
	case O_HEADER_OPTIONAL: o->header = OCSDF_CSV_HEADER_IF; break;
	case O_COLUMNS:
		free(o->columns);
		o->columns = ocsdf_arg_name_list(e, "--columns", optarg, &o->ncolumns);
		break;
	case O_DELIMITER: o->delimiter = ocsdf_arg_delimiter(e, "--delimiter", optarg); break;
	case 'q': o->quiet = 1; break;
	}
}

/* The attack options together: 0, or 64 with e set. */
static int check_attack(const options *o, ocsdf_error *e)
{
	if (!o->radius)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--attack needs radii (--radius LIST, raw input units)");
	if (!o->label_col)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--attack needs the label column (--label COL): it says which "
				       "way to push each row");
	if (o->attack_column && !*o->attack_column)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--attack-column needs a non-empty name");
	if (ocsdf_label_check_values(o->anomaly, o->normal, e))
		return OCSDF_EUSAGE;
	for (int k = 0; k < o->nrad; k++)
		for (int j = 0; j < k; j++)
			if (o->radius[j] == o->radius[k])
				return ocsdf_error_set(e, OCSDF_EUSAGE, "radius %g is listed twice in --radius",
						       o->radius[k]);
	return 0;
}

static const char raw_suffix[] = OCSDF_SCORE_RAW_SUFFIX;

/* The length of a column name given, without its suffix of raw units. */
static size_t base_len(const char *name)
{
	return strlen(name) - (ocsdf_score_name_is_raw(name) ? sizeof raw_suffix - 1 : 0);
}

/* Fills o from the command line: 0, or 64 with e set. */
static int parse_options(int argc, char **argv, void *ctx, ocsdf_error *e)
{
	options *o = ctx;
	*o = (options){.column = "sdf", .anomaly = "1", .normal = "0", .ap = {20, 3, 1}};
	if (ocsdf_arg_read(argc, argv, ":m:o:fvqhV", long_options, take_option, o, &o->action, e) || o->action)
		return e->code;
	if (!o->model_path)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "a model is required (-m MODEL)");
	if (optind + 1 < argc)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "too many arguments: one input FILE at most");
	if (!*o->column)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--score needs a non-empty name");
	if (!o->raw_units && (ocsdf_score_name_is_raw(o->column) ||
			      (o->attack_column && ocsdf_score_name_is_raw(o->attack_column))))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "a name ending in %s says raw units: it needs --units raw",
				       raw_suffix);
	if (o->columns && o->header != OCSDF_CSV_NO_HEADER)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--columns names the columns of an input without a header: "
				       "it needs --no-header");
	if (!o->attack && o->attack_opt)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--%s is an attack option: it needs --attack pgd", o->attack_opt);
	o->input = optind < argc ? argv[optind] : "-";
	return o->attack ? check_attack(o, e) : 0;
}

static _Noreturn void fail(run *r, const ocsdf_error *e)
{
	ocsdf_output_abort(&r->out);
	ocsdf_die_error(e);
}

/* The model, the input, and where the model's features and the label are
 * in it. */
static void open_input(const options *o, run *r)
{
	ocsdf_error e;
	if (ocsdf_model_load(o->model_path, &r->m, &e))
		ocsdf_die_error(&e);
	if (r->m->ckpt)
		ocsdf_warn("%s is the checkpoint of an interrupted training run", o->model_path);
	else if (o->decide && r->m->settings.sampler != OCSDF_SAMPLER_DISTANCE)
		ocsdf_warn("%s was trained with --sampler paper, which does not set the level from a contamination "
			   "rate: the decisions are those of the boundary the network learned", o->model_path);
	ocsdf_threads_set(o->threads, r->m->arch.width);
	if (o->verbose && !o->quiet)
		ocsdf_kernels_report();
	r->scale = o->raw_units ? 1.0 / r->m->stats.lipschitz_raw : 1.0;
	/* Without a header, the model's features come first, in its order. */
	ocsdf_csv_options copt = {o->delimiter, o->header, (const char *const *)r->m->names, r->m->arch.d};
	if (o->columns) {
		copt.names = (const char *const *)o->columns;
		copt.nnames = o->ncolumns;
	}
	if (ocsdf_csv_open_with(o->input, &copt, &r->r, &e))
		ocsdf_die_error(&e);
	r->delim = ocsdf_csv_delimiter(r->r);
	if (!o->columns && !ocsdf_csv_has_header(r->r) && ocsdf_csv_ncols(r->r) < r->m->arch.d)
		ocsdf_die(OCSDF_EDATA, "%s:1: %d field%s, but model %s has %d features (without a header, the "
			  "first columns are the features, in the model's order)", ocsdf_csv_filename(r->r),
			  ocsdf_csv_ncols(r->r), ocsdf_csv_ncols(r->r) == 1 ? "" : "s", o->model_path,
			  r->m->arch.d);
	r->cols = ocsdf_xmalloc(sizeof(int) * (size_t)r->m->arch.d);
	for (int j = 0; j < r->m->arch.d; j++) {
		char what[64 + OCSDF_ERROR_MAX / 2];
		snprintf(what, sizeof what, "a feature of model %s", o->model_path);
		if (ocsdf_csv_find_name(r->r, r->m->names[j], what, &r->cols[j], &e))
			ocsdf_die_error(&e);
	}
	r->lcol = -1;
	if (!o->attack)
		return;
	if (ocsdf_csv_find(r->r, o->label_col, &r->lcol, &e))
		ocsdf_die_error(&e);
	for (int j = 0; j < r->m->arch.d; j++)
		if (r->cols[j] == r->lcol)
			ocsdf_usage_error("--label names '%s', a feature column of the model", r->m->names[j]);
}

/* Dies with a usage error if name is taken by an input column (when the
 * input passes through) or by one of the names[0..n) already chosen; the
 * hint names --attack-column for an attacked column. */
static void check_name(const ocsdf_csv_reader *r, int passthrough, const char *name,
		       char *const *names, int n, int attacked)
{
	char b[64];
	if (passthrough)
		for (int k = 0; k < ocsdf_csv_ncols(r); k++)
			if (strcmp(ocsdf_csv_colname(r, k), name) == 0)
				ocsdf_usage_error("%s: a column named '%s' exists already; name the score "
						  "with --score%s",
						  ocsdf_csv_filename(r), ocsdf_text_shown(name, b, sizeof b),
						  attacked ? " or --attack-column" : "");
	for (int k = 0; k < n; k++)
		if (strcmp(names[k], name) == 0)
			ocsdf_usage_error("two output columns would be named '%s'", ocsdf_text_shown(name, b, sizeof b));
}

/* A new name: the first plen bytes of prefix, then a, b and c. */
static char *column_name(const char *prefix, size_t plen, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = ocsdf_xmalloc(plen + la + lb + lc + 1);
	memcpy(s, prefix, plen);
	memcpy(s + plen, a, la);
	memcpy(s + plen + la, b, lb);
	memcpy(s + plen + la + lb, c, lc + 1);
	return s;
}

/* The output columns: the score, then one per radius, then the decision
 * and its radius.  A column in raw units ends in _raw (the name given
 * without it gets it). */
static void name_columns(const options *o, run *r)
{
	const char *u = o->raw_units ? raw_suffix : "";
	size_t blen = base_len(o->column);
	int n = 0;
	r->names = ocsdf_xcalloc((size_t)o->nrad + 3, sizeof *r->names);
	r->names[n++] = column_name(o->column, blen, u, "", "");
	for (int k = 0; k < o->nrad; k++) {
		char rb[OCSDF_TEXT_NUMBER_MAX];
		const char *a = o->attack_column, *sep = o->nrad == 1 ? "" : "_", *rad = o->nrad == 1 ? "" : rb;
		size_t alen = a ? base_len(a) : 0;
		/* The shortest text: the column name says exactly which radius. */
		ocsdf_text_number(rb, sizeof rb, o->radius[k], 1);
		if (a)
			r->names[n++] = column_name(a, alen, sep, rad, u);
		else
			r->names[n++] = column_name(o->column, blen, o->nrad == 1 ? "_pgd" : "_pgd_", rad, u);
	}
	if (o->decide) {
		r->names[n++] = column_name(o->column, blen, "_flagged", "", "");
		r->names[n++] = column_name(o->column, blen, "_radius", raw_suffix, "");
	}
	r->ncols = n;
	for (int k = 0; k < n; k++)
		check_name(r->r, !o->only && ocsdf_csv_has_header(r->r), r->names[k], r->names, k, k >= 1 && k <= o->nrad);
}

/* The columns read, the scorer and the attack with their buffers. */
static void prepare(const options *o, run *r)
{
	ocsdf_error e;
	if (ocsdf_csv_select(r->r, r->cols, r->m->arch.d, o->attack ? &r->lcol : NULL, o->attack, !o->only, &e))
		ocsdf_die_error(&e);
	ocsdf_csv_check_scale(r->r, r->m->mean, r->m->std);
	r->sc = ocsdf_xcheck(ocsdf_scorer_new(r->m, BLOCK));
	r->f = ocsdf_xmalloc(sizeof(float) * BLOCK);
	if (!o->attack)
		return;
	r->atk = ocsdf_xcheck(ocsdf_attack_new(r->m, r->sc, BLOCK));
	r->adv = ocsdf_xmalloc(sizeof(float) * BLOCK * (size_t)o->nrad);
	r->push = ocsdf_xmalloc(BLOCK);
}

/* The input's header (unless --only), then the new columns; nothing for
 * an input without a header. */
static void write_header(const options *o, run *r)
{
	FILE *fp = r->out.fp;
	if (!ocsdf_csv_has_header(r->r))
		return;
	if (!o->only) {
		size_t len;
		const char *h = ocsdf_csv_header_raw(r->r, &len);
		fwrite(h, 1, len, fp);
		fputc(r->delim, fp);
	}
	for (int k = 0; k < r->ncols; k++) {
		if (k)
			fputc(r->delim, fp);
		ocsdf_csv_put_field(fp, r->names[k], strlen(r->names[k]));
	}
	fputc('\n', fp);
}

/* The decision of a row of score f (model units) and the radius, in raw
 * input units, within which it cannot flip: its distance to the level 0
 * over the Lipschitz constant. */
static void put_decision(const run *r, float f)
{
	fputs(f < 0 ? ",1," : ",0,", r->out.fp);
	ocsdf_csv_put_float(r->out.fp, (float)(fabs(f) / r->m->stats.lipschitz_raw));
}

/* Scores a block of rows (and attacks them at each radius: rows before
 * it were first) and writes them. */
static void score_block(const options *o, run *r, const ocsdf_csv_block *b, unsigned long long first)
{
	ocsdf_error e;
	for (int i = 0; o->attack && i < b->nrows; i++) {
		int anom = ocsdf_label_class(b->text[i], o->anomaly, o->normal, ocsdf_csv_filename(r->r), b->line[i],
					     ocsdf_csv_colname(r->r, r->lcol), &e);
		if (anom < 0)
			fail(r, &e);
		r->push[i] = anom ? 1 : -1;
	}
	ocsdf_scorer_run(r->sc, b->num, b->nrows, r->f);
	for (int k = 0; k < o->nrad; k++)
		ocsdf_attack_pgd(r->atk, b->num, r->push, b->nrows, o->radius[k], &o->ap, first,
				 r->adv + (size_t)k * BLOCK, NULL);
	for (int i = 0; i < b->nrows; i++) {
		if (!o->only) {
			fwrite(b->raw[i], 1, b->raw_len[i], r->out.fp);
			fputc(r->delim, r->out.fp);
		}
		ocsdf_csv_put_float(r->out.fp, (float)(r->f[i] * r->scale));
		for (int k = 0; k < o->nrad; k++) {
			fputc(r->delim, r->out.fp);
			ocsdf_csv_put_float(r->out.fp, (float)(r->adv[(size_t)k * BLOCK + i] * r->scale));
		}
		if (o->decide)
			put_decision(r, r->f[i]);
		fputc('\n', r->out.fp);
	}
}

/* Every row, block by block, until the input ends or a write fails (the
 * commit reports it). */
static void score_rows(const options *o, run *r)
{
	int progress = o->attack && ocsdf_progress_enabled(o->quiet);
	unsigned long long rows = 0;
	ocsdf_csv_block b;
	ocsdf_error e;
	int rc;
	for (;;) {
		if ((rc = ocsdf_csv_next(r->r, BLOCK, &b, &e)) || b.nrows == 0)
			break;
		score_block(o, r, &b, rows);
		rows += (unsigned long long)b.nrows;
		if (progress)
			fprintf(stderr, "\r%s: %llu rows attacked", ocsdf_cli_name(), rows);
		if (ferror(r->out.fp))
			break;
	}
	if (progress && rows)
		fputc('\n', stderr);
	if (rc)
		fail(r, &e);
}

static void run_free(run *r)
{
	ocsdf_csv_close(r->r);
	ocsdf_attack_free(r->atk);
	ocsdf_scorer_free(r->sc);
	ocsdf_model_free(r->m);
	for (int k = 0; k < r->ncols; k++)
		free(r->names[k]);
	free(r->names);
	free(r->adv);
	free(r->push);
	free(r->f);
	free(r->cols);
}

int main(int argc, char **argv)
{
	ocsdf_error e;
	int status;
	options o = {0};
	run r = {0};

	if ((status = ocsdf_cli_start(argc, argv, parse_options, &o, &o.action, usage_text)) >= 0)
		return status;
	open_input(&o, &r);
	name_columns(&o, &r);
	prepare(&o, &r);
	ocsdf_output_protect_input(o.input);
	ocsdf_output_protect_input(o.model_path);
	ocsdf_output_cleanup_on_signals();
	if (ocsdf_output_open(&r.out, o.out_path, o.force, &e))
		ocsdf_die_error(&e);
	write_header(&o, &r);
	score_rows(&o, &r);
	if (ocsdf_output_commit(&r.out, &e))
		ocsdf_die_error(&e);
	run_free(&r);
	free(o.radius);
	free(o.columns);
	return 0;
}
