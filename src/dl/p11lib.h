/* p11lib.h: p11-kit, loaded on first use (contract).
 *
 * Why: linking libp11-kit (and the libffi it pulls in) cost every start of hsm-onboard ~0.3 ms and ~35
 * page faults before main() runs, though only the pkcs11 engine and the demo's token set-up load a
 * PKCS#11 module (lazylib.h). <p11-kit/p11-kit.h> still gives the types and constants.
 * Each wrapper has the p11-kit function's name and parameters, prefixed with p11lib_. */
#ifndef HSMO_P11LIB_H
#define HSMO_P11LIB_H

#include "diag.h"
#include "lazylib.h"

#include <p11-kit/p11-kit.h>

/* The soname loaded; the runtime package is libp11-kit0 (a dependency of libp11-kit-dev). */
#define P11LIB_SONAME "libp11-kit.so.0"

/* Loads p11-kit once per process: EX_OK, or EX_UNAVAILABLE naming the library and its package.
 * A wrapper called before it loads the library itself, or exits the process (lazylib_need). */
int p11lib_load(struct diag *d);

/* F(return type, name, parameters, arguments), V(name, parameters, arguments): see lazylib.h. */
#define P11LIB_FUNCS(F, V)                                                                                 \
	F(CK_FUNCTION_LIST *, p11_kit_module_load, (const char *module_path, int flags), (module_path, flags)) \
	F(CK_RV, p11_kit_module_initialize, (CK_FUNCTION_LIST * module), (module))                             \
	F(CK_RV, p11_kit_module_finalize, (CK_FUNCTION_LIST * module), (module))                               \
	V(p11_kit_module_release, (CK_FUNCTION_LIST * module), (module))                                       \
	F(const char *, p11_kit_message, (void), ())                                                           \
	F(const char *, p11_kit_strerror, (CK_RV rv), (rv))

#define LAZYLIB_PREFIX p11lib
P11LIB_FUNCS(LAZYLIB_DECLARE_F, LAZYLIB_DECLARE_V)
#undef LAZYLIB_PREFIX

#endif
