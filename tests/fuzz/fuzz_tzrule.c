/* POSIX TZ rules ("CET-1CEST,M3.5.0,M10.5.0/3"), the TZif footer that
 * answers for instants past a zone's last transition. The input is the
 * rule; it is wrapped in a minimal TZif version 2 file. */
#define FUZZ_NO_MAIN_TARGET
#include "fuzz_tzif.c"

static size_t
put_header(unsigned char *p)
{
    memset(p, 0, 44);
    memcpy(p, "TZif2", 5);
    p[39] = 1; /* typecnt */
    p[43] = 4; /* charcnt */
    /* one type: offset 0, not DST, abbreviation at 0; then "UTC\0" */
    memcpy(p + 44, "\0\0\0\0\0\0UTC", 10);
    return 54;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tz_zone *z = NULL;
    unsigned char *file;
    size_t n;

    if (size > 512)
        return 0;
    file = malloc(2 * 54 + size + 2);
    if (!file)
        return 0;
    n = put_header(file);
    n += put_header(file + n);
    file[n++] = '\n';
    memcpy(file + n, data, size);
    n += size;
    file[n++] = '\n';
    if (tz_zone_from_tzif(file, n, &z) == ERR_OK)
        fuzz_zone_exercise(z);
    tz_zone_free(z);
    free(file);
    return 0;
}
