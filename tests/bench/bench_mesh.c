/*
 * bench_mesh.c: what Lipschitz pruning saves when extracting a surface.
 *
 * The field is the exact signed distance to a torus (ring radius 0.6, tube
 * radius 0.25) in the box [-1, 1]^3, which is 1-Lipschitz like a trained
 * network.  For each resolution R (grid points per axis) the surface is
 * extracted densely (every grid point) and with pruning; the table gives
 * the field evaluations, the seconds, and whether both meshes are the same
 * bit for bit.  An analytic field costs little per point, so the seconds
 * mostly measure the extraction itself; the evaluations are what a network
 * pays for.
 *
 *   bench_mesh [--leaf B] [R ...]      (default R: 128 256 512)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mesh.h"

static long calls;

static void torus(void *ctx, const float *xyz, int n, float *f)
{
	(void)ctx;
	calls++;
	for (int i = 0; i < n; i++) {
		float x = xyz[3 * i], y = xyz[3 * i + 1], z = xyz[3 * i + 2];
		float a = sqrtf(x * x + y * y) - 0.6f;
		f[i] = 0.25f - sqrtf(a * a + z * z);
	}
}

static void torus_grad(void *ctx, const float *xyz, int n, float *f, float *g)
{
	(void)ctx;
	for (int i = 0; i < n; i++) {
		float x = xyz[3 * i], y = xyz[3 * i + 1], z = xyz[3 * i + 2];
		float q = sqrtf(x * x + y * y), a = q - 0.6f, d = sqrtf(a * a + z * z);
		f[i] = 0.25f - d;
		g[3 * i] = -a / d * x / q;
		g[3 * i + 1] = -a / d * y / q;
		g[3 * i + 2] = -z / d;
	}
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int run(int R, int prune, int leaf, ocsdf_mesh *m, ocsdf_mesh_stats *st, double *secs)
{
	ocsdf_grid3 g = {{-1, -1, -1}, {1, 1, 1}, {R, R, R}};
	ocsdf_mesh_opts o;
	ocsdf_mesh_opts_default(&o);
	o.prune = prune;
	o.lipschitz = 1;
	if (leaf)
		o.leaf = leaf;
	ocsdf_error e;
	double t0 = now();
	int r = ocsdf_mesh_extract(&g, torus, torus_grad, NULL, &o, m, st, &e);
	*secs = now() - t0;
	if (r)
		fprintf(stderr, "bench_mesh: R=%d: %s\n", R, e.msg);
	return r;
}

int main(int argc, char **argv)
{
	int leaf = 0, nres = 0, res[16];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--leaf") == 0 && i + 1 < argc)
			leaf = atoi(argv[++i]);
		else if (nres < 16)
			res[nres++] = atoi(argv[i]);
	}
	if (nres == 0) {
		res[0] = 128, res[1] = 256, res[2] = 512;
		nres = 3;
	}
	printf("| R | mode | field evals | of which probes | share of grid | seconds | "
	       "values MB | triangles | same mesh |\n");
	printf("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (int k = 0; k < nres; k++) {
		int R = res[k];
		ocsdf_mesh dm, pm;
		ocsdf_mesh_stats ds, ps;
		double dt, pt;
		if (run(R, 0, leaf, &dm, &ds, &dt) || run(R, 1, leaf, &pm, &ps, &pt))
			return 1;
		int same = dm.nv == pm.nv && dm.nt == pm.nt &&
			   memcmp(dm.v, pm.v, dm.nv * 3 * sizeof(float)) == 0 &&
			   memcmp(dm.tri, pm.tri, dm.nt * 3 * sizeof(uint32_t)) == 0;
		double grid = (double)R * R * R;
		printf("| %d | dense | %llu | 0 | 100%% | %.2f | %.1f | %zu | |\n", R,
		       (unsigned long long)ds.evals, dt, ds.value_bytes / 1e6, dm.nt);
		printf("| %d | pruned (leaf %d) | %llu | %llu | %.2f%% | %.2f | %.1f | %zu | %s |\n", R,
		       leaf ? leaf : 2, (unsigned long long)ps.evals,
		       (unsigned long long)ps.probe_evals, 100.0 * (double)ps.evals / grid, pt,
		       ps.value_bytes / 1e6, pm.nt, same ? "yes" : "NO");
		fflush(stdout);
		ocsdf_mesh_free(&dm);
		ocsdf_mesh_free(&pm);
		if (!same)
			return 1;
	}
	return 0;
}
