/*
 * plot.c: the plots of plot.h, drawn with the SVG writer of svg.h.
 *
 * ROC curves are thinned to what a pixel can show; histograms normalize
 * each class to area 1; a contour map draws the colour map of f as one
 * embedded PNG (a few kilobytes, against one SVG rectangle per grid cell),
 * then the level sets extracted by contour.h, then the points.
 */
#include "plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "contour.h"
#include "svg.h"

/* ---- ROC curves and histograms ---- */

static const ocsdf_rgb INK = {0, 0, 0};
static const ocsdf_rgb GREY = {0x88, 0x88, 0x88};

static void plot_titles(ocsdf_svg *s, const ocsdf_svg_frame *f, const char *title,
			const char *subtitle)
{
	if (title)
		ocsdf_svg_text(s, f->left, 28, title, 15, OCSDF_SVG_START, 0, INK);
	if (subtitle)
		ocsdf_svg_text(s, f->left, 46, subtitle, 11, OCSDF_SVG_START, 0, GREY);
}

int ocsdf_plot_roc(FILE *fp, const ocsdf_plot_curve *c, int n, const char *title,
		   const char *subtitle, ocsdf_error *e)
{
	ocsdf_svg s;
	ocsdf_svg_frame f = {80, 60, 440, 400, 0, 1, 0, 1};
	ocsdf_svg_legend_entry *leg = calloc((size_t)(n > 0 ? n : 0) + 1, sizeof *leg);
	ocsdf_svg_style diag = ocsdf_svg_stroke(GREY, 1);
	size_t longest = 2;
	double *x, *y;
	for (int k = 0; k < n; k++)
		longest = c[k].n > longest ? c[k].n : longest;
	x = malloc(longest * sizeof *x);
	y = malloc(longest * sizeof *y);
	if (!leg || !x || !y) {
		free(leg);
		free(x);
		free(y);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory for a ROC plot");
	}
	diag.dash = "4 4";
	ocsdf_svg_begin(&s, fp, 600, 540, title);
	plot_titles(&s, &f, title, subtitle);
	ocsdf_svg_axes(&s, &f, "false positive rate (normal rows flagged)",
		       "true positive rate (anomalies flagged)");
	ocsdf_svg_clip_begin(&s, f.left - 2, f.top - 2, f.width + 4, f.height + 4);
	x[0] = ocsdf_svg_x(&f, 0);
	y[0] = ocsdf_svg_y(&f, 0);
	x[1] = ocsdf_svg_x(&f, 1);
	y[1] = ocsdf_svg_y(&f, 1);
	ocsdf_svg_polyline(&s, x, y, 2, &diag);
	for (int k = 0; k < n; k++) {
		ocsdf_svg_style st = ocsdf_svg_stroke(ocsdf_svg_palette(k), k == 0 ? 2.5 : 1.8);
		size_t m = 0;
		if (k > 0 && k % 2 == 0)
			st.dash = "7 3";
		for (size_t i = 0; i < c[k].n; i++) {
			double px = ocsdf_svg_x(&f, c[k].pts[i].fpr), py = ocsdf_svg_y(&f, c[k].pts[i].tpr);
			if (m > 0 && i + 1 < c[k].n && fabs(px - x[m - 1]) < 0.25 && fabs(py - y[m - 1]) < 0.25)
				continue;
			x[m] = px;
			y[m] = py;
			m++;
		}
		ocsdf_svg_polyline(&s, x, y, m, &st);
		leg[k].label = c[k].label;
		leg[k].style = st;
		leg[k].key = OCSDF_SVG_KEY_LINE;
	}
	ocsdf_svg_group_end(&s);
	leg[n > 0 ? n : 0].label = "chance";
	leg[n > 0 ? n : 0].style = diag;
	ocsdf_svg_legend(&s, &f, OCSDF_SVG_BOTTOM_RIGHT, leg, (n > 0 ? n : 0) + 1);
	ocsdf_svg_end(&s);
	free(leg);
	free(x);
	free(y);
	return 0;
}

/* The bins of a histogram of each class over [lo, hi] (the range of the
 * scores and the threshold, widened to 1 around a single value): count
 * (2 x nb) becomes each class's density, ymax the tallest. */
typedef struct bins {
	size_t nb, n_cls[2];
	double lo, hi, width, ymax;
	double *count;
} bins;

static void bin_scores(bins *h, const double *score, const unsigned char *anomalous, size_t n,
		       const double *threshold)
{
	size_t nb = h->nb;
	double lo = INFINITY, hi = -INFINITY, width;
	for (size_t i = 0; i < n; i++) {
		lo = score[i] < lo ? score[i] : lo;
		hi = score[i] > hi ? score[i] : hi;
	}
	if (threshold) {
		lo = *threshold < lo ? *threshold : lo;
		hi = *threshold > hi ? *threshold : hi;
	}
	if (!(hi > lo)) {
		lo = isfinite(lo) ? lo - 0.5 : -0.5;
		hi = lo + 1;
	}
	width = (hi - lo) / (double)nb;
	for (size_t i = 0; i < n; i++) {
		size_t b = (size_t)((score[i] - lo) / width);
		int c = anomalous[i] != 0;
		h->count[(size_t)c * nb + (b < nb ? b : nb - 1)] += 1;
		h->n_cls[c]++;
	}
	for (int c = 0; c < 2; c++)
		for (size_t b = 0; b < nb && h->n_cls[c]; b++) {
			double *v = &h->count[(size_t)c * nb + b];
			*v /= (double)h->n_cls[c] * width;
			h->ymax = *v > h->ymax ? *v : h->ymax;
		}
	h->lo = lo;
	h->hi = hi;
	h->width = width;
}

/* The outline of class c's bars in pixels, from (lo, 0) to (hi, 0):
 * returns the number of points written to x, y (2 nb + 2). */
static size_t class_outline(const bins *h, const ocsdf_svg_frame *f, int c, double *x, double *y)
{
	size_t k = 0, nb = h->nb;
	x[k] = ocsdf_svg_x(f, h->lo);
	y[k++] = ocsdf_svg_y(f, 0);
	for (size_t b = 0; b < nb; b++) {
		double yy = ocsdf_svg_y(f, h->count[(size_t)c * nb + b]);
		x[k] = ocsdf_svg_x(f, h->lo + h->width * (double)b);
		y[k++] = yy;
		x[k] = ocsdf_svg_x(f, b + 1 == nb ? h->hi : h->lo + h->width * (double)(b + 1));
		y[k++] = yy;
	}
	x[k] = ocsdf_svg_x(f, h->hi);
	y[k++] = ocsdf_svg_y(f, 0);
	return k;
}

int ocsdf_plot_hist(FILE *fp, const double *score, const unsigned char *anomalous, size_t n,
		    const ocsdf_plot_hist_opts *opt, ocsdf_error *e)
{
	char sub[128], lab[2][64];
	ocsdf_svg s;
	ocsdf_svg_legend_entry leg[3];
	int nleg = 0;
	if (opt->bins < 1)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "a histogram needs at least 1 bin, got %d",
				       opt->bins);
	bins h = {(size_t)opt->bins, {0, 0}, 0, 0, 0, 0, NULL};
	h.count = calloc(2 * h.nb, sizeof *h.count);
	double *x = malloc((2 * h.nb + 2) * sizeof *x), *y = malloc((2 * h.nb + 2) * sizeof *y);
	if (!h.count || !x || !y) {
		free(h.count);
		free(x);
		free(y);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory for %d histogram bins",
				       opt->bins);
	}
	bin_scores(&h, score, anomalous, n, opt->threshold);
	/* Headroom above the tallest bar keeps the legend off the bars. */
	ocsdf_svg_frame f = {80, 60, 480, 360, h.lo, h.hi, 0, h.ymax > 0 ? h.ymax * 1.35 : 1};
	snprintf(sub, sizeof sub, "%zu bins of width %.4g; each class normalized to area 1", h.nb,
		 h.width);
	ocsdf_svg_begin(&s, fp, 620, 490, opt->title);
	plot_titles(&s, &f, opt->title, sub);
	ocsdf_svg_axes(&s, &f, opt->xlabel, "density");
	for (int c = 0; c < 2; c++) {
		ocsdf_rgb col = ocsdf_svg_palette(c);
		ocsdf_svg_style st = ocsdf_svg_fill(col, 0.35);
		if (!h.n_cls[c])
			continue;
		st.stroke = col;
		st.stroke_width = 1.5;
		ocsdf_svg_polygon(&s, x, y, class_outline(&h, &f, c, x, y), &st);
		snprintf(lab[c], sizeof lab[c], "%s (%zu rows)", c ? "anomalous" : "normal", h.n_cls[c]);
		leg[nleg].label = lab[c];
		leg[nleg].style = st;
		leg[nleg++].key = OCSDF_SVG_KEY_BOX;
	}
	if (opt->threshold) {
		ocsdf_svg_style st = ocsdf_svg_stroke(INK, 1.5);
		double tx = ocsdf_svg_x(&f, *opt->threshold);
		st.dash = "5 3";
		ocsdf_svg_line(&s, tx, f.top, tx, f.top + f.height, &st);
		leg[nleg].label = "threshold";
		leg[nleg].style = st;
		leg[nleg++].key = OCSDF_SVG_KEY_LINE;
	}
	ocsdf_svg_legend(&s, &f, opt->legend_right ? OCSDF_SVG_TOP_RIGHT : OCSDF_SVG_TOP_LEFT, leg,
			 nleg);
	ocsdf_svg_end(&s);
	free(h.count);
	free(x);
	free(y);
	return 0;
}

/* ---- contour maps ---- */

static const ocsdf_rgb MAP_INK = {0x22, 0x22, 0x22}, MAP_GREY = {0x55, 0x55, 0x55},
		       MAP_LINE = {0x40, 0x40, 0x40};

static int nomem(ocsdf_error *e)
{
	return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
}

/* The lines of contour c, each closed line drawn back to its start. */
static int draw_contour(ocsdf_svg *s, const ocsdf_svg_frame *f, const ocsdf_contour *c,
			const ocsdf_svg_style *st, ocsdf_error *e)
{
	size_t most = 0;
	for (size_t l = 0; l < c->nlines; l++)
		if (c->start[l + 1] - c->start[l] > most)
			most = c->start[l + 1] - c->start[l];
	double *x = malloc((most + 1) * sizeof *x), *y = malloc((most + 1) * sizeof *y);
	if (!x || !y) {
		free(x);
		free(y);
		return nomem(e);
	}
	for (size_t l = 0; l < c->nlines; l++) {
		size_t n = c->start[l + 1] - c->start[l];
		for (size_t i = 0; i < n; i++) {
			x[i] = ocsdf_svg_x(f, c->xy[2 * (c->start[l] + i)]);
			y[i] = ocsdf_svg_y(f, c->xy[2 * (c->start[l] + i) + 1]);
		}
		if (c->closed[l]) {
			x[n] = x[0];
			y[n] = y[0];
			n++;
		}
		ocsdf_svg_polyline(s, x, y, n, st);
	}
	free(x);
	free(y);
	return 0;
}

static int contour_level(ocsdf_svg *s, const ocsdf_svg_frame *f, const ocsdf_grid2 *g,
			 const float *v, double level, const ocsdf_svg_style *st, ocsdf_error *e)
{
	ocsdf_contour c;
	int r = ocsdf_contour_extract(g, v, level, &c, e);
	if (!r)
		r = draw_contour(s, f, &c, st, e);
	ocsdf_contour_free(&c);
	return r;
}

/* The colour map: one pixel per grid point, top row first, pixel centres
 * on the grid points; red inside (f > 0), blue outside, white on the
 * boundary. */
static int draw_colormap(ocsdf_svg *s, const ocsdf_svg_frame *f, const ocsdf_grid2 *g,
			 const float *v, double vmin, double vmax, ocsdf_error *e)
{
	size_t np = (size_t)g->n[0] * (size_t)g->n[1];
	double scale = fmax(fabs(vmin), fabs(vmax));
	unsigned char *rgb = malloc(np * 3), *png = NULL;
	size_t len;
	if (!rgb)
		return nomem(e);
	for (int y = 0; y < g->n[1]; y++)
		for (int x = 0; x < g->n[0]; x++) {
			float fv = v[(size_t)(g->n[1] - 1 - y) * (size_t)g->n[0] + (size_t)x];
			ocsdf_rgb c = ocsdf_svg_diverging(scale > 0 ? fv / scale : 0);
			unsigned char *p = rgb + 3 * ((size_t)y * (size_t)g->n[0] + (size_t)x);
			p[0] = c.r;
			p[1] = c.g;
			p[2] = c.b;
		}
	int r = ocsdf_plot_png(rgb, g->n[0], g->n[1], &png, &len, e);
	free(rgb);
	if (r)
		return r;
	double hx = (g->hi[0] - g->lo[0]) / (g->n[0] - 1), hy = (g->hi[1] - g->lo[1]) / (g->n[1] - 1);
	double x0 = ocsdf_svg_x(f, g->lo[0] - hx / 2), x1 = ocsdf_svg_x(f, g->hi[0] + hx / 2);
	double y0 = ocsdf_svg_y(f, g->hi[1] + hy / 2), y1 = ocsdf_svg_y(f, g->lo[1] - hy / 2);
	fprintf(s->fp,
		"<image x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
		"preserveAspectRatio=\"none\" opacity=\"0.75\" href=\"data:image/png;base64,",
		x0, y0, x1 - x0, y1 - y0);
	ocsdf_plot_put_base64(s->fp, png, len);
	fputs("\"/>\n", s->fp);
	free(png);
	return 0;
}

/* The index of label in seen[0..*nseen), added when there is room (8
 * colours); labels beyond share the last colour. */
static int label_colour(const char **seen, int *nseen, const char *label)
{
	int c = 0;
	while (c < *nseen && strcmp(seen[c], label) != 0)
		c++;
	if (c == *nseen && *nseen < 8)
		seen[(*nseen)++] = label;
	return c == 8 ? 7 : c;
}

/* The legend: the line styles of f = 0, the chosen level (unless 0) and
 * the other levels, then the dots, one entry per label seen[0..nseen). */
static void map_legend(ocsdf_svg *s, const ocsdf_svg_frame *f, const ocsdf_plot_map_opts *o,
		       const ocsdf_svg_style *bold, const ocsdf_svg_style *chosen,
		       const ocsdf_svg_style *thin, const char *const *seen, int nseen)
{
	ocsdf_svg_legend_entry leg[12];
	char chosen_label[160], lab[8][96];
	int nl = 0;
	leg[nl++] = (ocsdf_svg_legend_entry){"f = 0: learned boundary", *bold, OCSDF_SVG_KEY_LINE};
	if (o->level != 0) {
		snprintf(chosen_label, sizeof chosen_label, "f = %.3g: %s", o->level,
			 o->level_label ? o->level_label : "");
		leg[nl++] = (ocsdf_svg_legend_entry){chosen_label, *chosen, OCSDF_SVG_KEY_LINE};
	}
	leg[nl++] = (ocsdf_svg_legend_entry){"other levels", *thin, OCSDF_SVG_KEY_LINE};
	if (o->dots && !o->labels)
		leg[nl++] = (ocsdf_svg_legend_entry){"training points", ocsdf_svg_fill(MAP_INK, 0.75),
						     OCSDF_SVG_KEY_DOT};
	for (int c = 0; o->dots && c < nseen; c++) {
		snprintf(lab[c], sizeof lab[c], "%s = %.60s%s", o->label_name ? o->label_name : "label",
			 seen[c], c == 7 ? " and others" : "");
		leg[nl++] = (ocsdf_svg_legend_entry){lab[c], ocsdf_svg_fill(ocsdf_svg_palette(c + 2), 0.75),
						     OCSDF_SVG_KEY_DOT};
	}
	ocsdf_svg_legend(s, f, OCSDF_SVG_TOP_RIGHT, leg, nl);
}

int ocsdf_plot_map(FILE *fp, const ocsdf_grid2 *g, const float *v, const ocsdf_plot_map_opts *o,
		   ocsdf_error *e)
{
	int r = ocsdf_grid_check(g->lo, g->hi, g->n, 2, e);
	if (r)
		return r;
	double vmin, vmax;
	ocsdf_grid_range(v, (size_t)g->n[0] * (size_t)g->n[1], &vmin, &vmax);

	/* The frame keeps the grid's cells square on the page. */
	double ex = (double)(g->n[0] - 1), ey = (double)(g->n[1] - 1);
	double fw = ex >= ey ? 520 : 520 * ex / ey, fh = ey >= ex ? 520 : 520 * ey / ex;
	fw = fmax(fw, 160);
	fh = fmax(fh, 160);
	ocsdf_svg_frame f = {80, 64, fw, fh, g->lo[0], g->hi[0], g->lo[1], g->hi[1]};
	ocsdf_svg s;
	char sub[512];
	ocsdf_svg_begin(&s, fp, f.left + fw + 30, f.top + fh + 60, o->title);
	if (o->title)
		ocsdf_svg_text(&s, f.left, 26, o->title, 15, OCSDF_SVG_START, 0, MAP_INK);
	snprintf(sub, sizeof sub, "level sets of the learned signed distance f, from %.3g to %.3g",
		 vmin, vmax);
	ocsdf_svg_text(&s, f.left, 44, sub, 11, OCSDF_SVG_START, 0, MAP_GREY);

	ocsdf_svg_clip_begin(&s, f.left, f.top, fw, fh);
	if (o->colormap && (r = draw_colormap(&s, &f, g, v, vmin, vmax, e)))
		return r;

	double ticks[64];
	const double *levels = o->levels;
	int nlev = o->nlevels;
	if (!levels) {
		nlev = ocsdf_svg_ticks(vmin, vmax, 10, ticks, 64);
		levels = ticks;
	}
	ocsdf_svg_style thin = ocsdf_svg_stroke(MAP_LINE, 0.8);
	for (int i = 0; i < nlev; i++)
		if (levels[i] != 0 && levels[i] > vmin && levels[i] < vmax &&
		    (r = contour_level(&s, &f, g, v, levels[i], &thin, e)))
			return r;
	ocsdf_svg_style bold = ocsdf_svg_stroke(MAP_INK, 2.2);
	if ((r = contour_level(&s, &f, g, v, 0, &bold, e)))
		return r;
	ocsdf_svg_style chosen = ocsdf_svg_stroke(ocsdf_svg_palette(1), 2);
	chosen.dash = "7 4";
	if (o->level != 0 && (r = contour_level(&s, &f, g, v, o->level, &chosen, e)))
		return r;

	const char *seen[8];
	int nseen = 0;
	for (size_t i = 0; o->dots && i < o->npts; i++) {
		int c = o->labels ? label_colour(seen, &nseen, o->labels[i]) : 0;
		ocsdf_svg_style dot = ocsdf_svg_fill(o->labels ? ocsdf_svg_palette(c + 2) : MAP_INK, 0.75);
		ocsdf_svg_circle(&s, ocsdf_svg_x(&f, o->pts[2 * i]), ocsdf_svg_y(&f, o->pts[2 * i + 1]), 1.6,
				 &dot);
	}
	ocsdf_svg_group_end(&s);
	ocsdf_svg_axes(&s, &f, o->xlabel, o->ylabel);
	map_legend(&s, &f, o, &bold, &chosen, &thin, seen, nseen);
	ocsdf_svg_end(&s);
	return 0;
}

/* ---- PNG ---- */

static void put_be32(unsigned char *b, unsigned long v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

int ocsdf_plot_png(const unsigned char *rgb, int w, int h, unsigned char **out, size_t *out_len,
		   ocsdf_error *e)
{
	*out = NULL;
	*out_len = 0;
	if (w < 1 || h < 1 || (double)h * (1 + 3 * (double)w) > (double)(1 << 30))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "a PNG of %d x %d pixels is out of range", w, h);
	size_t raw_len = (size_t)h * (1 + 3 * (size_t)w);
	unsigned char *raw = malloc(raw_len);
	uLongf zlen = compressBound((uLong)raw_len);
	size_t cap = 8 + 25 + 12 + (size_t)zlen + 12;
	unsigned char *png = malloc(cap);
	if (!raw || !png) {
		free(raw);
		free(png);
		return nomem(e);
	}
	for (int y = 0; y < h; y++) {
		unsigned char *row = raw + (size_t)y * (1 + 3 * (size_t)w);
		row[0] = 0; /* no filter */
		memcpy(row + 1, rgb + (size_t)y * 3 * (size_t)w, 3 * (size_t)w);
	}
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	size_t k = 8;
	memcpy(png, sig, 8);
	/* IHDR: width, height, 8 bits, colour type 2 (RGB), deflate, no
	 * filter choice, no interlace. */
	put_be32(png + k, 13);
	memcpy(png + k + 4, "IHDR", 4);
	put_be32(png + k + 8, (unsigned long)w);
	put_be32(png + k + 12, (unsigned long)h);
	png[k + 16] = 8;
	png[k + 17] = 2;
	png[k + 18] = png[k + 19] = png[k + 20] = 0;
	put_be32(png + k + 21, crc32(0, png + k + 4, 17));
	k += 25;
	int zr = compress2(png + k + 8, &zlen, raw, (uLong)raw_len, 9);
	free(raw);
	if (zr != Z_OK) {
		free(png);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "cannot compress the colour map");
	}
	put_be32(png + k, zlen);
	memcpy(png + k + 4, "IDAT", 4);
	put_be32(png + k + 8 + zlen, crc32(0, png + k + 4, (uInt)zlen + 4));
	k += 12 + zlen;
	put_be32(png + k, 0);
	memcpy(png + k + 4, "IEND", 4);
	put_be32(png + k + 8, crc32(0, png + k + 4, 4));
	k += 12;
	*out = png;
	*out_len = k;
	return 0;
}

void ocsdf_plot_put_base64(FILE *fp, const unsigned char *p, size_t n)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		fputc(digits[(v >> 18) & 63], fp);
		fputc(digits[(v >> 12) & 63], fp);
		fputc(i + 1 < n ? digits[(v >> 6) & 63] : '=', fp);
		fputc(i + 2 < n ? digits[v & 63] : '=', fp);
	}
}
