/* Money reports: daily takings and the receivables ageing list, built from
 * the store's rows in the organisation's zone. */
#include "service/reports.h"

#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "service/schedule.h"
#include "util/err.h"
#include "util/row.h"

static void
add_to(json_t *obj, const char *key, int64_t amount)
{
    json_object_set_new(obj, key, json_integer(row_int(obj, key) + amount));
}

/* One bucket of takings: {total, by_method: {m: n}, by_staff: {id: {...}}}. */
static json_t *
bucket_new(void)
{
    return json_pack("{s:I, s:{}, s:{}}", "total", (json_int_t)0, "by_method", "by_staff");
}

static void
bucket_add(json_t *bucket, json_t *row)
{
    int64_t amount = row_int(row, "amount");
    json_t *by_staff = json_object_get(bucket, "by_staff"), *staff;
    char key[24];

    if (strcmp(json_string_value(json_object_get(row, "kind")), "refund") == 0)
        amount = -amount;
    add_to(bucket, "total", amount);
    add_to(json_object_get(bucket, "by_method"), json_string_value(json_object_get(row, "method")),
           amount);
    snprintf(key, sizeof(key), "%lld", (long long)row_int(row, "staff_id"));
    staff = json_object_get(by_staff, key);
    if (!staff) {
        staff = json_pack("{s:O, s:O, s:I}", "staff_id", json_object_get(row, "staff_id"), "name",
                          json_object_get(row, "staff_name"), "total", (json_int_t)0);
        json_object_set_new(by_staff, key, staff);
    }
    add_to(staff, "total", amount);
}

/* by_staff leaves as a list, as clients expect of rows. */
static void
bucket_finish(json_t *bucket)
{
    json_t *list = json_array(), *v;
    const char *k;

    json_object_foreach(json_object_get(bucket, "by_staff"), k, v)
    {
        json_array_append(list, v);
    }
    json_object_set_new(bucket, "by_staff", list);
}

static json_t *
takings(json_t *rows, const struct tz_zone *zone)
{
    json_t *all = bucket_new(), *days = json_array(), *day = NULL, *row;
    char date[CIVIL_DATE_LEN], last[CIVIL_DATE_LEN] = "";
    size_t i;

    json_array_foreach(rows, i, row)
    {
        civil_format_date(civil_day_of(tz_utc_to_local(zone, row_int(row, "decided_at"))), date);
        if (strcmp(date, last) != 0) {
            day = bucket_new();
            json_object_set_new(day, "date", json_string(date));
            json_array_append_new(days, day);
            memcpy(last, date, sizeof(last));
        }
        bucket_add(day, row);
        bucket_add(all, row);
    }
    json_array_foreach(days, i, day)
    {
        bucket_finish(day);
    }
    bucket_finish(all);
    json_object_set_new(all, "days", days);
    return all;
}

int
reports_takings(const struct svc *s, int64_t from, int64_t to, json_t **out)
{
    const struct tz_zone *zone;
    struct sched_settings st;
    json_t *rows = NULL;
    int rc = sched_settings_load(s, &st);

    *out = NULL;
    if (rc == ERR_OK)
        rc = sched_org_zone(s, &zone);
    if (rc == ERR_OK)
        rc = store_takings(s->db, from, to, &rows);
    if (rc == ERR_OK) {
        *out = takings(rows, zone);
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
    if (rc == ERR_OK)
        json_object_set_new(*out, "currency", json_string(st.currency));
    json_decref(rows);
    return rc;
}

static const char *
age_bucket(int64_t days)
{
    if (days <= 30)
        return "0-30";
    if (days <= 60)
        return "31-60";
    return days <= 90 ? "61-90" : "90+";
}

int
reports_receivables(const struct svc *s, json_t **out)
{
    const struct tz_zone *zone;
    json_t *items = NULL, *row, *totals;
    int64_t total = 0, age;
    size_t i;
    int rc = sched_org_zone(s, &zone);

    *out = NULL;
    if (rc == ERR_OK)
        rc = store_receivables(s->db, &items);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    totals = json_pack("{s:I, s:I, s:I, s:I}", "0-30", (json_int_t)0, "31-60", (json_int_t)0,
                       "61-90", (json_int_t)0, "90+", (json_int_t)0);
    json_array_foreach(items, i, row)
    {
        age = (s->now - row_int(row, "issued_at")) / 86400;
        json_object_set_new(row, "age_days", json_integer(age));
        json_object_set_new(row, "bucket", json_string(age_bucket(age)));
        add_to(totals, age_bucket(age), row_int(row, "outstanding"));
        total += row_int(row, "outstanding");
        json_object_set_new(row, "issued_at", sched_time_json(row_int(row, "issued_at"), zone));
    }
    *out = json_pack("{s:o, s:o, s:I, s:o}", "as_of", sched_time_json(s->now, zone), "buckets",
                     totals, "total", (json_int_t)total, "items", items);
    return *out ? ERR_OK : ERR_NOMEM;
}
