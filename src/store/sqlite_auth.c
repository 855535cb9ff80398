/* SQLite backend: users, sessions and failed logins. */
#include <string.h>

#include "store/sqlite_internal.h"
#include "util/err.h"

static const char SQL_USER_INSERT[] =
    "INSERT INTO users (email, password_hash, role, patient_id, created_at) "
    "VALUES (?, ?, ?, ?, strftime('%s', 'now'))";
static const char SQL_USER_BY_EMAIL[] =
    "SELECT id, email, password_hash, role, patient_id FROM users WHERE email = ?";
static const char SQL_USER_BY_ID[] =
    "SELECT id, email, password_hash, role, patient_id FROM users WHERE id = ?";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, "
    "expires_at) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_SESSION_LOOKUP[] =
    "SELECT id, user_id, csrf_token, created_at, last_seen_at, expires_at FROM sessions "
    "WHERE token_hash = ?";
static const char SQL_SESSION_TOUCH[] = "UPDATE sessions SET last_seen_at = ? WHERE id = ?";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE id = ?";
static const char SQL_FAILURE_INSERT[] =
    "INSERT INTO login_failures (email, address, at) VALUES (?, ?, ?)";
static const char SQL_FAILURE_COUNT[] =
    "SELECT (SELECT count(*) FROM login_failures WHERE email = ?1 AND at >= ?3), "
    "(SELECT count(*) FROM login_failures WHERE address = ?2 AND at >= ?3)";

int
store_user_create(struct store_conn *c, const char *email, const char *password_hash,
                  const char *role, int64_t patient_id, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_USER_INSERT);
    int rc;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, password_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
    if (patient_id > 0)
        sqlite3_bind_int64(st, 4, patient_id);
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int
user_row(struct store_conn *c, sqlite3_stmt *st, struct store_user *out)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        sql_copy_text(st, 1, out->email, sizeof(out->email));
        sql_copy_text(st, 2, out->password_hash, sizeof(out->password_hash));
        sql_copy_text(st, 3, out->role, sizeof(out->role));
        out->patient_id = sqlite3_column_int64(st, 4);
        rc = ERR_OK;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

int
store_user_by_email(struct store_conn *c, const char *email, struct store_user *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_USER_BY_EMAIL);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    return user_row(c, st, out);
}

int
store_user_get(struct store_conn *c, int64_t id, struct store_user *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_USER_BY_ID);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, id);
    return user_row(c, st, out);
}

int
store_session_create(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                     const struct store_session *s, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_SESSION_INSERT);
    int rc;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, token_hash, (int)hash_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, s->user_id);
    sqlite3_bind_text(st, 3, s->csrf_token, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, s->created_at);
    sqlite3_bind_int64(st, 5, s->last_seen_at);
    sqlite3_bind_int64(st, 6, s->expires_at);
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

int
store_session_lookup(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                     struct store_session *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_SESSION_LOOKUP);
    int rc;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, token_hash, (int)hash_len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->user_id = sqlite3_column_int64(st, 1);
        sql_copy_text(st, 2, out->csrf_token, sizeof(out->csrf_token));
        out->created_at = sqlite3_column_int64(st, 3);
        out->last_seen_at = sqlite3_column_int64(st, 4);
        out->expires_at = sqlite3_column_int64(st, 5);
        rc = ERR_OK;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

static int
exec_id(struct store_conn *c, const char *sql, int64_t a, int64_t b, int n)
{
    sqlite3_stmt *st = sql_prepare(c, sql);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, a);
    if (n > 1)
        sqlite3_bind_int64(st, 2, b);
    return sql_exec_step(c, st);
}

int
store_session_touch(struct store_conn *c, int64_t id, int64_t now)
{
    return exec_id(c, SQL_SESSION_TOUCH, now, id, 2);
}

int
store_session_delete(struct store_conn *c, int64_t id)
{
    return exec_id(c, SQL_SESSION_DELETE, id, 0, 1);
}

int
store_login_failure_add(struct store_conn *c, const char *email, const char *address, int64_t at)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_FAILURE_INSERT);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, at);
    return sql_exec_step(c, st);
}

int
store_login_failure_count(struct store_conn *c, const char *email, const char *address,
                          int64_t since, int *by_email, int *by_address)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_FAILURE_COUNT);
    int rc;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, since);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *by_email = sqlite3_column_int(st, 0);
        *by_address = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
}
