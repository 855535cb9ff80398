/* SMART Scheduling Links: GET /fhir/$bulk-publish is the manifest, and
 * /fhir/$bulk-publish/{Location,Schedule,Slot}.ndjson the files it names,
 * one resource per line. They are public (slot finders do not log in), so
 * they hold what the booking portal shows: bookable staff, services
 * offered online, free slots of the coming FHIR_PUBLISH_DAYS days, each
 * with a booking-deep-link into the portal at /book. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/fhir.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

#define NDJSON_TYPE "application/fhir+ndjson"

static const char *const published[] = {"Location", "Schedule", "Slot", NULL};

/* One Slot file per service offered online (url?service-type=ID): four
 * weeks of a whole clinic's free times in one answer would grow without
 * bound, while one service's stay the size a slot finder fetches at once
 * (SMART Scheduling Links lets a manifest name several files of a type). */
static int
add_slot_files(struct http_req *req, json_t *output, const char *url)
{
    struct svc sv = api_svc(req);
    json_t *services = NULL, *row;
    const char *key;
    char one[700];
    int rc = fhir_services(&sv, 1, &services);

    json_object_foreach(services, key, row)
    {
        snprintf(one, sizeof(one), "%s?service-type=%s", url, key);
        if (rc == ERR_OK &&
            json_array_append_new(output, json_pack("{s:s, s:s}", "type", "Slot", "url", one)))
            rc = ERR_NOMEM;
    }
    json_decref(services);
    return rc;
}

int
api_fhir_bulk_publish(struct http_req *req, struct http_resp *resp)
{
    char base[512], url[640], now[TZ_RFC3339_LEN];
    json_t *m, *output;
    size_t i;
    int rc = fhir_base(req, base, sizeof(base));

    if (rc != ERR_OK)
        return rc;
    tz_format_rfc3339(req->now, 0, now);
    snprintf(url, sizeof(url), "%s/$bulk-publish", base);
    m = json_pack("{s:s, s:s, s:[], s:[]}", "transactionTime", now, "request", url, "output",
                  "error");
    output = json_object_get(m, "output");
    for (i = 0; m && published[i]; i++) {
        snprintf(url, sizeof(url), "%s/$bulk-publish/%s.ndjson", base, published[i]);
        if (strcmp(published[i], "Slot") == 0)
            rc = add_slot_files(req, output, url);
        else if (json_array_append_new(output,
                                       json_pack("{s:s, s:s}", "type", published[i], "url", url)))
            rc = ERR_NOMEM;
    }
    if (!m || rc != ERR_OK) {
        json_decref(m);
        return m ? rc : ERR_NOMEM;
    }
    return http_reply_json(resp, 200, m);
}

/* One resource (stolen) as a line of the file. */
static int
put_line(struct http_resp *resp, json_t *res)
{
    char *text = res ? json_dumps(res, JSON_COMPACT) : NULL;
    int rc = text ? buf_puts(&resp->raw, text) : ERR_NOMEM;

    if (rc == ERR_OK)
        rc = buf_puts(&resp->raw, "\n");
    free(text);
    json_decref(res);
    return rc;
}

static int
put_locations(struct http_req *req, struct http_resp *resp)
{
    json_t *items = NULL, *row;
    int64_t after = 0;
    size_t i, got;
    int rc;

    do {
        rc = store_row_list(req->db, &setup_locations.table, NULL, after, 500, &items);
        got = json_array_size(items);
        json_array_foreach(items, i, row)
        {
            after = row_int(row, "id");
            if (rc == ERR_OK)
                rc = put_line(resp, fhir_location(row));
        }
        json_decref(items);
        items = NULL;
    } while (rc == ERR_OK && got == 500);
    return rc;
}

static int
put_schedules(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    json_t *items = NULL, *services = NULL, *item;
    size_t i;
    int rc = fhir_schedules(&sv, 1, 0, 0, &items, &services);

    json_array_foreach(items, i, item)
    {
        if (rc == ERR_OK && json_array_size(json_object_get(item, "service_ids")))
            rc = put_line(resp, fhir_schedule(json_object_get(item, "staff"),
                                              row_int(item, "location_id"),
                                              json_object_get(item, "service_ids"), services));
    }
    json_decref(items);
    json_decref(services);
    return rc;
}

static int
put_slots(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct fhir_slot_query q = {0};
    struct fhir_slot *slots = NULL;
    json_t *services = NULL;
    char origin[512];
    const char *type = http_query(req, "service-type");
    int64_t service_id = 0;
    char *end = NULL;
    size_t n = 0, i;
    int rc = fhir_origin(req, origin, sizeof(origin));

    if (type) {
        service_id = strtoll(type, &end, 10);
        if (!*type || *end || service_id <= 0)
            return http_fail(req, ERR_MALFORMED, "service-type must be a service id");
        q.service_ids = &service_id;
        q.n_services = 1;
    }
    q.from = req->now;
    q.to = req->now + (int64_t)FHIR_PUBLISH_DAYS * 86400;
    q.online = 1;
    q.statuses = FHIR_SLOT_FREE;
    if (rc == ERR_OK)
        rc = fhir_services(&sv, 1, &services);
    if (rc == ERR_OK)
        rc = fhir_slots_find(&sv, &q, &slots, &n);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        char key[24];

        snprintf(key, sizeof(key), "%lld", (long long)slots[i].service_id);
        rc = put_line(
            resp, fhir_slot_link(fhir_slot_resource(
                                     &slots[i], row_text(json_object_get(services, key), "name")),
                                 origin));
    }
    json_decref(services);
    return rc;
}

int
api_fhir_bulk_file(struct http_req *req, struct http_resp *resp)
{
    const char *type = req->route_ctx;
    int rc;

    if (strcmp(type, "Location") == 0)
        rc = put_locations(req, resp);
    else if (strcmp(type, "Schedule") == 0)
        rc = put_schedules(req, resp);
    else
        rc = put_slots(req, resp);
    if (rc != ERR_OK)
        return rc;
    resp->status = 200;
    resp->content_type = NDJSON_TYPE;
    return ERR_OK;
}
