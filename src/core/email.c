#include "core/email.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "util/idna.h"

static int
ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    }
    return 1;
}

/* Writes the ASCII form to out when it is not NULL. */
static const char *
check(const char *s, char *out, size_t size)
{
    const char *at = strchr(s, '@');
    char domain[EMAIL_MAX_LEN + 1];

    if (!at || at == s || !at[1] || strchr(at + 1, '@') || strpbrk(s, " \t\r\n<>\",;"))
        return "must be an e-mail address";
    if (!ascii(s, (size_t)(at - s)))
        return "must be an e-mail address whose part before the @ is ASCII: mail to "
               "internationalised mailboxes cannot be sent";
    if (idna_to_ascii(at + 1, domain, sizeof(domain)) != ERR_OK)
        return ascii(at + 1, strlen(at + 1))
                   ? "must be an e-mail address of at most 254 characters"
                   : "must be an e-mail address whose domain is a valid internationalised "
                     "domain name";
    if (!strchr(domain, '.') || strpbrk(domain, " \t\r\n<>\",;@"))
        return "must be an e-mail address";
    if ((size_t)(at - s) + 1 + strlen(domain) > EMAIL_MAX_LEN ||
        (out && (size_t)snprintf(out, size, "%.*s@%s", (int)(at - s), s, domain) >= size))
        return "must be an e-mail address of at most 254 characters in ASCII";
    return NULL;
}

const char *
email_problem(const char *s)
{
    return check(s, NULL, 0);
}

int
email_valid(const char *s)
{
    return check(s, NULL, 0) == NULL;
}

int
email_ascii(const char *s, char *out, size_t size)
{
    if (size)
        out[0] = '\0';
    if (!size || check(s, out, size) != NULL) {
        if (size)
            out[0] = '\0';
        return ERR_INVALID;
    }
    return ERR_OK;
}
