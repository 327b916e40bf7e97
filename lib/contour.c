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
	int nx = g->n[0], ny = g->n[1];
	double h0 = (g->hi[0] - g->lo[0]) / (nx - 1), h1 = (g->hi[1] - g->lo[1]) / (ny - 1);
	float lev = (float)level;
	size_t np = (size_t)nx * (size_t)ny, cap = 0, npts = 0;
	uint32_t *emap = malloc(2 * np * sizeof *emap);
	float *xy = NULL;
	uint32_t *nxt = NULL, *prv = NULL;
	if (!emap)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	memset(emap, 0xff, 2 * np * sizeof *emap);
	for (int j = 0; j + 1 < ny && !r; j++)
		for (int i = 0; i + 1 < nx && !r; i++) {
			size_t s = (size_t)j * (size_t)nx + (size_t)i;
			float v[4] = {values[s], values[s + 1], values[s + (size_t)nx + 1],
				      values[s + (size_t)nx]};
			int c = 0;
			for (int q = 0; q < 4; q++)
				c |= (v[q] > lev) << q;
			if (c == 0 || c == 15)
				continue;
			int ctr = ((double)v[0] + v[1] + v[2] + v[3]) / 4 > (double)lev;
			for (int sg = 0; sg < T.nseg[c][ctr] && !r; sg++) {
				uint32_t end[2];
				for (int q = 0; q < 2; q++) {
					int ed = T.seg[c][ctr][sg][q];
					/* Edge key: its lower grid point, 0 along x, 1 along y. */
					int oi = i + (ed == 1), oj = j + (ed == 2);
					int dir = ed & 1;
					size_t key = 2 * ((size_t)oj * (size_t)nx + (size_t)oi) + (size_t)dir;
					if (emap[key] == NONE) {
						if (npts >= (size_t)NONE - 2) {
							r = ocsdf_error_set(e, OCSDF_ESOFTWARE,
									    "contour at level %g too long", level);
							break;
						}
						if (npts == cap) {
							cap = cap ? 2 * cap : 1024;
							float *a = realloc(xy, cap * 2 * sizeof *a);
							uint32_t *b = realloc(nxt, cap * sizeof *b);
							if (b)
								nxt = b;
							uint32_t *d = realloc(prv, cap * sizeof *d);
							if (d)
								prv = d;
							if (a)
								xy = a;
							if (!a || !b || !d) {
								r = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
								break;
							}
						}
						size_t so = (size_t)oj * (size_t)nx + (size_t)oi;
						double va = values[so];
						double vb = values[so + (dir ? (size_t)nx : 1)];
						double t = ocsdf_grid_clamp_crossing((level - va) / (vb - va));
						xy[2 * npts] = (float)(g->lo[0] + h0 * (oi + (dir ? 0 : t)));
						xy[2 * npts + 1] = (float)(g->lo[1] + h1 * (oj + (dir ? t : 0)));
						nxt[npts] = prv[npts] = NONE;
						emap[key] = (uint32_t)npts++;
					}
					end[q] = emap[key];
				}
				if (r)
					break;
				if (nxt[end[0]] != NONE || prv[end[1]] != NONE) {
					r = ocsdf_error_set(e, OCSDF_ESOFTWARE,
							    "contour at level %g is not a curve", level);
					break;
				}
				nxt[end[0]] = end[1];
				prv[end[1]] = end[0];
			}
		}
	free(emap);
	if (!r) {
		out->xy = malloc((npts ? npts : 1) * 2 * sizeof *out->xy);
		out->start = malloc((npts + 1) * sizeof *out->start);
		out->closed = malloc(npts ? npts : 1);
		if (!out->xy || !out->start || !out->closed)
			r = ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	if (!r) {
		/* Open lines start where nothing leads in; what is left are loops.
		 * prv doubles as the visited mark. */
		for (int pass = 0; pass < 2; pass++)
			for (size_t p = 0; p < npts; p++) {
				if (pass == 0 ? prv[p] != NONE : prv[p] == NONE - 1)
					continue;
				out->start[out->nlines] = out->npts;
				out->closed[out->nlines] = (unsigned char)pass;
				out->nlines++;
				uint32_t q = (uint32_t)p;
				do {
					out->xy[2 * out->npts] = xy[2 * (size_t)q];
					out->xy[2 * out->npts + 1] = xy[2 * (size_t)q + 1];
					out->npts++;
					prv[q] = NONE - 1;
					q = nxt[q];
				} while (q != NONE && q != (uint32_t)p);
			}
		out->start[out->nlines] = out->npts;
	}
	free(xy);
	free(nxt);
	free(prv);
	if (r)
		ocsdf_contour_free(out);
	return r;
}
