/* engine_port.c: the part of the engines' contract that is no engine's own (engine_port.h). */
#include "config.h"

#include "engine_port.h"

#include "clusters.h"
#include "secmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void engine_ctx_init(struct engine_ctx *e, const struct engine_ops *ops)
{
	memset(e, 0, sizeof *e);
	e->ops = ops;
	e->slot = -1;
	e->port = clusters_api_port(API_PKCS11);
}

void engine_set_code(struct engine_ctx *e, const char *code, int rejected, int locked)
{
	snprintf(e->err.code, sizeof e->err.code, "%s", code ? code : "");
	e->err.rejected = rejected;
	e->err.locked = locked;
}

void engine_kept_free(struct engine_kept *k)
{
	secmem_free(k->secrets);
	free(k->cfg);
	memset(k, 0, sizeof *k);
}

int engine_uses_provider_files(const char *engine)
{
	const struct engine_ops *ops = engine_find(engine);
	return ops && ops->secret_file && strcmp(ops->secret_file, ENGINE_PRIMUS_SECRETS_NAME) == 0;
}
