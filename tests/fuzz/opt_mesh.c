/*
 * opt_mesh.c: ocsdf-mesh's --box handling and its grid choice
 * (choose_grid) compiled into the options fuzz target.  The --box checks
 * below are the ones main() makes, in the same order.
 */
#include "fuzz_exit.h"

int ocsdf_mesh_main(int argc, char **argv);
int fuzz_mesh_grid(const char *box_arg, int d, int resolution, const double *mean,
		   const double *std);
#define main ocsdf_mesh_main
#include "../../cmd/ocsdf-mesh.c"
#undef main

#include "fuzz.h"

/* Returns 0 if the box was accepted and the grid checked, else the exit
 * code of the program. */
int fuzz_mesh_grid(const char *box_arg, int d, int resolution, const double *mean,
		   const double *std)
{
	static options o;
	ocsdf_arch a = {d, 4, 1, OCSDF_ACT_FULLSORT};
	ocsdf_model *m = ocsdf_model_new(&a, 0);
	double lo[3], hi[3];
	int n[3], code;

	FUZZ_CHECK(m != NULL && (d == 2 || d == 3));
	memcpy(m->mean, mean, sizeof(double) * (size_t)d);
	memcpy(m->std, std, sizeof(double) * (size_t)d);
	memset(&o, 0, sizeof o);
	o.resolution = resolution;
	code = setjmp(fuzz_exit_jmp);
	if (code) {
		free(o.box);
		ocsdf_model_free(m);
		return code - FUZZ_EXITED;
	}
	if (box_arg) {
		if (strchr(box_arg, ',')) {
			o.box = ocsdf_opt_double_list("--box", box_arg, -1e30, 1e30, &o.nbox);
		} else {
			o.box_k = ocsdf_opt_double("--box", box_arg, 1e-6, 1e6);
		}
	}
	if (o.box) {
		if (o.nbox != 2 * d)
			ocsdf_usage_error("--box: wrong count");
		for (int k = 0; k < d; k++)
			if (!(o.box[2 * k] < o.box[2 * k + 1]))
				ocsdf_usage_error("--box: not LO < HI");
	}
	choose_grid(&o, m, NULL, lo, hi, n);
	/* A grid the extraction can use: finite bounds, at least two points a
	 * side, never more than the resolution asked for. */
	for (int k = 0; k < d; k++) {
		FUZZ_CHECK(isfinite(lo[k]) && isfinite(hi[k]) && lo[k] < hi[k]);
		FUZZ_CHECK(n[k] >= 2 && n[k] <= resolution);
	}
	free(o.box);
	ocsdf_model_free(m);
	return 0;
}
