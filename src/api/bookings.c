/* Bookings: services booked into a staff member's real availability. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/auth.h"
#include "service/billing.h"
#include "service/booking_rules.h"
#include "api/bookings.h"
#include "api/booking_rows.h"
#include "api/input.h"
#include "service/payments.h"
#include "service/notify.h"
#include "api/resource.h"
#include "api/schedule.h"
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
    /* a new patient booked in the same request */
    const char *new_name, *new_phone, *new_email, *new_password;
};

void
booking_actor_name(struct http_req *req, char *out, size_t size)
{
    static const char *const names[] = {"none", "patient", "staff", "", "admin"};

    snprintf(out, size, "%s:%lld", names[req->auth.role & 7], (long long)req->auth.user_id);
}

int
booking_add_history(struct http_req *req, int64_t booking_id, const char *action, json_t *changes)
{
    char actor[48], *text = changes ? json_dumps(changes, JSON_COMPACT) : NULL;
    int rc;

    booking_actor_name(req, actor, sizeof(actor));
    rc = store_history_add(req->db, booking_id, req->now, req->auth.user_id, actor, action,
                           text ? text : "{}");
    free(text);
    return rc;
}

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
    return ERR_OK;
}

/* Loads a booking the caller may see: another patient's is "not found". */
int
booking_load(struct http_req *req, int64_t id, json_t **out)
{
    int rc = store_booking_get(req->db, id, out);

    if (rc == ERR_OK && req->auth.role == HTTP_ROLE_PATIENT &&
        json_integer_value(json_object_get(*out, "patient_id")) != req->auth.patient_id)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND) {
        json_decref(*out);
        *out = NULL;
        return http_fail(req, rc, "no such booking");
    }
    return rc;
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
    if (!bad && in->new_email && *in->new_email && !email_valid(in->new_email))
        return http_field_error(req, "patient.email", "must be an e-mail address");
    if (!bad && in->new_password && (!in->new_email || strlen(in->new_password) < 8))
        return http_field_error(req, "patient.password",
                                "needs an e-mail and at least 8 characters");
    return bad ? ERR_INVALID : ERR_OK;
}

/* Patients booking themselves, logged in or signing up as they book. */
static int
is_online(struct http_req *req)
{
    return req->auth.role == HTTP_ROLE_PATIENT || req->auth.role == HTTP_ROLE_NONE;
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
    bad |= in_int(req, "staff_id", 1, 1, INT64_MAX, &in->staff_id) != ERR_OK;
    bad |= in_ids(req, "service_ids", 1, in->service_ids, &in->n_services) != ERR_OK;
    bad |= in_time(req, "start", 1, &in->start) != ERR_OK;
    bad |= in_text(req, "notes", 0, 10000, &in->notes) != ERR_OK;
    bad |= in_text(req, "pay", 0, 8, &in->pay) != ERR_OK;
    if (!bad && in->pay && strcmp(in->pay, "now") != 0 && strcmp(in->pay, "skip") != 0)
        return http_field_error(req, "pay", "must be \"now\" or \"skip\"");
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

static int
create_patient(struct http_req *req, const struct booking_input *in, const char *password_hash,
               int64_t *id)
{
    json_t *row = json_pack("{s:s, s:s, s:s}", "name", in->new_name, "phone", in->new_phone,
                            "email", in->new_email ? in->new_email : "");
    int64_t user_id;
    int rc = row ? store_row_insert(req->db, &setup_patients.table, row, id) : ERR_NOMEM;

    json_decref(row);
    if (rc == ERR_OK && password_hash) {
        rc = store_user_create(req->db, in->new_email, password_hash, "patient", *id, &user_id);
        if (rc == ERR_CONFLICT)
            rc = http_field_error(req, "patient.email", "already has an account; log in");
    }
    return rc;
}

static int
check_patient(struct http_req *req, int64_t patient_id)
{
    json_t *row = NULL;
    int rc = store_row_get(req->db, &setup_patients.table, patient_id, &row);

    json_decref(row);
    if (rc == ERR_NOT_FOUND)
        return http_field_error(req, "patient_id", "names a patient that does not exist");
    return rc;
}

/* The invoice comes with the booking; a patient who chose to pay now
 * leaves with a payment waiting for the clinic to confirm. */
static int
invoice_booking(struct http_req *req, const struct booking_input *in,
                const struct sched_settings *st, const struct sched_services *svc, int64_t id)
{
    struct svc sv = api_svc(req);
    struct billing_ctx b;
    int64_t invoice_id = 0, payment_id = 0;
    int rc = billing_ctx_init(&sv, &b);

    if (rc == ERR_OK)
        rc = billing_invoice_booking(&b, id, in->patient_id, svc->items, svc->n, &invoice_id);
    if (rc == ERR_OK && is_online(req) && strcmp(st->client_payment, "disabled") != 0 && in->pay &&
        strcmp(in->pay, "now") == 0)
        rc = payments_online(&sv, invoice_id, 0, &payment_id);
    return rc;
}

/* Everything from the slot check to the history row is one transaction:
 * racing requests for one slot serialise on the write lock, and every one
 * after the first sees the slot taken. */
static int
insert_booking(struct http_req *req, struct booking_input *in, const struct sched_settings *st,
               const struct sched_services *svc, const char *password_hash, int64_t *id)
{
    struct svc sv = api_svc(req);
    struct store_booking b = {0};
    int rc = store_begin(req->db, 1);

    if (rc == ERR_OK && in->new_name)
        rc = create_patient(req, in, password_hash, &in->patient_id);
    else if (rc == ERR_OK)
        rc = check_patient(req, in->patient_id);
    if (rc == ERR_OK)
        rc = booking_slot_check(&sv, st, svc, in->staff_id, in->start, 0, &b.location_id);
    if (rc != ERR_OK)
        goto out;
    b.patient_id = in->patient_id;
    b.staff_id = in->staff_id;
    b.start_at = in->start;
    b.end_at = in->start + (int64_t)svc->duration_min * 60;
    b.group_service_id = svc->group_service_id;
    b.notes = in->notes;
    b.created_at = req->now;
    snprintf(b.source, sizeof(b.source), "%s", is_online(req) ? "online" : "staff");
    snprintf(b.payment_status, sizeof(b.payment_status), "unpaid");
    rc = store_booking_insert(req->db, &b, svc->items, svc->n, id);
    if (rc == ERR_OK)
        rc = invoice_booking(req, in, st, svc, *id);
    if (rc == ERR_OK)
        rc = booking_add_history(req, *id, "created", NULL);
    if (rc == ERR_OK)
        rc = notify_booking(&sv, *id, NOTIFY_CREATED);
    /* The audit line rides in the same commit: one write, not two. */
    if (rc == ERR_OK)
        rc = auth_audit(req, "write", req->auth.user_id, 201);
    if (rc == ERR_OK)
        rc = store_commit(req->db);
out:
    if (rc != ERR_OK) {
        store_rollback(req->db);
        req->audited = 0;
    }
    return rc;
}

/* What the clinic allows patients who book themselves (seeds 000, 001). */
static int
online_rules(struct http_req *req, const struct sched_settings *st,
             const struct sched_services *svc, const struct booking_input *in)
{
    json_t *row = NULL;
    size_t i;
    int rc = ERR_OK;

    if (req->auth.role == HTTP_ROLE_NONE && !st->allow_self_signup)
        return http_fail(req, ERR_UNAUTHORIZED, "the clinic does not take sign-ups online; log in");
    for (i = 0; i < svc->n; i++) {
        if (!svc->items[i].online_booking)
            return http_field_error(req, "service_ids", "is not offered for online booking");
    }
    if (strcmp(st->client_payment, "enabled") == 0 && (!in->pay || strcmp(in->pay, "now") != 0))
        return http_field_error(req, "pay", "this clinic needs payment with the booking");
    if (req->auth.role == HTTP_ROLE_PATIENT)
        rc = store_row_get(req->db, &setup_patients.table, in->patient_id, &row);
    if (rc == ERR_OK && row && !json_is_true(json_object_get(row, "can_book_online")))
        rc = http_fail(req, ERR_FORBIDDEN, "online booking is not enabled for your account");
    json_decref(row);
    return rc;
}

/* A patient who signed up while booking leaves logged in. */
static int
sign_in_new_patient(struct http_req *req, struct http_resp *resp, const char *email)
{
    struct store_user u;
    int rc = store_user_by_email(req->db, email, &u);

    return rc == ERR_OK ? auth_login_user(req, resp, &u) : rc;
}

int
api_bookings_create(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct booking_input in;
    struct sched_settings settings;
    struct sched_services svc;
    char hash[160];
    int64_t id = 0;
    int rc;

    rc = read_input(req, &in);
    if (rc == ERR_OK)
        rc = sched_settings_load(&sv, &settings);
    if (rc == ERR_OK)
        rc = sched_services_load(&sv, "service_ids", in.service_ids, in.n_services, &svc);
    if (rc == ERR_OK && is_online(req))
        rc = online_rules(req, &settings, &svc, &in);
    /* Hashing is slow by design; do it before taking the write lock. */
    if (rc == ERR_OK && in.new_password)
        rc = secret_password_hash(in.new_password, hash, sizeof(hash));
    if (rc == ERR_OK)
        rc = insert_booking(req, &in, &settings, &svc, in.new_password ? hash : NULL, &id);
    if (rc == ERR_OK && req->auth.role == HTTP_ROLE_NONE)
        rc = sign_in_new_patient(req, resp, in.new_email);
    return rc == ERR_OK ? booking_reply(req, resp, id, 201) : rc;
}

static int
read_filter(struct http_req *req, struct store_booking_filter *f)
{
    int bad = 0;

    memset(f, 0, sizeof(*f));
    bad |= sched_query_days(req, &f->from, &f->to) != ERR_OK;
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
    json_t *row = NULL;
    int rc = booking_load(req, id, &row);

    if (rc == ERR_OK)
        rc = booking_render(req, row);
    if (rc == ERR_OK) {
        rc = http_reply_json(resp, status, row);
        row = NULL;
    }
    json_decref(row);
    return rc;
}

int
api_bookings_get(struct http_req *req, struct http_resp *resp)
{
    return booking_reply(req, resp, req->ids[0], 200);
}
