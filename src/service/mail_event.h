/* An e-mail queued in the outbox as its event (jobs/outbox_render.h): the
 * worker renders it when it claims the row, so the caller's transaction
 * spends no time on templates, MIME or iCalendar. */
#ifndef CHAIRSIDE_SERVICE_MAIL_EVENT_H
#define CHAIRSIDE_SERVICE_MAIL_EVENT_H

#include <jansson.h>
#include <stdint.h>

#include "service/svc.h"

/* Queues the mail of template tpl_name (also the row's kind) to `to`
 * about booking_id (0 = none), with event's "about", "facts" and any
 * other fields it has; the template's name and a Message-ID are added
 * to event, which stays the caller's. An empty address queues nothing,
 * nor does one that cannot be written in ASCII (it is logged). */
int mail_event_queue(const struct svc *s, const char *tpl_name, const char *to, int64_t booking_id,
                     json_t *event);

#endif
