/* Packages (seed 004): bundles of visits sold up front on one invoice
 * with a line per unit, each unit booked later from its invoice line or
 * by booking its service, and recognised as revenue when used.
 *
 * Definitions: packages.c. Selling and reading sold packages:
 * package_sales.c. Linking bookings to units, unlinking, cancelling,
 * recognition and expiry: package_links.c. Messages: package_notify.c. */
#ifndef CHAIRSIDE_SERVICE_PACKAGES_H
#define CHAIRSIDE_SERVICE_PACKAGES_H

#include <jansson.h>
#include <stdint.h>

#include "service/schedule.h"
#include "service/svc.h"
#include "store/store.h"

struct booking_new;

/* --- Definitions ---------------------------------------------------------- */

/* Creates (id 0) or changes package id from the fields of body, each
 * checked (422 naming the field); *out_id is the package. */
int packages_save(const struct svc *s, int64_t id, json_t *body, int64_t *out_id);
/* The package as the API shows it; public: only a non-archived package
 * offered online (else ERR_NOT_FOUND). */
int packages_get(const struct svc *s, int64_t id, int public_only, json_t **out);
/* Packages with id > after_id; public as above; archived ones only when
 * with_archived. *out is a new array. */
int packages_list(const struct svc *s, int public_only, int with_archived, int64_t after_id,
                  int limit, json_t **out);

/* --- Selling -------------------------------------------------------------- */

struct package_sale {
    int64_t package_id;
    int64_t patient_id;
    int online;  /* the patient buys it (online rules, client_payment) */
    int pay_now; /* online: pay with the purchase */
};

/* Sells a package in one transaction: the invoice with a line per unit
 * (credit 2300 Unearned Revenue), the sold package and its units, the
 * online payment when chosen and the confirmation e-mail. */
int packages_sell(const struct svc *s, const struct package_sale *in, int64_t *id);
/* A sold package with its items; patient_id > 0: only that patient's
 * (another's is ERR_NOT_FOUND). */
int packages_patient_get(const struct svc *s, int64_t id, int64_t patient_id, json_t **out);
/* The patient's packages, newest first. */
int packages_patient_list(const struct svc *s, int64_t patient_id, json_t **out);

/* --- Booking units ---------------------------------------------------------- */

/* Inside booking creation, after the booking row is written: links the
 * booking to units of the patient's packages (the one named by
 * in->package_line_id, else the soonest-expiring unit whose limits admit
 * it, unless in->no_package) and leaves in *rest the services that still
 * need invoicing. */
int packages_link_booking(const struct svc *s, const struct booking_new *in,
                          const struct sched_services *svc, const struct store_booking *b,
                          int64_t booking_id, struct sched_services *rest);
/* Books the unit on line_id of package invoice invoice_id with staff_id
 * at start. check_only: nothing is written and *out is {available,
 * detail}; else *booking_id is the new booking. Limits are 422 naming the
 * limit, slot rules 409, a unit already booked or a package no longer
 * active 409. */
int packages_line_book(const struct svc *s, int64_t invoice_id, int64_t line_id, int64_t staff_id,
                       int64_t start, int check_only, json_t **out, int64_t *booking_id);
/* Unlinks the line's booking: the unit is unassigned again and the
 * booking stays, invoiced on its own. */
int packages_line_unlink(const struct svc *s, int64_t invoice_id, int64_t line_id);
/* Inside a reschedule's transaction: a booking holding units may move
 * only where their packages' staff, location and expiry limits allow
 * (422 naming the limit). */
int packages_booking_moved(const struct svc *s, int64_t booking_id, int64_t staff_id,
                           int64_t location_id, int64_t start);
/* Inside the cancellation's transaction: the booking's units return. */
int packages_booking_cancelled(const struct svc *s, int64_t booking_id);
/* Inside an attendance change of a booking: arriving uses its units
 * (Dr 2300 / Cr 4000), leaving arrived takes that back. */
int packages_attendance_changed(const struct svc *s, int64_t booking_id, const char *old,
                                const char *attendance);
/* What a booking shows of its package: NULL when none, else a new
 * {patient_package_id, line_id, invoice_id, name, units, units_left}. */
int packages_booking_json(const struct svc *s, int64_t booking_id, json_t **out);

/* --- Expiry and reports --------------------------------------------------- */

/* The daily work, safe to run any time and from several processes:
 * queues expiry reminders that are due and expires packages whose day
 * has passed, recognising their unused units. *n is what it did. */
int packages_run_due(const struct svc *s, int *n);
/* Outstanding package liability: {total, items: [...]} (see
 * store_package_liability). */
int packages_liability(const struct svc *s, json_t **out);

#endif
