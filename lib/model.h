/*
 * model.h: the model file every ocsdf program exchanges.
 *
 * A model holds what turns raw rows into signed distances: the feature
 * names, the standardization, the network shape and its orthonormal
 * inference weights Θ; and the record of how it was made, the settings it
 * was trained with and statistics of the score on the training rows.  The
 * model of an interrupted run also points to a checkpoint, the raw trained
 * parameters and the optimizer state with the run's progress, so that
 * training can resume; a finished model has none.
 * The binary format is described field by field in ocsdf-model(5).
 */
#ifndef OCSDF_MODEL_H
#define OCSDF_MODEL_H

#include <stdint.h>

#include "arch.h"
#include "errors.h"

#define OCSDF_MODEL_VERSION 1

/* Longest feature name in bytes (the CSV reader's field limit) and the
 * most bytes all names of a model may take together. */
#define OCSDF_MODEL_MAX_NAME (1 << 20)
#define OCSDF_MODEL_MAX_NAMES_BYTES ((64 << 20) + 4 * OCSDF_MAX_FEATURES)

enum { OCSDF_SCALE_STD = 0, OCSDF_SCALE_ISO = 1, OCSDF_SCALE_NONE = 2 };
enum { OCSDF_ORTHO_BJORCK = 0, OCSDF_ORTHO_RETRACT = 1 };
enum { OCSDF_INIT_UNIFORM = 0, OCSDF_INIT_GAUSSIAN = 1 };
enum { OCSDF_SAMPLER_PAPER = 0, OCSDF_SAMPLER_DISTANCE = 1 };

/* Settings of the training run: the record of how a model was made, and
 * what --resume goes on with. */
typedef struct ocsdf_train_settings {
	double margin, lambda;
	double lr, lr_final;      /* lr_final == lr: constant rate */
	double rho, eps;          /* RMSprop */
	double box;               /* domain [-box, box]^d in standardized units */
	int epochs, warmup, steps_per_epoch_min;
	int steps_per_epoch_max;   /* 0: no cap (a step budget for large data) */
	int batch, newton_steps;  /* batch rows; T of Algorithm 1 */
	int newton_level0;        /* 1: authors' step (level 0, /||g||^2) */
	int init;                 /* OCSDF_INIT_* */
	int ortho;                /* OCSDF_ORTHO_* */
	int bjorck_iters;
	double bjorck_tol;
	int retract_iters;
	uint64_t seed;
	/* The negatives (see train.h): the paper's walks, or the distance
	 * sampler (support.h) with its neighbour count k, the quantile of the
	 * rows' distances that sets the radius r, the distances of the
	 * negatives from the rows (near..far times r), the share of box
	 * negatives and the weight of a push of f upwards on the rows. */
	int sampler;              /* OCSDF_SAMPLER_* */
	int knn;
	double support_quantile, near, far, box_share, push;
	/* Share of the training rows left below the level 0 (the level is set
	 * at the end of a run of the distance sampler). */
	double contamination;
	/* Share of the run, at its end, held at lr_final: the rate decays
	 * over the first 1 - lr_hold of the steps (0 in files before it). */
	double lr_hold;
	/* Weight of the slope term (ocsdf-train --eikonal): pulls the rise of
	 * f over a short step up its gradient from each row toward the step
	 * (0: off, and in files before it). */
	double eikonal;
	/* Share of the run, at its end, whose weights are averaged (the
	 * model is the mean of the weights after each of those steps, made
	 * orthonormal again; 0: off, and in files before it). */
	double average;
	/* Weight of the rise term (ocsdf-train --slope), relative to the fit
	 * (times r^2): pulls the rise of f from each row whose target is the
	 * support's upper bound to a probe a short step up that bound toward
	 * the bound's own rise (0: off, and in files before it). */
	double slope;
	/* Rows (at most) from which outside points ascend d_k to the hole's
	 * distance once at the start of the run, kept in the pool of the
	 * distance sampler for the whole run (ocsdf-train --ascent-rows; 0:
	 * off, and in files before it). */
	int ascent_rows;
} ocsdf_train_settings;

/* Statistics recorded at the end of training. */
typedef struct ocsdf_train_stats {
	uint64_t rows;            /* training rows */
	double f_mean, f_p1, f_p5, f_p50; /* f over the training rows (model units) */
	double lipschitz_raw;     /* Lipschitz constant of f w.r.t. raw inputs */
	double final_loss;
	double ortho_error;       /* max |ΘᵀΘ - I| (or ΘΘᵀ) of the saved weights */
	double grad_norm_mean;    /* mean ||∇f|| over the training rows */
	double support_radius;    /* distance sampler: the radius r of the
	                           * support (support.h), model units; 0 else */
	uint64_t rows_read;       /* rows of the input: more than rows when
	                           * trained on a sample (written as rows when
	                           * smaller, read as rows from older files) */
	uint64_t run_epochs, run_steps; /* where the finished run ended (a
	                           * checkpoint's progress is its own) */
} ocsdf_train_stats;

/* What an interrupted run needs to resume and a finished model does not:
 * the progress of the run, the raw parameters W that Θ is made from and
 * the optimizer state.  Every random draw of a run is a function of its
 * seed and step, so no generator state is needed. */
typedef struct ocsdf_checkpoint {
	uint64_t epoch, step;     /* progress of the run */
	float *params;            /* nparams: raw trained parameters W (or NULL) */
	float *opt_v;             /* nparams: RMSprop second moments (or NULL) */
	float *avg;               /* nparams: the mean of W over the steps of
	                           * settings.average so far (or NULL) */
} ocsdf_checkpoint;

typedef struct ocsdf_model {
	/* What inference needs. */
	ocsdf_arch arch;
	char **names;             /* d feature names, each NUL-terminated */
	int scale;                /* OCSDF_SCALE_* */
	double *mean, *std;       /* d each: z = (x - mean) / std */
	float *theta;             /* nparams: inference weights (arch.h layout) */

	/* The record of how the model was made, which a finished model keeps:
	 * ocsdf-sample reads the domain box from the settings, ocsdf-score
	 * the sampler and contamination that give its decision a meaning,
	 * --resume the settings to go on with. */
	ocsdf_train_settings settings;
	ocsdf_train_stats stats;

	/* The state of an interrupted run; NULL in a finished model. */
	ocsdf_checkpoint *ckpt;
} ocsdf_model;

/* An empty model with all buffers allocated for shape a (names empty
 * strings, mean 0, std 1, theta zeros, the default settings of
 * ocsdf_train_default_settings) and, if with_ckpt, the checkpoint of a
 * run about to start (step 0, params and opt_v zeros).  Returns NULL if
 * out of memory or if a fails ocsdf_arch_check. */
ocsdf_model *ocsdf_model_new(const ocsdf_arch *a, int with_ckpt);
/* Frees m and its checkpoint. */
void ocsdf_model_free(ocsdf_model *m);
/* Makes m the model of a finished run: its checkpoint's progress becomes
 * the record of the run (stats.run_epochs, stats.run_steps) and the
 * checkpoint is freed, m->ckpt NULL.  Nothing if m has none. */
void ocsdf_model_finish(ocsdf_model *m);
/* Sets feature name j (copied). 0, or -1 out of memory. */
int ocsdf_model_set_name(ocsdf_model *m, int j, const char *name);

/* Checks everything a loaded model must satisfy: the shape, feature names
 * non-empty, unique and free of control characters, mean finite, std
 * finite and > 0, every weight finite (the checkpoint's too), settings in
 * the ranges of ocsdf_train_check_settings, statistics finite.
 * Returns 0, or 65 with a message naming the field (70 out of memory).
 * Training can call it on the names before a long run. */
int ocsdf_model_check(const ocsdf_model *m, ocsdf_error *e);

/* Writes m to path atomically (temporary file, fsync, rename); an earlier
 * file of that name survives any failure.  force: overwrite an existing
 * file.  A model with a checkpoint is written with it (the file of an
 * interrupted run), a finished one without.  Returns 0, 73 or 74 with e
 * set; 65 if m fails ocsdf_model_check (nothing is written then). */
int ocsdf_model_save(const ocsdf_model *m, const char *path, int force, ocsdf_error *e);
/* The same file image in a malloc'ed buffer (*buf, *len), for tests and
 * fuzzing corpora.  Returns 0, 65 or 70. */
int ocsdf_model_save_mem(const ocsdf_model *m, void **buf, size_t *len, ocsdf_error *e);
/* Reads and validates a model (magic, version, every size against bounds
 * and the file length, CRC, then ocsdf_model_check).  path "-" is standard
 * input.  The file of a finished run gives ckpt NULL (the training state
 * an earlier release kept in it is checked, then dropped); that of an
 * interrupted run, a checkpoint.  Returns 0 with *out set, or 65 (bad
 * model) / 66 (cannot open or read) / 70 (out of memory) with e set and
 * *out NULL. */
int ocsdf_model_load(const char *path, ocsdf_model **out, ocsdf_error *e);
/* The same from memory (for tests and fuzzing); name is used in messages. */
int ocsdf_model_load_mem(const void *buf, size_t len, const char *name, ocsdf_model **out,
			 ocsdf_error *e);

#endif
