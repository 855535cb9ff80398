/* GET /fhir/metadata: the CapabilityStatement, listing exactly the
 * resources, interactions, search parameters and operations the routes
 * serve (routes.c); a test compares the two. */
#include <string.h>

#include "api/fhir.h"
#include "util/err.h"

#define IHE_OP "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/"

/* What each resource type supports; kept beside each other so that adding
 * a search parameter to a handler and to the statement is one review. */
static const char capability_json[] =
    "{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\",\"date\":\"2026-12-01\","
    "\"publisher\":\"Chairside\",\"kind\":\"instance\","
    "\"software\":{\"name\":\"Chairside\"},"
    "\"implementation\":{\"description\":\"Chairside scheduling\"},"
    "\"fhirVersion\":\"4.0.1\",\"format\":[\"application/fhir+json\"],"
    "\"rest\":[{\"mode\":\"server\","
    "\"security\":{\"description\":\"Authorization: Bearer <API token> from POST "
    "/api/v1/tokens; a patient token sees only its own Patient and Appointments. metadata and "
    "$bulk-publish need none.\"},"
    "\"resource\":["
    "{\"type\":\"Practitioner\",\"interaction\":[{\"code\":\"read\"},{\"code\":\"search-type\"}],"
    "\"searchParam\":[{\"name\":\"_id\",\"type\":\"token\"}]},"
    "{\"type\":\"Location\",\"interaction\":[{\"code\":\"read\"},{\"code\":\"search-type\"}],"
    "\"searchParam\":[{\"name\":\"_id\",\"type\":\"token\"}]},"
    "{\"type\":\"HealthcareService\",\"interaction\":[{\"code\":\"read\"},{\"code\":\"search-"
    "type\"}],\"searchParam\":[{\"name\":\"_id\",\"type\":\"token\"}]},"
    "{\"type\":\"Patient\",\"interaction\":[{\"code\":\"read\"}]},"
    "{\"type\":\"Schedule\",\"interaction\":[{\"code\":\"read\"},{\"code\":\"search-type\"}],"
    "\"searchParam\":[{\"name\":\"actor\",\"type\":\"reference\"},"
    "{\"name\":\"service-type\",\"type\":\"token\"}]},"
    "{\"type\":\"Slot\",\"interaction\":[{\"code\":\"read\"},{\"code\":\"search-type\"}],"
    "\"searchParam\":[{\"name\":\"schedule\",\"type\":\"reference\"},"
    "{\"name\":\"start\",\"type\":\"date\"},{\"name\":\"status\",\"type\":\"token\"},"
    "{\"name\":\"service-type\",\"type\":\"token\"}]},"
    "{\"type\":\"Appointment\",\"interaction\":[{\"code\":\"read\"},{\"code\":\"search-type\"}],"
    "\"searchParam\":[{\"name\":\"date\",\"type\":\"date\"},"
    "{\"name\":\"patient\",\"type\":\"reference\"},"
    "{\"name\":\"practitioner\",\"type\":\"reference\"},"
    "{\"name\":\"status\",\"type\":\"token\"}],"
    "\"operation\":[{\"name\":\"find\",\"definition\":\"" IHE_OP "appointment-find\"},"
    "{\"name\":\"hold\",\"definition\":\"" IHE_OP "appointment-hold\"},"
    "{\"name\":\"book\",\"definition\":\"" IHE_OP "appointment-book\"}]}],"
    "\"operation\":[{\"name\":\"bulk-publish\","
    "\"definition\":\"http://hl7.org/fhir/uv/bulkdata/OperationDefinition/bulk-publish\"}]}]}";

int
api_fhir_metadata(struct http_req *req, struct http_resp *resp)
{
    char base[512];
    json_t *cs = json_loads(capability_json, 0, NULL);
    int rc = cs ? fhir_base(req, base, sizeof(base)) : ERR_NOMEM;

    if (rc == ERR_OK)
        json_object_set_new(json_object_get(cs, "implementation"), "url", json_string(base));
    if (rc == ERR_OK)
        return fhir_reply(resp, 200, cs);
    json_decref(cs);
    return rc;
}
