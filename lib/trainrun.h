/*
 * trainrun.h: what a training program does around the loop of train.h:
 * the checkpoint of a resumed run and the rows it is trained on, checked;
 * a new model for the rows of a data set, the evaluation of --eval on
 * labelled rows at the end of each epoch, and the text of its progress
 * lines.  Nothing here prints: the lines are written into buffers for the
 * program to show.
 */
#ifndef OCSDF_TRAINRUN_H
#define OCSDF_TRAINRUN_H

#include <stddef.h>

#include "dataset.h"
#include "errors.h"
#include "model.h"
#include "train.h"

/* The settings whose defaults depend on others, as given to
 * ocsdf_trainrun_settings: bits of its given. */
enum {
	OCSDF_TRAINRUN_LR_FINAL = 1, OCSDF_TRAINRUN_LR_HOLD = 2, OCSDF_TRAINRUN_WARMUP = 4,
	OCSDF_TRAINRUN_MIN_STEPS = 8, OCSDF_TRAINRUN_WIDTH = 16, OCSDF_TRAINRUN_SLOPE = 32,
	OCSDF_TRAINRUN_LR = 64, OCSDF_TRAINRUN_ASCENT = 128
};

/* The fewest steps a run has in all unless --min-steps is given: fewer
 * epochs get more steps each, so that a short run still learns the
 * ranking (tests/bench/DISTANCE.md, "Five epochs"). */
#define OCSDF_TRAINRUN_MIN_TOTAL_STEPS 300

/* The distance sampler's network when no width is given: the smallest of
 * these widths at least twice the features (the largest beyond), and as
 * many more steps as the width is narrower, squared (a step of the hidden
 * layers costs width^2): the same arithmetic as a run at the largest
 * width buys a longer run of a narrower network, which fits the distance
 * closer (tests/bench/DISTANCE.md, "Width, steps and the rise term"). */
#define OCSDF_TRAINRUN_AUTO_WIDTH_MIN 128
#define OCSDF_TRAINRUN_AUTO_WIDTH_MAX 512

/* Completes s as ocsdf-train(1) says, given the options: with decay 0 (no
 * decay of the learning rate) lr_final is lr and lr_hold 0, and giving
 * either is refused; with decay 1, lr_final is lr / 1000 unless given;
 * warmup is epochs / 8 unless given, and may not exceed epochs; slope is
 * 0 unless given with the paper's sampler or with eikonal, and
 * ascent_rows 0 unless given with the paper's sampler; eikonal, slope and
 * ascent_rows need the distance sampler, and eikonal and slope exclude
 * each other.  given
 * holds the OCSDF_TRAINRUN_* bits of the settings given.  Returns 0, or
 * 64 with e set (the message names the options). */
int ocsdf_trainrun_settings(ocsdf_train_settings *s, int decay, int given, ocsdf_error *e);

/* Completes a's width, s's steps_per_epoch_min and learning rates for
 * rows of d features, given the options (the OCSDF_TRAINRUN_* bits of
 * given), after ocsdf_trainrun_settings: unless the width is given, the
 * distance sampler's is the automatic one above and the paper's
 * OCSDF_TRAINRUN_AUTO_WIDTH_MAX.  Unless steps_per_epoch_min is given, it
 * is the larger of its value and what makes the run
 * OCSDF_TRAINRUN_MIN_TOTAL_STEPS steps long, both times
 * (OCSDF_TRAINRUN_AUTO_WIDTH_MAX / width)^2 when the width is automatic.
 * With an automatic width, lr (unless given) is multiplied by the square
 * root of OCSDF_TRAINRUN_AUTO_WIDTH_MAX / width, and so is lr_final unless
 * given: a narrower network takes larger steps (tests/bench/DISTANCE.md,
 * "The learning rate"). */
void ocsdf_trainrun_shape(ocsdf_arch *a, ocsdf_train_settings *s, int d, int given);

/* Loads path, the checkpoint of an interrupted run (--resume), and checks
 * it against the rows of that run (ocsdf_train_check_resume), so that a
 * forged one is refused before any data is read.  Returns 0 with *out
 * set; or the code of ocsdf_model_load, or of the check with e set to
 * "PATH: message", *out NULL. */
int ocsdf_trainrun_resume(const char *path, ocsdf_model **out, ocsdf_error *e);

/* Reads the rows of path as spec says; with m, the checkpoint of a
 * resumed run, exactly m's features, and values that fit m's scaling
 * (spec's names, n_names, mean, std and check_scale set from m).  Returns
 * as ocsdf_dataset_read. */
int ocsdf_trainrun_read(const char *path, ocsdf_dataset_spec *spec, const ocsdf_model *m, ocsdf_dataset *ds,
			ocsdf_error *e);

/* What the rows of ds, read from path ("-": standard input), say before a
 * run: no rows (65, "PATH: no rows to train on"), or with m, the
 * checkpoint read from resume, too few or too many for its run (as
 * ocsdf_trainrun_resume).  Returns 0, or the code with e set. */
int ocsdf_trainrun_check_rows(const ocsdf_dataset *ds, const char *path, const ocsdf_model *m, const char *resume,
			      ocsdf_error *e);

/* A new model with training state for the rows of ds: network a (its d
 * taken from ds), settings s, the features named as in ds and the scaling
 * of kind (OCSDF_SCALE_*) fitted on them (on every row read when ds is a
 * sample).  *constant receives the number of constant features (0 if
 * nothing was fitted).  Returns 0 with *out set; 64 with e set if a or s
 * is refused (the message of ocsdf_arch_check or of
 * ocsdf_train_check_settings); 70 out of memory; or the code of
 * ocsdf_model_check, the model freed. */
int ocsdf_trainrun_model_new(const ocsdf_arch *a, const ocsdf_train_settings *s, int kind, const ocsdf_dataset *ds,
			     ocsdf_model **out, int *constant, ocsdf_error *e);

/* The rows of --eval: standardized rows and their classes, and room for
 * their scores. */
typedef struct ocsdf_trainrun_eval {
	const float *Z;              /* n x d, standardized */
	size_t n;
	unsigned char *anom;         /* n classes: 1 anomaly (label.h) */
	float *f;                    /* n scores */
	double *score;
} ocsdf_trainrun_eval;

/* Sets ev up for the n rows of Z and their n label fields, a row an
 * anomaly where its label matches anomaly (ocsdf_label_flags).  Returns 0,
 * or -1 out of memory (ev then empty). */
int ocsdf_trainrun_eval_init(ocsdf_trainrun_eval *ev, const float *Z, const char *const *labels, size_t n,
			     const char *anomaly);
void ocsdf_trainrun_eval_free(ocsdf_trainrun_eval *ev);
/* Scores ev's rows with the weights theta of a network of shape a and
 * writes "  auroc A  f(rows) F  |grad(rows)| G"
 * into buf (len bytes): the AUROC of the scores against the classes, their
 * mean and the mean gradient norm.  buf is "" if they cannot be had. */
void ocsdf_trainrun_eval_text(ocsdf_trainrun_eval *ev, const ocsdf_arch *a, const float *theta, char *buf,
			      size_t len);

/* Writes into buf (len bytes) the progress line of p for a run of batch
 * rows per step (as many negatives again), then suffix: live 1, the line
 * redrawn as the run goes (step, rows per second, time left); live 0, the
 * line of a finished epoch (ortho error, reprojections, seconds).  No
 * carriage return, escape or newline: the program adds what its terminal
 * needs. */
void ocsdf_trainrun_line(char *buf, size_t len, const ocsdf_train_progress *p, int batch, int live,
			 const char *suffix);

#endif
