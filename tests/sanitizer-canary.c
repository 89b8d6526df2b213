/* sanitizer-canary.c: one deliberate bug per argument, so tests/sanitizers.sh can prove that, with the
 * environment `make check` gives every test, a sanitizer report really fails the run: a heap overflow
 * (ASan), a leak (LSan, detect_leaks), a signed overflow (UBSan, halt_on_error). Not the product. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	/* volatile: the compiler must not see through the bugs and fold them away. */
	volatile int index = 8;
	if (strcmp(argv[1], "overflow") == 0) {
		char *p = malloc(8);
		if (!p)
			return 2;
		/* Through memset, which ASan checks and UBSan's object-size check does not see. */
		memset(p, 'x', (size_t)index + 1);
		printf("%c\n", p[0]);
		free(p);
	} else if (strcmp(argv[1], "leak") == 0) {
		char *p = malloc(64);
		if (!p)
			return 2;
		snprintf(p, 64, "leaked %d", index);
		puts(p);
		p = NULL;
	} else if (strcmp(argv[1], "ub") == 0) {
		volatile int big = INT_MAX;
		int sum = big + index;
		printf("%d\n", sum);
	} else {
		return 2;
	}
	return 0;
}
