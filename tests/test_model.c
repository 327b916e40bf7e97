/*
 * test_model.c: the model file, round trips and every way a file can be
 * damaged or hostile.
 *
 * Corrupt files are made by editing a valid image at the offsets
 * ocsdf-model(5) documents; where the CRC is recomputed after an edit, the
 * loader's own validation is what must reject the file.  Huge declared
 * sizes must be refused before any allocation, which the sanitizer build
 * would otherwise report.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "bytes.h"
#include "model.h"
#include "rng.h"
#include "train.h"

/* Offsets from ocsdf-model(5). */
enum {
	HEADER_LEN = 392,
	HEADER_V7_LEN = 384,
	HEADER_V6_LEN = 376,
	HEADER_V5_LEN = 368,
	HEADER_V4_LEN = 360,
	HEADER_V3_LEN = 352,
	HEADER_V2_LEN = 344,
	HEADER_V1_LEN = 280,
	OFF_VERSION = 8,
	OFF_HLEN = 12,
	OFF_D = 16,
	OFF_WIDTH = 20,
	OFF_DEPTH = 24,
	OFF_ACT = 28,
	OFF_SCALE = 32,
	OFF_FLAGS = 36,
	OFF_NPARAMS = 40,
	OFF_NAMES_LEN = 48,
	OFF_MARGIN = 56,
	OFF_LAMBDA = 64,
	OFF_LR = 72,
	OFF_LR_FINAL = 80,
	OFF_RHO = 88,
	OFF_EPS = 96,
	OFF_BOX = 104,
	OFF_EPOCHS = 112,
	OFF_WARMUP = 116,
	OFF_SPE_MIN = 120,
	OFF_SPE_MAX = 124,
	OFF_BATCH = 128,
	OFF_NEWTON_STEPS = 132,
	OFF_NEWTON_LEVEL0 = 136,
	OFF_INIT = 140,
	OFF_ORTHO = 144,
	OFF_BJORCK_ITERS = 148,
	OFF_RETRACT_ITERS = 152,
	OFF_RESERVED = 156,
	OFF_BJORCK_TOL = 160,
	OFF_SEED = 168,
	OFF_ROWS = 176,
	OFF_LIPSCHITZ = 216,
	OFF_GRAD_NORM = 240,
	OFF_EPOCH = 248,
	OFF_STEP = 256,
	OFF_RNG = 264,
	OFF_SAMPLER = 296,
	OFF_KNN = 300,
	OFF_SUPPORT_Q = 304,
	OFF_NEAR = 312,
	OFF_FAR = 320,
	OFF_BOX_SHARE = 328,
	OFF_PUSH = 336,
	OFF_CONTAMINATION = 344,
	OFF_SUPPORT_RADIUS = 352,
	OFF_ROWS_READ = 360,
	OFF_LR_HOLD = 368,
	OFF_EIKONAL = 376,
	OFF_AVERAGE = 384,
	OFF_SLOPE = 392,
	OFF_ASCENT_ROWS = 400,
	OFF_RESERVED2 = 404,
	OFF_MEAN = 408
};

/* ---- helpers ---- */

static void recrc(unsigned char *buf, size_t len)
{
	ocsdf_bytes_put_u32(buf + len - 4, (uint32_t)crc32(0, buf, (uInt)(len - 4)));
}

static uint64_t nparams(const ocsdf_arch *a)
{
	return ocsdf_arch_nparams(a);
}

/* A model filled with random values; names "f00", "f01", ... all of the
 * same length (handy for editing names in place). */
static ocsdf_model *random_model(ocsdf_arch a, int params, int opt_v, uint64_t seed)
{
	ocsdf_rng r;
	ocsdf_model *m = ocsdf_model_new(&a, 1);
	size_t n = ocsdf_arch_nparams(&a);
	char name[64];

	ck_assert_ptr_nonnull(m);
	ocsdf_rng_seed(&r, seed);
	for (int j = 0; j < a.d; j++) {
		snprintf(name, sizeof name, "f%02d", j);
		ck_assert_int_eq(ocsdf_model_set_name(m, j, name), 0);
		m->mean[j] = ocsdf_rng_normal(&r) * 100;
		m->std[j] = 0.01 + ocsdf_rng_uniform(&r) * 10;
	}
	for (size_t i = 0; i < n; i++) {
		m->theta[i] = (float)ocsdf_rng_normal(&r);
		m->ckpt->params[i] = (float)ocsdf_rng_normal(&r);
		m->ckpt->opt_v[i] = (float)ocsdf_rng_uniform(&r);
	}
	if (n > 1)
		m->theta[1] = -0.0f;
	if (!params) {
		free(m->ckpt->params);
		m->ckpt->params = NULL;
	}
	if (!opt_v) {
		free(m->ckpt->opt_v);
		m->ckpt->opt_v = NULL;
	}
	/* A run's full state, the average of --average included. */
	if (params && opt_v) {
		ck_assert_ptr_nonnull(m->ckpt->avg = malloc(n * sizeof *m->ckpt->avg));
		for (size_t i = 0; i < n; i++)
			m->ckpt->avg[i] = (float)ocsdf_rng_normal(&r);
	}
	m->scale = (int)ocsdf_rng_below(&r, 3);
	m->ckpt->epoch = ocsdf_rng_u64(&r);
	m->ckpt->step = ocsdf_rng_u64(&r);
	/* Without training state, a finished model: the progress is the
	 * record of where its run ended. */
	if (!(params || opt_v))
		ocsdf_model_finish(m);
	/* Settings anywhere in their ranges (ocsdf-train(1)). */
	m->settings.margin = 1e-3 + ocsdf_rng_uniform(&r);
	m->settings.lambda = 1 + 100 * ocsdf_rng_uniform(&r);
	m->settings.lr = 1e-3 * (1e-6 + ocsdf_rng_uniform(&r));
	m->settings.lr_final = 1e-5 * (1e-6 + ocsdf_rng_uniform(&r));
	m->settings.lr_hold = 0.9 * ocsdf_rng_uniform(&r);
	/* One of the two slope terms, which exclude each other. */
	m->settings.eikonal = m->settings.slope = 0;
	if (ocsdf_rng_uniform(&r) < 0.5)
		m->settings.eikonal = 100 * ocsdf_rng_uniform(&r);
	else
		m->settings.slope = 100 * ocsdf_rng_uniform(&r);
	m->settings.average = 0.9 * ocsdf_rng_uniform(&r);
	m->settings.ascent_rows = (int)ocsdf_rng_below(&r, OCSDF_TRAIN_MAX_ASCENT_ROWS + 1);
	m->settings.rho = 0.01 + 0.98 * ocsdf_rng_uniform(&r);
	m->settings.eps = 1e-7;
	m->settings.box = 5 + ocsdf_rng_uniform(&r);
	m->settings.epochs = 10 + (int)ocsdf_rng_below(&r, 100);
	m->settings.warmup = (int)ocsdf_rng_below(&r, 10);
	m->settings.steps_per_epoch_min = 1 + (int)ocsdf_rng_below(&r, 30);
	m->settings.steps_per_epoch_max = (int)ocsdf_rng_below(&r, 3000);
	m->settings.batch = 1 + (int)ocsdf_rng_below(&r, 512);
	m->settings.newton_steps = (int)ocsdf_rng_below(&r, 8);
	m->settings.newton_level0 = (int)ocsdf_rng_below(&r, 2);
	m->settings.init = (int)ocsdf_rng_below(&r, 2);
	m->settings.ortho = (int)ocsdf_rng_below(&r, 2);
	m->settings.bjorck_iters = 1 + (int)ocsdf_rng_below(&r, 30);
	m->settings.bjorck_tol = 1e-3 * ocsdf_rng_uniform(&r);
	m->settings.retract_iters = 1 + (int)ocsdf_rng_below(&r, 5);
	m->settings.seed = ocsdf_rng_u64(&r);
	m->stats.rows = ocsdf_rng_u64(&r);
	m->stats.f_mean = ocsdf_rng_normal(&r);
	m->stats.f_p1 = ocsdf_rng_normal(&r);
	m->stats.f_p5 = ocsdf_rng_normal(&r);
	m->stats.f_p50 = ocsdf_rng_normal(&r);
	m->stats.lipschitz_raw = 1 + ocsdf_rng_uniform(&r);
	m->stats.final_loss = ocsdf_rng_normal(&r);
	m->stats.ortho_error = 1e-6 * ocsdf_rng_uniform(&r);
	m->stats.grad_norm_mean = ocsdf_rng_uniform(&r);
	return m;
}

static int same_double(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

/* Checkpoints a and b (n parameters) hold the same progress and state. */
static void assert_same_checkpoint(const ocsdf_checkpoint *a, const ocsdf_checkpoint *b, size_t n)
{
	ck_assert_int_eq(a->params != NULL, b->params != NULL);
	ck_assert_int_eq(a->opt_v != NULL, b->opt_v != NULL);
	ck_assert_int_eq(a->avg != NULL, b->avg != NULL);
	if (a->avg)
		ck_assert_mem_eq(a->avg, b->avg, n * sizeof *a->avg);
	if (a->params)
		ck_assert_mem_eq(a->params, b->params, n * sizeof *a->params);
	if (a->opt_v)
		ck_assert_mem_eq(a->opt_v, b->opt_v, n * sizeof *a->opt_v);
	ck_assert_uint_eq(a->epoch, b->epoch);
	ck_assert_uint_eq(a->step, b->step);
}

static void assert_same(const ocsdf_model *a, const ocsdf_model *b)
{
	size_t n = ocsdf_arch_nparams(&a->arch), d = (size_t)a->arch.d;
	const ocsdf_train_settings *s = &a->settings, *t = &b->settings;
	const ocsdf_train_stats *u = &a->stats, *v = &b->stats;

	ck_assert_int_eq(a->arch.d, b->arch.d);
	ck_assert_int_eq(a->arch.width, b->arch.width);
	ck_assert_int_eq(a->arch.depth, b->arch.depth);
	ck_assert_int_eq(a->arch.activation, b->arch.activation);
	ck_assert_int_eq(a->scale, b->scale);
	for (size_t j = 0; j < d; j++)
		ck_assert_str_eq(a->names[j], b->names[j]);
	ck_assert_mem_eq(a->mean, b->mean, d * sizeof *a->mean);
	ck_assert_mem_eq(a->std, b->std, d * sizeof *a->std);
	ck_assert_mem_eq(a->theta, b->theta, n * sizeof *a->theta);
	ck_assert_int_eq(a->ckpt != NULL, b->ckpt != NULL);
	if (a->ckpt)
		assert_same_checkpoint(a->ckpt, b->ckpt, n);
	ck_assert(same_double(s->margin, t->margin) && same_double(s->lambda, t->lambda));
	ck_assert(same_double(s->lr, t->lr) && same_double(s->lr_final, t->lr_final));
	ck_assert(same_double(s->lr_hold, t->lr_hold) && same_double(s->eikonal, t->eikonal));
	ck_assert(same_double(s->average, t->average) && same_double(s->slope, t->slope));
	ck_assert_int_eq(s->ascent_rows, t->ascent_rows);
	ck_assert(same_double(s->rho, t->rho) && same_double(s->eps, t->eps));
	ck_assert(same_double(s->box, t->box) && same_double(s->bjorck_tol, t->bjorck_tol));
	ck_assert_int_eq(s->epochs, t->epochs);
	ck_assert_int_eq(s->warmup, t->warmup);
	ck_assert_int_eq(s->steps_per_epoch_min, t->steps_per_epoch_min);
	ck_assert_int_eq(s->steps_per_epoch_max, t->steps_per_epoch_max);
	ck_assert_int_eq(s->batch, t->batch);
	ck_assert_int_eq(s->newton_steps, t->newton_steps);
	ck_assert_int_eq(s->newton_level0, t->newton_level0);
	ck_assert_int_eq(s->init, t->init);
	ck_assert_int_eq(s->ortho, t->ortho);
	ck_assert_int_eq(s->bjorck_iters, t->bjorck_iters);
	ck_assert_int_eq(s->retract_iters, t->retract_iters);
	ck_assert_uint_eq(s->seed, t->seed);
	ck_assert_uint_eq(u->rows, v->rows);
	ck_assert(same_double(u->f_mean, v->f_mean) && same_double(u->f_p1, v->f_p1));
	ck_assert(same_double(u->f_p5, v->f_p5) && same_double(u->f_p50, v->f_p50));
	ck_assert(same_double(u->lipschitz_raw, v->lipschitz_raw));
	ck_assert(same_double(u->final_loss, v->final_loss));
	ck_assert(same_double(u->ortho_error, v->ortho_error));
	ck_assert(same_double(u->grad_norm_mean, v->grad_norm_mean));
	ck_assert_uint_eq(u->run_epochs, v->run_epochs);
	ck_assert_uint_eq(u->run_steps, v->run_steps);
}

static unsigned char *image(const ocsdf_model *m, size_t *len)
{
	void *buf;
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_model_save_mem(m, &buf, len, &e), 0);
	return buf;
}

/* The standard small model of the corruption tests: odd width (so that
 * switching the activation to GroupSort-2 is invalid), names of equal
 * length, with or without training state. */
static unsigned char *small_image(int state, size_t *len)
{
	ocsdf_arch a = {3, 5, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, state, state, 42);
	unsigned char *buf;
	m->scale = OCSDF_SCALE_STD;
	buf = image(m, len);
	ocsdf_model_free(m);
	return buf;
}

/* Loads buf[0..len); returns the code, checks the failure contract. */
static int load_code(const unsigned char *buf, size_t len, ocsdf_error *e)
{
	ocsdf_model *m = (ocsdf_model *)1;
	int rc;
	ocsdf_error_clear(e);
	rc = ocsdf_model_load_mem(buf, len, "t.model", &m, e);
	if (rc) {
		ck_assert_ptr_null(m);
		ck_assert_int_eq(e->code, rc);
		ck_assert(strncmp(e->msg, "t.model: ", 9) == 0);
	} else {
		ck_assert_ptr_nonnull(m);
		ocsdf_model_free(m);
	}
	return rc;
}

static void expect_reject(const unsigned char *buf, size_t len, const char *words)
{
	ocsdf_error e;
	int rc = load_code(buf, len, &e);
	ck_assert_msg(rc == OCSDF_EDATA, "expected 65, got %d (%s)", rc, e.msg);
	ck_assert_msg(strstr(e.msg, words) != NULL, "message \"%s\" lacks \"%s\"", e.msg, words);
}

enum { FIELD_U32, FIELD_U64, FIELD_F64 };

/* Copies orig to buf, writes one field at off (v as an integer, or f),
 * repairs the CRC and expects the load to fail with words. */
static void expect_edit_rejected(unsigned char *buf, const unsigned char *orig, size_t len, size_t off,
				 int kind, uint64_t v, double f, const char *words)
{
	memcpy(buf, orig, len);
	if (kind == FIELD_F64)
		ocsdf_bytes_put_f64(buf + off, f);
	else if (kind == FIELD_U64)
		ocsdf_bytes_put_u64(buf + off, v);
	else
		ocsdf_bytes_put_u32(buf + off, (uint32_t)v);
	recrc(buf, len);
	expect_reject(buf, len, words);
}

static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/ocsdf-test-model-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static int count_entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	int n = 0;
	ck_assert_ptr_nonnull(dp);
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

static void remove_tmpdir(void)
{
	DIR *dp = opendir(tmpdir);
	struct dirent *de;
	char path[512];
	if (!dp)
		return;
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(path, sizeof path, "%s/%s", tmpdir, de->d_name);
			unlink(path);
		}
	closedir(dp);
	rmdir(tmpdir);
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(buf, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	long n;
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Offset of the name block's end and theta's start in a small image. */
static size_t names_end(const unsigned char *buf)
{
	return OFF_MEAN + 16 * (size_t)ocsdf_bytes_get_u32(buf + OFF_D) + (size_t)ocsdf_bytes_get_u64(buf + OFF_NAMES_LEN);
}

static size_t theta_off(const unsigned char *buf)
{
	return (names_end(buf) + 7) / 8 * 8;
}

/* ---- round trips ---- */

static const ocsdf_arch shapes[] = {
	{1, 2, 1, OCSDF_ACT_FULLSORT},   {3, 5, 2, OCSDF_ACT_FULLSORT},
	{4, 8, 3, OCSDF_ACT_GROUPSORT2}, {17, 6, 1, OCSDF_ACT_GROUPSORT2},
	{2, 16, 4, OCSDF_ACT_FULLSORT},  {40, 32, 2, OCSDF_ACT_FULLSORT},
};

START_TEST(test_roundtrip_mem)
{
	for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++)
		for (int state = 0; state < 3; state++) {
			ocsdf_model *m = random_model(shapes[k], state >= 1, state == 2, 100 + k);
			ocsdf_model *back = NULL;
			ocsdf_error e;
			size_t len, len2;
			unsigned char *buf = image(m, &len), *buf2;

			ck_assert_msg(ocsdf_model_load_mem(buf, len, "mem", &back, &e) == 0, "%s", e.msg);
			assert_same(m, back);
			buf2 = image(back, &len2);
			ck_assert_uint_eq(len, len2);
			ck_assert_mem_eq(buf, buf2, len);
			free(buf);
			free(buf2);
			ocsdf_model_free(back);
			ocsdf_model_free(m);
		}
}
END_TEST

START_TEST(test_roundtrip_file)
{
	char path[128];
	make_tmpdir();
	snprintf(path, sizeof path, "%s/m.model", tmpdir);
	for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++)
		for (int state = 0; state < 2; state++) {
			ocsdf_model *m = random_model(shapes[k], state, state, 7 + k);
			ocsdf_model *back = NULL;
			ocsdf_error e;
			size_t len, flen;
			unsigned char *buf = image(m, &len), *fbuf;

			ck_assert_msg(ocsdf_model_save(m, path, 1, &e) == 0, "%s", e.msg);
			ck_assert_int_eq(count_entries(tmpdir), 1);
			fbuf = read_file(path, &flen);
			ck_assert_uint_eq(flen, len);
			ck_assert_mem_eq(fbuf, buf, len);
			ck_assert_msg(ocsdf_model_load(path, &back, &e) == 0, "%s", e.msg);
			assert_same(m, back);
			free(buf);
			free(fbuf);
			ocsdf_model_free(back);
			ocsdf_model_free(m);
		}
	remove_tmpdir();
}
END_TEST

/* The layout documented in ocsdf-model(5), pinned byte for byte. */
START_TEST(test_layout)
{
	ocsdf_arch a = {3, 4, 2, OCSDF_ACT_GROUPSORT2};
	ocsdf_model *m = random_model(a, 1, 0, 5);
	size_t len, n = ocsdf_arch_nparams(&a), th;
	unsigned char *buf;
	double v;

	m->settings.margin = 0.25;
	m->settings.lr = 5e-4;
	m->settings.box = 5;
	m->settings.epochs = 45;
	m->settings.steps_per_epoch_max = 1000;
	m->settings.init = OCSDF_INIT_GAUSSIAN;
	m->settings.bjorck_tol = 1e-3;
	m->settings.seed = 0x0123456789abcdefULL;
	m->stats.rows = 1831;
	m->stats.lipschitz_raw = 2.5;
	m->stats.grad_norm_mean = 0.75;
	m->settings.contamination = 0.125;
	m->stats.support_radius = 0.75;
	m->settings.lr_hold = 0.25;
	m->settings.average = 0.125;
	m->ckpt->epoch = 12;
	m->mean[0] = -1.5;
	m->theta[0] = 0.5f;
	m->ckpt->params[n - 1] = -2.0f;
	buf = image(m, &len);

	ck_assert_mem_eq(buf, "OCSDFMDL", 8);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_VERSION), 1);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_HLEN), HEADER_LEN);
	ck_assert_uint_eq(OFF_MEAN, 16 + HEADER_LEN);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_D), 3);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_WIDTH), 4);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_DEPTH), 2);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_ACT), OCSDF_ACT_GROUPSORT2);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_SCALE), (uint32_t)m->scale);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_FLAGS), 2); /* params, not finished, no opt_v */
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_NPARAMS), n);
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_NAMES_LEN), 3 * (4 + 3));
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_MARGIN), 0x3fd0000000000000ULL);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_LR)}, 8);
	ck_assert(v == 5e-4);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_BOX)}, 8);
	ck_assert(v == 5);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_EPOCHS), 45);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_SPE_MAX), 1000);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_RESERVED), 0);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_INIT), OCSDF_INIT_GAUSSIAN);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_BJORCK_TOL)}, 8);
	ck_assert(v == 1e-3);
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_SEED), 0x0123456789abcdefULL);
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_ROWS), 1831);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_LIPSCHITZ)}, 8);
	ck_assert(v == 2.5);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_GRAD_NORM)}, 8);
	ck_assert(v == 0.75);
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_EPOCH), 12);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_RNG + 8 * i), 0); /* reserved */
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_SAMPLER), OCSDF_SAMPLER_DISTANCE);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_KNN), 10);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_SUPPORT_Q)}, 8);
	ck_assert(v == 0.95);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_NEAR)}, 8);
	ck_assert(v == 0.05);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_FAR)}, 8);
	ck_assert(v == 2);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_BOX_SHARE)}, 8);
	ck_assert(v == 0.2);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_PUSH)}, 8);
	ck_assert(v == 0);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_CONTAMINATION)}, 8);
	ck_assert(v == 0.125);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_SUPPORT_RADIUS)}, 8);
	ck_assert(v == 0.75);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_LR_HOLD)}, 8);
	ck_assert(v == 0.25);
	memcpy(&v, &(uint64_t){ocsdf_bytes_get_u64(buf + OFF_AVERAGE)}, 8);
	ck_assert(v == 0.125);
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_MEAN), 0xbff8000000000000ULL);
	/* names: u32 length then bytes, right after mean and std */
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_MEAN + 48), 3);
	ck_assert_mem_eq(buf + OFF_MEAN + 52, "f00", 3);
	th = theta_off(buf);
	ck_assert_uint_eq(th, OFF_MEAN + 48 + 21 + 3);
	ck_assert_uint_eq(th % 8, 0);
	for (size_t i = names_end(buf); i < th; i++)
		ck_assert_uint_eq(buf[i], 0);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + th), 0x3f000000u);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + th + 8 * n - 4), 0xc0000000u);
	ck_assert_uint_eq(len, th + 8 * n + 4);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + len - 4), (uint32_t)crc32(0, buf, (uInt)(len - 4)));
	free(buf);
	ocsdf_model_free(m);
}
END_TEST

/* The worked example of ocsdf-model(5). */
START_TEST(test_manual_example)
{
	ocsdf_arch a = {3, 4, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = ocsdf_model_new(&a, 0);
	size_t len;
	unsigned char *buf;

	ocsdf_model_set_name(m, 0, "x1");
	ocsdf_model_set_name(m, 1, "x2");
	ocsdf_model_set_name(m, 2, "x3");
	buf = image(m, &len);
	ck_assert_uint_eq(ocsdf_arch_nparams(&a), 41);
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_NAMES_LEN), 18);
	ck_assert_uint_eq(theta_off(buf), 480);
	ck_assert_uint_eq(len, 648);
	ck_assert_mem_eq(buf, "OCSDFMDL\x01\0\0\0\x88\x01\0\0", 16);
	free(buf);
	ocsdf_model_free(m);
}
END_TEST

/* ---- damaged files ---- */

START_TEST(test_truncated_every_offset_mem)
{
	for (int state = 0; state < 2; state++) {
		size_t len;
		unsigned char *buf = small_image(state, &len);
		ocsdf_error e;
		ck_assert_int_eq(load_code(buf, len, &e), 0);
		for (size_t cut = 0; cut < len; cut++) {
			/* a private copy of exactly cut bytes, so ASan sees any overread */
			unsigned char *p = malloc(cut ? cut : 1);
			memcpy(p, buf, cut);
			ck_assert_msg(load_code(p, cut, &e) == OCSDF_EDATA, "cut %zu: %s", cut, e.msg);
			ck_assert_msg(strstr(e.msg, cut ? "truncated" : "empty file"), "cut %zu: %s", cut,
				      e.msg);
			free(p);
		}
		free(buf);
	}
}
END_TEST

START_TEST(test_truncated_every_offset_file)
{
	char path[128];
	size_t len;
	unsigned char *buf = small_image(1, &len);
	make_tmpdir();
	snprintf(path, sizeof path, "%s/t.model", tmpdir);
	for (size_t cut = 0; cut < len; cut++) {
		ocsdf_model *m = NULL;
		ocsdf_error e;
		int rc;
		write_file(path, buf, cut);
		rc = ocsdf_model_load(path, &m, &e);
		ck_assert_msg(rc == OCSDF_EDATA, "cut %zu: %d %s", cut, rc, e.msg);
		ck_assert_ptr_null(m);
		ck_assert(strncmp(e.msg, path, strlen(path)) == 0);
	}
	free(buf);
	remove_tmpdir();
}
END_TEST

/* Any single flipped bit: the CRC (or an earlier structural check) must
 * catch it; past the structural part, it is the CRC that speaks. */
START_TEST(test_bitflip_each_byte)
{
	for (int state = 0; state < 2; state++) {
		size_t len;
		unsigned char *buf = small_image(state, &len);
		size_t th = theta_off(buf);
		for (size_t i = 0; i < len; i++)
			for (int b = 0; b < 8; b++) {
				ocsdf_error e;
				buf[i] ^= (unsigned char)(1u << b);
				ck_assert_msg(load_code(buf, len, &e) == OCSDF_EDATA, "byte %zu bit %d: %s", i,
					      b, e.msg);
				if (i >= th || (i >= OFF_MARGIN && i < OFF_MEAN + 48))
					ck_assert_msg(strstr(e.msg, "checksum mismatch"), "byte %zu: %s", i, e.msg);
				buf[i] ^= (unsigned char)(1u << b);
			}
		free(buf);
	}
}
END_TEST

/* The same with the CRC recomputed: values may then be legitimately
 * different, but nothing may crash, anything accepted must be a valid
 * model, and every structural field must be rejected. */
static int must_reject(size_t i, int b, const unsigned char *buf)
{
	size_t nend = names_end(buf), th = theta_off(buf);
	if (i >= OFF_RESERVED && i < OFF_RESERVED + 4)
		return 1;
	if (i < OFF_MARGIN) {
		if (i == OFF_SCALE && b < 2)
			return 0; /* another valid standardization kind */
		if (i == OFF_FLAGS && b == 0)
			return 0; /* the finished flag */
		return 1;
	}
	if (i >= nend && i < th)
		return 1; /* padding */
	if (i >= OFF_MEAN + 48 && i < nend) {
		size_t p = OFF_MEAN + 48; /* name length fields */
		while (p < nend) {
			if (i >= p && i < p + 4)
				return 1;
			p += 4 + ocsdf_bytes_get_u32(buf + p);
		}
	}
	return 0;
}

START_TEST(test_bitflip_recrc)
{
	for (int state = 0; state < 2; state++) {
		size_t len, rejected = 0, musts = 0;
		unsigned char *buf = small_image(state, &len);
		for (size_t i = 0; i + 4 < len; i++)
			for (int b = 0; b < 8; b++) {
				ocsdf_error e;
				int rc, must = must_reject(i, b, buf);
				buf[i] ^= (unsigned char)(1u << b);
				recrc(buf, len);
				rc = load_code(buf, len, &e);
				ck_assert_msg(rc == 0 || rc == OCSDF_EDATA, "byte %zu bit %d: %d", i, b, rc);
				if (must)
					ck_assert_msg(rc == OCSDF_EDATA, "byte %zu bit %d accepted", i, b);
				ck_assert_msg(rc == 0 || strstr(e.msg, "checksum") == NULL, "byte %zu: %s", i,
					      e.msg);
				rejected += rc != 0;
				musts += (size_t)must;
				buf[i] ^= (unsigned char)(1u << b);
				recrc(buf, len);
			}
		/* sign and exponent flips of the values are caught too */
		ck_assert_uint_gt(musts, 400);
		ck_assert_uint_gt(rejected, musts);
		free(buf);
	}
}
END_TEST

START_TEST(test_wrong_version)
{
	size_t len;
	unsigned char *buf = small_image(0, &len);
	const uint32_t versions[] = {0, 2, 3, 255, 0xffffffffu};
	for (size_t k = 0; k < sizeof versions / sizeof *versions; k++) {
		char want[64];
		ocsdf_bytes_put_u32(buf + OFF_VERSION, versions[k]);
		recrc(buf, len);
		snprintf(want, sizeof want, "version %lu is not supported", (unsigned long)versions[k]);
		expect_reject(buf, len, want);
		expect_reject(buf, len, "reads version 1 only");
	}
	free(buf);
}
END_TEST

/* Absurd sizes with a correct CRC: the bounds themselves must hold.  The
 * messages show that each refusal comes from the header checks, which run
 * before anything is allocated (a loader that allocated first would fail
 * later, "inside" some section, or run out of memory). */
START_TEST(test_huge_dimensions)
{
	size_t len;
	unsigned char *orig = small_image(1, &len);
	unsigned char *buf = malloc(len);
	ocsdf_arch big = {OCSDF_MAX_FEATURES, OCSDF_MAX_WIDTH, OCSDF_MAX_DEPTH, OCSDF_ACT_FULLSORT};
	struct {
		size_t off;
		int wide;
		uint64_t v;
		const char *words;
	} cases[] = {
		{OFF_D, 0, 0xffffffffu, "feature count 4294967295 is out of range"},
		{OFF_D, 0, OCSDF_MAX_FEATURES + 1, "feature count 100001 is out of range"},
		{OFF_D, 0, 0, "feature count 0 is out of range"},
		{OFF_WIDTH, 0, OCSDF_MAX_WIDTH + 1, "width 8193 is out of range"},
		{OFF_WIDTH, 0, 0x80000000u, "width 2147483648 is out of range"},
		{OFF_WIDTH, 0, 1, "width 1 is out of range"},
		{OFF_DEPTH, 0, 1000000, "depth 1000000 is out of range"},
		{OFF_DEPTH, 0, 0, "depth 0 is out of range"},
		{OFF_ACT, 0, 7, "unknown activation 7"},
		{OFF_SCALE, 0, 3, "unknown standardization kind 3"},
		{OFF_FLAGS, 0, 0x16, "unknown flags 0x10"},
		{OFF_HLEN, 0, 0xffffffffu, "header length 4294967295 is invalid"},
		{OFF_HLEN, 0, 100, "header length 100 is invalid"},
		{OFF_NPARAMS, 1, UINT64_MAX, "parameter count 18446744073709551615 does not match"},
		{OFF_NPARAMS, 1, 55, "parameter count 55 does not match"},
		{OFF_NAMES_LEN, 1, UINT64_MAX, "feature-name block of 18446744073709551615 bytes"},
		{OFF_NAMES_LEN, 1, 11, "feature-name block of 11 bytes is out of range 12.."},
		{OFF_NAMES_LEN, 1, 1u << 30, "feature-name block of 1073741824 bytes"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
		expect_edit_rejected(buf, orig, len, cases[k].off, cases[k].wide ? FIELD_U64 : FIELD_U32,
				     cases[k].v, 0, cases[k].words);

	/* The largest shape the bounds allow, consistently declared: it is
	 * the file length that refuses it. */
	memcpy(buf, orig, len);
	ocsdf_bytes_put_u32(buf + OFF_D, OCSDF_MAX_FEATURES);
	ocsdf_bytes_put_u32(buf + OFF_WIDTH, OCSDF_MAX_WIDTH);
	ocsdf_bytes_put_u32(buf + OFF_DEPTH, OCSDF_MAX_DEPTH);
	ocsdf_bytes_put_u64(buf + OFF_NPARAMS, nparams(&big));
	ocsdf_bytes_put_u64(buf + OFF_NAMES_LEN, OCSDF_MODEL_MAX_NAMES_BYTES);
	recrc(buf, len);
	expect_reject(buf, len, "truncated model: the header describes");

	/* One feature more than the file holds. */
	{
		ocsdf_arch a = {4, 5, 2, OCSDF_ACT_FULLSORT};
		memcpy(buf, orig, len);
		ocsdf_bytes_put_u32(buf + OFF_D, 4);
		ocsdf_bytes_put_u64(buf + OFF_NPARAMS, nparams(&a));
		ocsdf_bytes_put_u64(buf + OFF_NAMES_LEN, ocsdf_bytes_get_u64(buf + OFF_NAMES_LEN) + 7);
		recrc(buf, len);
		expect_reject(buf, len, "truncated model");
	}
	/* A name whose length runs past its block. */
	memcpy(buf, orig, len);
	ocsdf_bytes_put_u32(buf + OFF_MEAN + 48, 0xfffffff0u);
	recrc(buf, len);
	expect_reject(buf, len, "feature 1: name length 4294967280 runs past the end");
	/* Names that do not fill their block: block declared 8 bytes longer,
	 * file 8 bytes longer. */
	{
		size_t nend = names_end(orig);
		unsigned char *big_buf = calloc(1, len + 8);
		memcpy(big_buf, orig, nend);
		memcpy(big_buf + nend + 8, orig + nend, len - nend);
		ocsdf_bytes_put_u64(big_buf + OFF_NAMES_LEN, ocsdf_bytes_get_u64(orig + OFF_NAMES_LEN) + 8);
		recrc(big_buf, len + 8);
		expect_reject(big_buf, len + 8, "the feature names end here");
		free(big_buf);
	}
	free(buf);
	free(orig);
}
END_TEST

/* Bad values behind a correct CRC: each has its own message. */
START_TEST(test_bad_values)
{
	size_t len;
	unsigned char *orig = small_image(1, &len);
	unsigned char *buf = malloc(len);
	size_t th = theta_off(orig), n = ocsdf_bytes_get_u64(orig + OFF_NPARAMS);
	size_t name1 = OFF_MEAN + 48 + 4 + 3 + 4; /* first byte of name 2 ("f01") */

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f32(buf + th + 4 * 7, NAN);
	recrc(buf, len);
	expect_reject(buf, len, "theta[7] (layer 0 matrix) is nan, expected a finite value");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f32(buf + th + 4 * (n - 1), -INFINITY);
	recrc(buf, len);
	expect_reject(buf, len, "(layer 2 bias) is -inf");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f32(buf + th + 4 * n + 4 * 3, INFINITY);
	recrc(buf, len);
	expect_reject(buf, len, "params[3]");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f32(buf + th + 8 * n + 4 * 2, -1.0f);
	recrc(buf, len);
	expect_reject(buf, len, "opt_v[2] (layer 0 matrix) is -1, expected a finite value >= 0");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f64(buf + OFF_MEAN + 8, INFINITY);
	recrc(buf, len);
	expect_reject(buf, len, "feature 2 (f01): mean is inf");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f64(buf + OFF_MEAN + 24 + 16, 0.0);
	recrc(buf, len);
	expect_reject(buf, len, "feature 3 (f02): standard deviation is 0");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f64(buf + OFF_MEAN + 24, -2.0);
	recrc(buf, len);
	expect_reject(buf, len, "standard deviation is -2");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f64(buf + OFF_MEAN + 24, 1e-310); /* 1/std overflows */
	recrc(buf, len);
	expect_reject(buf, len, "feature 1 (f00): standard deviation is 1e-310, expected a finite value > 0 with");

	memcpy(buf, orig, len);
	memcpy(buf + name1, "f00", 3);
	recrc(buf, len);
	expect_reject(buf, len, "features 1 and 2 have the same name \"f00\"");

	memcpy(buf, orig, len);
	buf[name1 + 1] = '\t';
	recrc(buf, len);
	expect_reject(buf, len, "feature 2: name contains control character 0x09 at byte 1");

	memcpy(buf, orig, len);
	buf[name1 + 2] = 0x7f;
	recrc(buf, len);
	expect_reject(buf, len, "control character 0x7f");

	memcpy(buf, orig, len);
	buf[name1 + 1] = '\0';
	recrc(buf, len);
	expect_reject(buf, len, "feature 2: name contains a NUL byte");

	memcpy(buf, orig, len);
	buf[names_end(orig)] = 1;
	recrc(buf, len);
	expect_reject(buf, len, "padding byte is 0x01");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_u32(buf + OFF_ACT, OCSDF_ACT_GROUPSORT2); /* with width 5 */
	recrc(buf, len);
	expect_reject(buf, len, "invalid network shape: groupsort needs an even width");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f64(buf + OFF_LR, -1e-3);
	recrc(buf, len);
	expect_reject(buf, len, "settings.lr is -0.001, expected 1e-12..10");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f64(buf + OFF_MARGIN, NAN);
	recrc(buf, len);
	expect_reject(buf, len, "settings.margin is nan");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_u32(buf + OFF_INIT, 7);
	recrc(buf, len);
	expect_reject(buf, len, "settings.init is 7, expected 0..1");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_u32(buf + OFF_EPOCHS, 0xffffffffu);
	recrc(buf, len);
	expect_reject(buf, len, "settings.epochs is -1");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_u32(buf + OFF_SPE_MAX, 0x80000000u);
	recrc(buf, len);
	expect_reject(buf, len, "settings.steps_per_epoch_max is -2147483648");

	memcpy(buf, orig, len);
	buf[OFF_RESERVED + 2] = 4;
	recrc(buf, len);
	expect_reject(buf, len, "byte 156: reserved header field is not zero");

	memcpy(buf, orig, len);
	ocsdf_bytes_put_f64(buf + OFF_LIPSCHITZ, INFINITY);
	recrc(buf, len);
	expect_reject(buf, len, "stats.lipschitz_raw is inf");

	/* unchanged, for contrast: the edits above are what is rejected */
	memcpy(buf, orig, len);
	recrc(buf, len);
	ck_assert_mem_eq(buf, orig, len);
	{
		ocsdf_error e;
		ck_assert_int_eq(load_code(buf, len, &e), 0);
	}
	free(buf);
	free(orig);
}
END_TEST

/* Settings that the options of ocsdf-train would refuse, behind a correct
 * CRC: each refused on load, by name, whatever program reads the model
 * (ocsdf-sample walks newton_steps steps, ocsdf-train divides by batch). */
START_TEST(test_bad_settings)
{
	static const struct {
		size_t off;
		int kind;
		double v;
		const char *words;
	} cases[] = {
		{OFF_MARGIN, FIELD_F64, 0, "settings.margin is 0, expected 1e-09..1e+06"},
		{OFF_LAMBDA, FIELD_F64, 1e13, "settings.lambda is 1e+13"},
		{OFF_LR, FIELD_F64, 0, "settings.lr is 0, expected 1e-12..10"},
		{OFF_LR_FINAL, FIELD_F64, 0, "settings.lr_final is 0"},
		{OFF_RHO, FIELD_F64, 0, "settings.rho is 0, expected a value in (0, 1)"},
		{OFF_RHO, FIELD_F64, 1, "settings.rho is 1,"},
		{OFF_RHO, FIELD_F64, 1 - 1e-10, "settings.rho is 1,"}, /* 1 in single precision */
		{OFF_EPS, FIELD_F64, 0, "settings.eps is 0, expected 1e-12..1"},
		{OFF_BOX, FIELD_F64, INFINITY, "settings.box is inf"},
		{OFF_BJORCK_TOL, FIELD_F64, 2, "settings.bjorck_tol is 2, expected 0..1"},
		{OFF_EPOCHS, FIELD_U32, 0, "settings.epochs is 0, expected 1..1000000"},
		{OFF_WARMUP, FIELD_U32, 1000, "settings.warmup is 1000, expected 0.."},
		{OFF_SPE_MIN, FIELD_U32, 0, "settings.steps_per_epoch_min is 0, expected 1..100000000"},
		{OFF_SPE_MAX, FIELD_U32, 100000001, "settings.steps_per_epoch_max is 100000001"},
		{OFF_BATCH, FIELD_U32, 0, "settings.batch is 0, expected 1..65536"},
		{OFF_BATCH, FIELD_U32, 65537, "settings.batch is 65537"},
		{OFF_NEWTON_STEPS, FIELD_U32, 2147483647, "settings.newton_steps is 2147483647, expected 0..10000"},
		{OFF_NEWTON_LEVEL0, FIELD_U32, 2, "settings.newton_level0 is 2, expected 0..1"},
		{OFF_ORTHO, FIELD_U32, 2, "settings.ortho is 2, expected 0..1"},
		{OFF_BJORCK_ITERS, FIELD_U32, 0, "settings.bjorck_iters is 0, expected 1..1000"},
		{OFF_RETRACT_ITERS, FIELD_U32, 0, "settings.retract_iters is 0, expected 1..100"},
		{OFF_SAMPLER, FIELD_U32, 2, "settings.sampler is 2, expected 0..1"},
		{OFF_KNN, FIELD_U32, 0, "settings.knn is 0, expected 1..255"},
		{OFF_SUPPORT_Q, FIELD_F64, 1.5, "settings.support_quantile is 1.5, expected 0..1"},
		{OFF_NEAR, FIELD_F64, 0, "settings.near is 0"},
		{OFF_FAR, FIELD_F64, 0.01, "settings.far is 0.01, expected 0.05.."},
		{OFF_BOX_SHARE, FIELD_F64, NAN, "settings.box_share is nan"},
		{OFF_PUSH, FIELD_F64, -1, "settings.push is -1"},
		{OFF_CONTAMINATION, FIELD_F64, 0.6, "settings.contamination is 0.6, expected 0..0.5"},
		{OFF_EIKONAL, FIELD_F64, -1, "settings.eikonal is -1"},
		{OFF_SLOPE, FIELD_F64, -2, "settings.slope is -2"},
		{OFF_ASCENT_ROWS, FIELD_U32, 65537, "settings.ascent_rows is 65537, expected 0..65536"},
		{OFF_ASCENT_ROWS, FIELD_U32, 0xffffffffu, "settings.ascent_rows is -1, expected 0..65536"},
		{OFF_SUPPORT_RADIUS, FIELD_F64, INFINITY, "stats.support_radius is inf"},
		{OFF_LR_HOLD, FIELD_F64, 0.95, "settings.lr_hold is 0.95, expected 0..0.9"},
		{OFF_AVERAGE, FIELD_F64, -0.5, "settings.average is -0.5, expected 0..0.9"},
	};
	size_t len;
	unsigned char *orig = small_image(1, &len);
	unsigned char *buf = malloc(len);

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		expect_edit_rejected(buf, orig, len, cases[i].off, cases[i].kind,
				     cases[i].kind == FIELD_U32 ? (uint64_t)cases[i].v : 0, cases[i].v,
				     cases[i].words);
	/* The two slope terms exclude each other. */
	memcpy(buf, orig, len);
	ocsdf_bytes_put_u32(buf + OFF_SAMPLER, OCSDF_SAMPLER_DISTANCE);
	ocsdf_bytes_put_f64(buf + OFF_EIKONAL, 1);
	ocsdf_bytes_put_f64(buf + OFF_SLOPE, 1);
	recrc(buf, len);
	expect_reject(buf, len, "settings.eikonal and settings.slope are both set");
	/* The ascent needs the distance sampler. */
	memcpy(buf, orig, len);
	ocsdf_bytes_put_u32(buf + OFF_SAMPLER, OCSDF_SAMPLER_PAPER);
	ocsdf_bytes_put_f64(buf + OFF_EIKONAL, 0);
	ocsdf_bytes_put_f64(buf + OFF_SLOPE, 0);
	ocsdf_bytes_put_u32(buf + OFF_ASCENT_ROWS, 1);
	recrc(buf, len);
	expect_reject(buf, len, "settings.ascent_rows is 1: the ascent needs the distance sampler");
	free(buf);
	free(orig);
}
END_TEST

START_TEST(test_trailing_bytes)
{
	size_t len;
	unsigned char *orig = small_image(0, &len);
	unsigned char *buf = calloc(1, len + 1);
	memcpy(buf, orig, len);
	expect_reject(buf, len + 1, "1 unexpected bytes after the end of the model");
	free(buf);
	free(orig);
}
END_TEST

/* The compatibility rule: a longer header (fields a later release
 * appended) is skipped by this reader. */
START_TEST(test_header_extension)
{
	ocsdf_arch a = {3, 5, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, 1, 1, 42), *back = NULL;
	ocsdf_error e;
	size_t len;
	unsigned char *orig = image(m, &len);
	unsigned char *buf = malloc(len + 16);

	memcpy(buf, orig, OFF_MEAN);
	memset(buf + OFF_MEAN, 0xa5, 16);
	memcpy(buf + OFF_MEAN + 16, orig + OFF_MEAN, len - OFF_MEAN);
	ocsdf_bytes_put_u32(buf + OFF_HLEN, HEADER_LEN + 16);
	recrc(buf, len + 16);
	ck_assert_msg(ocsdf_model_load_mem(buf, len + 16, "ext", &back, &e) == 0, "%s", e.msg);
	assert_same(m, back);
	ocsdf_model_free(back);
	/* without the length update, the file no longer adds up */
	ocsdf_bytes_put_u32(buf + OFF_HLEN, HEADER_LEN);
	recrc(buf, len + 16);
	expect_reject(buf, len + 16, "unexpected bytes");
	free(buf);
	free(orig);
	ocsdf_model_free(m);
}
END_TEST

/* An image as an earlier release wrote it: the header cut to hlen bytes
 * (the fields that release did not know), the CRC made right again.  The
 * sections after the header stay 8-aligned. */
static void cut_header(unsigned char *buf, size_t *len, uint32_t hlen)
{
	memmove(buf + 16 + hlen, buf + OFF_MEAN, *len - OFF_MEAN);
	*len -= HEADER_LEN - hlen;
	ocsdf_bytes_put_u32(buf + OFF_HLEN, hlen);
	recrc(buf, *len);
}

/* m saved, its header cut to hlen bytes as a release of that header wrote
 * it, loaded again (name in messages): the same model comes back. */
static ocsdf_model *load_cut(const ocsdf_model *m, uint32_t hlen, const char *name)
{
	ocsdf_model *back = NULL;
	ocsdf_error e;
	size_t len;
	unsigned char *buf = image(m, &len);

	cut_header(buf, &len, hlen);
	ck_assert_msg(ocsdf_model_load_mem(buf, len, name, &back, &e) == 0, "%s", e.msg);
	assert_same(m, back);
	free(buf);
	return back;
}

/* A file of the first release: a header of 280 bytes, without the
 * distance sampler's fields, loads as a model of the paper's sampler. */
START_TEST(test_header_v1)
{
	ocsdf_arch a = {3, 5, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, 1, 1, 42), *back;

	m->settings.sampler = OCSDF_SAMPLER_PAPER;
	m->settings.knn = 0;
	m->settings.support_quantile = m->settings.near = m->settings.far = 0;
	m->settings.box_share = m->settings.push = m->settings.contamination = 0;
	m->settings.lr_hold = m->settings.eikonal = m->settings.average = m->settings.slope = 0;
	m->settings.ascent_rows = 0;
	m->stats.support_radius = 0;
	back = load_cut(m, HEADER_V1_LEN, "v1");
	ck_assert_int_eq(back->settings.sampler, OCSDF_SAMPLER_PAPER);
	ocsdf_model_free(back);
	ocsdf_model_free(m);
}
END_TEST

/* A file of the release before the slope term: a header of 360 bytes
 * loads with none (eikonal 0). */
START_TEST(test_header_before_slope)
{
	ocsdf_arch a = {3, 5, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, 1, 1, 43), *back;

	m->settings.eikonal = m->settings.average = m->settings.slope = 0;
	m->settings.ascent_rows = 0;
	back = load_cut(m, HEADER_V4_LEN, "v0.1.2");
	ck_assert(back->settings.eikonal == 0);
	ocsdf_model_free(back);
	ocsdf_model_free(m);
}
END_TEST

/* A file of the release before --slope: a header of 376 bytes loads
 * with no rise term (0). */
START_TEST(test_header_before_rise)
{
	ocsdf_arch a = {3, 5, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, 1, 1, 45), *back;

	m->settings.slope = 0;
	m->settings.ascent_rows = 0;
	back = load_cut(m, HEADER_V6_LEN, "v0.1.4");
	ck_assert(back->settings.slope == 0);
	ocsdf_model_free(back);
	ocsdf_model_free(m);
}
END_TEST

/* A file of the release before --ascent-rows: a header of 384 bytes
 * loads with no ascent (0), so that its run resumes as it began; this
 * release writes its ascent at 400 and zeros in the 4 reserved bytes
 * after it, which a reader ignores. */
START_TEST(test_header_before_ascent)
{
	ocsdf_arch a = {3, 5, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, 1, 1, 46), *back;
	ocsdf_error e;
	size_t len;
	unsigned char *buf;

	m->settings.ascent_rows = 321;
	buf = image(m, &len);
	ck_assert_int_eq((int)ocsdf_bytes_get_u32(buf + OFF_ASCENT_ROWS), 321);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_RESERVED2), 0);
	ocsdf_bytes_put_u32(buf + OFF_RESERVED2, 0xdeadbeefu);
	recrc(buf, len);
	ck_assert_msg(ocsdf_model_load_mem(buf, len, "r", &back, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(back->settings.ascent_rows, 321);
	ocsdf_model_free(back);
	free(buf);
	m->settings.ascent_rows = 0;
	back = load_cut(m, HEADER_V7_LEN, "v0.1.5");
	ck_assert_int_eq(back->settings.ascent_rows, 0);
	ocsdf_model_free(back);
	ocsdf_model_free(m);
}
END_TEST

/* A file of the release before --average: a header of 368 bytes loads
 * with no average (0), its run resumes as it began. */
START_TEST(test_header_before_average)
{
	ocsdf_arch a = {3, 5, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, 1, 1, 44), *back;

	m->settings.average = m->settings.slope = 0;
	m->settings.ascent_rows = 0;
	free(m->ckpt->avg);
	m->ckpt->avg = NULL;
	back = load_cut(m, HEADER_V5_LEN, "v0.1.3");
	ck_assert(back->settings.average == 0);
	ck_assert_ptr_null(back->ckpt->avg);
	ocsdf_model_free(back);
	ocsdf_model_free(m);
}
END_TEST

/* A file of the release before the hold of the learning rate: a header
 * of 352 bytes loads with no hold, so that its run resumes as it began. */
START_TEST(test_header_before_hold)
{
	ocsdf_arch a = {3, 5, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, 1, 1, 42), *back;

	m->settings.lr_hold = m->settings.eikonal = m->settings.average = m->settings.slope = 0;
	m->settings.ascent_rows = 0;
	back = load_cut(m, HEADER_V3_LEN, "v0.1.1");
	ck_assert(back->settings.lr_hold == 0);
	ck_assert_int_eq(back->settings.sampler, m->settings.sampler);
	ocsdf_model_free(back);
	ocsdf_model_free(m);
}
END_TEST

/* The rows read (ocsdf-train --sample) travel with the model; a file of
 * the release before them (a header of 344 bytes) read all its rows; a
 * count below the rows trained on is refused. */
START_TEST(test_rows_read)
{
	ocsdf_arch a = {3, 5, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, 1, 1, 42), *back = NULL;
	ocsdf_error e;
	size_t len;
	unsigned char *buf;

	m->stats.rows = 1000;
	m->stats.rows_read = 123456789;
	buf = image(m, &len);
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_ROWS_READ), 123456789);
	ck_assert_msg(ocsdf_model_load_mem(buf, len, "r", &back, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(back->stats.rows_read, 123456789);
	ck_assert_uint_eq(back->stats.rows, 1000);
	ocsdf_model_free(back);
	ocsdf_bytes_put_u64(buf + OFF_ROWS_READ, 999);
	recrc(buf, len);
	expect_reject(buf, len, "stats.rows_read is below stats.rows");
	cut_header(buf, &len, HEADER_V2_LEN);
	ck_assert_msg(ocsdf_model_load_mem(buf, len, "v2", &back, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(back->stats.rows_read, 1000);
	ocsdf_model_free(back);
	free(buf);
	/* Never written below the rows (a model built without the count). */
	m->stats.rows_read = 0;
	buf = image(m, &len);
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_ROWS_READ), 1000);
	free(buf);
	ocsdf_model_free(m);
}
END_TEST

START_TEST(test_not_a_model)
{
	static const char csv[] = "x1,x2,label\n0.5,1.5,0\n";
	static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0};
	static const unsigned char bin[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0};
	char path[128];
	ocsdf_model *m = NULL;
	ocsdf_error e;

	expect_reject((const unsigned char *)csv, sizeof csv - 1, "not an ocsdf model file (it looks like text");
	expect_reject(gz, sizeof gz, "not an ocsdf model file (it starts like a gzip file");
	expect_reject(bin, sizeof bin, "not an ocsdf model file (unknown binary data");
	expect_reject((const unsigned char *)"OCS", 3, "ends inside the magic string");
	expect_reject((const unsigned char *)"", 0, "empty file, not an ocsdf model");
	expect_reject((const unsigned char *)"ocsdfmdl\1\0\0\0", 12, "not an ocsdf model");

	make_tmpdir();
	snprintf(path, sizeof path, "%s/data.csv", tmpdir);
	write_file(path, csv, sizeof csv - 1);
	ck_assert_int_eq(ocsdf_model_load(path, &m, &e), OCSDF_EDATA);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(e.msg, "data.csv: not an ocsdf model file"));
	/* A file that says it has 0 bytes is read all the same (/proc). */
	if (access("/proc/self/status", R_OK) == 0) {
		ck_assert_int_eq(ocsdf_model_load("/proc/self/status", &m, &e), OCSDF_EDATA);
		ck_assert_ptr_null(m);
		ck_assert_msg(strstr(e.msg, "/proc/self/status: not an ocsdf model file (it looks like"),
			      "%s", e.msg);
	}
	snprintf(path, sizeof path, "%s/empty.model", tmpdir);
	write_file(path, "", 0);
	ck_assert_int_eq(ocsdf_model_load(path, &m, &e), OCSDF_EDATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "empty.model: empty file, not an ocsdf model"));

	snprintf(path, sizeof path, "%s/missing.model", tmpdir);
	ck_assert_int_eq(ocsdf_model_load(path, &m, &e), OCSDF_ENOINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "missing.model: cannot open: No such file"));
	ck_assert_ptr_null(m);
	ck_assert_int_eq(ocsdf_model_load(tmpdir, &m, &e), OCSDF_ENOINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "is a directory"));
	ck_assert_ptr_null(m);
	remove_tmpdir();
}
END_TEST

/* A model read from a pipe, whole, through the non-seekable path; and
 * from standard input. */
static void feed_pipe(int fd, const unsigned char *buf, size_t len)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		size_t off = 0;
		while (off < len) {
			ssize_t w = write(fd, buf + off, len - off);
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fd);
}

START_TEST(test_pipe)
{
	ocsdf_arch a = {7, 128, 2, OCSDF_ACT_GROUPSORT2}; /* larger than a pipe buffer */
	ocsdf_model *m = random_model(a, 1, 1, 9), *back = NULL;
	ocsdf_error e;
	size_t len;
	unsigned char *buf = image(m, &len);
	char path[64];
	int fds[2], st;

	ck_assert_int_eq(pipe(fds), 0);
	feed_pipe(fds[1], buf, len);
	snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
	ck_assert_msg(ocsdf_model_load(path, &back, &e) == 0, "%s", e.msg);
	close(fds[0]);
	wait(&st);
	assert_same(m, back);
	ocsdf_model_free(back);

	ck_assert_int_eq(pipe(fds), 0);
	feed_pipe(fds[1], buf, len - 10);
	snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
	ck_assert_int_eq(ocsdf_model_load(path, &back, &e), OCSDF_EDATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "truncated model"));
	ck_assert_ptr_null(back);
	close(fds[0]);
	wait(&st);

	ck_assert_int_eq(pipe(fds), 0);
	feed_pipe(fds[1], buf, len);
	ck_assert_int_ge(dup2(fds[0], 0), 0);
	close(fds[0]);
	ck_assert_msg(ocsdf_model_load("-", &back, &e) == 0, "%s", e.msg);
	wait(&st);
	assert_same(m, back);
	ocsdf_model_free(back);
	free(buf);
	ocsdf_model_free(m);
}
END_TEST

/* ---- saving ---- */

START_TEST(test_save_refuses_overwrite)
{
	ocsdf_arch a = {3, 4, 1, OCSDF_ACT_FULLSORT};
	ocsdf_model *m1 = random_model(a, 0, 0, 1), *m2 = random_model(a, 0, 0, 2), *back = NULL;
	ocsdf_error e;
	char path[128];
	size_t len1, len2, flen;
	unsigned char *b1 = image(m1, &len1), *b2 = image(m2, &len2), *f;

	make_tmpdir();
	snprintf(path, sizeof path, "%s/m.model", tmpdir);
	ck_assert_int_eq(ocsdf_model_save(m1, path, 0, &e), 0);
	ck_assert_int_eq(ocsdf_model_save(m2, path, 0, &e), OCSDF_ECANTCREAT);
	ck_assert_ptr_nonnull(strstr(e.msg, "already exists"));
	f = read_file(path, &flen);
	ck_assert_uint_eq(flen, len1);
	ck_assert_mem_eq(f, b1, len1);
	free(f);
	ck_assert_int_eq(count_entries(tmpdir), 1);
	ck_assert_int_eq(ocsdf_model_save(m2, path, 1, &e), 0);
	ck_assert_int_eq(ocsdf_model_load(path, &back, &e), 0);
	assert_same(m2, back);
	ck_assert_int_eq(count_entries(tmpdir), 1);
	ocsdf_model_free(back);
	free(b1);
	free(b2);
	ocsdf_model_free(m1);
	ocsdf_model_free(m2);
	remove_tmpdir();
}
END_TEST

START_TEST(test_save_missing_folder)
{
	ocsdf_arch a = {2, 2, 1, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, 0, 0, 3);
	ocsdf_error e;
	make_tmpdir();
	{
		char path[160];
		snprintf(path, sizeof path, "%s/no/such/dir/m.model", tmpdir);
		ck_assert_int_eq(ocsdf_model_save(m, path, 1, &e), OCSDF_ECANTCREAT);
		ck_assert_ptr_nonnull(strstr(e.msg, "No such file or directory"));
	}
	ck_assert_int_eq(count_entries(tmpdir), 0);
	remove_tmpdir();
	ocsdf_model_free(m);
}
END_TEST

/* A save that fails half-way (file size limit: EFBIG) leaves the earlier
 * file byte for byte and no temporary behind. */
START_TEST(test_failed_save_keeps_old)
{
	ocsdf_arch small = {4, 2, 1, OCSDF_ACT_FULLSORT}, large = {4, 64, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *old = random_model(small, 0, 0, 4), *m = random_model(large, 1, 1, 5);
	ocsdf_error e;
	char path[128];
	size_t olen, flen, mlen;
	unsigned char *ob = image(old, &olen), *mb = image(m, &mlen), *f;
	pid_t pid;
	int st;

	ck_assert_uint_gt(mlen, 3 * 4096);
	make_tmpdir();
	snprintf(path, sizeof path, "%s/m.model", tmpdir);
	ck_assert_int_eq(ocsdf_model_save(old, path, 0, &e), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl = {4096, 4096};
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		int rc = ocsdf_model_save(m, path, 1, &e);
		/* Freed so that valgrind's leak check passes in this process. */
		ocsdf_model_free(old);
		ocsdf_model_free(m);
		free(ob);
		free(mb);
		_exit(rc);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), OCSDF_EIO);
	f = read_file(path, &flen);
	ck_assert_uint_eq(flen, olen);
	ck_assert_mem_eq(f, ob, olen);
	free(f);
	ck_assert_int_eq(count_entries(tmpdir), 1);

	/* an invalid model is refused before anything is written */
	m->theta[3] = NAN;
	ck_assert_int_eq(ocsdf_model_save(m, path, 1, &e), OCSDF_EDATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "refusing to save an invalid model: theta[3]"));
	f = read_file(path, &flen);
	ck_assert_uint_eq(flen, olen);
	ck_assert_mem_eq(f, ob, olen);
	free(f);
	ck_assert_int_eq(count_entries(tmpdir), 1);

	free(ob);
	free(mb);
	ocsdf_model_free(old);
	ocsdf_model_free(m);
	remove_tmpdir();
}
END_TEST

START_TEST(test_check_on_save)
{
	ocsdf_arch a = {3, 4, 1, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = ocsdf_model_new(&a, 0);
	ocsdf_error e;
	void *buf;
	size_t len;

	ck_assert_ptr_nonnull(m);
	/* a fresh model has empty names, which a file may not hold */
	ck_assert_int_eq(ocsdf_model_save_mem(m, &buf, &len, &e), OCSDF_EDATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "feature 1: empty name"));
	ck_assert_ptr_null(buf);
	ocsdf_model_set_name(m, 0, "a");
	ocsdf_model_set_name(m, 1, "b");
	ocsdf_model_set_name(m, 2, "a");
	ck_assert_int_eq(ocsdf_model_check(m, &e), OCSDF_EDATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "features 1 and 3 have the same name \"a\""));
	ocsdf_model_set_name(m, 2, "c\r");
	ck_assert_int_eq(ocsdf_model_check(m, &e), OCSDF_EDATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "control character 0x0d"));
	ocsdf_model_set_name(m, 2, "c");
	ck_assert_int_eq(ocsdf_model_check(m, &e), 0);
	m->std[1] = NAN;
	ck_assert_int_eq(ocsdf_model_check(m, &e), OCSDF_EDATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "feature 2 (b): standard deviation is nan"));
	m->std[1] = 1;
	m->arch.width = 3;
	m->arch.activation = OCSDF_ACT_GROUPSORT2;
	ck_assert_int_eq(ocsdf_model_check(m, &e), OCSDF_EDATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "invalid network shape"));
	m->arch = a;
	ck_assert_int_eq(ocsdf_model_save_mem(m, &buf, &len, &e), 0);
	free(buf);
	ocsdf_model_free(m);
}
END_TEST

START_TEST(test_new_and_names)
{
	ocsdf_arch a = {5, 6, 2, OCSDF_ACT_GROUPSORT2}, bad = {5, 7, 2, OCSDF_ACT_GROUPSORT2};
	ocsdf_model *m = ocsdf_model_new(&a, 1);
	size_t n = ocsdf_arch_nparams(&a);

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_null(ocsdf_model_new(&bad, 0));
	for (int j = 0; j < a.d; j++) {
		ck_assert_str_eq(m->names[j], "");
		ck_assert(m->mean[j] == 0 && m->std[j] == 1);
	}
	ck_assert(m->ckpt && m->ckpt->epoch == 0 && m->ckpt->step == 0);
	for (size_t i = 0; i < n; i++)
		ck_assert(m->theta[i] == 0 && m->ckpt->params[i] == 0 && m->ckpt->opt_v[i] == 0);
	ck_assert_int_eq(ocsdf_model_set_name(m, 4, "last"), 0);
	ck_assert_str_eq(m->names[4], "last");
	ck_assert_int_eq(ocsdf_model_set_name(m, 5, "x"), -1);
	ck_assert_int_eq(ocsdf_model_set_name(m, -1, "x"), -1);
	ocsdf_model_free(m);
	ocsdf_model_free(NULL);
	m = ocsdf_model_new(&a, 0);
	ck_assert_ptr_null(m->ckpt);
	ocsdf_model_free(m);
}
END_TEST

/* A finished model has no checkpoint: it is saved without training state
 * (flags say finished only, the file ends after Θ), and its run's
 * progress stays its record; it loads with ckpt NULL.  A file written
 * before, finished and with the training state and an RNG state, still
 * loads, the same model without a checkpoint, once its state is checked. */
START_TEST(test_finished_without_state)
{
	ocsdf_arch a = {3, 8, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = random_model(a, 1, 1, 9), *l, *k;
	size_t len, len_ckpt, n = ocsdf_arch_nparams(&a);
	unsigned char *buf, *ckpt;
	uint64_t step = m->ckpt->step;
	ocsdf_error e;

	/* The state of a run without --average, as earlier releases had. */
	free(m->ckpt->avg);
	m->ckpt->avg = NULL;
	ckpt = image(m, &len_ckpt);
	ocsdf_model_finish(m);
	buf = image(m, &len);
	ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_FLAGS), 1);
	ck_assert_uint_eq(ocsdf_bytes_get_u64(buf + OFF_STEP), step);
	ck_assert_uint_eq(len, len_ckpt - 2 * 4 * n);
	ck_assert_uint_eq(len, theta_off(buf) + 4 * n + 4);
	ck_assert_int_eq(ocsdf_model_load_mem(buf, len, "m", &l, &e), 0);
	ck_assert_ptr_null(l->ckpt);
	ck_assert_uint_eq(l->stats.run_steps, step);
	ck_assert_mem_eq(l->theta, m->theta, n * sizeof(float));
	/* the file of an earlier release: finished, state and RNG kept */
	ocsdf_bytes_put_u32(ckpt + OFF_FLAGS, ocsdf_bytes_get_u32(ckpt + OFF_FLAGS) | 1);
	for (int i = 0; i < 4; i++)
		ocsdf_bytes_put_u64(ckpt + OFF_RNG + 8 * i, 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1));
	recrc(ckpt, len_ckpt);
	ck_assert_int_eq(ocsdf_model_load_mem(ckpt, len_ckpt, "old", &k, &e), 0);
	ck_assert_ptr_null(k->ckpt);
	ck_assert_uint_eq(k->stats.run_steps, step);
	ck_assert_mem_eq(k->theta, m->theta, n * sizeof(float));
	free(buf);
	/* saved again, it drops the state: the same bytes as the new file */
	buf = image(k, &len);
	{
		size_t len2;
		unsigned char *buf2 = image(l, &len2);
		ck_assert_uint_eq(len, len2);
		ck_assert_mem_eq(buf, buf2, len);
		free(buf2);
	}
	free(buf);
	/* the state it drops is checked all the same */
	ocsdf_bytes_put_f32(ckpt + len_ckpt - 4 - 4 * n, NAN);
	recrc(ckpt, len_ckpt);
	expect_reject(ckpt, len_ckpt, "opt_v[0]");
	free(ckpt);
	ocsdf_model_free(k);
	ocsdf_model_free(l);
	ocsdf_model_free(m);
}
END_TEST

/* The program tests' fixtures, written by earlier releases: a header of
 * 280 bytes with the state of a finished run (disk, sphere, torus), one
 * of 360 without (circles).  Each loads as a finished model and, saved
 * again, reads back the same. */
START_TEST(test_old_fixtures)
{
	static const char *const names[] = {"circles", "disk", "sphere", "torus"};
	for (int i = 0; i < 4; i++) {
		char path[128];
		ocsdf_model *m = NULL, *back = NULL;
		ocsdf_error e;
		size_t len;
		unsigned char *buf;

		snprintf(path, sizeof path, "tests/cli/data/%s.model", names[i]);
		ck_assert_msg(ocsdf_model_load(path, &m, &e) == 0, "%s", e.msg);
		ck_assert_ptr_null(m->ckpt);
		ck_assert(m->stats.run_steps > 0 && m->stats.run_epochs > 0);
		buf = image(m, &len);
		ck_assert_uint_eq(ocsdf_bytes_get_u32(buf + OFF_FLAGS), 1);
		ck_assert_msg(ocsdf_model_load_mem(buf, len, path, &back, &e) == 0, "%s", e.msg);
		assert_same(m, back);
		free(buf);
		ocsdf_model_free(back);
		ocsdf_model_free(m);
	}
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_roundtrip_mem);
	tcase_add_test(tc, test_roundtrip_file);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_manual_example);
	tcase_add_test(tc, test_truncated_every_offset_mem);
	tcase_add_test(tc, test_truncated_every_offset_file);
	tcase_add_test(tc, test_bitflip_each_byte);
	tcase_add_test(tc, test_bitflip_recrc);
	tcase_add_test(tc, test_wrong_version);
	tcase_add_test(tc, test_finished_without_state);
	tcase_add_test(tc, test_old_fixtures);
	tcase_add_test(tc, test_header_before_average);
	tcase_add_test(tc, test_header_before_rise);
	tcase_add_test(tc, test_header_before_ascent);
	tcase_add_test(tc, test_huge_dimensions);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_bad_settings);
	tcase_add_test(tc, test_trailing_bytes);
	tcase_add_test(tc, test_header_extension);
	tcase_add_test(tc, test_header_v1);
	tcase_add_test(tc, test_header_before_hold);
	tcase_add_test(tc, test_header_before_slope);
	tcase_add_test(tc, test_rows_read);
	tcase_add_test(tc, test_not_a_model);
	tcase_add_test(tc, test_pipe);
	tcase_add_test(tc, test_save_refuses_overwrite);
	tcase_add_test(tc, test_save_missing_folder);
	tcase_add_test(tc, test_failed_save_keeps_old);
	tcase_add_test(tc, test_check_on_save);
	tcase_add_test(tc, test_new_and_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
