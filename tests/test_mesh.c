/*
 * test_mesh.c: surface extraction on analytic signed distances, the parts
 * of a mesh and its cavities, and the mesh writers read back by readers
 * written here.  (Contours: test_contour.c.)
 *
 * The topology checks are independent of the library: every directed edge
 * must appear once and its reverse once (closed, manifold, consistently
 * wound), triangles must have three distinct indices and nonzero area, no
 * two vertices may sit at the same place, and V - E + F gives the genus.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mesh.h"
#include "meshio.h"
#include "meshtopo.h"

/* ---- fields ---- */

typedef struct shape {
	int kind;      /* 0 sphere, 1 torus, 2 cube (L-infinity ball) */
	double c[3];   /* centre */
	double r, R;   /* radius; tube and ring radii for the torus */
	long calls;
} shape;

static double shape_f(const shape *s, const float *p, double g[3])
{
	double x = p[0] - s->c[0], y = p[1] - s->c[1], z = p[2] - s->c[2];
	if (s->kind == 0) {
		double d = sqrt(x * x + y * y + z * z);
		g[0] = -x / d, g[1] = -y / d, g[2] = -z / d;
		return s->r - d;
	}
	if (s->kind == 1) {
		double q = sqrt(x * x + y * y), a = q - s->R;
		double d = sqrt(a * a + z * z);
		g[0] = -a / d * x / q, g[1] = -a / d * y / q, g[2] = -z / d;
		return s->r - d;
	}
	double m = fmax(fabs(x), fmax(fabs(y), fabs(z)));
	g[0] = g[1] = g[2] = 0;
	return s->r - m;
}

static void field(void *ctx, const float *xyz, int n, float *f)
{
	shape *s = ctx;
	double g[3];
	s->calls++;
	for (int i = 0; i < n; i++)
		f[i] = (float)shape_f(s, xyz + 3 * i, g);
}

static void gradient(void *ctx, const float *xyz, int n, float *f, float *g)
{
	shape *s = ctx;
	for (int i = 0; i < n; i++) {
		double gd[3];
		f[i] = (float)shape_f(s, xyz + 3 * i, gd);
		for (int a = 0; a < 3; a++)
			g[3 * i + a] = (float)gd[a];
	}
}

static void nan_field(void *ctx, const float *xyz, int n, float *f)
{
	(void)ctx;
	for (int i = 0; i < n; i++)
		f[i] = xyz[3 * i] > 0.5f ? NAN : 0.5f - fabsf(xyz[3 * i]);
}

static ocsdf_grid3 cube_grid(double half, int n)
{
	ocsdf_grid3 g = {{-half, -half, -half}, {half, half, half}, {n, n, n}};
	return g;
}

static void extract(const ocsdf_grid3 *g, shape *s, int prune, int leaf, double level,
		    ocsdf_mesh *m, ocsdf_mesh_stats *st)
{
	ocsdf_mesh_opts o;
	ocsdf_mesh_opts_default(&o);
	o.level = level;
	o.prune = prune;
	o.lipschitz = 1;
	o.leaf = leaf;
	o.batch = 1000;
	ocsdf_error e;
	ocsdf_error_clear(&e);
	int r = ocsdf_mesh_extract(g, field, gradient, s, &o, m, st, &e);
	ck_assert_msg(r == 0, "extract: %d %s", r, e.msg);
}

/* ---- independent checks ---- */

typedef struct topo {
	long v, e, f;
	int closed;       /* each directed edge once, its reverse once */
	int degenerate;   /* triangles with a repeated index or zero area */
	int unused;       /* vertices in no triangle */
	int duplicates;   /* vertices at the same position as another */
} topo;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_pos(const void *a, const void *b)
{
	return memcmp(a, b, 3 * sizeof(float));
}

static topo check_topology(const float *v, size_t nv, const uint32_t *t, size_t nt)
{
	topo r = {(long)nv, 0, (long)nt, 1, 0, 0, 0};
	uint64_t *d = malloc((3 * nt + 1) * sizeof *d);
	char *used = calloc(nv + 1, 1);
	ck_assert(d && used);
	for (size_t i = 0; i < nt; i++) {
		const uint32_t *q = t + 3 * i;
		ck_assert(q[0] < nv && q[1] < nv && q[2] < nv);
		if (q[0] == q[1] || q[1] == q[2] || q[0] == q[2])
			r.degenerate++;
		double u[3], w[3];
		for (int a = 0; a < 3; a++) {
			u[a] = (double)v[3 * q[1] + a] - v[3 * q[0] + a];
			w[a] = (double)v[3 * q[2] + a] - v[3 * q[0] + a];
		}
		double cx = u[1] * w[2] - u[2] * w[1], cy = u[2] * w[0] - u[0] * w[2],
		       cz = u[0] * w[1] - u[1] * w[0];
		if (!(cx * cx + cy * cy + cz * cz > 0))
			r.degenerate++;
		for (int k = 0; k < 3; k++) {
			d[3 * i + k] = (uint64_t)q[k] << 32 | q[(k + 1) % 3];
			used[q[k]] = 1;
		}
	}
	qsort(d, 3 * nt, sizeof *d, cmp_u64);
	for (size_t i = 0; i < 3 * nt; i++) {
		if (i + 1 < 3 * nt && d[i] == d[i + 1])
			r.closed = 0;
		uint64_t rev = (d[i] & 0xffffffffu) << 32 | d[i] >> 32;
		if (!bsearch(&rev, d, 3 * nt, sizeof *d, cmp_u64))
			r.closed = 0;
	}
	r.e = (long)(3 * nt / 2);
	for (size_t i = 0; i < nv; i++)
		r.unused += !used[i];
	float *p = malloc((nv + 1) * 3 * sizeof *p);
	ck_assert(p);
	memcpy(p, v, nv * 3 * sizeof *p);
	qsort(p, nv, 3 * sizeof *p, cmp_pos);
	for (size_t i = 1; i < nv; i++)
		r.duplicates += memcmp(p + 3 * (i - 1), p + 3 * i, 3 * sizeof *p) == 0;
	free(p);
	free(d);
	free(used);
	return r;
}

static void assert_closed(const float *v, size_t nv, const uint32_t *t, size_t nt, long euler)
{
	topo r = check_topology(v, nv, t, nt);
	ck_assert_msg(nt > 0, "empty mesh");
	ck_assert_msg(r.closed, "mesh is not closed and consistently wound");
	ck_assert_int_eq(r.degenerate, 0);
	ck_assert_int_eq(r.unused, 0);
	ck_assert_int_eq(r.duplicates, 0);
	ck_assert_int_eq(r.v - r.e + r.f, euler);
}

static double signed_volume(const ocsdf_mesh *m)
{
	double vol = 0;
	for (size_t i = 0; i < m->nt; i++) {
		const float *a = m->v + 3 * m->tri[3 * i], *b = m->v + 3 * m->tri[3 * i + 1],
			    *c = m->v + 3 * m->tri[3 * i + 2];
		vol += ((double)a[0] * ((double)b[1] * c[2] - (double)b[2] * c[1]) -
			(double)a[1] * ((double)b[0] * c[2] - (double)b[2] * c[0]) +
			(double)a[2] * ((double)b[0] * c[1] - (double)b[1] * c[0])) /
		       6;
	}
	return vol;
}

/* ---- surfaces ---- */

START_TEST(sphere_closed)
{
	shape s = {0, {0.03, -0.02, 0.01}, 0.6, 0, 0};
	ocsdf_grid3 g = cube_grid(1, 41);
	ocsdf_mesh m;
	extract(&g, &s, 0, 0, 0, &m, NULL);
	assert_closed(m.v, m.nv, m.tri, m.nt, 2);
	double h = 2.0 / 40, worst = 0;
	for (size_t i = 0; i < m.nv; i++) {
		double x = m.v[3 * i] - s.c[0], y = m.v[3 * i + 1] - s.c[1],
		       z = m.v[3 * i + 2] - s.c[2];
		double d = sqrt(x * x + y * y + z * z);
		worst = fmax(worst, fabs(d - s.r));
		/* The normal is the outward radius. */
		const float *n = m.normal + 3 * i;
		ck_assert(fabs(n[0] * n[0] + n[1] * n[1] + n[2] * n[2] - 1) < 1e-5);
		ck_assert((n[0] * x + n[1] * y + n[2] * z) / d > 0.999);
	}
	/* Linear interpolation of the exact distance along a cell diagonal
	 * (length sqrt(3) h) cuts the sphere short by at most 3h^2/(8r). */
	ck_assert_msg(worst < 3 * h * h / (8 * s.r) + 1e-5, "vertex %g off the sphere", worst);
	double vol = signed_volume(&m), want = 4.0 / 3 * M_PI * s.r * s.r * s.r;
	ck_assert_msg(vol > 0 && fabs(vol - want) / want < 0.01, "volume %g, want %g", vol, want);
	ocsdf_mesh_free(&m);
}
END_TEST

START_TEST(sphere_level)
{
	/* The level set f = 0.2 of the distance to a 0.6 sphere is a 0.4 sphere. */
	shape s = {0, {0, 0, 0}, 0.6, 0, 0};
	ocsdf_grid3 g = cube_grid(1, 33);
	ocsdf_mesh m;
	extract(&g, &s, 1, 2, 0.2, &m, NULL);
	assert_closed(m.v, m.nv, m.tri, m.nt, 2);
	for (size_t i = 0; i < m.nv; i++) {
		const float *p = m.v + 3 * i;
		double d = sqrt((double)p[0] * p[0] + (double)p[1] * p[1] + (double)p[2] * p[2]);
		ck_assert(fabs(d - 0.4) < 0.01);
	}
	ocsdf_mesh_free(&m);
}
END_TEST

START_TEST(torus_genus_one)
{
	shape s = {1, {0.01, 0.02, -0.03}, 0.25, 0.6, 0};
	ocsdf_grid3 g = cube_grid(1, 49);
	ocsdf_mesh m;
	extract(&g, &s, 1, 4, 0, &m, NULL);
	assert_closed(m.v, m.nv, m.tri, m.nt, 0);
	double vol = signed_volume(&m), want = 2 * M_PI * M_PI * s.R * s.r * s.r;
	ck_assert_msg(vol > 0 && fabs(vol - want) / want < 0.02, "volume %g, want %g", vol, want);
	for (size_t i = 0; i < m.nv; i++) {
		double gd[3];
		ck_assert(fabs(shape_f(&s, m.v + 3 * i, gd)) < 0.01);
	}
	ocsdf_mesh_free(&m);
}
END_TEST

START_TEST(level_through_grid_points)
{
	/* A cube whose faces lie on grid planes: the field is exactly the level
	 * at many grid points, the case that would make zero-area triangles
	 * and coincident vertices without the clamp.  The gradient is zero, so
	 * the normals come from the triangles. */
	shape s = {2, {0, 0, 0}, 0.5, 0, 0};
	ocsdf_grid3 g = cube_grid(1, 41);
	ocsdf_mesh m;
	extract(&g, &s, 0, 0, 0, &m, NULL);
	assert_closed(m.v, m.nv, m.tri, m.nt, 2);
	ck_assert(signed_volume(&m) > 0.9);
	for (size_t i = 0; i < m.nv; i++) {
		const float *p = m.v + 3 * i, *n = m.normal + 3 * i;
		ck_assert(fabs(n[0] * n[0] + n[1] * n[1] + n[2] * n[2] - 1) < 1e-5);
		ck_assert(n[0] * p[0] + n[1] * p[1] + n[2] * p[2] > 0);
	}
	ocsdf_mesh_free(&m);
}
END_TEST

START_TEST(closed_at_border)
{
	/* A sphere larger than the grid: the surface is capped on the grid's
	 * faces, closed (a ball cut by a cube: Euler 2), its vertices on the
	 * sphere or within OCSDF_GRID_TMIN of a cell of a face; pruned as
	 * dense; and the extractor says it capped. */
	shape s = {0, {0, 0, 0}, 1.2, 0, 0};
	ocsdf_grid3 g = cube_grid(1, 21);
	ocsdf_mesh m, mp;
	ocsdf_mesh_stats st, stp;
	extract(&g, &s, 0, 0, 0, &m, &st);
	extract(&g, &s, 1, 0, 0, &mp, &stp);
	assert_closed(m.v, m.nv, m.tri, m.nt, 2);
	ck_assert(st.capped == 1 && stp.capped == 1);
	ck_assert(mp.nv == m.nv && mp.nt == m.nt);
	ck_assert(memcmp(m.v, mp.v, m.nv * 3 * sizeof(float)) == 0);
	ck_assert(memcmp(m.tri, mp.tri, m.nt * 3 * sizeof(uint32_t)) == 0);
	int on_face = 0;
	for (size_t i = 0; i < m.nv; i++) {
		const float *p = m.v + 3 * i;
		double r = sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]), face = 1;
		for (int a = 0; a < 3; a++)
			face = fmin(face, 1 - fabs(p[a]));
		ck_assert_msg(fabs(r - 1.2) < 0.01 || face <= 0.1 * OCSDF_GRID_TMIN * 1.01,
			      "vertex %zu at r %g, %g from a face", i, r, face);
		on_face += face <= 0.1 * OCSDF_GRID_TMIN * 1.01;
	}
	ck_assert_int_gt(on_face, 0);
	ocsdf_mesh_free(&m);
	ocsdf_mesh_free(&mp);
	/* Inside the grid: nothing to cap. */
	s.r = 0.7;
	extract(&g, &s, 1, 0, 0, &m, &st);
	assert_closed(m.v, m.nv, m.tri, m.nt, 2);
	ck_assert(st.capped == 0);
	ocsdf_mesh_free(&m);
}
END_TEST

static void assert_same(const ocsdf_mesh *a, const ocsdf_mesh *b)
{
	ck_assert_uint_eq(a->nv, b->nv);
	ck_assert_uint_eq(a->nt, b->nt);
	ck_assert(memcmp(a->v, b->v, a->nv * 3 * sizeof(float)) == 0);
	ck_assert(memcmp(a->tri, b->tri, a->nt * 3 * sizeof(uint32_t)) == 0);
	ck_assert(memcmp(a->normal, b->normal, a->nv * 3 * sizeof(float)) == 0);
}

START_TEST(pruned_equals_dense)
{
	/* Uneven grids (blocks clipped at the border), a box that is not a
	 * cube, every leaf size, levels on both sides of zero. */
	static const shape shapes[] = {{0, {0.1, -0.05, 0.02}, 0.55, 0, 0},
				       {1, {0.03, 0, -0.02}, 0.22, 0.55, 0},
				       {2, {0, 0, 0}, 0.5, 0, 0}};
	ocsdf_grid3 grids[] = {{{-1, -1, -1}, {1, 1, 1}, {41, 41, 41}},
			       {{-0.9, -1.1, -0.7}, {1.0, 0.95, 0.8}, {37, 29, 45}}};
	static const int leaves[] = {1, 2, 4, 8, 64};
	static const double levels[] = {0, -0.07, 0.1};
	for (int si = 0; si < 3; si++)
		for (int gi = 0; gi < 2; gi++)
			for (int li = 0; li < 5; li++) {
				shape s = shapes[si];
				double level = levels[(si + gi + li) % 3];
				ocsdf_mesh dense, pruned;
				ocsdf_mesh_stats sd, sp;
				extract(&grids[gi], &s, 0, 0, level, &dense, &sd);
				extract(&grids[gi], &s, 1, leaves[li], level, &pruned, &sp);
				ck_assert(dense.nt > 100);
				assert_same(&dense, &pruned);
				ck_assert_uint_eq(sd.evals, (uint64_t)grids[gi].n[0] * grids[gi].n[1] *
								    grids[gi].n[2]);
				ck_assert(sp.evals == sp.grid_evals + sp.probe_evals);
				if (leaves[li] <= 4)
					ck_assert_msg(sp.evals < sd.evals, "pruned %lu, dense %lu",
						      (unsigned long)sp.evals,
						      (unsigned long)sd.evals);
				ocsdf_mesh_free(&dense);
				ocsdf_mesh_free(&pruned);
			}
}
END_TEST

START_TEST(pruning_saves_work)
{
	/* At 129^3 the grid points evaluated near a torus are a small part of
	 * the grid, and still give the dense mesh. */
	shape s = {1, {0, 0, 0}, 0.25, 0.6, 0};
	ocsdf_grid3 g = cube_grid(1, 129);
	ocsdf_mesh dense, pruned;
	ocsdf_mesh_stats sd, sp;
	extract(&g, &s, 0, 0, 0, &dense, &sd);
	extract(&g, &s, 1, 4, 0, &pruned, &sp);
	assert_same(&dense, &pruned);
	ck_assert_msg(sp.evals * 4 < sd.evals, "pruned %lu, dense %lu", (unsigned long)sp.evals,
		      (unsigned long)sd.evals);
	ck_assert(sp.leaves_active < sp.leaves / 4);
	ocsdf_mesh_free(&dense);
	ocsdf_mesh_free(&pruned);
}
END_TEST

START_TEST(bad_input)
{
	shape s = {0, {0, 0, 0}, 0.5, 0, 0};
	ocsdf_mesh_opts o;
	ocsdf_mesh_opts_default(&o);
	ocsdf_mesh m;
	ocsdf_error e;
	ocsdf_grid3 g = cube_grid(1, 9);
	g.n[1] = 1;
	ck_assert_int_eq(ocsdf_mesh_extract(&g, field, NULL, &s, &o, &m, NULL, &e), OCSDF_EUSAGE);
	ck_assert(strstr(e.msg, "axis 2"));
	g = cube_grid(1, 9);
	g.hi[0] = -1;
	ck_assert_int_eq(ocsdf_mesh_extract(&g, field, NULL, &s, &o, &m, NULL, &e), OCSDF_EUSAGE);
	g = cube_grid(1, 9);
	o.prune = 1;
	o.lipschitz = 0;
	ck_assert_int_eq(ocsdf_mesh_extract(&g, field, NULL, &s, &o, &m, NULL, &e), OCSDF_EUSAGE);
	o.lipschitz = 1;
	o.leaf = 3;
	ck_assert_int_eq(ocsdf_mesh_extract(&g, field, NULL, &s, &o, &m, NULL, &e), OCSDF_EUSAGE);
	o.leaf = 2;
	ck_assert_int_eq(ocsdf_mesh_extract(&g, nan_field, NULL, NULL, &o, &m, NULL, &e),
			 OCSDF_EDATA);
	ck_assert(strstr(e.msg, "not finite"));
	ck_assert(m.nv == 0 && m.v == NULL && m.tri == NULL);
	o.prune = 0;
	ck_assert_int_eq(ocsdf_mesh_extract(&g, nan_field, NULL, NULL, &o, &m, NULL, &e),
			 OCSDF_EDATA);
	/* A level no grid point reaches: an empty mesh, not an error. */
	o.level = 5;
	ck_assert_int_eq(ocsdf_mesh_extract(&g, field, gradient, &s, &o, &m, NULL, &e), 0);
	ck_assert(m.nv == 0 && m.nt == 0);
	ocsdf_mesh_free(&m);
}
END_TEST

/* ---- parts and cavities ---- */

/* The signed distance to a shell of half thickness t around a sphere of
 * radius r (torus: ring radius R, tube radius r) centred at 0, optionally
 * united with solid balls. */
typedef struct shell {
	int torus;
	double r, R, t;
	int nballs;
	double ball[2][4]; /* centre, radius */
} shell;

static void shell_field(void *ctx, const float *xyz, int n, float *f)
{
	const shell *s = ctx;
	for (int i = 0; i < n; i++) {
		double x = xyz[3 * i], y = xyz[3 * i + 1], z = xyz[3 * i + 2], d;
		if (s->torus) {
			double a = sqrt(x * x + y * y) - s->R;
			d = sqrt(a * a + z * z) - s->r;
		} else {
			d = sqrt(x * x + y * y + z * z) - s->r;
		}
		double v = s->t - fabs(d);
		for (int b = 0; b < s->nballs; b++) {
			const double *c = s->ball[b];
			double q = c[3] - sqrt((x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) +
					       (z - c[2]) * (z - c[2]));
			v = fmax(v, q);
		}
		f[i] = (float)v;
	}
}

static void extract_shell(shell *s, int n, ocsdf_mesh *m)
{
	ocsdf_grid3 g = cube_grid(1.1, n);
	ocsdf_mesh_opts o;
	ocsdf_mesh_opts_default(&o);
	o.prune = 1;
	o.lipschitz = 1;
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_mesh_extract(&g, shell_field, NULL, s, &o, m, NULL, &e), 0);
}

/* The parts of m (malloc'd, largest first), asserting success. */
static ocsdf_mesh_part *parts_of(const ocsdf_mesh *m, size_t *np)
{
	ocsdf_mesh_part *p;
	ocsdf_error e;
	int r = ocsdf_mesh_parts(m, &p, np, NULL, &e);
	ck_assert_msg(r == 0, "parts: %s", e.msg);
	return p;
}

static void fill(ocsdf_mesh *m, size_t *walls, size_t *removed)
{
	ocsdf_error e;
	int r = ocsdf_mesh_fill_cavities(m, walls, removed, &e);
	ck_assert_msg(r == 0, "fill: %s", e.msg);
}

/* The parts add up to the mesh, largest first, and the Euler number of the
 * whole closed mesh, counted independently, is the sum of the parts'. */
static void check_parts_agree(const ocsdf_mesh *m, const ocsdf_mesh_part *p, size_t np)
{
	size_t nv = 0, nt = 0;
	long euler = 0;
	for (size_t i = 0; i < np; i++) {
		nv += p[i].nv;
		nt += p[i].nt;
		euler += p[i].euler;
		ck_assert(p[i].closed);
		ck_assert_int_eq(p[i].euler, (long)p[i].nv - (long)p[i].nt / 2);
		if (i)
			ck_assert(p[i].nt <= p[i - 1].nt);
	}
	ck_assert_uint_eq(nv, m->nv);
	ck_assert_uint_eq(nt, m->nt);
	topo t = check_topology(m->v, m->nv, m->tri, m->nt);
	ck_assert(t.closed);
	ck_assert_int_eq(t.v - t.e + t.f, euler);
}

START_TEST(shell_cavity_filled)
{
	shell s = {0, 0.6, 0, 0.1, 0, {{0}}};
	ocsdf_mesh m;
	extract_shell(&s, 44, &m);
	size_t np;
	ocsdf_mesh_part *p = parts_of(&m, &np);
	ck_assert_uint_eq(np, 2);
	check_parts_agree(&m, p, np);
	/* The outer sphere (r = 0.7) first, then the cavity wall (r = 0.5),
	 * whose volume is negative. */
	ck_assert(p[0].euler == 2 && p[1].euler == 2);
	double v0 = 4.0 / 3 * M_PI * 0.343, v1 = -4.0 / 3 * M_PI * 0.125;
	ck_assert_msg(fabs(p[0].volume - v0) < 0.02 * v0, "outer volume %g", p[0].volume);
	ck_assert_msg(fabs(p[1].volume - v1) < 0.02 * -v1, "cavity volume %g", p[1].volume);
	ck_assert(fabs(p[0].hi[0] - 0.7) < 0.01 && fabs(p[1].lo[2] + 0.5) < 0.01);
	free(p);

	size_t walls, removed;
	fill(&m, &walls, &removed);
	ck_assert_uint_eq(walls, 1);
	ck_assert_uint_eq(removed, 1);
	assert_closed(m.v, m.nv, m.tri, m.nt, 2);
	for (size_t i = 0; i < m.nv; i++) {
		const float *x = m.v + 3 * i, *nr = m.normal + 3 * i;
		double d = sqrt((double)x[0] * x[0] + (double)x[1] * x[1] + (double)x[2] * x[2]);
		ck_assert_msg(fabs(d - 0.7) < 0.01, "vertex at radius %g", d);
		/* Normals moved with their vertices: still the outward radius. */
		double c = (nr[0] * x[0] + nr[1] * x[1] + nr[2] * x[2]) / d;
		ck_assert_msg(c > 0.95, "normal at %g degrees from the radius", acos(c) * 180 / M_PI);
	}
	/* Nothing left to fill. */
	fill(&m, &walls, &removed);
	ck_assert(walls == 0 && removed == 0);
	ocsdf_mesh_free(&m);
}
END_TEST

START_TEST(nested_and_outside_parts)
{
	/* A ball floating in the cavity goes with the cavity; a ball outside the
	 * shell stays. */
	shell s = {0, 0.6, 0, 0.1, 2, {{0.05, 0, 0, 0.2}, {0.9, 0.1, 0, 0.12}}};
	ocsdf_mesh m;
	extract_shell(&s, 57, &m);
	size_t np;
	ocsdf_mesh_part *p = parts_of(&m, &np);
	ck_assert_uint_eq(np, 4);
	check_parts_agree(&m, p, np);
	free(p);
	size_t walls, removed;
	fill(&m, &walls, &removed);
	ck_assert_uint_eq(walls, 1);
	ck_assert_uint_eq(removed, 2);
	p = parts_of(&m, &np);
	ck_assert_uint_eq(np, 2);
	check_parts_agree(&m, p, np);
	ck_assert(fabs(p[0].hi[1] - 0.7) < 0.01);
	ck_assert(fabs(p[1].hi[0] - 1.02) < 0.01 && p[1].volume > 0);
	free(p);
	ocsdf_mesh_free(&m);
}
END_TEST

START_TEST(torus_shell_filled)
{
	/* A shell around a torus: filled, a solid torus of genus 1. */
	shell s = {1, 0.25, 0.6, 0.06, 0, {{0}}};
	ocsdf_mesh m;
	extract_shell(&s, 81, &m);
	size_t np;
	ocsdf_mesh_part *p = parts_of(&m, &np);
	ck_assert_uint_eq(np, 2);
	check_parts_agree(&m, p, np);
	ck_assert(p[0].euler == 0 && p[1].euler == 0 && p[1].volume < 0);
	free(p);
	size_t walls, removed;
	fill(&m, &walls, &removed);
	ck_assert(walls == 1 && removed == 1);
	assert_closed(m.v, m.nv, m.tri, m.nt, 0);
	double vol = signed_volume(&m), want = 2 * M_PI * M_PI * 0.6 * 0.31 * 0.31;
	ck_assert_msg(fabs(vol - want) / want < 0.03, "volume %g, want %g", vol, want);
	ocsdf_mesh_free(&m);
}
END_TEST

START_TEST(open_parts_kept)
{
	/* A shell around a torus whose ring runs through the grid border: it
	 * is capped there, so its walls make closed parts, and the cavity
	 * inside the tube, open onto the caps, is no cavity: nothing is
	 * removed. */
	shell s = {1, 0.25, 1.1, 0.06, 0, {{0}}};
	ocsdf_mesh m;
	extract_shell(&s, 33, &m);
	size_t np;
	ocsdf_mesh_part *p = parts_of(&m, &np);
	ck_assert(np >= 1);
	for (size_t i = 0; i < np; i++)
		ck_assert(p[i].closed);
	free(p);
	size_t nt = m.nt, walls, removed;
	fill(&m, &walls, &removed);
	ck_assert(walls == 0 && removed == 0 && m.nt == nt);
	ocsdf_mesh_free(&m);
	/* An open part is never a cavity wall: the inner wall of a spherical
	 * shell with one triangle taken out stays. */
	shell sp = {0, 0.6, 0, 0.1, 0, {{0}}};
	size_t *part_of;
	ocsdf_error e;
	extract_shell(&sp, 41, &m);
	ck_assert_int_eq(ocsdf_mesh_parts(&m, &p, &np, &part_of, &e), 0);
	ck_assert(np == 2 && p[1].volume < 0);
	for (size_t t = 0; t < m.nt; t++)
		if (part_of[t] == 1) {
			memmove(m.tri + 3 * t, m.tri + 3 * t + 3, (m.nt - t - 1) * 3 * sizeof *m.tri);
			m.nt--;
			break;
		}
	free(p);
	free(part_of);
	nt = m.nt;
	fill(&m, &walls, &removed);
	ck_assert(walls == 0 && removed == 0 && m.nt == nt);
	ocsdf_mesh_free(&m);
	/* An empty mesh has no parts. */
	ocsdf_mesh z = {0};
	p = parts_of(&z, &np);
	ck_assert(np == 0 && p == NULL);
	fill(&z, &walls, &removed);
}
END_TEST

/* ---- readers ---- */

typedef struct rmesh {
	size_t nv, nt;
	float *v, *n;
	uint32_t *t;
} rmesh;

static void rmesh_free(rmesh *r)
{
	free(r->v);
	free(r->n);
	free(r->t);
	memset(r, 0, sizeof *r);
}

static uint32_t get_u32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static float get_f32(const unsigned char *b)
{
	uint32_t u = get_u32(b);
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

static void read_exact(FILE *fp, void *buf, size_t n)
{
	ck_assert_uint_eq(fread(buf, 1, n, fp), n);
}

static rmesh read_ply(FILE *fp)
{
	rmesh r = {0};
	char line[256];
	int ascii = -1, nprop = 0, in_face = 0;
	ck_assert(fgets(line, sizeof line, fp) && strcmp(line, "ply\n") == 0);
	while (fgets(line, sizeof line, fp) && strcmp(line, "end_header\n") != 0) {
		unsigned long n;
		if (strcmp(line, "format ascii 1.0\n") == 0)
			ascii = 1;
		else if (strcmp(line, "format binary_little_endian 1.0\n") == 0)
			ascii = 0;
		else if (sscanf(line, "element vertex %lu", &n) == 1)
			r.nv = n;
		else if (sscanf(line, "element face %lu", &n) == 1)
			r.nt = n, in_face = 1;
		else if (strncmp(line, "property float ", 15) == 0 && !in_face)
			nprop++;
		else if (strcmp(line, "property list uchar uint vertex_indices\n") != 0 &&
			 strncmp(line, "comment ", 8) != 0)
			ck_abort_msg("unexpected PLY header line %s", line);
	}
	ck_assert(ascii >= 0 && (nprop == 3 || nprop == 6));
	r.v = malloc((r.nv + 1) * 3 * sizeof *r.v);
	r.n = malloc((r.nv + 1) * 3 * sizeof *r.n);
	r.t = malloc((r.nt + 1) * 3 * sizeof *r.t);
	for (size_t i = 0; i < r.nv; i++) {
		float p[6];
		if (ascii) {
			for (int k = 0; k < nprop; k++)
				ck_assert(fscanf(fp, "%f", &p[k]) == 1);
		} else {
			unsigned char b[24];
			read_exact(fp, b, 4 * (size_t)nprop);
			for (int k = 0; k < nprop; k++)
				p[k] = get_f32(b + 4 * k);
		}
		memcpy(r.v + 3 * i, p, 3 * sizeof *p);
		if (nprop == 6)
			memcpy(r.n + 3 * i, p + 3, 3 * sizeof *p);
	}
	for (size_t i = 0; i < r.nt; i++) {
		if (ascii) {
			unsigned cnt, a, b, c;
			ck_assert(fscanf(fp, "%u %u %u %u", &cnt, &a, &b, &c) == 4 && cnt == 3);
			r.t[3 * i] = a, r.t[3 * i + 1] = b, r.t[3 * i + 2] = c;
		} else {
			unsigned char b[13];
			read_exact(fp, b, sizeof b);
			ck_assert(b[0] == 3);
			for (int k = 0; k < 3; k++)
				r.t[3 * i + k] = get_u32(b + 1 + 4 * k);
		}
	}
	if (ascii)
		ck_assert(fscanf(fp, " %c", line) == EOF);
	else
		ck_assert(fgetc(fp) == EOF);
	return r;
}

static rmesh read_obj(FILE *fp)
{
	rmesh r = {0};
	size_t capv = 1024, capn = 1024, capt = 1024, nn = 0;
	r.v = malloc(capv * 3 * sizeof *r.v);
	r.n = malloc(capn * 3 * sizeof *r.n);
	r.t = malloc(capt * 3 * sizeof *r.t);
	char line[256];
	while (fgets(line, sizeof line, fp)) {
		float a, b, c;
		unsigned i[3], j[3];
		if (line[0] == '#')
			continue;
		if (sscanf(line, "v %f %f %f", &a, &b, &c) == 3) {
			if (r.nv == capv)
				r.v = realloc(r.v, (capv *= 2) * 3 * sizeof *r.v);
			r.v[3 * r.nv] = a, r.v[3 * r.nv + 1] = b, r.v[3 * r.nv + 2] = c;
			r.nv++;
		} else if (sscanf(line, "vn %f %f %f", &a, &b, &c) == 3) {
			if (nn == capn)
				r.n = realloc(r.n, (capn *= 2) * 3 * sizeof *r.n);
			r.n[3 * nn] = a, r.n[3 * nn + 1] = b, r.n[3 * nn + 2] = c;
			nn++;
		} else if (sscanf(line, "f %u//%u %u//%u %u//%u", &i[0], &j[0], &i[1], &j[1], &i[2],
				  &j[2]) == 6) {
			if (r.nt == capt)
				r.t = realloc(r.t, (capt *= 2) * 3 * sizeof *r.t);
			for (int k = 0; k < 3; k++) {
				ck_assert(i[k] == j[k] && i[k] >= 1);
				r.t[3 * r.nt + k] = i[k] - 1;
			}
			r.nt++;
		} else {
			ck_abort_msg("unexpected OBJ line %s", line);
		}
	}
	ck_assert_uint_eq(nn, r.nv);
	return r;
}

typedef struct welded {
	float p[3];
	uint32_t corner;
} welded;

static int cmp_welded(const void *a, const void *b)
{
	return memcmp(((const welded *)a)->p, ((const welded *)b)->p, 3 * sizeof(float));
}

/* STL stores each triangle's corners; shared vertices are found again by
 * their exact coordinates. */
static rmesh read_stl(FILE *fp, int ascii, float **facet_normals)
{
	rmesh r = {0};
	float *corner = NULL;
	float *fn = NULL;
	if (ascii) {
		char line[256];
		size_t cap = 1024, nc = 0, nf = 0;
		corner = malloc(cap * 3 * sizeof *corner);
		fn = malloc(cap * 3 * sizeof *fn);
		ck_assert(fgets(line, sizeof line, fp) && strcmp(line, "solid ocsdf\n") == 0);
		while (fgets(line, sizeof line, fp)) {
			float a, b, c;
			if (nc + 3 >= cap || nf + 1 >= cap) {
				cap *= 2;
				corner = realloc(corner, cap * 3 * sizeof *corner);
				fn = realloc(fn, cap * 3 * sizeof *fn);
			}
			if (sscanf(line, " vertex %f %f %f", &a, &b, &c) == 3) {
				corner[3 * nc] = a, corner[3 * nc + 1] = b, corner[3 * nc + 2] = c;
				nc++;
			} else if (sscanf(line, "facet normal %f %f %f", &a, &b, &c) == 3) {
				fn[3 * nf] = a, fn[3 * nf + 1] = b, fn[3 * nf + 2] = c;
				nf++;
			}
		}
		ck_assert(nc == 3 * nf);
		r.nt = nf;
		ck_assert(strcmp(line, "endsolid ocsdf\n") == 0);
	} else {
		unsigned char h[84];
		read_exact(fp, h, sizeof h);
		ck_assert(memcmp(h, "solid", 5) != 0);
		r.nt = get_u32(h + 80);
		corner = malloc((r.nt + 1) * 9 * sizeof *corner);
		fn = malloc((r.nt + 1) * 3 * sizeof *fn);
		for (size_t i = 0; i < r.nt; i++) {
			unsigned char b[50];
			read_exact(fp, b, sizeof b);
			for (int k = 0; k < 3; k++)
				fn[3 * i + k] = get_f32(b + 4 * k);
			for (int k = 0; k < 9; k++)
				corner[9 * i + k] = get_f32(b + 12 + 4 * k);
		}
		ck_assert(fgetc(fp) == EOF);
	}
	size_t nc = 3 * r.nt;
	welded *w = malloc((nc + 1) * sizeof *w);
	for (size_t i = 0; i < nc; i++) {
		memcpy(w[i].p, corner + 3 * i, sizeof w[i].p);
		w[i].corner = (uint32_t)i;
	}
	qsort(w, nc, sizeof *w, cmp_welded);
	r.v = malloc((nc + 1) * 3 * sizeof *r.v);
	r.t = malloc((nc + 1) * sizeof *r.t);
	for (size_t i = 0; i < nc; i++) {
		if (i == 0 || cmp_welded(&w[i - 1], &w[i]) != 0)
			memcpy(r.v + 3 * r.nv++, w[i].p, sizeof w[i].p);
		r.t[w[i].corner] = (uint32_t)(r.nv - 1);
	}
	free(w);
	free(corner);
	*facet_normals = fn;
	return r;
}

START_TEST(writers_read_back)
{
	shape s = {1, {0, 0, 0}, 0.25, 0.6, 0};
	ocsdf_grid3 g = cube_grid(1, 33);
	ocsdf_mesh m;
	extract(&g, &s, 1, 4, 0, &m, NULL);
	static const struct {
		int format, ascii;
	} cases[] = {{OCSDF_MESHIO_PLY, 0}, {OCSDF_MESHIO_PLY, 1}, {OCSDF_MESHIO_OBJ, 0},
		     {OCSDF_MESHIO_STL, 0}, {OCSDF_MESHIO_STL, 1}};
	for (int c = 0; c < 5; c++) {
		FILE *fp = tmpfile();
		ck_assert(fp);
		ocsdf_error e;
		ck_assert_int_eq(ocsdf_meshio_write(fp, &m, cases[c].format, cases[c].ascii, "t", &e),
				 0);
		rewind(fp);
		float *fn = NULL;
		rmesh r = cases[c].format == OCSDF_MESHIO_PLY   ? read_ply(fp)
			  : cases[c].format == OCSDF_MESHIO_OBJ ? read_obj(fp)
								: read_stl(fp, cases[c].ascii, &fn);
		fclose(fp);
		ck_assert_uint_eq(r.nt, m.nt);
		assert_closed(r.v, r.nv, r.t, r.nt, 0);
		ck_assert_uint_eq(r.nv, m.nv);
		if (cases[c].format != OCSDF_MESHIO_STL) {
			/* Same vertices, normals and triangles, bit for bit. */
			ck_assert(memcmp(r.v, m.v, m.nv * 3 * sizeof(float)) == 0);
			ck_assert(memcmp(r.n, m.normal, m.nv * 3 * sizeof(float)) == 0);
			ck_assert(memcmp(r.t, m.tri, m.nt * 3 * sizeof(uint32_t)) == 0);
		} else {
			/* Facet normals agree with the winding and point outwards. */
			for (size_t i = 0; i < r.nt; i++) {
				const float *a = r.v + 3 * r.t[3 * i], *b = r.v + 3 * r.t[3 * i + 1],
					    *cc = r.v + 3 * r.t[3 * i + 2];
				double u[3], w[3], cx, cy, cz;
				for (int k = 0; k < 3; k++) {
					u[k] = (double)b[k] - a[k];
					w[k] = (double)cc[k] - a[k];
				}
				cx = u[1] * w[2] - u[2] * w[1];
				cy = u[2] * w[0] - u[0] * w[2];
				cz = u[0] * w[1] - u[1] * w[0];
				ck_assert(cx * fn[3 * i] + cy * fn[3 * i + 1] + cz * fn[3 * i + 2] > 0);
				double gd[3];
				float mid[3];
				for (int k = 0; k < 3; k++)
					mid[k] = (a[k] + b[k] + cc[k]) / 3;
				shape_f(&s, mid, gd);
				ck_assert(-(gd[0] * fn[3 * i] + gd[1] * fn[3 * i + 1] +
					    gd[2] * fn[3 * i + 2]) > 0.5);
			}
		}
		free(fn);
		rmesh_free(&r);
	}
	/* Formats by name and by extension. */
	ck_assert_int_eq(ocsdf_meshio_format("PLY"), OCSDF_MESHIO_PLY);
	ck_assert_int_eq(ocsdf_meshio_format("svg"), -1);
	ck_assert_int_eq(ocsdf_meshio_format_of_path("a/b.c/mesh.Obj"), OCSDF_MESHIO_OBJ);
	ck_assert_int_eq(ocsdf_meshio_format_of_path("x.stl"), OCSDF_MESHIO_STL);
	ck_assert_int_eq(ocsdf_meshio_format_of_path("a.ply/x"), -1);
	ck_assert_int_eq(ocsdf_meshio_format_of_path("noext"), -1);
	ocsdf_mesh_free(&m);
}
END_TEST

START_TEST(writer_reports_full_disk)
{
	FILE *fp = fopen("/dev/full", "w");
	if (!fp)
		return;
	shape s = {0, {0, 0, 0}, 0.5, 0, 0};
	ocsdf_grid3 g = cube_grid(1, 17);
	ocsdf_mesh m;
	extract(&g, &s, 0, 0, 0, &m, NULL);
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_meshio_write(fp, &m, OCSDF_MESHIO_PLY, 0, "/dev/full", &e),
			 OCSDF_EIO);
	ck_assert(strstr(e.msg, "/dev/full"));
	fclose(fp);
	ocsdf_mesh_free(&m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mesh");
	TCase *t = tcase_create("surface");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, sphere_closed);
	tcase_add_test(t, sphere_level);
	tcase_add_test(t, torus_genus_one);
	tcase_add_test(t, level_through_grid_points);
	tcase_add_test(t, closed_at_border);
	tcase_add_test(t, pruned_equals_dense);
	tcase_add_test(t, pruning_saves_work);
	tcase_add_test(t, bad_input);
	suite_add_tcase(s, t);
	t = tcase_create("parts");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, shell_cavity_filled);
	tcase_add_test(t, nested_and_outside_parts);
	tcase_add_test(t, torus_shell_filled);
	tcase_add_test(t, open_parts_kept);
	suite_add_tcase(s, t);
	t = tcase_create("files");
	tcase_add_test(t, writers_read_back);
	tcase_add_test(t, writer_reports_full_disk);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
