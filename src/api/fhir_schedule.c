/* Schedule (a staff member at a location) and Slot (a free time of one
 * service in a schedule, from the availability engine). Both lists are
 * computed, not stored, so their cursor is an offset into the list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/fhir.h"
#include "api/input.h"
#include "service/schedule.h"
#include "util/err.h"
#include "util/row.h"

#define SLOT_DEFAULT_DAYS 7

static int
online(const struct http_req *req)
{
    return req->auth.role != HTTP_ROLE_STAFF && req->auth.role != HTTP_ROLE_ADMIN;
}

static int
parse_offset(struct http_req *req, const char *cursor, size_t *offset)
{
    char *end;
    long long v;

    *offset = 0;
    if (!cursor)
        return ERR_OK;
    v = strtoll(cursor, &end, 10);
    if (!*cursor || *end || v < 0 || v > 1000000)
        return http_fail(req, ERR_MALFORMED, "_cursor is not one this server gave");
    *offset = (size_t)v;
    return ERR_OK;
}

/* service-type: codes of our system ("7", "urn:chairside:service|7"),
 * comma-separated. */
static int
read_service_types(struct http_req *req, const struct fhir_search *s, int64_t *ids, size_t *n)
{
    const char *v = fhir_search_get(s, "service-type");
    const char *prefix = FHIR_SERVICE_SYSTEM "|";
    char list[512];
    const char *p;
    char *w;

    *n = 0;
    if (!v)
        return ERR_OK;
    if (strlen(v) >= sizeof(list))
        return http_fail(req, ERR_MALFORMED, "service-type is too long");
    /* Strip our system from each code, then read the ids. */
    for (p = v, w = list; *p;) {
        if (strncmp(p, prefix, strlen(prefix)) == 0)
            p += strlen(prefix);
        while (*p && *p != ',')
            *w++ = *p++;
        if (*p == ',')
            *w++ = *p++;
    }
    *w = '\0';
    if (in_parse_ids(list, ids, n) != ERR_OK)
        return http_fail(req, ERR_MALFORMED,
                         "service-type must be codes of " FHIR_SERVICE_SYSTEM " (service ids)");
    return ERR_OK;
}

static int
has_service(const json_t *service_ids, const int64_t *ids, size_t n)
{
    const json_t *v;
    size_t i, k;

    if (!n)
        return 1;
    json_array_foreach(service_ids, i, v)
    {
        for (k = 0; k < n; k++) {
            if (json_integer_value(v) == ids[k])
                return 1;
        }
    }
    return 0;
}

/* --- Schedule --------------------------------------------------------------- */

static json_t *
render_schedule(const json_t *item, const json_t *services)
{
    return fhir_schedule(json_object_get(item, "staff"), row_int(item, "location_id"),
                         json_object_get(item, "service_ids"), services);
}

int
api_fhir_schedule_read(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    json_t *items = NULL, *services = NULL;
    int rc = fhir_schedules(&sv, online(req), req->ids[0], req->ids[1], &items, &services);

    if (rc == ERR_OK && !json_array_size(items))
        rc = http_fail(req, ERR_NOT_FOUND, "no such Schedule");
    if (rc == ERR_OK)
        rc = fhir_reply(resp, 200, render_schedule(json_array_get(items, 0), services));
    json_decref(items);
    json_decref(services);
    return rc;
}

static const char *const schedule_params[] = {"actor", "service-type", NULL};

/* actor: a Practitioner or a Location. */
static int
read_actor(struct http_req *req, const struct fhir_search *s, int64_t *staff_id,
           int64_t *location_id)
{
    const char *v = fhir_search_get(s, "actor");

    *staff_id = *location_id = 0;
    if (!v)
        return ERR_OK;
    if (strstr(v, "Location/"))
        return fhir_search_ref(req, s, "actor", "Location", location_id);
    return fhir_search_ref(req, s, "actor", "Practitioner", staff_id);
}

int
api_fhir_schedule_search(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct fhir_search s;
    struct fhir_bundle b = {0};
    int64_t staff_id = 0, location_id = 0, types[INPUT_MAX_IDS];
    json_t *items = NULL, *services = NULL, *item;
    size_t offset = 0, n_types = 0, i, seen = 0;
    const char *next = NULL;
    int rc = fhir_search_read(req, schedule_params, &s);

    if (rc == ERR_OK)
        rc = parse_offset(req, s.cursor, &offset);
    if (rc == ERR_OK)
        rc = read_actor(req, &s, &staff_id, &location_id);
    if (rc == ERR_OK)
        rc = read_service_types(req, &s, types, &n_types);
    if (rc == ERR_OK)
        rc = fhir_schedules(&sv, online(req), staff_id, location_id, &items, &services);
    if (rc == ERR_OK)
        rc = fhir_bundle_init(req, &b, "searchset");
    json_array_foreach(items, i, item)
    {
        if (rc != ERR_OK || !has_service(json_object_get(item, "service_ids"), types, n_types))
            continue;
        if (seen >= offset + (size_t)s.count) {
            next = fhir_cursor_text(req, "", (int64_t)seen);
            break;
        }
        if (seen++ >= offset)
            rc = fhir_bundle_add(&b, render_schedule(item, services));
    }
    if (rc == ERR_OK)
        rc = fhir_reply_bundle(req, resp, &b, &s, next);
    fhir_bundle_cleanup(&b);
    json_decref(items);
    json_decref(services);
    return rc;
}

/* --- Slot -------------------------------------------------------------------- */

static const char *
service_name(const json_t *services, int64_t id)
{
    char key[24];

    snprintf(key, sizeof(key), "%lld", (long long)id);
    return row_text(json_object_get(services, key), "name");
}

static int
service_rows(struct http_req *req, json_t **services)
{
    struct svc sv = api_svc(req);

    return fhir_services(&sv, online(req), services);
}

int
api_fhir_slot_read(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct fhir_slot slot = {req->ids[0], req->ids[1], req->ids[2], req->ids[3], 0, 0, 0, 0};
    json_t *services = NULL;
    char origin[512];
    int rc = fhir_slot_check(&sv, &slot, online(req));

    if (rc == ERR_NOT_FOUND)
        rc = http_fail(req, rc, "no such Slot (it may have been booked)");
    if (rc == ERR_OK)
        rc = service_rows(req, &services);
    if (rc == ERR_OK)
        rc = fhir_origin(req, origin, sizeof(origin));
    if (rc == ERR_OK)
        rc = fhir_reply(
            resp, 200,
            fhir_slot_link(fhir_slot_resource(&slot, service_name(services, slot.service_id)),
                           origin));
    json_decref(services);
    return rc;
}

int
api_fhir_busy_slot_read(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct fhir_slot slot;
    json_t *services = NULL;
    int rc = fhir_busy_slot(&sv, req->ids[0], &slot);

    if (rc == ERR_NOT_FOUND)
        rc = http_fail(req, rc, "no such Slot");
    if (rc == ERR_OK)
        rc = service_rows(req, &services);
    if (rc == ERR_OK)
        rc = fhir_reply(resp, 200,
                        fhir_slot_resource(&slot, service_name(services, slot.service_id)));
    json_decref(services);
    return rc;
}

static const char *const slot_params[] = {"schedule", "start", "status", "service-type", NULL};

/* schedule=Schedule/<staff>-<location> */
static int
read_schedule(struct http_req *req, const struct fhir_search *s, struct fhir_slot_query *q)
{
    const char *v = fhir_search_get(s, "schedule"), *id;
    long long staff = 0, loc = 0;
    int used = 0;

    if (!v)
        return ERR_OK;
    id = strrchr(v, '/') ? strrchr(v, '/') + 1 : v;
    if ((strchr(v, '/') && !strstr(v, "Schedule/")) ||
        sscanf(id, "%lld-%lld%n", &staff, &loc, &used) != 2 || id[used] || staff <= 0 || loc <= 0)
        return http_fail(req, ERR_MALFORMED, "schedule must reference a Schedule by its id");
    q->staff_id = staff;
    q->location_id = loc;
    return ERR_OK;
}

static int
read_slot_query(struct http_req *req, const struct fhir_search *s, struct fhir_slot_query *q,
                int64_t *types)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    const char *status = fhir_search_get(s, "status");
    int rc = read_schedule(req, s, q);

    if (rc == ERR_OK)
        rc = read_service_types(req, s, types, &q->n_services);
    q->service_ids = types;
    q->online = online(req);
    q->statuses = FHIR_SLOT_FREE | FHIR_SLOT_BUSY;
    if (rc == ERR_OK && status && strcmp(status, "free") == 0)
        q->statuses = FHIR_SLOT_FREE;
    else if (rc == ERR_OK && status && strcmp(status, "busy") == 0)
        q->statuses = FHIR_SLOT_BUSY;
    else if (rc == ERR_OK && status)
        rc = http_fail(req, ERR_MALFORMED, "status must be free or busy");
    if (rc == ERR_OK)
        rc = q->location_id ? sched_location_zone(&sv, q->location_id, &zone)
                            : sched_org_zone(&sv, &zone);
    q->from = q->to = 0;
    if (rc == ERR_OK)
        rc = fhir_search_dates(req, s, "start", zone, &q->from, &q->to);
    if (rc != ERR_OK)
        return rc;
    /* Without bounds: from now, for a week. */
    if (!q->from)
        q->from = q->to ? q->to - SLOT_DEFAULT_DAYS * 86400 : req->now;
    if (!q->to)
        q->to = q->from + SLOT_DEFAULT_DAYS * 86400;
    if (q->to - q->from > FHIR_MAX_WINDOW_S)
        return http_fail(req, ERR_MALFORMED, "start may span at most 62 days");
    return ERR_OK;
}

int
api_fhir_slot_search(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct fhir_search s;
    struct fhir_bundle b = {0};
    struct fhir_slot_query q = {0};
    struct fhir_slot *slots = NULL;
    int64_t types[INPUT_MAX_IDS];
    json_t *services = NULL;
    size_t offset = 0, n = 0, i;
    const char *next = NULL;
    char origin[512];
    int rc = fhir_search_read(req, slot_params, &s);

    if (rc == ERR_OK)
        rc = parse_offset(req, s.cursor, &offset);
    if (rc == ERR_OK)
        rc = read_slot_query(req, &s, &q, types);
    if (rc == ERR_OK)
        rc = fhir_slots_find(&sv, &q, &slots, &n);
    if (rc == ERR_INVALID)
        rc = ERR_MALFORMED;
    if (rc == ERR_OK)
        rc = service_rows(req, &services);
    if (rc == ERR_OK)
        rc = fhir_origin(req, origin, sizeof(origin));
    if (rc == ERR_OK)
        rc = fhir_bundle_init(req, &b, "searchset");
    for (i = offset; rc == ERR_OK && i < n && i < offset + (size_t)s.count; i++)
        rc = fhir_bundle_add(
            &b, fhir_slot_link(
                    fhir_slot_resource(&slots[i], service_name(services, slots[i].service_id)),
                    origin));
    if (rc == ERR_OK && n > offset + (size_t)s.count)
        next = fhir_cursor_text(req, "", (int64_t)(offset + (size_t)s.count));
    if (rc == ERR_OK)
        rc = fhir_reply_bundle(req, resp, &b, &s, next);
    fhir_bundle_cleanup(&b);
    json_decref(services);
    return rc;
}
