/*
 * opt_certify.c: ocsdf-certify's own option parsing (parse_options, with
 * its --radius list) compiled into the options fuzz target.
 */
#include "fuzz_exit.h"

int ocsdf_certify_main(int argc, char **argv);
int fuzz_certify_options(int argc, char **argv);
#define main ocsdf_certify_main
#include "../../cmd/ocsdf-certify.c"
#undef main

#include "fuzz.h"

/* Returns 0 if the options were accepted, else the exit code. */
int fuzz_certify_options(int argc, char **argv)
{
	static options o;
	int code;
	optind = 0;
	memset(&o, 0, sizeof o);
	code = setjmp(fuzz_exit_jmp);
	if (code) {
		free(o.radius);
		return code - FUZZ_EXITED;
	}
	parse_options(argc, argv, &o);
	/* Radius 0 among the radii (first when not given); every radius
	 * finite and >= 0. */
	int zeros = 0;
	FUZZ_CHECK(o.nradius >= 1 && o.radius != NULL);
	for (int i = 0; i < o.nradius; i++) {
		FUZZ_CHECK(isfinite(o.radius[i]) && o.radius[i] >= 0);
		zeros += o.radius[i] == 0;
	}
	FUZZ_CHECK(zeros >= 1);
	FUZZ_CHECK(o.input != NULL);
	FUZZ_CHECK(!(o.has_fpr && o.has_threshold));
	FUZZ_CHECK(o.lipschitz > 0 && isfinite(o.lipschitz));
	free(o.radius);
	return 0;
}
