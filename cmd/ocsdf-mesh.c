/*
 * ocsdf-mesh: turns a learned signed distance into geometry one can look
 * at: for a 3-feature model the surface f = level as a closed triangle mesh
 * (PLY, OBJ, STL), for a 2-feature model a contour map of f (SVG, the
 * paper's Figure 2).  The library does the work: the grid (grid.h), the
 * model as a field and its level (field.h), the surface (mesh.h,
 * meshtopo.h, meshio.h) and the map (plot.h); this file reads the options,
 * calls it and reports.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dataset.h"
#include "field.h"
#include "grid.h"
#include "mesh.h"
#include "meshio.h"
#include "meshtopo.h"
#include "model.h"
#include "output.h"
#include "plot.h"

enum { CHUNK = 4096 };
enum { FMT_PLY = OCSDF_MESHIO_PLY, FMT_OBJ = OCSDF_MESHIO_OBJ, FMT_STL = OCSDF_MESHIO_STL, FMT_SVG };

static const char usage_text[] =
	"Usage: ocsdf-mesh -m MODEL [OPTION]...\n"
	"Extract a level set of the signed distance learned by ocsdf-train: from a\n"
	"3-feature model a closed triangle mesh (PLY, OBJ or STL), from a 2-feature\n"
	"model a contour map (SVG).\n"
	"\n"
	"  -m, --model MODEL      model file (required)\n"
	"  -o, --output FILE      write here instead of standard output\n"
	"      --format FMT       ply, obj, stl or svg (default: from the extension of\n"
	"                         FILE, else ply for 3 features and svg for 2)\n"
	"      --ascii            text PLY or STL instead of binary\n"
	"  -r, --resolution R     grid points along the longest side (default 128 for\n"
	"                         a surface, 256 for a contour map)\n"
	"      --level L          extract f = L (in the model's units)\n"
	"      --percentile P     extract the P-th percentile of f over the training\n"
	"                         rows: 1, 5 or 50 (default: the lower of 0 and the\n"
	"                         1st percentile)\n"
	"      --keep-cavities    keep the walls of enclosed cavities (default: fill\n"
	"                         them, leaving the outer surface of a shell)\n"
	"      --box K            grid box: K standard deviations around the training\n"
	"                         mean on each axis (default 3)\n"
	"      --box LIST         grid box: LO1,HI1,LO2,HI2[,LO3,HI3] in input units\n"
	"      --points FILE      training rows (CSV with the model's features): the\n"
	"                         box becomes their bounding box plus 10%, and a\n"
	"                         contour map shows them as dots\n"
	"      --label COL        with --points: colour the dots by this column\n"
	"      --levels LIST      levels drawn on a contour map (default: round values\n"
	"                         over the range of f); f = 0 is always drawn bold\n"
	"      --no-colormap      no colour map of f behind the contours\n"
	"      --dense            evaluate every grid point (no Lipschitz pruning)\n"
	"  -f, --force            overwrite an existing output file\n"
	"      --threads N        OpenBLAS threads (default: 1 below width 512,\n"
	"                         else all cores)\n"
	"  -v, --verbose          report the OpenBLAS kernels and threads, the mesh\n"
	"                         and the network evaluations\n"
	"  -q, --quiet            no progress\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Examples:\n"
	"  ocsdf-mesh -m torus.model -r 256 -o torus.ply\n"
	"  ocsdf-mesh -m moons.model --points moons.csv --label label -o moons.svg\n";

enum {
	O_FORMAT = 256,
	O_ASCII,
	O_LEVEL,
	O_PERCENTILE,
	O_BOX,
	O_POINTS,
	O_LABEL,
	O_LEVELS,
	O_NO_COLORMAP,
	O_DENSE,
	O_THREADS,
	O_KEEP_CAVITIES
};

static const struct option long_options[] = {
	{"model", required_argument, 0, 'm'},
	{"output", required_argument, 0, 'o'},
	{"format", required_argument, 0, O_FORMAT},
	{"ascii", no_argument, 0, O_ASCII},
	{"resolution", required_argument, 0, 'r'},
	{"level", required_argument, 0, O_LEVEL},
	{"percentile", required_argument, 0, O_PERCENTILE},
	{"keep-cavities", no_argument, 0, O_KEEP_CAVITIES},
	{"box", required_argument, 0, O_BOX},
	{"points", required_argument, 0, O_POINTS},
	{"label", required_argument, 0, O_LABEL},
	{"levels", required_argument, 0, O_LEVELS},
	{"no-colormap", no_argument, 0, O_NO_COLORMAP},
	{"dense", no_argument, 0, O_DENSE},
	{"force", no_argument, 0, 'f'},
	{"threads", required_argument, 0, O_THREADS},
	{"verbose", no_argument, 0, 'v'},
	{"quiet", no_argument, 0, 'q'},
	{"help", no_argument, 0, 'h'},
	{"version", no_argument, 0, 'V'},
	{0, 0, 0, 0}};

typedef struct options {
	const char *model, *output, *points, *label, *levels_arg;
	int format, format_set, ascii, resolution, dense, force, verbose, quiet, colormap, keep_cavities;
	int threads;
	int level_set, percentile;  /* level_set: 1 --level, 2 --percentile */
	double level;
	double box_k;               /* >0: K standard deviations */
	double *box;                /* explicit bounds, 2d values, or NULL */
	int nbox;
	double *levels;             /* --levels, or NULL */
	int nlevels;
} options;

static void parse_options(int argc, char **argv, options *o)
{
	static const char *const formats[] = {"ply", "obj", "stl", "svg", NULL};
	int c;
	memset(o, 0, sizeof *o);
	o->percentile = 1;
	o->colormap = 1;
	while ((c = getopt_long(argc, argv, ":m:o:r:fvqhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'm': o->model = optarg; break;
		case 'o': o->output = ocsdf_opt_output("-o", optarg); break;
		case O_FORMAT:
			o->format = ocsdf_opt_choice("--format", optarg, formats);
			o->format_set = 1;
			break;
		case O_ASCII: o->ascii = 1; break;
		case 'r': o->resolution = (int)ocsdf_opt_long("--resolution", optarg, 8, 2048); break;
		case O_LEVEL:
			o->level = ocsdf_opt_double("--level", optarg, -1e6, 1e6);
			o->level_set = 1;
			break;
		case O_PERCENTILE:
			o->percentile = (int)ocsdf_opt_long("--percentile", optarg, 0, 100);
			if (o->percentile != 1 && o->percentile != 5 && o->percentile != 50)
				ocsdf_usage_error("--percentile: a model records the 1st, 5th and 50th "
						  "percentiles of f only; give --level L for another level");
			o->level_set = 2;
			break;
		case O_KEEP_CAVITIES: o->keep_cavities = 1; break;
		case O_BOX:
			free(o->box);
			o->box = NULL;
			o->box_k = 0;
			if (strchr(optarg, ','))
				o->box = ocsdf_opt_double_list("--box", optarg, -1e30, 1e30, &o->nbox);
			else
				o->box_k = ocsdf_opt_double("--box", optarg, 1e-6, 1e6);
			break;
		case O_POINTS: o->points = optarg; break;
		case O_LABEL: o->label = optarg; break;
		case O_LEVELS: o->levels_arg = optarg; break;
		case O_NO_COLORMAP: o->colormap = 0; break;
		case O_DENSE: o->dense = 1; break;
		case 'f': o->force = 1; break;
		case O_THREADS: o->threads = (int)ocsdf_opt_long("--threads", optarg, 1, OCSDF_THREADS_MAX); break;
		case 'v': o->verbose = 1; break;
		case 'q': o->quiet = 1; break;
		case 'h': exit(ocsdf_print_text(usage_text));
		case 'V': exit(ocsdf_print_version());
		case ':': ocsdf_missing_value(argv[optind - 1]);
		default: ocsdf_bad_option(argv[optind - 1]);
		}
	}
	if (!o->model)
		ocsdf_usage_error("a model is required (-m MODEL)");
	if (optind < argc)
		ocsdf_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->label && !o->points)
		ocsdf_usage_error("--label applies to the rows of --points");
	if (!o->format_set && o->output && strcmp(o->output, "-") != 0) {
		o->format = ocsdf_meshio_format_of_path(o->output);
		if (o->format < 0) {
			const char *dot = strrchr(o->output, '.');
			if (dot && strcmp(dot, ".svg") == 0)
				o->format = FMT_SVG;
			else
				ocsdf_usage_error("cannot tell the format of '%s' from its extension; "
						  "give --format ply, obj, stl or svg",
						  o->output);
		}
		o->format_set = 1;
	}
}

/* The grid of grid.h for the options, the model and the points (or NULL). */
static ocsdf_grid_spec grid_spec(const options *o, const ocsdf_model *m, const ocsdf_dataset *pts)
{
	ocsdf_grid_spec s = {m->arch.d, m->mean, m->std, (const char *const *)m->names, o->resolution,
			     o->box, o->nbox, o->box_k, pts ? pts->X : NULL, pts ? pts->n : 0};
	return s;
}

/* What the options mean for this model: the defaults of its dimension, and
 * the options that do not apply to it. */
static void check_for_model(options *o, const ocsdf_model *m)
{
	ocsdf_error err;
	int d = m->arch.d;
	if (d != 2 && d != 3)
		ocsdf_die(OCSDF_EUSAGE,
			  "%s has %d feature%s; ocsdf-mesh draws the contour map of a model of 2 "
			  "features (SVG) and extracts the surface of a model of 3 features (PLY, "
			  "OBJ, STL)",
			  o->model, d, d == 1 ? "" : "s");
	if (!o->format_set)
		o->format = d == 2 ? FMT_SVG : FMT_PLY;
	if (!o->resolution)
		o->resolution = d == 2 ? 256 : 128;
	if (d == 2 && o->format != FMT_SVG)
		ocsdf_usage_error("%s has 2 features: its level sets are contours, written as SVG "
				  "only (--format svg, or an .svg output)",
				  o->model);
	if (d == 3 && o->format == FMT_SVG)
		ocsdf_usage_error("%s has 3 features: its level set is a surface, written as PLY, "
				  "OBJ or STL",
				  o->model);
	if (o->ascii && o->format != FMT_PLY && o->format != FMT_STL)
		ocsdf_usage_error("--ascii applies to PLY and STL (OBJ and SVG are text already)");
	if (d == 3 && (o->levels_arg || !o->colormap))
		ocsdf_usage_error("--levels and --no-colormap apply to the contour map of a "
				  "2-feature model");
	ocsdf_grid_spec s = grid_spec(o, m, NULL);
	if (ocsdf_grid_check_box(&s, &err))
		ocsdf_usage_error("%s", err.msg);
}

/* The level to extract, and words saying which it is. */
static void choose_level(options *o, const ocsdf_model *m, char *what, size_t size)
{
	ocsdf_error err;
	if (o->level_set == 1)
		snprintf(what, size, "--level");
	else if (ocsdf_field_level(m, o->model, o->level_set == 2 ? o->percentile : 0, &o->level, what,
				   size, &err))
		ocsdf_die_error(&err);
}

static void choose_grid(const options *o, const ocsdf_model *m, const ocsdf_dataset *pts,
			double *lo, double *hi, int *n)
{
	ocsdf_error err;
	ocsdf_grid_spec s = grid_spec(o, m, pts);
	if (ocsdf_grid_choose(&s, lo, hi, n, &err))
		ocsdf_usage_error("%s", err.msg);
}

static ocsdf_field *new_field(const ocsdf_model *m)
{
	ocsdf_field *f = ocsdf_field_new(m, CHUNK);
	if (!f)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	return f;
}

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

/* -v: the parts of the mesh and their topology, largest first. */
static void report_parts(const ocsdf_mesh *mesh, size_t walls, size_t removed)
{
	ocsdf_mesh_part *p;
	size_t np;
	ocsdf_error err;
	if (walls)
		fprintf(stderr, "%s: filled %zu enclosed cavit%s (%zu part%s removed)\n",
			ocsdf_cli_name(), walls, walls == 1 ? "y" : "ies", removed,
			removed == 1 ? "" : "s");
	if (ocsdf_mesh_parts(mesh, &p, &np, NULL, &err)) {
		ocsdf_warn("%s", err.msg);
		return;
	}
	for (size_t i = 0; i < np && i < 5; i++) {
		fprintf(stderr, "%s: part %zu of %zu: %zu vertices, %zu triangles, ", ocsdf_cli_name(),
			i + 1, np, p[i].nv, p[i].nt);
		if (p[i].closed)
			fprintf(stderr, "closed, Euler characteristic %ld (genus %ld)\n", p[i].euler,
				(2 - p[i].euler) / 2);
		else
			fprintf(stderr, "open (cut by the box)\n");
	}
	free(p);
}

/* ---- 3D ---- */

static void write_mesh(const options *o, const ocsdf_model *m, const ocsdf_dataset *pts,
		       ocsdf_output *out, const char *level_what)
{
	ocsdf_grid3 g;
	ocsdf_mesh_opts mo;
	ocsdf_mesh_stats st;
	ocsdf_mesh mesh;
	ocsdf_error err;
	size_t walls = 0, removed = 0;
	int shown = -1;

	choose_grid(o, m, pts, g.lo, g.hi, g.n);
	ocsdf_mesh_opts_default(&mo);
	mo.level = o->level;
	mo.batch = CHUNK;
	mo.prune = !o->dense;
	mo.lipschitz = ocsdf_field_lipschitz(m);
	if (mo.prune && !(isfinite(mo.lipschitz) && mo.lipschitz > 0)) {
		ocsdf_warn("the model's Lipschitz constant is unusable; evaluating every grid point");
		mo.prune = 0;
	}
	if (ocsdf_progress_enabled(o->quiet)) {
		mo.progress = show_progress;
		mo.progress_ctx = &shown;
	}
	ocsdf_field *f = new_field(m);
	if (ocsdf_mesh_extract(&g, ocsdf_field_eval, ocsdf_field_grad, f, &mo, &mesh, &st, &err))
		ocsdf_die_error(&err);
	if (!o->keep_cavities && ocsdf_mesh_fill_cavities(&mesh, &walls, &removed, &err))
		ocsdf_die_error(&err);
	if (mesh.nt == 0)
		ocsdf_warn("the level set f = %g (%s) does not cross the box; the mesh is empty",
			   o->level, level_what);
	else if (st.capped && !o->quiet)
		ocsdf_warn("the region f > %g reaches the edge of the box; the surface is closed there by a "
			   "cap on the box's faces (a wider --box shows what lies beyond)",
			   o->level);
	if (o->verbose)
		fprintf(stderr,
			"%s: %zu vertices, %zu triangles at f = %g (%s) on a %d x %d x %d grid; "
			"%llu network evaluations (%.2f%% of the grid%s)\n",
			ocsdf_cli_name(), mesh.nv, mesh.nt, o->level, level_what, g.n[0], g.n[1],
			g.n[2], (unsigned long long)(st.evals + st.grad_evals),
			100.0 * (double)st.evals / ((double)g.n[0] * g.n[1] * g.n[2]),
			mo.prune ? ", pruned" : "");
	if (o->verbose)
		report_parts(&mesh, walls, removed);
	if (ocsdf_meshio_write(out->fp, &mesh, o->format, o->ascii,
			       out->path ? out->path : "standard output", &err))
		ocsdf_die_error(&err);
	ocsdf_mesh_free(&mesh);
	ocsdf_field_free(f);
}

/* ---- 2D ---- */

static void write_map(const options *o, const ocsdf_model *m, const ocsdf_dataset *pts,
		      ocsdf_output *out, const char *level_what)
{
	ocsdf_grid2 g;
	ocsdf_error err;
	char title[512];

	choose_grid(o, m, pts, g.lo, g.hi, g.n);
	size_t np = (size_t)g.n[0] * (size_t)g.n[1];
	float *v = malloc(np * sizeof *v);
	if (!v)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	ocsdf_field *f = new_field(m);
	if (ocsdf_grid_sample2(&g, ocsdf_field_eval, f, CHUNK, v, &err))
		ocsdf_die_error(&err);
	if (o->verbose) {
		double vmin, vmax;
		ocsdf_grid_range(v, np, &vmin, &vmax);
		fprintf(stderr, "%s: contour map of f on a %d x %d grid, f from %g to %g; %zu network "
			"evaluations\n",
			ocsdf_cli_name(), g.n[0], g.n[1], vmin, vmax, np);
	}
	snprintf(title, sizeof title, "ocsdf-mesh: %s", o->model);
	ocsdf_plot_map_opts po = {title, m->names[0], m->names[1], o->colormap, o->levels, o->nlevels,
				  o->level, level_what, pts != NULL, pts ? pts->X : NULL, pts ? pts->n : 0,
				  pts ? (const char *const *)pts->labels : NULL, o->label};
	if (ocsdf_plot_map(out->fp, &g, v, &po, &err))
		ocsdf_die_error(&err);
	free(v);
	ocsdf_field_free(f);
}

int main(int argc, char **argv)
{
	options o;
	ocsdf_model *m;
	ocsdf_dataset pts;
	ocsdf_output out;
	ocsdf_error err;
	char level_what[64];

	ocsdf_cli_init(argv[0]);
	ocsdf_kernels_choose(argv);
	parse_options(argc, argv, &o);
	if (ocsdf_model_load(o.model, &m, &err))
		ocsdf_die_error(&err);
	ocsdf_threads_set(o.threads, m->arch.width);
	if (o.verbose)
		ocsdf_kernels_report();
	check_for_model(&o, m);
	if (m->ckpt)
		ocsdf_warn("%s is the checkpoint of an interrupted training run", o.model);
	choose_level(&o, m, level_what, sizeof level_what);
	memset(&pts, 0, sizeof pts);
	if (o.points) {
		if (ocsdf_dataset_read_model(o.points, m, o.label, &pts, &err))
			ocsdf_die_error(&err);
		ocsdf_output_protect_input(o.points);
	}
	/* Checked before any output: a bad list leaves no partial map. */
	if (o.levels_arg)
		o.levels = ocsdf_opt_double_list("--levels", o.levels_arg, -1e6, 1e6, &o.nlevels);

	ocsdf_output_protect_input(o.model);
	ocsdf_output_cleanup_on_signals();
	if (ocsdf_output_open(&out, o.output, o.force, &err))
		ocsdf_die_error(&err);
	if (m->arch.d == 3)
		write_mesh(&o, m, o.points ? &pts : NULL, &out, level_what);
	else
		write_map(&o, m, o.points ? &pts : NULL, &out, level_what);
	if (ocsdf_output_commit(&out, &err))
		ocsdf_die_error(&err);

	ocsdf_dataset_free(&pts);
	free(o.box);
	free(o.levels);
	ocsdf_model_free(m);
	return 0;
}
