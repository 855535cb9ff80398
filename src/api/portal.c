#include "api/portal.h"

#include <stdlib.h>
#include <string.h>

#include "api/appointments.h"
#include "api/booking_rows.h"
#include "api/resource.h"
#include "store/store.h"
#include "util/err.h"

#define PORTAL_MAX_ITEMS 500

struct portal_item {
    json_t *row; /* borrowed from its list */
    int64_t start;
    int booking;
};

/* Upcoming ones first, soonest first; then past ones, latest first. */
static int
portal_cmp(const void *a, const void *b, void *now_p)
{
    const struct portal_item *x = a, *y = b;
    int64_t now = *(const int64_t *)now_p;
    int fx = x->start >= now, fy = y->start >= now;

    if (fx != fy)
        return fy - fx;
    if (x->start == y->start)
        return 0;
    return (x->start < y->start) == fx ? -1 : 1;
}

static size_t
collect(json_t *list, int booking, struct portal_item *out, size_t n)
{
    json_t *row;
    size_t i;

    json_array_foreach(list, i, row)
    {
        if (n == PORTAL_MAX_ITEMS)
            break;
        /* Staff decide which appointments the patient sees. */
        if (!booking && !json_is_true(json_object_get(row, "share_with_patient")))
            continue;
        out[n].row = row;
        out[n].start = json_integer_value(json_object_get(row, "start_at"));
        out[n++].booking = booking;
    }
    return n;
}

static int
render_sorted(struct http_req *req, struct portal_item *v, size_t n, json_t *out)
{
    size_t i;
    int rc = ERR_OK;

    qsort_r(v, n, sizeof(*v), portal_cmp, &req->now);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        json_object_set_new(v[i].row, "kind",
                            json_string(v[i].booking ? "booking" : "appointment"));
        rc = v[i].booking ? booking_render(req, v[i].row) : appointments_render(req, v[i].row);
        if (rc == ERR_OK)
            rc = json_array_append(out, v[i].row) ? ERR_NOMEM : ERR_OK;
    }
    return rc;
}

int
api_me_appointments(struct http_req *req, struct http_resp *resp)
{
    struct store_booking_filter bf = {0};
    struct store_event_filter af = {0};
    json_t *bookings = NULL, *appts = NULL, *out = json_array();
    struct portal_item *v = calloc(PORTAL_MAX_ITEMS, sizeof(*v));
    size_t n = 0;
    int rc = out && v ? ERR_OK : ERR_NOMEM;

    bf.patient_id = af.patient_id = req->auth.patient_id;
    bf.limit = af.limit = PORTAL_MAX_ITEMS;
    if (rc == ERR_OK)
        rc = store_booking_list(req->db, &bf, &bookings);
    if (rc == ERR_OK)
        rc = store_appointment_list(req->db, &af, &appts);
    if (rc == ERR_OK) {
        n = collect(bookings, 1, v, n);
        n = collect(appts, 0, v, n);
        rc = render_sorted(req, v, n, out);
    }
    if (rc == ERR_OK) {
        rc = http_reply_page(resp, out, 0);
        out = NULL;
    }
    json_decref(out);
    json_decref(bookings);
    json_decref(appts);
    free(v);
    return rc;
}

int
api_me_profile(struct http_req *req, struct http_resp *resp)
{
    json_t *row = NULL;
    int rc = resource_load(req, &api_patients, req->auth.patient_id, &row);

    /* The clinic's notes about a patient are for staff eyes. */
    if (rc == ERR_OK) {
        json_object_del(row, "notes");
        json_object_del(row, "possible_duplicate_of");
        return http_reply_json(resp, 200, row);
    }
    json_decref(row);
    return rc;
}
