/* Bookings: services booked into a staff member's real availability.
 * Each use case is one write transaction: the slot check, the change, the
 * invoice, the history row, the outbox rows and (when given) the audit
 * line commit together or not at all. */
#ifndef CHAIRSIDE_SERVICE_BOOKINGS_H
#define CHAIRSIDE_SERVICE_BOOKINGS_H

#include <stddef.h>
#include <stdint.h>

#include "service/schedule.h"
#include "service/svc.h"
#include "store/store.h"

/* Who books: staff for a patient, a logged-in patient for themselves, or
 * a visitor signing up as a new patient while booking. The last two book
 * "online" and meet the clinic's online rules. */
enum booking_by {
    BOOKING_BY_STAFF,
    BOOKING_BY_PATIENT,
    BOOKING_BY_SIGNUP,
};

struct booking_new {
    enum booking_by by;
    int64_t patient_id; /* an existing patient; 0 with new_name */
    int64_t staff_id;
    const int64_t *service_ids;
    size_t n_services;
    int64_t start;
    const char *notes;
    int pay_now;            /* the patient chose to pay with the booking */
    const char *pay_method; /* how (settings.payment_methods); NULL: the clinic's first */
    /* The booking-referral of the SMART Scheduling Link it came through;
     * may be NULL. */
    const char *referral;
    /* A new patient booked in the same request; password may be NULL
     * (staff add patients without a login). */
    const char *new_name, *new_phone, *new_email, *new_password;
    /* Written in the booking's commit when set: one write, not two. */
    const struct store_audit *audit;
    /* Packages (service/packages.h): a booked service links to a unit of
     * the patient's packages unless no_package; package_line_id books
     * that unit of a package invoice. */
    int no_package;
    int64_t package_line_id;
    /* A hold's token (POST /holds): its time is not taken for this
     * booking, and the hold ends with it. NULL or an expired token: none. */
    const char *hold_token;
    /* > 0: a participant of this group event, which gives the staff
     * member, location, time and service (staff_id, service_ids and start
     * are not read); seats (0: 1) at most max_seats_per_client. */
    int64_t group_event_id;
    int seats;
    /* When set, *view gets the new booking as bookings_view reads it, read
     * inside the write, where its pages are warm: the reply needs no read
     * of its own. The caller owns it; NULL unless the booking was made. */
    json_t **view;
};

/* Books in; *id is the new booking. Refusals (422 fields, 409 slot, 401,
 * 403 online rules) are explained in s->problem. */
int bookings_create(const struct svc *s, const struct booking_new *in, int64_t *id);

/* A booking as its reply shows it, before rendering: the store's row with
 * "visit_id" and "package" (the package's invoice standing in for a
 * missing invoice_id). ERR_NOT_FOUND when there is none. */
int bookings_view(const struct svc *s, int64_t id, json_t **out);

/* A change to a booking; absent parts keep what is stored. */
struct booking_change {
    int64_t staff_id;           /* 0: unchanged */
    int64_t start;              /* BOOKING_UNCHANGED: unchanged */
    const int64_t *service_ids; /* n_services == 0: unchanged */
    size_t n_services;
    const char *notes; /* NULL: unchanged */
    int quiet;         /* a move is not e-mailed to the patient (the diary still follows) */
};
#define BOOKING_UNCHANGED INT64_MIN

/* Moves, re-services or annotates booking id: a new time, staff member
 * or services is checked like a new booking; the invoice follows new
 * services while nothing is paid. */
int bookings_update(const struct svc *s, int64_t id, const struct booking_change *c);
/* Cancels booking id; the invoice is voided or credited. A patient
 * cancelling themselves must give the clinic's notice. */
int bookings_cancel(const struct svc *s, int64_t id, const char *reason, int by_patient);
/* The same inside the caller's write transaction (a group event
 * cancelled with its participants). */
int bookings_cancel_tx(const struct svc *s, int64_t id, const char *reason);

/* The booking's change history, oldest first, as people read it: times
 * in zone, the actor in words (see store_history_list) and, beside
 * staff_id and service_ids changes, the staff
 * and service names then and now; payments, confirmations, rejections and
 * refunds carry amount, currency and method. *items is a new array. */
int bookings_history(const struct svc *s, int64_t booking_id, const struct tz_zone *zone,
                     json_t **items);

#endif
