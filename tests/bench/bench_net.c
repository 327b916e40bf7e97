/*
 * bench_net.c: speed of the network's numerical core against what OpenBLAS
 * sgemm reaches on this machine, for the default network (d = 21, width
 * 512, depth 4, FullSort).
 *
 * Measures, each as the median of REPS samples (a sample repeats a call
 * until it lasts 20 ms), also giving the best sample, the least disturbed
 * by other work on a shared machine: sgemm and ssyrk on the shapes the network uses;
 * one training step's network work (Björck forward and backward of every
 * layer at 15 steps, forward and backward on 256 rows, 4 input-gradient
 * passes on 128 rows) with a breakdown into Björck, GEMMs, sorts and the
 * rest (GEMMs and sorts timed alone on the same shapes); forward-only
 * throughput; the retraction; and FullSort algorithms against qsort.
 * Prints Markdown on stdout.
 *
 *   bench_net [-c] [-r REPS] [-s] [-t THREADS]   defaults: 7, OpenBLAS's own count
 *
 * -s prints only the sgemm 512³ reference, "MEDIAN BEST" in GFLOP/s (used
 * by tests/bench/speed.sh to set a training step's rate against it).
 * -c times by the process's CPU time instead of the wall clock: with one
 * thread (-t 1) that is the time the work itself takes, whatever else the
 * machine runs (OpenBLAS threads spin while idle, so not with more).
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "bjorck.h"
#include "lipnet.h"
#include "rng.h"
#include "sort_act.h"

#define D 21
#define WIDTH 512
#define DEPTH 4
#define BTRAIN 256
#define BNEG 128
#define NEWTON 4
#define CHUNK 4096

static int reps = 7;
static clockid_t clock_id = CLOCK_MONOTONIC;

static double now(void)
{
	struct timespec t;
	clock_gettime(clock_id, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

typedef void (*job)(void *);

/* Best sample of the last timeit call. */
static double last_best;

/* Median seconds per call of f(ctx); the best sample goes to last_best. */
static double timeit(job f, void *ctx)
{
	double s[64];
	int inner = 1;
	f(ctx); /* warm-up: caches, OpenBLAS threads, page faults */
	for (;;) {
		double t = now();
		for (int i = 0; i < inner; i++)
			f(ctx);
		t = now() - t;
		if (t >= 0.02 || inner >= (1 << 20))
			break;
		inner *= t > 0.002 ? 2 : 8;
	}
	int n = reps < 64 ? reps : 64;
	for (int r = 0; r < n; r++) {
		double t = now();
		for (int i = 0; i < inner; i++)
			f(ctx);
		s[r] = (now() - t) / inner;
	}
	qsort(s, (size_t)n, sizeof *s, cmp_double);
	last_best = s[0];
	return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

static float *frand(ocsdf_rng *g, size_t n, double sd)
{
	float *x = aligned_alloc(64, ((n * sizeof(float)) + 63) & ~(size_t)63);
	if (!x) {
		fprintf(stderr, "bench_net: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(sd * ocsdf_rng_normal(g));
	return x;
}

/* ---- BLAS shapes ---- */

enum { GEMM, SYRK, SYMM, SYR2K };

typedef struct {
	int m, n, k, ta, tb, kind;
	const float *a, *b;
	float *c;
} gemm_ctx;

static void run_gemm(void *p)
{
	gemm_ctx *g = p;
	if (g->kind == SYRK) {
		cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, g->n, g->k, 1.0f, g->a, g->n, 0.0f,
			    g->c, g->n);
		return;
	}
	if (g->kind == SYR2K) {
		cblas_ssyr2k(CblasRowMajor, CblasUpper, CblasTrans, g->n, g->k, 1.0f, g->a, g->n, g->b,
			     g->n, 0.0f, g->c, g->n);
		return;
	}
	if (g->kind == SYMM) {
		cblas_ssymm(CblasRowMajor, CblasRight, CblasUpper, g->m, g->n, 1.0f, g->b, g->n, g->a,
			    g->n, 0.0f, g->c, g->n);
		return;
	}
	int lda = g->ta ? g->m : g->k, ldb = g->tb ? g->k : g->n;
	cblas_sgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans, g->tb ? CblasTrans : CblasNoTrans,
		    g->m, g->n, g->k, 1.0f, g->a, lda, g->b, ldb, 0.0f, g->c, g->n);
}

/* Flops of one call: the work done (the symmetric routines form one
 * triangle: ssyrk n(n+1)k, ssyr2k 2n(n+1)k). */
static double call_flops(int m, int n, int k, int kind)
{
	if (kind == SYRK)
		return (double)n * (n + 1) * k;
	if (kind == SYR2K)
		return 2.0 * n * (n + 1) * k;
	return 2.0 * m * n * k;
}

/* GFLOP/s of one shape. */
static double gemm_rate(ocsdf_rng *rg, int m, int n, int k, int ta, int tb, int kind, double *secs,
			double *best_rate)
{
	size_t big = (size_t)(m > k ? m : k) * (size_t)(n > k ? n : k);
	float *a = frand(rg, big, 1), *b = frand(rg, big, 1), *c = frand(rg, (size_t)m * n, 1);
	gemm_ctx g = {m, n, k, ta, tb, kind, a, b, c};
	double t = timeit(run_gemm, &g);
	free(a), free(b), free(c);
	if (secs)
		*secs = t;
	*best_rate = call_flops(m, n, k, kind) / last_best * 1e-9;
	return call_flops(m, n, k, kind) / t * 1e-9;
}

/* ---- the training step ---- */

typedef struct {
	ocsdf_arch a;
	ocsdf_ortho *ortho;
	ocsdf_lipnet *net;
	float *W, *theta, *grad, *dW, *Xt, *Xn, *ft, *fn, *df, *gn;
} step_ctx;

static void bj_fwd(void *p)
{
	step_ctx *s = p;
	ocsdf_ortho_forward(s->ortho, s->W, s->theta, NULL);
}

static void bj_bwd(void *p)
{
	step_ctx *s = p;
	ocsdf_ortho_backward(s->ortho, s->W, s->grad, s->dW);
}

static void train_pass(void *p)
{
	step_ctx *s = p;
	ocsdf_lipnet_forward(s->net, s->theta, s->Xt, BTRAIN, s->ft);
	ocsdf_lipnet_backward(s->net, s->theta, s->df, s->grad, NULL);
}

static void newton_passes(void *p)
{
	step_ctx *s = p;
	for (int t = 0; t < NEWTON; t++)
		ocsdf_lipnet_input_grad(s->net, s->theta, s->Xn, BNEG, s->fn, s->gn);
}

static void whole_step(void *p)
{
	bj_fwd(p);
	newton_passes(p);
	train_pass(p);
	bj_bwd(p);
}

/* The GEMMs of the train and Newton passes alone, same shapes and calls. */
typedef struct {
	float *th, *h, *dz, *dh, *grad, *x;
} pass_gemm_ctx;

static void pass_gemms_rows(pass_gemm_ctx *c, int B, int weights)
{
	/* forward */
	for (int l = 0; l < DEPTH; l++) {
		int k = l ? WIDTH : D;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, WIDTH, k, 1.0f, l ? c->h : c->x, k,
			    c->th, k, 0.0f, c->dz, WIDTH);
	}
	cblas_sgemv(CblasRowMajor, CblasNoTrans, B, WIDTH, 1.0f, c->h, WIDTH, c->th, 1, 0.0f, c->dh, 1);
	/* backward */
	if (weights)
		cblas_sgemv(CblasRowMajor, CblasTrans, B, WIDTH, 1.0f, c->h, WIDTH, c->dz, 1, 1.0f, c->grad,
			    1);
	for (int l = DEPTH - 1; l >= 0; l--) {
		int k = l ? WIDTH : D;
		if (weights)
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, WIDTH, k, B, 1.0f, c->dz, WIDTH,
				    l ? c->h : c->x, k, 1.0f, c->grad, k);
		if (l > 0 || !weights)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, k, WIDTH, 1.0f, c->dz,
				    WIDTH, c->th, k, 0.0f, c->dh, k);
	}
}

static void pass_gemms(void *p)
{
	pass_gemm_ctx *c = p;
	for (int t = 0; t < NEWTON; t++)
		pass_gemms_rows(c, BNEG, 0);
	pass_gemms_rows(c, BTRAIN, 1);
}

/* The sorts of the same passes alone: forward with permutations, then the
 * backward scatter. */
typedef struct {
	float *z, *y, *dy, *bias;
	uint16_t *perm;
	void *work;
	int algo;
} sort_ctx;

static void pass_sorts(void *p)
{
	sort_ctx *c = p;
	for (int t = 0; t < NEWTON + 1; t++) {
		int B = t < NEWTON ? BNEG : BTRAIN;
		for (int l = 0; l < DEPTH; l++) {
			ocsdf_sort_act_forward(OCSDF_ACT_FULLSORT, c->z, c->bias, B, WIDTH, c->y, c->perm,
					       c->work);
			ocsdf_sort_act_backward(c->dy, c->perm, B, WIDTH, c->y, t == NEWTON ? c->bias : 0);
		}
	}
}

/* The BLAS calls of Björck alone: 15 forward steps (ssyrk + ssymm) and 15
 * backward steps (ssyr2k + 2 ssymm) per square layer. */
typedef struct {
	float *x, *p, *y, *t;
	int iters;
} bj_gemm_ctx;

static void bj_gemms(void *q)
{
	bj_gemm_ctx *c = q;
	for (int l = 1; l < DEPTH; l++) {
		for (int k = 0; k < c->iters; k++) {
			cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, WIDTH, WIDTH, 1.0f, c->x, WIDTH,
				    0.0f, c->p, WIDTH);
			cblas_ssymm(CblasRowMajor, CblasRight, CblasUpper, WIDTH, WIDTH, 1.0f, c->p, WIDTH,
				    c->x, WIDTH, 0.0f, c->y, WIDTH);
		}
		for (int k = 0; k < c->iters; k++) {
			cblas_ssyr2k(CblasRowMajor, CblasUpper, CblasTrans, WIDTH, WIDTH, 1.0f, c->x, WIDTH,
				     c->y, WIDTH, 0.0f, c->t, WIDTH);
			cblas_ssymm(CblasRowMajor, CblasRight, CblasUpper, WIDTH, WIDTH, 1.0f, c->p, WIDTH,
				    c->y, WIDTH, 0.0f, c->x, WIDTH);
			cblas_ssymm(CblasRowMajor, CblasRight, CblasUpper, WIDTH, WIDTH, -0.5f, c->t, WIDTH,
				    c->y, WIDTH, 1.0f, c->x, WIDTH);
		}
	}
}

/* ---- forward-only ---- */

typedef struct {
	ocsdf_lipnet *net;
	const float *theta, *x;
	float *f;
	int B, keep;
} fwd_ctx;

static void fwd_only(void *p)
{
	fwd_ctx *c = p;
	if (c->keep)
		ocsdf_lipnet_forward(c->net, c->theta, c->x, c->B, c->f);
	else
		ocsdf_lipnet_eval(c->net, c->theta, c->x, c->B, c->f);
}

/* ---- retraction ---- */

typedef struct {
	ocsdf_ortho *ortho;
	float *theta;
	int iters;
} retract_ctx;

static void retract(void *p)
{
	retract_ctx *c = p;
	ocsdf_ortho_retract(c->ortho, c->theta, c->iters);
}

/* ---- sorts ---- */

typedef struct {
	float v;
	uint16_t i;
} vi;

static int cmp_vi(const void *a, const void *b)
{
	const vi *p = a, *q = b;
	if (p->v != q->v)
		return p->v < q->v ? -1 : 1;
	return (int)p->i - (int)q->i;
}

typedef struct {
	const float *x;
	float *y;
	uint16_t *perm;
	vi *tmp;
	void *work;
	int B, n, algo, act;
} sortb_ctx;

static void sort_qsort(void *p)
{
	sortb_ctx *c = p;
	for (int r = 0; r < c->B; r++) {
		const float *x = c->x + (size_t)r * c->n;
		for (int j = 0; j < c->n; j++)
			c->tmp[j] = (vi){x[j], (uint16_t)j};
		qsort(c->tmp, (size_t)c->n, sizeof *c->tmp, cmp_vi);
		for (int j = 0; j < c->n; j++) {
			c->y[(size_t)r * c->n + j] = c->tmp[j].v;
			c->perm[(size_t)r * c->n + j] = c->tmp[j].i;
		}
	}
}

static void sort_lib(void *p)
{
	sortb_ctx *c = p;
	if (c->act == OCSDF_ACT_GROUPSORT2)
		ocsdf_sort_act_forward(c->act, c->x, NULL, c->B, c->n, c->y, c->perm, c->work);
	else
		ocsdf_fullsort(c->algo, c->x, NULL, c->B, c->n, c->y, c->perm, c->work);
}

static void sort_back(void *p)
{
	sortb_ctx *c = p;
	ocsdf_sort_act_backward(c->x, c->perm, c->B, c->n, c->y, NULL);
}

int main(int argc, char **argv)
{
	int opt, threads = 0, sgemm_only = 0;
	while ((opt = getopt(argc, argv, "cr:st:")) != -1) {
		if (opt == 'c')
			clock_id = CLOCK_PROCESS_CPUTIME_ID;
		else if (opt == 's')
			sgemm_only = 1;
		else if (opt == 'r')
			reps = atoi(optarg);
		else if (opt == 't')
			threads = atoi(optarg);
		else {
			fprintf(stderr, "usage: bench_net [-c] [-r REPS] [-s] [-t THREADS]\n");
			return 64;
		}
	}
	if (reps < 1)
		reps = 1;
	if (threads > 0)
		openblas_set_num_threads(threads);
	ocsdf_rng rg;
	ocsdf_rng_seed(&rg, 42);
	double t0 = now();
	if (sgemm_only) {
		/* -s: the sgemm 512³ reference alone, "MEDIAN BEST" in GFLOP/s,
		 * for benchmarks that compare their own rate with it. */
		double s, best, med = gemm_rate(&rg, 512, 512, 512, 0, 0, GEMM, &s, &best);
		printf("%.1f %.1f\n", med, best);
		return 0;
	}

	printf("Network d=%d, width %d, depth %d, FullSort.  OpenBLAS %s core, %d thread(s); "
	       "FullSort %s.  Medians and best of %d samples of >= 20 ms each, %s.\n\n",
	       D, WIDTH, DEPTH, openblas_get_corename(), openblas_get_num_threads(),
	       ocsdf_sort_act_available(OCSDF_SORT_NETWORK64) ? "AVX-512/AVX2 networks"
	       : ocsdf_sort_act_has_simd()                     ? "AVX2 network"
							       : "radix (no AVX2)",
	       reps, clock_id == CLOCK_MONOTONIC ? "wall clock" : "process CPU time (-c)");

	/* BLAS shapes */
	struct {
		const char *what;
		int m, n, k, ta, tb, kind;
	} shp[] = {
		{"sgemm 512³ (NN), the reference", 512, 512, 512, 0, 0, GEMM},
		{"Björck Gram XᵀX, ssyrk", 512, 512, 512, 0, 0, SYRK},
		{"Björck X·P, ssymm", 512, 512, 512, 0, 0, SYMM},
		{"Björck backward XᵀG + GᵀX, ssyr2k", 512, 512, 512, 0, 0, SYR2K},
		{"hidden layer, 256 rows (X·Θᵀ, NT)", 256, 512, 512, 0, 1, GEMM},
		{"hidden layer, 128 rows (NT)", 128, 512, 512, 0, 1, GEMM},
		{"first layer, 256 rows, K=21 (NT)", 256, 512, 21, 0, 1, GEMM},
		{"weight gradient dzᵀh, K=256 (TN)", 512, 512, 256, 1, 0, GEMM},
		{"scoring chunk, 4096 rows (NT)", 4096, 512, 512, 0, 1, GEMM},
		{"scorer tile, 256 lanes (Θ·tile, NN)", 512, 256, 512, 0, 0, GEMM},
		{"scorer tile, first layer, K=21 (NN)", 512, 256, 21, 0, 0, GEMM},
	};
	enum { NSHP = sizeof shp / sizeof *shp };
	double rate[NSHP], brate[NSHP];
	printf("### BLAS throughput on the network's shapes\n\n");
	printf("| call | M×N×K | ms (median) | GFLOP/s (median) | GFLOP/s (best) |\n"
	       "|---|---|---:|---:|---:|\n");
	for (int i = 0; i < NSHP; i++) {
		double s;
		rate[i] = gemm_rate(&rg, shp[i].m, shp[i].n, shp[i].k, shp[i].ta, shp[i].tb, shp[i].kind,
				    &s, &brate[i]);
		printf("| %s | %d×%d×%d | %.3f | %.1f | %.1f |\n", shp[i].what, shp[i].m, shp[i].n,
		       shp[i].k, s * 1e3, rate[i], brate[i]);
	}
	const double r512 = rate[0], rchunk = rate[8];

	/* the step */
	step_ctx s;
	s.a = (ocsdf_arch){D, WIDTH, DEPTH, OCSDF_ACT_FULLSORT};
	size_t P = ocsdf_arch_nparams(&s.a);
	ocsdf_ortho_opts oo;
	ocsdf_ortho_default_opts(&oo);
	oo.tol = 0; /* every step runs all 15 iterations, as in the FLOP model */
	s.ortho = ocsdf_ortho_new(&s.a, &oo);
	s.net = ocsdf_lipnet_new(&s.a, CHUNK);
	if (!s.ortho || !s.net) {
		fprintf(stderr, "bench_net: out of memory\n");
		return 1;
	}
	s.W = frand(&rg, P, 0);
	ocsdf_lipnet_init(&s.a, &rg, s.W);
	for (size_t i = 0; i < P; i++)
		s.W[i] += (float)(0.01 * ocsdf_rng_normal(&rg));
	s.theta = frand(&rg, P, 0);
	s.grad = frand(&rg, P, 1e-3);
	s.dW = frand(&rg, P, 0);
	s.Xt = frand(&rg, (size_t)BTRAIN * D, 1);
	s.Xn = frand(&rg, (size_t)BNEG * D, 2);
	s.ft = frand(&rg, BTRAIN, 0);
	s.fn = frand(&rg, BNEG, 0);
	s.df = frand(&rg, BTRAIN, 1.0 / BTRAIN);
	s.gn = frand(&rg, (size_t)BNEG * D, 0);
	ocsdf_ortho_forward(s.ortho, s.W, s.theta, NULL);

	/* median and best of each part */
	double t_bf = timeit(bj_fwd, &s), b_bf = last_best;
	double t_bb = timeit(bj_bwd, &s), b_bb = last_best;
	double t_tr = timeit(train_pass, &s), b_tr = last_best;
	double t_nw = timeit(newton_passes, &s), b_nw = last_best;
	double t_step = timeit(whole_step, &s), b_step = last_best;

	const double n3 = (double)WIDTH * WIDTH * WIDTH, K = oo.iters;
	const double mn2_first = (double)WIDTH * D * D;
	/* Björck, per step: ssyrk m·n·(n+1) and ssymm 2mn² forward; ssyr2k
	 * 2m·n·(n+1) and 2 ssymm backward. */
	const double nn1 = (double)WIDTH * WIDTH * (WIDTH + 1);
	double f_bf = K * ((DEPTH - 1) * (nn1 + 2 * n3) + 3 * mn2_first);
	double f_bb = K * ((DEPTH - 1) * (2 * nn1 + 4 * n3) + 6 * mn2_first);
	double F = 2.0 * (D * WIDTH + (DEPTH - 1) * (double)WIDTH * WIDTH + WIDTH); /* per row */
	double f_tr = BTRAIN * (F + 2 * F - 2.0 * D * WIDTH); /* no dx of the first layer */
	double f_nw = NEWTON * BNEG * 2 * F;
	double f_step = f_bf + f_bb + f_tr + f_nw;
	/* the roofline model's count (4mn² per forward step, sgemm Gram) */
	double f_model = K * (DEPTH - 1) * 10 * n3 + f_tr + f_nw;

	/* isolated GEMMs and sorts of the passes, and of Björck */
	pass_gemm_ctx pg = {frand(&rg, (size_t)WIDTH * WIDTH, 0.04), frand(&rg, (size_t)BTRAIN * WIDTH, 1),
			    frand(&rg, (size_t)BTRAIN * WIDTH, 1), frand(&rg, (size_t)BTRAIN * WIDTH, 1),
			    frand(&rg, (size_t)WIDTH * WIDTH, 0), frand(&rg, (size_t)BTRAIN * WIDTH, 1)};
	timeit(pass_gemms, &pg);
	double b_pg = last_best;
	sort_ctx sc = {frand(&rg, (size_t)BTRAIN * WIDTH, 1), frand(&rg, (size_t)BTRAIN * WIDTH, 0),
		       frand(&rg, (size_t)BTRAIN * WIDTH, 1), frand(&rg, WIDTH, 1),
		       malloc((size_t)BTRAIN * WIDTH * sizeof(uint16_t)),
		       aligned_alloc(64, (ocsdf_sort_act_work_size(WIDTH) + 63) & ~(size_t)63),
		       OCSDF_SORT_AUTO};
	timeit(pass_sorts, &sc);
	double b_ps = last_best;
	bj_gemm_ctx bg = {frand(&rg, (size_t)WIDTH * WIDTH, 0.04), frand(&rg, (size_t)WIDTH * WIDTH, 0.04),
			  frand(&rg, (size_t)WIDTH * WIDTH, 0.04), frand(&rg, (size_t)WIDTH * WIDTH, 0.04),
			  oo.iters};
	timeit(bj_gemms, &bg);
	double b_bg = last_best;

	/* ideal: every FLOP at the best rate measured for its shape */
	double ideal_bf = K * (DEPTH - 1) * (nn1 / (brate[1] * 1e9) + 2 * n3 / (brate[2] * 1e9));
	double ideal_bb = K * (DEPTH - 1) * (2 * nn1 / (brate[3] * 1e9) + 4 * n3 / (brate[2] * 1e9));
	double ideal_tr = f_tr / (brate[4] * 1e9), ideal_nw = f_nw / (brate[5] * 1e9);
	double ideal = ideal_bf + ideal_bb + ideal_tr + ideal_nw;

	printf("\n### One training step's network work\n\n");
	printf("Björck at %d steps (tolerance 0) on W = orthogonal + N(0, 0.01²), power-iteration "
	       "scale; the passes with FullSort.  FLOPs count the work done (the symmetric BLAS "
	       "routines form one triangle).  \"ideal\" puts every FLOP at the best rate measured "
	       "above for its shape.\n\n",
	       oo.iters);
	printf("| part | GFLOP | ms (median) | GFLOP/s (median) | ms (best) | GFLOP/s (best) | ideal ms |\n"
	       "|---|---:|---:|---:|---:|---:|---:|\n");
#define ROW(name, f, t, b, id)                                                                     \
	printf("| %s | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", name, (f) * 1e-9, (t) * 1e3,   \
	       (f) / (t) * 1e-9, (b) * 1e3, (f) / (b) * 1e-9, (id) * 1e3)
	ROW("Björck forward, all layers", f_bf, t_bf, b_bf, ideal_bf);
	ROW("Björck backward, all layers", f_bb, t_bb, b_bb, ideal_bb);
	ROW("forward + backward, 256 rows", f_tr, t_tr, b_tr, ideal_tr);
	ROW("4 input-gradient passes, 128 rows", f_nw, t_nw, b_nw, ideal_nw);
	ROW("**whole step, as one sequence**", f_step, t_step, b_step, ideal);
#undef ROW
	printf("\nsgemm 512³ reference: %.1f GFLOP/s median, %.1f best.  Whole step: %.1f GFLOP/s "
	       "median = **%.0f%%** of the median sgemm rate; best %.1f GFLOP/s = **%.0f%%** of the "
	       "best sgemm rate; ideal/best time = %.0f%%.  Counted as the roofline model does (sgemm "
	       "for the Gram, 4mn² per forward step: %.1f GFLOP per step), the best sample is "
	       "%.1f GFLOP/s-equivalent.\n\n",
	       r512, brate[0], f_step / t_step * 1e-9, 100 * f_step / t_step * 1e-9 / r512,
	       f_step / b_step * 1e-9, 100 * f_step / b_step * 1e-9 / brate[0], 100 * ideal / b_step,
	       f_model * 1e-9, f_model / b_step * 1e-9);

	double bj = b_bf + b_bb, passes = b_tr + b_nw;
	double other_bj = bj - b_bg, other_p = passes - b_pg - b_ps;
	printf("Where the time goes, from the best samples (the BLAS calls and the sorts timed "
	       "alone on the same shapes; \"other\" is the part's time minus those: residuals, "
	       "scaling, power iteration, copies, output layer, gradient scatter):\n\n");
	printf("| | ms | share of the parts |\n|---|---:|---:|\n");
	double tot = bj + passes;
	printf("| Björck BLAS calls (ssyrk, ssymm, ssyr2k) | %.1f | %.1f%% |\n", b_bg * 1e3,
	       100 * b_bg / tot);
	printf("| Björck other | %.1f | %.1f%% |\n", other_bj * 1e3, 100 * other_bj / tot);
	printf("| network-pass GEMMs | %.2f | %.1f%% |\n", b_pg * 1e3, 100 * b_pg / tot);
	printf("| sorts (%d rows sorted with positions, and the scatters back) | %.2f | %.1f%% |\n",
	       DEPTH * (BTRAIN + NEWTON * BNEG), b_ps * 1e3, 100 * b_ps / tot);
	printf("| network-pass other | %.2f | %.1f%% |\n", other_p * 1e3, 100 * other_p / tot);
	printf("| sum of the parts | %.1f | |\n\n", tot * 1e3);

	/* forward-only */
	printf("### Forward-only throughput (scoring)\n\n");
	printf("Inputs N(0,1), d=%d.  Ideal: sgemm on the %d-row chunk shape (%.1f GFLOP/s median, "
	       "%.1f best) over %.3f MFLOP per row.\n\n",
	       D, CHUNK, rchunk, brate[8], F * 1e-6);
	printf("| call | rows per call | rows/s (median) | of the ideal | rows/s (best) | of the ideal "
	       "(best sgemm) |\n|---|---:|---:|---:|---:|---:|\n");
	float *Xs = frand(&rg, (size_t)CHUNK * D, 1), *fs = frand(&rg, CHUNK, 0);
	int chunks[] = {CHUNK, BTRAIN};
	for (int ci = 0; ci < 2; ci++)
		for (int keep = 0; keep < 2; keep++) {
			fwd_ctx fc = {s.net, s.theta, Xs, fs, chunks[ci], keep};
			double t = timeit(fwd_only, &fc);
			double rows = chunks[ci] / t, ideal_rows = rchunk * 1e9 / F;
			double brows = chunks[ci] / last_best, bideal = brate[8] * 1e9 / F;
			printf("| %s | %d | %.0f | %.0f%% | %.0f | %.0f%% |\n",
			       keep ? "ocsdf_lipnet_forward (keeps permutations)" : "ocsdf_lipnet_eval",
			       chunks[ci], rows, 100 * rows / ideal_rows, brows, 100 * brows / bideal);
		}

	/* retraction */
	printf("\n### Retraction (--ortho retract) on the same network\n\n");
	printf("| steps | GFLOP | ms (median) | ms (best) | GFLOP/s (best) |\n|---:|---:|---:|---:|---:|\n");
	for (int it = 1; it <= 3; it++) {
		float *th = frand(&rg, P, 0);
		memcpy(th, s.theta, P * sizeof *th);
		retract_ctx rc = {s.ortho, th, it};
		double t = timeit(retract, &rc);
		double f = it * ((DEPTH - 1) * (nn1 + 2 * n3) + 3 * mn2_first);
		printf("| %d | %.2f | %.2f | %.2f | %.1f |\n", it, f * 1e-9, t * 1e3, last_best * 1e3,
		       f / last_best * 1e-9);
		free(th);
	}

	/* sorts */
	printf("\n### Sorting %d rows of %d floats (N(0,1)), one thread\n\n", BTRAIN, WIDTH);
	printf("| method | ms (median) | µs per row (median) | µs per row (best) | per step (%d "
	       "sorts), ms (best) |\n|---|---:|---:|---:|---:|\n",
	       DEPTH * (BTRAIN + NEWTON * BNEG));
	sortb_ctx sb = {sc.z, sc.y, sc.perm, malloc(WIDTH * sizeof(vi)), sc.work, BTRAIN, WIDTH, 0,
			OCSDF_ACT_FULLSORT};
	struct {
		const char *what;
		job f;
		int algo, act, perm;
	} sorts[] = {
		{"qsort of (value, position) pairs", sort_qsort, 0, 0, 1},
		{"radix argsort (4 × 8 bits)", sort_lib, OCSDF_SORT_RADIX, OCSDF_ACT_FULLSORT, 1},
		{"network with positions (AVX2, 8 rows/vector)", sort_lib, OCSDF_SORT_NETWORK,
		 OCSDF_ACT_FULLSORT, 1},
		{"network with positions (AVX-512, key and position in 64 bits)", sort_lib,
		 OCSDF_SORT_NETWORK64, OCSDF_ACT_FULLSORT, 1},
		{"network, values only (AVX2)", sort_lib, OCSDF_SORT_NETWORK, OCSDF_ACT_FULLSORT, 0},
		{"network, values only (AVX-512VL registers)", sort_lib, OCSDF_SORT_NETWORK64,
		 OCSDF_ACT_FULLSORT, 0},
		{"GroupSort2 with positions", sort_lib, 0, OCSDF_ACT_GROUPSORT2, 1},
		{"backward scatter through a permutation", sort_back, 0, 0, 1},
	};
	uint16_t *permkeep = sb.perm;
	for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++) {
		sb.algo = sorts[i].algo;
		sb.act = sorts[i].act;
		sb.perm = sorts[i].perm ? permkeep : NULL;
		if (sorts[i].f == sort_back)
			ocsdf_fullsort(OCSDF_SORT_AUTO, sc.z, NULL, BTRAIN, WIDTH, sc.y, permkeep, sc.work);
		if (sorts[i].algo && !ocsdf_sort_act_available(sorts[i].algo))
			continue;
		double t = timeit(sorts[i].f, &sb);
		printf("| %s | %.3f | %.2f | %.2f | %.1f |\n", sorts[i].what, t * 1e3, t * 1e6 / BTRAIN,
		       last_best * 1e6 / BTRAIN, last_best / BTRAIN * DEPTH * (BTRAIN + NEWTON * BNEG) * 1e3);
	}
	printf("\n(bench_net ran in %.0f s%s.)\n", now() - t0,
	       clock_id == CLOCK_MONOTONIC ? "" : " of CPU time");
	return 0;
}
