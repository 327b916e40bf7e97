/*
 * ocsdf-train: learns the signed distance function to the rows of a CSV
 * file and writes it as a model (ocsdf-model(5)).  Files and printing
 * live here; the options (their table, --help and checks) in
 * cmd/train/opts.c; the method in lib/train.c, what surrounds it
 * (a resumed run's checkpoint and rows checked, a new model, --eval, the
 * progress lines) in lib/trainrun.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dataset.h"
#include "label.h"
#include "model.h"
#include "train/opts.h"
#include "output.h"
#include "scale.h"
#include "train.h"
#include "trainrun.h"

/* What the progress hook needs. */
typedef struct run {
	int show, verbose;
	double last_print;
	const ocsdf_model *m;
	ocsdf_trainrun_eval eval;  /* --eval's rows, or empty */
} run;

/* Shows p: redrawn on a terminal, a line an epoch with -v; --eval's
 * figures are those of the weights theta (with --average, the model the
 * run would write if it ended there).  Returns 0. */
static int on_progress(void *ctx, const ocsdf_train_progress *p, const float *theta, int end_of_epoch)
{
	run *r = ctx;
	char auc[96] = "", line[1024];
	if (end_of_epoch && r->eval.anom)
		ocsdf_trainrun_eval_text(&r->eval, &r->m->arch, theta, auc, sizeof auc);
	if (r->show && (end_of_epoch || p->seconds - r->last_print > 0.2)) {
		r->last_print = p->seconds;
		ocsdf_trainrun_line(line, sizeof line, p, r->m->settings.batch, 1, auc);
		fprintf(stderr, "\r%s\033[K%s", line, end_of_epoch ? "\n" : "");
	} else if (r->verbose && end_of_epoch) {
		ocsdf_trainrun_line(line, sizeof line, p, r->m->settings.batch, 0, auc);
		fprintf(stderr, "%s\n", line);
	}
	return 0;
}

/* Whether the run writes over the checkpoint it resumes, which -f need
 * not allow. */
static int over_checkpoint(const options *o)
{
	return o->resume && strcmp(o->out, o->resume) == 0;
}

/* Files and signals before the run: dies, before hours of training, if
 * the model cannot be written. */
static void prepare(const options *o)
{
	ocsdf_error e;
	ocsdf_output_protect_input(o->input);
	if (!over_checkpoint(o) && ocsdf_output_check(o->out, o->force, &e))
		ocsdf_die_error(&e);
	ocsdf_output_cleanup_on_signals();
}

/* The training rows (the checkpoint's features and scaling if any), and
 * what they say before a run: the sample kept, no rows, too few or too
 * many for the checkpoint, a feature that looks like labels. */
static void read_rows(const options *o, const ocsdf_model *m, ocsdf_dataset *ds)
{
	/* Values must fit the standardization (scale.h): the checkpoint's, or
	 * 0 and 1 for --scale none.  One fitted on the rows fits them. */
	ocsdf_dataset_spec spec = {.label = o->label, .ignore = o->ignore, .csv = &o->csv,
				   .check_scale = o->scale == OCSDF_SCALE_NONE, .sample = (size_t)o->sample,
				   .seed = o->s.seed, .max_bytes = (size_t)o->max_memory << 20};
	ocsdf_error e;
	if (ocsdf_trainrun_read(o->input, &spec, m, ds, &e))
		ocsdf_die_error(&e);
	if (o->sample && !o->quiet)
		fprintf(stderr, "%s: %llu rows read, a uniform sample of %zu kept; scaling fitted on all of them\n",
			ocsdf_cli_name(), (unsigned long long)ds->rows_read, ds->n);
	if (ocsdf_trainrun_check_rows(ds, o->input, m, o->resume, &e))
		ocsdf_die_error(&e);
	/* Training on the labels is the easiest mistake to make with a
	 * benchmark file, and nothing else would reveal it. */
	for (int j = 0; !o->label && !o->quiet && j < ds->d; j++)
		if (ocsdf_label_usual_name(ds->names[j]))
			ocsdf_warn("column \"%s\" is used as a feature; if it holds labels, leave it out with "
				   "--label %s", ds->names[j], ds->names[j]);
}

/* A new model for the rows: its network checked, its features named, its
 * scaling fitted, all checked now rather than when it is saved after the
 * whole run. */
static ocsdf_model *new_model(const options *o, const ocsdf_dataset *ds)
{
	ocsdf_model *m;
	ocsdf_error e;
	int constant, rc;
	if (o->a.width < ds->d)
		ocsdf_warn("--width %d is below the %d features: the first layer keeps only %d directions of the "
			   "input", o->a.width, ds->d, o->a.width);
	rc = ocsdf_trainrun_model_new(&o->a, &o->s, o->scale, ds, &m, &constant, &e);
	if (constant && !o->quiet)
		ocsdf_warn("%d constant feature(s): scaled by 1 (see ocsdf-train(1))", constant);
	if (rc == OCSDF_EUSAGE)
		ocsdf_usage_error("%s", e.msg);
	if (rc)
		ocsdf_die_error(&e);
	return m;
}

/* What the progress hook needs, --eval's scores and labels included. */
static void run_init(run *r, const options *o, const ocsdf_model *m, const float *Z, const ocsdf_dataset *ds)
{
	*r = (run){.show = ocsdf_progress_enabled(o->quiet), .verbose = o->verbose && !o->quiet, .m = m};
	if (o->eval && ocsdf_trainrun_eval_init(&r->eval, Z, (const char *const *)ds->labels, ds->n, o->anomaly))
		ocsdf_die_nomem();
}

/* Trains until done or stopped by SIGINT or SIGTERM: 0, OCSDF_EINTR, or
 * an error with e set. */
static int train(ocsdf_model *m, const float *Z, size_t n, run *r, ocsdf_error *e)
{
	ocsdf_train_hooks h = {on_progress, r, ocsdf_stop_on_signals(), r->eval.anom != NULL};
	return ocsdf_train_run(m, Z, n, &h, e);
}

/* The model, finished or a checkpoint, and what the run says about it. */
static void save(const options *o, const ocsdf_model *m, const run *r, size_t n, int rc)
{
	ocsdf_error e;
	if (ocsdf_model_save(m, o->out, o->force || over_checkpoint(o), &e))
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
	ocsdf_model *m = NULL;
	ocsdf_error e;
	float *Z;
	run r;

	status = train_opts_start(argc, argv, &o);
	if (status >= 0)
		return status;
	prepare(&o);
	if (o.resume && ocsdf_trainrun_resume(o.resume, &m, &e))
		ocsdf_die_error(&e);
	read_rows(&o, m, &ds);
	if (!m) {
		ocsdf_trainrun_shape(&o.a, &o.s, ds.d, o.given);
		m = new_model(&o, &ds);
	}
	/* The default count follows the model's width: a checkpoint's, so
	 * that a resumed run has the threads (and the rounding) of the run it
	 * continues. */
	ocsdf_threads_set(o.threads, m->arch.width);
	if (o.verbose && !o.quiet)
		ocsdf_kernels_report();
	m->stats.rows_read = ds.rows_read;
	Z = ocsdf_xmalloc(ds.n * (size_t)m->arch.d * sizeof(float));
	ocsdf_scale_apply(ds.X, ds.n, m->arch.d, m->mean, m->std, Z);
	run_init(&r, &o, m, Z, &ds);
	rc = train(m, Z, ds.n, &r, &e);
	if (rc && rc != OCSDF_EINTR)
		ocsdf_die_error(&e);
	save(&o, m, &r, ds.n, rc);
	free(Z);
	ocsdf_trainrun_eval_free(&r.eval);
	ocsdf_dataset_free(&ds);
	ocsdf_model_free(m);
	free(o.columns);
	return rc == OCSDF_EINTR ? OCSDF_EINTR : 0;
}
