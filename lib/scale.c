/* scale.c: fitting and applying the standardization (see scale.h). */
#include "scale.h"

#include <math.h>
#include <stdlib.h>

#include "model.h"

int ocsdf_scale_fit(const double *X, size_t n, int d, int kind, double *mean, double *std)
{
	int constant = 0;
	double pooled = 0;

	for (int j = 0; j < d; j++) {
		/* Two passes: the mean, then the centred sum of squares, which
		 * stays accurate when the mean is large against the spread. */
		double s = 0, ss = 0;
		for (size_t i = 0; i < n; i++)
			s += X[i * d + j];
		s /= (double)n;
		for (size_t i = 0; i < n; i++) {
			double c = X[i * d + j] - s;
			ss += c * c;
		}
		ss /= (double)n;
		mean[j] = kind == OCSDF_SCALE_NONE ? 0.0 : s;
		std[j] = sqrt(ss);
		pooled += ss;
	}
	for (int j = 0; j < d; j++) {
		if (kind == OCSDF_SCALE_NONE)
			std[j] = 1.0;
		else if (kind == OCSDF_SCALE_ISO)
			std[j] = sqrt(pooled / d);
		/* A relative threshold: a column whose spread is rounding noise
		 * against its magnitude is constant. */
		if (!(std[j] > 1e-12 * (fabs(mean[j]) + 1e-300)) || !isfinite(std[j])) {
			if (kind != OCSDF_SCALE_NONE)
				constant++;
			std[j] = 1.0;
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
