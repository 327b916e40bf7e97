/*
 * plot.h: the project's plots, each one SVG document drawn with svg.h:
 * ROC curves and score histograms (ocsdf-certify), and the contour map of
 * a 2-feature model (ocsdf-mesh), whose colour map is an embedded PNG.
 *
 * Every function writes to a FILE the caller owns and checks: write errors
 * are left in it (ferror, or the commit of an ocsdf_output).  Texts (titles,
 * labels, feature names) may hold anything; svg.h escapes them.
 */
#ifndef OCSDF_PLOT_H
#define OCSDF_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "errors.h"
#include "grid.h"
#include "roc.h"

/* ---- ROC curves and histograms ---- */

/* A ROC curve to draw (from ocsdf_roc_curve) and its legend text. */
typedef struct ocsdf_plot_curve {
	const ocsdf_roc_point *pts;
	size_t n;
	const char *label;
} ocsdf_plot_curve;

/* One SVG document on fp with the curves c[0..n) over the unit square:
 * axes, the chance diagonal, each curve in its own colour (the first one
 * thicker) and a legend.  Points closer than a quarter pixel to the last
 * one drawn are skipped, so a curve of millions of rows stays small and
 * looks the same.  title, subtitle: NULL for none.  Returns 0 or 70 (out
 * of memory) with e set. */
int ocsdf_plot_roc(FILE *fp, const ocsdf_plot_curve *c, int n, const char *title,
		   const char *subtitle, ocsdf_error *e);

/* What a histogram plot shows besides the scores. */
typedef struct ocsdf_plot_hist_opts {
	int bins;                 /* >= 1 */
	const double *threshold;  /* a dashed line there, or NULL */
	const char *title, *xlabel;
	int legend_right;         /* legend at the top right, else top left */
} ocsdf_plot_hist_opts;

/* One SVG document on fp with the histograms of score[0..n) for normal
 * and anomalous rows (anomalous[i] nonzero), each normalized to area 1 so
 * that a rare class stays visible beside a common one, over the range of
 * the scores (and the threshold).  Returns 0, 64 (bins < 1) or 70 (out of
 * memory) with e set. */
int ocsdf_plot_hist(FILE *fp, const double *score, const unsigned char *anomalous, size_t n,
		    const ocsdf_plot_hist_opts *opt, ocsdf_error *e);

/* ---- contour maps ---- */

/* What a contour map shows besides the level sets of f. */
typedef struct ocsdf_plot_map_opts {
	const char *title;          /* NULL: none */
	const char *xlabel, *ylabel;
	int colormap;               /* 1: f in colour behind the lines (red inside,
	                             * blue outside, white on f = 0) */
	const double *levels;       /* levels drawn thin (those strictly within the */
	int nlevels;                /* range of f but 0), or NULL: round values */
	double level;               /* unless 0, a level drawn dashed, */
	const char *level_label;    /* with this legend text */
	int dots;                   /* 1: points drawn as dots (and in the legend): */
	const double *pts;          /* npts points, x, y pairs (NULL when none) */
	size_t npts;
	const char *const *labels;  /* coloured by these labels (the first 7 distinct
	                             * ones, the others together), or NULL */
	const char *label_name;     /* the labels' column, for the legend */
} ocsdf_plot_map_opts;

/* One SVG document on fp: the map of the values v of f on grid g (as from
 * ocsdf_grid_sample2, finite), with f = 0 bold, the frame keeping the
 * grid's cells square, axes and a legend.  Returns 0, 64 (a bad grid) or
 * 70 (out of memory) with e set. */
int ocsdf_plot_map(FILE *fp, const ocsdf_grid2 *g, const float *v, const ocsdf_plot_map_opts *o,
		   ocsdf_error *e);

/* ---- PNG ---- */

/* An RGB image (w x h pixels, 3 bytes each, top row first) as a PNG file
 * in memory: signature, IHDR (8-bit RGB, no interlace), one IDAT of the
 * rows deflated at level 9 without filters, IEND.  *png is malloc'd.
 * Returns 0, 64 (a size out of range) or 70 (out of memory) with e set. */
int ocsdf_plot_png(const unsigned char *rgb, int w, int h, unsigned char **png, size_t *len,
		   ocsdf_error *e);

/* Writes p[0..n) in base64 (RFC 4648, with padding, no line breaks). */
void ocsdf_plot_put_base64(FILE *fp, const unsigned char *p, size_t n);

#endif
