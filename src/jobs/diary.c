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

static void
ical_utc(int64_t t, char out[17])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static void
event_url(json_t *settings, int64_t id, char *out, size_t size)
{
    const char *base = row_text(settings, "diary_url");
    size_t n = strlen(base);

    snprintf(out, size, "%s%sbooking-%lld.ics", base, n && base[n - 1] == '/' ? "" : "/",
             (long long)id);
}

/* One exchange; anything but an expected status is "unreachable". */
static enum diary_result
exchange(json_t *settings, struct transport_http *r, struct buf *resp, int ok_404,
         char err[TRANSPORT_ERR_LEN])
{
    long status = 0;

    r->user = row_text(settings, "diary_user");
    r->password = row_text(settings, "diary_password");
    r->allow_private = row_int(settings, "allow_private_targets") != 0;
    if (transport_http_run(r, &status, resp, err) != ERR_OK)
        return DIARY_UNREACHABLE;
    if ((status >= 200 && status < 300) || (ok_404 && status == 404))
        return DIARY_DONE;
    snprintf(err, TRANSPORT_ERR_LEN, "%s answered HTTP %ld", r->method, status);
    return DIARY_UNREACHABLE;
}

/* Asks the diary for events overlapping the booking and looks for one of
 * the same staff member that is not this booking's own. */
static enum diary_result
check_collision(json_t *b, json_t *settings, const struct tz_zone *local, const char *uid,
                char err[TRANSPORT_ERR_LEN])
{
    static const char *const headers[] = {"Depth: 1", "Content-Type: application/xml", NULL};
    char start[17], end[17], query[1024];
    struct ics_staff_key who = {row_int(b, "staff_id"), row_text(b, "staff"),
                                row_text(b, "staff_email")};
    struct ics_busy_query q = {&who, row_int(b, "start_at"), row_int(b, "end_at"), local, uid};
    struct transport_http r = {
        "REPORT", row_text(settings, "diary_url"), NULL, NULL, headers, query, 0, 0};
    struct buf resp;
    enum diary_result res;
    int found = 0;

    ical_utc(row_int(b, "start_at"), start);
    ical_utc(row_int(b, "end_at"), end);
    snprintf(query, sizeof(query),
             "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
             "<D:prop><C:calendar-data/></D:prop><C:filter>"
             "<C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">"
             "<C:time-range start=\"%s\" end=\"%s\"/></C:comp-filter></C:comp-filter>"
             "</C:filter></C:calendar-query>",
             start, end);
    r.body_len = strlen(query);
    buf_init(&resp, DIARY_RESP_LIMIT);
    res = exchange(settings, &r, &resp, 0, err);
    if (res == DIARY_DONE && resp.data && ics_busy_find(resp.data, &q, &found) == ERR_OK && found) {
        snprintf(err, TRANSPORT_ERR_LEN, "the diary already has an event of this staff member");
        res = DIARY_COLLISION;
    }
    buf_cleanup(&resp);
    return res;
}

static enum diary_result
put_event(json_t *b, json_t *settings, const char *uid, int64_t now, char err[TRANSPORT_ERR_LEN])
{
    static const char *const headers[] = {"Content-Type: text/calendar; charset=utf-8", NULL};
    struct ics_event ev = {uid,
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
    char url[700];
    struct transport_http r = {"PUT", url, NULL, NULL, headers, NULL, 0, 0};
    struct buf ics, resp;
    enum diary_result res = DIARY_UNREACHABLE;

    event_url(settings, row_int(b, "id"), url, sizeof(url));
    buf_init(&ics, DIARY_RESP_LIMIT);
    buf_init(&resp, DIARY_RESP_LIMIT);
    snprintf(err, TRANSPORT_ERR_LEN, "cannot build the event");
    if (ics_calendar_build(&ev, 1, NULL, &ics) == ERR_OK) {
        r.body = ics.data;
        r.body_len = ics.len;
        res = exchange(settings, &r, &resp, 0, err);
    }
    buf_cleanup(&ics);
    buf_cleanup(&resp);
    return res;
}

enum diary_result
diary_sync(json_t *b, json_t *settings, const struct tz_zone *local, int64_t now,
           char err[TRANSPORT_ERR_LEN])
{
    char uid[64], url[700];
    struct transport_http del = {"DELETE", url, NULL, NULL, NULL, NULL, 0, 0};
    struct buf resp;
    enum diary_result res;

    err[0] = '\0';
    snprintf(uid, sizeof(uid), "booking-%lld@chairside", (long long)row_int(b, "id"));
    if (strcmp(row_text(b, "status"), "cancelled") != 0) {
        res = check_collision(b, settings, local, uid, err);
        return res == DIARY_DONE ? put_event(b, settings, uid, now, err) : res;
    }
    event_url(settings, row_int(b, "id"), url, sizeof(url));
    buf_init(&resp, DIARY_RESP_LIMIT);
    res = exchange(settings, &del, &resp, 1, err);
    buf_cleanup(&resp);
    return res;
}
