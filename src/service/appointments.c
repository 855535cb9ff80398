#include "service/appointments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "service/notify.h"
#include "service/schedule.h"
#include "service/setup.h"
#include "util/err.h"
#include "util/row.h"

#define APPT_OVERLAP_MESSAGE "overlaps another event of this staff member"

/* Appends to the appointment's change history; changes may be NULL. */
static int
history_add(const struct svc *s, int64_t id, const char *action, json_t *changes)
{
    char *text = changes ? json_dumps(changes, JSON_COMPACT) : NULL;
    int rc = changes && !text ? ERR_NOMEM
                              : store_appt_history_add(s->db, id, s->now, s->user_id, s->actor,
                                                       action, text ? text : "{}");

    free(text);
    return rc;
}

static int
check_ref(const struct svc *s, const struct store_table *t, int64_t id, const char *field,
          const char *message)
{
    json_t *row = NULL;
    int rc;

    if (id <= 0)
        return ERR_OK;
    rc = store_row_get(s->db, t, id, &row);
    json_decref(row);
    return rc == ERR_NOT_FOUND ? svc_field_error(s, field, message) : rc;
}

/* Every unknown reference is reported, not just the first. */
static int
check_refs(const struct svc *s, const struct store_appointment *a)
{
    int rc[3];
    size_t i;

    rc[0] = check_ref(s, &setup_patients.table, a->patient_id, "patient_id",
                      "names a patient that does not exist");
    rc[1] = check_ref(s, &setup_staff.table, a->staff_id, "staff_id",
                      "names a staff member that does not exist");
    rc[2] = check_ref(s, &setup_actions.table, a->action_id, "action_id",
                      "names an action that does not exist");
    for (i = 0; i < 3; i++) {
        if (rc[i] != ERR_OK && rc[i] != ERR_INVALID)
            return rc[i];
    }
    for (i = 0; i < 3; i++) {
        if (rc[i] != ERR_OK)
            return rc[i];
    }
    return ERR_OK;
}

static int
expand(const struct svc *s, const struct appt_new *in, const struct tz_zone *zone, int64_t **starts,
       size_t *n)
{
    return sched_recur_starts(s, in->start, in->recurring ? &in->rule : NULL, zone, starts, n);
}

/* Adds a warning to warnings when a's staff member has anything else
 * (booking, appointment other than id, time off) in a's time. */
static int
overlap_warning(const struct svc *s, const struct store_appointment *a, int64_t id,
                const struct tz_zone *zone, json_t *warnings)
{
    int n = 0, rc;

    if (a->staff_id <= 0)
        return ERR_OK;
    rc = store_overlap_count(s->db, a->staff_id, a->start_at, a->end_at, id, &n);
    if (rc != ERR_OK || n == 0)
        return rc;
    return json_array_append_new(warnings,
                                 json_pack("{s:I, s:o, s:s}", "occurrence_id", (json_int_t)id,
                                           "start", sched_time_json(a->start_at, zone), "message",
                                           APPT_OVERLAP_MESSAGE))
               ? ERR_NOMEM
               : ERR_OK;
}

/* All occurrences go in in one transaction, so a series is stored whole
 * or not at all. The series is named after its first occurrence. */
static int
insert_series(const struct svc *s, const struct appt_new *in, const struct appt_series *out,
              json_t *warnings)
{
    struct store_appointment a = in->a;
    size_t i;
    int rc = store_begin(s->db, 1);

    if (rc != ERR_OK)
        return rc;
    rc = check_refs(s, &a);
    for (i = 0; rc == ERR_OK && i < out->n; i++) {
        a.start_at = out->starts[i];
        a.end_at = out->starts[i] + in->duration_min * 60;
        a.series_index = (int)i;
        a.series_id = i > 0 ? out->ids[0] : 0;
        rc = store_appointment_insert(s->db, &a, &out->ids[i]);
        if (rc == ERR_OK && i == 0 && in->recurring)
            rc = store_appointment_set_series(s->db, out->ids[0], out->ids[0]);
        if (rc == ERR_OK)
            rc = history_add(s, out->ids[i], "created", NULL);
        if (rc == ERR_OK)
            rc = overlap_warning(s, &a, out->ids[i], out->zone, warnings);
        if (rc == ERR_OK && a.share_with_patient && i == 0)
            rc = notify_appointment_shared(s, out->ids[0]);
    }
    if (rc == ERR_OK)
        rc = store_commit(s->db);
    if (rc != ERR_OK)
        store_rollback(s->db);
    return rc;
}

int
appointments_create(const struct svc *s, const struct appt_new *in, json_t *warnings,
                    struct appt_series *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    /* Wall-clock times belong to the staff member's zone, or the
     * organisation's when there is no staff member. */
    rc = sched_staff_zone(s, in->a.staff_id, &out->zone);
    if (rc == ERR_OK)
        rc = expand(s, in, out->zone, &out->starts, &out->n);
    if (rc != ERR_OK)
        return rc;
    out->ids = arena_calloc(s->arena, out->n, sizeof(*out->ids));
    return out->ids ? insert_series(s, in, out, warnings) : ERR_NOMEM;
}

static int
load(const struct svc *s, int64_t id, json_t **row)
{
    int rc = store_appointment_get(s->db, id, row);

    return rc == ERR_NOT_FOUND ? svc_fail(s, rc, "no such appointment") : rc;
}

/* The stored appointment with c on top. */
static void
merge(json_t *row, const struct appt_change *c, struct store_appointment *a)
{
    int64_t start = row_int(row, "start_at"), end = row_int(row, "end_at");
    int64_t duration_min = c->duration_min ? c->duration_min : (end - start) / 60;

    memset(a, 0, sizeof(*a));
    a->patient_id = c->patient_id != APPT_UNCHANGED ? c->patient_id : row_int(row, "patient_id");
    a->staff_id = c->staff_id != APPT_UNCHANGED ? c->staff_id : row_int(row, "staff_id");
    a->action_id = c->action_id != APPT_UNCHANGED ? c->action_id : row_int(row, "action_id");
    a->notes = c->notes ? c->notes : json_string_value(json_object_get(row, "notes"));
    a->share_with_patient = c->share_with_patient >= 0
                                ? c->share_with_patient
                                : json_is_true(json_object_get(row, "share_with_patient"));
    a->start_at = c->start != APPT_UNCHANGED ? c->start : start;
    a->end_at = a->start_at + duration_min * 60;
}

struct update_args {
    int64_t id;
    const struct appt_change *c;
    json_t *warnings;
};

/* The history names what changed: old and new values of the references
 * and times, and that the notes or sharing changed. */
static int
record_update(const struct svc *s, int64_t id, json_t *row, const struct store_appointment *a)
{
    static const char *const refs[] = {"patient_id", "staff_id", "action_id"};
    const int64_t now_refs[] = {a->patient_id, a->staff_id, a->action_id};
    json_t *changes = json_object();
    size_t i;
    int rc;

    if (!changes)
        return ERR_NOMEM;
    for (i = 0; i < 3; i++) {
        if (row_int(row, refs[i]) != now_refs[i])
            json_object_set_new(
                changes, refs[i],
                json_pack("[I, I]", (json_int_t)row_int(row, refs[i]), (json_int_t)now_refs[i]));
    }
    if (row_int(row, "start_at") != a->start_at || row_int(row, "end_at") != a->end_at)
        json_object_set_new(changes, "time", json_true());
    if (strcmp(row_text(row, "notes"), a->notes ? a->notes : "") != 0)
        json_object_set_new(changes, "notes", json_true());
    rc = json_object_size(changes) ? history_add(s, id, "updated", changes) : ERR_OK;
    json_decref(changes);
    return rc;
}

/* Tells the patient of a change to a shared appointment (a REQUEST with
 * a higher SEQUENCE), or of the appointment itself when the change shares
 * it with them (or with another patient). Turning sharing off alone
 * sends nothing. */
static int
announce_update(const struct svc *s, int64_t id, json_t *row, const struct store_appointment *a)
{
    int was_shared = json_is_true(json_object_get(row, "share_with_patient"));
    int new_patient = row_int(row, "patient_id") != a->patient_id;
    int changed = new_patient || row_int(row, "staff_id") != a->staff_id ||
                  row_int(row, "action_id") != a->action_id ||
                  row_int(row, "start_at") != a->start_at || row_int(row, "end_at") != a->end_at ||
                  strcmp(row_text(row, "notes"), a->notes ? a->notes : "") != 0;

    if (!changed && (!a->share_with_patient || was_shared))
        return ERR_OK;
    return notify_appointment_changed(s, id, a->share_with_patient && (!was_shared || new_patient));
}

/* Validates and stores the change; the overlap check sees the new time
 * and staff member but not the appointment itself. */
static int
update_appointment(const struct svc *s, void *arg)
{
    const struct update_args *u = arg;
    const struct tz_zone *zone;
    struct store_appointment a;
    json_t *row = NULL;
    int rc = load(s, u->id, &row);

    if (rc == ERR_OK)
        merge(row, u->c, &a);
    if (rc == ERR_OK && strcmp(json_string_value(json_object_get(row, "status")), "cancelled") == 0)
        rc = svc_fail(s, ERR_CONFLICT, "the appointment is cancelled");
    if (rc == ERR_OK)
        rc = check_refs(s, &a);
    if (rc == ERR_OK)
        rc = store_appointment_update(s->db, u->id, &a);
    /* It was live when loaded: a cancel committed since. */
    if (rc == ERR_NOT_FOUND)
        rc = svc_fail(s, ERR_CONFLICT, "the appointment is cancelled");
    if (rc == ERR_OK)
        rc = record_update(s, u->id, row, &a);
    if (rc == ERR_OK)
        rc = announce_update(s, u->id, row, &a);
    if (rc == ERR_OK)
        rc = sched_staff_zone(s, a.staff_id, &zone);
    if (rc == ERR_OK)
        rc = overlap_warning(s, &a, u->id, zone, u->warnings);
    json_decref(row);
    return rc;
}

int
appointments_update(const struct svc *s, int64_t id, const struct appt_change *c, json_t *warnings)
{
    struct update_args u = {id, c, warnings};

    return svc_write(s, update_appointment, &u);
}

struct cancel_args {
    int64_t id;
    const char *scope;
    int *n;
};

static int
is_live(json_t *row)
{
    return row && strcmp(row_text(row, "status"), "cancelled") != 0;
}

/* The patient hears of the cancelled appointment and, when the whole
 * series goes, of its first one: the occurrence its creation mailed. */
static int
announce_cancel(const struct svc *s, json_t *row, json_t *head, const char *scope)
{
    int rc = ERR_OK;

    if (is_live(row))
        rc = notify_appointment_cancelled(s, row_int(row, "id"));
    if (rc == ERR_OK && is_live(head) && strcmp(scope, "series") == 0 &&
        row_int(head, "id") != row_int(row, "id"))
        rc = notify_appointment_cancelled(s, row_int(head, "id"));
    return rc;
}

static int
cancel_appointment(const struct svc *s, void *arg)
{
    const struct cancel_args *c = arg;
    const char *scope = c->scope;
    json_t *row = NULL, *head = NULL;
    int rc = load(s, c->id, &row);

    /* A lone appointment is a series of one: every scope means just it. */
    if (rc == ERR_OK && json_is_null(json_object_get(row, "series_id")))
        scope = "this";
    /* The series' first occurrence as it was before (none when it is gone). */
    if (rc == ERR_OK && strcmp(scope, "series") == 0) {
        int got = store_appointment_get(s->db, row_int(row, "series_id"), &head);

        rc = got == ERR_NOT_FOUND ? ERR_OK : got;
    }
    if (rc == ERR_OK)
        rc = store_appointment_cancel(s->db, c->id, scope, c->n);
    if (rc == ERR_OK && *c->n == 0 && strcmp(scope, "this") == 0)
        rc = svc_fail(s, ERR_CONFLICT, "the appointment is already cancelled");
    if (rc == ERR_OK && *c->n > 0) {
        json_t *changes = json_pack("{s:s, s:i}", "scope", scope, "cancelled", *c->n);

        rc = changes ? history_add(s, c->id, "cancelled", changes) : ERR_NOMEM;
        json_decref(changes);
    }
    if (rc == ERR_OK && *c->n > 0)
        rc = announce_cancel(s, row, head, scope);
    json_decref(row);
    json_decref(head);
    return rc;
}

int
appointments_cancel(const struct svc *s, int64_t id, const char *scope, int *n)
{
    struct cancel_args c = {id, scope, n};

    *n = 0;
    return svc_write(s, cancel_appointment, &c);
}
