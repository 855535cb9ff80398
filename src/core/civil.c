/* Day-number arithmetic after Howard Hinnant, "chrono-Compatible Low-Level
 * Date Algorithms": eras of 400 years starting on March 1 make leap days
 * fall at the end of each era-year, so no table of month lengths is needed
 * for the conversion itself. */
#include "core/civil.h"

#include <stddef.h>

#include "util/err.h"

#define CIVIL_MIN_YEAR 1900
#define CIVIL_MAX_YEAR 9999
#define CIVIL_MINUTES_PER_DAY 1440

int64_t
civil_days_from_date(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = month > 2 ? month - 3 : month + 9;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

void
civil_date_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;

    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int
civil_weekday(int64_t days)
{
    /* Day 0 (1970-01-01) was a Thursday, ISO weekday 4. */
    int64_t r = days % 7;

    if (r < 0)
        r += 7;
    return (int)((r + 3) % 7) + 1;
}

int
civil_days_in_month(int year, int month)
{
    static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    if (month < 1 || month > 12)
        return 0;
    return lengths[month - 1] + (month == 2 && leap);
}

/* Reads exactly n ASCII digits; isdigit() is avoided because it follows the
 * locale. */
static int
read_digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return ERR_INVALID;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return ERR_OK;
}

int
civil_parse_date(const char *s, int64_t *days)
{
    int rc = ERR_INVALID;
    int y, m, d;

    if (s == NULL || days == NULL)
        goto out;
    if (read_digits(s, 4, &y) != ERR_OK || s[4] != '-')
        goto out;
    if (read_digits(s + 5, 2, &m) != ERR_OK || s[7] != '-')
        goto out;
    if (read_digits(s + 8, 2, &d) != ERR_OK || s[10] != '\0')
        goto out;
    if (y < CIVIL_MIN_YEAR || y > CIVIL_MAX_YEAR)
        goto out;
    if (m < 1 || m > 12 || d < 1 || d > civil_days_in_month(y, m))
        goto out;
    *days = civil_days_from_date(y, m, d);
    rc = ERR_OK;
out:
    return rc;
}

int
civil_parse_hhmm(const char *s, int *minutes)
{
    int rc = ERR_INVALID;
    int h, m;

    if (s == NULL || minutes == NULL)
        goto out;
    if (read_digits(s, 2, &h) != ERR_OK || s[2] != ':')
        goto out;
    if (read_digits(s + 3, 2, &m) != ERR_OK || s[5] != '\0')
        goto out;
    /* 24:00 is allowed so that a shift can end at midnight. */
    if (h > 24 || m > 59 || (h == 24 && m != 0))
        goto out;
    *minutes = h * 60 + m;
    rc = ERR_OK;
out:
    return rc;
}

static void
put_digits(char *p, int width, int v)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void
civil_format_date(int64_t days, char out[CIVIL_DATE_LEN])
{
    int y, m, d;

    civil_date_from_days(days, &y, &m, &d);
    /* Four digits is all the buffer holds; out-of-range days are clamped
     * rather than written past it. */
    if (y < 0) {
        y = 0;
        m = 1;
        d = 1;
    } else if (y > CIVIL_MAX_YEAR) {
        y = CIVIL_MAX_YEAR;
        m = 12;
        d = 31;
    }
    put_digits(out, 4, y);
    out[4] = '-';
    put_digits(out + 5, 2, m);
    out[7] = '-';
    put_digits(out + 8, 2, d);
    out[10] = '\0';
}

void
civil_format_hhmm(int minutes, char out[CIVIL_HHMM_LEN])
{
    if (minutes < 0)
        minutes = 0;
    if (minutes > CIVIL_MINUTES_PER_DAY)
        minutes = CIVIL_MINUTES_PER_DAY;
    put_digits(out, 2, minutes / 60);
    out[2] = ':';
    put_digits(out + 3, 2, minutes % 60);
    out[5] = '\0';
}

int64_t
civil_day_of(int64_t seconds)
{
    int64_t day = seconds / 86400;

    return seconds % 86400 < 0 ? day - 1 : day;
}
