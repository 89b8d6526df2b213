/* fuzz_state.c: the state.json loader (state_parse). state.json is ours, but a user can edit it, a
 * crash can cut it, a disk can flip a bit; it must never crash the program, even in `status`.
 *
 * Invariants: EX_OK or EX_DATAERR with a message; after a success every enum is in range (its name is
 * not "unknown" where the loader promised a known value) and every count matches its array. */
#include "config.h"

#include "fuzz.h"

#include <string.h>
#include <sysexits.h>

#include "diag.h"
#include "secmem.h"
#include "state.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return fuzz_init_secmem(argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state st;
	state_init(&st);
	struct diag d;
	diag_clear(&d);
	int rc = state_parse((const char *)data, size, "state.json", &st, &d);
	fuzz_check_result("state_parse", rc, d.msg);
	if (rc == EX_OK) {
		if ((unsigned)st.step >= STEP_COUNT)
			fuzz_fail("step %d out of range", (int)st.step);
		if (strcmp(state_step_name(st.step), "unknown") == 0 ||
		    strcmp(state_rotation_name(st.rotation), "unknown") == 0)
			fuzz_fail("a loaded step or rotation has no name");
		(void)state_tier_name(st.tier);
		(void)state_service_type_name(st.service_type);
		(void)state_api_name(st.api);
		if ((st.n_checks && !st.checks) || (st.n_events && !st.events))
			fuzz_fail("a count without its array");
		for (size_t i = 0; i < st.n_events; i++)
			if (!st.events[i].kind)
				fuzz_fail("event %zu has no kind", i);
	}
	state_free(&st);
	return 0;
}
