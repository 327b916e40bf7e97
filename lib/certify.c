/* certify.c: the figures of a certification (see certify.h); the writers
 * are in certify_write.c. */
#include "certify.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "score.h"
#include "text.h"

const double ocsdf_certify_keep[OCSDF_CERTIFY_NKEEP] = {0.9, 0.5};

void ocsdf_certify_default_params(ocsdf_certify_params *p)
{
	*p = (ocsdf_certify_params){.score_col = "sdf", .label_col = "label", .anomaly = "1", .normal = "0",
				    .lipschitz = 1, .level = 0.95, .resamples = 1000, .seed = 1, .bins = 40};
}

int ocsdf_certify_check_params(const ocsdf_certify_params *p, ocsdf_error *e)
{
	if (p->has_threshold && p->has_fpr)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--threshold and --fpr both choose the threshold: give one");
	if (ocsdf_label_check_values(p->anomaly, p->normal, e))
		return OCSDF_EUSAGE;
	if (p->nradius < 0 || (p->nradius && !p->radius))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "no radius");
	for (int k = 0; k < p->nradius; k++)
		if (!(isfinite(p->radius[k]) && p->radius[k] >= 0))
			return ocsdf_error_set(e, OCSDF_EUSAGE, "radius %g is not a finite number >= 0", p->radius[k]);
	if (!(isfinite(p->lipschitz) && p->lipschitz > 0))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "the Lipschitz constant %g is not a finite number > 0",
				       p->lipschitz);
	if (p->ci < OCSDF_CI_NONE || p->ci > OCSDF_CI_BOOTSTRAP || !(p->level > 0 && p->level < 1) ||
	    p->resamples < 2 || p->resamples > 10000000 || p->seed < 0)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "invalid confidence interval settings");
	if (p->has_fpr && !(p->fpr >= 0 && p->fpr < 1))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "the FPR %g is not in [0, 1)", p->fpr);
	if (p->has_threshold && !isfinite(p->threshold))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "the threshold is not a finite number");
	if (p->bins < 1 || p->bins > 100000)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%ld histogram bins: expected 1 to 100000", p->bins);
	return 0;
}

/* Puts radius 0 first among p's radii unless listed: 0, or 70 with e set. */
static int add_radius_zero(ocsdf_certify_params *p, ocsdf_error *e)
{
	double *r;
	for (int k = 0; k < p->nradius; k++)
		if (p->radius[k] == 0)
			return 0;
	if (!(r = malloc((size_t)(p->nradius + 1) * sizeof *r)))
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	r[0] = 0;
	if (p->nradius)
		memcpy(r + 1, p->radius, (size_t)p->nradius * sizeof *r);
	free(p->radius);
	p->radius = r;
	p->nradius++;
	return 0;
}

int ocsdf_certify_complete_params(ocsdf_certify_params *p, int decisions, ocsdf_error *e)
{
	if (decisions && !p->has_threshold && !p->has_fpr) {
		if (p->higher_anomalous)
			return ocsdf_error_set(e, OCSDF_EUSAGE, "--decisions with --higher-is-anomalous needs a "
					       "threshold: add --threshold T or --fpr P");
		p->has_threshold = p->threshold_level = 1;
		p->threshold = 0;
	}
	if (p->nradius > 0 && p->radius && add_radius_zero(p, e))
		return OCSDF_ESOFTWARE;
	return ocsdf_certify_check_params(p, e);
}

int ocsdf_certify_use_model(ocsdf_certify_params *p, const char *path, ocsdf_error *e)
{
	ocsdf_model *m;
	int rc = ocsdf_model_load(path, &m, e);
	if (rc)
		return rc;
	p->lipschitz = p->model_lipschitz = m->stats.lipschitz_raw;
	ocsdf_model_free(m);
	if (!(isfinite(p->lipschitz) && p->lipschitz > 0))
		return ocsdf_error_set(e, OCSDF_EDATA, "%s: the model's Lipschitz constant w.r.t. raw inputs (%g) "
				       "is not a positive number", path, p->lipschitz);
	p->lsource = OCSDF_LIPSCHITZ_MODEL;
	p->model_path = path;
	return 0;
}

void ocsdf_certify_score_units(ocsdf_certify_params *p, const ocsdf_label_scores *d)
{
	p->score_raw = d->score_name && ocsdf_score_name_is_raw(d->score_name);
	if (p->score_raw && p->lsource == OCSDF_LIPSCHITZ_MODEL)
		p->lipschitz = 1;
}

int ocsdf_certify_check_data(const ocsdf_certify_params *p, const ocsdf_label_scores *d, ocsdf_error *e)
{
	char b1[64], b2[64];
	if (d->n == 0)
		return ocsdf_error_set(e, OCSDF_EDATA, "%s: no data rows after the header", d->name);
	if (d->n_anom == 0 || d->n_anom == d->n)
		return ocsdf_error_set(e, OCSDF_EDATA, "%s: a single class: all %zu rows are %s, none has the %s "
				       "value '%s' in column '%s'; the AUROC needs both classes", d->name, d->n,
				       d->n_anom ? "anomalous" : "normal", d->n_anom ? "normal" : "anomaly",
				       ocsdf_text_shown(d->n_anom ? p->normal : p->anomaly, b1, sizeof b1),
				       ocsdf_text_shown(p->label_col, b2, sizeof b2));
	return 0;
}

/* The sentence that says in which units the radii are, and its key. */
static void set_units(ocsdf_certificate *c)
{
	const ocsdf_certify_params *p = c->p;
	char b[64], b2[64];
	const char *col = ocsdf_text_shown(c->d->score_name, b2, sizeof b2);
	if (p->lsource == OCSDF_LIPSCHITZ_MODEL && p->score_raw) {
		snprintf(c->units, sizeof c->units, "raw input units: column %s is in them already (L = 1, not "
			 "the %.6g of model %s)", col, p->model_lipschitz, ocsdf_text_shown(p->model_path, b, sizeof b));
		c->units_key = "raw-input";
	} else if (p->lsource == OCSDF_LIPSCHITZ_DEFAULT && p->score_raw) {
		snprintf(c->units, sizeof c->units, "raw input units: column %s is 1-Lipschitz in them (L = 1)",
			 col);
		c->units_key = "raw-input";
	} else if (p->lsource == OCSDF_LIPSCHITZ_MODEL) {
		snprintf(c->units, sizeof c->units, "raw input units of model %s (L = %.6g)",
			 ocsdf_text_shown(p->model_path, b, sizeof b), p->lipschitz);
		c->units_key = "raw-input";
	} else if (p->lsource == OCSDF_LIPSCHITZ_OPTION) {
		snprintf(c->units, sizeof c->units, "the units in which the score is %.6g-Lipschitz (--lipschitz)",
			 p->lipschitz);
		c->units_key = "lipschitz";
	} else {
		snprintf(c->units, sizeof c->units, "score units (L = 1)");
		c->units_key = "score";
	}
}

/* Every figure at every radius; the DeLong intervals. */
static void compute(ocsdf_certificate *c)
{
	const ocsdf_certify_params *p = c->p;
	for (int k = 0; k < c->nres; k++) {
		ocsdf_certify_result *x = &c->res[k];
		double s = x->shift;
		x->auroc = ocsdf_roc_auroc(c->roc, s);
		x->se = ocsdf_roc_delong_se(c->roc, s);
		x->ap = ocsdf_roc_average_precision(c->roc, s);
		x->ci_lo = x->ci_hi = NAN;
		if (p->ci == OCSDF_CI_DELONG) {
			double z = ocsdf_roc_normal_quantile(0.5 + p->level / 2);
			x->ci_lo = fmax(0, x->auroc - z * x->se);
			x->ci_hi = fmin(1, x->auroc + z * x->se);
		}
		if (c->has_thr)
			ocsdf_roc_confusion(c->roc, c->t_int, s, &x->conf);
	}
}

/* The bootstrap intervals of every radius. */
static int bootstrap(ocsdf_certificate *c, ocsdf_error *e)
{
	const ocsdf_certify_params *p = c->p;
	size_t n = (size_t)c->nres;
	double *v = malloc(3 * n * sizeof *v), *shift = v, *lo = v + n, *hi = v + 2 * n;
	int rc;
	if (!v)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	for (size_t k = 0; k < n; k++)
		shift[k] = c->res[k].shift;
	rc = ocsdf_roc_bootstrap(c->roc, shift, c->nres, (int)p->resamples, p->level, (uint64_t)p->seed, lo, hi, e);
	for (size_t k = 0; !rc && k < n; k++) {
		c->res[k].ci_lo = lo[k];
		c->res[k].ci_hi = hi[k];
	}
	free(v);
	return rc;
}

int ocsdf_certify_decision_radii(const ocsdf_label_scores *d, double t_int, double L, size_t *count,
				 double *min, double *median, ocsdf_error *e)
{
	double *rad = malloc((d->n ? d->n : 1) * sizeof *rad);
	size_t k = 0;
	if (!rad)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	for (size_t i = 0; i < d->n; i++)
		if ((d->score[i] < t_int) == d->anom[i])
			rad[k++] = ocsdf_roc_decision_radius(d->score[i], t_int, L);
	*count = k;
	if (k && ocsdf_roc_sort(rad, k) != 0) {
		free(rad);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	if (k) {
		*min = rad[0];
		*median = k % 2 ? rad[k / 2] : 0.5 * (rad[k / 2 - 1] + rad[k / 2]);
	}
	free(rad);
	return 0;
}

/* The largest shift at which the certified AUROC is still target or
 * more: it does not grow with the shift, and is 0 once every anomalous
 * score is raised above every normal one.  Bisection to the last bit, or
 * 2^-200 of the span of the scores near 0 (the subnormals would take a
 * thousand passes over the rows). */
static double keep_shift(const ocsdf_roc *roc, double target)
{
	const double *x = ocsdf_roc_normal_scores(roc), *y = ocsdf_roc_anomalous_scores(roc);
	size_t nx = ocsdf_roc_n_normal(roc), ny = ocsdf_roc_n_anomalous(roc);
	double lo = 0, hi = fmax(x[nx - 1], y[ny - 1]) - fmin(x[0], y[0]);
	if (!(hi > 0))
		hi = 1;
	if (ocsdf_roc_auroc(roc, hi) >= target)
		return hi;
	for (int i = 0; i < 200; i++) {
		double mid = lo + 0.5 * (hi - lo);
		if (mid <= lo || mid >= hi)
			break;
		if (ocsdf_roc_auroc(roc, mid) >= target)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The radii that keep each fraction of the plain AUROC, rounded down so
 * that L times the radius is still at most the shift found; then the
 * radii: the ones asked, or 0 and those. */
static void set_radii(ocsdf_certificate *c)
{
	const ocsdf_certify_params *p = c->p;
	double a0 = ocsdf_roc_auroc(c->roc, 0);
	for (int k = 0; k < OCSDF_CERTIFY_NKEEP; k++) {
		double s = keep_shift(c->roc, ocsdf_certify_keep[k] * a0), r = s / p->lipschitz;
		while (r > 0 && r * p->lipschitz > s)
			r = nextafter(r, 0);
		c->keep_radius[k] = r;
	}
	for (int k = 0; k < c->nres; k++) {
		ocsdf_certify_result *x = &c->res[k];
		x->kept = NAN;
		if (p->nradius) {
			x->radius = p->radius[k];
		} else if (k > 0) {
			x->kept = ocsdf_certify_keep[k - 1];
			x->radius = c->keep_radius[k - 1];
		}
		x->shift = x->radius * p->lipschitz;
		x->radius_raw = x->radius_model = NAN;
		if (p->lsource == OCSDF_LIPSCHITZ_MODEL) {
			x->radius_raw = x->radius;
			x->radius_model = x->radius * p->model_lipschitz;
		} else if (p->lsource == OCSDF_LIPSCHITZ_DEFAULT && p->score_raw) {
			x->radius_raw = x->radius;
		}
	}
}

/* The threshold in both conventions: the one given, or the one of the
 * FPR asked. */
static void set_threshold(ocsdf_certificate *c)
{
	const ocsdf_certify_params *p = c->p;
	c->has_thr = p->has_threshold || p->has_fpr;
	if (p->has_threshold)
		c->t_int = p->higher_anomalous ? -p->threshold : p->threshold;
	else if (p->has_fpr)
		c->t_int = ocsdf_roc_threshold_at_fpr(c->roc, p->fpr);
	c->threshold = p->higher_anomalous ? -c->t_int : c->t_int;
}

int ocsdf_certify_run(const ocsdf_certify_params *p, const ocsdf_label_scores *d, ocsdf_certificate *c,
		      ocsdf_error *e)
{
	int rc;
	memset(c, 0, sizeof *c);
	c->p = p;
	c->d = d;
	if ((rc = ocsdf_certify_check_data(p, d, e)) || (rc = ocsdf_roc_new(d->score, d->anom, d->n, &c->roc, e)))
		return rc;
	set_units(c);
	c->nres = p->nradius ? p->nradius : 1 + OCSDF_CERTIFY_NKEEP;
	if (!(c->res = calloc((size_t)c->nres, sizeof *c->res))) {
		ocsdf_certify_free(c);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	set_radii(c);
	for (int k = 0; k < c->nres; k++) {
		double r = c->res[k].radius;
		if (!isfinite(c->res[k].shift) || isinf(c->res[k].radius_model)) {
			ocsdf_certify_free(c);
			return ocsdf_error_set(e, OCSDF_EUSAGE, "radius %g times the Lipschitz constant %g overflows",
					       r, p->lipschitz);
		}
	}
	set_threshold(c);
	compute(c);
	if ((p->ci == OCSDF_CI_BOOTSTRAP && (rc = bootstrap(c, e))) ||
	    (c->has_thr && (rc = ocsdf_certify_decision_radii(d, c->t_int, p->lipschitz, &c->n_correct,
								&c->rad_min, &c->rad_median, e)))) {
		ocsdf_certify_free(c);
		return rc;
	}
	return 0;
}

void ocsdf_certify_free(ocsdf_certificate *c)
{
	ocsdf_roc_free(c->roc);
	free(c->res);
	memset(c, 0, sizeof *c);
}
