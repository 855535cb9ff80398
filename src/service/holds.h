/* Holds: a time kept for one session for hold_minutes (setting) while a
 * patient pays or fills in details. For everyone else the held time is
 * taken (availability hides it, a booking without the hold's token is
 * refused); the holder books it with the token, which ends the hold. An
 * expired hold counts for nothing. */
#ifndef CHAIRSIDE_SERVICE_HOLDS_H
#define CHAIRSIDE_SERVICE_HOLDS_H

#include <stddef.h>
#include <stdint.h>

#include "service/svc.h"
#include "util/secret.h"

/* Live holds one session may have at once. */
#define HOLDS_PER_SESSION 3

struct hold_new {
    const char *holder; /* the session: "session:<id>" or "visitor:<hash>" */
    int online;         /* a patient or visitor: only services offered online */
    int64_t staff_id;
    const int64_t *service_ids;
    size_t n_services;
    int64_t start;
    /* > 0: seats of this group event instead of a time (staff_id,
     * service_ids and start are not read); seats at most
     * max_seats_per_client. */
    int64_t group_event_id;
    int seats;
};

struct hold_made {
    int64_t id;
    char token[SECRET_TOKEN_LEN]; /* shown once; only its hash is kept */
    int64_t expires_at;
    int64_t location_id;
    int64_t staff_id, start; /* of the time held (the event's, for seats) */
};

/* Keeps the slot if availability would offer it (409 otherwise, with the
 * reason; 409 too when the holder has HOLDS_PER_SESSION live holds). */
int holds_create(const struct svc *s, const struct hold_new *in, struct hold_made *out);
/* Ends the holder's hold id; ERR_NOT_FOUND when it is not theirs. */
int holds_release(const struct svc *s, int64_t id, const char *holder);

#endif
