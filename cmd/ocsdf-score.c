/*
 * ocsdf-score: appends the learned signed distance to every row of a CSV
 * stream.  Rows are read, scored and written in blocks, so memory does not
 * grow with the input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "model.h"
#include "output.h"
#include "score.h"

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
	"      --only             write the score column alone\n"
	"      --units KIND       model (default): distance in standardized units;\n"
	"                         raw: divided by the model's Lipschitz constant, so\n"
	"                         1-Lipschitz in the raw input units\n"
	"  -q, --quiet            no progress\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Example:\n"
	"  ocsdf-score -m cardio.model cardio.csv | ocsdf-certify --label label\n";

enum { O_COLUMN = 256, O_ONLY, O_UNITS };

static const struct option long_options[] = {
	{"model", required_argument, 0, 'm'},
	{"output", required_argument, 0, 'o'},
	{"force", no_argument, 0, 'f'},
	{"column", required_argument, 0, O_COLUMN},
	{"only", no_argument, 0, O_ONLY},
	{"units", required_argument, 0, O_UNITS},
	{"quiet", no_argument, 0, 'q'},
	{"help", no_argument, 0, 'h'},
	{"version", no_argument, 0, 'V'},
	{0, 0, 0, 0}};

int main(int argc, char **argv)
{
	static const char *const units_list[] = {"model", "raw", NULL};
	const char *model_path = NULL, *out_path = NULL, *column = "sdf", *input;
	int force = 0, only = 0, raw_units = 0, quiet = 0, c, rc, *cols;
	unsigned long long rows = 0;
	ocsdf_model *m;
	ocsdf_csv_reader *r;
	ocsdf_csv_block b;
	ocsdf_scorer *sc;
	ocsdf_output out;
	ocsdf_error err;
	float *f;
	double scale;

	ocsdf_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "m:o:fqhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'm': model_path = optarg; break;
		case 'o': out_path = optarg; break;
		case 'f': force = 1; break;
		case O_COLUMN: column = optarg; break;
		case O_ONLY: only = 1; break;
		case O_UNITS: raw_units = ocsdf_opt_choice("--units", optarg, units_list); break;
		case 'q': quiet = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': ocsdf_print_version(); return 0;
		default: ocsdf_usage_error("unknown option");
		}
	}
	if (!model_path)
		ocsdf_usage_error("a model is required (-m MODEL)");
	if (optind + 1 < argc)
		ocsdf_usage_error("too many arguments: one input FILE at most");
	if (!*column)
		ocsdf_usage_error("--column needs a non-empty name");
	(void)quiet;
	input = optind < argc ? argv[optind] : "-";

	if ((rc = ocsdf_model_load(model_path, &m, &err)))
		ocsdf_die_error(&err);
	if (!m->finished)
		ocsdf_warn("%s is the checkpoint of an interrupted training run", model_path);
	scale = raw_units ? 1.0 / m->stats.lipschitz_raw : 1.0;
	if ((rc = ocsdf_csv_open(input, &r, &err)))
		ocsdf_die_error(&err);
	cols = malloc(sizeof(int) * (size_t)m->arch.d);
	if (!cols)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");
	for (int j = 0; j < m->arch.d; j++) {
		cols[j] = -1;
		for (int k = 0; k < ocsdf_csv_ncols(r); k++)
			if (strcmp(ocsdf_csv_colname(r, k), m->names[j]) == 0) {
				cols[j] = k;
				break;
			}
		if (cols[j] < 0)
			ocsdf_die(OCSDF_EDATA, "%s: feature column '%s' of model %s is missing",
				  ocsdf_csv_filename(r), m->names[j], model_path);
	}
	if (!only)
		for (int k = 0; k < ocsdf_csv_ncols(r); k++)
			if (strcmp(ocsdf_csv_colname(r, k), column) == 0)
				ocsdf_usage_error("%s: a column named '%s' exists already; name the score "
						  "with --column",
						  ocsdf_csv_filename(r), column);
	if ((rc = ocsdf_csv_select(r, cols, m->arch.d, NULL, 0, !only, &err)))
		ocsdf_die_error(&err);
	sc = ocsdf_scorer_new(m, BLOCK);
	f = malloc(sizeof(float) * BLOCK);
	if (!sc || !f)
		ocsdf_die(OCSDF_ESOFTWARE, "out of memory");

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
	ocsdf_csv_put_field(out.fp, column, strlen(column));
	fputc('\n', out.fp);

	for (;;) {
		if ((rc = ocsdf_csv_next(r, BLOCK, &b, &err)))
			break;
		if (b.nrows == 0)
			break;
		ocsdf_scorer_run(sc, b.num, b.nrows, f);
		for (int i = 0; i < b.nrows; i++) {
			if (!only) {
				fwrite(b.raw[i], 1, b.raw_len[i], out.fp);
				fputc(',', out.fp);
			}
			ocsdf_csv_put_float(out.fp, (float)(f[i] * scale));
			fputc('\n', out.fp);
		}
		rows += (unsigned long long)b.nrows;
		if (ferror(out.fp))
			break;
	}
	if (rc) {
		ocsdf_output_abort(&out);
		ocsdf_die_error(&err);
	}
	if ((rc = ocsdf_output_commit(&out, &err)))
		ocsdf_die_error(&err);
	ocsdf_csv_close(r);
	ocsdf_scorer_free(sc);
	ocsdf_model_free(m);
	free(f);
	free(cols);
	return 0;
}
