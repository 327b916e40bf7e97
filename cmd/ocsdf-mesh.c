/*
 * ocsdf-mesh: turns a learned signed distance into geometry one can look
 * at: for a 3-feature model the surface f = level as a closed triangle mesh
 * (PLY, OBJ, STL), for a 2-feature model a contour map of f (SVG, the
 * paper's Figure 2).  The extraction lives in lib/mesh.c; this file picks
 * the grid, the level and the output, and draws the map.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "dataset.h"
#include "contour.h"
#include "mesh.h"
#include "meshio.h"
#include "meshtopo.h"
#include "model.h"
#include "output.h"
#include "scale.h"
#include "score.h"
#include "svg.h"

enum { CHUNK = 4096 };
enum { FMT_PLY = OCSDF_MESHIO_PLY, FMT_OBJ = OCSDF_MESHIO_OBJ, FMT_STL = OCSDF_MESHIO_STL, FMT_SVG };

static const char usage_text[] =
	"Usage: ocsdf-mesh -m MODEL [OPTION]...\n"
	"Extract a level set of the signed distance learned by ocsdf-train: from a\n"
	"3-feature model a closed triangle mesh (PLY, OBJ or STL), from a 2-feature\n"
	"model a contour map (SVG).\n"
	"\n"
	"  -m, --model MODEL      model file (required)\n"
	"  -o, --output FILE      write here instead of standard output\n"
	"      --format FMT       ply, obj, stl or svg (default: from the extension of\n"
	"                         FILE, else ply for 3 features and svg for 2)\n"
	"      --ascii            text PLY or STL instead of binary\n"
	"  -r, --resolution R     grid points along the longest side (default 128 for\n"
	"                         a surface, 256 for a contour map)\n"
	"      --level L          extract f = L (in the model's units)\n"
	"      --percentile P     extract the P-th percentile of f over the training\n"
	"                         rows: 1, 5 or 50 (default: the lower of 0 and the\n"
	"                         1st percentile)\n"
	"      --keep-cavities    keep the walls of enclosed cavities (default: fill\n"
	"                         them, leaving the outer surface of a shell)\n"
	"      --box K            grid box: K standard deviations around the training\n"
	"                         mean on each axis (default 3)\n"
	"      --box LIST         grid box: LO1,HI1,LO2,HI2[,LO3,HI3] in input units\n"
	"      --points FILE      training rows (CSV with the model's features): the\n"
	"                         box becomes their bounding box plus 10%, and a\n"
	"                         contour map shows them as dots\n"
	"      --label COL        with --points: colour the dots by this column\n"
	"      --levels LIST      levels drawn on a contour map (default: round values\n"
	"                         over the range of f); f = 0 is always drawn bold\n"
	"      --no-colormap      no colour map of f behind the contours\n"
	"      --dense            evaluate every grid point (no Lipschitz pruning)\n"
	"  -f, --force            overwrite an existing output file\n"
	"  -v, --verbose          report the mesh and the network evaluations\n"
	"  -q, --quiet            no progress\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Examples:\n"
	"  ocsdf-mesh -m torus.model -r 256 -o torus.ply\n"
	"  ocsdf-mesh -m moons.model --points moons.csv --label label -o moons.svg\n";

enum {
	O_FORMAT = 256,
	O_ASCII,
	O_LEVEL,
	O_PERCENTILE,
	O_BOX,
	O_POINTS,
	O_LABEL,
	O_LEVELS,
	O_NO_COLORMAP,
	O_DENSE,
	O_KEEP_CAVITIES
};

static const struct option long_options[] = {
	{"model", required_argument, 0, 'm'},
	{"output", required_argument, 0, 'o'},
	{"format", required_argument, 0, O_FORMAT},
	{"ascii", no_argument, 0, O_ASCII},
	{"resolution", required_argument, 0, 'r'},
	{"level", required_argument, 0, O_LEVEL},
	{"percentile", required_argument, 0, O_PERCENTILE},
	{"keep-cavities", no_argument, 0, O_KEEP_CAVITIES},
	{"box", required_argument, 0, O_BOX},
	{"points", required_argument, 0, O_POINTS},
	{"label", required_argument, 0, O_LABEL},
	{"levels", required_argument, 0, O_LEVELS},
	{"no-colormap", no_argument, 0, O_NO_COLORMAP},
	{"dense", no_argument, 0, O_DENSE},
	{"force", no_argument, 0, 'f'},
	{"verbose", no_argument, 0, 'v'},
	{"quiet", no_argument, 0, 'q'},
	{"help", no_argument, 0, 'h'},
	{"version", no_argument, 0, 'V'},
	{0, 0, 0, 0}};

/* The model as a field over raw input points, for lib/mesh.c. */
typedef struct field_ctx {
	ocsdf_scorer *sc;
	int d;
	double *X; /* CHUNK x d */
} field_ctx;

static void field(void *ctx, const float *xyz, int n, float *f)
{
	field_ctx *c = ctx;
	for (size_t i = 0; i < (size_t)n * (size_t)c->d; i++)
		c->X[i] = xyz[i];
	ocsdf_scorer_run(c->sc, c->X, n, f);
}

static void gradient(void *ctx, const float *xyz, int n, float *f, float *g)
{
	field_ctx *c = ctx;
	for (size_t i = 0; i < (size_t)n * (size_t)c->d; i++)
		c->X[i] = xyz[i];
	ocsdf_scorer_grad(c->sc, c->X, n, f, g);
}

static void show_progress(void *ctx, double done)
{
	int *shown = ctx, pc = (int)(100 * done);
	if (pc == *shown)
		return;
	*shown = pc;
	fprintf(stderr, "\r%s: extracting the surface: %3d%%", ocsdf_cli_name(), pc);
	if (pc >= 100)
		fputc('\n', stderr);
}

/* -v: the parts of the mesh and their topology, largest first. */
static void report_parts(const ocsdf_mesh *mesh, size_t walls, size_t removed)
{
	ocsdf_mesh_part *p;
	size_t np;
	ocsdf_error err;
	if (walls)
		fprintf(stderr, "%s: filled %zu enclosed cavit%s (%zu part%s removed)\n",
			ocsdf_cli_name(), walls, walls == 1 ? "y" : "ies", removed,
			removed == 1 ? "" : "s");
	if (ocsdf_mesh_parts(mesh, &p, &np, NULL, &err)) {
		ocsdf_warn("%s", err.msg);
		return;
	}
	for (size_t i = 0; i < np && i < 5; i++) {
		fprintf(stderr, "%s: part %zu of %zu: %zu vertices, %zu triangles, ", ocsdf_cli_name(),
			i + 1, np, p[i].nv, p[i].nt);
		if (p[i].closed)
			fprintf(stderr, "closed, Euler characteristic %ld (genus %ld)\n", p[i].euler,
				(2 - p[i].euler) / 2);
		else
			fprintf(stderr, "open (cut by the box)\n");
	}
	free(p);
}

typedef struct options {
	const char *model, *output, *points, *label, *levels;
	int format, ascii, resolution, dense, force, verbose, quiet, colormap, keep_cavities;
	int level_set, percentile;
	double level;
	double box_k;           /* >0: K standard deviations */
	double *box;            /* explicit bounds, 2d values, or NULL */
	int nbox;
} options;

/* The grid box: explicit, the points' bounding box plus 10%, or K standard
 * deviations around the mean.  Then the point counts, such that cells are
 * cubes in the model's standardized units (the geometry f measures
 * distances in) with R points on the longest side. */
static void choose_grid(const options *o, const ocsdf_model *m, const ocsdf_dataset *pts,
			double *lo, double *hi, int *n)
{
	int d = m->arch.d;
	for (int a = 0; a < d; a++) {
		if (o->box) {
			lo[a] = o->box[2 * a];
			hi[a] = o->box[2 * a + 1];
		} else if (pts && pts->n > 0 && !(o->box_k > 0)) {
			lo[a] = INFINITY;
			hi[a] = -INFINITY;
			for (size_t i = 0; i < pts->n; i++) {
				lo[a] = fmin(lo[a], pts->X[i * (size_t)d + (size_t)a]);
				hi[a] = fmax(hi[a], pts->X[i * (size_t)d + (size_t)a]);
			}
			double pad = hi[a] > lo[a] ? 0.1 * (hi[a] - lo[a]) : m->std[a];
			lo[a] -= pad;
			hi[a] += pad;
		} else {
			double k = o->box_k > 0 ? o->box_k : 3;
			lo[a] = m->mean[a] - k * m->std[a];
			hi[a] = m->mean[a] + k * m->std[a];
		}
	}
	double longest = 0;
	for (int a = 0; a < d; a++)
		longest = fmax(longest, (hi[a] - lo[a]) / m->std[a]);
	double h = longest / (o->resolution - 1);
	for (int a = 0; a < d; a++) {
		double ext = (hi[a] - lo[a]) / m->std[a];
		double cells = ceil(ext / h - 1e-9);
		/* A box beyond the range of doubles, or so small against the
		 * model's standard deviations that its cells vanish (or become
		 * subnormal numbers, too coarse to count cells with). */
		if (!(longest >= 1e-290) || !isfinite(h) || !(cells < 4096))
			ocsdf_usage_error("the grid box cannot be divided into cells in the model's units; "
					  "give --box LO,HI,... between -1e30 and 1e30, at least 1e-290 "
					  "standard deviations wide");
		n[a] = cells < 1 ? 2 : (int)cells + 1;
		/* Widen the box evenly to a whole number of cubic cells. */
		double mid = 0.5 * (lo[a] + hi[a]), half = 0.5 * (n[a] - 1) * h * m->std[a];
		lo[a] = mid - half;
		hi[a] = mid + half;
		if (!isfinite(lo[a]) || !isfinite(hi[a]) || !(lo[a] < hi[a]))
			ocsdf_usage_error("the grid box of '%s' cannot be widened to whole cells within "
					  "the range of doubles; give --box LO,HI,... between -1e30 and 1e30",
					  m->names[a]);
	}
}

static const char *ordinal(int p)
{
	return p == 1 ? "st" : p == 2 ? "nd" : p == 3 ? "rd" : "th";
}

/* ---- 3D ---- */

static void write_mesh(const options *o, const ocsdf_model *m, const ocsdf_dataset *pts,
		       ocsdf_output *out, const char *level_what)
{
	ocsdf_grid3 g;
	ocsdf_mesh_opts mo;
	ocsdf_mesh_stats st;
	ocsdf_mesh mesh;
	ocsdf_error err;
	field_ctx fc;

	choose_grid(o, m, pts, g.lo, g.hi, g.n);
	ocsdf_mesh_opts_default(&mo);
	mo.level = o->level;
	mo.batch = CHUNK;
	mo.prune = !o->dense;
	/* lipschitz_raw bounds f for exactly orthonormal weights.  The saved
	 * ones are off by ortho_error per entry, so each layer's spectral norm
	 * is at most sqrt(1 + width * ortho_error); the last factor covers
	 * float rounding in the network. */
	double L = m->stats.lipschitz_raw;
	if (!(L > 0) || !isfinite(L))
		L = ocsdf_scale_lipschitz(m->std, m->arch.d);
	double eps = m->stats.ortho_error > 0 ? m->stats.ortho_error : 0;
	L *= pow(sqrt(1 + (double)m->arch.width * eps), m->arch.depth + 1) * (1 + 1e-3);
	if (mo.prune && !(isfinite(L) && L > 0)) {
		ocsdf_warn("the model's Lipschitz constant is unusable; evaluating every grid point");
		mo.prune = 0;
	}
	mo.lipschitz = L;
	int shown = -1;
	if (ocsdf_progress_enabled(o->quiet)) {
		mo.progress = show_progress;
		mo.progress_ctx = &shown;
	}

	fc.d = 3;
	fc.sc = ocsdf_scorer_new(m, CHUNK);
	fc.X = malloc(CHUNK * 3 * sizeof *fc.X);
	if (!fc.sc || !fc.X)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	if (ocsdf_mesh_extract(&g, field, gradient, &fc, &mo, &mesh, &st, &err))
		ocsdf_die_error(&err);
	size_t walls = 0, removed = 0;
	if (!o->keep_cavities && ocsdf_mesh_fill_cavities(&mesh, &walls, &removed, &err))
		ocsdf_die_error(&err);
	if (mesh.nt == 0)
		ocsdf_warn("the level set f = %g (%s) does not cross the box; the mesh is empty",
			   o->level, level_what);
	if (o->verbose)
		fprintf(stderr,
			"%s: %zu vertices, %zu triangles at f = %g (%s) on a %d x %d x %d grid; "
			"%llu network evaluations (%.2f%% of the grid%s)\n",
			ocsdf_cli_name(), mesh.nv, mesh.nt, o->level, level_what, g.n[0], g.n[1],
			g.n[2], (unsigned long long)(st.evals + st.grad_evals),
			100.0 * (double)st.evals / ((double)g.n[0] * g.n[1] * g.n[2]),
			mo.prune ? ", pruned" : "");
	if (o->verbose)
		report_parts(&mesh, walls, removed);
	if (ocsdf_meshio_write(out->fp, &mesh, o->format, o->ascii,
			       out->path ? out->path : "standard output", &err))
		ocsdf_die_error(&err);
	ocsdf_mesh_free(&mesh);
	ocsdf_scorer_free(fc.sc);
	free(fc.X);
}

/* ---- 2D ---- */

static void put_be32(unsigned char *b, unsigned long v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

static void put_base64(FILE *fp, const unsigned char *p, size_t n)
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

/* An RGB image as a PNG in base64: the colour map of f costs a few
 * kilobytes this way, against one SVG rectangle per grid cell. */
static void put_png_base64(FILE *fp, const unsigned char *rgb, int w, int h)
{
	size_t raw_len = (size_t)h * (1 + 3 * (size_t)w);
	unsigned char *raw = malloc(raw_len);
	uLongf zlen = compressBound((uLong)raw_len);
	size_t cap = 8 + 25 + 12 + (size_t)zlen + 12;
	unsigned char *png = malloc(cap);
	if (!raw || !png)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	for (int y = 0; y < h; y++) {
		unsigned char *row = raw + (size_t)y * (1 + 3 * (size_t)w);
		row[0] = 0; /* no filter */
		memcpy(row + 1, rgb + (size_t)y * 3 * (size_t)w, 3 * (size_t)w);
	}
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	size_t k = 0;
	memcpy(png, sig, 8);
	k = 8;
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
	if (compress2(png + k + 8, &zlen, raw, (uLong)raw_len, 9) != Z_OK)
		ocsdf_die(OCSDF_ESOFTWARE, "cannot compress the colour map");
	put_be32(png + k, zlen);
	memcpy(png + k + 4, "IDAT", 4);
	put_be32(png + k + 8 + zlen, crc32(0, png + k + 4, (uInt)zlen + 4));
	k += 12 + zlen;
	put_be32(png + k, 0);
	memcpy(png + k + 4, "IEND", 4);
	put_be32(png + k + 8, crc32(0, png + k + 4, 4));
	k += 12;
	put_base64(fp, png, k);
	free(raw);
	free(png);
}

static void draw_contour(ocsdf_svg *s, const ocsdf_svg_frame *f, const ocsdf_contour *c,
			 const ocsdf_svg_style *st)
{
	size_t most = 0;
	for (size_t l = 0; l < c->nlines; l++)
		if (c->start[l + 1] - c->start[l] > most)
			most = c->start[l + 1] - c->start[l];
	double *x = malloc((most + 1) * sizeof *x), *y = malloc((most + 1) * sizeof *y);
	if (!x || !y)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
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
}

static void contour_level(ocsdf_svg *s, const ocsdf_svg_frame *f, const ocsdf_grid2 *g,
			  const float *v, double level, const ocsdf_svg_style *st)
{
	ocsdf_contour c;
	ocsdf_error err;
	if (ocsdf_contour_extract(g, v, level, &c, &err))
		ocsdf_die_error(&err);
	draw_contour(s, f, &c, st);
	ocsdf_contour_free(&c);
}

static void write_map(const options *o, const ocsdf_model *m, const ocsdf_dataset *pts,
		      ocsdf_output *out, const char *level_what)
{
	static const ocsdf_rgb ink = {0x22, 0x22, 0x22}, grey = {0x55, 0x55, 0x55},
			       line = {0x40, 0x40, 0x40};
	ocsdf_grid2 g;
	ocsdf_error err;
	field_ctx fc;

	choose_grid(o, m, pts, g.lo, g.hi, g.n);
	size_t np = (size_t)g.n[0] * (size_t)g.n[1];
	float *v = malloc(np * sizeof *v);
	fc.d = 2;
	fc.sc = ocsdf_scorer_new(m, CHUNK);
	fc.X = malloc(CHUNK * 2 * sizeof *fc.X);
	if (!v || !fc.sc || !fc.X)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	if (ocsdf_grid_sample2(&g, field, &fc, CHUNK, v, &err))
		ocsdf_die_error(&err);
	double vmin = INFINITY, vmax = -INFINITY;
	for (size_t i = 0; i < np; i++) {
		vmin = vmin < v[i] ? vmin : v[i];
		vmax = vmax > v[i] ? vmax : v[i];
	}
	if (o->verbose)
		fprintf(stderr, "%s: contour map of f on a %d x %d grid, f from %g to %g; %zu network "
			"evaluations\n",
			ocsdf_cli_name(), g.n[0], g.n[1], vmin, vmax, np);

	/* The frame keeps the grid's cells square on the page. */
	double ex = (double)(g.n[0] - 1), ey = (double)(g.n[1] - 1);
	double fw = ex >= ey ? 520 : 520 * ex / ey, fh = ey >= ex ? 520 : 520 * ey / ex;
	fw = fmax(fw, 160);
	fh = fmax(fh, 160);
	ocsdf_svg_frame f = {80, 64, fw, fh, g.lo[0], g.hi[0], g.lo[1], g.hi[1]};
	ocsdf_svg s;
	char title[512], sub[512];
	snprintf(title, sizeof title, "ocsdf-mesh: %s", o->model);
	ocsdf_svg_begin(&s, out->fp, f.left + fw + 30, f.top + fh + 60, title);
	ocsdf_svg_text(&s, f.left, 26, title, 15, OCSDF_SVG_START, 0, ink);
	snprintf(sub, sizeof sub, "level sets of the learned signed distance f, from %.3g to %.3g",
		 vmin, vmax);
	ocsdf_svg_text(&s, f.left, 44, sub, 11, OCSDF_SVG_START, 0, grey);

	ocsdf_svg_clip_begin(&s, f.left, f.top, fw, fh);
	if (o->colormap) {
		/* Red inside (f > 0), blue outside, white on the boundary, one
		 * pixel per grid point, top row first. */
		double scale = fmax(fabs(vmin), fabs(vmax));
		unsigned char *rgb = malloc(np * 3);
		if (!rgb)
			ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
		for (int y = 0; y < g.n[1]; y++)
			for (int x = 0; x < g.n[0]; x++) {
				float fv = v[(size_t)(g.n[1] - 1 - y) * (size_t)g.n[0] + (size_t)x];
				ocsdf_rgb c = ocsdf_svg_diverging(scale > 0 ? fv / scale : 0);
				unsigned char *p = rgb + 3 * ((size_t)y * (size_t)g.n[0] + (size_t)x);
				p[0] = c.r;
				p[1] = c.g;
				p[2] = c.b;
			}
		/* Pixel centres on the grid points. */
		double hx = (g.hi[0] - g.lo[0]) / ex, hy = (g.hi[1] - g.lo[1]) / ey;
		double x0 = ocsdf_svg_x(&f, g.lo[0] - hx / 2), x1 = ocsdf_svg_x(&f, g.hi[0] + hx / 2);
		double y0 = ocsdf_svg_y(&f, g.hi[1] + hy / 2), y1 = ocsdf_svg_y(&f, g.lo[1] - hy / 2);
		fprintf(out->fp,
			"<image x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
			"preserveAspectRatio=\"none\" opacity=\"0.75\" href=\"data:image/png;base64,",
			x0, y0, x1 - x0, y1 - y0);
		put_png_base64(out->fp, rgb, g.n[0], g.n[1]);
		fputs("\"/>\n", out->fp);
		free(rgb);
	}

	double *levels = NULL, ticks[64];
	int nlev = 0;
	if (o->levels) {
		levels = ocsdf_opt_double_list("--levels", o->levels, -1e6, 1e6, &nlev);
	} else {
		nlev = ocsdf_svg_ticks(vmin, vmax, 10, ticks, 64);
		levels = ticks;
	}
	ocsdf_svg_style thin = ocsdf_svg_stroke(line, 0.8);
	for (int i = 0; i < nlev; i++)
		if (levels[i] != 0 && levels[i] > vmin && levels[i] < vmax)
			contour_level(&s, &f, &g, v, levels[i], &thin);
	ocsdf_svg_style bold = ocsdf_svg_stroke(ink, 2.2);
	contour_level(&s, &f, &g, v, 0, &bold);
	ocsdf_svg_style chosen = ocsdf_svg_stroke(ocsdf_svg_palette(1), 2);
	chosen.dash = "7 4";
	if (o->level != 0)
		contour_level(&s, &f, &g, v, o->level, &chosen);

	/* Training points, coloured by label (up to 8 distinct values). */
	const char *seen[8];
	int nseen = 0;
	if (pts)
		for (size_t i = 0; i < pts->n; i++) {
			int c = 0;
			if (pts->labels) {
				while (c < nseen && strcmp(seen[c], pts->labels[i]) != 0)
					c++;
				if (c == nseen && nseen < 8)
					seen[nseen++] = pts->labels[i];
				if (c == 8)
					c = 7;
			}
			ocsdf_svg_style dot = ocsdf_svg_fill(
				pts->labels ? ocsdf_svg_palette(c + 2) : ink, 0.75);
			ocsdf_svg_circle(&s, ocsdf_svg_x(&f, pts->X[2 * i]),
					 ocsdf_svg_y(&f, pts->X[2 * i + 1]), 1.6, &dot);
		}
	ocsdf_svg_group_end(&s);
	ocsdf_svg_axes(&s, &f, m->names[0], m->names[1]);

	ocsdf_svg_legend_entry leg[12];
	char chosen_label[160], lab[8][96];
	int nl = 0;
	leg[nl++] = (ocsdf_svg_legend_entry){"f = 0: learned boundary", bold, OCSDF_SVG_KEY_LINE};
	if (o->level != 0) {
		snprintf(chosen_label, sizeof chosen_label, "f = %.3g: %s", o->level, level_what);
		leg[nl++] = (ocsdf_svg_legend_entry){chosen_label, chosen, OCSDF_SVG_KEY_LINE};
	}
	leg[nl++] = (ocsdf_svg_legend_entry){"other levels", thin, OCSDF_SVG_KEY_LINE};
	if (pts && !pts->labels)
		leg[nl++] = (ocsdf_svg_legend_entry){"training points", ocsdf_svg_fill(ink, 0.75),
						     OCSDF_SVG_KEY_DOT};
	for (int c = 0; pts && c < nseen; c++) {
		snprintf(lab[c], sizeof lab[c], "%s = %.60s%s", o->label, seen[c],
			 c == 7 ? " and others" : "");
		leg[nl++] = (ocsdf_svg_legend_entry){lab[c], ocsdf_svg_fill(ocsdf_svg_palette(c + 2), 0.75),
						     OCSDF_SVG_KEY_DOT};
	}
	ocsdf_svg_legend(&s, &f, OCSDF_SVG_TOP_RIGHT, leg, nl);
	ocsdf_svg_end(&s);
	if (levels != ticks)
		free(levels);
	free(v);
	ocsdf_scorer_free(fc.sc);
	free(fc.X);
}

int main(int argc, char **argv)
{
	static const char *const formats[] = {"ply", "obj", "stl", "svg", NULL};
	options o;
	ocsdf_model *m;
	ocsdf_dataset pts;
	ocsdf_output out;
	ocsdf_error err;
	int c, have_pts = 0, format_set = 0;
	char level_what[64];

	memset(&o, 0, sizeof o);
	o.resolution = 0;
	o.percentile = 1;
	o.colormap = 1;
	ocsdf_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, ":m:o:r:fvqhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'm': o.model = optarg; break;
		case 'o': o.output = ocsdf_opt_output("-o", optarg); break;
		case O_FORMAT:
			o.format = ocsdf_opt_choice("--format", optarg, formats);
			format_set = 1;
			break;
		case O_ASCII: o.ascii = 1; break;
		case 'r': o.resolution = (int)ocsdf_opt_long("--resolution", optarg, 8, 2048); break;
		case O_LEVEL:
			o.level = ocsdf_opt_double("--level", optarg, -1e6, 1e6);
			o.level_set = 1;
			break;
		case O_PERCENTILE:
			o.percentile = (int)ocsdf_opt_long("--percentile", optarg, 0, 100);
			if (o.percentile != 1 && o.percentile != 5 && o.percentile != 50)
				ocsdf_usage_error("--percentile: a model records the 1st, 5th and 50th "
						  "percentiles of f only; give --level L for another level");
			o.level_set = 2;
			break;
		case O_KEEP_CAVITIES: o.keep_cavities = 1; break;
		case O_BOX:
			free(o.box);
			o.box = NULL;
			o.box_k = 0;
			if (strchr(optarg, ',')) {
				o.box = ocsdf_opt_double_list("--box", optarg, -1e30, 1e30, &o.nbox);
			} else {
				o.box_k = ocsdf_opt_double("--box", optarg, 1e-6, 1e6);
			}
			break;
		case O_POINTS: o.points = optarg; break;
		case O_LABEL: o.label = optarg; break;
		case O_LEVELS: o.levels = optarg; break;
		case O_NO_COLORMAP: o.colormap = 0; break;
		case O_DENSE: o.dense = 1; break;
		case 'f': o.force = 1; break;
		case 'v': o.verbose = 1; break;
		case 'q': o.quiet = 1; break;
		case 'h': return ocsdf_print_text(usage_text);
		case 'V': return ocsdf_print_version();
		case ':': ocsdf_missing_value(argv[optind - 1]);
		default: ocsdf_bad_option(argv[optind - 1]);
		}
	}
	if (!o.model)
		ocsdf_usage_error("a model is required (-m MODEL)");
	if (optind < argc)
		ocsdf_usage_error("unexpected argument '%s'", argv[optind]);
	if (o.label && !o.points)
		ocsdf_usage_error("--label applies to the rows of --points");
	if (!format_set && o.output && strcmp(o.output, "-") != 0) {
		o.format = ocsdf_meshio_format_of_path(o.output);
		if (o.format < 0) {
			const char *dot = strrchr(o.output, '.');
			if (dot && strcmp(dot, ".svg") == 0)
				o.format = FMT_SVG;
			else
				ocsdf_usage_error("cannot tell the format of '%s' from its extension; "
						  "give --format ply, obj, stl or svg",
						  o.output);
		}
		format_set = 1;
	}

	if (ocsdf_model_load(o.model, &m, &err))
		ocsdf_die_error(&err);
	int d = m->arch.d;
	if (d != 2 && d != 3)
		ocsdf_die(OCSDF_EUSAGE,
			  "%s has %d feature%s; ocsdf-mesh draws the contour map of a model of 2 "
			  "features (SVG) and extracts the surface of a model of 3 features (PLY, "
			  "OBJ, STL)",
			  o.model, d, d == 1 ? "" : "s");
	if (!format_set)
		o.format = d == 2 ? FMT_SVG : FMT_PLY;
	if (!o.resolution)
		o.resolution = d == 2 ? 256 : 128;
	if (d == 2 && o.format != FMT_SVG)
		ocsdf_usage_error("%s has 2 features: its level sets are contours, written as SVG "
				  "only (--format svg, or an .svg output)",
				  o.model);
	if (d == 3 && o.format == FMT_SVG)
		ocsdf_usage_error("%s has 3 features: its level set is a surface, written as PLY, "
				  "OBJ or STL",
				  o.model);
	if (o.ascii && o.format != FMT_PLY && o.format != FMT_STL)
		ocsdf_usage_error("--ascii applies to PLY and STL (OBJ and SVG are text already)");
	if (d == 3 && (o.levels || !o.colormap))
		ocsdf_usage_error("--levels and --no-colormap apply to the contour map of a "
				  "2-feature model");
	if (o.box) {
		if (o.nbox != 2 * d)
			ocsdf_usage_error("--box: %d numbers given, %d expected (LO,HI for each of "
					  "the %d features)",
					  o.nbox, 2 * d, d);
		for (int a = 0; a < d; a++)
			if (!(o.box[2 * a] < o.box[2 * a + 1]))
				ocsdf_usage_error("--box: the bounds of '%s' are not LO < HI",
						  m->names[a]);
	}
	if (!m->finished)
		ocsdf_warn("%s is the checkpoint of an interrupted training run", o.model);

	if (o.level_set == 1) {
		snprintf(level_what, sizeof level_what, "--level");
	} else {
		o.level = o.percentile == 1   ? m->stats.f_p1
			  : o.percentile == 5 ? m->stats.f_p5
					      : m->stats.f_p50;
		if (m->stats.rows == 0 || !isfinite(o.level))
			ocsdf_die(OCSDF_EDATA,
				  "%s records no statistics of f over training rows; give --level L",
				  o.model);
		if (o.level_set == 2) {
			snprintf(level_what, sizeof level_what,
				 "%d%s percentile of the training rows", o.percentile,
				 ordinal(o.percentile));
		} else if (o.level > 0) {
			/* The learned boundary holds more than 99% of the rows. */
			o.level = 0;
			snprintf(level_what, sizeof level_what,
				 "the learned boundary; 1st percentile %.3g", m->stats.f_p1);
		} else {
			snprintf(level_what, sizeof level_what,
				 "1st percentile of the training rows");
		}
	}

	memset(&pts, 0, sizeof pts);
	if (o.points) {
		ocsdf_dataset_spec spec;
		memset(&spec, 0, sizeof spec);
		spec.names = (const char *const *)m->names;
		spec.n_names = d;
		spec.label = o.label;
		spec.check_scale = 1;
		spec.mean = m->mean;
		spec.std = m->std;
		if (ocsdf_dataset_read(o.points, &spec, &pts, &err))
			ocsdf_die_error(&err);
		have_pts = 1;
		ocsdf_output_protect_input(o.points);
	}

	ocsdf_output_protect_input(o.model);
	ocsdf_output_cleanup_on_signals();
	if (ocsdf_output_open(&out, o.output, o.force, &err))
		ocsdf_die_error(&err);
	if (d == 3)
		write_mesh(&o, m, have_pts ? &pts : NULL, &out, level_what);
	else
		write_map(&o, m, have_pts ? &pts : NULL, &out, level_what);
	if (ocsdf_output_commit(&out, &err))
		ocsdf_die_error(&err);

	if (have_pts)
		ocsdf_dataset_free(&pts);
	free(o.box);
	ocsdf_model_free(m);
	return 0;
}
