#include "jobs/diary.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/ics.h"
#include "core/ics_busy.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/row.h"

#define DIARY_RESP_LIMIT (8 * 1024 * 1024)
#define DIARY_URL_LEN 700
#define DIARY_UID_LEN 128
#define DIARY_COND_LEN (STORE_ETAG_LEN + 16)
/* Conditional writes that lost to another writer are tried again with the
 * version read back; past this many the diary is left for a later run. */
#define DIARY_TRIES 3
/* The REPORT asks for a day more on each side: servers compare floating
 * and all-day events in UTC (or a zone of their own); ics_busy_find then
 * decides in the location's zone. */
#define DIARY_QUERY_MARGIN_S 86400

/* The names of one booking's event: its UID and resource URL carry the
 * installation id, so installations sharing a diary never meet. */
struct names {
    char uid[DIARY_UID_LEN];
    char old_uid[DIARY_UID_LEN]; /* as written before installation ids */
    char url[DIARY_URL_LEN];
};

static void
ical_utc(int64_t t, char out[17])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static void
make_names(json_t *b, json_t *settings, const char *installation, struct names *n)
{
    const char *base = row_text(settings, "diary_url");
    size_t len = strlen(base);
    long long id = (long long)row_int(b, "id");

    snprintf(n->uid, sizeof(n->uid), "booking-%lld-%s@chairside", id, installation);
    snprintf(n->old_uid, sizeof(n->old_uid), "booking-%lld@chairside", id);
    snprintf(n->url, sizeof(n->url), "%s%sbooking-%lld-%s.ics", base,
             len && base[len - 1] == '/' ? "" : "/", id, installation);
}

/* One exchange: *status is the answer's (0 = none, with err set). */
static int
exchange(json_t *settings, struct transport_http *r, struct buf *resp, long *status, char *etag,
         size_t etag_size, char err[TRANSPORT_ERR_LEN])
{
    r->user = row_text(settings, "diary_user");
    r->password = row_text(settings, "diary_password");
    r->allow_private = row_int(settings, "allow_private_targets") != 0;
    buf_reset(resp);
    return transport_http_run_etag(r, status, resp, etag, etag_size, err);
}

static enum diary_result
unexpected(const char *method, long status, char err[TRANSPORT_ERR_LEN])
{
    snprintf(err, TRANSPORT_ERR_LEN, "%s answered HTTP %ld", method, status);
    return DIARY_UNREACHABLE;
}

/* One calendar-query REPORT with the VEVENT filter given; the events it
 * answers with are searched for a busy instance of the staff member. */
static enum diary_result
query_busy(json_t *settings, const struct ics_busy_query *q, const char *filter,
           char err[TRANSPORT_ERR_LEN])
{
    static const char *const headers[] = {"Depth: 1", "Content-Type: application/xml", NULL};
    char query[1024];
    struct transport_http r = {
        "REPORT", row_text(settings, "diary_url"), NULL, NULL, headers, query, 0, 0};
    struct buf resp;
    enum diary_result res = DIARY_UNREACHABLE;
    long status = 0;
    int found = 0;

    snprintf(query, sizeof(query),
             "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
             "<D:prop><C:calendar-data/></D:prop><C:filter>"
             "<C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">%s"
             "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>",
             filter);
    r.body_len = strlen(query);
    buf_init(&resp, DIARY_RESP_LIMIT);
    if (exchange(settings, &r, &resp, &status, NULL, 0, err) != ERR_OK)
        goto out;
    if (status < 200 || status >= 300) {
        res = unexpected("REPORT", status, err);
        goto out;
    }
    res = DIARY_DONE;
    if (resp.data && ics_busy_find(resp.data, q, &found) == ERR_OK && found) {
        snprintf(err, TRANSPORT_ERR_LEN, "the diary already has an event of this staff member");
        res = DIARY_COLLISION;
    }
out:
    buf_cleanup(&resp);
    return res;
}

/* Asks the diary for events around the booking, and for every recurring
 * one: not every server expands recurrences in a time-range filter
 * (Xandikos 0.2 does not), so those are expanded here whatever the
 * server makes of them. */
static enum diary_result
check_collision(json_t *b, json_t *settings, const struct tz_zone *local, const struct names *n,
                const char *installation, char err[TRANSPORT_ERR_LEN])
{
    struct ics_staff_key who = {row_int(b, "staff_id"), row_text(b, "staff"),
                                row_text(b, "staff_email")};
    struct ics_busy_query q = {
        &who,        row_int(b, "start_at"), row_int(b, "end_at"), local, n->uid, n->old_uid,
        installation};
    char start[17], end[17], range[128];
    const char *filters[] = {range, "<C:prop-filter name=\"RRULE\"/>",
                             "<C:prop-filter name=\"RDATE\"/>"};
    enum diary_result res = DIARY_DONE;
    size_t i;

    ical_utc(q.start - DIARY_QUERY_MARGIN_S, start);
    ical_utc(q.end + DIARY_QUERY_MARGIN_S, end);
    snprintf(range, sizeof(range), "<C:time-range start=\"%s\" end=\"%s\"/>", start, end);
    for (i = 0; i < sizeof(filters) / sizeof(filters[0]) && res == DIARY_DONE; i++)
        res = query_busy(settings, &q, filters[i], err);
    return res;
}

/* If-Match compares strongly (RFC 9110 13.1.1): a weak ETag would never
 * match, so it is not kept. */
static const char *
strong(const char *etag)
{
    return strncmp(etag, "W/", 2) == 0 ? "" : etag;
}

enum look { LOOK_NONE, LOOK_OURS, LOOK_OTHER, LOOK_FAILED };

/* Reads what the diary holds under our name after a conditional request
 * failed: nothing, our event (its ETag into st->etag), or someone
 * else's. */
static enum look
look(json_t *settings, const struct names *n, struct store_diary_state *st,
     char err[TRANSPORT_ERR_LEN])
{
    char etag[STORE_ETAG_LEN];
    struct transport_http r = {"GET", n->url, NULL, NULL, NULL, NULL, 0, 0};
    struct buf resp;
    enum look res = LOOK_FAILED;
    long status = 0;

    buf_init(&resp, DIARY_RESP_LIMIT);
    if (exchange(settings, &r, &resp, &status, etag, sizeof(etag), err) != ERR_OK)
        goto out;
    if (status == 404 || status == 410) {
        res = LOOK_NONE;
    } else if (status >= 200 && status < 300) {
        res = resp.data && ics_busy_has_uid(resp.data, n->uid) ? LOOK_OURS : LOOK_OTHER;
    } else {
        unexpected("GET", status, err);
    }
    /* Only our own event's version is ours to write over. */
    if (res != LOOK_FAILED)
        snprintf(st->etag, sizeof(st->etag), "%s", res == LOOK_OURS ? strong(etag) : "");
out:
    buf_cleanup(&resp);
    return res;
}

/* The condition of a write: the version we wrote last (If-Match), or
 * none there yet (If-None-Match: *), so we never overwrite what we have
 * not seen. blind: our own event whose version the diary does not say. */
static const char *
condition(const struct store_diary_state *st, int blind, char out[DIARY_COND_LEN])
{
    if (blind)
        return NULL;
    if (st->etag[0])
        snprintf(out, DIARY_COND_LEN, "If-Match: %s", st->etag);
    else
        snprintf(out, DIARY_COND_LEN, "If-None-Match: *");
    return out;
}

static enum diary_result
after_conflict(json_t *settings, const struct names *n, struct store_diary_state *st, int *blind,
               char err[TRANSPORT_ERR_LEN])
{
    switch (look(settings, n, st, err)) {
    case LOOK_NONE:
        return DIARY_DONE;
    case LOOK_OURS:
        *blind = st->etag[0] == '\0';
        return DIARY_DONE;
    case LOOK_OTHER:
        snprintf(err, TRANSPORT_ERR_LEN, "the diary holds another event under this booking's name");
        return DIARY_COLLISION;
    case LOOK_FAILED:
        break;
    }
    return DIARY_UNREACHABLE;
}

static enum diary_result
put_body(json_t *settings, const struct names *n, const struct buf *ics,
         struct store_diary_state *st, char err[TRANSPORT_ERR_LEN])
{
    char cond[DIARY_COND_LEN], etag[STORE_ETAG_LEN];
    const char *headers[] = {"Content-Type: text/calendar; charset=utf-8", NULL, NULL};
    struct transport_http r = {"PUT", n->url, NULL, NULL, headers, ics->data, ics->len, 0};
    struct buf resp;
    enum diary_result res = DIARY_UNREACHABLE;
    long status = 0;
    int tries, blind = 0;

    buf_init(&resp, DIARY_RESP_LIMIT);
    for (tries = 0; tries < DIARY_TRIES; tries++) {
        headers[1] = condition(st, blind, cond);
        if (exchange(settings, &r, &resp, &status, etag, sizeof(etag), err) != ERR_OK)
            break;
        if (status >= 200 && status < 300) {
            /* No (strong) ETag in the answer: the next write finds the
             * version by reading the event. */
            snprintf(st->etag, sizeof(st->etag), "%s", strong(etag));
            res = DIARY_DONE;
            break;
        }
        if (status != 412) {
            res = unexpected("PUT", status, err);
            break;
        }
        res = after_conflict(settings, n, st, &blind, err);
        if (res != DIARY_DONE)
            break;
        res = DIARY_UNREACHABLE;
    }
    if (tries == DIARY_TRIES)
        snprintf(err, TRANSPORT_ERR_LEN, "the diary's event kept changing while it was written");
    buf_cleanup(&resp);
    return res;
}

static enum diary_result
put_event(json_t *b, json_t *settings, const struct names *n, struct store_diary_state *st,
          int64_t now, char err[TRANSPORT_ERR_LEN])
{
    struct ics_event ev = {n->uid,
                           row_int(b, "start_at"),
                           row_int(b, "end_at"),
                           now,
                           row_text(b, "services"),
                           row_text(b, "patient"),
                           row_text(b, "location"),
                           row_text(b, "staff"),
                           row_text(b, "staff_email"),
                           row_int(b, "staff_id"),
                           0};
    struct buf ics;
    enum diary_result res = DIARY_UNREACHABLE;

    buf_init(&ics, DIARY_RESP_LIMIT);
    snprintf(err, TRANSPORT_ERR_LEN, "cannot build the event");
    if (ics_calendar_build(&ev, 1, NULL, &ics) == ERR_OK)
        res = put_body(settings, n, &ics, st, err);
    buf_cleanup(&ics);
    return res;
}

/* Removes our event: the version we wrote (If-Match), or, not knowing
 * it, only after reading that what is there is ours. */
static enum diary_result
delete_event(json_t *settings, const struct names *n, struct store_diary_state *st,
             char err[TRANSPORT_ERR_LEN])
{
    char cond[DIARY_COND_LEN];
    const char *headers[] = {NULL, NULL};
    struct transport_http r = {"DELETE", n->url, NULL, NULL, headers, NULL, 0, 0};
    struct buf resp;
    enum diary_result res = DIARY_UNREACHABLE;
    long status = 0;
    int tries, blind = 0;

    buf_init(&resp, DIARY_RESP_LIMIT);
    for (tries = 0; tries < DIARY_TRIES; tries++) {
        if (!st->etag[0] && !blind) {
            enum look l = look(settings, n, st, err);

            /* Nothing there, or not ours: nothing of ours to remove. */
            res = l == LOOK_FAILED ? DIARY_UNREACHABLE : DIARY_DONE;
            if (l != LOOK_OURS)
                goto out;
            blind = st->etag[0] == '\0';
        }
        snprintf(cond, sizeof(cond), "If-Match: %s", st->etag);
        headers[0] = blind ? NULL : cond;
        res = DIARY_UNREACHABLE;
        if (exchange(settings, &r, &resp, &status, NULL, 0, err) != ERR_OK)
            goto out;
        if ((status >= 200 && status < 300) || status == 404 || status == 410) {
            st->etag[0] = '\0';
            res = DIARY_DONE;
            goto out;
        }
        if (status != 412) {
            res = unexpected("DELETE", status, err);
            goto out;
        }
        /* Changed since we wrote it: read it again. */
        st->etag[0] = '\0';
        blind = 0;
    }
    snprintf(err, TRANSPORT_ERR_LEN, "the diary's event kept changing while it was removed");
out:
    buf_cleanup(&resp);
    return res;
}

enum diary_result
diary_sync(json_t *b, json_t *settings, const struct tz_zone *local, struct store_diary_state *st,
           int64_t now, char err[TRANSPORT_ERR_LEN])
{
    struct names n;
    enum diary_result res;

    err[0] = '\0';
    make_names(b, settings, st->installation_id, &n);
    if (strcmp(row_text(b, "status"), "cancelled") == 0)
        return delete_event(settings, &n, st, err);
    res = check_collision(b, settings, local, &n, st->installation_id, err);
    return res == DIARY_DONE ? put_event(b, settings, &n, st, now, err) : res;
}
