/* The e-mail of an outbox row that records its event (store_outbox_row
 * .event), rendered when a worker claims the row rather than inside the
 * write transaction that queued it (service/mail_event.h). The event is a
 * JSON object:
 *
 *   template    the template's name; with "arabic" its twin <name>_ar
 *               when the clinic has one, with dates and numbers in Arabic
 *   arabic      true for a patient's mail under mail_language "ar"
 *   message_id  the Message-ID, the same for every attempt
 *   public_url  where the patient portal is ("" = the default)
 *   about       "booking", "appointment" or "package": what facts holds
 *   facts       a booking or an appointment as store_notice_booking or
 *               store_notice_appointment read it when the change
 *               committed; a package's patient, package, units, invoice
 *               and expires_on
 *   method      a booking's or an appointment's iMIP invitation METHOD
 *               ("REQUEST", "CANCEL"); absent for a mail without one
 *   attendee    the recipient's name in that invitation
 *
 * The facts are frozen at the event: a confirmation sent after the booking
 * moved still says the time that was booked. */
#ifndef CHAIRSIDE_JOBS_OUTBOX_RENDER_H
#define CHAIRSIDE_JOBS_OUTBOX_RENDER_H

#include <jansson.h>

#include "store/store.h"
#include "util/buf.h"

struct tzdb;

/* Appends row's message to msg and its subject to subject, with the
 * template read in c's open transaction and the From: of settings'
 * mail_from. The Date: and the invitation's DTSTAMP are the time the row
 * was queued. ERR_NOT_FOUND when the template is gone, ERR_INVALID when
 * the event cannot be read. */
int outbox_render_email(struct store_conn *c, struct tzdb *tzdb, const struct store_outbox_row *row,
                        const json_t *settings, struct buf *subject, struct buf *msg);

#endif
