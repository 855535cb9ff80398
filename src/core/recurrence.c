/* Recurrence expansion delegated to libical so that monthly rules follow
 * RFC 5545 exactly (a start on the 31st skips shorter months) rather than
 * some home-grown clamping rule. Everything runs on date-only values: a
 * series is a list of calendar days, and the wall-clock time is applied
 * later in the clinic's zone, which is what keeps it stable across DST. */
#include "core/recurrence.h"

#include <assert.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "core/civil.h"
#include "util/err.h"

/* Same floor as civil_parse_date, so any date the API accepts can start a
 * series. */
#define RECUR_MIN_YEAR 1900

#define RECUR_MAX_INTERVAL 366

/* libical's iterator silently returns "no more occurrences" once it passes
 * its MAX_TIME_T_YEAR (2582 with a 64-bit time_t, 2037 otherwise), which
 * would truncate a series without telling us. Refusing an until date past
 * that year makes every end of iteration a real end. */
static int
recur_max_year(void)
{
    return sizeof(time_t) > 4 ? 2582 : 2037;
}

int
recur_parse_every(const char *s, enum recur_every *out)
{
    int rc;

    rc = ERR_INVALID;
    if (s == NULL || out == NULL)
        goto out;
    if (strcmp(s, "day") == 0)
        *out = RECUR_DAY;
    else if (strcmp(s, "week") == 0)
        *out = RECUR_WEEK;
    else if (strcmp(s, "month") == 0)
        *out = RECUR_MONTH;
    else
        goto out;
    rc = ERR_OK;
out:
    return rc;
}

static int
recur_check(const struct recur_rule *rule, int64_t first_day)
{
    int rc;

    rc = ERR_INVALID;
    if (rule->interval < 1 || rule->interval > RECUR_MAX_INTERVAL)
        goto out;
    if (rule->until_day < first_day)
        goto out;
    /* Also keeps the day numbers small enough to convert to int years. */
    if (first_day < civil_days_from_date(RECUR_MIN_YEAR, 1, 1))
        goto out;
    if (rule->until_day > civil_days_from_date(recur_max_year(), 12, 31))
        goto out;
    rc = ERR_OK;
out:
    return rc;
}

/* Not icaltime_null_date(): it sets the time fields to -1, and libical 3.0
 * then never advances a DAILY iterator, returning DTSTART forever. */
static struct icaltimetype
recur_icaldate(int64_t day)
{
    struct icaltimetype t = {.is_date = 1};

    civil_date_from_days(day, &t.year, &t.month, &t.day);
    return t;
}

static int
recur_build(const struct recur_rule *rule, struct icalrecurrencetype *ical)
{
    int rc;

    rc = ERR_INVALID;
    icalrecurrencetype_clear(ical);
    switch (rule->every) {
    case RECUR_DAY:
        ical->freq = ICAL_DAILY_RECURRENCE;
        break;
    case RECUR_WEEK:
        ical->freq = ICAL_WEEKLY_RECURRENCE;
        break;
    case RECUR_MONTH:
        ical->freq = ICAL_MONTHLY_RECURRENCE;
        break;
    default:
        goto out;
    }
    ical->interval = (short)rule->interval;
    ical->until = recur_icaldate(rule->until_day);
    rc = ERR_OK;
out:
    return rc;
}

/* Reads occurrences until libical reports the end (it stops after UNTIL
 * itself); one more than cap means the series is too long. */
static int
recur_collect(icalrecur_iterator *it, int64_t first_day, int64_t *days, size_t cap, size_t *n)
{
    struct icaltimetype t;
    int64_t day;
    size_t k = 0;
    int rc;

    (void)first_day; /* read only by the assert, gone under NDEBUG */
    rc = ERR_INVALID;
    for (;;) {
        t = icalrecur_iterator_next(it);
        if (icaltime_is_null_time(t))
            break;
        if (k == cap)
            goto out;
        day = civil_days_from_date(t.year, t.month, t.day);
        assert(k > 0 ? day > days[k - 1] : day == first_day);
        days[k++] = day;
    }
    *n = k;
    rc = ERR_OK;
out:
    return rc;
}

int
recur_expand_days(const struct recur_rule *rule, int64_t first_day, int64_t *days, size_t max,
                  size_t *n)
{
    struct icalrecurrencetype ical;
    icalrecur_iterator *it = NULL;
    size_t cap;
    int rc;

    rc = ERR_INVALID;
    if (n != NULL)
        *n = 0;
    if (rule == NULL || days == NULL || n == NULL)
        goto out;
    rc = recur_check(rule, first_day);
    if (rc != ERR_OK)
        goto out;
    rc = recur_build(rule, &ical);
    if (rc != ERR_OK)
        goto out;
    icalerror_clear_errno();
    it = icalrecur_iterator_new(ical, recur_icaldate(first_day));
    if (it == NULL) {
        /* The inputs were validated above, so this is almost always memory. */
        rc = icalerrno == ICAL_NEWFAILED_ERROR ? ERR_NOMEM : ERR_INVALID;
        goto out;
    }
    cap = max < RECUR_MAX_OCCURRENCES ? max : RECUR_MAX_OCCURRENCES;
    rc = recur_collect(it, first_day, days, cap, n);
out:
    if (it != NULL)
        icalrecur_iterator_free(it);
    return rc;
}
