/* The one persistence interface. Everything above this header (api/, jobs/,
 * main.c) talks to the database only through these functions; a backend
 * (SQLite now, PostgreSQL later) provides a struct store_ops and nothing
 * else changes. Rows that are only shown travel as Jansson objects whose
 * keys are the column names; rows that logic depends on are C structs. */
#ifndef CHAIRSIDE_STORE_STORE_H
#define CHAIRSIDE_STORE_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/money.h"
#include "util/arena.h"

struct store;      /* an open database: a pool of connections */
struct store_conn; /* one connection, used by one thread at a time */

/* --- Generic rows ------------------------------------------------------ */

enum store_col_type { STORE_COL_TEXT, STORE_COL_INT, STORE_COL_BOOL };

struct store_column {
    const char *name;
    enum store_col_type type;
};

/* A table as the generic row functions see it. Names are compile-time
 * constants, never user input. Column i is at (char *)cols + i * stride,
 * so callers may embed struct store_column at the start of a larger
 * per-field description. */
struct store_table {
    const char *name;
    const char *read_from; /* a view to read rows from, or NULL for name */
    const struct store_column *cols;
    size_t n_cols;
    size_t stride;
};

static inline const struct store_column *
store_table_col(const struct store_table *t, size_t i)
{
    return (const struct store_column *)(const void *)((const char *)t->cols + i * t->stride);
}

/* Equality filters and a text search for store_row_list. */
struct store_filter {
    const char *eq_col[4];
    int64_t eq_val[4];
    size_t n_eq;
    const char *search; /* matched as a substring of search_cols */
    const char *search_cols[4];
    size_t n_search;
};

/* --- Typed rows ---------------------------------------------------------- */

struct store_user {
    int64_t id;
    char email[256];
    char password_hash[160];
    char role[16];
    int64_t patient_id;  /* 0 when none */
    int64_t disabled_at; /* 0 while the login may sign in */
};

struct store_session {
    int64_t id;
    int64_t user_id;
    char csrf_token[80];
    int64_t created_at;
    int64_t last_seen_at;
    int64_t expires_at;
    int64_t as_patient_id; /* > 0: staff user_id is logged in as this patient */
    int64_t parent_id;     /* login-as: the staff session it belongs to, deleted with it */
};

struct store_token {
    int64_t id;
    char role[16];
    int64_t patient_id; /* a patient token's patient; 0 for admin and staff */
};

/* One line of the audit log. */
struct store_audit {
    int64_t at;
    int64_t actor_user_id; /* 0 when nobody is logged in */
    int64_t as_patient_id; /* set inside a login-as session */
    const char *action;    /* "login", "login_failed", "login_as", "write", "view_as" */
    const char *method;
    const char *path;
    int status;
    const char *address;
};

struct store_audit_filter {
    int64_t from, to; /* 0 = open */
    int64_t actor_user_id;
    int64_t after_id;
    int limit;
};

struct store_service {
    int64_t id;
    int duration_min;
    int64_t price;
    int online_booking;
    int capacity;
    int buffer_before_min;
    int buffer_after_min;
    int tax_rate_bp; /* 0 when the service carries no tax */
    int tax_inclusive;
    char name[128];
};

struct store_shift {
    int64_t staff_id;
    int weekday;
    int start_min;
    int end_min;
    int64_t location_id;
    const char *timezone; /* arena-owned */
};

/* What occupies a staff member: [start, end) is the occupied interval (a
 * booking's own buffers included), at the booking's own start (the slot a
 * group booking shares; start for everything else). */
struct store_busy {
    int64_t staff_id;
    int64_t start;
    int64_t end;
    int64_t at;
    int64_t group_service_id;
};

/* What availability needs from the database, loaded in two queries. */
struct store_avail_staff_filter {
    int64_t staff_id;                 /* 0 = every bookable staff member */
    int64_t location_id;              /* 0 = every location */
    const int64_t *required_services; /* when non-NULL, staff must have all */
    size_t n_required;
};

struct store_booking {
    int64_t id;
    int64_t patient_id;
    int64_t staff_id;
    int64_t location_id;
    int64_t start_at;
    int64_t end_at;
    int64_t group_service_id;
    int64_t group_event_id; /* > 0: a participant of that group event */
    int seats;              /* a participant's seats (1 otherwise) */
    int buffer_before_min;  /* of its services: the first one's before, */
    int buffer_after_min;   /* the last one's after */
    char status[16];
    char source[16];
    char payment_status[16];
    const char *notes; /* arena-owned or caller-owned */
    int64_t created_at;
    /* The booking-referral of the SMART Scheduling Link the patient came
     * through (caller-owned); NULL when none. */
    const char *referral;
};

struct store_booking_filter {
    int64_t from, to; /* 0 = open */
    int64_t staff_id, patient_id;
    const char *status, *payment_status;
    int64_t after_id;
    int limit;
    int64_t group_event_id; /* 0 = any */
    int live_only;          /* not cancelled */
    int64_t ends_after;     /* 0 = any; else only those ending after it */
};

struct store_appointment {
    int64_t id;
    int64_t series_id;
    int series_index;
    int64_t patient_id; /* 0 = none */
    int64_t staff_id;   /* 0 = none */
    int64_t action_id;  /* 0 = none */
    int64_t start_at;
    int64_t end_at;
    const char *notes;
    int share_with_patient;
    char status[16];
};

struct store_event_filter {
    int64_t from, to;
    int64_t staff_id, patient_id;
    int64_t after_id;
    int limit;
};

/* --- Lifecycle ---------------------------------------------------------- */

/* Opens and migrates the database target names with a pool of n_conns
 * connections: a postgresql:// (or postgres://) URL is a PostgreSQL
 * database, anything else the path of a SQLite file (created when
 * missing). *out owned by the caller (store_close). */
int store_open(const char *target, int n_conns, struct store **out);
/* 1 when target is a PostgreSQL URL rather than a SQLite path. */
int store_is_url(const char *target);
/* target as it may be shown: a URL's password replaced by "***". */
void store_target_redacted(const char *target, char *out, size_t size);
void store_close(struct store *s);
/* Blocks until a connection is free; give it back with store_release. */
struct store_conn *store_acquire(struct store *s);
void store_release(struct store *s, struct store_conn *c);
/* Online, consistent copy of the whole database to path. */
int store_backup(struct store_conn *c, const char *path);
int store_schema_version(struct store_conn *c, int *version);

/* Transactions. A read transaction sees one snapshot for all its queries.
 * A write transaction sees what others committed before each statement;
 * whatever must still hold at commit is protected by the locks below
 * (store_lock_staff) and by the backend's constraints, never by the luck
 * of one backend's single writer. */
int store_begin(struct store_conn *c, int write);
int store_commit(struct store_conn *c);
/* Does nothing outside a transaction. */
void store_rollback(struct store_conn *c);

/* One write transaction's work: reads and writes through c only, returns
 * ERR_OK to have it committed, else an error to have it undone. */
typedef int store_write_fn(struct store_conn *c, void *arg);
/* Runs fn in a write transaction and returns once what it did is durable
 * (or undone): fn's result, or the commit's error. On SQLite fn runs on
 * the store's writer connection, in one transaction with other callers'
 * (group commit), each under a savepoint of its own so that a refusal
 * undoes only its own work; fn sees what those before it in the group did.
 * Not for use inside a transaction of c's (ERR_INVALID on SQLite). */
int store_write(struct store_conn *c, store_write_fn *fn, void *arg);

/* A number that changes whenever anything availability reads commits a
 * change: bookings, appointments, time off, shifts, staff, services,
 * resources, holds, group events, settings (any table outside the
 * backend's short list of tables availability never reads). Read inside a
 * read transaction it is no newer than the transaction's snapshot, so an
 * answer computed in that transaction may be kept under it; equal numbers
 * later mean nothing it read has changed since. SQLite counts this
 * process's commits, and a read that finds another connection committed
 * since that connection last looked (PRAGMA data_version: perhaps another
 * process, which no hook saw) moves it and gets 0; PostgreSQL sums a
 * counter bumped in every such writing transaction by triggers (migration
 * 023), so it covers every process on the database. 0 means the backend
 * cannot place this snapshot: keep nothing computed in it. With holder,
 * *holder_holds also counts that holder's holds live at now (read in the
 * same statement on PostgreSQL: one round trip); else it is 0. */
int store_avail_version(struct store_conn *c, const char *holder, int64_t now, uint64_t *version,
                        int *holder_holds);

/* The booking guarantee. Inside a write transaction, before checking
 * whether staff_ids[0..n) are free and writing their bookings, take their
 * locks with this: until commit or rollback no other transaction, in this
 * process or another, can change those staff members' bookings. Locks are
 * taken in ascending id order whatever the order given, so two
 * transactions never wait on each other in a cycle. (SQLite's write
 * transaction already excludes every other writer; PostgreSQL takes
 * transaction-scoped advisory locks.) ERR_RETRY when the backend aborted
 * the transaction: roll back and run it again. */
int store_lock_staff(struct store_conn *c, const int64_t *staff_ids, size_t n);
/* "sqlite" or "postgresql". */
const char *store_kind(const struct store *s);

/* --- Generic rows -------------------------------------------------------- */

int store_row_insert(struct store_conn *c, const struct store_table *t, json_t *obj, int64_t *id);
int store_row_get(struct store_conn *c, const struct store_table *t, int64_t id, json_t **out);
/* Sets only the columns present in obj. ERR_NOT_FOUND when no row. */
int store_row_update(struct store_conn *c, const struct store_table *t, int64_t id, json_t *obj);
int store_row_delete(struct store_conn *c, const struct store_table *t, int64_t id);
/* Rows with id > after_id in id order, at most limit; *items a new array. */
int store_row_list(struct store_conn *c, const struct store_table *t, const struct store_filter *f,
                   int64_t after_id, int limit, json_t **items);

/* Staff links: which is "locations" or "services". */
int store_staff_links_get(struct store_conn *c, int64_t staff_id, const char *which, json_t **ids);
int store_staff_links_set(struct store_conn *c, int64_t staff_id, const char *which,
                          const int64_t *ids, size_t n);

/* --- Users and sessions ----------------------------------------------------- */

int store_user_create(struct store_conn *c, const char *email, const char *password_hash,
                      const char *role, int64_t patient_id, int64_t *id);
int store_user_by_email(struct store_conn *c, const char *email, struct store_user *out);
int store_user_get(struct store_conn *c, int64_t id, struct store_user *out);
int store_session_create(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                         const struct store_session *s, int64_t *id);
/* With its user in *user too (when not NULL): one read for both, as every
 * request of a logged-in client needs. */
int store_session_lookup(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                         struct store_session *out, struct store_user *user);
int store_session_touch(struct store_conn *c, int64_t id, int64_t now);
/* Also deletes the login-as sessions opened from it (parent_id). */
int store_session_delete(struct store_conn *c, int64_t id);
int store_login_failure_add(struct store_conn *c, const char *email, const char *address,
                            int64_t at);
int store_login_failure_count(struct store_conn *c, const char *email, const char *address,
                              int64_t since, int *by_email, int *by_address);

/* patient_id: the patient a "patient" token stands for (0 for the others). */
int store_token_create(struct store_conn *c, const char *name, const char *role, int64_t patient_id,
                       const unsigned char *token_hash, size_t hash_len, int64_t created_by,
                       int64_t now, int64_t *id);
/* A live (not revoked) token by hash; ERR_NOT_FOUND otherwise. */
int store_token_lookup(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                       struct store_token *out);
int store_token_list(struct store_conn *c, json_t **items);
int store_token_revoke(struct store_conn *c, int64_t id, int64_t now);

int store_audit_add(struct store_conn *c, const struct store_audit *a);
int store_audit_list(struct store_conn *c, const struct store_audit_filter *f, json_t **items);

/* The patient's login, if any (ERR_NOT_FOUND when none). */
int store_user_by_patient(struct store_conn *c, int64_t patient_id, struct store_user *out);
/* Staff and admin logins (never patients') with id > after_id in id order,
 * at most limit: {id, email, role, created_at, disabled_at}. */
int store_user_list(struct store_conn *c, int64_t after_id, int limit, json_t **items);
/* Disables (at > 0; an already disabled login keeps its first time) or
 * enables (at == 0) a staff or admin login; disabling also ends every
 * session of it. Run it in a write transaction so both happen or
 * neither. ERR_NOT_FOUND when id is no staff or admin login. */
int store_user_set_disabled(struct store_conn *c, int64_t id, int64_t at);
/* Replaces the password hash of login id (the same password hashed with
 * today's parameters). ERR_NOT_FOUND when there is no such login. */
int store_user_set_password_hash(struct store_conn *c, int64_t id, const char *password_hash);
/* The first patient without a login whose e-mail is email (in any case):
 * who a sign-up with that address may be; ERR_NOT_FOUND when none. */
int store_patient_duplicate_of(struct store_conn *c, const char *email, int64_t *id);
/* Inside a write transaction: moves the bookings, appointments, invoices,
 * login and API tokens of patient id to into_id and deletes id (login-as views of it
 * end). Locks both records first. ERR_NOT_FOUND when either is missing,
 * ERR_CONFLICT when both have a login. */
int store_patient_merge(struct store_conn *c, int64_t id, int64_t into_id);

/* --- Scheduling ----------------------------------------------------------- */

int store_services_get(struct store_conn *c, const int64_t *ids, size_t n,
                       struct store_service *out);
int store_shifts_get(struct store_conn *c, int64_t staff_id, struct arena *a,
                     struct store_shift **out, size_t *n);
int store_shifts_replace(struct store_conn *c, int64_t staff_id, const struct store_shift *shifts,
                         size_t n);
/* Shifts of every staff member matching f, ordered by staff_id. */
int store_avail_shifts(struct store_conn *c, const struct store_avail_staff_filter *f,
                       struct arena *a, struct store_shift **out, size_t *n);
/* Live bookings, group events, appointments and time off of the given
 * staff members whose occupied intervals (bookings' and events' buffers
 * included) overlap [from, to), grouped by staff in the order of
 * staff_ids, then ordered by the occupied start; the booking
 * skip_booking_id (being moved) is left out, and so are the participants
 * of group events (their event occupies the staff member for them). */
int store_avail_busy(struct store_conn *c, const int64_t *staff_ids, size_t n_staff, int64_t from,
                     int64_t to, int64_t skip_booking_id, struct arena *a, struct store_busy **out,
                     size_t *n);

int store_booking_insert(struct store_conn *c, const struct store_booking *b,
                         const struct store_service *services, size_t n_services, int64_t *id);
/* Row as JSON plus "service_ids" and "resources" ([{resource_id, unit}]) */
int store_booking_get(struct store_conn *c, int64_t id, json_t **out);
int store_booking_list(struct store_conn *c, const struct store_booking_filter *f, json_t **items);
/* Live bookings at location_id starting at or after from, as
 * {id, staff_id, start_at, end_at} in start order. */
int store_location_bookings(struct store_conn *c, int64_t location_id, int64_t from,
                            json_t **items);
/* Every staff member whose bookings at location_id could change with its
 * zone: those with shifts there and those with live bookings there from
 * from on; ascending ids, as a new array of integers. */
int store_location_staff(struct store_conn *c, int64_t location_id, int64_t from, json_t **ids);
/* The staff members of location_id: linked to it or with a shift there;
 * {id, name, color} by ascending id, as a new array. */
int store_location_members(struct store_conn *c, int64_t location_id, json_t **items);
/* Every shift at location_id, by staff member, weekday and start. */
int store_location_shifts(struct store_conn *c, int64_t location_id, struct arena *a,
                          struct store_shift **out, size_t *n);
/* A diary's view of the staff members' live bookings starting in
 * [from, to) and ending after ends_after: {id, patient_id, patient_name,
 * staff_id, location_id, start_at, end_at, status, attendance,
 * group_event_id, service_ids}, by staff member (ascending) and id; none
 * of the invoice, resources or notes a booking's own reads carry. */
int store_diary_bookings(struct store_conn *c, const int64_t *staff_ids, size_t n_staff,
                         int64_t from, int64_t to, int64_t ends_after, json_t **items);
int store_booking_move(struct store_conn *c, int64_t id, int64_t staff_id, int64_t location_id,
                       int64_t start, int64_t end, int64_t now);
/* Replaces the booking's services (prices as they are now) and the
 * buffers they give it. */
int store_booking_set_services(struct store_conn *c, int64_t id,
                               const struct store_service *services, size_t n,
                               int64_t group_service_id, int buffer_before_min,
                               int buffer_after_min);
int store_booking_set_notes(struct store_conn *c, int64_t id, const char *notes, int64_t now);
int store_booking_cancel(struct store_conn *c, int64_t id, const char *reason, int64_t now);
int store_history_add(struct store_conn *c, int64_t booking_id, int64_t at, int64_t actor_user_id,
                      const char *actor, const char *action, const char *changes_json);
/* Oldest first; actor in words (STORE_ACTOR_WORDS): the staff member's
 * name, "Name (patient)", "Reception (staff)", or "System". */
int store_history_list(struct store_conn *c, int64_t booking_id, json_t **items);

int store_appointment_insert(struct store_conn *c, const struct store_appointment *a, int64_t *id);
int store_appointment_set_series(struct store_conn *c, int64_t id, int64_t series_id);
int store_appointment_get(struct store_conn *c, int64_t id, json_t **out);
int store_appointment_list(struct store_conn *c, const struct store_event_filter *f,
                           json_t **items);
/* Only a live appointment changes; ERR_NOT_FOUND when id is gone or was
 * cancelled (also by a transaction that committed after the caller read
 * it). */
int store_appointment_update(struct store_conn *c, int64_t id, const struct store_appointment *a);
/* scope: "this", "following" (this and later ones of its series) or
 * "series"; *n_cancelled says how many rows changed. */
int store_appointment_cancel(struct store_conn *c, int64_t id, const char *scope, int *n_cancelled);
/* Other live events of staff_id overlapping [start, end): count only. */
int store_overlap_count(struct store_conn *c, int64_t staff_id, int64_t start, int64_t end,
                        int64_t skip_appointment_id, int *n);
int store_time_off_list(struct store_conn *c, const struct store_event_filter *f, json_t **items);

/* --- Resources --------------------------------------------------------------- */

/* A resource a service needs: quantity interchangeable units (1..quantity)
 * at one location. */
struct store_resource {
    int64_t id;
    int64_t location_id;
    int quantity;
};

/* One unit of a resource held over [start, end): a booking's occupied
 * interval. */
struct store_unit_use {
    int64_t resource_id;
    int unit;
    int64_t start;
    int64_t end;
};

/* The resources a service needs, as a new array of ids in id order. */
int store_service_resources_get(struct store_conn *c, int64_t service_id, json_t **ids);
/* Replaces them; every id must name a resource (ERR_NOT_FOUND). */
int store_service_resources_set(struct store_conn *c, int64_t service_id, const int64_t *ids,
                                size_t n);
/* Every resource any of services[0..n) needs, once each, in id order,
 * allocated in a. */
int store_resources_needed(struct store_conn *c, const int64_t *service_ids, size_t n,
                           struct arena *a, struct store_resource **out, size_t *n_out);
/* The resource guarantee, as store_lock_staff for staff: inside a write
 * transaction, after the staff locks and before checking whether units of
 * resources[0..n) are free and writing a booking's units, take their
 * locks; until commit or rollback no other transaction, in this process
 * or another, changes which of their units are taken. Ascending id order
 * whatever the order given, and always after the staff locks, so no two
 * transactions wait on each other in a cycle. */
int store_lock_resources(struct store_conn *c, const int64_t *resource_ids, size_t n);
/* Units of resources[0..n) that live bookings other than skip_booking_id
 * hold over intervals overlapping [from, to), ordered by resource (in the
 * order of resource_ids), unit and start; allocated in a. */
int store_unit_uses(struct store_conn *c, const int64_t *resource_ids, size_t n, int64_t from,
                    int64_t to, int64_t skip_booking_id, struct arena *a,
                    struct store_unit_use **out, size_t *n_out);
/* Replaces the units booking_id holds with units[0..n) (n == 0 frees
 * them). A unit another booking holds at an overlapping time is
 * ERR_CONFLICT (the database refuses it). */
int store_booking_units_set(struct store_conn *c, int64_t booking_id,
                            const struct store_unit_use *units, size_t n);
/* Units held at location_id over intervals overlapping [from, to), with
 * their bookings or group events: [{resource_id, unit, booking_id,
 * group_event_id (one of the two is null), start_at, end_at,
 * booking_start_at, booking_end_at (the holder's own times), status,
 * patient_id, patient_name (null for an event), staff_id}] by resource,
 * unit and start. */
int store_location_unit_uses(struct store_conn *c, int64_t location_id, int64_t from, int64_t to,
                             json_t **items);

/* --- Holds -------------------------------------------------------------------- */

/* A time kept for one holder (a session) until expires_at. */
struct store_hold {
    int64_t id;
    const char *holder; /* caller-owned on insert; arena-owned when read */
    int64_t staff_id;
    int64_t location_id;
    int64_t start_at, end_at;             /* the booking it keeps */
    int64_t occupied_start, occupied_end; /* with its buffers */
    const char *service_ids;              /* JSON array text */
    int64_t created_at;
    int64_t expires_at;
    /* > 0: the hold keeps seats of this group event, not a time (its
     * occupied interval is then empty) */
    int64_t group_event_id;
    int seats;
};

/* Holds whose holder is not skip_holder (NULL: anyone) and whose id is
 * not skip_hold_id, live at now: left out of what they make busy. */
struct store_hold_skip {
    const char *holder;
    int64_t hold_id;
    int64_t now;
};

/* Inserts h with the units it keeps (units[i].start/end are ignored). */
int store_hold_insert(struct store_conn *c, const struct store_hold *h,
                      const unsigned char *token_hash, size_t hash_len,
                      const struct store_unit_use *units, size_t n, int64_t *id);
/* Deletes holds that expired before now. */
int store_holds_purge(struct store_conn *c, int64_t now);
/* When the next live hold ends: the least expires_at after now, 0 when no
 * hold is live. An availability answer showing holds is good until then. */
int store_holds_next_expiry(struct store_conn *c, int64_t now, int64_t *at);
/* How many of holder's holds are live at now. */
int store_hold_count(struct store_conn *c, const char *holder, int64_t now, int *n);
/* The live hold with this token; ERR_NOT_FOUND when none (or expired). */
int store_hold_by_token(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                        int64_t now, struct arena *a, struct store_hold *out);
/* Deletes hold id when holder holds it (NULL: whoever does);
 * ERR_NOT_FOUND otherwise. */
int store_hold_delete(struct store_conn *c, int64_t id, const char *holder);
/* Live holds of staff_ids[0..n) whose occupied intervals overlap [from,
 * to), as busy rows (start/end the occupied interval, at the start),
 * grouped by staff in the order of staff_ids, then by start. */
int store_hold_busy(struct store_conn *c, const int64_t *staff_ids, size_t n, int64_t from,
                    int64_t to, const struct store_hold_skip *skip, struct arena *a,
                    struct store_busy **out, size_t *n_out);
/* Units of resource_ids[0..n) kept by live holds over intervals
 * overlapping [from, to), as store_unit_uses orders them. */
int store_hold_unit_uses(struct store_conn *c, const int64_t *resource_ids, size_t n, int64_t from,
                         int64_t to, const struct store_hold_skip *skip, struct arena *a,
                         struct store_unit_use **out, size_t *n_out);

/* --- Group events ---------------------------------------------------------- */

/* A class or group session: one service, one staff member, a time and a
 * number of seats that participant bookings take. */
struct store_group_event {
    int64_t series_id; /* 0: none yet */
    int64_t service_id;
    int64_t staff_id;
    int64_t location_id;
    int64_t start_at, end_at;
    int capacity;
    int online_booking;
    int buffer_before_min, buffer_after_min; /* the service's, kept with the event */
    int64_t created_at;
};

struct store_group_event_filter {
    int64_t from, to; /* start_at in [from, to); 0 = open */
    int64_t staff_id, service_id;
    int online_only;  /* only events open for online booking */
    int live_only;    /* only scheduled (not cancelled) events */
    int64_t after_id; /* keyset: id > after_id */
    int limit;        /* < 0: no limit */
};

/* The staff lock (store_lock_staff) is held; group_events_no_overlap
 * refuses an event overlapping another live one of its staff member
 * (ERR_CONFLICT). */
int store_group_event_insert(struct store_conn *c, const struct store_group_event *e, int64_t *id);
int store_group_event_set_series(struct store_conn *c, int64_t id, int64_t series_id);
/* Row as JSON {id, series_id, service_id, staff_id, location_id,
 * start_at, end_at, capacity, online_booking (0/1), status,
 * buffer_before_min, buffer_after_min, created_at, cancelled_at,
 * seats_taken (live participants' seats), seats_held (seats kept by holds
 * live at now)}; ERR_NOT_FOUND when none. */
int store_group_event_get(struct store_conn *c, int64_t id, int64_t now, json_t **out);
/* Events matching f as store_group_event_get renders them, by id (the
 * keyset), as a new array. */
int store_group_event_list(struct store_conn *c, const struct store_group_event_filter *f,
                           int64_t now, json_t **items);
/* The ids of the live events scope ("this", "following", "series") of
 * event id covers, by start: "following" is id's series from id's start
 * on; an event without a series is its own. A new array. */
int store_group_event_scope(struct store_conn *c, int64_t id, const char *scope, json_t **ids);
/* Cancels a live event at now; ERR_CONFLICT when it is already cancelled. */
int store_group_event_cancel(struct store_conn *c, int64_t id, int64_t now);
/* Seats of event id taken by live participants and kept by holds live at
 * now but hold skip_hold_id. */
int store_group_event_seats(struct store_conn *c, int64_t id, int64_t now, int64_t skip_hold_id,
                            int *taken, int *held);
/* Replaces the units event id holds with units[0..n), in the table
 * booking units are in (one backstop for both). */
int store_group_event_units_set(struct store_conn *c, int64_t id,
                                const struct store_unit_use *units, size_t n);

/* --- Visits and attendance ------------------------------------------------ */

struct store_invoice_line;

struct store_visit_filter {
    int64_t from, to;    /* items starting in [from, to) */
    int64_t patient_id;  /* 0 = every patient */
    int64_t location_id; /* 0 = every location */
    int keys_only;       /* 1 = only what grouping needs (see store_visit_items) */
};

/* Sets the attendance of a live booking or appointment (kind "booking" or
 * "appointment"), copying what it was into old[size]. Inside a write
 * transaction the row stays locked until commit, so two requests marking
 * one item see each other's change rather than both seeing the old
 * value. ERR_NOT_FOUND when there is no such row, ERR_CONFLICT when it is
 * cancelled. */
int store_attendance_set(struct store_conn *c, const char *kind, int64_t id, const char *attendance,
                         int64_t now, char *old, size_t size);
/* An appointment's change history, as store_history_add/list for
 * bookings. Both lists name the actor in words (the linked staff member,
 * the patient, or the login's e-mail with its role), not by id. */
int store_appt_history_add(struct store_conn *c, int64_t appointment_id, int64_t at,
                           int64_t actor_user_id, const char *actor, const char *action,
                           const char *changes_json);
int store_appt_history_list(struct store_conn *c, int64_t appointment_id, json_t **items);
/* Live bookings and appointments with a patient and a location (an
 * appointment's is its staff member's first location) starting in the
 * filter's window: [{kind, id, patient_id, patient_name, location_id,
 * staff_id, staff_name, start_at, end_at, attendance, invoice_id}]
 * ordered by patient, location, start, kind and id. With keys_only,
 * just {kind, id, patient_id, location_id, start_at, end_at}: what
 * grouping items into visits needs, read without a join. */
int store_visit_items(struct store_conn *c, const struct store_visit_filter *f, json_t **items);
/* Appends line to the invoice and adds its amounts to the invoice's
 * totals. */
int store_invoice_line_add(struct store_conn *c, int64_t invoice_id,
                           const struct store_invoice_line *line);
/* Removes the invoice's lines without a service described as
 * description, takes their amounts off the totals; *removed is their sum
 * (0 when there were none). */
int store_invoice_line_remove(struct store_conn *c, int64_t invoice_id, const char *description,
                              int64_t *removed);
/* Per staff member, live bookings and appointments starting in [from,
 * to) counted by attendance: [{staff_id, staff_name, pending, confirmed,
 * arrived, no_show}] by staff id. */
int store_attendance_report(struct store_conn *c, int64_t from, int64_t to, json_t **items);

/* --- Products, stock and consumables -------------------------------------- */

/* One stock movement: quantity is signed (receipts in, write-offs and
 * sales out). Movements are only ever added. */
struct store_movement {
    int64_t product_id, storage_id, quantity;
    const char *reason; /* "receipt", "adjustment", "write_off", "sale" */
    int64_t unit_cost;  /* < 0: none */
    const char *note;   /* caller-owned */
    int64_t booking_id; /* 0 = none */
    int64_t line_id;    /* the invoice line of a sale; 0 = none */
    int64_t created_at;
    int64_t created_by; /* user id, 0 = none */
};

struct store_movement_filter {
    int64_t product_id, storage_id, booking_id, line_id; /* 0 = any */
    int64_t from, to;                                    /* created in [from, to); 0 = open */
    const char *reason;                                  /* NULL = any */
    int64_t after_id;
    int limit;
};

struct store_stock_filter {
    int64_t product_id, storage_id; /* 0 = any */
    int below_min;                  /* 1: only levels under the product's min_quantity */
};

/* An entry of a bill of materials (staff_id 0: everyone's) or of a
 * booking's consumables (storage_id set). */
struct store_consumable {
    int64_t product_id, staff_id, storage_id, quantity;
};

int store_stock_movement_add(struct store_conn *c, const struct store_movement *m, int64_t *id);
/* Movements matching f by id: [{id, product_id, product_name, storage_id,
 * storage_name, quantity, reason, unit_cost, note, booking_id, line_id,
 * created_at}]. */
int store_stock_movement_list(struct store_conn *c, const struct store_movement_filter *f,
                              json_t **items);
/* Stock levels (sums of movements) of every product and storage that had
 * a movement: [{product_id, product_name, storage_id, storage_name,
 * location_id, quantity, min_quantity}] by product then storage. */
int store_stock_levels(struct store_conn *c, const struct store_stock_filter *f, json_t **items);
/* A service's bill of materials: [{product_id, quantity, staff_id}]
 * (staff_id null for everyone) in the order set; _set replaces it. */
int store_service_consumables_get(struct store_conn *c, int64_t service_id, json_t **items);
int store_service_consumables_set(struct store_conn *c, int64_t service_id,
                                  const struct store_consumable *items, size_t n);
/* What a booking uses: its own list once set, else its services' bills
 * of materials (a staff member's entry replacing the general one for that
 * product, counted once per time a service is booked) from its location's
 * first consumables storage (storage_id null when it has none):
 * [{product_id, product_name, storage_id, quantity, cost_price}] by
 * product. *custom says which. */
int store_booking_consumables_get(struct store_conn *c, int64_t booking_id, int *custom,
                                  json_t **items);
/* Replaces the booking's own list. Takes the booking's row lock first
 * (as store_attendance_set does), so a change of its attendance waits for
 * this transaction and sees the list it leaves. ERR_NOT_FOUND when there
 * is no such booking. */
int store_booking_consumables_set(struct store_conn *c, int64_t booking_id,
                                  const struct store_consumable *items, size_t n);
/* Appends a product's line (line->product_id set) to the invoice, adds it
 * to the totals, and says the new line's id. */
int store_invoice_product_line_add(struct store_conn *c, int64_t invoice_id,
                                   const struct store_invoice_line *line, int64_t *line_id);
/* Removes the product line line_id of the invoice and takes it off the
 * totals; *out (strings unset) says what it was. ERR_NOT_FOUND when the
 * invoice has no such product line. */
int store_invoice_product_line_remove(struct store_conn *c, int64_t invoice_id, int64_t line_id,
                                      struct store_invoice_line *out);
/* --- Packages -------------------------------------------------------------- */

/* Definitions and sold packages are plain rows (store_row_*); these are
 * the operations whose check and change must be one statement, so that
 * racing requests see each other's result. */
struct store_package_item_filter {
    int64_t patient_package_id; /* 0 = any */
    int64_t patient_id;
    int64_t booking_id;
    int64_t line_id;
    int64_t service_id;
    const char *status; /* the item's; NULL = any */
    int active_only;    /* only items of packages that are active */
};

/* Items matching f with their package: [{id, patient_package_id, line_id,
 * service_id, amount, status, booking_id, invoice_id, patient_id,
 * package_id, package_name, staff_ids, location_ids (JSON text),
 * expires_at, expires_on, package_status}], soonest expiry first (those
 * that never expire last), then by package and item id. */
int store_package_items(struct store_conn *c, const struct store_package_item_filter *f,
                        json_t **items);
/* Moves item id from status `from` to `to`, setting booking_id (0: none,
 * -1: unchanged); *changed is 0 when the item was not in `from` (another
 * transaction moved it first: on PostgreSQL the statement waits for it
 * and then sees its result). */
int store_package_item_move(struct store_conn *c, int64_t id, const char *from, const char *to,
                            int64_t booking_id, int *changed);
/* The same for a sold package's status. */
int store_patient_package_move(struct store_conn *c, int64_t id, const char *from, const char *to,
                               int *changed);
/* One unassigned item per line of the package's invoice, worth its net. */
int store_package_items_create(struct store_conn *c, int64_t patient_package_id,
                               int64_t invoice_id);
/* Active packages with an expiry whose reminder (remind_s before it) or
 * expiry is due at now: [{id, expires_at, expiry_reminded, unassigned}]
 * by expiry, at most limit. */
int store_packages_due(struct store_conn *c, int64_t now, int64_t remind_s, int limit,
                       json_t **items);
/* Marks the expiry reminder of package id as queued; *marked is 0 when
 * it already was. */
int store_package_reminded(struct store_conn *c, int64_t id, int *marked);
/* What the clinic still owes in visits: per sold package with units not
 * yet recognised [{patient_package_id, patient_id, patient_name, name,
 * invoice_id, expires_on, units, amount}] by package id. */
int store_package_liability(struct store_conn *c, json_t **items);

/* --- Money ----------------------------------------------------------------- */

struct store_invoice {
    int64_t id;
    int64_t patient_id;
    int64_t booking_id;
    int64_t issued_at;
    char currency[8];
    struct money_totals totals;
    int64_t paid;     /* confirmed payments */
    int64_t refunded; /* confirmed refunds */
    int credited;     /* booking cancelled after money came in */
    char status[16];
};

struct store_invoice_line {
    int64_t service_id; /* 0 when none */
    const char *description;
    struct money_line money;
    int64_t product_id; /* a product sold on the visit; 0 when none */
};

struct store_payment {
    int64_t id;
    int64_t invoice_id;
    char kind[16]; /* "payment" or "refund" */
    int64_t amount;
    char method[16];
    char provider[16];
    const char *reference; /* caller-owned on insert; empty when read */
    char status[16];       /* "pending", "confirmed", "rejected" */
    int64_t created_at;
    int64_t created_by; /* user id, 0 when none */
};

/* A journal entry's header; the postings come from core/money.h. */
struct store_journal {
    const char *date; /* the organisation's local day, YYYY-MM-DD */
    int64_t posted_at;
    const char *memo;
    const char *source; /* "invoice", "payment", "void", "credit", "refund" */
    int64_t invoice_id, payment_id, reverses_entry_id; /* 0 when none */
};

struct store_invoice_filter {
    int64_t patient_id;
    const char *status;
    int credit_owed; /* 1: only invoices that owe the patient money back */
    int64_t after_id;
    int limit;
};

/* --- Notifications and diary sync (outbox) ------------------------------- */

/* One outbox row. On add the strings are the caller's; a claimed row's
 * strings live in the arena passed to store_outbox_claim. */
struct store_outbox_row {
    int64_t id;
    char channel[16]; /* "email", "diary", "webhook" */
    char kind[32];
    int64_t booking_id; /* 0 = none */
    int64_t webhook_id; /* 0 = none */
    const char *recipient;
    const char *subject;
    const char *body;
    /* An e-mail's event as JSON (jobs/outbox_render.h), rendered by the
     * worker; NULL or "" for a row queued with its message in body. */
    const char *event;
    int attempts; /* including the one just claimed */
    int64_t created_at;
};

#define STORE_INSTALLATION_ID_LEN 40
#define STORE_ETAG_LEN 256

/* store_diary_state_get's answer. */
struct store_diary_state {
    char installation_id[STORE_INSTALLATION_ID_LEN];
    char etag[STORE_ETAG_LEN];
};

struct store_outbox_filter {
    const char *status, *channel; /* NULL = any */
    int64_t booking_id;           /* 0 = any */
    int64_t after_id;
    int limit;
};

/* The next number in year's gapless sequence; call inside the write
 * transaction that inserts the invoice. */
int store_invoice_next_seq(struct store_conn *c, int year, int64_t *seq);
int store_invoice_insert(struct store_conn *c, const struct store_invoice *inv, int year,
                         int64_t seq, const char *number, int64_t *id);
/* Replaces the lines and the totals of an invoice. */
int store_invoice_set_lines(struct store_conn *c, int64_t id,
                            const struct store_invoice_line *lines, size_t n,
                            const struct money_totals *totals);
/* Saves paid, refunded, credited and status. */
int store_invoice_set_state(struct store_conn *c, const struct store_invoice *inv);
/* Inside a write transaction these lock the invoice, and first its
 * booking, until commit, as billing rewrites what it read. Locks are
 * always taken in the order staff, booking, invoice, so no two
 * transactions wait on each other in a cycle. */
int store_invoice_get(struct store_conn *c, int64_t id, struct store_invoice *out);
int store_invoice_by_booking(struct store_conn *c, int64_t booking_id, struct store_invoice *out);
/* For display: the row with "lines" and "payments" arrays. */
int store_invoice_json(struct store_conn *c, int64_t id, json_t **out);
int store_invoice_list(struct store_conn *c, const struct store_invoice_filter *f, json_t **items);

int store_payment_insert(struct store_conn *c, const struct store_payment *p, int64_t *id);
int store_payment_get(struct store_conn *c, int64_t id, struct store_payment *out);
/* Moves a pending payment to status; ERR_CONFLICT when it is not pending. */
int store_payment_decide(struct store_conn *c, int64_t id, const char *status, int64_t at,
                         int64_t by);
/* How many payments on the invoice await a decision, and their sum. */
int store_payment_pending(struct store_conn *c, int64_t invoice_id, int *n, int64_t *amount);
int store_payment_list(struct store_conn *c, const char *status, int64_t after_id, int limit,
                       json_t **items);
/* Records the provider's id for a payment (a gateway's session id). */
int store_payment_set_reference(struct store_conn *c, int64_t id, const char *reference);
/* The payment provider knows by reference; ERR_NOT_FOUND when none. */
int store_payment_by_reference(struct store_conn *c, const char *provider, const char *reference,
                               int64_t *id);
/* Confirmed payments and refunds decided in [from, to), with the booking's
 * staff member: {decided_at, kind, method, amount, staff_id, staff_name}. */
int store_takings(struct store_conn *c, int64_t from, int64_t to, json_t **items);
/* Invoices with money still owed, oldest first. */
int store_receivables(struct store_conn *c, json_t **items);

int store_booking_set_payment_status(struct store_conn *c, int64_t booking_id, const char *status);

/* Posts a balanced entry (ERR_INVALID otherwise) in the caller's
 * transaction. */
int store_journal_post(struct store_conn *c, const struct store_journal *j,
                       const struct ledger_entry *e, int64_t *id);
/* The latest entry of source for an invoice; ERR_NOT_FOUND when none. */
int store_journal_last(struct store_conn *c, int64_t invoice_id, const char *source,
                       int64_t *entry_id);
/* Entries with date in [from, to] (YYYY-MM-DD; NULL = open), with lines. */
int store_journal_list(struct store_conn *c, const char *from, const char *to, int64_t after_id,
                       int limit, json_t **items);
/* The chart of accounts with debit, credit and balance totals. */
int store_ledger_accounts(struct store_conn *c, json_t **items);

/* Queues a row, due now. Call inside the transaction of the change. */
int store_outbox_add(struct store_conn *c, const struct store_outbox_row *r, int64_t now,
                     int64_t *id);
/* In its own write transaction, takes the next due row nobody holds and
 * leases it to worker until lease_until; ERR_NOT_FOUND when none is due. */
int store_outbox_claim(struct store_conn *c, int64_t worker, int64_t now, int64_t lease_until,
                       struct arena *a, struct store_outbox_row *out);
/* Ends worker's lease: status "sent", "failed" or "queued" (retry at
 * next_attempt_at) with error as last_error, and subject as the row's
 * subject unless it is NULL (an event row's, known once rendered). */
int store_outbox_finish(struct store_conn *c, int64_t id, int64_t worker, const char *status,
                        const char *error, const char *subject, int64_t next_attempt_at,
                        int64_t now);
int store_outbox_list(struct store_conn *c, const struct store_outbox_filter *f, json_t **items);
/* What messages about a booking or appointment say: names, e-mails, the
 * location, its zone and the services, as one JSON object. */
int store_notice_booking(struct store_conn *c, int64_t booking_id, json_t **out);
int store_notice_appointment(struct store_conn *c, int64_t appointment_id, json_t **out);
/* Notification settings (allow_private_targets as 0/1), diary_password
 * included: never render it. */
int store_notice_settings(struct store_conn *c, json_t **out);
/* Counts one more announced change of the calendar event of a booking or
 * an appointment (kind "booking" or "appointment"): its iTIP SEQUENCE
 * (ical_sequence in the notice rows) grows by one, and an appointment's
 * modified_at becomes now. ERR_NOT_FOUND when there is no such row. */
int store_ical_bump(struct store_conn *c, const char *kind, int64_t id, int64_t now);
int store_template_get(struct store_conn *c, const char *name, json_t **out);
/* Opens (or reopens with a new reason) the booking's sync issue; *raised
 * is 1 when that changed anything, 0 when the same issue was open. */
int store_sync_issue_raise(struct store_conn *c, int64_t booking_id, const char *reason,
                           int64_t now, int *raised);
int store_sync_issue_clear(struct store_conn *c, int64_t booking_id);
int store_sync_issue_list(struct store_conn *c, int64_t after_id, int limit, json_t **items);
int store_sync_issue_resolve(struct store_conn *c, int64_t booking_id, int64_t now);
/* What the diary worker knows of a booking's event in the diary: this
 * installation's id (in the event's UID and resource name, so several
 * installations can share one diary) and the ETag the diary gave the
 * event when it was last written ("" = none known: the next write must
 * create it). */
int store_diary_state_get(struct store_conn *c, int64_t booking_id, struct store_diary_state *out);
/* Remembers etag as the event's version; "" forgets it (the event was
 * deleted, or its version is unknown). */
int store_diary_etag_set(struct store_conn *c, int64_t booking_id, const char *etag, int64_t now);
/* events: comma-separated names. */
int store_webhook_add(struct store_conn *c, const char *url, const char *events, const char *secret,
                      int64_t now, int64_t *id);
/* Every webhook (id 0) or one, without secrets. */
int store_webhook_list(struct store_conn *c, int64_t id, json_t **items);
int store_webhook_delete(struct store_conn *c, int64_t id);
int store_webhooks_for_event(struct store_conn *c, const char *event, json_t **items);
int store_webhook_secret(struct store_conn *c, int64_t id, char *out, size_t size);
int store_webhook_result(struct store_conn *c, int64_t id, int status, int64_t now);
/* Calendar feed tokens; kind "staff" or "location". Only a hash of each
 * token is kept (as for API tokens): _get answers ERR_NOT_FOUND when the
 * owner has none, else *matches = whether token_hash is the stored one. */
int store_feed_token_get(struct store_conn *c, const char *kind, int64_t owner_id,
                         const unsigned char *token_hash, size_t hash_len, int *matches);
int store_feed_token_set(struct store_conn *c, const char *kind, int64_t owner_id,
                         const unsigned char *token_hash, size_t hash_len);
/* Ids of confirmed bookings of the staff member or location ending after
 * since, by start. */
int store_feed_bookings(struct store_conn *c, const char *kind, int64_t owner_id, int64_t since,
                        int limit, json_t **items);
/* Bookings whose reminder is due now and not yet queued: [{id, start_at}]. */
int store_reminders_due(struct store_conn *c, int64_t now, int limit, json_t **items);
int store_reminder_mark(struct store_conn *c, int64_t booking_id, int64_t start_at, int *marked);

#endif
