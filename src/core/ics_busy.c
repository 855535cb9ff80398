#include "core/ics_busy.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/civil.h"
#include "util/buf.h"
#include "util/err.h"

#define ICS_STAFF_PROP "X-CHAIRSIDE-STAFF"
#define ICS_BUSY_CAL_LIMIT (4 * 1024 * 1024)
#define ICS_BUSY_MARK_LEN 80

/* One master VEVENT's recurrence set while it is walked. libical keeps
 * one property iterator per component, so the instances it excludes are
 * collected before the RRULE and RDATE properties are walked. */
struct walk {
    const struct ics_busy_query *q;
    icalcomponent *cal; /* its VCALENDAR: VTIMEZONEs and overridden instances */
    icalcomponent *ev;
    int64_t length_s;          /* of a date-time instance */
    int64_t length_days;       /* of an all-day instance */
    struct icaltimetype *skip; /* EXDATEs and RECURRENCE-IDs of overrides */
    size_t n_skip, cap_skip;
};

static int
same_text(const char *a, const char *b)
{
    return a && b && *a && *b && strcasecmp(a, b) == 0;
}

/* by_id 0: X-CHAIRSIDE-STAFF counts only as an e-mail or a name. */
static int
is_staff(icalcomponent *ev, const struct ics_staff_key *who, int by_id)
{
    char id[24], mailto[300];
    icalproperty *p;

    snprintf(id, sizeof(id), "%lld", (long long)who->id);
    snprintf(mailto, sizeof(mailto), "mailto:%s", who->email ? who->email : "");
    for (p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
        icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);

        if ((who->email && *who->email && same_text(icalproperty_get_attendee(p), mailto)) ||
            (cn && same_text(icalparameter_get_cn(cn), who->name)))
            return 1;
    }
    for (p = icalcomponent_get_first_property(ev, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_X_PROPERTY)) {
        const char *v = icalproperty_get_value_as_string(p);

        if (strcasecmp(icalproperty_get_x_name(p), ICS_STAFF_PROP) == 0 &&
            ((by_id && same_text(v, id)) || same_text(v, who->email) || same_text(v, who->name)))
            return 1;
    }
    return 0;
}

/* libical leaves the zone of a TZID value unset: it is the calendar's
 * VTIMEZONE of that TZID, else the IANA zone of that name; neither found,
 * the time is read as floating. */
static struct icaltimetype
with_zone(icalcomponent *cal, icalproperty *p, struct icaltimetype t)
{
    icalparameter *tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    const char *tzid = tzp ? icalparameter_get_tzid(tzp) : NULL;
    icaltimezone *z = NULL;

    if (t.is_date || icaltime_is_utc(t))
        return t;
    if (tzid && *tzid && cal && icalcomponent_isa(cal) == ICAL_VCALENDAR_COMPONENT)
        z = icalcomponent_get_timezone(cal, tzid);
    if (tzid && *tzid && !z)
        z = icaltimezone_get_builtin_timezone(tzid);
    t.zone = z;
    return t;
}

static int64_t
wall_seconds(struct icaltimetype t)
{
    int64_t s = civil_days_from_date(t.year, t.month, t.day) * 86400;

    return t.is_date ? s : s + t.hour * 3600 + t.minute * 60 + t.second;
}

static int64_t
from_local(const struct ics_busy_query *q, int64_t wall)
{
    return q->local ? tz_local_to_utc(q->local, wall) : wall;
}

/* The instant t names: UTC as is, a zoned time through its zone, a
 * floating time or a date (its midnight) on the practice's wall clock. */
static int64_t
instant(const struct ics_busy_query *q, struct icaltimetype t)
{
    if (!t.is_date && icaltime_is_utc(t))
        return wall_seconds(t);
    if (!t.is_date && t.zone)
        return (int64_t)icaltime_as_timet_with_zone(t, (icaltimezone *)t.zone);
    return from_local(q, wall_seconds(t));
}

static int
hits(const struct ics_busy_query *q, int64_t s, int64_t e)
{
    /* An event without length still occupies its moment. */
    if (e <= s)
        e = s + 1;
    return s < q->end && e > q->start;
}

/* Whether x (an EXDATE or RECURRENCE-ID) names the instance starting at
 * t (instant s): by date when x is a date, else by instant. */
static int
names(const struct ics_busy_query *q, struct icaltimetype x, struct icaltimetype t, int64_t s)
{
    if (icaltime_is_null_time(x))
        return 0;
    if (x.is_date)
        return x.year == t.year && x.month == t.month && x.day == t.day;
    return instant(q, x) == s;
}

static int
excluded(const struct walk *w, struct icaltimetype t, int64_t s)
{
    size_t i;

    for (i = 0; i < w->n_skip; i++) {
        if (names(w->q, w->skip[i], t, s))
            return 1;
    }
    return 0;
}

static int
add_skip(struct walk *w, struct icaltimetype x)
{
    struct icaltimetype *grown;

    if (icaltime_is_null_time(x))
        return ERR_OK;
    if (w->n_skip == w->cap_skip) {
        size_t cap = w->cap_skip ? w->cap_skip * 2 : 8;

        grown = realloc(w->skip, cap * sizeof(*grown));
        if (!grown)
            return ERR_NOMEM;
        w->skip = grown;
        w->cap_skip = cap;
    }
    w->skip[w->n_skip++] = x;
    return ERR_OK;
}

/* The EXDATEs, and the instances other VEVENTs of the same UID override
 * (each override is looked at on its own, wherever it moved to). */
static int
collect_skips(struct walk *w)
{
    const char *uid = icalcomponent_get_uid(w->ev);
    icalcompiter it;
    icalcomponent *o;
    icalproperty *p;
    int rc = ERR_OK;

    for (p = icalcomponent_get_first_property(w->ev, ICAL_EXDATE_PROPERTY); p && rc == ERR_OK;
         p = icalcomponent_get_next_property(w->ev, ICAL_EXDATE_PROPERTY))
        rc = add_skip(w, with_zone(w->cal, p, icalproperty_get_exdate(p)));
    if (!uid || w->cal == w->ev)
        return rc;
    it = icalcomponent_begin_component(w->cal, ICAL_VEVENT_COMPONENT);
    for (o = icalcompiter_deref(&it); o && rc == ERR_OK; o = icalcompiter_next(&it)) {
        const char *ouid = icalcomponent_get_uid(o);

        p = icalcomponent_get_first_property(o, ICAL_RECURRENCEID_PROPERTY);
        if (o != w->ev && p && ouid && strcmp(ouid, uid) == 0)
            rc = add_skip(w, with_zone(w->cal, p, icalproperty_get_recurrenceid(p)));
    }
    return rc;
}

/* The length every instance of the event shares: DTEND - DTSTART (whole
 * days for all-day events, so a DST day stays one day), else DURATION,
 * else a day for a date and nothing for a date-time (RFC 5545 3.6.1). */
static void
set_length(struct walk *w, struct icaltimetype start)
{
    icalproperty *end = icalcomponent_get_first_property(w->ev, ICAL_DTEND_PROPERTY);
    icalproperty *dur = icalcomponent_get_first_property(w->ev, ICAL_DURATION_PROPERTY);

    w->length_s = 0;
    w->length_days = 1;
    if (end) {
        struct icaltimetype e = with_zone(w->cal, end, icalproperty_get_dtend(end));

        if (start.is_date)
            w->length_days = (wall_seconds(e) - wall_seconds(start)) / 86400;
        else
            w->length_s = instant(w->q, e) - instant(w->q, start);
    } else if (dur) {
        struct icaldurationtype d = icalproperty_get_duration(dur);

        if (start.is_date)
            w->length_days = d.is_neg ? 0 : (int64_t)d.weeks * 7 + d.days;
        else
            w->length_s = icaldurationtype_as_int(d);
    }
    if (w->length_days < 1)
        w->length_days = 1;
    if (w->length_s < 0)
        w->length_s = 0;
}

/* 1 when the instance starting at t is busy time in the window. */
static int
instance_busy(const struct walk *w, struct icaltimetype t)
{
    int64_t s = instant(w->q, t), e;

    if (t.is_date)
        e = from_local(w->q, wall_seconds(t) + w->length_days * 86400);
    else
        e = s + w->length_s;
    return hits(w->q, s, e) && !excluded(w, t, s);
}

/* utc as a time of the same kind as like: in like's zone, in UTC, or on
 * the practice's wall clock for a floating time or a date. */
static struct icaltimetype
time_like(const struct ics_busy_query *q, struct icaltimetype like, int64_t utc)
{
    int64_t wall = q->local ? tz_utc_to_local(q->local, utc) : utc;

    if (!like.is_date && (icaltime_is_utc(like) || like.zone))
        return icaltime_from_timet_with_zone((time_t)utc, 0,
                                             like.zone ? (icaltimezone *)like.zone
                                                       : icaltimezone_get_utc_timezone());
    return icaltime_from_timet_with_zone((time_t)wall, like.is_date, NULL);
}

static int
rule_busy(const struct walk *w, struct icalrecurrencetype rule, struct icaltimetype dtstart)
{
    icalrecur_iterator *it = icalrecur_iterator_new(rule, dtstart);
    /* A COUNT must be counted from DTSTART; any other rule starts just
     * before the window (a day and one instance's length, for zones and
     * instances that reach into it), so an event repeating since long
     * ago costs what its instances near the window cost. */
    int max = rule.count ? ICS_BUSY_MAX_COUNTED : ICS_BUSY_MAX_INSTANCES;
    int64_t from = w->q->start - w->length_s - (w->length_days + 1) * 86400;
    struct icaltimetype t;
    int n, busy = 0;

    /* An unreadable rule leaves the DTSTART instance, looked at already. */
    if (!it)
        return 0;
    if (!rule.count && from > instant(w->q, dtstart))
        icalrecur_iterator_set_start(it, time_like(w->q, dtstart, from));
    for (n = 0; !busy; n++) {
        if (n >= max) {
            busy = 1;
            break;
        }
        t = icalrecur_iterator_next(it);
        if (icaltime_is_null_time(t))
            break;
        t.zone = dtstart.zone;
        t.is_date = dtstart.is_date;
        if (instant(w->q, t) >= w->q->end)
            break;
        busy = instance_busy(w, t);
    }
    icalrecur_iterator_free(it);
    return busy;
}

static int
rdate_busy(const struct walk *w, icalproperty *p)
{
    struct icaldatetimeperiodtype v = icalproperty_get_rdate(p);
    struct icaltimetype s;
    int64_t at, until;

    if (!icaltime_is_null_time(v.time))
        return instance_busy(w, with_zone(w->cal, p, v.time));
    if (icaltime_is_null_time(v.period.start))
        return 0;
    /* A PERIOD brings its own length. */
    s = with_zone(w->cal, p, v.period.start);
    at = instant(w->q, s);
    until = icaltime_is_null_time(v.period.end) ? at + icaldurationtype_as_int(v.period.duration)
                                                : instant(w->q, with_zone(w->cal, p, v.period.end));
    return hits(w->q, at, until) && !excluded(w, s, at);
}

/* A master event: its DTSTART instance, every RRULE's and every RDATE,
 * less EXDATEs and overridden instances. An overridden instance (one
 * with RECURRENCE-ID) stands for itself. */
static int
event_busy(const struct ics_busy_query *q, icalcomponent *cal, icalcomponent *ev, int *busy)
{
    icalproperty *ds = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY), *p;
    struct walk w = {q, cal, ev, 0, 1, NULL, 0, 0};
    struct icaltimetype start;
    int rc = ERR_OK;

    *busy = 0;
    if (!ds)
        goto out;
    start = with_zone(cal, ds, icalproperty_get_dtstart(ds));
    if (icaltime_is_null_time(start))
        goto out;
    set_length(&w, start);
    if (icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
        *busy = instance_busy(&w, start);
        goto out;
    }
    rc = collect_skips(&w);
    if (rc != ERR_OK)
        goto out;
    *busy = instance_busy(&w, start);
    for (p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY); p && !*busy;
         p = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY))
        *busy = rule_busy(&w, icalproperty_get_rrule(p), start);
    for (p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); p && !*busy;
         p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY))
        *busy = rdate_busy(&w, p);
out:
    free(w.skip);
    return rc;
}

static int
other_installation(const struct ics_busy_query *q, const char *uid)
{
    static const char tail[] = "@chairside";
    char mark[ICS_BUSY_MARK_LEN];
    size_t n = uid ? strlen(uid) : 0;

    if (!q->installation || !*q->installation || n < sizeof(tail) - 1 ||
        strcasecmp(uid + n - (sizeof(tail) - 1), tail) != 0)
        return 0;
    snprintf(mark, sizeof(mark), "-%s@", q->installation);
    return strstr(uid, mark) == NULL;
}

/* Not ours, not cancelled, and the staff member's. */
static int
counts(const struct ics_busy_query *q, icalcomponent *ev)
{
    const char *uid = icalcomponent_get_uid(ev);

    if (uid && ((q->own_uid && strcmp(uid, q->own_uid) == 0) ||
                (q->old_uid && strcmp(uid, q->old_uid) == 0)))
        return 0;
    return icalcomponent_get_status(ev) != ICAL_STATUS_CANCELLED &&
           is_staff(ev, q->who, !other_installation(q, uid));
}

static int
calendar_busy(const char *ics, const struct ics_busy_query *q, int *found)
{
    icalcomponent *root = icalparser_parse_string(ics), *ev;
    icalcompiter it;
    int rc = ERR_OK;

    *found = 0;
    if (!root)
        return ERR_OK;
    if (icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT) {
        if (counts(q, root))
            rc = event_busy(q, root, root, found);
        goto out;
    }
    it = icalcomponent_begin_component(root, ICAL_VEVENT_COMPONENT);
    for (ev = icalcompiter_deref(&it); ev && rc == ERR_OK && !*found; ev = icalcompiter_next(&it)) {
        if (counts(q, ev))
            rc = event_busy(q, root, ev, found);
    }
out:
    icalcomponent_free(root);
    return rc;
}

/* Copies text[0..n) to out, undoing the XML escapes a multistatus uses. */
static int
xml_unescape(const char *s, size_t n, struct buf *out)
{
    static const struct {
        const char *from, *to;
    } map[] = {{"&lt;", "<"},   {"&gt;", ">"},   {"&amp;", "&"},  {"&quot;", "\""},
               {"&apos;", "'"}, {"&#13;", "\r"}, {"&#xD;", "\r"}, {"&#xd;", "\r"},
               {"&#10;", "\n"}, {"&#xA;", "\n"}, {"&#xa;", "\n"}};
    size_t i = 0, k;
    int rc = ERR_OK;

    while (rc == ERR_OK && i < n) {
        for (k = 0; s[i] == '&' && k < sizeof(map) / sizeof(map[0]); k++) {
            size_t len = strlen(map[k].from);

            if (i + len <= n && memcmp(s + i, map[k].from, len) == 0)
                break;
        }
        if (s[i] == '&' && k < sizeof(map) / sizeof(map[0])) {
            rc = buf_puts(out, map[k].to);
            i += strlen(map[k].from);
        } else {
            rc = buf_append(out, s + i++, 1);
        }
    }
    return rc;
}

int
ics_busy_find(const char *text, const struct ics_busy_query *q, int *found)
{
    static const char begin[] = "BEGIN:VCALENDAR", finish[] = "END:VCALENDAR";
    const char *p = text, *b, *e;
    struct buf one;
    int rc = ERR_OK;

    *found = 0;
    buf_init(&one, ICS_BUSY_CAL_LIMIT);
    while (rc == ERR_OK && !*found && (b = strstr(p, begin)) != NULL) {
        e = strstr(b, finish);
        if (!e)
            break;
        e += sizeof(finish) - 1;
        buf_reset(&one);
        rc = xml_unescape(b, (size_t)(e - b), &one);
        if (rc == ERR_OK)
            rc = buf_puts(&one, "\r\n");
        if (rc == ERR_OK)
            rc = calendar_busy(one.data, q, found);
        p = e;
    }
    buf_cleanup(&one);
    return rc;
}

int
ics_busy_has_uid(const char *text, const char *uid)
{
    icalcomponent *root = icalparser_parse_string(text), *ev;
    icalcompiter it;
    int has = 0;

    if (!root)
        return 0;
    if (icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT) {
        has = icalcomponent_get_uid(root) && strcmp(icalcomponent_get_uid(root), uid) == 0;
    } else {
        it = icalcomponent_begin_component(root, ICAL_VEVENT_COMPONENT);
        for (ev = icalcompiter_deref(&it); ev && !has; ev = icalcompiter_next(&it))
            has = icalcomponent_get_uid(ev) && strcmp(icalcomponent_get_uid(ev), uid) == 0;
    }
    icalcomponent_free(root);
    return has;
}
