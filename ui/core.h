/* core.h: which core modules this tree has, for the wizard's screens.
 *
 * The core is built in parallel by several people, and its headers (the contracts) land before their
 * implementations. A screen must never fake a step whose core function is missing: it names the CLI
 * command instead. Each HAVE_CORE_* below is true when the module's source is in the tree (and so in
 * libhsmonboard.a, whose Makefile.am block lists it), found on the include path beside the headers. */
#ifndef HSMO_UI_CORE_H
#define HSMO_UI_CORE_H

#if !defined(__has_include)
#error "the wizard needs a compiler with __has_include (GCC 5, clang 3)"
#endif

#if __has_include("credfile.c")
#define HAVE_CORE_CREDFILE 1
#else
#define HAVE_CORE_CREDFILE 0
#endif
#if __has_include("state.c")
#define HAVE_CORE_STATE 1
#else
#define HAVE_CORE_STATE 0
#endif
#if __has_include("vault.c")
#define HAVE_CORE_VAULT 1
#else
#define HAVE_CORE_VAULT 0
#endif
#if __has_include("profile.c")
#define HAVE_CORE_PROFILE 1
#else
#define HAVE_CORE_PROFILE 0
#endif
#if __has_include("import.c")
#define HAVE_CORE_IMPORT 1
#else
#define HAVE_CORE_IMPORT 0
#endif
#if __has_include("expiry.c")
#define HAVE_CORE_EXPIRY 1
#else
#define HAVE_CORE_EXPIRY 0
#endif
#if __has_include("qr.c")
#define HAVE_CORE_QR 1
#else
#define HAVE_CORE_QR 0
#endif
#if __has_include("ticket.c")
#define HAVE_CORE_TICKET 1
#else
#define HAVE_CORE_TICKET 0
#endif
#if __has_include("clusters.c")
#define HAVE_CORE_CLUSTERS 1
#else
#define HAVE_CORE_CLUSTERS 0
#endif
#if __has_include("netcheck.c")
#define HAVE_CORE_NETCHECK 1
#else
#define HAVE_CORE_NETCHECK 0
#endif
#if __has_include("fetch.c")
#define HAVE_CORE_FETCH 1
#else
#define HAVE_CORE_FETCH 0
#endif
#if __has_include("watch.c")
#define HAVE_CORE_WATCH 1
#else
#define HAVE_CORE_WATCH 0
#endif
#if __has_include("rotation.c")
#define HAVE_CORE_ROTATION 1
#else
#define HAVE_CORE_ROTATION 0
#endif
#if __has_include("engine_pkcs11.c")
#define HAVE_CORE_ENGINE_PKCS11 1
#else
#define HAVE_CORE_ENGINE_PKCS11 0
#endif

/* Modules that are useless without others: the wizard uses them together. */
#if !(HAVE_CORE_CREDFILE && HAVE_CORE_PROFILE && HAVE_CORE_STATE && HAVE_CORE_VAULT)
#undef HAVE_CORE_IMPORT
#define HAVE_CORE_IMPORT 0
#endif
#if !(HAVE_CORE_STATE && HAVE_CORE_VAULT)
#undef HAVE_CORE_PROFILE
#define HAVE_CORE_PROFILE 0
#endif

#endif
