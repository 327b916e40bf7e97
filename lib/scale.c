/* scale.c: fitting and applying the standardization (see scale.h). */
#include "scale.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "model.h"

int ocsdf_scale_fit(const double *X, size_t n, int d, int kind, double *mean, double *std)
{
	int constant = 0;
	double biggest = 0, pooled = 0;

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
		biggest = fmax(biggest, std[j]);
	}
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
