/*
 * ocsdf.h: every public header of libocsdf at once.
 *
 *     #include <ocsdf/ocsdf.h>      cc ... $(pkg-config --cflags --libs ocsdf)
 *
 * The modules, in the order a program uses them: errors (how failure is
 * reported), csv and dataset (reading rows), scale (standardization), arch,
 * lipnet, bjorck and sort_act (the 1-Lipschitz network), sampler and train
 * (Algorithms 1 and 3), model (the file format), score (batched
 * evaluation), label (what a label column says), roc, certify and attack
 * (AUROC, certificates and their reports, PGD), mesh, meshtopo, meshio and svg (level sets and their
 * files), output, text (numbers and quoted fields) and rng.  What only
 * the programs need (option parsing, messages on stderr, exiting) is in
 * cmd/common/, not in the library.
 */
#ifndef OCSDF_OCSDF_H
#define OCSDF_OCSDF_H

#include "errors.h"
#include "csv.h"
#include "dataset.h"
#include "scale.h"
#include "arch.h"
#include "lipnet.h"
#include "bjorck.h"
#include "sort_act.h"
#include "sampler.h"
#include "train.h"
#include "model.h"
#include "score.h"
#include "label.h"
#include "roc.h"
#include "certify.h"
#include "attack.h"
#include "mesh.h"
#include "meshtopo.h"
#include "meshio.h"
#include "svg.h"
#include "output.h"
#include "text.h"
#include "rng.h"

#endif
