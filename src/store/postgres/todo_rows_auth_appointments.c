/* Placeholders for the ops of store/sqlite/rows.c, auth.c, appointments.c until their PostgreSQL
 * versions replace them; this file is deleted then. */
#include "store/postgres/internal.h"
#include "util/err.h"
#include "util/log.h"

int
pgsql_row_insert(struct store_conn *c, const struct store_table *t, json_t *obj, int64_t *id)
{
    (void)c;
    (void)t;
    (void)obj;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=row_insert");
    return ERR_STORE;
}

int
pgsql_row_get(struct store_conn *c, const struct store_table *t, int64_t id, json_t **out)
{
    (void)c;
    (void)t;
    (void)id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=row_get");
    return ERR_STORE;
}

int
pgsql_row_update(struct store_conn *c, const struct store_table *t, int64_t id, json_t *obj)
{
    (void)c;
    (void)t;
    (void)id;
    (void)obj;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=row_update");
    return ERR_STORE;
}

int
pgsql_row_delete(struct store_conn *c, const struct store_table *t, int64_t id)
{
    (void)c;
    (void)t;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=row_delete");
    return ERR_STORE;
}

int
pgsql_row_list(struct store_conn *c, const struct store_table *t, const struct store_filter *f,
               int64_t after_id, int limit, json_t **items)
{
    (void)c;
    (void)t;
    (void)f;
    (void)after_id;
    (void)limit;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=row_list");
    return ERR_STORE;
}

int
pgsql_staff_links_get(struct store_conn *c, int64_t staff_id, const char *which, json_t **ids)
{
    (void)c;
    (void)staff_id;
    (void)which;
    (void)ids;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=staff_links_get");
    return ERR_STORE;
}

int
pgsql_staff_links_set(struct store_conn *c, int64_t staff_id, const char *which, const int64_t *ids,
                      size_t n)
{
    (void)c;
    (void)staff_id;
    (void)which;
    (void)ids;
    (void)n;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=staff_links_set");
    return ERR_STORE;
}

int
pgsql_user_create(struct store_conn *c, const char *email, const char *password_hash,
                  const char *role, int64_t patient_id, int64_t *id)
{
    (void)c;
    (void)email;
    (void)password_hash;
    (void)role;
    (void)patient_id;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=user_create");
    return ERR_STORE;
}

int
pgsql_user_by_email(struct store_conn *c, const char *email, struct store_user *out)
{
    (void)c;
    (void)email;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=user_by_email");
    return ERR_STORE;
}

int
pgsql_user_get(struct store_conn *c, int64_t id, struct store_user *out)
{
    (void)c;
    (void)id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=user_get");
    return ERR_STORE;
}

int
pgsql_session_create(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                     const struct store_session *s, int64_t *id)
{
    (void)c;
    (void)token_hash;
    (void)hash_len;
    (void)s;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=session_create");
    return ERR_STORE;
}

int
pgsql_session_lookup(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                     struct store_session *out)
{
    (void)c;
    (void)token_hash;
    (void)hash_len;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=session_lookup");
    return ERR_STORE;
}

int
pgsql_session_touch(struct store_conn *c, int64_t id, int64_t now)
{
    (void)c;
    (void)id;
    (void)now;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=session_touch");
    return ERR_STORE;
}

int
pgsql_session_delete(struct store_conn *c, int64_t id)
{
    (void)c;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=session_delete");
    return ERR_STORE;
}

int
pgsql_login_failure_add(struct store_conn *c, const char *email, const char *address, int64_t at)
{
    (void)c;
    (void)email;
    (void)address;
    (void)at;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=login_failure_add");
    return ERR_STORE;
}

int
pgsql_login_failure_count(struct store_conn *c, const char *email, const char *address,
                          int64_t since, int *by_email, int *by_address)
{
    (void)c;
    (void)email;
    (void)address;
    (void)since;
    (void)by_email;
    (void)by_address;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=login_failure_count");
    return ERR_STORE;
}

int
pgsql_user_by_patient(struct store_conn *c, int64_t patient_id, struct store_user *out)
{
    (void)c;
    (void)patient_id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=user_by_patient");
    return ERR_STORE;
}

int
pgsql_token_create(struct store_conn *c, const char *name, const char *role,
                   const unsigned char *token_hash, size_t hash_len, int64_t created_by,
                   int64_t now, int64_t *id)
{
    (void)c;
    (void)name;
    (void)role;
    (void)token_hash;
    (void)hash_len;
    (void)created_by;
    (void)now;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=token_create");
    return ERR_STORE;
}

int
pgsql_token_lookup(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                   struct store_token *out)
{
    (void)c;
    (void)token_hash;
    (void)hash_len;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=token_lookup");
    return ERR_STORE;
}

int
pgsql_token_list(struct store_conn *c, json_t **items)
{
    (void)c;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=token_list");
    return ERR_STORE;
}

int
pgsql_token_revoke(struct store_conn *c, int64_t id, int64_t now)
{
    (void)c;
    (void)id;
    (void)now;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=token_revoke");
    return ERR_STORE;
}

int
pgsql_audit_add(struct store_conn *c, const struct store_audit *a)
{
    (void)c;
    (void)a;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=audit_add");
    return ERR_STORE;
}

int
pgsql_audit_list(struct store_conn *c, const struct store_audit_filter *f, json_t **items)
{
    (void)c;
    (void)f;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=audit_list");
    return ERR_STORE;
}

int
pgsql_appointment_insert(struct store_conn *c, const struct store_appointment *a, int64_t *id)
{
    (void)c;
    (void)a;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=appointment_insert");
    return ERR_STORE;
}

int
pgsql_appointment_set_series(struct store_conn *c, int64_t id, int64_t series_id)
{
    (void)c;
    (void)id;
    (void)series_id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=appointment_set_series");
    return ERR_STORE;
}

int
pgsql_appointment_get(struct store_conn *c, int64_t id, json_t **out)
{
    (void)c;
    (void)id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=appointment_get");
    return ERR_STORE;
}

int
pgsql_appointment_list(struct store_conn *c, const struct store_event_filter *f, json_t **items)
{
    (void)c;
    (void)f;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=appointment_list");
    return ERR_STORE;
}

int
pgsql_appointment_update(struct store_conn *c, int64_t id, const struct store_appointment *a)
{
    (void)c;
    (void)id;
    (void)a;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=appointment_update");
    return ERR_STORE;
}

int
pgsql_appointment_cancel(struct store_conn *c, int64_t id, const char *scope, int *n_cancelled)
{
    (void)c;
    (void)id;
    (void)scope;
    (void)n_cancelled;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=appointment_cancel");
    return ERR_STORE;
}

int
pgsql_overlap_count(struct store_conn *c, int64_t staff_id, int64_t start, int64_t end,
                    int64_t skip_appointment_id, int *n)
{
    (void)c;
    (void)staff_id;
    (void)start;
    (void)end;
    (void)skip_appointment_id;
    (void)n;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=overlap_count");
    return ERR_STORE;
}

int
pgsql_time_off_list(struct store_conn *c, const struct store_event_filter *f, json_t **items)
{
    (void)c;
    (void)f;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=time_off_list");
    return ERR_STORE;
}
