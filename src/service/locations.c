#include "service/locations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/notify.h"
#include "service/schedule.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"
#include "util/tzdb.h"

/* One future booking and where it goes. */
struct retime {
    int64_t id, staff_id, start, end, new_start;
};

static int
lock_location_staff(const struct svc *s, int64_t location_id)
{
    json_t *ids = NULL;
    int64_t *list = NULL;
    size_t i, n;
    int rc = store_location_staff(s->db, location_id, s->now, &ids);

    n = json_array_size(ids);
    if (rc == ERR_OK && n > 0) {
        list = calloc(n, sizeof(*list));
        rc = list ? ERR_OK : ERR_NOMEM;
    }
    for (i = 0; rc == ERR_OK && i < n; i++)
        list[i] = json_integer_value(json_array_get(ids, i));
    if (rc == ERR_OK && n > 0)
        rc = store_lock_staff(s->db, list, n);
    free(list);
    json_decref(ids);
    return rc;
}

static int
history_zone(const struct svc *s, const struct retime *r, const struct tz_zone *before,
             const struct tz_zone *after, const char *old_tz, const char *new_tz)
{
    json_t *changes =
        json_pack("{s:[s, s], s:[o, o]}", "timezone", old_tz, new_tz, "start",
                  sched_time_json(r->start, before), sched_time_json(r->new_start, after));
    char *text = changes ? json_dumps(changes, JSON_COMPACT) : NULL;
    int rc = text ? store_history_add(s->db, r->id, s->now, s->user_id, s->actor,
                                      "timezone_changed", text)
                  : ERR_NOMEM;

    free(text);
    json_decref(changes);
    return rc;
}

/* Moving later, the latest goes first (and earlier, the earliest), so no
 * booking ever lands on one not yet moved: the backends refuse overlaps
 * statement by statement. */
static int
move_all(const struct svc *s, struct retime *r, size_t n, int64_t location_id)
{
    size_t i, k;
    int later = n > 0 && r[0].new_start > r[0].start;
    int rc = ERR_OK;

    for (k = 0; rc == ERR_OK && k < n; k++) {
        i = later ? n - 1 - k : k;
        if (r[i].new_start == r[i].start)
            continue;
        rc = store_booking_move(s->db, r[i].id, r[i].staff_id, location_id, r[i].new_start,
                                r[i].new_start + (r[i].end - r[i].start), s->now);
        if (rc == ERR_CONFLICT)
            return svc_fail(s, rc,
                            "at the same local time in the new zone, booking %lld would overlap "
                            "another booking of its staff member; move it first",
                            (long long)r[i].id);
    }
    for (i = 0; rc == ERR_OK && i < n; i++) {
        if (r[i].new_start != r[i].start)
            rc = notify_booking(s, r[i].id, NOTIFY_RESCHEDULED);
    }
    return rc;
}

static int
retime_bookings(const struct svc *s, const struct location_change *c, json_t *items,
                const char *old_tz, const char *new_tz, int *n_moved)
{
    const struct tz_zone *before = NULL, *after = NULL;
    size_t i, n = json_array_size(items);
    struct retime *r = calloc(n ? n : 1, sizeof(*r));
    int rc = r ? tzdb_get(s->tzdb, old_tz, &before) : ERR_NOMEM;

    if (rc == ERR_OK)
        rc = tzdb_get(s->tzdb, new_tz, &after);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        json_t *b = json_array_get(items, i);

        r[i].id = row_int(b, "id");
        r[i].staff_id = row_int(b, "staff_id");
        r[i].start = row_int(b, "start_at");
        r[i].end = row_int(b, "end_at");
        r[i].new_start = c->keep == LOCATION_KEEP_WALL_TIME
                             ? tz_local_to_utc(after, tz_utc_to_local(before, r[i].start))
                             : r[i].start;
        if (r[i].new_start != r[i].start)
            (*n_moved)++;
        rc = history_zone(s, &r[i], before, after, old_tz, new_tz);
    }
    if (rc == ERR_OK && c->keep == LOCATION_KEEP_WALL_TIME)
        rc = move_all(s, r, n, c->id);
    free(r);
    return rc;
}

static int
update_tx(const struct svc *s, void *arg)
{
    struct location_change *c = arg;
    json_t *old = NULL, *items = NULL;
    const char *old_tz, *new_tz = json_string_value(json_object_get(c->fields, "timezone"));
    char old_copy[72] = "";
    int rc = store_row_get(s->db, &setup_locations.table, c->id, &old);

    if (rc == ERR_NOT_FOUND)
        svc_fail(s, rc, "no such record");
    if (rc != ERR_OK)
        goto out;
    old_tz = row_text(old, "timezone");
    snprintf(old_copy, sizeof(old_copy), "%s", old_tz ? old_tz : "");
    if (new_tz && strcmp(new_tz, old_copy) != 0) {
        rc = lock_location_staff(s, c->id);
        if (rc == ERR_OK)
            rc = store_location_bookings(s->db, c->id, s->now, &items);
        if (rc != ERR_OK)
            goto out;
        c->n_future = (int)json_array_size(items);
        if (c->n_future > 0 && c->keep == LOCATION_KEEP_UNSAID) {
            rc = svc_fail(s, ERR_CONFLICT,
                          "%d future booking%s at this location; say whether they keep their "
                          "local clock time (keep: \"wall_time\") or their instant (keep: "
                          "\"instant\")",
                          c->n_future, c->n_future == 1 ? " is" : "s are");
            goto out;
        }
    }
    rc = store_row_update(s->db, &setup_locations.table, c->id, c->fields);
    if (rc == ERR_OK && c->n_future > 0)
        rc = retime_bookings(s, c, items, old_copy, new_tz, &c->n_moved);
out:
    json_decref(items);
    json_decref(old);
    return rc;
}

int
locations_update(const struct svc *s, struct location_change *c)
{
    c->n_future = c->n_moved = 0;
    return svc_write(s, update_tx, c);
}
