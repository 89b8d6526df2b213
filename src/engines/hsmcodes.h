/* hsmcodes.h: the Securosys error codes and the next step for each (doc/securosys-facts.md, section
 * "Error codes").
 *
 * One table serves every place a code can appear: the output of ppin (every code in it is read, not
 * only the first), and a vendor-defined CKR value (CKR_VENDOR_DEFINED | n) returned by a PKCS#11
 * module such as libprimusP11. Each entry says whether the HSM refused a secret, which secret, and
 * whether a wait (not a renewal) is what helps. The core's callers turn an entry into a struct diag
 * with hsmcodes_describe; nothing here prints. */
#ifndef HSMO_HSMCODES_H
#define HSMO_HSMCODES_H

#include <stddef.h>

enum hsmcodes_class {
	HSMCODES_OTHER = 0,      /* a documented code without a more specific next step */
	HSMCODES_SETUP_REFUSED,  /* the HSM refused the setup password (0x80005017) */
	HSMCODES_SETUP_EXPIRED,  /* the setup password has expired (0x80005018, 0x80000037) */
	HSMCODES_PIN_REFUSED,    /* a wrong PKCS#11 password (0x8000000B) */
	HSMCODES_USER_UNKNOWN,   /* the HSM or primus.cfg has no such user (0x8000000D, 0x80005012) */
	HSMCODES_ALREADY_EXISTS, /* the secrets file already has the user (0x80005002) */
	HSMCODES_CONFIG,         /* primus.cfg or .secrets.cfg missing, invalid or not writable */
	HSMCODES_NETWORK,        /* the HSM was not reached (0x80005015, 0x8000003B) */
	HSMCODES_DISABLED,       /* access to the partition disabled (0x80005019, 0x80000069) */
	HSMCODES_BUSY,           /* too many connections (0x80000018) */
	HSMCODES_SYSTEM,         /* an HSM system error (0xCnnnnnnn) */
};

struct hsmcodes_entry {
	unsigned long code;
	enum hsmcodes_class cls;
	int exit_code;    /* sysexits */
	const char *what; /* N_(): what the docs say the code means */
	const char *next; /* N_(): the next step */
};

/* The entry for code: the documented one, the 0xCnnnnnnn system-error entry, or a generic
 * "Securosys provider error" entry for any other 0x8nnnnnnn. NULL for a code outside these. */
const struct hsmcodes_entry *hsmcodes_lookup(unsigned long code);
/* Parses "0x80005017" (case-insensitive hex digits, exactly 8); 0 on success. */
int hsmcodes_parse(const char *s, unsigned long *out);
/* "0x80005017" into buf (at least 11 bytes). */
void hsmcodes_format(unsigned long code, char *buf, size_t size);
/* Every distinct 0x8nnnnnnn or 0xCnnnnnnn code in text, in order of appearance; returns how many
 * (at most max). */
size_t hsmcodes_scan(const char *text, unsigned long *codes, size_t max);
/* The most telling of codes (a refusal of a secret before a network error before anything else),
 * or NULL when none is known. */
const struct hsmcodes_entry *hsmcodes_pick(const unsigned long *codes, size_t n);

/* 1 when code (as "0x80005017" or "CKR_...") says that the HSM refused the setup password itself:
 * wrong (0x80005017) or expired (0x80005018). Such a setup password must not be sent again. */
int hsmcodes_refuses_setup(const char *code);
/* 1 when code says that the login is locked for a while or the secret has expired, so another try
 * now would not help. */
int hsmcodes_is_locked(const char *code);

#endif
