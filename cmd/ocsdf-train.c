/*
 * ocsdf-train: learns the signed distance function to the rows of a CSV
 * file and writes it as a model (ocsdf-model(5)).  Options, files and
 * progress live here; the method lives in lib/train.c.
 */
#include <cblas.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "csv.h"
#include "dataset.h"
#include "model.h"
#include "output.h"
#include "roc.h"
#include "scale.h"
#include "train.h"

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
	"Method:\n"
	"      --margin M         hinge margin m, model units (default 0.05)\n"
	"      --lambda L         weight of the hinge (default 100)\n"
	"      --steps T          gradient steps per negative (default 4)\n"
	"      --box B            domain [-B, B]^d, model units (default 5)\n"
	"      --init KIND        uniform (box, default) or gaussian (authors' code)\n"
	"      --newton KIND      paper (step to level -m, default) or authors\n"
	"Optimisation:\n"
	"      --epochs N         epochs (default 40)\n"
	"      --warmup N         first epochs with T = 0 (default epochs/8: 5 of 40)\n"
	"      --min-steps N      at least N steps per epoch (default 15)\n"
	"      --max-steps N      at most N steps per epoch (default: no limit)\n"
	"      --batch N          data rows and negatives per step (default 128)\n"
	"      --lr R             RMSprop learning rate (default 0.001)\n"
	"      --lr-decay KIND    none (default) or linear to --lr-final\n"
	"      --lr-final R       final learning rate for linear decay (default lr/1000)\n"
	"      --ortho KIND       retract (default) or bjorck (paper)\n"
	"      --bjorck-iters N   Björck iterations (default 15)\n"
	"      --bjorck-tol X     stop once |ΘᵀΘ-I| is surely below X (default 0)\n"
	"      --retract-iters N  Newton-Schulz iterations per step (default 3)\n"
	"Network:\n"
	"      --width N          hidden units (default 512)\n"
	"      --depth N          hidden layers (default 4)\n"
	"      --activation KIND  fullsort (default) or groupsort\n"
	"Run:\n"
	"      --seed N           random seed (default 1)\n"
	"      --threads N        OpenBLAS threads (default: all cores)\n"
	"      --eval             with --label, print the AUROC on the rows each epoch\n"
	"      --anomaly VALUE    label value of anomalies for --eval (default 1)\n"
	"  -v, --verbose          a line per epoch even when stderr is not a terminal\n"
	"  -q, --quiet            no progress\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Example:\n"
	"  ocsdf-train --label label -o cardio.model cardio.csv\n";

enum {
	O_LABEL = 256, O_IGNORE, O_SCALE, O_RESUME, O_MARGIN, O_LAMBDA, O_STEPS, O_BOX, O_INIT,
	O_NEWTON, O_EPOCHS, O_WARMUP, O_MINSTEPS, O_MAXSTEPS, O_BATCH, O_LR, O_LRDECAY, O_LRFINAL, O_ORTHO,
	O_BITERS, O_BTOL, O_RITERS, O_WIDTH, O_DEPTH, O_ACT, O_SEED, O_THREADS, O_EVAL, O_ANOMALY
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
	char auc[48] = "";

	(void)theta;
	if (end_of_epoch && r->is_anomaly) {
		ocsdf_roc *roc;
		ocsdf_error e;
		if (ocsdf_train_eval(r->m, r->Z, r->n, r->f, NULL) == 0) {
			for (size_t i = 0; i < r->n; i++)
				r->score[i] = r->f[i];
			if (ocsdf_roc_new(r->score, r->is_anomaly, r->n, &roc, &e) == 0) {
				snprintf(auc, sizeof auc, "  auroc %.4f", ocsdf_roc_auroc(roc, 0));
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

int main(int argc, char **argv)
{
	static const char *const scales[] = {"std", "iso", "none", NULL};
	static const char *const inits[] = {"uniform", "gaussian", NULL};
	static const char *const newtons[] = {"paper", "authors", NULL};
	static const char *const orthos[] = {"bjorck", "retract", NULL};
	static const char *const acts[] = {"fullsort", "groupsort", NULL};
	static const char *const decays[] = {"none", "linear", NULL};
	ocsdf_train_settings s;
	ocsdf_arch a = {0, 512, 4, OCSDF_ACT_FULLSORT};
	const char *out = NULL, *label = NULL, *ignore = NULL, *resume = NULL, *input;
	const char *anomaly = "1";
	int force = 0, quiet = 0, verbose = 0, eval = 0, scale = OCSDF_SCALE_STD, decay = 0;
	int lr_final_set = 0, warmup_set = 0, training_opts = 0, c, rc;
	ocsdf_dataset ds;
	ocsdf_dataset_spec spec;
	ocsdf_model *m = NULL;
	ocsdf_error err;
	float *Z;
	run r;

	ocsdf_cli_init(argv[0]);
	ocsdf_train_default_settings(&s);
	while ((c = getopt_long(argc, argv, ":o:fvqhV", long_options, NULL)) != -1) {
		if (c >= O_SCALE && c != O_RESUME && c != O_SEED && c != O_THREADS && c != O_EVAL &&
		    c != O_ANOMALY)
			training_opts = 1;
		switch (c) {
		case 'o': out = ocsdf_opt_output("-o", optarg); break;
		case 'f': force = 1; break;
		case O_LABEL: label = optarg; break;
		case O_IGNORE: ignore = optarg; break;
		case O_SCALE: scale = ocsdf_opt_choice("--scale", optarg, scales); break;
		case O_RESUME: resume = optarg; break;
		case O_MARGIN:
			s.margin = ocsdf_opt_double("--margin", optarg, OCSDF_TRAIN_MARGIN_MIN,
						    OCSDF_TRAIN_MARGIN_MAX);
			break;
		case O_LAMBDA:
			s.lambda = ocsdf_opt_double("--lambda", optarg, OCSDF_TRAIN_LAMBDA_MIN,
						    OCSDF_TRAIN_LAMBDA_MAX);
			break;
		case O_STEPS:
			s.newton_steps = (int)ocsdf_opt_long("--steps", optarg, 0, OCSDF_TRAIN_MAX_NEWTON_STEPS);
			break;
		case O_BOX:
			s.box = ocsdf_opt_double("--box", optarg, OCSDF_TRAIN_BOX_MIN, OCSDF_TRAIN_BOX_MAX);
			break;
		case O_INIT: s.init = ocsdf_opt_choice("--init", optarg, inits); break;
		case O_NEWTON: s.newton_level0 = ocsdf_opt_choice("--newton", optarg, newtons); break;
		case O_EPOCHS:
			s.epochs = (int)ocsdf_opt_long("--epochs", optarg, 1, OCSDF_TRAIN_MAX_EPOCHS);
			break;
		case O_WARMUP:
			s.warmup = (int)ocsdf_opt_long("--warmup", optarg, 0, OCSDF_TRAIN_MAX_EPOCHS);
			warmup_set = 1;
			break;
		case O_MINSTEPS:
			s.steps_per_epoch_min = (int)ocsdf_opt_long("--min-steps", optarg, 1,
								    OCSDF_TRAIN_MAX_STEPS_PER_EPOCH);
			break;
		case O_MAXSTEPS:
			s.steps_per_epoch_max = (int)ocsdf_opt_long("--max-steps", optarg, 1,
								    OCSDF_TRAIN_MAX_STEPS_PER_EPOCH);
			break;
		case O_BATCH:
			s.batch = (int)ocsdf_opt_long("--batch", optarg, 1, OCSDF_TRAIN_MAX_BATCH);
			break;
		case O_LR:
			s.lr = ocsdf_opt_double("--lr", optarg, OCSDF_TRAIN_LR_MIN, OCSDF_TRAIN_LR_MAX);
			break;
		case O_LRDECAY: decay = ocsdf_opt_choice("--lr-decay", optarg, decays); break;
		case O_LRFINAL:
			s.lr_final = ocsdf_opt_double("--lr-final", optarg, OCSDF_TRAIN_LR_MIN,
						      OCSDF_TRAIN_LR_MAX);
			lr_final_set = 1;
			break;
		case O_ORTHO: s.ortho = ocsdf_opt_choice("--ortho", optarg, orthos); break;
		case O_BITERS:
			s.bjorck_iters = (int)ocsdf_opt_long("--bjorck-iters", optarg, 1,
							     OCSDF_TRAIN_MAX_BJORCK_ITERS);
			break;
		case O_BTOL:
			s.bjorck_tol = ocsdf_opt_double("--bjorck-tol", optarg, 0, OCSDF_TRAIN_BJORCK_TOL_MAX);
			break;
		case O_RITERS:
			s.retract_iters = (int)ocsdf_opt_long("--retract-iters", optarg, 1,
							      OCSDF_TRAIN_MAX_RETRACT_ITERS);
			break;
		case O_WIDTH: a.width = (int)ocsdf_opt_long("--width", optarg, 2, OCSDF_MAX_WIDTH); break;
		case O_DEPTH: a.depth = (int)ocsdf_opt_long("--depth", optarg, 1, OCSDF_MAX_DEPTH); break;
		case O_ACT: a.activation = ocsdf_opt_choice("--activation", optarg, acts); break;
		case O_SEED:
			s.seed = (uint64_t)ocsdf_opt_long("--seed", optarg, 0, 0x7fffffffffffffffL);
			break;
		case O_THREADS:
			openblas_set_num_threads((int)ocsdf_opt_long("--threads", optarg, 1, 1024));
			break;
		case O_EVAL: eval = 1; break;
		case O_ANOMALY: anomaly = optarg; break;
		case 'v': verbose = 1; break;
		case 'q': quiet = 1; break;
		case 'h': return ocsdf_print_text(usage_text);
		case 'V': return ocsdf_print_version();
		case ':': ocsdf_missing_value(argv[optind - 1]);
		default: ocsdf_bad_option(argv[optind - 1]);
		}
	}
	if (optind + 1 < argc)
		ocsdf_usage_error("too many arguments: one input FILE at most");
	input = optind < argc ? argv[optind] : "-";
	if (decay == 0 && lr_final_set)
		ocsdf_usage_error("--lr-final needs --lr-decay linear");
	s.lr_final = decay ? (lr_final_set ? s.lr_final : s.lr / 1000) : s.lr;
	if (!warmup_set)
		s.warmup = s.epochs / 8;
	if (s.warmup > s.epochs)
		ocsdf_usage_error("--warmup (%d) exceeds --epochs (%d)", s.warmup, s.epochs);
	if (a.activation == OCSDF_ACT_GROUPSORT2 && a.width % 2)
		ocsdf_usage_error("--activation groupsort needs an even --width");
	if (eval && !label)
		ocsdf_usage_error("--eval needs --label");
	if (resume && training_opts)
		ocsdf_usage_error("--resume continues with the checkpoint's settings; "
				  "give no method, network or optimisation options with it");
	if (!out)
		out = resume ? resume : "ocsdf.model";
	ocsdf_output_protect_input(input);
	/* Fails early, before hours of training, if the model cannot be
	 * written. */
	if ((!resume || strcmp(out, resume) != 0) && ocsdf_output_check(out, force, &err))
		ocsdf_die_error(&err);
	ocsdf_output_cleanup_on_signals();

	if (resume) {
		rc = ocsdf_model_load(resume, &m, &err);
		if (rc)
			ocsdf_die_error(&err);
		/* Against the rows of the interrupted run first: a forged
		 * checkpoint is refused before its data are read. */
		if (ocsdf_train_check_resume(m, m->stats.rows, &err))
			ocsdf_die(err.code, "%s: %s", resume, err.msg);
		a = m->arch;
		s.seed = m->settings.seed;
	}

	memset(&spec, 0, sizeof spec);
	spec.label = label;
	spec.ignore = ignore;
	if (m) {
		spec.names = (const char *const *)m->names;
		spec.n_names = m->arch.d;
	}
	/* Values must fit the standardization (scale.h): the checkpoint's, or
	 * 0 and 1 for --scale none.  One fitted on the rows fits them. */
	spec.check_scale = m || scale == OCSDF_SCALE_NONE;
	spec.mean = m ? m->mean : NULL;
	spec.std = m ? m->std : NULL;
	rc = ocsdf_dataset_read(input, &spec, &ds, &err);
	if (rc)
		ocsdf_die_error(&err);
	if (ds.n == 0)
		ocsdf_die(OCSDF_EDATA, "%s: no rows to train on", strcmp(input, "-") ? input : "standard input");
	if (resume && ocsdf_train_check_resume(m, ds.n, &err))
		ocsdf_die(err.code, "%s: %s", resume, err.msg);
	/* Training on the labels is the easiest mistake to make with a
	 * benchmark file, and nothing else would reveal it. */
	for (int j = 0; !label && !quiet && j < ds.d; j++) {
		static const char *const label_names[] = {"label", "class", "target", "outlier", "anomaly", NULL};
		for (int k = 0; label_names[k]; k++)
			if (strcasecmp(ds.names[j], label_names[k]) == 0)
				ocsdf_warn("column \"%s\" is used as a feature; if it holds labels, "
					   "leave it out with --label %s", ds.names[j], ds.names[j]);
	}
	if (!m) {
		a.d = ds.d;
		if (a.width < a.d)
			ocsdf_warn("--width %d is below the %d features: the first layer keeps only %d "
				   "directions of the input",
				   a.width, a.d, a.width);
		if (ocsdf_arch_check(&a))
			ocsdf_usage_error("%s", ocsdf_arch_check(&a));
		if (ocsdf_train_check_settings(&s, &a, &err))
			ocsdf_usage_error("%s", err.msg);
		m = ocsdf_model_new(&a, 1);
		if (!m)
			ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
		m->settings = s;
		m->scale = scale;
		for (int j = 0; j < a.d; j++)
			if (ocsdf_model_set_name(m, j, ds.names[j]))
				ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
		{
			int constant = ocsdf_scale_fit(ds.X, ds.n, a.d, scale, m->mean, m->std);
			if (constant && !quiet)
				ocsdf_warn("%d constant feature(s): scaled by 1 (see ocsdf-train(1))", constant);
		}
		/* Names and scaling are checked now rather than when the model
		 * is saved after the whole run. */
		if (ocsdf_model_check(m, &err))
			ocsdf_die_error(&err);
	}
	Z = malloc(ds.n * (size_t)a.d * sizeof(float));
	if (!Z)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	ocsdf_scale_apply(ds.X, ds.n, a.d, m->mean, m->std, Z);

	memset(&r, 0, sizeof r);
	r.show = ocsdf_progress_enabled(quiet);
	r.verbose = verbose && !quiet;
	r.m = m;
	r.Z = Z;
	r.n = ds.n;
	if (eval) {
		r.is_anomaly = malloc(ds.n);
		r.f = malloc(ds.n * sizeof(float));
		r.score = malloc(ds.n * sizeof(double));
		if (!r.is_anomaly || !r.f || !r.score)
			ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
		for (size_t i = 0; i < ds.n; i++)
			r.is_anomaly[i] = (unsigned char)ocsdf_csv_label_matches(ds.labels[i], anomaly);
	}

	{
		struct sigaction sa;
		ocsdf_train_hooks h = {on_progress, &r, &stop_requested};
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_stop;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		rc = ocsdf_train_run(m, Z, ds.n, &h, &err);
	}
	if (rc && rc != OCSDF_EINTR)
		ocsdf_die_error(&err);
	{
		ocsdf_error serr;
		int force_save = force || (resume && strcmp(out, resume) == 0);
		if (ocsdf_model_save(m, out, force_save, &serr))
			ocsdf_die_error(&serr);
	}
	if (rc == OCSDF_EINTR)
		fprintf(stderr, "%s%s: interrupted at epoch %llu, step %llu; checkpoint saved to %s "
				"(continue with --resume %s)\n",
			r.show ? "\n" : "", ocsdf_cli_name(), (unsigned long long)m->epoch,
			(unsigned long long)m->step, out, out);
	else if (!quiet && (r.show || verbose))
		fprintf(stderr, "%s: %zu rows, f mean %.4g, p1 %.4g, |grad f| mean %.3f; wrote %s\n",
			ocsdf_cli_name(), ds.n, m->stats.f_mean, m->stats.f_p1,
			m->stats.grad_norm_mean, out);
	free(Z);
	free(r.is_anomaly);
	free(r.f);
	free(r.score);
	ocsdf_dataset_free(&ds);
	ocsdf_model_free(m);
	return rc == OCSDF_EINTR ? OCSDF_EINTR : 0;
}
