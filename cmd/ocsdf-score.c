/*
 * ocsdf-score: appends the learned signed distance to every row of a CSV
 * stream.  Rows are read, scored and written in blocks, so memory does not
 * grow with the input.  With --attack it also appends, for each radius, the
 * score after an l2 PGD attack on the row (lib/attack.h): the empirical
 * counterpart of ocsdf-certify's certificate.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attack.h"
#include "cli.h"
#include "csv.h"
#include "label.h"
#include "model.h"
#include "output.h"
#include "score.h"
#include "text.h"

enum { BLOCK = 4096 };

static const char usage_text[] =
	"Usage: ocsdf-score -m MODEL [OPTION]... [FILE]\n"
	"Append the signed distance learned by ocsdf-train to each row of a CSV FILE\n"
	"(or standard input): positive inside the data's support (normal), negative\n"
	"outside (anomalous).\n"
	"\n"
	"  -m, --model MODEL      model file (required)\n"
	"  -o, --output FILE      write here instead of standard output\n"
	"  -f, --force            overwrite an existing output file\n"
	"      --column NAME      name of the score column (default sdf)\n"
	"      --only             write the score columns alone\n"
	"      --units KIND       model (default): distance in standardized units;\n"
	"                         raw: divided by the model's Lipschitz constant, so\n"
	"                         1-Lipschitz in the raw input units\n"
	"  -q, --quiet            no progress\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Attack (empirical robustness):\n"
	"      --attack pgd       also write each row's score after an l2 PGD attack\n"
	"                         that lowers normal and raises anomalous scores\n"
	"      --radius LIST      attack radii, comma-separated, in RAW input units;\n"
	"                         one column per radius (required with --attack)\n"
	"      --label COL        label column saying which rows are anomalies\n"
	"      --anomaly VALUE    label value of anomalies (default 1)\n"
	"      --normal VALUE     label value of normal rows (default 0); any other\n"
	"                         label is an error\n"
	"      --attack-steps N   gradient steps per restart (default 20)\n"
	"      --restarts N       random starts in the ball per row (default 3)\n"
	"      --seed N           seed of the random starts (default 1)\n"
	"      --attack-column NAME\n"
	"                         name of the attacked column (default COLUMN_pgd;\n"
	"                         with several radii NAME_R, e.g. sdf_pgd_0.1)\n"
	"\n"
	"Examples:\n"
	"  ocsdf-score -m cardio.model cardio.csv | ocsdf-certify --label label\n"
	"  ocsdf-score -m cardio.model --attack pgd --radius 0.1 --label label \\\n"
	"      cardio.csv | ocsdf-certify --score sdf_pgd --label label\n";

enum {
	O_COLUMN = 256,
	O_ONLY,
	O_UNITS,
	O_ATTACK,
	O_RADIUS,
	O_LABEL,
	O_ANOMALY,
	O_NORMAL,
	O_STEPS,
	O_RESTARTS,
	O_SEED,
	O_ATTACK_COLUMN
};

static const struct option long_options[] = {
	{"model", required_argument, 0, 'm'},
	{"output", required_argument, 0, 'o'},
	{"force", no_argument, 0, 'f'},
	{"column", required_argument, 0, O_COLUMN},
	{"only", no_argument, 0, O_ONLY},
	{"units", required_argument, 0, O_UNITS},
	{"attack", required_argument, 0, O_ATTACK},
	{"radius", required_argument, 0, O_RADIUS},
	{"label", required_argument, 0, O_LABEL},
	{"anomaly", required_argument, 0, O_ANOMALY},
	{"normal", required_argument, 0, O_NORMAL},
	{"attack-steps", required_argument, 0, O_STEPS},
	{"restarts", required_argument, 0, O_RESTARTS},
	{"seed", required_argument, 0, O_SEED},
	{"attack-column", required_argument, 0, O_ATTACK_COLUMN},
	{"quiet", no_argument, 0, 'q'},
	{"help", no_argument, 0, 'h'},
	{"version", no_argument, 0, 'V'},
	{0, 0, 0, 0}};

/* Dies with a usage error if name is taken by an input column (when the
 * input passes through) or by one of the names[0..n) already chosen. */
static void check_name(const ocsdf_csv_reader *r, int passthrough, const char *name,
		       char *const *names, int n)
{
	char b[64];
	if (passthrough)
		for (int k = 0; k < ocsdf_csv_ncols(r); k++)
			if (strcmp(ocsdf_csv_colname(r, k), name) == 0)
				ocsdf_usage_error("%s: a column named '%s' exists already; name the score "
						  "with --column%s",
						  ocsdf_csv_filename(r), ocsdf_text_shown(name, b, sizeof b),
						  n ? " or --attack-column" : "");
	for (int k = 0; k < n; k++)
		if (strcmp(names[k], name) == 0)
			ocsdf_usage_error("two output columns would be named '%s'", ocsdf_text_shown(name, b, sizeof b));
}

int main(int argc, char **argv)
{
	static const char *const units_list[] = {"model", "raw", NULL};
	static const char *const attack_list[] = {"pgd", NULL};
	const char *model_path = NULL, *out_path = NULL, *column = "sdf", *input;
	const char *label_col = NULL, *anomaly = "1", *normal = "0", *attack_column = NULL;
	const char *attack_opt = NULL;
	int force = 0, only = 0, raw_units = 0, quiet = 0, attack = 0, c, rc, *cols, lcol = -1;
	int nrad = 0, progress;
	double *radius = NULL;
	unsigned long long rows = 0;
	ocsdf_attack_params ap = {20, 3, 1};
	ocsdf_model *m;
	ocsdf_csv_reader *r;
	ocsdf_csv_block b;
	ocsdf_scorer *sc;
	ocsdf_attack *atk = NULL;
	ocsdf_output out;
	ocsdf_error err;
	float *f, *adv = NULL;
	signed char *push = NULL;
	char **names;
	double scale;

	ocsdf_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, ":m:o:fqhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'm': model_path = optarg; break;
		case 'o': out_path = ocsdf_opt_output("-o", optarg); break;
		case 'f': force = 1; break;
		case O_COLUMN: column = optarg; break;
		case O_ONLY: only = 1; break;
		case O_UNITS: raw_units = ocsdf_opt_choice("--units", optarg, units_list); break;
		case O_ATTACK:
			ocsdf_opt_choice("--attack", optarg, attack_list);
			attack = 1;
			break;
		case O_RADIUS:
			free(radius);
			radius = ocsdf_opt_double_list("--radius", optarg, 0, OCSDF_ATTACK_MAX_RADIUS, &nrad);
			attack_opt = "--radius";
			break;
		case O_LABEL: label_col = optarg; attack_opt = "--label"; break;
		case O_ANOMALY: anomaly = optarg; attack_opt = "--anomaly"; break;
		case O_NORMAL: normal = optarg; attack_opt = "--normal"; break;
		case O_STEPS:
			ap.steps = (int)ocsdf_opt_long("--attack-steps", optarg, 1, OCSDF_ATTACK_MAX_STEPS);
			attack_opt = "--attack-steps";
			break;
		case O_RESTARTS:
			ap.restarts = (int)ocsdf_opt_long("--restarts", optarg, 1, OCSDF_ATTACK_MAX_RESTARTS);
			attack_opt = "--restarts";
			break;
		case O_SEED:
			ap.seed = (uint64_t)ocsdf_opt_long("--seed", optarg, 0, 0x7fffffffffffffffL);
			attack_opt = "--seed";
			break;
		case O_ATTACK_COLUMN: attack_column = optarg; attack_opt = "--attack-column"; break;
		case 'q': quiet = 1; break;
		case 'h': return ocsdf_print_text(usage_text);
		case 'V': return ocsdf_print_version();
		case ':': ocsdf_missing_value(argv[optind - 1]);
		default: ocsdf_bad_option(argv[optind - 1]);
		}
	}
	if (!model_path)
		ocsdf_usage_error("a model is required (-m MODEL)");
	if (optind + 1 < argc)
		ocsdf_usage_error("too many arguments: one input FILE at most");
	if (!*column)
		ocsdf_usage_error("--column needs a non-empty name");
	if (!attack && attack_opt)
		ocsdf_usage_error("%s is an attack option: it needs --attack pgd", attack_opt);
	if (attack) {
		if (!radius)
			ocsdf_usage_error("--attack needs radii (--radius LIST, raw input units)");
		if (!label_col)
			ocsdf_usage_error("--attack needs the label column (--label COL): it says which "
					  "way to push each row");
		if (attack_column && !*attack_column)
			ocsdf_usage_error("--attack-column needs a non-empty name");
		if (ocsdf_label_check_values(anomaly, normal, &err))
			ocsdf_usage_error("%s", err.msg);
		for (int k = 0; k < nrad; k++)
			for (int j = 0; j < k; j++)
				if (radius[j] == radius[k])
					ocsdf_usage_error("radius %g is listed twice in --radius", radius[k]);
	}
	progress = attack && ocsdf_progress_enabled(quiet);
	input = optind < argc ? argv[optind] : "-";

	if ((rc = ocsdf_model_load(model_path, &m, &err)))
		ocsdf_die_error(&err);
	if (!m->finished)
		ocsdf_warn("%s is the checkpoint of an interrupted training run", model_path);
	scale = raw_units ? 1.0 / m->stats.lipschitz_raw : 1.0;
	if ((rc = ocsdf_csv_open(input, &r, &err)))
		ocsdf_die_error(&err);
	cols = malloc(sizeof(int) * (size_t)m->arch.d);
	names = calloc((size_t)nrad + 1, sizeof *names);
	if (!cols || !names)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	for (int j = 0; j < m->arch.d; j++) {
		char what[64 + OCSDF_ERROR_MAX / 2];
		snprintf(what, sizeof what, "a feature of model %s", model_path);
		if ((rc = ocsdf_csv_find_name(r, m->names[j], what, &cols[j], &err)))
			ocsdf_die_error(&err);
	}
	if (attack) {
		if ((rc = ocsdf_csv_find(r, label_col, &lcol, &err)))
			ocsdf_die_error(&err);
		for (int j = 0; j < m->arch.d; j++)
			if (cols[j] == lcol)
				ocsdf_usage_error("--label names '%s', a feature column of the model",
						  m->names[j]);
	}

	/* Output column names: the score, then one per radius. */
	names[0] = strdup(column);
	if (!names[0])
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	check_name(r, !only, names[0], names, 0);
	for (int k = 0; k < nrad; k++) {
		char rb[OCSDF_TEXT_NUMBER_MAX];
		size_t len;
		/* The shortest text: the column name says exactly which radius. */
		ocsdf_text_number(rb, sizeof rb, radius[k], 1);
		len = (attack_column ? strlen(attack_column) : strlen(column) + 4) + strlen(rb) + 2;
		names[k + 1] = malloc(len);
		if (!names[k + 1])
			ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
		if (attack_column)
			snprintf(names[k + 1], len, nrad == 1 ? "%s" : "%s_%s", attack_column, rb);
		else
			snprintf(names[k + 1], len, nrad == 1 ? "%s_pgd" : "%s_pgd_%s", column, rb);
		check_name(r, !only, names[k + 1], names, k + 1);
	}

	if ((rc = ocsdf_csv_select(r, cols, m->arch.d, attack ? &lcol : NULL, attack, !only, &err)))
		ocsdf_die_error(&err);
	ocsdf_csv_check_scale(r, m->mean, m->std);
	sc = ocsdf_scorer_new(m, BLOCK);
	f = malloc(sizeof(float) * BLOCK);
	if (!sc || !f)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	if (attack) {
		atk = ocsdf_attack_new(m, sc, BLOCK);
		adv = malloc(sizeof(float) * BLOCK * (size_t)nrad);
		push = malloc(BLOCK);
		if (!atk || !adv || !push)
			ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	}

	ocsdf_output_protect_input(input);
	ocsdf_output_protect_input(model_path);
	ocsdf_output_cleanup_on_signals();
	if ((rc = ocsdf_output_open(&out, out_path, force, &err)))
		ocsdf_die_error(&err);
	if (!only) {
		size_t len;
		const char *h = ocsdf_csv_header_raw(r, &len);
		fwrite(h, 1, len, out.fp);
		fputc(',', out.fp);
	}
	for (int k = 0; k <= nrad; k++) {
		if (k)
			fputc(',', out.fp);
		ocsdf_csv_put_field(out.fp, names[k], strlen(names[k]));
	}
	fputc('\n', out.fp);

	for (;;) {
		if ((rc = ocsdf_csv_next(r, BLOCK, &b, &err)))
			break;
		if (b.nrows == 0)
			break;
		if (attack)
			for (int i = 0; i < b.nrows; i++) {
				int anom = ocsdf_label_class(b.text[i], anomaly, normal, ocsdf_csv_filename(r),
							     b.line[i], ocsdf_csv_colname(r, lcol), &err);
				if (anom < 0) {
					ocsdf_output_abort(&out);
					ocsdf_die_error(&err);
				}
				push[i] = anom ? 1 : -1;
			}
		ocsdf_scorer_run(sc, b.num, b.nrows, f);
		for (int k = 0; k < nrad; k++)
			ocsdf_attack_pgd(atk, b.num, push, b.nrows, radius[k], &ap, rows,
					 adv + (size_t)k * BLOCK, NULL);
		for (int i = 0; i < b.nrows; i++) {
			if (!only) {
				fwrite(b.raw[i], 1, b.raw_len[i], out.fp);
				fputc(',', out.fp);
			}
			ocsdf_csv_put_float(out.fp, (float)(f[i] * scale));
			for (int k = 0; k < nrad; k++) {
				fputc(',', out.fp);
				ocsdf_csv_put_float(out.fp, (float)(adv[(size_t)k * BLOCK + i] * scale));
			}
			fputc('\n', out.fp);
		}
		rows += (unsigned long long)b.nrows;
		if (progress)
			fprintf(stderr, "\r%s: %llu rows attacked", ocsdf_cli_name(), rows);
		if (ferror(out.fp))
			break;
	}
	if (progress && rows)
		fputc('\n', stderr);
	if (rc) {
		ocsdf_output_abort(&out);
		ocsdf_die_error(&err);
	}
	if ((rc = ocsdf_output_commit(&out, &err)))
		ocsdf_die_error(&err);
	ocsdf_csv_close(r);
	ocsdf_attack_free(atk);
	ocsdf_scorer_free(sc);
	ocsdf_model_free(m);
	for (int k = 0; k <= nrad; k++)
		free(names[k]);
	free(names);
	free(radius);
	free(adv);
	free(push);
	free(f);
	free(cols);
	return 0;
}
