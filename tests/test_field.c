/*
 * test_field.c: a model as a field (lib/field.c): the callbacks give what
 * the scorer gives, bit for bit, at float points; the default level and
 * its words from the model's statistics, and the refusals; the Lipschitz
 * bound used for pruning; the pictures of ocsdf-mesh: which format and
 * options apply to a model, its grid, the surface and the sampled map,
 * the same as the grid and mesh modules give called one by one.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "rng.h"
#include "score.h"

static ocsdf_model *random_model(int d)
{
	ocsdf_arch a = {d, 8, 2, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = ocsdf_model_new(&a, 0);
	ocsdf_rng g;
	ck_assert_ptr_nonnull(m);
	ocsdf_rng_seed(&g, 7);
	for (size_t i = 0; i < ocsdf_arch_nparams(&a); i++)
		m->theta[i] = (float)(0.5 * ocsdf_rng_normal(&g));
	for (int j = 0; j < d; j++) {
		m->mean[j] = j - 0.5;
		m->std[j] = 0.5 + j;
	}
	return m;
}

START_TEST(same_as_scorer)
{
	for (int d = 2; d <= 3; d++) {
		ocsdf_model *m = random_model(d);
		ocsdf_field *f = ocsdf_field_new(m, 16);
		ocsdf_scorer *s = ocsdf_scorer_new(m, 16);
		float xyz[16 * 3], f1[16], f2[16], g1[16 * 3], g2[16 * 3];
		double X[16 * 3];
		ck_assert(f && s);
		for (int i = 0; i < 16 * d; i++) {
			xyz[i] = (float)(0.37 * i - 2);
			X[i] = xyz[i];
		}
		ocsdf_field_eval(f, xyz, 16, f1);
		ocsdf_scorer_run(s, X, 16, f2);
		ck_assert(memcmp(f1, f2, sizeof f1) == 0);
		ocsdf_field_grad(f, xyz, 16, f1, g1);
		ocsdf_scorer_grad(s, X, 16, f2, g2);
		ck_assert(memcmp(f1, f2, sizeof f1) == 0);
		ck_assert(memcmp(g1, g2, sizeof(float) * 16 * (size_t)d) == 0);
		/* fewer points than the batch */
		ocsdf_field_eval(f, xyz + d, 3, f1);
		ocsdf_scorer_run(s, X + d, 3, f2);
		ck_assert(memcmp(f1, f2, 3 * sizeof *f1) == 0);
		ocsdf_field_free(f);
		ocsdf_scorer_free(s);
		ocsdf_model_free(m);
	}
	ocsdf_field_free(NULL);
}
END_TEST

START_TEST(level)
{
	ocsdf_model *m = random_model(3);
	ocsdf_error e;
	double v = 42;
	char what[64];

	ck_assert_int_eq(ocsdf_field_level(m, "m.model", 0, &v, what, sizeof what, &e), OCSDF_EDATA);
	ck_assert_str_eq(e.msg, "m.model records no statistics of f over training rows; give --level L");
	ck_assert_double_eq(v, 42);
	m->stats.rows = 100;
	m->stats.f_p1 = -0.25;
	m->stats.f_p5 = 0.125;
	m->stats.f_p50 = NAN;
	ck_assert_int_eq(ocsdf_field_level(m, "m", 0, &v, what, sizeof what, &e), 0);
	ck_assert_double_eq(v, -0.25);
	ck_assert_str_eq(what, "1st percentile of the training rows");
	ck_assert_int_eq(ocsdf_field_level(m, "m", 5, &v, what, sizeof what, &e), 0);
	ck_assert_double_eq(v, 0.125);
	ck_assert_str_eq(what, "5th percentile of the training rows");
	ck_assert_int_eq(ocsdf_field_level(m, "m", 50, &v, what, sizeof what, &e), OCSDF_EDATA);
	ck_assert_int_eq(ocsdf_field_level(m, "m", 7, &v, what, sizeof what, &e), OCSDF_EUSAGE);
	/* A 1st percentile above 0: the learned boundary instead, unless the
	 * percentile is asked for. */
	m->stats.f_p1 = 0.0625;
	ck_assert_int_eq(ocsdf_field_level(m, "m", 0, &v, what, sizeof what, &e), 0);
	ck_assert_double_eq(v, 0);
	ck_assert_str_eq(what, "the learned boundary; 1st percentile 0.0625");
	ck_assert_int_eq(ocsdf_field_level(m, "m", 1, &v, what, sizeof what, &e), 0);
	ck_assert_double_eq(v, 0.0625);
	ck_assert_str_eq(what, "1st percentile of the training rows");
	ocsdf_model_free(m);
}
END_TEST

START_TEST(lipschitz)
{
	ocsdf_model *m = random_model(2);   /* std 0.5 and 1.5, width 8, depth 2 */
	m->stats.lipschitz_raw = 3;
	ck_assert_double_eq_tol(ocsdf_field_lipschitz(m), 3 * 1.001, 1e-12);
	m->stats.lipschitz_raw = 0;
	ck_assert_double_eq_tol(ocsdf_field_lipschitz(m), 2 * 1.001, 1e-12);
	m->stats.lipschitz_raw = NAN;
	ck_assert_double_eq_tol(ocsdf_field_lipschitz(m), 2 * 1.001, 1e-12);
	/* three weight matrices, each at most sqrt(1 + 8 * 0.01) too large */
	m->stats.ortho_error = 0.01;
	ck_assert_double_eq_tol(ocsdf_field_lipschitz(m), 2 * pow(1.08, 1.5) * 1.001, 1e-12);
	ocsdf_model_free(m);
}
END_TEST

START_TEST(picture_checks)
{
	ocsdf_model *m2 = random_model(2), *m3 = random_model(3);
	ocsdf_error e;
	int fmt = -1;
	ck_assert_int_eq(ocsdf_field_check_picture(m2, "a", &fmt, 0, 1, &e), 0);
	ck_assert_int_eq(fmt, OCSDF_FIELD_SVG);
	fmt = -1;
	ck_assert_int_eq(ocsdf_field_check_picture(m3, "a", &fmt, 1, 0, &e), 0);
	ck_assert_int_eq(fmt, OCSDF_MESHIO_PLY);
	fmt = OCSDF_MESHIO_STL;
	ck_assert_int_eq(ocsdf_field_check_picture(m3, "a", &fmt, 1, 0, &e), 0);
	fmt = OCSDF_MESHIO_OBJ;
	ck_assert_int_eq(ocsdf_field_check_picture(m2, "m.model", &fmt, 0, 0, &e), OCSDF_EUSAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "m.model has 2 features"));
	fmt = OCSDF_FIELD_SVG;
	ck_assert_int_eq(ocsdf_field_check_picture(m3, "m.model", &fmt, 0, 0, &e), OCSDF_EUSAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "m.model has 3 features"));
	ck_assert_int_eq(ocsdf_field_check_picture(m2, "a", &fmt, 1, 0, &e), OCSDF_EUSAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "--ascii"));
	fmt = OCSDF_MESHIO_OBJ;
	ck_assert_int_eq(ocsdf_field_check_picture(m3, "a", &fmt, 1, 0, &e), OCSDF_EUSAGE);
	fmt = -1;
	ck_assert_int_eq(ocsdf_field_check_picture(m3, "a", &fmt, 0, 1, &e), OCSDF_EUSAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "--levels"));
	ck_assert_int_eq(ocsdf_field_format_of_path("a.svg/m.STL"), OCSDF_MESHIO_STL);
	ck_assert_int_eq(ocsdf_field_format_of_path("map.svg"), OCSDF_FIELD_SVG);
	ck_assert_int_eq(ocsdf_field_format_of_path("map.SVG"), -1);
	ck_assert_int_eq(ocsdf_field_format_of_path("svg"), -1);
	ck_assert_int_eq(ocsdf_field_format_of_path("m.ply.gz"), -1);
	ocsdf_model_free(m2);
	ocsdf_model_free(m3);
}
END_TEST

START_TEST(grid_spec)
{
	ocsdf_model *m = random_model(3);
	ocsdf_grid_spec s = {0};
	double bad[6] = {0, 1, 2, 1, 0, 1};
	ocsdf_error e;
	ck_assert_int_eq(ocsdf_field_grid_spec(m, &s, &e), 0);
	ck_assert(s.d == 3 && s.mean == m->mean && s.std == m->std && s.resolution == 128);
	ck_assert_ptr_eq(s.names, m->names);
	s.resolution = 20;
	s.box = bad;
	s.nbox = 6;
	ck_assert_int_eq(ocsdf_field_grid_spec(m, &s, &e), OCSDF_EUSAGE);
	ck_assert_int_eq(s.resolution, 20);
	ocsdf_model_free(m);
	m = random_model(2);
	s = (ocsdf_grid_spec){0};
	ck_assert_int_eq(ocsdf_field_grid_spec(m, &s, &e), 0);
	ck_assert_int_eq(s.resolution, 256);
	ocsdf_model_free(m);
}
END_TEST

/* The surface and the map: what the mesh and grid modules give for the
 * field, with the counts of the evaluations; pruning dropped only for an
 * unusable bound. */
START_TEST(pictures)
{
	ocsdf_model *m = random_model(3);
	ocsdf_grid3 g = {{-2, -2, -2}, {2, 2, 2}, {12, 10, 11}};
	ocsdf_mesh_opts o;
	ocsdf_field_surface s;
	ocsdf_mesh ref;
	ocsdf_mesh_stats st;
	ocsdf_error e;
	ocsdf_field *f = ocsdf_field_new(m, 64);
	ck_assert_int_eq(ocsdf_field_mesh_opts(m, 0.1, 64, 0, &o), 0);
	ck_assert(o.prune && o.level == 0.1 && o.batch == 64 && o.lipschitz == ocsdf_field_lipschitz(m));
	ck_assert_int_eq(ocsdf_field_surface_extract(m, &g, &o, 0, &s, &e), 0);
	ck_assert_int_eq(ocsdf_mesh_extract(&g, ocsdf_field_eval, ocsdf_field_grad, f, &o, &ref, &st, &e), 0);
	ck_assert(s.mesh.nv == ref.nv && s.mesh.nt == ref.nt && s.mesh.nt > 0);
	ck_assert_mem_eq(s.mesh.v, ref.v, ref.nv * 3 * sizeof(float));
	ck_assert_mem_eq(s.mesh.tri, ref.tri, ref.nt * 3 * sizeof(uint32_t));
	ck_assert(s.evals == st.evals + st.grad_evals && s.walls == 0);
	ck_assert_double_eq_tol(s.grid_share, 100.0 * (double)st.evals / (12 * 10 * 11), 1e-12);
	ocsdf_mesh_free(&s.mesh);
	ocsdf_mesh_free(&ref);
	ck_assert_int_eq(ocsdf_field_mesh_opts(m, 0, 64, 1, &o), 0);
	ck_assert(!o.prune);
	m->stats.lipschitz_raw = 0;
	m->std[0] = 0;     /* 1 / min std infinite: no bound */
	ck_assert_int_eq(ocsdf_field_mesh_opts(m, 0, 64, 0, &o), 1);
	ck_assert(!o.prune);
	ocsdf_field_free(f);
	ocsdf_model_free(m);

	m = random_model(2);
	f = ocsdf_field_new(m, 64);
	ocsdf_grid2 g2 = {{-2, -1}, {2, 3}, {9, 7}};
	float *v, w[9 * 7];
	double lo, hi, rlo, rhi;
	ck_assert_int_eq(ocsdf_field_sample2(m, &g2, 64, &v, &lo, &hi, &e), 0);
	ck_assert_int_eq(ocsdf_grid_sample2(&g2, ocsdf_field_eval, f, 64, w, &e), 0);
	ck_assert_mem_eq(v, w, sizeof w);
	ocsdf_grid_range(w, 9 * 7, &rlo, &rhi);
	ck_assert(lo == rlo && hi == rhi && lo < hi);
	free(v);
	ocsdf_field_free(f);
	ocsdf_model_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("field");
	TCase *t = tcase_create("field");
	tcase_add_test(t, same_as_scorer);
	tcase_add_test(t, level);
	tcase_add_test(t, lipschitz);
	tcase_add_test(t, picture_checks);
	tcase_add_test(t, grid_spec);
	tcase_add_test(t, pictures);
	suite_add_tcase(s, t);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
