/*
 * stats.h: ranks, the Spearman correlation and the AUROC, for the benchmark
 * programs.  One thread: the ranking goes through qsort, which has no
 * context argument.
 */
#ifndef OCSDF_BENCH_STATS_H
#define OCSDF_BENCH_STATS_H

#include <math.h>
#include <stdlib.h>

#include "roc.h"

/* The values being ranked. */
static const double *rank_key;

static inline int rank_cmp(const void *a, const void *b)
{
	double x = rank_key[*(const int *)a], y = rank_key[*(const int *)b];
	return (x > y) - (x < y);
}

/* Ranks 1..n of v with ties averaged. */
static inline void ranks(const double *v, int n, int *idx, double *rank)
{
	for (int i = 0; i < n; i++)
		idx[i] = i;
	rank_key = v;
	qsort(idx, (size_t)n, sizeof(int), rank_cmp);
	for (int i = 0; i < n;) {
		int j = i;
		while (j + 1 < n && v[idx[j + 1]] == v[idx[i]])
			j++;
		for (int t = i; t <= j; t++)
			rank[idx[t]] = 0.5 * (i + j) + 1;
		i = j + 1;
	}
}

static inline double pearson(const double *a, const double *b, int n)
{
	double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
	for (int i = 0; i < n; i++) {
		ma += a[i];
		mb += b[i];
	}
	ma /= n;
	mb /= n;
	for (int i = 0; i < n; i++) {
		sab += (a[i] - ma) * (b[i] - mb);
		saa += (a[i] - ma) * (a[i] - ma);
		sbb += (b[i] - mb) * (b[i] - mb);
	}
	return sab / sqrt(saa * sbb);
}

static inline double spearman(const double *a, const double *b, int n)
{
	int *idx = malloc(sizeof(int) * (size_t)n);
	double *ra = malloc(sizeof(double) * (size_t)n), *rb = malloc(sizeof(double) * (size_t)n);
	double rho = NAN;
	if (idx && ra && rb) {
		ranks(a, n, idx, ra);
		ranks(b, n, idx, rb);
		rho = pearson(ra, rb, n);
	}
	free(idx);
	free(ra);
	free(rb);
	return rho;
}

/* The AUROC (%) of score for the rows flagged in anom (roc.h: higher is
 * more normal); NAN with a single class. */
static inline double auroc_percent(const double *score, const unsigned char *anom, size_t n)
{
	ocsdf_roc *roc;
	ocsdf_error e;
	double a = NAN;
	if (ocsdf_roc_new(score, anom, n, &roc, &e) == 0) {
		a = 100 * ocsdf_roc_auroc(roc, 0);
		ocsdf_roc_free(roc);
	}
	return a;
}

#endif
