/*
 * meshtopo.c: connected parts of a triangle mesh and cavity filling (see
 * meshtopo.h).
 *
 * Parts come from a union-find over the vertices of each triangle.  Edges
 * are counted by sorting the 3 nt directed edges on their unordered vertex
 * pair: an edge is interior when its pair occurs exactly twice, once in
 * each direction.  Whether a part lies inside a cavity wall is decided by
 * the wall's winding number at one of the part's vertices, the sum of the
 * solid angles of the wall's triangles seen from it over 4 pi: +-1 inside
 * a closed surface, 0 outside, with no special cases for rays grazing an
 * edge.
 */
#include "meshtopo.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct edge_key {
	uint32_t lo, hi; /* vertex pair, lo < hi */
	uint32_t dir;    /* 1 when the triangle goes lo -> hi */
	uint32_t tri;
} edge_key;

static int cmp_edge(const void *pa, const void *pb)
{
	const edge_key *a = pa, *b = pb;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	return (a->dir > b->dir) - (a->dir < b->dir);
}

static size_t find(size_t *par, size_t x)
{
	while (par[x] != x) {
		par[x] = par[par[x]];
		x = par[x];
	}
	return x;
}

static int oom(ocsdf_error *e)
{
	return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory analysing the mesh");
}

/* For sorting parts largest first; ties by first triangle, for a stable
 * order whatever qsort does. */
typedef struct part_order {
	size_t nt, first, index;
} part_order;

static int cmp_order(const void *pa, const void *pb)
{
	const part_order *a = pa, *b = pb;
	if (a->nt != b->nt)
		return a->nt > b->nt ? -1 : 1;
	return (a->first > b->first) - (a->first < b->first);
}

/* Labels the parts (union-find over each triangle's vertices, par and id
 * nv scratch) in order of their first triangle: of[t] is triangle t's.
 * Returns the number of parts. */
static size_t label_parts(const ocsdf_mesh *m, size_t *par, size_t *id, size_t *of)
{
	size_t np = 0;
	for (size_t v = 0; v < m->nv; v++)
		par[v] = v;
	for (size_t t = 0; t < m->nt; t++) {
		const uint32_t *tr = m->tri + 3 * t;
		for (int k = 1; k < 3; k++) {
			size_t a = find(par, tr[0]), b = find(par, tr[k]);
			if (a != b)
				par[b] = a;
		}
	}
	for (size_t v = 0; v < m->nv; v++)
		id[v] = SIZE_MAX;
	for (size_t t = 0; t < m->nt; t++) {
		size_t root = find(par, m->tri[3 * t]);
		if (id[root] == SIZE_MAX)
			id[root] = np++;
		of[t] = id[root];
	}
	return np;
}

/* Triangles, vertices (each counted once: seen is nv scratch), boxes and
 * volumes of the parts p, and each part's first triangle in ord. */
static void measure_parts(const ocsdf_mesh *m, const size_t *of, ocsdf_mesh_part *p,
			  part_order *ord, size_t np, size_t *seen)
{
	for (size_t i = 0; i < np; i++) {
		p[i].closed = 1;
		for (int a = 0; a < 3; a++) {
			p[i].lo[a] = INFINITY;
			p[i].hi[a] = -INFINITY;
		}
		ord[i].nt = 0;
		ord[i].first = SIZE_MAX;
		ord[i].index = i;
	}
	for (size_t v = 0; v < m->nv; v++)
		seen[v] = 0;
	for (size_t t = 0; t < m->nt; t++) {
		ocsdf_mesh_part *q = p + of[t];
		const uint32_t *tr = m->tri + 3 * t;
		const float *va = m->v + 3 * (size_t)tr[0], *vb = m->v + 3 * (size_t)tr[1],
			    *vc = m->v + 3 * (size_t)tr[2];
		q->nt++;
		if (ord[of[t]].first == SIZE_MAX)
			ord[of[t]].first = t;
		q->volume += ((double)va[0] * ((double)vb[1] * vc[2] - (double)vb[2] * vc[1]) -
			      (double)va[1] * ((double)vb[0] * vc[2] - (double)vb[2] * vc[0]) +
			      (double)va[2] * ((double)vb[0] * vc[1] - (double)vb[1] * vc[0])) /
			     6;
		for (int k = 0; k < 3; k++) {
			if (seen[tr[k]])
				continue;
			seen[tr[k]] = 1;
			q->nv++;
			const float *x = m->v + 3 * (size_t)tr[k];
			for (int a = 0; a < 3; a++) {
				if (x[a] < q->lo[a])
					q->lo[a] = x[a];
				if (x[a] > q->hi[a])
					q->hi[a] = x[a];
			}
		}
	}
}

/* The distinct edges of each part, and whether it is closed (every edge in
 * exactly two triangles, opposite ways); ek is 3 nt scratch. */
static void count_edges(const ocsdf_mesh *m, const size_t *of, ocsdf_mesh_part *p, edge_key *ek)
{
	size_t nt = m->nt;
	for (size_t t = 0; t < nt; t++) {
		const uint32_t *tr = m->tri + 3 * t;
		for (int k = 0; k < 3; k++) {
			uint32_t a = tr[k], b = tr[(k + 1) % 3];
			edge_key *x = ek + 3 * t + k;
			x->lo = a < b ? a : b;
			x->hi = a < b ? b : a;
			x->dir = a < b;
			x->tri = (uint32_t)t;
		}
	}
	qsort(ek, 3 * nt, sizeof *ek, cmp_edge);
	for (size_t i = 0; i < 3 * nt;) {
		size_t j = i + 1;
		while (j < 3 * nt && ek[j].lo == ek[i].lo && ek[j].hi == ek[i].hi)
			j++;
		ocsdf_mesh_part *q = p + of[ek[i].tri];
		q->ne++;
		if (j - i != 2 || ek[i].dir == ek[i + 1].dir)
			q->closed = 0;
		i = j;
	}
}

/* The parts p largest first into sorted, and of[] renumbered to match
 * (rank is np scratch). */
static void order_parts(const ocsdf_mesh_part *p, part_order *ord, size_t np, size_t *of, size_t nt,
			ocsdf_mesh_part *sorted, size_t *rank)
{
	for (size_t i = 0; i < np; i++)
		ord[i].nt = p[i].nt;
	qsort(ord, np, sizeof *ord, cmp_order);
	for (size_t i = 0; i < np; i++) {
		sorted[i] = p[ord[i].index];
		rank[ord[i].index] = i;
	}
	for (size_t t = 0; t < nt; t++)
		of[t] = rank[of[t]];
}

int ocsdf_mesh_parts(const ocsdf_mesh *m, ocsdf_mesh_part **parts, size_t *nparts,
		     size_t **part_of, ocsdf_error *e)
{
	*parts = NULL;
	*nparts = 0;
	if (part_of)
		*part_of = NULL;
	if (m->nt == 0)
		return 0;
	if (m->nt > UINT32_MAX)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE,
				       "%zu triangles: too many to analyse (at most %u)", m->nt,
				       UINT32_MAX);
	size_t nv = m->nv, nt = m->nt, np = 0;
	size_t *par = malloc(nv * sizeof *par);
	size_t *id = malloc(nv * sizeof *id);
	size_t *of = malloc(nt * sizeof *of);
	edge_key *ek = malloc(3 * nt * sizeof *ek);
	ocsdf_mesh_part *p = NULL, *sorted = NULL;
	part_order *ord = NULL;
	size_t *rank = NULL;
	int r = 0;
	if (!par || !id || !of || !ek) {
		r = oom(e);
		goto out;
	}
	np = label_parts(m, par, id, of);
	p = calloc(np, sizeof *p);
	ord = malloc(np * sizeof *ord);
	rank = malloc(np * sizeof *rank);
	sorted = malloc(np * sizeof *sorted);
	if (!p || !ord || !rank || !sorted) {
		r = oom(e);
		goto out;
	}
	measure_parts(m, of, p, ord, np, par);
	count_edges(m, of, p, ek);
	for (size_t i = 0; i < np; i++)
		p[i].euler = (long)p[i].nv - (long)p[i].ne + (long)p[i].nt;
	order_parts(p, ord, np, of, nt, sorted, rank);
	*parts = sorted;
	*nparts = np;
	sorted = NULL;
	if (part_of) {
		*part_of = of;
		of = NULL;
	}
out:
	free(par);
	free(id);
	free(of);
	free(ek);
	free(p);
	free(ord);
	free(rank);
	free(sorted);
	return r;
}

/* Winding number at x of the triangles list[0 .. n-1] of m. */
static double winding(const ocsdf_mesh *m, const size_t *list, size_t n, const double x[3])
{
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		const uint32_t *tr = m->tri + 3 * list[i];
		double A[3], B[3], C[3];
		for (int a = 0; a < 3; a++) {
			A[a] = m->v[3 * (size_t)tr[0] + a] - x[a];
			B[a] = m->v[3 * (size_t)tr[1] + a] - x[a];
			C[a] = m->v[3 * (size_t)tr[2] + a] - x[a];
		}
		double la = sqrt(A[0] * A[0] + A[1] * A[1] + A[2] * A[2]);
		double lb = sqrt(B[0] * B[0] + B[1] * B[1] + B[2] * B[2]);
		double lc = sqrt(C[0] * C[0] + C[1] * C[1] + C[2] * C[2]);
		double det = A[0] * (B[1] * C[2] - B[2] * C[1]) - A[1] * (B[0] * C[2] - B[2] * C[0]) +
			     A[2] * (B[0] * C[1] - B[1] * C[0]);
		double ab = A[0] * B[0] + A[1] * B[1] + A[2] * B[2];
		double ac = A[0] * C[0] + A[1] * C[1] + A[2] * C[2];
		double bc = B[0] * C[0] + B[1] * C[1] + B[2] * C[2];
		sum += 2 * atan2(det, la * lb * lc + ab * lc + ac * lb + bc * la);
	}
	return sum / (4 * M_PI);
}

static int box_inside(const ocsdf_mesh_part *in, const ocsdf_mesh_part *out)
{
	for (int a = 0; a < 3; a++)
		if (in->lo[a] < out->lo[a] || in->hi[a] > out->hi[a])
			return 0;
	return 1;
}

int ocsdf_mesh_fill_cavities(ocsdf_mesh *m, size_t *walls, size_t *removed, ocsdf_error *e)
{
	if (walls)
		*walls = 0;
	if (removed)
		*removed = 0;
	ocsdf_mesh_part *p;
	size_t np, *of;
	int r = ocsdf_mesh_parts(m, &p, &np, &of, e);
	if (r || np == 0)
		return r;
	size_t nt = m->nt, nv = m->nv;
	/* Triangles grouped by part: start[i] .. start[i+1]-1 of list. */
	size_t *start = calloc(np + 1, sizeof *start);
	size_t *list = malloc(nt * sizeof *list);
	size_t *fill = malloc(np * sizeof *fill);
	unsigned char *drop = calloc(np, 1);
	uint32_t *remap = malloc(nv * sizeof *remap);
	if (!start || !list || !fill || !drop || !remap) {
		r = oom(e);
		goto out;
	}
	for (size_t t = 0; t < nt; t++)
		start[of[t] + 1]++;
	for (size_t i = 0; i < np; i++)
		start[i + 1] += start[i];
	memcpy(fill, start, np * sizeof *fill);
	for (size_t t = 0; t < nt; t++)
		list[fill[of[t]]++] = t;

	size_t nwalls = 0, ndrop = 0;
	for (size_t i = 0; i < np; i++) {
		if (!p[i].closed || !(p[i].volume < 0))
			continue;
		nwalls++;
		drop[i] = 1;
		for (size_t j = 0; j < np; j++) {
			if (j == i || drop[j] || !box_inside(p + j, p + i))
				continue;
			const uint32_t v0 = m->tri[3 * list[start[j]]];
			double x[3] = {m->v[3 * (size_t)v0], m->v[3 * (size_t)v0 + 1],
				       m->v[3 * (size_t)v0 + 2]};
			if (fabs(winding(m, list + start[i], start[i + 1] - start[i], x)) > 0.5)
				drop[j] = 1;
		}
	}
	for (size_t i = 0; i < np; i++)
		ndrop += drop[i];
	if (ndrop) {
		/* Keep the triangles of the parts left, then the vertices they use,
		 * in their order. */
		size_t kt = 0;
		for (size_t t = 0; t < nt; t++) {
			if (drop[of[t]])
				continue;
			memmove(m->tri + 3 * kt, m->tri + 3 * t, 3 * sizeof *m->tri);
			kt++;
		}
		for (size_t v = 0; v < nv; v++)
			remap[v] = UINT32_MAX;
		for (size_t t = 0; t < 3 * kt; t++)
			remap[m->tri[t]] = 0;
		size_t kv = 0;
		for (size_t v = 0; v < nv; v++) {
			if (remap[v] == UINT32_MAX)
				continue;
			remap[v] = (uint32_t)kv;
			memmove(m->v + 3 * kv, m->v + 3 * v, 3 * sizeof *m->v);
			if (m->normal)
				memmove(m->normal + 3 * kv, m->normal + 3 * v, 3 * sizeof *m->normal);
			kv++;
		}
		for (size_t t = 0; t < 3 * kt; t++)
			m->tri[t] = remap[m->tri[t]];
		m->nt = kt;
		m->nv = kv;
	}
	if (walls)
		*walls = nwalls;
	if (removed)
		*removed = ndrop;
out:
	free(p);
	free(of);
	free(start);
	free(list);
	free(fill);
	free(drop);
	free(remap);
	return r;
}
