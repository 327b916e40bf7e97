/*
 * ocsdf.h: every public header of libocsdf at once.
 *
 *     #include <ocsdf/ocsdf.h>      cc ... $(pkg-config --cflags --libs ocsdf)
 *
 * The modules, in the order a program uses them: errors (how failure is
 * reported); csv (rows in and out, over libcsv), number (its exact decimal
 * parser and float writer), gzread (its plain or gzip input) and dataset (a whole file in
 * memory); scale (standardization); arch, lipnet, bjorck and sort_act (the
 * 1-Lipschitz network); knn and support (distances to the rows, the
 * support and its negatives), sampler and train (Algorithms 1 and 3 and
 * the distance sampler), trainrun (a new model for a data set, --eval and
 * the progress lines around the loop); model
 * (the file format); score (batched evaluation) and score_stream (a CSV
 * stream scored block by block); label (what a label column says); roc, certify and attack
 * (AUROC, certificates and their reports, PGD); grid, field, mesh,
 * meshtopo, meshio and contour (level sets of a model: grids, the model as
 * a field, surfaces and their files, 2D contours); svg and plot (the SVG
 * writer, and the plots: ROC curves, histograms, contour maps); output,
 * text (numbers and quoted fields), bytes (little-endian fields of binary
 * files) and rng.  What only the programs need
 * (option parsing, messages on stderr, exiting) is in cmd/common/, not in
 * the library.
 */
#ifndef OCSDF_OCSDF_H
#define OCSDF_OCSDF_H

#include "errors.h"
#include "csv.h"
#include "number.h"
#include "gzread.h"
#include "dataset.h"
#include "scale.h"
#include "arch.h"
#include "lipnet.h"
#include "bjorck.h"
#include "sort_act.h"
#include "sampler.h"
#include "knn.h"
#include "support.h"
#include "train.h"
#include "trainrun.h"
#include "model.h"
#include "score.h"
#include "score_stream.h"
#include "label.h"
#include "roc.h"
#include "certify.h"
#include "attack.h"
#include "grid.h"
#include "field.h"
#include "mesh.h"
#include "meshtopo.h"
#include "meshio.h"
#include "contour.h"
#include "svg.h"
#include "plot.h"
#include "output.h"
#include "text.h"
#include "bytes.h"
#include "rng.h"

#endif
