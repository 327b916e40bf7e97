/*
 * opt_mesh.c: ocsdf-mesh's --box and the grid it chooses, for the options
 * fuzz target.  The value is parsed as the program parses it (a list when
 * it holds a comma, else one number K), then checked and turned into a
 * grid by the library (ocsdf_grid_check_box, ocsdf_grid_choose in
 * lib/grid.c), which return their refusals instead of exiting.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"
#include "grid.h"

int fuzz_mesh_grid(const char *box_arg, int d, int resolution, const double *mean,
		   const double *std);

/* Returns 0 if the box was accepted and the grid checked, else the exit
 * code of the program. */
int fuzz_mesh_grid(const char *box_arg, int d, int resolution, const double *mean,
		   const double *std)
{
	static const char *const names[] = {"x", "y", "z"};
	ocsdf_grid_spec s = {d, mean, std, names, resolution, NULL, 0, 0, NULL, 0};
	double *box = NULL, lo[3], hi[3];
	int n[3], code;
	ocsdf_error e;

	FUZZ_CHECK(d == 2 || d == 3);
	if (box_arg && strchr(box_arg, ',')) {
		if (ocsdf_parse_double_list(box_arg, -1e30, 1e30, &box, &s.nbox) != 0)
			return 64;
		s.box = box;
	} else if (box_arg && ocsdf_parse_double(box_arg, 1e-6, 1e6, &s.box_k) != 0) {
		return 64;
	}
	code = ocsdf_grid_check_box(&s, &e);
	if (!code)
		code = ocsdf_grid_choose(&s, lo, hi, n, &e);
	/* A grid the extraction can use: finite bounds, at least two points a
	 * side, never more than the resolution asked for. */
	for (int k = 0; k < d && !code; k++) {
		FUZZ_CHECK(isfinite(lo[k]) && isfinite(hi[k]) && lo[k] < hi[k]);
		FUZZ_CHECK(n[k] >= 2 && n[k] <= resolution);
	}
	FUZZ_CHECK(!code || (code == 64 && e.msg[0]));
	free(box);
	return code;
}
