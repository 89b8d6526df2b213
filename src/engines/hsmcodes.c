/* hsmcodes.c: the Securosys error-code table (hsmcodes.h).
 *
 * Source: docs.securosys.com, pkcs/Tutorials/troubleshooting ("Error Codes") and
 * pkcs/Installation/permanent_secret_management (a locked login clears after a defined time);
 * doc/securosys-facts.md, section "Error codes". */
#include "config.h"

#include "hsmcodes.h"

#include "i18n.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

/* Texts that several codes share. */
#define HSMCODES_NEXT_TICKET                                                                   \
	N_("A new setup password needs a support ticket: run 'hsm-onboard ticket' and open it at " \
	   "support.securosys.com")
#define HSMCODES_WHAT_DISABLED N_("access to the partition is disabled by the HSM configuration")
#define HSMCODES_NEXT_SUPPORT \
	N_("Nothing on this machine can change it: ask Securosys support at support.securosys.com")
#define HSMCODES_NEXT_RECONNECT \
	N_("Run connect again so that primus.cfg is written for this profile's HSM user")
#define HSMCODES_NEXT_RESTORE N_("Write the vault's copy back with 'hsm-onboard restore --output DIR'")
#define HSMCODES_NEXT_SPACE                                                                              \
	N_("Check the free space and the permissions of the folder of .secrets.cfg, then run connect again " \
	   "(ppin -l says whether the secret is Configured)")

static const struct hsmcodes_entry hsmcodes_table[] = {
    {0x80005017UL, HSMCODES_SETUP_REFUSED, EX_NOPERM, N_("the HSM refused the setup password"),
     N_("It is not sent again automatically: too many wrong attempts lock the login for a while. Check that "
        "the profile holds the setup password of the latest hsm file; if it is refused again, run "
        "'hsm-onboard ticket'")},
    {0x80005018UL, HSMCODES_SETUP_EXPIRED, EX_NOPERM, N_("the setup password has expired"),
     HSMCODES_NEXT_TICKET},
    {0x80000037UL, HSMCODES_SETUP_EXPIRED, EX_NOPERM, N_("the password has expired"), HSMCODES_NEXT_TICKET},
    {0x8000000BUL, HSMCODES_PIN_REFUSED, EX_NOPERM, N_("login failed: wrong PKCS#11 password"),
     N_("Check the 'PKCS#11 password' line of the hsm file and import it again if it differs. It is not "
        "retried automatically: too many wrong attempts lock PKCS#11 access for a while; if it is locked, "
        "wait and try later")},
    {0x8000000DUL, HSMCODES_USER_UNKNOWN, EX_CONFIG, N_("the HSM does not know this user"),
     N_("Compare the HSM User Name of the hsm file with your Welcome ticket, and the cluster's hosts")},
    {0x80005012UL, HSMCODES_USER_UNKNOWN, EX_CONFIG, N_("the user is not in primus.cfg"),
     HSMCODES_NEXT_RECONNECT},
    {0x80005001UL, HSMCODES_CONFIG, EX_CONFIG, N_("no HSM or user is configured"), HSMCODES_NEXT_RECONNECT},
    {0x80005002UL, HSMCODES_ALREADY_EXISTS, EX_CONFIG, N_("the HSM user is already configured"),
     N_("ppin -l shows whether its permanent secret is Configured; connect checks it and goes on")},
    {0x80005003UL, HSMCODES_CONFIG, EX_CONFIG, N_("the file primus.cfg was not found"),
     N_("Run connect again, or point SECUROSYS_PKCS11_CONF at the file")},
    {0x80005004UL, HSMCODES_CONFIG, EX_CONFIG, N_("the file .secrets.cfg was not found"),
     N_("Write it back from the vault with 'hsm-onboard restore --output DIR', or point "
        "SECUROSYS_SECRETS_CONF at it")},
    {0x80005005UL, HSMCODES_CONFIG, EX_CONFIG, N_("the file primus.cfg is not valid"),
     N_("Run connect again so that it is rewritten in the documented layout, or write the vault's copy "
        "back with 'hsm-onboard restore --output DIR'")},
    {0x80005006UL, HSMCODES_CONFIG, EX_CONFIG, N_("the file .secrets.cfg is not valid"),
     HSMCODES_NEXT_RESTORE},
    {0x80005007UL, HSMCODES_CONFIG, EX_CANTCREAT, N_("no write access to .secrets.cfg"),
     N_("Fix the permissions of the file and its folder, then run connect again")},
    /* pkcs/Tutorials/troubleshooting, "Error Codes" (doc/securosys-facts.md, section "Error codes"). */
    {0x80005008UL, HSMCODES_CONFIG, EX_CANTCREAT,
     N_("the permanent secret could not be added to .secrets.cfg"), HSMCODES_NEXT_SPACE},
    {0x80005009UL, HSMCODES_CONFIG, EX_CONFIG, N_("an element of .secrets.cfg is not valid"),
     HSMCODES_NEXT_RESTORE},
    {0x80005010UL, HSMCODES_CONFIG, EX_CANTCREAT, N_("the file .secrets.cfg could not be updated"),
     HSMCODES_NEXT_SPACE},
    {0x80005011UL, HSMCODES_CONFIG, EX_CANTCREAT,
     N_("the permanent secret could not be removed from .secrets.cfg"),
     N_("Check the permissions of .secrets.cfg and its folder")},
    {0x80005013UL, HSMCODES_CONFIG, EX_SOFTWARE, N_("a secret type in .secrets.cfg is not supported"),
     N_("The file was written by another provider version: write the vault's copy back with 'hsm-onboard "
        "restore --output DIR', or check the provider version with 'hsm-onboard doctor'")},
    {0x80005014UL, HSMCODES_CONFIG, EX_SOFTWARE,
     N_("the provider reported an internal error (NULL list pointer)"),
     N_("Run 'hsm-onboard ticket' and send it with ppin -v's version to support")},
    {0x80005015UL, HSMCODES_NETWORK, EX_UNAVAILABLE, N_("the connection to the HSM failed (network level)"),
     N_("Check status.cloudshsm.com for outages, then DNS and the firewall for the port (telnet HOST "
        "2310), and that this machine's public IP is on the partition's IP allow-list (set through the "
        "Service Order Form or by support); then run connect again")},
    {0x8000003BUL, HSMCODES_NETWORK, EX_UNAVAILABLE, N_("the connection to the HSM timed out"),
     N_("Check status.cloudshsm.com for outages, then the firewall for the port (telnet HOST 2310) and "
        "the partition's IP allow-list; then run connect again")},
    {0x80005019UL, HSMCODES_DISABLED, EX_UNAVAILABLE, HSMCODES_WHAT_DISABLED, HSMCODES_NEXT_SUPPORT},
    {0x80000069UL, HSMCODES_DISABLED, EX_UNAVAILABLE, HSMCODES_WHAT_DISABLED, HSMCODES_NEXT_SUPPORT},
    {0x80000018UL, HSMCODES_BUSY, EX_TEMPFAIL, N_("the maximum number of connections is exceeded"),
     N_("Stop other applications that use the partition, wait a moment and try again")},
};

static const struct hsmcodes_entry hsmcodes_system = {
    0,
    HSMCODES_SYSTEM,
    EX_UNAVAILABLE,
    N_("an HSM system error"),
    N_("Try again later; if it persists, check status.cloudshsm.com and open a support ticket at "
       "support.securosys.com with this code"),
};

static const struct hsmcodes_entry hsmcodes_vendor = {
    0,
    HSMCODES_OTHER,
    EX_UNAVAILABLE,
    N_("a Securosys provider error"),
    N_("See the error-code table on the Primus PKCS#11 troubleshooting page"),
};

const struct hsmcodes_entry *hsmcodes_lookup(unsigned long code)
{
	for (size_t i = 0; i < sizeof hsmcodes_table / sizeof hsmcodes_table[0]; i++)
		if (hsmcodes_table[i].code == code)
			return &hsmcodes_table[i];
	if ((code & 0xF0000000UL) == 0xC0000000UL)
		return &hsmcodes_system;
	if ((code & 0xF0000000UL) == 0x80000000UL)
		return &hsmcodes_vendor;
	return NULL;
}

static int hsmcodes_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 8 hex digits after "0x", not followed by a ninth. */
static int hsmcodes_at(const char *s, unsigned long *out)
{
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	unsigned long v = 0;
	for (int i = 0; i < 8; i++) {
		int h = hsmcodes_hex(s[2 + i]);
		if (h < 0)
			return -1;
		v = v << 4 | (unsigned long)h;
	}
	if (hsmcodes_hex(s[10]) >= 0)
		return -1;
	*out = v;
	return 0;
}

int hsmcodes_parse(const char *s, unsigned long *out)
{
	if (!s || strlen(s) != 10)
		return -1;
	return hsmcodes_at(s, out);
}

void hsmcodes_format(unsigned long code, char *buf, size_t size)
{
	snprintf(buf, size, "0x%08lX", code & 0xFFFFFFFFUL);
}

size_t hsmcodes_scan(const char *text, unsigned long *codes, size_t max)
{
	size_t n = 0;
	for (const char *s = text; s && *s && n < max; s++) {
		unsigned long v;
		if ((s == text || hsmcodes_hex(s[-1]) < 0) && hsmcodes_at(s, &v) == 0 &&
		    ((v & 0xF0000000UL) == 0x80000000UL || (v & 0xF0000000UL) == 0xC0000000UL)) {
			int seen = 0;
			for (size_t i = 0; i < n; i++)
				seen |= codes[i] == v;
			if (!seen)
				codes[n++] = v;
			s += 9;
		}
	}
	return n;
}

static int hsmcodes_rank(enum hsmcodes_class c)
{
	switch (c) {
	case HSMCODES_SETUP_EXPIRED: return 9;
	case HSMCODES_SETUP_REFUSED: return 8;
	case HSMCODES_PIN_REFUSED: return 7;
	case HSMCODES_DISABLED: return 6;
	case HSMCODES_USER_UNKNOWN: return 5;
	case HSMCODES_NETWORK: return 4;
	case HSMCODES_CONFIG:
	case HSMCODES_ALREADY_EXISTS: return 3;
	case HSMCODES_BUSY:
	case HSMCODES_SYSTEM: return 2;
	default: return 1;
	}
}

const struct hsmcodes_entry *hsmcodes_pick(const unsigned long *codes, size_t n)
{
	const struct hsmcodes_entry *best = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct hsmcodes_entry *e = hsmcodes_lookup(codes[i]);
		if (e && (!best || hsmcodes_rank(e->cls) > hsmcodes_rank(best->cls)))
			best = e;
	}
	return best;
}

int hsmcodes_refuses_setup(const char *code)
{
	unsigned long v;
	if (hsmcodes_parse(code, &v) != 0)
		return 0;
	const struct hsmcodes_entry *e = hsmcodes_lookup(v);
	return e && e->code == v && (v == 0x80005017UL || v == 0x80005018UL);
}

int hsmcodes_is_locked(const char *code)
{
	if (!code)
		return 0;
	if (strcmp(code, "CKR_PIN_LOCKED") == 0 || strcmp(code, "CKR_PIN_EXPIRED") == 0)
		return 1;
	unsigned long v;
	if (hsmcodes_parse(code, &v) != 0)
		return 0;
	const struct hsmcodes_entry *e = hsmcodes_lookup(v);
	return e && e->cls == HSMCODES_SETUP_EXPIRED;
}
