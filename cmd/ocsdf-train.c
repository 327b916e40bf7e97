/*
 * ocsdf-train: learns the signed distance function to the rows of a CSV
 * file and writes it as a model (ocsdf-model(5)).  Options, files and
 * progress live here; the method lives in lib/train.c.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "csv.h"
#include "dataset.h"
#include "model.h"
#include "output.h"
#include "roc.h"
#include "scale.h"
#include "train.h"

/* --sample's cap: a billion rows (their memory is the user's choice). */
#define MAX_SAMPLE 1000000000L

static const char usage_text[] =
	"Usage: ocsdf-train [OPTION]... [FILE]\n"
	"Learn the signed distance function to the rows of a CSV FILE (or standard\n"
	"input) with a 1-Lipschitz network, and write it as a model.\n"
	"\n"
	"Files and columns:\n"
	"  -o, --output MODEL     model file to write (default ocsdf.model)\n"
	"  -f, --force            overwrite an existing model file\n"
	"      --label COL        label column (name or 1-based index): not a feature\n"
	"      --ignore COLS      comma-separated columns that are not features\n"
	"      --scale KIND       std (per feature, default), iso (one scale), none\n"
	"      --resume MODEL     continue an interrupted run from its checkpoint\n"
	"      --sample N         train on a uniform random sample of N rows of an input\n"
	"                         of any size (one pass; scaling fitted on every row)\n"
	"      --max-memory MB    without --sample, refuse an input whose rows need more\n"
	"                         memory than this (default 4096)\n"
	"      --no-header        the input has no header line: columns x1, x2, ...\n"
	"      --columns LIST     with --no-header, the columns' names, comma-separated\n"
	"      --delimiter C      field delimiter (default ','; a character, or 'tab')\n"
	"Method:\n"
	"      --sampler KIND     distance (default): f fitted to the distance to the\n"
	"                         rows' support; paper: the paper's walks and hinge loss\n"
	"      --knn K            distance: neighbours that make the support (default 10)\n"
	"      --support-quantile Q  distance: the support reaches the Q-quantile of\n"
	"                         the rows' distance to their K-th neighbour (0.95)\n"
	"      --near A, --far B  distance: negatives A..B times that radius from a row\n"
	"                         (default 0.05 and 2)\n"
	"      --box-share S      distance: share of negatives uniform in the domain\n"
	"      --push W           distance: weight of a push of f up on the rows (0)\n"
	"      --contamination P  distance: share of training rows left below level 0\n"
	"                         (default 0.05)\n"
	"      --domain B         negatives in [-B, B]^d, model units (default 5)\n"
	"      --margin M         paper: hinge margin m, model units (default 0.05)\n"
	"      --lambda L         paper: weight of the hinge (default 100)\n"
	"      --walk-steps T     paper: gradient steps per negative (default 4)\n"
	"      --init KIND        paper: uniform (box, default) or gaussian\n"
	"      --newton KIND      paper: paper (step to level -m, default) or authors\n"
	"Optimisation:\n"
	"      --epochs N         epochs (default 40)\n"
	"      --warmup N         first epochs with T = 0 (default epochs/8: 5 of 40)\n"
	"      --min-steps N      at least N steps per epoch (default 15)\n"
	"      --max-steps N      at most N steps per epoch (default: no limit)\n"
	"      --batch N          data rows and negatives per step (default 128)\n"
	"      --lr R             RMSprop learning rate (default 0.001)\n"
	"      --lr-decay KIND    linear to --lr-final (default) or none\n"
	"      --lr-final R       final learning rate for linear decay (default lr/1000)\n"
	"      --lr-hold F        share of the run held at --lr-final (default 0.25)\n"
	"      --ortho KIND       retract (default) or bjorck (paper)\n"
	"      --bjorck-iters N   Björck iterations (default 15)\n"
	"      --bjorck-tol X     stop once |ΘᵀΘ-I| is surely below X (default 0)\n"
	"      --retract-iters N  most Newton-Schulz iterations per step (default 3)\n"
	"Network:\n"
	"      --width N          hidden units (default 512)\n"
	"      --depth N          hidden layers (default 4)\n"
	"      --activation KIND  groupsort (default) or fullsort (the paper)\n"
	"Run:\n"
	"      --seed N           random seed (default 1)\n"
	"      --threads N        OpenBLAS threads (default: 1 below width 512, else\n"
	"                         all cores)\n"
	"      --eval             with --label, print the AUROC on the rows each epoch\n"
	"      --anomaly VALUE    label value of anomalies for --eval (default 1)\n"
	"  -v, --verbose          a line per epoch even when stderr is not a terminal\n"
	"  -q, --quiet            no progress\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"Old names, accepted until version 0.2:\n"
	"      --box B            --domain B\n"
	"      --steps T          --walk-steps T\n"
	"\n"
	"Example:\n"
	"  ocsdf-train --label label -o cardio.model cardio.csv\n";

enum {
	O_LABEL = 256, O_IGNORE, O_SCALE, O_RESUME, O_MARGIN, O_LAMBDA, O_STEPS, O_BOX, O_INIT,
	O_NEWTON, O_EPOCHS, O_WARMUP, O_MINSTEPS, O_MAXSTEPS, O_BATCH, O_LR, O_LRDECAY, O_LRFINAL, O_LRHOLD, O_ORTHO,
	O_BITERS, O_BTOL, O_RITERS, O_WIDTH, O_DEPTH, O_ACT, O_SEED, O_THREADS, O_EVAL, O_ANOMALY,
	O_SAMPLER, O_KNN, O_SUPPORT, O_NEAR, O_FAR, O_BOXSHARE, O_PUSH, O_CONTAM, O_SAMPLE, O_MAXMEM,
	O_NO_HEADER, O_COLUMNS, O_DELIMITER
};

static const struct option long_options[] = {
	{"output", required_argument, 0, 'o'},
	{"force", no_argument, 0, 'f'},
	{"label", required_argument, 0, O_LABEL},
	{"ignore", required_argument, 0, O_IGNORE},
	{"scale", required_argument, 0, O_SCALE},
	{"resume", required_argument, 0, O_RESUME},
	{"margin", required_argument, 0, O_MARGIN},
	{"lambda", required_argument, 0, O_LAMBDA},
	{"walk-steps", required_argument, 0, O_STEPS},
	{"domain", required_argument, 0, O_BOX},
	{"steps", required_argument, 0, O_STEPS},
	{"box", required_argument, 0, O_BOX},
	{"init", required_argument, 0, O_INIT},
	{"newton", required_argument, 0, O_NEWTON},
	{"epochs", required_argument, 0, O_EPOCHS},
	{"warmup", required_argument, 0, O_WARMUP},
	{"min-steps", required_argument, 0, O_MINSTEPS},
	{"max-steps", required_argument, 0, O_MAXSTEPS},
	{"batch", required_argument, 0, O_BATCH},
	{"lr", required_argument, 0, O_LR},
	{"lr-decay", required_argument, 0, O_LRDECAY},
	{"lr-final", required_argument, 0, O_LRFINAL},
	{"lr-hold", required_argument, 0, O_LRHOLD},
	{"ortho", required_argument, 0, O_ORTHO},
	{"bjorck-iters", required_argument, 0, O_BITERS},
	{"bjorck-tol", required_argument, 0, O_BTOL},
	{"retract-iters", required_argument, 0, O_RITERS},
	{"width", required_argument, 0, O_WIDTH},
	{"depth", required_argument, 0, O_DEPTH},
	{"activation", required_argument, 0, O_ACT},
	{"seed", required_argument, 0, O_SEED},
	{"threads", required_argument, 0, O_THREADS},
	{"eval", no_argument, 0, O_EVAL},
	{"anomaly", required_argument, 0, O_ANOMALY},
	{"sampler", required_argument, 0, O_SAMPLER},
	{"knn", required_argument, 0, O_KNN},
	{"support-quantile", required_argument, 0, O_SUPPORT},
	{"near", required_argument, 0, O_NEAR},
	{"far", required_argument, 0, O_FAR},
	{"box-share", required_argument, 0, O_BOXSHARE},
	{"push", required_argument, 0, O_PUSH},
	{"contamination", required_argument, 0, O_CONTAM},
	{"sample", required_argument, 0, O_SAMPLE},
	{"max-memory", required_argument, 0, O_MAXMEM},
	{"no-header", no_argument, 0, O_NO_HEADER},
	{"columns", required_argument, 0, O_COLUMNS},
	{"delimiter", required_argument, 0, O_DELIMITER},
	{"verbose", no_argument, 0, 'v'},
	{"quiet", no_argument, 0, 'q'},
	{"help", no_argument, 0, 'h'},
	{"version", no_argument, 0, 'V'},
	{0, 0, 0, 0}};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	stop_requested = 1;
	/* A second signal ends the program at once; the model file is saved
	 * atomically, so nothing torn is left under its name. */
	signal(sig, SIG_DFL);
}

/* What the progress hook needs. */
typedef struct run {
	int show, verbose;
	double last_print;
	const ocsdf_model *m;
	const float *Z;
	size_t n;
	unsigned char *is_anomaly;  /* n flags for --eval, or NULL */
	float *f;                   /* n scores for --eval */
	double *score;
} run;

static int on_progress(void *ctx, const ocsdf_train_progress *p, const float *theta,
		       int end_of_epoch)
{
	run *r = ctx;
	double eta = p->step ? p->seconds / (double)p->step * (double)(p->steps - p->step) : 0;
	double rows_s = p->seconds > 0 ? (double)p->step * 2.0 * r->m->settings.batch / p->seconds : 0;
	char auc[96] = "";

	(void)theta;
	if (end_of_epoch && r->is_anomaly) {
		ocsdf_roc *roc;
		ocsdf_error e;
		double gn = 0;
		if (ocsdf_train_eval(r->m, r->Z, r->n, r->f, &gn) == 0) {
			double fm = 0;
			for (size_t i = 0; i < r->n; i++)
				r->score[i] = r->f[i], fm += r->f[i];
			if (ocsdf_roc_new(r->score, r->is_anomaly, r->n, &roc, &e) == 0) {
				snprintf(auc, sizeof auc, "  auroc %.4f  f(rows) %.4f  |grad(rows)| %.3f",
					 ocsdf_roc_auroc(roc, 0), fm / (double)r->n, gn);
				ocsdf_roc_free(roc);
			}
		}
	}
	if (r->show && (end_of_epoch || p->seconds - r->last_print > 0.2)) {
		r->last_print = p->seconds;
		fprintf(stderr,
			"\repoch %d/%d step %d/%d  loss %.4g  f(data) %.3g  f(neg) %.3g  |grad| %.3f  "
			"%.0f rows/s  ETA %.0fs%s\033[K",
			p->epoch, p->epochs, p->step_in_epoch, p->steps_per_epoch, p->loss, p->f_data,
			p->f_neg, p->gnorm_neg, rows_s, eta, auc);
		if (end_of_epoch)
			fputc('\n', stderr);
	} else if (r->verbose && end_of_epoch) {
		fprintf(stderr,
			"epoch %d/%d  loss %.6g  f(data) %.4g  f(neg) %.4g  |grad| %.3f  ortho %.1e  "
			"reproj %llu  %.1fs%s\n",
			p->epoch, p->epochs, p->loss, p->f_data, p->f_neg, p->gnorm_neg, p->ortho_error,
			(unsigned long long)p->reprojections, p->seconds, auc);
	}
	return 0;
}

/* The options that say how a model is trained or shaped: a resumed run
 * takes them from its checkpoint, so they cannot go with --resume. */
static const int training_options[] = {O_SCALE, O_MARGIN, O_LAMBDA, O_STEPS, O_BOX, O_INIT, O_NEWTON,
				       O_EPOCHS, O_WARMUP, O_MINSTEPS, O_MAXSTEPS, O_BATCH, O_LR, O_LRDECAY,
				       O_LRFINAL, O_LRHOLD, O_ORTHO, O_BITERS, O_BTOL, O_RITERS, O_WIDTH, O_DEPTH, O_ACT,
				       O_SAMPLER, O_KNN, O_SUPPORT, O_NEAR, O_FAR, O_BOXSHARE, O_PUSH, O_CONTAM, 0};

typedef struct options {
	ocsdf_train_settings s;
	ocsdf_arch a;
	const char *out, *label, *ignore, *resume, *input, *anomaly;
	int force, quiet, verbose, eval, scale, decay, threads;
	int lr_final_set, lr_hold_set, warmup_set, training_opts;
	long sample, max_memory;  /* rows; MB */
	ocsdf_csv_options csv;
	char **columns;           /* --columns, one block */
	int action;          /* OCSDF_CLI_RUN, or -h or -V came first */
} options;

/* Takes one option (getopt_long's c and optarg) into o; e set if refused. */
static void take_option(void *ctx, int c, ocsdf_error *e)
{
	options *o = ctx;
	static const char *const scales[] = {"std", "iso", "none", NULL};
	static const char *const inits[] = {"uniform", "gaussian", NULL};
	static const char *const samplers[] = {"paper", "distance", NULL};
	static const char *const newtons[] = {"paper", "authors", NULL};
	static const char *const orthos[] = {"bjorck", "retract", NULL};
	static const char *const acts[] = {"fullsort", "groupsort", NULL};
	static const char *const decays[] = {"none", "linear", NULL};
	ocsdf_train_settings *s = &o->s;
	o->training_opts |= ocsdf_option_among(c, training_options);
	switch (c) {
	case 'o': o->out = ocsdf_arg_output(e, "-o", optarg); break;
	case 'f': o->force = 1; break;
	case O_LABEL: o->label = optarg; break;
	case O_IGNORE: o->ignore = optarg; break;
	case O_SCALE: o->scale = ocsdf_arg_choice(e, "--scale", optarg, scales); break;
	case O_RESUME: o->resume = optarg; break;
	case O_MARGIN:
		s->margin = ocsdf_arg_double(e, "--margin", optarg, OCSDF_TRAIN_MARGIN_MIN, OCSDF_TRAIN_MARGIN_MAX);
		break;
	case O_LAMBDA:
		s->lambda = ocsdf_arg_double(e, "--lambda", optarg, OCSDF_TRAIN_LAMBDA_MIN, OCSDF_TRAIN_LAMBDA_MAX);
		break;
	case O_STEPS:
		s->newton_steps = (int)ocsdf_arg_long(e, "--walk-steps", optarg, 0, OCSDF_TRAIN_MAX_NEWTON_STEPS);
		break;
	case O_BOX: s->box = ocsdf_arg_double(e, "--domain", optarg, OCSDF_TRAIN_BOX_MIN, OCSDF_TRAIN_BOX_MAX); break;
	case O_INIT: s->init = ocsdf_arg_choice(e, "--init", optarg, inits); break;
	case O_NEWTON: s->newton_level0 = ocsdf_arg_choice(e, "--newton", optarg, newtons); break;
	case O_EPOCHS: s->epochs = (int)ocsdf_arg_long(e, "--epochs", optarg, 1, OCSDF_TRAIN_MAX_EPOCHS); break;
	case O_WARMUP:
		s->warmup = (int)ocsdf_arg_long(e, "--warmup", optarg, 0, OCSDF_TRAIN_MAX_EPOCHS);
		o->warmup_set = 1;
		break;
	case O_MINSTEPS:
		s->steps_per_epoch_min = (int)ocsdf_arg_long(e, "--min-steps", optarg, 1,
							     OCSDF_TRAIN_MAX_STEPS_PER_EPOCH);
		break;
	case O_MAXSTEPS:
		s->steps_per_epoch_max = (int)ocsdf_arg_long(e, "--max-steps", optarg, 1,
							     OCSDF_TRAIN_MAX_STEPS_PER_EPOCH);
		break;
	case O_BATCH: s->batch = (int)ocsdf_arg_long(e, "--batch", optarg, 1, OCSDF_TRAIN_MAX_BATCH); break;
	case O_LR: s->lr = ocsdf_arg_double(e, "--lr", optarg, OCSDF_TRAIN_LR_MIN, OCSDF_TRAIN_LR_MAX); break;
	case O_LRDECAY: o->decay = ocsdf_arg_choice(e, "--lr-decay", optarg, decays); break;
	case O_LRHOLD:
		s->lr_hold = ocsdf_arg_double(e, "--lr-hold", optarg, 0, OCSDF_TRAIN_LR_HOLD_MAX);
		o->lr_hold_set = 1;
		break;
	case O_LRFINAL:
		s->lr_final = ocsdf_arg_double(e, "--lr-final", optarg, OCSDF_TRAIN_LR_MIN, OCSDF_TRAIN_LR_MAX);
		o->lr_final_set = 1;
		break;
	case O_ORTHO: s->ortho = ocsdf_arg_choice(e, "--ortho", optarg, orthos); break;
	case O_BITERS:
		s->bjorck_iters = (int)ocsdf_arg_long(e, "--bjorck-iters", optarg, 1, OCSDF_TRAIN_MAX_BJORCK_ITERS);
		break;
	case O_BTOL: s->bjorck_tol = ocsdf_arg_double(e, "--bjorck-tol", optarg, 0, OCSDF_TRAIN_BJORCK_TOL_MAX); break;
	case O_RITERS:
		s->retract_iters = (int)ocsdf_arg_long(e, "--retract-iters", optarg, 1, OCSDF_TRAIN_MAX_RETRACT_ITERS);
		break;
	case O_WIDTH: o->a.width = (int)ocsdf_arg_long(e, "--width", optarg, 2, OCSDF_MAX_WIDTH); break;
	case O_DEPTH: o->a.depth = (int)ocsdf_arg_long(e, "--depth", optarg, 1, OCSDF_MAX_DEPTH); break;
	case O_ACT: o->a.activation = ocsdf_arg_choice(e, "--activation", optarg, acts); break;
	case O_SEED: s->seed = (uint64_t)ocsdf_arg_long(e, "--seed", optarg, 0, 0x7fffffffffffffffL); break;
	case O_THREADS: o->threads = (int)ocsdf_arg_long(e, "--threads", optarg, 1, OCSDF_THREADS_MAX); break;
	case O_EVAL: o->eval = 1; break;
	case O_ANOMALY: o->anomaly = optarg; break;
	case O_SAMPLER: s->sampler = ocsdf_arg_choice(e, "--sampler", optarg, samplers); break;
	case O_KNN: s->knn = (int)ocsdf_arg_long(e, "--knn", optarg, 1, OCSDF_TRAIN_MAX_KNN); break;
	case O_SUPPORT: s->support_quantile = ocsdf_arg_double(e, "--support-quantile", optarg, 0, 1); break;
	case O_NEAR: s->near = ocsdf_arg_double(e, "--near", optarg, OCSDF_TRAIN_NEAR_MIN, OCSDF_TRAIN_NEAR_MAX); break;
	case O_FAR: s->far = ocsdf_arg_double(e, "--far", optarg, OCSDF_TRAIN_NEAR_MIN, OCSDF_TRAIN_NEAR_MAX); break;
	case O_BOXSHARE: s->box_share = ocsdf_arg_double(e, "--box-share", optarg, 0, 1); break;
	case O_PUSH: s->push = ocsdf_arg_double(e, "--push", optarg, 0, OCSDF_TRAIN_PUSH_MAX); break;
	case O_CONTAM:
		s->contamination = ocsdf_arg_double(e, "--contamination", optarg, 0, OCSDF_TRAIN_CONTAMINATION_MAX);
		break;
	case O_SAMPLE: o->sample = ocsdf_arg_long(e, "--sample", optarg, 1, MAX_SAMPLE); break;
	case O_MAXMEM: o->max_memory = ocsdf_arg_long(e, "--max-memory", optarg, 1, 1L << 30); break;
	case O_NO_HEADER: o->csv.header = OCSDF_CSV_NO_HEADER; break;
	case O_COLUMNS:
		free(o->columns);
		o->columns = ocsdf_arg_name_list(e, "--columns", optarg, &o->csv.nnames);
		o->csv.names = (const char *const *)o->columns;
		break;
	case O_DELIMITER: o->csv.delimiter = ocsdf_arg_delimiter(e, "--delimiter", optarg); break;
	case 'v': o->verbose = 1; break;
	case 'q': o->quiet = 1; break;
	}
}

/* The options together, and the defaults that depend on others: 0, or 64
 * with e set. */
static int check_options(options *o, ocsdf_error *e)
{
	ocsdf_train_settings *s = &o->s;
	if (o->decay == 0 && (o->lr_final_set || o->lr_hold_set))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%s needs --lr-decay linear",
				       o->lr_final_set ? "--lr-final" : "--lr-hold");
	s->lr_final = o->decay ? (o->lr_final_set ? s->lr_final : s->lr / 1000) : s->lr;
	if (!o->decay)
		s->lr_hold = 0;
	if (!o->warmup_set)
		s->warmup = s->epochs / 8;
	if (s->warmup > s->epochs)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--warmup (%d) exceeds --epochs (%d)", s->warmup, s->epochs);
	if (o->a.activation == OCSDF_ACT_GROUPSORT2 && o->a.width % 2)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--activation groupsort needs an even --width");
	if (o->eval && !o->label)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--eval needs --label");
	if (o->columns && o->csv.header != OCSDF_CSV_NO_HEADER)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--columns names the columns of an input without a header: "
				       "it needs --no-header");
	if (o->resume && o->training_opts)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--resume continues with the checkpoint's settings; give no "
				       "method, network or optimisation options with it");
	if (!o->out)
		o->out = o->resume ? o->resume : "ocsdf.model";
	return 0;
}

/* Fills o from the command line: 0, or 64 with e set. */
static int parse_options(int argc, char **argv, void *ctx, ocsdf_error *e)
{
	options *o = ctx;
	*o = (options){.a = {0, 512, 4, OCSDF_ACT_GROUPSORT2}, .anomaly = "1", .scale = OCSDF_SCALE_STD, .decay = 1,
		       .max_memory = 4096};
	ocsdf_train_default_settings(&o->s);
	if (ocsdf_arg_read(argc, argv, ":o:fvqhV", long_options, take_option, o, &o->action, e) || o->action)
		return e->code;
	if (optind + 1 < argc)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "too many arguments: one input FILE at most");
	o->input = optind < argc ? argv[optind] : "-";
	return check_options(o, e);
}

/* The checkpoint of --resume, checked against the rows of its interrupted
 * run before any data is read (a forged one is refused first); it gives
 * the network, and carries its settings.  NULL without --resume. */
static ocsdf_model *load_checkpoint(options *o)
{
	ocsdf_model *m;
	ocsdf_error e;
	if (!o->resume)
		return NULL;
	if (ocsdf_model_load(o->resume, &m, &e))
		ocsdf_die_error(&e);
	if (ocsdf_train_check_resume(m, m->stats.rows, &e))
		ocsdf_die(e.code, "%s: %s", o->resume, e.msg);
	o->a = m->arch;
	return m;
}

/* The training rows: the checkpoint's features and scaling if any. */
static void read_rows(const options *o, const ocsdf_model *m, ocsdf_dataset *ds)
{
	static const char *const label_names[] = {"label", "class", "target", "outlier", "anomaly", NULL};
	ocsdf_dataset_spec spec = {0};
	ocsdf_error e;
	spec.label = o->label;
	spec.ignore = o->ignore;
	if (m) {
		spec.names = (const char *const *)m->names;
		spec.n_names = m->arch.d;
	}
	/* Values must fit the standardization (scale.h): the checkpoint's, or
	 * 0 and 1 for --scale none.  One fitted on the rows fits them. */
	spec.check_scale = m || o->scale == OCSDF_SCALE_NONE;
	spec.mean = m ? m->mean : NULL;
	spec.std = m ? m->std : NULL;
	spec.csv = &o->csv;
	spec.sample = (size_t)o->sample;
	spec.seed = o->s.seed;
	spec.max_bytes = (size_t)o->max_memory << 20;
	if (ocsdf_dataset_read(o->input, &spec, ds, &e))
		ocsdf_die_error(&e);
	if (o->sample && !o->quiet)
		fprintf(stderr, "%s: %llu rows read, a uniform sample of %zu kept; scaling fitted on all of them\n",
			ocsdf_cli_name(), (unsigned long long)ds->rows_read, ds->n);
	if (ds->n == 0)
		ocsdf_die(OCSDF_EDATA, "%s: no rows to train on", strcmp(o->input, "-") ? o->input : "standard input");
	if (m && ocsdf_train_check_resume(m, ds->n, &e))
		ocsdf_die(e.code, "%s: %s", o->resume, e.msg);
	/* Training on the labels is the easiest mistake to make with a
	 * benchmark file, and nothing else would reveal it. */
	for (int j = 0; !o->label && !o->quiet && j < ds->d; j++)
		for (int k = 0; label_names[k]; k++)
			if (strcasecmp(ds->names[j], label_names[k]) == 0)
				ocsdf_warn("column \"%s\" is used as a feature; if it holds labels, leave it out with "
					   "--label %s", ds->names[j], ds->names[j]);
}

/* A new model for the rows: its network checked, its features named, its
 * scaling fitted, all checked now rather than when it is saved after the
 * whole run. */
static ocsdf_model *new_model(options *o, const ocsdf_dataset *ds)
{
	ocsdf_model *m;
	ocsdf_error e;
	int constant;
	o->a.d = ds->d;
	if (o->a.width < o->a.d)
		ocsdf_warn("--width %d is below the %d features: the first layer keeps only %d directions of the "
			   "input", o->a.width, o->a.d, o->a.width);
	if (ocsdf_arch_check(&o->a))
		ocsdf_usage_error("%s", ocsdf_arch_check(&o->a));
	if (ocsdf_train_check_settings(&o->s, &o->a, &e))
		ocsdf_usage_error("%s", e.msg);
	m = ocsdf_xcheck(ocsdf_model_new(&o->a, 1));
	m->settings = o->s;
	m->scale = o->scale;
	for (int j = 0; j < o->a.d; j++)
		if (ocsdf_model_set_name(m, j, ds->names[j]))
			ocsdf_die_nomem();
	/* With --sample, the scaling is that of every row read. */
	if (ds->moments)
		constant = ocsdf_scale_moments_fit(ds->moments, o->scale, m->mean, m->std);
	else
		constant = ocsdf_scale_fit(ds->X, ds->n, o->a.d, o->scale, m->mean, m->std);
	if (constant && !o->quiet)
		ocsdf_warn("%d constant feature(s): scaled by 1 (see ocsdf-train(1))", constant);
	if (ocsdf_model_check(m, &e))
		ocsdf_die_error(&e);
	return m;
}

/* What the progress hook needs, --eval's scores and labels included. */
static void run_init(run *r, const options *o, const ocsdf_model *m, const float *Z, const ocsdf_dataset *ds)
{
	*r = (run){.show = ocsdf_progress_enabled(o->quiet), .verbose = o->verbose && !o->quiet, .m = m, .Z = Z,
		   .n = ds->n};
	if (!o->eval)
		return;
	r->is_anomaly = ocsdf_xmalloc(ds->n);
	r->f = ocsdf_xmalloc(ds->n * sizeof(float));
	r->score = ocsdf_xmalloc(ds->n * sizeof(double));
	for (size_t i = 0; i < ds->n; i++)
		r->is_anomaly[i] = (unsigned char)ocsdf_csv_label_matches(ds->labels[i], o->anomaly);
}

/* Trains until done or stopped by SIGINT or SIGTERM: 0, OCSDF_EINTR, or
 * an error with e set. */
static int train(ocsdf_model *m, const float *Z, size_t n, run *r, ocsdf_error *e)
{
	struct sigaction sa;
	ocsdf_train_hooks h = {on_progress, r, &stop_requested};
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return ocsdf_train_run(m, Z, n, &h, e);
}

/* The model, finished or a checkpoint, and what the run says about it. */
static void save(const options *o, const ocsdf_model *m, const run *r, size_t n, int rc)
{
	ocsdf_error e;
	int force_save = o->force || (o->resume && strcmp(o->out, o->resume) == 0);
	if (ocsdf_model_save(m, o->out, force_save, &e))
		ocsdf_die_error(&e);
	if (rc == OCSDF_EINTR)
		fprintf(stderr, "%s%s: interrupted at epoch %llu, step %llu; checkpoint saved to %s "
				"(continue with --resume %s)\n",
			r->show ? "\n" : "", ocsdf_cli_name(), (unsigned long long)m->ckpt->epoch,
			(unsigned long long)m->ckpt->step, o->out, o->out);
	else if (!o->quiet && (r->show || o->verbose))
		fprintf(stderr, "%s: %zu rows, f mean %.4g, p1 %.4g, |grad f| mean %.3f; wrote %s\n",
			ocsdf_cli_name(), n, m->stats.f_mean, m->stats.f_p1, m->stats.grad_norm_mean, o->out);
}

int main(int argc, char **argv)
{
	int status, rc;
	options o = {0};
	ocsdf_dataset ds;
	ocsdf_model *m;
	ocsdf_error e;
	float *Z;
	run r;

	if ((status = ocsdf_cli_start(argc, argv, parse_options, &o, &o.action, usage_text)) >= 0)
		return status;
	ocsdf_threads_set(o.threads, o.a.width);
	if (o.verbose && !o.quiet)
		ocsdf_kernels_report();
	ocsdf_output_protect_input(o.input);
	/* Fails early, before hours of training, if the model cannot be
	 * written. */
	if ((!o.resume || strcmp(o.out, o.resume) != 0) && ocsdf_output_check(o.out, o.force, &e))
		ocsdf_die_error(&e);
	ocsdf_output_cleanup_on_signals();
	m = load_checkpoint(&o);
	read_rows(&o, m, &ds);
	if (!m)
		m = new_model(&o, &ds);
	m->stats.rows_read = ds.rows_read;
	Z = ocsdf_xmalloc(ds.n * (size_t)o.a.d * sizeof(float));
	ocsdf_scale_apply(ds.X, ds.n, o.a.d, m->mean, m->std, Z);
	run_init(&r, &o, m, Z, &ds);
	rc = train(m, Z, ds.n, &r, &e);
	if (rc && rc != OCSDF_EINTR)
		ocsdf_die_error(&e);
	save(&o, m, &r, ds.n, rc);
	free(Z);
	free(r.is_anomaly);
	free(r.f);
	free(r.score);
	ocsdf_dataset_free(&ds);
	ocsdf_model_free(m);
	free(o.columns);
	return rc == OCSDF_EINTR ? OCSDF_EINTR : 0;
}
