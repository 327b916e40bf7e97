/*
 * make_seeds.c: writes the seed corpora of the fuzz targets into
 * tests/fuzz/corpus/ (run from the top folder; see README.md).  Seeds are
 * small valid inputs and a few near-valid ones; the model seeds are real
 * files from ocsdf_model_save_mem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bytes.h"
#include "model.h"
#include "train.h"

/* Writes tests/fuzz/TOP/DIR/NAME (TOP: corpus or regress). */
static void put_in(const char *top, const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "tests/fuzz/%s/%s/%s", top, dir, name);
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(p, 1, n, fp) != n || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

static void put(const char *dir, const char *name, const void *p, size_t n)
{
	put_in("corpus", dir, name, p, n);
}

/* A selector prefix then text, for the CSV and options targets. */
static void put_with(const char *dir, const char *name, const unsigned char *pre, size_t npre,
		     const char *body, size_t nbody)
{
	unsigned char *buf = malloc(npre + nbody);
	if (!buf)
		exit(1);
	memcpy(buf, pre, npre);
	memcpy(buf + npre, body, nbody);
	put(dir, name, buf, npre + nbody);
	free(buf);
}

static void fix_crc(unsigned char *p, size_t n)
{
	uint32_t crc = (uint32_t)crc32_z(crc32_z(0, NULL, 0), p, n - 4);
	for (int i = 0; i < 4; i++)
		p[n - 4 + (size_t)i] = (unsigned char)(crc >> (8 * i));
}

static ocsdf_model *small_model(int d, int width, int depth, int act, int with_state)
{
	ocsdf_arch a = {d, width, depth, act};
	ocsdf_model *m = ocsdf_model_new(&a, with_state);
	static const char *const names[] = {"x", "y", "z", "w"};
	size_t n = ocsdf_arch_nparams(&a);
	if (!m)
		exit(1);
	for (int j = 0; j < d; j++) {
		ocsdf_model_set_name(m, j, names[j]);
		m->mean[j] = 0.5 * j;
		m->std[j] = 1.0 + j;
	}
	for (size_t i = 0; i < n; i++) {
		m->theta[i] = (float)((int)(i % 7) - 3) / 8.0f;
		if (with_state) {
			m->ckpt->params[i] = m->theta[i] * 1.5f;
			m->ckpt->opt_v[i] = (float)(i % 5) / 100.0f;
		}
	}
	ocsdf_train_default_settings(&m->settings);
	m->settings.seed = 7;
	m->stats.rows = 100;
	m->stats.f_mean = 0.2;
	m->stats.f_p1 = -0.01;
	m->stats.f_p5 = 0.01;
	m->stats.f_p50 = 0.2;
	m->stats.lipschitz_raw = 1.0;
	m->stats.grad_norm_mean = 0.98;
	if (with_state) {
		m->ckpt->epoch = 3;
		m->ckpt->step = 45;
	}
	return m;
}

static void model_seeds(void)
{
	ocsdf_error e;
	void *img;
	size_t len;
	struct {
		const char *name;
		int d, width, depth, act, state, scale;
	} shapes[] = {
		{"finished-d2-w4", 2, 4, 1, OCSDF_ACT_FULLSORT, 0, OCSDF_SCALE_STD},
		{"checkpoint-d3-w4-groupsort", 3, 4, 2, OCSDF_ACT_GROUPSORT2, 1, OCSDF_SCALE_ISO},
		{"finished-d1-w2-none", 1, 2, 1, OCSDF_ACT_FULLSORT, 0, OCSDF_SCALE_NONE},
		{"finished-d4-w8-d3", 4, 8, 3, OCSDF_ACT_FULLSORT, 0, OCSDF_SCALE_STD},
	};
	for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
		ocsdf_model *m = small_model(shapes[s].d, shapes[s].width, shapes[s].depth, shapes[s].act,
					     shapes[s].state);
		m->scale = shapes[s].scale;
		if (ocsdf_model_save_mem(m, &img, &len, &e)) {
			fprintf(stderr, "%s\n", e.msg);
			exit(1);
		}
		put("fuzz_model", shapes[s].name, img, len);
		if (s == 0) {
			unsigned char *p = img, *q;
			/* Near-valid: truncated, a later version, a longer header
			 * (fields a later release appends), a flipped bit. */
			put("fuzz_model", "truncated", p, len / 2);
			q = malloc(len + 8);
			memcpy(q, p, len);
			q[8] = 2;
			put("fuzz_model", "version2", q, len);
			/* The header length this release writes, at byte 12
			 * after the 16-byte preamble: 8 more, zeros. */
			size_t hl = ocsdf_bytes_get_u32(p + 12), cut = 16 + hl;
			memcpy(q, p, cut);
			memset(q + cut, 0, 8);
			memcpy(q + cut + 8, p + cut, len - cut);
			ocsdf_bytes_put_u32(q + 12, (uint32_t)(hl + 8));
			fix_crc(q, len + 8);
			put("fuzz_model", "header-longer", q, len + 8);
			memcpy(q, p, len);
			q[len / 3] ^= 0x10;
			put("fuzz_model", "bitflip", q, len);
			free(q);
		}
		free(img);
		ocsdf_model_free(m);
	}
	put("fuzz_model", "csv-text", "x,y\n1,2\n", 8);
}

/* Checkpoints to resume (fuzz_resume seeds), and forged ones behind a valid
 * CRC (its regressions): settings that the options refuse and a step
 * beyond the run, each of which once crashed, hung or misled ocsdf-train
 * --resume.  Offsets are those of ocsdf-model(5). */
static void resume_seeds(void)
{
	static const struct {
		const char *name;
		int ortho, init, level0, warmup, spe_max;
		uint64_t step;
	} seeds[] = {
		{"retract-step100", OCSDF_ORTHO_RETRACT, OCSDF_INIT_UNIFORM, 0, 5, 0, 100},
		{"bjorck-gaussian-authors", OCSDF_ORTHO_BJORCK, OCSDF_INIT_GAUSSIAN, 1, 2, 0, 45},
		{"warmup-step0", OCSDF_ORTHO_RETRACT, OCSDF_INIT_UNIFORM, 0, 5, 0, 0},
		{"one-step-left", OCSDF_ORTHO_RETRACT, OCSDF_INIT_UNIFORM, 0, 5, 0, 599},
		{"after-last-step", OCSDF_ORTHO_RETRACT, OCSDF_INIT_UNIFORM, 0, 5, 0, 600},
		{"max-steps-3", OCSDF_ORTHO_BJORCK, OCSDF_INIT_UNIFORM, 0, 0, 3, 7},
	};
	/* Little-endian fields: i32 (4 bytes), f64 or u64 (8 bytes, doubles
	 * as their bit patterns). */
	static const struct {
		const char *name;
		int off, bytes;
		uint64_t v;
	} forged[] = {
		{"batch-0", 128, 4, 0},
		{"newton-steps-2147483647", 132, 4, 0x7fffffff},
		{"eps-0", 96, 8, 0},
		{"lr-0", 72, 8, 0},
		{"lr-final-0", 80, 8, 0},
		{"rho-0", 88, 8, 0},
		{"rho-1", 88, 8, 0x3ff0000000000000}, /* 1.0 */
		{"bjorck-iters-0", 148, 4, 0},
		{"retract-iters-0", 152, 4, 0},
		{"steps-per-epoch-min-0", 120, 4, 0},
		{"epochs-0", 112, 4, 0},
		{"warmup-beyond-epochs", 116, 4, 41},
		{"step-18446744073709551615", 256, 8, UINT64_MAX},
	};
	ocsdf_error e;
	void *img;
	size_t len;

	for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
		ocsdf_model *m = small_model(i % 2 ? 3 : 2, 4, 1 + (int)(i % 2), OCSDF_ACT_FULLSORT, 1);
		m->settings.ortho = seeds[i].ortho;
		m->settings.init = seeds[i].init;
		m->settings.newton_level0 = seeds[i].level0;
		m->settings.warmup = seeds[i].warmup;
		m->settings.steps_per_epoch_max = seeds[i].spe_max;
		m->settings.bjorck_iters = 5;
		m->ckpt->step = seeds[i].step;
		m->ckpt->epoch = seeds[i].step / (seeds[i].spe_max ? 3 : 15);
		if (ocsdf_model_save_mem(m, &img, &len, &e)) {
			fprintf(stderr, "%s\n", e.msg);
			exit(1);
		}
		put("fuzz_resume", seeds[i].name, img, len);
		for (size_t k = 0; i == 0 && k < sizeof forged / sizeof *forged; k++) {
			unsigned char *p = malloc(len);
			if (!p)
				exit(1);
			memcpy(p, img, len);
			for (int b = 0; b < forged[k].bytes; b++)
				p[forged[k].off + b] = (unsigned char)(forged[k].v >> (8 * b));
			fix_crc(p, len);
			put_in("regress", "fuzz_resume", forged[k].name, p, len);
			free(p);
		}
		free(img);
		ocsdf_model_free(m);
	}
}

static void csv_seeds(void)
{
	static const struct {
		const char *name;
		unsigned char pre[4];
		const char *text;
	} seeds[] = {
		{"plain", {0x00, 0x02, 0, 1}, "x,y\n1,2\n3,4\n"},
		{"raw-blocks", {0x06, 0x0a, 0, 1}, "a,b,label\n1.5,-2e3,0\n.5,5.,1\n"},
		{"gzip", {0x0f, 0x0b, 1, 1}, "a,b,label\n1,2,x\n3,4,y\n"},
		{"gzip-cut", {0x21, 0x42, 0, 1}, "a,b\n1,2\n3,4\n5,6\n"},
		{"quoted", {0x12, 0x1a, 0, 2}, "\"a,1\",\"b\"\"q\",c\n\"1\", 2 ,\"x\ny\"\n"},
		{"crlf-bom", {0x02, 0x02, 0, 1}, "\xef\xbb\xbfx,y\r\n1,2\r\n\r\n3,4\r\n"},
		{"ragged", {0x00, 0x01, 1, 1}, "x,y\n1,2\n3\n"},
		{"nan", {0x00, 0x02, 0, 1}, "x,y\n1,nan\n"},
		{"overflow", {0x00, 0x01, 0, 1}, "x\n1e999\n"},
		{"header-only", {0x00, 0x01, 0, 1}, "x,y,z\n"},
		{"blank-lines", {0x0c, 0x09, 0, 1}, "\n \nx,y\n\n1,2\n \t\n"},
		{"digit-names", {0x16, 0x0b, 1, 3}, "2,1,a,a\n5,6,7,8\n"},
		{"stray-cr", {0x00, 0x01, 0, 1}, "x,y\n1\r,2\n"},
		{"open-quote", {0x02, 0x01, 0, 1}, "x,y\n\"1,2\n"},
		{"num-simple", {0x40, 0, 0, 0}, " -1.25e-3 "},
		{"num-long", {0x40, 0, 0, 0}, "123456789012345678901234567890.5e-40"},
		{"num-subnormal", {0x40, 0, 0, 0}, "4.9406564584124654e-324"},
		{"num-halfway", {0x40, 0, 0, 0}, "9007199254740993"},
		{"num-min-normal", {0x40, 0, 0, 0}, "2.2250738585072011e-308"},
		{"num-hex", {0x40, 0, 0, 0}, "0x1p3"},
		{"num-big-exp", {0x40, 0, 0, 0}, "0.000000000000000000000000000001e9999999999"},
	};
	for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
		put_with("fuzz_csv", seeds[i].name, seeds[i].pre, 4, seeds[i].text, strlen(seeds[i].text));
}

static void option_seeds(void)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
	} seeds[] = {
#define S(name, lit) {name, lit, sizeof lit - 1}
		S("certify-radius", "\x00--radius\0" "0,0.5,1"),
		S("certify-radius-eq", "\x00--radius=0.1,1e-3\0--fpr\0" "0.1"),
		S("certify-threshold", "\x00--threshold\0-1.5\0--decisions\0d.csv\0x.csv"),
		S("certify-misc", "\x00--level\0" "0.9\0--ci\0bootstrap\0--resamples\0" "100\0--lipschitz\0" "2"),
		S("certify-labels", "\x00--anomaly\0yes\0--normal\0no\0-m\0m.model"),
		S("mesh-box2", "\x01\x00\xf8\x00-1,1,-2,2\0" "0,1,0,1"),
		S("mesh-box3", "\x01\x01\x78\x00-1,1,-1,1,-1,1\0" "0.5,2,0,1,1,0.25"),
		S("mesh-box-k", "\x01\x00\x00\x01" "3\0" "10,1e-3,-5,100"),
		S("mesh-box-default", "\x01\x01\x10\x00\0" "0,1,0,1,0,1"),
		S("columns-label", "\x02\x01label\0"),
		S("columns-ignore", "\x02\x03" "a\0" "3,x,y,1\0"),
		S("columns-names", "\x02\x0d" "12\0b\0"),
		S("columns-csv", "\x02\x23" "2\0" "1\0" "a,b,c\n1,2,3\n4,5,6\n"),
		S("list-radius", "\x03\x00" "0,0.05,0.1"),
		S("list-box", "\x03\x01-1e30,1e30,-0,0"),
		S("list-levels", "\x03\x02-0.2,-0.1,0.05"),
		S("single", "\x04 12"),
		S("single-exp", "\x04" "1.5e3"),
#undef S
	};
	for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
		put("fuzz_options", seeds[i].name, seeds[i].bytes, seeds[i].len);
}

int main(void)
{
	model_seeds();
	resume_seeds();
	csv_seeds();
	option_seeds();
	return 0;
}
