/*
 * oc_baselines.c: the baselines of the one-class ODDS benchmark
 * (tests/bench/odds-oc.sh), fitted on the training rows and scored on the
 * test rows, so that they see exactly what ocsdf-train and ocsdf-score see.
 *
 * All work on the features standardized with the training rows' mean and
 * population standard deviation (ocsdf-train --scale std, scale.h); the
 * column named "label" is left out of the features and copied to the output.
 *
 * - knn: the Euclidean distance from a test row to its k-th nearest
 *   training row (knn.h: blocks of sgemm, memory bounded by the training
 *   rows and one block).
 * - iforest: Isolation Forest (Liu, Ting and Zhou, ICDM 2008): TREES trees,
 *   each grown on SUB training rows drawn without replacement, down to the
 *   height limit ceil(log2 SUB); a node splits on a feature drawn among those
 *   not constant on its rows, at a value uniform between their minimum and
 *   maximum, and is a leaf once it has one row or all its rows are equal.
 *   The score is 2^(-E[h(x)] / c(SUB)), h the depth of the leaf plus c(its
 *   size), c(n) = 2 H(n-1) - 2 (n-1)/n the mean path length of an
 *   unsuccessful search in a binary search tree of n keys (H(i) ~ ln i +
 *   0.5772156649), c(2) = 1, c(1) = c(0) = 0.  Seeded: the same SEED
 *   gives the same forest.
 * - norm: the distance to the training rows' mean (as tests/bench/knn.sh's
 *   norm column for the anomaly-detection protocol).
 * Higher is more anomalous for these three.
 * - support: not a baseline but what ocsdf-train's default distance sampler
 *   fits f to: t = r - d_k, with its default k and quantile for r
 *   (support.h, seeded by SEED); t < 0 outside the support of the training
 *   rows.  Its AUROC is what a perfect fit of that target would reach, and
 *   its sign tells which test rows lie inside the support, where a signed
 *   distance to it ranks rows by depth, not by isolation.
 *
 *   oc_baselines [-k K] [-n TREES] [-m SUB] [-s SEED] TRAIN.csv TEST.csv
 *       writes "knn,iforest,norm,support,label" for each test row on stdout
 *       (defaults: k 5, 100 trees, SUB 256, seed 1)
 *   oc_baselines -t
 *       checks c(n) against its formula, that an obvious outlier gets the
 *       top Isolation Forest score and the top kNN distance, that rows drawn
 *       like the training rows score a little below 0.5, and that a seed
 *       repeats its forest; exit 0 when all hold
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "dataset.h"
#include "knn.h"
#include "model.h"
#include "rng.h"
#include "scale.h"
#include "support.h"
#include "train.h"

#define EULER_GAMMA 0.5772156649015329
#define QUERY_BATCH 256

/* Mean path length of an unsuccessful search among n keys (Liu et al.). */
static double iforest_c(size_t n)
{
	if (n <= 1)
		return 0;
	if (n == 2)
		return 1;
	return 2 * (log((double)(n - 1)) + EULER_GAMMA) - 2.0 * (double)(n - 1) / (double)n;
}

typedef struct itree_node {
	int feat;      /* -1: a leaf */
	float split;   /* rows with x[feat] < split go left */
	int left, right;
	int size;      /* rows that reached a leaf */
} itree_node;

typedef struct iforest {
	int trees, sub, d, nodes_per_tree;
	itree_node *node;  /* trees x nodes_per_tree */
} iforest;

typedef struct grow {
	const float *X;
	int d, limit, used;
	itree_node *node;
	ocsdf_rng *rng;
	int *feats;        /* d scratch: the features not constant on a node */
} grow;

/* Grows the node for rows idx[0..n) at depth depth; returns its index. */
static int itree_grow(grow *g, uint32_t *idx, int n, int depth)
{
	int me = g->used++, nf = 0;
	itree_node *t = &g->node[me];
	t->feat = -1;
	t->size = n;
	if (depth >= g->limit || n <= 1)
		return me;
	for (int j = 0; j < g->d; j++) {
		float lo = g->X[(size_t)idx[0] * g->d + j], hi = lo;
		for (int i = 1; i < n; i++) {
			float v = g->X[(size_t)idx[i] * g->d + j];
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
		if (lo < hi)
			g->feats[nf++] = j;
	}
	if (nf == 0)
		return me;
	int q = g->feats[ocsdf_rng_below(g->rng, (uint64_t)nf)];
	float lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < n; i++) {
		float v = g->X[(size_t)idx[i] * g->d + q];
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	float p = lo + (float)ocsdf_rng_uniform(g->rng) * (hi - lo);
	if (p <= lo)   /* both sides non-empty: lo < p <= hi */
		p = nextafterf(lo, hi);
	int m = 0;
	for (int i = 0; i < n; i++)
		if (g->X[(size_t)idx[i] * g->d + q] < p) {
			uint32_t s = idx[i];
			idx[i] = idx[m];
			idx[m++] = s;
		}
	t->feat = q;
	t->split = p;
	int l = itree_grow(g, idx, m, depth + 1);
	int r = itree_grow(g, idx + m, n - m, depth + 1);
	g->node[me].left = l;
	g->node[me].right = r;
	return me;
}

/* A forest on X (n x d); 0 on success, -1 out of memory. */
static int iforest_fit(iforest *f, const float *X, size_t n, int d, int trees, int sub,
		       uint64_t seed)
{
	if (n < (size_t)sub)
		sub = (int)n;
	int limit = (int)ceil(log2((double)(sub > 1 ? sub : 2)));
	f->trees = trees;
	f->sub = sub;
	f->d = d;
	f->nodes_per_tree = 2 * sub - 1;
	f->node = calloc((size_t)trees * (size_t)f->nodes_per_tree, sizeof *f->node);
	uint32_t *all = malloc(n * sizeof *all);
	int *feats = malloc((size_t)d * sizeof *feats);
	if (!f->node || !all || !feats) {
		free(f->node);
		free(all);
		free(feats);
		return -1;
	}
	ocsdf_rng root;
	ocsdf_rng_seed(&root, seed);
	for (int t = 0; t < trees; t++) {
		ocsdf_rng r = ocsdf_rng_split(&root, (uint64_t)t);
		/* The first sub entries of a partial Fisher-Yates shuffle. */
		for (size_t i = 0; i < n; i++)
			all[i] = (uint32_t)i;
		for (int i = 0; i < sub; i++) {
			size_t j = (size_t)i + (size_t)ocsdf_rng_below(&r, (uint64_t)(n - (size_t)i));
			uint32_t s = all[i];
			all[i] = all[j];
			all[j] = s;
		}
		grow g = { X, d, limit, 0, f->node + (size_t)t * (size_t)f->nodes_per_tree, &r, feats };
		itree_grow(&g, all, sub, 0);
	}
	free(all);
	free(feats);
	return 0;
}

static double iforest_score(const iforest *f, const float *x)
{
	double h = 0;
	for (int t = 0; t < f->trees; t++) {
		const itree_node *node = f->node + (size_t)t * (size_t)f->nodes_per_tree;
		int i = 0, depth = 0;
		while (node[i].feat >= 0) {
			i = x[node[i].feat] < node[i].split ? node[i].left : node[i].right;
			depth++;
		}
		h += depth + iforest_c((size_t)node[i].size);
	}
	double c = iforest_c((size_t)f->sub);
	return c > 0 ? pow(2.0, -(h / f->trees) / c) : 0.5;
}

/* dist[i] = distance from Q[i] (b x d) to the k-th nearest row of X. */
static int knn_scores(const float *X, size_t n, const float *Q, size_t b, int d, int k,
		      float *dist)
{
	ocsdf_knn *x = ocsdf_knn_new(X, n, d, k, QUERY_BATCH);
	if (!x)
		return -1;
	for (size_t i = 0; i < b; i += QUERY_BATCH) {
		int m = b - i < QUERY_BATCH ? (int)(b - i) : QUERY_BATCH;
		ocsdf_knn_query(x, Q + i * (size_t)d, m, k, 0, dist + i);
	}
	ocsdf_knn_free(x);
	return 0;
}

/* t[i] = r - d_k(Q[i]) for the support of the rows X with ocsdf-train's
 * default k and quantile. */
static int support_targets(const float *X, size_t n, const float *Q, size_t b, int d,
			   uint64_t seed, float *t)
{
	ocsdf_train_settings st;
	ocsdf_support s;
	ocsdf_error e;
	ocsdf_train_default_settings(&st);
	if (ocsdf_support_init(&s, X, n, d, st.knn, st.support_quantile, seed, &e))
		return -1;
	for (size_t i = 0; i < b; i += OCSDF_SUPPORT_CHUNK) {
		int m = b - i < OCSDF_SUPPORT_CHUNK ? (int)(b - i) : OCSDF_SUPPORT_CHUNK;
		ocsdf_support_targets(&s, Q + i * (size_t)d, m, t + i);
	}
	ocsdf_support_free(&s);
	return 0;
}

static float norm(const float *x, int d)
{
	double s = 0;
	for (int j = 0; j < d; j++)
		s += (double)x[j] * x[j];
	return (float)sqrt(s);
}

static int self_test(void)
{
	int bad = 0;
	/* c(n) by its formula with the exact harmonic number. */
	double hsum = 0;
	for (int i = 1; i <= 255; i++)
		hsum += 1.0 / i;
	double exact = 2 * hsum - 2.0 * 255 / 256;
	if (iforest_c(0) != 0 || iforest_c(1) != 0 || iforest_c(2) != 1 ||
	    fabs(iforest_c(256) - exact) > 0.01 ||
	    fabs(iforest_c(256) - (2 * (log(255.0) + EULER_GAMMA) - 2.0 * 255 / 256)) > 1e-12) {
		fprintf(stderr, "oc_baselines: c(256) = %.6f, not %.6f\n", iforest_c(256), exact);
		bad = 1;
	}
	/* 1000 standard normal rows in 3 dimensions; queries: 200 more of them and
	 * an outlier at 6 in every coordinate. */
	enum { N = 1000, D = 3, Q = 201 };
	static float X[N * D], T[Q * D];
	ocsdf_rng r;
	ocsdf_rng_seed(&r, 7);
	for (int i = 0; i < N * D; i++)
		X[i] = (float)ocsdf_rng_normal(&r);
	for (int i = 0; i < Q * D; i++)
		T[i] = i < (Q - 1) * D ? (float)ocsdf_rng_normal(&r) : 6.0f;
	iforest f, g;
	if (iforest_fit(&f, X, N, D, 100, 256, 1) || iforest_fit(&g, X, N, D, 100, 256, 1))
		return 1;
	float kd[Q];
	if (knn_scores(X, N, T, Q, D, 5, kd))
		return 1;
	double top = iforest_score(&f, T + (Q - 1) * D), mean = 0;
	for (int i = 0; i < Q - 1; i++) {
		double s = iforest_score(&f, T + i * D);
		mean += s / (Q - 1);
		if (s >= top || kd[i] >= kd[Q - 1]) {
			fprintf(stderr, "oc_baselines: row %d scores %.4f (kNN %.4f) above the outlier's %.4f (kNN %.4f)\n",
				i, s, kd[i], top, kd[Q - 1]);
			bad = 1;
		}
		if (s != iforest_score(&g, T + i * D)) {
			fprintf(stderr, "oc_baselines: the same seed gives another forest\n");
			bad = 1;
		}
	}
	/* The outlier is 6 sqrt(3) ~ 10.4 from the origin: its 5th neighbour is
	 * about 10.4 - 3 away at least, and the forest isolates it in a few
	 * splits.  Rows like the training rows take about c(256) splits, so score
	 * near 2^-1 (Liu et al.: "s << 0.5" for normal, "close to 1" anomalous). */
	if (kd[Q - 1] < 7 || top < 0.7 || mean < 0.35 || mean > 0.5) {
		fprintf(stderr, "oc_baselines: outlier: kNN %.4f, iforest %.4f; mean iforest %.4f\n",
			kd[Q - 1], top, mean);
		bad = 1;
	}
	free(f.node);
	free(g.node);
	if (!bad)
		printf("oc_baselines: self-test passed (c(256) = %.4f, outlier: iforest %.3f, kNN %.2f; "
		       "mean iforest of the others %.3f)\n", iforest_c(256), top, kd[Q - 1], mean);
	return bad;
}

static long number(const char *s, long lo, long hi, char opt)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "oc_baselines: -%c: an integer in [%ld, %ld], not %s\n", opt, lo, hi, s);
		exit(64);
	}
	return v;
}

static void read_or_die(const char *path, const double *mean, const double *std, ocsdf_dataset *ds)
{
	ocsdf_error e;
	ocsdf_dataset_spec spec = { 0 };
	spec.label = "label";
	spec.check_scale = mean != NULL;
	spec.mean = mean;
	spec.std = std;
	int rc = ocsdf_dataset_read(path, &spec, ds, &e);
	if (rc) {
		fprintf(stderr, "oc_baselines: %s\n", e.msg);
		exit(rc);
	}
}

int main(int argc, char **argv)
{
	int k = 5, trees = 100, sub = 256, opt;
	uint64_t seed = 1;
	while ((opt = getopt(argc, argv, "k:n:m:s:t")) != -1) {
		switch (opt) {
		case 'k': k = (int)number(optarg, 1, OCSDF_KNN_MAX_K, 'k'); break;
		case 'n': trees = (int)number(optarg, 1, 100000, 'n'); break;
		case 'm': sub = (int)number(optarg, 2, 1 << 20, 'm'); break;
		case 's': seed = (uint64_t)number(optarg, 0, 0x7fffffffL, 's'); break;
		case 't': return self_test();
		default: return 64;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: oc_baselines [-k K] [-n TREES] [-m SUB] [-s SEED] TRAIN.csv TEST.csv\n"
				"       oc_baselines -t\n");
		return 64;
	}
	ocsdf_dataset tr, te;
	read_or_die(argv[optind], NULL, NULL, &tr);
	if (tr.n <= (size_t)k) {
		fprintf(stderr, "oc_baselines: %s: %zu rows, k = %d needs more\n", argv[optind], tr.n, k);
		return 65;
	}
	int d = tr.d;
	double *mean = malloc((size_t)d * sizeof *mean), *std = malloc((size_t)d * sizeof *std);
	if (!mean || !std)
		return 70;
	ocsdf_scale_fit(tr.X, tr.n, d, OCSDF_SCALE_STD, mean, std);
	read_or_die(argv[optind + 1], mean, std, &te);
	if (te.d != d || !te.labels) {
		fprintf(stderr, "oc_baselines: %s: %d features and a label column needed, as in %s\n",
			argv[optind + 1], d, argv[optind]);
		return 65;
	}
	float *X = malloc(tr.n * (size_t)d * sizeof *X), *T = malloc(te.n * (size_t)d * sizeof *T);
	float *dist = malloc((te.n ? te.n : 1) * sizeof *dist), *t = malloc((te.n ? te.n : 1) * sizeof *t);
	iforest f;
	if (!X || !T || !dist || !t)
		return 70;
	ocsdf_scale_apply(tr.X, tr.n, d, mean, std, X);
	ocsdf_scale_apply(te.X, te.n, d, mean, std, T);
	if (knn_scores(X, tr.n, T, te.n, d, k, dist) || iforest_fit(&f, X, tr.n, d, trees, sub, seed) ||
	    support_targets(X, tr.n, T, te.n, d, seed, t))
		return 70;
	printf("knn,iforest,norm,support,label\n");
	for (size_t i = 0; i < te.n; i++) {
		ocsdf_csv_put_float(stdout, dist[i]);
		putchar(',');
		ocsdf_csv_put_double(stdout, iforest_score(&f, T + i * (size_t)d));
		putchar(',');
		ocsdf_csv_put_float(stdout, norm(T + i * (size_t)d, d));
		putchar(',');
		ocsdf_csv_put_float(stdout, t[i]);
		putchar(',');
		ocsdf_csv_put_field(stdout, te.labels[i], strlen(te.labels[i]));
		putchar('\n');
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "oc_baselines: write error\n");
		return 74;
	}
	free(f.node);
	free(X);
	free(T);
	free(dist);
	free(t);
	free(mean);
	free(std);
	ocsdf_dataset_free(&tr);
	ocsdf_dataset_free(&te);
	return 0;
}
