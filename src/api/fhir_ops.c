/* The IHE ITI Scheduling operations on Appointment: $find (ITI-115)
 * proposes appointments from free slots, $hold (ITI-116) keeps one for
 * the caller through the holds use case of POST /holds, $book (ITI-117)
 * books one (or a held one) through the booking use case of POST
 * /bookings. Each takes a Parameters resource ($hold and $book also a
 * bare Appointment). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/auth.h"
#include "api/fhir.h"
#include "api/holds.h"
#include "api/input.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

/* --- Reading Parameters ------------------------------------------------------ */

static int
read_body(struct http_req *req, const char *const *types)
{
    const char *type;

    if (http_body_object(req) != ERR_OK)
        return ERR_MALFORMED;
    type = row_text(req->json, "resourceType");
    for (; *types; types++) {
        if (strcmp(type, *types) == 0)
            return ERR_OK;
    }
    return http_fail(req, ERR_MALFORMED, "the body must be a Parameters resource");
}

/* The first parameter called name, or NULL. */
static const json_t *
param(const json_t *params, const char *name)
{
    const json_t *p;
    size_t i;

    json_array_foreach(json_object_get(params, "parameter"), i, p)
    {
        if (strcmp(row_text(p, "name"), name) == 0)
            return p;
    }
    return NULL;
}

/* "Type/123" (or a URL ending so) as 123; 0 when ref is absent. */
static int
ref_id(struct http_req *req, const char *field, const char *ref, const char *type, int64_t *id)
{
    size_t tlen = strlen(type);
    const char *slash = strrchr(ref, '/');
    char *end;

    *id = 0;
    if (!*ref)
        return ERR_OK;
    if (!slash || (size_t)(slash - ref) < tlen || strncmp(slash - tlen, type, tlen) != 0)
        return http_field_error(req, field, "must reference a resource of the right type");
    *id = strtoll(slash + 1, &end, 10);
    if (*id <= 0 || *end)
        return http_field_error(req, field, "must reference a resource by its id");
    return ERR_OK;
}

static const char *
param_ref(const json_t *params, const char *name)
{
    return row_text(json_object_get(param(params, name), "valueReference"), "reference");
}

static int
param_time(struct http_req *req, const json_t *params, const char *name, int64_t *t)
{
    const json_t *p = param(params, name);
    const char *v = row_text(p, "valueDateTime");

    if (!*v)
        v = row_text(p, "valueInstant");
    if (!p)
        return http_field_error(req, name, "is required");
    if (tz_parse_rfc3339(v, t) != ERR_OK)
        return http_field_error(req, name, "must be a dateTime with a time zone");
    return ERR_OK;
}

/* visit-type (a service id or name) or service-type (a code of our
 * system): which service to find times for; 0 = every one. */
static int
param_service(struct http_req *req, const json_t *params, int64_t *service_id)
{
    const json_t *p = param(params, "service-type");
    const char *code = row_text(json_object_get(p, "valueCoding"), "code");
    const char *visit = row_text(param(params, "visit-type"), "valueString");
    char *end;

    *service_id = 0;
    if (!*code)
        code = row_text(p, "valueCode");
    if (!*code && *visit)
        code = visit;
    if (!*code)
        return ERR_OK;
    *service_id = strtoll(code, &end, 10);
    if (*service_id <= 0 || *end)
        return http_field_error(req, p ? "service-type" : "visit-type",
                                "must be the code of a service (its id)");
    return ERR_OK;
}

/* Whom the appointment is for: patients only ever themselves. */
static int
check_patient(struct http_req *req, const char *field, int64_t *patient_id)
{
    if (req->auth.role != HTTP_ROLE_PATIENT)
        return ERR_OK;
    if (*patient_id && *patient_id != req->auth.patient_id)
        return http_field_error(req, field, "a patient books for themselves only");
    *patient_id = req->auth.patient_id;
    return ERR_OK;
}

/* --- Proposed appointments ---------------------------------------------------- */

static json_t *
actor(const char *type, int64_t id, const char *status)
{
    char ref[64];

    snprintf(ref, sizeof(ref), "%s/%lld", type, (long long)id);
    return json_pack("{s:{s:s}, s:s}", "actor", "reference", ref, "status", status);
}

/* An Appointment of status proposed for slot (not stored). */
static json_t *
proposal(const struct fhir_slot *slot, int64_t patient_id, const json_t *services)
{
    char ref[128], key[24];
    json_t *res, *a = NULL, *parts;

    snprintf(key, sizeof(key), "%lld", (long long)slot->service_id);
    res = fhir_slot_resource(slot, row_text(json_object_get(services, key), "name"));

    if (!res)
        return NULL;
    snprintf(ref, sizeof(ref), "Slot/%s", row_text(res, "id"));
    parts = json_pack("[o, o]", actor("Practitioner", slot->staff_id, "accepted"),
                      actor("Location", slot->location_id, "accepted"));
    if (parts && patient_id)
        json_array_append_new(parts, actor("Patient", patient_id, "needs-action"));
    if (parts)
        a = json_pack("{s:s, s:s, s:O, s:O, s:O, s:I, s:[{s:s}], s:o}", "resourceType",
                      "Appointment", "status", "proposed", "serviceType",
                      json_object_get(res, "serviceType"), "start", json_object_get(res, "start"),
                      "end", json_object_get(res, "end"), "minutesDuration",
                      (json_int_t)((slot->end - slot->start) / 60), "slot", "reference", ref,
                      "participant", parts);
    json_decref(res);
    return a;
}

static int
read_find(struct http_req *req, struct fhir_slot_query *q, int64_t *service_id, int64_t *patient_id,
          int *count)
{
    const json_t *c;
    int bad = 0;

    bad |= param_time(req, req->json, "start", &q->from) != ERR_OK;
    bad |= param_time(req, req->json, "end", &q->to) != ERR_OK;
    bad |= ref_id(req, "practitioner", param_ref(req->json, "practitioner"), "Practitioner",
                  &q->staff_id) != ERR_OK;
    bad |= ref_id(req, "location-reference", param_ref(req->json, "location-reference"), "Location",
                  &q->location_id) != ERR_OK;
    bad |= ref_id(req, "patient-reference", param_ref(req->json, "patient-reference"), "Patient",
                  patient_id) != ERR_OK;
    bad |= param_service(req, req->json, service_id) != ERR_OK;
    c = json_object_get(param(req->json, "_count"), "valueInteger");
    *count = c ? (int)json_integer_value(c) : FHIR_COUNT_DEFAULT;
    if (*count < 1 || *count > FHIR_COUNT_MAX)
        bad |= http_field_error(req, "_count", "must be from 1 to 500") != ERR_OK;
    if (!bad && q->to <= q->from)
        bad |= http_field_error(req, "end", "must be after start") != ERR_OK;
    if (!bad && q->to - q->from > FHIR_MAX_WINDOW_S)
        bad |= http_field_error(req, "end", "may be at most 62 days after start") != ERR_OK;
    if (!bad)
        bad |= check_patient(req, "patient-reference", patient_id) != ERR_OK;
    return bad ? ERR_INVALID : ERR_OK;
}

int
api_fhir_find(struct http_req *req, struct http_resp *resp)
{
    static const char *const types[] = {"Parameters", NULL};
    struct svc sv = api_svc(req);
    struct fhir_slot_query q = {0};
    struct fhir_bundle b = {0};
    struct fhir_slot *slots = NULL;
    json_t *services = NULL;
    int64_t service_id = 0, patient_id = 0;
    size_t n = 0, i;
    int count = 0, rc = read_body(req, types);

    if (rc == ERR_OK)
        rc = read_find(req, &q, &service_id, &patient_id, &count);
    q.service_ids = &service_id;
    q.n_services = service_id ? 1 : 0;
    q.online = req->auth.role == HTTP_ROLE_PATIENT;
    q.statuses = FHIR_SLOT_FREE;
    if (rc == ERR_OK)
        rc = fhir_slots_find(&sv, &q, &slots, &n);
    if (rc == ERR_OK)
        rc = fhir_services(&sv, q.online, &services);
    if (rc == ERR_OK)
        rc = fhir_bundle_init(req, &b, "searchset");
    for (i = 0; rc == ERR_OK && i < n && i < (size_t)count; i++)
        rc = fhir_bundle_add(&b, proposal(&slots[i], patient_id, services));
    if (rc == ERR_OK)
        rc = fhir_reply(resp, 200, fhir_bundle_take(&b));
    fhir_bundle_cleanup(&b);
    json_decref(services);
    return rc;
}

/* --- $hold --------------------------------------------------------------------- */

/* Who holds through FHIR: an API token by its id, so that the token which
 * held a time is the one that may book it (not any holder of the hold's
 * secret); a session as POST /holds names it. */
static void
fhir_holder(struct http_req *req, char *out)
{
    if (req->auth.token_id > 0) {
        snprintf(out, HOLDS_HOLDER_LEN, "api-token:%lld", (long long)req->auth.token_id);
        return;
    }
    api_holder(req, NULL, out);
}

static const json_t *book_appointment(struct http_req *req);
static int requested_slot(struct http_req *req, const json_t *appt, struct fhir_slot *slot);
static int participant(struct http_req *req, const json_t *appt, const char *type, int64_t *id);

/* The slot to hold: appointment-resource (a proposal of $find, or an
 * Appointment naming start, Practitioner and serviceType) and, shown on
 * the answer only, its Patient participant. */
static int
read_hold(struct http_req *req, struct fhir_slot *slot, int64_t *patient_id)
{
    const json_t *appt = book_appointment(req);
    int rc;

    *patient_id = 0;
    if (!json_is_object(appt) || strcmp(row_text(appt, "resourceType"), "Appointment") != 0)
        return http_field_error(req, "appointment-resource",
                                "is required (an Appointment $find proposed)");
    rc = requested_slot(req, appt, slot);
    if (rc == ERR_OK)
        rc = participant(req, appt, "Patient", patient_id);
    if (rc == ERR_OK && (*patient_id || req->auth.role == HTTP_ROLE_PATIENT))
        rc = check_patient(req, "participant", patient_id);
    return rc;
}

/* The pending Appointment of a hold: the proposal, with the hold's id and
 * its token as an identifier whose period ends when the hold does. */
static json_t *
held_appointment(const struct fhir_slot *slot, int64_t patient_id, const json_t *services,
                 const struct hold_made *made)
{
    char id[32], expires[TZ_RFC3339_LEN];
    json_t *a = proposal(slot, patient_id, services);

    if (!a)
        return NULL;
    snprintf(id, sizeof(id), "hold-%lld", (long long)made->id);
    tz_format_rfc3339(made->expires_at, 0, expires);
    if (json_object_set_new(a, "id", json_string(id)) ||
        json_object_set_new(a, "status", json_string("pending")) ||
        json_object_set_new(a, "identifier",
                            json_pack("[{s:s, s:s, s:s, s:{s:s}}]", "use", "secondary", "system",
                                      FHIR_HOLD_SYSTEM, "value", made->token, "period", "end",
                                      expires))) {
        json_decref(a);
        return NULL;
    }
    return a;
}

int
api_fhir_hold(struct http_req *req, struct http_resp *resp)
{
    static const char *const types[] = {"Parameters", "Appointment", NULL};
    struct svc sv = api_svc(req);
    char holder[HOLDS_HOLDER_LEN];
    struct fhir_bundle b = {0};
    struct fhir_slot slot;
    struct hold_made made;
    json_t *services = NULL;
    int64_t patient_id = 0;
    int online = req->auth.role == HTTP_ROLE_PATIENT;
    int rc = read_body(req, types);

    if (rc == ERR_OK)
        rc = read_hold(req, &slot, &patient_id);
    fhir_holder(req, holder);
    if (rc == ERR_OK && !holder[0])
        rc = http_fail(req, ERR_UNAUTHORIZED, "holding a time needs a bearer token");
    /* The slot must be free and where its id says; the hold's own
     * transaction checks it again under the staff member's lock. */
    if (rc == ERR_OK)
        rc = fhir_slot_check(&sv, &slot, online);
    if (rc == ERR_NOT_FOUND)
        rc = http_fail(req, ERR_CONFLICT, "that slot is not free (taken, held, or never offered)");
    if (rc == ERR_OK)
        rc = fhir_hold(&sv, holder, &slot, online, &made);
    if (rc == ERR_OK)
        rc = fhir_services(&sv, online, &services);
    if (rc == ERR_OK)
        rc = fhir_bundle_init(req, &b, "collection");
    if (rc == ERR_OK)
        rc = fhir_bundle_add(&b, held_appointment(&slot, patient_id, services, &made));
    if (rc == ERR_OK)
        rc = fhir_reply(resp, 200, fhir_bundle_take(&b));
    fhir_bundle_cleanup(&b);
    json_decref(services);
    return rc;
}

/* --- $book --------------------------------------------------------------------- */

/* The participant of type, as an id (0 when none). */
static int
participant(struct http_req *req, const json_t *appt, const char *type, int64_t *id)
{
    const json_t *p;
    size_t i, tlen = strlen(type);

    *id = 0;
    json_array_foreach(json_object_get(appt, "participant"), i, p)
    {
        const char *ref = row_text(json_object_get(p, "actor"), "reference");

        if (strncmp(ref, type, tlen) == 0 && ref[tlen] == '/')
            return ref_id(req, "participant", ref, type, id);
    }
    return ERR_OK;
}

/* The slot an Appointment asks for: its slot reference, else its start,
 * Practitioner, Location and serviceType. */
static int
requested_slot(struct http_req *req, const json_t *appt, struct fhir_slot *slot)
{
    const char *ref = row_text(json_array_get(json_object_get(appt, "slot"), 0), "reference");
    const json_t *coding;
    long long staff, loc, service, start;
    int used = 0, bad = 0;

    memset(slot, 0, sizeof(*slot));
    if (*ref) {
        if (sscanf(ref, "Slot/%lld-%lld-%lld-%lld%n", &staff, &loc, &service, &start, &used) != 4 ||
            ref[used] || staff <= 0 || loc <= 0 || service <= 0 || start <= 0)
            return http_field_error(req, "slot", "must reference a free Slot of this server");
        *slot = (struct fhir_slot){staff, loc, service, start, 0, 0, 0, 0};
        return ERR_OK;
    }
    coding = json_array_get(
        json_object_get(json_array_get(json_object_get(appt, "serviceType"), 0), "coding"), 0);
    bad |= participant(req, appt, "Practitioner", &slot->staff_id) != ERR_OK;
    bad |= participant(req, appt, "Location", &slot->location_id) != ERR_OK;
    if (strcmp(row_text(coding, "system"), FHIR_SERVICE_SYSTEM) == 0)
        slot->service_id = strtoll(row_text(coding, "code"), NULL, 10);
    if (tz_parse_rfc3339(row_text(appt, "start"), &slot->start) != ERR_OK)
        bad |= http_field_error(req, "start", "is needed without a slot") != ERR_OK;
    if (!bad && (slot->staff_id <= 0 || slot->service_id <= 0))
        bad |= http_field_error(req, "slot",
                                "is needed, or a Practitioner participant and a serviceType "
                                "of " FHIR_SERVICE_SYSTEM) != ERR_OK;
    return bad ? ERR_INVALID : ERR_OK;
}

static const json_t *
book_appointment(struct http_req *req)
{
    if (strcmp(row_text(req->json, "resourceType"), "Appointment") == 0)
        return req->json;
    return json_object_get(param(req->json, "appointment-resource"), "resource");
}

/* The hold token among identifier (one Identifier or an array of them):
 * the value of the FHIR_HOLD_SYSTEM one, "" when there is none. */
static const char *
hold_token(const json_t *identifier)
{
    const json_t *one;
    size_t i;

    if (json_is_object(identifier))
        return strcmp(row_text(identifier, "system"), FHIR_HOLD_SYSTEM) == 0
                   ? row_text(identifier, "value")
                   : "";
    json_array_foreach(identifier, i, one)
    {
        if (strcmp(row_text(one, "system"), FHIR_HOLD_SYSTEM) == 0)
            return row_text(one, "value");
    }
    return "";
}

/* A held Appointment's id ("hold-<id>") as *hold_id, and its token from
 * identifier: the token is what books the held time, the id says which
 * hold the caller means. */
static int
held_id(struct http_req *req, const char *field, const char *id, const json_t *identifier,
        int64_t *hold_id, const char **token)
{
    long long v = 0;
    int used = 0;

    if (sscanf(id, "hold-%lld%n", &v, &used) != 1 || id[used] || v <= 0)
        return http_field_error(req, field, "must name an Appointment $hold answered (hold-<id>)");
    *token = hold_token(identifier);
    if (!**token)
        return http_field_error(req, field,
                                "needs the hold's token: the identifier of system " FHIR_HOLD_SYSTEM
                                " that $hold answered");
    *hold_id = v;
    return ERR_OK;
}

/* appointment-reference: "Appointment/hold-<id>" (or a URL ending so)
 * with the hold's token as the Reference's identifier. */
static int
held_reference(struct http_req *req, const json_t *ref, int64_t *hold_id, const char **token)
{
    const char *text = row_text(ref, "reference");
    const char *slash = strrchr(text, '/');
    static const char type[] = "Appointment";
    size_t tlen = sizeof(type) - 1;

    if (!slash || (size_t)(slash - text) < tlen || strncmp(slash - tlen, type, tlen) != 0)
        return http_field_error(req, "appointment-reference",
                                "must reference an Appointment $hold answered (Appointment/hold-"
                                "<id>)");
    return held_id(req, "appointment-reference", slash + 1, json_object_get(ref, "identifier"),
                   hold_id, token);
}

/* What $book books: a held Appointment (*hold_id and in->hold set, the
 * slot is the hold's), or the slot an appointment-resource asks for. */
static int
read_book(struct http_req *req, struct fhir_book_in *in, int64_t *hold_id)
{
    const json_t *appt = book_appointment(req);
    const json_t *ref =
        json_object_get(param(req->json, "appointment-reference"), "valueReference");
    const json_t *patient = json_object_get(param(req->json, "patient-resource"), "resource");
    const char *comment = row_text(param(req->json, "comment"), "valueString");
    int rc;

    memset(in, 0, sizeof(*in));
    *hold_id = 0;
    if (!appt && param(req->json, "appointment-reference"))
        rc = held_reference(req, ref, hold_id, &in->hold);
    else if (!json_is_object(appt) || strcmp(row_text(appt, "resourceType"), "Appointment") != 0)
        return http_field_error(req, "appointment-resource", "is required (an Appointment)");
    else if (strncmp(row_text(appt, "id"), "hold-", 5) == 0)
        rc = held_id(req, "appointment-resource", row_text(appt, "id"),
                     json_object_get(appt, "identifier"), hold_id, &in->hold);
    else
        rc = requested_slot(req, appt, &in->slot);
    if (rc == ERR_OK)
        rc = participant(req, appt, "Patient", &in->patient_id);
    if (rc == ERR_OK && !in->patient_id && patient) {
        in->patient_id = strtoll(row_text(patient, "id"), NULL, 10);
        if (in->patient_id <= 0)
            rc = http_field_error(req, "patient-resource", "must be a Patient of this server");
    }
    if (rc == ERR_OK && !in->patient_id)
        rc = ref_id(req, "patient-reference", param_ref(req->json, "patient-reference"), "Patient",
                    &in->patient_id);
    if (rc == ERR_OK)
        rc = check_patient(req, "participant", &in->patient_id);
    if (rc == ERR_OK && !in->patient_id)
        rc = http_field_error(req, "participant", "needs a Patient the appointment is for");
    in->notes = *comment ? comment : row_text(appt, "comment");
    if (rc == ERR_OK && strlen(in->notes) > 10000)
        rc = http_field_error(req, "comment", "is too long");
    in->by_patient = req->auth.role == HTTP_ROLE_PATIENT;
    return rc;
}

/* The hold $book names, if it is live and the caller's: its slot is what
 * gets booked. Someone else's hold is refused even with its token. */
static int
use_hold(struct http_req *req, const struct svc *sv, int64_t hold_id, struct fhir_book_in *in)
{
    char holder[HOLDS_HOLDER_LEN];
    struct fhir_held held;
    int rc = fhir_hold_find(sv, in->hold, &held);

    if (rc != ERR_OK)
        return rc;
    fhir_holder(req, holder);
    if (held.id != hold_id)
        return http_field_error(req, "appointment-reference", "that token is not this hold's");
    if (!holder[0] || strcmp(held.holder, holder) != 0)
        return http_fail(req, ERR_CONFLICT, "that time is held by someone else");
    in->slot = held.slot;
    return ERR_OK;
}

int
api_fhir_book(struct http_req *req, struct http_resp *resp)
{
    static const char *const types[] = {"Parameters", "Appointment", NULL};
    struct svc sv = api_svc(req);
    struct fhir_book_in in;
    struct fhir_bundle b = {0};
    struct store_audit audit;
    char address[64];
    json_t *row = NULL, *res = NULL;
    int64_t id = 0, hold_id = 0;
    int rc = read_body(req, types);

    if (rc == ERR_OK)
        rc = read_book(req, &in, &hold_id);
    if (rc == ERR_OK && hold_id)
        rc = use_hold(req, &sv, hold_id, &in);
    /* The slot must be free and where its id says; the booking's own
     * transaction checks it again under the staff member's lock. A held
     * slot is free only to its hold, which the booking checks itself. */
    else if (rc == ERR_OK)
        rc = fhir_slot_check(&sv, &in.slot, in.by_patient);
    if (rc == ERR_NOT_FOUND)
        rc = http_fail(req, ERR_CONFLICT, "that slot is not free (taken, or never offered)");
    auth_audit_line(req, "write", req->auth.user_id, 200, &audit, address, sizeof(address));
    in.audit = &audit;
    if (rc == ERR_OK)
        rc = fhir_book(&sv, &in, &id);
    if (rc != ERR_OK)
        return rc;
    req->audited = 1; /* the booking's commit carried the audit line */
    rc = fhir_bundle_init(req, &b, "collection");
    if (rc == ERR_OK)
        rc = store_booking_get(req->db, id, &row);
    if (rc == ERR_OK)
        rc = fhir_appointment(req, FHIR_APPT_BOOKING, row, &res);
    if (rc == ERR_OK)
        rc = fhir_bundle_add(&b, res);
    if (rc == ERR_OK)
        rc = fhir_reply(resp, 200, fhir_bundle_take(&b));
    fhir_bundle_cleanup(&b);
    json_decref(row);
    return rc;
}
