/*
 * knn.h: the distance from query points to their k-th nearest reference
 * row, computed as blocks of matrix products (OpenBLAS sgemm) rather than
 * pairwise loops.
 *
 * The distances serve the distance sampler of the trainer (train.h): the
 * target of a negative z is r - d_k(z), d_k its distance to the k-th
 * nearest training row.  Squared distances are |q|^2 + |x|^2 - 2 q.x,
 * clamped at 0, summed in float32 then rooted: exact enough at the scale
 * of the distances between rows (a relative error about 1e-6 of |q|^2).
 * Memory: the reference rows (copied), their squared norms and one block
 * of max_batch x OCSDF_KNN_BLOCK floats; no call below allocates.
 */
#ifndef OCSDF_KNN_H
#define OCSDF_KNN_H

#include <stddef.h>

/* Reference rows per block of the product. */
#define OCSDF_KNN_BLOCK 2048
/* Most neighbours a query may ask for (k plus the rows skipped). */
#define OCSDF_KNN_MAX_K 256

typedef struct ocsdf_knn ocsdf_knn;

/* An index over the m rows of ref (m x d, copied) for queries asking for
 * at most kmax neighbours (1..OCSDF_KNN_MAX_K), computed max_batch query
 * rows at a time.  NULL if out of memory or an argument is out of range. */
ocsdf_knn *ocsdf_knn_new(const float *ref, size_t m, int d, int kmax, int max_batch);
void ocsdf_knn_free(ocsdf_knn *x);
size_t ocsdf_knn_rows(const ocsdf_knn *x);

/* dist[i] = the Euclidean distance from q[i] (b x d, any b >= 0) to
 * its (k + skip)-th nearest reference row, ties counted as distinct rows:
 * skip = 1 leaves out the query itself when the queries are reference
 * rows.  k + skip must be at most kmax and at most the number of rows;
 * otherwise dist is filled with INFINITY. */
void ocsdf_knn_query(ocsdf_knn *x, const float *q, int b, int k, int skip, float *dist);

/* The same distances, from the same products, and idx[i] the reference
 * row (0..rows - 1, as ocsdf_knn_row) at that distance; -1 where dist is
 * INFINITY. */
void ocsdf_knn_query_index(ocsdf_knn *x, const float *q, int b, int k, int skip, float *dist, int *idx);

/* Reference row i (d floats, the index's copy). */
const float *ocsdf_knn_row(const ocsdf_knn *x, size_t i);

#endif
