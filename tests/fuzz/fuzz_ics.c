/* What a CalDAV diary answers a REPORT with, as the diary worker reads it
 * (core/ics_busy.c): a multistatus with XML-escaped calendar-data, or
 * plain iCalendar, with recurrences expanded over the booking's window. */
#include "fuzz.h"

#include "core/ics_busy.h"
#include "util/err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct ics_staff_key who[] = {
        {7, "Dr. Anna Weiss", "weiss@clinic.test"},
        {0, "", ""},
    };
    struct tz_zone *local = NULL;
    char *text = fuzz_cstr(data, size);
    int found = -1;

    if (!text || tz_zone_fixed(3600, &local) != ERR_OK)
        goto out;
    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
        struct ics_busy_query q = {.who = &who[i],
                                   .start = 1764576000,
                                   .end = 1764583200,
                                   .local = i ? NULL : local,
                                   .own_uid = "booking-1-0a1b@chairside",
                                   .old_uid = "booking-1@chairside",
                                   .installation = "0a1b"};

        found = -1;
        if (ics_busy_find(text, &q, &found) == ERR_OK)
            FUZZ_CHECK(found == 0 || found == 1);
    }
out:
    tz_zone_free(local);
    free(text);
    return 0;
}
