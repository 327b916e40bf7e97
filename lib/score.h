/*
 * score.h: signed distances of raw rows under a model: standardize with
 * the model's scaling, then one batched forward pass.  A scorer owns its
 * workspace for blocks of up to max_rows rows.
 */
#ifndef OCSDF_SCORE_H
#define OCSDF_SCORE_H

#include "model.h"

typedef struct ocsdf_scorer ocsdf_scorer;

/* NULL if out of memory.  The model must outlive the scorer. */
ocsdf_scorer *ocsdf_scorer_new(const ocsdf_model *m, int max_rows);
void ocsdf_scorer_free(ocsdf_scorer *s);

/* f[i] = f(standardize(X[i])) for n <= max_rows raw rows X (n x d), in the
 * model's units. */
void ocsdf_scorer_run(ocsdf_scorer *s, const double *X, int n, float *f);

/* The same with the gradient with respect to the raw inputs, g (n x d). */
void ocsdf_scorer_grad(ocsdf_scorer *s, const double *X, int n, float *f, float *g);

/* The units travel with a score in its column's name: a name ending in
 * OCSDF_SCORE_RAW_SUFFIX holds scores in raw input units (divided by the
 * model's Lipschitz constant).  1 for such a name, else 0. */
#define OCSDF_SCORE_RAW_SUFFIX "_raw"
int ocsdf_score_name_is_raw(const char *name);

#endif
