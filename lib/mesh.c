/*
 * mesh.c: marching tetrahedra with Lipschitz pruning (see mesh.h).
 *
 * Both the dense and the pruned path end in the same sweep: layer k of
 * cubes, between grid planes k and k+1, is visited row by row, cube by cube,
 * with the two planes' values at hand.  The dense path evaluates each plane
 * as it goes; the pruned path first finds the leaf blocks the surface may
 * cross, evaluates their grid points once into a sparse store, and copies
 * them into the planes when the sweep reaches them.  It visits only the
 * cubes of those leaves, in the same order, so the meshes are identical.
 *
 * A vertex is keyed by its grid edge: the lower grid point of the edge and
 * the edge's direction, one of the 7 nonzero corner offsets of the cube
 * (bit 0 x, bit 1 y, bit 2 z).  Edges lying in a plane are shared by the
 * layers on both sides of it; the others belong to one layer.  So the sweep
 * keeps three small edge-to-vertex maps: in-plane edges of planes k and k+1,
 * and the rising edges of plane k.
 */
#include "mesh.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define DEFAULT_LEAF 2
#define DEFAULT_BATCH 4096

/* The 19 edges of the Freudenthal cube: corner a to corner a | m, with
 * a & m == 0.  A cube case lists up to 12 triangles (2 per tetrahedron) as
 * indices into the edge list, wound counter-clockwise from outside. */
typedef struct cube_tables {
	unsigned char edge_a[19], edge_m[19];
	unsigned char ntri[256];
	unsigned char tri[256][12][3];
} cube_tables;

static void corner_pos(int c, double p[3])
{
	p[0] = c & 1;
	p[1] = (c >> 1) & 1;
	p[2] = (c >> 2) & 1;
}

/* Winds triangle t (edge indices) so that its normal points towards corner
 * `out`, judged at the edge midpoints.  The crossings never make the
 * triangle degenerate or put `out` in its plane for any position strictly
 * inside the edges, so the winding found here holds for all of them. */
static void orient(const cube_tables *T, unsigned char t[3], int out)
{
	double p[3][3], q[3];
	for (int k = 0; k < 3; k++) {
		double a[3], b[3];
		corner_pos(T->edge_a[t[k]], a);
		corner_pos(T->edge_a[t[k]] | T->edge_m[t[k]], b);
		for (int x = 0; x < 3; x++)
			p[k][x] = 0.5 * (a[x] + b[x]);
	}
	corner_pos(out, q);
	double u[3], v[3], w[3];
	for (int x = 0; x < 3; x++) {
		u[x] = p[1][x] - p[0][x];
		v[x] = p[2][x] - p[0][x];
		w[x] = q[x] - p[0][x];
	}
	double n0 = u[1] * v[2] - u[2] * v[1], n1 = u[2] * v[0] - u[0] * v[2],
	       n2 = u[0] * v[1] - u[1] * v[0];
	if (n0 * w[0] + n1 * w[1] + n2 * w[2] < 0) {
		unsigned char s = t[1];
		t[1] = t[2];
		t[2] = s;
	}
}

static void build_cube_tables(cube_tables *T)
{
	static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
				       {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	unsigned char id[8][8];
	int ne = 0;
	memset(id, 0xff, sizeof id);
	for (int a = 0; a < 8; a++)
		for (int m = 1; m < 8; m++)
			if ((a & m) == 0) {
				T->edge_a[ne] = (unsigned char)a;
				T->edge_m[ne] = (unsigned char)m;
				id[a][a | m] = id[a | m][a] = (unsigned char)ne++;
			}
	for (int c = 0; c < 256; c++) {
		int nt = 0;
		for (int p = 0; p < 6; p++) {
			/* Tetrahedron 0 -> e_p0 -> e_p0 + e_p1 -> 7: any two of its
			 * corners are joined by one of the edges above. */
			int v[4], in[4], nin = 0;
			v[0] = 0;
			v[1] = 1 << perm[p][0];
			v[2] = v[1] | (1 << perm[p][1]);
			v[3] = 7;
			for (int k = 0; k < 4; k++) {
				in[k] = (c >> v[k]) & 1;
				nin += in[k];
			}
			if (nin == 0 || nin == 4)
				continue;
			if (nin == 1 || nin == 3) {
				int lone = 0;
				while (in[lone] == (nin == 1 ? 0 : 1))
					lone++;
				unsigned char *t = T->tri[c][nt++];
				int k = 0;
				for (int o = 0; o < 4; o++)
					if (o != lone)
						t[k++] = id[v[lone]][v[o]];
				/* Some outside corner: the lone one, or any other. */
				int out = nin == 1 ? v[(lone + 1) % 4] : v[lone];
				orient(T, t, out);
			} else {
				int a = -1, b = -1, d = -1, f = -1;
				for (int k = 0; k < 4; k++) {
					if (in[k]) {
						if (a < 0)
							a = v[k];
						else
							b = v[k];
					} else {
						if (d < 0)
							d = v[k];
						else
							f = v[k];
					}
				}
				/* The quad a-d, b-d, b-f, a-f, split along a-d / b-f. */
				unsigned char *t = T->tri[c][nt++];
				t[0] = id[a][d];
				t[1] = id[b][d];
				t[2] = id[b][f];
				orient(T, t, d);
				t = T->tri[c][nt++];
				t[0] = id[a][d];
				t[1] = id[b][f];
				t[2] = id[a][f];
				orient(T, t, d);
			}
		}
		T->ntri[c] = (unsigned char)nt;
	}
}

/* A growable list of the map slots set during a layer, so the maps can be
 * cleared in time proportional to what was used. */
typedef struct slot_map {
	uint32_t *map;
	size_t *used;
	size_t nused;
} slot_map;

typedef struct extractor {
	const ocsdf_grid3 *g;
	double h[3];
	int n[3], c[3]; /* points and cells per axis */
	float level;
	ocsdf_field_fn field;
	void *ctx;
	int batch;
	const ocsdf_mesh_opts *o;
	ocsdf_mesh_stats st;
	ocsdf_error *e;

	cube_tables T;
	float *plane[2];  /* values of planes k and k+1, n[0] x n[1] */
	slot_map inp[2];  /* in-plane edges (directions 1..3) of planes k, k+1 */
	slot_map rise;    /* rising edges (directions 4..7) of plane k */
	ocsdf_mesh *m;

	float *bxyz;      /* batch x 3 */
	float *bf;        /* batch */
	size_t *bdst;     /* where each batch value goes */
	int bn;
	float *bdst_base;
} extractor;

static float grid_coord(const extractor *x, int a, double i)
{
	return (float)(x->g->lo[a] + x->h[a] * i);
}

static int bad_value(extractor *x, const float *p)
{
	return ocsdf_error_set(x->e, OCSDF_EDATA,
			       "the field is not finite at (%g, %g, %g): cannot extract a level set",
			       (double)p[0], (double)p[1], (double)p[2]);
}

/* Evaluates the queued points and stores each value at bdst_base[bdst]. */
static int flush(extractor *x)
{
	if (x->bn == 0)
		return 0;
	x->field(x->ctx, x->bxyz, x->bn, x->bf);
	x->st.evals += (uint64_t)x->bn;
	x->st.grid_evals += (uint64_t)x->bn;
	for (int i = 0; i < x->bn; i++) {
		if (!isfinite(x->bf[i]))
			return bad_value(x, x->bxyz + 3 * i);
		x->bdst_base[x->bdst[i]] = x->bf[i];
	}
	x->bn = 0;
	return 0;
}

static int queue_point(extractor *x, int i, int j, int k, size_t dst)
{
	float *p = x->bxyz + 3 * x->bn;
	p[0] = grid_coord(x, 0, i);
	p[1] = grid_coord(x, 1, j);
	p[2] = grid_coord(x, 2, k);
	x->bdst[x->bn++] = dst;
	return x->bn == x->batch ? flush(x) : 0;
}

/* Grows the array *p of *cap items of elem bytes when need items exceed it,
 * doubling (from first).  Returns 0, or -1 out of memory (*p kept). */
static int grow(void **p, size_t *cap, size_t need, size_t first, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? 2 * *cap : first;
	void *q = realloc(*p, c * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* Room for nv vertices and nt triangles.  Returns 0, or -1 out of memory. */
static int mesh_reserve(ocsdf_mesh *m, size_t nv, size_t nt)
{
	void *v = m->v, *t = m->tri;
	int rc = grow(&v, &m->cap_v, nv, 4096, 3 * sizeof *m->v) ||
		 grow(&t, &m->cap_t, nt, 8192, 3 * sizeof *m->tri);
	m->v = v;
	m->tri = t;
	return rc ? -1 : 0;
}

static int oom(ocsdf_error *e)
{
	return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
}

/* The vertex on edge `ed` of cube (i, j) in the current layer k, made on
 * first use.  val holds the cube's 8 corner values. */
static uint32_t edge_vertex(extractor *x, int ed, int i, int j, int k, const float *val)
{
	int a = x->T.edge_a[ed], m = x->T.edge_m[ed];
	int ax = a & 1, ay = (a >> 1) & 1, az = (a >> 2) & 1;
	size_t pt = (size_t)(j + ay) * (size_t)x->n[0] + (size_t)(i + ax);
	slot_map *sm;
	size_t slot;
	if (az) {
		sm = &x->inp[1];
		slot = pt * 3 + (size_t)(m - 1);
	} else if (m & 4) {
		sm = &x->rise;
		slot = pt * 4 + (size_t)(m - 4);
	} else {
		sm = &x->inp[0];
		slot = pt * 3 + (size_t)(m - 1);
	}
	if (sm->map[slot] != NONE)
		return sm->map[slot];

	ocsdf_mesh *me = x->m;
	if (me->nv >= (size_t)NONE - 1) {
		ocsdf_error_set(x->e, OCSDF_ESOFTWARE, "the mesh has more than %u vertices",
				(unsigned)(NONE - 1));
		return NONE;
	}
	if (mesh_reserve(me, me->nv + 1, 0) != 0) {
		oom(x->e);
		return NONE;
	}
	double va = val[a], vb = val[a | m];
	double t = ocsdf_grid_clamp_crossing(((double)x->level - va) / (vb - va));
	float *p = me->v + 3 * me->nv;
	p[0] = grid_coord(x, 0, i + ax + t * (m & 1));
	p[1] = grid_coord(x, 1, j + ay + t * ((m >> 1) & 1));
	p[2] = grid_coord(x, 2, k + az + t * ((m >> 2) & 1));
	uint32_t id = (uint32_t)me->nv++;
	sm->map[slot] = id;
	sm->used[sm->nused++] = slot;
	return id;
}

static int cube(extractor *x, int i, int j, int k)
{
	const float *p0 = x->plane[0], *p1 = x->plane[1];
	size_t nx = (size_t)x->n[0];
	size_t s = (size_t)j * nx + (size_t)i;
	float val[8] = {p0[s], p0[s + 1], p0[s + nx], p0[s + nx + 1],
			p1[s], p1[s + 1], p1[s + nx], p1[s + nx + 1]};
	int c = 0;
	for (int q = 0; q < 8; q++) {
		/* A grid point on a face of the box counts as outside: where the
		 * level set reaches the box, the surface is capped just inside
		 * the face instead of left open. */
		int border = (i + (q & 1)) % x->c[0] == 0 || (j + (q >> 1 & 1)) % x->c[1] == 0 ||
			     (k + (q >> 2)) % x->c[2] == 0;
		if (border && val[q] > x->level) {
			val[q] = x->level;
			x->st.capped = 1;
		}
		c |= (val[q] > x->level) << q;
	}
	if (c == 0 || c == 255)
		return 0;
	int nt = x->T.ntri[c];
	ocsdf_mesh *m = x->m;
	if (mesh_reserve(m, 0, m->nt + (size_t)nt) != 0)
		return oom(x->e);
	for (int t = 0; t < nt; t++) {
		uint32_t *tri = m->tri + 3 * m->nt;
		for (int q = 0; q < 3; q++) {
			tri[q] = edge_vertex(x, x->T.tri[c][t][q], i, j, k, val);
			if (tri[q] == NONE)
				return OCSDF_ESOFTWARE;
		}
		m->nt++;
	}
	return 0;
}

static void clear_map(slot_map *sm)
{
	for (size_t q = 0; q < sm->nused; q++)
		sm->map[sm->used[q]] = NONE;
	sm->nused = 0;
}

/* Done with layer k: plane k+1's in-plane edges become plane k's. */
static void next_layer(extractor *x)
{
	clear_map(&x->inp[0]);
	clear_map(&x->rise);
	slot_map t = x->inp[0];
	x->inp[0] = x->inp[1];
	x->inp[1] = t;
	float *p = x->plane[0];
	x->plane[0] = x->plane[1];
	x->plane[1] = p;
}

static void progress(extractor *x, double done)
{
	if (x->o->progress)
		x->o->progress(x->o->progress_ctx, done);
}

static int eval_plane(extractor *x, int k, float *dst)
{
	x->bdst_base = dst;
	for (int j = 0; j < x->n[1]; j++)
		for (int i = 0; i < x->n[0]; i++) {
			int r = queue_point(x, i, j, k, (size_t)j * (size_t)x->n[0] + (size_t)i);
			if (r)
				return r;
		}
	return flush(x);
}

static int run_dense(extractor *x)
{
	int r = eval_plane(x, 0, x->plane[0]);
	for (int k = 0; !r && k < x->c[2]; k++) {
		r = eval_plane(x, k + 1, x->plane[1]);
		for (int j = 0; !r && j < x->c[1]; j++)
			for (int i = 0; !r && i < x->c[0]; i++)
				r = cube(x, i, j, k);
		next_layer(x);
		progress(x, (double)(k + 1) / x->c[2]);
	}
	x->st.leaves = x->st.leaves_active = 0;
	x->st.value_bytes = 2 * (size_t)x->n[0] * (size_t)x->n[1] * sizeof(float);
	return r;
}

/* Blocks of the pruning octree, by index at their level. */
typedef struct blocks {
	int32_t (*b)[3];
	size_t n, cap;
} blocks;

static int blocks_push(blocks *l, int32_t i, int32_t j, int32_t k)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		int32_t(*b)[3] = realloc(l->b, cap * sizeof *b);
		if (!b)
			return -1;
		l->b = b;
		l->cap = cap;
	}
	l->b[l->n][0] = i;
	l->b[l->n][1] = j;
	l->b[l->n][2] = k;
	l->n++;
	return 0;
}

typedef struct sparse {
	int B, shift;
	int nl[3];            /* leaves per axis (cells) */
	int no[3];            /* owner blocks per axis (points) */
	unsigned char *active; /* nl[0] x nl[1] x nl[2] */
	uint32_t *slot;       /* no[0] x no[1] x no[2]: owner block -> store slot */
	float *store;         /* slots x B^3 */
	/* Centre values of active leaves whose centre is a grid point (even
	 * B, leaf not clipped): reused rather than evaluated again. */
	struct centre {
		size_t leaf;
		float f;
	} *centre;
	size_t ncentre, capcentre;
} sparse;

static int cmp_centre(const void *a, const void *b)
{
	size_t x = ((const struct centre *)a)->leaf, y = ((const struct centre *)b)->leaf;
	return x < y ? -1 : x > y;
}

static size_t leaf_index(const sparse *s, int i, int j, int k)
{
	return ((size_t)k * (size_t)s->nl[1] + (size_t)j) * (size_t)s->nl[0] + (size_t)i;
}

static size_t owner_index(const sparse *s, int i, int j, int k)
{
	return ((size_t)k * (size_t)s->no[1] + (size_t)j) * (size_t)s->no[0] + (size_t)i;
}

/* Tests the centres of the blocks of side `size` cells in `cur`; those that
 * may hold the surface are refined into `next`, or marked active at the
 * leaf level. */
static int probe_level(extractor *x, sparse *s, int size, const blocks *cur, blocks *next)
{
	double maxabs = 0;
	for (int a = 0; a < 3; a++)
		maxabs = fmax(maxabs, fmax(fabs(x->g->lo[a]), fabs(x->g->hi[a])));
	double L = x->o->lipschitz, level = x->level;
	for (size_t b0 = 0; b0 < cur->n; b0 += (size_t)x->batch) {
		int nb = (int)(cur->n - b0 < (size_t)x->batch ? cur->n - b0 : (size_t)x->batch);
		for (int q = 0; q < nb; q++) {
			const int32_t *b = cur->b[b0 + (size_t)q];
			for (int a = 0; a < 3; a++) {
				int o = b[a] * size;
				int ext = x->c[a] - o < size ? x->c[a] - o : size;
				x->bxyz[3 * q + a] = grid_coord(x, a, o + 0.5 * ext);
			}
		}
		x->field(x->ctx, x->bxyz, nb, x->bf);
		x->st.evals += (uint64_t)nb;
		x->st.probe_evals += (uint64_t)nb;
		for (int q = 0; q < nb; q++) {
			const int32_t *b = cur->b[b0 + (size_t)q];
			double r2 = 0;
			for (int a = 0; a < 3; a++) {
				int o = b[a] * size;
				int ext = x->c[a] - o < size ? x->c[a] - o : size;
				r2 += (ext * x->h[a]) * (ext * x->h[a]);
			}
			double fc = x->bf[q];
			double margin = L * 0.5 * sqrt(r2) * (1 + 0x1p-10) +
					0x1p-20 * (L * maxabs + fabs(fc) + fabs(level));
			/* A block on a face of the box may hold the cap there
			 * even when it lies wholly inside. */
			int face = 0;
			for (int a = 0; a < 3; a++)
				face |= b[a] == 0 || (b[a] + 1) * size >= x->c[a];
			if (isfinite(fc) && fabs(fc - level) > margin && !(face && fc > level))
				continue;
			if (size == s->B) {
				size_t li = leaf_index(s, b[0], b[1], b[2]);
				s->active[li] = 1;
				x->st.leaves_active++;
				int whole = s->B % 2 == 0;
				for (int a = 0; a < 3; a++)
					whole &= x->c[a] - b[a] * size >= size;
				if (whole && isfinite(fc)) {
					if (s->ncentre == s->capcentre) {
						size_t cap = s->capcentre ? 2 * s->capcentre : 1024;
						struct centre *c = realloc(s->centre, cap * sizeof *c);
						if (!c)
							return oom(x->e);
						s->centre = c;
						s->capcentre = cap;
					}
					s->centre[s->ncentre].leaf = li;
					s->centre[s->ncentre++].f = (float)fc;
				}
				continue;
			}
			for (int d = 0; d < 8; d++) {
				int32_t ci = 2 * b[0] + (d & 1), cj = 2 * b[1] + ((d >> 1) & 1),
					ck = 2 * b[2] + ((d >> 2) & 1);
				int half = size / 2;
				if (ci * half < x->c[0] && cj * half < x->c[1] && ck * half < x->c[2] &&
				    blocks_push(next, ci, cj, ck) != 0)
					return oom(x->e);
			}
		}
	}
	return 0;
}

/* Which of the leaves o - d (d in {0,1}^3, bit 0 x) are active: the grid
 * points of owner block o needed are those on the closed leaves among them. */
static int owner_active(const sparse *s, int i, int j, int k)
{
	int mask = 0;
	for (int d = 0; d < 8; d++) {
		int li = i - (d & 1), lj = j - ((d >> 1) & 1), lk = k - ((d >> 2) & 1);
		if (li >= 0 && lj >= 0 && lk >= 0 && li < s->nl[0] && lj < s->nl[1] &&
		    lk < s->nl[2] && s->active[leaf_index(s, li, lj, lk)])
			mask |= 1 << d;
	}
	return mask;
}

static int eval_leaves(extractor *x, sparse *s)
{
	int B = s->B;
	size_t nslots = 0, nown = (size_t)s->no[0] * (size_t)s->no[1] * (size_t)s->no[2];
	/* Mark the owners touched by an active leaf, then number them in
	 * order. */
	memset(s->slot, 0xff, nown * sizeof *s->slot);
	for (int k = 0; k < s->nl[2]; k++)
		for (int j = 0; j < s->nl[1]; j++)
			for (int i = 0; i < s->nl[0]; i++) {
				if (!s->active[leaf_index(s, i, j, k)])
					continue;
				for (int d = 0; d < 8; d++) {
					int oi = i + (d & 1), oj = j + ((d >> 1) & 1), ok = k + (d >> 2);
					if (oi < s->no[0] && oj < s->no[1] && ok < s->no[2])
						s->slot[owner_index(s, oi, oj, ok)] = 0;
				}
			}
	for (size_t o = 0; o < nown; o++)
		if (s->slot[o] != NONE) {
			if (nslots >= (size_t)NONE - 1)
				return oom(x->e);
			s->slot[o] = (uint32_t)nslots++;
		}
	size_t cube_b = (size_t)B * (size_t)B * (size_t)B;
	if (nslots && !(s->store = malloc(nslots * cube_b * sizeof *s->store)))
		return oom(x->e);
	x->st.value_bytes = nslots * cube_b * sizeof(float) +
			    2 * (size_t)x->n[0] * (size_t)x->n[1] * sizeof(float);
	x->bdst_base = s->store;
	if (s->ncentre)
		qsort(s->centre, s->ncentre, sizeof *s->centre, cmp_centre);
	size_t done = 0, nextc = 0;
	for (int k = 0; k < s->no[2]; k++)
		for (int j = 0; j < s->no[1]; j++)
			for (int i = 0; i < s->no[0]; i++) {
				uint32_t sl = s->slot[owner_index(s, i, j, k)];
				if (sl == NONE)
					continue;
				int act = owner_active(s, i, j, k);
				/* need[z]: some active leaf o - d holds the points whose
				 * local coordinates are 0 on the axes of z. */
				int need[8];
				for (int z = 0; z < 8; z++) {
					need[z] = 0;
					for (int d = 0; d < 8; d++)
						if ((d & ~z) == 0 && (act >> d & 1))
							need[z] = 1;
				}
				float *blk = s->store + (size_t)sl * cube_b;
				for (size_t q = 0; q < cube_b; q++)
					blk[q] = NAN;
				/* Owners in this order meet active leaves by increasing
				 * leaf index, the order of the sorted centres. */
				int known = 0;
				if (act & 1) {
					size_t li = leaf_index(s, i, j, k);
					while (nextc < s->ncentre && s->centre[nextc].leaf < li)
						nextc++;
					if (nextc < s->ncentre && s->centre[nextc].leaf == li) {
						int hb = B / 2;
						blk[((size_t)hb * (size_t)B + (size_t)hb) * (size_t)B +
						    (size_t)hb] = s->centre[nextc].f;
						known = 1;
					}
				}
				for (int w = 0; w < B && k * B + w < x->n[2]; w++)
					for (int v = 0; v < B && j * B + v < x->n[1]; v++)
						for (int u = 0; u < B && i * B + u < x->n[0]; u++) {
							int z = (u == 0) | (v == 0) << 1 | (w == 0) << 2;
							if (!need[z] || (known && u == B / 2 &&
									  v == B / 2 && w == B / 2))
								continue;
							size_t dst = (size_t)sl * cube_b +
								     ((size_t)w * (size_t)B + (size_t)v) *
									     (size_t)B +
								     (size_t)u;
							int r = queue_point(x, i * B + u, j * B + v,
									    k * B + w, dst);
							if (r)
								return r;
						}
				if (++done % 256 == 0)
					progress(x, 0.95 * (double)done / (double)nslots);
			}
	return flush(x);
}

static float stored(const sparse *s, int i, int j, int k)
{
	int sh = s->shift, B = s->B;
	uint32_t sl = s->slot[owner_index(s, i >> sh, j >> sh, k >> sh)];
	size_t local = ((size_t)(k & (B - 1)) * (size_t)B + (size_t)(j & (B - 1))) * (size_t)B +
		       (size_t)(i & (B - 1));
	return s->store[(size_t)sl * (size_t)B * (size_t)B * (size_t)B + local];
}

static int run_pruned(extractor *x)
{
	sparse s;
	memset(&s, 0, sizeof s);
	int B = x->o->leaf > 0 ? x->o->leaf : DEFAULT_LEAF;
	s.B = B;
	while ((1 << s.shift) < B)
		s.shift++;
	for (int a = 0; a < 3; a++) {
		s.nl[a] = (x->c[a] + B - 1) / B;
		s.no[a] = (x->n[a] + B - 1) / B;
	}
	size_t nleaf = (size_t)s.nl[0] * (size_t)s.nl[1] * (size_t)s.nl[2];
	size_t nown = (size_t)s.no[0] * (size_t)s.no[1] * (size_t)s.no[2];
	x->st.leaves = nleaf;
	blocks cur = {0}, next = {0};
	int r = 0;
	s.active = calloc(nleaf, 1);
	s.slot = malloc(nown * sizeof *s.slot);
	if (!s.active || !s.slot || blocks_push(&cur, 0, 0, 0) != 0) {
		r = oom(x->e);
		goto out;
	}
	int size = B;
	int cmax = x->c[0] > x->c[1] ? x->c[0] : x->c[1];
	cmax = cmax > x->c[2] ? cmax : x->c[2];
	while (size < cmax)
		size *= 2;
	for (; size >= B && cur.n; size /= 2) {
		next.n = 0;
		r = probe_level(x, &s, size, &cur, &next);
		if (r)
			goto out;
		blocks t = cur;
		cur = next;
		next = t;
	}
	r = eval_leaves(x, &s);
	for (int k = 0; !r && k < x->c[2]; k++) {
		int lk = k >> s.shift;
		for (int lj = 0; lj < s.nl[1]; lj++)
			for (int li = 0; li < s.nl[0]; li++) {
				if (!s.active[leaf_index(&s, li, lj, lk)])
					continue;
				int i1 = li * B + B < x->c[0] ? li * B + B : x->c[0];
				int j1 = lj * B + B < x->c[1] ? lj * B + B : x->c[1];
				for (int dk = 0; dk < 2; dk++)
					for (int j = lj * B; j <= j1; j++)
						for (int i = li * B; i <= i1; i++)
							x->plane[dk][(size_t)j * (size_t)x->n[0] +
								     (size_t)i] =
								stored(&s, i, j, k + dk);
			}
		for (int j = 0; !r && j < x->c[1]; j++) {
			const unsigned char *row = s.active + leaf_index(&s, 0, j >> s.shift, lk);
			for (int li = 0; !r && li < s.nl[0]; li++) {
				if (!row[li])
					continue;
				int i1 = li * B + B < x->c[0] ? li * B + B : x->c[0];
				for (int i = li * B; !r && i < i1; i++)
					r = cube(x, i, j, k);
			}
		}
		next_layer(x);
	}
out:
	free(cur.b);
	free(next.b);
	free(s.active);
	free(s.slot);
	free(s.store);
	free(s.centre);
	return r;
}

void ocsdf_mesh_triangle_normal(const ocsdf_mesh *m, size_t t, double n[3])
{
	const uint32_t *tr = m->tri + 3 * t;
	const float *a = m->v + 3 * (size_t)tr[0], *b = m->v + 3 * (size_t)tr[1],
		    *c = m->v + 3 * (size_t)tr[2];
	double u[3], w[3];
	for (int q = 0; q < 3; q++) {
		u[q] = (double)b[q] - a[q];
		w[q] = (double)c[q] - a[q];
	}
	n[0] = u[1] * w[2] - u[2] * w[1];
	n[1] = u[2] * w[0] - u[0] * w[2];
	n[2] = u[0] * w[1] - u[1] * w[0];
}

/* Outward unit normals: -grad f / |grad f|, or the mean of the adjacent
 * triangles' normals where the gradient does not say. */
static int normals(extractor *x, ocsdf_grad_fn grad)
{
	ocsdf_mesh *m = x->m;
	size_t nv = m->nv;
	m->normal = malloc((nv ? nv : 1) * 3 * sizeof *m->normal);
	unsigned char *lack = calloc(nv ? nv : 1, 1);
	float *g = malloc((size_t)x->batch * 3 * sizeof *g);
	int r = 0, nlack = 0;
	if (!m->normal || !lack || !g) {
		r = oom(x->e);
		goto out;
	}
	for (size_t v0 = 0; v0 < nv; v0 += (size_t)x->batch) {
		int nb = (int)(nv - v0 < (size_t)x->batch ? nv - v0 : (size_t)x->batch);
		float *nrm = m->normal + 3 * v0;
		if (grad) {
			grad(x->ctx, m->v + 3 * v0, nb, x->bf, g);
			x->st.grad_evals += (uint64_t)nb;
		}
		for (int q = 0; q < nb; q++) {
			double gx = grad ? g[3 * q] : 0, gy = grad ? g[3 * q + 1] : 0,
			       gz = grad ? g[3 * q + 2] : 0;
			double len = sqrt(gx * gx + gy * gy + gz * gz);
			if (isfinite(len) && len > 0) {
				nrm[3 * q] = (float)(-gx / len);
				nrm[3 * q + 1] = (float)(-gy / len);
				nrm[3 * q + 2] = (float)(-gz / len);
			} else {
				lack[v0 + (size_t)q] = 1;
				nlack = 1;
				nrm[3 * q] = nrm[3 * q + 1] = nrm[3 * q + 2] = 0;
			}
		}
	}
	if (!nlack)
		goto out;
	for (size_t t = 0; t < m->nt; t++) {
		const uint32_t *tr = m->tri + 3 * t;
		double n[3];
		ocsdf_mesh_triangle_normal(m, t, n);
		for (int q = 0; q < 3; q++)
			if (lack[tr[q]])
				for (int d = 0; d < 3; d++)
					m->normal[3 * (size_t)tr[q] + (size_t)d] += (float)n[d];
	}
	for (size_t v = 0; v < nv; v++) {
		if (!lack[v])
			continue;
		float *n = m->normal + 3 * v;
		double len = sqrt((double)n[0] * n[0] + (double)n[1] * n[1] + (double)n[2] * n[2]);
		if (len > 0)
			for (int d = 0; d < 3; d++)
				n[d] = (float)(n[d] / len);
		else
			n[2] = 1;
	}
out:
	free(lack);
	free(g);
	return r;
}

void ocsdf_mesh_opts_default(ocsdf_mesh_opts *o)
{
	memset(o, 0, sizeof *o);
	o->batch = DEFAULT_BATCH;
	o->leaf = DEFAULT_LEAF;
}

void ocsdf_mesh_free(ocsdf_mesh *m)
{
	if (!m)
		return;
	free(m->v);
	free(m->normal);
	free(m->tri);
	memset(m, 0, sizeof *m);
}

static int slot_map_init(slot_map *sm, size_t n)
{
	sm->map = malloc(n * sizeof *sm->map);
	sm->used = malloc(n * sizeof *sm->used);
	sm->nused = 0;
	if (!sm->map || !sm->used)
		return -1;
	memset(sm->map, 0xff, n * sizeof *sm->map);
	return 0;
}

int ocsdf_mesh_extract(const ocsdf_grid3 *g, ocsdf_field_fn field, ocsdf_grad_fn grad, void *ctx,
		       const ocsdf_mesh_opts *o, ocsdf_mesh *m, ocsdf_mesh_stats *st,
		       ocsdf_error *e)
{
	memset(m, 0, sizeof *m);
	if (st)
		memset(st, 0, sizeof *st);
	int r = ocsdf_grid_check(g->lo, g->hi, g->n, 3, e);
	if (r)
		return r;
	if (!field)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "no field to extract a surface from");
	if (!isfinite(o->level) || o->batch < 1)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "level %g or batch %d out of range",
				       o->level, o->batch);
	if (o->prune) {
		if (!isfinite(o->lipschitz) || !(o->lipschitz > 0))
			return ocsdf_error_set(e, OCSDF_EUSAGE,
					       "pruning needs a Lipschitz constant > 0, got %g",
					       o->lipschitz);
		if (o->leaf < 0 || o->leaf > 1024 || (o->leaf & (o->leaf - 1)) != 0)
			return ocsdf_error_set(e, OCSDF_EUSAGE,
					       "leaf size %d is not a power of two up to 1024",
					       o->leaf);
	}

	extractor *x = calloc(1, sizeof *x);
	if (!x)
		return oom(e);
	x->g = g;
	for (int a = 0; a < 3; a++) {
		x->n[a] = g->n[a];
		x->c[a] = g->n[a] - 1;
		x->h[a] = (g->hi[a] - g->lo[a]) / (g->n[a] - 1);
	}
	x->level = (float)o->level;
	x->field = field;
	x->ctx = ctx;
	x->batch = o->batch;
	x->o = o;
	x->e = e;
	x->m = m;
	build_cube_tables(&x->T);
	size_t np = (size_t)g->n[0] * (size_t)g->n[1];
	x->plane[0] = malloc(np * sizeof(float));
	x->plane[1] = malloc(np * sizeof(float));
	x->bxyz = malloc((size_t)o->batch * 3 * sizeof(float));
	x->bf = malloc((size_t)o->batch * sizeof(float));
	x->bdst = malloc((size_t)o->batch * sizeof(size_t));
	if (!x->plane[0] || !x->plane[1] || !x->bxyz || !x->bf || !x->bdst ||
	    slot_map_init(&x->inp[0], np * 3) || slot_map_init(&x->inp[1], np * 3) ||
	    slot_map_init(&x->rise, np * 4))
		r = oom(e);
	if (!r)
		r = o->prune ? run_pruned(x) : run_dense(x);
	if (!r)
		r = normals(x, grad);
	progress(x, 1);
	if (st)
		*st = x->st;
	free(x->plane[0]);
	free(x->plane[1]);
	free(x->bxyz);
	free(x->bf);
	free(x->bdst);
	for (int q = 0; q < 2; q++) {
		free(x->inp[q].map);
		free(x->inp[q].used);
	}
	free(x->rise.map);
	free(x->rise.used);
	free(x);
	if (r)
		ocsdf_mesh_free(m);
	return r;
}
