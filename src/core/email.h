/* The shape of an e-mail address as Chairside accepts it. */
#ifndef CHAIRSIDE_CORE_EMAIL_H
#define CHAIRSIDE_CORE_EMAIL_H

/* 1 when s looks like local@domain.tld with nothing a mail header or a
 * list could be split on; 0 otherwise. Length limits are the caller's. */
int email_valid(const char *s);

#endif
