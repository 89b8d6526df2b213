/* lazylib.c: dlopen() on first use (see lazylib.h for why). */
#include "config.h"

#include "lazylib.h"

#include "i18n.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

int lazylib_load(struct lazylib *l, struct diag *d)
{
	if (l->loaded)
		return EX_OK;
	/* RTLD_LOCAL: our wrappers are the only callers, nothing else may bind to these symbols by accident. */
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		return diag_set(d, EX_UNAVAILABLE, _("cannot load %s (install the Debian package %s): %s"), l->soname,
		                l->package, why ? why : "?");
	}
	for (const struct lazylib_sym *s = l->syms; s->name; s++) {
		*s->slot = dlsym(h, s->name);
		if (!*s->slot) {
			/* An older library than configure required: refuse it whole rather than crash later. */
			for (const struct lazylib_sym *t = l->syms; t != s; t++)
				*t->slot = NULL;
			dlclose(h);
			return diag_set(d, EX_UNAVAILABLE, _("cannot load %s (install the Debian package %s): %s"),
			                l->soname, l->package, s->name);
		}
	}
	l->loaded = 1;
	return EX_OK;
}

void lazylib_need(struct lazylib *l)
{
	if (l->loaded)
		return;
	struct diag d;
	diag_clear(&d);
	if (lazylib_load(l, &d) != EX_OK) {
		fprintf(stderr, "%s: %s\n", PACKAGE, d.msg);
		exit(EX_UNAVAILABLE);
	}
}
