/* wiz_engine.h: the engine context the rotation and provider screens share, filled from the profile's
 * state and vault the same way for both (what `connect` and `config` set up). */
#ifndef HSMO_UI_WIZ_ENGINE_H
#define HSMO_UI_WIZ_ENGINE_H

#include "engine.h"
#include "wiz.h"

/* Fills e from the profile (engine, module, token, users, cluster hosts, vault secrets) and opens the
 * engine. 0, or the error on the status line. Close with wiz_engine_close. */
int wiz_engine_open(struct wiz *w, struct engine_ctx *e);
void wiz_engine_close(struct engine_ctx *e);
/* Where the provider configuration goes: the folder recorded, else profile_config_dir. */
void wiz_engine_config_dir(const struct wiz *w, char *buf, size_t size);

#endif
