/*
 * ocsdf-sample: generates points by walking along the gradient of a
 * learned signed distance: the trainer's negatives, points on the learned
 * boundary, points inside the support, or the nearest normal point of
 * given rows (a counterfactual).  The walks are the sampler's (sampler.h);
 * this file chooses one, feeds it starting points and writes the CSV.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "model.h"
#include "output.h"
#include "rng.h"
#include "sampler.h"
#include "scale.h"

enum { CHUNK = 4096 };
enum { MODE_NEGATIVE, MODE_BOUNDARY, MODE_INSIDE };

static const char usage_text[] =
	"Usage: ocsdf-sample -m MODEL [-n N | --from FILE] [OPTION]...\n"
	"Generate points by following the gradient of the signed distance learned\n"
	"by ocsdf-train; write them as CSV in the model's raw input units, with\n"
	"their final score.\n"
	"\n"
	"  -m, --model MODEL   model file (required)\n"
	"  -n, --count N       points to generate from uniform noise in the domain\n"
	"      --from FILE     start from the rows of FILE instead; its other columns\n"
	"                      pass through as written; adds the displacement of\n"
	"                      each feature as delta_NAME columns\n"
	"      --mode MODE     negative: the trainer's negatives (Algorithm 1);\n"
	"                      boundary (default): points on the level 0;\n"
	"                      inside: points at the mean score of the training rows\n"
	"      --level L       target level for boundary/inside (model units)\n"
	"      --walk-steps T  boundary/inside: most gradient steps (default 1000);\n"
	"                      negative: the steps (default: the model's T)\n"
	"      --tolerance E   boundary/inside: a point within E of the level has\n"
	"                      reached it (model units, default 1e-4)\n"
	"      --partial       exit 0 even if some points did not reach the level\n"
	"      --seed N        random seed (default 1)\n"
	"  -o, --output FILE   write here instead of standard output\n"
	"  -f, --force         overwrite an existing output file\n"
	"      --threads N     OpenBLAS threads (default: 1 below width 512, else\n"
	"                      all cores)\n"
	"  -v, --verbose       say which OpenBLAS kernels and threads run\n"
	"  -q, --quiet         no progress\n"
	"  -h, --help          show this help\n"
	"  -V, --version       show the version\n"
	"Old names, accepted until version 0.2:\n"
	"      --steps T       --walk-steps T\n"
	"\n"
	"Example:\n"
	"  ocsdf-sample -m moons.model -n 1000 --mode boundary > boundary.csv\n"
	"\n"
	"Exit status: 0, or 65 when some points did not reach the level (without\n"
	"--partial; every point is written all the same, with its final sdf).\n";

enum { O_FROM = 256, O_MODE, O_LEVEL, O_STEPS, O_TOL, O_PARTIAL, O_SEED, O_THREADS };
enum { DEFAULT_STEPS = 1000, RESTARTS = 8 };
#define DEFAULT_TOL 1e-4

static const struct option long_options[] = {
	{"model", required_argument, 0, 'm'},
	{"count", required_argument, 0, 'n'},
	{"from", required_argument, 0, O_FROM},
	{"mode", required_argument, 0, O_MODE},
	{"level", required_argument, 0, O_LEVEL},
	{"walk-steps", required_argument, 0, O_STEPS},
	{"steps", required_argument, 0, O_STEPS},
	{"tolerance", required_argument, 0, O_TOL},
	{"partial", no_argument, 0, O_PARTIAL},
	{"seed", required_argument, 0, O_SEED},
	{"output", required_argument, 0, 'o'},
	{"force", no_argument, 0, 'f'},
	{"threads", required_argument, 0, O_THREADS},
	{"verbose", no_argument, 0, 'v'},
	{"quiet", no_argument, 0, 'q'},
	{"help", no_argument, 0, 'h'},
	{"version", no_argument, 0, 'V'},
	{0, 0, 0, 0}};

typedef struct options {
	const char *model, *from, *output;
	long count, steps;          /* -1: not given */
	double level, tol;
	int mode, level_set, tol_set, partial, force, quiet, threads, verbose;
	uint64_t seed;
} options;

static void parse_options(int argc, char **argv, options *o)
{
	static const char *const modes[] = {"negative", "boundary", "inside", NULL};
	int c;
	memset(o, 0, sizeof *o);
	o->count = o->steps = -1;
	o->mode = MODE_BOUNDARY;
	o->seed = 1;
	o->tol = DEFAULT_TOL;
	while ((c = getopt_long(argc, argv, ":m:n:o:fvqhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'm': o->model = optarg; break;
		case 'n': o->count = ocsdf_opt_long("-n", optarg, 1, 100000000); break;
		case O_FROM: o->from = optarg; break;
		case O_MODE: o->mode = ocsdf_opt_choice("--mode", optarg, modes); break;
		case O_LEVEL:
			o->level = ocsdf_opt_double("--level", optarg, -1e6, 1e6);
			o->level_set = 1;
			break;
		case O_STEPS: o->steps = ocsdf_opt_long("--walk-steps", optarg, 0, 100000); break;
		case O_TOL:
			o->tol = ocsdf_opt_double("--tolerance", optarg, 1e-9, 1e3);
			o->tol_set = 1;
			break;
		case O_PARTIAL: o->partial = 1; break;
		case O_SEED: o->seed = (uint64_t)ocsdf_opt_long("--seed", optarg, 0, 0x7fffffffffffffffL); break;
		case 'o': o->output = ocsdf_opt_output("-o", optarg); break;
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
	if ((o->count < 0) == !o->from)
		ocsdf_usage_error("give either -n N or --from FILE");
	if (o->level_set && o->mode == MODE_NEGATIVE)
		ocsdf_usage_error("--level does not apply to --mode negative (its level is -margin)");
	if ((o->tol_set || o->partial) && o->mode == MODE_NEGATIVE)
		ocsdf_usage_error("--%s does not apply to --mode negative (its walks have a fixed length)",
				  o->tol_set ? "tolerance" : "partial");
}

/* The walk of the mode: the trainer's negatives, or Newton steps to the
 * level asked for (boundary: 0, inside: the mean of f over the training
 * rows) until every point is within the tolerance of it. */
static void walk_opts(const options *o, const ocsdf_model *m, ocsdf_walk_opts *wo)
{
	if (o->mode == MODE_NEGATIVE) {
		ocsdf_sampler_negative_opts(&m->settings, o->steps >= 0 ? (int)o->steps : m->settings.newton_steps,
					    wo);
		return;
	}
	double level = o->level_set ? o->level : o->mode == MODE_BOUNDARY ? 0.0 : m->stats.f_mean;
	ocsdf_sampler_level_opts(o->steps >= 0 ? (int)o->steps : DEFAULT_STEPS, level, o->tol, m->settings.box,
				 o->from != NULL, wo);
}

/* The rows of --from, read a block at a time: the model's features as
 * numbers, every column as text to pass through. */
typedef struct source {
	ocsdf_csv_reader *r;
	int nc;
	int *cols;      /* d: the column of each feature */
	int *feature;   /* nc: the feature a column holds, or -1; -2: a column
	                 * named like one this program writes, left out */
} source;

/* "delta_NAME", the column of the displacement of feature NAME. */
static int delta_name(char *buf, size_t len, const char *name)
{
	return snprintf(buf, len, "delta_%.64s", name);
}

static void source_open(source *src, const char *path, const ocsdf_model *m)
{
	ocsdf_error e;
	int d = m->arch.d, *all;
	if (ocsdf_csv_open(path, &src->r, &e))
		ocsdf_die_error(&e);
	src->nc = ocsdf_csv_ncols(src->r);
	src->cols = ocsdf_xmalloc(sizeof(int) * (size_t)d);
	src->feature = ocsdf_xmalloc(sizeof(int) * (size_t)src->nc);
	all = ocsdf_xmalloc(sizeof(int) * (size_t)src->nc);
	for (int k = 0; k < src->nc; k++) {
		const char *name = ocsdf_csv_colname(src->r, k);
		all[k] = k;
		src->feature[k] = strcmp(name, "sdf") == 0 ? -2 : -1;
		for (int j = 0; j < d; j++) {
			char dn[64 + 8];
			delta_name(dn, sizeof dn, m->names[j]);
			if (strcmp(name, dn) == 0)
				src->feature[k] = -2;
		}
	}
	for (int j = 0; j < d; j++) {
		if (ocsdf_csv_find_name(src->r, m->names[j], "a feature of the model", &src->cols[j], &e))
			ocsdf_die_error(&e);
		src->feature[src->cols[j]] = j;
	}
	if (ocsdf_csv_select(src->r, src->cols, d, all, src->nc, 0, &e))
		ocsdf_die_error(&e);
	ocsdf_csv_check_scale(src->r, m->mean, m->std);
	free(all);
}

static void source_close(source *src)
{
	ocsdf_csv_close(src->r);
	free(src->cols);
	free(src->feature);
}

/* Without rows: the features and sdf.  With them: the input's columns
 * (those named like an output column left out), sdf and the delta_NAME
 * columns. */
static void write_header(FILE *fp, const ocsdf_model *m, const source *src)
{
	int d = m->arch.d;
	for (int k = 0; k < (src ? src->nc : d); k++) {
		const char *name = src ? ocsdf_csv_colname(src->r, k) : m->names[k];
		if (src && src->feature[k] == -2)
			continue;
		ocsdf_csv_put_field(fp, name, strlen(name));
		fputc(',', fp);
	}
	fputs("sdf", fp);
	for (int j = 0; src && j < d; j++) {
		char name[64 + 8];
		int len = delta_name(name, sizeof name, m->names[j]);
		fputc(',', fp);
		ocsdf_csv_put_field(fp, name, (size_t)len);
	}
	fputc('\n', fp);
}

/* B walked points z (from z0, standardized) with their scores f.  Rows
 * from a file (block b) are written as read, but for the features of a
 * row that moved: the raw value plus the displacement; then the
 * displacements. */
static void write_rows(FILE *fp, const ocsdf_model *m, const source *src, const ocsdf_csv_block *b,
		       const float *z, const float *z0, const float *f, int B)
{
	int d = m->arch.d;
	for (int i = 0; i < B; i++) {
		const float *zi = z + (size_t)i * d, *z0i = z0 + (size_t)i * d;
		int moved = memcmp(zi, z0i, sizeof(float) * (size_t)d) != 0;
		for (int k = 0; k < (src ? src->nc : d); k++) {
			int j = src ? src->feature[k] : k;
			if (j == -2)
				continue;
			if (src && (j < 0 || !moved)) {
				const char *t = b->text[(size_t)i * src->nc + k];
				ocsdf_csv_put_field(fp, t, strlen(t));
			} else if (src) {
				ocsdf_csv_put_double(fp, b->num[(size_t)i * d + j] + (double)(zi[j] - z0i[j]) * m->std[j]);
			} else {
				ocsdf_csv_put_double(fp, zi[j] * m->std[j] + m->mean[j]);
			}
			fputc(',', fp);
		}
		ocsdf_csv_put_float(fp, f[i]);
		for (int j = 0; src && j < d; j++) {
			fputc(',', fp);
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

int main(int argc, char **argv)
{
	options o;
	ocsdf_model *m;
	source src, *from = NULL;
	ocsdf_csv_block b = {0};
	ocsdf_walk_opts wo;
	ocsdf_output out;
	ocsdf_error err;
	ocsdf_rng rng;
	size_t done = 0, reached = 0;

	ocsdf_cli_init(argv[0]);
	ocsdf_kernels_choose(argv);
	parse_options(argc, argv, &o);
	if (ocsdf_model_load(o.model, &m, &err))
		ocsdf_die_error(&err);
	ocsdf_threads_set(o.threads, m->arch.width);
	if (o.verbose && !o.quiet)
		ocsdf_kernels_report();
	int d = m->arch.d;
	if (o.from) {
		from = &src;
		source_open(from, o.from, m);
		ocsdf_output_protect_input(o.from);
	}
	ocsdf_output_protect_input(o.model);
	walk_opts(&o, m, &wo);

	ocsdf_lipnet *net = ocsdf_lipnet_new(&m->arch, CHUNK);
	float *z = malloc(sizeof(float) * CHUNK * (size_t)d), *z0 = malloc(sizeof(float) * CHUNK * (size_t)d);
	float *g = malloc(sizeof(float) * CHUNK * (size_t)d), *f = malloc(sizeof(float) * CHUNK);
	float *fw = malloc(sizeof(float) * CHUNK), *eta = malloc(sizeof(float) * CHUNK);
	if (!net || !z || !z0 || !g || !f || !fw || !eta)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	ocsdf_rng_seed(&rng, o.seed);

	ocsdf_output_cleanup_on_signals();
	if (ocsdf_output_open(&out, o.output, o.force, &err))
		ocsdf_die_error(&err);
	write_header(out.fp, m, from);
	while (!ferror(out.fp)) {
		int B;
		if (from) {
			if (ocsdf_csv_next(from->r, CHUNK, &b, &err)) {
				ocsdf_output_abort(&out);
				ocsdf_die_error(&err);
			}
			B = b.nrows;
			ocsdf_scale_apply(b.num, (size_t)B, d, m->mean, m->std, z);
		} else {
			B = (size_t)o.count - done < CHUNK ? (int)((size_t)o.count - done) : CHUNK;
			ocsdf_sampler_init(z, B, d, OCSDF_INIT_UNIFORM, m->settings.box, NULL, &rng);
		}
		if (B == 0)
			break;
		memcpy(z0, z, sizeof(float) * (size_t)B * d);
		int ok = ocsdf_sampler_walk(net, m->theta, z, B, &wo, &rng, f, g, eta, fw);
		/* A start from noise that stalls (on a ridge of f, where the
		 * gradient vanishes) is drawn again, a few times: the points
		 * asked for are points on the level, wherever they start. */
		for (int round = 1; !from && o.mode != MODE_NEGATIVE && ok < B && round < RESTARTS; round++) {
			for (int i = 0; i < B; i++)
				if (!ocsdf_sampler_reached(&wo, f[i], eta[i]))
					ocsdf_sampler_init(z + (size_t)i * d, 1, d, OCSDF_INIT_UNIFORM, m->settings.box, NULL, &rng);
			ok = ocsdf_sampler_walk(net, m->theta, z, B, &wo, &rng, f, g, eta, fw);
		}
		reached += (size_t)ok;
		write_rows(out.fp, m, from, &b, z, z0, f, B);
		done += (size_t)B;
	}
	if (ocsdf_output_commit(&out, &err))
		ocsdf_die_error(&err);
	int status = o.mode == MODE_NEGATIVE ? 0 : report(&o, &wo, done, reached);
	ocsdf_lipnet_free(net);
	free(z);
	free(z0);
	free(g);
	free(f);
	free(fw);
	free(eta);
	if (from)
		source_close(from);
	ocsdf_model_free(m);
	return status;
}
