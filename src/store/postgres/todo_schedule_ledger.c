/* Placeholders for the ops of store/sqlite/schedule.c, ledger.c until their PostgreSQL
 * versions replace them; this file is deleted then. */
#include "store/postgres/internal.h"
#include "util/err.h"
#include "util/log.h"

int
pgsql_services_get(struct store_conn *c, const int64_t *ids, size_t n, struct store_service *out)
{
    (void)c;
    (void)ids;
    (void)n;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=services_get");
    return ERR_STORE;
}

int
pgsql_shifts_get(struct store_conn *c, int64_t staff_id, struct arena *a, struct store_shift **out,
                 size_t *n)
{
    (void)c;
    (void)staff_id;
    (void)a;
    (void)out;
    (void)n;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=shifts_get");
    return ERR_STORE;
}

int
pgsql_shifts_replace(struct store_conn *c, int64_t staff_id, const struct store_shift *shifts,
                     size_t n)
{
    (void)c;
    (void)staff_id;
    (void)shifts;
    (void)n;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=shifts_replace");
    return ERR_STORE;
}

int
pgsql_avail_shifts(struct store_conn *c, const struct store_avail_staff_filter *f, struct arena *a,
                   struct store_shift **out, size_t *n)
{
    (void)c;
    (void)f;
    (void)a;
    (void)out;
    (void)n;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=avail_shifts");
    return ERR_STORE;
}

int
pgsql_avail_busy(struct store_conn *c, const int64_t *staff_ids, size_t n_staff, int64_t from,
                 int64_t to, int64_t skip_booking_id, struct arena *a, struct store_busy **out,
                 size_t *n)
{
    (void)c;
    (void)staff_ids;
    (void)n_staff;
    (void)from;
    (void)to;
    (void)skip_booking_id;
    (void)a;
    (void)out;
    (void)n;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=avail_busy");
    return ERR_STORE;
}

int
pgsql_booking_insert(struct store_conn *c, const struct store_booking *b,
                     const struct store_service *services, size_t n_services, int64_t *id)
{
    (void)c;
    (void)b;
    (void)services;
    (void)n_services;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=booking_insert");
    return ERR_STORE;
}

int
pgsql_booking_set_services(struct store_conn *c, int64_t id, const struct store_service *services,
                           size_t n, int64_t group_service_id)
{
    (void)c;
    (void)id;
    (void)services;
    (void)n;
    (void)group_service_id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=booking_set_services");
    return ERR_STORE;
}

int
pgsql_booking_get(struct store_conn *c, int64_t id, json_t **out)
{
    (void)c;
    (void)id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=booking_get");
    return ERR_STORE;
}

int
pgsql_booking_list(struct store_conn *c, const struct store_booking_filter *f, json_t **items)
{
    (void)c;
    (void)f;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=booking_list");
    return ERR_STORE;
}

int
pgsql_booking_move(struct store_conn *c, int64_t id, int64_t staff_id, int64_t location_id,
                   int64_t start, int64_t end, int64_t now)
{
    (void)c;
    (void)id;
    (void)staff_id;
    (void)location_id;
    (void)start;
    (void)end;
    (void)now;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=booking_move");
    return ERR_STORE;
}

int
pgsql_booking_set_notes(struct store_conn *c, int64_t id, const char *notes, int64_t now)
{
    (void)c;
    (void)id;
    (void)notes;
    (void)now;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=booking_set_notes");
    return ERR_STORE;
}

int
pgsql_booking_cancel(struct store_conn *c, int64_t id, const char *reason, int64_t now)
{
    (void)c;
    (void)id;
    (void)reason;
    (void)now;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=booking_cancel");
    return ERR_STORE;
}

int
pgsql_history_add(struct store_conn *c, int64_t booking_id, int64_t at, int64_t actor_user_id,
                  const char *actor, const char *action, const char *changes_json)
{
    (void)c;
    (void)booking_id;
    (void)at;
    (void)actor_user_id;
    (void)actor;
    (void)action;
    (void)changes_json;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=history_add");
    return ERR_STORE;
}

int
pgsql_history_list(struct store_conn *c, int64_t booking_id, json_t **items)
{
    (void)c;
    (void)booking_id;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=history_list");
    return ERR_STORE;
}

int
pgsql_journal_post(struct store_conn *c, const struct store_journal *j,
                   const struct ledger_entry *e, int64_t *id)
{
    (void)c;
    (void)j;
    (void)e;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=journal_post");
    return ERR_STORE;
}

int
pgsql_journal_last(struct store_conn *c, int64_t invoice_id, const char *source, int64_t *entry_id)
{
    (void)c;
    (void)invoice_id;
    (void)source;
    (void)entry_id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=journal_last");
    return ERR_STORE;
}

int
pgsql_journal_list(struct store_conn *c, const char *from, const char *to, int64_t after_id,
                   int limit, json_t **items)
{
    (void)c;
    (void)from;
    (void)to;
    (void)after_id;
    (void)limit;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=journal_list");
    return ERR_STORE;
}

int
pgsql_ledger_accounts(struct store_conn *c, json_t **items)
{
    (void)c;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=ledger_accounts");
    return ERR_STORE;
}

int
pgsql_receivables(struct store_conn *c, json_t **items)
{
    (void)c;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=receivables");
    return ERR_STORE;
}

int
pgsql_takings(struct store_conn *c, int64_t from, int64_t to, json_t **items)
{
    (void)c;
    (void)from;
    (void)to;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=takings");
    return ERR_STORE;
}
