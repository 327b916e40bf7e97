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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "csv.h"
#include "model.h"
#include "output.h"
#include "score_stream.h"

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
	ocsdf_score_stream_params p;
	const char *model_path, *out_path, *input;
	const char *attack_opt;   /* the last attack option given, without "--" */
	int force, quiet, threads, verbose;
	int action;               /* OCSDF_CLI_RUN, or -h or -V came first */
} options;

/* Takes one of the attack_options into p; e set if refused. */
static void take_attack_option(ocsdf_score_stream_params *p, int c, ocsdf_error *e)
{
	switch (c) {
	case O_RADIUS:
		free(p->radius);
		p->radius = ocsdf_arg_double_list(e, "--radius", optarg, 0, OCSDF_ATTACK_MAX_RADIUS, &p->nrad);
		break;
	case O_LABEL: p->label_col = optarg; break;
	case O_ANOMALY: p->anomaly = optarg; break;
	case O_NORMAL: p->normal = optarg; break;
	case O_STEPS: p->ap.steps = (int)ocsdf_arg_long(e, "--attack-steps", optarg, 1, OCSDF_ATTACK_MAX_STEPS); break;
	case O_RESTARTS:
		p->ap.restarts = (int)ocsdf_arg_long(e, "--restarts", optarg, 1, OCSDF_ATTACK_MAX_RESTARTS);
		break;
	case O_SEED: p->ap.seed = (uint64_t)ocsdf_arg_long(e, "--seed", optarg, 0, 0x7fffffffffffffffL); break;
	case O_ATTACK_COLUMN: p->attack_column = optarg; break;
	}
}

/* Takes one option (getopt_long's c and optarg) into o; e set if refused. */
static void take_option(void *ctx, int c, ocsdf_error *e)
{
	options *o = ctx;
	ocsdf_score_stream_params *p = &o->p;
	static const char *const units_list[] = {"model", "raw", NULL};
	static const char *const attack_list[] = {"pgd", NULL};
	if (ocsdf_option_among(c, attack_options)) {
		o->attack_opt = ocsdf_option_name(long_options, c);
		take_attack_option(p, c, e);
	}
	switch (c) {
	case 'm': o->model_path = optarg; break;
	case 'o': o->out_path = ocsdf_arg_output(e, "-o", optarg); break;
	case 'f': o->force = 1; break;
	case O_COLUMN: p->column = optarg; break;
	case O_ONLY: p->only = 1; break;
	case O_UNITS: p->raw_units = ocsdf_arg_choice(e, "--units", optarg, units_list); break;
	case O_DECIDE: p->decide = 1; break;
	case O_ATTACK:
		ocsdf_arg_choice(e, "--attack", optarg, attack_list);
		p->attack = 1;
		break;
	case O_THREADS: o->threads = (int)ocsdf_arg_long(e, "--threads", optarg, 1, OCSDF_THREADS_MAX); break;
	case 'v': o->verbose = 1; break;
	case O_NO_HEADER: p->header = OCSDF_CSV_NO_HEADER; break;
	case O_HEADER_OPTIONAL: p->header = OCSDF_CSV_HEADER_IF; break;
	case O_COLUMNS:
		free(p->columns);
		p->columns = ocsdf_arg_name_list(e, "--columns", optarg, &p->ncolumns);
		break;
	case O_DELIMITER: p->delimiter = ocsdf_arg_delimiter(e, "--delimiter", optarg); break;
	case 'q': o->quiet = 1; break;
	}
}

/* Fills o from the command line: 0, or 64 with e set. */
static int parse_options(int argc, char **argv, void *ctx, ocsdf_error *e)
{
	options *o = ctx;
	*o = (options){0};
	ocsdf_score_stream_default_params(&o->p);
	if (ocsdf_arg_read(argc, argv, ":m:o:fvqhV", long_options, take_option, o, &o->action, e) || o->action)
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

	if ((status = ocsdf_cli_start(argc, argv, parse_options, &o, &o.action, usage_text)) >= 0)
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
