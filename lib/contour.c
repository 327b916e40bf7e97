/*
 * contour.c: marching squares (see contour.h).
 *
 * A crossing point is keyed by its grid edge (its lower grid point and its
 * direction), so the two cells sharing an edge share the point; each cell
 * links its segments' ends, and the links are then followed into lines:
 * open lines first (from the ends nothing leads into), then the loops.
 */
#include "contour.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* Marching squares.  Corners 0 (i,j), 1 (i+1,j), 2 (i+1,j+1), 3 (i,j+1);
 * cell edges 0 (corners 0-1), 1 (1-2), 2 (3-2), 3 (0-3).  Segments are
 * oriented with the inside on the left, decided at the edge midpoints: the
 * reference is the corner the segment cuts off when its two edges meet at a
 * corner (in a saddle the other corners lie on both sides), else any. */
typedef struct square_tables {
	unsigned char nseg[16][2];
	unsigned char seg[16][2][2][2]; /* [case][centre inside][segment][end] */
} square_tables;

static const double sq_corner[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
static const double sq_mid[4][2] = {{0.5, 0}, {1, 0.5}, {0.5, 1}, {0, 0.5}};
static const int sq_edge_corner[4][2] = {{0, 1}, {1, 2}, {3, 2}, {0, 3}};

static void sq_add(square_tables *T, int c, int ctr, int ea, int eb)
{
	int ref = -1;
	for (int p = 0; p < 2; p++)
		for (int q = 0; q < 2; q++)
			if (sq_edge_corner[ea][p] == sq_edge_corner[eb][q])
				ref = sq_edge_corner[ea][p];
	if (ref < 0)
		ref = 0;
	double dx = sq_mid[eb][0] - sq_mid[ea][0], dy = sq_mid[eb][1] - sq_mid[ea][1];
	double rx = sq_corner[ref][0] - sq_mid[ea][0], ry = sq_corner[ref][1] - sq_mid[ea][1];
	int left = dx * ry - dy * rx > 0;
	int in = (c >> ref) & 1;
	unsigned char *s = T->seg[c][ctr][T->nseg[c][ctr]++];
	s[0] = (unsigned char)(left == in ? ea : eb);
	s[1] = (unsigned char)(left == in ? eb : ea);
}

static void build_square_tables(square_tables *T)
{
	memset(T, 0, sizeof *T);
	for (int c = 0; c < 16; c++)
		for (int ctr = 0; ctr < 2; ctr++) {
			int cross[4], nc = 0;
			for (int ed = 0; ed < 4; ed++)
				if (((c >> sq_edge_corner[ed][0]) & 1) != ((c >> sq_edge_corner[ed][1]) & 1))
					cross[nc++] = ed;
			if (nc == 2) {
				sq_add(T, c, ctr, cross[0], cross[1]);
			} else if (nc == 4) {
				/* Cut off the corners of the class the centre is not. */
				for (int k = 0; k < 4; k++)
					if (((c >> k) & 1) != ctr)
						sq_add(T, c, ctr, (k + 3) % 4, k);
			}
		}
}

void ocsdf_contour_free(ocsdf_contour *c)
{
	if (!c)
		return;
	free(c->xy);
	free(c->start);
	free(c->closed);
	memset(c, 0, sizeof *c);
}

/* The crossing points of a level and the segments joining them: point p
 * is at xy[2p, 2p+1], its segment goes on to nxt[p] and comes from prv[p]
 * (NONE at an end).  A point is made once per grid edge: emap holds the
 * point of each edge (2 per grid point: along x, along y) or NONE. */
typedef struct links {
	const ocsdf_grid2 *g;
	const float *values;
	double level, h0, h1;
	uint32_t *emap;
	float *xy;
	uint32_t *nxt, *prv;
	size_t npts, cap;
	ocsdf_error *e;
} links;

static int nomem(ocsdf_error *e)
{
	return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
}

/* The point where the level crosses edge ed of cell (i, j), made on first
 * use: 0 with *pt, or an error code. */
static int crossing(links *k, int i, int j, int ed, uint32_t *pt)
{
	int nx = k->g->n[0];
	/* Edge key: its lower grid point, 0 along x, 1 along y. */
	int oi = i + (ed == 1), oj = j + (ed == 2);
	int dir = ed & 1;
	size_t key = 2 * ((size_t)oj * (size_t)nx + (size_t)oi) + (size_t)dir;
	if (k->emap[key] == NONE) {
		size_t n = k->npts;
		if (n >= (size_t)NONE - 2)
			return ocsdf_error_set(k->e, OCSDF_ESOFTWARE, "contour at level %g too long",
					       k->level);
		if (n == k->cap) {
			k->cap = k->cap ? 2 * k->cap : 1024;
			float *a = realloc(k->xy, k->cap * 2 * sizeof *a);
			uint32_t *b = realloc(k->nxt, k->cap * sizeof *b);
			if (b)
				k->nxt = b;
			uint32_t *d = realloc(k->prv, k->cap * sizeof *d);
			if (d)
				k->prv = d;
			if (a)
				k->xy = a;
			if (!a || !b || !d)
				return nomem(k->e);
		}
		size_t so = (size_t)oj * (size_t)nx + (size_t)oi;
		double va = k->values[so];
		double vb = k->values[so + (dir ? (size_t)nx : 1)];
		double t = ocsdf_grid_clamp_crossing((k->level - va) / (vb - va));
		k->xy[2 * n] = (float)(k->g->lo[0] + k->h0 * (oi + (dir ? 0 : t)));
		k->xy[2 * n + 1] = (float)(k->g->lo[1] + k->h1 * (oj + (dir ? t : 0)));
		k->nxt[n] = k->prv[n] = NONE;
		k->emap[key] = (uint32_t)n;
		k->npts++;
	}
	*pt = k->emap[key];
	return 0;
}

/* Marches the cells, linking the ends of each segment. */
static int link_cells(links *k, const square_tables *T)
{
	int nx = k->g->n[0], ny = k->g->n[1];
	float lev = (float)k->level;
	const float *values = k->values;
	for (int j = 0; j + 1 < ny; j++)
		for (int i = 0; i + 1 < nx; i++) {
			size_t s = (size_t)j * (size_t)nx + (size_t)i;
			float v[4] = {values[s], values[s + 1], values[s + (size_t)nx + 1],
				      values[s + (size_t)nx]};
			int c = 0;
			for (int q = 0; q < 4; q++)
				c |= (v[q] > lev) << q;
			if (c == 0 || c == 15)
				continue;
			int ctr = ((double)v[0] + v[1] + v[2] + v[3]) / 4 > (double)lev;
			for (int sg = 0; sg < T->nseg[c][ctr]; sg++) {
				uint32_t end[2];
				for (int q = 0; q < 2; q++) {
					int r = crossing(k, i, j, T->seg[c][ctr][sg][q], &end[q]);
					if (r)
						return r;
				}
				if (k->nxt[end[0]] != NONE || k->prv[end[1]] != NONE)
					return ocsdf_error_set(k->e, OCSDF_ESOFTWARE,
							       "contour at level %g is not a curve", k->level);
				k->nxt[end[0]] = end[1];
				k->prv[end[1]] = end[0];
			}
		}
	return 0;
}

/* Follows the links into lines: open lines first, from the points nothing
 * leads into, then the loops that are left.  prv doubles as the visited
 * mark. */
static int assemble(links *k, ocsdf_contour *out)
{
	size_t npts = k->npts;
	out->xy = malloc((npts ? npts : 1) * 2 * sizeof *out->xy);
	out->start = malloc((npts + 1) * sizeof *out->start);
	out->closed = malloc(npts ? npts : 1);
	if (!out->xy || !out->start || !out->closed)
		return nomem(k->e);
	for (int pass = 0; pass < 2; pass++)
		for (size_t p = 0; p < npts; p++) {
			if (pass == 0 ? k->prv[p] != NONE : k->prv[p] == NONE - 1)
				continue;
			out->start[out->nlines] = out->npts;
			out->closed[out->nlines] = (unsigned char)pass;
			out->nlines++;
			uint32_t q = (uint32_t)p;
			do {
				out->xy[2 * out->npts] = k->xy[2 * (size_t)q];
				out->xy[2 * out->npts + 1] = k->xy[2 * (size_t)q + 1];
				out->npts++;
				k->prv[q] = NONE - 1;
				q = k->nxt[q];
			} while (q != NONE && q != (uint32_t)p);
		}
	out->start[out->nlines] = out->npts;
	return 0;
}

int ocsdf_contour_extract(const ocsdf_grid2 *g, const float *values, double level,
			  ocsdf_contour *out, ocsdf_error *e)
{
	memset(out, 0, sizeof *out);
	int r = ocsdf_grid_check(g->lo, g->hi, g->n, 2, e);
	if (r)
		return r;
	if (!isfinite(level))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "level %g is not finite", level);
	square_tables T;
	build_square_tables(&T);
	size_t np = (size_t)g->n[0] * (size_t)g->n[1];
	links k = {g, values, level, (g->hi[0] - g->lo[0]) / (g->n[0] - 1),
		   (g->hi[1] - g->lo[1]) / (g->n[1] - 1), malloc(2 * np * sizeof(uint32_t)),
		   NULL, NULL, NULL, 0, 0, e};
	if (!k.emap)
		return nomem(e);
	memset(k.emap, 0xff, 2 * np * sizeof *k.emap);
	r = link_cells(&k, &T);
	free(k.emap);
	if (!r)
		r = assemble(&k, out);
	free(k.xy);
	free(k.nxt);
	free(k.prv);
	if (r)
		ocsdf_contour_free(out);
	return r;
}
