#include "core/email.h"

#include <string.h>

int
email_valid(const char *s)
{
    const char *at = strchr(s, '@');

    return at && at != s && at[1] && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
           !strpbrk(s, " \t\r\n<>\",;");
}
