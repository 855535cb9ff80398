/* SQLite backend: possible duplicate patients and merging them. */
#include "store/sqlite/internal.h"
#include "util/err.h"

static const char SQL_DUPLICATE_OF[] =
    "SELECT id FROM patients_view WHERE email <> '' AND lower(email) = lower(?) "
    "AND has_account = 0 ORDER BY id LIMIT 1";
static const char SQL_MERGE_CHECK[] =
    "SELECT (SELECT count(*) FROM patients WHERE id IN (?1, ?2)), "
    "(SELECT count(DISTINCT patient_id) FROM users WHERE patient_id IN (?1, ?2))";
/* Everything that names a patient, moved (or, for login-as views of the
 * merged record, ended) before the record goes. */
static const char *const SQL_MERGE[] = {
    "UPDATE bookings SET patient_id = ?2 WHERE patient_id = ?1",
    "UPDATE appointments SET patient_id = ?2 WHERE patient_id = ?1",
    "UPDATE invoices SET patient_id = ?2 WHERE patient_id = ?1",
    "UPDATE patient_packages SET patient_id = ?2 WHERE patient_id = ?1",
    "UPDATE users SET patient_id = ?2 WHERE patient_id = ?1",
    "UPDATE api_tokens SET patient_id = ?2 WHERE patient_id = ?1",
    "DELETE FROM sessions WHERE as_patient_id = ?1 AND ?2 IS NOT NULL",
    "UPDATE patients SET possible_duplicate_of = NULL WHERE id = ?2 AND possible_duplicate_of = ?1",
    "DELETE FROM patients WHERE id = ?1 AND ?2 IS NOT NULL",
};

int
sqlite_patient_duplicate_of(struct store_conn *c, const char *email, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_DUPLICATE_OF);
    int rc;

    *id = 0;
    if (!st)
        return ERR_STORE;
    rc = sql_bind(c, st, "t", email);
    if (rc != ERR_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    rc = rc == SQLITE_ROW ? ERR_OK : rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    sqlite3_reset(st);
    return rc;
}

/* Inside the caller's write transaction, whose single writer keeps the
 * two records and their logins as checked until the commit. */
int
sqlite_patient_merge(struct store_conn *c, int64_t id, int64_t into_id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_MERGE_CHECK);
    int64_t patients = 0, logins = 0;
    size_t i;
    int rc;

    if (!st)
        return ERR_STORE;
    rc = sql_bind(c, st, "ii", id, into_id);
    if (rc != ERR_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        patients = sqlite3_column_int64(st, 0);
        logins = sqlite3_column_int64(st, 1);
    }
    rc = rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
    sqlite3_reset(st);
    if (rc == ERR_OK && patients != 2)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK && logins > 1)
        rc = ERR_CONFLICT;
    for (i = 0; rc == ERR_OK && i < sizeof(SQL_MERGE) / sizeof(SQL_MERGE[0]); i++) {
        st = sql_prepare(c, SQL_MERGE[i]);
        rc = st ? sql_bind(c, st, "ii", id, into_id) : ERR_STORE;
        if (rc == ERR_OK)
            rc = sql_exec_step(c, st);
    }
    return rc;
}
