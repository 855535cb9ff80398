#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "core/civil.h"
#include "core/tz.h"
#include "util/err.h"
#include "util/tzdb.h"

#define HOUR 3600

/* Wall-clock or UTC seconds for a calendar date and time. */
static int64_t
at(int y, int mo, int d, int h, int mi)
{
    return civil_days_from_date(y, mo, d) * 86400 + h * HOUR + mi * 60;
}

static const struct tz_zone *
zone(void **state, const char *name)
{
    const struct tz_zone *z = NULL;

    assert_int_equal(tzdb_get(*state, name, &z), ERR_OK);
    assert_non_null(z);
    return z;
}

/* ---- Synthetic TZif files ---- */

struct tzif_spec {
    int version; /* 1..4 */
    const int64_t *times;
    const unsigned char *idx;
    uint32_t n;
    const int32_t *types; /* UT offsets */
    uint32_t ntypes;
    const char *footer; /* version 2+ only */
};

static size_t
put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    return (size_t)bytes;
}

static size_t
put_header(unsigned char *p, const struct tzif_spec *s)
{
    uint32_t counts[6] = {0, 0, 0, s->n, s->ntypes, 4};
    size_t n = 0;

    memcpy(p, "TZif", 4);
    p[4] = s->version == 1 ? 0 : (unsigned char)('0' + s->version);
    memset(p + 5, 0, 15);
    n = 20;
    for (int i = 0; i < 6; i++)
        n += put_be(p + n, counts[i], 4);
    return n;
}

static size_t
put_block(unsigned char *p, const struct tzif_spec *s, int tsz)
{
    size_t n = 0;

    for (uint32_t i = 0; i < s->n; i++)
        n += put_be(p + n, (uint64_t)s->times[i], tsz);
    for (uint32_t i = 0; i < s->n; i++)
        p[n++] = s->idx[i];
    for (uint32_t i = 0; i < s->ntypes; i++) {
        n += put_be(p + n, (uint32_t)s->types[i], 4);
        p[n++] = 0; /* isdst */
        p[n++] = 0; /* abbreviation index */
    }
    memcpy(p + n, "ABC", 4);
    return n + 4;
}

/* buf must hold 1024 bytes; enough for the small zones built here. */
static size_t
build_tzif(unsigned char *buf, const struct tzif_spec *s)
{
    size_t n = put_header(buf, s);

    n += put_block(buf + n, s, 4);
    if (s->version >= 2) {
        size_t flen = strlen(s->footer);

        n += put_header(buf + n, s);
        n += put_block(buf + n, s, 8);
        buf[n++] = '\n';
        memcpy(buf + n, s->footer, flen);
        n += flen;
        buf[n++] = '\n';
    }
    return n;
}

static struct tz_zone *
footer_zone(const char *footer)
{
    static const int32_t types[] = {0};
    struct tzif_spec s = {.version = 2, .types = types, .ntypes = 1, .footer = footer};
    unsigned char buf[1024];
    struct tz_zone *z = NULL;
    size_t len = build_tzif(buf, &s);

    assert_int_equal(tz_zone_from_tzif(buf, len, &z), ERR_OK);
    return z;
}

/* ---- Real zones through tzdb ---- */

static int
group_setup(void **state)
{
    struct tzdb *db = NULL;

    if (tzdb_new(NULL, &db) != ERR_OK)
        return -1;
    *state = db;
    return 0;
}

static int
group_teardown(void **state)
{
    tzdb_free(*state);
    return 0;
}

static void
test_berlin_offsets(void **state)
{
    const struct tz_zone *z = zone(state, "Europe/Berlin");

    assert_int_equal(tz_offset_at(z, at(2026, 1, 15, 12, 0)), HOUR);
    assert_int_equal(tz_offset_at(z, at(2026, 7, 1, 12, 0)), 2 * HOUR);
    assert_int_equal(tz_offset_at(z, at(2026, 12, 31, 23, 0)), HOUR);
    assert_int_equal(tz_utc_to_local(z, at(2026, 7, 1, 7, 0)), at(2026, 7, 1, 9, 0));
}

static void
test_berlin_transitions_2026(void **state)
{
    const struct tz_zone *z = zone(state, "Europe/Berlin");
    int64_t spring = at(2026, 3, 29, 1, 0), fall = at(2026, 10, 25, 1, 0);

    assert_int_equal(tz_offset_at(z, spring - 1), HOUR);
    assert_int_equal(tz_offset_at(z, spring), 2 * HOUR);
    assert_int_equal(tz_offset_at(z, fall - 1), 2 * HOUR);
    assert_int_equal(tz_offset_at(z, fall), HOUR);
    assert_int_equal(tz_next_transition(z, at(2026, 1, 1, 0, 0)), spring);
    assert_int_equal(tz_next_transition(z, spring - 1), spring);
    assert_int_equal(tz_next_transition(z, spring), fall);
    assert_int_equal(tz_next_transition(z, fall), at(2027, 3, 28, 1, 0));
}

static void
test_berlin_local_to_utc(void **state)
{
    const struct tz_zone *z = zone(state, "Europe/Berlin");

    assert_int_equal(tz_local_to_utc(z, at(2026, 7, 1, 9, 0)), at(2026, 7, 1, 7, 0));
    assert_int_equal(tz_local_to_utc(z, at(2026, 1, 1, 0, 0)), at(2025, 12, 31, 23, 0));
    /* Spring gap 02:00-03:00: read with CET, so 02:30 is 03:30 CEST. */
    assert_int_equal(tz_local_to_utc(z, at(2026, 3, 29, 2, 30)), at(2026, 3, 29, 1, 30));
    assert_int_equal(tz_local_to_utc(z, at(2026, 3, 29, 2, 0)), at(2026, 3, 29, 1, 0));
    assert_int_equal(tz_local_to_utc(z, at(2026, 3, 29, 1, 59)), at(2026, 3, 29, 0, 59));
    assert_int_equal(tz_local_to_utc(z, at(2026, 3, 29, 3, 0)), at(2026, 3, 29, 1, 0));
    /* Fall fold 02:00-03:00 happens twice: the earlier (CEST) instant. */
    assert_int_equal(tz_local_to_utc(z, at(2026, 10, 25, 2, 30)), at(2026, 10, 25, 0, 30));
    assert_int_equal(tz_local_to_utc(z, at(2026, 10, 25, 2, 0)), at(2026, 10, 25, 0, 0));
    assert_int_equal(tz_local_to_utc(z, at(2026, 10, 25, 1, 59)), at(2026, 10, 24, 23, 59));
    assert_int_equal(tz_local_to_utc(z, at(2026, 10, 25, 3, 0)), at(2026, 10, 25, 2, 0));
}

/* Every 15 minutes of 2026: local_to_utc(utc_to_local(u)) is u, except in
 * the second pass through the fold, where it is the earlier instant. */
static void
test_berlin_round_trip_year(void **state)
{
    const struct tz_zone *z = zone(state, "Europe/Berlin");

    for (int64_t u = at(2026, 1, 1, 0, 0); u < at(2027, 1, 1, 0, 0); u += 900) {
        int64_t back = tz_local_to_utc(z, tz_utc_to_local(z, u));
        int second_pass = tz_offset_at(z, u) == HOUR && tz_offset_at(z, u - HOUR) == 2 * HOUR;

        assert_int_equal(back, second_pass ? u - HOUR : u);
    }
}

static void
test_new_york(void **state)
{
    const struct tz_zone *z = zone(state, "America/New_York");
    int64_t spring = at(2026, 3, 8, 7, 0), fall = at(2026, 11, 1, 6, 0);

    assert_int_equal(tz_offset_at(z, spring - 1), -5 * HOUR);
    assert_int_equal(tz_offset_at(z, spring), -4 * HOUR);
    assert_int_equal(tz_offset_at(z, fall - 1), -4 * HOUR);
    assert_int_equal(tz_offset_at(z, fall), -5 * HOUR);
    assert_int_equal(tz_next_transition(z, at(2026, 1, 1, 0, 0)), spring);
    assert_int_equal(tz_next_transition(z, spring), fall);
    /* 02:30 does not exist on 2026-03-08: read as EST, 03:30 EDT. */
    assert_int_equal(tz_local_to_utc(z, at(2026, 3, 8, 2, 30)), at(2026, 3, 8, 7, 30));
    /* 01:30 happens twice on 2026-11-01: the EDT one. */
    assert_int_equal(tz_local_to_utc(z, at(2026, 11, 1, 1, 30)), at(2026, 11, 1, 5, 30));
    assert_int_equal(tz_local_to_utc(z, at(2026, 11, 1, 2, 0)), at(2026, 11, 1, 7, 0));
}

static void
test_sydney_southern_hemisphere(void **state)
{
    const struct tz_zone *z = zone(state, "Australia/Sydney");
    int64_t fall = at(2026, 4, 4, 16, 0), spring = at(2026, 10, 3, 16, 0);

    assert_int_equal(tz_offset_at(z, at(2026, 1, 15, 0, 0)), 11 * HOUR);
    assert_int_equal(tz_offset_at(z, at(2026, 7, 1, 0, 0)), 10 * HOUR);
    assert_int_equal(tz_offset_at(z, fall - 1), 11 * HOUR);
    assert_int_equal(tz_offset_at(z, fall), 10 * HOUR);
    assert_int_equal(tz_offset_at(z, spring), 11 * HOUR);
    assert_int_equal(tz_next_transition(z, at(2026, 1, 1, 0, 0)), fall);
    assert_int_equal(tz_next_transition(z, at(2026, 6, 1, 0, 0)), spring);
    /* Fold 02:00-03:00 on 2026-04-05: the AEDT instant. */
    assert_int_equal(tz_local_to_utc(z, at(2026, 4, 5, 2, 30)), at(2026, 4, 4, 15, 30));
    /* Gap 02:00-03:00 on 2026-10-04: read as AEST. */
    assert_int_equal(tz_local_to_utc(z, at(2026, 10, 4, 2, 30)), at(2026, 10, 3, 16, 30));
    /* Footer era: summer in January 2045, winter in July. */
    assert_int_equal(tz_offset_at(z, at(2045, 1, 1, 0, 0)), 11 * HOUR);
    assert_int_equal(tz_offset_at(z, at(2045, 7, 1, 0, 0)), 10 * HOUR);
}

static void
test_kolkata(void **state)
{
    const struct tz_zone *z = zone(state, "Asia/Kolkata");
    char buf[TZ_RFC3339_LEN];

    assert_int_equal(tz_offset_at(z, at(2026, 6, 1, 0, 0)), 5 * HOUR + 1800);
    assert_int_equal(tz_offset_at(z, at(2045, 6, 1, 0, 0)), 5 * HOUR + 1800);
    assert_true(tz_next_transition(z, at(2026, 1, 1, 0, 0)) == INT64_MAX);
    assert_int_equal(tz_local_to_utc(z, at(2026, 6, 1, 9, 0)), at(2026, 6, 1, 3, 30));
    tz_format_rfc3339(at(2026, 6, 1, 3, 30), tz_offset_at(z, at(2026, 6, 1, 3, 30)), buf);
    assert_string_equal(buf, "2026-06-01T09:00:00+05:30");
}

/* The file's table ends in 2037; later answers come from the footer. */
static void
test_berlin_far_future(void **state)
{
    const struct tz_zone *z = zone(state, "Europe/Berlin");

    assert_int_equal(tz_offset_at(z, at(2045, 7, 1, 0, 0)), 2 * HOUR);
    assert_int_equal(tz_offset_at(z, at(2045, 1, 15, 0, 0)), HOUR);
    assert_int_equal(tz_next_transition(z, at(2045, 1, 1, 0, 0)), at(2045, 3, 26, 1, 0));
    assert_int_equal(tz_next_transition(z, at(2045, 7, 1, 0, 0)), at(2045, 10, 29, 1, 0));
    assert_int_equal(tz_local_to_utc(z, at(2045, 3, 26, 2, 30)), at(2045, 3, 26, 1, 30));
    assert_int_equal(tz_local_to_utc(z, at(2045, 10, 29, 2, 30)), at(2045, 10, 29, 0, 30));
    assert_int_equal(tz_offset_at(z, at(2300, 7, 1, 0, 0)), 2 * HOUR);
}

static int64_t
last_sunday_1utc(int year, int month)
{
    int64_t d = civil_days_from_date(year, month, civil_days_in_month(year, month));

    while (civil_weekday(d) != 7)
        d--;
    return d * 86400 + HOUR;
}

/* Walking transitions across the end of the table (2037) must give the EU
 * rule every year with nothing missing or doubled. */
static void
test_berlin_walk_across_table_end(void **state)
{
    const struct tz_zone *z = zone(state, "Europe/Berlin");
    int64_t t = at(2026, 1, 1, 0, 0);

    for (int y = 2026; y <= 2060; y++) {
        t = tz_next_transition(z, t);
        assert_int_equal(t, last_sunday_1utc(y, 3));
        assert_int_equal(tz_offset_at(z, t), 2 * HOUR);
        t = tz_next_transition(z, t);
        assert_int_equal(t, last_sunday_1utc(y, 10));
        assert_int_equal(tz_offset_at(z, t), HOUR);
    }
}

static void
test_utc(void **state)
{
    const struct tz_zone *a = zone(state, "UTC");
    const struct tz_zone *b = zone(state, "Etc/UTC");
    struct tz_zone *fixed = NULL;
    int64_t t = at(2026, 3, 29, 2, 30);

    assert_int_equal(tz_offset_at(a, t), 0);
    assert_int_equal(tz_offset_at(b, at(2045, 7, 1, 0, 0)), 0);
    assert_true(tz_next_transition(a, t) == INT64_MAX);
    assert_int_equal(tz_local_to_utc(a, t), t);
    assert_int_equal(tz_utc_to_local(b, t), t);
    assert_int_equal(tz_zone_fixed(-3 * HOUR, &fixed), ERR_OK);
    assert_int_equal(tz_offset_at(fixed, t), -3 * HOUR);
    assert_int_equal(tz_local_to_utc(fixed, t), t + 3 * HOUR);
    assert_true(tz_next_transition(fixed, t) == INT64_MAX);
    tz_zone_free(fixed);
}

static void
test_tzdb_names(void **state)
{
    const struct tz_zone *z = NULL, *again = NULL;
    static const char *bad[] = {
        "../etc/passwd",
        "/etc/passwd",
        "Europe/../Europe/Berlin",
        "Europe/Berlin ",
        "Europe//Berlin",
        "Europe/",
        "",
        "Europe/Berlin\n",
        "zone.tab",
        "a b",
        "Europe\\Berlin",
    };
    char longname[66];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (tzdb_get(*state, bad[i], &z) != ERR_INVALID)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    memset(longname, 'A', 65);
    longname[65] = '\0';
    assert_int_equal(tzdb_get(*state, longname, &z), ERR_INVALID);
    assert_null(z);
    assert_int_equal(tzdb_get(*state, "Mars/Olympus", &z), ERR_NOT_FOUND);
    assert_int_equal(tzdb_get(*state, "Europe", &z), ERR_NOT_FOUND);
    assert_null(z);
    assert_int_equal(tzdb_get(*state, "Europe/Berlin", &z), ERR_OK);
    assert_int_equal(tzdb_get(*state, "Europe/Berlin", &again), ERR_OK);
    assert_ptr_equal(z, again);
}

static void
test_tzdb_other_dir(void **state)
{
    struct tzdb *db = NULL;
    const struct tz_zone *z = NULL;

    (void)state;
    assert_int_equal(tzdb_new("/nonexistent-zoneinfo", &db), ERR_OK);
    assert_int_equal(tzdb_get(db, "Europe/Berlin", &z), ERR_NOT_FOUND);
    tzdb_free(db);
    tzdb_free(NULL);
}

struct reader {
    struct tzdb *db;
    const struct tz_zone *zone;
    int rc;
};

static void *
reader_main(void *arg)
{
    struct reader *r = arg;

    for (int i = 0; i < 200 && r->rc == ERR_OK; i++) {
        r->rc = tzdb_get(r->db, i % 2 ? "Asia/Tokyo" : "America/Chicago", &r->zone);
        if (r->rc == ERR_OK && tz_offset_at(r->zone, at(2026, 1, 1, 0, 0)) == 0)
            r->rc = ERR_INVALID;
    }
    return NULL;
}

static void
test_tzdb_threads(void **state)
{
    pthread_t th[4];
    struct reader r[4];
    const struct tz_zone *z = NULL;

    for (int i = 0; i < 4; i++) {
        r[i] = (struct reader){.db = *state, .rc = ERR_OK};
        assert_int_equal(pthread_create(&th[i], NULL, reader_main, &r[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(r[i].rc, ERR_OK);
    }
    assert_int_equal(tzdb_get(*state, "Asia/Tokyo", &z), ERR_OK);
    for (int i = 0; i < 4; i++)
        assert_ptr_equal(r[i].zone, z);
}

/* ---- Footer rules from synthetic files ---- */

static void
test_footer_only_zone(void **state)
{
    struct tz_zone *z = footer_zone("CET-1CEST,M3.5.0,M10.5.0/3");
    const struct tz_zone *berlin = zone(state, "Europe/Berlin");

    assert_int_equal(tz_offset_at(z, at(2026, 1, 15, 0, 0)), HOUR);
    assert_int_equal(tz_offset_at(z, at(2026, 7, 1, 0, 0)), 2 * HOUR);
    assert_int_equal(tz_next_transition(z, at(2026, 1, 1, 0, 0)), at(2026, 3, 29, 1, 0));
    assert_int_equal(tz_next_transition(z, at(2026, 3, 29, 1, 0)), at(2026, 10, 25, 1, 0));
    assert_int_equal(tz_local_to_utc(z, at(2026, 3, 29, 2, 30)), at(2026, 3, 29, 1, 30));
    assert_int_equal(tz_local_to_utc(z, at(2026, 10, 25, 2, 30)), at(2026, 10, 25, 0, 30));
    /* Agrees with the real file hour by hour over the table years. */
    for (int64_t u = at(1996, 1, 1, 0, 0); u < at(2037, 1, 1, 0, 0); u += 1800)
        assert_int_equal(tz_offset_at(z, u), tz_offset_at(berlin, u));
    tz_zone_free(z);
}

static void
test_footer_fixed_and_quoted(void **state)
{
    struct tz_zone *z = footer_zone("<+0330>-3:30");

    (void)state;
    assert_int_equal(tz_offset_at(z, at(2026, 6, 1, 0, 0)), 3 * HOUR + 1800);
    assert_true(tz_next_transition(z, 0) == INT64_MAX);
    tz_zone_free(z);
    z = footer_zone("<-03>3");
    assert_int_equal(tz_offset_at(z, at(2026, 6, 1, 0, 0)), -3 * HOUR);
    tz_zone_free(z);
}

static void
test_footer_southern(void **state)
{
    struct tz_zone *z = footer_zone("AEST-10AEDT,M10.1.0,M4.1.0/3");
    const struct tz_zone *sydney = zone(state, "Australia/Sydney");

    assert_int_equal(tz_offset_at(z, at(2026, 1, 1, 0, 0)), 11 * HOUR);
    assert_int_equal(tz_next_transition(z, at(2026, 1, 1, 0, 0)), at(2026, 4, 4, 16, 0));
    assert_int_equal(tz_next_transition(z, at(2026, 4, 4, 16, 0)), at(2026, 10, 3, 16, 0));
    assert_int_equal(tz_next_transition(z, at(2026, 10, 3, 16, 0)), at(2027, 4, 3, 16, 0));
    for (int64_t u = at(2008, 6, 1, 0, 0); u < at(2037, 1, 1, 0, 0); u += 1800)
        assert_int_equal(tz_offset_at(z, u), tz_offset_at(sydney, u));
    tz_zone_free(z);
}

/* RFC 8536 3.3.1: rule times may be negative or beyond 24 hours. */
static void
test_footer_extended_hours(void **state)
{
    struct tz_zone *nuuk = footer_zone("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
    struct tz_zone *israel = footer_zone("IST-2IDT,M3.4.4/26,M10.5.0");

    (void)state;
    /* Saturday 23:00 local, i.e. one hour before Sunday 00:00. */
    assert_int_equal(tz_next_transition(nuuk, at(2030, 1, 1, 0, 0)), at(2030, 3, 31, 1, 0));
    assert_int_equal(tz_next_transition(nuuk, at(2030, 6, 1, 0, 0)), at(2030, 10, 27, 1, 0));
    assert_int_equal(tz_offset_at(nuuk, at(2030, 7, 1, 0, 0)), -HOUR);
    /* Thursday + 26 h: the Friday before the last Sunday, 02:00. */
    assert_int_equal(tz_next_transition(israel, at(2030, 1, 1, 0, 0)), at(2030, 3, 29, 0, 0));
    assert_int_equal(tz_next_transition(israel, at(2030, 6, 1, 0, 0)), at(2030, 10, 26, 23, 0));
    tz_zone_free(nuuk);
    tz_zone_free(israel);
}

/* Jn never counts February 29; n counts it. */
static void
test_footer_julian_forms(void **state)
{
    struct tz_zone *j = footer_zone("AAA0BBB,J60/0,J300/0");
    struct tz_zone *n = footer_zone("AAA0BBB,59/0,300/0");

    (void)state;
    assert_int_equal(tz_next_transition(j, at(2024, 1, 1, 0, 0)), at(2024, 3, 1, 0, 0));
    assert_int_equal(tz_next_transition(j, at(2026, 1, 1, 0, 0)), at(2026, 3, 1, 0, 0));
    assert_int_equal(tz_offset_at(j, at(2024, 3, 1, 0, 0)), HOUR);
    /* J300 is October 27 in every year; the end is in daylight time. */
    assert_int_equal(tz_next_transition(j, at(2024, 6, 1, 0, 0)), at(2024, 10, 26, 23, 0));
    assert_int_equal(tz_next_transition(n, at(2024, 1, 1, 0, 0)), at(2024, 2, 29, 0, 0));
    assert_int_equal(tz_next_transition(n, at(2026, 1, 1, 0, 0)), at(2026, 3, 1, 0, 0));
    /* Zero-based day 300 is October 27 in leap years, October 28 else. */
    assert_int_equal(tz_next_transition(n, at(2024, 6, 1, 0, 0)), at(2024, 10, 26, 23, 0));
    assert_int_equal(tz_next_transition(n, at(2026, 6, 1, 0, 0)), at(2026, 10, 27, 23, 0));
    tz_zone_free(j);
    tz_zone_free(n);
}

/* DST all year: the end of one year and the start of the next coincide. */
static void
test_footer_permanent_dst(void **state)
{
    struct tz_zone *z = footer_zone("EST5EDT4,0/0,J365/25");

    (void)state;
    assert_int_equal(tz_offset_at(z, at(2026, 1, 1, 5, 0)), -4 * HOUR);
    assert_int_equal(tz_offset_at(z, at(2026, 7, 1, 0, 0)), -4 * HOUR);
    assert_int_equal(tz_offset_at(z, at(2026, 12, 31, 23, 0)), -4 * HOUR);
    assert_true(tz_next_transition(z, at(2026, 1, 1, 0, 0)) == INT64_MAX);
    tz_zone_free(z);
}

/* A version 1 file: no footer, the last offset stays in force, and time
 * type 0 applies before the first transition. */
static void
test_v1_file(void **state)
{
    static const int64_t times[] = {1000000, 2000000};
    static const unsigned char idx[] = {1, 0};
    static const int32_t types[] = {HOUR, 2 * HOUR};
    struct tzif_spec s = {
        .version = 1, .times = times, .idx = idx, .n = 2, .types = types, .ntypes = 2};
    unsigned char buf[1024];
    struct tz_zone *z = NULL;
    size_t len = build_tzif(buf, &s);

    (void)state;
    assert_int_equal(tz_zone_from_tzif(buf, len, &z), ERR_OK);
    assert_int_equal(tz_offset_at(z, 0), HOUR);
    assert_int_equal(tz_offset_at(z, 1000000), 2 * HOUR);
    assert_int_equal(tz_offset_at(z, 1999999), 2 * HOUR);
    assert_int_equal(tz_offset_at(z, 2000000), HOUR);
    assert_int_equal(tz_offset_at(z, at(2045, 1, 1, 0, 0)), HOUR);
    assert_int_equal(tz_next_transition(z, 0), 1000000);
    assert_int_equal(tz_next_transition(z, 1000000), 2000000);
    assert_true(tz_next_transition(z, 2000000) == INT64_MAX);
    tz_zone_free(z);
}

/* Version 3 with a table and a footer; a transition that keeps the offset
 * is not reported as a change. */
static void
test_v3_table_then_footer(void **state)
{
    int64_t times[] = {at(2020, 1, 1, 0, 0), at(2021, 1, 1, 0, 0), at(2022, 1, 1, 0, 0)};
    static const unsigned char idx[] = {1, 2, 2};
    static const int32_t types[] = {0, HOUR, -5 * HOUR};
    struct tzif_spec s = {.version = 3,
                          .times = times,
                          .idx = idx,
                          .n = 3,
                          .types = types,
                          .ntypes = 3,
                          .footer = "EST5EDT,M3.2.0,M11.1.0"};
    unsigned char buf[1024];
    struct tz_zone *z = NULL;
    size_t len = build_tzif(buf, &s);

    (void)state;
    assert_int_equal(tz_zone_from_tzif(buf, len, &z), ERR_OK);
    assert_int_equal(tz_offset_at(z, at(2019, 6, 1, 0, 0)), 0);
    assert_int_equal(tz_offset_at(z, at(2020, 6, 1, 0, 0)), HOUR);
    assert_int_equal(tz_offset_at(z, at(2021, 6, 1, 0, 0)), -5 * HOUR);
    assert_int_equal(tz_next_transition(z, at(2020, 6, 1, 0, 0)), at(2021, 1, 1, 0, 0));
    assert_int_equal(tz_next_transition(z, at(2021, 6, 1, 0, 0)), at(2022, 3, 13, 7, 0));
    assert_int_equal(tz_offset_at(z, at(2022, 6, 1, 0, 0)), -4 * HOUR);
    tz_zone_free(z);
}

static void
expect_invalid(const unsigned char *buf, size_t len, const char *what)
{
    struct tz_zone *z = NULL;

    if (tz_zone_from_tzif(buf, len, &z) != ERR_INVALID)
        fail_msg("accepted %s", what);
    assert_null(z);
}

static void
test_tzif_rejects(void **state)
{
    static const char *bad_footers[] = {
        "CET",
        "CET-1CEST,M3.5.0",
        "CET-1CEST,M13.5.0,M10.5.0",
        "CE-1",
        "CET-25",
        "CET-1CEST,M3.6.0,M10.5.0",
        "CET-1CEST,M3.5.7,M10.5.0",
        "CET-1CEST,J0,J100",
        "CET-1CEST,366,10",
        "CET-1CEST,M3.5.0/168,M10.5.0",
        "CET-1 junk",
        "<+03-3",
    };
    static const int64_t times[] = {2000000, 1000000};
    static const unsigned char bad_idx[] = {5};
    static const unsigned char idx[] = {0, 0};
    static const int32_t types[] = {HOUR};
    struct tzif_spec s = {.version = 2, .types = types, .ntypes = 1, .footer = "UTC0"};
    unsigned char buf[1024];
    size_t len;

    (void)state;
    len = build_tzif(buf, &s);
    for (size_t cut = 0; cut < len; cut++)
        expect_invalid(buf, cut, "a truncated file");
    buf[0] = 'X';
    expect_invalid(buf, len, "a bad magic");
    for (size_t i = 0; i < sizeof(bad_footers) / sizeof(bad_footers[0]); i++) {
        s.footer = bad_footers[i];
        len = build_tzif(buf, &s);
        expect_invalid(buf, len, bad_footers[i]);
    }
    s = (struct tzif_spec){.version = 2,
                           .times = times,
                           .idx = idx,
                           .n = 1,
                           .types = types,
                           .ntypes = 1,
                           .footer = ""};
    s.idx = bad_idx;
    len = build_tzif(buf, &s);
    expect_invalid(buf, len, "a type index out of range");
    s.idx = idx;
    s.n = 2;
    len = build_tzif(buf, &s);
    expect_invalid(buf, len, "unsorted times");
    /* Found by fuzz_tzif (corpus/tzif/crash-offset-26h): a UT offset of
     * exactly 26 hours, one second past what RFC 8536 allows. */
    for (size_t i = 0; i < 2; i++) {
        static const int32_t too_far[] = {26 * HOUR, -26 * HOUR};

        s = (struct tzif_spec){.version = 2, .types = &too_far[i], .ntypes = 1, .footer = ""};
        len = build_tzif(buf, &s);
        expect_invalid(buf, len, "a UT offset of 26 hours");
    }
}

/* ---- RFC 3339 ---- */

static void
test_rfc3339_format(void **state)
{
    char buf[TZ_RFC3339_LEN];

    (void)state;
    tz_format_rfc3339(at(2026, 12, 1, 7, 0), 2 * HOUR, buf);
    assert_string_equal(buf, "2026-12-01T09:00:00+02:00");
    tz_format_rfc3339(at(2026, 1, 1, 3, 4) + 5, -5 * HOUR, buf);
    assert_string_equal(buf, "2025-12-31T22:04:05-05:00");
    tz_format_rfc3339(0, 0, buf);
    assert_string_equal(buf, "1970-01-01T00:00:00+00:00");
    tz_format_rfc3339(-1, 0, buf);
    assert_string_equal(buf, "1969-12-31T23:59:59+00:00");
    tz_format_rfc3339(at(2026, 1, 1, 0, 0), -(9 * HOUR + 1800), buf);
    assert_string_equal(buf, "2025-12-31T14:30:00-09:30");
    /* A seconds-precise LMT offset must still name the same instant. */
    tz_format_rfc3339(0, 3208, buf);
    assert_string_equal(buf, "1970-01-01T00:53:00+00:53");
}

static void
test_rfc3339_parse(void **state)
{
    int64_t t = 0;

    (void)state;
    assert_int_equal(tz_parse_rfc3339("2026-12-01T09:00:00+02:00", &t), ERR_OK);
    assert_int_equal(t, at(2026, 12, 1, 7, 0));
    assert_int_equal(tz_parse_rfc3339("2026-12-01T07:00:00Z", &t), ERR_OK);
    assert_int_equal(t, at(2026, 12, 1, 7, 0));
    assert_int_equal(tz_parse_rfc3339("2026-12-01t07:00:00z", &t), ERR_OK);
    assert_int_equal(t, at(2026, 12, 1, 7, 0));
    assert_int_equal(tz_parse_rfc3339("2026-12-01T07:00:00.999999Z", &t), ERR_OK);
    assert_int_equal(t, at(2026, 12, 1, 7, 0));
    assert_int_equal(tz_parse_rfc3339("2026-12-01T02:00:00.5-05:00", &t), ERR_OK);
    assert_int_equal(t, at(2026, 12, 1, 7, 0));
    assert_int_equal(tz_parse_rfc3339("2024-02-29T23:59:59+05:30", &t), ERR_OK);
    assert_int_equal(t, at(2024, 2, 29, 18, 29) + 59);
    assert_int_equal(tz_parse_rfc3339("2026-01-01T00:30:00+01:00", &t), ERR_OK);
    assert_int_equal(t, at(2025, 12, 31, 23, 30));
}

static void
test_rfc3339_rejects(void **state)
{
    static const char *bad[] = {
        "2026-12-01T09:00:00",
        "2026-12-01T09:00+02:00",
        "2026-02-30T09:00:00Z",
        "2026-12-01T24:00:00Z",
        "2026-12-01T09:60:00Z",
        "2026-12-01T09:00:60Z",
        "2026-12-01T09:00:00+02:00x",
        "2026-12-01T09:00:00Zx",
        "2026-12-01 09:00:00Z",
        "2026-12-01T09:00:00.Z",
        "2026-12-01T09:00:00+0200",
        "2026-12-01T09:00:00+24:00",
        "2026-12-01T09:00:00+02:60",
        "2026-12-01T9:00:00Z",
        "2026-12-01",
        "",
        "2026-12-01T09:00:00+02",
        "2026-12-1T09:00:00Z",
        "2026-12-01T09:00:00 Z",
        " 2026-12-01T09:00:00Z",
    };
    int64_t t = 42;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (tz_parse_rfc3339(bad[i], &t) != ERR_INVALID)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(t, 42);
    assert_int_equal(tz_parse_rfc3339(NULL, &t), ERR_INVALID);
}

/* Format then parse gives back the instant, for offsets of real zones. */
static void
test_rfc3339_round_trip(void **state)
{
    static const char *names[] = {"Europe/Berlin", "America/New_York", "Australia/Sydney",
                                  "Asia/Kolkata", "UTC"};
    char buf[TZ_RFC3339_LEN];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const struct tz_zone *z = zone(state, names[i]);

        for (int64_t u = at(2025, 1, 1, 0, 0); u < at(2027, 1, 1, 0, 0); u += 86400 / 4 + 7) {
            int64_t back = 0;

            tz_format_rfc3339(u, tz_offset_at(z, u), buf);
            assert_int_equal(tz_parse_rfc3339(buf, &back), ERR_OK);
            assert_int_equal(back, u);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_berlin_offsets),
        cmocka_unit_test(test_berlin_transitions_2026),
        cmocka_unit_test(test_berlin_local_to_utc),
        cmocka_unit_test(test_berlin_round_trip_year),
        cmocka_unit_test(test_new_york),
        cmocka_unit_test(test_sydney_southern_hemisphere),
        cmocka_unit_test(test_kolkata),
        cmocka_unit_test(test_berlin_far_future),
        cmocka_unit_test(test_berlin_walk_across_table_end),
        cmocka_unit_test(test_utc),
        cmocka_unit_test(test_tzdb_names),
        cmocka_unit_test(test_tzdb_other_dir),
        cmocka_unit_test(test_tzdb_threads),
        cmocka_unit_test(test_footer_only_zone),
        cmocka_unit_test(test_footer_fixed_and_quoted),
        cmocka_unit_test(test_footer_southern),
        cmocka_unit_test(test_footer_extended_hours),
        cmocka_unit_test(test_footer_julian_forms),
        cmocka_unit_test(test_footer_permanent_dst),
        cmocka_unit_test(test_v1_file),
        cmocka_unit_test(test_v3_table_then_footer),
        cmocka_unit_test(test_tzif_rejects),
        cmocka_unit_test(test_rfc3339_format),
        cmocka_unit_test(test_rfc3339_parse),
        cmocka_unit_test(test_rfc3339_rejects),
        cmocka_unit_test(test_rfc3339_round_trip),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
