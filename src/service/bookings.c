#include "service/bookings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/billing.h"
#include "service/booking_rules.h"
#include "service/group_events.h"
#include "service/notify.h"
#include "service/packages.h"
#include "service/payments.h"
#include "service/resources.h"
#include "service/setup.h"
#include "service/visits.h"
#include "service/webhooks.h"
#include "util/err.h"
#include "util/row.h"
#include "util/secret.h"

/* Appends to the change history; changes may be NULL. */
static int
history_add(const struct svc *s, int64_t booking_id, const char *action, json_t *changes)
{
    char *text = changes ? json_dumps(changes, JSON_COMPACT) : NULL;
    int rc = store_history_add(s->db, booking_id, s->now, s->user_id, s->actor, action,
                               text ? text : "{}");

    free(text);
    return rc;
}

static int
load_booking(const struct svc *s, int64_t id, json_t **row)
{
    int rc = store_booking_get(s->db, id, row);

    return rc == ERR_NOT_FOUND ? svc_fail(s, rc, "no such booking") : rc;
}

/* What the clinic allows patients who book themselves (seeds 000, 001). */
static int
online_rules(const struct svc *s, const struct sched_settings *st, const struct sched_services *svc,
             const struct booking_new *in)
{
    json_t *row = NULL;
    size_t i;
    int rc = ERR_OK;

    if (in->by == BOOKING_BY_SIGNUP && !st->allow_self_signup)
        return svc_fail(s, ERR_UNAUTHORIZED, "the clinic does not take sign-ups online; log in");
    /* A group event is offered online on its own account. */
    for (i = 0; !in->group_event_id && i < svc->n; i++) {
        if (!svc->items[i].online_booking)
            return svc_field_error(s, "service_ids", "is not offered for online booking");
    }
    if (strcmp(st->client_payment, "enabled") == 0 && !in->pay_now)
        return svc_field_error(s, "pay", "this clinic needs payment with the booking");
    if (in->pay_now && strcmp(st->client_payment, "disabled") != 0)
        rc = payments_method_check(s, "pay_method", in->pay_method);
    if (rc != ERR_OK)
        return rc;
    if (in->by == BOOKING_BY_PATIENT)
        rc = store_row_get(s->db, &setup_patients.table, in->patient_id, &row);
    if (rc == ERR_OK && row && !json_is_true(json_object_get(row, "can_book_online")))
        rc = svc_fail(s, ERR_FORBIDDEN, "online booking is not enabled for your account");
    json_decref(row);
    return rc;
}

/* A sign-up (a new patient with a password) whose e-mail an existing
 * patient without a login already has is most likely that patient: the
 * booking goes through on a record of its own, flagged for staff to merge
 * rather than silently doubled. */
static int
create_patient(const struct svc *s, const struct booking_new *in, const char *password_hash,
               int64_t *id)
{
    json_t *row = json_pack("{s:s, s:s, s:s}", "name", in->new_name, "phone", in->new_phone,
                            "email", in->new_email ? in->new_email : "");
    int64_t user_id, same = 0;
    int rc = row ? ERR_OK : ERR_NOMEM;

    if (rc == ERR_OK && password_hash && in->new_email && in->new_email[0]) {
        rc = store_patient_duplicate_of(s->db, in->new_email, &same);
        if (rc == ERR_OK && json_object_set_new(row, "possible_duplicate_of", json_integer(same)))
            rc = ERR_NOMEM;
        if (rc == ERR_NOT_FOUND)
            rc = ERR_OK;
    }
    if (rc == ERR_OK)
        rc = store_row_insert(s->db, &setup_patients.table, row, id);

    json_decref(row);
    if (rc == ERR_OK && password_hash) {
        rc = store_user_create(s->db, in->new_email, password_hash, "patient", *id, &user_id);
        if (rc == ERR_CONFLICT)
            rc = svc_field_error(s, "patient.email", "already has an account; log in");
    }
    return rc;
}

static int
check_patient(const struct svc *s, int64_t patient_id)
{
    json_t *row = NULL;
    int rc = store_row_get(s->db, &setup_patients.table, patient_id, &row);

    json_decref(row);
    if (rc == ERR_NOT_FOUND)
        return svc_field_error(s, "patient_id", "names a patient that does not exist");
    return rc;
}

/* The invoice comes with the booking; a patient who chose to pay now
 * leaves with a payment waiting for the clinic to confirm. */
static int
invoice_booking(const struct svc *s, const struct booking_new *in, const struct sched_settings *st,
                const struct sched_services *svc, int seats, int64_t patient_id, int64_t id)
{
    struct billing_ctx b;
    int64_t invoice_id = 0, payment_id = 0;
    int rc = billing_ctx_init(s, &b);

    if (rc == ERR_OK)
        rc = billing_invoice_seats(&b, id, patient_id, svc->items, svc->n, seats, &invoice_id);
    if (rc == ERR_OK && in->by != BOOKING_BY_STAFF && strcmp(st->client_payment, "disabled") != 0 &&
        in->pay_now)
        rc = payments_online(s, invoice_id, 0, in->pay_method, &payment_id);
    return rc;
}

/* Everything from the slot check to the audit line is one transaction:
 * the check holds the staff member's lock until the commit, so of racing
 * requests for one slot every one after the first sees it taken. */
/* What was booked, so the history can say it in words: who, which
 * services, when (in the location's zone). */
static int
history_created(const struct svc *s, const struct store_booking *b,
                const struct sched_services *svc, int64_t id)
{
    const struct tz_zone *zone;
    json_t *changes = NULL, *ids = json_array();
    size_t i;
    int rc = ids ? sched_location_zone(s, b->location_id, &zone) : ERR_NOMEM;

    for (i = 0; rc == ERR_OK && i < svc->n; i++)
        json_array_append_new(ids, json_integer(svc->items[i].id));
    if (rc == ERR_OK)
        changes = json_pack("{s:I, s:O, s:o}", "staff_id", (json_int_t)b->staff_id, "service_ids",
                            ids, "start", sched_time_json(b->start_at, zone));
    if (rc == ERR_OK && !changes)
        rc = ERR_NOMEM;
    if (rc == ERR_OK)
        rc = history_add(s, id, "created", changes);
    json_decref(changes);
    json_decref(ids);
    return rc;
}

/* The live hold a booking brings its token for; holds->hold_id stays 0
 * when there is none (an expired hold is simply no hold). */
static int
find_hold(const struct svc *s, const char *token, struct store_hold_skip *holds,
          struct store_hold *h)
{
    unsigned char hash[SECRET_HASH_LEN];
    int rc;

    holds->holder = NULL;
    holds->hold_id = 0;
    holds->now = s->now;
    memset(h, 0, sizeof(*h));
    if (!token || !*token)
        return ERR_OK;
    secret_token_hash(token, hash);
    rc = store_hold_by_token(s->db, hash, sizeof(hash), s->now, s->arena, h);
    if (rc == ERR_OK)
        holds->hold_id = h->id;
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/* A participant takes the event's staff member, place, time and buffers;
 * its seats are checked under the event's staff lock. A hold on seats of
 * this event is this booking's own: its seats are not counted against it. */
static int
participant_slot(const struct svc *s, const struct booking_new *in, const struct store_hold *h,
                 struct store_hold_skip *holds, struct store_booking *b)
{
    struct store_group_event e;
    int64_t own = h->group_event_id == in->group_event_id ? h->id : 0;
    int rc;

    /* A time hold (or another event's) is no hold on these seats. */
    if (!own)
        holds->hold_id = 0;
    /* Without seats asked for, a participant books what its hold keeps. */
    b->seats = in->seats > 0 ? in->seats : own ? h->seats : 1;
    rc = group_events_take_seats(s, in->group_event_id, b->seats, own, &e);
    if (rc != ERR_OK)
        return rc;
    if (in->by != BOOKING_BY_STAFF && !e.online_booking)
        return svc_field_error(s, "group_event_id", "is not offered for online booking");
    b->staff_id = e.staff_id;
    b->location_id = e.location_id;
    b->start_at = e.start_at;
    b->end_at = e.end_at;
    b->group_event_id = in->group_event_id;
    b->buffer_before_min = e.buffer_before_min;
    b->buffer_after_min = e.buffer_after_min;
    return ERR_OK;
}

/* An individual slot: availability's rules, the units the services need. */
static int
individual_slot(const struct svc *s, const struct booking_new *in, const struct sched_settings *st,
                const struct sched_services *svc, const struct store_hold_skip *holds,
                struct resource_needs *needs, struct store_booking *b)
{
    int rc =
        booking_slot_check(s, st, svc, in->staff_id, in->start, 0, holds, &b->location_id, needs);

    if (rc != ERR_OK)
        return rc;
    b->staff_id = in->staff_id;
    b->start_at = in->start;
    b->end_at = in->start + (int64_t)svc->duration_min * 60;
    b->group_service_id = svc->group_service_id;
    b->buffer_before_min = svc->buffer_before_min;
    b->buffer_after_min = svc->buffer_after_min;
    b->seats = 1;
    return ERR_OK;
}

/* What the booking's write transaction needs, as svc_write passes it. */
struct insert_args {
    const struct booking_new *in;
    const struct sched_settings *st;
    const struct sched_services *svc;
    const char *password_hash;
    int64_t *id;
};

static int
insert_booking(const struct svc *s, void *arg)
{
    const struct insert_args *a = arg;
    const struct booking_new *in = a->in;
    const struct sched_services *svc = a->svc;
    int64_t *id = a->id;
    struct store_booking b = {0};
    struct sched_services rest;
    struct store_hold_skip holds;
    struct store_hold hold;
    struct resource_needs needs = {0};
    int rc;

    b.patient_id = in->patient_id;
    rc = in->new_name ? create_patient(s, in, a->password_hash, &b.patient_id)
                      : check_patient(s, in->patient_id);
    if (rc == ERR_OK)
        rc = find_hold(s, in->hold_token, &holds, &hold);
    if (rc == ERR_OK)
        rc = in->group_event_id ? participant_slot(s, in, &hold, &holds, &b)
                                : individual_slot(s, in, a->st, svc, &holds, &needs, &b);
    if (rc != ERR_OK)
        return rc;
    b.notes = in->notes;
    b.referral = in->referral;
    b.created_at = s->now;
    snprintf(b.source, sizeof(b.source), "%s", in->by != BOOKING_BY_STAFF ? "online" : "staff");
    snprintf(b.payment_status, sizeof(b.payment_status), "unpaid");
    rc = store_booking_insert(s->db, &b, svc->items, svc->n, id);
    if (rc == ERR_OK)
        rc = resources_take(s, &needs, *id, b.location_id,
                            b.start_at - (int64_t)b.buffer_before_min * 60,
                            b.end_at + (int64_t)b.buffer_after_min * 60);
    /* The hold has done its work: the booking now keeps the time. */
    if (rc == ERR_OK && holds.hold_id)
        rc = store_hold_delete(s->db, holds.hold_id, NULL);
    if (rc == ERR_OK)
        rc = history_created(s, &b, svc, *id);
    if (rc == ERR_OK)
        rc = notify_booking(s, *id, NOTIFY_CREATED);
    if (rc == ERR_OK && in->audit)
        rc = store_audit_add(s->db, in->audit);
    /* Services a package covers are not invoiced again. */
    if (rc == ERR_OK)
        rc = packages_link_booking(s, in, svc, &b, *id, &rest);
    /* Last: the invoice number holds the year's lock until the commit, and
     * every booking of every staff member waits for that lock. */
    if (rc == ERR_OK && rest.n)
        rc = invoice_booking(s, in, a->st, &rest, b.seats, b.patient_id, *id);
    /* After the invoice, so that the event names it; cheap when no webhook
     * wants it, which matters while the year's lock is held. */
    if (rc == ERR_OK)
        rc = webhooks_booking_event(s, *id, "booking.created");
    /* A group that fails runs its jobs again: a view from the first run
     * goes. */
    if (rc == ERR_OK && in->view) {
        json_decref(*in->view);
        rc = bookings_view(s, *id, in->view);
    }
    return rc;
}

/* The event's service is what a participant books; which event it is,
 * how many seats and whether the clinic has group events at all are
 * checked before the transaction (the seats left, inside it). */
static int
participant_rules(const struct svc *s, const struct sched_settings *st, struct booking_new *in,
                  struct sched_services *svc)
{
    json_t *row = NULL;
    int64_t service_id;
    int rc;

    if (in->seats > st->max_seats_per_client) {
        char message[96];

        snprintf(message, sizeof(message), "must be at most %d (max_seats_per_client)",
                 st->max_seats_per_client);
        return svc_field_error(s, "seats", message);
    }
    if (strcmp(st->appointment_mode, "individual") == 0)
        return svc_fail(s, ERR_CONFLICT,
                        "the clinic takes individual appointments only (appointment_mode)");
    rc = store_group_event_get(s->db, in->group_event_id, s->now, &row);
    if (rc == ERR_NOT_FOUND)
        rc = svc_field_error(s, "group_event_id", "names a group event that does not exist");
    service_id = row_int(row, "service_id");
    json_decref(row);
    if (rc == ERR_OK)
        rc = sched_services_load(s, "group_event_id", &service_id, 1, svc);
    return rc;
}

int
bookings_create(const struct svc *s, const struct booking_new *given, int64_t *id)
{
    struct sched_settings settings;
    struct sched_services svc;
    struct booking_new in_copy = *given, *in = &in_copy;
    char hash[160];
    struct insert_args args = {in, &settings, &svc, NULL, id};
    int rc = sched_settings_load(s, &settings);

    /* A package unit covers one seat: more are invoiced whole. */
    if (in->group_event_id && in->seats > 1)
        in->no_package = 1;
    if (rc == ERR_OK && in->group_event_id)
        rc = participant_rules(s, &settings, in, &svc);
    else if (rc == ERR_OK)
        rc = sched_services_load(s, "service_ids", in->service_ids, in->n_services, &svc);
    if (rc == ERR_OK && in->by != BOOKING_BY_STAFF)
        rc = online_rules(s, &settings, &svc, in);
    /* Hashing is slow by design; do it before the write transaction. */
    if (rc == ERR_OK && in->new_password)
        rc = secret_password_hash(in->new_password, hash, sizeof(hash));
    args.password_hash = in->new_password ? hash : NULL;
    if (in->view)
        *in->view = NULL;
    if (rc == ERR_OK)
        rc = svc_write(s, insert_booking, &args);
    if (rc != ERR_OK && in->view) {
        json_decref(*in->view);
        *in->view = NULL;
    }
    return rc;
}

/* A booking a package covers shows it, and the package's invoice when
 * it has none of its own. */
static int
add_package(const struct svc *s, json_t *row)
{
    json_t *pkg = NULL;
    int rc = packages_booking_json(s, row_int(row, "id"), &pkg);

    if (rc != ERR_OK)
        return rc;
    if (pkg && json_is_null(json_object_get(row, "invoice_id")))
        json_object_set(row, "invoice_id", json_object_get(pkg, "invoice_id"));
    return json_object_set_new(row, "package", pkg ? pkg : json_null()) ? ERR_NOMEM : ERR_OK;
}

int
bookings_view(const struct svc *s, int64_t id, json_t **out)
{
    int64_t visit_id = 0;
    int rc = store_booking_get(s->db, id, out);

    if (rc == ERR_OK)
        rc = visits_id_of_item(s, "booking", *out, &visit_id);
    if (rc == ERR_OK)
        rc = add_package(s, *out);
    if (rc == ERR_OK &&
        json_object_set_new(*out, "visit_id", visit_id ? json_integer(visit_id) : json_null()))
        rc = ERR_NOMEM;
    if (rc != ERR_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The booking's services as they are now, for re-checking a new time. */
static int
booking_services(const struct svc *s, json_t *row, struct sched_services *svc)
{
    json_t *ids = json_object_get(row, "service_ids"), *v;
    int64_t list[SCHED_MAX_SERVICES];
    size_t i, n = 0;

    json_array_foreach(ids, i, v)
    {
        if (n < SCHED_MAX_SERVICES)
            list[n++] = json_integer_value(v);
    }
    return sched_services_load(s, "service_ids", list, n, svc);
}

static int
same_ids(json_t *ids, const int64_t *list, size_t n)
{
    size_t i;

    if (json_array_size(ids) != n)
        return 0;
    for (i = 0; i < n; i++) {
        json_t *v = json_array_get(ids, i);

        if (!json_is_integer(v) || json_integer_value(v) != list[i])
            return 0;
    }
    return 1;
}

static json_t *
ids_json(const int64_t *list, size_t n)
{
    json_t *out = json_array();
    size_t i;

    for (i = 0; out && i < n; i++) {
        if (json_array_append_new(out, json_integer(list[i]))) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

/* History shows old and new start as the clinic reads them. */
static int
record_move(const struct svc *s, json_t *row, int64_t start, int64_t location_id, json_t *changes)
{
    const struct tz_zone *before, *after;
    int rc = sched_location_zone(s, row_int(row, "location_id"), &before);

    if (rc == ERR_OK)
        rc = sched_location_zone(s, location_id, &after);
    if (rc == ERR_OK)
        json_object_set_new(changes, "start",
                            json_pack("[o, o]", sched_time_json(row_int(row, "start_at"), before),
                                      sched_time_json(start, after)));
    return rc;
}

/* New services: the slot is checked for them, and the unpaid invoice
 * follows. */
static int
change_services(const struct svc *s, json_t *row, const struct sched_services *svc,
                const struct booking_change *c, json_t *changes)
{
    struct billing_ctx b;
    int64_t id = row_int(row, "id");
    int rc = store_booking_set_services(s->db, id, svc->items, svc->n, svc->group_service_id,
                                        svc->buffer_before_min, svc->buffer_after_min);

    if (rc == ERR_OK)
        rc = billing_ctx_init(s, &b);
    if (rc == ERR_OK)
        rc = billing_booking_services_changed(&b, id, svc->items, svc->n);
    /* The new lines are the services' only: a no-show keeps its fee. */
    if (rc == ERR_OK && strcmp(row_text(row, "attendance"), "no_show") == 0)
        rc = visits_no_show_fee_charge(s, &b, id);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "the invoice has payments; services can no longer change");
    if (rc == ERR_OK)
        json_object_set_new(changes, "service_ids",
                            json_pack("[O, o]", json_object_get(row, "service_ids"),
                                      ids_json(c->service_ids, c->n_services)));
    return rc;
}

static int
move_booking(const struct svc *s, json_t *row, int64_t staff_id, int64_t start,
             const struct sched_services *svc, json_t *changes)
{
    struct sched_settings settings;
    struct store_hold_skip holds = {NULL, 0, s->now};
    struct resource_needs needs;
    int64_t id = row_int(row, "id"), location_id = 0;
    int64_t end = start + (int64_t)svc->duration_min * 60;
    int rc = sched_settings_load(s, &settings);

    if (rc == ERR_OK)
        rc = booking_slot_check(s, &settings, svc, staff_id, start, id, &holds, &location_id,
                                &needs);
    /* Units move with the booking: those it held are given back and the
     * lowest free ones for the new time taken. */
    if (rc == ERR_OK)
        rc =
            resources_take(s, &needs, id, location_id, start - (int64_t)svc->buffer_before_min * 60,
                           end + (int64_t)svc->buffer_after_min * 60);
    if (rc == ERR_OK)
        rc = store_booking_move(s->db, id, staff_id, location_id, start, end, s->now);
    /* A package unit stays only where its package's limits allow. */
    if (rc == ERR_OK)
        rc = packages_booking_moved(s, id, staff_id, location_id, start);
    if (rc != ERR_OK)
        return rc;
    if (staff_id != row_int(row, "staff_id"))
        json_object_set_new(changes, "staff_id",
                            json_pack("[I, I]", row_int(row, "staff_id"), (json_int_t)staff_id));
    if (start != row_int(row, "start_at"))
        rc = record_move(s, row, start, location_id, changes);
    return rc;
}

static int
apply_update(const struct svc *s, json_t *row, const struct booking_change *c, json_t *changes)
{
    int64_t staff_id = c->staff_id ? c->staff_id : row_int(row, "staff_id");
    int64_t start = c->start != BOOKING_UNCHANGED ? c->start : row_int(row, "start_at");
    struct sched_services svc;
    int rc, new_services;

    if (strcmp(json_string_value(json_object_get(row, "status")), "cancelled") == 0)
        return svc_fail(s, ERR_CONFLICT, "the booking is cancelled");
    /* A participant keeps its event's time; only its notes change. */
    if (row_int(row, "group_event_id") > 0 &&
        (c->staff_id || c->start != BOOKING_UNCHANGED || c->n_services))
        return svc_fail(s, ERR_CONFLICT,
                        "a group event's participant moves with its event only: "
                        "cancel and book another event");
    new_services = c->n_services &&
                   !same_ids(json_object_get(row, "service_ids"), c->service_ids, c->n_services);
    rc = new_services ? sched_services_load(s, "service_ids", c->service_ids, c->n_services, &svc)
                      : booking_services(s, row, &svc);
    if (rc == ERR_OK && new_services)
        rc = change_services(s, row, &svc, c, changes);
    if (rc == ERR_OK &&
        (new_services || staff_id != row_int(row, "staff_id") || start != row_int(row, "start_at")))
        rc = move_booking(s, row, staff_id, start, &svc, changes);
    if (rc == ERR_OK && c->notes) {
        rc = store_booking_set_notes(s->db, row_int(row, "id"), c->notes, s->now);
        json_object_set_new(changes, "notes", json_true());
    }
    return rc;
}

struct update_args {
    int64_t id;
    const struct booking_change *c;
};

static int
update_booking(const struct svc *s, void *arg)
{
    const struct update_args *a = arg;
    json_t *row = NULL, *changes = json_object();
    int rc = changes ? load_booking(s, a->id, &row) : ERR_NOMEM;

    if (rc == ERR_OK)
        rc = apply_update(s, row, a->c, changes);
    if (rc == ERR_OK && json_object_size(changes))
        rc = history_add(s, a->id, "updated", changes);
    if (rc == ERR_OK && (json_object_get(changes, "start") || json_object_get(changes, "staff_id")))
        rc = notify_booking_moved(s, a->id, !a->c->quiet);
    /* New services change the event's end and title without a message:
     * feeds still see a newer SEQUENCE. */
    else if (rc == ERR_OK && json_object_get(changes, "service_ids"))
        rc = store_ical_bump(s->db, "booking", a->id, s->now);
    json_decref(row);
    json_decref(changes);
    return rc;
}

int
bookings_update(const struct svc *s, int64_t id, const struct booking_change *c)
{
    struct update_args a = {id, c};

    return svc_write(s, update_booking, &a);
}

struct cancel_args {
    int64_t id;
    const char *reason;
    int by_patient;
};

/* Patients cancel their own upcoming bookings up to the clinic's notice. */
static int
patient_may_cancel(const struct svc *s, json_t *row)
{
    struct sched_settings st;
    int rc = sched_settings_load(s, &st);

    if (rc == ERR_OK &&
        row_int(row, "start_at") - s->now < (int64_t)st.client_cancel_notice_min * 60)
        rc = svc_fail(s, ERR_CONFLICT,
                      "too late to cancel online: at least %d minutes' notice is needed; "
                      "please call the clinic",
                      st.client_cancel_notice_min);
    return rc;
}

static int
cancel_booking(const struct svc *s, void *arg)
{
    const struct cancel_args *a = arg;
    struct billing_ctx b;
    json_t *row = NULL, *changes = NULL;
    int rc = load_booking(s, a->id, &row);

    if (rc == ERR_OK && a->by_patient)
        rc = patient_may_cancel(s, row);
    if (rc == ERR_OK) {
        rc = store_booking_cancel(s->db, a->id, a->reason, s->now);
        if (rc == ERR_CONFLICT)
            svc_fail(s, rc, "the booking is already cancelled");
    }
    if (rc == ERR_OK)
        rc = resources_release(s, a->id);
    if (rc == ERR_OK)
        rc = billing_ctx_init(s, &b);
    if (rc == ERR_OK)
        rc = billing_booking_cancelled(&b, a->id);
    if (rc == ERR_OK)
        rc = packages_booking_cancelled(s, a->id);
    if (rc == ERR_OK) {
        changes = json_pack("{s:s}", "reason", a->reason);
        rc = history_add(s, a->id, "cancelled", changes);
    }
    if (rc == ERR_OK)
        rc = notify_booking(s, a->id, NOTIFY_CANCELLED);
    json_decref(changes);
    json_decref(row);
    return rc;
}

int
bookings_cancel(const struct svc *s, int64_t id, const char *reason, int by_patient)
{
    struct cancel_args a = {id, reason ? reason : "", by_patient};

    return svc_write(s, cancel_booking, &a);
}

int
bookings_cancel_tx(const struct svc *s, int64_t id, const char *reason)
{
    struct cancel_args a = {id, reason ? reason : "", 0};

    return cancel_booking(s, &a);
}

/* A setup row's name by id, as a new JSON string (null when gone). */
static json_t *
name_of(const struct svc *s, const struct store_table *t, json_t *id)
{
    json_t *row = NULL, *name = NULL;

    if (json_is_integer(id) && store_row_get(s->db, t, json_integer_value(id), &row) == ERR_OK)
        name = json_incref(json_object_get(row, "name"));
    json_decref(row);
    return name ? name : json_null();
}

static json_t *
names_of(const struct svc *s, const struct store_table *t, json_t *ids)
{
    json_t *out = json_array(), *id;
    size_t i;

    json_array_foreach(ids, i, id)
    {
        json_array_append_new(out, name_of(s, t, id));
    }
    return out;
}

/* Ids in a change become the names people know: staff_id and
 * service_ids gain staff and services beside them, as [old, new] pairs
 * for a change and as plain values for what was booked. */
static void
name_change(const struct svc *s, json_t *changes)
{
    json_t *staff = json_object_get(changes, "staff_id");
    json_t *services = json_object_get(changes, "service_ids");

    if (json_is_integer(staff))
        json_object_set_new(changes, "staff", name_of(s, &setup_staff.table, staff));
    if (json_is_array(services) && !json_is_array(json_array_get(services, 0)))
        json_object_set_new(changes, "services", names_of(s, &setup_services.table, services));
    if (json_array_size(staff) == 2)
        json_object_set_new(changes, "staff",
                            json_pack("[o, o]",
                                      name_of(s, &setup_staff.table, json_array_get(staff, 0)),
                                      name_of(s, &setup_staff.table, json_array_get(staff, 1))));
    if (json_array_size(services) == 2 && json_is_array(json_array_get(services, 0)))
        json_object_set_new(
            changes, "services",
            json_pack("[o, o]", names_of(s, &setup_services.table, json_array_get(services, 0)),
                      names_of(s, &setup_services.table, json_array_get(services, 1))));
}

int
bookings_history(const struct svc *s, int64_t booking_id, const struct tz_zone *zone,
                 json_t **items)
{
    json_t *item;
    size_t i;
    int rc = store_history_list(s->db, booking_id, items);

    json_array_foreach(*items, i, item)
    {
        json_object_set_new(item, "at", sched_time_json(row_int(item, "at"), zone));
        name_change(s, json_object_get(item, "changes"));
    }
    return rc;
}
