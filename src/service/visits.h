/* Visits and attendance. A visit is one patient's live bookings and
 * appointments at one location on one local day (the location's zone),
 * each starting at most visit_interval_min after the previous one ends;
 * with 0 every item is its own visit.
 *
 * Visits are not stored: they are derived from the items whenever asked,
 * so a move, a cancellation or a new interval setting can never leave a
 * stored grouping behind. A visit's id names its first item, which makes
 * it stable while that item stays first and derivable from the item
 * alone: 2 * booking id for a booking, 2 * appointment id + 1 for an
 * appointment. */
#ifndef CHAIRSIDE_SERVICE_VISITS_H
#define CHAIRSIDE_SERVICE_VISITS_H

#include <jansson.h>
#include <stdint.h>

#include "service/billing.h"
#include "service/svc.h"

#define VISITS_NO_SHOW_FEE_LINE "No-show fee"

/* "pending", "confirmed", "arrived", "no_show", NULL-terminated. */
extern const char *const visits_attendances[];

/* Sets the attendance of one booking or appointment (kind "booking" or
 * "appointment") in its own write transaction: history, and for a booking
 * the no-show fee. 404 when there is none, 409 when it is cancelled. */
int visits_item_attendance(const struct svc *s, const char *kind, int64_t id,
                           const char *attendance);
/* Charges the no_show_fee setting (when not 0) on the booking's invoice,
 * inside the caller's write transaction: when it becomes no_show, and
 * again after new services replaced the invoice's lines. */
int visits_no_show_fee_charge(const struct svc *s, const struct billing_ctx *b, int64_t booking_id);
/* The visit item kind/id belongs to; *visit_id 0 when it is in none (no
 * patient or location, or cancelled). */
int visits_id_of(const struct svc *s, const char *kind, int64_t id, int64_t *visit_id);
/* The same for a row the caller has just read (store_booking_get or
 * store_appointment_get), which saves reading it again. */
int visits_id_of_item(const struct svc *s, const char *kind, const json_t *item, int64_t *visit_id);
/* The visit ids of local day `day` at location_id: *ids maps "booking:7"
 * and "appointment:9" to their visit's id. *ids is the caller's. */
int visits_day_ids(const struct svc *s, int64_t day, int64_t location_id, json_t **ids);
/* Visits on local day `day` (days since 1970-01-01): {items: [visit]}.
 * Reads run in the caller's transaction (the API's read snapshot). */
int visits_list(const struct svc *s, int64_t day, int64_t location_id, int64_t patient_id,
                json_t **out);
/* One visit as JSON, ERR_NOT_FOUND (with a problem) when visit_id names
 * none now. */
int visits_get(const struct svc *s, int64_t visit_id, json_t **out);
/* Sets attendance on every item of the visit, in one write transaction. */
int visits_set_attendance(const struct svc *s, int64_t visit_id, const char *attendance);
/* Pays amount by desk method over the visit's open invoices, oldest
 * first, in one write transaction; *payments lists [{invoice_id,
 * payment_id, amount}]. */
int visits_pay(const struct svc *s, int64_t visit_id, int64_t amount, const char *method,
               json_t **payments);
/* Per staff member the count of each attendance of items starting in
 * [from, to), and no_show_rate = no_show / all of them. */
int visits_report(const struct svc *s, int64_t from, int64_t to, json_t **out);

#endif
