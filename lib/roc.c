/*
 * roc.c: ranking metrics of a normality score (see roc.h).
 *
 * Each class is sorted once.  A shift lowers every normal score and raises
 * every anomalous one by the same amount; adding a constant is monotone in
 * floating point, so both classes stay sorted and every metric at every
 * shift is a linear merge of the two arrays.  Pair counts are kept as
 * integers (twice the Mann-Whitney U, so ties stay exact halves) and turned
 * into a ratio only at the end: the AUROC of millions of rows is exact to
 * the last bit of the division.  Shifted values are recomputed on the fly
 * (x - s, y + s) rather than stored, so every function compares exactly the
 * same doubles and the certified AUROC at s = 0 is bit-identical to the
 * plain one and never increases with s.  (The plots of ROC curves and
 * score histograms are in plot.c.)
 */
#include "roc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

struct ocsdf_roc {
	double *x;   /* normal scores, ascending */
	double *y;   /* anomalous scores, ascending */
	size_t nx, ny;
};

/* Order-preserving map of a double to an unsigned key: negative numbers
 * have all bits flipped, positive ones only the sign bit. */
static uint64_t dkey(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	return (u >> 63) ? ~u : (u | 0x8000000000000000ULL);
}

static double dunkey(uint64_t k)
{
	uint64_t u = (k >> 63) ? (k & 0x7fffffffffffffffULL) : ~k;
	double v;
	memcpy(&v, &u, sizeof v);
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* LSD radix sort of keys on 8-bit digits, a[] and b[] alternating; a digit
 * shared by every key (common in the exponent bytes of scores of one scale)
 * costs a counting pass only.  Returns the buffer holding the result. */
static uint64_t *radix_sort(uint64_t *a, uint64_t *b, size_t n)
{
	size_t count[256];
	for (int shift = 0; shift < 64; shift += 8) {
		size_t sum = 0;
		uint64_t *t;
		memset(count, 0, sizeof count);
		for (size_t i = 0; i < n; i++)
			count[(a[i] >> shift) & 0xff]++;
		if (count[(a[0] >> shift) & 0xff] == n)
			continue;
		for (int d = 0; d < 256; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[(a[i] >> shift) & 0xff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	return a;
}

int ocsdf_roc_sort(double *v, size_t n)
{
	uint64_t *keys, *sorted;
	/* Adding +0.0 turns -0 into +0, so equal scores have equal keys. */
	if (n < 64) {
		for (size_t i = 0; i < n; i++)
			v[i] += 0.0;
		qsort(v, n, sizeof *v, cmp_double);
		return 0;
	}
	keys = malloc(2 * n * sizeof *keys);
	if (!keys)
		return -1;
	for (size_t i = 0; i < n; i++)
		keys[i] = dkey(v[i] + 0.0);
	sorted = radix_sort(keys, keys + n, n);
	for (size_t i = 0; i < n; i++)
		v[i] = dunkey(sorted[i]);
	free(keys);
	return 0;
}

int ocsdf_roc_new(const double *score, const unsigned char *anomalous, size_t n,
		  ocsdf_roc **out, ocsdf_error *e)
{
	ocsdf_roc *r;
	size_t nx = 0, ny = 0;
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(score[i]))
			return ocsdf_error_set(e, OCSDF_EDATA, "row %zu: score is not a finite number",
					       i + 1);
		if (anomalous[i])
			ny++;
		else
			nx++;
	}
	if (nx == 0 || ny == 0)
		return ocsdf_error_set(e, OCSDF_EDATA,
				       "only one class present (%zu normal, %zu anomalous rows): "
				       "the AUROC needs both", nx, ny);
	/* Pair counts are kept in 64 bits: 2 * nx * ny must fit. */
	if (nx > UINT32_MAX || ny > UINT32_MAX)
		return ocsdf_error_set(e, OCSDF_EDATA, "more than %lu rows in one class",
				       (unsigned long)UINT32_MAX);
	r = calloc(1, sizeof *r);
	if (r) {
		r->x = malloc(nx * sizeof *r->x);
		r->y = malloc(ny * sizeof *r->y);
	}
	if (!r || !r->x || !r->y) {
		ocsdf_roc_free(r);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory for %zu scores", n);
	}
	for (size_t i = 0; i < n; i++) {
		if (anomalous[i])
			r->y[r->ny++] = score[i];
		else
			r->x[r->nx++] = score[i];
	}
	if (ocsdf_roc_sort(r->x, nx) != 0 || ocsdf_roc_sort(r->y, ny) != 0) {
		ocsdf_roc_free(r);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory sorting %zu scores", n);
	}
	*out = r;
	return 0;
}

void ocsdf_roc_free(ocsdf_roc *r)
{
	if (!r)
		return;
	free(r->x);
	free(r->y);
	free(r);
}

size_t ocsdf_roc_n_normal(const ocsdf_roc *r)
{
	return r->nx;
}

size_t ocsdf_roc_n_anomalous(const ocsdf_roc *r)
{
	return r->ny;
}

const double *ocsdf_roc_normal_scores(const ocsdf_roc *r)
{
	return r->x;
}

const double *ocsdf_roc_anomalous_scores(const ocsdf_roc *r)
{
	return r->y;
}

/* Twice the Mann-Whitney U at shift s, with optional bootstrap weights
 * (NULL: each row once): sum over normal rows of 2 * #(anomalous below) +
 * #(anomalous equal), weighted. */
static uint64_t twice_u(const ocsdf_roc *r, double s, const uint32_t *wx, const uint32_t *wy)
{
	uint64_t total = 0, wlt = 0, wle = 0;
	size_t lt = 0, le = 0;
	for (size_t i = 0; i < r->nx; i++) {
		double xv = r->x[i] - s;
		uint64_t w = wx ? wx[i] : 1;
		for (; lt < r->ny && r->y[lt] + s < xv; lt++)
			wlt += wy ? wy[lt] : 1;
		if (le < lt) {
			le = lt;
			wle = wlt;
		}
		for (; le < r->ny && r->y[le] + s <= xv; le++)
			wle += wy ? wy[le] : 1;
		total += w * (wlt + wle);
	}
	return total;
}

double ocsdf_roc_auroc(const ocsdf_roc *r, double s)
{
	return (double)twice_u(r, s, NULL, NULL) / (2.0 * (double)r->nx * (double)r->ny);
}

double ocsdf_roc_delong_se(const ocsdf_roc *r, double s)
{
	double a, s10 = 0, s01 = 0;
	size_t lt = 0, le = 0;
	if (r->nx < 2 || r->ny < 2)
		return NAN;
	a = ocsdf_roc_auroc(r, s);
	/* V10 of a normal row: the fraction of anomalous rows it outranks. */
	for (size_t i = 0; i < r->nx; i++) {
		double xv = r->x[i] - s, v;
		while (lt < r->ny && r->y[lt] + s < xv)
			lt++;
		if (le < lt)
			le = lt;
		while (le < r->ny && r->y[le] + s <= xv)
			le++;
		v = ((double)lt + 0.5 * (double)(le - lt)) / (double)r->ny - a;
		s10 += v * v;
	}
	/* V01 of an anomalous row: the fraction of normal rows above it. */
	lt = le = 0;
	for (size_t j = 0; j < r->ny; j++) {
		double yv = r->y[j] + s, v;
		while (lt < r->nx && r->x[lt] - s < yv)
			lt++;
		if (le < lt)
			le = lt;
		while (le < r->nx && r->x[le] - s <= yv)
			le++;
		v = ((double)(r->nx - le) + 0.5 * (double)(le - lt)) / (double)r->nx - a;
		s01 += v * v;
	}
	s10 /= (double)(r->nx - 1);
	s01 /= (double)(r->ny - 1);
	return sqrt(s10 / (double)r->nx + s01 / (double)r->ny);
}

double ocsdf_roc_average_precision(const ocsdf_roc *r, double s)
{
	size_t i = 0, j = 0;
	uint64_t tp = 0, fp = 0;
	double ap = 0;
	while (j < r->ny) {
		double xv = i < r->nx ? r->x[i] - s : INFINITY;
		double yv = r->y[j] + s;
		double v = xv < yv ? xv : yv;
		uint64_t cx = 0, cy = 0;
		while (i < r->nx && r->x[i] - s == v) {
			i++;
			cx++;
		}
		while (j < r->ny && r->y[j] + s == v) {
			j++;
			cy++;
		}
		tp += cy;
		fp += cx;
		/* Dividing by ny once at the end keeps a perfect ranking at
		 * exactly 1. */
		if (cy)
			ap += (double)cy * ((double)tp / (double)(tp + fp));
	}
	return ap / (double)r->ny;
}

/* Linear interpolation between order statistics of sorted v[0..n). */
static double quantile_sorted(const double *v, int n, double q)
{
	double pos = q * (double)(n - 1);
	int k = (int)floor(pos);
	if (k >= n - 1)
		return v[n - 1];
	return v[k] + (pos - (double)k) * (v[k + 1] - v[k]);
}

int ocsdf_roc_bootstrap(const ocsdf_roc *r, const double *s, int ns, int resamples, double level,
			uint64_t seed, double *lo, double *hi, ocsdf_error *e)
{
	uint32_t *wx, *wy;
	double *vals;
	ocsdf_rng rng;
	if (!(level > 0 && level < 1))
		return ocsdf_error_set(e, OCSDF_EUSAGE, "confidence level %g is not in (0, 1)", level);
	if (resamples < 2 || ns < 0)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "need at least 2 bootstrap resamples, got %d",
				       resamples);
	wx = calloc(r->nx, sizeof *wx);
	wy = calloc(r->ny, sizeof *wy);
	vals = malloc((size_t)resamples * (size_t)(ns > 0 ? ns : 1) * sizeof *vals);
	if (!wx || !wy || !vals) {
		free(wx);
		free(wy);
		free(vals);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory for %d bootstrap resamples",
				       resamples);
	}
	ocsdf_rng_seed(&rng, seed);
	for (int b = 0; b < resamples; b++) {
		memset(wx, 0, r->nx * sizeof *wx);
		memset(wy, 0, r->ny * sizeof *wy);
		for (size_t i = 0; i < r->nx; i++)
			wx[ocsdf_rng_below(&rng, r->nx)]++;
		for (size_t j = 0; j < r->ny; j++)
			wy[ocsdf_rng_below(&rng, r->ny)]++;
		for (int k = 0; k < ns; k++)
			vals[(size_t)k * (size_t)resamples + (size_t)b] =
				(double)twice_u(r, s[k], wx, wy) / (2.0 * (double)r->nx * (double)r->ny);
	}
	for (int k = 0; k < ns; k++) {
		double *v = vals + (size_t)k * (size_t)resamples;
		qsort(v, (size_t)resamples, sizeof *v, cmp_double);
		lo[k] = quantile_sorted(v, resamples, (1 - level) / 2);
		hi[k] = quantile_sorted(v, resamples, (1 + level) / 2);
	}
	free(wx);
	free(wy);
	free(vals);
	return 0;
}

/* Bisection on the normal CDF written with erfc, which keeps full relative
 * accuracy in both tails; 200 halvings reach the spacing of doubles. */
double ocsdf_roc_normal_quantile(double p)
{
	double a = -40, b = 40;
	if (!(p > 0 && p < 1))
		return NAN;
	for (int it = 0; it < 200 && a < b; it++) {
		double m = 0.5 * (a + b);
		if (m == a || m == b)
			break;
		if (0.5 * erfc(-m / sqrt(2.0)) < p)
			a = m;
		else
			b = m;
	}
	return 0.5 * (a + b);
}

int ocsdf_roc_curve(const ocsdf_roc *r, double s, ocsdf_roc_point **pts, size_t *npts,
		    ocsdf_error *e)
{
	size_t i = 0, j = 0, k = 0;
	ocsdf_roc_point *p = malloc((r->nx + r->ny + 1) * sizeof *p);
	double last = 0;
	*pts = NULL;
	*npts = 0;
	if (!p)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory for a ROC curve of %zu points",
				       r->nx + r->ny + 1);
	while (i < r->nx || j < r->ny) {
		double xv = i < r->nx ? r->x[i] - s : INFINITY;
		double yv = j < r->ny ? r->y[j] + s : INFINITY;
		double v = xv < yv ? xv : yv;
		p[k].threshold = v;
		p[k].fpr = (double)i / (double)r->nx;
		p[k].tpr = (double)j / (double)r->ny;
		k++;
		while (i < r->nx && r->x[i] - s == v)
			i++;
		while (j < r->ny && r->y[j] + s == v)
			j++;
		last = v;
	}
	p[k].threshold = nextafter(last, INFINITY);
	p[k].fpr = 1;
	p[k].tpr = 1;
	k++;
	*pts = p;
	*npts = k;
	return 0;
}

/* Number of leading entries of a shifted ascending array below t: the
 * shifted values are monotone, so a binary search on them is exact. */
static size_t count_below(const double *v, size_t n, double s, double t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] + s < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void ocsdf_roc_confusion(const ocsdf_roc *r, double threshold, double s, ocsdf_confusion *c)
{
	size_t flagged_normal = count_below(r->x, r->nx, -s, threshold);
	size_t flagged_anom = count_below(r->y, r->ny, s, threshold);
	c->tp = flagged_anom;
	c->fn = r->ny - flagged_anom;
	c->fp = flagged_normal;
	c->tn = r->nx - flagged_normal;
}

double ocsdf_roc_threshold_at_fpr(const ocsdf_roc *r, double fpr)
{
	double nx = (double)r->nx;
	size_t k = (size_t)floor(fpr * nx);
	/* floor(fpr * n) can land one off when fpr * n is an integer that
	 * rounding moved; settle on the largest k with k / n <= fpr. */
	while (k + 1 < r->nx && (double)(k + 1) / nx <= fpr)
		k++;
	while (k > 0 && (double)k / nx > fpr)
		k--;
	if (k >= r->nx)
		k = r->nx - 1;
	return r->x[k];
}

double ocsdf_roc_decision_radius(double score, double threshold, double lipschitz)
{
	return fabs(score - threshold) / lipschitz;
}
