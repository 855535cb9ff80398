/* Bookings at the API: reading requests, who may see which booking, and
 * the booking's JSON shape. The use cases are service/bookings.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/auth.h"
#include "api/bookings.h"
#include "api/booking_rows.h"
#include "api/input.h"
#include "api/schedule.h"
#include "service/bookings.h"
#include "service/packages.h"
#include "service/visits.h"
#include "core/email.h"
#include "util/err.h"
#include "util/secret.h"

struct booking_input {
    int64_t patient_id;
    int64_t staff_id;
    int64_t service_ids[INPUT_MAX_IDS];
    size_t n_services;
    int64_t start;
    const char *notes;
    const char *pay;
    const char *referral; /* booking_referral */
    const char *pay_method;
    int use_package; /* 0: "use_package": false */
    const char *hold_token;
    int64_t group_event_id, seats; /* a group event's participant */
    /* a new patient booked in the same request */
    const char *new_name, *new_phone, *new_email, *new_password;
};

/* Turns a store row into the API shape: times in the location's zone. */
int
booking_render(struct http_req *req, json_t *row)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    int rc =
        sched_location_zone(&sv, json_integer_value(json_object_get(row, "location_id")), &zone);

    if (rc != ERR_OK)
        return rc;
    json_object_set_new(
        row, "start", sched_time_json(json_integer_value(json_object_get(row, "start_at")), zone));
    json_object_set_new(row, "end",
                        sched_time_json(json_integer_value(json_object_get(row, "end_at")), zone));
    json_object_set_new(row, "patient",
                        json_pack("{s:O, s:O}", "id", json_object_get(row, "patient_id"), "name",
                                  json_object_get(row, "patient_name")));
    json_object_set_new(
        row, "created_at",
        sched_time_json(json_integer_value(json_object_get(row, "created_at")), zone));
    json_object_set_new(
        row, "updated_at",
        sched_time_json(json_integer_value(json_object_get(row, "updated_at")), zone));
    json_object_del(row, "start_at");
    json_object_del(row, "end_at");
    json_object_del(row, "patient_name");
    /* Patients never see the clinic's rooms and machines. */
    if (!(req->auth.role & (HTTP_ROLE_ADMIN | HTTP_ROLE_STAFF)))
        json_object_del(row, "resources");
    return ERR_OK;
}

/* rc of reading *row, unless the caller may not see it: another
 * patient's booking is "not found" (and *row goes). */
static int
visible(struct http_req *req, int rc, json_t **row)
{
    if (rc == ERR_OK && req->auth.role == HTTP_ROLE_PATIENT &&
        json_integer_value(json_object_get(*row, "patient_id")) != req->auth.patient_id)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND) {
        json_decref(*row);
        *row = NULL;
        return http_fail(req, rc, "no such booking");
    }
    return rc;
}

/* Loads a booking the caller may see: another patient's is "not found". */
int
booking_load(struct http_req *req, int64_t id, json_t **out)
{
    return visible(req, store_booking_get(req->db, id, out), out);
}

/* Replies with a booking's view (bookings_view), which it takes. */
static int
view_reply(struct http_req *req, struct http_resp *resp, json_t *view, int status)
{
    int rc = booking_render(req, view);

    if (rc != ERR_OK) {
        json_decref(view);
        return rc;
    }
    return http_reply_json(resp, status, view);
}

static int
read_new_patient(struct http_req *req, struct booking_input *in)
{
    json_t *saved = req->json, *p = json_object_get(req->json, "patient");
    int bad = 0;

    if (!json_is_object(p))
        return http_field_error(req, "patient", "must be an object with name and phone");
    /* The field readers work on req->json; point them at the sub-object. */
    req->json = p;
    bad |= in_text(req, "name", 1, 200, &in->new_name) != ERR_OK;
    bad |= in_text(req, "phone", 1, 40, &in->new_phone) != ERR_OK;
    bad |= in_text(req, "email", 0, 254, &in->new_email) != ERR_OK;
    bad |= in_text(req, "password", 0, SECRET_PASSWORD_MAX, &in->new_password) != ERR_OK;
    req->json = saved;
    if (!bad && in->new_email && *in->new_email && email_problem(in->new_email))
        return http_field_error(req, "patient.email", email_problem(in->new_email));
    if (!bad && in->new_password && (!in->new_email || strlen(in->new_password) < 8))
        return http_field_error(req, "patient.password",
                                "needs an e-mail and at least 8 characters");
    return bad ? ERR_INVALID : ERR_OK;
}

static int
read_input(struct http_req *req, struct booking_input *in)
{
    int bad = 0;

    memset(in, 0, sizeof(*in));
    if (http_body_object(req) != ERR_OK)
        return ERR_MALFORMED;
    if (in_present(req, "patient") && req->auth.role == HTTP_ROLE_PATIENT)
        return http_field_error(req, "patient", "a patient books for themselves only");
    /* Without a login, only a new patient signing up may book. */
    if (req->auth.role == HTTP_ROLE_NONE && !in_present(req, "patient"))
        return http_fail(req, ERR_UNAUTHORIZED, "log in, or book as a new patient");
    if (in_present(req, "patient") && !in_present(req, "patient_id"))
        bad |= read_new_patient(req, in) != ERR_OK;
    else if (req->auth.role != HTTP_ROLE_PATIENT || in_present(req, "patient_id"))
        bad |= in_int(req, "patient_id", req->auth.role != HTTP_ROLE_PATIENT, 1, INT64_MAX,
                      &in->patient_id) != ERR_OK;
    /* A group event gives its participant staff member, service and time. */
    bad |= in_int(req, "group_event_id", 0, 1, INT64_MAX, &in->group_event_id) != ERR_OK;
    bad |= in_int(req, "seats", 0, 1, 10000, &in->seats) != ERR_OK;
    if (!bad && in->seats && !in->group_event_id)
        bad |=
            http_field_error(req, "seats", "is only for a group event (group_event_id)") != ERR_OK;
    if (!in->group_event_id) {
        bad |= in_int(req, "staff_id", 1, 1, INT64_MAX, &in->staff_id) != ERR_OK;
        bad |= in_service_ids(req, "service_ids", 1, in->service_ids, &in->n_services) != ERR_OK;
        bad |= in_time(req, "start", 1, &in->start) != ERR_OK;
    }
    bad |= in_text(req, "notes", 0, 10000, &in->notes) != ERR_OK;
    bad |= in_text(req, "pay", 0, 8, &in->pay) != ERR_OK;
    bad |= in_text(req, "booking_referral", 0, 200, &in->referral) != ERR_OK;
    in->use_package = 1;
    bad |= in_bool(req, "use_package", &in->use_package) != ERR_OK;
    bad |= in_text(req, "hold_token", 0, SECRET_TOKEN_LEN, &in->hold_token) != ERR_OK;
    if (!bad && in->pay && strcmp(in->pay, "now") != 0 && strcmp(in->pay, "skip") != 0)
        return http_field_error(req, "pay", "must be \"now\" or \"skip\"");
    bad |= in_text(req, "pay_method", 0, 16, &in->pay_method) != ERR_OK;
    if (!bad && req->auth.role == HTTP_ROLE_NONE && !in->new_password)
        return http_field_error(req, "patient.password", "is needed to create your account");
    if (bad)
        return ERR_INVALID;
    if (req->auth.role == HTTP_ROLE_PATIENT) {
        if (in->patient_id && in->patient_id != req->auth.patient_id)
            return http_fail(req, ERR_NOT_FOUND, "no such patient");
        in->patient_id = req->auth.patient_id;
    }
    return ERR_OK;
}

/* A patient who signed up while booking leaves logged in. */
static int
sign_in_new_patient(struct http_req *req, struct http_resp *resp, const char *email)
{
    struct store_user u;
    int rc = store_user_by_email(req->db, email, &u);

    return rc == ERR_OK ? auth_login_user(req, resp, &u) : rc;
}

static enum booking_by
booked_by(struct http_req *req)
{
    if (req->auth.role == HTTP_ROLE_NONE)
        return BOOKING_BY_SIGNUP;
    return req->auth.role == HTTP_ROLE_PATIENT ? BOOKING_BY_PATIENT : BOOKING_BY_STAFF;
}

int
api_bookings_create(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct booking_input in;
    struct booking_new b;
    struct store_audit audit;
    char address[64];
    json_t *view = NULL;
    int64_t id = 0;
    int rc = read_input(req, &in);

    if (rc != ERR_OK)
        return rc;
    b = (struct booking_new){.by = booked_by(req),
                             .patient_id = in.patient_id,
                             .staff_id = in.staff_id,
                             .service_ids = in.service_ids,
                             .n_services = in.n_services,
                             .start = in.start,
                             .notes = in.notes,
                             .pay_now = in.pay && strcmp(in.pay, "now") == 0,
                             .referral = in.referral && *in.referral ? in.referral : NULL,
                             .pay_method = in.pay_method,
                             .new_name = in.new_name,
                             .new_phone = in.new_phone,
                             .new_email = in.new_email,
                             .new_password = in.new_password,
                             .audit = &audit,
                             .no_package = !in.use_package,
                             .hold_token = in.hold_token,
                             .group_event_id = in.group_event_id,
                             .seats = (int)in.seats,
                             .view = &view};
    auth_audit_line(req, "write", req->auth.user_id, 201, &audit, address, sizeof(address));
    rc = bookings_create(&sv, &b, &id);
    if (rc != ERR_OK)
        return rc;
    req->audited = 1; /* the booking's commit carried the audit line */
    if (req->auth.role == HTTP_ROLE_NONE)
        rc = sign_in_new_patient(req, resp, in.new_email);
    if (rc != ERR_OK) {
        json_decref(view);
        return rc;
    }
    return view_reply(req, resp, view, 201);
}

static int
read_filter(struct http_req *req, struct store_booking_filter *f)
{
    int bad = 0;

    memset(f, 0, sizeof(*f));
    bad |= query_days(req, &f->from, &f->to) != ERR_OK;
    bad |= query_int(req, "staff_id", 1, INT64_MAX, &f->staff_id) != ERR_OK;
    bad |= query_int(req, "patient_id", 1, INT64_MAX, &f->patient_id) != ERR_OK;
    bad |= query_page(req, &f->limit, &f->after_id) != ERR_OK;
    f->status = http_query(req, "status");
    f->payment_status = http_query(req, "payment_status");
    if ((f->status && strlen(f->status) > 16) ||
        (f->payment_status && strlen(f->payment_status) > 16))
        bad |= http_field_error(req, "status", "is too long") != ERR_OK;
    if (bad)
        return ERR_INVALID;
    if (req->auth.role == HTTP_ROLE_PATIENT)
        f->patient_id = req->auth.patient_id;
    return ERR_OK;
}

int
api_bookings_list(struct http_req *req, struct http_resp *resp)
{
    struct store_booking_filter f;
    json_t *items = NULL;
    int rc = read_filter(req, &f);

    if (rc == ERR_OK)
        rc = store_booking_list(req->db, &f, &items);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    return http_reply_rendered_page(req, resp, items, f.limit, booking_render);
}

int
booking_reply(struct http_req *req, struct http_resp *resp, int64_t id, int status)
{
    struct svc sv = api_svc(req);
    json_t *view = NULL;
    int rc = visible(req, bookings_view(&sv, id, &view), &view);

    return rc == ERR_OK ? view_reply(req, resp, view, status) : rc;
}

int
api_bookings_get(struct http_req *req, struct http_resp *resp)
{
    return booking_reply(req, resp, req->ids[0], 200);
}
