/*
 * model.c: the ocsdf model file (format described in ocsdf-model(5)).
 *
 * A file holds the inference model (shape, scaling, names, weights Θ), the
 * record of how it was made (settings, statistics) and, only in the file
 * of an interrupted run, the checkpoint (progress, raw parameters,
 * optimizer state); the header's fields are one table, FIELDS, that
 * writing and reading share.
 *
 * Every multi-byte value is encoded and decoded byte by byte in
 * little-endian order, so a file means the same on every machine.  The
 * loader trusts nothing it reads: each count is checked against the hard
 * bounds of arch.h and the exact length the header implies is compared with
 * the bytes the file really holds before anything is allocated, all size
 * arithmetic is overflow-checked, the CRC is verified before any value is
 * interpreted, and the values themselves are checked last, by the same
 * ocsdf_model_check that guards saving.
 */
#include "model.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "bytes.h"
#include "output.h"
#include "train.h"

_Static_assert(sizeof(float) == 4 && sizeof(double) == 8, "IEEE 754 binary32/binary64 expected");

static const unsigned char MAGIC[8] = {'O', 'C', 'S', 'D', 'F', 'M', 'D', 'L'};

#define PREAMBLE_LEN 16      /* magic, version, header length */
#define HEADER_V1_LEN 280    /* header bytes that version 1 first defined */
#define HEADER_V2_LEN 344    /* and the distance sampler's */
#define HEADER_V3_LEN 352    /* and the rows read (ocsdf-train --sample) */
#define HEADER_V4_LEN 360    /* and the learning rate's hold */
#define HEADER_V5_LEN 368    /* and the weight of the slope term */
#define HEADER_V6_LEN 376    /* and the share of the run averaged */
#define HEADER_V7_LEN 384    /* and the weight of the rise term */
#define HEADER_LEN 392       /* header bytes this release writes: those and
                              * the rows the ascent starts from */
#define HEADER_MAX_LEN 65536 /* room for fields later releases may append */
#define FLAG_FINISHED 1u
#define FLAG_PARAMS 2u
#define FLAG_OPT_V 4u
#define FLAG_AVG 8u
#define FLAGS_KNOWN (FLAG_FINISHED | FLAG_PARAMS | FLAG_OPT_V | FLAG_AVG)
#define CHUNK 4096 /* values per bounce buffer while encoding or decoding */

typedef unsigned long long ull;

/* ---- little-endian encoding ---- */

/* int32 in two's complement, decoded without implementation-defined casts. */
static void put_i32(unsigned char *p, int v)
{
	ocsdf_bytes_put_u32(p, v < 0 ? (uint32_t)0xffffffffu - (uint32_t)(-(v + 1)) : (uint32_t)v);
}

static int get_i32(const unsigned char *p)
{
	uint32_t u = ocsdf_bytes_get_u32(p);
	return u <= 0x7fffffffu ? (int)u : -(int)(0xffffffffu - u) - 1;
}

/* ---- sizes ---- */

static int add_u64(uint64_t *acc, uint64_t v)
{
	if (v > UINT64_MAX - *acc)
		return -1;
	*acc += v;
	return 0;
}

static int mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	if (a && b > UINT64_MAX / a)
		return -1;
	*out = a * b;
	return 0;
}

/* Parameter count in 64 bits, whatever size_t is; a must be checked. */
static uint64_t nparams64(const ocsdf_arch *a)
{
	uint64_t n = 0;
	for (int l = 0; l <= a->depth; l++)
		n += (uint64_t)ocsdf_arch_rows(a, l) * ((uint64_t)ocsdf_arch_cols(a, l) + 1);
	return n;
}

/* Byte offsets of every section of a file. */
typedef struct layout {
	uint64_t header_len, d, names_len, nparams;
	int has_params, has_opt_v, has_avg;
	uint64_t mean, std, names, pad, theta, params, opt_v, avg, crc, total;
} layout;

/* A section of len bytes at *pos: its offset into *at, *pos moved past it.
 * Returns 0, or -1 if that overflows 64 bits. */
static int place(uint64_t *pos, uint64_t *at, uint64_t len)
{
	*at = *pos;
	return add_u64(pos, len);
}

/* The sections one after the other, the weights 8-aligned.  Returns 0, or
 * -1 if an offset overflows 64 bits. */
static int layout_compute(layout *L)
{
	uint64_t pos = PREAMBLE_LEN, dbytes, fbytes;

	if (add_u64(&pos, L->header_len) || mul_u64(L->d, 8, &dbytes) ||
	    mul_u64(L->nparams, 4, &fbytes))
		return -1;
	if (place(&pos, &L->mean, dbytes) || place(&pos, &L->std, dbytes) ||
	    place(&pos, &L->names, L->names_len))
		return -1;
	if (place(&pos, &L->pad, (8 - pos % 8) % 8) || place(&pos, &L->theta, fbytes) ||
	    place(&pos, &L->params, L->has_params ? fbytes : 0) ||
	    place(&pos, &L->opt_v, L->has_opt_v ? fbytes : 0) ||
	    place(&pos, &L->avg, L->has_avg ? fbytes : 0) || place(&pos, &L->crc, 4))
		return -1;
	L->total = pos;
	return 0;
}

/* The largest file any valid model can be: the cap when a model must be
 * read whole from a pipe. */
static uint64_t max_file_size(void)
{
	ocsdf_arch a = {OCSDF_MAX_FEATURES, OCSDF_MAX_WIDTH, OCSDF_MAX_DEPTH, OCSDF_ACT_FULLSORT};
	layout L = {HEADER_MAX_LEN, OCSDF_MAX_FEATURES, OCSDF_MODEL_MAX_NAMES_BYTES, nparams64(&a), 1, 1, 1,
		    0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	if (layout_compute(&L))
		return UINT64_MAX;
	return L.total;
}

/* ---- the model in memory ---- */

/* A model's inference buffers for shape a (names NULL, mean 0, std 1,
 * theta zeros), without a checkpoint.  NULL if a fails ocsdf_arch_check
 * or out of memory. */
static ocsdf_model *model_alloc(const ocsdf_arch *a)
{
	ocsdf_model *m;
	uint64_t np;
	size_t d, n;

	if (ocsdf_arch_check(a))
		return NULL;
	np = nparams64(a);
	if (np > SIZE_MAX / sizeof(float))
		return NULL;
	n = (size_t)np;
	d = (size_t)a->d;
	m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->arch = *a;
	m->names = calloc(d, sizeof *m->names);
	m->mean = calloc(d, sizeof *m->mean);
	m->std = calloc(d, sizeof *m->std);
	m->theta = calloc(n, sizeof *m->theta);
	if (!m->names || !m->mean || !m->std || !m->theta) {
		ocsdf_model_free(m);
		return NULL;
	}
	for (size_t j = 0; j < d; j++)
		m->std[j] = 1.0;
	return m;
}

/* Frees c and its buffers; NULL is fine. */
static void checkpoint_free(ocsdf_checkpoint *c)
{
	if (!c)
		return;
	free(c->params);
	free(c->opt_v);
	free(c->avg);
	free(c);
}

/* A checkpoint at step 0 for m's shape with the buffers asked for, zeros,
 * attached to m.  0, or -1 out of memory. */
static int checkpoint_attach(ocsdf_model *m, int with_params, int with_opt_v, int with_avg)
{
	size_t n = ocsdf_arch_nparams(&m->arch);
	ocsdf_checkpoint *c = calloc(1, sizeof *c);

	if (!c)
		return -1;
	if (with_params)
		c->params = calloc(n, sizeof *c->params);
	if (with_opt_v)
		c->opt_v = calloc(n, sizeof *c->opt_v);
	if (with_avg)
		c->avg = calloc(n, sizeof *c->avg);
	if ((with_params && !c->params) || (with_opt_v && !c->opt_v) || (with_avg && !c->avg)) {
		checkpoint_free(c);
		return -1;
	}
	m->ckpt = c;
	return 0;
}

ocsdf_model *ocsdf_model_new(const ocsdf_arch *a, int with_ckpt)
{
	ocsdf_model *m = model_alloc(a);
	if (!m)
		return NULL;
	ocsdf_train_default_settings(&m->settings);
	if (with_ckpt && checkpoint_attach(m, 1, 1, 0)) {
		ocsdf_model_free(m);
		return NULL;
	}
	for (int j = 0; j < a->d; j++) {
		m->names[j] = calloc(1, 1);
		if (!m->names[j]) {
			ocsdf_model_free(m);
			return NULL;
		}
	}
	return m;
}

void ocsdf_model_free(ocsdf_model *m)
{
	if (!m)
		return;
	if (m->names)
		for (int j = 0; j < m->arch.d; j++)
			free(m->names[j]);
	free(m->names);
	free(m->mean);
	free(m->std);
	free(m->theta);
	checkpoint_free(m->ckpt);
	free(m);
}

void ocsdf_model_finish(ocsdf_model *m)
{
	if (!m->ckpt)
		return;
	m->stats.run_epochs = m->ckpt->epoch;
	m->stats.run_steps = m->ckpt->step;
	checkpoint_free(m->ckpt);
	m->ckpt = NULL;
}

int ocsdf_model_set_name(ocsdf_model *m, int j, const char *name)
{
	char *copy;
	if (!m || !name || j < 0 || j >= m->arch.d)
		return -1;
	copy = strdup(name);
	if (!copy)
		return -1;
	free(m->names[j]);
	m->names[j] = copy;
	return 0;
}

/* ---- validation of values ---- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int index_of(const ocsdf_model *m, const char *name, int after)
{
	for (int j = after + 1; j < m->arch.d; j++)
		if (strcmp(m->names[j], name) == 0)
			return j;
	return -1;
}

static int check_names(const ocsdf_model *m, ocsdf_error *e)
{
	uint64_t total = 0;
	const char **sorted;
	int d = m->arch.d;

	if (!m->names)
		return ocsdf_error_set(e, OCSDF_EDATA, "feature names missing");
	for (int j = 0; j < d; j++) {
		const unsigned char *s = (const unsigned char *)m->names[j];
		size_t len;
		if (!s || !s[0])
			return ocsdf_error_set(e, OCSDF_EDATA, "feature %d: empty name", j + 1);
		len = strlen((const char *)s);
		if (len > OCSDF_MODEL_MAX_NAME)
			return ocsdf_error_set(e, OCSDF_EDATA,
					       "feature %d: name of %zu bytes is longer than %d", j + 1,
					       len, OCSDF_MODEL_MAX_NAME);
		for (size_t i = 0; i < len; i++)
			if (s[i] < 0x20 || s[i] == 0x7f)
				return ocsdf_error_set(e, OCSDF_EDATA,
						       "feature %d: name contains control character 0x%02x at byte %zu",
						       j + 1, s[i], i);
		total += 4 + len;
	}
	if (total > OCSDF_MODEL_MAX_NAMES_BYTES)
		return ocsdf_error_set(e, OCSDF_EDATA, "feature names take %llu bytes, more than the limit %llu",
				       (ull)total, (ull)OCSDF_MODEL_MAX_NAMES_BYTES);
	sorted = malloc((size_t)d * sizeof *sorted);
	if (!sorted)
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	for (int j = 0; j < d; j++)
		sorted[j] = m->names[j];
	qsort(sorted, (size_t)d, sizeof *sorted, cmp_names);
	for (int j = 1; j < d; j++)
		if (strcmp(sorted[j - 1], sorted[j]) == 0) {
			int first = index_of(m, sorted[j], -1);
			int second = index_of(m, sorted[j], first);
			ocsdf_error_set(e, OCSDF_EDATA, "features %d and %d have the same name \"%.64s\"",
					first + 1, second + 1, sorted[j]);
			free(sorted);
			return OCSDF_EDATA;
		}
	free(sorted);
	return 0;
}

/* Which part of the flat layout index i falls in, for messages. */
static void locate(const ocsdf_arch *a, size_t i, int *layer, const char **part)
{
	for (int l = 0; l <= a->depth; l++)
		if (i < ocsdf_arch_offset(a, l + 1)) {
			*layer = l;
			*part = i < ocsdf_arch_bias_offset(a, l) ? "matrix" : "bias";
			return;
		}
	*layer = a->depth;
	*part = "bias";
}

static int check_floats(const ocsdf_model *m, const float *v, const char *what, int nonneg,
			ocsdf_error *e)
{
	size_t n = ocsdf_arch_nparams(&m->arch);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]) || (nonneg && v[i] < 0)) {
			int layer;
			const char *part;
			locate(&m->arch, i, &layer, &part);
			return ocsdf_error_set(e, OCSDF_EDATA, "%s[%zu] (layer %d %s) is %g, expected %s",
					       what, i, layer, part, (double)v[i],
					       nonneg ? "a finite value >= 0" : "a finite value");
		}
	return 0;
}

static int check_double(const char *field, double v, int nonneg, ocsdf_error *e)
{
	if (!isfinite(v) || (nonneg && v < 0))
		return ocsdf_error_set(e, OCSDF_EDATA, "%s is %g, expected %s", field, v,
				       nonneg ? "a finite value >= 0" : "a finite value");
	return 0;
}

/* The settings in the ranges ocsdf-train accepts for them (a forged
 * checkpoint must not reach the trainer with a batch of 0 or endless
 * walks), and statistics finite. */
static int check_settings(const ocsdf_train_settings *s, const ocsdf_train_stats *t, ocsdf_error *e)
{
	int rc;

	if ((rc = ocsdf_train_check_settings(s, NULL, e)) ||
	    (rc = check_double("stats.f_mean", t->f_mean, 0, e)) ||
	    (rc = check_double("stats.f_p1", t->f_p1, 0, e)) ||
	    (rc = check_double("stats.f_p5", t->f_p5, 0, e)) ||
	    (rc = check_double("stats.f_p50", t->f_p50, 0, e)) ||
	    (rc = check_double("stats.lipschitz_raw", t->lipschitz_raw, 1, e)) ||
	    (rc = check_double("stats.final_loss", t->final_loss, 0, e)) ||
	    (rc = check_double("stats.ortho_error", t->ortho_error, 1, e)) ||
	    (rc = check_double("stats.grad_norm_mean", t->grad_norm_mean, 1, e)) ||
	    (rc = check_double("stats.support_radius", t->support_radius, 1, e)))
		return rc;
	return 0;
}

/* Every mean finite, every std finite and > 0 with a finite reciprocal:
 * 0, or 65 naming the feature. */
static int check_scaling(const ocsdf_model *m, ocsdf_error *e)
{
	for (int j = 0; j < m->arch.d; j++) {
		if (!isfinite(m->mean[j]))
			return ocsdf_error_set(e, OCSDF_EDATA, "feature %d (%.64s): mean is %g, expected a finite value",
					       j + 1, m->names[j], m->mean[j]);
		/* 1/std is the Lipschitz constant w.r.t. raw inputs: it must
		 * exist (a subnormal std overflows it). */
		if (!isfinite(m->std[j]) || !(m->std[j] > 0) || !isfinite(1.0 / m->std[j]))
			return ocsdf_error_set(e, OCSDF_EDATA,
					       "feature %d (%.64s): standard deviation is %g, expected a finite value > 0 "
					       "with a finite reciprocal",
					       j + 1, m->names[j], m->std[j]);
	}
	return 0;
}

/* The buffers checkpoint c (NULL: none) holds finite, the second moments
 * >= 0: 0, or 65 naming the value. */
static int check_checkpoint(const ocsdf_model *m, const ocsdf_checkpoint *c, ocsdf_error *e)
{
	int rc;

	if (c && ((c->params && (rc = check_floats(m, c->params, "params", 0, e))) ||
		  (c->opt_v && (rc = check_floats(m, c->opt_v, "opt_v", 1, e))) ||
		  (c->avg && (rc = check_floats(m, c->avg, "avg", 0, e)))))
		return rc;
	return 0;
}

int ocsdf_model_check(const ocsdf_model *m, ocsdf_error *e)
{
	const char *why = ocsdf_arch_check(&m->arch);
	int rc;

	if (why)
		return ocsdf_error_set(e, OCSDF_EDATA, "invalid network shape: %s", why);
	if (m->scale < OCSDF_SCALE_STD || m->scale > OCSDF_SCALE_NONE)
		return ocsdf_error_set(e, OCSDF_EDATA, "unknown standardization kind %d", m->scale);
	if (!m->mean || !m->std || !m->theta)
		return ocsdf_error_set(e, OCSDF_EDATA, "model buffers missing");
	if ((rc = check_names(m, e)))
		return rc;
	if ((rc = check_scaling(m, e)) || (rc = check_floats(m, m->theta, "theta", 0, e)) ||
	    (rc = check_checkpoint(m, m->ckpt, e)))
		return rc;
	return check_settings(&m->settings, &m->stats, e);
}

/* ---- the header ---- */

/* The header's values as the file holds them, between a model and its
 * bytes; arch is d, width, depth and act once checked. */
typedef struct header {
	uint32_t d, width, depth, act, scale, flags;
	uint64_t nparams, names_len;
	ocsdf_train_settings settings;
	ocsdf_train_stats stats;
	uint64_t epoch, step; /* a checkpoint's progress, or where a finished run ended */
	uint32_t reserved;
	ocsdf_arch arch;
} header;

enum { U32, U64, I32, F64 };

/* One header field: its byte offset in the file, its type, and where its
 * value lies in a header. */
typedef struct field {
	unsigned short off;
	unsigned char type;
	unsigned short at;
} field;

#define H(f) offsetof(header, f)
#define S(f) offsetof(header, settings.f)
#define T(f) offsetof(header, stats.f)

/* The fields of the header part by part (ocsdf-model(5)).  The 32 bytes
 * at 264 and the 4 at 404 that no field covers are reserved: written as
 * zeros, ignored on reading (earlier files hold an unused RNG state at
 * 264). */
static const field FIELDS[] = {
	/* the inference model: the shape, the scaling, what the file holds */
	{16, U32, H(d)}, {20, U32, H(width)}, {24, U32, H(depth)}, {28, U32, H(act)},
	{32, U32, H(scale)}, {36, U32, H(flags)}, {40, U64, H(nparams)}, {48, U64, H(names_len)},
	/* the training record: the settings of the run */
	{56, F64, S(margin)}, {64, F64, S(lambda)}, {72, F64, S(lr)}, {80, F64, S(lr_final)},
	{88, F64, S(rho)}, {96, F64, S(eps)}, {104, F64, S(box)}, {112, I32, S(epochs)},
	{116, I32, S(warmup)}, {120, I32, S(steps_per_epoch_min)}, {124, I32, S(steps_per_epoch_max)},
	{128, I32, S(batch)}, {132, I32, S(newton_steps)}, {136, I32, S(newton_level0)},
	{140, I32, S(init)}, {144, I32, S(ortho)}, {148, I32, S(bjorck_iters)},
	{152, I32, S(retract_iters)}, {156, U32, H(reserved)}, {160, F64, S(bjorck_tol)},
	{168, U64, S(seed)}, {296, I32, S(sampler)}, {300, I32, S(knn)},
	{304, F64, S(support_quantile)}, {312, F64, S(near)}, {320, F64, S(far)},
	{328, F64, S(box_share)}, {336, F64, S(push)}, {344, F64, S(contamination)},
	{368, F64, S(lr_hold)}, {376, F64, S(eikonal)}, {384, F64, S(average)}, {392, F64, S(slope)},
	{400, I32, S(ascent_rows)},
	/* the training record: statistics of the run */
	{176, U64, T(rows)}, {184, F64, T(f_mean)}, {192, F64, T(f_p1)}, {200, F64, T(f_p5)},
	{208, F64, T(f_p50)}, {216, F64, T(lipschitz_raw)}, {224, F64, T(final_loss)},
	{232, F64, T(ortho_error)}, {240, F64, T(grad_norm_mean)}, {352, F64, T(support_radius)},
	{360, U64, T(rows_read)},
	/* the progress of the run: the checkpoint's (or where it ended) */
	{248, U64, H(epoch)}, {256, U64, H(step)},
};

#undef H
#undef S
#undef T

/* Encodes field f of v into the file image h (preamble and header). */
static void field_put(unsigned char *h, const field *f, const header *v)
{
	const void *p = (const char *)v + f->at;
	switch (f->type) {
	case U32: ocsdf_bytes_put_u32(h + f->off, *(const uint32_t *)p); break;
	case U64: ocsdf_bytes_put_u64(h + f->off, *(const uint64_t *)p); break;
	case I32: put_i32(h + f->off, *(const int *)p); break;
	default: ocsdf_bytes_put_f64(h + f->off, *(const double *)p); break;
	}
}

/* Decodes field f of the file image h into v. */
static void field_get(const unsigned char *h, const field *f, header *v)
{
	void *p = (char *)v + f->at;
	switch (f->type) {
	case U32: *(uint32_t *)p = ocsdf_bytes_get_u32(h + f->off); break;
	case U64: *(uint64_t *)p = ocsdf_bytes_get_u64(h + f->off); break;
	case I32: *(int *)p = get_i32(h + f->off); break;
	default: *(double *)p = ocsdf_bytes_get_f64(h + f->off); break;
	}
}

/* ---- writing ---- */

/* Where encoded bytes go: a stdio stream or a buffer of the exact size. */
typedef struct sink {
	FILE *fp;
	unsigned char *mem;
	uint64_t pos;
	uLong crc;
	int err; /* errno of the first failed write */
} sink;

static void sink_put(sink *k, const void *p, size_t n)
{
	if (k->err)
		return;
	k->crc = crc32_z(k->crc, p, n);
	if (k->mem)
		memcpy(k->mem + k->pos, p, n);
	else if (fwrite(p, 1, n, k->fp) != n)
		k->err = errno ? errno : EIO;
	k->pos += n;
}

/* n floats or doubles (width: 4 or 8, the size of one) of v, encoded
 * through a bounce buffer. */
static void sink_values(sink *k, const void *v, size_t n, size_t width)
{
	unsigned char buf[CHUNK * 8];
	for (size_t i = 0; i < n && !k->err; i += CHUNK) {
		size_t c = n - i < CHUNK ? n - i : CHUNK;
		for (size_t j = 0; j < c; j++)
			if (width == 4)
				ocsdf_bytes_put_f32(buf + 4 * j, ((const float *)v)[i + j]);
			else
				ocsdf_bytes_put_f64(buf + 8 * j, ((const double *)v)[i + j]);
		sink_put(k, buf, width * c);
	}
}

/* Layout of m's file; m must have passed ocsdf_model_check.  Only a
 * checkpoint's training state goes into the file. */
static int layout_of(const ocsdf_model *m, layout *L)
{
	uint64_t names_len = 0;
	for (int j = 0; j < m->arch.d; j++)
		names_len += 4 + (uint64_t)strlen(m->names[j]);
	memset(L, 0, sizeof *L);
	L->header_len = HEADER_LEN;
	L->d = (uint64_t)m->arch.d;
	L->names_len = names_len;
	L->nparams = nparams64(&m->arch);
	L->has_params = m->ckpt && m->ckpt->params;
	L->has_opt_v = m->ckpt && m->ckpt->opt_v;
	L->has_avg = m->ckpt && m->ckpt->avg;
	return layout_compute(L);
}

/* The header of m's file, laid out as L. */
static void header_of(const ocsdf_model *m, const layout *L, header *v)
{
	memset(v, 0, sizeof *v);
	v->d = (uint32_t)m->arch.d;
	v->width = (uint32_t)m->arch.width;
	v->depth = (uint32_t)m->arch.depth;
	v->act = (uint32_t)m->arch.activation;
	v->scale = (uint32_t)m->scale;
	v->flags = (m->ckpt ? 0 : FLAG_FINISHED) | (L->has_params ? FLAG_PARAMS : 0) |
		   (L->has_opt_v ? FLAG_OPT_V : 0) | (L->has_avg ? FLAG_AVG : 0);
	v->nparams = L->nparams;
	v->names_len = L->names_len;
	v->settings = m->settings;
	v->stats = m->stats;
	if (v->stats.rows_read < v->stats.rows)
		v->stats.rows_read = v->stats.rows;
	v->epoch = m->ckpt ? m->ckpt->epoch : m->stats.run_epochs;
	v->step = m->ckpt ? m->ckpt->step : m->stats.run_steps;
}

/* The preamble and the header of m's file. */
static void put_header(const ocsdf_model *m, const layout *L, sink *k)
{
	unsigned char h[PREAMBLE_LEN + HEADER_LEN];
	header v;

	header_of(m, L, &v);
	memset(h, 0, sizeof h);
	memcpy(h, MAGIC, 8);
	ocsdf_bytes_put_u32(h + 8, OCSDF_MODEL_VERSION);
	ocsdf_bytes_put_u32(h + 12, HEADER_LEN);
	for (size_t i = 0; i < sizeof FIELDS / sizeof *FIELDS; i++)
		field_put(h, &FIELDS[i], &v);
	sink_put(k, h, sizeof h);
}

/* The feature names: each a u32 length and its bytes. */
static void put_names(const ocsdf_model *m, sink *k)
{
	for (int j = 0; j < m->arch.d; j++) {
		unsigned char len[4];
		size_t sl = strlen(m->names[j]);
		ocsdf_bytes_put_u32(len, (uint32_t)sl);
		sink_put(k, len, 4);
		sink_put(k, m->names[j], sl);
	}
}

/* The CRC of everything written so far, which it does not cover. */
static void put_crc(sink *k)
{
	unsigned char crc[4];
	ocsdf_bytes_put_u32(crc, (uint32_t)k->crc);
	k->crc = 0;
	if (k->mem)
		memcpy(k->mem + k->pos, crc, 4);
	else if (!k->err && fwrite(crc, 1, 4, k->fp) != 4)
		k->err = errno ? errno : EIO;
	k->pos += 4;
}

/* m's file, laid out as L: the header, the inference model (scaling,
 * names, weights), the checkpoint's buffers if any, the CRC. */
static void serialize(const ocsdf_model *m, const layout *L, sink *k)
{
	static const unsigned char zeros[8];
	size_t n = ocsdf_arch_nparams(&m->arch);

	put_header(m, L, k);
	sink_values(k, m->mean, (size_t)m->arch.d, sizeof *m->mean);
	sink_values(k, m->std, (size_t)m->arch.d, sizeof *m->std);
	put_names(m, k);
	sink_put(k, zeros, (size_t)(L->theta - L->pad));
	sink_values(k, m->theta, n, sizeof *m->theta);
	if (L->has_params)
		sink_values(k, m->ckpt->params, n, sizeof *m->ckpt->params);
	if (L->has_opt_v)
		sink_values(k, m->ckpt->opt_v, n, sizeof *m->ckpt->opt_v);
	if (L->has_avg)
		sink_values(k, m->ckpt->avg, n, sizeof *m->ckpt->avg);
	put_crc(k);
}

static int prepare_save(const ocsdf_model *m, const char *name, layout *L, ocsdf_error *e)
{
	ocsdf_error why;
	int rc = ocsdf_model_check(m, &why);
	if (rc)
		return ocsdf_error_set(e, rc, "%s: refusing to save an invalid model: %s", name, why.msg);
	if (layout_of(m, L))
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "%s: model too large", name);
	return 0;
}

int ocsdf_model_save_mem(const ocsdf_model *m, void **buf, size_t *len, ocsdf_error *e)
{
	layout L;
	sink k = {NULL, NULL, 0, 0, 0};
	int rc;

	*buf = NULL;
	*len = 0;
	if ((rc = prepare_save(m, "memory", &L, e)))
		return rc;
	if (L.total > SIZE_MAX || !(k.mem = malloc((size_t)L.total)))
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory for a model of %llu bytes",
				       (ull)L.total);
	k.crc = crc32_z(0, NULL, 0);
	serialize(m, &L, &k);
	if (k.pos != L.total) {
		free(k.mem);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "model encoding of %llu bytes, %llu expected",
				       (ull)k.pos, (ull)L.total);
	}
	*buf = k.mem;
	*len = (size_t)L.total;
	return 0;
}

int ocsdf_model_save(const ocsdf_model *m, const char *path, int force, ocsdf_error *e)
{
	ocsdf_output o;
	layout L;
	sink k = {NULL, NULL, 0, 0, 0};
	int rc;

	if ((rc = prepare_save(m, path ? path : "standard output", &L, e)))
		return rc;
	if ((rc = ocsdf_output_open(&o, path, force, e)))
		return rc;
	k.fp = o.fp;
	k.crc = crc32_z(0, NULL, 0);
	errno = 0;
	serialize(m, &L, &k);
	if (k.err) {
		ocsdf_error_set(e, OCSDF_EIO, "write error on %s: %s", o.path ? o.path : "standard output",
				strerror(k.err));
		if (o.is_stdout)
			o.fp = NULL;
		else
			ocsdf_output_abort(&o);
		return OCSDF_EIO;
	}
	return ocsdf_output_commit(&o, e);
}

/* ---- reading ---- */

/* Where bytes come from: a buffer, or a regular file of known size read
 * in order.  Either way size is known before anything is allocated. */
typedef struct src {
	const unsigned char *mem;
	FILE *fp;
	uint64_t size, pos;
	uLong crc;
	const char *name;
	ocsdf_error *e;
	int header_only; /* the file's length is not known yet: stop after the header */
} src;

/* The error code, with the message "NAME: byte OFF: what fmt says" (without
 * the byte when off is NO_OFFSET: fail). */
#define NO_OFFSET UINT64_MAX
#define fail(s, code, ...) fail_at(s, code, NO_OFFSET, __VA_ARGS__)

__attribute__((format(printf, 4, 5)))
static int fail_at(src *s, int code, uint64_t off, const char *fmt, ...)
{
	char msg[OCSDF_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (off == NO_OFFSET)
		return ocsdf_error_set(s->e, code, "%s: %s", s->name, msg);
	return ocsdf_error_set(s->e, code, "%s: byte %llu: %s", s->name, (ull)off, msg);
}

static int src_read(src *s, void *dst, size_t n, const char *what)
{
	uint64_t left = s->size - s->pos;
	if ((uint64_t)n > left)
		return fail_at(s, OCSDF_EDATA, s->pos,
			       "the file ends inside the %s (%zu bytes needed, %llu left): truncated model",
			       what, n, (ull)left);
	if (s->mem) {
		memcpy(dst, s->mem + s->pos, n);
	} else if (fread(dst, 1, n, s->fp) != n) {
		if (ferror(s->fp))
			return fail_at(s, OCSDF_ENOINPUT, s->pos, "read error: %s", strerror(errno));
		return fail_at(s, OCSDF_EDATA, s->pos,
			       "unexpected end of file inside the %s (the file shrank while being read)", what);
	}
	s->crc = crc32_z(s->crc, dst, n);
	s->pos += n;
	return 0;
}

static int src_skip(src *s, uint64_t n, const char *what)
{
	unsigned char buf[4096];
	while (n) {
		size_t c = n < sizeof buf ? (size_t)n : sizeof buf;
		int rc = src_read(s, buf, c, what);
		if (rc)
			return rc;
		n -= c;
	}
	return 0;
}

/* n floats or doubles (width: 4 or 8, the size of one) into dst, read
 * through a bounce buffer; what names them in messages.  0, or an error. */
static int src_values(src *s, void *dst, size_t n, size_t width, const char *what)
{
	unsigned char buf[CHUNK * 8];
	for (size_t i = 0; i < n; i += CHUNK) {
		size_t c = n - i < CHUNK ? n - i : CHUNK;
		int rc = src_read(s, buf, width * c, what);
		if (rc)
			return rc;
		for (size_t j = 0; j < c; j++)
			if (width == 4)
				((float *)dst)[i + j] = ocsdf_bytes_get_f32(buf + 4 * j);
			else
				((double *)dst)[i + j] = ocsdf_bytes_get_f64(buf + 8 * j);
	}
	return 0;
}

/* What a file that is not a model seems to be, for the message. */
static const char *guess_kind(const unsigned char *p, size_t n)
{
	int text = 1;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "it starts like a gzip file";
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x09 || (p[i] > 0x0d && p[i] < 0x20) || p[i] == 0x7f)
			text = 0;
	return text ? "it looks like text, perhaps a CSV file" : "unknown binary data";
}

/* Problems found while reading, reported only once the CRC has shown the
 * file is intact, so that random damage is called damage. */
typedef struct deferred {
	uint64_t off;
	char msg[200];
} deferred;

static void defer(deferred *late, uint64_t off, const char *msg)
{
	if (!late->msg[0]) {
		late->off = off;
		snprintf(late->msg, sizeof late->msg, "%s", msg);
	}
}

/* The flags, the parameter count and the name block's size of v, L's
 * sizes set from them.  0, or 65 naming the field's offset. */
static int check_counts(src *s, const header *v, layout *L)
{
	if (v->flags & ~FLAGS_KNOWN)
		return fail_at(s, OCSDF_EDATA, 36, "unknown flags 0x%lx", (unsigned long)(v->flags & ~FLAGS_KNOWN));
	L->nparams = nparams64(&v->arch);
	if (v->nparams != L->nparams)
		return fail_at(s, OCSDF_EDATA, 40,
			       "parameter count %llu does not match the network shape (%llu expected)",
			       (ull)v->nparams, (ull)L->nparams);
	if (v->names_len < 4 * (uint64_t)v->d || v->names_len > OCSDF_MODEL_MAX_NAMES_BYTES)
		return fail_at(s, OCSDF_EDATA, 48,
			       "feature-name block of %llu bytes is out of range %llu..%llu for %lu features",
			       (ull)v->names_len, 4 * (ull)v->d, (ull)OCSDF_MODEL_MAX_NAMES_BYTES,
			       (unsigned long)v->d);
	L->d = v->d;
	L->names_len = v->names_len;
	L->has_params = (v->flags & FLAG_PARAMS) != 0;
	L->has_opt_v = (v->flags & FLAG_OPT_V) != 0;
	L->has_avg = (v->flags & FLAG_AVG) != 0;
	return 0;
}

/* The preamble: the magic string, the version, the header length (into
 * L).  0, or 65 with a message saying what the file seems to be. */
static int parse_preamble(src *s, layout *L)
{
	unsigned char h[8];
	size_t n = s->size < 8 ? (size_t)s->size : 8;
	uint32_t version;
	int rc;

	if (s->size == 0)
		return fail(s, OCSDF_EDATA, "empty file, not an ocsdf model");
	if ((rc = src_read(s, h, n, "magic string")))
		return rc;
	if (memcmp(h, MAGIC, n) != 0)
		return fail(s, OCSDF_EDATA, "not an ocsdf model file (%s; a model starts with \"OCSDFMDL\")",
			    guess_kind(h, n));
	if ((rc = src_read(s, h + n, 8 - n, "magic string")) ||
	    (rc = src_read(s, h, 8, "format version and header length")))
		return rc;
	version = ocsdf_bytes_get_u32(h);
	L->header_len = ocsdf_bytes_get_u32(h + 4);
	if (version != OCSDF_MODEL_VERSION)
		return fail_at(s, OCSDF_EDATA, 8,
			       "model format version %lu is not supported; this build reads version %d only",
			       (unsigned long)version, OCSDF_MODEL_VERSION);
	if (L->header_len < HEADER_V1_LEN || L->header_len > HEADER_MAX_LEN)
		return fail_at(s, OCSDF_EDATA, 12, "header length %llu is invalid (version %d needs %d..%d)",
			       (ull)L->header_len, OCSDF_MODEL_VERSION, HEADER_V1_LEN, HEADER_MAX_LEN);
	return 0;
}

/* The header bytes this release understands of a header of header_len
 * bytes.  A header of 280 bytes comes from a release before the distance
 * sampler: its fields keep their zeros (the paper's sampler); one of 344,
 * from a release before --sample, read every row it had; one of 344 or
 * 352, from a release before the hold of the learning rate, has no hold
 * (0); one of 360 or less, from a release before the slope term
 * (--eikonal), has none (0); one of 368 or less, from a release before
 * --average, averages nothing (0); one of 376 or less, from a release
 * before the rise term (--slope), has none (0); one of 384 or less, from
 * a release before --ascent-rows, has no ascent (0). */
static uint64_t header_known(uint64_t header_len)
{
	return header_len >= HEADER_LEN      ? HEADER_LEN
	       : header_len >= HEADER_V7_LEN ? HEADER_V7_LEN
	       : header_len >= HEADER_V6_LEN ? HEADER_V6_LEN
	       : header_len >= HEADER_V5_LEN ? HEADER_V5_LEN
	       : header_len >= HEADER_V4_LEN ? HEADER_V4_LEN
	       : header_len >= HEADER_V3_LEN ? HEADER_V3_LEN
	       : header_len >= HEADER_V2_LEN ? HEADER_V2_LEN
					     : HEADER_V1_LEN;
}

/* The shape, the scaling kind and the counts of v against their bounds,
 * v->arch and L's sizes set from them.  0, or 65 naming the field's
 * offset. */
static int check_shape(src *s, header *v, layout *L)
{
	const char *why;

	if (v->d < 1 || v->d > OCSDF_MAX_FEATURES)
		return fail_at(s, OCSDF_EDATA, 16, "feature count %lu is out of range 1..%d",
			       (unsigned long)v->d, OCSDF_MAX_FEATURES);
	if (v->width < 2 || v->width > OCSDF_MAX_WIDTH)
		return fail_at(s, OCSDF_EDATA, 20, "width %lu is out of range 2..%d", (unsigned long)v->width,
			       OCSDF_MAX_WIDTH);
	if (v->depth < 1 || v->depth > OCSDF_MAX_DEPTH)
		return fail_at(s, OCSDF_EDATA, 24, "depth %lu is out of range 1..%d", (unsigned long)v->depth,
			       OCSDF_MAX_DEPTH);
	if (v->act != OCSDF_ACT_FULLSORT && v->act != OCSDF_ACT_GROUPSORT2)
		return fail_at(s, OCSDF_EDATA, 28, "unknown activation %lu", (unsigned long)v->act);
	v->arch = (ocsdf_arch){(int)v->d, (int)v->width, (int)v->depth, (int)v->act};
	if ((why = ocsdf_arch_check(&v->arch)))
		return fail_at(s, OCSDF_EDATA, 16, "invalid network shape: %s", why);
	if (v->scale > OCSDF_SCALE_NONE)
		return fail_at(s, OCSDF_EDATA, 32, "unknown standardization kind %lu", (unsigned long)v->scale);
	return check_counts(s, v, L);
}

/* The training record of a header of `known` bytes: the rows read of an
 * older file are its rows; a value problem is deferred to late. */
static void read_record(header *v, uint64_t known, deferred *late)
{
	if (known < HEADER_V3_LEN)
		v->stats.rows_read = v->stats.rows;
	if (v->stats.rows_read < v->stats.rows)
		defer(late, 360, "stats.rows_read is below stats.rows");
	if (v->reserved)
		defer(late, 156, "reserved header field is not zero");
}

/* The file's length against the one L describes (only its header's
 * sizes when the length is not known yet).  0, or 65. */
static int check_length(src *s, layout *L)
{
	if (layout_compute(L))
		return fail(s, OCSDF_EDATA, "the header describes a file too large to exist");
	if (s->header_only)
		return 0;
	if (L->total > s->size)
		return fail(s, OCSDF_EDATA,
			    "truncated model: the header describes %llu bytes but the file has %llu",
			    (ull)L->total, (ull)s->size);
	if (L->total < s->size)
		return fail_at(s, OCSDF_EDATA, L->total,
			       "%llu unexpected bytes after the end of the model (the header describes %llu bytes)",
			       (ull)(s->size - L->total), (ull)L->total);
	if (L->nparams > SIZE_MAX / sizeof(float))
		return fail(s, OCSDF_ESOFTWARE, "model of %llu parameters too large for this machine",
			    (ull)L->nparams);
	return 0;
}

/* The preamble and the header into v and L, each size checked: nothing
 * is allocated unless the file holds exactly what the header describes.
 * 0, or an error with s->e set. */
static int parse_header(src *s, header *v, layout *L, deferred *late)
{
	unsigned char h[PREAMBLE_LEN + HEADER_LEN];
	uint64_t known;
	int rc;

	if ((rc = parse_preamble(s, L)))
		return rc;
	known = header_known(L->header_len);
	memset(h, 0, sizeof h);
	if ((rc = src_read(s, h + PREAMBLE_LEN, (size_t)known, "header")))
		return rc;
	/* Fields a later release appended: covered by the CRC, not understood. */
	if ((rc = src_skip(s, L->header_len - known, "header")))
		return rc;
	for (size_t i = 0; i < sizeof FIELDS / sizeof *FIELDS; i++)
		field_get(h, &FIELDS[i], v);
	if ((rc = check_shape(s, v, L)))
		return rc;
	read_record(v, known, late);
	return check_length(s, L);
}

/* The names block of L into m->names: every length against the limit and
 * the bytes left, the block filled exactly; a NUL byte in a name is
 * deferred to late.  0, or an error. */
static int parse_names(src *s, ocsdf_model *m, const layout *L, deferred *late)
{
	uint64_t block_end = L->names + L->names_len;
	int rc;

	for (size_t j = 0; j < (size_t)m->arch.d; j++) {
		unsigned char lb[4];
		uint32_t len;
		uint64_t off = s->pos;
		if (block_end - s->pos < 4)
			return fail_at(s, OCSDF_EDATA, off,
				       "feature %zu: name length runs past the end of the name block", j + 1);
		if ((rc = src_read(s, lb, 4, "feature names")))
			return rc;
		len = ocsdf_bytes_get_u32(lb);
		if (len > OCSDF_MODEL_MAX_NAME || len > block_end - s->pos)
			return fail_at(s, OCSDF_EDATA, off,
				       "feature %zu: name length %lu runs past the end of the name block "
				       "(%llu bytes left, at most %d allowed)",
				       j + 1, (unsigned long)len, (ull)(block_end - s->pos), OCSDF_MODEL_MAX_NAME);
		m->names[j] = malloc((size_t)len + 1);
		if (!m->names[j])
			return fail(s, OCSDF_ESOFTWARE, "out of memory");
		if ((rc = src_read(s, m->names[j], len, "feature names")))
			return rc;
		m->names[j][len] = '\0';
		if (!late->msg[0] && memchr(m->names[j], '\0', len)) {
			char msg[64];
			snprintf(msg, sizeof msg, "feature %zu: name contains a NUL byte", j + 1);
			defer(late, off, msg);
		}
	}
	if (s->pos != block_end)
		return fail_at(s, OCSDF_EDATA, s->pos,
			       "the feature names end here but the header says the name block ends at byte %llu",
			       (ull)block_end);
	return 0;
}

/* The padding before Θ; a byte that is not zero is deferred to late. */
static int parse_padding(src *s, const layout *L, deferred *late)
{
	unsigned char pad[8];
	int rc;

	if ((rc = src_read(s, pad, (size_t)(L->theta - L->pad), "padding")))
		return rc;
	for (uint64_t i = 0; i < L->theta - L->pad; i++)
		if (pad[i] && !late->msg[0]) {
			char msg[64];
			snprintf(msg, sizeof msg, "padding byte is 0x%02x, expected 0", pad[i]);
			defer(late, L->pad + i, msg);
		}
	return 0;
}

/* The stored CRC against the one of everything read before it. */
static int parse_crc(src *s, const layout *L)
{
	unsigned char crcb[4];
	uLong crc = s->crc;
	int rc;

	if ((rc = src_read(s, crcb, 4, "checksum")))
		return rc;
	if (ocsdf_bytes_get_u32(crcb) != (uint32_t)crc)
		return fail_at(s, OCSDF_EDATA, L->crc,
			       "checksum mismatch (stored %08lx, computed %08lx): the file is corrupt",
			       (unsigned long)ocsdf_bytes_get_u32(crcb), (unsigned long)crc);
	return 0;
}

/* Everything after the header into m: the scaling, the names, Θ, the
 * checkpoint's buffers the file holds, then the CRC.  0, or an error. */
static int parse_body(src *s, ocsdf_model *m, const layout *L, deferred *late)
{
	size_t d = (size_t)m->arch.d, n = (size_t)L->nparams;
	const ocsdf_checkpoint *c = m->ckpt;
	int rc;

	if ((rc = src_values(s, m->mean, d, sizeof *m->mean, "feature means")) ||
	    (rc = src_values(s, m->std, d, sizeof *m->std, "feature standard deviations")) ||
	    (rc = parse_names(s, m, L, late)) || (rc = parse_padding(s, L, late)) ||
	    (rc = src_values(s, m->theta, n, sizeof *m->theta, "weights theta")) ||
	    (L->has_params && (rc = src_values(s, c->params, n, sizeof *c->params, "parameters"))) ||
	    (L->has_opt_v && (rc = src_values(s, c->opt_v, n, sizeof *c->opt_v, "optimizer state"))) ||
	    (L->has_avg && (rc = src_values(s, c->avg, n, sizeof *c->avg, "averaged parameters"))))
		return rc;
	return parse_crc(s, L);
}

/* The model the header v describes, its buffers allocated and its
 * settings and statistics set.  The file of an interrupted run, or one
 * that holds training state, gets a checkpoint at its progress; that of a
 * finished run without state, its progress as its record.  NULL out of
 * memory. */
static ocsdf_model *model_of(const header *v, const layout *L)
{
	ocsdf_model *m = model_alloc(&v->arch);

	if (!m)
		return NULL;
	m->scale = (int)v->scale;
	m->settings = v->settings;
	m->stats = v->stats;
	if (!L->has_params && !L->has_opt_v && !L->has_avg && (v->flags & FLAG_FINISHED)) {
		m->stats.run_epochs = v->epoch;
		m->stats.run_steps = v->step;
		return m;
	}
	if (checkpoint_attach(m, L->has_params, L->has_opt_v, L->has_avg)) {
		ocsdf_model_free(m);
		return NULL;
	}
	m->ckpt->epoch = v->epoch;
	m->ckpt->step = v->step;
	return m;
}

/* The values of m once the CRC has shown the file intact: the problem
 * deferred while reading first, then ocsdf_model_check.  0, or 65. */
static int check_values(src *s, const ocsdf_model *m, const deferred *late)
{
	ocsdf_error why;
	int rc;

	if (late->msg[0])
		return fail_at(s, OCSDF_EDATA, late->off, "%s", late->msg);
	if ((rc = ocsdf_model_check(m, &why)))
		return fail(s, rc, "%s", why.msg);
	return 0;
}

/* The model in s, read and checked, into *out.  A finished run's file
 * written by an earlier release with its training state loads without
 * it, once the state is checked.  0, or an error with s->e set. */
static int parse(src *s, ocsdf_model **out)
{
	ocsdf_model *m;
	header v;
	layout L;
	deferred late;
	int rc;

	memset(&v, 0, sizeof v);
	memset(&L, 0, sizeof L);
	late.off = 0;
	late.msg[0] = '\0';
	s->crc = crc32_z(0, NULL, 0);
	if ((rc = parse_header(s, &v, &L, &late)))
		return rc;
	m = model_of(&v, &L);
	if (!m)
		return fail(s, OCSDF_ESOFTWARE, "out of memory for a model of %llu parameters", (ull)L.nparams);
	if ((rc = parse_body(s, m, &L, &late)) || (rc = check_values(s, m, &late))) {
		ocsdf_model_free(m);
		return rc;
	}
	if (v.flags & FLAG_FINISHED)
		ocsdf_model_finish(m);
	*out = m;
	return 0;
}

int ocsdf_model_load_mem(const void *buf, size_t len, const char *name, ocsdf_model **out,
			 ocsdf_error *e)
{
	src s = {.mem = buf, .size = len, .name = name ? name : "model", .e = e};
	*out = NULL;
	return parse(&s, out);
}

/* Whether the first len bytes of a stream say enough to stop reading it:
 * they are not a model, their header is invalid, or they hold the whole
 * length the header describes plus one byte (to tell trailing data). */
static int stream_has_enough(const unsigned char *buf, size_t len)
{
	header v;
	ocsdf_error ignored;
	layout L;
	deferred late;
	uint32_t header_len;
	src s;

	if (len < PREAMBLE_LEN)
		return len >= 8 && memcmp(buf, MAGIC, 8) != 0;
	header_len = ocsdf_bytes_get_u32(buf + 12);
	if (memcmp(buf, MAGIC, 8) != 0 || ocsdf_bytes_get_u32(buf + 8) != OCSDF_MODEL_VERSION ||
	    header_len < HEADER_V1_LEN || header_len > HEADER_MAX_LEN)
		return 1;
	if (len < PREAMBLE_LEN + (size_t)header_len)
		return 0;
	memset(&v, 0, sizeof v);
	memset(&L, 0, sizeof L);
	late.msg[0] = '\0';
	s = (src){.mem = buf, .size = len, .name = "", .e = &ignored, .header_only = 1};
	return parse_header(&s, &v, &L, &late) != 0 || (uint64_t)len > L.total;
}

/* A pipe, a device or a file whose size is not known: read up to the
 * length its header describes, never more than the largest valid size. */
static int load_stream(FILE *fp, const char *name, ocsdf_model **out, ocsdf_error *e)
{
	uint64_t cap = max_file_size();
	unsigned char *buf = NULL;
	size_t len = 0, alloc = 0;
	int rc;

	while (!stream_has_enough(buf, len)) {
		size_t got;
		if (len == alloc) {
			size_t grow = alloc ? alloc : 65536;
			unsigned char *nb;
			if (alloc > SIZE_MAX - grow || (uint64_t)alloc >= cap + 1) {
				free(buf);
				return ocsdf_error_set(e, OCSDF_EDATA,
						       "%s: more than %llu bytes, too large to be an ocsdf model",
						       name, (ull)cap);
			}
			nb = realloc(buf, alloc + grow);
			if (!nb) {
				free(buf);
				return ocsdf_error_set(e, OCSDF_ESOFTWARE, "%s: out of memory", name);
			}
			buf = nb;
			alloc += grow;
		}
		got = fread(buf + len, 1, alloc - len, fp);
		len += got;
		if (got == 0) {
			if (ferror(fp)) {
				int err = errno;
				free(buf);
				return ocsdf_error_set(e, OCSDF_ENOINPUT, "%s: read error: %s", name, strerror(err));
			}
			break;
		}
	}
	rc = ocsdf_model_load_mem(buf, len, name, out, e);
	free(buf);
	return rc;
}

int ocsdf_model_load(const char *path, ocsdf_model **out, ocsdf_error *e)
{
	struct stat st;
	FILE *fp;
	src s;
	int rc;

	*out = NULL;
	if (!path || strcmp(path, "-") == 0)
		return load_stream(stdin, "standard input", out, e);
	fp = fopen(path, "rb");
	if (!fp)
		return ocsdf_error_set(e, OCSDF_ENOINPUT, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fileno(fp), &st) != 0) {
		int err = errno;
		fclose(fp);
		return ocsdf_error_set(e, OCSDF_ENOINPUT, "%s: cannot read: %s", path, strerror(err));
	}
	if (S_ISDIR(st.st_mode)) {
		fclose(fp);
		return ocsdf_error_set(e, OCSDF_ENOINPUT, "%s: is a directory", path);
	}
	/* Files of /proc and /sys say 0 bytes but have content: only reading
	 * tells, as for a pipe. */
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		rc = load_stream(fp, path, out, e);
		fclose(fp);
		return rc;
	}
	s = (src){.fp = fp, .size = (uint64_t)st.st_size, .name = path, .e = e};
	rc = parse(&s, out);
	fclose(fp);
	return rc;
}
