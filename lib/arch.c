/* arch.c: validation of network shapes (see arch.h). */
#include "arch.h"

const char *ocsdf_arch_check(const ocsdf_arch *a)
{
	if (a->d < 1 || a->d > OCSDF_MAX_FEATURES)
		return "feature count out of range";
	if (a->width < 2 || a->width > OCSDF_MAX_WIDTH)
		return "width out of range";
	if (a->depth < 1 || a->depth > OCSDF_MAX_DEPTH)
		return "depth out of range";
	if (a->activation != OCSDF_ACT_FULLSORT && a->activation != OCSDF_ACT_GROUPSORT2)
		return "unknown activation";
	if (a->activation == OCSDF_ACT_GROUPSORT2 && a->width % 2)
		return "groupsort needs an even width";
	return 0;
}
