/* Bookings and package units: linking a booking to a unit (from the
 * invoice line or automatically), unlinking, returning units on
 * cancellation, using them on arrival, expiring packages, and what the
 * clinic still owes in visits. Every change of a unit is one conditional
 * UPDATE (store_package_item_move), so of two requests for the last
 * unassigned unit exactly one gets it, on either backend. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/packages.h"
#include "service/billing.h"
#include "service/booking_rules.h"
#include "service/bookings.h"
#include "service/package_notify.h"
#include "service/package_rows.h"
#include "service/packages.h"
#include "service/setup.h"
#include "util/err.h"
#include "util/row.h"

#define PACKAGE_DUE_BATCH 50

/* A unit's package limits as the sale recorded them. */
struct unit_limits {
    int64_t staff[PACKAGE_MAX_IDS], locations[PACKAGE_MAX_IDS];
    size_t n_staff, n_locations;
    int64_t expires_at; /* 0: never */
};

static void
limits_of(const json_t *item, struct unit_limits *l)
{
    package_ids_parse(row_text(item, "staff_ids"), l->staff, PACKAGE_MAX_IDS, &l->n_staff);
    package_ids_parse(row_text(item, "location_ids"), l->locations, PACKAGE_MAX_IDS,
                      &l->n_locations);
    l->expires_at = row_int(item, "expires_at");
}

static int
history(const struct svc *s, int64_t booking_id, const char *action, const json_t *item)
{
    json_t *changes = json_pack(
        "{s:I, s:I, s:s}", "patient_package_id", (json_int_t)row_int(item, "patient_package_id"),
        "line_id", (json_int_t)row_int(item, "line_id"), "package", row_text(item, "package_name"));
    char *text = changes ? json_dumps(changes, JSON_COMPACT) : NULL;
    int rc = text ? store_history_add(s->db, booking_id, s->now, s->user_id, s->actor, action, text)
                  : ERR_NOMEM;

    free(text);
    json_decref(changes);
    return rc;
}

/* The one unit that matches f, as a new row; ERR_NOT_FOUND when none. */
static int
one_item(const struct svc *s, const struct store_package_item_filter *f, json_t **item)
{
    json_t *items = NULL;
    int rc = store_package_items(s->db, f, &items);

    *item = NULL;
    if (rc == ERR_OK && json_array_size(items) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK)
        *item = json_incref(json_array_get(items, 0));
    json_decref(items);
    return rc;
}

/* The unit on line_id of invoice_id. */
static int
load_line(const struct svc *s, int64_t invoice_id, int64_t line_id, json_t **item)
{
    struct store_package_item_filter f = {.line_id = line_id};
    int rc = one_item(s, &f, item);

    if (rc == ERR_OK && row_int(*item, "invoice_id") != invoice_id) {
        json_decref(*item);
        *item = NULL;
        rc = ERR_NOT_FOUND;
    }
    return rc == ERR_NOT_FOUND ? svc_fail(s, rc, "no such package line on this invoice") : rc;
}

/* Whether the unit can still be booked: 409 when it is taken or its
 * package no longer active. */
static int
line_open(const struct svc *s, const json_t *item)
{
    const char *status = row_text(item, "status");
    int64_t expires_at = row_int(item, "expires_at");

    if (strcmp(row_text(item, "package_status"), "expired") == 0 ||
        (expires_at && expires_at <= s->now))
        return svc_fail(s, ERR_CONFLICT, "the package expired on %s", row_text(item, "expires_on"));
    if (strcmp(status, "booked") == 0)
        return svc_fail(s, ERR_CONFLICT, "this package item is already booked (booking %lld)",
                        (long long)row_int(item, "booking_id"));
    if (strcmp(status, "unassigned") != 0)
        return svc_fail(s, ERR_CONFLICT, "this package item is %s", status);
    return ERR_OK;
}

static int
staff_works_in(const struct svc *s, int64_t staff_id, const struct unit_limits *l, int *ok)
{
    json_t *ids = NULL, *v;
    size_t i;
    int rc = store_staff_links_get(s->db, staff_id, "locations", &ids);

    *ok = l->n_locations == 0;
    json_array_foreach(ids, i, v)
    {
        if (package_limit_admits(l->locations, l->n_locations, json_integer_value(v)))
            *ok = 1;
    }
    json_decref(ids);
    return rc;
}

/* The package's limits for staff_id at start, each a 422 naming it; the
 * location is checked again once the slot names it. */
static int
line_limits(const struct svc *s, const json_t *item, int64_t staff_id, int64_t start)
{
    struct unit_limits l;
    json_t *staff = NULL;
    int ok = 0, rc = store_row_get(s->db, &setup_staff.table, staff_id, &staff);

    json_decref(staff);
    if (rc == ERR_NOT_FOUND)
        return svc_field_error(s, "staff_id", "names no staff member");
    limits_of(item, &l);
    if (rc == ERR_OK && !package_limit_admits(l.staff, l.n_staff, staff_id))
        return svc_field_error(s, "staff_id",
                               "the package is limited to other staff members (staff_ids)");
    if (rc == ERR_OK)
        rc = staff_works_in(s, staff_id, &l, &ok);
    if (rc == ERR_OK && !ok)
        return svc_field_error(s, "location_ids",
                               "the package is limited to locations this staff member does not "
                               "work at");
    if (rc == ERR_OK && l.expires_at && start >= l.expires_at)
        return svc_field_error(s, "start", "is after the package expires");
    return rc;
}

static int
location_limit(const struct svc *s, const json_t *item, int64_t location_id)
{
    struct unit_limits l;

    limits_of(item, &l);
    if (!package_limit_admits(l.locations, l.n_locations, location_id))
        return svc_field_error(s, "location_ids",
                               "the package is not valid at the location of that time");
    return ERR_OK;
}

static int
claim(const struct svc *s, const json_t *item, int64_t booking_id, int *claimed)
{
    int rc = store_package_item_move(s->db, row_int(item, "id"), "unassigned", "booked", booking_id,
                                     claimed);

    if (rc == ERR_OK && *claimed)
        rc = history(s, booking_id, "package_linked", item);
    return rc;
}

/* The soonest-expiring unit for service_id whose limits admit b. */
static int
link_auto(const struct svc *s, const struct store_booking *b, int64_t booking_id,
          int64_t service_id, int *linked)
{
    struct store_package_item_filter f = {.patient_id = b->patient_id,
                                          .service_id = service_id,
                                          .status = "unassigned",
                                          .active_only = 1};
    struct unit_limits l;
    json_t *items = NULL, *item;
    size_t i;
    int rc = store_package_items(s->db, &f, &items);

    *linked = 0;
    json_array_foreach(items, i, item)
    {
        if (rc != ERR_OK || *linked)
            break;
        limits_of(item, &l);
        if (!package_limit_admits(l.staff, l.n_staff, b->staff_id) ||
            !package_limit_admits(l.locations, l.n_locations, b->location_id) ||
            (l.expires_at && b->start_at >= l.expires_at))
            continue;
        /* Taken meanwhile by a racing request: try the next one. */
        rc = claim(s, item, booking_id, linked);
    }
    json_decref(items);
    return rc;
}

static int
link_line(const struct svc *s, const json_t *item, const struct store_booking *b,
          int64_t booking_id)
{
    int claimed = 0;
    int rc = line_open(s, item);

    if (rc == ERR_OK)
        rc = line_limits(s, item, b->staff_id, b->start_at);
    if (rc == ERR_OK)
        rc = location_limit(s, item, b->location_id);
    if (rc == ERR_OK)
        rc = claim(s, item, booking_id, &claimed);
    if (rc == ERR_OK && !claimed)
        rc = svc_fail(s, ERR_CONFLICT, "this package item was just booked by someone else");
    return rc;
}

int
packages_link_booking(const struct svc *s, const struct booking_new *in,
                      const struct sched_services *svc, const struct store_booking *b,
                      int64_t booking_id, struct sched_services *rest)
{
    struct store_package_item_filter f = {.line_id = in->package_line_id};
    json_t *line = NULL;
    size_t i;
    int linked, rc = ERR_OK;

    *rest = *svc;
    rest->n = 0;
    if (in->package_line_id) {
        rc = one_item(s, &f, &line);
        if (rc == ERR_NOT_FOUND || (rc == ERR_OK && row_int(line, "patient_id") != b->patient_id))
            rc = svc_field_error(s, "package_line_id", "names no package item of this patient");
    }
    for (i = 0; rc == ERR_OK && i < svc->n; i++) {
        linked = 0;
        if (line && row_int(line, "service_id") == svc->items[i].id) {
            rc = link_line(s, line, b, booking_id);
            json_decref(line);
            line = NULL;
            linked = 1;
        } else if (!in->no_package && !in->package_line_id) {
            rc = link_auto(s, b, booking_id, svc->items[i].id, &linked);
        }
        if (rc == ERR_OK && !linked)
            rest->items[rest->n++] = svc->items[i];
    }
    if (rc == ERR_OK && line)
        rc = svc_field_error(s, "service_ids", "must include the package item's service");
    json_decref(line);
    return rc;
}

/* check_only: the checks of a real booking in a transaction that is
 * always rolled back. A slot refused is an answer, not an error. */
static int
check_line(const struct svc *s, const json_t *item, int64_t staff_id, int64_t start, json_t **out)
{
    struct sched_settings st;
    struct sched_services svc;
    struct store_hold_skip holds = {NULL, 0, s->now};
    struct resource_needs needs;
    int64_t sid = row_int(item, "service_id"), location_id = 0;
    int rc = store_begin(s->db, 1);

    if (rc == ERR_OK)
        rc = sched_settings_load(s, &st);
    if (rc == ERR_OK)
        rc = sched_services_load(s, "service_ids", &sid, 1, &svc);
    if (rc == ERR_OK)
        rc = booking_slot_check(s, &st, &svc, staff_id, start, 0, &holds, &location_id, &needs);
    if (rc == ERR_OK)
        rc = location_limit(s, item, location_id);
    store_rollback(s->db);
    if (rc == ERR_OK)
        *out = json_pack("{s:b, s:s}", "available", 1, "detail", "the time is free");
    else if (rc == ERR_CONFLICT)
        *out = json_pack("{s:b, s:s}", "available", 0, "detail",
                         s->problem ? s->problem->detail : "the time is not free");
    else
        return rc;
    return *out ? ERR_OK : ERR_NOMEM;
}

int
packages_line_book(const struct svc *s, int64_t invoice_id, int64_t line_id, int64_t staff_id,
                   int64_t start, int check_only, json_t **out, int64_t *booking_id)
{
    struct booking_new b = {0};
    json_t *item = NULL;
    int64_t sid;
    int rc = load_line(s, invoice_id, line_id, &item);

    /* Read first so a limit is named before any slot rule (422, then
     * 409); the booking's own transaction checks everything again. */
    if (rc == ERR_OK)
        rc = line_open(s, item);
    if (rc == ERR_OK)
        rc = line_limits(s, item, staff_id, start);
    if (rc == ERR_OK && check_only)
        rc = check_line(s, item, staff_id, start, out);
    else if (rc == ERR_OK) {
        sid = row_int(item, "service_id");
        b = (struct booking_new){.by = BOOKING_BY_STAFF,
                                 .patient_id = row_int(item, "patient_id"),
                                 .staff_id = staff_id,
                                 .service_ids = &sid,
                                 .n_services = 1,
                                 .start = start,
                                 .notes = "",
                                 .package_line_id = line_id};
        rc = bookings_create(s, &b, booking_id);
    }
    json_decref(item);
    return rc;
}

struct unlink_args {
    int64_t invoice_id, line_id;
};

static int
unlink_line(const struct svc *s, void *arg)
{
    const struct unlink_args *a = arg;
    struct store_service svc;
    struct billing_ctx b;
    json_t *item = NULL;
    int64_t booking_id = 0, sid;
    int changed = 0, rc = load_line(s, a->invoice_id, a->line_id, &item);

    if (rc == ERR_OK && strcmp(row_text(item, "status"), "booked") != 0)
        rc = svc_fail(s, ERR_CONFLICT,
                      strcmp(row_text(item, "status"), "unassigned") == 0
                          ? "this package item has no booking"
                          : "this package item was used or has expired; it stays as it is");
    if (rc == ERR_OK) {
        booking_id = row_int(item, "booking_id");
        rc = store_package_item_move(s->db, row_int(item, "id"), "booked", "unassigned", 0,
                                     &changed);
    }
    if (rc == ERR_OK && !changed)
        rc = svc_fail(s, ERR_CONFLICT, "this package item changed meanwhile; try again");
    sid = row_int(item, "service_id");
    if (rc == ERR_OK)
        rc = store_services_get(s->db, &sid, 1, &svc);
    if (rc == ERR_OK)
        rc = billing_ctx_init(s, &b);
    /* The booking stays: now an ordinary one, invoiced on its own. */
    if (rc == ERR_OK)
        rc = billing_booking_line_add(&b, booking_id, row_int(item, "patient_id"), &svc);
    if (rc == ERR_OK)
        rc = history(s, booking_id, "package_unlinked", item);
    json_decref(item);
    return rc;
}

int
packages_line_unlink(const struct svc *s, int64_t invoice_id, int64_t line_id)
{
    struct unlink_args a = {invoice_id, line_id};

    return svc_write(s, unlink_line, &a);
}

/* The booking's units in status (NULL: any). */
static int
booking_items(const struct svc *s, int64_t booking_id, const char *status, json_t **items)
{
    struct store_package_item_filter f = {.booking_id = booking_id, .status = status};

    return store_package_items(s->db, &f, items);
}

int
packages_booking_moved(const struct svc *s, int64_t booking_id, int64_t staff_id,
                       int64_t location_id, int64_t start)
{
    struct unit_limits l;
    json_t *items = NULL, *item;
    size_t i;
    int rc = booking_items(s, booking_id, "booked", &items);

    json_array_foreach(items, i, item)
    {
        if (rc != ERR_OK)
            break;
        limits_of(item, &l);
        if (!package_limit_admits(l.staff, l.n_staff, staff_id))
            rc = svc_field_error(s, "staff_id",
                                 "the booking uses a package limited to other staff members; "
                                 "unlink it first");
        else if (!package_limit_admits(l.locations, l.n_locations, location_id))
            rc = svc_field_error(s, "location_ids",
                                 "the booking uses a package not valid at that location; unlink "
                                 "it first");
        else if (l.expires_at && start >= l.expires_at)
            rc = svc_field_error(s, "start", "is after the booking's package expires");
    }
    json_decref(items);
    return rc;
}

int
packages_booking_cancelled(const struct svc *s, int64_t booking_id)
{
    json_t *items = NULL, *item;
    size_t i;
    int changed, rc = booking_items(s, booking_id, "booked", &items);

    json_array_foreach(items, i, item)
    {
        if (rc == ERR_OK)
            rc = store_package_item_move(s->db, row_int(item, "id"), "booked", "unassigned", 0,
                                         &changed);
    }
    json_decref(items);
    return rc;
}

/* A package all of whose units are used is used up, and active again
 * when one is no longer used. */
static int
follow_use(const struct svc *s, int64_t patient_package_id)
{
    struct store_package_item_filter f = {.patient_package_id = patient_package_id};
    json_t *items = NULL, *item;
    size_t i, used = 0;
    int changed, rc = store_package_items(s->db, &f, &items);

    json_array_foreach(items, i, item)
    {
        used += strcmp(row_text(item, "status"), "used") == 0;
    }
    if (rc == ERR_OK && used == json_array_size(items))
        rc = store_patient_package_move(s->db, patient_package_id, "active", "used_up", &changed);
    else if (rc == ERR_OK)
        rc = store_patient_package_move(s->db, patient_package_id, "used_up", "active", &changed);
    json_decref(items);
    return rc;
}

/* Moves each unit of the booking from `from` to `to` and posts what
 * moved: recognised (Dr 2300 / Cr 4000) or taken back. */
static int
move_units(const struct svc *s, int64_t booking_id, const char *from, const char *to, int use)
{
    struct billing_ctx b;
    struct ledger_entry e, r;
    json_t *items = NULL, *item;
    char memo[128];
    size_t i;
    int changed, rc = booking_items(s, booking_id, from, &items);

    if (rc == ERR_OK && json_array_size(items))
        rc = billing_ctx_init(s, &b);
    json_array_foreach(items, i, item)
    {
        if (rc == ERR_OK)
            rc = store_package_item_move(s->db, row_int(item, "id"), from, to, -1, &changed);
        if (rc != ERR_OK || !changed || row_int(item, "amount") <= 0)
            continue;
        ledger_package_recognise(row_int(item, "amount"), &e);
        ledger_reverse(&e, &r);
        snprintf(memo, sizeof(memo), "%s: booking %lld, package line %lld",
                 use ? "Package unit used" : "Package unit use taken back", (long long)booking_id,
                 (long long)row_int(item, "line_id"));
        rc = billing_post(&b, use ? "invoice" : "void", memo, row_int(item, "invoice_id"),
                          use ? &e : &r);
    }
    json_array_foreach(items, i, item)
    {
        if (rc == ERR_OK)
            rc = follow_use(s, row_int(item, "patient_package_id"));
    }
    json_decref(items);
    return rc;
}

int
packages_attendance_changed(const struct svc *s, int64_t booking_id, const char *old,
                            const char *attendance)
{
    int was = strcmp(old, "arrived") == 0, is = strcmp(attendance, "arrived") == 0;

    if (was == is)
        return ERR_OK;
    return is ? move_units(s, booking_id, "booked", "used", 1)
              : move_units(s, booking_id, "used", "booked", 0);
}

int
packages_booking_json(const struct svc *s, int64_t booking_id, json_t **out)
{
    struct store_package_item_filter f = {0};
    json_t *items = NULL, *all = NULL, *first, *v;
    size_t i, left = 0;
    int rc = booking_items(s, booking_id, NULL, &items);

    *out = NULL;
    if (rc != ERR_OK || json_array_size(items) == 0)
        goto out;
    first = json_array_get(items, 0);
    f.patient_package_id = row_int(first, "patient_package_id");
    rc = store_package_items(s->db, &f, &all);
    json_array_foreach(all, i, v)
    {
        left += strcmp(row_text(v, "status"), "unassigned") == 0;
    }
    if (rc == ERR_OK)
        *out = json_pack("{s:I, s:I, s:I, s:s, s:I, s:I}", "patient_package_id",
                         (json_int_t)f.patient_package_id, "line_id",
                         (json_int_t)row_int(first, "line_id"), "invoice_id",
                         (json_int_t)row_int(first, "invoice_id"), "name",
                         row_text(first, "package_name"), "units", (json_int_t)json_array_size(all),
                         "units_left", (json_int_t)left);
    if (rc == ERR_OK && !*out)
        rc = ERR_NOMEM;
out:
    json_decref(items);
    json_decref(all);
    return rc;
}

/* Expires one package: every unit not used is recognised now. Nothing
 * happens when another process expired it first. */
static int
expire_one(const struct svc *s, void *arg)
{
    int64_t id = *(const int64_t *)arg, amount = 0, invoice_id = 0;
    struct store_package_item_filter f = {.patient_package_id = id};
    struct billing_ctx b;
    struct ledger_entry e;
    json_t *items = NULL, *item;
    char memo[96];
    size_t i, n = 0;
    int changed = 0, rc = store_patient_package_move(s->db, id, "active", "expired", &changed);

    if (rc == ERR_OK && changed)
        rc = store_package_items(s->db, &f, &items);
    json_array_foreach(items, i, item)
    {
        const char *st = row_text(item, "status");

        invoice_id = row_int(item, "invoice_id");
        if (rc != ERR_OK || (strcmp(st, "unassigned") != 0 && strcmp(st, "booked") != 0))
            continue;
        rc = store_package_item_move(s->db, row_int(item, "id"), st, "expired", -1, &changed);
        if (rc == ERR_OK && changed) {
            amount += row_int(item, "amount");
            n++;
        }
    }
    if (rc == ERR_OK && amount > 0)
        rc = billing_ctx_init(s, &b);
    snprintf(memo, sizeof(memo), "Package %lld expired: %zu unused units recognised", (long long)id,
             n);
    ledger_package_recognise(amount, &e);
    if (rc == ERR_OK && amount > 0)
        rc = billing_post(&b, "invoice", memo, invoice_id, &e);
    json_decref(items);
    return rc;
}

static int
remind_one(const struct svc *s, void *arg)
{
    const json_t *due = arg;
    int marked = 0;
    int rc = store_package_reminded(s->db, row_int(due, "id"), &marked);

    /* A package with nothing left to book needs no reminder. */
    if (rc == ERR_OK && marked && row_int(due, "unassigned") > 0)
        rc = package_notify_expiring(s, row_int(due, "id"));
    return rc;
}

int
packages_run_due(const struct svc *s, int *n)
{
    json_t *settings = NULL, *due = NULL, *item;
    int64_t remind_s = 0, id;
    size_t i;
    int rc = store_row_get(s->db, &setup_settings.table, 1, &settings);

    *n = 0;
    if (rc == ERR_OK)
        remind_s = row_int(settings, "package_expiry_reminder_days") * 86400;
    if (rc == ERR_OK)
        rc = store_packages_due(s->db, s->now, remind_s, PACKAGE_DUE_BATCH, &due);
    json_array_foreach(due, i, item)
    {
        if (rc != ERR_OK)
            break;
        id = row_int(item, "id");
        if (row_int(item, "expires_at") <= s->now)
            rc = svc_write(s, expire_one, &id);
        else if (!row_int(item, "expiry_reminded"))
            rc = svc_write(s, remind_one, item);
        *n += rc == ERR_OK;
    }
    json_decref(settings);
    json_decref(due);
    return rc;
}

int
packages_liability(const struct svc *s, json_t **out)
{
    json_t *items = NULL, *item;
    int64_t total = 0;
    size_t i;
    int rc = store_package_liability(s->db, &items);

    json_array_foreach(items, i, item)
    {
        total += row_int(item, "amount");
    }
    *out =
        rc == ERR_OK ? json_pack("{s:I, s:o}", "total", (json_int_t)total, "items", items) : NULL;
    if (rc == ERR_OK && !*out)
        return ERR_NOMEM;
    if (rc != ERR_OK)
        json_decref(items);
    return rc;
}
