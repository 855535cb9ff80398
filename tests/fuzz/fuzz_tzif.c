/* TZif files (RFC 8536) as the zone database reads them, and the zone
 * arithmetic on whatever they describe. */
#include "fuzz.h"

#include "core/tz.h"
#include "util/err.h"

/* Walks transitions from t: each next one is later, so loops over them in
 * the availability engine end. */
static void
walk(const struct tz_zone *z, int64_t t)
{
    for (int i = 0; i < 64; i++) {
        int64_t next = tz_next_transition(z, t);

        FUZZ_CHECK(next > t);
        if (next == INT64_MAX)
            break;
        t = next;
    }
}

void fuzz_zone_exercise(const struct tz_zone *z);

void
fuzz_zone_exercise(const struct tz_zone *z)
{
    static const int64_t at[] = {
        -2208988800LL, -1, 0, 1711846800LL, 1729990800LL, 2147483647LL, 4102444800LL,
        253402300799LL};
    size_t i;

    for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        int32_t off = tz_offset_at(z, at[i]);
        int64_t local = tz_utc_to_local(z, at[i]);

        FUZZ_CHECK(off > -26 * 3600 && off < 26 * 3600);
        FUZZ_CHECK(local == at[i] + off);
        (void)tz_local_to_utc(z, local);
        walk(z, at[i]);
    }
}

#ifndef FUZZ_NO_MAIN_TARGET
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tz_zone *z = NULL;

    if (tz_zone_from_tzif(data, size, &z) == ERR_OK)
        fuzz_zone_exercise(z);
    tz_zone_free(z);
    return 0;
}
#endif
