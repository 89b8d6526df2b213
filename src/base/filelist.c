/* filelist.c: the files a command wrote (filelist.h). */
#include "config.h"

#include "filelist.h"

#include <stdlib.h>
#include <string.h>

int filelist_add(struct filelist *f, const char *path, const char *what)
{
	if (f->n >= sizeof f->path / sizeof f->path[0])
		return -1;
	f->path[f->n] = strdup(path);
	f->what[f->n] = strdup(what);
	f->n++;
	return 0;
}

void filelist_free(struct filelist *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->path[i]);
		free(f->what[i]);
	}
	memset(f, 0, sizeof *f);
}
