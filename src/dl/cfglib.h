/* cfglib.h: libconfig, loaded on first use (contract).
 *
 * Why: only the cluster table and primus.cfg need libconfig, never the wizard's first frame; linked,
 * it was mapped and relocated at every start (lazylib.h). <libconfig.h> still gives the
 * types, constants and the macros that read struct fields (config_error_text, config_setting_type,
 * ...). Each wrapper has the library function's name and parameters, prefixed with cfglib_. */
#ifndef HSMO_CFGLIB_H
#define HSMO_CFGLIB_H

#include "diag.h"
#include "lazylib.h"

#include <libconfig.h>

/* The soname loaded; the runtime package is libconfig9. */
#define CFGLIB_SONAME "libconfig.so.9"

/* Loads the library once per process: EX_OK, or EX_UNAVAILABLE naming the library and its package.
 * A wrapper called before it loads the library itself, or exits the process (lazylib_need). */
int cfglib_load(struct diag *d);

/* F(return type, name, parameters, arguments), V(name, parameters, arguments): see lazylib.h. */
#define CFGLIB_FUNCS(F, V)                                                                                \
	V(config_init, (config_t * config), (config))                                                         \
	V(config_destroy, (config_t * config), (config))                                                      \
	F(int, config_read_string, (config_t * config, const char *str), (config, str))                       \
	V(config_write, (const config_t *config, FILE *stream), (config, stream))                             \
	F(config_setting_t *, config_lookup, (const config_t *config, const char *path), (config, path))      \
	F(int, config_lookup_string, (const config_t *config, const char *path, const char **value),          \
	  (config, path, value))                                                                              \
	F(config_setting_t *, config_setting_add, (config_setting_t * parent, const char *name, int type),    \
	  (parent, name, type))                                                                               \
	F(config_setting_t *, config_setting_get_elem, (const config_setting_t *setting, unsigned int idx),   \
	  (setting, idx))                                                                                     \
	F(config_setting_t *, config_setting_get_member, (const config_setting_t *setting, const char *name), \
	  (setting, name))                                                                                    \
	F(int, config_setting_get_int, (const config_setting_t *setting), (setting))                          \
	F(const char *, config_setting_get_string, (const config_setting_t *setting), (setting))              \
	F(int, config_setting_length, (const config_setting_t *setting), (setting))                           \
	F(int, config_setting_set_int, (config_setting_t * setting, int value), (setting, value))             \
	F(int, config_setting_set_string, (config_setting_t * setting, const char *value), (setting, value))  \
	F(int, config_setting_set_bool, (config_setting_t * setting, int value), (setting, value))            \
	F(int, config_setting_get_bool, (const config_setting_t *setting), (setting))                         \
	F(int, config_setting_remove, (config_setting_t * parent, const char *name), (parent, name))

#define LAZYLIB_PREFIX cfglib
CFGLIB_FUNCS(LAZYLIB_DECLARE_F, LAZYLIB_DECLARE_V)
#undef LAZYLIB_PREFIX

#endif
