/* Chairside's records as FHIR R4 resources. Ids: a Practitioner is a
 * staff member, a HealthcareService a service, a Schedule
 * "<staff>-<location>", a free Slot "<staff>-<location>-<service>-<start>"
 * (start in UTC seconds), an Appointment "booking-<id>" or
 * "appointment-<id>". FHIR JSON has no empty strings or arrays, so absent
 * values are left out. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/fhir.h"
#include "service/schedule.h"
#include "util/err.h"
#include "util/row.h"

static void
set_text(json_t *obj, const char *key, const char *v)
{
    if (v && *v)
        json_object_set_new(obj, key, json_string(v));
}

static json_t *
reference(const char *type, int64_t id, const char *display)
{
    char ref[64];
    json_t *r;

    snprintf(ref, sizeof(ref), "%s/%lld", type, (long long)id);
    r = json_pack("{s:s}", "reference", ref);
    if (r)
        set_text(r, "display", display);
    return r;
}

static json_t *
resource(const char *type, const char *id)
{
    return json_pack("{s:s, s:s}", "resourceType", type, "id", id);
}

static json_t *
resource_n(const char *type, int64_t id)
{
    char text[24];

    snprintf(text, sizeof(text), "%lld", (long long)id);
    return resource(type, text);
}

static json_t *
telecom(const json_t *row)
{
    json_t *t = json_array();

    if (t && *row_text(row, "phone"))
        json_array_append_new(
            t, json_pack("{s:s, s:s}", "system", "phone", "value", row_text(row, "phone")));
    if (t && *row_text(row, "email"))
        json_array_append_new(
            t, json_pack("{s:s, s:s}", "system", "email", "value", row_text(row, "email")));
    return t;
}

static void
set_array(json_t *obj, const char *key, json_t *array)
{
    if (json_array_size(array))
        json_object_set_new(obj, key, array);
    else
        json_decref(array);
}

json_t *
fhir_practitioner(const json_t *staff)
{
    json_t *p = resource_n("Practitioner", row_int(staff, "id"));

    if (!p)
        return NULL;
    json_object_set_new(p, "active", json_boolean(row_bool(staff, "bookable")));
    json_object_set_new(p, "name", json_pack("[{s:s}]", "text", row_text(staff, "name")));
    set_array(p, "telecom", telecom(staff));
    return p;
}

json_t *
fhir_location(const json_t *location)
{
    json_t *l = resource_n("Location", row_int(location, "id"));

    if (!l)
        return NULL;
    json_object_set_new(l, "status", json_string("active"));
    json_object_set_new(l, "mode", json_string("instance"));
    set_text(l, "name", row_text(location, "name"));
    if (*row_text(location, "address"))
        json_object_set_new(l, "address",
                            json_pack("{s:s}", "text", row_text(location, "address")));
    /* The zone the clinic's times are read in (FHIR's timezone extension). */
    json_object_set_new(l, "extension",
                        json_pack("[{s:s, s:s}]", "url",
                                  "http://hl7.org/fhir/StructureDefinition/timezone", "valueCode",
                                  row_text(location, "timezone")));
    return l;
}

json_t *
fhir_service_coding(int64_t service_id, const char *name)
{
    char code[24];
    json_t *c;

    snprintf(code, sizeof(code), "%lld", (long long)service_id);
    c = json_pack("{s:s, s:s}", "system", FHIR_SERVICE_SYSTEM, "code", code);
    if (c)
        set_text(c, "display", name);
    return c;
}

json_t *
fhir_healthcare_service(const json_t *service)
{
    int64_t id = row_int(service, "id");
    json_t *h = resource_n("HealthcareService", id);

    if (!h)
        return NULL;
    json_object_set_new(h, "active", json_true());
    set_text(h, "name", row_text(service, "name"));
    if (*row_text(service, "category"))
        json_object_set_new(h, "category",
                            json_pack("[{s:s}]", "text", row_text(service, "category")));
    json_object_set_new(
        h, "type",
        json_pack("[{s:[o]}]", "coding", fhir_service_coding(id, row_text(service, "name"))));
    json_object_set_new(h, "appointmentRequired", json_true());
    return h;
}

json_t *
fhir_patient(const json_t *patient)
{
    json_t *p = resource_n("Patient", row_int(patient, "id"));

    if (!p)
        return NULL;
    json_object_set_new(p, "name", json_pack("[{s:s}]", "text", row_text(patient, "name")));
    set_array(p, "telecom", telecom(patient));
    set_text(p, "birthDate", row_text(patient, "date_of_birth"));
    return p;
}

/* A CodeableConcept naming one service. */
static json_t *
service_type(int64_t id, const json_t *services_by_id)
{
    char key[24];
    const json_t *svc;

    snprintf(key, sizeof(key), "%lld", (long long)id);
    svc = json_object_get(services_by_id, key);
    return json_pack("{s:[o]}", "coding",
                     fhir_service_coding(id, svc ? row_text(svc, "name") : ""));
}

json_t *
fhir_schedule(const json_t *staff, int64_t location_id, const json_t *service_ids,
              const json_t *services_by_id)
{
    char id[48];
    json_t *s, *types = json_array(), *v;
    size_t i;

    snprintf(id, sizeof(id), "%lld-%lld", (long long)row_int(staff, "id"), (long long)location_id);
    s = resource("Schedule", id);
    if (!s || !types) {
        json_decref(s);
        json_decref(types);
        return NULL;
    }
    json_object_set_new(s, "active", json_boolean(row_bool(staff, "bookable")));
    json_array_foreach(service_ids, i, v)
    {
        json_array_append_new(types, service_type(json_integer_value(v), services_by_id));
    }
    set_array(s, "serviceType", types);
    json_object_set_new(
        s, "actor",
        json_pack("[o, o]",
                  reference("Practitioner", row_int(staff, "id"), row_text(staff, "name")),
                  reference("Location", location_id, NULL)));
    return s;
}

json_t *
fhir_slot_resource(const struct fhir_slot *slot, const char *service_name)
{
    char id[96], sched[48], start[TZ_RFC3339_LEN], end[TZ_RFC3339_LEN];

    if (slot->booking_id)
        snprintf(id, sizeof(id), "busy-%lld", (long long)slot->booking_id);
    else
        snprintf(id, sizeof(id), "%lld-%lld-%lld-%lld", (long long)slot->staff_id,
                 (long long)slot->location_id, (long long)slot->service_id, (long long)slot->start);
    snprintf(sched, sizeof(sched), "Schedule/%lld-%lld", (long long)slot->staff_id,
             (long long)slot->location_id);
    tz_format_rfc3339(slot->start, slot->utc_offset, start);
    tz_format_rfc3339(slot->end, slot->end_utc_offset, end);
    return json_pack("{s:s, s:s, s:[{s:[o]}], s:{s:s}, s:s, s:s, s:s}", "resourceType", "Slot",
                     "id", id, "serviceType", "coding",
                     fhir_service_coding(slot->service_id, service_name), "schedule", "reference",
                     sched, "status", slot->booking_id ? "busy" : "free", "start", start, "end",
                     end);
}

json_t *
fhir_slot_link(json_t *slot, const char *origin)
{
    char url[700];

    if (!slot || strcmp(row_text(slot, "status"), "free") != 0)
        return slot;
    snprintf(url, sizeof(url), "%s/book?slot=%s", origin, row_text(slot, "id"));
    json_object_set_new(slot, "extension",
                        json_pack("[{s:s, s:s}]", "url",
                                  "http://fhir-registry.smarthealthit.org/StructureDefinition/"
                                  "booking-deep-link",
                                  "valueUrl", url));
    return slot;
}

/* What FHIR calls the appointment's participants: the patient, the
 * practitioner and, for bookings, the location. */
static json_t *
participants(const json_t *row, enum fhir_appt_kind kind)
{
    json_t *parts = json_array();

    if (parts && row_int(row, "patient_id"))
        json_array_append_new(parts, json_pack("{s:o, s:s}", "actor",
                                               reference("Patient", row_int(row, "patient_id"),
                                                         row_text(row, "patient_name")),
                                               "status", "accepted"));
    if (parts && row_int(row, "staff_id"))
        json_array_append_new(parts,
                              json_pack("{s:o, s:s}", "actor",
                                        reference("Practitioner", row_int(row, "staff_id"), NULL),
                                        "status", "accepted"));
    if (parts && kind == FHIR_APPT_BOOKING && row_int(row, "location_id"))
        json_array_append_new(parts,
                              json_pack("{s:o, s:s}", "actor",
                                        reference("Location", row_int(row, "location_id"), NULL),
                                        "status", "accepted"));
    return parts;
}

/* Services of a booking as serviceType; an appointment's action as its
 * appointmentType. */
static void
set_kind_fields(json_t *a, const json_t *row, enum fhir_appt_kind kind)
{
    json_t *types, *v;
    size_t i;

    if (kind == FHIR_APPT_APPOINTMENT) {
        if (*row_text(row, "action_name"))
            json_object_set_new(a, "appointmentType",
                                json_pack("{s:s}", "text", row_text(row, "action_name")));
        return;
    }
    types = json_array();
    json_array_foreach(json_object_get(row, "service_ids"), i, v)
    {
        json_array_append_new(types, json_pack("{s:[o]}", "coding",
                                               fhir_service_coding(json_integer_value(v), NULL)));
    }
    set_array(a, "serviceType", types);
}

int
fhir_appointment(struct http_req *req, enum fhir_appt_kind kind, const json_t *row, json_t **out)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    char id[48];
    const char *status = fhir_appointment_status(
        row_text(row, "status"), row_text(row, "attendance"), row_int(row, "end_at"), req->now);
    int64_t start = row_int(row, "start_at"), end = row_int(row, "end_at");
    json_t *a;
    int rc = kind == FHIR_APPT_BOOKING
                 ? sched_location_zone(&sv, row_int(row, "location_id"), &zone)
                 : sched_staff_zone(&sv, row_int(row, "staff_id"), &zone);

    *out = NULL;
    if (rc != ERR_OK)
        return rc;
    snprintf(id, sizeof(id), "%s-%lld", kind == FHIR_APPT_BOOKING ? "booking" : "appointment",
             (long long)row_int(row, "id"));
    a = resource("Appointment", id);
    if (!a)
        return ERR_NOMEM;
    json_object_set_new(a, "status", json_string(status));
    if (strcmp(status, "cancelled") == 0 && *row_text(row, "cancel_reason"))
        json_object_set_new(a, "cancelationReason",
                            json_pack("{s:s}", "text", row_text(row, "cancel_reason")));
    set_kind_fields(a, row, kind);
    json_object_set_new(a, "start", sched_time_json(start, zone));
    json_object_set_new(a, "end", sched_time_json(end, zone));
    json_object_set_new(a, "minutesDuration", json_integer((end - start) / 60));
    set_text(a, "comment", row_text(row, "notes"));
    json_object_set_new(a, "participant", participants(row, kind));
    *out = a;
    return ERR_OK;
}
