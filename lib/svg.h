/*
 * svg.h: a small SVG writer for the project's plots (plot.h: ROC curves
 * and score histograms, contour maps of a 2D model).
 *
 * Drawing calls take pixel coordinates (origin top left, y down); a frame
 * maps data coordinates (y up) to a pixel rectangle, and draws its own axes
 * with round tick values.  Every piece of text is escaped for XML and
 * cleaned to valid UTF-8, so the document is well-formed whatever names the
 * input carries.  The writer prints to a FILE the caller owns and checks:
 * write errors surface there (ferror, or the commit of an ocsdf_output).
 */
#ifndef OCSDF_SVG_H
#define OCSDF_SVG_H

#include <stddef.h>
#include <stdio.h>

typedef struct ocsdf_rgb {
	unsigned char r, g, b;
} ocsdf_rgb;

/* How a shape is drawn.  stroke_width 0: no outline; fill_opacity 0: no
 * fill; dash: a stroke-dasharray such as "6 3", NULL for a solid line. */
typedef struct ocsdf_svg_style {
	ocsdf_rgb stroke;
	double stroke_width;
	ocsdf_rgb fill;
	double fill_opacity;
	const char *dash;
} ocsdf_svg_style;

typedef struct ocsdf_svg {
	FILE *fp;
	double width, height;
	int next_id;     /* for clip paths */
	int open_groups;
} ocsdf_svg;

/* A pixel rectangle showing the data window [xmin, xmax] x [ymin, ymax],
 * y pointing up. */
typedef struct ocsdf_svg_frame {
	double left, top, width, height;
	double xmin, xmax, ymin, ymax;
} ocsdf_svg_frame;

enum { OCSDF_SVG_START = 0, OCSDF_SVG_MIDDLE = 1, OCSDF_SVG_END = 2 };   /* text anchor */
enum {
	OCSDF_SVG_TOP_LEFT = 0,
	OCSDF_SVG_TOP_RIGHT = 1,
	OCSDF_SVG_BOTTOM_LEFT = 2,
	OCSDF_SVG_BOTTOM_RIGHT = 3
};
enum { OCSDF_SVG_KEY_LINE = 0, OCSDF_SVG_KEY_BOX = 1, OCSDF_SVG_KEY_DOT = 2 };

typedef struct ocsdf_svg_legend_entry {
	const char *label;
	ocsdf_svg_style style;
	int key;         /* OCSDF_SVG_KEY_*: how the sample is drawn */
} ocsdf_svg_legend_entry;

/* The XML declaration, the <svg> element of width x height pixels on a
 * white background, and a <title> (NULL: none). */
void ocsdf_svg_begin(ocsdf_svg *s, FILE *fp, double width, double height, const char *title);
/* Closes any group still open and the document. */
void ocsdf_svg_end(ocsdf_svg *s);

/* A group whose drawing is clipped to a rectangle (contours and curves that
 * must not spill over the axes); closed by ocsdf_svg_group_end. */
void ocsdf_svg_clip_begin(ocsdf_svg *s, double x, double y, double w, double h);
void ocsdf_svg_group_end(ocsdf_svg *s);

void ocsdf_svg_rect(ocsdf_svg *s, double x, double y, double w, double h,
		    const ocsdf_svg_style *st);
void ocsdf_svg_line(ocsdf_svg *s, double x1, double y1, double x2, double y2,
		    const ocsdf_svg_style *st);
void ocsdf_svg_circle(ocsdf_svg *s, double cx, double cy, double r, const ocsdf_svg_style *st);
/* n points (x[i], y[i]); polygon closes the path. */
void ocsdf_svg_polyline(ocsdf_svg *s, const double *x, const double *y, size_t n,
			const ocsdf_svg_style *st);
void ocsdf_svg_polygon(ocsdf_svg *s, const double *x, const double *y, size_t n,
		       const ocsdf_svg_style *st);
/* text at (x, y) (baseline), size in pixels, anchor OCSDF_SVG_START etc.,
 * rotated by angle degrees about (x, y). */
void ocsdf_svg_text(ocsdf_svg *s, double x, double y, const char *text, double size, int anchor,
		    double angle, ocsdf_rgb colour);

/* Writes text as XML character data: & < > " ' escaped, control
 * characters other than tab and line ends dropped, invalid UTF-8 and the
 * noncharacters U+FFFE/U+FFFF replaced by U+FFFD. */
void ocsdf_svg_put_escaped(FILE *fp, const char *text);

/* Length in bytes of the character starting at p if it is valid UTF-8 and
 * allowed in XML (not U+FFFE or U+FFFF), else 0.  For other writers of
 * text formats that must stay valid UTF-8 (JSON). */
int ocsdf_svg_utf8_char(const char *p);

/* Data to pixel coordinates in a frame. */
double ocsdf_svg_x(const ocsdf_svg_frame *f, double x);
double ocsdf_svg_y(const ocsdf_svg_frame *f, double y);

/* Up to max round values (steps of 1, 2 or 5 times a power of ten) in
 * [lo, hi], about target of them.  Returns how many were written. */
int ocsdf_svg_ticks(double lo, double hi, int target, double *ticks, int max);

/* The frame's box, light grid lines at the ticks, tick labels and the axis
 * titles (NULL: none). */
void ocsdf_svg_axes(ocsdf_svg *s, const ocsdf_svg_frame *f, const char *xlabel,
		    const char *ylabel);

/* A boxed legend in a corner of the frame (OCSDF_SVG_TOP_LEFT etc.). */
void ocsdf_svg_legend(ocsdf_svg *s, const ocsdf_svg_frame *f, int corner,
		      const ocsdf_svg_legend_entry *entries, int n);

/* Colours: a categorical palette safe for colour-blind readers (cycles
 * after 8), a perceptually uniform sequential map of t in [0, 1] (viridis
 * anchors) and a diverging blue-white-red map of t in [-1, 1] for signed
 * quantities.  Arguments are clamped. */
ocsdf_rgb ocsdf_svg_palette(int i);
ocsdf_rgb ocsdf_svg_colormap(double t);
ocsdf_rgb ocsdf_svg_diverging(double t);

/* A style with a stroke only, or a fill only. */
ocsdf_svg_style ocsdf_svg_stroke(ocsdf_rgb c, double width);
ocsdf_svg_style ocsdf_svg_fill(ocsdf_rgb c, double opacity);

#endif
