/*
 * ocsdf-sample: generates points by walking along the gradient of a
 * learned signed distance: the trainer's negatives, points on the learned
 * boundary, points inside the support, or the nearest normal point of
 * given rows (a counterfactual).
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
	"  -q, --quiet         no progress\n"
	"  -h, --help          show this help\n"
	"  -V, --version       show the version\n"
	"\n"
	"Example:\n"
	"  ocsdf-sample -m moons.model -n 1000 --mode boundary > boundary.csv\n";

enum { O_FROM = 256, O_MODE, O_LEVEL, O_STEPS, O_SEED };

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
	{"quiet", no_argument, 0, 'q'},
	{"help", no_argument, 0, 'h'},
	{"version", no_argument, 0, 'V'},
	{0, 0, 0, 0}};

int main(int argc, char **argv)
{
	static const char *const modes[] = {"negative", "boundary", "inside", NULL};
	const char *model_path = NULL, *from = NULL, *out_path = NULL;
	long count = -1, steps = -1;
	double level = 0;
	int mode = MODE_BOUNDARY, level_set = 0, force = 0, quiet = 0, c, rc, d;
	uint64_t seed = 1;
	ocsdf_model *m;
	ocsdf_dataset ds;
	ocsdf_walk_opts wo;
	ocsdf_lipnet *net;
	ocsdf_output out;
	ocsdf_error err;
	ocsdf_rng rng;
	float *z, *z0, *f, *g, *eta, *fw;
	size_t n;

	ocsdf_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, ":m:n:o:fqhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'm': model_path = optarg; break;
		case 'n': count = ocsdf_opt_long("-n", optarg, 1, 100000000); break;
		case O_FROM: from = optarg; break;
		case O_MODE: mode = ocsdf_opt_choice("--mode", optarg, modes); break;
		case O_LEVEL:
			level = ocsdf_opt_double("--level", optarg, -1e6, 1e6);
			level_set = 1;
			break;
		case O_STEPS: steps = ocsdf_opt_long("--steps", optarg, 0, 100000); break;
		case O_SEED: seed = (uint64_t)ocsdf_opt_long("--seed", optarg, 0, 0x7fffffffffffffffL); break;
		case 'o': out_path = ocsdf_opt_output("-o", optarg); break;
		case 'f': force = 1; break;
		case 'q': quiet = 1; break;
		case 'h': return ocsdf_print_text(usage_text);
		case 'V': return ocsdf_print_version();
		case ':': ocsdf_missing_value(argv[optind - 1]);
		default: ocsdf_bad_option(argv[optind - 1]);
		}
	}
	(void)quiet;
	if (!model_path)
		ocsdf_usage_error("a model is required (-m MODEL)");
	if (optind < argc)
		ocsdf_usage_error("unexpected argument '%s'", argv[optind]);
	if ((count < 0) == !from)
		ocsdf_usage_error("give either -n N or --from FILE");
	if (level_set && mode == MODE_NEGATIVE)
		ocsdf_usage_error("--level does not apply to --mode negative (its level is -margin)");
	if ((rc = ocsdf_model_load(model_path, &m, &err)))
		ocsdf_die_error(&err);
	d = m->arch.d;

	memset(&ds, 0, sizeof ds);
	if (from) {
		ocsdf_dataset_spec spec;
		memset(&spec, 0, sizeof spec);
		spec.names = (const char *const *)m->names;
		spec.n_names = d;
		spec.check_scale = 1;
		spec.mean = m->mean;
		spec.std = m->std;
		if ((rc = ocsdf_dataset_read(from, &spec, &ds, &err)))
			ocsdf_die_error(&err);
		n = ds.n;
		ocsdf_output_protect_input(from);
	} else {
		n = (size_t)count;
	}
	ocsdf_output_protect_input(model_path);

	if (mode == MODE_NEGATIVE) {
		ocsdf_sampler_negative_opts(&m->settings, steps >= 0 ? (int)steps : m->settings.newton_steps,
					    &wo);
	} else {
		wo.steps = steps >= 0 ? (int)steps : 64;
		wo.level = level_set ? level : mode == MODE_BOUNDARY ? 0.0 : m->stats.f_mean;
		wo.eta = 1;
		wo.eta_random = 0;
		wo.fraction = 0;
		wo.newton = 1;
		/* A row that is already at or above the level stays put: the
		 * walk answers "what is the nearest point at that level" only
		 * for the rows below it. */
		wo.one_sided = 0;
		wo.freeze_above = from != NULL;
		wo.box = from ? 0 : m->settings.box;
		wo.stop = NULL;
	}

	net = ocsdf_lipnet_new(&m->arch, CHUNK);
	z = malloc(sizeof(float) * CHUNK * (size_t)d);
	z0 = malloc(sizeof(float) * CHUNK * (size_t)d);
	g = malloc(sizeof(float) * CHUNK * (size_t)d);
	f = malloc(sizeof(float) * CHUNK);
	fw = malloc(sizeof(float) * CHUNK);
	eta = malloc(sizeof(float) * CHUNK);
	if (!net || !z || !z0 || !g || !f || !fw || !eta)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	ocsdf_rng_seed(&rng, seed);

	ocsdf_output_cleanup_on_signals();
	if ((rc = ocsdf_output_open(&out, out_path, force, &err)))
		ocsdf_die_error(&err);
	for (int j = 0; j < d; j++) {
		ocsdf_csv_put_field(out.fp, m->names[j], strlen(m->names[j]));
		fputc(',', out.fp);
	}
	fputs("sdf", out.fp);
	for (int j = 0; from && j < d; j++) {
		char name[64 + 8];
		int len = snprintf(name, sizeof name, "delta_%.64s", m->names[j]);
		fputc(',', out.fp);
		ocsdf_csv_put_field(out.fp, name, (size_t)len);
	}
	fputc('\n', out.fp);

	for (size_t i0 = 0; i0 < n; i0 += CHUNK) {
		int B = n - i0 < CHUNK ? (int)(n - i0) : CHUNK;
		if (from) {
			for (int i = 0; i < B; i++)
				for (int j = 0; j < d; j++)
					z[(size_t)i * d + j] =
						(float)((ds.X[(i0 + (size_t)i) * d + j] - m->mean[j]) / m->std[j]);
		} else {
			ocsdf_sampler_init(z, B, d, OCSDF_INIT_UNIFORM, m->settings.box, NULL, &rng);
		}
		memcpy(z0, z, sizeof(float) * (size_t)B * d);
		ocsdf_sampler_walk(net, m->theta, z, B, &wo, &rng, f, g, eta, fw);
		for (int i = 0; i < B; i++) {
			/* Rows from a file are written as the raw row plus the
			 * displacement, so a row that does not move is written
			 * exactly as it was read. */
			for (int j = 0; j < d; j++) {
				size_t k = (size_t)i * d + j;
				double delta = (double)(z[k] - z0[k]) * m->std[j];
				ocsdf_csv_put_double(out.fp, from ? ds.X[(i0 + (size_t)i) * d + j] + delta
								  : z[k] * m->std[j] + m->mean[j]);
				fputc(',', out.fp);
			}
			ocsdf_csv_put_float(out.fp, f[i]);
			for (int j = 0; from && j < d; j++) {
				size_t k = (size_t)i * d + j;
				fputc(',', out.fp);
				ocsdf_csv_put_double(out.fp, (double)(z[k] - z0[k]) * m->std[j]);
			}
			fputc('\n', out.fp);
		}
		if (ferror(out.fp))
			break;
	}
	if ((rc = ocsdf_output_commit(&out, &err)))
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
