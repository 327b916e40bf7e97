/*
 * opt_certify.c: ocsdf-certify's own option parsing (parse_options, with
 * its --radius list and the checks of the options together) compiled into
 * the options fuzz target.  parse_options returns its message instead of
 * exiting, so it runs as it does in the program.
 */
#include <math.h>

#include "fuzz.h"

int ocsdf_certify_main(int argc, char **argv);
int fuzz_certify_options(int argc, char **argv);
#define main ocsdf_certify_main
#include "../../cmd/ocsdf-certify.c"
#undef main

/* Returns 0 if the options were accepted, else the exit code. */
int fuzz_certify_options(int argc, char **argv)
{
	options o;
	ocsdf_error e;
	int code, zeros = 0;
	optind = 0;
	code = parse_options(argc, argv, &o, &e);
	if (code) {
		FUZZ_CHECK(code == e.code && e.msg[0]);
		free(o.p.radius);
		return code;
	}
	if (o.action != OCSDF_CLI_RUN) {
		free(o.p.radius);
		return 0;
	}
	/* No radius (chosen from the data), or radius 0 among the radii
	 * (first when not given); every radius finite and >= 0. */
	FUZZ_CHECK(o.p.nradius >= 0 && (o.p.nradius == 0) == (o.p.radius == NULL));
	for (int i = 0; i < o.p.nradius; i++) {
		FUZZ_CHECK(isfinite(o.p.radius[i]) && o.p.radius[i] >= 0);
		zeros += o.p.radius[i] == 0;
	}
	FUZZ_CHECK(o.p.nradius == 0 || zeros >= 1);
	FUZZ_CHECK(o.input != NULL);
	FUZZ_CHECK(!(o.p.has_fpr && o.p.has_threshold));
	FUZZ_CHECK(o.p.lipschitz > 0 && isfinite(o.p.lipschitz));
	FUZZ_CHECK(ocsdf_certify_check_params(&o.p, &e) == 0);
	free(o.p.radius);
	return 0;
}
