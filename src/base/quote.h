/* quote.h: the one way to show a string that came from outside (a file name, a value from a file, a
 * pasted or downloaded link) on a terminal or in a log.
 *
 * A file name may hold ESC and other control characters: printed raw, they drive the terminal of the
 * support engineer who runs the command (colours, a moved cursor, a retitled window, or worse on old
 * terminals). So every such string goes through here, in the C style of `ls --quoting-style=c` and
 * git's quote_c_style: a string that needs nothing is shown as it is; one that holds a control
 * character or a byte that is not UTF-8 is put in double quotes, with ESC as \033, newline as \n,
 * tab as \t, '"' and '\' escaped, other C0 controls and DEL in octal, and every byte that is not
 * part of valid UTF-8 (and the C1 controls U+0080..U+009F and the bidi controls, which reorder what
 * is shown) as \xNN. JSON output needs none of this:
 * jansson escapes what JSON requires, and only a string that is not UTF-8 goes through quote_c. */
#ifndef HSMO_QUOTE_H
#define HSMO_QUOTE_H

/* s quoted when it needs it, else s itself. The result is valid until QUOTE_SLOTS more calls, so a
 * few may stand in one printf. NULL gives "(null)". */
#define QUOTE_SLOTS 8
const char *quote_c(const char *s);

/* For a whole message that already holds quoted names (diag messages, warnings): the same escapes
 * for control characters and bytes that are not UTF-8, but newline and tab are kept and no quotes
 * are added. The net under every message the front ends print. */
const char *quote_text(const char *s);

/* 1 when s needs quote_c (a control character, DEL, a C1 control or a byte that is not UTF-8). */
int quote_needed(const char *s);

/* Length of the valid UTF-8 sequence at p (at most n bytes; RFC 3629: no overlong form, no
 * surrogate, at most U+10FFFF), 0 when p does not start one. *cp receives the code point. */
#include <stddef.h>
size_t quote_utf8_seq(const unsigned char *p, size_t n, unsigned long *cp);

/* How many characters the first n bytes of s hold, counting every byte that does not continue a UTF-8
 * sequence: one column each for the fixed-width text of tickets and masks (0 for a NULL s). */
size_t quote_utf8_chars(const char *s, size_t n);

#endif
