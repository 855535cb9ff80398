/* RFC 3339 timestamps, dates and wall times from request bodies and query
 * strings (core/tz.c, core/civil.c). What parses must format back to the
 * same instant or text. */
#include "fuzz.h"

#include "core/civil.h"
#include "core/tz.h"
#include "util/err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    char text[TZ_RFC3339_LEN], date[CIVIL_DATE_LEN], hhmm[CIVIL_HHMM_LEN];
    int64_t utc, again, days;
    int minutes;

    if (!s)
        return 0;
    /* The formatter clamps to four-digit years and the date parser takes
     * 1900..9999, so the round trip holds a day inside those. */
    if (tz_parse_rfc3339(s, &utc) == ERR_OK && utc > -2208902400LL && utc < 253402214400LL) {
        tz_format_rfc3339(utc, 0, text);
        FUZZ_CHECK(tz_parse_rfc3339(text, &again) == ERR_OK);
        FUZZ_CHECK(again == utc);
        tz_format_rfc3339(utc, 14 * 3600, text);
        FUZZ_CHECK(tz_parse_rfc3339(text, &again) == ERR_OK);
        FUZZ_CHECK(again == utc);
    }
    if (civil_parse_date(s, &days) == ERR_OK) {
        civil_format_date(days, date);
        FUZZ_CHECK(strcmp(date, s) == 0);
        FUZZ_CHECK(civil_weekday(days) >= 1 && civil_weekday(days) <= 7);
    }
    if (civil_parse_hhmm(s, &minutes) == ERR_OK) {
        FUZZ_CHECK(minutes >= 0 && minutes <= 24 * 60);
        civil_format_hhmm(minutes, hhmm);
        FUZZ_CHECK(strcmp(hhmm, s) == 0);
    }
    free(s);
    return 0;
}
