/* TZif (RFC 8536) zones. A zone keeps only what offset questions need: the
 * transition instants, the UT offset after each, and the POSIX TZ rule of
 * the footer for instants after the table. Zones are never written after
 * construction, so any number of threads may query one. */
#include "core/tz.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "util/err.h"

#define TZ_HEADER_LEN 44
#define TZ_MAX_FOOTER 128
/* RFC 8536 bounds UT offsets to -25:59:59..+25:59:59 in practice; anything
 * wider (26:00:00 included: found by fuzz_tzif) is treated as a corrupt
 * file. The local_to_utc search window must stay wider than any offset. */
#define TZ_MAX_OFFSET (26 * 3600 - 1)
#define TZ_SEARCH_WINDOW (2 * 86400)
/* Instants are clamped to +-2^62 s before arithmetic so that adding offsets
 * and windows can never overflow. */
#define TZ_LIMIT ((int64_t)1 << 62)
/* Footer rules are evaluated in years; keep those years well inside int. */
#define TZ_RULE_LIMIT ((int64_t)1000000000000)
#define TZ_DEFAULT_RULE_TIME 7200

enum tz_date_kind {
    TZ_DATE_JULIAN,  /* Jn: 1..365, February 29 never counted */
    TZ_DATE_ZERO,    /* n: 0..365, February 29 counted */
    TZ_DATE_MONTHLY, /* Mm.w.d */
};

struct tz_rule_date {
    enum tz_date_kind kind;
    int day; /* Jn or n */
    int month, week, wday;
    int32_t time; /* seconds after local midnight, -167h..167h */
};

/* Offsets are seconds east of UTC, the opposite sign of POSIX TZ. */
struct tz_rule {
    int32_t std_off;
    int32_t dst_off;
    int has_dst;
    struct tz_rule_date start, end;
};

struct tz_zone {
    size_t n;
    int64_t *times;   /* strictly ascending */
    int32_t *offsets; /* offsets[i] applies from times[i] on */
    int32_t initial;  /* before times[0]: time type 0 */
    int has_rule;
    struct tz_rule rule;
};

struct tz_event {
    int64_t at;
    int32_t off;
    int order; /* ties: the end of DST sorts before the start */
};

static int64_t
clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* ---- POSIX TZ strings (the TZif footer) ---- */

/* Reads 1..max_digits digits; bounded so the value cannot overflow. */
static int
rule_number(const char **p, int max_digits, int *out)
{
    int v = 0, n = 0;

    while (is_digit(**p) && n < max_digits) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n == 0 || is_digit(**p))
        return ERR_INVALID;
    *out = v;
    return ERR_OK;
}

/* [+-]h[:mm[:ss]] with h at most max_hours, as signed seconds. */
static int
rule_hms(const char **p, int max_hours, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;

    if (**p == '+' || **p == '-') {
        sign = **p == '-' ? -1 : 1;
        (*p)++;
    }
    if (rule_number(p, 3, &h) != ERR_OK || h > max_hours)
        return ERR_INVALID;
    if (**p == ':') {
        (*p)++;
        if (rule_number(p, 2, &m) != ERR_OK || m > 59)
            return ERR_INVALID;
        if (**p == ':') {
            (*p)++;
            if (rule_number(p, 2, &s) != ERR_OK || s > 59)
                return ERR_INVALID;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return ERR_OK;
}

/* Zone abbreviation: three or more letters, or <...> of letters, digits
 * and signs. Only its syntax matters here. */
static int
rule_name(const char **p)
{
    const char *s = *p;
    int n = 0;

    if (*s == '<') {
        s++;
        while (is_alpha(*s) || is_digit(*s) || *s == '+' || *s == '-') {
            s++;
            n++;
        }
        if (*s != '>')
            return ERR_INVALID;
        s++;
    } else {
        while (is_alpha(*s)) {
            s++;
            n++;
        }
    }
    if (n < 3)
        return ERR_INVALID;
    *p = s;
    return ERR_OK;
}

static int
rule_date(const char **p, struct tz_rule_date *d)
{
    int rc = ERR_INVALID;

    memset(d, 0, sizeof(*d));
    if (**p == 'J') {
        (*p)++;
        d->kind = TZ_DATE_JULIAN;
        if (rule_number(p, 3, &d->day) != ERR_OK || d->day < 1 || d->day > 365)
            goto out;
    } else if (**p == 'M') {
        (*p)++;
        d->kind = TZ_DATE_MONTHLY;
        if (rule_number(p, 2, &d->month) != ERR_OK || d->month < 1 || d->month > 12)
            goto out;
        if (*(*p)++ != '.' || rule_number(p, 1, &d->week) != ERR_OK)
            goto out;
        if (d->week < 1 || d->week > 5)
            goto out;
        if (*(*p)++ != '.' || rule_number(p, 1, &d->wday) != ERR_OK || d->wday > 6)
            goto out;
    } else {
        d->kind = TZ_DATE_ZERO;
        if (rule_number(p, 3, &d->day) != ERR_OK || d->day > 365)
            goto out;
    }
    d->time = TZ_DEFAULT_RULE_TIME;
    /* RFC 8536 section 3.3.1 widens the hour to -167..167. */
    if (**p == '/') {
        (*p)++;
        if (rule_hms(p, 167, &d->time) != ERR_OK)
            goto out;
    }
    rc = ERR_OK;
out:
    return rc;
}

static int
rule_offset(const char **p, int32_t *out)
{
    int32_t posix;

    if (rule_hms(p, 24, &posix) != ERR_OK)
        return ERR_INVALID;
    *out = -posix;
    return ERR_OK;
}

static int
rule_parse(const char *s, struct tz_rule *r)
{
    static const char us_default[] = ",M3.2.0,M11.1.0";
    const char *p = s;
    int rc = ERR_INVALID;

    memset(r, 0, sizeof(*r));
    if (rule_name(&p) != ERR_OK || rule_offset(&p, &r->std_off) != ERR_OK)
        goto out;
    if (*p == '\0') {
        rc = ERR_OK;
        goto out;
    }
    r->has_dst = 1;
    if (rule_name(&p) != ERR_OK)
        goto out;
    r->dst_off = r->std_off + 3600;
    if (*p != ',' && *p != '\0' && rule_offset(&p, &r->dst_off) != ERR_OK)
        goto out;
    /* POSIX leaves a missing rule to the implementation; tzcode uses the
     * US rules, and so do we. */
    if (*p == '\0')
        p = us_default;
    if (*p++ != ',' || rule_date(&p, &r->start) != ERR_OK)
        goto out;
    if (*p++ != ',' || rule_date(&p, &r->end) != ERR_OK || *p != '\0')
        goto out;
    rc = ERR_OK;
out:
    return rc;
}

/* Local midnight of the rule's day in the given year, as local seconds. */
static int64_t
rule_day_start(const struct tz_rule_date *d, int year)
{
    int64_t jan1 = civil_days_from_date(year, 1, 1);
    int leap = civil_days_in_month(year, 2) == 29;
    int64_t day;

    if (d->kind == TZ_DATE_JULIAN) {
        day = jan1 + d->day - 1 + (leap && d->day >= 60);
    } else if (d->kind == TZ_DATE_ZERO) {
        day = jan1 + d->day;
    } else {
        int64_t first = civil_days_from_date(year, d->month, 1);
        int first_wday = civil_weekday(first) % 7; /* 0 = Sunday, as POSIX */
        int mday = 1 + (d->wday - first_wday + 7) % 7 + 7 * (d->week - 1);
        int dim = civil_days_in_month(year, d->month);

        while (mday > dim)
            mday -= 7;
        day = first + mday - 1;
    }
    return day * 86400;
}

static int
event_before(const struct tz_event *a, const struct tz_event *b)
{
    return a->at < b->at || (a->at == b->at && a->order < b->order);
}

/* The DST starts and ends of years lo..hi in time order; ev holds 2 per
 * year. The start is in standard time, the end in daylight time. */
static size_t
rule_events(const struct tz_rule *r, int lo, int hi, struct tz_event *ev)
{
    size_t n = 0;

    for (int y = lo; y <= hi; y++) {
        ev[n].at = rule_day_start(&r->start, y) + r->start.time - r->std_off;
        ev[n].off = r->dst_off;
        ev[n].order = 1;
        n++;
        ev[n].at = rule_day_start(&r->end, y) + r->end.time - r->dst_off;
        ev[n].off = r->std_off;
        ev[n].order = 0;
        n++;
    }
    for (size_t i = 1; i < n; i++) {
        struct tz_event e = ev[i];
        size_t j = i;

        while (j > 0 && event_before(&e, &ev[j - 1])) {
            ev[j] = ev[j - 1];
            j--;
        }
        ev[j] = e;
    }
    return n;
}

static int
year_of(int64_t utc)
{
    int y, m, d;

    civil_date_from_days(floor_div(clamp64(utc, -TZ_RULE_LIMIT, TZ_RULE_LIMIT), 86400), &y, &m, &d);
    return y;
}

static int32_t
rule_offset_at(const struct tz_rule *r, int64_t utc)
{
    struct tz_event ev[10];
    int32_t off = r->std_off;
    int y;
    size_t n;

    if (!r->has_dst)
        return r->std_off;
    /* Two years either side: rule times may reach a week into the
     * neighbouring year, and coinciding events must both be present. */
    y = year_of(utc);
    n = rule_events(r, y - 2, y + 2, ev);
    for (size_t i = 0; i < n && ev[i].at <= utc; i++)
        off = ev[i].off;
    return off;
}

/* First event after utc whose offset differs from cur. Each candidate is
 * checked with rule_offset_at so that coinciding events are judged by their
 * combined effect: permanent DST ("EST5EDT4,0/0,J365/25") ends and restarts
 * at the same instant, which is no change at all. */
static int64_t
rule_next_change(const struct tz_rule *r, int64_t utc, int32_t cur)
{
    struct tz_event ev[10];
    int y;
    size_t n;

    if (!r->has_dst)
        return INT64_MAX;
    y = year_of(utc);
    n = rule_events(r, y - 2, y + 2, ev);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].at > utc && rule_offset_at(r, ev[i].at) != cur)
            return ev[i].at;
    }
    return INT64_MAX;
}

/* ---- TZif ---- */

struct tzif_counts {
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
    uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);

    return v > INT64_MAX ? -(int64_t)(~v) - 1 : (int64_t)v;
}

static int32_t
be32s(const unsigned char *p)
{
    uint32_t v = be32(p);

    return v > INT32_MAX ? -(int32_t)(~v) - 1 : (int32_t)v;
}

static int
tzif_header(const unsigned char *p, size_t len, int *version, struct tzif_counts *c)
{
    if (len < TZ_HEADER_LEN || memcmp(p, "TZif", 4) != 0)
        return ERR_INVALID;
    *version = p[4] == 0 ? 1 : p[4] - '0';
    if (*version < 1 || *version > 4)
        return ERR_INVALID;
    c->isutcnt = be32(p + 20);
    c->isstdcnt = be32(p + 24);
    c->leapcnt = be32(p + 28);
    c->timecnt = be32(p + 32);
    c->typecnt = be32(p + 36);
    c->charcnt = be32(p + 40);
    if (c->typecnt == 0 || c->charcnt == 0)
        return ERR_INVALID;
    if ((c->isutcnt != 0 && c->isutcnt != c->typecnt) ||
        (c->isstdcnt != 0 && c->isstdcnt != c->typecnt))
        return ERR_INVALID;
    return ERR_OK;
}

/* Size of a data block; counts are 32-bit so this cannot overflow a
 * 64-bit size_t. */
static size_t
tzif_block_len(const struct tzif_counts *c, size_t time_size)
{
    return (size_t)c->timecnt * time_size + c->timecnt + (size_t)c->typecnt * 6 + c->charcnt +
           (size_t)c->leapcnt * (time_size + 4) + c->isstdcnt + c->isutcnt;
}

static int
tzif_block(const unsigned char *p, const struct tzif_counts *c, size_t tsz, struct tz_zone *z)
{
    const unsigned char *idx = p + (size_t)c->timecnt * tsz;
    const unsigned char *types = idx + c->timecnt;
    int rc = ERR_NOMEM;

    /* Leap-second ("right/") files count TAI-like seconds; treating them
     * as POSIX time would be silently wrong, so they are refused. */
    if (c->leapcnt != 0)
        return ERR_INVALID;
    for (uint32_t i = 0; i < c->typecnt; i++) {
        int32_t off = be32s(types + 6 * i);

        if (off < -TZ_MAX_OFFSET || off > TZ_MAX_OFFSET || types[6 * i + 4] > 1)
            return ERR_INVALID;
    }
    z->initial = be32s(types);
    if (c->timecnt == 0)
        return ERR_OK;
    z->times = malloc(c->timecnt * sizeof(*z->times));
    z->offsets = malloc(c->timecnt * sizeof(*z->offsets));
    if (z->times == NULL || z->offsets == NULL)
        goto out;
    rc = ERR_INVALID;
    for (uint32_t i = 0; i < c->timecnt; i++) {
        const unsigned char *t = p + (size_t)i * tsz;

        z->times[i] = tsz == 8 ? be64(t) : be32s(t);
        if (idx[i] >= c->typecnt || (i > 0 && z->times[i] <= z->times[i - 1]))
            goto out;
        z->offsets[i] = be32s(types + 6 * idx[i]);
    }
    z->n = c->timecnt;
    rc = ERR_OK;
out:
    return rc;
}

/* The footer is "\n<TZ string>\n" right after the version 2+ block; an
 * empty string means no rule. */
static int
tzif_footer(const unsigned char *p, size_t len, struct tz_zone *z)
{
    char buf[TZ_MAX_FOOTER];
    size_t n = 0;

    if (len < 2 || p[0] != '\n')
        return ERR_INVALID;
    for (n = 0; n + 1 < len && p[n + 1] != '\n'; n++) {
        if (n + 1 >= sizeof(buf) || p[n + 1] < 0x20 || p[n + 1] > 0x7e)
            return ERR_INVALID;
        buf[n] = (char)p[n + 1];
    }
    if (n + 1 >= len)
        return ERR_INVALID;
    buf[n] = '\0';
    if (n == 0)
        return ERR_OK;
    z->has_rule = 1;
    return rule_parse(buf, &z->rule);
}

int
tz_zone_from_tzif(const unsigned char *data, size_t len, struct tz_zone **out)
{
    struct tz_zone *z = NULL;
    struct tzif_counts c;
    size_t pos, block;
    int version, rc = ERR_INVALID;

    if (data == NULL || out == NULL)
        goto out;
    if (tzif_header(data, len, &version, &c) != ERR_OK)
        goto out;
    block = tzif_block_len(&c, 4);
    if (block > len - TZ_HEADER_LEN)
        goto out;
    pos = TZ_HEADER_LEN;
    /* Version 2+ readers must skip the 32-bit block and use the second
     * header and its 64-bit block, which also covers years past 2038. */
    if (version >= 2) {
        pos += block;
        if (tzif_header(data + pos, len - pos, &version, &c) != ERR_OK)
            goto out;
        pos += TZ_HEADER_LEN;
        block = tzif_block_len(&c, 8);
        if (block > len - pos)
            goto out;
    }
    rc = ERR_NOMEM;
    z = calloc(1, sizeof(*z));
    if (z == NULL)
        goto out;
    rc = tzif_block(data + pos, &c, version >= 2 ? 8 : 4, z);
    if (rc != ERR_OK)
        goto out;
    if (version >= 2) {
        rc = tzif_footer(data + pos + block, len - pos - block, z);
        if (rc != ERR_OK)
            goto out;
    }
    *out = z;
    z = NULL;
    rc = ERR_OK;
out:
    tz_zone_free(z);
    return rc;
}

int
tz_zone_fixed(int32_t offset_s, struct tz_zone **out)
{
    struct tz_zone *z;
    int rc = ERR_INVALID;

    if (out == NULL || offset_s < -TZ_MAX_OFFSET || offset_s > TZ_MAX_OFFSET)
        goto out;
    rc = ERR_NOMEM;
    z = calloc(1, sizeof(*z));
    if (z == NULL)
        goto out;
    z->initial = offset_s;
    *out = z;
    rc = ERR_OK;
out:
    return rc;
}

void
tz_zone_free(struct tz_zone *zone)
{
    if (zone == NULL)
        return;
    free(zone->times);
    free(zone->offsets);
    free(zone);
}

/* ---- Queries ---- */

/* Index of the last transition at or before utc, or -1. */
static ptrdiff_t
last_transition(const struct tz_zone *z, int64_t utc)
{
    size_t lo = 0, hi = z->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (z->times[mid] <= utc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (ptrdiff_t)lo - 1;
}

int32_t
tz_offset_at(const struct tz_zone *zone, int64_t utc)
{
    ptrdiff_t i;

    if (zone->has_rule && (zone->n == 0 || utc > zone->times[zone->n - 1]))
        return rule_offset_at(&zone->rule, utc);
    i = last_transition(zone, utc);
    return i < 0 ? zone->initial : zone->offsets[i];
}

int64_t
tz_next_transition(const struct tz_zone *zone, int64_t utc)
{
    int32_t cur = tz_offset_at(zone, utc);
    int64_t from = utc;

    /* Some table entries change only the abbreviation or the DST flag;
     * those are not offset changes. */
    for (size_t i = (size_t)(last_transition(zone, utc) + 1); i < zone->n; i++) {
        if (zone->offsets[i] != cur)
            return zone->times[i];
    }
    if (!zone->has_rule)
        return INT64_MAX;
    if (zone->n > 0 && zone->times[zone->n - 1] > from)
        from = zone->times[zone->n - 1];
    return rule_next_change(&zone->rule, from, cur);
}

int64_t
tz_local_to_utc(const struct tz_zone *zone, int64_t local_seconds)
{
    int64_t local = clamp64(local_seconds, -TZ_LIMIT, TZ_LIMIT);
    int64_t begin = local - TZ_SEARCH_WINDOW;
    int32_t off = tz_offset_at(zone, begin);

    /* Walk the constant-offset intervals that could contain the answer, in
     * time order, so the first match is the earlier instant of a fold. The
     * bound only guards against a corrupt table. */
    for (int guard = 0; guard < 64; guard++) {
        int64_t next = tz_next_transition(zone, begin);
        int64_t u = local - off;
        int32_t next_off;

        if (u >= begin && u < next)
            return u;
        if (next == INT64_MAX || next > local + TZ_SEARCH_WINDOW)
            break;
        next_off = tz_offset_at(zone, next);
        if (next_off > off && local >= next + off && local < next + next_off)
            return u; /* in the gap: read with the offset before it */
        begin = next;
        off = next_off;
    }
    return local - tz_offset_at(zone, local);
}

int64_t
tz_utc_to_local(const struct tz_zone *zone, int64_t utc)
{
    int64_t t = clamp64(utc, -TZ_LIMIT, TZ_LIMIT);

    return t + tz_offset_at(zone, t);
}

/* ---- RFC 3339 ---- */

static void
put_digits(char *p, int width, int64_t v)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void
tz_format_rfc3339(int64_t utc, int32_t offset_s, char out[TZ_RFC3339_LEN])
{
    /* RFC 3339 offsets have no seconds; dropping them from both the offset
     * and the wall time keeps the string denoting the same instant. */
    int32_t off = clamp64(offset_s, -TZ_MAX_OFFSET, TZ_MAX_OFFSET) / 60 * 60;
    int32_t aoff = off < 0 ? -off : off;
    /* Four-digit years only: clamp to 0000-01-01..9999-12-31. */
    int64_t local = clamp64(clamp64(utc, -TZ_LIMIT, TZ_LIMIT) + off, -62167219200, 253402300799);
    int64_t days = floor_div(local, 86400);
    int64_t secs = local - days * 86400;

    civil_format_date(days, out);
    out[10] = 'T';
    put_digits(out + 11, 2, secs / 3600);
    out[13] = ':';
    put_digits(out + 14, 2, secs / 60 % 60);
    out[16] = ':';
    put_digits(out + 17, 2, secs % 60);
    out[19] = off < 0 ? '-' : '+';
    put_digits(out + 20, 2, aoff / 3600);
    out[22] = ':';
    put_digits(out + 23, 2, aoff / 60 % 60);
    out[25] = '\0';
}

/* Exactly two digits with value <= max. */
static int
two_digits(const char *s, int max, int *out)
{
    if (!is_digit(s[0]) || !is_digit(s[1]))
        return ERR_INVALID;
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return *out <= max ? ERR_OK : ERR_INVALID;
}

/* "Z", "z" or "+HH:MM"/"-HH:MM", then the end of the string. */
static int
parse_offset(const char *s, int32_t *off)
{
    int sign, h, m;

    if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0') {
        *off = 0;
        return ERR_OK;
    }
    if (s[0] != '+' && s[0] != '-')
        return ERR_INVALID;
    sign = s[0] == '-' ? -1 : 1;
    if (two_digits(s + 1, 23, &h) != ERR_OK || s[3] != ':')
        return ERR_INVALID;
    if (two_digits(s + 4, 59, &m) != ERR_OK || s[6] != '\0')
        return ERR_INVALID;
    *off = sign * (h * 3600 + m * 60);
    return ERR_OK;
}

int
tz_parse_rfc3339(const char *s, int64_t *utc)
{
    char date[CIVIL_DATE_LEN];
    const char *p;
    int64_t days;
    int32_t off;
    int h, m, sec, rc = ERR_INVALID;

    if (s == NULL || utc == NULL)
        goto out;
    for (size_t i = 0; i < CIVIL_DATE_LEN - 1; i++) {
        if (s[i] == '\0')
            goto out;
        date[i] = s[i];
    }
    date[CIVIL_DATE_LEN - 1] = '\0';
    if (civil_parse_date(date, &days) != ERR_OK)
        goto out;
    p = s + CIVIL_DATE_LEN - 1;
    if (*p != 'T' && *p != 't')
        goto out;
    /* Leap seconds (:60) cannot be represented in POSIX time; refused. */
    if (two_digits(p + 1, 23, &h) != ERR_OK || p[3] != ':')
        goto out;
    if (two_digits(p + 4, 59, &m) != ERR_OK || p[6] != ':')
        goto out;
    if (two_digits(p + 7, 59, &sec) != ERR_OK)
        goto out;
    p += 9;
    if (*p == '.') {
        if (!is_digit(*++p))
            goto out;
        while (is_digit(*p))
            p++;
    }
    if (parse_offset(p, &off) != ERR_OK)
        goto out;
    *utc = days * 86400 + h * 3600 + m * 60 + sec - off;
    rc = ERR_OK;
out:
    return rc;
}
