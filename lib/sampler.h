/*
 * sampler.h: walks along the gradient of the learned function towards a
 * level set (the paper's Algorithm 1 and the walks of ocsdf-sample).
 *
 * All points of a batch advance together: each step is one batched forward
 * and input-gradient pass.  Points are in the model's standardized units.
 * A walker owns the workspace of its walks, allocated once for a network
 * and a largest batch: no walk allocates.
 */
#ifndef OCSDF_SAMPLER_H
#define OCSDF_SAMPLER_H

#include <signal.h>

#include "csv.h"
#include "lipnet.h"
#include "model.h"
#include "rng.h"

typedef struct ocsdf_walk_opts {
	int steps;         /* T >= 0 */
	double level;      /* target level of f */
	double eta;        /* step scale */
	int eta_random;    /* 1: eta_i ~ U[0, eta] per point, drawn once per walk */
	int fraction;      /* 1: each step covers eta_i/T of the gap to the level
	                    * (Algorithm 1); 0: eta_i of it (a Newton step) */
	int newton;        /* 1: direction g/||g||^2, exact for a linear f;
	                    * 0: g/||g||, exact for a unit-gradient f */
	int one_sided;     /* 1: only points with f < level move, at each step */
	int freeze_above;  /* 1: points with f >= level at the start never move;
	                    * the others walk both ways to the level */
	double box;        /* > 0: clamp every coordinate to [-box, box] */
	const volatile sig_atomic_t *stop; /* unless NULL: once *stop is set,
	                    * the walk ends after its current step */
	double tol;        /* > 0: a point within tol of the level has reached
	                    * it and stops; the walk ends once all have */
	int restarts;      /* with tol > 0, box > 0 and final values asked
	                    * for: a point that did not reach the level is
	                    * drawn again uniformly in the box and the batch
	                    * walked again, up to restarts more times */
} ocsdf_walk_opts;

/* Newton steps at most of ocsdf-sample's walks to a level, and its
 * restarts of stalled starts drawn in the box. */
#define OCSDF_WALK_LEVEL_STEPS 1000
#define OCSDF_WALK_RESTARTS 7

/* The walks of ocsdf-sample. */
enum { OCSDF_WALK_NEGATIVE, OCSDF_WALK_BOUNDARY, OCSDF_WALK_INSIDE };

/* The walk that makes the trainer's negatives under settings s, with T
 * steps (T = 0 during warm-up), no tolerance and no stop flag. */
void ocsdf_sampler_negative_opts(const ocsdf_train_settings *s, int T, ocsdf_walk_opts *o);

/* The walk of ocsdf-sample --mode boundary and inside: Newton steps (eta
 * 1, the whole gap each step) to f = level until every point is within
 * tol of it, at most T of them.  Points from a file (from_rows) that
 * start at or above the level stay put, the others walk both ways to it,
 * unclamped; points drawn in the box [-box, box]^d stay in it, and those
 * that stall are drawn again (OCSDF_WALK_RESTARTS).  No stop flag. */
void ocsdf_sampler_level_opts(int T, double level, double tol, double box, int from_rows,
			      ocsdf_walk_opts *o);

/* The walk of ocsdf-sample's mode (OCSDF_WALK_*) on model m: the
 * trainer's negatives under m's settings with T steps (T < 0: the
 * model's), or the level walk in m's box to *level (NULL: 0 for the
 * boundary, the mean of f over the training rows inside) with at most T
 * steps (T < 0: OCSDF_WALK_LEVEL_STEPS) and tolerance tol, from rows of
 * a file or not (from_rows). */
void ocsdf_sampler_mode_opts(const ocsdf_model *m, int mode, int T, const double *level, double tol,
			     int from_rows, ocsdf_walk_opts *o);

/* Starting points for the walks, B x d: uniform in the box [-box, box]^d
 * (init 0, the paper), or a Gaussian per feature with standard deviation
 * gauss_std[j] (init 1, the authors' tabular code). */
void ocsdf_sampler_init(float *z, int B, int d, int init, double box, const float *gauss_std,
			ocsdf_rng *rng);

typedef struct ocsdf_walker ocsdf_walker;

/* A walker on network net (which must outlive it) for batches of at most
 * max_batch points (1 <= max_batch <= the net's own).  NULL when out of
 * memory or max_batch < 1. */
ocsdf_walker *ocsdf_walker_new(ocsdf_lipnet *net, int max_batch);
void ocsdf_walker_free(ocsdf_walker *w);

/* Walks the B points of z (B x d, in place; B <= max_batch) on the
 * network with weights theta.  f (B floats) receives f at the final
 * points unless NULL: that costs one more forward pass.  rng draws the
 * per-point step scales and the restarts.  Returns, when o->tol > 0 and f
 * is given, how many points reached the level: those within tol of it at
 * the end, and those frozen above it (freeze_above); else 0. */
int ocsdf_walker_walk(ocsdf_walker *w, const float *theta, float *z, int B, const ocsdf_walk_opts *o,
		      ocsdf_rng *rng, float *f);

/* The gradient of f (B x d) at the points of the last step of the last
 * walk (the starting points if it took none). */
const float *ocsdf_walker_grad(const ocsdf_walker *w);

/* The rows a walk starts from (ocsdf-sample --from): a CSV file holding
 * the model's features, read a block at a time, each column also kept as
 * text to pass through. */
typedef struct ocsdf_sampler_rows {
	ocsdf_csv_reader *r;
	int nc;               /* columns of the file */
	int *cols;            /* d: the column of each feature */
	int *feature;         /* nc (in the block of cols): the feature a column holds, or -1;
	                       * OCSDF_SAMPLER_DROPPED: a column named like one
	                       * ocsdf-sample writes (sdf, delta_NAME), left out */
	ocsdf_csv_block b;    /* the block last read */
} ocsdf_sampler_rows;

enum { OCSDF_SAMPLER_DROPPED = -2 };

/* Opens the rows of path for model m (every feature by name), read as opt
 * says (NULL: the defaults; without a header the features come first,
 * ocsdf_csv_open_features).  Returns 0, or the reader's error (66 cannot
 * open, 65 a feature missing, 70 out of memory, ...) with e set and
 * nothing left open. */
int ocsdf_sampler_rows_open(ocsdf_sampler_rows *s, const char *path, const ocsdf_csv_options *opt,
			    const ocsdf_model *m, ocsdf_error *e);
/* Reads the next block of at most max rows into s->b, and their features
 * standardized by m into z (s->b.nrows x d).  Returns 0 (s->b.nrows is 0
 * at the end), or the reader's error with e set. */
int ocsdf_sampler_rows_next(ocsdf_sampler_rows *s, const ocsdf_model *m, int max, float *z, ocsdf_error *e);
void ocsdf_sampler_rows_close(ocsdf_sampler_rows *s);

/* "delta_NAME", the column of the displacement of feature NAME, into buf
 * of len bytes (72 hold any); returns its length. */
int ocsdf_sampler_delta_name(char *buf, size_t len, const char *name);

#endif
