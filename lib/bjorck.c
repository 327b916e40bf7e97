/*
 * bjorck.c: orthonormal projection by Björck iterations, its exact
 * backward pass and the retraction (see bjorck.h for the maths).
 *
 * Every matrix is handled as a tall problem A (m x n, m >= n, row-major):
 * W itself, or Wᵀ for wide W, transposed into a scratch buffer.  One step
 * costs S = XᵀX (n x n, ssyrk: half the flops of sgemm) and Y = X·P with
 * P = 1.5 I − 0.5 S (ssymm); the forward pass keeps X_k and P_k of every
 * step.  Reverse mode through a step Y = X P, given G = dL/dY:
 *     dL/dX = G P − 0.5 X (T + Tᵀ),   T = XᵀG,
 * with T + Tᵀ from one ssyr2k and the two products from ssymm.  Only the
 * upper triangle of a symmetric matrix is ever formed or read: mirroring a
 * 512 x 512 matrix costs half as much as a product with it.  Reductions
 * (norms, residuals) are in double.
 */
#include "bjorck.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* deel-lip's power-iteration stopping threshold on ||u − u_old||. */
#define POWER_EPS 1e-3

typedef struct layer {
	int rows, cols; /* of W in the flat buffer */
	int m, n;       /* of the tall problem A */
	int wide;       /* A = Wᵀ */
	int out;        /* the output row: plain normalisation */
	size_t off;     /* matrix offset; the bias follows it */
	float *xs;      /* iters slots of m*n floats: X_0 .. X_{K-1} */
	float *ps;      /* iters slots of n*n floats: P_0 .. P_{K-1} */
	float *u;       /* power vector (n) of the last forward */
	float *v;       /* A u / ||A u|| of the last forward (m) */
	double s;       /* scale of the last forward: X_0 = A / s */
	int scaled;     /* 0 when s fell back to 1 (A zero or not finite) */
	int iters;      /* steps taken in the last forward */
	int have_u;     /* u holds a usable vector */
} layer;

struct ocsdf_ortho {
	ocsdf_arch a;
	ocsdf_ortho_opts o;
	int nl;
	layer *L;
	float *ga, *gb, *gc; /* m*n scratch each, for the largest layer */
	float *t;            /* n*n scratch */
	float *un;           /* n scratch for the power iteration */
	int ran;             /* a forward call happened */
	int retracted;       /* most iterations a layer took in the last retraction */
};

void ocsdf_ortho_default_opts(ocsdf_ortho_opts *o)
{
	o->iters = 15;
	o->tol = 1e-6;
	o->power_iters = 10;
}

static void *falloc(size_t nfloats)
{
	size_t bytes = (nfloats * sizeof(float) + 63) & ~(size_t)63;
	return aligned_alloc(64, bytes ? bytes : 64);
}

void ocsdf_ortho_free(ocsdf_ortho *t)
{
	if (!t)
		return;
	if (t->L)
		for (int l = 0; l < t->nl; l++) {
			free(t->L[l].xs);
			free(t->L[l].ps);
			free(t->L[l].u);
			free(t->L[l].v);
		}
	free(t->L);
	free(t->ga);
	free(t->gb);
	free(t->gc);
	free(t->t);
	free(t->un);
	free(t);
}

ocsdf_ortho *ocsdf_ortho_new(const ocsdf_arch *a, const ocsdf_ortho_opts *o)
{
	if (ocsdf_arch_check(a))
		return 0;
	ocsdf_ortho_opts opts;
	if (o)
		opts = *o;
	else
		ocsdf_ortho_default_opts(&opts);
	if (opts.iters < 0 || opts.iters > 1000 || !(opts.tol >= 0) || opts.power_iters < 0 ||
	    opts.power_iters > 1000)
		return 0;
	ocsdf_ortho *t = calloc(1, sizeof *t);
	if (!t)
		return 0;
	t->a = *a;
	t->o = opts;
	t->nl = ocsdf_arch_nlayers(a);
	t->L = calloc((size_t)t->nl, sizeof *t->L);
	if (!t->L)
		goto fail;
	size_t mn_max = 1, nn_max = 1, n_max = 1;
	for (int l = 0; l < t->nl; l++) {
		layer *y = &t->L[l];
		y->rows = ocsdf_arch_rows(a, l);
		y->cols = ocsdf_arch_cols(a, l);
		y->off = ocsdf_arch_offset(a, l);
		y->out = l == a->depth;
		y->wide = y->rows < y->cols;
		y->m = y->wide ? y->cols : y->rows;
		y->n = y->wide ? y->rows : y->cols;
		if (y->out)
			continue;
		size_t mn = (size_t)y->m * y->n, nn = (size_t)y->n * y->n;
		if (mn > mn_max)
			mn_max = mn;
		if (nn > nn_max)
			nn_max = nn;
		if ((size_t)y->m > n_max)
			n_max = (size_t)y->m;
		size_t k = opts.iters ? (size_t)opts.iters : 1;
		y->xs = falloc(k * mn);
		y->ps = falloc(k * nn);
		y->u = falloc((size_t)y->n);
		y->v = falloc((size_t)y->m);
		if (!y->xs || !y->ps || !y->u || !y->v)
			goto fail;
	}
	t->ga = falloc(mn_max);
	t->gb = falloc(mn_max);
	t->gc = falloc(mn_max);
	t->t = falloc(nn_max);
	t->un = falloc(n_max);
	if (!t->ga || !t->gb || !t->gc || !t->t || !t->un)
		goto fail;
	return t;
fail:
	ocsdf_ortho_free(t);
	return 0;
}

/* dst (cols x rows) = srcᵀ, src rows x cols, both row-major; blocked so
 * that both sides stay in cache. */
static void transpose(const float *src, int rows, int cols, float *dst)
{
	enum { TB = 32 };
	for (int i0 = 0; i0 < rows; i0 += TB)
		for (int j0 = 0; j0 < cols; j0 += TB) {
			int i1 = i0 + TB < rows ? i0 + TB : rows;
			int j1 = j0 + TB < cols ? j0 + TB : cols;
			for (int i = i0; i < i1; i++)
				for (int j = j0; j < j1; j++)
					dst[(size_t)j * rows + i] = src[(size_t)i * cols + j];
		}
}

static double norm2(const float *x, size_t k)
{
	double s = 0;
	for (size_t i = 0; i < k; i++)
		s += (double)x[i] * x[i];
	return sqrt(s);
}

static double dot(const float *x, const float *y, size_t k)
{
	double s = 0;
	for (size_t i = 0; i < k; i++)
		s += (double)x[i] * y[i];
	return s;
}

/* A fixed start for the power iteration: pseudo-random, so that it is not
 * orthogonal to the top singular vector by construction. */
static void power_start(float *u, int n, int l)
{
	ocsdf_rng g;
	ocsdf_rng_seed(&g, 0x706f776572ULL + (uint64_t)l);
	for (int i = 0; i < n; i++)
		u[i] = (float)ocsdf_rng_normal(&g);
	double nu = norm2(u, (size_t)n);
	for (int i = 0; i < n; i++)
		u[i] = (float)(u[i] / nu);
}

/* s = ||A u|| after at most `iters` power iterations on AᵀA; v = A u / s.
 * Every call starts from the same fixed vector rather than the last call's
 * u: Π(W) then depends on W alone, so a resumed training run reproduces the
 * uninterrupted one bit for bit.  The iterations are matrix-vector products,
 * negligible against Björck's matrix products. */
static double power_scale(layer *y, const float *A, float *un, int iters, int l)
{
	int m = y->m, n = y->n;
	power_start(y->u, n, l);
	y->have_u = 1;
	for (int it = 0; it < iters; it++) {
		cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, 1.0f, A, n, y->u, 1, 0.0f, y->v, 1);
		double nv = norm2(y->v, (size_t)m);
		if (!(nv > 0) || !isfinite(nv))
			break;
		for (int i = 0; i < m; i++)
			y->v[i] = (float)(y->v[i] / nv);
		cblas_sgemv(CblasRowMajor, CblasTrans, m, n, 1.0f, A, n, y->v, 1, 0.0f, un, 1);
		double nu = norm2(un, (size_t)n);
		if (!(nu > 0) || !isfinite(nu))
			break;
		double diff = 0;
		for (int i = 0; i < n; i++) {
			float w = (float)(un[i] / nu);
			diff += ((double)w - y->u[i]) * ((double)w - y->u[i]);
			y->u[i] = w;
		}
		if (sqrt(diff) < POWER_EPS)
			break;
	}
	cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, 1.0f, A, n, y->u, 1, 0.0f, y->v, 1);
	double s = norm2(y->v, (size_t)m);
	if (s > 0 && isfinite(s))
		for (int i = 0; i < m; i++)
			y->v[i] = (float)(y->v[i] / s);
	else
		y->have_u = 0;
	return s;
}

/* Upper triangle of S = XᵀX into P (n x n, ssyrk: half the flops of
 * sgemm); returns ||S − I||_F and turns that triangle into 1.5 I − 0.5 S.
 * The lower triangle is not used. */
static double gram_step(const float *X, int m, int n, float *P)
{
	cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, n, m, 1.0f, X, n, 0.0f, P, n);
	double r = 0;
	for (int i = 0; i < n; i++) {
		float *pi = P + (size_t)i * n;
		double e = (double)pi[i] - 1.0;
		r += e * e;
		pi[i] = 1.5f - 0.5f * pi[i];
		/* Eight float partial sums let the compiler vectorise; a row
		 * has at most a few thousand terms, plenty precise for a
		 * stopping test. */
		float acc[8] = {0};
		int j = i + 1;
		for (; j + 8 <= n; j += 8)
			for (int q = 0; q < 8; q++) {
				acc[q] += pi[j + q] * pi[j + q];
				pi[j + q] *= -0.5f;
			}
		double off = 0;
		for (int q = 0; q < 8; q++)
			off += acc[q];
		for (; j < n; j++) {
			off += (double)pi[j] * pi[j];
			pi[j] *= -0.5f;
		}
		r += 2.0 * off;
	}
	return sqrt(r);
}

/* Y = X P for P symmetric (upper triangle). */
static void times_sym(const float *X, int m, int n, const float *P, float alpha, float beta, float *Y)
{
	cblas_ssymm(CblasRowMajor, CblasRight, CblasUpper, m, n, alpha, P, n, X, n, beta, Y, n);
}

/* max |XᵀX − I| with the Gram matrix (upper triangle) from ssyrk into T. */
static double gram_error(const float *X, int m, int n, float *T)
{
	cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, n, m, 1.0f, X, n, 0.0f, T, n);
	double e = 0;
	for (int i = 0; i < n; i++)
		for (int j = i; j < n; j++) {
			double d = fabs((double)T[(size_t)i * n + j] - (i == j));
			if (d > e || d != d)
				e = d;
		}
	return e;
}

/* Bound on ||ΘᵀΘ − I||_F after one step from residual r. */
static double step_bound(double r)
{
	return (0.75 + 0.25 * r) * r * r;
}

static void forward_out(layer *y, const float *W, float *theta, ocsdf_ortho_stats *st)
{
	int k = y->cols;
	double nw = norm2(W + y->off, (size_t)k);
	y->s = nw > 0 && isfinite(nw) ? nw : 1.0;
	y->scaled = nw > 0 && isfinite(nw);
	for (int i = 0; i < k; i++)
		theta[y->off + i] = (float)(W[y->off + i] / y->s);
	y->iters = 0;
	if (st) {
		double e = fabs(dot(theta + y->off, theta + y->off, (size_t)k) - 1.0);
		if (e > st->error || e != e)
			st->error = e;
	}
}

static void forward_matrix(ocsdf_ortho *t, int l, const float *W, float *theta,
			   ocsdf_ortho_stats *st)
{
	layer *y = &t->L[l];
	int m = y->m, n = y->n, K = t->o.iters;
	size_t mn = (size_t)m * n;
	const float *A = W + y->off;
	if (y->wide) {
		transpose(W + y->off, y->rows, y->cols, t->ga);
		A = t->ga;
	}
	float *dest = y->wide ? t->gb : theta + y->off;

	double s = t->o.power_iters > 0 ? power_scale(y, A, t->un, t->o.power_iters, l)
					: norm2(A, mn);
	y->scaled = s > 0 && isfinite(s);
	y->s = y->scaled ? s : 1.0;
	float *x0 = K > 0 ? y->xs : dest;
	float is = (float)(1.0 / y->s);
	for (size_t i = 0; i < mn; i++)
		x0[i] = A[i] * is;

	y->iters = 0;
	for (int k = 0; k < K; k++) {
		float *X = y->xs + (size_t)k * mn;
		float *P = y->ps + (size_t)k * n * n;
		double r = gram_step(X, m, n, P);
		int last = k == K - 1 || (t->o.tol > 0 && step_bound(r) < t->o.tol);
		float *Y = last ? dest : X + mn;
		times_sym(X, m, n, P, 1.0f, 0.0f, Y);
		y->iters = k + 1;
		if (last)
			break;
	}
	if (y->wide)
		transpose(dest, m, n, theta + y->off);
	if (st) {
		if (y->iters > st->iters_max)
			st->iters_max = y->iters;
		double e = gram_error(dest, m, n, t->t);
		if (e > st->error || e != e)
			st->error = e;
	}
}

static void copy_biases(const ocsdf_arch *a, const float *src, float *dst)
{
	for (int l = 0; l < ocsdf_arch_nlayers(a); l++) {
		size_t b = ocsdf_arch_bias_offset(a, l);
		memcpy(dst + b, src + b, (size_t)ocsdf_arch_rows(a, l) * sizeof *dst);
	}
}

void ocsdf_ortho_forward(ocsdf_ortho *t, const float *W, float *theta, ocsdf_ortho_stats *st)
{
	if (st) {
		st->iters_max = 0;
		st->error = 0;
	}
	for (int l = 0; l < t->nl; l++) {
		if (t->L[l].out)
			forward_out(&t->L[l], W, theta, st);
		else
			forward_matrix(t, l, W, theta, st);
	}
	copy_biases(&t->a, W, theta);
	t->ran = 1;
}

static void backward_out(const layer *y, const float *W, const float *dtheta, float *dW)
{
	int k = y->cols;
	const float *w = W + y->off, *g = dtheta + y->off;
	if (!y->scaled) {
		memcpy(dW + y->off, g, (size_t)k * sizeof *dW);
		return;
	}
	/* θ = w/s: dL/dw = (g − θ<θ, g>)/s */
	double tg = dot(w, g, (size_t)k) / y->s;
	for (int i = 0; i < k; i++)
		dW[y->off + i] = (float)((g[i] - w[i] / y->s * tg) / y->s);
}

static void backward_matrix(ocsdf_ortho *t, const layer *y, const float *W, const float *dtheta,
			    float *dW)
{
	int m = y->m, n = y->n;
	size_t mn = (size_t)m * n;
	const float *G = dtheta + y->off;
	if (y->wide) {
		transpose(dtheta + y->off, y->rows, y->cols, t->gb);
		G = t->gb;
	}
	for (int k = y->iters - 1; k >= 0; k--) {
		const float *X = y->xs + (size_t)k * mn;
		const float *P = y->ps + (size_t)k * n * n;
		float *Gn = G == t->ga ? t->gb : t->ga;
		/* upper triangle of XᵀG + GᵀX */
		cblas_ssyr2k(CblasRowMajor, CblasUpper, CblasTrans, n, m, 1.0f, X, n, G, n, 0.0f, t->t,
			     n);
		times_sym(G, m, n, P, 1.0f, 0.0f, Gn);
		times_sym(X, m, n, t->t, -0.5f, 1.0f, Gn);
		G = Gn;
	}

	/* Through X_0 = A/s: dL/dA = G/s − (<G, A>/s²) ∂s/∂A, with ∂s/∂A = A/s
	 * (Frobenius) or v uᵀ (power iteration, u held fixed). */
	const float *A = W + y->off;
	if (y->wide) {
		transpose(W + y->off, y->rows, y->cols, t->gc);
		A = t->gc;
	}
	float *out = y->wide ? (G == t->ga ? t->gb : t->ga) : dW + y->off;
	double s = y->s;
	double c = y->scaled ? dot(G, A, mn) / (s * s) : 0.0;
	float is = (float)(1.0 / s);
	if (c == 0.0) {
		for (size_t i = 0; i < mn; i++)
			out[i] = G[i] * is;
	} else if (t->o.power_iters > 0) {
		for (int i = 0; i < m; i++) {
			float cv = (float)(c * y->v[i]);
			const float *gi = G + (size_t)i * n;
			float *oi = out + (size_t)i * n;
			for (int j = 0; j < n; j++)
				oi[j] = gi[j] * is - cv * y->u[j];
		}
	} else {
		float cs = (float)(c / s);
		for (size_t i = 0; i < mn; i++)
			out[i] = G[i] * is - cs * A[i];
	}
	if (y->wide)
		transpose(out, m, n, dW + y->off);
}

void ocsdf_ortho_backward(ocsdf_ortho *t, const float *W, const float *dtheta, float *dW)
{
	for (int l = 0; l < t->nl; l++) {
		if (t->L[l].out)
			backward_out(&t->L[l], W, dtheta, dW);
		else
			backward_matrix(t, &t->L[l], W, dtheta, dW);
	}
	copy_biases(&t->a, dtheta, dW);
}

double ocsdf_ortho_retract(ocsdf_ortho *t, float *theta, int iters)
{
	double worst = 0;
	t->retracted = 0;
	for (int l = 0; l < t->nl; l++) {
		layer *y = &t->L[l];
		double e;
		if (y->out) {
			float *w = theta + y->off;
			double nw = norm2(w, (size_t)y->cols);
			if (iters > 0 && nw > 0 && isfinite(nw))
				for (int i = 0; i < y->cols; i++)
					w[i] = (float)(w[i] / nw);
			e = fabs(dot(w, w, (size_t)y->cols) - 1.0);
		} else {
			int m = y->m, n = y->n;
			size_t mn = (size_t)m * n;
			float *X = theta + y->off;
			if (y->wide) {
				transpose(theta + y->off, y->rows, y->cols, t->ga);
				X = t->ga;
			}
			if (iters <= 0) {
				e = gram_error(X, m, n, t->t);
			} else {
				/* A small update needs fewer steps than a large one:
				 * each stops as soon as its bound meets the tolerance. */
				int k = 0;
				do {
					e = step_bound(gram_step(X, m, n, t->t));
					times_sym(X, m, n, t->t, 1.0f, 0.0f, t->gb);
					memcpy(X, t->gb, mn * sizeof *X);
				} while (++k < iters && !(e < t->o.tol));
				if (k > t->retracted)
					t->retracted = k;
			}
			if (y->wide)
				transpose(t->ga, m, n, theta + y->off);
		}
		if (e > worst || e != e)
			worst = e;
	}
	return worst;
}

/* max |XᵀX − I| in double for X (m x n row-major), without scratch. */
static double error_slow(const float *X, int m, int n)
{
	double e = 0;
	for (int i = 0; i < n; i++)
		for (int j = i; j < n; j++) {
			double s = 0;
			for (int r = 0; r < m; r++)
				s += (double)X[(size_t)r * n + i] * X[(size_t)r * n + j];
			double d = fabs(s - (i == j));
			if (d > e || d != d)
				e = d;
		}
	return e;
}

double ocsdf_ortho_error(const ocsdf_arch *a, const float *theta)
{
	double worst = 0;
	for (int l = 0; l < ocsdf_arch_nlayers(a); l++) {
		int rows = ocsdf_arch_rows(a, l), cols = ocsdf_arch_cols(a, l);
		const float *X = theta + ocsdf_arch_offset(a, l);
		double e;
		if (l == a->depth) {
			e = fabs(dot(X, X, (size_t)cols) - 1.0);
		} else {
			int wide = rows < cols;
			int m = wide ? cols : rows, n = wide ? rows : cols;
			size_t mn = (size_t)m * n;
			double *D = malloc((mn + (size_t)n * n) * sizeof *D);
			if (!D) {
				float *T = malloc(mn * sizeof *T);
				if (wide && T) {
					transpose(X, rows, cols, T);
					e = error_slow(T, m, n);
				} else if (!wide) {
					e = error_slow(X, m, n);
				} else {
					/* ΘΘᵀ directly: rows of X are the vectors. */
					e = 0;
					for (int i = 0; i < rows; i++)
						for (int j = i; j < rows; j++) {
							double d = fabs(dot(X + (size_t)i * cols,
									    X + (size_t)j * cols,
									    (size_t)cols) -
									(i == j));
							if (d > e || d != d)
								e = d;
						}
				}
				free(T);
			} else {
				double *S = D + mn;
				for (size_t i = 0; i < mn; i++)
					D[i] = X[i];
				if (wide)
					cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, m, 1.0, D,
						    m, 0.0, S, n);
				else
					cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, m, 1.0, D,
						    n, 0.0, S, n);
				e = 0;
				for (int i = 0; i < n; i++)
					for (int j = i; j < n; j++) {
						double d = fabs(S[(size_t)i * n + j] - (i == j));
						if (d > e || d != d)
							e = d;
					}
				free(D);
			}
		}
		if (e > worst || e != e)
			worst = e;
	}
	return worst;
}

const float *ocsdf_ortho_power_vector(const ocsdf_ortho *t, int l)
{
	if (l < 0 || l >= t->a.depth || t->o.power_iters <= 0 || !t->ran || !t->L[l].have_u)
		return 0;
	return t->L[l].u;
}

int ocsdf_ortho_retract_iters(const ocsdf_ortho *t)
{
	return t->retracted;
}

int ocsdf_ortho_layer_iters(const ocsdf_ortho *t, int l)
{
	if (l < 0 || l >= t->nl)
		return 0;
	return t->L[l].iters;
}
