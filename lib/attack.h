/*
 * attack.h: empirical robustness of a model's score: an l2 projected
 * gradient (PGD) attack in raw input space.
 *
 * The certificate of ocsdf-certify bounds what any perturbation of norm at
 * most eps can do to a score: L·eps, L the Lipschitz constant with respect
 * to raw inputs.  The attack measures what a real perturbation does: for
 * each row it searches the ball of radius eps around the row (raw units) for
 * the point that moves the score the wrong way, lower for a normal row and
 * higher for an anomaly.  Between the two lies the true worst case.
 *
 * Each restart starts from a random point of the ball, then takes
 * normalized gradient steps of 2.5·eps/steps with heavy-ball momentum 0.75,
 * each projected back onto the ball; the result is the worst score met over
 * every iterate of every restart and the clean row itself, so it is never
 * better than the clean score.  The gradient is with respect to the raw inputs, so the geometry
 * is that of the CSV columns; a whole block of rows takes one batched
 * forward and backward pass per step.
 */
#ifndef OCSDF_ATTACK_H
#define OCSDF_ATTACK_H

#include <stdint.h>

#include "model.h"
#include "score.h"

#define OCSDF_ATTACK_MAX_STEPS 100000
#define OCSDF_ATTACK_MAX_RESTARTS 10000
/* Radii beyond this are refused: squared norms must stay finite. */
#define OCSDF_ATTACK_MAX_RADIUS 1e100

typedef struct ocsdf_attack_params {
	int steps;      /* gradient steps per restart, 1..OCSDF_ATTACK_MAX_STEPS */
	int restarts;   /* random starts, 1..OCSDF_ATTACK_MAX_RESTARTS */
	uint64_t seed;  /* of the random starts */
} ocsdf_attack_params;

typedef struct ocsdf_attack ocsdf_attack;

/* Workspace for blocks of up to max_rows rows of model m, scoring with sc
 * (a scorer of m with room for max_rows rows, borrowed: the caller may use
 * it between attacks; it must outlive the attack).  NULL if out of memory. */
ocsdf_attack *ocsdf_attack_new(const ocsdf_model *m, ocsdf_scorer *sc, int max_rows);
void ocsdf_attack_free(ocsdf_attack *a);

/* Attacks n <= max_rows raw rows X (n x d) within l2 radius eps (raw
 * units, 0 <= eps <= OCSDF_ATTACK_MAX_RADIUS).  push[i] = -1 lowers row
 * i's score (a normal row), +1 raises it (an anomaly).  Writes f_adv[i],
 * the worst score found in the model's units: at most the clean score for
 * push -1, at least for push +1, equal to it when eps = 0.  If X_adv is not
 * NULL it receives the points (n x d) where those scores were met, each
 * within eps of its row.
 *
 * row0 is the index of X's first row in the whole input: the random starts
 * of a row depend only on the seed, its index and the restart (and scale
 * with eps), not on how the input is cut into blocks.  The same input and
 * parameters give the same result, bit for bit. */
void ocsdf_attack_pgd(ocsdf_attack *a, const double *X, const signed char *push, int n, double eps,
		      const ocsdf_attack_params *p, uint64_t row0, float *f_adv, double *X_adv);

#endif
