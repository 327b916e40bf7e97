/*
 * svg.c: the SVG writer (see svg.h).
 *
 * Coordinates are printed with two decimals: a hundredth of a pixel is
 * below what any viewer shows and keeps files of long curves small.  A
 * non-finite coordinate would make the document invalid, so it is written
 * as 0; callers are expected to have clipped their data to the frame.
 */
#include "svg.h"

#include <math.h>
#include <string.h>

static void put_num(FILE *fp, double v)
{
	if (!isfinite(v))
		v = 0;
	if (fabs(v) < 0.005)
		v = 0;   /* no "-0.00" */
	fprintf(fp, "%.2f", v);
}

static void put_rgb(FILE *fp, ocsdf_rgb c)
{
	fprintf(fp, "#%02x%02x%02x", c.r, c.g, c.b);
}

static void put_style(FILE *fp, const ocsdf_svg_style *st)
{
	fputs(" fill=\"", fp);
	if (st->fill_opacity > 0) {
		put_rgb(fp, st->fill);
		fputc('"', fp);
		if (st->fill_opacity < 1) {
			fputs(" fill-opacity=\"", fp);
			put_num(fp, st->fill_opacity);
			fputc('"', fp);
		}
	} else {
		fputs("none\"", fp);
	}
	if (st->stroke_width > 0) {
		fputs(" stroke=\"", fp);
		put_rgb(fp, st->stroke);
		fputs("\" stroke-width=\"", fp);
		put_num(fp, st->stroke_width);
		fputc('"', fp);
		if (st->dash) {
			fputs(" stroke-dasharray=\"", fp);
			ocsdf_svg_put_escaped(fp, st->dash);
			fputc('"', fp);
		}
	}
}

/* Writes ` name="value"` for each of n numeric attributes; names are
 * separated by spaces in one string ("x y width height"). */
static void put_attrs(FILE *fp, const char *names, const double *v, int n)
{
	for (int i = 0; i < n; i++) {
		size_t len = strcspn(names, " ");
		fprintf(fp, " %.*s=\"", (int)len, names);
		put_num(fp, v[i]);
		fputc('"', fp);
		names += len + (names[len] == ' ');
	}
}

/* Closes an element: its style, then "/>". */
static void put_end(FILE *fp, const ocsdf_svg_style *st)
{
	put_style(fp, st);
	fputs("/>\n", fp);
}

/* Overlong forms, surrogates, code points above U+10FFFF and the
 * noncharacters U+FFFE and U+FFFF are refused.  A NUL inside a sequence
 * stops the checks at the terminator: the byte tests are ordered so that
 * nothing past a failing byte is read. */
int ocsdf_svg_utf8_char(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		if (p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		if (p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

void ocsdf_svg_put_escaped(FILE *fp, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	if (!p)
		return;
	while (*p) {
		int len;
		switch (*p) {
		case '&': fputs("&amp;", fp); p++; continue;
		case '<': fputs("&lt;", fp); p++; continue;
		case '>': fputs("&gt;", fp); p++; continue;
		case '"': fputs("&quot;", fp); p++; continue;
		case '\'': fputs("&apos;", fp); p++; continue;
		default: break;
		}
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
			p++;
			continue;
		}
		len = ocsdf_svg_utf8_char((const char *)p);
		if (len == 0) {
			fputs("\xef\xbf\xbd", fp);
			p++;
			continue;
		}
		fwrite(p, 1, (size_t)len, fp);
		p += len;
	}
}

void ocsdf_svg_begin(ocsdf_svg *s, FILE *fp, double width, double height, const char *title)
{
	s->fp = fp;
	s->width = width;
	s->height = height;
	s->next_id = 0;
	s->open_groups = 0;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"", fp);
	put_num(fp, width);
	fputs("\" height=\"", fp);
	put_num(fp, height);
	fputs("\" viewBox=\"0 0 ", fp);
	put_num(fp, width);
	fputc(' ', fp);
	put_num(fp, height);
	fputs("\" font-family=\"sans-serif\">\n", fp);
	if (title) {
		fputs("<title>", fp);
		ocsdf_svg_put_escaped(fp, title);
		fputs("</title>\n", fp);
	}
	fputs("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n", fp);
}

void ocsdf_svg_end(ocsdf_svg *s)
{
	while (s->open_groups > 0)
		ocsdf_svg_group_end(s);
	fputs("</svg>\n", s->fp);
}

void ocsdf_svg_clip_begin(ocsdf_svg *s, double x, double y, double w, double h)
{
	int id = s->next_id++;
	double v[4] = {x, y, w, h};
	fprintf(s->fp, "<defs><clipPath id=\"clip%d\"><rect", id);
	put_attrs(s->fp, "x y width height", v, 4);
	fprintf(s->fp, "/></clipPath></defs>\n<g clip-path=\"url(#clip%d)\">\n", id);
	s->open_groups++;
}

void ocsdf_svg_group_end(ocsdf_svg *s)
{
	if (s->open_groups <= 0)
		return;
	fputs("</g>\n", s->fp);
	s->open_groups--;
}

void ocsdf_svg_rect(ocsdf_svg *s, double x, double y, double w, double h,
		    const ocsdf_svg_style *st)
{
	double v[4] = {x, y, w > 0 ? w : 0, h > 0 ? h : 0};
	fputs("<rect", s->fp);
	put_attrs(s->fp, "x y width height", v, 4);
	put_end(s->fp, st);
}

void ocsdf_svg_line(ocsdf_svg *s, double x1, double y1, double x2, double y2,
		    const ocsdf_svg_style *st)
{
	double v[4] = {x1, y1, x2, y2};
	fputs("<line", s->fp);
	put_attrs(s->fp, "x1 y1 x2 y2", v, 4);
	put_end(s->fp, st);
}

void ocsdf_svg_circle(ocsdf_svg *s, double cx, double cy, double r, const ocsdf_svg_style *st)
{
	double v[3] = {cx, cy, r > 0 ? r : 0};
	fputs("<circle", s->fp);
	put_attrs(s->fp, "cx cy r", v, 3);
	put_end(s->fp, st);
}

static void put_points(ocsdf_svg *s, const char *elem, const double *x, const double *y, size_t n,
		       const ocsdf_svg_style *st)
{
	fprintf(s->fp, "<%s points=\"", elem);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(i % 8 ? ' ' : '\n', s->fp);
		put_num(s->fp, x[i]);
		fputc(',', s->fp);
		put_num(s->fp, y[i]);
	}
	fputc('"', s->fp);
	put_style(s->fp, st);
	fputs(" stroke-linejoin=\"round\"/>\n", s->fp);
}

void ocsdf_svg_polyline(ocsdf_svg *s, const double *x, const double *y, size_t n,
			const ocsdf_svg_style *st)
{
	put_points(s, "polyline", x, y, n, st);
}

void ocsdf_svg_polygon(ocsdf_svg *s, const double *x, const double *y, size_t n,
		       const ocsdf_svg_style *st)
{
	put_points(s, "polygon", x, y, n, st);
}

void ocsdf_svg_text(ocsdf_svg *s, double x, double y, const char *text, double size, int anchor,
		    double angle, ocsdf_rgb colour)
{
	static const char *const anchors[] = {"start", "middle", "end"};
	double v[3] = {x, y, size};
	fputs("<text", s->fp);
	put_attrs(s->fp, "x y font-size", v, 3);
	fprintf(s->fp, " text-anchor=\"%s\" fill=\"",
		anchors[anchor >= 0 && anchor <= 2 ? anchor : 0]);
	put_rgb(s->fp, colour);
	fputc('"', s->fp);
	if (angle != 0) {
		fputs(" transform=\"rotate(", s->fp);
		put_num(s->fp, angle);
		fputc(' ', s->fp);
		put_num(s->fp, x);
		fputc(' ', s->fp);
		put_num(s->fp, y);
		fputs(")\"", s->fp);
	}
	fputc('>', s->fp);
	ocsdf_svg_put_escaped(s->fp, text);
	fputs("</text>\n", s->fp);
}

double ocsdf_svg_x(const ocsdf_svg_frame *f, double x)
{
	double span = f->xmax - f->xmin;
	return f->left + (span > 0 ? (x - f->xmin) / span : 0.5) * f->width;
}

double ocsdf_svg_y(const ocsdf_svg_frame *f, double y)
{
	double span = f->ymax - f->ymin;
	return f->top + f->height - (span > 0 ? (y - f->ymin) / span : 0.5) * f->height;
}

int ocsdf_svg_ticks(double lo, double hi, int target, double *ticks, int max)
{
	double span = hi - lo, raw, mag, step, first;
	int n = 0;
	if (!isfinite(span) || span <= 0 || target < 1 || max < 1)
		return 0;
	raw = span / target;
	mag = pow(10, floor(log10(raw)));
	step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
	first = ceil(lo / step - 1e-9);
	/* Multiples of step computed from an integer index, so 0.1 * 3 prints as
	 * 0.3 and a tick that should be zero is exactly zero. */
	for (double k = first; n < max; k++) {
		double t = k * step;
		if (t > hi + step * 1e-9)
			break;
		ticks[n++] = fabs(t) < step * 1e-9 ? 0 : t;
	}
	return n;
}

/* Decimals that show every tick of a given spacing distinctly. */
static int tick_decimals(const double *t, int n)
{
	double step = n > 1 ? t[1] - t[0] : fabs(t[0]);
	int d;
	if (!(step > 0))
		return 0;
	d = (int)ceil(-log10(step) - 1e-9);
	return d < 0 ? 0 : d > 12 ? 12 : d;
}

static void format_tick(char *buf, size_t len, double v, int decimals)
{
	if (v != 0 && (fabs(v) >= 1e6 || fabs(v) < 1e-4))
		snprintf(buf, len, "%.3g", v);
	else
		snprintf(buf, len, "%.*f", decimals, v);
}

static const ocsdf_rgb BLACK = {0, 0, 0};
static const ocsdf_rgb GREY = {0x55, 0x55, 0x55};
static const ocsdf_rgb LIGHT = {0xe0, 0xe0, 0xe0};

void ocsdf_svg_axes(ocsdf_svg *s, const ocsdf_svg_frame *f, const char *xlabel,
		    const char *ylabel)
{
	double xt[32], yt[32];
	int nx = ocsdf_svg_ticks(f->xmin, f->xmax, 5, xt, 32);
	int ny = ocsdf_svg_ticks(f->ymin, f->ymax, 5, yt, 32);
	int dx = nx ? tick_decimals(xt, nx) : 0, dy = ny ? tick_decimals(yt, ny) : 0;
	ocsdf_svg_style grid = ocsdf_svg_stroke(LIGHT, 1), box = ocsdf_svg_stroke(BLACK, 1);
	double bottom = f->top + f->height;
	char buf[64];
	for (int i = 0; i < nx; i++) {
		double px = ocsdf_svg_x(f, xt[i]);
		ocsdf_svg_line(s, px, f->top, px, bottom, &grid);
		ocsdf_svg_line(s, px, bottom, px, bottom + 5, &box);
		format_tick(buf, sizeof buf, xt[i], dx);
		ocsdf_svg_text(s, px, bottom + 18, buf, 12, OCSDF_SVG_MIDDLE, 0, GREY);
	}
	for (int i = 0; i < ny; i++) {
		double py = ocsdf_svg_y(f, yt[i]);
		ocsdf_svg_line(s, f->left, py, f->left + f->width, py, &grid);
		ocsdf_svg_line(s, f->left - 5, py, f->left, py, &box);
		format_tick(buf, sizeof buf, yt[i], dy);
		ocsdf_svg_text(s, f->left - 8, py + 4, buf, 12, OCSDF_SVG_END, 0, GREY);
	}
	ocsdf_svg_rect(s, f->left, f->top, f->width, f->height, &box);
	if (xlabel)
		ocsdf_svg_text(s, f->left + f->width / 2, bottom + 40, xlabel, 14, OCSDF_SVG_MIDDLE, 0,
			       BLACK);
	if (ylabel) {
		double x = f->left - 50, y = f->top + f->height / 2;
		ocsdf_svg_text(s, x, y, ylabel, 14, OCSDF_SVG_MIDDLE, -90, BLACK);
	}
}

/* Text width is not known without font metrics; 0.6 em per character is a
 * fair upper estimate for sans-serif digits and lower-case letters. */
static double text_width(const char *t, double size)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)t; p && *p; p++)
		chars += (*p & 0xc0) != 0x80;
	return 0.6 * size * (double)chars;
}

void ocsdf_svg_legend(ocsdf_svg *s, const ocsdf_svg_frame *f, int corner,
		      const ocsdf_svg_legend_entry *entries, int n)
{
	const double size = 12, row = 18, pad = 8, key = 24;
	double w = 0, h, x, y;
	ocsdf_svg_style bg = {{0x99, 0x99, 0x99}, 0.8, {0xff, 0xff, 0xff}, 0.9, NULL};
	if (n <= 0)
		return;
	for (int i = 0; i < n; i++) {
		double tw = text_width(entries[i].label, size);
		if (tw > w)
			w = tw;
	}
	w += 3 * pad + key;
	h = 2 * pad + row * n - (row - size);
	x = (corner == OCSDF_SVG_TOP_RIGHT || corner == OCSDF_SVG_BOTTOM_RIGHT)
		    ? f->left + f->width - 10 - w
		    : f->left + 10;
	y = (corner == OCSDF_SVG_BOTTOM_LEFT || corner == OCSDF_SVG_BOTTOM_RIGHT)
		    ? f->top + f->height - 10 - h
		    : f->top + 10;
	ocsdf_svg_rect(s, x, y, w, h, &bg);
	for (int i = 0; i < n; i++) {
		const ocsdf_svg_legend_entry *en = &entries[i];
		double cy = y + pad + row * i + size / 2, kx = x + pad;
		if (en->key == OCSDF_SVG_KEY_BOX)
			ocsdf_svg_rect(s, kx, cy - 5, key, 10, &en->style);
		else if (en->key == OCSDF_SVG_KEY_DOT)
			ocsdf_svg_circle(s, kx + key / 2, cy, 4, &en->style);
		else
			ocsdf_svg_line(s, kx, cy, kx + key, cy, &en->style);
		ocsdf_svg_text(s, kx + key + pad, cy + size * 0.35, en->label, size, OCSDF_SVG_START, 0,
			       BLACK);
	}
}

ocsdf_rgb ocsdf_svg_palette(int i)
{
	/* Okabe-Ito colours, without the yellow that vanishes on white. */
	static const ocsdf_rgb p[8] = {
		{0x00, 0x72, 0xb2}, {0xd5, 0x5e, 0x00}, {0x00, 0x9e, 0x73}, {0xcc, 0x79, 0xa7},
		{0xe6, 0x9f, 0x00}, {0x56, 0xb4, 0xe9}, {0x00, 0x00, 0x00}, {0x99, 0x99, 0x99},
	};
	return p[((i % 8) + 8) % 8];
}

static ocsdf_rgb lerp_table(const ocsdf_rgb *tab, int n, double t)
{
	double pos;
	int k;
	ocsdf_rgb c;
	if (!(t > 0))
		t = 0;
	if (t > 1)
		t = 1;
	pos = t * (n - 1);
	k = (int)pos;
	if (k >= n - 1)
		return tab[n - 1];
	pos -= k;
	c.r = (unsigned char)lround(tab[k].r + pos * (tab[k + 1].r - tab[k].r));
	c.g = (unsigned char)lround(tab[k].g + pos * (tab[k + 1].g - tab[k].g));
	c.b = (unsigned char)lround(tab[k].b + pos * (tab[k + 1].b - tab[k].b));
	return c;
}

ocsdf_rgb ocsdf_svg_colormap(double t)
{
	static const ocsdf_rgb v[9] = {
		{0x44, 0x01, 0x54}, {0x47, 0x2d, 0x7b}, {0x3b, 0x52, 0x8b}, {0x2c, 0x72, 0x8e},
		{0x21, 0x91, 0x8c}, {0x28, 0xae, 0x80}, {0x5e, 0xc9, 0x62}, {0xad, 0xdc, 0x30},
		{0xfd, 0xe7, 0x25},
	};
	return lerp_table(v, 9, t);
}

ocsdf_rgb ocsdf_svg_diverging(double t)
{
	static const ocsdf_rgb v[5] = {
		{0x21, 0x66, 0xac}, {0x92, 0xc5, 0xde}, {0xf7, 0xf7, 0xf7}, {0xf4, 0xa5, 0x82},
		{0xb2, 0x18, 0x2b},
	};
	return lerp_table(v, 5, isfinite(t) ? (t + 1) / 2 : 0.5);
}

ocsdf_svg_style ocsdf_svg_stroke(ocsdf_rgb c, double width)
{
	return (ocsdf_svg_style){.stroke = c, .stroke_width = width};
}

ocsdf_svg_style ocsdf_svg_fill(ocsdf_rgb c, double opacity)
{
	return (ocsdf_svg_style){.fill = c, .fill_opacity = opacity};
}
