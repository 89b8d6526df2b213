/* filelist.h: the files a command wrote, each with what it is, for the front end to list (engines'
 * write_config, the targets, README.txt). */
#ifndef HSMO_FILELIST_H
#define HSMO_FILELIST_H

#include <stddef.h>

struct filelist {
	size_t n;
	char *path[16];
	char *what[16]; /* translated one-word description: "URI", "PIN file", ... */
};
/* Records a written file and its translated description; -1 when the list is full. */
int filelist_add(struct filelist *f, const char *path, const char *what);
void filelist_free(struct filelist *f);

#endif
