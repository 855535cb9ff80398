#include "util/idna.h"

#include <idn2.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"

int
idna_to_ascii(const char *domain, char *out, size_t size)
{
    const unsigned char *p;
    char *ascii = NULL;
    int rc = ERR_INVALID;

    if (!size)
        return ERR_INVALID;
    out[0] = '\0';
    for (p = (const unsigned char *)domain; *p && *p < 0x80; p++)
        ;
    if (!*p) {
        rc = strlen(domain) < size ? ERR_OK : ERR_INVALID;
        if (rc == ERR_OK)
            memcpy(out, domain, strlen(domain) + 1);
        return rc;
    }
    if (idn2_to_ascii_8z(domain, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK)
        goto out;
    if (strlen(ascii) >= size)
        goto out;
    memcpy(out, ascii, strlen(ascii) + 1);
    rc = ERR_OK;
out:
    idn2_free(ascii);
    return rc;
}
