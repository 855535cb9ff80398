/* FHIR R4 (4.0.1) at /fhir: a read-mostly scheduling interface over the
 * same records, availability engine and booking use case as the JSON API.
 * Everything it answers is application/fhir+json; every refusal is an
 * OperationOutcome (dispatch.c asks fhir_is_path which to render). The
 * shared parts live in fhir_http.c (replies, search parameters, Bundles)
 * and fhir_resources.c (records as FHIR resources); one file per group of
 * endpoints serves them. */
#ifndef CHAIRSIDE_API_FHIR_H
#define CHAIRSIDE_API_FHIR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"
#include "http/http.h"
#include "service/fhir.h"

#define FHIR_CONTENT_TYPE "application/fhir+json"
#define FHIR_MAX_ARGS 32
#define FHIR_COUNT_DEFAULT 50
#define FHIR_COUNT_MAX 500
/* The identifier system of a $hold's token on the pending Appointment
 * (its period.end: when the hold expires); $book wants it back. */
#define FHIR_HOLD_SYSTEM "urn:chairside:hold-token"

/* 1 when path is /fhir or below it. */
int fhir_is_path(const char *path);

/* resource (stolen) as the response, application/fhir+json. */
int fhir_reply(struct http_resp *resp, int status, json_t *resource);
/* err and req->problem as an OperationOutcome, with the HTTP status the
 * JSON API would give (5xx never say why). */
void fhir_reply_outcome(struct http_req *req, struct http_resp *resp, int err);

/* The absolute base of this server's FHIR endpoint ("http://host/fhir"):
 * settings.public_url when set, else the request's Host. */
int fhir_base(struct http_req *req, char *out, size_t size);
/* The server's own origin (the base without "/fhir"), for portal links. */
int fhir_origin(struct http_req *req, char *out, size_t size);

/* A search request's parameters: only the names a search lists are
 * accepted (400 otherwise), plus _count (1..500, default 50) and the
 * opaque _cursor of next links. */
struct fhir_search {
    struct http_query_arg args[FHIR_MAX_ARGS];
    size_t n;
    int count;
    const char *cursor; /* NULL on the first page */
};

int fhir_search_read(struct http_req *req, const char *const *names, struct fhir_search *s);
/* The first value of name; NULL when absent. */
const char *fhir_search_get(const struct fhir_search *s, const char *name);
/* A reference parameter ("Practitioner/3", "3" or an absolute URL ending
 * so) as the id it names: 0 when absent, ERR_MALFORMED when it is not a
 * reference to type. */
int fhir_search_ref(struct http_req *req, const struct fhir_search *s, const char *name,
                    const char *type, int64_t *id);
/* A date search parameter's values as [*from, *to) in UTC: "ge"/"gt"/
 * "lt"/"le" prefixes or none (that day, or that instant), days read in
 * zone. Absent bounds are left as they are. */
int fhir_search_dates(struct http_req *req, const struct fhir_search *s, const char *name,
                      const struct tz_zone *zone, int64_t *from, int64_t *to);
/* A number as the cursor of the next page, kept as text in req's arena. */
const char *fhir_cursor_text(struct http_req *req, const char *prefix, int64_t v);

/* A searchset Bundle being filled; entries get their fullUrl from base. */
struct fhir_bundle {
    json_t *json; /* owned until fhir_reply_bundle */
    char base[512];
};

int fhir_bundle_init(struct http_req *req, struct fhir_bundle *b, const char *type);
void fhir_bundle_cleanup(struct fhir_bundle *b);
/* Adds resource (stolen) as an entry. */
int fhir_bundle_add(struct fhir_bundle *b, json_t *resource);
/* The Bundle, ready to send (b is empty afterwards). */
json_t *fhir_bundle_take(struct fhir_bundle *b);
/* Replies with the Bundle, its self link and, when next_cursor is set, a
 * next link repeating the search with that _cursor. */
int fhir_reply_bundle(struct http_req *req, struct http_resp *resp, struct fhir_bundle *b,
                      const struct fhir_search *s, const char *next_cursor);

/* --- Records as FHIR resources (fhir_resources.c); each a new object --- */

json_t *fhir_practitioner(const json_t *staff);
json_t *fhir_location(const json_t *location);
json_t *fhir_healthcare_service(const json_t *service);
json_t *fhir_patient(const json_t *patient);
/* A Coding of the service-type system for service id (name optional). */
json_t *fhir_service_coding(int64_t service_id, const char *name);
/* The Schedule of staff at location offering service_ids. */
json_t *fhir_schedule(const json_t *staff, int64_t location_id, const json_t *service_ids,
                      const json_t *services_by_id);
/* A slot: free ("<staff>-<location>-<service>-<start>") or busy with a
 * booking ("busy-<booking id>"). */
json_t *fhir_slot_resource(const struct fhir_slot *slot, const char *service_name);
/* Adds SMART Scheduling Links' booking-deep-link to a free slot: the
 * patient portal at origin + "/book?slot=<id>", opened on that slot.
 * Returns slot (NULL stays NULL). */
json_t *fhir_slot_link(json_t *slot, const char *origin);
/* A booking or an appointment row (kind from fhir.h) as an Appointment. */
int fhir_appointment(struct http_req *req, enum fhir_appt_kind kind, const json_t *row,
                     json_t **out);

/* --- Endpoints ----------------------------------------------------------- */

int api_fhir_metadata(struct http_req *req, struct http_resp *resp);

int api_fhir_practitioner_read(struct http_req *req, struct http_resp *resp);
int api_fhir_practitioner_search(struct http_req *req, struct http_resp *resp);
int api_fhir_location_read(struct http_req *req, struct http_resp *resp);
int api_fhir_location_search(struct http_req *req, struct http_resp *resp);
int api_fhir_service_read(struct http_req *req, struct http_resp *resp);
int api_fhir_service_search(struct http_req *req, struct http_resp *resp);
int api_fhir_patient_read(struct http_req *req, struct http_resp *resp);

int api_fhir_schedule_read(struct http_req *req, struct http_resp *resp);
int api_fhir_schedule_search(struct http_req *req, struct http_resp *resp);
int api_fhir_slot_read(struct http_req *req, struct http_resp *resp);
int api_fhir_busy_slot_read(struct http_req *req, struct http_resp *resp);
int api_fhir_slot_search(struct http_req *req, struct http_resp *resp);

int api_fhir_appointment_read(struct http_req *req, struct http_resp *resp);
int api_fhir_appointment_search(struct http_req *req, struct http_resp *resp);

int api_fhir_find(struct http_req *req, struct http_resp *resp);
int api_fhir_hold(struct http_req *req, struct http_resp *resp);
int api_fhir_book(struct http_req *req, struct http_resp *resp);

int api_fhir_bulk_publish(struct http_req *req, struct http_resp *resp);
int api_fhir_bulk_file(struct http_req *req, struct http_resp *resp);

#endif
