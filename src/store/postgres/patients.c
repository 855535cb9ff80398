/* PostgreSQL backend: possible duplicate patients and merging them. */
#include "store/postgres/internal.h"
#include "util/err.h"

static const char SQL_DUPLICATE_OF[] =
    "SELECT id FROM patients_view WHERE email <> '' AND lower(email) = lower($1) "
    "AND has_account = 0 ORDER BY id LIMIT 1";
/* Both records locked in id order (no deadlock between two merges): a
 * booking, invoice or login that would name one of them waits for the
 * merge on its foreign key check, and a login made meanwhile cannot slip
 * in between the check below and the move. */
static const char SQL_MERGE_LOCK[] =
    "SELECT count(*) FROM (SELECT id FROM patients WHERE id IN ($1::bigint, $2::bigint) "
    "ORDER BY id FOR UPDATE) locked";
static const char SQL_MERGE_LOGINS[] =
    "SELECT count(DISTINCT patient_id) FROM users WHERE patient_id IN ($1::bigint, $2::bigint)";
/* Everything that names a patient, moved (or, for login-as views of the
 * merged record, ended) before the record goes. */
static const char *const SQL_MERGE[] = {
    "UPDATE bookings SET patient_id = $2::bigint WHERE patient_id = $1::bigint",
    "UPDATE appointments SET patient_id = $2::bigint WHERE patient_id = $1::bigint",
    "UPDATE invoices SET patient_id = $2::bigint WHERE patient_id = $1::bigint",
    "UPDATE patient_packages SET patient_id = $2::bigint WHERE patient_id = $1::bigint",
    "UPDATE users SET patient_id = $2::bigint WHERE patient_id = $1::bigint",
    "UPDATE api_tokens SET patient_id = $2::bigint WHERE patient_id = $1::bigint",
    "DELETE FROM sessions WHERE as_patient_id = $1::bigint AND $2::bigint IS NOT NULL",
    ("UPDATE patients SET possible_duplicate_of = NULL WHERE id = $2::bigint "
     "AND possible_duplicate_of = $1::bigint"),
    "DELETE FROM patients WHERE id = $1::bigint AND $2::bigint IS NOT NULL",
};

int
pgsql_patient_duplicate_of(struct store_conn *c, const char *email, int64_t *id)
{
    *id = 0;
    return pq_int64(c, id, SQL_DUPLICATE_OF, "t", email);
}

int
pgsql_patient_merge(struct store_conn *c, int64_t id, int64_t into_id)
{
    int64_t patients = 0, logins = 0;
    size_t i;
    int rc = pq_int64(c, &patients, SQL_MERGE_LOCK, "ii", id, into_id);

    if (rc == ERR_OK && patients != 2)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK)
        rc = pq_int64(c, &logins, SQL_MERGE_LOGINS, "ii", id, into_id);
    if (rc == ERR_OK && logins > 1)
        rc = ERR_CONFLICT;
    for (i = 0; rc == ERR_OK && i < sizeof(SQL_MERGE) / sizeof(SQL_MERGE[0]); i++)
        rc = pq_cmd(c, NULL, SQL_MERGE[i], "ii", id, into_id);
    return rc;
}
