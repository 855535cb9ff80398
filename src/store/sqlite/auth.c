/* SQLite backend: users, sessions and failed logins. */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

static const char SQL_USER_INSERT[] =
    "INSERT INTO users (email, password_hash, role, patient_id, created_at) "
    "VALUES (?, ?, ?, ?, strftime('%s', 'now'))";
static const char SQL_USER_BY_EMAIL[] =
    "SELECT id, email, password_hash, role, patient_id, disabled_at FROM users WHERE email = ?";
static const char SQL_USER_BY_ID[] =
    "SELECT id, email, password_hash, role, patient_id, disabled_at FROM users WHERE id = ?";
static const char SQL_USER_LIST[] =
    "SELECT id, email, role, created_at, disabled_at FROM users "
    "WHERE role IN ('admin', 'staff') AND id > ? ORDER BY id LIMIT ?";
static const char SQL_USER_SET_DISABLED[] =
    "UPDATE users SET disabled_at = CASE WHEN ?1 = 0 THEN NULL "
    "ELSE coalesce(disabled_at, ?1) END WHERE id = ?2 AND role IN ('admin', 'staff')";
static const char SQL_USER_SESSIONS_DELETE[] = "DELETE FROM sessions WHERE user_id = ?";
static const char SQL_USER_SET_PASSWORD_HASH[] = "UPDATE users SET password_hash = ? WHERE id = ?";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, "
    "expires_at, as_patient_id, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_SESSION_LOOKUP[] =
    "SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, "
    "s.as_patient_id, s.parent_id, u.id, u.email, u.password_hash, u.role, u.patient_id, "
    "u.disabled_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?";
static const char SQL_SESSION_TOUCH[] = "UPDATE sessions SET last_seen_at = ? WHERE id = ?";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE id = ?";
static const char SQL_USER_BY_PATIENT[] = "SELECT id, email, password_hash, role, patient_id, "
                                          "disabled_at FROM users WHERE patient_id = ?";
static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO api_tokens (name, role, patient_id, token_hash, created_by, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_TOKEN_LOOKUP[] =
    "SELECT id, role, coalesce(patient_id, 0) FROM api_tokens WHERE token_hash = ? "
    "AND revoked_at IS NULL";
static const char SQL_TOKEN_LIST[] =
    "SELECT id, name, role, patient_id, created_by, created_at, revoked_at FROM api_tokens "
    "ORDER BY id";
static const char SQL_TOKEN_REVOKE[] =
    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO audit_log (at, actor_user_id, as_patient_id, action, method, path, status, "
    "address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_AUDIT_LIST[] =
    "SELECT a.id, a.at, a.actor_user_id, u.email AS actor_email, a.as_patient_id, a.action, "
    "a.method, a.path, a.status, a.address FROM audit_log a LEFT JOIN users u ON "
    "u.id = a.actor_user_id WHERE (?1 = 0 OR a.at >= ?1) AND (?2 = 0 OR a.at < ?2) "
    "AND (?3 = 0 OR a.actor_user_id = ?3) AND a.id > ?4 ORDER BY a.id LIMIT ?5";
static const char SQL_FAILURE_INSERT[] =
    "INSERT INTO login_failures (email, address, at) VALUES (?, ?, ?)";
static const char SQL_FAILURE_COUNT[] =
    "SELECT (SELECT count(*) FROM login_failures WHERE email = ?1 AND at >= ?3), "
    "(SELECT count(*) FROM login_failures WHERE address = ?2 AND at >= ?3)";

int
sqlite_user_create(struct store_conn *c, const char *email, const char *password_hash,
                   const char *role, int64_t patient_id, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_USER_INSERT);
    int rc;

    if (!st || sql_bind(c, st, "ttto", email, password_hash, role, patient_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
    return rc;
}

/* The user in the row's columns from col on, as SQL_USER_BY_* select them. */
static void
user_columns(sqlite3_stmt *st, int col, struct store_user *out)
{
    out->id = sqlite3_column_int64(st, col);
    sql_copy_text(st, col + 1, out->email, sizeof(out->email));
    sql_copy_text(st, col + 2, out->password_hash, sizeof(out->password_hash));
    sql_copy_text(st, col + 3, out->role, sizeof(out->role));
    out->patient_id = sqlite3_column_int64(st, col + 4);
    out->disabled_at = sqlite3_column_int64(st, col + 5);
}

static int
user_row(struct store_conn *c, sqlite3_stmt *st, struct store_user *out)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW) {
        user_columns(st, 0, out);
        rc = ERR_OK;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

int
sqlite_user_by_email(struct store_conn *c, const char *email, struct store_user *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_USER_BY_EMAIL);

    if (!st || sql_bind(c, st, "t", email) != ERR_OK)
        return ERR_STORE;
    return user_row(c, st, out);
}

int
sqlite_user_get(struct store_conn *c, int64_t id, struct store_user *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_USER_BY_ID);

    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    return user_row(c, st, out);
}

int
sqlite_session_create(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                      const struct store_session *s, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_SESSION_INSERT);
    int rc;

    if (!st ||
        sql_bind(c, st, "bitiiioo", token_hash, hash_len, s->user_id, s->csrf_token, s->created_at,
                 s->last_seen_at, s->expires_at, s->as_patient_id, s->parent_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
    return rc;
}

int
sqlite_session_lookup(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                      struct store_session *out, struct store_user *user)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_SESSION_LOOKUP);
    int rc;

    if (!st || sql_bind(c, st, "b", token_hash, hash_len) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->user_id = sqlite3_column_int64(st, 1);
        sql_copy_text(st, 2, out->csrf_token, sizeof(out->csrf_token));
        out->created_at = sqlite3_column_int64(st, 3);
        out->last_seen_at = sqlite3_column_int64(st, 4);
        out->expires_at = sqlite3_column_int64(st, 5);
        out->as_patient_id = sqlite3_column_int64(st, 6);
        out->parent_id = sqlite3_column_int64(st, 7);
        if (user)
            user_columns(st, 8, user);
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

    if (!st || sql_bind(c, st, n > 1 ? "ii" : "i", a, b) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_user_list(struct store_conn *c, int64_t after_id, int limit, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_USER_LIST, items);

    if (!st || sql_bind(c, st, "id", after_id, limit) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_user_set_disabled(struct store_conn *c, int64_t id, int64_t at)
{
    int rc = exec_id(c, SQL_USER_SET_DISABLED, at, id, 2);

    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK && at > 0)
        rc = exec_id(c, SQL_USER_SESSIONS_DELETE, id, 0, 1);
    return rc;
}

int
sqlite_user_set_password_hash(struct store_conn *c, int64_t id, const char *password_hash)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_USER_SET_PASSWORD_HASH);
    int rc;

    if (!st || sql_bind(c, st, "ti", password_hash, id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int
sqlite_session_touch(struct store_conn *c, int64_t id, int64_t now)
{
    return exec_id(c, SQL_SESSION_TOUCH, now, id, 2);
}

int
sqlite_session_delete(struct store_conn *c, int64_t id)
{
    return exec_id(c, SQL_SESSION_DELETE, id, 0, 1);
}

int
sqlite_login_failure_add(struct store_conn *c, const char *email, const char *address, int64_t at)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_FAILURE_INSERT);

    if (!st || sql_bind(c, st, "tti", email, address, at) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_login_failure_count(struct store_conn *c, const char *email, const char *address,
                           int64_t since, int *by_email, int *by_address)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_FAILURE_COUNT);
    int rc;

    if (!st || sql_bind(c, st, "tti", email, address, since) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *by_email = sqlite3_column_int(st, 0);
        *by_address = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
}

int
sqlite_user_by_patient(struct store_conn *c, int64_t patient_id, struct store_user *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_USER_BY_PATIENT);

    if (!st || sql_bind(c, st, "i", patient_id) != ERR_OK)
        return ERR_STORE;
    return user_row(c, st, out);
}

int
sqlite_token_create(struct store_conn *c, const char *name, const char *role, int64_t patient_id,
                    const unsigned char *token_hash, size_t hash_len, int64_t created_by,
                    int64_t now, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_TOKEN_INSERT);
    int rc;

    if (!st || sql_bind(c, st, "ttoboi", name, role, patient_id, token_hash, hash_len, created_by,
                        now) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
    return rc;
}

int
sqlite_token_lookup(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                    struct store_token *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_TOKEN_LOOKUP);
    int rc;

    if (!st || sql_bind(c, st, "b", token_hash, hash_len) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        sql_copy_text(st, 1, out->role, sizeof(out->role));
        out->patient_id = sqlite3_column_int64(st, 2);
        rc = ERR_OK;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

int
sqlite_token_list(struct store_conn *c, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_TOKEN_LIST, items);

    if (!st)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_token_revoke(struct store_conn *c, int64_t id, int64_t now)
{
    int rc = exec_id(c, SQL_TOKEN_REVOKE, now, id, 2);

    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int
sqlite_audit_add(struct store_conn *c, const struct store_audit *a)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_AUDIT_INSERT);

    if (!st || sql_bind(c, st, "iootttdt", a->at, a->actor_user_id, a->as_patient_id, a->action,
                        a->method ? a->method : "", a->path ? a->path : "", a->status,
                        a->address ? a->address : "") != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_audit_list(struct store_conn *c, const struct store_audit_filter *f, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_AUDIT_LIST, items);

    if (!st ||
        sql_bind(c, st, "iiiid", f->from, f->to, f->actor_user_id, f->after_id, f->limit) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}
