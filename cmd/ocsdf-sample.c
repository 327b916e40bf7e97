/*
 * ocsdf-sample: generates points by walking along the gradient of a
 * learned signed distance: the trainer's negatives, points on the learned
 * boundary, points inside the support, or the nearest normal point of
 * given rows (a counterfactual).  The walks are the sampler's (sampler.h);
 * this file chooses one, feeds it starting points and writes the CSV.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argtab.h"
#include "cli.h"
#include "csv.h"
#include "model.h"
#include "output.h"
#include "rng.h"
#include "sampler.h"

enum { CHUNK = 4096 };

/* --help: the option table's lines (specs) between these. */
static const char usage_head[] =
	"Usage: ocsdf-sample -m MODEL [-n N | --from FILE] [OPTION]...\n"
	"Generate points by following the gradient of the signed distance learned\n"
	"by ocsdf-train; write them as CSV in the model's raw input units, with\n"
	"their final score.\n\n",
		  usage_tail[] =
	"\nExample:\n"
	"  ocsdf-sample -m moons.model -n 1000 --mode boundary > boundary.csv\n"
	"\n"
	"Exit status: 0, or 65 when some points did not reach the level (without\n"
	"--partial; every point is written all the same, with its final sdf).\n";

enum { O_FROM = 256, O_MODE, O_LEVEL, O_STEPS, O_TOL, O_PARTIAL, O_SEED, O_THREADS, O_NO_HEADER, O_COLUMNS,
       O_DELIMITER };
#define DEFAULT_TOL 1e-4

typedef struct options {
	const char *model, *from, *output;
	long count, steps;          /* -1: not given */
	double level, tol;          /* NAN, 0: not given */
	int mode, partial, force, quiet, threads, verbose, action;
	uint64_t seed;
	ocsdf_csv_options csv;      /* how the rows of --from are read */
	char **columns;             /* --columns, the names in csv */
} options;

static const char *const modes[] = {"negative", "boundary", "inside", NULL};

/* The options, in the order of --help. */
static const ocsdf_arg_spec specs[] = {
	OCSDF_ARG_ROW("model", 'm', OCSDF_ARG_TEXT, model, "MODEL", "model file (required)"),
	OCSDF_ARG_NUM("count", 'n', OCSDF_ARG_LONG, count, 1, 100000000, 0, "N",
	              "points to generate from uniform noise in the domain"),
	OCSDF_ARG_ROW("from", O_FROM, OCSDF_ARG_TEXT, from, "FILE",
	              "start from the rows of FILE instead; its other columns\n"
	              "pass through as written; adds the displacement of\n"
	              "each feature as delta_NAME columns"),
	OCSDF_ARG_BARE("no-header", O_NO_HEADER, OCSDF_ARG_NONE, NULL,
	               "the rows of --from have no header line: their first\n"
	               "columns are the model's features in the model's order\n"
	               "(or as --columns names them); no header is written\n"
	               "either"),
	OCSDF_ARG_BARE("columns", O_COLUMNS, OCSDF_ARG_OWN, "LIST",
	               "without a header, the names of the columns of --from,\n"
	               "comma-separated (default: the model's features, then\n"
	               "x<N> for the N-th column)"),
	OCSDF_ARG_ROW("delimiter", O_DELIMITER, OCSDF_ARG_DELIMITER, csv.delimiter, "C",
	              "field delimiter of --from and of the output (default\n"
	              "','; a character, or 'tab')"),
	OCSDF_ARG_ONE_OF("mode", O_MODE, mode, modes, 0, "MODE",
	                 "negative: the trainer's negatives (Algorithm 1);\n"
	                 "boundary (default): points on the level 0;\n"
	                 "inside: points at the mean score of the training rows"),
	OCSDF_ARG_NUM("level", O_LEVEL, OCSDF_ARG_REAL, level, -1e6, 1e6, 0, "L",
	              "target level for boundary/inside (model units)"),
	OCSDF_ARG_NUM("walk-steps", O_STEPS, OCSDF_ARG_LONG, steps, 0, 100000, 0, "T",
	              "boundary/inside: most gradient steps (default 1000);\n"
	              "negative: the steps (default: the model's T)"),
	OCSDF_ARG_NUM("tolerance", O_TOL, OCSDF_ARG_REAL, tol, 1e-9, 1e3, 0, "E",
	              "boundary/inside: a point within E of the level has\n"
	              "reached it (model units, default 1e-4)"),
	OCSDF_ARG_ROW("partial", O_PARTIAL, OCSDF_ARG_SET, partial, NULL,
	              "exit 0 even if some points did not reach the level"),
	OCSDF_ARG_ROW("seed", O_SEED, OCSDF_ARG_SEED, seed, "N", "random seed (default 1)"),
	OCSDF_ARG_ROW("output", 'o', OCSDF_ARG_OUTPUT, output, "FILE", "write here instead of standard output"),
	OCSDF_ARG_ROW("force", 'f', OCSDF_ARG_SET, force, NULL, "overwrite an existing output file"),
	OCSDF_ARG_NUM("threads", O_THREADS, OCSDF_ARG_INT, threads, 1, OCSDF_THREADS_MAX, 0, "N",
	              "OpenBLAS threads (default: 1 below width 512, else\n"
	              "all cores)"),
	OCSDF_ARG_ROW("verbose", 'v', OCSDF_ARG_SET, verbose, NULL, "say which OpenBLAS kernels and threads run"),
	OCSDF_ARG_ROW("quiet", 'q', OCSDF_ARG_SET, quiet, NULL, "no progress"),
	OCSDF_ARG_HELP_ROWS,
	OCSDF_ARG_OLD_NAMES,
	OCSDF_ARG_BARE("steps", O_STEPS, OCSDF_ARG_OWN, "T", "--walk-steps T"),
	OCSDF_ARG_END};

/* The part of option c the table leaves to ocsdf_arg_parse's own: the
 * header and --columns. */
static void take_option(void *base, const ocsdf_arg_spec *r, int c, ocsdf_error *e)
{
	options *o = base;
	(void)r;
	if (c == O_NO_HEADER)
		o->csv.header = OCSDF_CSV_NO_HEADER;
	else if (c == O_COLUMNS)
		o->columns = ocsdf_arg_csv_columns(e, optarg, o->columns, &o->csv);
}

/* Fills o from the command line: 0, or 64 with e set. */
static int parse_options(int argc, char **argv, void *ctx, ocsdf_error *e)
{
	options *o = ctx;
	*o = (options){.count = -1, .steps = -1, .mode = OCSDF_WALK_BOUNDARY, .seed = 1, .level = NAN};
	if (ocsdf_arg_parse(argc, argv, specs, o, take_option, &o->action, e) || o->action ||
	    ocsdf_arg_model_only(e, o->model, argc, argv))
		return e->code;
	if ((o->count < 0) == !o->from)
		return ocsdf_error_set(e, OCSDF_EUSAGE, "give either -n N or --from FILE");
	if (ocsdf_arg_csv_check(e, &o->csv, "--from", o->from != NULL))
		return e->code;
	if (!isnan(o->level) && o->mode == OCSDF_WALK_NEGATIVE)
		return ocsdf_error_set(e, OCSDF_EUSAGE,
				       "--level does not apply to --mode negative (its level is -margin)");
	if ((o->tol > 0 || o->partial) && o->mode == OCSDF_WALK_NEGATIVE)
		return ocsdf_error_set(e, OCSDF_EUSAGE,
				       "--%s does not apply to --mode negative (its walks have a fixed length)",
				       o->tol > 0 ? "tolerance" : "partial");
	return 0;
}

/* The delimiter of the output: the input's, as ocsdf-score writes. */
static char out_delim(const ocsdf_sampler_rows *src)
{
	return src ? ocsdf_csv_delimiter(src->r) : ',';
}

/* Without rows: the features and sdf.  With them: the input's columns
 * (those named like an output column left out), sdf and the delta_NAME
 * columns; nothing if the input has no header. */
static void write_header(FILE *fp, const ocsdf_model *m, const ocsdf_sampler_rows *src)
{
	int d = m->arch.d;
	char dl = out_delim(src);
	if (src && !ocsdf_csv_has_header(src->r))
		return;
	for (int k = 0; k < (src ? src->nc : d); k++) {
		const char *name = src ? ocsdf_csv_colname(src->r, k) : m->names[k];
		if (src && src->feature[k] == OCSDF_SAMPLER_DROPPED)
			continue;
		ocsdf_csv_put_field_delim(fp, name, strlen(name), dl);
		fputc(dl, fp);
	}
	fputs("sdf", fp);
	for (int j = 0; src && j < d; j++) {
		char name[64 + 8];
		int len = ocsdf_sampler_delta_name(name, sizeof name, m->names[j]);
		fputc(dl, fp);
		ocsdf_csv_put_field_delim(fp, name, (size_t)len, dl);
	}
	fputc('\n', fp);
}

/* B walked points z (from z0, standardized) with their scores f.  Rows
 * from a file (its last block) are written as read, but for the features of a
 * row that moved: the raw value plus the displacement; then the
 * displacements. */
static void write_rows(FILE *fp, const ocsdf_model *m, const ocsdf_sampler_rows *src, const float *z,
		       const float *z0, const float *f, int B)
{
	int d = m->arch.d;
	char dl = out_delim(src);
	for (int i = 0; i < B; i++) {
		const float *zi = z + (size_t)i * d, *z0i = z0 + (size_t)i * d;
		int moved = memcmp(zi, z0i, sizeof(float) * (size_t)d) != 0;
		for (int k = 0; k < (src ? src->nc : d); k++) {
			int j = src ? src->feature[k] : k;
			if (j == OCSDF_SAMPLER_DROPPED)
				continue;
			if (src && (j < 0 || !moved)) {
				const char *t = src->b.text[(size_t)i * src->nc + k];
				ocsdf_csv_put_field_delim(fp, t, strlen(t), dl);
			} else if (src) {
				ocsdf_csv_put_double(fp, src->b.num[(size_t)i * d + j] + (double)(zi[j] - z0i[j]) * m->std[j]);
			} else {
				ocsdf_csv_put_double(fp, zi[j] * m->std[j] + m->mean[j]);
			}
			fputc(dl, fp);
		}
		ocsdf_csv_put_float(fp, f[i]);
		for (int j = 0; src && j < d; j++) {
			fputc(dl, fp);
			ocsdf_csv_put_double(fp, (double)(zi[j] - z0i[j]) * m->std[j]);
		}
		fputc('\n', fp);
	}
}

/* How many points reached the level: on stderr if some did not (exit 65
 * unless --partial), or when progress is shown. */
static int report(const options *o, const ocsdf_walk_opts *wo, size_t n, size_t reached)
{
	if (reached == n) {
		if (ocsdf_progress_enabled(o->quiet))
			fprintf(stderr, "%s: all %zu points reached the level %g (within %g)\n", ocsdf_cli_name(), n,
				wo->level, wo->tol);
		return 0;
	}
	fprintf(stderr,
		"%s: %s%zu of %zu points did not reach the level %g (within %g) in %d steps; they are written "
		"with their final sdf (more steps: --walk-steps; accept them: --partial)\n",
		ocsdf_cli_name(), o->partial ? "warning: " : "", n - reached, n, wo->level, wo->tol, wo->steps);
	return o->partial ? 0 : OCSDF_EDATA;
}

/* What a run holds, from the model to the output. */
typedef struct run {
	ocsdf_model *m;
	ocsdf_sampler_rows src, *from; /* from: &src with --from, else NULL */
	ocsdf_walk_opts wo;
	ocsdf_lipnet *net;
	ocsdf_walker *walker;
	float *z, *z0, *f;      /* CHUNK points walked, where they started, f there
	                         * (one block from z) */
	ocsdf_rng rng;
	ocsdf_output out;
	size_t done, reached;
} run;

/* Loads the model, opens the rows of --from, and sets up the walk of the
 * mode with its walker and buffers. */
static void start(const options *o, run *r)
{
	ocsdf_error err;
	if (ocsdf_model_load(o->model, &r->m, &err))
		ocsdf_die_error(&err);
	ocsdf_threads_set(o->threads, r->m->arch.width);
	if (o->verbose && !o->quiet)
		ocsdf_kernels_report();
	if (o->from) {
		r->from = &r->src;
		if (ocsdf_sampler_rows_open(r->from, o->from, &o->csv, r->m, &err))
			ocsdf_die_error(&err);
		ocsdf_output_protect_input(o->from);
	}
	ocsdf_output_protect_input(o->model);
	ocsdf_sampler_mode_opts(r->m, o->mode, (int)o->steps, isnan(o->level) ? NULL : &o->level,
				o->tol > 0 ? o->tol : DEFAULT_TOL, o->from != NULL, &r->wo);
	size_t zn = CHUNK * (size_t)r->m->arch.d;
	r->net = ocsdf_xcheck(ocsdf_lipnet_new(&r->m->arch, CHUNK));
	r->walker = ocsdf_xcheck(ocsdf_walker_new(r->net, CHUNK));
	r->z = ocsdf_xmalloc(sizeof(float) * (2 * zn + CHUNK));
	r->z0 = r->z + zn;
	r->f = r->z0 + zn;
	ocsdf_rng_seed(&r->rng, o->seed);
}

static void run_free(run *r)
{
	ocsdf_walker_free(r->walker);
	ocsdf_lipnet_free(r->net);
	free(r->z);
	if (r->from)
		ocsdf_sampler_rows_close(r->from);
	ocsdf_model_free(r->m);
}

/* The next starting points in r->z (standardized): a block of rows of
 * --from, or noise drawn in the box until -n are done.  Returns how many,
 * 0 at the end. */
static int next_block(const options *o, run *r)
{
	ocsdf_error err;
	int B;
	if (r->from) {
		if (ocsdf_sampler_rows_next(r->from, r->m, CHUNK, r->z, &err)) {
			ocsdf_output_abort(&r->out);
			ocsdf_die_error(&err);
		}
		return r->from->b.nrows;
	}
	B = (size_t)o->count - r->done < CHUNK ? (int)((size_t)o->count - r->done) : CHUNK;
	ocsdf_sampler_init(r->z, B, r->m->arch.d, OCSDF_INIT_UNIFORM, r->m->settings.box, NULL, &r->rng);
	return B;
}

int main(int argc, char **argv)
{
	options o = {0};
	run r = {0};
	ocsdf_error err;
	int B, status;

	if ((status = ocsdf_arg_start(argc, argv, parse_options, &o, &o.action, usage_head, specs, 22, usage_tail)) >= 0)
		return status;
	start(&o, &r);
	ocsdf_output_cleanup_on_signals();
	if (ocsdf_output_open(&r.out, o.output, o.force, &err))
		ocsdf_die_error(&err);
	write_header(r.out.fp, r.m, r.from);
	while (!ferror(r.out.fp) && (B = next_block(&o, &r)) > 0) {
		memcpy(r.z0, r.z, sizeof(float) * (size_t)B * (size_t)r.m->arch.d);
		r.reached += (size_t)ocsdf_walker_walk(r.walker, r.m->theta, r.z, B, &r.wo, &r.rng, r.f);
		write_rows(r.out.fp, r.m, r.from, r.z, r.z0, r.f, B);
		r.done += (size_t)B;
	}
	if (ocsdf_output_commit(&r.out, &err))
		ocsdf_die_error(&err);
	status = o.mode == OCSDF_WALK_NEGATIVE ? 0 : report(&o, &r.wo, r.done, r.reached);
	run_free(&r);
	free(o.columns);
	return status;
}
