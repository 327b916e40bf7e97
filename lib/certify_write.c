/* certify_write.c: the files of a certification: the report (table, CSV,
 * JSON), ROC curves, plots and per-row decisions (see certify.h). */
#include "certify.h"

#include <math.h>
#include <stdlib.h>

#include "plot.h"
#include "svg.h"
#include "text.h"

/* Every number of the files reads back exactly (text.h). */
static void put_num(FILE *fp, double v)
{
	ocsdf_text_put_number(fp, v, 15);
}

/* A CSV field after the first: a comma, then v; with nan_empty, nothing
 * for NaN (an undefined figure). */
static void csv_field(FILE *fp, double v, int nan_empty)
{
	fputc(',', fp);
	if (!(nan_empty && isnan(v)))
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

/* A JSON member, sep (the text before it) then "key": value.  JSON has
 * no NaN or infinity: they become null, as does a NULL string. */
static void json_num_at(FILE *fp, const char *sep, const char *key, double v)
{
	fprintf(fp, "%s\"%s\": ", sep, key);
	if (isfinite(v))
		put_num(fp, v);
	else
		fputs("null", fp);
}

static void json_str_at(FILE *fp, const char *sep, const char *key, const char *s)
{
	fprintf(fp, "%s\"%s\": ", sep, key);
	if (s)
		json_str(fp, s);
	else
		fputs("null", fp);
}

static void json_counts(FILE *fp, const ocsdf_confusion *c)
{
	fprintf(fp, ", \"tp\": %llu, \"fp\": %llu, \"tn\": %llu, \"fn\": %llu", (unsigned long long)c->tp,
		(unsigned long long)c->fp, (unsigned long long)c->tn, (unsigned long long)c->fn);
}

/* The rates of a confusion matrix of the rows read. */
static double tpr(const ocsdf_certificate *r, const ocsdf_confusion *c)
{
	return (double)c->tp / (double)r->d->n_anom;
}

static double fpr(const ocsdf_certificate *r, const ocsdf_confusion *c)
{
	return (double)c->fp / (double)(r->d->n - r->d->n_anom);
}

static const char *lsource_name(int s)
{
	return s == OCSDF_LIPSCHITZ_MODEL ? "model" : s == OCSDF_LIPSCHITZ_OPTION ? "option" : "default";
}

static void write_table(FILE *fp, const ocsdf_certificate *r)
{
	const ocsdf_certify_params *o = r->p;
	const ocsdf_label_scores *d = r->d;
	char b1[64], b2[64], b3[64];
	int ci = o->ci != OCSDF_CI_NONE, model = o->lsource == OCSDF_LIPSCHITZ_MODEL;
	fprintf(fp, "input              %s\n", d->name);
	fprintf(fp, "score column       %s (%s)\n", ocsdf_text_shown(o->score_col, b1, sizeof b1),
		o->higher_anomalous ? "higher = more anomalous" : "higher = more normal");
	fprintf(fp, "label column       %s (anomaly = %s, normal = %s)\n",
		ocsdf_text_shown(o->label_col, b1, sizeof b1), ocsdf_text_shown(o->anomaly, b2, sizeof b2),
		ocsdf_text_shown(o->normal, b3, sizeof b3));
	fprintf(fp, "rows               %zu (%zu normal, %zu anomalous)\n", d->n, d->n - d->n_anom,
		d->n_anom);
	fprintf(fp, "radius units       %s\n", r->units);
	if (!o->nradius) {
		fprintf(fp, "radii              0, then the largest at which the certified AUROC keeps");
		for (int k = 0; k < OCSDF_CERTIFY_NKEEP; k++)
			fprintf(fp, "%s%g", k ? " and " : " ", ocsdf_certify_keep[k]);
		fprintf(fp, " of the plain one\n");
	} else {
		fprintf(fp, "AUROC kept         ");
		for (int k = 0; k < OCSDF_CERTIFY_NKEEP; k++)
			fprintf(fp, "%s%g of it up to radius %.6g", k ? ", " : "", ocsdf_certify_keep[k],
				r->keep_radius[k]);
		fprintf(fp, " (the radii chosen without --radius)\n");
	}
	fprintf(fp, "AUROC              %.6f (DeLong SE %.6f)\n", r->res[0].auroc, r->res[0].se);
	fprintf(fp, "average precision  %.6f\n", r->res[0].ap);
	if (o->ci == OCSDF_CI_DELONG)
		fprintf(fp, "interval           DeLong normal approximation, level %g\n", o->level);
	else if (o->ci == OCSDF_CI_BOOTSTRAP)
		fprintf(fp, "interval           stratified bootstrap percentile, level %g, %ld resamples, "
			"seed %ld\n", o->level, o->resamples, o->seed);
	fputc('\n', fp);
	fprintf(fp, "%12s", "radius");
	if (model)
		fprintf(fp, " %12s", "radius_model");
	fprintf(fp, " %12s %10s %10s", "score_shift", "auroc", "auroc_se");
	if (ci)
		fprintf(fp, " %10s %10s", "ci_low", "ci_high");
	fprintf(fp, " %10s\n", "avg_prec");
	for (int k = 0; k < r->nres; k++) {
		const ocsdf_certify_result *x = &r->res[k];
		fprintf(fp, "%12g", x->radius);
		if (model)
			fprintf(fp, " %12g", x->radius_model);
		fprintf(fp, " %12g %10.6f %10.6f", x->shift, x->auroc, x->se);
		if (ci)
			fprintf(fp, " %10.6f %10.6f", x->ci_lo, x->ci_hi);
		fprintf(fp, " %10.6f", x->ap);
		if (!isnan(x->kept))
			fprintf(fp, "  (keeps %g)", x->kept);
		fputc('\n', fp);
	}
	if (!r->has_thr)
		return;
	fputc('\n', fp);
	fprintf(fp, "threshold          %.9g (flagged: score %s threshold%s)\n", r->threshold,
		o->higher_anomalous ? ">" : "<", o->has_fpr ? ", chosen by --fpr" :
		o->threshold_level ? ", the level 0 that ocsdf-train set" : "");
	fprintf(fp, "%12s %10s %10s %10s %10s %10s %10s\n", "radius", "tp", "fp", "tn", "fn", "tpr",
		"fpr");
	for (int k = 0; k < r->nres; k++) {
		const ocsdf_certify_result *x = &r->res[k];
		fprintf(fp, "%12g %10llu %10llu %10llu %10llu %10.6f %10.6f\n", x->radius,
			(unsigned long long)x->conf.tp, (unsigned long long)x->conf.fp,
			(unsigned long long)x->conf.tn, (unsigned long long)x->conf.fn, tpr(r, &x->conf),
			fpr(r, &x->conf));
	}
	fprintf(fp, "(at radius > 0: the worst case over every attack of that radius)\n");
	if (r->n_correct)
		fprintf(fp, "decision radius    %zu correct decisions, smallest radius that could flip "
			"one %.6g, median %.6g\n", r->n_correct, r->rad_min, r->rad_median);
	else
		fprintf(fp, "decision radius    no correct decision at this threshold\n");
}

static void write_csv(FILE *fp, const ocsdf_certificate *r)
{
	const ocsdf_certify_params *o = r->p;
	const ocsdf_label_scores *d = r->d;
	fputs("radius,score_shift,lipschitz,radius_units,n_normal,n_anomalous,auroc,auroc_se,ci_low,"
	      "ci_high,average_precision", fp);
	if (r->has_thr)
		fputs(",threshold,tp,fp,tn,fn,tpr,fpr", fp);
	fputs(",radius_raw,radius_model,kept_fraction\n", fp);
	for (int k = 0; k < r->nres; k++) {
		const ocsdf_certify_result *x = &r->res[k];
		put_num(fp, x->radius);
		csv_field(fp, x->shift, 0);
		csv_field(fp, o->lipschitz, 0);
		fprintf(fp, ",%s,%zu,%zu", r->units_key, d->n - d->n_anom, d->n_anom);
		csv_field(fp, x->auroc, 0);
		csv_field(fp, x->se, 1);
		csv_field(fp, x->ci_lo, 1);
		csv_field(fp, x->ci_hi, 1);
		csv_field(fp, x->ap, 0);
		if (r->has_thr) {
			csv_field(fp, r->threshold, 0);
			fprintf(fp, ",%llu,%llu,%llu,%llu", (unsigned long long)x->conf.tp,
				(unsigned long long)x->conf.fp, (unsigned long long)x->conf.tn,
				(unsigned long long)x->conf.fn);
			csv_field(fp, tpr(r, &x->conf), 0);
			csv_field(fp, fpr(r, &x->conf), 0);
		}
		csv_field(fp, x->radius_raw, 1);
		csv_field(fp, x->radius_model, 1);
		csv_field(fp, x->kept, 1);
		fputc('\n', fp);
	}
}

/* The figures of each radius, as the members of a JSON array. */
static void json_radii(FILE *fp, const ocsdf_certificate *r)
{
	static const char *const key[] = {"radius", "score_shift", "auroc", "auroc_se", "ci_low", "ci_high",
					  "average_precision", "radius_raw", "radius_model", "kept_fraction"};
	fputs(",\n  \"radii\": [", fp);
	for (int k = 0; k < r->nres; k++) {
		const ocsdf_certify_result *x = &r->res[k];
		const double v[] = {x->radius, x->shift, x->auroc, x->se, x->ci_lo, x->ci_hi, x->ap,
				    x->radius_raw, x->radius_model, x->kept};
		for (int i = 0; i < 10; i++)
			json_num_at(fp, i ? ", " : k ? ",\n    {" : "\n    {", key[i], v[i]);
		if (r->has_thr)
			json_counts(fp, &x->conf);
		fputc('}', fp);
	}
	fputs("\n  ]", fp);
}

/* The threshold and its decisions at radius 0, a JSON object. */
static void json_threshold(FILE *fp, const ocsdf_certificate *r)
{
	const ocsdf_certify_params *o = r->p;
	const ocsdf_confusion *c = &r->res[0].conf;
	json_num_at(fp, "{", "value", r->threshold);
	fprintf(fp, ", \"flagged_when\": \"%s\"", o->higher_anomalous ? "score > threshold" : "score < threshold");
	fprintf(fp, ", \"chosen_by\": \"%s\"", o->has_fpr ? "fpr" : o->threshold_level ? "level" : "threshold");
	json_num_at(fp, ", ", "target_fpr", o->has_fpr ? o->fpr : NAN);
	json_counts(fp, c);
	json_num_at(fp, ", ", "tpr", tpr(r, c));
	json_num_at(fp, ", ", "fpr", fpr(r, c));
	json_num_at(fp, ", ", "precision", c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : NAN);
	fprintf(fp, ",\n    \"correct\": %zu", r->n_correct);
	json_num_at(fp, ", ", "decision_radius_min", r->n_correct ? r->rad_min : NAN);
	json_num_at(fp, ", ", "decision_radius_median", r->n_correct ? r->rad_median : NAN);
	fputc('}', fp);
}

static void write_json(FILE *fp, const ocsdf_certificate *r)
{
	const ocsdf_certify_params *o = r->p;
	const ocsdf_label_scores *d = r->d;
	static const char *const key[] = {"version", "input", "score_column", "label_column", "anomaly_value",
					  "normal_value"};
	const char *const value[] = {OCSDF_VERSION, d->name, o->score_col, o->label_col, o->anomaly, o->normal};
	fputs("{\n  \"program\": \"ocsdf-certify\"", fp);
	for (int i = 0; i < 6; i++)
		json_str_at(fp, ",\n  ", key[i], value[i]);
	fprintf(fp, ",\n  \"higher_is_anomalous\": %s", o->higher_anomalous ? "true" : "false");
	fprintf(fp, ",\n  \"rows\": %zu,\n  \"normal\": %zu,\n  \"anomalous\": %zu", d->n,
		d->n - d->n_anom, d->n_anom);
	json_num_at(fp, ",\n  ", "lipschitz", o->lipschitz);
	fprintf(fp, ",\n  \"lipschitz_source\": \"%s\"", lsource_name(o->lsource));
	json_str_at(fp, ",\n  ", "model", o->model_path);
	fprintf(fp, ",\n  \"radius_units\": \"%s\"", r->units_key);
	fputs(",\n  \"keep_radii\": [", fp);
	for (int k = 0; k < OCSDF_CERTIFY_NKEEP; k++) {
		json_num_at(fp, k ? ", {" : "{", "kept_fraction", ocsdf_certify_keep[k]);
		json_num_at(fp, ", ", "radius", r->keep_radius[k]);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_num_at(fp, ",\n  ", "auroc", r->res[0].auroc);
	json_num_at(fp, ",\n  ", "auroc_se", r->res[0].se);
	json_num_at(fp, ",\n  ", "average_precision", r->res[0].ap);
	fputs(",\n  \"ci\": ", fp);
	if (o->ci == OCSDF_CI_NONE) {
		fputs("null", fp);
	} else {
		fprintf(fp, "{\"method\": \"%s\"", o->ci == OCSDF_CI_DELONG ? "delong" : "bootstrap");
		json_num_at(fp, ", ", "level", o->level);
		if (o->ci == OCSDF_CI_BOOTSTRAP)
			fprintf(fp, ", \"resamples\": %ld, \"seed\": %ld", o->resamples, o->seed);
		fputc('}', fp);
	}
	json_radii(fp, r);
	fputs(",\n  \"threshold\": ", fp);
	if (r->has_thr)
		json_threshold(fp, r);
	else
		fputs("null", fp);
	fputs("\n}\n", fp);
}

void ocsdf_certify_write_report(FILE *fp, const ocsdf_certificate *r, int format)
{
	if (format == OCSDF_REPORT_JSON)
		write_json(fp, r);
	else if (format == OCSDF_REPORT_CSV)
		write_csv(fp, r);
	else
		write_table(fp, r);
}

/* The curve of radius k as CSV rows, the thresholds in the user's units. */
static void write_roc_rows(FILE *fp, const ocsdf_certificate *r, int k, const ocsdf_roc_point *p, size_t n)
{
	char rb[OCSDF_TEXT_NUMBER_MAX];
	ocsdf_text_number(rb, sizeof rb, r->res[k].radius, 15);
	for (size_t i = 0; i < n; i++) {
		fputs(rb, fp);
		fputc(',', fp);
		put_num(fp, r->p->higher_anomalous ? -p[i].threshold : p[i].threshold);
		fputc(',', fp);
		put_num(fp, p[i].fpr);
		fputc(',', fp);
		put_num(fp, p[i].tpr);
		fputc('\n', fp);
	}
}

/* The plot of the curves pts[0..nres), with their legends. */
static int plot_curves(FILE *svg, const ocsdf_certificate *r, ocsdf_roc_point *const *pts, const size_t *np,
		       ocsdf_error *e)
{
	const ocsdf_certify_params *o = r->p;
	ocsdf_plot_curve *c = calloc((size_t)r->nres, sizeof *c);
	char (*labels)[96] = calloc((size_t)r->nres, sizeof *labels);
	char title[1024], sub[512], b1[64];
	int rc;
	if (!c || !labels) {
		free(c);
		free(labels);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	for (int k = 0; k < r->nres; k++) {
		c[k].pts = pts[k];
		c[k].n = np[k];
		if (r->res[k].radius == 0)
			snprintf(labels[k], sizeof labels[k], "\xce\xb5 = 0: AUROC %.4f", r->res[k].auroc);
		else
			snprintf(labels[k], sizeof labels[k], "\xce\xb5 = %g: certified AUROC %.4f",
				 r->res[k].radius, r->res[k].auroc);
		c[k].label = labels[k];
	}
	snprintf(title, sizeof title, "ROC curves of %s, plain and certified", r->d->name);
	snprintf(sub, sizeof sub, "score '%s'; radii in %s", ocsdf_text_shown(o->score_col, b1, sizeof b1),
		 r->units);
	rc = ocsdf_plot_roc(svg, c, r->nres, title, sub, e);
	free(c);
	free(labels);
	return rc;
}

int ocsdf_certify_write_curves(FILE *roc_csv, FILE *svg, const ocsdf_certificate *r, ocsdf_error *e)
{
	ocsdf_roc_point **pts = calloc((size_t)r->nres, sizeof *pts);
	size_t *np = calloc((size_t)r->nres, sizeof *np);
	int rc = 0;
	if (!pts || !np)
		rc = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	if (!rc && roc_csv)
		fputs("radius,threshold,fpr,tpr\n", roc_csv);
	/* Each curve goes to the CSV as it comes and is kept for the plot. */
	for (int k = 0; !rc && k < r->nres; k++) {
		if ((rc = ocsdf_roc_curve(r->roc, r->res[k].shift, &pts[k], &np[k], e)) != 0)
			break;
		if (roc_csv)
			write_roc_rows(roc_csv, r, k, pts[k], np[k]);
		if (!svg) {
			free(pts[k]);
			pts[k] = NULL;
		}
	}
	if (!rc && svg)
		rc = plot_curves(svg, r, pts, np, e);
	for (int k = 0; pts && k < r->nres; k++)
		free(pts[k]);
	free(pts);
	free(np);
	return rc;
}

int ocsdf_certify_write_hist(FILE *fp, const ocsdf_certificate *r, ocsdf_error *e)
{
	const ocsdf_certify_params *o = r->p;
	const ocsdf_label_scores *d = r->d;
	double *user = d->score;
	char title[1024], xlabel[160], b1[64];
	ocsdf_plot_hist_opts h;
	int rc;
	/* In the user's units: scores flipped back if they were. */
	if (o->higher_anomalous) {
		if (!(user = malloc((d->n ? d->n : 1) * sizeof *user)))
			return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
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
	rc = ocsdf_plot_hist(fp, user, d->anom, d->n, &h, e);
	if (user != d->score)
		free(user);
	return rc;
}

void ocsdf_certify_write_decisions(FILE *fp, const ocsdf_certificate *r)
{
	const ocsdf_label_scores *d = r->d;
	const ocsdf_certify_params *o = r->p;
	fputs("line,score,anomalous,flagged,correct,radius\n", fp);
	for (size_t i = 0; i < d->n; i++) {
		int flagged = d->score[i] < r->t_int;
		fprintf(fp, "%ld,", d->line[i]);
		put_num(fp, o->higher_anomalous ? -d->score[i] : d->score[i]);
		fprintf(fp, ",%d,%d,%d,", d->anom[i], flagged, flagged == d->anom[i]);
		put_num(fp, ocsdf_roc_decision_radius(d->score[i], r->t_int, o->lipschitz));
		fputc('\n', fp);
	}
}
