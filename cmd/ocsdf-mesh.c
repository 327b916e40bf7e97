/* ocsdf-mesh: placeholder until the program is written; says so and exits 69. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int main(int argc, char **argv)
{
	ocsdf_cli_init(argv[0]);
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		ocsdf_print_version();
		return 0;
	}
	ocsdf_die(OCSDF_EUNAVAIL, "not available yet in this version of ocsdf");
}
