/* The placeholders of one e-mail rendered from its event
 * (jobs/outbox_render.h), in English and for an Arabic template, and the
 * builders that make them from a booking's, an appointment's or a
 * package's facts. */
#ifndef CHAIRSIDE_JOBS_MAIL_VARS_H
#define CHAIRSIDE_JOBS_MAIL_VARS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/template.h"
#include "util/buf.h"

struct tzdb;

#define MAIL_VARS_MAX 14
#define MAIL_VARS_TEXT 4096
/* Where the patient portal is when public_url is not set. */
#define MAIL_VARS_DEFAULT_URL "http://127.0.0.1:8080"

/* Values are borrowed from the event or kept in text. */
struct mail_vars {
    struct tpl_var en[MAIL_VARS_MAX];
    struct tpl_var ar[MAIL_VARS_MAX]; /* the same names, in the same order */
    size_t n;
    char text[MAIL_VARS_TEXT];
    size_t used;
};

/* Adds placeholder name: en, and ar for an Arabic template (NULL: en). */
void mail_vars_add(struct mail_vars *v, const char *name, const char *en, const char *ar);
/* printf into v's own text; "" once that is full. */
const char *mail_vars_printf(struct mail_vars *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A booking's or an appointment's placeholders, its start in its zone.
 * ERR_NOT_FOUND when tzdb does not know the zone. */
int mail_vars_booking(const json_t *event, struct tzdb *tzdb, struct mail_vars *v);
/* A package's placeholders. */
int mail_vars_package(const json_t *event, struct mail_vars *v);

/* The iMIP invitation (RFC 6047) of a booking's or an appointment's
 * event with method, from the clinic (organizer) to the mail's
 * recipient; stamp is its DTSTAMP. */
int mail_booking_ics(const json_t *event, const char *method, const char *organizer,
                     const char *recipient, int64_t stamp, struct buf *out);

#endif
