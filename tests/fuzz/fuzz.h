/* fuzz.h: the libFuzzer entry points every harness defines once (tests/fuzz/fuzz_<target>.c).
 *
 * The same harness file links either with libFuzzer (--enable-fuzzing, clang) or with replay.c, the
 * main that replays the committed corpus in every `make check`, gcc builds included. A harness checks
 * the module's contract, not only "no crash": a violated invariant calls fuzz_fail(), which aborts, so
 * both libFuzzer and the replay report it as a crash. */
#ifndef HSMO_FUZZ_H
#define HSMO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message: an invariant of the module's contract did not hold. */
#define fuzz_fail(...) \
	do { \
		fprintf(stderr, "fuzz invariant violated at %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} while (0)

/* With FUZZ_VERBOSE set in the environment, prints each input's result (for the replay of one file). */
static inline void fuzz_note(int rc, const char *msg)
{
	static int verbose = -1;
	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "result %d: %s\n", rc, msg && *msg ? msg : "(no message)");
}

/* The contract every parser under test shares: EX_OK or EX_DATAERR, and a failure says why. FN names
 * the function under test in the report. */
static inline void fuzz_check_result(const char *fn, int rc, const char *msg)
{
	fuzz_note(rc, msg);
	if (rc != EX_OK && rc != EX_DATAERR)
		fuzz_fail("%s returned %d, not EX_OK or EX_DATAERR", fn, rc);
	if (rc != EX_OK && (!msg || msg[0] == '\0'))
		fuzz_fail("%s failed with an empty message", fn);
}

/* The LLVMFuzzerInitialize of a harness whose module needs only the secure heap (secrets live there);
 * a macro, so that the harness's own include of secmem.h serves. */
#define fuzz_init_secmem(argc, argv) ((void)(argc), (void)(argv), secmem_init(NULL), 0)

#endif
