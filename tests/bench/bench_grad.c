/*
 * bench_grad.c: where on the rows a model's f uses its Lipschitz budget.
 *
 * Scores the rows of a CSV under a model (their feature columns, by the
 * model's names) with the gradient of f in the model's units, and prints
 * one line per band of f relative to the largest f over the rows: the
 * rows below 0, then four bands of equal width from 0 to that largest
 * value, each with its count, its share of the rows and the mean |∇f|
 * of its rows.  A distance to the edge of the support
 * has slope 1 everywhere but on its ridges and at its summit; a smooth
 * network rounds those, so the band next to the largest f shows how much
 * of the rows lie where the rounding costs the slope.
 *
 *   bench_grad MODEL CSV
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dataset.h"
#include "model.h"
#include "score.h"

#define BANDS 4

int main(int argc, char **argv)
{
	ocsdf_model *m;
	ocsdf_error e;
	ocsdf_dataset ds;
	ocsdf_dataset_spec spec = {0};
	ocsdf_scorer *sc;
	float *f, *g;
	double top = 0, sum[BANDS + 2] = {0}, all = 0;
	long count[BANDS + 2] = {0};
	int d;

	if (argc != 3) {
		fputs("usage: bench_grad MODEL CSV\n", stderr);
		return 64;
	}
	if (ocsdf_model_load(argv[1], &m, &e)) {
		fprintf(stderr, "bench_grad: %s\n", e.msg);
		return 1;
	}
	d = m->arch.d;
	spec.names = (const char *const *)m->names;
	spec.n_names = d;
	if (ocsdf_dataset_read(argv[2], &spec, &ds, &e)) {
		fprintf(stderr, "bench_grad: %s\n", e.msg);
		return 1;
	}
	if (ds.n == 0 || ds.n > (size_t)1 << 28) {
		fprintf(stderr, "bench_grad: %s: %zu rows\n", argv[2], ds.n);
		return 1;
	}
	f = malloc(ds.n * sizeof *f);
	g = malloc(ds.n * (size_t)d * sizeof *g);
	sc = ocsdf_scorer_new(m, OCSDF_SCORE_TILE);
	if (!f || !g || !sc) {
		fputs("bench_grad: out of memory\n", stderr);
		return 1;
	}
	ocsdf_scorer_grad(sc, ds.X, (int)ds.n, f, g);
	for (size_t i = 0; i < ds.n; i++)
		top = fmax(top, f[i]);
	for (size_t i = 0; i < ds.n; i++) {
		double q = 0;
		int b;
		/* g is with respect to the raw inputs: x = mean + std z. */
		for (int j = 0; j < d; j++) {
			double v = (double)g[i * (size_t)d + (size_t)j] * m->std[j];
			q += v * v;
		}
		q = sqrt(q);
		/* top is 0 only when no row is above 0: those at 0 go to
		 * the first band. */
		b = f[i] < 0 ? 0 : 1 + (top > 0 ? (int)fmin(BANDS - 1, floor(BANDS * f[i] / top)) : 0);
		count[b]++;
		sum[b] += q;
		all += q;
	}
	printf("rows %zu, largest f %.4f, mean |grad f| %.4f\n", ds.n, top, all / (double)ds.n);
	for (int b = 0; b <= BANDS; b++) {
		if (b == 0)
			printf("f < 0");
		else
			printf("f/max in [%.2f, %.2f%c", (b - 1) / (double)BANDS, b / (double)BANDS,
			       b == BANDS ? ']' : ')');
		printf(": %ld rows (%.1f%%), mean |grad f| %s", count[b], 100.0 * (double)count[b] / (double)ds.n,
		       count[b] ? "" : "-\n");
		if (count[b])
			printf("%.4f\n", sum[b] / (double)count[b]);
	}
	ocsdf_scorer_free(sc);
	ocsdf_dataset_free(&ds);
	ocsdf_model_free(m);
	free(f);
	free(g);
	return 0;
}
