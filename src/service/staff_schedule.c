#include "service/staff_schedule.h"

#include "service/setup.h"
#include "util/err.h"
#include "util/row.h"

static const struct store_column time_off_cols[] = {
    {"staff_id", STORE_COL_INT},
    {"start_at", STORE_COL_INT},
    {"end_at", STORE_COL_INT},
    {"reason", STORE_COL_TEXT},
};
static const struct store_table time_off_table = {"time_off", NULL, time_off_cols, 4,
                                                  sizeof(time_off_cols[0])};

int
staff_schedule_exists(const struct svc *s, int64_t staff_id)
{
    json_t *row = NULL;
    int rc = store_row_get(s->db, &setup_staff.table, staff_id, &row);

    json_decref(row);
    return rc == ERR_NOT_FOUND ? svc_fail(s, rc, "no such staff member") : rc;
}

static int
check_shift(const struct svc *s, const struct store_shift *sh)
{
    json_t *row = NULL;
    int rc;

    if (sh->start_min >= sh->end_min)
        return svc_field_error(s, "shifts", "a shift must end after it starts");
    rc = store_row_get(s->db, &setup_locations.table, sh->location_id, &row);
    json_decref(row);
    if (rc == ERR_NOT_FOUND)
        return svc_field_error(s, "shifts", "names a location that does not exist");
    return rc;
}

static int
overlapping(const struct store_shift *v, size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (v[i].weekday == v[j].weekday && v[i].start_min < v[j].end_min &&
                v[j].start_min < v[i].end_min)
                return 1;
        }
    }
    return 0;
}

int
staff_schedule_set_shifts(const struct svc *s, int64_t staff_id, const struct store_shift *shifts,
                          size_t n)
{
    size_t i;
    int rc = n > STAFF_MAX_SHIFTS
                 ? svc_field_error(s, "shifts", "must be an array of at most 64 shifts")
                 : ERR_OK;

    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = check_shift(s, &shifts[i]);
    if (rc == ERR_OK && overlapping(shifts, n))
        rc = svc_field_error(s, "shifts", "shifts on one weekday must not overlap");
    if (rc != ERR_OK)
        return rc;
    rc = store_begin(s->db, 1);
    if (rc != ERR_OK)
        return rc;
    rc = store_shifts_replace(s->db, staff_id, shifts, n);
    if (rc == ERR_OK)
        rc = store_commit(s->db);
    if (rc != ERR_OK)
        store_rollback(s->db);
    return rc;
}

int
staff_schedule_add_time_off(const struct svc *s, int64_t staff_id, int64_t start, int64_t end,
                            const char *reason, int64_t *id)
{
    json_t *row;
    int rc;

    if (end <= start)
        return svc_field_error(s, "end", "must be after start");
    row = json_pack("{s:I, s:I, s:I, s:s}", "staff_id", (json_int_t)staff_id, "start_at",
                    (json_int_t)start, "end_at", (json_int_t)end, "reason", reason ? reason : "");
    rc = row ? store_row_insert(s->db, &time_off_table, row, id) : ERR_NOMEM;
    json_decref(row);
    return rc;
}

int
staff_schedule_time_off(const struct svc *s, int64_t staff_id, int64_t id, json_t **row)
{
    int rc = store_row_get(s->db, &time_off_table, id, row);

    if (rc == ERR_OK && row_int(*row, "staff_id") != staff_id)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND) {
        json_decref(*row);
        *row = NULL;
        return svc_fail(s, rc, "no such time off");
    }
    return rc;
}

int
staff_schedule_remove_time_off(const struct svc *s, int64_t staff_id, int64_t id)
{
    json_t *row = NULL;
    int rc = staff_schedule_time_off(s, staff_id, id, &row);

    json_decref(row);
    if (rc == ERR_OK)
        rc = store_row_delete(s->db, &time_off_table, id);
    return rc == ERR_NOT_FOUND ? svc_fail(s, rc, "no such time off") : rc;
}
