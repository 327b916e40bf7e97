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
#include "dataset.h"
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
	"  -n, --count N       points to generate from uniform noise in the box\n"
	"      --from FILE     start from the rows of FILE instead; adds the\n"
	"                      displacement of each feature as delta_NAME columns\n"
	"      --mode MODE     negative: the trainer's negatives (Algorithm 1);\n"
	"                      boundary (default): points on the level 0;\n"
	"                      inside: points at the mean score of the training rows\n"
	"      --level L       target level for boundary/inside (model units)\n"
	"      --steps T       gradient steps (default 64; negative: the model's T)\n"
	"      --seed N        random seed (default 1)\n"
	"  -o, --output FILE   write here instead of standard output\n"
	"  -f, --force         overwrite an existing output file\n"
	"      --threads N     OpenBLAS threads (default: 1 below width 512, else\n"
	"                      all cores)\n"
	"  -v, --verbose       say which OpenBLAS kernels and threads run\n"
	"  -q, --quiet         no progress\n"
	"  -h, --help          show this help\n"
	"  -V, --version       show the version\n"
	"\n"
	"Example:\n"
	"  ocsdf-sample -m moons.model -n 1000 --mode boundary > boundary.csv\n";

enum { O_FROM = 256, O_MODE, O_LEVEL, O_STEPS, O_SEED, O_THREADS };

static const struct option long_options[] = {
	{"model", required_argument, 0, 'm'},
	{"count", required_argument, 0, 'n'},
	{"from", required_argument, 0, O_FROM},
	{"mode", required_argument, 0, O_MODE},
	{"level", required_argument, 0, O_LEVEL},
	{"steps", required_argument, 0, O_STEPS},
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
	double level;
	int mode, level_set, force, quiet, threads, verbose;
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
		case O_STEPS: o->steps = ocsdf_opt_long("--steps", optarg, 0, 100000); break;
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
}

/* The walk of the mode: the trainer's negatives, or Newton steps to the
 * level asked for (boundary: 0, inside: the mean of f over the training
 * rows). */
static void walk_opts(const options *o, const ocsdf_model *m, ocsdf_walk_opts *wo)
{
	if (o->mode == MODE_NEGATIVE) {
		ocsdf_sampler_negative_opts(&m->settings, o->steps >= 0 ? (int)o->steps : m->settings.newton_steps,
					    wo);
		return;
	}
	double level = o->level_set ? o->level : o->mode == MODE_BOUNDARY ? 0.0 : m->stats.f_mean;
	ocsdf_sampler_level_opts(o->steps >= 0 ? (int)o->steps : 64, level, m->settings.box, o->from != NULL,
				 wo);
}

/* The features, sdf, and with deltas the delta_NAME columns. */
static void write_header(FILE *fp, const ocsdf_model *m, int deltas)
{
	int d = m->arch.d;
	for (int j = 0; j < d; j++) {
		ocsdf_csv_put_field(fp, m->names[j], strlen(m->names[j]));
		fputc(',', fp);
	}
	fputs("sdf", fp);
	for (int j = 0; deltas && j < d; j++) {
		char name[64 + 8];
		int len = snprintf(name, sizeof name, "delta_%.64s", m->names[j]);
		fputc(',', fp);
		ocsdf_csv_put_field(fp, name, (size_t)len);
	}
	fputc('\n', fp);
}

/* B walked points z (from z0, standardized) with their scores f.  Rows
 * from a file (X, raw) are written as the raw row plus the displacement,
 * so a row that does not move is written exactly as it was read, then the
 * displacements. */
static void write_rows(FILE *fp, const ocsdf_model *m, const double *X, const float *z, const float *z0,
		       const float *f, int B)
{
	int d = m->arch.d;
	for (int i = 0; i < B; i++) {
		for (int j = 0; j < d; j++) {
			size_t k = (size_t)i * d + j;
			double delta = (double)(z[k] - z0[k]) * m->std[j];
			ocsdf_csv_put_double(fp, X ? X[k] + delta : z[k] * m->std[j] + m->mean[j]);
			fputc(',', fp);
		}
		ocsdf_csv_put_float(fp, f[i]);
		for (int j = 0; X && j < d; j++) {
			size_t k = (size_t)i * d + j;
			fputc(',', fp);
			ocsdf_csv_put_double(fp, (double)(z[k] - z0[k]) * m->std[j]);
		}
		fputc('\n', fp);
	}
}

int main(int argc, char **argv)
{
	options o;
	ocsdf_model *m;
	ocsdf_dataset ds;
	ocsdf_walk_opts wo;
	ocsdf_output out;
	ocsdf_error err;
	ocsdf_rng rng;

	ocsdf_cli_init(argv[0]);
	ocsdf_kernels_choose(argv);
	parse_options(argc, argv, &o);
	if (ocsdf_model_load(o.model, &m, &err))
		ocsdf_die_error(&err);
	ocsdf_threads_set(o.threads, m->arch.width);
	if (o.verbose && !o.quiet)
		ocsdf_kernels_report();
	int d = m->arch.d;
	memset(&ds, 0, sizeof ds);
	if (o.from) {
		if (ocsdf_dataset_read_model(o.from, m, NULL, &ds, &err))
			ocsdf_die_error(&err);
		ocsdf_output_protect_input(o.from);
	}
	size_t n = o.from ? ds.n : (size_t)o.count;
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
	write_header(out.fp, m, o.from != NULL);
	for (size_t i0 = 0; i0 < n && !ferror(out.fp); i0 += CHUNK) {
		int B = n - i0 < CHUNK ? (int)(n - i0) : CHUNK;
		const double *X = o.from ? ds.X + i0 * (size_t)d : NULL;
		if (X)
			ocsdf_scale_apply(X, (size_t)B, d, m->mean, m->std, z);
		else
			ocsdf_sampler_init(z, B, d, OCSDF_INIT_UNIFORM, m->settings.box, NULL, &rng);
		memcpy(z0, z, sizeof(float) * (size_t)B * d);
		ocsdf_sampler_walk(net, m->theta, z, B, &wo, &rng, f, g, eta, fw);
		write_rows(out.fp, m, X, z, z0, f, B);
	}
	if (ocsdf_output_commit(&out, &err))
		ocsdf_die_error(&err);
	ocsdf_lipnet_free(net);
	free(z);
	free(z0);
	free(g);
	free(f);
	free(fw);
	free(eta);
	ocsdf_dataset_free(&ds);
	ocsdf_model_free(m);
	return 0;
}
