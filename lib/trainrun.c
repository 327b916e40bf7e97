/* trainrun.c: a resumed run's checkpoint and rows, a new model for a data
 * set, --eval's scores and the progress lines of a training run (see
 * trainrun.h). */
#include "trainrun.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label.h"
#include "roc.h"
#include "scale.h"

int ocsdf_trainrun_settings(ocsdf_train_settings *s, int decay, int given, ocsdf_error *e)
{
	if (!decay && (given & (OCSDF_TRAINRUN_LR_FINAL | OCSDF_TRAINRUN_LR_HOLD)))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%s needs --lr-decay linear",
				       given & OCSDF_TRAINRUN_LR_FINAL ? "--lr-final" : "--lr-hold");
	s->lr_final = decay ? (given & OCSDF_TRAINRUN_LR_FINAL ? s->lr_final : s->lr / 1000) : s->lr;
	if (!decay)
		s->lr_hold = 0;
	if (!(given & OCSDF_TRAINRUN_WARMUP))
		s->warmup = s->epochs / 8;
	if (s->warmup > s->epochs)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--warmup (%d) exceeds --epochs (%d)", s->warmup, s->epochs);
	if (!(given & OCSDF_TRAINRUN_SLOPE) && (s->sampler != OCSDF_SAMPLER_DISTANCE || s->eikonal > 0))
		s->slope = 0;
	if (!(given & OCSDF_TRAINRUN_ASCENT) && s->sampler != OCSDF_SAMPLER_DISTANCE)
		s->ascent_rows = 0;
	if (s->ascent_rows > 0 && s->sampler != OCSDF_SAMPLER_DISTANCE)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--ascent-rows needs --sampler distance");
	if (s->eikonal > 0 && s->sampler != OCSDF_SAMPLER_DISTANCE)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--eikonal needs --sampler distance");
	if (s->slope > 0 && s->sampler != OCSDF_SAMPLER_DISTANCE)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--slope needs --sampler distance");
	if (s->slope > 0 && s->eikonal > 0)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--slope and --eikonal: one at a time");
	return 0;
}

void ocsdf_trainrun_shape(ocsdf_arch *a, ocsdf_train_settings *s, int d, int given)
{
	long scale = 1;

	if (!(given & OCSDF_TRAINRUN_WIDTH)) {
		a->width = OCSDF_TRAINRUN_AUTO_WIDTH_MAX;
		if (s->sampler == OCSDF_SAMPLER_DISTANCE)
			for (a->width = OCSDF_TRAINRUN_AUTO_WIDTH_MIN;
			     a->width < OCSDF_TRAINRUN_AUTO_WIDTH_MAX && a->width < 2L * d;)
				a->width *= 2;
		scale = (long)(OCSDF_TRAINRUN_AUTO_WIDTH_MAX / a->width) * (OCSDF_TRAINRUN_AUTO_WIDTH_MAX / a->width);
		if (!(given & OCSDF_TRAINRUN_LR)) {
			double faster = sqrt((double)OCSDF_TRAINRUN_AUTO_WIDTH_MAX / a->width);
			s->lr *= faster;
			if (!(given & OCSDF_TRAINRUN_LR_FINAL))
				s->lr_final *= faster;
		}
	}
	if (!(given & OCSDF_TRAINRUN_MIN_STEPS) && s->epochs > 0) {
		long need = (OCSDF_TRAINRUN_MIN_TOTAL_STEPS * scale + s->epochs - 1) / s->epochs;
		if (need < s->steps_per_epoch_min * scale)
			need = s->steps_per_epoch_min * scale;
		s->steps_per_epoch_min = (int)need;
	}
}

/* ocsdf_train_check_resume(m, n): 0, or its code with its message after
 * "path: " in e. */
static int check_resume(const ocsdf_model *m, uint64_t n, const char *path, ocsdf_error *e)
{
	ocsdf_error why;
	if (!ocsdf_train_check_resume(m, n, &why))
		return 0;
	return ocsdf_error_set(e, why.code, "%s: %s", path, why.msg);
}

int ocsdf_trainrun_resume(const char *path, ocsdf_model **out, ocsdf_error *e)
{
	int rc;
	*out = NULL;
	if ((rc = ocsdf_model_load(path, out, e)))
		return rc;
	if ((rc = check_resume(*out, (*out)->stats.rows, path, e))) {
		ocsdf_model_free(*out);
		*out = NULL;
	}
	return rc;
}

int ocsdf_trainrun_read(const char *path, ocsdf_dataset_spec *spec, const ocsdf_model *m, ocsdf_dataset *ds,
			ocsdf_error *e)
{
	if (m) {
		spec->names = (const char *const *)m->names;
		spec->n_names = m->arch.d;
		spec->mean = m->mean;
		spec->std = m->std;
		spec->check_scale = 1;
	}
	return ocsdf_dataset_read(path, spec, ds, e);
}

int ocsdf_trainrun_check_rows(const ocsdf_dataset *ds, const char *path, const ocsdf_model *m, const char *resume,
			      ocsdf_error *e)
{
	if (ds->n == 0)
		return ocsdf_error_set(e, OCSDF_EDATA, "%s: no rows to train on",
				       strcmp(path, "-") ? path : "standard input");
	return m ? check_resume(m, ds->n, resume, e) : 0;
}

/* The checks of a and s, 64 with e set if either is refused. */
static int check_shape(const ocsdf_arch *a, const ocsdf_train_settings *s, ocsdf_error *e)
{
	if (ocsdf_arch_check(a))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%s", ocsdf_arch_check(a));
	if (ocsdf_train_check_settings(s, a, e))
		return e->code = OCSDF_EUSAGE;
	return 0;
}

int ocsdf_trainrun_model_new(const ocsdf_arch *a, const ocsdf_train_settings *s, int kind, const ocsdf_dataset *ds,
			     ocsdf_model **out, int *constant, ocsdf_error *e)
{
	ocsdf_arch shape = *a;
	ocsdf_model *m;
	int rc;
	*constant = 0;
	shape.d = ds->d;
	if ((rc = check_shape(&shape, s, e)))
		return rc;
	if (!(m = ocsdf_model_new(&shape, 1)))
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	m->settings = *s;
	m->scale = kind;
	for (int j = 0; j < shape.d; j++)
		if (ocsdf_model_set_name(m, j, ds->names[j])) {
			ocsdf_model_free(m);
			return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
		}
	/* With a sample, the scaling is that of every row read. */
	if (ds->moments)
		*constant = ocsdf_scale_moments_fit(ds->moments, kind, m->mean, m->std);
	else
		*constant = ocsdf_scale_fit(ds->X, ds->n, shape.d, kind, m->mean, m->std);
	if ((rc = ocsdf_model_check(m, e))) {
		ocsdf_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int ocsdf_trainrun_eval_init(ocsdf_trainrun_eval *ev, const float *Z, const char *const *labels, size_t n,
			     const char *anomaly)
{
	*ev = (ocsdf_trainrun_eval){.Z = Z, .n = n};
	/* One block: the scores, then f, then the classes. */
	if (!(ev->score = malloc(n * (sizeof *ev->score + sizeof *ev->f + 1) + 1)))
		return -1;
	ev->f = (float *)(ev->score + n);
	ev->anom = (unsigned char *)(ev->f + n);
	ocsdf_label_flags(labels, n, anomaly, ev->anom);
	return 0;
}

void ocsdf_trainrun_eval_free(ocsdf_trainrun_eval *ev)
{
	free(ev->score);
	*ev = (ocsdf_trainrun_eval){0};
}

void ocsdf_trainrun_eval_text(ocsdf_trainrun_eval *ev, const ocsdf_arch *a, const float *theta, char *buf,
			      size_t len)
{
	double gn = 0, fm = 0;
	ocsdf_roc *roc;
	ocsdf_error e;
	buf[0] = '\0';
	if (ocsdf_train_eval(a, theta, ev->Z, ev->n, ev->f, &gn) != 0)
		return;
	for (size_t i = 0; i < ev->n; i++)
		ev->score[i] = ev->f[i], fm += ev->f[i];
	if (ocsdf_roc_new(ev->score, ev->anom, ev->n, &roc, &e) != 0)
		return;
	snprintf(buf, len, "  auroc %.4f  f(rows) %.4f  |grad(rows)| %.3f", ocsdf_roc_auroc(roc, 0),
		 fm / (double)ev->n, gn);
	ocsdf_roc_free(roc);
}

void ocsdf_trainrun_line(char *buf, size_t len, const ocsdf_train_progress *p, int batch, int live,
			 const char *suffix)
{
	double eta = p->step ? p->seconds / (double)p->step * (double)(p->steps - p->step) : 0;
	double rows_s = p->seconds > 0 ? (double)p->step * 2.0 * batch / p->seconds : 0;
	char g[32] = "-", more[96] = "";
	/* No walk, no gradient: "-" rather than a norm of 0. */
	if (!isnan(p->gnorm_neg))
		snprintf(g, sizeof g, "%.3f", p->gnorm_neg);
	/* The rise term's: f's rise and the bound's to the probes, per unit
	 * of the step, and the share on one cone. */
	if (!live && !isnan(p->rise_f))
		snprintf(more, sizeof more, "  rise %.3f of %.3f, cone %.2f", p->rise_f, p->rise_bound, p->rise_cone);
	/* The ascent's count, once: on the first epoch's line. */
	if (!live && p->epoch == 1 && p->ascent_rows > 0)
		snprintf(more + strlen(more), sizeof more - strlen(more), "  ascent %d/%d", p->ascent_found,
			 p->ascent_rows);
	if (live)
		snprintf(buf, len,
			 "epoch %d/%d step %d/%d  loss %.4g  f(data) %.3g  f(neg) %.3g  |grad| %s  "
			 "%.0f rows/s  ETA %.0fs%s",
			 p->epoch, p->epochs, p->step_in_epoch, p->steps_per_epoch, p->loss, p->f_data, p->f_neg,
			 g, rows_s, eta, suffix);
	else
		snprintf(buf, len,
			 "epoch %d/%d  loss %.6g  f(data) %.4g  f(neg) %.4g  |grad| %s%s  ortho %.1e  "
			 "reproj %llu  %.1fs%s",
			 p->epoch, p->epochs, p->loss, p->f_data, p->f_neg, g, more, p->ortho_error,
			 (unsigned long long)p->reprojections, p->seconds, suffix);
}
