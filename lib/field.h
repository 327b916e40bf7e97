/*
 * field.h: a model as a scalar field over raw input points, for the level
 * sets of grid.h, mesh.h and contour.h, and what they need to know of it:
 * which level to extract and a Lipschitz bound for pruning; and the two
 * pictures ocsdf-mesh makes of it: the surface of a model of 3 features,
 * the values on a grid of a model of 2 for its contour map (plot.h), with
 * the words that report them.
 */
#ifndef OCSDF_FIELD_H
#define OCSDF_FIELD_H

#include <stddef.h>
#include <stdio.h>

#include "dataset.h"
#include "errors.h"
#include "grid.h"
#include "mesh.h"
#include "meshio.h"
#include "model.h"
#include "plot.h"

typedef struct ocsdf_field ocsdf_field;

/* The field of model m (2 or 3 features) for batches of up to batch
 * points; NULL when out of memory.  The model must outlive it. */
ocsdf_field *ocsdf_field_new(const ocsdf_model *m, int batch);
void ocsdf_field_free(ocsdf_field *f);

/* The callbacks of grid.h, with the field as ctx: f (and its gradient with
 * respect to the raw inputs) at n points xyz, in the model's units. */
void ocsdf_field_eval(void *field, const float *xyz, int n, float *f);
void ocsdf_field_grad(void *field, const float *xyz, int n, float *f, float *g);

/* An upper bound on the Lipschitz constant of f with respect to raw
 * inputs, for pruning (mesh.h): the model's own (or 1 / min std), times
 * what the saved weights' departure from orthonormality can add, times a
 * margin for float rounding.  Not finite or not > 0 when the model records
 * nothing usable. */
double ocsdf_field_lipschitz(const ocsdf_model *m);

/* Checks a percentile of f asked for (--percentile): a model records the
 * 1st, 5th and 50th only.  Returns 0, or 64 with e set. */
int ocsdf_field_check_percentile(int percentile, ocsdf_error *e);

/* The level a model's surface or boundary is drawn at by default, from
 * the statistics of f over its training rows: the percentile-th percentile
 * (1, 5 or 50), or with percentile 0 the lower of 0 and the 1st percentile
 * (the learned boundary holds more than 99% of the rows).  *what receives
 * words saying which level it is (size bytes).  Returns 0, or 65 when the
 * model records no such statistics (e->msg names it as `name`), or 64 for
 * another percentile (ocsdf_field_check_percentile). */
int ocsdf_field_level(const ocsdf_model *m, const char *name, int percentile, double *level,
		      char *what, size_t size, ocsdf_error *e);

/* The formats of a model's pictures: meshio.h's for a surface, and SVG
 * for a contour map. */
enum { OCSDF_FIELD_SVG = OCSDF_MESHIO_STL + 1 };

/* Their names (--format), indexed by format, then NULL. */
extern const char *const ocsdf_field_format_names[];

/* The format of a picture file by the extension of its name path:
 * meshio.h's (.ply, .obj, .stl, any case), OCSDF_FIELD_SVG (.svg), or -1. */
int ocsdf_field_format_of_path(const char *path);

/* The format of the output file path, into *format unless it is already
 * chosen (>= 0) or the output is standard output (path NULL or "-": the
 * model's default, ocsdf_field_check_picture).  Returns 0, or 64 with e
 * set when the extension names no format. */
int ocsdf_field_format_of_output(const char *path, int *format, ocsdf_error *e);

/* Checks that model m (name in messages) has a picture: 2 or 3 features.
 * Returns 0, or 64 with e set saying what each has. */
int ocsdf_field_check_features(const ocsdf_model *m, const char *name, ocsdf_error *e);

/* Checks the picture asked of model m (2 or 3 features; name in
 * messages): *format (< 0: the default of its features, set here: SVG for
 * 2, PLY for 3) must be SVG for 2 features and a mesh format for 3, ascii
 * (text output) needs PLY or STL, and map_opts (options of a contour map
 * given) 2 features.  Returns 0, or 64 with e set. */
int ocsdf_field_check_picture(const ocsdf_model *m, const char *name, int *format, int ascii, int map_opts,
			      ocsdf_error *e);

/* Fills the model's part of grid spec s (grid.h): its axes, its
 * standardization and its names, and the resolution unless s has one (256
 * for a contour map, 128 for a surface); then checks s's explicit bounds
 * (ocsdf_grid_check_box).  Returns 0, or 64 with e set. */
int ocsdf_field_grid_spec(const ocsdf_model *m, ocsdf_grid_spec *s, ocsdf_error *e);

/* The options of ocsdf_field_surface for model m: the level, batches of
 * batch points, and Lipschitz pruning with m's bound unless dense.
 * Returns 1 when pruning was asked for but m records no usable bound
 * (every grid point is then evaluated), else 0. */
int ocsdf_field_mesh_opts(const ocsdf_model *m, double level, int batch, int dense, ocsdf_mesh_opts *o);

/* A model's surface and what its extraction did. */
typedef struct ocsdf_field_surface {
	ocsdf_mesh mesh;
	ocsdf_mesh_stats st;
	size_t walls, removed;  /* enclosed cavities filled, parts removed with them */
	uint64_t evals;         /* network evaluations, gradients included */
	double grid_share;      /* percent of the grid points evaluated */
} ocsdf_field_surface;

/* The surface f = o->level of model m (3 features) on grid g (mesh.h),
 * its enclosed cavities filled if fill (meshtopo.h).  Returns 0, or the
 * error of the extraction or the filling (70 also when out of memory)
 * with e set; s->mesh is freed with ocsdf_mesh_free either way. */
int ocsdf_field_surface_extract(const ocsdf_model *m, const ocsdf_grid3 *g, const ocsdf_mesh_opts *o,
				int fill, ocsdf_field_surface *s, ocsdf_error *e);

/* What to warn of a surface s extracted at level (in the words what):
 * OCSDF_FIELD_EMPTY (the level set does not cross the box), or, if
 * remarks, OCSDF_FIELD_CAPPED (the region above the level reaches the box
 * and is capped there: a remark, which quiet runs leave out), with the
 * warning in buf (len bytes); or 0 for none. */
enum { OCSDF_FIELD_EMPTY = 1, OCSDF_FIELD_CAPPED };
int ocsdf_field_surface_warning(const ocsdf_field_surface *s, double level, const char *what, int remarks,
				char *buf, size_t len);

/* What a verbose run says of a surface s extracted on grid g with options
 * o at the level the words what describe: its size, level, grid and
 * evaluations; the cavities filled, if any; then each of its five largest
 * parts (meshtopo.h), closed with its Euler characteristic and genus, or
 * open.  Writes the lines into buf (len bytes, cut short if they do not
 * fit), each ended by a newline.  Returns 0, or 70 (out of memory) with e
 * set and buf without the parts. */
int ocsdf_field_surface_report(const ocsdf_field_surface *s, const ocsdf_grid3 *g, const ocsdf_mesh_opts *o,
			       const char *what, char *buf, size_t len, ocsdf_error *e);

/* f of model m (2 features) at the points of grid g, in batches of batch
 * points (ocsdf_grid_sample2): *v is malloc'ed, g->n[0] x g->n[1], and
 * its least and greatest values go to *vmin, *vmax.  Returns 0, or 65 (a
 * value not finite) or 70 (out of memory) with e set and *v NULL. */
int ocsdf_field_sample2(const ocsdf_model *m, const ocsdf_grid2 *g, int batch, float **v, double *vmin,
			double *vmax, ocsdf_error *e);

/* What a verbose run says of the values of f on grid g, from vmin to
 * vmax: one line, without its newline, in buf (len bytes). */
void ocsdf_field_map_report(const ocsdf_grid2 *g, double vmin, double vmax, char *buf, size_t len);

/* The contour map (ocsdf_plot_map) of model m, named name in its title,
 * from its values v on grid g (ocsdf_field_sample2): the axes named by
 * m's features, and the rows of pts (NULL: none) as dots coloured by their
 * labels, if any, under the legend label.  po gives the rest (colour map,
 * levels, the level drawn dashed); its other fields are not read.
 * Returns what ocsdf_plot_map returns. */
int ocsdf_field_map_write(FILE *fp, const ocsdf_model *m, const char *name, const ocsdf_grid2 *g,
			  const float *v, const ocsdf_dataset *pts, const char *label, const ocsdf_plot_map_opts *po,
			  ocsdf_error *e);

#endif
