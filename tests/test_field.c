/*
 * test_field.c: a model as a field (lib/field.c): the callbacks give what
 * the scorer gives, bit for bit, at float points; the default level and
 * its words from the model's statistics, and the refusals; the Lipschitz
 * bound used for pruning; the pictures of ocsdf-mesh: which format and
 * options apply to a model, its grid, the surface and the sampled map,
 * the same as the grid and mesh modules give called one by one; what is
 * said of them (warnings, the verbose lines with the parts' topology), and
 * the map the same as plot.h draws from the same options.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
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
	ck_assert_str_eq(e.msg, "--percentile: a model records the 1st, 5th and 50th percentiles of f only; "
			 "give --level L for another level");
	ck_assert_int_eq(ocsdf_field_check_percentile(50, &e), 0);
	ck_assert_int_eq(ocsdf_field_check_percentile(0, &e), OCSDF_EUSAGE);
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
	/* Any case, as the man page says (".SVG" was once refused while ".STL"
	 * was taken). */
	ck_assert_int_eq(ocsdf_field_format_of_path("map.SVG"), OCSDF_FIELD_SVG);
	ck_assert_int_eq(ocsdf_field_format_of_path("map.Svg"), OCSDF_FIELD_SVG);
	ck_assert_int_eq(ocsdf_field_format_of_path("map.svgz"), -1);
	ck_assert_int_eq(ocsdf_field_format_of_path("svg"), -1);
	ck_assert_int_eq(ocsdf_field_format_of_path("m.ply.gz"), -1);
	ocsdf_model_free(m2);
	ocsdf_model_free(m3);
}
END_TEST

/* The format of an output by its name unless given, and the models that
 * have a picture at all. */
START_TEST(output_format)
{
	ocsdf_model *m1 = random_model(1), *m4 = random_model(4), *m3 = random_model(3);
	ocsdf_error e;
	int fmt = -1;
	ck_assert_int_eq(ocsdf_field_format_of_output(NULL, &fmt, &e), 0);
	ck_assert_int_eq(fmt, -1);
	ck_assert_int_eq(ocsdf_field_format_of_output("-", &fmt, &e), 0);
	ck_assert_int_eq(fmt, -1);
	ck_assert_int_eq(ocsdf_field_format_of_output("dir.ply/m.STL", &fmt, &e), 0);
	ck_assert_int_eq(fmt, OCSDF_MESHIO_STL);
	fmt = OCSDF_MESHIO_OBJ;
	ck_assert_int_eq(ocsdf_field_format_of_output("m.mesh", &fmt, &e), 0);
	ck_assert_int_eq(fmt, OCSDF_MESHIO_OBJ);
	fmt = -1;
	ck_assert_int_eq(ocsdf_field_format_of_output("m.svg", &fmt, &e), 0);
	ck_assert_int_eq(fmt, OCSDF_FIELD_SVG);
	for (fmt = OCSDF_MESHIO_PLY; fmt <= OCSDF_MESHIO_STL; fmt++)
		ck_assert_int_eq(ocsdf_meshio_format(ocsdf_field_format_names[fmt]), fmt);
	ck_assert_str_eq(ocsdf_field_format_names[OCSDF_FIELD_SVG], "svg");
	ck_assert_ptr_null(ocsdf_field_format_names[OCSDF_FIELD_SVG + 1]);
	fmt = -1;
	ck_assert_int_eq(ocsdf_field_format_of_output("m.mesh", &fmt, &e), OCSDF_EUSAGE);
	ck_assert_str_eq(e.msg, "cannot tell the format of 'm.mesh' from its extension; give --format ply, obj, "
			 "stl or svg");
	ck_assert_int_eq(ocsdf_field_check_features(m3, "a", &e), 0);
	ck_assert_int_eq(ocsdf_field_check_features(m1, "a", &e), OCSDF_EUSAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "a has 1 feature; ocsdf-mesh draws"));
	ck_assert_int_eq(ocsdf_field_check_features(m4, "b", &e), OCSDF_EUSAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "b has 4 features; ocsdf-mesh draws"));
	ocsdf_model_free(m1);
	ocsdf_model_free(m3);
	ocsdf_model_free(m4);
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

/* A closed tetrahedron (wound outwards) and nopen separate triangles. */
static void tetra_and_triangles(ocsdf_mesh *m, float *v, uint32_t *tri, int nopen)
{
	static const uint32_t tet[12] = {0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3};
	memset(m, 0, sizeof *m);
	m->nv = 4 + 3 * (size_t)nopen;
	m->nt = 4 + (size_t)nopen;
	for (size_t i = 0; i < m->nv * 3; i++)
		v[i] = (float)((i * 7) % 5) - (float)(i / 9);
	memcpy(tri, tet, sizeof tet);
	for (int k = 0; k < nopen; k++)
		for (int j = 0; j < 3; j++)
			tri[12 + 3 * k + j] = (uint32_t)(4 + 3 * k + j);
	m->v = v;
	m->tri = tri;
}

/* The warnings of a surface, and the verbose lines: the parts largest
 * first, five at the most, the genus of a closed one, and the lines cut
 * short in a small buffer. */
START_TEST(surface_words)
{
	ocsdf_field_surface s = {0};
	ocsdf_grid3 g = {{0, 0, 0}, {1, 1, 1}, {4, 5, 6}};
	ocsdf_mesh_opts o;
	ocsdf_error e;
	float v[(4 + 3 * 6) * 3];
	uint32_t tri[(4 + 6) * 3];
	char buf[1024];
	s.st.capped = 1;   /* the empty mesh says so, remarks or not */
	ck_assert_int_eq(ocsdf_field_surface_warning(&s, 0.5, "w", 0, buf, sizeof buf), OCSDF_FIELD_EMPTY);
	ck_assert_str_eq(buf, "the level set f = 0.5 (w) does not cross the box; the mesh is empty");
	tetra_and_triangles(&s.mesh, v, tri, 1);
	ck_assert_int_eq(ocsdf_field_surface_warning(&s, -0.25, "w", 1, buf, sizeof buf), OCSDF_FIELD_CAPPED);
	ck_assert_ptr_nonnull(strstr(buf, "the region f > -0.25 reaches the edge of the box"));
	ck_assert_int_eq(ocsdf_field_surface_warning(&s, -0.25, "w", 0, buf, sizeof buf), 0);
	s.st.capped = 0;
	ck_assert_int_eq(ocsdf_field_surface_warning(&s, 0.5, "w", 1, buf, sizeof buf), 0);

	ocsdf_mesh_opts_default(&o);
	o.level = 0.5;
	o.prune = 1;
	s.walls = 1;
	s.removed = 2;
	s.evals = 42;
	s.grid_share = 35;
	ck_assert_int_eq(ocsdf_field_surface_report(&s, &g, &o, "w", buf, sizeof buf, &e), 0);
	ck_assert_str_eq(buf, "7 vertices, 5 triangles at f = 0.5 (w) on a 4 x 5 x 6 grid; 42 network "
			 "evaluations (35.00% of the grid, pruned)\n"
			 "filled 1 enclosed cavity (2 parts removed)\n"
			 "part 1 of 2: 4 vertices, 4 triangles, closed, Euler characteristic 2 (genus 0)\n"
			 "part 2 of 2: 3 vertices, 1 triangles, open (cut by the box)\n");
	tetra_and_triangles(&s.mesh, v, tri, 6);
	s.walls = 0;
	o.prune = 0;
	ck_assert_int_eq(ocsdf_field_surface_report(&s, &g, &o, "w", buf, sizeof buf, &e), 0);
	ck_assert_ptr_nonnull(strstr(buf, "of the grid)\npart 1 of 7: 4 vertices, 4 triangles, closed"));
	ck_assert_ptr_nonnull(strstr(buf, "\npart 5 of 7: 3 vertices, 1 triangles, open (cut by the box)\n"));
	ck_assert_ptr_null(strstr(buf, "part 6"));
	ck_assert_ptr_null(strstr(buf, "filled"));
	ck_assert_int_eq(ocsdf_field_surface_report(&s, &g, &o, "w", buf, 20, &e), 0);
	ck_assert_str_eq(buf, "22 vertices, 10 tri");
}
END_TEST

/* The map's verbose line, and the map itself: what plot.h draws with the
 * model's names, the title and the points filled in by hand. */
START_TEST(map_words)
{
	ocsdf_model *m = random_model(2);
	ocsdf_grid2 g = {{-2, -1}, {2, 3}, {9, 7}};
	double X[6] = {0, 0, 1, 1, -1, 2};
	char l0[] = "0", l1[] = "1", *labels[3] = {l0, l1, l0}, buf[256], *a, *b;
	ocsdf_dataset pts = {.n = 3, .d = 2, .X = X, .labels = labels};
	ocsdf_error e;
	float *v;
	double lo, hi, levels[2] = {-0.5, 0.5};
	size_t na, nb;
	ocsdf_field_map_report(&g, -1.5, 0.25, buf, sizeof buf);
	ck_assert_str_eq(buf, "contour map of f on a 9 x 7 grid, f from -1.5 to 0.25; 63 network evaluations");
	ck_assert_int_eq(ocsdf_field_sample2(m, &g, 64, &v, &lo, &hi, &e), 0);
	for (int with_pts = 0; with_pts < 2; with_pts++) {
		ocsdf_plot_map_opts po = {.colormap = with_pts, .levels = levels, .nlevels = 2, .level = 0.1,
					  .level_label = "lvl"};
		FILE *fa = open_memstream(&a, &na), *fb = open_memstream(&b, &nb);
		ck_assert(fa && fb);
		ck_assert_int_eq(ocsdf_field_map_write(fa, m, "m.model", &g, v, with_pts ? &pts : NULL, "label",
						       &po, &e), 0);
		po.title = "ocsdf-mesh: m.model";
		po.xlabel = m->names[0];
		po.ylabel = m->names[1];
		if (with_pts) {
			po.dots = 1;
			po.pts = X;
			po.npts = 3;
			po.labels = (const char *const *)labels;
			po.label_name = "label";
		}
		ck_assert_int_eq(ocsdf_plot_map(fb, &g, v, &po, &e), 0);
		fclose(fa);
		fclose(fb);
		ck_assert(na == nb && na > 0 && memcmp(a, b, na) == 0);
		ck_assert_ptr_nonnull(strstr(a, "ocsdf-mesh: m.model"));
		ck_assert_int_eq(strstr(a, "<circle") != NULL, with_pts);
		free(a);
		free(b);
	}
	free(v);
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
	tcase_add_test(t, output_format);
	tcase_add_test(t, surface_words);
	tcase_add_test(t, map_words);
	suite_add_tcase(s, t);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
