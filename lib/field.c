/* field.c: a model as a field for the level-set extractions (see field.h). */
#include "field.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "meshtopo.h"
#include "scale.h"
#include "score.h"
#include "text.h"

struct ocsdf_field {
	ocsdf_scorer *sc;
	int d;
	double *X; /* batch x d: the points in double, as the scorer takes them */
};

ocsdf_field *ocsdf_field_new(const ocsdf_model *m, int batch)
{
	ocsdf_field *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->d = m->arch.d;
	f->sc = ocsdf_scorer_new(m, batch);
	f->X = malloc((size_t)batch * (size_t)f->d * sizeof *f->X);
	if (!f->sc || !f->X) {
		ocsdf_field_free(f);
		return NULL;
	}
	return f;
}

void ocsdf_field_free(ocsdf_field *f)
{
	if (!f)
		return;
	ocsdf_scorer_free(f->sc);
	free(f->X);
	free(f);
}

void ocsdf_field_eval(void *field, const float *xyz, int n, float *f)
{
	ocsdf_field *c = field;
	for (size_t i = 0; i < (size_t)n * (size_t)c->d; i++)
		c->X[i] = xyz[i];
	ocsdf_scorer_run(c->sc, c->X, n, f);
}

void ocsdf_field_grad(void *field, const float *xyz, int n, float *f, float *g)
{
	ocsdf_field *c = field;
	for (size_t i = 0; i < (size_t)n * (size_t)c->d; i++)
		c->X[i] = xyz[i];
	ocsdf_scorer_grad(c->sc, c->X, n, f, g);
}

double ocsdf_field_lipschitz(const ocsdf_model *m)
{
	/* lipschitz_raw bounds f for exactly orthonormal weights.  The saved
	 * ones are off by ortho_error per entry, so each layer's spectral norm
	 * is at most sqrt(1 + width * ortho_error); the last factor covers
	 * float rounding in the network. */
	double L = m->stats.lipschitz_raw;
	if (!(L > 0) || !isfinite(L))
		L = ocsdf_scale_lipschitz(m->std, m->arch.d);
	double eps = m->stats.ortho_error > 0 ? m->stats.ortho_error : 0;
	return L * (pow(sqrt(1 + (double)m->arch.width * eps), m->arch.depth + 1) * (1 + 1e-3));
}

static const char *ordinal(int p)
{
	return p == 1 ? "st" : p == 2 ? "nd" : p == 3 ? "rd" : "th";
}

int ocsdf_field_check_percentile(int percentile, ocsdf_error *e)
{
	if (percentile == 1 || percentile == 5 || percentile == 50)
		return 0;
	return ocsdf_error_set(e, OCSDF_EUSAGE, "--percentile: a model records the 1st, 5th and 50th "
			       "percentiles of f only; give --level L for another level");
}

int ocsdf_field_level(const ocsdf_model *m, const char *name, int percentile, double *level,
		      char *what, size_t size, ocsdf_error *e)
{
	if (percentile != 0 && ocsdf_field_check_percentile(percentile, e))
		return e->code;
	double v = percentile <= 1 ? m->stats.f_p1 : percentile == 5 ? m->stats.f_p5 : m->stats.f_p50;
	if (m->stats.rows == 0 || !isfinite(v))
		return ocsdf_error_set(e, OCSDF_EDATA,
				       "%s records no statistics of f over training rows; give --level L",
				       name);
	if (percentile) {
		snprintf(what, size, "%d%s percentile of the training rows", percentile,
			 ordinal(percentile));
	} else if (v > 0) {
		snprintf(what, size, "the learned boundary; 1st percentile %.3g", m->stats.f_p1);
		v = 0;
	} else {
		snprintf(what, size, "1st percentile of the training rows");
	}
	*level = v;
	return 0;
}

const char *const ocsdf_field_format_names[] = {"ply", "obj", "stl", "svg", NULL};

int ocsdf_field_format_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	int format = ocsdf_meshio_format_of_path(path);
	/* In any case, as the mesh formats (ocsdf-mesh(1), OUTPUT FORMATS). */
	return format >= 0 ? format : dot && strcasecmp(dot, ".svg") == 0 ? OCSDF_FIELD_SVG : -1;
}

int ocsdf_field_format_of_output(const char *path, int *format, ocsdf_error *e)
{
	if (*format >= 0 || !path || strcmp(path, "-") == 0)
		return 0;
	if ((*format = ocsdf_field_format_of_path(path)) < 0)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "cannot tell the format of '%s' from its extension; "
				       "give --format ply, obj, stl or svg", path);
	return 0;
}

int ocsdf_field_check_features(const ocsdf_model *m, const char *name, ocsdf_error *e)
{
	int d = m->arch.d;
	if (d == 2 || d == 3)
		return 0;
	return ocsdf_error_set(e, OCSDF_EUSAGE,
			       "%s has %d feature%s; ocsdf-mesh draws the contour map of a model of 2 "
			       "features (SVG) and extracts the surface of a model of 3 features (PLY, "
			       "OBJ, STL)",
			       name, d, d == 1 ? "" : "s");
}

int ocsdf_field_check_picture(const ocsdf_model *m, const char *name, int *format, int ascii, int map_opts,
			      ocsdf_error *e)
{
	int d = m->arch.d;
	if (*format < 0)
		*format = d == 2 ? OCSDF_FIELD_SVG : OCSDF_MESHIO_PLY;
	if (d == 2 && *format != OCSDF_FIELD_SVG)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%s has 2 features: its level sets are contours, written as "
				       "SVG only (--format svg, or an .svg output)", name);
	if (d == 3 && *format == OCSDF_FIELD_SVG)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%s has 3 features: its level set is a surface, written as "
				       "PLY, OBJ or STL", name);
	if (ascii && *format != OCSDF_MESHIO_PLY && *format != OCSDF_MESHIO_STL)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--ascii applies to PLY and STL (OBJ and SVG are text already)");
	if (d == 3 && map_opts)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--levels and --no-colormap apply to the contour map of a "
				       "2-feature model");
	return 0;
}

int ocsdf_field_grid_spec(const ocsdf_model *m, ocsdf_grid_spec *s, ocsdf_error *e)
{
	s->d = m->arch.d;
	s->mean = m->mean;
	s->std = m->std;
	s->names = (const char *const *)m->names;
	if (!s->resolution)
		s->resolution = s->d == 2 ? 256 : 128;
	return ocsdf_grid_check_box(s, e);
}

int ocsdf_field_mesh_opts(const ocsdf_model *m, double level, int batch, int dense, ocsdf_mesh_opts *o)
{
	ocsdf_mesh_opts_default(o);
	o->level = level;
	o->batch = batch;
	o->prune = !dense;
	o->lipschitz = ocsdf_field_lipschitz(m);
	if (o->prune && !(isfinite(o->lipschitz) && o->lipschitz > 0)) {
		o->prune = 0;
		return 1;
	}
	return 0;
}

/* The error of a field that could not be made. */
static int no_memory(ocsdf_error *e)
{
	return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
}

int ocsdf_field_surface_extract(const ocsdf_model *m, const ocsdf_grid3 *g, const ocsdf_mesh_opts *o,
				int fill, ocsdf_field_surface *s, ocsdf_error *e)
{
	ocsdf_field *f = ocsdf_field_new(m, o->batch);
	int rc;
	memset(s, 0, sizeof *s);
	if (!f)
		return no_memory(e);
	rc = ocsdf_mesh_extract(g, ocsdf_field_eval, ocsdf_field_grad, f, o, &s->mesh, &s->st, e);
	ocsdf_field_free(f);
	if (!rc && fill)
		rc = ocsdf_mesh_fill_cavities(&s->mesh, &s->walls, &s->removed, e);
	s->evals = s->st.evals + s->st.grad_evals;
	s->grid_share = 100.0 * (double)s->st.evals / ((double)g->n[0] * g->n[1] * g->n[2]);
	return rc;
}

int ocsdf_field_surface_warning(const ocsdf_field_surface *s, double level, const char *what, int remarks,
				char *buf, size_t len)
{
	if (s->mesh.nt == 0) {
		snprintf(buf, len, "the level set f = %g (%s) does not cross the box; the mesh is empty", level,
			 what);
		return OCSDF_FIELD_EMPTY;
	}
	if (!s->st.capped || !remarks)
		return 0;
	snprintf(buf, len, "the region f > %g reaches the edge of the box; the surface is closed there by a "
		 "cap on the box's faces (a wider --box shows what lies beyond)", level);
	return OCSDF_FIELD_CAPPED;
}

/* A line of part p (of np, the i-th) of a surface: its size and topology. */
static void part_line(ocsdf_text_buf *b, const ocsdf_mesh_part *p, size_t i, size_t np)
{
	ocsdf_text_printf(b, "part %zu of %zu: %zu vertices, %zu triangles, ", i + 1, np, p->nv, p->nt);
	if (p->closed)
		ocsdf_text_printf(b, "closed, Euler characteristic %ld (genus %ld)\n", p->euler,
				  (2 - p->euler) / 2);
	else
		ocsdf_text_printf(b, "open (cut by the box)\n");
}

int ocsdf_field_surface_report(const ocsdf_field_surface *s, const ocsdf_grid3 *g, const ocsdf_mesh_opts *o,
			       const char *what, char *buf, size_t len, ocsdf_error *e)
{
	ocsdf_text_buf b = {buf, len, 0};
	ocsdf_mesh_part *p;
	size_t np, walls = s->walls, removed = s->removed;
	buf[0] = '\0';
	ocsdf_text_printf(&b, "%zu vertices, %zu triangles at f = %g (%s) on a %d x %d x %d grid; "
			  "%llu network evaluations (%.2f%% of the grid%s)\n",
			  s->mesh.nv, s->mesh.nt, o->level, what, g->n[0], g->n[1], g->n[2],
			  (unsigned long long)s->evals, s->grid_share, o->prune ? ", pruned" : "");
	if (walls)
		ocsdf_text_printf(&b, "filled %zu enclosed cavit%s (%zu part%s removed)\n", walls,
				  walls == 1 ? "y" : "ies", removed, removed == 1 ? "" : "s");
	if (ocsdf_mesh_parts(&s->mesh, &p, &np, NULL, e))
		return e->code;
	for (size_t i = 0; i < np && i < 5; i++)
		part_line(&b, &p[i], i, np);
	free(p);
	return 0;
}

int ocsdf_field_sample2(const ocsdf_model *m, const ocsdf_grid2 *g, int batch, float **v, double *vmin,
			double *vmax, ocsdf_error *e)
{
	size_t np = (size_t)g->n[0] * (size_t)g->n[1];
	ocsdf_field *f = ocsdf_field_new(m, batch);
	int rc;
	*v = malloc(np * sizeof **v);
	if (!f || !*v) {
		ocsdf_field_free(f);
		free(*v);
		*v = NULL;
		return no_memory(e);
	}
	rc = ocsdf_grid_sample2(g, ocsdf_field_eval, f, batch, *v, e);
	ocsdf_field_free(f);
	if (rc) {
		free(*v);
		*v = NULL;
		return rc;
	}
	ocsdf_grid_range(*v, np, vmin, vmax);
	return 0;
}

void ocsdf_field_map_report(const ocsdf_grid2 *g, double vmin, double vmax, char *buf, size_t len)
{
	snprintf(buf, len, "contour map of f on a %d x %d grid, f from %g to %g; %zu network evaluations",
		 g->n[0], g->n[1], vmin, vmax, (size_t)g->n[0] * (size_t)g->n[1]);
}

int ocsdf_field_map_write(FILE *fp, const ocsdf_model *m, const char *name, const ocsdf_grid2 *g,
			  const float *v, const ocsdf_dataset *pts, const char *label, const ocsdf_plot_map_opts *po,
			  ocsdf_error *e)
{
	char title[512];
	ocsdf_plot_map_opts o = *po;
	snprintf(title, sizeof title, "ocsdf-mesh: %s", name);
	o.title = title;
	o.xlabel = m->names[0];
	o.ylabel = m->names[1];
	o.dots = pts != NULL;
	o.pts = pts ? pts->X : NULL;
	o.npts = pts ? pts->n : 0;
	o.labels = pts ? (const char *const *)pts->labels : NULL;
	o.label_name = label;
	return ocsdf_plot_map(fp, g, v, &o, e);
}
