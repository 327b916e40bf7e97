/*
 * fuzz_model.c: the model loader (ocsdf_model_load_mem) on hostile bytes.
 *
 * Each input is loaded twice: as it is, and with its last four bytes
 * replaced by the right CRC-32, so that mutations reach the checks behind
 * the checksum (sizes, names, values) instead of stopping at it.  A model
 * that loads must pass ocsdf_model_check, save again, load from what was
 * saved, save to the same bytes, and score a few rows without touching
 * memory it does not own.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "model.h"
#include "score.h"

static void exercise(const ocsdf_model *m, const uint8_t *data, size_t size)
{
	ocsdf_error e;
	void *img, *img2;
	size_t len, len2;
	ocsdf_model *m2;

	FUZZ_CHECK(ocsdf_model_check(m, &e) == 0);
	FUZZ_CHECK(ocsdf_model_save_mem(m, &img, &len, &e) == 0);
	FUZZ_CHECK(ocsdf_model_load_mem(img, len, "saved", &m2, &e) == 0);
	FUZZ_CHECK(ocsdf_model_save_mem(m2, &img2, &len2, &e) == 0);
	FUZZ_CHECK(len == len2 && memcmp(img, img2, len) == 0);
	/* The same file as what was read, except for header fields a later
	 * version may append (dropped on saving). */
	if (len == size)
		FUZZ_CHECK(memcmp(img, data, len) == 0);
	free(img);
	free(img2);
	ocsdf_model_free(m2);

	/* Scoring touches every weight; small networks only, for speed. */
	if (ocsdf_arch_nparams(&m->arch) <= 1u << 16) {
		enum { ROWS = 3 };
		int d = m->arch.d;
		double *X = malloc(sizeof(double) * ROWS * (size_t)d);
		float f[ROWS];
		ocsdf_scorer *sc = ocsdf_scorer_new(m, ROWS);
		FUZZ_CHECK(X && sc);
		for (size_t i = 0; i < (size_t)ROWS * (size_t)d; i++)
			X[i] = i % 3 == 0 ? 0.0 : i % 3 == 1 ? 1e300 : -(double)i;
		ocsdf_scorer_run(sc, X, ROWS, f);
		ocsdf_scorer_free(sc);
		free(X);
	}
}

static void load(const uint8_t *data, size_t size)
{
	ocsdf_model *m = (ocsdf_model *)1;
	ocsdf_error e;
	e.code = 0;
	int rc = ocsdf_model_load_mem(data, size, "fuzz", &m, &e);
	if (rc) {
		FUZZ_CHECK(m == NULL);
		FUZZ_CHECK((rc == 65 || rc == 70) && e.code == rc && e.msg[0]);
		return;
	}
	FUZZ_CHECK(m != NULL);
	exercise(m, data, size);
	ocsdf_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	load(data, size);
	if (size >= 20) {
		uint8_t *fixed = malloc(size);
		FUZZ_CHECK(fixed != NULL);
		memcpy(fixed, data, size);
		fuzz_fix_crc(fixed, size);
		if (memcmp(fixed, data, size) != 0)
			load(fixed, size);
		free(fixed);
	}
	return 0;
}
