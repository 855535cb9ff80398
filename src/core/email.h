/* The shape of an e-mail address as Chairside accepts it, and its form
 * on the wire. Mail goes out without SMTPUTF8, so an address is
 * accepted only when it can be written in ASCII: its local part is ASCII
 * and its domain is ASCII or an internationalised domain name, which is
 * sent as A-labels (util/idna.h: "praxis@zahnärzte.de" goes out as
 * "praxis@xn--zahnrzte-3za.de"). */
#ifndef CHAIRSIDE_CORE_EMAIL_H
#define CHAIRSIDE_CORE_EMAIL_H

#include <stddef.h>

#define EMAIL_MAX_LEN 254 /* RFC 5321's limit of a path's address */

/* NULL when s looks like local@domain.tld with nothing a mail header or a
 * list could be split on, an ASCII local part and a domain that can be
 * written in ASCII; otherwise what is wrong with it, to follow a field's
 * name in a 422 ("must be an e-mail address", ...). Length limits beyond
 * EMAIL_MAX_LEN for the ASCII form are the caller's. */
const char *email_problem(const char *s);
/* 1 when email_problem(s) is NULL; 0 otherwise. */
int email_valid(const char *s);
/* Writes s as it goes on the wire to out: unchanged when it is ASCII,
 * its domain as A-labels otherwise. ERR_INVALID when email_problem(s) is
 * not NULL or the ASCII form is longer than EMAIL_MAX_LEN or size - 1. */
int email_ascii(const char *s, char *out, size_t size);

#endif
