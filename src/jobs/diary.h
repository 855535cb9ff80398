/* Diary sync: one booking's current state put into (or removed from) the
 * practice's CalDAV calendar collection. */
#ifndef CHAIRSIDE_JOBS_DIARY_H
#define CHAIRSIDE_JOBS_DIARY_H

#include <jansson.h>
#include <stdint.h>

#include "core/tz.h"
#include "jobs/transport.h"
#include "store/store.h"

enum diary_result {
    DIARY_DONE,        /* the diary holds the booking as it is (or no longer) */
    DIARY_COLLISION,   /* another event of the staff member is in the way */
    DIARY_UNREACHABLE, /* no answer or an error answer: try again later */
};

/* booking: store_notice_booking's row; settings: store_notice_settings';
 * local: the booking location's zone, for floating and all-day events in
 * the diary (NULL = UTC); st: store_diary_state_get's, whose etag
 * becomes the version the diary now holds ("" = none or unknown), to be
 * kept with store_diary_etag_set when it changed.
 *
 * The event's UID and resource name carry the installation id. It is
 * created with If-None-Match: * and changed or deleted with If-Match: the
 * ETag we got, so nothing we have not written is ever overwritten or
 * deleted; on 412 what is there is read back and only our own event (by
 * UID) is written again. */
enum diary_result diary_sync(json_t *booking, json_t *settings, const struct tz_zone *local,
                             struct store_diary_state *st, int64_t now,
                             char err[TRANSPORT_ERR_LEN]);

#endif
