/* scale.c: fitting and applying the standardization (see scale.h). */
#include "scale.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* From each feature's mean and spread (mean already 0 for kind none) to
 * the standardization of kind: the pooled spread for iso, 1 for none and
 * for constant features.  Returns the number of constant features. */
static int finish(int d, int kind, double *mean, double *std)
{
	int constant = 0;
	double biggest = 0, pooled = 0;
	for (int j = 0; j < d; j++)
		biggest = fmax(biggest, std[j]);
	/* The root mean of the variances, scaled the same way. */
	for (int j = 0; j < d && biggest > 0; j++)
		pooled += (std[j] / biggest) * (std[j] / biggest);
	for (int j = 0; j < d; j++) {
		if (kind == OCSDF_SCALE_NONE)
			std[j] = 1.0;
		else if (kind == OCSDF_SCALE_ISO)
			std[j] = biggest * sqrt(pooled / d);
		/* A relative threshold: a column whose spread is rounding noise
		 * against its magnitude is constant.  It is scaled by 1, or by
		 * its spread when that is larger (noise on values beyond 1e12),
		 * so that its standardized values stay small. */
		if (!(std[j] > 1e-12 * (fabs(mean[j]) + 1e-300)) || !isfinite(std[j])) {
			if (kind != OCSDF_SCALE_NONE)
				constant++;
			std[j] = isfinite(std[j]) ? fmax(1.0, std[j]) : 1.0;
		}
	}
	return constant;
}

int ocsdf_scale_fit(const double *X, size_t n, int d, int kind, double *mean, double *std)
{
	for (int j = 0; j < d; j++) {
		/* Two passes: the mean, then the centred sum of squares, which
		 * stays accurate when the mean is large against the spread.
		 * Values are scaled by a power of two (exactly) to magnitudes
		 * below 1, so that neither the sums nor the squares overflow or
		 * underflow whatever the range of the doubles (1e300 and 1e-200
		 * alike).  An exactly constant column gets its value as mean, so
		 * that it standardizes to exactly 0. */
		double big = 0, s = 0, ss = 0, up, sd;
		int e = 0, equal = 1;
		for (size_t i = 0; i < n; i++) {
			double v = X[i * d + j];
			big = fmax(big, fabs(v));
			equal &= v == X[j];
		}
		if (big > 0)
			frexp(big, &e);
		if (e < -1021)
			e = -1021;
		up = ldexp(1.0, -e);
		for (size_t i = 0; i < n; i++)
			s += X[i * d + j] * up;
		s /= (double)n;
		for (size_t i = 0; i < n; i++) {
			double c = X[i * d + j] * up - s;
			ss += c * c;
		}
		ss /= (double)n;
		sd = equal ? 0 : ldexp(sqrt(ss), e);
		mean[j] = kind == OCSDF_SCALE_NONE ? 0.0 : equal ? X[j] : ldexp(s, e);
		std[j] = isinf(sd) ? DBL_MAX : sd;
	}
	return finish(d, kind, mean, std);
}

/* Welford's running mean and sum of squared deviations, in long double: its
 * wider exponent (x86-64) keeps the squares of any finite double finite. */
struct ocsdf_scale_moments {
	int d;
	uint64_t n;
	long double *mean, *m2;
	double *first;          /* the first row, for exactly constant columns */
	unsigned char *equal;   /* whether every value so far equals first[j] */
};

ocsdf_scale_moments *ocsdf_scale_moments_new(int d)
{
	ocsdf_scale_moments *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->d = d;
	m->mean = calloc((size_t)d, sizeof *m->mean);
	m->m2 = calloc((size_t)d, sizeof *m->m2);
	m->first = calloc((size_t)d, sizeof *m->first);
	m->equal = malloc((size_t)d);
	if (!m->mean || !m->m2 || !m->first || !m->equal) {
		ocsdf_scale_moments_free(m);
		return NULL;
	}
	memset(m->equal, 1, (size_t)d);
	return m;
}

void ocsdf_scale_moments_free(ocsdf_scale_moments *m)
{
	if (!m)
		return;
	free(m->mean);
	free(m->m2);
	free(m->first);
	free(m->equal);
	free(m);
}

void ocsdf_scale_moments_add(ocsdf_scale_moments *m, const double *X, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const double *x = X + i * (size_t)m->d;
		if (m->n == 0)
			memcpy(m->first, x, sizeof(double) * (size_t)m->d);
		m->n++;
		for (int j = 0; j < m->d; j++) {
			long double delta = x[j] - m->mean[j];
			m->mean[j] += delta / m->n;
			m->m2[j] += delta * (x[j] - m->mean[j]);
			m->equal[j] &= x[j] == m->first[j];
		}
	}
}

uint64_t ocsdf_scale_moments_count(const ocsdf_scale_moments *m)
{
	return m->n;
}

int ocsdf_scale_moments_fit(const ocsdf_scale_moments *m, int kind, double *mean, double *std)
{
	for (int j = 0; j < m->d; j++) {
		long double var = m->n ? m->m2[j] / m->n : 0;
		double sd = m->equal[j] ? 0 : (double)sqrtl(var > 0 ? var : 0);
		mean[j] = kind == OCSDF_SCALE_NONE ? 0.0 : m->equal[j] ? m->first[j] : (double)m->mean[j];
		std[j] = isinf(sd) ? DBL_MAX : sd;
	}
	return finish(m->d, kind, mean, std);
}

void ocsdf_scale_apply(const double *X, size_t n, int d, const double *mean, const double *std,
		       float *Z)
{
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < d; j++) {
			double z = (X[i * d + j] - mean[j]) / std[j];
			if (z > OCSDF_SCALE_ZMAX)
				z = OCSDF_SCALE_ZMAX;
			else if (z < -OCSDF_SCALE_ZMAX)
				z = -OCSDF_SCALE_ZMAX;
			Z[i * d + j] = (float)z;
		}
}

double ocsdf_scale_lipschitz(const double *std, int d)
{
	double m = std[0];
	for (int j = 1; j < d; j++)
		if (std[j] < m)
			m = std[j];
	return 1.0 / m;
}
