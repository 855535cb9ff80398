/* PostgreSQL backend: users, sessions, API tokens, failed logins and the
 * audit log. E-mail addresses are citext (SQLite's COLLATE NOCASE), so
 * users.email = $1 and login_failures.email = $1 ignore case there too. */
#include <stdio.h>
#include <string.h>

#include "store/postgres/internal.h"
#include "util/err.h"

/* strftime('%s', 'now') truncates to whole seconds; so does floor. */
static const char SQL_USER_INSERT[] =
    "INSERT INTO users (email, password_hash, role, patient_id, created_at) "
    "VALUES ($1, $2, $3, $4, floor(extract(epoch FROM now()))::bigint) RETURNING id";
static const char SQL_USER_BY_EMAIL[] =
    "SELECT id, email, password_hash, role, patient_id, disabled_at FROM users WHERE email = $1";
static const char SQL_USER_BY_ID[] =
    "SELECT id, email, password_hash, role, patient_id, disabled_at FROM users WHERE id = $1";
static const char SQL_USER_BY_PATIENT[] = "SELECT id, email, password_hash, role, patient_id, "
                                          "disabled_at FROM users WHERE patient_id = $1";
/* A negative limit is no limit, as in SQLite. */
static const char SQL_USER_LIST[] =
    "SELECT id, email::text AS email, role, created_at, disabled_at FROM users "
    "WHERE role IN ('admin', 'staff') AND id > $1::bigint ORDER BY id "
    "LIMIT CASE WHEN $2::bigint >= 0 THEN $2::bigint END";
/* One statement: two admins disabling one login at once keep the first
 * time (READ COMMITTED rechecks the row it waited for). */
static const char SQL_USER_SET_PASSWORD_HASH[] =
    "UPDATE users SET password_hash = $1 WHERE id = $2";
static const char SQL_USER_SET_DISABLED[] =
    "UPDATE users SET disabled_at = CASE WHEN $1::bigint = 0 THEN NULL "
    "ELSE coalesce(disabled_at, $1::bigint) END WHERE id = $2 AND role IN ('admin', 'staff')";
static const char SQL_USER_SESSIONS_DELETE[] = "DELETE FROM sessions WHERE user_id = $1";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, "
    "expires_at, as_patient_id, parent_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
static const char SQL_SESSION_LOOKUP[] =
    "SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, "
    "s.as_patient_id, s.parent_id, u.id, u.email, u.password_hash, u.role, u.patient_id, "
    "u.disabled_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1";
static const char SQL_SESSION_TOUCH[] = "UPDATE sessions SET last_seen_at = $1 WHERE id = $2";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE id = $1";
static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO api_tokens (name, role, patient_id, token_hash, created_by, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char SQL_TOKEN_LOOKUP[] =
    "SELECT id, role, coalesce(patient_id, 0) FROM api_tokens WHERE token_hash = $1 "
    "AND revoked_at IS NULL";
static const char SQL_TOKEN_LIST[] =
    "SELECT id, name, role, patient_id, created_by, created_at, revoked_at FROM api_tokens "
    "ORDER BY id";
/* One statement: a token revoked twice at once is revoked once, and the
 * second revoker sees no row (READ COMMITTED rechecks revoked_at). */
static const char SQL_TOKEN_REVOKE[] =
    "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO audit_log (at, actor_user_id, as_patient_id, action, method, path, status, "
    "address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
/* A negative limit is no limit, as in SQLite (PostgreSQL would refuse it). */
static const char SQL_AUDIT_LIST[] =
    "SELECT a.id, a.at, a.actor_user_id, u.email::text AS actor_email, a.as_patient_id, "
    "a.action, a.method, a.path, a.status, a.address FROM audit_log a LEFT JOIN users u ON "
    "u.id = a.actor_user_id WHERE ($1::bigint = 0 OR a.at >= $1::bigint) "
    "AND ($2::bigint = 0 OR a.at < $2::bigint) "
    "AND ($3::bigint = 0 OR a.actor_user_id = $3::bigint) AND a.id > $4::bigint "
    "ORDER BY a.id LIMIT CASE WHEN $5::bigint >= 0 THEN $5::bigint END";
static const char SQL_FAILURE_INSERT[] =
    "INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3)";
static const char SQL_FAILURE_COUNT[] =
    "SELECT (SELECT count(*) FROM login_failures WHERE email = $1::citext AND at >= $3::bigint), "
    "(SELECT count(*) FROM login_failures WHERE address = $2::text AND at >= $3::bigint)";

/* An optional reference as a bound value: SQL NULL unless v > 0, as the
 * SQLite backend leaves such parameters unbound. buf holds the digits. */
static const char *
opt_id(int64_t v, char *buf, size_t size)
{
    if (v <= 0)
        return NULL;
    snprintf(buf, size, "%lld", (long long)v);
    return buf;
}

/* The id an INSERT ... RETURNING id gave; *id is set only on success.
 * Takes over r. */
static int
insert_id(PGresult *r, int rc, int64_t *id)
{
    if (rc == ERR_OK && PQntuples(r) == 1)
        *id = pq_get_int64(r, 0, 0);
    else if (rc == ERR_OK)
        rc = ERR_STORE;
    PQclear(r);
    return rc;
}

int
pgsql_user_create(struct store_conn *c, const char *email, const char *password_hash,
                  const char *role, int64_t patient_id, int64_t *id)
{
    char patient[24];
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_USER_INSERT, "tttt", email, password_hash, role,
                     opt_id(patient_id, patient, sizeof(patient)));

    return insert_id(r, rc, id);
}

/* The user in r's first row from column col on, as SQL_USER_BY_* select
 * them. */
static void
user_columns(PGresult *r, int col, struct store_user *out)
{
    out->id = pq_get_int64(r, 0, col);
    pq_get_text(r, 0, col + 1, out->email, sizeof(out->email));
    pq_get_text(r, 0, col + 2, out->password_hash, sizeof(out->password_hash));
    pq_get_text(r, 0, col + 3, out->role, sizeof(out->role));
    out->patient_id = pq_get_int64(r, 0, col + 4);
    out->disabled_at = pq_get_int64(r, 0, col + 5);
}

/* The user a SELECT of SQL_USER_BY_* found; takes over r. */
static int
user_row(PGresult *r, int rc, struct store_user *out)
{
    if (rc == ERR_OK && PQntuples(r) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK)
        user_columns(r, 0, out);
    PQclear(r);
    return rc;
}

int
pgsql_user_by_email(struct store_conn *c, const char *email, struct store_user *out)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_USER_BY_EMAIL, "t", email);

    return user_row(r, rc, out);
}

int
pgsql_user_get(struct store_conn *c, int64_t id, struct store_user *out)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_USER_BY_ID, "i", id);

    return user_row(r, rc, out);
}

int
pgsql_user_by_patient(struct store_conn *c, int64_t patient_id, struct store_user *out)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_USER_BY_PATIENT, "i", patient_id);

    return user_row(r, rc, out);
}

int
pgsql_user_list(struct store_conn *c, int64_t after_id, int limit, json_t **items)
{
    return pq_list_json(c, items, SQL_USER_LIST, "id", after_id, limit);
}

int
pgsql_user_set_disabled(struct store_conn *c, int64_t id, int64_t at)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_USER_SET_DISABLED, "ii", at, id);

    if (rc == ERR_OK && changed == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK && at > 0)
        rc = pq_cmd(c, NULL, SQL_USER_SESSIONS_DELETE, "i", id);
    return rc;
}

int
pgsql_user_set_password_hash(struct store_conn *c, int64_t id, const char *password_hash)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_USER_SET_PASSWORD_HASH, "ti", password_hash, id);

    if (rc == ERR_OK && changed == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int
pgsql_session_create(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                     const struct store_session *s, int64_t *id)
{
    char as_patient[24], parent[24];
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_SESSION_INSERT, "bitiiitt", token_hash, hash_len, s->user_id,
                     s->csrf_token, s->created_at, s->last_seen_at, s->expires_at,
                     opt_id(s->as_patient_id, as_patient, sizeof(as_patient)),
                     opt_id(s->parent_id, parent, sizeof(parent)));

    return insert_id(r, rc, id);
}

int
pgsql_session_lookup(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                     struct store_session *out, struct store_user *user)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_SESSION_LOOKUP, "b", token_hash, hash_len);

    if (rc == ERR_OK && PQntuples(r) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK) {
        out->id = pq_get_int64(r, 0, 0);
        out->user_id = pq_get_int64(r, 0, 1);
        pq_get_text(r, 0, 2, out->csrf_token, sizeof(out->csrf_token));
        out->created_at = pq_get_int64(r, 0, 3);
        out->last_seen_at = pq_get_int64(r, 0, 4);
        out->expires_at = pq_get_int64(r, 0, 5);
        out->as_patient_id = pq_get_int64(r, 0, 6);
        out->parent_id = pq_get_int64(r, 0, 7);
        if (user)
            user_columns(r, 8, user);
    }
    PQclear(r);
    return rc;
}

int
pgsql_session_touch(struct store_conn *c, int64_t id, int64_t now)
{
    return pq_cmd(c, NULL, SQL_SESSION_TOUCH, "ii", now, id);
}

int
pgsql_session_delete(struct store_conn *c, int64_t id)
{
    return pq_cmd(c, NULL, SQL_SESSION_DELETE, "i", id);
}

int
pgsql_login_failure_add(struct store_conn *c, const char *email, const char *address, int64_t at)
{
    return pq_cmd(c, NULL, SQL_FAILURE_INSERT, "tti", email, address, at);
}

int
pgsql_login_failure_count(struct store_conn *c, const char *email, const char *address,
                          int64_t since, int *by_email, int *by_address)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_FAILURE_COUNT, "tti", email, address, since);

    if (rc == ERR_OK && PQntuples(r) != 1)
        rc = ERR_STORE;
    if (rc == ERR_OK) {
        *by_email = (int)pq_get_int64(r, 0, 0);
        *by_address = (int)pq_get_int64(r, 0, 1);
    }
    PQclear(r);
    return rc;
}

int
pgsql_token_create(struct store_conn *c, const char *name, const char *role, int64_t patient_id,
                   const unsigned char *token_hash, size_t hash_len, int64_t created_by,
                   int64_t now, int64_t *id)
{
    char by[24], patient[24];
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_TOKEN_INSERT, "tttbti", name, role,
                     opt_id(patient_id, patient, sizeof(patient)), token_hash, hash_len,
                     opt_id(created_by, by, sizeof(by)), now);

    return insert_id(r, rc, id);
}

int
pgsql_token_lookup(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                   struct store_token *out)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_TOKEN_LOOKUP, "b", token_hash, hash_len);

    if (rc == ERR_OK && PQntuples(r) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK) {
        out->id = pq_get_int64(r, 0, 0);
        pq_get_text(r, 0, 1, out->role, sizeof(out->role));
        out->patient_id = pq_get_int64(r, 0, 2);
    }
    PQclear(r);
    return rc;
}

int
pgsql_token_list(struct store_conn *c, json_t **items)
{
    return pq_list_json(c, items, SQL_TOKEN_LIST, NULL);
}

int
pgsql_token_revoke(struct store_conn *c, int64_t id, int64_t now)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_TOKEN_REVOKE, "ii", now, id);

    if (rc == ERR_OK && changed == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int
pgsql_audit_add(struct store_conn *c, const struct store_audit *a)
{
    char actor[24], as_patient[24];

    return pq_cmd(c, NULL, SQL_AUDIT_INSERT, "itttttdt", a->at,
                  opt_id(a->actor_user_id, actor, sizeof(actor)),
                  opt_id(a->as_patient_id, as_patient, sizeof(as_patient)), a->action,
                  a->method ? a->method : "", a->path ? a->path : "", a->status,
                  a->address ? a->address : "");
}

int
pgsql_audit_list(struct store_conn *c, const struct store_audit_filter *f, json_t **items)
{
    return pq_list_json(c, items, SQL_AUDIT_LIST, "iiiid", f->from, f->to, f->actor_user_id,
                        f->after_id, f->limit);
}
