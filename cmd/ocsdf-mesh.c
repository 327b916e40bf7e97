/*
 * ocsdf-mesh: turns a learned signed distance into geometry one can look
 * at: for a 3-feature model the surface f = level as a closed triangle mesh
 * (PLY, OBJ, STL), for a 2-feature model a contour map of f (SVG, the
 * paper's Figure 2).  The library does the work: the grid (grid.h), the
 * model as a field, its level, its pictures and the words that report them
 * (field.h), the surface (mesh.h, meshio.h) and the map (plot.h); this file
 * reads the options (a table of rows, cmd/common/argtab.h), calls it and
 * prints.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argtab.h"
#include "cli.h"
#include "dataset.h"
#include "field.h"
#include "grid.h"
#include "mesh.h"
#include "meshio.h"
#include "model.h"
#include "output.h"
#include "plot.h"

enum { CHUNK = 4096 };

/* --help: the option table's lines (specs) between these. */
static const char usage_head[] =
	"Usage: ocsdf-mesh -m MODEL [OPTION]...\n"
	"Extract a level set of the signed distance learned by ocsdf-train: from a\n"
	"3-feature model a closed triangle mesh (PLY, OBJ or STL), from a 2-feature\n"
	"model a contour map (SVG).\n\n",
		  usage_tail[] =
	"\nExamples:\n"
	"  ocsdf-mesh -m torus.model -r 256 -o torus.ply\n"
	"  ocsdf-mesh -m moons.model --points moons.csv --label label -o moons.svg\n";

enum { O_FORMAT = 256, O_ASCII, O_LEVEL, O_PERCENTILE, O_BOX, O_POINTS, O_LABEL, O_LEVELS, O_NO_COLORMAP,
       O_DENSE, O_THREADS, O_KEEP_CAVITIES, O_NO_HEADER, O_COLUMNS, O_DELIMITER };

typedef struct options {
	const char *model, *output, *points, *label, *levels_arg;
	int format, ascii, dense, force, verbose, quiet, no_colormap, keep_cavities;
	int threads, action;
	int level_set, percentile;  /* level_set: 1 --level, 2 --percentile */
	double level;
	char level_what[64];        /* words saying which level it is */
	ocsdf_grid_spec grid;       /* --resolution and --box, then the model's */
	double *box;                /* explicit bounds, 2d values, or NULL */
	double *levels;             /* --levels, or NULL */
	int nlevels;
	ocsdf_csv_options csv;      /* how the rows of --points are read */
	char **columns;             /* --columns, the names in csv */
} options;

/* The options, in the order of --help. */
static const ocsdf_arg_spec specs[] = {
	OCSDF_ARG_ROW("model", 'm', OCSDF_ARG_TEXT, model, "MODEL", "model file (required)"),
	OCSDF_ARG_ROW("output", 'o', OCSDF_ARG_OUTPUT, output, "FILE", "write here instead of standard output"),
	OCSDF_ARG_ONE_OF("format", O_FORMAT, format, ocsdf_field_format_names, 0, "FMT",
	                 "ply, obj, stl or svg (default: from the extension of\n"
	                 "FILE, else ply for 3 features and svg for 2)"),
	OCSDF_ARG_ROW("ascii", O_ASCII, OCSDF_ARG_SET, ascii, NULL, "text PLY or STL instead of binary"),
	OCSDF_ARG_BARE("resolution", 'r', OCSDF_ARG_OWN, "R",
	               "grid points along the longest side (default 128 for\n"
	               "a surface, 256 for a contour map)"),
	OCSDF_ARG_NUM("level", O_LEVEL, OCSDF_ARG_REAL, level, -1e6, 1e6, 1, "L",
	              "extract f = L (in the model's units)"),
	OCSDF_ARG_NUM("percentile", O_PERCENTILE, OCSDF_ARG_INT, percentile, 0, 100, 2, "P",
	              "extract the P-th percentile of f over the training\n"
	              "rows: 1, 5 or 50 (default: the lower of 0 and the\n"
	              "1st percentile)"),
	OCSDF_ARG_ROW("keep-cavities", O_KEEP_CAVITIES, OCSDF_ARG_SET, keep_cavities, NULL,
	              "keep the walls of enclosed cavities (default: fill\n"
	              "them, leaving the outer surface of a shell)"),
	OCSDF_ARG_BARE("box", O_BOX, OCSDF_ARG_OWN, "K",
	               "grid box: K standard deviations around the training\n"
	               "mean on each axis (default 3)"),
	OCSDF_ARG_BARE("box", O_BOX, OCSDF_ARG_OWN, "LIST", "grid box: LO1,HI1,LO2,HI2[,LO3,HI3] in input units"),
	OCSDF_ARG_ROW("points", O_POINTS, OCSDF_ARG_TEXT, points, "FILE",
	              "training rows (CSV with the model's features): the\n"
	              "box becomes their bounding box plus 10%, and a\n"
	              "contour map shows them as dots"),
	OCSDF_ARG_ROW("label", O_LABEL, OCSDF_ARG_TEXT, label, "COL",
	              "with --points: colour the dots by this column (a name,\n"
	              "or a number from 1)"),
	OCSDF_ARG_BARE("no-header", O_NO_HEADER, OCSDF_ARG_NONE, NULL,
	               "the rows of --points have no header line: their first\n"
	               "columns are the model's features in the model's order\n"
	               "(or as --columns names them)"),
	OCSDF_ARG_BARE("columns", O_COLUMNS, OCSDF_ARG_OWN, "LIST",
	               "without a header, the names of the columns of\n"
	               "--points, comma-separated (default: the model's\n"
	               "features, then x<N> for the N-th column)"),
	OCSDF_ARG_ROW("delimiter", O_DELIMITER, OCSDF_ARG_DELIMITER, csv.delimiter, "C",
	              "field delimiter of --points (default ','; a\n"
	              "character, or 'tab')"),
	OCSDF_ARG_ROW("levels", O_LEVELS, OCSDF_ARG_TEXT, levels_arg, "LIST",
	              "levels drawn on a contour map (default: round values\n"
	              "over the range of f); f = 0 is always drawn bold"),
	OCSDF_ARG_ROW("no-colormap", O_NO_COLORMAP, OCSDF_ARG_SET, no_colormap, NULL,
	              "no colour map of f behind the contours"),
	OCSDF_ARG_ROW("dense", O_DENSE, OCSDF_ARG_SET, dense, NULL,
	              "evaluate every grid point (no Lipschitz pruning)"),
	OCSDF_ARG_ROW("force", 'f', OCSDF_ARG_SET, force, NULL, "overwrite an existing output file"),
	OCSDF_ARG_NUM("threads", O_THREADS, OCSDF_ARG_INT, threads, 1, OCSDF_THREADS_MAX, 0, "N",
	              "OpenBLAS threads (default: 1 below width 512,\n"
	              "else all cores)"),
	OCSDF_ARG_ROW("verbose", 'v', OCSDF_ARG_SET, verbose, NULL,
	              "report the OpenBLAS kernels and threads, the mesh\n"
	              "and the network evaluations"),
	OCSDF_ARG_ROW("quiet", 'q', OCSDF_ARG_SET, quiet, NULL, "no progress"),
	OCSDF_ARG_HELP_ROWS,
	OCSDF_ARG_END};

/* --box: K standard deviations, or LO,HI bounds for each axis. */
static void take_box(options *o, ocsdf_error *e)
{
	free(o->box);
	o->grid.box = o->box = NULL;
	o->grid.box_k = 0;
	if (strchr(optarg, ','))
		o->grid.box = o->box = ocsdf_arg_double_list(e, "--box", optarg, -1e30, 1e30, &o->grid.nbox);
	else
		o->grid.box_k = ocsdf_arg_double(e, "--box", optarg, 1e-6, 1e6);
}

/* The part of option c (row r) the table leaves to ocsdf_arg_parse's own:
 * which level is asked for, a percentile checked, --box and -r read, the
 * header and --columns of --points; e set if refused. */
static void take_option(void *base, const ocsdf_arg_spec *r, int c, ocsdf_error *e)
{
	options *o = base;
	if (r && r->group)
		o->level_set = r->group;
	if (c == O_PERCENTILE && !e->code)
		ocsdf_field_check_percentile(o->percentile, e);
	else if (c == O_BOX)
		take_box(o, e);
	else if (c == 'r')  /* named --resolution in messages, not -r */
		o->grid.resolution = (int)ocsdf_arg_long(e, "--resolution", optarg, 8, 2048);
	else if (c == O_NO_HEADER)
		o->csv.header = OCSDF_CSV_NO_HEADER;
	else if (c == O_COLUMNS)
		o->columns = ocsdf_arg_csv_columns(e, optarg, o->columns, &o->csv);
}

/* Fills o from the command line: 0, or 64 with e set. */
static int parse_options(int argc, char **argv, void *ctx, ocsdf_error *e)
{
	options *o = ctx;
	*o = (options){.format = -1, .percentile = 1};
	if (ocsdf_arg_parse(argc, argv, specs, o, take_option, &o->action, e) || o->action ||
	    ocsdf_arg_model_only(e, o->model, argc, argv))
		return e->code;
	if (o->label && !o->points)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "--label applies to the rows of --points");
	if (ocsdf_arg_csv_check(e, &o->csv, "--points", o->points != NULL))
		return e->code;
	return ocsdf_field_format_of_output(o->output, &o->format, e);
}

/* The model of -m, what the options mean for it (the defaults of its
 * dimension, the options that do not apply to it) and the level to
 * extract. */
static ocsdf_model *load_model(options *o)
{
	ocsdf_model *m;
	ocsdf_error err;
	if (ocsdf_model_load(o->model, &m, &err))
		ocsdf_die_error(&err);
	ocsdf_threads_set(o->threads, m->arch.width);
	if (o->verbose)
		ocsdf_kernels_report();
	if (ocsdf_field_check_features(m, o->model, &err))
		ocsdf_die_error(&err);
	if (ocsdf_field_check_picture(m, o->model, &o->format, o->ascii, o->levels_arg || o->no_colormap, &err) ||
	    ocsdf_field_grid_spec(m, &o->grid, &err))
		ocsdf_usage_error("%s", err.msg);
	if (m->ckpt)
		ocsdf_warn("%s is the checkpoint of an interrupted training run", o->model);
	if (o->level_set == 1)
		snprintf(o->level_what, sizeof o->level_what, "--level");
	else if (ocsdf_field_level(m, o->model, o->level_set == 2 ? o->percentile : 0, &o->level,
				   o->level_what, sizeof o->level_what, &err))
		ocsdf_die_error(&err);
	return m;
}

/* The rows of --points (pts untouched without), which the grid fits, and
 * the list of --levels, read before any output: a bad list leaves no
 * partial map. */
static void read_inputs(options *o, const ocsdf_model *m, ocsdf_dataset *pts)
{
	ocsdf_error err;
	if (o->points) {
		if (ocsdf_dataset_read_model(o->points, m, o->label, &o->csv, pts, &err))
			ocsdf_die_error(&err);
		ocsdf_output_protect_input(o->points);
		o->grid.pts = pts->X;
		o->grid.npts = pts->n;
	}
	if (o->levels_arg &&
	    !(o->levels = ocsdf_arg_double_list(&err, "--levels", o->levels_arg, -1e6, 1e6, &o->nlevels)))
		ocsdf_usage_error("%s", err.msg);
}

/* The grid of the options, the model and the points of --points. */
static void choose_grid(options *o, double *lo, double *hi, int *n)
{
	ocsdf_error err;
	if (ocsdf_grid_choose(&o->grid, lo, hi, n, &err))
		ocsdf_usage_error("%s", err.msg);
}

/* The progress of the surface (mesh.h), ctx the percent last shown. */
static void show_progress(void *ctx, double done)
{
	int *shown = ctx, pc = (int)(100 * done);
	if (pc == *shown)
		return;
	*shown = pc;
	fprintf(stderr, "\r%s: extracting the surface: %3d%%", ocsdf_cli_name(), pc);
	if (pc >= 100)
		fputc('\n', stderr);
}

/* The surface of a 3-feature model on out, with its warnings and, with
 * -v, its report. */
static void write_mesh(options *o, const ocsdf_model *m, ocsdf_output *out)
{
	ocsdf_grid3 g;
	ocsdf_mesh_opts mo;
	ocsdf_field_surface s;
	ocsdf_error err;
	char text[2048];
	int shown = -1;

	choose_grid(o, g.lo, g.hi, g.n);
	if (ocsdf_field_mesh_opts(m, o->level, CHUNK, o->dense, &mo))
		ocsdf_warn("the model's Lipschitz constant is unusable; evaluating every grid point");
	if (ocsdf_progress_enabled(o->quiet)) {
		mo.progress = show_progress;
		mo.progress_ctx = &shown;
	}
	if (ocsdf_field_surface_extract(m, &g, &mo, !o->keep_cavities, &s, &err))
		ocsdf_die_error(&err);
	if (ocsdf_field_surface_warning(&s, o->level, o->level_what, !o->quiet, text, sizeof text))
		ocsdf_warn("%s", text);
	if (o->verbose) {
		int rc = ocsdf_field_surface_report(&s, &g, &mo, o->level_what, text, sizeof text, &err);
		ocsdf_say_lines(text);
		if (rc)
			ocsdf_warn("%s", err.msg);
	}
	if (ocsdf_meshio_write(out->fp, &s.mesh, o->format, o->ascii,
			       out->path ? out->path : "standard output", &err))
		ocsdf_die_error(&err);
	ocsdf_mesh_free(&s.mesh);
}

/* The contour map of a 2-feature model on out. */
static void write_map(options *o, const ocsdf_model *m, const ocsdf_dataset *pts, ocsdf_output *out)
{
	ocsdf_grid2 g;
	ocsdf_error err;
	char text[256];
	float *v;
	double vmin, vmax;
	ocsdf_plot_map_opts po = {.colormap = !o->no_colormap, .levels = o->levels, .nlevels = o->nlevels,
				  .level = o->level, .level_label = o->level_what};

	choose_grid(o, g.lo, g.hi, g.n);
	if (ocsdf_field_sample2(m, &g, CHUNK, &v, &vmin, &vmax, &err))
		ocsdf_die_error(&err);
	if (o->verbose) {
		ocsdf_field_map_report(&g, vmin, vmax, text, sizeof text);
		ocsdf_say_lines(text);
	}
	if (ocsdf_field_map_write(out->fp, m, o->model, &g, v, pts, o->label, &po, &err))
		ocsdf_die_error(&err);
	free(v);
}

int main(int argc, char **argv)
{
	options o = {0};
	ocsdf_model *m;
	ocsdf_dataset pts = {0};
	ocsdf_output out;
	ocsdf_error err;
	int status;

	status = ocsdf_arg_start(argc, argv, parse_options, &o, &o.action, usage_head, specs, 25, usage_tail);
	if (status >= 0)
		return status;
	m = load_model(&o);
	read_inputs(&o, m, &pts);
	ocsdf_output_protect_input(o.model);
	ocsdf_output_cleanup_on_signals();
	if (ocsdf_output_open(&out, o.output, o.force, &err))
		ocsdf_die_error(&err);
	if (m->arch.d == 3)
		write_mesh(&o, m, &out);
	else
		write_map(&o, m, o.points ? &pts : NULL, &out);
	if (ocsdf_output_commit(&out, &err))
		ocsdf_die_error(&err);

	ocsdf_dataset_free(&pts);
	free(o.box);
	free(o.levels);
	free(o.columns);
	ocsdf_model_free(m);
	return 0;
}
