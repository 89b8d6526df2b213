/* lazylib.h: a shared library loaded on first use instead of at exec (contract).
 *
 * Why: every library linked into hsm-onboard is mapped and relocated before main() runs, for every
 * command, whether it needs the library or not. On the wizard's path to its first frame that was most
 * of the start-up time: libcrypto alone is ~25,000 relocations and ~120 page faults, p11-kit
 * pulls in libffi. The modules that wrap such a library (netlib: libcurl, cryptolib: libcrypto,
 * p11lib: p11-kit) describe it with a struct lazylib and call lazylib_load(); the library's headers are
 * still used for types and constants, so only the calls go through pointers.
 *
 * The handle is never closed: these libraries keep global state (OpenSSL's secure heap, curl's global
 * init, p11-kit's module registry) for the life of the process. */
#ifndef HSMO_LAZYLIB_H
#define HSMO_LAZYLIB_H

#include "diag.h"

/* One entry point: its name and the function pointer that receives its address. dlsym returns void *;
 * POSIX (not ISO C) lets that be stored into a function pointer through (void **)&fnptr. */
struct lazylib_sym {
	const char *name;
	void **slot;
};

struct lazylib {
	const char *soname;             /* e.g. "libcrypto.so.3" */
	const char *package;            /* the Debian runtime package, named in the error */
	const struct lazylib_sym *syms; /* ends with {NULL, NULL} */
	int loaded;
};

/* Loads the library and resolves every symbol, once per process. EX_OK, or EX_UNAVAILABLE with a
 * message naming the library and its package. A library missing a symbol is not kept. Not
 * thread-safe: the first call must come from the main thread, like everything else here. */
int lazylib_load(struct lazylib *l, struct diag *d);

/* For wrappers that cannot return an error: loads the library, or prints the reason to stderr and exits
 * with EX_UNAVAILABLE. The front ends call the module's own _load() (which reports through a diag)
 * before they can reach such a wrapper, so this only fires when the library vanished from the system
 * while we ran, or in a test program that skipped the _load(). */
void lazylib_need(struct lazylib *l);

/* ---- Generating the wrappers ----
 * A module lists the functions it uses as an X-macro, FUNCS(F, V), with F(ret, name, (params), (args))
 * for a function that returns a value and V(name, (params), (args)) for a void one. With LAZYLIB_PREFIX
 * defined as the module's name (e.g. cryptolib), the macros below declare and define, for each:
 *   - the wrapper  <prefix>_<name>(params), with the library function's own name and parameters;
 *   - the pointer  <prefix>_p_<name>, typed from the library's own declaration (__typeof__), so a
 *     wrapper whose parameters disagree with the library's prototype does not compile;
 *   - the lazylib_sym entry that fills the pointer.
 * and <prefix>_load(struct diag *), which loads the library (lazylib_load). Each wrapper calls
 * lazylib_need() first. In the header: FUNCS(LAZYLIB_DECLARE_F, LAZYLIB_DECLARE_V) and the _load
 * prototype; in the .c, the whole module is LAZYLIB_DEFINE(FUNCS, soname, Debian package). */
#define LAZYLIB_CAT_(a, b, c) a##b##c
#define LAZYLIB_CAT(a, b, c) LAZYLIB_CAT_(a, b, c)
#define LAZYLIB_WRAPPER(name) LAZYLIB_CAT(LAZYLIB_PREFIX, _, name)
#define LAZYLIB_POINTER(name) LAZYLIB_CAT(LAZYLIB_PREFIX, _p_, name)

#define LAZYLIB_DECLARE_F(ret, name, params, args) ret LAZYLIB_WRAPPER(name) params;
#define LAZYLIB_DECLARE_V(name, params, args) void LAZYLIB_WRAPPER(name) params;
#define LAZYLIB_PTR_F(ret, name, params, args) static __typeof__(&name) LAZYLIB_POINTER(name);
#define LAZYLIB_PTR_V(name, params, args) LAZYLIB_PTR_F(void, name, params, args)
#define LAZYLIB_SYM_F(ret, name, params, args) {#name, (void **)&LAZYLIB_POINTER(name)},
#define LAZYLIB_SYM_V(name, params, args) LAZYLIB_SYM_F(void, name, params, args)
#define LAZYLIB_WRAP_F(ret, name, params, args) \
	ret LAZYLIB_WRAPPER(name) params            \
	{                                           \
		lazylib_need(&LAZYLIB_WRAPPER(lib));    \
		return LAZYLIB_POINTER(name) args;      \
	}
#define LAZYLIB_WRAP_V(name, params, args)   \
	void LAZYLIB_WRAPPER(name) params        \
	{                                        \
		lazylib_need(&LAZYLIB_WRAPPER(lib)); \
		LAZYLIB_POINTER(name) args;          \
	}
/* The whole .c of a module, with LAZYLIB_PREFIX defined. */
#define LAZYLIB_DEFINE(funcs, soname, package)                                                      \
	funcs(LAZYLIB_PTR_F, LAZYLIB_PTR_V) static const struct lazylib_sym LAZYLIB_WRAPPER(syms)[] = { \
	    funcs(LAZYLIB_SYM_F, LAZYLIB_SYM_V){NULL, NULL}};                                           \
	static struct lazylib LAZYLIB_WRAPPER(lib) = {soname, package, LAZYLIB_WRAPPER(syms), 0};       \
	int LAZYLIB_WRAPPER(load)(struct diag * d)                                                      \
	{                                                                                               \
		return lazylib_load(&LAZYLIB_WRAPPER(lib), d);                                              \
	}                                                                                               \
	funcs(LAZYLIB_WRAP_F, LAZYLIB_WRAP_V)

#endif
