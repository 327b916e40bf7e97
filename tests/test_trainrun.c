/*
 * test_trainrun.c: what a training program does around the loop
 * (lib/trainrun.c): a resumed run's checkpoint and rows, a new model for
 * a data set, --eval's scores and
 * AUROC, and the progress lines, checked against the library's own pieces
 * (ocsdf_scale_fit, ocsdf_train_eval, ocsdf_roc) and numbers worked out
 * here.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "roc.h"
#include "scale.h"
#include "trainrun.h"

/* n rows of 3 features, the third constant; names x, y, k. */
static void make_rows(ocsdf_dataset *ds, size_t n)
{
	static char x[] = "x", y[] = "y", k[] = "k", *names[] = {x, y, k};
	memset(ds, 0, sizeof *ds);
	ds->n = n;
	ds->d = 3;
	ds->names = names;
	ds->X = malloc(n * 3 * sizeof *ds->X);
	for (size_t i = 0; i < n; i++) {
		ds->X[3 * i] = cos((double)i);
		ds->X[3 * i + 1] = 2 + sin(3.0 * (double)i);
		ds->X[3 * i + 2] = 7;
	}
}

/* The width and the steps of ocsdf_trainrun_shape, for d features, with
 * and without the width given: returns the steps per epoch for epochs. */
static int shape_steps(int d, int epochs, int sampler, int given, int *width)
{
	ocsdf_train_settings s;
	ocsdf_arch a = {d, 24, 4, OCSDF_ACT_GROUPSORT2};

	ocsdf_train_default_settings(&s);
	s.epochs = epochs;
	s.sampler = sampler;
	ocsdf_trainrun_shape(&a, &s, d, given);
	*width = a.width;
	return s.steps_per_epoch_min;
}

START_TEST(test_shape)
{
	ocsdf_train_settings d;
	int w, steps;

	ocsdf_train_default_settings(&d);
	ck_assert_int_eq(OCSDF_TRAINRUN_MIN_TOTAL_STEPS, 300);
	ck_assert_int_eq(d.steps_per_epoch_min, 15);
	/* The automatic width: the smallest of 128, 256, 512 at least twice
	 * the features, 512 beyond; the paper's sampler 512. */
	for (int f = 1; f <= 2000; f++) {
		shape_steps(f, 40, OCSDF_SAMPLER_DISTANCE, 0, &w);
		ck_assert_int_eq(w, 2 * f <= 128 ? 128 : 2 * f <= 256 ? 256 : 512);
		shape_steps(f, 40, OCSDF_SAMPLER_PAPER, 0, &w);
		ck_assert_int_eq(w, 512);
		/* Given, the width stays. */
		shape_steps(f, 40, OCSDF_SAMPLER_DISTANCE, OCSDF_TRAINRUN_WIDTH, &w);
		ck_assert_int_eq(w, 24);
	}
	/* The steps: 15 a step at width 512 and at a given width, times
	 * (512 / width)^2 at an automatic one: 240 at 128, 60 at 256. */
	ck_assert_int_eq(shape_steps(10, 40, OCSDF_SAMPLER_DISTANCE, 0, &w), 240);
	ck_assert_int_eq(shape_steps(100, 40, OCSDF_SAMPLER_DISTANCE, 0, &w), 60);
	ck_assert_int_eq(shape_steps(300, 40, OCSDF_SAMPLER_DISTANCE, 0, &w), 15);
	ck_assert_int_eq(shape_steps(10, 40, OCSDF_SAMPLER_DISTANCE, OCSDF_TRAINRUN_WIDTH, &w), 15);
	/* A short run gets more steps per epoch, up to the total floor
	 * (300 steps, times the same factor), and no more than that needs;
	 * given, the steps are kept. */
	for (int epochs = 1; epochs <= 400; epochs++) {
		static const int feats[] = {10, 100, 300};
		for (int i = 0; i < 3; i++) {
			long total, base;
			steps = shape_steps(feats[i], epochs, OCSDF_SAMPLER_DISTANCE, 0, &w);
			base = 15L * (512 / w) * (512 / w);
			total = 300L * (512 / w) * (512 / w);
			ck_assert_int_ge((long)steps * epochs, total);
			ck_assert_int_ge(steps, base);
			ck_assert(steps == base || (long)(steps - 1) * epochs < total);
			steps = shape_steps(feats[i], epochs, OCSDF_SAMPLER_DISTANCE, OCSDF_TRAINRUN_WIDTH, &w);
			ck_assert_int_ge((long)steps * epochs, 300);
			ck_assert(steps == 15 || (long)(steps - 1) * epochs < 300);
		}
		{
			ocsdf_train_settings t = d;
			ocsdf_arch a = {10, 24, 4, OCSDF_ACT_GROUPSORT2};
			t.epochs = epochs;
			t.steps_per_epoch_min = 1;
			ocsdf_trainrun_shape(&a, &t, 10, OCSDF_TRAINRUN_MIN_STEPS);
			ck_assert_int_eq(t.steps_per_epoch_min, 1);
		}
	}
}
END_TEST

/* The learning rates of ocsdf_trainrun_shape after ocsdf_trainrun_settings
 * (linear decay) for d features and the options given: *lr, *lr_final. */
static void shape_lr(int d, int sampler, int given, double lr, double lr_final, double *out, double *out_final)
{
	ocsdf_train_settings s;
	ocsdf_arch a = {d, 24, 4, OCSDF_ACT_GROUPSORT2};
	ocsdf_error e;

	ocsdf_train_default_settings(&s);
	s.sampler = sampler;
	if (given & OCSDF_TRAINRUN_LR)
		s.lr = lr;
	if (given & OCSDF_TRAINRUN_LR_FINAL)
		s.lr_final = lr_final;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, given, &e), 0);
	ocsdf_trainrun_shape(&a, &s, d, given);
	*out = s.lr;
	*out_final = s.lr_final;
}

/* With the automatic width the learning rate (and its final value) grow
 * as the network narrows: sqrt(512 / width) times the default; given, either
 * stays; a given width or the paper's sampler keep the default. */
START_TEST(test_shape_lr)
{
	static const struct {
		int d, sampler, given;
		double lr, lr_final, want, want_final;
	} cases[] = {
		{10, OCSDF_SAMPLER_DISTANCE, 0, 0, 0, 2e-3, 2e-6},
		{64, OCSDF_SAMPLER_DISTANCE, 0, 0, 0, 2e-3, 2e-6},
		{65, OCSDF_SAMPLER_DISTANCE, 0, 0, 0, 1.4142135623730951e-3, 1.4142135623730951e-6},
		{128, OCSDF_SAMPLER_DISTANCE, 0, 0, 0, 1.4142135623730951e-3, 1.4142135623730951e-6},
		{129, OCSDF_SAMPLER_DISTANCE, 0, 0, 0, 1e-3, 1e-6},
		{10, OCSDF_SAMPLER_PAPER, 0, 0, 0, 1e-3, 1e-6},
		{10, OCSDF_SAMPLER_DISTANCE, OCSDF_TRAINRUN_WIDTH, 0, 0, 1e-3, 1e-6},
		{10, OCSDF_SAMPLER_DISTANCE, OCSDF_TRAINRUN_LR, 5e-4, 0, 5e-4, 5e-7},
		{10, OCSDF_SAMPLER_DISTANCE, OCSDF_TRAINRUN_LR_FINAL, 0, 3e-5, 2e-3, 3e-5},
		{10, OCSDF_SAMPLER_DISTANCE, OCSDF_TRAINRUN_LR | OCSDF_TRAINRUN_LR_FINAL, 5e-4, 3e-5, 5e-4, 3e-5},
	};
	ocsdf_train_settings d;

	ocsdf_train_default_settings(&d);
	ck_assert_double_eq(d.lr, 1e-3);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double lr, lr_final;
		shape_lr(cases[i].d, cases[i].sampler, cases[i].given, cases[i].lr, cases[i].lr_final, &lr,
			 &lr_final);
		ck_assert_msg(fabs(lr - cases[i].want) < 1e-12 && fabs(lr_final - cases[i].want_final) < 1e-15,
			      "case %zu: lr %g, final %g", i, lr, lr_final);
	}
}
END_TEST

/* The defaults that depend on other settings, and the refusals. */
START_TEST(test_settings)
{
	ocsdf_train_settings s, d;
	ocsdf_error e;
	ocsdf_train_default_settings(&d);
	s = d;
	s.lr = 0.02;
	s.epochs = 17;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, 0, &e), 0);
	ck_assert(s.lr_final == 0.02 / 1000 && s.lr_hold == d.lr_hold);
	ck_assert_int_eq(s.warmup, 17 / 8);
	ck_assert_int_eq(s.steps_per_epoch_min, d.steps_per_epoch_min);
	ck_assert(s.slope == d.slope && d.slope == OCSDF_TRAIN_SLOPE_DEFAULT);
	s.lr_final = 3e-4;
	s.warmup = 17;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_LR_FINAL | OCSDF_TRAINRUN_WARMUP, &e), 0);
	ck_assert(s.lr_final == 3e-4);
	ck_assert_int_eq(s.warmup, 17);
	/* No decay: a constant rate, nothing held. */
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 0, 0, &e), 0);
	ck_assert(s.lr_final == s.lr && s.lr_hold == 0);
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 0, OCSDF_TRAINRUN_LR_HOLD, &e), 64);
	ck_assert_str_eq(e.msg, "--lr-hold needs --lr-decay linear");
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 0, OCSDF_TRAINRUN_LR_FINAL | OCSDF_TRAINRUN_LR_HOLD, &e), 64);
	ck_assert_str_eq(e.msg, "--lr-final needs --lr-decay linear");
	s.warmup = 18;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_WARMUP, &e), 64);
	ck_assert_str_eq(e.msg, "--warmup (18) exceeds --epochs (17)");
	/* The slope term belongs to the distance sampler; with it, the rise
	 * term is off unless given. */
	s.warmup = 2;
	s.eikonal = 100;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_WARMUP, &e), 0);
	ck_assert(s.slope == 0);
	s.sampler = OCSDF_SAMPLER_PAPER;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_WARMUP, &e), 64);
	ck_assert_str_eq(e.msg, "--eikonal needs --sampler distance");
	/* So does the rise term: off with the paper's sampler unless given,
	 * refused if given; and it excludes the slope term. */
	s.eikonal = 0;
	s.slope = 10;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_WARMUP | OCSDF_TRAINRUN_SLOPE, &e), 64);
	ck_assert_str_eq(e.msg, "--slope needs --sampler distance");
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_WARMUP, &e), 0);
	ck_assert(s.slope == 0);
	s.sampler = OCSDF_SAMPLER_DISTANCE;
	s.slope = 10;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_WARMUP, &e), 0);
	ck_assert(s.slope == 10);
	s.eikonal = 1;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_WARMUP | OCSDF_TRAINRUN_SLOPE, &e), 64);
	ck_assert_str_eq(e.msg, "--slope and --eikonal: one at a time");
	/* The ascent too: on by default with the distance sampler, off with
	 * the paper's unless given, refused if given. */
	s = d;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, 0, &e), 0);
	ck_assert_int_eq(s.ascent_rows, OCSDF_TRAIN_ASCENT_ROWS_DEFAULT);
	s.sampler = OCSDF_SAMPLER_PAPER;
	s.slope = 0;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, 0, &e), 0);
	ck_assert_int_eq(s.ascent_rows, 0);
	s.ascent_rows = 7;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_ASCENT, &e), 64);
	ck_assert_str_eq(e.msg, "--ascent-rows needs --sampler distance");
	s.ascent_rows = 0;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_ASCENT, &e), 0);
	s.sampler = OCSDF_SAMPLER_DISTANCE;
	s.ascent_rows = 7;
	ck_assert_int_eq(ocsdf_trainrun_settings(&s, 1, OCSDF_TRAINRUN_ASCENT, &e), 0);
	ck_assert_int_eq(s.ascent_rows, 7);
}
END_TEST

START_TEST(test_model_new)
{
	ocsdf_arch a = {0, 8, 1, OCSDF_ACT_GROUPSORT2};
	ocsdf_train_settings s;
	ocsdf_dataset ds;
	ocsdf_model *m = NULL;
	ocsdf_error e;
	double mean[3], std[3];
	int constant = -1;
	ocsdf_train_default_settings(&s);
	make_rows(&ds, 50);
	ck_assert_int_eq(ocsdf_trainrun_model_new(&a, &s, OCSDF_SCALE_STD, &ds, &m, &constant, &e), 0);
	ck_assert_int_eq(constant, 1);
	ck_assert_int_eq(m->arch.d, 3);
	ck_assert_int_eq(m->arch.width, 8);
	ck_assert_int_eq(m->settings.epochs, s.epochs);
	ck_assert_int_eq(m->scale, OCSDF_SCALE_STD);
	ck_assert(m->ckpt && m->ckpt->params);
	ck_assert_int_eq(ocsdf_scale_fit(ds.X, ds.n, 3, OCSDF_SCALE_STD, mean, std), 1);
	for (int j = 0; j < 3; j++) {
		ck_assert_str_eq(m->names[j], ds.names[j]);
		ck_assert(m->mean[j] == mean[j] && m->std[j] == std[j]);
	}
	ocsdf_model_free(m);

	/* Refusals of the shape and of the settings are usage errors. */
	a.width = 7;
	ck_assert_int_eq(ocsdf_trainrun_model_new(&a, &s, OCSDF_SCALE_STD, &ds, &m, &constant, &e), 64);
	ck_assert_int_eq(e.code, 64);
	ck_assert_str_eq(e.msg, ocsdf_arch_check(&(ocsdf_arch){3, 7, 1, OCSDF_ACT_GROUPSORT2}));
	ck_assert_int_eq(constant, 0);
	a.width = 8;
	s.warmup = s.epochs + 1;
	ck_assert_int_eq(ocsdf_trainrun_model_new(&a, &s, OCSDF_SCALE_STD, &ds, &m, &constant, &e), 64);
	ck_assert_int_eq(e.code, 64);
	ck_assert_ptr_nonnull(strstr(e.msg, "settings.warmup"));
	free(ds.X);
}
END_TEST

/* A temporary file's path, for the caller to remove. */
static char *temp_path(char *path, size_t len)
{
	int fd;
	snprintf(path, len, "/tmp/ocsdf-trainrun-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

/* A checkpoint loaded for --resume, checked against the rows of its run
 * and the rows read; its features read by name in its order. */
START_TEST(test_resume)
{
	ocsdf_arch a = {0, 8, 1, OCSDF_ACT_GROUPSORT2};
	ocsdf_train_settings s;
	ocsdf_dataset ds, rows;
	ocsdf_dataset_spec spec = {0};
	ocsdf_model *m, *r = NULL;
	ocsdf_error e, why;
	char ckpt[64], csv[64], want[OCSDF_ERROR_MAX + 80];
	int constant;
	FILE *fp;
	ocsdf_train_default_settings(&s);
	make_rows(&ds, 50);
	ck_assert_int_eq(ocsdf_trainrun_model_new(&a, &s, OCSDF_SCALE_STD, &ds, &m, &constant, &e), 0);
	m->stats.rows = 50;
	ck_assert_int_eq(ocsdf_model_save(m, temp_path(ckpt, sizeof ckpt), 1, &e), 0);
	ck_assert_int_eq(ocsdf_trainrun_resume(ckpt, &r, &e), 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(ocsdf_trainrun_check_rows(&ds, "x.csv", r, ckpt, &e), 0);

	/* The features of the checkpoint, in its order, from a file that
	 * has them in another and one more. */
	fp = fopen(temp_path(csv, sizeof csv), "w");
	fprintf(fp, "k,extra,y,x\n");
	for (size_t i = 0; i < ds.n; i++)
		fprintf(fp, "%.9g,5,%.9g,%.9g\n", ds.X[3 * i + 2], ds.X[3 * i + 1], ds.X[3 * i]);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(ocsdf_trainrun_read(csv, &spec, r, &rows, &e), 0);
	ck_assert(spec.check_scale && spec.mean == r->mean && spec.n_names == 3);
	ck_assert_int_eq(rows.d, 3);
	ck_assert_uint_eq(rows.n, 50);
	for (int j = 0; j < 3; j++)
		ck_assert_str_eq(rows.names[j], ds.names[j]);
	ck_assert(fabs(rows.X[3 * 7] - ds.X[3 * 7]) < 1e-6);
	ocsdf_dataset_free(&rows);
	spec = (ocsdf_dataset_spec){0};
	ck_assert_int_eq(ocsdf_trainrun_read(csv, &spec, NULL, &rows, &e), 0);
	ck_assert_int_eq(rows.d, 4);
	ck_assert_int_eq(spec.check_scale, 0);
	ocsdf_dataset_free(&rows);

	/* No rows, named by their file. */
	ds.n = 0;
	ck_assert_int_eq(ocsdf_trainrun_check_rows(&ds, "x.csv", NULL, NULL, &e), 65);
	ck_assert_str_eq(e.msg, "x.csv: no rows to train on");
	ck_assert_int_eq(ocsdf_trainrun_check_rows(&ds, "-", r, ckpt, &e), 65);
	ck_assert_str_eq(e.msg, "standard input: no rows to train on");
	ds.n = 50;

	/* A step past the run: refused with the checkpoint's name, by
	 * check_rows and by resume, which then gives no model. */
	r->ckpt->step = m->ckpt->step = UINT64_MAX / 2;
	ck_assert_int_ne(ocsdf_train_check_resume(r, 50, &why), 0);
	snprintf(want, sizeof want, "%s: %s", ckpt, why.msg);
	ck_assert_int_eq(ocsdf_trainrun_check_rows(&ds, "x.csv", r, ckpt, &e), why.code);
	ck_assert_str_eq(e.msg, want);
	ck_assert_int_eq(ocsdf_model_save(m, ckpt, 1, &e), 0);
	ocsdf_model_free(r);
	ck_assert_int_eq(ocsdf_trainrun_resume(ckpt, &r, &e), why.code);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(e.msg, want);
	unlink(ckpt);
	ck_assert_int_eq(ocsdf_trainrun_resume(ckpt, &r, &e), 66);
	ck_assert_ptr_null(r);
	unlink(csv);
	ocsdf_model_free(m);
	free(ds.X);
}
END_TEST

START_TEST(test_eval)
{
	ocsdf_arch a = {0, 8, 1, OCSDF_ACT_GROUPSORT2};
	const char *labels[] = {"1", "0", "1.0", "x", "0", "1", "0", "0"};
	ocsdf_train_settings s;
	ocsdf_trainrun_eval ev;
	ocsdf_dataset ds;
	ocsdf_model *m;
	ocsdf_error e;
	ocsdf_roc *roc;
	float Z[8 * 3], f[8];
	double score[8], gn, auroc, fm, g, sum = 0;
	unsigned char anom[8] = {1, 0, 1, 0, 0, 1, 0, 0};
	char buf[96];
	int constant;
	ocsdf_train_default_settings(&s);
	make_rows(&ds, 8);
	ck_assert_int_eq(ocsdf_trainrun_model_new(&a, &s, OCSDF_SCALE_STD, &ds, &m, &constant, &e), 0);
	ocsdf_scale_apply(ds.X, 8, 3, m->mean, m->std, Z);
	ck_assert_int_eq(ocsdf_trainrun_eval_init(&ev, Z, labels, 8, "1"), 0);
	ck_assert_mem_eq(ev.anom, anom, 8);
	ocsdf_trainrun_eval_text(&ev, &m->arch, m->theta, buf, sizeof buf);
	ck_assert_int_eq(sscanf(buf, "  auroc %lf  f(rows) %lf  |grad(rows)| %lf", &auroc, &fm, &g), 3);
	/* The same numbers from the library's own pieces. */
	ck_assert_int_eq(ocsdf_train_eval(&m->arch, m->theta, Z, 8, f, &gn), 0);
	for (int i = 0; i < 8; i++)
		score[i] = f[i], sum += f[i];
	ck_assert_int_eq(ocsdf_roc_new(score, anom, 8, &roc, &e), 0);
	ck_assert_double_eq_tol(auroc, ocsdf_roc_auroc(roc, 0), 1e-4);
	ck_assert_double_eq_tol(fm, sum / 8, 1e-4);
	ck_assert_double_eq_tol(g, gn, 1e-3);
	ocsdf_roc_free(roc);
	ocsdf_trainrun_eval_free(&ev);
	ck_assert_ptr_null(ev.anom);

	/* No anomaly among the rows: no AUROC, an empty text. */
	ck_assert_int_eq(ocsdf_trainrun_eval_init(&ev, Z, labels, 8, "7"), 0);
	ocsdf_trainrun_eval_text(&ev, &m->arch, m->theta, buf, sizeof buf);
	ck_assert_str_eq(buf, "");
	ocsdf_trainrun_eval_free(&ev);
	ocsdf_model_free(m);
	free(ds.X);
}
END_TEST

START_TEST(test_lines)
{
	ocsdf_train_progress p = {0};
	char buf[512];
	p.epoch = 2;
	p.epochs = 40;
	p.step = 10;
	p.steps = 100;
	p.step_in_epoch = 3;
	p.steps_per_epoch = 7;
	p.loss = 0.5;
	p.f_data = 0.25;
	p.f_neg = -0.125;
	p.gnorm_neg = 0.75;
	p.rise_f = p.rise_bound = p.rise_cone = NAN;
	p.ortho_error = 1e-3;
	p.reprojections = 7;
	p.seconds = 5;
	/* 10 steps of 64 rows and 64 negatives in 5 s; 90 steps left. */
	ocsdf_trainrun_line(buf, sizeof buf, &p, 64, 1, "  +");
	ck_assert_str_eq(buf, "epoch 2/40 step 3/7  loss 0.5  f(data) 0.25  f(neg) -0.125  |grad| 0.750  "
			      "256 rows/s  ETA 45s  +");
	ocsdf_trainrun_line(buf, sizeof buf, &p, 64, 0, "");
	ck_assert_str_eq(buf, "epoch 2/40  loss 0.5  f(data) 0.25  f(neg) -0.125  |grad| 0.750  ortho 1.0e-03  "
			      "reproj 7  5.0s");
	/* Without walks (the distance sampler, warm-up epochs) no norm was
	 * taken: "-", not 0. */
	p.gnorm_neg = NAN;
	ocsdf_trainrun_line(buf, sizeof buf, &p, 64, 0, "");
	ck_assert_str_eq(buf, "epoch 2/40  loss 0.5  f(data) 0.25  f(neg) -0.125  |grad| -  ortho 1.0e-03  "
			      "reproj 7  5.0s");
	/* With the rise term, its measures after the gradient, at the end
	 * of an epoch only. */
	p.rise_f = 0.25;
	p.rise_bound = 0.5;
	p.rise_cone = 0.125;
	ocsdf_trainrun_line(buf, sizeof buf, &p, 64, 0, "");
	ck_assert_str_eq(buf, "epoch 2/40  loss 0.5  f(data) 0.25  f(neg) -0.125  |grad| -  rise 0.250 of 0.500, "
			      "cone 0.12  ortho 1.0e-03  reproj 7  5.0s");
	ocsdf_trainrun_line(buf, sizeof buf, &p, 64, 1, "");
	ck_assert_ptr_null(strstr(buf, "rise"));
	/* The ascent's count, on the first epoch's line only. */
	p.ascent_found = 498;
	p.ascent_rows = 500;
	ocsdf_trainrun_line(buf, sizeof buf, &p, 64, 0, "");
	ck_assert_ptr_null(strstr(buf, "ascent"));
	p.epoch = 1;
	ocsdf_trainrun_line(buf, sizeof buf, &p, 64, 0, "");
	ck_assert_str_eq(buf, "epoch 1/40  loss 0.5  f(data) 0.25  f(neg) -0.125  |grad| -  rise 0.250 of 0.500, "
			      "cone 0.12  ascent 498/500  ortho 1.0e-03  reproj 7  5.0s");
	ocsdf_trainrun_line(buf, sizeof buf, &p, 64, 1, "");
	ck_assert_ptr_null(strstr(buf, "ascent"));
	/* Before the first step and before any time has passed. */
	p.step = 0;
	p.seconds = 0;
	ocsdf_trainrun_line(buf, sizeof buf, &p, 64, 1, "");
	ck_assert_ptr_nonnull(strstr(buf, "  0 rows/s  ETA 0s"));
}
END_TEST

static Suite *trainrun_suite(void)
{
	Suite *s = suite_create("trainrun");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_settings);
	tcase_add_test(tc, test_shape);
	tcase_add_test(tc, test_shape_lr);
	tcase_add_test(tc, test_model_new);
	tcase_add_test(tc, test_resume);
	tcase_add_test(tc, test_eval);
	tcase_add_test(tc, test_lines);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(trainrun_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
