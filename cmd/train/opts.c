/*
 * train/opts.c: ocsdf-train's options: their table (argtab.h), which
 * gives getopt_long its entries, reads the values and writes --help, and
 * the checks of the options together.  The defaults that depend on other
 * options are lib/trainrun.c's.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>

#include "argtab.h"
#include "cli.h"
#include "opts.h"
#include "scale.h"
#include "trainrun.h"

/* --sample's cap: a billion rows (their memory is the user's choice). */
#define MAX_SAMPLE 1000000000L

/* --help: the option table's lines (specs) between these. */
static const char usage_head[] =
	"Usage: ocsdf-train [OPTION]... [FILE]\n"
	"Learn the signed distance function to the rows of a CSV FILE (or standard\n"
	"input) with a 1-Lipschitz network, and write it as a model.\n\n",
		  usage_tail[] =
	"\nExample:\n"
	"  ocsdf-train --label label -o cardio.model cardio.csv\n";

enum {
	O_LABEL = 256, O_IGNORE, O_SCALE, O_RESUME, O_MARGIN, O_LAMBDA, O_STEPS, O_BOX, O_INIT,
	O_NEWTON, O_EPOCHS, O_WARMUP, O_MINSTEPS, O_MAXSTEPS, O_BATCH, O_LR, O_LRDECAY, O_LRFINAL, O_LRHOLD, O_AVERAGE, O_ORTHO,
	O_BITERS, O_BTOL, O_RITERS, O_WIDTH, O_DEPTH, O_ACT, O_SEED, O_THREADS, O_EVAL, O_ANOMALY,
	O_SAMPLER, O_KNN, O_SUPPORT, O_NEAR, O_FAR, O_BOXSHARE, O_PUSH, O_EIKONAL, O_SLOPE, O_ASCENT, O_CONTAM, O_SAMPLE, O_MAXMEM,
	O_NO_HEADER, O_COLUMNS, O_DELIMITER
};

static const char *const scales[] = {"std", "iso", "none", NULL}, *const inits[] = {"uniform", "gaussian", NULL},
		  *const samplers[] = {"paper", "distance", NULL}, *const newtons[] = {"paper", "authors", NULL},
		  *const orthos[] = {"bjorck", "retract", NULL}, *const acts[] = {"fullsort", "groupsort", NULL},
		  *const decays[] = {"none", "linear", NULL};

/* Groups of options: those that say how a model is trained or shaped (a
 * resumed run takes them from its checkpoint, so they cannot go with
 * --resume), and the settings whose defaults depend on others (the
 * OCSDF_TRAINRUN_* bits, all below TRAINING's). */
#define TRAINING 0x10000
#define LR_FINAL (TRAINING | OCSDF_TRAINRUN_LR_FINAL)
#define LR_HOLD (TRAINING | OCSDF_TRAINRUN_LR_HOLD)
#define WARMUP (TRAINING | OCSDF_TRAINRUN_WARMUP)
#define MIN_STEPS (TRAINING | OCSDF_TRAINRUN_MIN_STEPS)
#define WIDTH (TRAINING | OCSDF_TRAINRUN_WIDTH)
#define SLOPE (TRAINING | OCSDF_TRAINRUN_SLOPE)
#define LR (TRAINING | OCSDF_TRAINRUN_LR)
#define ASCENT (TRAINING | OCSDF_TRAINRUN_ASCENT)
/* Rows of specs that train or shape a model, the options a resumed run
 * takes from its checkpoint. */
#define REAL(name, code, field, lo, hi, ...) \
	OCSDF_ARG_NUM(name, code, OCSDF_ARG_REAL, field, lo, hi, TRAINING, __VA_ARGS__)
#define INT(name, code, field, lo, hi, ...) \
	OCSDF_ARG_NUM(name, code, OCSDF_ARG_INT, field, lo, hi, TRAINING, __VA_ARGS__)
#define CHOICE(name, code, field, choices, ...) OCSDF_ARG_ONE_OF(name, code, field, choices, TRAINING, __VA_ARGS__)

/* The options, in the order of --help. */
static const ocsdf_arg_spec specs[] = {
	OCSDF_ARG_SECTION("Files and columns:"),
	OCSDF_ARG_ROW("output", 'o', OCSDF_ARG_OUTPUT, out, "MODEL", "model file to write (default ocsdf.model)"),
	OCSDF_ARG_ROW("force", 'f', OCSDF_ARG_SET, force, NULL, "overwrite an existing model file"),
	OCSDF_ARG_ROW("label", O_LABEL, OCSDF_ARG_TEXT, label, "COL",
	              "label column (name or 1-based index): not a feature"),
	OCSDF_ARG_ROW("ignore", O_IGNORE, OCSDF_ARG_TEXT, ignore, "COLS",
	              "comma-separated columns that are not features"),
	CHOICE("scale", O_SCALE, scale, scales, "KIND", "std (per feature, default), iso (one scale), none"),
	OCSDF_ARG_ROW("resume", O_RESUME, OCSDF_ARG_TEXT, resume, "MODEL",
	              "continue an interrupted run from its checkpoint"),
	OCSDF_ARG_NUM("sample", O_SAMPLE, OCSDF_ARG_LONG, sample, 1, MAX_SAMPLE, 0, "N",
	              "train on a uniform random sample of N rows of an input\n"
	              "of any size (one pass; scaling fitted on every row)"),
	OCSDF_ARG_NUM("max-memory", O_MAXMEM, OCSDF_ARG_LONG, max_memory, 1, 1L << 30, 0, "MB",
	              "without --sample, refuse an input whose rows need more\n"
	              "memory than this (default 4096)"),
	OCSDF_ARG_BARE("no-header", O_NO_HEADER, OCSDF_ARG_NONE, NULL,
	               "the input has no header line: columns x1, x2, ..."),
	OCSDF_ARG_BARE("columns", O_COLUMNS, OCSDF_ARG_OWN, "LIST",
	               "with --no-header, the columns' names, comma-separated"),
	OCSDF_ARG_ROW("delimiter", O_DELIMITER, OCSDF_ARG_DELIMITER, csv.delimiter, "C",
	              "field delimiter (default ','; a character, or 'tab')"),
	OCSDF_ARG_SECTION("Method:"),
	CHOICE("sampler", O_SAMPLER, s.sampler, samplers, "KIND",
	       "distance (default): f fitted to the distance to the\n"
	       "rows' support; paper: the paper's walks and hinge loss"),
	INT("knn", O_KNN, s.knn, 1, OCSDF_TRAIN_MAX_KNN, "K",
	    "distance: neighbours that make the support (default 10)"),
	REAL("support-quantile", O_SUPPORT, s.support_quantile, 0, 1, "Q",
	     "distance: the support reaches the Q-quantile of\n"
	     "the rows' distance to their K-th neighbour (0.95)"),
	REAL("near", O_NEAR, s.near, OCSDF_TRAIN_NEAR_MIN, OCSDF_TRAIN_NEAR_MAX, "A",
	     "distance: negatives A..B times that radius from a row\n"
	     "(default 0.05 and 2)"),
	REAL("far", O_FAR, s.far, OCSDF_TRAIN_NEAR_MIN, OCSDF_TRAIN_NEAR_MAX, "B", NULL),
	REAL("box-share", O_BOXSHARE, s.box_share, 0, 1, "S", "distance: share of negatives uniform in the domain"),
	REAL("push", O_PUSH, s.push, 0, OCSDF_TRAIN_PUSH_MAX, "W",
	     "distance: weight of a push of f up on the rows (0)"),
	REAL("eikonal", O_EIKONAL, s.eikonal, 0, OCSDF_TRAIN_EIKONAL_MAX, "W",
	     "distance: weight of a pull of f toward slope 1 at\n"
	     "the rows (0: off; for certificates, try 100)"),
	OCSDF_ARG_NUM("slope", O_SLOPE, OCSDF_ARG_REAL, s.slope, 0, OCSDF_TRAIN_SLOPE_MAX, SLOPE, "W",
	              "distance: weight of a fit of the rise of f to the\n"
	              "rise of the targets at the rows (default 3; 0: off)"),
	OCSDF_ARG_NUM("ascent-rows", O_ASCENT, OCSDF_ARG_INT, s.ascent_rows, 0, OCSDF_TRAIN_MAX_ASCENT_ROWS, ASCENT,
	              "N", "distance: outside points climbed from N rows\n"
	              "(default 500; 0: off)"),
	REAL("contamination", O_CONTAM, s.contamination, 0, OCSDF_TRAIN_CONTAMINATION_MAX, "P",
	     "distance: share of training rows left below level 0\n"
	     "(default 0.05)"),
	REAL("domain", O_BOX, s.box, OCSDF_TRAIN_BOX_MIN, OCSDF_TRAIN_BOX_MAX, "B",
	     "negatives in [-B, B]^d, model units (default 5)"),
	REAL("margin", O_MARGIN, s.margin, OCSDF_TRAIN_MARGIN_MIN, OCSDF_TRAIN_MARGIN_MAX, "M",
	     "paper: hinge margin m, model units (default 0.05)"),
	REAL("lambda", O_LAMBDA, s.lambda, OCSDF_TRAIN_LAMBDA_MIN, OCSDF_TRAIN_LAMBDA_MAX, "L",
	     "paper: weight of the hinge (default 100)"),
	INT("walk-steps", O_STEPS, s.newton_steps, 0, OCSDF_TRAIN_MAX_NEWTON_STEPS, "T",
	    "paper: gradient steps per negative (default 4)"),
	CHOICE("init", O_INIT, s.init, inits, "KIND", "paper: uniform (box, default) or gaussian"),
	CHOICE("newton", O_NEWTON, s.newton_level0, newtons, "KIND",
	       "paper: paper (step to level -m, default) or authors"),
	OCSDF_ARG_SECTION("Optimisation:"),
	INT("epochs", O_EPOCHS, s.epochs, 1, OCSDF_TRAIN_MAX_EPOCHS, "N", "epochs (default 40)"),
	OCSDF_ARG_NUM("warmup", O_WARMUP, OCSDF_ARG_INT, s.warmup, 0, OCSDF_TRAIN_MAX_EPOCHS, WARMUP, "N",
	              "first epochs with T = 0 (default epochs/8: 5 of 40)"),
	OCSDF_ARG_NUM("min-steps", O_MINSTEPS, OCSDF_ARG_INT, s.steps_per_epoch_min, 1,
	              OCSDF_TRAIN_MAX_STEPS_PER_EPOCH, MIN_STEPS, "N",
	              "at least N steps per epoch (default 15, more below\n"
	              "20 epochs: 300 steps in all; with the default\n"
	              "width, times (512/width)^2)"),
	INT("max-steps", O_MAXSTEPS, s.steps_per_epoch_max, 1, OCSDF_TRAIN_MAX_STEPS_PER_EPOCH, "N",
	    "at most N steps per epoch (default: no limit)"),
	INT("batch", O_BATCH, s.batch, 1, OCSDF_TRAIN_MAX_BATCH, "N", "data rows and negatives per step (default 128)"),
	OCSDF_ARG_NUM("lr", O_LR, OCSDF_ARG_REAL, s.lr, OCSDF_TRAIN_LR_MIN, OCSDF_TRAIN_LR_MAX, LR, "R",
	              "RMSprop learning rate (default 0.001; with the\n"
	              "default width, times (512/width)^(1/2))"),
	CHOICE("lr-decay", O_LRDECAY, decay, decays, "KIND", "linear to --lr-final (default) or none"),
	OCSDF_ARG_NUM("lr-final", O_LRFINAL, OCSDF_ARG_REAL, s.lr_final, OCSDF_TRAIN_LR_MIN, OCSDF_TRAIN_LR_MAX,
	              LR_FINAL, "R", "final learning rate for linear decay (default lr/1000)"),
	OCSDF_ARG_NUM("lr-hold", O_LRHOLD, OCSDF_ARG_REAL, s.lr_hold, 0, OCSDF_TRAIN_LR_HOLD_MAX, LR_HOLD, "F",
	              "share of the run held at --lr-final (default 0.25)"),
	REAL("average", O_AVERAGE, s.average, 0, OCSDF_TRAIN_AVERAGE_MAX, "F",
	     "share of the run, at its end, whose weights are\n"
	     "averaged into the model (default 0: none)"),
	CHOICE("ortho", O_ORTHO, s.ortho, orthos, "KIND", "retract (default) or bjorck (paper)"),
	INT("bjorck-iters", O_BITERS, s.bjorck_iters, 1, OCSDF_TRAIN_MAX_BJORCK_ITERS, "N",
	    "Björck iterations (default 15)"),
	REAL("bjorck-tol", O_BTOL, s.bjorck_tol, 0, OCSDF_TRAIN_BJORCK_TOL_MAX, "X",
	     "stop once |ΘᵀΘ-I| is surely below X (default 0)"),
	INT("retract-iters", O_RITERS, s.retract_iters, 1, OCSDF_TRAIN_MAX_RETRACT_ITERS, "N",
	    "most Newton-Schulz iterations per step (default 3)"),
	OCSDF_ARG_SECTION("Network:"),
	OCSDF_ARG_NUM("width", O_WIDTH, OCSDF_ARG_INT, a.width, 2, OCSDF_MAX_WIDTH, WIDTH, "N",
	              "hidden units (default: distance, 128 up to 64\n"
	              "features, 256 up to 128, else 512; paper, 512)"),
	INT("depth", O_DEPTH, a.depth, 1, OCSDF_MAX_DEPTH, "N", "hidden layers (default 4)"),
	CHOICE("activation", O_ACT, a.activation, acts, "KIND", "groupsort (default) or fullsort (the paper)"),
	OCSDF_ARG_SECTION("Run:"),
	OCSDF_ARG_ROW("seed", O_SEED, OCSDF_ARG_SEED, s.seed, "N", "random seed (default 1)"),
	OCSDF_ARG_NUM("threads", O_THREADS, OCSDF_ARG_INT, threads, 1, OCSDF_THREADS_MAX, 0, "N",
	              "OpenBLAS threads (default: 1 below width 512, else\n"
	              "all cores)"),
	OCSDF_ARG_ROW("eval", O_EVAL, OCSDF_ARG_SET, eval, NULL,
	              "with --label, print the AUROC on the rows each epoch"),
	OCSDF_ARG_ROW("anomaly", O_ANOMALY, OCSDF_ARG_TEXT, anomaly, "VALUE",
	              "label value of anomalies for --eval (default 1)"),
	OCSDF_ARG_ROW("verbose", 'v', OCSDF_ARG_SET, verbose, NULL,
	              "a line per epoch even when stderr is not a terminal"),
	OCSDF_ARG_ROW("quiet", 'q', OCSDF_ARG_SET, quiet, NULL, "no progress"),
	OCSDF_ARG_HELP_ROWS,
	OCSDF_ARG_OLD_NAMES,
	OCSDF_ARG_BARE("box", O_BOX, OCSDF_ARG_OWN, "B", "--domain B"),
	OCSDF_ARG_BARE("steps", O_STEPS, OCSDF_ARG_OWN, "T", "--walk-steps T"),
	OCSDF_ARG_END};

/* The part of option c (row r) the table leaves to ocsdf_arg_parse's own:
 * the groups of the options given, --no-header and --columns; e set if
 * refused. */
static void take_option(void *base, const ocsdf_arg_spec *r, int c, ocsdf_error *e)
{
	options *o = base;
	o->given |= r ? r->group : 0;
	switch (c) {
	case O_NO_HEADER: o->csv.header = OCSDF_CSV_NO_HEADER; break;
	case O_COLUMNS:
		o->columns = ocsdf_arg_csv_columns(e, optarg, o->columns, &o->csv);
		break;
	}
}

/* The options together, and the defaults that depend on others: 0, or 64
 * with e set. */
static int check_options(options *o, ocsdf_error *e)
{
	if (ocsdf_trainrun_settings(&o->s, o->decay, o->given, e))
		return e->code;
	if (o->a.activation == OCSDF_ACT_GROUPSORT2 && o->a.width % 2)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--activation groupsort needs an even --width");
	if (o->eval && !o->label)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--eval needs --label");
	if (ocsdf_csv_check_names(o->columns != NULL, o->csv.header, e))
		return e->code;
	if (o->resume && (o->given & TRAINING))
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
	if (ocsdf_arg_parse(argc, argv, specs, o, take_option, &o->action, e) || o->action)
		return e->code;
	if (optind + 1 < argc)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "too many arguments: one input FILE at most");
	o->input = optind < argc ? argv[optind] : "-";
	return check_options(o, e);
}

int train_opts_start(int argc, char **argv, options *o)
{
	return ocsdf_arg_start(argc, argv, parse_options, o, &o->action, usage_head, specs, 25, usage_tail);
}
