/* What a CalDAV diary answers a REPORT with, as the diary worker reads it:
 * a multistatus with XML-escaped calendar-data, or plain iCalendar. */
#include "fuzz.h"

#include "core/ics.h"
#include "util/err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct ics_staff_key who[] = {
        {7, "Dr. Anna Weiss", "weiss@clinic.test"},
        {0, "", ""},
    };
    char *text = fuzz_cstr(data, size);
    int found = -1;

    if (!text)
        return 0;
    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
        found = -1;
        if (ics_find_overlap(text, &who[i], 1764576000, 1764583200, "booking-1@chairside",
                             &found) == ERR_OK)
            FUZZ_CHECK(found == 0 || found == 1);
    }
    free(text);
    return 0;
}
