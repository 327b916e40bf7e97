/*
 * score.h: signed distances of raw rows under a model: standardize with
 * the model's scaling, then batched forward passes.  A scorer owns its
 * workspace: one tile of OCSDF_SCORE_TILE rows, whatever the number of rows
 * of a call.  A row's score is the same bits whatever else is scored with
 * it (score.c says how).
 */
#ifndef OCSDF_SCORE_H
#define OCSDF_SCORE_H

#include "model.h"

/* Lanes per pass through the network, and the lanes at each end that hold
 * no row with the kernels that need them (score.c says which and why). */
#define OCSDF_SCORE_TILE 256
#define OCSDF_SCORE_GUARD 8

typedef struct ocsdf_scorer ocsdf_scorer;

/* NULL if out of memory (or max_rows < 1).  The model must outlive the
 * scorer.  Calls may pass any number of rows; max_rows is kept for the
 * callers that size their own buffers by it. */
ocsdf_scorer *ocsdf_scorer_new(const ocsdf_model *m, int max_rows);
void ocsdf_scorer_free(ocsdf_scorer *s);

/* f[i] = f(standardize(X[i])) for n raw rows X (n x d), in the model's
 * units. */
void ocsdf_scorer_run(ocsdf_scorer *s, const double *X, int n, float *f);
/* The same for rows already standardized (the model's units), to the same
 * bits as the raw rows they come from: what the trainer sets its level on. */
void ocsdf_scorer_run_std(ocsdf_scorer *s, const float *Z, int n, float *f);

/* The same with the gradient with respect to the raw inputs, g (n x d). */
void ocsdf_scorer_grad(ocsdf_scorer *s, const double *X, int n, float *f, float *g);

/* The units travel with a score in its column's name: a name ending in
 * OCSDF_SCORE_RAW_SUFFIX holds scores in raw input units (divided by the
 * model's Lipschitz constant).  1 for such a name, else 0. */
#define OCSDF_SCORE_RAW_SUFFIX "_raw"
int ocsdf_score_name_is_raw(const char *name);

#endif
