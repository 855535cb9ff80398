/* Internationalised domain names (IDNA2008 with UTS #46 non-transitional
 * processing, through libidn2): the ASCII form a domain takes on the
 * wire. */
#ifndef CHAIRSIDE_UTIL_IDNA_H
#define CHAIRSIDE_UTIL_IDNA_H

#include <stddef.h>

/* Writes domain (UTF-8) to out as A-labels: "zahnärzte.de" becomes
 * "xn--zahnrzte-3za.de"; an ASCII domain is copied as it is. ERR_INVALID
 * when it is no valid IDNA2008 name or its ASCII form does not fit size. */
int idna_to_ascii(const char *domain, char *out, size_t size);

#endif
