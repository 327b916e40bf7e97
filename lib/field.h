/*
 * field.h: a model as a scalar field over raw input points, for the level
 * sets of grid.h, mesh.h and contour.h, and what they need to know of it:
 * which level to extract and a Lipschitz bound for pruning.
 */
#ifndef OCSDF_FIELD_H
#define OCSDF_FIELD_H

#include <stddef.h>

#include "errors.h"
#include "model.h"

typedef struct ocsdf_field ocsdf_field;

/* The field of model m (2 or 3 features) for batches of up to batch
 * points; NULL when out of memory.  The model must outlive it. */
ocsdf_field *ocsdf_field_new(const ocsdf_model *m, int batch);
void ocsdf_field_free(ocsdf_field *f);

/* The callbacks of grid.h, with the field as ctx: f (and its gradient with
 * respect to the raw inputs) at n points xyz, in the model's units. */
void ocsdf_field_eval(void *field, const float *xyz, int n, float *f);
void ocsdf_field_grad(void *field, const float *xyz, int n, float *f, float *g);

/* An upper bound on the Lipschitz constant of f with respect to raw
 * inputs, for pruning (mesh.h): the model's own (or 1 / min std), times
 * what the saved weights' departure from orthonormality can add, times a
 * margin for float rounding.  Not finite or not > 0 when the model records
 * nothing usable. */
double ocsdf_field_lipschitz(const ocsdf_model *m);

/* The level a model's surface or boundary is drawn at by default, from
 * the statistics of f over its training rows: the percentile-th percentile
 * (1, 5 or 50), or with percentile 0 the lower of 0 and the 1st percentile
 * (the learned boundary holds more than 99% of the rows).  *what receives
 * words saying which level it is (size bytes).  Returns 0, or 65 when the
 * model records no such statistics (e->msg names it as `name`), or 64 for
 * another percentile. */
int ocsdf_field_level(const ocsdf_model *m, const char *name, int percentile, double *level,
		      char *what, size_t size, ocsdf_error *e);

#endif
