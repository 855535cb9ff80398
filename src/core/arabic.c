#include "core/arabic.h"

#include <stdio.h>

#include "core/civil.h"

/* The Gregorian month names of Saudi Arabia and the Gulf, as browsers'
 * ar-SA (with the Gregorian calendar) write them: the portal's dates and
 * the e-mails' read alike. */
static const char *const months[12] = {
    "يناير", "فبراير", "مارس",   "أبريل",  "مايو",   "يونيو",
    "يوليو", "أغسطس",  "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
};

void
ar_digits(const char *s, char *out, size_t size)
{
    size_t n = 0;

    if (size == 0)
        return;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            /* U+0660 + d in UTF-8: 0xD9 0xA0 + d. */
            if (n + 2 >= size)
                break;
            out[n++] = (char)0xd9;
            out[n++] = (char)(0xa0 + (*s - '0'));
        } else {
            if (n + 1 >= size)
                break;
            out[n++] = *s;
        }
    }
    out[n] = '\0';
}

void
ar_format_date(int64_t days, char out[AR_DATE_LEN])
{
    char latin[AR_DATE_LEN];
    int year, month, day;

    civil_date_from_days(days, &year, &month, &day);
    if (month < 1 || month > 12)
        month = 1;
    snprintf(latin, sizeof(latin), "%d %s %d", day, months[month - 1], year);
    ar_digits(latin, out, AR_DATE_LEN);
}

void
ar_format_hhmm(int minutes, char out[AR_HHMM_LEN])
{
    char latin[CIVIL_HHMM_LEN];

    civil_format_hhmm(minutes, latin);
    ar_digits(latin, out, AR_HHMM_LEN);
}
