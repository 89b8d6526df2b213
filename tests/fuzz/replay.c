/* replay.c: replays a fuzz target's saved corpus through its harness, without libFuzzer.
 *
 * Built once per target with the target's harness (tests/fuzz/fuzz_<target>.c) and run by every
 * `make check`, so an input that once crashed a parser keeps proving the fix in every build, gcc,
 * release, ASan+UBSan and valgrind alike. Without arguments it replays
 * $top_srcdir/tests/fuzz/<target>/corpus; with arguments, each file or directory given (handy to
 * reproduce a crash file that libFuzzer saved). Each input is copied into a buffer of exactly its size,
 * so an over-read hits the sanitizer's redzone, as under libFuzzer. */
#include "config.h"

#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the fuzz target"
#endif

/* A corpus file larger than this is a mistake (libFuzzer's -max_len is far below it). */
#define REPLAY_MAX (1024 * 1024)

static int replay_count;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	unsigned char *buf = malloc(REPLAY_MAX);
	if (!buf) {
		fclose(f);
		return -1;
	}
	size_t n = fread(buf, 1, REPLAY_MAX, f);
	int err = ferror(f) || !feof(f);
	fclose(f);
	if (err) {
		fprintf(stderr, "replay: %s: read error or larger than %d bytes\n", path, REPLAY_MAX);
		free(buf);
		return -1;
	}
	/* Exactly n bytes, so reading one past the end is caught. malloc(0) may return NULL. */
	unsigned char *exact = malloc(n ? n : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	replay_count++;
	return 0;
}

static int replay_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	DIR *dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* Sorted, so a failure names the same file on every run. */
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **more = realloc(names, cap * sizeof *names);
			if (!more) {
				rc = -1;
				break;
			}
			names = more;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof *names, replay_name_cmp);
	for (size_t i = 0; i < n; i++) {
		char child[PATH_MAX];
		if (rc == 0 && (size_t)snprintf(child, sizeof child, "%s/%s", path, names[i]) < sizeof child)
			rc = replay_path(child);
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	int rc = 0;
	if (argc > 1) {
		for (int i = 1; i < argc && rc == 0; i++)
			rc = replay_path(argv[i]);
	} else {
		const char *top = getenv("top_srcdir");
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s/tests/fuzz/%s/corpus", top && *top ? top : FUZZ_SRCDIR, FUZZ_TARGET);
		rc = replay_path(dir);
	}
	printf("replay %s: %d inputs\n", FUZZ_TARGET, replay_count);
	/* Replaying nothing would pass while proving nothing. */
	if (rc != 0 || replay_count == 0)
		return 99;
	return 0;
}
