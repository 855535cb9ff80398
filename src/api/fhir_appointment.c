/* Appointment read and search: bookings ("booking-<id>") and appointments
 * with a patient ("appointment-<id>"). A search pages through bookings,
 * then appointments, each by id; the cursor says which and after which
 * id ("b12", "a7"). A patient sees their own bookings and the
 * appointments staff shared with them, as in the portal. */
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/fhir.h"
#include "service/schedule.h"
#include "util/err.h"
#include "util/row.h"

#define APPT_CHUNK 200

struct appt_query {
    struct store_booking_filter f; /* from, to, staff_id, patient_id */
    const char *statuses;          /* comma-separated FHIR statuses, NULL = any */
    int patient_view;
};

static int
patient_view(const struct http_req *req)
{
    return req->auth.role == HTTP_ROLE_PATIENT;
}

static int
status_listed(const char *list, const char *status)
{
    size_t n = strlen(status);
    const char *p;

    if (!list)
        return 1;
    for (p = list; (p = strstr(p, status)) != NULL; p += n) {
        if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
            return 1;
    }
    return 0;
}

/* Whether the caller may see row and it matches the query. */
static int
visible(struct http_req *req, const struct appt_query *q, enum fhir_appt_kind kind,
        const json_t *row)
{
    const char *status;

    if (!row_int(row, "patient_id"))
        return 0;
    if (q->patient_view &&
        (row_int(row, "patient_id") != req->auth.patient_id ||
         (kind == FHIR_APPT_APPOINTMENT && !row_bool(row, "share_with_patient"))))
        return 0;
    status = fhir_appointment_status(row_text(row, "status"), row_text(row, "attendance"),
                                     row_int(row, "end_at"), req->now);
    return status_listed(q->statuses, status);
}

static int
read_one(struct http_req *req, struct http_resp *resp, enum fhir_appt_kind kind)
{
    struct appt_query q = {.patient_view = patient_view(req)};
    json_t *row = NULL, *res = NULL;
    int rc = kind == FHIR_APPT_BOOKING ? store_booking_get(req->db, req->ids[0], &row)
                                       : store_appointment_get(req->db, req->ids[0], &row);

    if (rc == ERR_OK && !visible(req, &q, kind, row))
        rc = ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND)
        rc = http_fail(req, rc, "no such Appointment");
    if (rc == ERR_OK)
        rc = fhir_appointment(req, kind, row, &res);
    if (rc == ERR_OK)
        rc = fhir_reply(resp, 200, res);
    json_decref(row);
    return rc;
}

int
api_fhir_appointment_read(struct http_req *req, struct http_resp *resp)
{
    const char *kind = req->path + strlen("/fhir/Appointment/");

    return read_one(req, resp,
                    strncmp(kind, "booking-", 8) == 0 ? FHIR_APPT_BOOKING : FHIR_APPT_APPOINTMENT);
}

static const char *const appt_params[] = {"date", "patient", "practitioner", "status", NULL};

static int
read_query(struct http_req *req, const struct fhir_search *s, struct appt_query *q)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    int rc = sched_org_zone(&sv, &zone);

    memset(q, 0, sizeof(*q));
    q->patient_view = patient_view(req);
    q->statuses = fhir_search_get(s, "status");
    if (rc == ERR_OK)
        rc = fhir_search_dates(req, s, "date", zone, &q->f.from, &q->f.to);
    if (rc == ERR_OK)
        rc = fhir_search_ref(req, s, "patient", "Patient", &q->f.patient_id);
    if (rc == ERR_OK)
        rc = fhir_search_ref(req, s, "practitioner", "Practitioner", &q->f.staff_id);
    /* A patient's search is of their own records, whatever it names. */
    if (rc == ERR_OK && q->patient_view && q->f.patient_id &&
        q->f.patient_id != req->auth.patient_id)
        q->f.from = q->f.to = -1;
    if (q->patient_view)
        q->f.patient_id = req->auth.patient_id;
    /* A window that is empty (lt before ge) matches nothing; 0 is open. */
    if (rc == ERR_OK && q->f.from > 0 && q->f.to > 0 && q->f.to <= q->f.from)
        q->f.from = q->f.to = -1;
    return rc;
}

static int
list_chunk(struct http_req *req, enum fhir_appt_kind kind, struct appt_query *q, int64_t after,
           json_t **items)
{
    struct store_event_filter ef = {q->f.from,       q->f.to, q->f.staff_id,
                                    q->f.patient_id, after,   APPT_CHUNK};

    q->f.after_id = after;
    q->f.limit = APPT_CHUNK;
    if (q->f.from == -1) {
        *items = json_array();
        return *items ? ERR_OK : ERR_NOMEM;
    }
    return kind == FHIR_APPT_BOOKING ? store_booking_list(req->db, &q->f, items)
                                     : store_appointment_list(req->db, &ef, items);
}

struct appt_page {
    struct fhir_bundle *b;
    int count, added;
    const char *next;
    char last_kind;
    int64_t last_id;
};

/* Adds the matching rows of one chunk; stops (page->next set) at the first
 * match past a full page. */
static int
add_rows(struct http_req *req, const struct appt_query *q, enum fhir_appt_kind kind, json_t *items,
         struct appt_page *page)
{
    json_t *row, *res = NULL;
    size_t i;
    int rc = ERR_OK;

    json_array_foreach(items, i, row)
    {
        if (rc != ERR_OK || page->next || !visible(req, q, kind, row))
            continue;
        if (page->added == page->count) {
            page->next = fhir_cursor_text(req, page->last_kind == 'b' ? "b" : "a", page->last_id);
            return page->next ? ERR_OK : ERR_NOMEM;
        }
        rc = fhir_appointment(req, kind, row, &res);
        if (rc == ERR_OK)
            rc = fhir_bundle_add(page->b, res);
        page->added++;
        page->last_kind = kind == FHIR_APPT_BOOKING ? 'b' : 'a';
        page->last_id = row_int(row, "id");
    }
    return rc;
}

static int
parse_cursor(struct http_req *req, const char *cursor, enum fhir_appt_kind *kind, int64_t *after)
{
    char *end;

    *kind = FHIR_APPT_BOOKING;
    *after = 0;
    if (!cursor)
        return ERR_OK;
    if (cursor[0] != 'a' && cursor[0] != 'b')
        return http_fail(req, ERR_MALFORMED, "_cursor is not one this server gave");
    *kind = cursor[0] == 'a' ? FHIR_APPT_APPOINTMENT : FHIR_APPT_BOOKING;
    *after = strtoll(cursor + 1, &end, 10);
    if (!cursor[1] || *end || *after < 0)
        return http_fail(req, ERR_MALFORMED, "_cursor is not one this server gave");
    return ERR_OK;
}

int
api_fhir_appointment_search(struct http_req *req, struct http_resp *resp)
{
    struct fhir_search s;
    struct fhir_bundle b = {0};
    struct appt_query q;
    struct appt_page page = {&b, 0, 0, NULL, 0, 0};
    enum fhir_appt_kind kind = FHIR_APPT_BOOKING;
    int64_t after = 0;
    json_t *items = NULL;
    size_t got = 0;
    int rc = fhir_search_read(req, appt_params, &s);

    if (rc == ERR_OK)
        rc = read_query(req, &s, &q);
    if (rc == ERR_OK)
        rc = parse_cursor(req, s.cursor, &kind, &after);
    if (rc == ERR_OK)
        rc = fhir_bundle_init(req, &b, "searchset");
    page.count = s.count;
    while (rc == ERR_OK && !page.next) {
        rc = list_chunk(req, kind, &q, after, &items);
        got = json_array_size(items);
        if (rc == ERR_OK)
            rc = add_rows(req, &q, kind, items, &page);
        if (got)
            after = row_int(json_array_get(items, got - 1), "id");
        json_decref(items);
        items = NULL;
        if (got < APPT_CHUNK && kind == FHIR_APPT_APPOINTMENT)
            break;
        if (got < APPT_CHUNK) {
            kind = FHIR_APPT_APPOINTMENT;
            after = 0;
        }
    }
    if (rc == ERR_OK)
        rc = fhir_reply_bundle(req, resp, &b, &s, page.next);
    fhir_bundle_cleanup(&b);
    return rc;
}
