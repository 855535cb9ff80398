/* Recurring appointments: "every N days/weeks/months until a date",
 * expanded on local calendar dates so an appointment keeps its wall-clock
 * time across DST changes. */
#ifndef CHAIRSIDE_CORE_RECURRENCE_H
#define CHAIRSIDE_CORE_RECURRENCE_H

#include <stddef.h>
#include <stdint.h>

/* A series never holds more occurrences than this; longer ones are refused. */
#define RECUR_MAX_OCCURRENCES 500

enum recur_every {
    RECUR_DAY,
    RECUR_WEEK,
    RECUR_MONTH,
};

struct recur_rule {
    enum recur_every every;
    int interval;      /* >= 1 */
    int64_t until_day; /* civil day number, inclusive */
};

/* "day" | "week" | "month" -> ERR_OK, else ERR_INVALID. */
int recur_parse_every(const char *s, enum recur_every *out);

/* Expands the rule from first_day (which is always the first occurrence)
 * into days[0..*n). Monthly rules follow RFC 5545: a start on the 31st
 * skips months without a 31st. Returns ERR_OK, ERR_INVALID (interval < 1
 * or > 366, until before first_day, more than max occurrences) or
 * ERR_NOMEM. */
int recur_expand_days(const struct recur_rule *rule, int64_t first_day, int64_t *days, size_t max,
                      size_t *n);

#endif
