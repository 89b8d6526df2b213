/* shim_state_names.c: TEMPORARY, until state.c (profile branch) lands on main: the two name
 * functions test_ticket needs, as state.h documents them. Removed at the merge. */
#include "config.h"

#include "state.h"

const char *state_tier_name(enum state_tier t)
{
	static const char *const names[] = {"unknown", "SBX", "ECO", "ECO-CC", "PLATINUM"};
	return (unsigned)t < 5 ? names[t] : "unknown";
}

const char *state_service_type_name(enum state_service_type s)
{
	static const char *const names[] = {"unknown", "standard", "tsbaas-multi", "tsbaas-dedicated"};
	return (unsigned)s < 4 ? names[s] : "unknown";
}
