/* Diary sync: one booking's current state put into (or removed from) the
 * practice's CalDAV calendar collection. */
#ifndef CHAIRSIDE_JOBS_DIARY_H
#define CHAIRSIDE_JOBS_DIARY_H

#include <jansson.h>
#include <stdint.h>

#include "core/tz.h"
#include "jobs/transport.h"

enum diary_result {
    DIARY_DONE,        /* the diary holds the booking as it is (or no longer) */
    DIARY_COLLISION,   /* another event of the staff member is in the way */
    DIARY_UNREACHABLE, /* no answer or an error answer: try again later */
};

/* booking: store_notice_booking's row; settings: store_notice_settings';
 * local: the booking location's zone, for floating and all-day events in
 * the diary (NULL = UTC). */
enum diary_result diary_sync(json_t *booking, json_t *settings, const struct tz_zone *local,
                             int64_t now, char err[TRANSPORT_ERR_LEN]);

#endif
