/*
 * ocsdf-score: appends the learned signed distance to every row of a CSV
 * stream.  Rows are read, scored and written in blocks, so memory does not
 * grow with the input.  With --attack it also appends, for each radius, the
 * score after an l2 PGD attack on the row (lib/attack.h): the empirical
 * counterpart of ocsdf-certify's certificate.  With --decide it also writes
 * each row's decision at the level the training set (f < 0: an anomaly) and
 * the radius in raw input units within which that decision cannot flip.
 * Every column in raw units has a name ending in _raw, so that the units
 * travel with the scores to ocsdf-certify.  The columns, the reading,
 * scoring and writing are lib/score_stream.c's; this file parses the
 * options, opens the files and prints errors.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "argtab.h"
#include "cli.h"
#include "csv.h"
#include "model.h"
#include "output.h"
#include "score_stream.h"

/* --help: the option table's lines (specs) between these. */
static const char usage_head[] =
	"Usage: ocsdf-score -m MODEL [OPTION]... [FILE]\n"
	"Append the signed distance learned by ocsdf-train to each row of a CSV FILE\n"
	"(or standard input): positive inside the data's support (normal), negative\n"
	"outside (anomalous).\n\n",
		  usage_tail[] =
	"\nExamples:\n"
	"  ocsdf-score -m cardio.model --decide cardio.csv > decided.csv\n"
	"  ocsdf-score -m cardio.model cardio.csv | ocsdf-certify --label label\n"
	"  ocsdf-score -m cardio.model --attack pgd --radius 0.1 --label label \\\n"
	"      cardio.csv | ocsdf-certify --score sdf_pgd --label label\n";

enum {
	O_COLUMN = 256, O_ONLY, O_UNITS, O_DECIDE, O_ATTACK, O_RADIUS, O_LABEL, O_ANOMALY, O_NORMAL, O_STEPS,
	O_RESTARTS, O_SEED, O_ATTACK_COLUMN, O_THREADS, O_NO_HEADER, O_HEADER_OPTIONAL, O_COLUMNS, O_DELIMITER
};

typedef struct options {
	ocsdf_score_stream_params p;
	const char *model_path, *out_path, *input;
	const char *attack_opt;   /* the last attack option given, without "--" */
	int force, quiet, threads, verbose;
	int action;               /* OCSDF_CLI_RUN, or -h or -V came first */
} options;

static const char *const units_list[] = {"model", "raw", NULL}, *const attack_list[] = {"pgd", NULL};

/* The group of the options that only --attack uses. */
#define ATTACK 1
/* The options, in the order of --help. */
static const ocsdf_arg_spec specs[] = {
	OCSDF_ARG_ROW("model", 'm', OCSDF_ARG_TEXT, model_path, "MODEL", "model file (required)"),
	OCSDF_ARG_ROW("output", 'o', OCSDF_ARG_OUTPUT, out_path, "FILE", "write here instead of standard output"),
	OCSDF_ARG_ROW("force", 'f', OCSDF_ARG_SET, force, NULL, "overwrite an existing output file"),
	OCSDF_ARG_ROW("score", O_COLUMN, OCSDF_ARG_TEXT, p.column, "NAME", "name of the score column (default sdf)"),
	OCSDF_ARG_ROW("only", O_ONLY, OCSDF_ARG_SET, p.only, NULL, "write the score columns alone"),
	OCSDF_ARG_ONE_OF("units", O_UNITS, p.raw_units, units_list, 0, "KIND",
	                 "model (default): distance in standardized units;\n"
	                 "raw: divided by the model's Lipschitz constant, so\n"
	                 "1-Lipschitz in the raw input units; the score\n"
	                 "columns are then named NAME_raw"),
	OCSDF_ARG_ROW("decide", O_DECIDE, OCSDF_ARG_SET, p.decide, NULL,
	              "also write NAME_flagged, 1 for a row outside the\n"
	              "learned support (score < 0: the level that\n"
	              "ocsdf-train set from its contamination rate) and\n"
	              "0 inside, and NAME_radius_raw, the l2 distance in\n"
	              "raw input units within which that decision\n"
	              "cannot flip"),
	OCSDF_ARG_NUM("threads", O_THREADS, OCSDF_ARG_INT, threads, 1, OCSDF_THREADS_MAX, 0, "N",
	              "OpenBLAS threads of the attack (default: 1 below\n"
	              "width 512, else all cores); the scores themselves\n"
	              "use one, so that they do not depend on it"),
	OCSDF_ARG_ROW("verbose", 'v', OCSDF_ARG_SET, verbose, NULL, "say which OpenBLAS kernels and threads run"),
	OCSDF_ARG_BARE("no-header", O_NO_HEADER, OCSDF_ARG_NONE, NULL,
	               "the input has no header line: its first columns are the\n"
	               "model's features in the model's order (or as --columns\n"
	               "names them); no header is written either"),
	OCSDF_ARG_BARE("header-optional", O_HEADER_OPTIONAL, OCSDF_ARG_NONE, NULL,
	               "the first line is a header only if it starts with the\n"
	               "model's feature names, else a row read as with\n"
	               "--no-header (chunks of a file cut without its header)"),
	OCSDF_ARG_BARE("columns", O_COLUMNS, OCSDF_ARG_OWN, "LIST",
	               "without a header, the names of the input's columns,\n"
	               "comma-separated (default: the model's features, then\n"
	               "x<N> for the N-th column)"),
	OCSDF_ARG_ROW("delimiter", O_DELIMITER, OCSDF_ARG_DELIMITER, p.delimiter, "C",
	              "field delimiter of input and output (default ','; a\n"
	              "character, or 'tab')"),
	OCSDF_ARG_ROW("quiet", 'q', OCSDF_ARG_SET, quiet, NULL, "no progress"),
	OCSDF_ARG_HELP_ROWS,
	OCSDF_ARG_SECTION("\nAttack (empirical robustness):"),
	OCSDF_ARG_BARE("attack", O_ATTACK, OCSDF_ARG_OWN, "pgd",
	               "also write each row's score after an l2 PGD attack\n"
	               "that lowers normal and raises anomalous scores"),
	OCSDF_ARG_NUM("radius", O_RADIUS, OCSDF_ARG_OWN, p.radius, 0, 0, ATTACK, "LIST",
	              "attack radii, comma-separated, in RAW input units;\n"
	              "one column per radius (required with --attack)"),
	OCSDF_ARG_NUM("label", O_LABEL, OCSDF_ARG_TEXT, p.label_col, 0, 0, ATTACK, "COL",
	              "label column saying which rows are anomalies"),
	OCSDF_ARG_NUM("anomaly", O_ANOMALY, OCSDF_ARG_TEXT, p.anomaly, 0, 0, ATTACK, "VALUE",
	              "label value of anomalies (default 1)"),
	OCSDF_ARG_NUM("normal", O_NORMAL, OCSDF_ARG_TEXT, p.normal, 0, 0, ATTACK, "VALUE",
	              "label value of normal rows (default 0); any other\n"
	              "label is an error"),
	OCSDF_ARG_NUM("attack-steps", O_STEPS, OCSDF_ARG_INT, p.ap.steps, 1, OCSDF_ATTACK_MAX_STEPS, ATTACK, "N",
	              "gradient steps per restart (default 20)"),
	OCSDF_ARG_NUM("restarts", O_RESTARTS, OCSDF_ARG_INT, p.ap.restarts, 1, OCSDF_ATTACK_MAX_RESTARTS, ATTACK, "N",
	              "random starts in the ball per row (default 3)"),
	OCSDF_ARG_NUM("seed", O_SEED, OCSDF_ARG_SEED, p.ap.seed, 0, 0, ATTACK, "N",
	              "seed of the random starts (default 1)"),
	OCSDF_ARG_NUM("attack-column", O_ATTACK_COLUMN, OCSDF_ARG_TEXT, p.attack_column, 0, 0, ATTACK, "NAME",
	              "\nname of the attacked column (default SCORE_pgd;\n"
	              "with several radii NAME_R, e.g. sdf_pgd_0.1)"),
	OCSDF_ARG_OLD_NAMES,
	OCSDF_ARG_BARE("column", O_COLUMN, OCSDF_ARG_OWN, "NAME", "--score NAME"),
	OCSDF_ARG_END};

/* The part of option c (row r) the table leaves to ocsdf_arg_parse's own:
 * the attack option last given, --attack, --radius, the header and
 * --columns; e set if refused. */
static void take_option(void *base, const ocsdf_arg_spec *r, int c, ocsdf_error *e)
{
	options *o = base;
	ocsdf_score_stream_params *p = &o->p;
	if (r && r->group == ATTACK)
		o->attack_opt = r->name;
	switch (c) {
	case O_ATTACK:
		ocsdf_arg_choice(e, "--attack", optarg, attack_list);
		p->attack = 1;
		break;
	case O_RADIUS:
		free(p->radius);
		p->radius = ocsdf_arg_double_list(e, "--radius", optarg, 0, OCSDF_ATTACK_MAX_RADIUS, &p->nrad);
		break;
	case O_NO_HEADER: p->header = OCSDF_CSV_NO_HEADER; break;
	case O_HEADER_OPTIONAL: p->header = OCSDF_CSV_HEADER_IF; break;
	case O_COLUMNS:
		free(p->columns);
		p->columns = ocsdf_arg_name_list(e, "--columns", optarg, &p->ncolumns);
		break;
	}
}

/* Fills o from the command line: 0, or 64 with e set. */
static int parse_options(int argc, char **argv, void *ctx, ocsdf_error *e)
{
	options *o = ctx;
	*o = (options){0};
	ocsdf_score_stream_default_params(&o->p);
	if (ocsdf_arg_parse(argc, argv, specs, o, take_option, &o->action, e) || o->action)
		return e->code;
	if (!o->model_path)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "a model is required (-m MODEL)");
	if (optind + 1 < argc)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "too many arguments: one input FILE at most");
	if (ocsdf_score_stream_check_params(&o->p, e))
		return OCSDF_EUSAGE;
	if (!o->p.attack && o->attack_opt)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--%s is an attack option: it needs --attack pgd", o->attack_opt);
	o->input = optind < argc ? argv[optind] : "-";
	return o->p.attack ? ocsdf_score_stream_check_attack(&o->p, e) : 0;
}

/* Removes the output if it is open, then dies with e's message: a usage
 * error for code 64. */
static _Noreturn void fail(ocsdf_output *out, const ocsdf_error *e)
{
	ocsdf_output_abort(out);
	if (e->code == OCSDF_EUSAGE)
		ocsdf_usage_error("%s", e->msg);
	ocsdf_die_error(e);
}

/* The model, with what the user should know about it, and the threads. */
static ocsdf_model *load_model(const options *o)
{
	ocsdf_model *m;
	ocsdf_error e;
	if (ocsdf_model_load(o->model_path, &m, &e))
		ocsdf_die_error(&e);
	if (m->ckpt)
		ocsdf_warn("%s is the checkpoint of an interrupted training run", o->model_path);
	else if (o->p.decide && m->settings.sampler != OCSDF_SAMPLER_DISTANCE)
		ocsdf_warn("%s was trained with --sampler paper, which does not set the level from a contamination "
			   "rate: the decisions are those of the boundary the network learned", o->model_path);
	ocsdf_threads_set(o->threads, m->arch.width);
	if (o->verbose && !o->quiet)
		ocsdf_kernels_report();
	return m;
}

int main(int argc, char **argv)
{
	ocsdf_error e;
	int status;
	ocsdf_rows_shown shown = {"attacked", 0};
	options o = {0};
	ocsdf_output out = {0};
	ocsdf_score_stream *s;

	if ((status = ocsdf_arg_start(argc, argv, parse_options, &o, &o.action, usage_head, specs, 25, usage_tail)) >= 0)
		return status;
	ocsdf_model *m = load_model(&o);
	if (ocsdf_score_stream_open(o.input, m, o.model_path, &o.p, &s, &e))
		fail(&out, &e);
	ocsdf_output_protect_input(o.input);
	ocsdf_output_protect_input(o.model_path);
	ocsdf_output_cleanup_on_signals();
	if (ocsdf_output_open(&out, o.out_path, o.force, &e))
		ocsdf_die_error(&e);
	status = ocsdf_score_stream_run(s, out.fp, o.p.attack && ocsdf_progress_enabled(o.quiet) ? ocsdf_rows_show
				       : NULL, &shown, &e);
	ocsdf_rows_shown_end(&shown);
	if (status || ocsdf_output_commit(&out, &e))
		fail(&out, &e);
	ocsdf_score_stream_close(s);
	ocsdf_model_free(m);
	free(o.p.radius);
	free(o.p.columns);
	return 0;
}
