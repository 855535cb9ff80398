/* Calendar feeds: a secret-token iCalendar feed of each staff member's and
 * each location's bookings, for calendar apps to subscribe to. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/notify.h"
#include "core/email.h"
#include "core/ics.h"
#include "service/schedule.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"
#include "util/secret.h"
#include "util/tzdb.h"

#define FEED_MAX_EVENTS 2000
#define FEED_PAST_S (90 * 86400)
#define FEED_TZ_AHEAD_S (400 * 86400) /* the VTIMEZONE's span past now, at least */

static const char *
feed_kind(struct http_req *req)
{
    return req->route_ctx;
}

static int
reply_token(struct http_req *req, struct http_resp *resp, const char *token, int status)
{
    char url[160];

    snprintf(url, sizeof(url), "/ical/%s/%lld.ics?token=%s",
             strcmp(feed_kind(req), "staff") == 0 ? "staff" : "locations", (long long)req->ids[0],
             token);
    return http_reply_json(resp, status, json_pack("{s:s, s:s}", "token", token, "url", url));
}

static int
owner_exists(struct http_req *req)
{
    json_t *row = NULL;
    int rc = store_row_get(
        req->db, strcmp(feed_kind(req), "staff") == 0 ? &setup_staff.table : &setup_locations.table,
        req->ids[0], &row);

    json_decref(row);
    return rc == ERR_NOT_FOUND ? http_fail(req, rc, "no such record") : rc;
}

/* Only a hash of the token is kept, so this can say whether there is one,
 * not what it is: the token is shown once, by POST. */
int
api_feed_token_get(struct http_req *req, struct http_resp *resp)
{
    const unsigned char none[SECRET_HASH_LEN] = {0};
    int matches = 0;
    int rc = owner_exists(req);

    if (rc != ERR_OK)
        return rc;
    rc = store_feed_token_get(req->db, feed_kind(req), req->ids[0], none, sizeof(none), &matches);
    if (rc == ERR_OK || rc == ERR_NOT_FOUND)
        return http_reply_json(resp, 200, json_pack("{s:b}", "exists", rc == ERR_OK));
    return rc;
}

/* Makes a new token, shown this once; the old one stops working at once. */
int
api_feed_token_renew(struct http_req *req, struct http_resp *resp)
{
    char token[SECRET_TOKEN_LEN];
    unsigned char hash[SECRET_HASH_LEN];
    int rc = store_begin(req->db, 1);

    secret_token(token);
    secret_token_hash(token, hash);
    if (rc == ERR_OK)
        rc = owner_exists(req);
    if (rc == ERR_OK)
        rc = store_feed_token_set(req->db, feed_kind(req), req->ids[0], hash, sizeof(hash));
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK) {
        store_rollback(req->db);
        return rc;
    }
    return reply_token(req, resp, token, 201);
}

/* What every event of a feed shares: the clinic as ORGANIZER. */
struct feed {
    char organizer[EMAIL_MAX_LEN + 1];
    char tzid[65];
    const struct tz_zone *zone;
};

static int
feed_event(struct http_req *req, const struct feed *f, int64_t booking_id, json_t **row,
           struct ics_event *ev, struct ics_itip *itip)
{
    int rc = store_notice_booking(req->db, booking_id, row);
    char *uid;

    if (rc != ERR_OK)
        return rc;
    uid = arena_alloc(&req->arena, 64);
    if (!uid)
        return ERR_NOMEM;
    snprintf(uid, 64, "booking-%lld@chairside", (long long)booking_id);
    *ev = (struct ics_event){uid,
                             row_int(*row, "start_at"),
                             row_int(*row, "end_at"),
                             req->now,
                             row_text(*row, "services"),
                             row_text(*row, "patient"),
                             row_text(*row, "location"),
                             row_text(*row, "staff"),
                             row_text(*row, "staff_email"),
                             row_int(*row, "staff_id"),
                             0};
    *itip = (struct ics_itip){(int)row_int(*row, "ical_sequence"),
                              row_int(*row, "modified_at"),
                              f->organizer,
                              row_text(*row, "location"),
                              NULL,
                              NULL};
    return ERR_OK;
}

/* The zone the feed's owner keeps time in: the location's, or the staff
 * member's first location's, or else the organisation's. */
static int
feed_zone(struct http_req *req, struct feed *f)
{
    struct svc s = api_svc(req);
    struct sched_settings st;
    json_t *ids = NULL, *loc = NULL;
    int64_t location_id = req->ids[0];
    int rc = ERR_OK;

    if (strcmp(feed_kind(req), "staff") == 0) {
        rc = store_staff_links_get(req->db, req->ids[0], "locations", &ids);
        location_id =
            rc == ERR_OK && json_array_size(ids) ? json_integer_value(json_array_get(ids, 0)) : 0;
        json_decref(ids);
    }
    if (location_id > 0 &&
        store_row_get(req->db, &setup_locations.table, location_id, &loc) == ERR_OK)
        snprintf(f->tzid, sizeof(f->tzid), "%s", row_text(loc, "timezone"));
    json_decref(loc);
    if (!f->tzid[0] && sched_settings_load(&s, &st) == ERR_OK)
        snprintf(f->tzid, sizeof(f->tzid), "%s", st.timezone);
    if (!f->tzid[0] || tzdb_get(req->app->tzdb, f->tzid, &f->zone) != ERR_OK) {
        snprintf(f->tzid, sizeof(f->tzid), "UTC");
        rc = tzdb_get(req->app->tzdb, "UTC", &f->zone);
    }
    return rc;
}

static int
feed_setup(struct http_req *req, struct feed *f)
{
    json_t *settings = NULL;
    int rc = store_notice_settings(req->db, &settings);
    const char *from = rc == ERR_OK ? row_text(settings, "mail_from") : "";

    memset(f, 0, sizeof(*f));
    if (rc == ERR_OK && email_ascii(*from ? from : "chairside@localhost", f->organizer,
                                    sizeof(f->organizer)) != ERR_OK)
        snprintf(f->organizer, sizeof(f->organizer), "chairside@localhost");
    json_decref(settings);
    return rc == ERR_OK ? feed_zone(req, f) : rc;
}

/* METHOD:PUBLISH (RFC 5546): the clinic as ORGANIZER of every event,
 * nobody invited, SEQUENCE and LAST-MODIFIED so subscribers see moves;
 * the owner's VTIMEZONE over the feed's span, so a feed without bookings
 * still holds a component. */
static int
build_feed(struct http_req *req, json_t *ids, int64_t since, struct buf *out)
{
    size_t i, n = json_array_size(ids);
    struct ics_event *evs = arena_calloc(&req->arena, n ? n : 1, sizeof(*evs));
    struct ics_itip *itip = arena_calloc(&req->arena, n ? n : 1, sizeof(*itip));
    json_t *rows = json_array(), *row = NULL;
    struct feed f;
    struct ics_calendar cal = {"PUBLISH", NULL, NULL, since, req->now + FEED_TZ_AHEAD_S};
    int rc;

    memset(&f, 0, sizeof(f));
    rc = evs && itip && rows ? feed_setup(req, &f) : ERR_NOMEM;
    for (i = 0; rc == ERR_OK && i < n; i++) {
        rc = feed_event(req, &f, json_integer_value(json_object_get(json_array_get(ids, i), "id")),
                        &row, &evs[i], &itip[i]);
        /* rows keeps each row (and the strings evs points into) alive. */
        if (rc == ERR_OK && json_array_append_new(rows, row) != 0)
            rc = ERR_NOMEM;
        row = NULL;
        if (rc == ERR_OK && evs[i].end > cal.tz_to)
            cal.tz_to = evs[i].end;
    }
    cal.tzid = f.tzid;
    cal.zone = f.zone;
    if (rc == ERR_OK)
        rc = ics_build(&cal, evs, itip, n, out);
    json_decref(rows);
    return rc;
}

int
api_feed_ics(struct http_req *req, struct http_resp *resp)
{
    unsigned char hash[SECRET_HASH_LEN];
    const char *token = http_query(req, "token");
    json_t *ids = NULL;
    int matches = 0;
    int rc;

    /* Unknown owner, no token and a wrong token look the same. */
    if (!token || strlen(token) >= SECRET_TOKEN_LEN + 8)
        return http_fail(req, ERR_NOT_FOUND, "no such feed");
    secret_token_hash(token, hash);
    rc = store_feed_token_get(req->db, feed_kind(req), req->ids[0], hash, sizeof(hash), &matches);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && !matches))
        return http_fail(req, ERR_NOT_FOUND, "no such feed");
    if (rc == ERR_OK)
        rc = store_feed_bookings(req->db, feed_kind(req), req->ids[0], req->now - FEED_PAST_S,
                                 FEED_MAX_EVENTS, &ids);
    if (rc == ERR_OK)
        rc = build_feed(req, ids, req->now - FEED_PAST_S, &resp->raw);
    json_decref(ids);
    if (rc != ERR_OK)
        return rc;
    resp->status = 200;
    resp->content_type = "text/calendar; charset=utf-8";
    return ERR_OK;
}
